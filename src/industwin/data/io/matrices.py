"""Labelled numeric matrices (MRIO blocks, essentiality matrices): labels as text, every cell a number."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from industwin.data.io.files import (CSV_LIKE, EXCEL, _as_text, _not_utf8, _raw_rows, _separator_hint, _unreadable,
                                     input_path)
from industwin.data.io.records import Issues
from industwin.errors import DataError, plain

__all__ = ["read_matrix"]


def read_matrix(src: Any, what: str, *, index_cols: int = 1, header_rows: int = 1,
                sheet: str | None = None) -> pd.DataFrame:
    """A labelled numeric matrix: ``index_cols`` label columns and ``header_rows`` header rows, all labels
    as text. Refuses repeated or blank labels, cells that are not numbers, infinite cells and
    blank cells — each named by its row and column labels. A DataFrame is taken as it is."""
    if isinstance(src, pd.DataFrame | pd.Series):
        df = src.to_frame() if isinstance(src, pd.Series) else src
        return df
    p = input_path(src, what, (*CSV_LIKE, ".parquet", *EXCEL))
    suf = p.suffix.lower()
    source = str(p) + (f" [sheet {sheet}]" if suf in EXCEL else "")
    if suf in CSV_LIKE:
        head = _raw_rows(p, what, CSV_LIKE[suf], header_rows)
        if len(head) and len(head[0]) == 1:
            _separator_hint(p, what, CSV_LIKE[suf], head[0][0])
        try:   # numbers the fast way (only a blank is missing); labels re-read as text when the parser touched them
            df = pd.read_csv(p, sep=CSV_LIKE[suf], index_col=list(range(index_cols)),
                             header=list(range(header_rows)) if header_rows > 1 else 0, keep_default_na=False,
                             na_values=[""])
            df.index = _labels_as_written(p, CSV_LIKE[suf], df.index, index_cols, header_rows)
        except UnicodeDecodeError:
            raise _not_utf8(p, what) from None
        except pd.errors.EmptyDataError:
            raise DataError(f"{p}: the {what} holds no table. Fix: give header rows and data rows") from None
        except Exception as e:
            raise DataError(f"{source}: cannot read the {what} ({' '.join(str(e).split())[:160]}). Fix: use "
                            f"{index_cols} label column(s) and {header_rows} header row(s)") from None
        if df.shape[0] == 0:
            raise DataError(f"{p}: the {what} has its header but no data rows. Fix: add the rows")
        cells = [[c.strip() for c in row[index_cols:]] for row in head]
        if len(head) == header_rows and all(len(c) == df.shape[1] for c in cells):
            df.columns = (pd.MultiIndex.from_arrays(cells) if header_rows > 1 else pd.Index(cells[0]))
    elif suf == ".parquet":
        try:
            df = pd.read_parquet(p)
        except Exception as e:
            raise _unreadable(p, what, "Parquet", e) from None
        if df.index.nlevels != index_cols or isinstance(df.index, pd.RangeIndex):
            if not isinstance(df.index, pd.RangeIndex):
                df = df.reset_index()               # a stored index of another shape: back to columns first
            df = df.set_index(list(df.columns[:index_cols]))
        df.index = _text_labels(df.index)
        df.columns = _text_labels(df.columns)
    else:
        df = _excel_matrix(p, what, sheet, index_cols, header_rows)
    df.attrs["source"] = source
    return _check_matrix(df, what, source)


def _labels_as_written(p: Path, sep: str, index: pd.Index, ic: int, hr: int) -> pd.Index:
    """Row labels exactly as the file writes them: when the parser made numbers (``01`` → 1) or gaps (``NA``)
    of some, the label columns are read again as text."""
    levels = [index.get_level_values(i) for i in range(index.nlevels)]
    if all(pd.api.types.is_string_dtype(lv) and not pd.isna(lv).any() for lv in levels):
        return index
    raw = pd.read_csv(p, sep=sep, usecols=list(range(ic)), header=None, skiprows=hr, dtype=str,
                      keep_default_na=False, na_values=[""])
    if len(raw) == len(index) + 1:                  # pandas' row of index names under a multi-row header
        raw = raw.iloc[1:]
    if len(raw) != len(index):
        return index
    cols = [raw.iloc[:, k].str.strip().to_numpy(object) for k in range(ic)]
    return pd.MultiIndex.from_arrays(cols, names=index.names) if ic > 1 else pd.Index(cols[0], name=index.name)


def _text_labels(labels: pd.Index) -> pd.Index:
    """Labels as text, level by level (``1`` → ``"1"``), so a typed file labels rows and columns alike."""
    if isinstance(labels, pd.MultiIndex):
        return pd.MultiIndex.from_arrays([_as_text(pd.Series(labels.get_level_values(i))).to_numpy(object)
                                          for i in range(labels.nlevels)], names=labels.names)
    return pd.Index(_as_text(pd.Series(labels)).to_numpy(object), name=labels.name)


def _excel_matrix(p: Path, what: str, sheet: str | None, ic: int, hr: int) -> pd.DataFrame:
    try:
        raw = pd.read_excel(p, sheet_name=sheet if sheet is not None else 0, header=None, engine="calamine")
    except Exception as e:
        if "not found" in str(e).lower():
            raise DataError(f"{p}: no sheet {sheet!r} in the workbook. Fix: name the sheet {sheet!r}") from None
        raise _unreadable(p, what, "Excel", e) from None
    if raw.shape[0] <= hr or raw.shape[1] <= ic:
        raise DataError(f"{p} [sheet {sheet}]: the {what} has no data below its header. Fix: use {ic} label "
                        f"column(s) and {hr} header row(s)")
    head = raw.iloc[:hr, ic:].copy()
    body = raw.iloc[hr:].copy()
    # an optional row of index names (label cells filled, data cells empty), as pandas writes it
    if hr > 1 and body.iloc[0, ic:].isna().all():
        body = body.iloc[1:]
    # merged cells (as Excel and pandas write outer labels) leave blanks after the first: fill them forward
    for k in range(hr - 1):
        head.iloc[k] = head.iloc[k].ffill()
    for k in range(ic - 1):
        body.iloc[:, k] = body.iloc[:, k].ffill()
    labels = [_as_text(body.iloc[:, k]) for k in range(ic)]
    index = pd.MultiIndex.from_arrays(labels) if ic > 1 else pd.Index(labels[0])
    cols = [_as_text(head.iloc[k]) for k in range(hr)]
    columns = pd.MultiIndex.from_arrays(cols) if hr > 1 else pd.Index(cols[0])
    vals = body.iloc[:, ic:].apply(pd.to_numeric, errors="coerce")
    bad = vals.isna() & body.iloc[:, ic:].notna()
    if bad.to_numpy().any():
        r, c = np.argwhere(bad.to_numpy())[0]
        raise DataError(f"{p} [sheet {sheet}]: the {what} has a cell that is not a number "
                        f"({plain(body.iloc[r, ic + c])} at row {plain(index[r])}, column {plain(columns[c])}). "
                        "Fix: cells must be numbers (0 for none)")
    return pd.DataFrame(vals.to_numpy(float), index=index, columns=columns)


def _blank_labels(labels: pd.Index) -> np.ndarray:
    """Which labels are blank (in any level): empty, NaN or pandas' ``Unnamed: …`` placeholder."""
    levels = [labels.get_level_values(i) for i in range(labels.nlevels)]
    out = np.zeros(len(labels), bool)
    for lv in levels:
        txt = pd.Index(lv).astype(str).str.strip()
        out |= np.asarray(pd.isna(lv)) | np.asarray(txt == "") | np.asarray(txt.str.startswith("Unnamed:"))
    return out


def _check_matrix(df: pd.DataFrame, what: str, source: str) -> pd.DataFrame:
    issues = Issues(source)
    for axis, labels in (("row", df.index), ("column", df.columns)):
        blank = np.flatnonzero(_blank_labels(labels))
        if len(blank):
            issues.add(f"{axis} labels", f"{len(blank)} {axis}(s) without a label (first: {axis} {blank[0] + 1})",
                       f"label every {axis}")
        dup = labels[labels.duplicated()]
        if len(dup):
            issues.add(f"{axis} labels", f"{len(dup)} repeated {axis} label(s), e.g. "
                       f"{', '.join(plain(v) for v in dup[:3])}", f"give every {axis} one label, once")
    issues.raise_if_any()
    bad = np.zeros(df.shape, bool)
    if all(pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t) for t in df.dtypes):
        arr = df.to_numpy(dtype=float)
    else:                                   # true/false is no number, in a bool column or among numbers
        flags = df.apply(lambda c: c.map(lambda v: isinstance(v, bool | np.bool_)))
        body = df.mask(flags, np.nan).apply(pd.to_numeric, errors="coerce")
        bad = ((body.isna() & df.notna()) | flags).to_numpy()
        if bad.any():
            r, c = np.argwhere(bad)[0]
            issues.add("cells", f"{int(bad.sum())} cell(s) of the {what} that are not numbers, first "
                       f"{plain(df.iat[r, c])} at row {plain(df.index[r])}, column {plain(df.columns[c])}",
                       "cells must be numbers (0 for none)")
        arr = body.to_numpy(dtype=float)
    miss = np.isnan(arr) & ~bad
    if miss.any():
        r, c = np.argwhere(miss)[0]
        issues.add("cells", f"{int(miss.sum())} blank cell(s) in the {what}, first at row {plain(df.index[r])}, "
                   f"column {plain(df.columns[c])}", "write 0 where there is no flow (a blank is not taken as 0)")
    inf = np.isinf(arr)
    if inf.any():
        r, c = np.argwhere(inf)[0]
        issues.add("cells", f"{int(inf.sum())} infinite cell(s) in the {what}, first at row {plain(df.index[r])}, "
                   f"column {plain(df.columns[c])}", "write finite numbers")
    issues.raise_if_any()
    out = pd.DataFrame(arr, index=df.index, columns=df.columns)       # one block: later reads are views
    out.attrs.update(df.attrs)
    return out
