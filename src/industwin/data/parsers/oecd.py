"""OECD Inter-Country Input-Output (ICIO) tables, CSV releases 2016, 2018, 2021 and 2023.

Layout: one CSV per year (``ICIO2023_<year>.csv``, also inside the release zip). The
first column holds row labels ``<country>_<industry>`` (e.g. ``AUS_A01_02``; industry
codes may contain ``_``, the country never does), followed by value-added / tax rows
(``TLS``, ``VA``, or ``VALU`` / ``TAXSUB`` in older releases) and the output row
(``OUT`` / ``OUTPUT``). Columns are the same industries, then final demand
``<country>_<category>`` with categories HFCE, NPISH, GGFC, GFCF, INVNT, DPABR
(2016: ``<category>_<country>``), an optional discrepancy column and the total
(``OUT`` / ``TOTAL``). Values in million USD. The Chinese and Mexican
sub-tables (``CN1``, ``CN2``, ``MX1``, ``MX2`` …) are summed into CHN and MEX by default.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from industwin.data.mrio import MRIO
from industwin.errors import DataError

__all__ = ["parse_oecd_icio"]

FD_PATTERN = re.compile(r"HFCE|NPISH|NPS|GGFC|GFCF|INVNT|INV|DIRP|DPABR|FD|P33|DISC")
TOTAL_COLS, TOTAL_ROWS = ("OUT", "TOTAL"), ("OUT", "OUTPUT")
VA_PATTERN = re.compile(r"^(TLS|VA)$|VALU|TAX")
SUBREGIONS = {"CHN": re.compile(r"^CN\d$"), "MEX": re.compile(r"^MX\d$")}


def _split(label: str, regions: set[str] | None = None) -> tuple[str, str]:
    parts = label.split("_", 1)
    if len(parts) == 1:
        return ("ALL", parts[0])
    if regions is not None and parts[0] not in regions and parts[1] in regions:  # 2016: category_country
        return (parts[1], parts[0])
    return (parts[0], parts[1])


def parse_oecd_icio(path: str | Path, aggregate_subregions: bool = True) -> MRIO:
    """Parse one OECD ICIO CSV into an :class:`MRIO` (M USD; value added rows as ``V``)."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: not found. Fix: give the path of ICIO<release>_<year>.csv")
    raw = pd.read_csv(path, index_col=0)
    raw.index = raw.index.astype(str)
    raw = raw.drop(columns=[c for c in TOTAL_COLS if c in raw.columns])
    raw = raw.drop(index=[r for r in TOTAL_ROWS if r in raw.index])
    va_rows = [r for r in raw.index if VA_PATTERN.search(r)]
    fd_cols = [c for c in raw.columns if FD_PATTERN.search(c.split("_", 1)[-1]) or FD_PATTERN.search(c.split("_")[0])]
    ind_rows = [r for r in raw.index if r not in set(va_rows)]
    ind_cols = [c for c in raw.columns if c not in set(fd_cols)]
    if ind_rows != ind_cols:
        missing = sorted(set(ind_rows) ^ set(ind_cols))[:3]
        raise DataError(f"{path}: industry rows and columns differ (e.g. {missing}). Fix: use an unmodified ICIO CSV")
    bad = raw.apply(pd.to_numeric, errors="coerce").isna() & raw.notna()
    if bad.to_numpy().any():
        r, c = np.argwhere(bad.to_numpy())[0]
        raise DataError(f"{path}: non-numeric value {raw.iat[r, c]!r} at row {raw.index[r]}, column {raw.columns[c]}")
    raw = raw.apply(pd.to_numeric, errors="coerce").fillna(0.0)
    index = pd.MultiIndex.from_tuples([_split(r) for r in ind_rows], names=["region", "sector"])
    regions = set(index.get_level_values(0))
    fd_index = pd.MultiIndex.from_tuples([_split(c, regions) for c in fd_cols], names=["region", "category"])
    Z = raw.loc[ind_rows, ind_cols].to_numpy()
    Y = raw.loc[ind_rows, fd_cols].to_numpy()
    V = raw.loc[va_rows, ind_cols].to_numpy()
    FY_va = raw.loc[va_rows, fd_cols].to_numpy()
    meta = {"source": "OECD Inter-Country Input-Output tables", "path": str(path),
            "value_added_in_final_demand": FY_va.tolist() if FY_va.any() else None}
    m = MRIO(Z, Y, None, index=index, fd_index=fd_index, V=V if len(va_rows) else None,
             va_index=pd.Index(va_rows) if len(va_rows) else None, unit="M USD", name="oecd_icio",
             year=_year(path), meta=meta, sources={"table": str(path)})
    if aggregate_subregions:
        mapping = {r: tgt for r in regions for tgt, pat in SUBREGIONS.items() if pat.match(r)}
        if mapping:
            from industwin.data.concordance import aggregate
            m = aggregate(m, regions=mapping, default="keep").replace(name="oecd_icio", meta=meta)
    return m


def _year(path: Path) -> int | None:
    years = re.findall(r"(?<!\d)(\d{4})(?!\d)", path.stem)
    return int(years[-1]) if years else None
