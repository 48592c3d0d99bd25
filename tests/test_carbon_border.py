"""Carbon prices by region and a border carbon adjustment: a 2-region × 2-sector case solved by hand, properties,
scenario-file faults and one command-line run on the real WIOD 2011 table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import small_system
from typer.testing import CliRunner

import industwin as iw
from industwin.analysis import carbon_border as cb
from industwin.analysis import decarbonisation as dc
from industwin.data.io import validate
from industwin.data.mrio import MRIO, Satellite
from industwin.errors import SelectionError, ValidationError

# ----------------------------------------------------------------------------------------------- the hand case
# Regions A (prices carbon, levies a border adjustment) and B (no price); sectors s1 ("steel", covered by the
# border adjustment) and s2 ("other"). M USD. Only the s2 columns buy intermediate inputs, and only from s1, so
# A² = 0 and the Leontief inverse is L = I + A: every number below is plain arithmetic.
#   rows/cols: A.s1, A.s2, B.s1, B.s2
#   Z: A.s1 → A.s2 20, B.s1 → A.s2 40 (A imports steel), A.s1 → B.s2 10 (A exports steel), B.s1 → B.s2 30
#   Y (final demand of A, of B): A.s1 60, 10; A.s2 180, 20; B.s1 10, 20; B.s2 5, 95
#   x = 100, 200, 100, 100;  CO2 50, 20, 200, 10 kt;  persons 10, 30, 50, 20 (thousand)


def hand_table() -> MRIO:
    idx = pd.MultiIndex.from_product([["A", "B"], ["s1", "s2"]], names=["region", "sector"])
    fd = pd.MultiIndex.from_product([["A", "B"], ["hh"]], names=["region", "category"])
    Z = np.zeros((4, 4))
    Z[0, 1], Z[2, 1], Z[0, 3], Z[2, 3] = 20, 40, 10, 30
    Y = np.array([[60, 10], [180, 20], [10, 20], [5, 95]], float)
    sats = {"co2": Satellite("co2", np.array([[50.0, 20, 200, 10]]), ["CO2"], "kt CO2"),
            "employment": Satellite("employment", np.array([[10.0, 30, 50, 20]]), ["persons"], "1000 persons")}
    return MRIO(Z, Y, Z.sum(1) + Y.sum(1), index=idx, fd_index=fd, satellites=sats, unit="M USD", name="hand")


HAND_SCENARIO = {"name": "hand", "usd_per_eur": 1.25, "jobs": "employment",
                 "prices": [{"regions": ["A"], "price": 80, "currency": "EUR", "border_adjustment": True}],
                 "border": {"sectors": ["s1"]}, "leakage": {"electricity": []}}


def test_hand_case():
    m = hand_table()
    sc = validate(cb.Scenario, HAND_SCENARIO, "hand.yaml")
    r = cb.run_scenario(sc, m, "hand.yaml")
    tau = 80 * 1.25                                           # 100 USD/t
    assert r.meta["conversion"] == ["A: 80 EUR/t × 1.25 USD/EUR = 100.00 USD/t"]
    # intensities in t per USD: kt / M USD × 1e3 t/kt / 1e6 USD/M USD
    d = {"A.s1": 50 / 100 * 1e-3, "A.s2": 20 / 200 * 1e-3, "B.s1": 200 / 100 * 1e-3, "B.s2": 10 / 100 * 1e-3}
    a = {("A.s1", "A.s2"): 20 / 200, ("B.s1", "A.s2"): 40 / 200, ("A.s1", "B.s2"): 10 / 100,
         ("B.s1", "B.s2"): 30 / 100}
    # total intensities m' = d'(I + A)
    m_tot = {"A.s1": d["A.s1"], "B.s1": d["B.s1"],
             "A.s2": d["A.s2"] + d["A.s1"] * a["A.s1", "A.s2"] + d["B.s1"] * a["B.s1", "A.s2"],   # 5.5e-4
             "B.s2": d["B.s2"] + d["A.s1"] * a["A.s1", "B.s2"] + d["B.s1"] * a["B.s1", "B.s2"]}   # 7.5e-4
    # cost push without the BCA: Δv = τ d in A; Δp' = Δv'(I + A)
    dv = {"A.s1": tau * d["A.s1"], "A.s2": tau * d["A.s2"]}                                    # 0.05, 0.01
    dp0 = {"A.s1": dv["A.s1"], "A.s2": dv["A.s2"] + dv["A.s1"] * a["A.s1", "A.s2"],             # 0.015
           "B.s1": 0.0, "B.s2": dv["A.s1"] * a["A.s1", "B.s2"]}                                # 0.005
    # border charge on B.s1 into A, total basis net of the price paid at origin (0): τ m − Δp⁰ = 0.2 per USD
    b = tau * m_tot["B.s1"] - dp0["B.s1"]
    assert b == pytest.approx(0.2)
    imports_B1 = 40 + 10                                      # intermediate + final
    charge = b * imports_B1                                   # 10 M USD = 100 kt × 100 USD/t
    # with the BCA, A.s2 pays b on its steel imports: Δv^B = b · a(B.s1, A.s2) = 0.04
    dp1 = dict(dp0, **{"A.s2": dp0["A.s2"] + b * a["B.s1", "A.s2"]})                          # 0.055
    got = r.sectors
    for k, v in dp0.items():
        assert got.loc[tuple(k.split(".")), "cost_push_pct"] == pytest.approx(100 * v)
    for k, v in dp1.items():
        assert got.loc[tuple(k.split(".")), "cost_push_bca_pct"] == pytest.approx(100 * v)
    for k, v in m_tot.items():
        assert got.loc[tuple(k.split(".")), "total_t_per_M"] == pytest.approx(v * 1e6)
    # border charge by exporter: M USD and % of its exports to A (covered 50, all 55)
    ex = r.exporters.loc[("A", "B")]
    assert ex["charge"] == pytest.approx(charge) == pytest.approx(10.0)
    assert ex["embodied_kt"] == pytest.approx(m_tot["B.s1"] * imports_B1 * 1e6 / 1e3)         # 100 kt
    assert ex["charge_pct_of_covered"] == pytest.approx(100 * charge / 50)                      # 20 %
    assert ex["charge_pct_of_exports"] == pytest.approx(100 * charge / (50 + 5))                 # 18.18 %
    assert r.border.loc[("A", "B", "s1"), "charge_rate_pct"] == pytest.approx(20.0)
    # regions: output-weighted cost push; consumer prices weighted by A's final demand (charge on final imports)
    reg = r.regions
    assert reg.loc["A", "cost_push_pct"] == pytest.approx(100 * (100 * 0.05 + 200 * 0.015) / 300)      # 2.667
    assert reg.loc["A", "cost_push_bca_pct"] == pytest.approx(100 * (100 * 0.05 + 200 * 0.055) / 300)  # 5.333
    assert reg.loc["A", "consumer_price_pct"] == pytest.approx(100 * (60 * .05 + 180 * .015 + 5 * .005) / 255)
    assert reg.loc["A", "consumer_price_bca_pct"] == pytest.approx(
        100 * (60 * .05 + 180 * .055 + 10 * (0 + 0.2) + 5 * .005) / 255)                                # 5.853
    assert reg.loc["A", "carbon_revenue"] == pytest.approx(tau * (50 + 20) * 1e3 / 1e6)               # 7 M USD
    assert r.blocs.loc["A", "bca_revenue"] == pytest.approx(10.0)
    # leakage: trade intensity (X + M)/(x + M) with B; EU indicator with kg CO2 per EUR of value added
    e = r.exposure.loc["A"]
    assert e.loc["s1", "trade_intensity"] == pytest.approx((20 + 50) / (100 + 50))           # 0.467
    assert e.loc["s2", "trade_intensity"] == pytest.approx((20 + 5) / (200 + 5))             # 0.122
    assert e.loc["s1", "import_penetration"] == pytest.approx(50 / (80 + 50))
    assert e.loc["s1", "export_share"] == pytest.approx(20 / 100)
    ei1 = 50e6 / (100e6 / 1.25)                              # 50 kt in kg over GVA 100 M USD in EUR = 0.625
    ei2 = 20e6 / ((200 - 60) * 1e6 / 1.25)                   # GVA of A.s2 = 200 − 60 = 140 M USD
    assert e.loc["s1", "leakage_indicator"] == pytest.approx(70 / 150 * ei1)                  # 0.292 > 0.2
    assert e.loc["s2", "leakage_indicator"] == pytest.approx(25 / 205 * ei2)                  # 0.022
    assert bool(e.loc["s1", "at_risk"]) and not bool(e.loc["s2", "at_risk"])
    # cost-push gap. Home market of s1: imports from B (50) land with Δp + b; their effective price per tonne
    # τ^H = 50 (Δp_B1 + b) / (50 m_B1) = 0 without the BCA and 100 USD/t with it.
    gH0 = dp0["A.s1"] - m_tot["A.s1"] * 0.0                                # 0.05
    gH1 = dp1["A.s1"] - m_tot["A.s1"] * (50 * (0 + b) / (50 * m_tot["B.s1"]))  # 0.05 − 5e-4 × 100 = 0
    # export market of s1: B's own s1 producer pays nothing: τ^X = 0 in both cases
    gX = dp0["A.s1"]
    assert e.loc["s1", "gap_home_pct"] == pytest.approx(100 * gH0)
    assert e.loc["s1", "gap_home_bca_pct"] == pytest.approx(100 * gH1, abs=1e-12)
    assert e.loc["s1", "gap_export_pct"] == pytest.approx(100 * gX)
    # sales-weighted: 80 sold in A, 20 outside
    assert e.loc["s1", "gap_pct"] == pytest.approx(100 * (80 * gH0 + 20 * gX) / 100)          # 5 %
    assert e.loc["s1", "gap_bca_pct"] == pytest.approx(100 * (80 * gH1 + 20 * gX) / 100)      # 1 %
    # s2: its only foreign competitor is B.s2 (5 into A's final demand; B's local producer in B): τ = Δp/m
    tau_B2 = dp0["B.s2"] / m_tot["B.s2"]                                   # 6.667 USD/t
    g2_0 = dp0["A.s2"] - m_tot["A.s2"] * tau_B2                            # 0.01133
    g2_1 = dp1["A.s2"] - m_tot["A.s2"] * tau_B2                            # 0.05133
    assert e.loc["s2", "gap_pct"] == pytest.approx(100 * g2_0)
    assert e.loc["s2", "gap_bca_pct"] == pytest.approx(100 * g2_1)
    assert e.loc["s2", "price_gap_home_pct"] == pytest.approx(100 * (dp0["A.s2"] - dp0["B.s2"]))   # 1 %
    assert e.loc["s1", "price_gap_home_bca_pct"] == pytest.approx(100 * (dp1["A.s1"] - (0 + b)))   # −15 %
    # exposure (trade intensity ≥ 10 % and gap × sales ≥ 5 % of GVA) and jobs: the BCA protects s1 and exposes
    # its buyer s2, which pays the charge on its steel while its competitor does not
    assert e.loc["s1", "gap_gva_pct"] == pytest.approx(100 * 0.05 * 100 / 100)               # 5 % ≥ 5 %
    assert e.loc["s1", "gap_gva_bca_pct"] == pytest.approx(100 * 0.01 * 100 / 100)           # 1 %
    assert e.loc["s2", "gap_gva_pct"] == pytest.approx(100 * g2_0 * 200 / 140)               # 1.6 %
    assert e.loc["s2", "gap_gva_bca_pct"] == pytest.approx(100 * g2_1 * 200 / 140)           # 7.3 %
    assert list(e["exposed"]) == [True, False] and list(e["exposed_bca"]) == [False, True]
    assert r.blocs.loc["A", "jobs_exposed"] == pytest.approx(10_000)
    assert r.blocs.loc["A", "jobs_exposed_bca"] == pytest.approx(30_000)
    assert r.blocs.loc["A", "jobs_at_risk"] == pytest.approx(10_000)


def test_direct_basis_and_no_deduction():
    m = hand_table()
    r = cb.carbon_border(m, {"A": 100.0, "B": 10.0}, [cb.Bloc("A", ("A",), True), cb.Bloc("B", ("B",))],
                         covered=["s1"], basis="direct", electricity=[])
    # direct basis, net of B's own price: (100 − 10) × d_B1 = 90 × 2e-3 = 0.18 per USD, on 50 of imports
    assert r.exporters.loc[("A", "B"), "charge"] == pytest.approx(0.18 * 50)
    r = cb.carbon_border(m, {"A": 100.0, "B": 10.0}, [cb.Bloc("A", ("A",), True), cb.Bloc("B", ("B",))],
                         covered=["s1"], basis="direct", deduct_origin_price=False, electricity=[])
    assert r.exporters.loc[("A", "B"), "charge"] == pytest.approx(100 * 2e-3 * 50)


# ------------------------------------------------------------------------------------------------- properties
def _three_region(prices_by_region=None) -> MRIO:
    s = small_system()
    sat = Satellite("co2", s["F"][:1], ["CO2"], "kt CO2")
    jobs = Satellite("employment", np.array([[3.0, 5, 2, 4, 6, 1]]), ["persons"], "persons")
    return MRIO(s["Z"], s["Y"], s["x"], index=s["index"], fd_index=s["fd_index"],
                satellites={"co2": sat, "employment": jobs}, unit="M EUR", name="small")


def _run(m, prices, bca=("A",)):
    blocs = [cb.Bloc(r, (r,), r in bca) for r in prices]
    return cb.carbon_border(m, prices, blocs, covered=["manu"], electricity=["agri"])


def test_zero_price_gives_zero_everything():
    r = _run(_three_region(), {"A": 0.0, "B": 0.0})
    for df in (r.sectors, r.regions):
        num = df.select_dtypes("number").drop(columns=[c for c in df if c in ("output", "emissions_kt",
                                                                                "direct_t_per_M", "total_t_per_M",
                                                                                "priced_emissions_kt")])
        assert np.allclose(num.fillna(0).to_numpy(), 0.0)
    assert np.allclose(r.border["charge"], 0) and np.allclose(r.exporters["charge"], 0)
    gaps = [c for c in r.exposure if c.startswith(("gap", "price_gap", "cost_push"))]
    assert np.allclose(r.exposure[gaps].fillna(0).to_numpy(), 0.0)
    assert not r.exposure["exposed"].any() and not r.exposure["exposed_bca"].any()


@pytest.mark.parametrize("k", [0.5, 2.0, 7.0])
def test_linear_in_the_prices(k):
    m = _three_region()
    base = {"A": 60.0, "B": 15.0, "C": 0.0}
    r1, rk = _run(m, base), _run(m, {r: k * p for r, p in base.items()})
    assert r1.border["charge"].sum() > 0
    np.testing.assert_allclose(rk.border["charge"], k * r1.border["charge"])
    np.testing.assert_allclose(rk.exporters["charge"], k * r1.exporters["charge"])
    np.testing.assert_allclose(rk.sectors["cost_push_bca_pct"], k * r1.sectors["cost_push_bca_pct"])
    np.testing.assert_allclose(rk.exposure["gap_bca_pct"], k * r1.exposure["gap_bca_pct"])


def test_same_price_everywhere_no_gap_and_the_decarbonisation_price():
    m = _three_region()
    tau = 50.0
    r = _run(m, {"A": tau, "B": tau, "C": tau}, bca=("A", "B", "C"))
    gaps = [c for c in r.exposure if c.startswith("gap")]
    assert np.allclose(r.exposure[gaps].fillna(0).to_numpy(), 0.0, atol=1e-12)
    assert np.allclose(r.border["charge"], 0.0, atol=1e-9)       # nothing left to adjust
    # one price everywhere is the decarbonisation module's carbon price: Δp = τ d'L (t per EUR here)
    base = dc.Technology.of(m, "co2")
    cmp = dc.compare_scenarios(m, [], base, carbon_price=tau * 1e3 / 1e6)
    assert r.sectors["cost_push_pct"].max() == pytest.approx(cmp.loc["baseline", "price_rise_pct_max"])
    np.testing.assert_allclose(r.sectors["cost_push_pct"], tau * r.sectors["total_t_per_M"] / 1e6 * 100)


def test_bca_closes_the_home_gap_of_covered_products():
    r = _run(_three_region(), {"A": 80.0})
    e = r.exposure.loc[("A", "manu")]
    assert e["gap_home_pct"] > 0 and e["gap_home_bca_pct"] < e["gap_home_pct"]
    assert r.exporters["charge"].sum() == pytest.approx(r.blocs.loc["A", "bca_revenue"])
    assert r.regions["bca_paid_by_importers"].sum() == pytest.approx(r.regions["bca_on_exports"].sum())


# ------------------------------------------------------------------------------------------ scenario faults
def _write(tmp_path, text: str):
    p = tmp_path / "scenario.yaml"
    p.write_text(text, encoding="utf-8")
    return p


GOOD = """name: t
usd_per_eur: 1.25
prices:
  - regions: [A]
    price: 80
    currency: EUR
    border_adjustment: true
border: {sectors: [s1]}
leakage: {electricity: []}
"""


def test_scenario_file_reads(tmp_path):
    sc = cb.read_scenario(_write(tmp_path, GOOD))
    r = cb.run_scenario(sc, hand_table(), "scenario.yaml")
    assert r.exporters.loc[("A", "B"), "charge"] == pytest.approx(10.0)


@pytest.mark.parametrize("text, field", [
    (GOOD.replace("price: 80", "price: -5"), "prices[0].price"),
    (GOOD.replace("price: 80", "price: .nan"), "prices[0].price"),
    (GOOD.replace("price: 80", "price: .inf"), "prices[0].price"),
    (GOOD.replace("price: 80", "price: true"), "prices[0].price"),
    (GOOD.replace("border: {sectors: [s1]}", "border: {sectors: [s1], bassis: total}"), "border.bassis"),
    (GOOD + "colour: red\n", "colour"),
    (GOOD.replace("currency: EUR", "currency: GBP"), "prices[0].currency"),
    (GOOD.replace("usd_per_eur: 1.25", "usd_per_eur: 0"), "usd_per_eur"),
])
def test_schema_faults_name_file_and_field(tmp_path, text, field):
    with pytest.raises(ValidationError) as e:
        cb.read_scenario(_write(tmp_path, text))
    assert "scenario.yaml" in str(e.value) and f"'{field}'" in str(e.value)


@pytest.mark.parametrize("text, field, words", [
    (GOOD.replace("regions: [A]", "regions: [XX]"), "prices[0].regions", "unknown region or group 'XX'"),
    (GOOD.replace("sectors: [s1]", "sectors: [c12]"), "border.sectors", "unknown sector"),
    (GOOD.replace("usd_per_eur: 1.25\n", ""), "prices[0].currency", "needs an exchange rate"),
    (GOOD.replace("regions: [A]", "regions: [A, EU27]"), "prices[0].regions", "'EU27' has no region"),
    (GOOD + "jobs: workers\n", "jobs", "no 'workers' satellite"),
    (GOOD + "groups: {B: [A]}\n", "groups.B", "a region of the table"),
])
def test_table_faults_name_file_and_field(tmp_path, text, field, words):
    p = _write(tmp_path, text)
    sc = cb.read_scenario(p)
    with pytest.raises(ValidationError) as e:
        cb.run_scenario(sc, hand_table(), str(p))
    msg = str(e.value)
    assert str(p) in msg and f"'{field}'" in msg and words in msg, msg


def test_price_twice_and_function_faults():
    two = dict(HAND_SCENARIO, prices=[{"regions": ["A"], "price": 10}, {"regions": ["A"], "price": 20}])
    with pytest.raises(ValidationError, match="already priced"):
        cb.run_scenario(validate(cb.Scenario, two, "two.yaml"), hand_table(), "two.yaml")
    with pytest.raises(SelectionError, match="not in the table"):
        cb.carbon_border(hand_table(), {"A": 1.0}, covered=["zz"])
    with pytest.raises(SelectionError, match="regions the table does not have"):
        cb.carbon_border(hand_table(), {"Q": 1.0})
    with pytest.raises(SelectionError, match="finite"):
        cb.carbon_border(hand_table(), {"A": float("nan")})


def test_units():
    assert cb.tonnes_per_unit("kt CO2") == 1e3 and cb.tonnes_per_unit("Gg") == 1e3 and cb.tonnes_per_unit("t") == 1
    assert cb.money_unit("M USD") == (1e6, "USD") and cb.money_unit("EUR") == (1.0, "EUR")
    with pytest.raises(SelectionError):
        cb.money_unit("")


# -------------------------------------------------------------------------------------- the real WIOD table
def test_cli_on_wiod_2011(tmp_path):
    m = iw.load("wiod2013", 2011)
    if "co2" not in m.satellites:
        pytest.skip("the WIOD 2013 table has no co2 satellite yet (src/industwin/data/wiod2013_satellites.py)")
    from industwin.cli import app
    out = tmp_path / "eu"
    example = Path(__file__).resolve().parents[1] / "examples" / "carbon_border" / "eu_cbam.yaml"
    r = CliRunner().invoke(app, ["carbon-border", str(example), "-o", str(out)],
                           env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "80 EUR/t × 1.392 USD/EUR = 111.36 USD/t" in r.output
    assert "NLD is an estimate" in r.output and "RoW: no employment data" in r.output
    reg = pd.read_parquet(out / "regions.parquet")
    exp = pd.read_parquet(out / "exporters.parquet")
    expo = pd.read_parquet(out / "exposure.parquet")
    blocs = pd.read_parquet(out / "blocs.parquet")
    eu = list(cb.GROUPS["EU27"])
    assert np.allclose(reg.loc[eu, "price_per_t"], 80 * 1.392) and (reg.drop(eu)["price_per_t"] == 0).all()
    # priced producers' prices rise most; the BCA adds to the EU's and never lowers anyone's
    assert reg.loc[eu, "cost_push_pct"].min() > reg.drop(eu)["cost_push_pct"].max()
    assert (reg["cost_push_bca_pct"] >= reg["cost_push_pct"] - 1e-12).all()
    # China and Russia carry the largest charges of the single countries; the sum is the bloc's revenue
    top = exp.loc["EU27"].drop("RoW")["charge"].nlargest(2).index.tolist()
    assert top == ["CHN", "RUS"]
    assert exp["charge"].sum() == pytest.approx(blocs.loc["EU27", "bca_revenue"])
    # the BCA closes the home-market gap of the covered sectors
    covered = expo.loc["EU27"].loc[["c9", "c11", "c12", "c17"]]
    assert (covered["gap_home_bca_pct"] < covered["gap_home_pct"]).all()
    assert blocs.loc["EU27", "jobs"] > 1e8 and blocs.loc["EU27", "jobs_exposed"] > 0
    assert (out / "report.html").stat().st_size > 100_000
