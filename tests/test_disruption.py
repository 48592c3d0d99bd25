"""The "what if" twin: scenario files, static models by hand, interventions, Monte Carlo."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import industwin as iw
from industwin.analysis import disruption as d
from industwin.data.concordance import aggregate
from industwin.errors import IndustwinError, ValidationError


@pytest.fixture(scope="module")
def four(wiod2011) -> iw.MRIO:
    """WIOD 2011 in four regions (DEU, CHN, USA, rest), balanced on its rows."""
    m = aggregate(wiod2011, regions={r: (r if r in ("DEU", "CHN", "USA") else "ROW_") for r in wiod2011.regions})
    return iw.rebalance(m.replace(satellites={}), "output")


def halt(**extra) -> dict:
    sc = {"name": "halt", "horizon": 120,
          "shocks": {"capacity": [{"nodes": [{"region": "CHN", "sector": "c14"}], "size": 0.5, "start": 5,
                                   "duration": 40, "recovery_days": 20}]}}
    sc.update(extra)
    return sc


def test_mixed_model_by_hand():
    # 2 regions × 1 sector: A = [[.2, .3], [.1, .4]], x = (100, 100), y_R = 50. Fix x_S = 50:
    # x_R = (50 + .1·50) / .6 = 91.67; S can still deliver (1 − .2)·50 − .3·91.67 = 12.5 to final users
    Z = np.array([[20.0, 30], [10, 40]])
    Y = np.array([[40.0, 10], [20, 30]])
    m = iw.MRIO(Z, Y, None, index=pd.MultiIndex.from_tuples([("S", "m"), ("R", "m")]),
                fd_index=pd.MultiIndex.from_tuples([("S", "hh"), ("R", "hh")]))
    res = d.mixed_impact(m, {("S", "m"): 50.0})
    assert res.loc["R", "output_change"] == pytest.approx(55 / 0.6 - 100)
    assert res.loc["S", "output_change"] == pytest.approx(-50)
    assert res.attrs["final_E"].iloc[0] == pytest.approx(12.5)
    # Leontief and Ghosh by their equations
    assert d.leontief_impact(m, [10.0, 0]).loc["R", "output_change"] == pytest.approx(10 * 2 / 9)
    g = d.ghosh_impact(m, [-7.0, 0])   # B = x̂⁻¹Z = A here; x' = v'(I − B)⁻¹: row S of G = (4/3, 2/3)
    assert g.loc["R", "output_change"] == pytest.approx(-7 * 2 / 3)


def test_scenario_files_are_validated_with_clear_errors(tmp_path, four):
    f = tmp_path / "s.yaml"
    f.write_text("name: x\nhorizon: 30\nshocks:\n  capacity:\n    - nodes: [{region: CHN, sector: c14}]\n"
                 "      size: 0.5\n      start: 5\n      duration: -3\n      recoverydays: 4\n")
    with pytest.raises(ValidationError) as e:
        d.read_scenario(f)
    msg = str(e.value)
    assert "shocks.capacity[0].duration" in msg and "greater than or equal to 1" in msg
    assert "shocks.capacity[0].recoverydays" in msg and "s.yaml" in msg and "allowed here: duration" in msg
    with pytest.raises(ValidationError, match=r"shocks.capacity\[0\] ends on day 60, after the horizon"):
        d.read_scenario(halt(horizon=30, shocks={"capacity": [{"nodes": [{"region": "CHN"}], "size": 0.5,
                                                               "start": 20, "duration": 40}]}))
    bad = halt(interventions={"diversify": [{"product": "c14", "buyers": [{"region": "DEU"}], "origin": "CHN",
                                             "to": {"JPN": 0.5, "KOR": 0.4}}]})
    with pytest.raises(ValidationError, match="sum to 1, they sum to 0.9"):
        d.read_scenario(bad)
    with pytest.raises(ValidationError, match="no shock"):
        d.read_scenario({"name": "empty", "shocks": {}})
    with pytest.raises(ValidationError, match=r"parameters.priority.*'proportional', 'intermediate' or 'final'"):
        d.read_scenario(halt(parameters={"priority": "random"}))
    # names checked against the table, every problem at once
    sc = d.read_scenario(halt(interventions={"stockpile": [{"products": ["c99"], "buyers": [{"region": "XX"}],
                                                            "extra_days": 10}]}))
    with pytest.raises(ValidationError) as e:
        d.run_scenario(sc, four)
    msg = str(e.value)
    assert "interventions.stockpile[0].products" in msg and "unknown sector 'c99'" in msg
    assert "interventions.stockpile[0].buyers[0].region" in msg and "unknown region 'XX'" in msg
    (tmp_path / "j.json").write_text("{not json")
    with pytest.raises(IndustwinError, match="not valid JSON"):
        d.read_scenario(tmp_path / "j.json")
    with pytest.raises(IndustwinError, match="not found"):
        d.read_scenario(tmp_path / "missing.yaml")


def test_run_scenario_compares_interventions(four, tmp_path):
    sc = halt(interventions={
        "stockpile": [{"products": ["c14"], "buyers": [{"region": "DEU"}], "extra_days": 60}],
        "reshore": [{"name": "friendshoring", "product": "c14", "buyers": [{"region": "DEU"}, {"region": "USA"}],
                     "to": ["DEU", "USA", "ROW_"], "markup": 0.1}],
        "demand_visibility": [{"nodes": [{"region": "ROW_", "sector": "c14"}], "headroom": 0.1,
                               "cost_per_year": 1000}]})
    path = tmp_path / "s.json"
    path.write_text(json.dumps(sc))
    res = d.run_scenario(path, four)
    s = res.summary
    assert list(s.index) == ["baseline", "stockpile c14 (60 days)", "friendshoring", "demand visibility (+10%)",
                             "all interventions"]
    base = s.loc["baseline", "value_added_loss"]
    assert base > 0 and s.loc["baseline", "worst_day_output_pct"] < 100
    np.testing.assert_allclose(s["loss_avoided"], base - s["value_added_loss"])
    np.testing.assert_allclose(s["net_benefit"], s["loss_avoided"] - s["cost"])
    # costs: visibility as given, 120 of 365 days; friendshoring = 10 % of the moved purchases
    assert s.loc["demand visibility (+10%)", "cost"] == pytest.approx(1000 * 120 / 365)
    assert s.loc["friendshoring", "cost"] > 0
    # stockpile: 20 % a year of the value of 60 days of Germany's electronics inputs, for 120 days
    Z = four.frame("Z")
    c14_deu = Z.xs("c14", level="sector").loc[:, "DEU"].to_numpy().sum()
    assert s.loc["stockpile c14 (60 days)", "cost"] == pytest.approx(0.2 * c14_deu / 365 * 60 * 120 / 365, rel=1e-9)
    # the mark-up ripples through the Leontief price model; final users pay exactly the extra cost a year
    dp = res.prices["friendshoring"]
    y = four.Y.sum(axis=1)
    assert (dp >= -1e-15).all() and dp.max() > 0
    assert (dp.to_numpy() * y).sum() == pytest.approx(s.loc["friendshoring", "cost"] * 365 / 120, rel=1e-9)
    assert s.loc["friendshoring", "final_price_rise_pct"] > 0 == s.loc["baseline", "final_price_rise_pct"]
    # nobody buys from China in the friendshored table, so its halt hurts less
    assert s.loc["friendshoring", "value_added_loss"] < base
    assert s.loc["demand visibility (+10%)", "value_added_loss"] < base
    over = res.production_over_time()
    assert over.shape == (120, 5) and over["baseline"].iloc[0] == pytest.approx(100)
    assert over["baseline"].min() < 100
    assert res.static is not None and {"ghosh", "mixed"} <= set(res.static.index.get_level_values(0))
    # the trade shock: half of China's electronics to Germany cut, re-ordered elsewhere
    cut = d.run_scenario(halt(shocks={"trade": [{"origin": "CHN", "destination": ["DEU"], "products": ["c14"],
                                                 "share": 0.5, "start": 5, "duration": 30,
                                                 "substitution": True}]}), four)
    r = cut.runs["baseline"]
    i = four.index.get_loc(("CHN", "c14"))
    assert r.production[20, i] < r.baseline[i]                         # China sells less
    j = four.index.get_loc(("USA", "c14"))
    assert r.production[20, j] > r.baseline[j]                         # Germany buys elsewhere
    # a critical route: the rest of the world's mining products (crude oil, gas, ores) to Germany cut for
    # 150 days. Without substitution German refineries run down their stock and cut output; re-ordering
    # from the other origins softens it
    route = {"origin": "ROW_", "destination": ["DEU"], "products": ["c2"], "share": 1.0, "start": 5,
             "duration": 150}
    hard = d.run_scenario(halt(horizon=200, shocks={"trade": [route]}), four, static=False).runs["baseline"]
    soft = d.run_scenario(halt(horizon=200, shocks={"trade": [{**route, "substitution": True}]}), four,
                          static=False).runs["baseline"]
    k = four.index.get_loc(("DEU", "c8"))
    assert hard.production[100, k] < 0.5 * hard.baseline[k] < soft.production[100, k]
    assert hard.production[:20, k] == pytest.approx(hard.baseline[k], rel=1e-3)   # 90 days of stock first
    assert hard.value_added_loss.sum() > soft.value_added_loss.sum() > 0


def test_a_taxed_route_pushes_prices_by_the_leontief_price_model(four):
    res = d.run_scenario(halt(shocks={"trade": [{"origin": "CHN", "destination": ["DEU"], "products": ["c14"],
                                                 "share": 0.0, "tariff": 0.25, "start": 0, "duration": 10}]}), four)
    dp = res.prices["tariff CHN → DEU"]
    assert res.summary.loc["baseline", "value_added_loss"] == pytest.approx(0, abs=1e-6)   # taxed, not cut
    # by hand: Δv_j = 0.25 Σ_{i ∈ CHN c14} a_ij for German buyers; Δp = (I − A)⁻ᵀ Δv
    A = iw.technical_coefficients(four).to_numpy()
    i = four.index.get_loc(("CHN", "c14"))
    deu = np.asarray(four.index.get_level_values(0) == "DEU")
    dv = np.where(deu, 0.25 * A[i], 0.0)
    np.testing.assert_allclose(dp.to_numpy(), np.linalg.solve((np.eye(four.n) - A).T, dv), rtol=1e-9, atol=1e-15)
    assert dp[("DEU", "c14")] > 0 and dp.attrs["direct_final"] > 0
    with pytest.raises(ValidationError, match="needs share > 0"):
        d.read_scenario(halt(shocks={"trade": [{"origin": "CHN", "destination": ["DEU"], "share": 0,
                                                "start": 0, "duration": 10}]}))


def test_risk_assessment_is_reproducible_and_runs_on_dask(four):
    kw = dict(draws=12, seed=7, nodes=[("CHN", "c14"), ("DEU", "c15"), ("USA", "c9")], horizon=40,
              duration=(5, 20))
    seq = d.risk_assessment(four, scheduler=None, **kw)
    par = d.risk_assessment(four, scheduler="distributed", **kw)
    pd.testing.assert_frame_equal(seq.draws, par.draws)
    s = seq.summary
    assert s["draws"] == 12 and s["value_at_risk_99"] >= s["value_at_risk_95"] >= 0
    assert s["expected_shortfall_95"] >= s["value_at_risk_95"] and s["max_loss"] == seq.draws["value_added_loss"].max()
    assert set(seq.nodes.index) <= {("CHN", "c14"), ("DEU", "c15"), ("USA", "c9")}
    other = d.risk_assessment(four, scheduler=None, **{**kw, "seed": 8})
    assert not other.draws["size"].equals(seq.draws["size"])
    with pytest.raises(iw.IndustwinError, match="duration"):
        d.risk_assessment(four, draws=3, horizon=10, duration=(5, 20), scheduler=None)
