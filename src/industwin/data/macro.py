"""Macro facts about economies that tables do not carry: GDP per capita and population (World Bank WDI, with the
IMF WEO for economies the WDI leaves out, e.g. Taiwan), and the World Bank income group they imply.

Read from the Growth Lab's cached extracts in ``$INDUSTWIN_DATA/atlas_complexity`` (``wdi_data.parquet``,
``imf_data.parquet``). The income group follows the World Bank's thresholds of the year (``income_thresholds.csv``
beside this module), applied to an *Atlas-like* income: GDP per capita in current USD averaged over the year and
the two before (the Atlas method smooths exchange rates over three years; GNI per capita itself is not in the
extracts, and GDP differs from GNI by net income from abroad — a few per cent for most economies). The result is
an approximation of the official classification, said as such wherever it is used.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from industwin.errors import DataError, SelectionError

__all__ = ["INCOME_GROUPS", "gdp_per_capita", "income_group", "income_groups", "iso3"]

INCOME_GROUPS = ("low", "lower-middle", "upper-middle", "high")
THRESHOLDS_FILE = Path(__file__).with_name("income_thresholds.csv")
ALIASES = {"ROM": "ROU"}          # WIOD 2013 writes Romania ROM


def iso3(region: str) -> str:
    """The ISO 3166-1 alpha-3 code of a table's region code (WIOD's ROM → ROU)."""
    return ALIASES.get(str(region), str(region))


@lru_cache(maxsize=1)
def _macro() -> pd.DataFrame:
    from industwin.data.registry import data_root
    folder = data_root() / "atlas_complexity"
    frames = []
    for name in ("wdi_data.parquet", "imf_data.parquet"):
        p = folder / name
        if not p.exists():
            raise DataError(f"{p}: file not found (GDP per capita and population for income groups). Fix: point "
                            "INDUSTWIN_DATA at the shared data folder holding atlas_complexity/, or name the peers")
        try:
            df = pd.read_parquet(p, columns=["iso3_code", "year", "gdppc", "population"])
        except (OSError, ValueError, KeyError) as e:     # a damaged or foreign file: say which, never a traceback
            raise DataError(f"{p}: not readable as the WDI/IMF extract ({type(e).__name__}: {e}). Fix: restore the "
                            "file from the shared data folder") from None
        df["source"] = "WDI" if name.startswith("wdi") else "IMF WEO"
        frames.append(df)
    wdi, imf = frames
    wdi = wdi[np.isfinite(wdi["gdppc"])]
    have = set(zip(wdi["iso3_code"], wdi["year"]))
    new = np.array([(c, y) not in have for c, y in zip(imf["iso3_code"], imf["year"])], dtype=bool)
    imf = imf[new & np.isfinite(imf["gdppc"].to_numpy(float))]
    return pd.concat([wdi, imf]).set_index(["iso3_code", "year"]).sort_index()


def gdp_per_capita(region: str, year: int) -> tuple[float, str]:
    """GDP per capita (current USD) of ``region`` in ``year`` and the source it comes from (WDI, else IMF WEO);
    NaN when neither has it."""
    m = _macro()
    key = (iso3(region), int(year))
    if key not in m.index:
        return np.nan, ""
    row = m.loc[key]
    return float(row["gdppc"]), str(row["source"])


@lru_cache(maxsize=1)
def _thresholds() -> pd.DataFrame:
    return pd.read_csv(THRESHOLDS_FILE, comment="#").set_index("year")


def income_group(region: str, year: int) -> str | None:
    """The World Bank income group of ``region`` in ``year``, from its Atlas-like income (GDP per capita averaged
    over ``year`` and the two years before) against the thresholds of ``year`` (the nearest year of the thresholds
    file outside 1995–2014); None when the data have no GDP per capita for it.

    Reference: World Bank, *Country and Lending Groups* (Atlas method, GNI per capita thresholds).
    """
    vals = [gdp_per_capita(region, y)[0] for y in (year - 2, year - 1, year)]
    vals = [v for v in vals if np.isfinite(v)]
    if not vals:
        return None
    income = float(np.mean(vals))
    t = _thresholds()
    row = t.loc[min(max(int(year), t.index.min()), t.index.max())]
    bounds = [row["low"], row["lower_middle"], row["upper_middle"]]
    return INCOME_GROUPS[int(np.searchsorted(bounds, income, side="left"))]


def income_groups(regions, year: int) -> pd.Series:
    """The income group of each region (None where unknown, e.g. a rest-of-world region)."""
    if year is None:
        raise SelectionError("income groups need the table's year. Fix: use a table with a year, or name the peers")
    return pd.Series({r: income_group(r, year) for r in regions}, name=f"income group {year}", dtype=object)
