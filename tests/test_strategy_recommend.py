"""Indicators on WIOD 2011 (with peers) and the recommendation rules on constructed diagnoses: each rule
fires when, and only when, its condition holds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from industwin.analysis.disruption import check_scenario, read_scenario
from industwin.errors import SelectionError
from industwin.strategy.indicators import INDICATORS, Diagnosis, diagnose
from industwin.strategy.knowledge import load_framework
from industwin.strategy.recommend import RULES, recommend


def _diagnosis(values: dict, percentiles: dict) -> Diagnosis:
    rows = {s.id: {"challenge": s.challenge, "value": values.get(s.id, np.nan),
                   "percentile": percentiles.get(s.id, np.nan)} for s in INDICATORS}
    t = pd.DataFrame.from_dict(rows, orient="index")
    return Diagnosis("XXX", 2011, t, pd.DataFrame(), {("worst_supplier", "XXX"): ("CHN", "c14")})


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_each_rule_fires_when_and_only_when_its_condition_holds(rule):
    eps = 1e-9
    inside = rule.threshold + eps if rule.test == ">=" else rule.threshold - eps
    outside = rule.threshold - 0.01 if rule.test == ">=" else rule.threshold + 0.01
    for measure, expect in ((inside, True), (rule.threshold, True), (outside, False), (np.nan, False)):
        if rule.basis == "value":
            d = _diagnosis({rule.indicator: measure}, {rule.indicator: 0.5})
        else:
            d = _diagnosis({rule.indicator: 1.0}, {rule.indicator: measure})
        fired = [r.rule.id for r in recommend(d)]
        assert (rule.id in fired) is expect, (rule.id, measure)
    # only this rule fires when only its indicator is set past the threshold
    d = _diagnosis({rule.indicator: inside if rule.basis == "value" else 1.0},
                   {rule.indicator: inside if rule.basis == "percentile" else 0.5})
    assert {r.rule.id for r in recommend(d)} <= {x.id for x in RULES if x.indicator == rule.indicator}


def test_every_rule_points_to_the_framework():
    fw = load_framework()
    pri = fw.priorities()
    for r in RULES:
        assert set(r.priorities) <= set(pri.loc[pri["challenge"] == r.challenge, "id"]), r.id
        assert set(r.cases) <= set(fw.cases()["id"]), r.id


def test_ranking_and_evidence():
    d = _diagnosis({"critical_input_concentration": 0.9, "worst_supplier_loss": 0.011},
                   {"critical_input_concentration": 0.5, "worst_supplier_loss": 0.5})
    recs = recommend(d)
    assert [r.rule.id for r in recs] == ["concentrated_critical_input", "single_supplier_exposure"]
    assert recs[0].gap == pytest.approx(0.8) and "critical_input_concentration = 0.9" in recs[0].evidence
    assert {"stockpiling", "restructure_essential_chains"} <= set(recs[0].priorities["id"])
    assert set(recs[0].cases["id"]) == {"manufacturing_x", "siemens_singapore"}


def test_diagnosis_of_germany_and_china_with_peers(wiod2011):
    d = diagnose(wiod2011, "DEU", peers=["FRA", "ITA", "CHN", "USA", "JPN"])
    t = d.table
    assert not t.loc["production_emissions", "available"] and "not available" in t.loc["production_emissions", "source"]
    assert t.loc["medium_high_tech_export_share", "value"] > t.loc["medium_high_tech_export_share", "peer_median"]
    assert 0 < t.loc["hidden_exposure", "value"] < 1 and t.loc["worst_supplier_loss", "value"] > 0
    # the same indicator for a peer equals that peer's own diagnosis
    c = diagnose(wiod2011, "CHN", peers=["DEU"])
    assert d.peers.loc["gvc_participation", "CHN"] == pytest.approx(c.value("gvc_participation"))
    assert c.value("emission_intensive_va_share") > d.value("emission_intensive_va_share")
    recs = recommend(c)
    assert "emission_intensive_structure" in {r.rule.id for r in recs}
    # every scenario a recommendation offers is a valid, runnable scenario on the table
    for r in recs:
        if r.scenario and "shocks" in r.scenario:
            check_scenario(wiod2011, read_scenario(r.scenario))
    with pytest.raises(SelectionError, match="unknown economy"):
        diagnose(wiod2011, "XYZ")


def test_every_rule_offers_a_valid_what_if(wiod2011):
    import industwin as iw
    from industwin.analysis.decarbonisation import read_plan
    d = diagnose(wiod2011, "IND", peers=["CHN", "BRA", "DEU"], past=iw.load("wiod2013", 2006))
    assert d.table.loc["declining_sectors_share", "available"]
    va_now = wiod2011.V.sum(axis=0)
    va_then = iw.load("wiod2013", 2006).V.sum(axis=0)
    rows = np.asarray(wiod2011.index.get_level_values(0) == "IND")
    assert d.value("declining_sectors_share") == pytest.approx(va_now[rows & (va_now < va_then)].sum()
                                                               / va_now[rows].sum())
    for rule in RULES:
        assert rule.scenario is not None, rule.id
        sc = rule.scenario(d)
        if "shocks" in sc:
            check_scenario(wiod2011, read_scenario(sc))
        else:
            plan = read_plan(sc)
            assert plan.measures and plan.emissions is not None


def test_emission_indicators_with_an_emissions_satellite(wiod2011):
    import industwin as iw
    from industwin.data.mrio import Satellite
    # an illustrative satellite (test input): emissions proportional to output, 0.3 per unit, 3 for power (c17)
    rate = np.where(wiod2011.index.get_level_values(1) == "c17", 3.0, 0.3)
    m = wiod2011.with_satellite(Satellite("ghg", (np.asarray(wiod2011.x) * rate)[None, :], ["co2e"], "kt"))
    d = diagnose(m, "DEU", peers=["FRA", "CHN"], ghg="ghg")
    acc = iw.embodied_accounts(m, "ghg")
    assert d.value("production_emissions") == pytest.approx(acc.production["DEU"].iloc[0])
    assert d.value("consumption_emissions") == pytest.approx(acc.consumption["DEU"].iloc[0])
    rows = np.asarray((m.index.get_level_values(0) == "DEU")
                      & m.index.get_level_values(1).isin([f"c{k}" for k in range(3, 17)]))
    x = np.asarray(m.x)[rows]
    dd = iw.intensities(m, "ghg").to_numpy()[0][rows]
    mm = iw.satellite_multipliers(m, "ghg").to_numpy()[0][rows]
    assert d.value("supply_chain_multiplier") == pytest.approx((mm * x).sum() / (dd * x).sum())
    assert d.table.loc["supply_chain_multiplier", "available"] and d.value("supply_chain_multiplier") > 1


def test_risk_indicator_and_its_scenario(wiod2011):
    from industwin.analysis.sustainability import risk_hotspots
    # an illustrative indicator (test input): textiles (c4) risky everywhere
    risk = pd.Series(np.where(wiod2011.index.get_level_values(1) == "c4", 1.0, 0.05), index=wiod2011.index)
    d = diagnose(wiod2011, "DEU", peers=["FRA"], risk=risk)
    fd = np.asarray(wiod2011.fd_index.get_level_values(0) == "DEU")
    y = pd.Series(np.asarray(wiod2011.Y)[:, fd].sum(axis=1), index=wiod2011.index)
    hs = risk_hotspots(wiod2011, risk, y, top=len(y))
    foreign = hs[hs.index.get_level_values(0) != "DEU"]
    assert d.value("risk_hotspot_share") == pytest.approx(foreign["share"].iloc[0])
    rule = next(r for r in RULES if r.id == "supply_base_risk")
    sc = rule.scenario(d)
    assert sc["shocks"]["trade"][0]["origin"] == foreign.index[0][0]
    check_scenario(wiod2011, read_scenario(sc))
