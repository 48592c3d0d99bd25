"""Eurostat FIGARO inter-country input–output tables (Remond-Tiedrez & Rueda-Cantuche, eds., 2019).

Two CSV layouts are published for each edition and year:

* **matrix** (``matrix_eu-ic-io_ind-by-ind_<ed>_<year>.csv``): a first column
  ``rowLabels`` with ``<country>_<code>`` labels (e.g. ``DE_C29``; rest of the world
  ``FIGW1``), the industry columns in the same order, then final-demand columns
  ``<country>_<P3_S13|P3_S14|P3_S15|P51G|P5M>``; the primary-input rows
  (``W2_B2A3G``, ``W2_D1``, ``W2_D21X31``, ``W2_D29X39``, ``W2_OP_RES``, ``W2_OP_NRES``)
  follow the industry rows.
* **flat** (``flatfile_eu-ic-io_ind-by-ind_<ed>_<year>.csv``): one row per cell with
  columns ``refArea``, ``rowPi``, ``counterpartArea``, ``colPi``, ``obsValue``
  (row country, row code, column country, column code, value).

Values are in million EUR. Product-by-product tables have the same layout (CPA codes).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from industwin.data.mrio import MRIO
from industwin.errors import DataError

__all__ = ["parse_figaro", "FD_CODES", "VA_CODES"]

FD_CODES = ("P3_S13", "P3_S14", "P3_S15", "P51G", "P5M")
VA_CODES = ("B2A3G", "D1", "D21X31", "D29X39", "OP_RES", "OP_NRES")
FD_NAMES = {"P3_S13": "Government final consumption", "P3_S14": "Household final consumption",
            "P3_S15": "NPISH final consumption", "P51G": "Gross fixed capital formation",
            "P5M": "Changes in inventories and valuables"}
FLAT_COLUMNS = ("refArea", "rowPi", "counterpartArea", "colPi", "obsValue")


def _matrix_from_flat(path: Path) -> pd.DataFrame:
    flat = pd.read_csv(path, usecols=lambda c: c in FLAT_COLUMNS)
    missing = [c for c in FLAT_COLUMNS if c not in flat.columns]
    if missing:
        raise DataError(f"{path}: flat FIGARO file lacks column(s) {missing}. Fix: expected {list(FLAT_COLUMNS)}")
    rows = flat["refArea"].astype(str) + "_" + flat["rowPi"].astype(str)
    cols = flat["counterpartArea"].astype(str) + "_" + flat["colPi"].astype(str)
    r_codes, r_uni = pd.factorize(rows)
    c_codes, c_uni = pd.factorize(cols)
    M = np.zeros((len(r_uni), len(c_uni)))
    np.add.at(M, (r_codes, c_codes), pd.to_numeric(flat["obsValue"], errors="raise").to_numpy())
    return pd.DataFrame(M, index=r_uni, columns=c_uni)


def parse_figaro(path: str | Path) -> MRIO:
    """Parse a FIGARO CSV (matrix or flat layout, detected from the header) into an :class:`MRIO`."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: not found. Fix: give the path of a FIGARO matrix_ or flatfile_ CSV")
    header = pd.read_csv(path, nrows=0).columns
    if "rowLabels" in header:
        raw = pd.read_csv(path, index_col="rowLabels")
    elif set(FLAT_COLUMNS) <= set(header):
        raw = _matrix_from_flat(path)
    else:
        raise DataError(f"{path}: neither a FIGARO matrix file (first column 'rowLabels') nor a flat file "
                        f"(columns {list(FLAT_COLUMNS)}). Fix: pass an unmodified Eurostat FIGARO CSV")
    raw.index = raw.index.astype(str)
    split = lambda s: tuple(s.split("_", 1)) if "_" in s else ("", s)  # noqa: E731
    is_fd = np.array([split(c)[1] in FD_CODES for c in raw.columns])
    is_va = np.array([split(r)[1] in VA_CODES for r in raw.index])
    ind_rows, ind_cols = raw.index[~is_va], raw.columns[~is_fd]
    if list(ind_rows) != list(ind_cols) and set(ind_rows) == set(ind_cols) and len(set(ind_rows)) == len(ind_rows):
        # same labels in another order (a flat file lists cells as they come): follow the rows
        raw = raw[list(ind_rows) + list(raw.columns[is_fd])]
        is_fd = np.array([split(c)[1] in FD_CODES for c in raw.columns])
        ind_cols = raw.columns[~is_fd]
    if list(ind_rows) != list(ind_cols):
        diff = sorted(set(ind_rows) ^ set(ind_cols))[:3]
        raise DataError(f"{path}: industry rows and columns differ (e.g. {diff}). Fix: use an unmodified FIGARO CSV")
    # final-demand columns region by region (in row order), categories in Eurostat's order
    reg_order = {r: i for i, r in enumerate(dict.fromkeys(split(r)[0] for r in ind_rows))}
    fd_cols = sorted(raw.columns[is_fd], key=lambda c: (reg_order.get(split(c)[0], len(reg_order)),
                                                        FD_CODES.index(split(c)[1])))
    raw = raw[list(ind_cols) + fd_cols]
    is_fd = np.array([split(c)[1] in FD_CODES for c in raw.columns])
    num = raw.apply(pd.to_numeric, errors="coerce")
    if (num.isna() & raw.notna()).to_numpy().any():
        r, c = np.argwhere((num.isna() & raw.notna()).to_numpy())[0]
        raise DataError(f"{path}: non-numeric value {raw.iat[r, c]!r} at row {raw.index[r]}, column {raw.columns[c]}")
    num = num.fillna(0.0)
    index = pd.MultiIndex.from_tuples([split(r) for r in ind_rows], names=["region", "sector"])
    fd_index = pd.MultiIndex.from_tuples([split(c) for c in raw.columns[is_fd]], names=["region", "category"])
    va_rows = raw.index[is_va]
    years = re.findall(r"(?<!\d)(\d{4})(?!\d)", path.stem)
    return MRIO(num.loc[ind_rows, ind_cols].to_numpy(), num.loc[ind_rows, raw.columns[is_fd]].to_numpy(), None,
                index=index, fd_index=fd_index,
                V=num.loc[va_rows, ind_cols].to_numpy() if len(va_rows) else None,
                va_index=pd.Index([split(r)[1] for r in va_rows]) if len(va_rows) else None,
                unit="M EUR", name="figaro", year=int(years[-1]) if years else None,
                meta={"source": "Eurostat FIGARO inter-country IO tables", "path": str(path),
                      "category_names": FD_NAMES}, sources={"table": str(path)})
