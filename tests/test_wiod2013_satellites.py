"""The WIOD 2013 world table's satellites: CO2 (JRC, NACE Rev.2 → ISIC Rev.3) and employment (SEA).

References are independent of the code under test: the long source files read with plain pandas, the data
READMEs, and published exchange rates (ECB and Bank of Japan annual averages for 2011)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import industwin as iw
from industwin.core.accounts import embodied_accounts, footprint
from industwin.data.mrio import Satellite
from industwin.data.registry import data_root
from industwin.data.wiod2013_satellites import implied_exchange_rates, read_concordance
from industwin.errors import ValidationError

ROOT = data_root()
JRC = ROOT / "wiod2016_co2_jrc" / "wiod2016_co2_by_country_sector_2000_2014_long.csv"
SEA = ROOT / "wiod2013_sea" / "wiod2013_sea_july14_long.csv"


@pytest.fixture(scope="module")
def m11():
    return iw.load("wiod2013", 2011)


@pytest.fixture(scope="module")
def jrc11():
    d = pd.read_csv(JRC)
    return d[d["year"] == 2011]


def _by_region(m, sat, stressor=0):
    return pd.Series(m.satellites[sat].F[stressor], index=m.index).groupby(level=0, sort=False).sum(min_count=1)


def test_concordance_covers_every_nace_class_and_every_wiod_sector():
    c = read_concordance()
    nace = pd.read_csv(ROOT / "wiod2016_co2_jrc" / "sectors.csv")["code"]
    nace = set(nace) - {"FC_HH"}                          # households are not an industry
    assert set(c["nace2"]) == nace and len(nace) == 56
    assert set(c["wiod2013"]) == {f"c{i}" for i in range(1, 36)}
    assert set(c.loc[c["link"] == "split", "nace2"]) == {"C13-C15", "C33"}


def test_country_totals_are_kept_exactly(m11, jrc11):
    ours = _by_region(m11, "co2")
    theirs = jrc11.groupby("country")["co2_kt"].sum()
    for c in ("DEU", "CHN", "USA", "FRA", "JPN", "IND", "BRA"):
        assert ours[c] == pytest.approx(theirs[c], rel=1e-12)
    assert ours["ROM"] == pytest.approx(theirs["ROU"], rel=1e-12)
    # WIOD 2013's rest of the world holds Switzerland, Croatia and Norway, separate countries in the JRC file
    assert ours["RoW"] == pytest.approx(theirs[["RoW", "CHE", "HRV", "NOR"]].sum(), rel=1e-12)
    # the world: every JRC tonne is somewhere, plus the labelled NLD estimate
    nld = ours["NLD"]
    assert ours.sum() - nld == pytest.approx(theirs.sum(), rel=1e-12)


def test_a_split_class_follows_the_country_output_shares(m11, jrc11):
    d = jrc11[jrc11["country"] == "DEU"].set_index("sector")["co2_kt"]
    co2 = pd.Series(m11.satellites["co2"].F[0], index=m11.index)["DEU"]
    x = m11.output["DEU"]
    # textiles and apparel (c4) and leather (c5) share C13-C15 by output; nothing else maps there
    assert co2["c4"] + co2["c5"] == pytest.approx(d["C13-C15"], rel=1e-12)
    assert co2["c4"] / co2["c5"] == pytest.approx(x["c4"] / x["c5"], rel=1e-12)
    # basic metals and fabricated metal products nest in c12
    assert co2["c12"] == pytest.approx(d["C24"] + d["C25"], rel=1e-12)
    # electricity, gas, steam and water supply
    assert co2["c17"] == pytest.approx(d["D35"] + d["E36"], rel=1e-12)


def test_netherlands_is_an_estimate_and_said_so(m11):
    s = m11.satellites["co2"]
    assert set(s.estimated) == {"NLD"} and "EU-15" in s.estimated["NLD"]
    assert any("NLD is an estimate" in n for n in m11.meta["satellite_notes"])
    nld = _by_region(m11, "co2")["NLD"]
    # The Netherlands' territorial CO2, households included, was about 170 Mt in 2011 (UNFCCC inventory); the
    # industries' share of it is well above 100 Mt: the estimate must be of that order, not zero or double.
    assert 100_000 < nld < 200_000


def test_employment_gaps_are_explicit_never_zero(m11):
    e = m11.satellites["employment"]
    assert list(e.stressors) == ["persons"] and e.units == ("1000 persons",)
    row = np.asarray(m11.index.get_level_values(0) == "RoW")
    assert np.isnan(e.F[:, row]).all() and np.isfinite(e.F[:, ~row]).all()
    assert set(e.gaps) == {"RoW"}
    acc = embodied_accounts(m11, "employment")
    assert np.isnan(acc.production.loc["persons", "RoW"])
    assert "RoW" in " ".join(acc.production.attrs["caveats"])
    # Σ of the regions' job footprints = Σ of the 40 countries' production accounts (RoW's own jobs unknown) …
    assert acc.consumption.to_numpy().sum() == pytest.approx(np.nansum(acc.production.to_numpy()), rel=1e-9)
    # … = the persons engaged, up to the table's rounding (production accounts use x̃ = L y, WIOD rows balance
    # to within 0.1 %)
    assert acc.consumption.to_numpy().sum() == pytest.approx(np.nansum(e.F), rel=2e-3)


def test_persons_engaged_match_the_socio_economic_accounts():
    sea = pd.read_csv(SEA)
    tot = sea[(sea["variable"] == "EMP") & (sea["wiod_sector"] == "TOT")].set_index("country")
    m07 = iw.load("wiod2013", 2007)
    per = _by_region(m07, "employment")
    assert per["USA"] == pytest.approx(152_567, rel=1e-5)      # the data README: USA EMP 2007 = 152,567 thousand
    for c in ("DEU", "CHN", "IND", "ROM"):
        assert per[c] == pytest.approx(tot.loc[c, "2007"], rel=1e-5)    # TOT is stored to 6 significant digits
    # 1995–2009 also carry hours and the hours of high-, medium- and low-skilled persons (shares × hours)
    st = m07.satellites["employment"]
    assert list(st.stressors) == ["persons", "hours", "high-skill hours", "medium-skill hours", "low-skill hours"]
    F = pd.DataFrame(st.F, index=st.stressors, columns=m07.index).T.dropna()
    skills = F[["high-skill hours", "medium-skill hours", "low-skill hours"]].sum(axis=1)
    assert np.allclose(skills, F["hours"], rtol=1e-6, atol=1e-9)
    # employees: not given for China, a gap named as such
    emp = m07.satellites["employees"]
    assert set(emp.gaps) == {"RoW", "CHN"}


def test_implied_exchange_rates_match_published_rates(m11):
    xr = implied_exchange_rates(m11, ROOT)
    assert xr["DEU"] == pytest.approx(1 / 1.3920, rel=0.005)      # ECB reference rate, 2011 average: 1.3920 USD/EUR
    assert xr["JPN"] == pytest.approx(79.8, rel=0.01)              # Bank of Japan, 2011 average: 79.8 JPY/USD
    assert xr["USA"] == pytest.approx(1.0, rel=1e-3)


def test_footprints_of_all_regions_add_up_to_the_production_total(m11):
    acc = embodied_accounts(m11, "co2")
    assert acc.consumption.to_numpy().sum() == pytest.approx(acc.production.to_numpy().sum(), rel=1e-9)
    # production accounts use the model-consistent output x̃ = L y: F up to the table's rounding (< 0.2 %)
    assert acc.production.to_numpy().sum() == pytest.approx(np.nansum(m11.satellites["co2"].F), rel=2e-3)
    bal = acc.table()
    assert np.allclose(bal["exports"] - bal["imports"], bal["production"] - bal["consumption"], atol=1e-6)
    fp = footprint(m11, "co2")
    assert np.allclose(fp.to_numpy(), acc.consumption.to_numpy())
    assert fp.attrs["estimated"] == {"NLD": m11.satellites["co2"].estimated["NLD"]}


def test_values_in_sectors_without_output_are_said_to_be_left_out(m11):
    x = np.asarray(m11.x)
    F = m11.satellites["co2"].F[0]
    idle = (x == 0) & (F > 0)
    assert idle.any()                                  # e.g. Indonesia's motor-vehicle trade (c19) is not in the table
    note = next(n for n in m11.meta["satellite_notes"] if n.startswith("co2:") and "without output" in n)
    assert f"{F[idle].sum():,.0f} (in kt CO2)" in note and "IDN c19" in note
    # the production accounts carry exactly the emissions of the sectors with output, up to the table's rounding
    acc = embodied_accounts(m11, "co2")
    assert acc.production.to_numpy().sum() == pytest.approx(F[x > 0].sum(), rel=2e-3)


def test_years_without_co2_say_so():
    m = iw.load("wiod2013", 1999)
    assert "co2" not in m.satellites and "employment" in m.satellites
    assert any("no CO2 accounts for 1999" in n for n in m.meta["satellite_notes"])


def test_gaps_survive_save_folders_and_aggregation(m11, tmp_path):
    from industwin.data.concordance import aggregate
    from industwin.data.tables import read_tables, write_tables
    iw.save(m11, tmp_path / "saved")
    back = iw.load(tmp_path / "saved")
    assert dict(back.satellites["employment"].gaps) == dict(m11.satellites["employment"].gaps)
    assert dict(back.satellites["co2"].estimated) == dict(m11.satellites["co2"].estimated)
    small = aggregate(m11, regions={r: ("EU" if r in ("DEU", "FRA", "NLD") else "other" if r != "RoW" else "RoW")
                                    for r in m11.regions})
    assert set(small.satellites["employment"].gaps) == {"RoW"}
    assert set(small.satellites["co2"].estimated) == {"EU"}
    write_tables(small, tmp_path / "folder")
    again = read_tables(tmp_path / "folder")
    assert set(again.satellites["employment"].gaps) == {"RoW"}
    assert np.isnan(again.satellites["employment"].F[0][np.asarray(again.index.get_level_values(0) == "RoW")]).all()


def test_a_gap_holds_no_values_and_values_hold_no_gap(m11):
    n = m11.n
    F = np.ones((1, n))
    with pytest.raises(ValidationError, match="gap has values"):
        m11.with_satellite(Satellite("jobs", F, ["persons"], "1000 persons", gaps={"RoW": "none"}))
    F[0, :3] = np.nan
    with pytest.raises(ValidationError, match="NaN or infinite"):
        m11.with_satellite(Satellite("jobs", F, ["persons"], "1000 persons"))
    with pytest.raises(ValidationError, match="not regions of the table"):
        m11.with_satellite(Satellite("jobs", np.ones((1, n)), ["persons"], "1000 persons", gaps={"XXX": "none"}))
