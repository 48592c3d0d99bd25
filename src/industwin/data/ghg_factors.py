"""Greenhouse-gas emission factors and global warming potentials.

* US EPA Supply Chain GHG Emission Factors v1.3 (USEEIO-based): kg CO2e per 2022 USD of purchases by 2017
  NAICS-6 code, with and without margins, and the same by gas (``$INDUSTWIN_DATA/epa_supply_chain_ghg_factors_v1_3``).
* UK Government GHG Conversion Factors for Company Reporting 2024 (DESNZ): activity factors (fuels, electricity,
  …) in kg CO2e per unit (``$INDUSTWIN_DATA/uk_ghg_conversion_factors_2024``).
* US commodity price indices 2017–2022 (BEA via USEEIO, ``bea_2017_detail_useeior``) to move spend between years.
* GWP100 values of the IPCC's Fourth, Fifth and Sixth Assessment Reports for the gases in those files.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from industwin.errors import DataError

__all__ = ["GWP100", "gwp", "co2e_satellite", "epa_factors", "epa_factors_by_gas", "uk_factors", "us_commodity_cpi"]

# kg CO2e per kg of gas, 100-year horizon. AR4: IPCC 2007 WG1 Table 2.14; AR5: IPCC 2013 WG1 Table 8.A.1
# (without climate–carbon feedbacks); AR6: IPCC 2021 WG1 Table 7.15 / 7.SM.7 (methane: 27.9; fossil 29.8).
# "HFCs and PFCs, unspecified" is reported in kg CO2e already.
GWP100 = pd.DataFrame.from_dict({
    "Carbon dioxide": (1, 1, 1), "Methane": (25, 28, 27.9), "Nitrous oxide": (298, 265, 273),
    "HFC-23": (14800, 12400, 14600), "HFC-32": (675, 677, 771), "HFC-125": (3500, 3170, 3740),
    "HFC-134a": (1430, 1300, 1530), "HFC-143a": (4470, 4800, 5810), "HFC-236fa": (9810, 8060, 8690),
    "Carbon tetrafluoride": (7390, 6630, 7380), "Hexafluoroethane": (12200, 11100, 12400),
    "Perfluoropropane": (8830, 8900, 9290), "Perfluorobutane": (8860, 9200, 10000),
    "Perfluorocyclobutane": (10300, 9540, 10200), "Perfluorohexane": (9300, 7910, 8620),
    "Sulfur hexafluoride": (22800, 23500, 25200), "Nitrogen trifluoride": (17200, 16100, 17400),
    "HFCs and PFCs, unspecified": (1, 1, 1)}, orient="index", columns=["AR4", "AR5", "AR6"])
GWP100.index.name = "gas"


def gwp(report: str = "AR5") -> pd.Series:
    """GWP100 of each gas under one IPCC assessment report (``"AR4"``, ``"AR5"``, ``"AR6"``)."""
    if report not in GWP100.columns:
        raise DataError(f"unknown GWP set {report!r}. Fix: choose among {list(GWP100.columns)}")
    return GWP100[report]


# how gases are named in stressor labels (EXIOBASE: "CO2 - combustion - air", "CH4 - agriculture - air" …)
GAS_NAMES = {"CO2": "Carbon dioxide", "CH4": "Methane", "N2O": "Nitrous oxide", "SF6": "Sulfur hexafluoride",
             "NF3": "Nitrogen trifluoride", "HFC": "HFCs and PFCs, unspecified", "PFC": "HFCs and PFCs, unspecified"}
MASS = {"kg": 1.0, "t": 1e3, "tonnes": 1e3, "kt": 1e6, "Mt": 1e9, "Gg": 1e6, "Tg": 1e9}


def co2e_satellite(satellite, report: str = "AR5", unit: str = "kt CO2e", name: str = "ghg"):
    """One CO2-equivalent stressor from a satellite of greenhouse gases by stressor, with the GWP100 of
    ``report``: stressors are matched to gases by their leading token (``CO2``, ``CH4``, ``N2O``, ``SF6``,
    ``NF3``, or a full gas name); mass units (kg, t, kt, Mt, Gg, Tg; HFC/PFC rows already in CO2e) are
    converted to ``unit``. Stressors that are not greenhouse gases are left out; a greenhouse-gas row whose
    unit is not a mass is an error."""
    from industwin.data.mrio import Satellite
    w = gwp(report)
    out_scale = MASS.get(unit.split()[0])
    if out_scale is None:
        raise DataError(f"unit {unit!r}: use a mass unit among {list(MASS)} followed by 'CO2e'")
    F = np.zeros(satellite.F.shape[1])
    FY = None if satellite.F_Y is None else np.zeros(satellite.F_Y.shape[1])
    used = []
    for k, (st, u) in enumerate(zip(satellite.stressors, satellite.units)):
        token = str(st).split(" - ")[0].strip()
        up = token.upper()
        if up in GAS_NAMES:
            gas = GAS_NAMES[up]
        elif up[:3] in ("HFC", "PFC") and token not in w.index:
            gas = GAS_NAMES[up[:3]]                     # reported in CO2e already
        else:
            gas = token if token in w.index else None
        if gas is None:
            continue
        scale = MASS.get(str(u).split()[0])
        if scale is None:
            raise DataError(f"satellite {satellite.name!r}, stressor {st!r}: unit {u!r} is not a mass. "
                            f"Fix: give greenhouse gases in one of {list(MASS)}")
        factor = w[gas] * scale / out_scale
        F += factor * satellite.F[k]
        if FY is not None:
            FY += factor * satellite.F_Y[k]
        used.append(str(st))
    if not used:
        raise DataError(f"satellite {satellite.name!r} has no greenhouse-gas stressor among {list(satellite.stressors)[:6]}")
    return Satellite(name, F[None, :], pd.Index([f"GHG ({report} GWP100)"]), unit,
                     None if FY is None else FY[None, :])


def _root(root=None) -> Path:
    if root is not None:
        return Path(root)
    from industwin.data.registry import data_root
    return data_root()


def _read(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise DataError(f"{path}: file not found. Fix: point INDUSTWIN_DATA at the folder holding {path.parent.name}/")
    return pd.read_parquet(path)


EPA_COLUMNS = {"2017 NAICS Code": "naics", "2017 NAICS Title": "title",
               "Supply Chain Emission Factors without Margins": "without_margins",
               "Margins of Supply Chain Emission Factors": "margins",
               "Supply Chain Emission Factors with Margins": "with_margins", "Reference USEEIO Code": "useeio"}


@lru_cache(maxsize=4)
def epa_factors(root=None) -> pd.DataFrame:
    """EPA supply-chain factors, one row per 2017 NAICS-6 code (index ``naics``, a 6-digit string):
    ``without_margins`` (producer prices), ``margins``, ``with_margins`` (purchaser prices) in kg CO2e per
    2022 USD, the ``title`` and the USEEIO commodity ``useeio``."""
    path = _root(root) / "epa_supply_chain_ghg_factors_v1_3" / "factors_CO2e.parquet"
    df = _read(path)
    missing = [c for c in EPA_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(f"{path}: columns {missing} missing; is this the EPA v1.3 NAICS CO2e file?")
    df = df.rename(columns=EPA_COLUMNS)[list(EPA_COLUMNS.values())]
    df["naics"] = df["naics"].astype(str).str.zfill(6)
    df.attrs["unit"] = "kg CO2e per 2022 USD"
    return df.set_index("naics")


@lru_cache(maxsize=4)
def epa_factors_by_gas(root=None) -> pd.DataFrame:
    """The EPA factors by gas: NAICS × gas (kg of gas per 2022 USD), ``with_margins`` or ``without_margins``
    in a column level."""
    path = _root(root) / "epa_supply_chain_ghg_factors_v1_3" / "factors_byGHG.parquet"
    df = _read(path).rename(columns=EPA_COLUMNS)
    df["naics"] = df["naics"].astype(str).str.zfill(6)
    return df.pivot_table(index="naics", columns="GHG", values=["without_margins", "with_margins"], aggfunc="first")


UK_FILE = "ghg-conversion-factors-2024-full_set__for_advanced_users__v1_1.xlsx"


@lru_cache(maxsize=4)
def uk_factors(sheets: tuple[str, ...] = ("Fuels", "UK electricity", "Heat and steam", "Bioenergy"),
               root=None) -> pd.DataFrame:
    """UK 2024 company-reporting factors of the given sheets as one long table: ``sheet``, ``scope``,
    ``activity``, ``item`` (fuel, country …), ``unit``, ``kg_co2e`` and the per-gas parts where given."""
    path = _root(root) / "uk_ghg_conversion_factors_2024" / UK_FILE
    if not path.exists():
        raise DataError(f"{path}: file not found. Fix: point INDUSTWIN_DATA at the folder holding "
                        "uk_ghg_conversion_factors_2024/")
    xl = pd.ExcelFile(path, engine="calamine")
    out = []
    for sh in sheets:
        if sh not in xl.sheet_names:
            raise DataError(f"{path}: no sheet {sh!r}. Fix: choose among {xl.sheet_names[3:]}")
        raw = pd.read_excel(xl, sh, header=None)
        first = raw[0].astype(str).str.strip()
        head = np.flatnonzero(first == "Activity")
        scope_row = np.flatnonzero(first == "Scope:")
        if not len(head):
            raise DataError(f"{path}, sheet {sh!r}: no table header starting with 'Activity'")
        cols = [str(c).strip() for c in raw.iloc[head[0]]]
        t = raw.iloc[head[0] + 1:].copy()
        t.columns = cols
        unit_col = "Unit" if "Unit" in cols else None
        if unit_col is None or "kg CO2e" not in cols:
            raise DataError(f"{path}, sheet {sh!r}: table has no 'Unit' and 'kg CO2e' columns")
        t = t[pd.to_numeric(t["kg CO2e"], errors="coerce").notna()].copy()
        t["Activity"] = t["Activity"].ffill()
        item = cols[1]
        t[item] = t[item].ffill()
        df = pd.DataFrame({"sheet": sh, "scope": str(raw.iloc[scope_row[0], 1]) if len(scope_row) else "",
                           "activity": t["Activity"].astype(str).str.strip(), "item": t[item].astype(str).str.strip(),
                           "unit": t["Unit"].astype(str).str.strip(),
                           "kg_co2e": pd.to_numeric(t["kg CO2e"]).astype(float)})
        for gas, col in (("co2", "kg CO2e of CO2 per unit"), ("ch4", "kg CO2e of CH4 per unit"),
                         ("n2o", "kg CO2e of N2O per unit")):
            if col in cols:
                df[f"kg_co2e_{gas}"] = pd.to_numeric(t[col], errors="coerce").to_numpy()
        out.append(df)
    res = pd.concat(out, ignore_index=True)
    res.attrs["source"] = "UK Government GHG Conversion Factors for Company Reporting 2024 (DESNZ), full set v1.1"
    return res


@lru_cache(maxsize=4)
def us_commodity_cpi(root=None) -> pd.DataFrame:
    """Price index (2017 = 100) of each USEEIO commodity for 2017–2022 (rows: commodity code, columns: year)."""
    path = _root(root) / "bea_2017_detail_useeior" / "MultiYearCommodityCPI.parquet"
    df = _read(path)
    df.index = df.index.map(lambda s: str(s).split("/")[0])
    df.columns = df.columns.map(int)
    return df
