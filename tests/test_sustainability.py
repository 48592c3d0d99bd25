"""Company carbon accounting: EPA and UK factors, GWP sets, scope 1/2/3 by hand, bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from conftest import DATA
from industwin.analysis import sustainability as su
from industwin.data.ghg_factors import epa_factors, epa_factors_by_gas, gwp, uk_factors
from industwin.errors import DataError, SelectionError, ValidationError

EPA_CSV = DATA / "epa_supply_chain_ghg_factors_v1_3" / "SupplyChainGHGEmissionFactors_v1.3.0_NAICS_CO2e_USD2022.csv"


def test_epa_co2e_factors_are_the_by_gas_factors_weighted_by_ar5_gwps():
    # the published CO2e factors are reproduced from the by-gas file with AR5 GWP100 (3-significant-figure
    # rounding of the by-gas values leaves < 0.005 kg/USD); AR4 and AR6 do not reproduce them
    f, g = epa_factors(), epa_factors_by_gas()
    for report, ok in (("AR5", True), ("AR4", False), ("AR6", False)):
        w = gwp(report)
        est = (g["without_margins"][w.index] * w).sum(axis=1)
        err = (est - f.loc[est.index, "without_margins"]).abs()
        assert bool(err.max() < 0.005) == ok, report
    assert gwp("AR6")["Methane"] == 27.9 and gwp("AR5")["Nitrous oxide"] == 265
    with pytest.raises(DataError, match="AR4"):
        gwp("AR7")


def test_uk_factors_read_the_published_values():
    u = uk_factors()
    elec = u[(u["item"] == "Electricity: UK") & (u["unit"] == "kWh")]
    assert elec["kg_co2e"].iloc[0] == pytest.approx(0.20705) and elec["scope"].iloc[0] == "Scope 2"
    gas = u[(u["item"] == "Natural gas") & (u["unit"] == "kWh (Gross CV)")]
    assert gas["kg_co2e"].iloc[0] == pytest.approx(0.1829) and gas["scope"].iloc[0] == "Scope 1"


def test_company_footprint_by_hand():
    raw = pd.read_csv(EPA_CSV, dtype={"2017 NAICS Code": str}).set_index("2017 NAICS Code")
    cpi = pd.read_parquet(DATA / "bea_2017_detail_useeior" / "MultiYearCommodityCPI.parquet")
    steel = raw.loc["331110"]
    code = steel["Reference USEEIO Code"]
    p2022 = cpi.loc[f"{code}/US", "2022"] if "2022" in cpi.columns else cpi.loc[f"{code}/US", 2022]
    p2019 = cpi.loc[f"{code}/US", "2019"] if "2019" in cpi.columns else cpi.loc[f"{code}/US", 2019]
    purchases = pd.DataFrame([
        {"naics": "331110", "spend": 1_000_000, "year": 2022, "basis": "purchaser"},  # steel, purchaser prices
        {"naics": "331110", "spend": 500_000, "year": 2019, "basis": "producer"},     # older, producer prices
        {"naics": "541511", "spend": 200_000, "year": 2022, "basis": "purchaser",
         "supplier_kg_per_usd": 0.01},                                               # supplier's own PCF
    ])
    activities = pd.DataFrame([{"item": "Natural gas", "unit": "kWh (Gross CV)", "amount": 100_000},
                               {"item": "Electricity: UK", "unit": "kWh", "amount": 200_000}])
    fp = su.company_footprint(activities, purchases)
    s3 = fp.scope3_lines
    kg1 = 1_000_000 * steel["Supply Chain Emission Factors with Margins"]
    kg2 = 500_000 * p2022 / p2019 * steel["Supply Chain Emission Factors without Margins"]
    assert s3["kg_co2e"].tolist() == pytest.approx([kg1, kg2, 2_000.0])
    assert s3["method"].tolist() == ["spend-based", "spend-based", "supplier-specific"]
    assert fp.scopes["scope 1"] == pytest.approx(100_000 * 0.1829 / 1e3)
    assert fp.scopes["scope 2"] == pytest.approx(200_000 * 0.20705 / 1e3)
    assert fp.scopes["scope 3 (cat. 1)"] == pytest.approx((kg1 + kg2 + 2_000) / 1e3)
    assert fp.ratio == pytest.approx(fp.scopes["scope 3 (cat. 1)"] / (18.29 + 41.41))
    assert fp.hot_spots["naics"].iloc[0] == "331110" and fp.hot_spots["share_pct"].sum() == pytest.approx(100)


def test_bad_purchases_and_activities_are_named():
    bad = pd.DataFrame([{"naics": "999999", "spend": 10.0}, {"naics": "331110", "spend": -5.0},
                        {"naics": "331110", "spend": 5.0, "currency": "EUR"},
                        {"naics": "331110", "spend": 5.0, "year": 2010}]).assign(basis="producer")
    bad["year"] = bad["year"].fillna(2022)
    bad["currency"] = bad["currency"].fillna("USD")
    with pytest.raises(ValidationError) as e:
        su.read_purchases(bad)
    assert "row 1: spend" in str(e.value) and "greater than or equal to 0" in str(e.value)
    with pytest.raises(ValidationError, match=r"field 'year': 3 blank cell\(s\).*a blank is not taken as a default"):
        su.read_purchases(bad.assign(year=[2022, None, None, None]))
    with pytest.raises(ValidationError) as e:
        su.scope3_purchased_goods(bad.drop(index=1))
    msg = str(e.value)
    assert "unknown NAICS code 999999" in msg and "'EUR' is not USD" in msg and "no price index for 2010" in msg
    with pytest.raises(ValidationError, match="has no factor per 'gallons'"):
        su.scope12(pd.DataFrame([{"item": "Natural gas", "unit": "gallons", "amount": 1.0}]))
    with pytest.raises(ValidationError, match="no factor for 'Unobtainium'"):
        su.scope12(pd.DataFrame([{"item": "Unobtainium", "unit": "kWh", "amount": 1.0}]))


def test_carbon_command_on_the_example_company(tmp_path):
    from typer.testing import CliRunner

    from industwin.cli import app
    ex = Path(__file__).resolve().parents[1] / "examples" / "company"
    r = CliRunner().invoke(app, ["carbon", str(ex / "purchases.csv"), "--activities", str(ex / "activities.csv"),
                                 "-o", str(tmp_path)], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    lines = pd.read_parquet(tmp_path / "scope3_lines.parquet")
    fp = su.company_footprint(ex / "activities.csv", ex / "purchases.csv")
    assert lines["kg_co2e"].sum() == pytest.approx(fp.scope3_lines["kg_co2e"].sum())
    assert f"{fp.ratio:,.1f}×" in r.output and "report.html" in r.output
    assert "Upstream hot spots" in (tmp_path / "report.html").read_text()
    r = CliRunner().invoke(app, ["carbon", str(tmp_path / "missing.csv")])
    assert r.exit_code == 2 and "file not found" in r.output


def test_intensity_ratio_and_risk_hotspots_by_hand():
    import numpy as np

    from industwin.data.mrio import MRIO, Satellite
    A = np.array([[0.2, 0.3], [0.1, 0.4]])
    x = np.array([100.0, 200.0])
    Z = A * x[None, :]
    idx = pd.MultiIndex.from_tuples([("BGD", "textiles"), ("DEU", "retail")], names=["region", "sector"])
    m = MRIO(Z, (x - Z.sum(1))[:, None], x, index=idx,
             fd_index=pd.MultiIndex.from_tuples([("DEU", "fd")], names=["region", "category"]),
             satellites={"ghg": Satellite("ghg", np.array([[50.0, 20.0]]), pd.Index(["co2e"]), "t CO2e")})
    t = su.intensity_table(m, "ghg")
    L = np.linalg.inv(np.eye(2) - A)
    d = np.array([0.5, 0.1])
    np.testing.assert_allclose(t["direct"], d)
    np.testing.assert_allclose(t["total"], d @ L)
    np.testing.assert_allclose(t["ratio"], (d @ L) / d)
    risk = pd.Series({("BGD", "textiles"): 0.8, ("DEU", "retail"): 0.1})
    y = pd.Series({("DEU", "retail"): 1000.0})
    hs = su.risk_hotspots(m, risk, y)
    xx = L @ np.array([0.0, 1000.0])
    assert hs.loc[("BGD", "textiles"), "exposure"] == pytest.approx(0.8 * xx[0])
    # 666.7 of Bangladeshi textiles at risk 0.8 outweigh 1,777.8 of German retail at 0.1
    assert hs["share"].sum() == pytest.approx(1.0) and list(hs.index) == [("BGD", "textiles"), ("DEU", "retail")]
    with pytest.raises(SelectionError, match="no 'co2' satellite"):
        su.intensity_table(m, "co2")
    with pytest.raises(DataError, match="match no"):
        su.risk_hotspots(m, pd.Series({"x": 1.0}), y)


def test_hotspots_command_on_wiod(tmp_path, wiod2011):
    from typer.testing import CliRunner

    from industwin.cli import app
    # an illustrative indicator (test input): 1 for textiles (c4) everywhere, 0.1 elsewhere
    idx = wiod2011.index
    risk = pd.DataFrame({"region": idx.get_level_values(0), "sector": idx.get_level_values(1),
                         "score": [1.0 if s == "c4" else 0.1 for s in idx.get_level_values(1)]})
    risk.to_csv(tmp_path / "risk.csv", index=False)
    r = CliRunner().invoke(app, ["hotspots", str(tmp_path / "risk.csv"), "--region", "DEU", "--sector", "c4",
                                 "--source", "wiod2013", "--year", "2011", "--amount", "1000",
                                 "-o", str(tmp_path / "hs.csv")])
    assert r.exit_code == 0, r.output
    hs = pd.read_csv(tmp_path / "hs.csv", index_col=[0, 1])
    ref = su.risk_hotspots(wiod2011, risk.set_index(["region", "sector"])["score"],
                           pd.Series({("DEU", "c4"): 1000.0}), 15)
    assert hs["exposure"].to_numpy() == pytest.approx(ref["exposure"].to_numpy())
    assert hs.index[0] == ("DEU", "c4")
    r = CliRunner().invoke(app, ["hotspots", str(tmp_path / "risk.csv"), "--region", "XXX", "--sector", "c4"])
    assert r.exit_code == 2 and "unknown product region 'XXX'" in r.output


def test_supply_chain_tree_adds_up():
    ex = Path(__file__).resolve().parents[1] / "examples" / "company"
    lines = su.scope3_purchased_goods(ex / "purchases.csv")
    tree = su.supply_chain_tree(lines, max_depth=3, threshold=0.005)
    # tier 1 (the purchase lines) plus the margins nodes is the whole scope 3 footprint
    margins = tree["path"].str.endswith("margins (transport, trade)")
    assert tree.loc[(tree["tier"] == 1) | margins, "kg_co2e"].sum() == pytest.approx(lines["kg_co2e"].sum())
    # every node is its own remainder plus its children (f' = d' + f'A, node by node)
    for _, node in tree[~margins].iterrows():
        kids = tree[(tree["tier"] == node["tier"] + 1) & tree["path"].str.startswith(node["path"] + " ← ") & ~margins
                    & ~tree["path"].str[len(node["path"]) + 3:].str.contains(" ← ")]
        assert node["own_kg_co2e"] + kids["kg_co2e"].sum() == pytest.approx(node["kg_co2e"], rel=1e-9, abs=1e-6)
    steel = tree[tree["path"] == "Iron and Steel Mills and Ferroalloy Manufacturing (331110)"].iloc[0]
    assert steel["own_kg_co2e"] > 0.5 * steel["kg_co2e"]          # steel's emissions are mostly at the mill
    assert tree["tier"].max() >= 2
