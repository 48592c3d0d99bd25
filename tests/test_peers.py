"""Peer sets: World Bank income groups from GDP per capita (against the official classification of the period), the
structural set (income group and size), widening a small group, and what happens without the macro data."""

from __future__ import annotations

import numpy as np
import pytest

from industwin.data.macro import gdp_per_capita, income_group, income_groups
from industwin.strategy.peers import MIN_GROUP, STRUCTURAL_PEERS, peer_sets

# World Bank classification FY2013 (2011 GNI per capita, Atlas method) and FY1997 (1995), for economies far from a
# threshold: the approximation must agree with them
OFFICIAL_2011 = {"DEU": "high", "KOR": "high", "USA": "high", "JPN": "high", "FRA": "high", "CHN": "upper-middle",
                 "BRA": "upper-middle", "MEX": "upper-middle", "TUR": "upper-middle", "BGR": "upper-middle",
                 "ROM": "upper-middle", "RUS": "upper-middle", "IND": "lower-middle", "IDN": "lower-middle"}
OFFICIAL_1995 = {"DEU": "high", "USA": "high", "CHN": "low", "IND": "low", "MEX": "upper-middle",
                 "POL": "lower-middle", "BRA": "upper-middle"}


def test_income_groups_agree_with_the_official_classification():
    assert income_groups(list(OFFICIAL_2011), 2011).to_dict() == OFFICIAL_2011
    assert income_groups(list(OFFICIAL_1995), 1995).to_dict() == OFFICIAL_1995
    # Taiwan is not in the WDI: the IMF WEO fills it; a code that is no country has no group, never an error
    v, src = gdp_per_capita("TWN", 2011)
    assert src == "IMF WEO" and 15_000 < v < 30_000 and income_group("TWN", 2011) == "high"
    assert income_group("RoW", 2011) is None and income_group("XYZ", 2011) is None
    # the Atlas-like income is the three-year mean of GDP per capita (Brazil 2011: 13.2k alone, upper-middle on average)
    vals = [gdp_per_capita("BRA", y)[0] for y in (2009, 2010, 2011)]
    assert vals[-1] > 12_475 > np.mean(vals)


def test_peer_sets_of_germany_and_india(wiod2011):
    sets = peer_sets(wiod2011, "DEU")
    assert list(sets) == ["structural", "income", "size", "all"]
    inc = set(sets["income"].members)
    assert {"FRA", "USA", "JPN", "KOR", "POL"} <= inc and not inc & {"CHN", "IND", "BRA", "RoW", "DEU"}
    # the structural set: the 10 high-income economies closest to Germany's value added on a log scale
    va = wiod2011.V.sum(axis=0)
    reg = np.asarray(wiod2011.index.get_level_values(0))
    size = {r: va[reg == r].sum() for r in [*inc, "DEU"]}
    near = sorted(inc, key=lambda r: abs(np.log(size[r] / size["DEU"])))[:STRUCTURAL_PEERS]
    assert set(sets["structural"].members) == set(near) and len(near) == 10
    assert len(sets["all"]) == 39 and "RoW" not in sets["all"].members
    # India's lower-middle group has one other member (Indonesia): widened to the upper-middle economies
    ind = peer_sets(wiod2011, "IND")
    assert "structural" not in ind and len(ind["income"]) >= MIN_GROUP
    assert set(ind["income"].members) == {"IDN", "CHN", "BRA", "MEX", "TUR", "BGR", "ROM", "RUS", "LVA"}
    assert "widened" in ind["income"].description
    named = peer_sets(wiod2011, "DEU", ["FRA", "ITA"])
    assert next(iter(named)) == "named" and named["named"].members == ("FRA", "ITA")


def test_without_macro_data_the_size_peers_lead_and_say_why(wiod2011, tmp_path, monkeypatch):
    from industwin.data import macro
    monkeypatch.setenv("INDUSTWIN_DATA", str(tmp_path))
    macro._macro.cache_clear()
    try:
        sets = peer_sets(wiod2011, "DEU")
        assert list(sets) == ["size", "all"] and "income groups unknown" in sets["size"].description
        (tmp_path / "atlas_complexity").mkdir()
        (tmp_path / "atlas_complexity" / "wdi_data.parquet").write_bytes(b"not a parquet file")
        (tmp_path / "atlas_complexity" / "imf_data.parquet").write_bytes(b"not a parquet file")
        macro._macro.cache_clear()
        from industwin.errors import DataError
        with pytest.raises(DataError, match="wdi_data.parquet: not readable"):
            income_group("DEU", 2011)
    finally:
        macro._macro.cache_clear()
