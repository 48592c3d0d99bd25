"""Shared plumbing of the input layer: paths checked before reading, encodings, separators, text cells."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from industwin.errors import DataError

__all__ = ["CSV_LIKE", "EXCEL", "ROW_FORMATS", "MAPPING_FORMATS", "TEXT_DTYPE", "input_path"]

CSV_LIKE = {".csv": ",", ".tsv": "\t", ".txt": "\t"}
EXCEL = (".xlsx", ".xlsm", ".xls")
ROW_FORMATS = (".csv", ".tsv", ".txt", ".parquet", *EXCEL)
MAPPING_FORMATS = (".yaml", ".yml", ".json")
# text columns use pandas' own string dtype where it keeps blanks as NaN (pandas ≥ 3), else object
TEXT_DTYPE: Any = "str" if int(pd.__version__.split(".")[0]) >= 3 else object


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

