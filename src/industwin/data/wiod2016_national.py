"""WIOD 2016 release national input–output tables (domestic block; 56 ISIC rev. 4 sectors, 2000–2014).

Source: World Input-Output Database, 2016 release (Timmer, Dietzenbacher, Los, Stehrer & de Vries 2015),
national tables of the USA and Australia as distributed in the R package ``clptheory``; see
``$INDUSTWIN_DATA/wiod2016_niot_sea_usa_aus/README.md``. Only domestic intermediate and final uses are in
the file (imported uses were dropped upstream), so each row balances — domestic uses + exports = gross
output — but columns do not add up to output; value added is not in the file. The Socio-Economic Accounts of
the same release (persons engaged, employees, hours, compensation, value added by sector) come as satellites.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from industwin.data.mrio import MRIO, Satellite
from industwin.errors import DataError

__all__ = ["COUNTRIES", "YEARS", "load_wiod2016_national"]

COUNTRIES = {"USA": "usaiot.parquet", "AUS": "ausiot.parquet"}
SEA = {"USA": "usasea.parquet", "AUS": "aussea.parquet"}
# Socio-Economic Accounts attached as satellites: (SEA column, satellite name, unit)
SEA_ACCOUNTS = (("EMP", "employment", "1000 persons engaged"), ("EMPE", "employees", "1000 employees"),
                ("H_EMPE", "hours", "million hours worked by employees"),
                ("COMP", "compensation", "M national currency"), ("VA", "value_added_sea", "M national currency"))
YEARS = tuple(range(2000, 2015))
CATEGORIES = ("CONS_h", "CONS_np", "CONS_g", "GFCF", "INVEN", "EXP")


def load_wiod2016_national(root: Path, country: str = "USA", year: int = 2014) -> MRIO:
    """One country's domestic table (M USD, basic prices) as a one-region :class:`MRIO`; sectors are
    the WIOD 2016 codes (``A01`` … ``U``) with their names in ``sector_names``."""
    if country not in COUNTRIES:
        raise DataError(f"WIOD 2016 national tables here cover {sorted(COUNTRIES)}, not {country!r}")
    if year not in YEARS:
        raise DataError(f"WIOD 2016 national tables cover {YEARS[0]}–{YEARS[-1]}, not {year}")
    path = Path(root) / "wiod2016_niot_sea_usa_aus" / COUNTRIES[country]
    if not path.exists():
        raise DataError(f"{path}: file not found. Fix: point INDUSTWIN_DATA at the folder holding "
                        "wiod2016_niot_sea_usa_aus/")
    t = pd.read_parquet(path)
    t = t[(t["Year"] == year) & (t["Origin"] == "Domestic")]
    codes = t["Code"].tolist()
    missing = [c for c in codes + list(CATEGORIES) + ["GO"] if c not in t.columns]
    if missing or len(codes) != 56:
        raise DataError(f"{path}: expected 56 sector rows and columns per year and {CATEGORIES} + GO; "
                        f"missing {missing[:5]}")
    Z = t[codes].to_numpy(float)
    Y = t[list(CATEGORIES)].to_numpy(float)
    x = t["GO"].to_numpy(float)
    index = pd.MultiIndex.from_product([[country], codes], names=["region", "sector"])
    fd_index = pd.MultiIndex.from_product([[country], list(CATEGORIES)], names=["region", "category"])
    satellites = {}
    sea_path = path.parent / SEA[country]
    if sea_path.exists():
        sea = pd.read_parquet(sea_path)
        sea = sea[sea["year"] == year].set_index("code").reindex(codes)
        if sea.index.isna().any() or sea[[a for a, _, _ in SEA_ACCOUNTS]].isna().all(axis=1).any():
            raise DataError(f"{sea_path}: Socio-Economic Accounts miss sectors for {year}")
        for col, name, unit in SEA_ACCOUNTS:
            satellites[name] = Satellite(name, sea[col].to_numpy(float)[None, :], pd.Index([name]), unit)
    return MRIO(Z, Y, x, index=index, fd_index=fd_index, satellites=satellites, unit="M USD",
                name=f"wiod2016_{country.lower()}",
                year=year, sector_names=dict(zip(codes, t["Description"])),
                meta={"source": "WIOD 2016 release national IO table via R package clptheory",
                      "caveats": "domestic block only: imported intermediate uses are not in the file; "
                                 "EXP is a final-demand column"},
                sources={"table": str(path)})
