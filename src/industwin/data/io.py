"""The one input layer: every tabular input and every YAML/JSON mapping enters industwin here.

* :func:`read_table` reads a table of records (CSV/TSV, Parquet, Excel — or a DataFrame given in Python)
  and says clearly, naming the file, when it is not found, a folder, empty, header only, not UTF-8 (and
  which encoding to save it as), corrupt, or has a repeated or blank column name. Identifier columns
  (firm ids, NACE / NAICS / sector codes, respondent ids) are read as text, so leading zeros survive.
* :func:`read_matrix` reads a labelled matrix (an MRIO block, an essentiality matrix) with its label
  columns and header rows as text, refusing repeated or blank labels and cells that are not numbers.
* :class:`Issues` collects the problems of one file (the first :data:`~industwin.errors.MAX_ISSUES` are
  shown); :func:`numbers` and :func:`texts` turn a column into typed values, every bad cell named by
  its line.
* :func:`read_mapping` reads a YAML or JSON mapping (scenario files, plans), refusing repeated keys;
  :func:`validate` checks it against a typed schema and :func:`schema_issues` turns pydantic's errors
  into the project's issues, with field paths such as ``shocks.capacity[0].size``.

Only blank cells count as missing: ``NA`` is Namibia, not a gap.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from industwin.errors import DataError, SelectionError, ValidationError, ValidationIssue, plain

__all__ = ["ROW_FORMATS", "input_path", "read_table", "read_matrix", "Issues", "numbers", "texts", "line_of",
           "require_columns", "records", "read_sector_values", "read_mapping", "validate", "schema_issues"]

CSV_LIKE = {".csv": ",", ".tsv": "\t", ".txt": "\t"}
EXCEL = (".xlsx", ".xlsm", ".xls")
ROW_FORMATS = (".csv", ".tsv", ".txt", ".parquet", *EXCEL)
MAPPING_FORMATS = (".yaml", ".yml", ".json")
# text columns use pandas' own string dtype where it keeps blanks as NaN (pandas ≥ 3), else object
TEXT_DTYPE: Any = "str" if int(pd.__version__.split(".")[0]) >= 3 else object


# --------------------------------------------------------------------------- paths
def input_path(path: str | os.PathLike, what: str, formats: Sequence[str] | None = ROW_FORMATS) -> Path:
    """A path to read, checked: it exists, is a file (not a folder), is not empty and has a known format."""
    if path is None or (isinstance(path, str) and not path.strip()):
        raise DataError(f"no {what} given (an empty path). Fix: give the path of the {what}")
    if not isinstance(path, str | os.PathLike):
        raise DataError(f"the {what} must be a path (or a DataFrame), not {type(path).__name__}. Fix: give its path")
    p = Path(path).expanduser()
    if not p.exists():
        near = _near(p)
        raise DataError(f"{p}: file not found (the {what}). Fix: check the path"
                        + (f"; files of that kind there: {near}" if near else ""))
    if p.is_dir():
        raise DataError(f"{p}: {what} is a folder, not a file. Fix: give the file inside it")
    if formats is not None and p.suffix.lower() not in formats:
        raise DataError(f"{p}: unknown format {p.suffix or '(no extension)'!r} for the {what}. Fix: save it as one "
                        f"of {', '.join(formats)}")
    try:
        size = p.stat().st_size
    except OSError as e:
        raise DataError(f"{p}: cannot read the {what} ({e.strerror}). Fix: check its permissions") from None
    if size == 0:
        need = "its fields" if p.suffix.lower() in MAPPING_FORMATS else "a header row and data rows"
        raise DataError(f"{p}: the {what} is empty (0 bytes). Fix: choose the right file, or write {need} in it")
    if not os.access(p, os.R_OK):
        raise DataError(f"{p}: the {what} cannot be read (permission denied). Fix: check its permissions")
    return p


def _near(p: Path) -> str:
    parent = p.parent if str(p.parent) else Path(".")
    try:
        names = sorted(f.name for f in parent.iterdir() if f.suffix.lower() == p.suffix.lower())[:5]
    except OSError:
        return ""
    return ", ".join(names)


def _encoding_hint(p: Path) -> str:
    """What a file that is not UTF-8 probably is, to tell the user what to save it as."""
    raw = p.read_bytes()[:65536]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "it looks like UTF-16"
    try:
        raw.decode("cp1252")
        return "it looks like Latin-1 / Windows-1252"
    except UnicodeDecodeError:
        return "it is not text in a known encoding"


def _binary(p: Path, what: str) -> DataError | None:
    """A workbook or Parquet file under a text file's name, recognised by its first bytes."""
    head = p.read_bytes()[:8]
    if head.startswith(b"PK\x03\x04"):
        return DataError(f"{p}: the {what} is an Excel workbook (or another zip file), not {p.suffix} text. Fix: name "
                         "it .xlsx, or save it as CSV UTF-8")
    if head.startswith(b"PAR1"):
        return DataError(f"{p}: the {what} is a Parquet file, not {p.suffix} text. Fix: name it .parquet")
    return None


def _not_utf8(p: Path, what: str) -> DataError:
    binary = _binary(p, what)
    if binary is not None:
        return binary
    if p.suffix.lower() in MAPPING_FORMATS:
        return DataError(f"{p}: the {what} is not UTF-8 text ({_encoding_hint(p)}). Fix: save it with the UTF-8 "
                         "encoding (in your editor's 'Save with encoding' or 'Reopen with encoding' menu)")
    return DataError(f"{p}: the {what} is not UTF-8 text ({_encoding_hint(p)}). Fix: save it as CSV UTF-8 "
                     "(in Excel: Save As → 'CSV UTF-8'; elsewhere choose the UTF-8 encoding)")


def _unreadable(p: Path, what: str, kind: str, e: BaseException) -> DataError:
    reason = " ".join(str(e).split())[:160] or type(e).__name__
    return DataError(f"{p}: cannot read the {what} as {kind} ({reason}). Fix: check that the file is a valid, "
                     f"complete {kind} file (re-export it)")


# --------------------------------------------------------------------------- tables of records
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


def _long_row(p: Path, sep: str, n: int) -> str:
    with open(p, encoding="utf-8-sig", newline="") as fh:
        for k, row in enumerate(csv.reader(fh, delimiter=sep), start=1):
            if len(row) > n:
                return f"line {k}"
    return "a line"


def _separator_hint(p: Path, what: str, sep: str, head: str) -> None:
    """A one-column header that holds another separator: the file was saved with it."""
    names = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars"}
    for other in (";", "\t", ",", "|"):
        if other != sep and other in head:
            if other == "\t":
                fix = "name it .tsv (tab-separated), or save it with commas as .csv"
            elif other == "," and sep == "\t":
                fix = "name it .csv (comma-separated)"
            else:
                fix = "save it with commas as separator (in Excel: Save As → 'CSV UTF-8 (Comma delimited)')"
            raise DataError(f"{p}: the {what} separates its columns with {names[other]}, but a {p.suffix} file is "
                            f"read with {names[sep]}. Fix: {fix}")


def _raw_rows(p: Path, what: str, sep: str, n: int) -> list[list[str]]:
    """The first ``n`` lines of a delimited text file, as cells."""
    try:
        with open(p, encoding="utf-8-sig", newline="") as fh:
            head = [fh.readline() for _ in range(n)]
    except UnicodeDecodeError:
        raise _not_utf8(p, what) from None
    if "\x00" in "".join(head):
        raise _binary(p, what) or _unreadable(p, what, "CSV", ValueError("it holds NUL bytes: a binary file"))
    try:
        return [r for r in csv.reader(io.StringIO("".join(head)), delimiter=sep)][:n]
    except csv.Error as e:
        raise _unreadable(p, what, "CSV", e) from None


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


def _as_text(s: pd.Series) -> pd.Series:
    """Identifiers as text: numbers stored as numbers lose no digits (``1.0`` → ``"1"``); blanks stay NaN."""
    if pd.api.types.is_string_dtype(s) and not isinstance(s.dtype, np.dtype):
        out = s.str.strip()                        # pandas' own string dtype: vectorised
        return out.mask(out == "").astype(TEXT_DTYPE)
    if pd.api.types.is_bool_dtype(s):
        return s.map(lambda v: str(v).lower(), na_action="ignore").astype(TEXT_DTYPE)
    if pd.api.types.is_numeric_dtype(s):
        def fmt(v):
            if pd.isna(v):
                return np.nan
            v = float(v)
            return str(int(v)) if v.is_integer() else repr(v)
        return s.map(fmt).astype(TEXT_DTYPE)
    out = s.map(lambda v: v if isinstance(v, str) else (np.nan if pd.isna(v) else
                                                       (str(int(v)) if isinstance(v, float) and v.is_integer()
                                                        else str(v))))
    out = out.map(lambda v: v.strip() if isinstance(v, str) else v)
    return out.where(out.map(lambda v: isinstance(v, str) and v != ""), np.nan).astype(TEXT_DTYPE)


def line_of(df: pd.DataFrame, k: int) -> str:
    """How to find the ``k``-th data row (0-based) in the user's file: its line, or its row number."""
    first = df.attrs.get("first_line")
    if first is None:
        return f"row {df.index[k]!r}"
    return f"line {k + first}" if first == 2 else f"row {k + 1}"


# --------------------------------------------------------------------------- typed columns
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
                issues.add(name, f"{int(bad.sum())} value(s) that are not true/false ({line_of(df, int(np.flatnonzero(bad)[0]))})",
                           "write true or false")
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


# --------------------------------------------------------------------------- labelled matrices
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
        try:   # numbers the fast way; the labels are re-read as text below when the parser touched them
            df = pd.read_csv(p, sep=CSV_LIKE[suf], index_col=list(range(index_cols)),
                             header=list(range(header_rows)) if header_rows > 1 else 0)
            df.index = _labels_as_written(p, CSV_LIKE[suf], df.index, index_cols, header_rows)
        except UnicodeDecodeError:
            raise _not_utf8(p, what) from None
        except pd.errors.EmptyDataError:
            raise DataError(f"{p}: the {what} holds no table. Fix: give header rows and data rows") from None
        except Exception as e:
            raise DataError(f"{source}: cannot read the {what} ({' '.join(str(e).split())[:160]}). Fix: use "
                            f"{index_cols} label column(s) and {header_rows} header row(s)") from None
        if len(head) and len(head[0]) == 1:
            _separator_hint(p, what, CSV_LIKE[suf], head[0][0])
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
    else:
        body = df.apply(pd.to_numeric, errors="coerce")
        bad = (body.isna() & df.notna()).to_numpy()
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


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == "" or \
        str(v).startswith("Unnamed:")


# --------------------------------------------------------------------------- mappings (YAML / JSON)
def read_mapping(path: str | os.PathLike | Mapping, what: str, required: str = "") -> tuple[dict, str]:
    """A YAML or JSON file (or a mapping given in Python) read as a mapping, and the name to cite in errors.

    Refuses: a missing file, a folder, an empty file, text that is not UTF-8, a syntax error (with its
    line), a key given twice, and a top level that is not a mapping (``required`` says what it must hold).
    """
    if isinstance(path, Mapping):
        return dict(path), what
    p = input_path(path, what, MAPPING_FORMATS)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise _not_utf8(p, what) from None
    if not text.strip():
        raise DataError(f"{p}: the {what} is empty. Fix: write {required or 'its fields'}")
    if p.suffix.lower() == ".json":
        try:
            data = json.loads(text, object_pairs_hook=_no_repeats(p), parse_constant=_json_constant(p))
        except json.JSONDecodeError as e:
            raise DataError(f"{p}: not valid JSON at line {e.lineno}, column {e.colno}: {e.msg}. Fix: correct the "
                            "syntax there") from None
    else:
        data = _yaml(text, p)
    if not isinstance(data, dict):
        raise DataError(f"{p}: the {what} must be a mapping of fields (key: value), not "
                        f"{type(data).__name__}. Fix: write {required or 'its fields'}")
    return data, str(p)


def _no_repeats(p: Path):
    def hook(pairs):
        seen = {}
        for k, v in pairs:
            if k in seen:
                raise DataError(f"{p}: key {k!r} is given twice in one object. Fix: keep one of them")
            seen[k] = v
        return seen
    return hook


def _json_constant(p: Path):
    def refuse(name: str):
        raise DataError(f"{p}: {name} is not a number JSON allows. Fix: write a finite number")
    return refuse


_SCIENTIFIC = re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$")


def _yaml(text: str, p: Path) -> Any:
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def mapping(loader, node, deep=False):
        loader.flatten_mapping(node)              # merge keys (<<: *anchor) are allowed
        keys = set()
        for k_node, _ in node.value:
            k = loader.construct_object(k_node, deep=deep)
            try:
                repeated = k in keys
            except TypeError:  # an unhashable key, e.g. a list
                raise DataError(f"{p}: line {k_node.start_mark.line + 1}: a key must be a plain value, not "
                                f"{type(k).__name__}. Fix: write key: value") from None
            if repeated:
                raise DataError(f"{p}: line {k_node.start_mark.line + 1}: key {k!r} is given twice in one mapping. "
                                "Fix: keep one of them")
            keys.add(k)
        return loader.construct_mapping(node, deep=deep)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    # YAML 1.1 reads 1e9 as text; people mean a number (YAML 1.2 and JSON agree)
    Loader.add_implicit_resolver("tag:yaml.org,2002:float", _SCIENTIFIC, list("-+0123456789."))
    try:
        return yaml.load(text, Loader=Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise DataError(f"{p}: not valid YAML{where}: {e.problem or e.context}. Fix: correct the syntax there "
                        "(indentation, a missing ':' or quote)") from None
    except yaml.YAMLError as e:
        raise DataError(f"{p}: not valid YAML ({' '.join(str(e).split())[:160]}). Fix: correct the syntax") from None
    except RecursionError:
        raise DataError(f"{p}: the YAML is nested too deeply. Fix: simplify the file") from None


# --------------------------------------------------------------------------- schemas
def validate(model: type, data: Any, source: str, doc: str = "") -> Any:
    """``model.model_validate(data)``; every problem becomes a :class:`ValidationIssue` naming ``source`` and
    the field path, and a :class:`SelectionError` raised inside a validator keeps its message."""
    from pydantic import ValidationError as PydanticError
    try:
        return model.model_validate(data)
    except PydanticError as e:
        raise ValidationError(schema_issues(e, source, doc, model)) from None
    except SelectionError as e:
        raise ValidationError([ValidationIssue(source, "(values)", str(e), "correct the value")]) from None


_TYPE_NAMES = ("float", "int", "str", "bool", "none", "bytes")
_TYPE_TAG = ("list[", "dict[", "tuple[", "function-", "lax-or-strict", "json-or-python", "literal[", "nullable[",
             "constrained-", "tagged-union[", "union[")


def _field_names(model: Any) -> set[str]:
    """Every field name of a schema and of the schemas inside it."""
    import typing

    from pydantic import BaseModel
    seen: set = set()
    names: set[str] = set()

    def walk(tp) -> None:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if tp in seen:
                return
            seen.add(tp)
            for n, f in tp.model_fields.items():
                names.add(n)
                walk(f.annotation)
        for a in typing.get_args(tp):
            walk(a)
    walk(model)
    return names


def _path(loc: Sequence[Any], fields: set[str] | None = None) -> str:
    out, prev = "", None
    for k, part in enumerate(loc):
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and (part in _TYPE_NAMES or part.lower().startswith(_TYPE_TAG) or
                                        part[:1].isupper() and
                                        part.endswith(("Spec", "Measure", "Model", "Request", "Ref"))):
            pass                          # a union branch's tag, not a field
        elif fields is not None and isinstance(prev, int) and part not in fields and k < len(loc) - 1:
            pass                          # the tag of a discriminated union after a list index
        else:
            out += ("." if out else "") + str(part)
        prev = part
    return out or "(top level)"


def _allowed_fields(model: Any, loc: Sequence[Any]) -> list[str] | None:
    """The field names allowed where an unknown field was found (walks ``model`` along ``loc``)."""
    import typing

    from pydantic import BaseModel

    def models_in(tp) -> list:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return [tp]
        return [m for a in typing.get_args(tp) for m in models_in(a)]

    current = [model]
    for part in loc[:-1]:
        if not isinstance(part, str):
            continue                       # a list index: the same item type
        nxt = [t for m in current if part in getattr(m, "model_fields", {})
               for t in models_in(m.model_fields[part].annotation)]
        current = nxt or current
    names = sorted({f for m in current for f in getattr(m, "model_fields", {})})
    return names or None


def schema_issues(err: Any, source: str, doc: str = "", model: Any = None) -> list[ValidationIssue]:
    """pydantic's errors as issues: one per field path (the deepest error of a union), readable values."""
    by_path: dict[str, tuple[int, str, ValidationIssue]] = {}
    see = f" (see {doc})" if doc else ""
    fields = _field_names(model) if model is not None else None
    for e in err.errors():
        loc, typ = e["loc"], e["type"]
        path = _path(loc, fields)
        msg = e["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        inp = e.get("input")
        if typ in ("float_type", "int_type", "int_from_float", "string_type", "bool_type") and \
                not isinstance(inp, dict | list):
            msg = f"{msg}, got {plain(inp)}"
            if isinstance(inp, bool) and typ == "string_type":
                msg += " (YAML reads yes/no/on/off/true/false as true or false: quote the text, e.g. 'NO')"
            elif isinstance(inp, bool):
                msg += " (true/false is not a number)"
        if typ in ("model_type", "dict_type", "model_attributes_type"):
            msg, fix = "should be a mapping of fields (key: value)", f"write its fields under it{see}"
            if inp is None:
                msg = "is empty"
                fix = f"write its fields under it, or remove the key{see}"
            by_path.setdefault(path, (len(loc), typ, ValidationIssue(source, path, msg, fix)))
            continue
        if typ == "union_tag_not_found":
            tag = (e.get("ctx") or {}).get("discriminator", "kind").strip("'")
            msg, fix = f"the {tag} is missing", f"give its {tag}, e.g. {tag}: efficiency{see}"
        elif typ == "string_pattern_mismatch":
            pattern = (e.get("ctx") or {}).get("pattern", "")
            msg = f"{plain(inp)} is not of the form expected here ({pattern})"
            fix = ("write it as text (quote it)" if not isinstance(inp, str) else
                   "six digits, e.g. 331110" if pattern == r"^\d{6}$" else "correct it") + see
        if typ in ("union_tag_not_found", "string_pattern_mismatch"):
            pass                                   # message and fix set above
        elif typ == "extra_forbidden":
            allowed = _allowed_fields(model, loc) if model is not None else None
            fix = "remove it or correct its spelling" + (f"; allowed here: {', '.join(allowed)}" if allowed else see)
            msg = "unknown field"
        elif typ == "missing":
            fix, msg = f"add this field{see}", "required field missing"
        elif typ == "finite_number":
            fix = "write a finite number (.inf, .nan and the like are not values)"
        elif typ in ("float_type", "int_type", "int_from_float", "float_parsing", "int_parsing"):
            fix = "write a number" + (" (a whole number)" if "int" in typ else "")
        elif typ.startswith("literal") or typ == "union_tag_invalid":
            fix = "use one of the values listed"
        else:
            fix = f"correct the value{see}"
        depth = len(loc)
        if path not in by_path or depth > by_path[path][0]:
            by_path[path] = (depth, typ, ValidationIssue(source, path, msg, fix))
    # a union reports each branch: where a field has a deeper problem, its branch-type complaints are noise
    paths = list(by_path)
    keep = [p for p in paths if not (by_path[p][1].endswith("_type") and
                                     any(q != p and q.startswith((p + ".", p + "[")) for q in paths))]
    return [by_path[p][2] for p in keep]
