"""Tables of records (CSV/TSV, Parquet, Excel or a DataFrame) and their columns as typed values."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from industwin.data.io.files import (CSV_LIKE, ROW_FORMATS, _as_text, _long_row, _not_utf8, _raw_rows, _separator_hint,
                                     _unreadable, input_path)
from industwin.errors import DataError, ValidationError, ValidationIssue, plain

__all__ = ["read_table", "line_of", "Issues", "require_columns", "numbers", "texts", "records",
           "read_sector_values"]


def read_table(src: Any, what: str, *, text: Iterable[str] = (), sheet: str | int | None = None,
               formats: Sequence[str] = ROW_FORMATS) -> pd.DataFrame:
    """A table of records from a CSV/TSV, Parquet or Excel file, or a DataFrame.

    ``text``: identifier columns read as text (leading zeros kept, ``1.0`` written ``1``). Only blank
    cells are missing (NaN); column names are stripped of surrounding spaces. ``attrs["source"]`` names the
    file and ``attrs["first_line"]`` the line of the first data row (for messages, see :func:`line_of`).
    """
    text = [c for c in text]
    if isinstance(src, pd.DataFrame):
        df = src.copy(deep=False)
        source = str(src.attrs.get("source", what))
        first = None
    else:
        p = input_path(src, what, formats)
        source, first = str(p), 2
        suf = p.suffix.lower()
        if suf in CSV_LIKE:
            df = _read_csv_records(p, what, CSV_LIKE[suf], text)
        elif suf == ".parquet":
            try:
                df = pd.read_parquet(p)
            except Exception as e:  # pyarrow raises many kinds for a corrupt file
                raise _unreadable(p, what, "Parquet", e) from None
            if not isinstance(df.index, pd.RangeIndex):
                df = df.reset_index()
            first = 1
        else:
            df = _read_excel_records(p, what, sheet, text)
            source = f"{p} [sheet {sheet}]" if sheet is not None else source
    df.columns = [str(c).strip() for c in df.columns]
    dup = sorted({c for c in df.columns if list(df.columns).count(c) > 1})
    if dup:
        raise DataError(f"{source}: column(s) {', '.join(map(repr, dup))} appear more than once in the header. "
                        "Fix: give every column one distinct name")
    if any(c == "" or c.startswith("Unnamed:") for c in df.columns):
        k = next(i for i, c in enumerate(df.columns) if c == "" or c.startswith("Unnamed:"))
        raise DataError(f"{source}: column {k + 1} has no name in the header. Fix: name every column (or delete "
                        "the empty column)")
    if len(df) == 0:
        raise DataError(f"{source}: the {what} has a header but no data rows. Fix: add the data")
    for c in text:
        if c in df.columns:
            df[c] = _as_text(df[c])
    df.attrs["source"] = source
    df.attrs["first_line"] = first
    return df


def _read_csv_records(p: Path, what: str, sep: str, text: list[str]) -> pd.DataFrame:
    header = _raw_rows(p, what, sep, 1)
    if not header or not any(c.strip() for c in header[0]):
        raise DataError(f"{p}: the {what} has no header row (its first line is blank). Fix: put the column "
                        "names on the first line")
    names = [c.strip() for c in header[0]]
    dup = sorted({c for c in names if names.count(c) > 1 and c})
    if dup:
        raise DataError(f"{p}: column(s) {', '.join(map(repr, dup))} appear more than once in the header. "
                        "Fix: give every column one distinct name")
    dtype = {k: str for k, c in enumerate(names) if c in text}     # by position: the header may carry spaces
    if len(names) == 1:
        _separator_hint(p, what, sep, header[0][0])
    import warnings
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            df = pd.read_csv(p, sep=sep, dtype=dtype, keep_default_na=False, na_values=[""], encoding="utf-8-sig",
                             skipinitialspace=True, index_col=False)
    except UnicodeDecodeError:
        raise _not_utf8(p, what) from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{p}: the {what} holds no table. Fix: give a header row and data rows") from None
    except Exception as e:  # a malformed line (too many fields, an open quote …)
        raise _unreadable(p, what, "CSV", e) from None
    if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
        raise DataError(f"{p}: {_long_row(p, sep, len(names))} has more fields than the header ({len(names)}). Fix: "
                        "remove the extra cells, or quote text that holds the separator")
    return df

def _read_excel_records(p: Path, what: str, sheet: str | int | None, text: list[str]) -> pd.DataFrame:
    try:                          # text columns as text: a cell '01' stays '01' (a number 1 cannot be helped)
        return pd.read_excel(p, sheet_name=0 if sheet is None else sheet, engine="calamine",
                             dtype={c: str for c in text}, keep_default_na=False, na_values=[""])
    except ValueError as e:
        if "not found" in str(e).lower() or "worksheet" in str(e).lower():
            raise DataError(f"{p}: no sheet {sheet!r} in the workbook. Fix: name the sheet {sheet!r}") from None
        raise _unreadable(p, what, "Excel", e) from None
    except Exception as e:
        raise _unreadable(p, what, "Excel", e) from None

def line_of(df: pd.DataFrame, k: int) -> str:
    """How to find the ``k``-th data row (0-based) in the user's file: its line, or its row number."""
    first = df.attrs.get("first_line")
    if first is None:
        return f"row {df.index[k]!r}"
    return f"line {k + first}" if first == 2 else f"row {k + 1}"

class Issues:
    """The problems found in one input, raised together (the first 20 shown, the rest counted)."""

    def __init__(self, source: str):
        self.source = source
        self.items: list[ValidationIssue] = []

    def add(self, field: str, problem: str, fix: str) -> None:
        self.items.append(ValidationIssue(self.source, field, problem, fix))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationError(self.items)


def require_columns(df: pd.DataFrame, columns: Sequence[str], fix: str, *, allowed: Sequence[str] | None = None,
                    what: str = "") -> None:
    """Raise one :class:`ValidationError` naming every missing column (and unknown ones when ``allowed``)."""
    src = df.attrs.get("source", what or "table")
    issues = Issues(src)
    have = list(df.columns)
    for c in columns:
        if c not in have:
            near = [h for h in have if h.lower().replace(" ", "_") == c or h.lower().startswith(c[:3].lower())]
            issues.add(c, "column missing" + (f" (the file has {', '.join(map(repr, near))})" if near else ""), fix)
    if allowed is not None:
        for h in have:
            if h not in allowed:
                issues.add(h, "unknown column", f"remove it or correct its spelling; columns are {', '.join(allowed)}")
    issues.raise_if_any()


def numbers(df: pd.DataFrame, column: str, issues: Issues, *, blank: str = "error", minimum: float | None = None,
            strict_minimum: bool = False, integer: bool = False, fix: str | None = None,
            limit: int = 5) -> np.ndarray:
    """A column as finite floats; each blank (when ``blank="error"``), non-numeric, non-finite, boolean,
    fractional (``integer``) or too small value is an issue naming its line. Blank cells are NaN when
    ``blank="allow"``."""
    s = df[column]
    fix = fix or "write a number in every row"
    if pd.api.types.is_bool_dtype(s):
        issues.add(column, "true/false values where numbers are meant", fix)
        return np.full(len(s), np.nan)
    if s.dtype == object:                               # mixed cells (Excel, a DataFrame): true is no number
        flags = s.map(lambda v: isinstance(v, bool | np.bool_))
        if flags.any():
            eg = ", ".join(line_of(df, int(k)) for k in np.flatnonzero(flags.to_numpy())[:limit])
            issues.add(column, f"{int(flags.sum())} true/false value(s) where numbers are meant ({eg})", fix)
            s = s.mask(flags, "true")
    vals = pd.to_numeric(s.map(lambda v: v.strip() if isinstance(v, str) else v), errors="coerce") \
        if not pd.api.types.is_numeric_dtype(s) else s
    v = np.asarray(vals, dtype=float)
    miss = np.asarray(s.isna())
    text = np.isnan(v) & ~miss
    bad_text = [k for k in np.flatnonzero(text)]
    if len(bad_text):
        eg = ", ".join(f"{line_of(df, k)}: {plain(s.iloc[k])}" for k in bad_text[:limit])
        issues.add(column, f"{len(bad_text)} value(s) that are not numbers ({eg})", fix)
    if blank == "error" and miss.any():
        eg = ", ".join(line_of(df, k) for k in np.flatnonzero(miss)[:limit])
        issues.add(column, f"{int(miss.sum())} blank cell(s) ({eg})",
                   fix if "blank" in fix else f"{fix}; a blank is not taken as a default")
    inf = np.isinf(v)
    if inf.any():
        eg = ", ".join(line_of(df, k) for k in np.flatnonzero(inf)[:limit])
        issues.add(column, f"{int(inf.sum())} infinite value(s) ({eg})", "write a finite number")
    fin = np.isfinite(v)
    if integer:
        frac = fin & (v != np.round(v))
        if frac.any():
            eg = ", ".join(f"{line_of(df, k)}: {plain(v[k])}" for k in np.flatnonzero(frac)[:limit])
            issues.add(column, f"{int(frac.sum())} value(s) that are not whole numbers ({eg})", "write whole numbers")
    if minimum is not None:
        low = fin & ((v <= minimum) if strict_minimum else (v < minimum))
        if low.any():
            eg = ", ".join(f"{line_of(df, k)}: {plain(v[k])}" for k in np.flatnonzero(low)[:limit])
            bound = f"{'above' if strict_minimum else 'at least'} {minimum:g}"
            what = "negative value(s)" if minimum == 0 and not strict_minimum else f"value(s) not {bound}"
            issues.add(column, f"{int(low.sum())} {what} ({eg})", f"values must be {bound}")
    v = v.copy()
    v[~fin] = np.nan
    return v


def texts(df: pd.DataFrame, column: str, issues: Issues, *, blank: str = "error", fix: str | None = None,
          limit: int = 5) -> pd.Series:
    """A column as stripped text; blank cells are an issue (``blank="error"``) or NaN (``"allow"``)."""
    s = _as_text(df[column])
    miss = np.asarray(s.isna())
    if blank == "error" and miss.any():
        eg = ", ".join(line_of(df, k) for k in np.flatnonzero(miss)[:limit])
        issues.add(column, f"{int(miss.sum())} blank cell(s) ({eg})", fix or f"fill in {column} on every row")
    return s


def _kind(annotation: Any) -> str:
    """How a schema field's column is read: ``number``, ``integer``, ``boolean`` or ``text``."""
    import typing
    args = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
    base = typing.get_args(args[0])[0] if typing.get_origin(args[0]) is typing.Annotated else args[0]
    if base is bool:
        return "boolean"
    if base is int:
        return "integer"
    if base is float:
        return "number"
    return "text"


def records(df: pd.DataFrame, model: Any, *, doc: str = "", id_columns: Sequence[str] = ()) -> list:
    """The rows of a table as validated records of a schema (every problem listed, with its line).

    Columns are converted by the schema's field types (:func:`numbers`, :func:`texts`); unknown columns
    are refused. A blank cell is missing only where the field may be left out (its default is ``None``);
    a blank where the field has another default is an error, never a silent default."""
    from pydantic import ValidationError as PydanticError

    from industwin.data.io.mappings import schema_issues
    src = df.attrs.get("source", model.__name__)
    issues = Issues(src)
    fields = model.model_fields
    see = f" (see {doc})" if doc else ""
    for c in df.columns:
        if c not in fields:
            issues.add(c, "unknown column", f"remove it or correct its spelling; columns are {', '.join(fields)}")
    for name, f in fields.items():
        if f.is_required() and name not in df.columns:
            issues.add(name, "column missing", f"add a column {name}{see}")
    issues.raise_if_any()
    cols: dict[str, Any] = {}
    for name, f in fields.items():
        if name not in df.columns:
            continue
        blank = "allow" if (not f.is_required() and f.default in (None, "")) else "error"
        kind = _kind(f.annotation)
        fix = f"fill in {name} on every row{see}"
        if kind in ("number", "integer"):
            fix = f"write a {'whole ' if kind == 'integer' else ''}number for {name} on every row{see}"
            v = numbers(df, name, issues, blank=blank, integer=kind == "integer", fix=fix)
            cols[name] = [None if np.isnan(x) else (int(x) if kind == "integer" else float(x)) for x in v]
        elif kind == "boolean":
            t = texts(df, name, issues, blank=blank, fix=fix)
            low = t.map(lambda x: x.lower() if isinstance(x, str) else x)
            bad = low.notna() & ~low.isin(["true", "false", "yes", "no", "1", "0"])
            if bad.any():
                first = line_of(df, int(np.flatnonzero(bad)[0]))
                issues.add(name, f"{int(bad.sum())} value(s) that are not true/false ({first})", "write true or false")
            cols[name] = [None if not isinstance(x, str) else x in ("true", "yes", "1") for x in low]
        else:
            t = texts(df, name, issues, blank=blank, fix=fix)
            cols[name] = [x if isinstance(x, str) else None for x in t]
    issues.raise_if_any()
    out = []
    names = list(cols)
    for k, vals in enumerate(zip(*cols.values())):
        rec = {n: v for n, v in zip(names, vals) if v is not None}
        try:
            out.append(model.model_validate(rec))
        except PydanticError as e:
            for i in schema_issues(e, src, doc, model):
                issues.add(f"{line_of(df, k)}: {i.field}", i.problem, i.fix)
            if len(issues.items) > 200:
                break
    issues.raise_if_any()
    return out


def read_sector_values(src: Any, what: str, column: str = "value", *, minimum: float | None = None,
                       fix: str = "give each row a number") -> pd.Series:
    """A value per country-sector from a table with columns ``region``, ``sector`` and ``column``: every cell
    filled, finite numbers (at least ``minimum``), each (region, sector) once. ``attrs["source"]`` names the file."""
    from industwin.errors import plain_list
    df = read_table(src, what, text=("region", "sector"))
    require_columns(df, ["region", "sector", column], f"give columns region, sector, {column}")
    issues = Issues(df.attrs["source"])
    reg = texts(df, "region", issues, fix="give each row its region")
    sec = texts(df, "sector", issues, fix="give each row its sector")
    val = numbers(df, column, issues, minimum=minimum, fix=fix)
    issues.raise_if_any()
    out = pd.Series(val, index=pd.MultiIndex.from_arrays([reg.to_numpy(object), sec.to_numpy(object)],
                                                         names=["region", "sector"]), name=column)
    if out.index.has_duplicates:
        issues.add("region/sector", f"{int(out.index.duplicated().sum())} (region, sector) pair(s) given twice, e.g. "
                   f"{plain_list(out.index[out.index.duplicated()], 3)}", "give each pair once (add the values first)")
        issues.raise_if_any()
    out.attrs["source"] = df.attrs["source"]
    return out

