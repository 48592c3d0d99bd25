"""WIOD 2016 release world input–output tables (Timmer et al. 2016; 43 countries + ROW × 56 sectors, 2000–2014).

Layout of ``WIOT<year>_Nov16_ROW.xlsb`` (also distributed as ``.xlsx``), one sheet
named after the year, read without a header:

* rows 0–1: title (cell A1 ends with the year) and a blank row; rows 2–5 are the column
  headers — industry code (``A01`` … ``U``, then ``CONS_h``, ``CONS_np``, ``CONS_g``,
  ``GFCF``, ``INVEN``, ``GO``), description, country (ISO3, ``ROW``), and the
  column number (``c1`` … ``c56``, ``c57`` … ``c61``, ``GO``); cell A3/A4 hold
  "(industry-by-industry)" and "(millions of US$)";
* from row 6: one row per country × industry, with columns A–D = code, description,
  country, row number (``r1`` …), then the 2,464 intermediate-use columns, the 220
  final-demand columns and the gross-output column;
* after the industry rows: ``II_fob`` (total intermediate inputs), ``TXSP``,
  ``EXP_adj``, ``PURR``, ``PURNR``, ``VA``, ``IntTTM`` and ``GO``.

Primary inputs (all rows between ``II_fob`` and ``GO``) become ``V``; totals are
checked against ``GO`` and dropped.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from industwin.data.mrio import MRIO
from industwin.errors import DataError

__all__ = ["parse_wiod2016"]

FD_CODES = ("CONS_h", "CONS_np", "CONS_g", "GFCF", "INVEN")
TOTAL_ROWS = ("II_fob", "GO")


def parse_wiod2016(path: str | Path, sheet: str | int | None = None) -> MRIO:
    """Parse one WIOD 2016 world table (``.xlsb`` or ``.xlsx``) into an :class:`MRIO` (M USD)."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: not found. Fix: give the path of WIOT<year>_Nov16_ROW.xlsb")
    m = re.search(r"WIOT(\d{4})", path.name)
    year = int(m.group(1)) if m else None
    try:
        raw = pd.read_excel(path, sheet_name=sheet if sheet is not None else (str(year) if year else 0),
                            header=None, engine="calamine")  # reads .xlsb and .xlsx
    except ValueError as e:
        raise DataError(f"{path}: cannot read the sheet ({e}). Fix: the table sits on a sheet named after "
                        "the year; pass sheet=...") from e
    if raw.shape[0] < 8 or raw.shape[1] < 8:
        raise DataError(f"{path}: sheet too small ({raw.shape}) for a WIOD table")
    code_row, country_row = raw.iloc[2], raw.iloc[4]
    body = raw.iloc[6:]
    codes = body.iloc[:, 0].astype(str).str.strip()
    n = int(np.argmax(codes.isin(TOTAL_ROWS).to_numpy()))
    if n == 0 or codes.iloc[n] != "II_fob":
        raise DataError(f"{path}: no 'II_fob' row after the industry rows in column A. Fix: use an unmodified "
                        "WIOD 2016 world table")
    col_codes = code_row.iloc[4:].astype(str).str.strip()
    fd_mask = col_codes.isin(FD_CODES).to_numpy()
    go_cols = np.flatnonzero((col_codes == "GO").to_numpy())
    index = pd.MultiIndex.from_arrays([body.iloc[:n, 2].astype(str).str.strip(), codes.iloc[:n]],
                                      names=["region", "sector"])
    col_index = pd.MultiIndex.from_arrays([country_row.iloc[4:4 + n].astype(str).str.strip(), col_codes.iloc[:n]])
    if not col_index.equals(index.set_names([None, None])):
        raise DataError(f"{path}: the {n} industry columns are not in the order of the industry rows. "
                        "Fix: use an unmodified WIOD 2016 world table")
    data = body.iloc[:, 4:].apply(pd.to_numeric, errors="coerce").fillna(0.0).to_numpy()
    Z = data[:n, :n]
    Y = data[:n, fd_mask]
    fd_index = pd.MultiIndex.from_arrays([country_row.iloc[4:][fd_mask].astype(str).str.strip(),
                                          col_codes[fd_mask]], names=["region", "category"])
    bottom = codes.iloc[n:]
    va_pos = [i for i, c in enumerate(bottom) if c not in TOTAL_ROWS and c not in ("", "nan")]
    V = data[n:][va_pos, :n]
    x = data[:n, go_cols[0]] if len(go_cols) else None
    go_row = np.flatnonzero((bottom == "GO").to_numpy())
    if x is not None and len(go_row):
        diff = np.abs(data[n + go_row[0], :n] - x)
        if (diff > 1e-6 * np.maximum(np.abs(x), 1.0)).any():
            raise DataError(f"{path}: the GO row and the GO column disagree for {int((diff > 1e-6).sum())} industries")
    names = dict(zip(codes.iloc[:n], body.iloc[:n, 1].astype(str)))
    return MRIO(Z, Y, x, index=index, fd_index=fd_index, V=V, va_index=pd.Index(list(bottom.iloc[va_pos])),
                unit="M USD", name="wiod2016", year=year, sector_names=names,
                meta={"source": "WIOD 2016 release (Timmer et al. 2016)", "path": str(path)},
                sources={"table": str(path)})
