"""Indicators on WIOD 2011 (with peers, emissions and jobs) and the recommendation rules (data, checked when
loaded) on constructed diagnoses: each rule fires when, and only when, its condition holds; every scenario a
template fills is valid on the table."""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
import pandas as pd
import pytest
import yaml

from industwin.analysis.disruption import check_scenario, read_scenario
from industwin.errors import SelectionError, ValidationError
from industwin.strategy.indicators import INDICATORS, SPECS, Diagnosis, DiagnosisInputs, IndicatorResult, diagnose
from industwin.strategy.recommend import RULES_FILE, load_rules, recommend

BOOK = load_rules()


def _result(spec, value: float, pct: float) -> IndicatorResult:
    """A result whose percentile among 100 peers is ``pct`` (a multiple of 0.01)."""
    k = round(pct * 100)
    peers = pd.Series([value - 1.0] * k + [value + 1.0] * (100 - k), index=[f"P{i}" for i in range(100)])
    return IndicatorResult(spec, value, peers, {}, spec.unit)


def _diagnosis(values: dict, percentiles: dict) -> Diagnosis:
    res = {s.id: _result(s, values.get(s.id, np.nan), percentiles.get(s.id, 0.5)) for s in INDICATORS}
    return Diagnosis("XXX", 2011, MappingProxyType(res), pd.DataFrame(), DiagnosisInputs())


@pytest.mark.parametrize("rule", BOOK.rules, ids=lambda r: r.id)
def test_each_rule_fires_when_and_only_when_its_condition_holds(rule):
    t = rule.threshold
    if rule.basis == "value":
        inside, outside = (t + 1e-9, t - 0.01) if rule.test == ">=" else (t - 1e-9, t + 0.01)
        cases = ((inside, True), (t, True), (outside, False), (np.nan, False))
    else:                                    # percentiles move in steps of 1/100 peers
        inside, outside = (t + 0.01, t - 0.01) if rule.test == ">=" else (t - 0.01, t + 0.01)
        cases = ((inside, True), (t, True), (outside, False))
    for measure, expect in cases:
        if rule.basis == "value":
            d = _diagnosis({rule.indicator: measure}, {})
        else:
            d = _diagnosis({rule.indicator: 1.0}, {rule.indicator: measure})
        fired = [r.rule.id for r in recommend(d)]
        assert (rule.id in fired) is expect, (rule.id, measure)
    # only the rules of this indicator fire when only it is set past the threshold
    d = _diagnosis({rule.indicator: inside if rule.basis == "value" else 1.0},
                   {rule.indicator: inside} if rule.basis == "percentile" else {})
    assert {r.rule.id for r in recommend(d)} <= {x.id for x in BOOK.rules if x.indicator == rule.indicator}


def test_ranking_and_evidence():
    d = _diagnosis({"critical_input_concentration": 0.9, "worst_supplier_loss": 0.011}, {})
    recs = recommend(d)
    assert [r.rule.id for r in recs] == ["concentrated_critical_input", "single_supplier_exposure"]
    assert recs[0].gap == pytest.approx(0.8) and "critical_input_concentration = 0.9" in recs[0].evidence
    assert {"stockpiling", "restructure_essential_chains"} <= set(recs[0].priorities["id"])
    assert set(recs[0].cases["id"]) == {"manufacturing_x", "siemens_singapore"}
    assert recs[0].scenario is None                      # no table given: nothing to fill the template for


@pytest.mark.parametrize("change, field, problem", [
    (lambda b: b["rules"][0].update(indicator="nope"), "rules[0].indicator", "unknown indicator"),
    (lambda b: b["rules"][0].update(priorities=["stockpiling", "made_up"]), "rules[0].priorities", "made_up"),
    (lambda b: b["rules"][0].update(cases=["nowhere"]), "rules[0].cases", "unknown case study"),
    (lambda b: b["rules"][0].update(template="nothing"), "rules[0].template", "unknown template"),
    (lambda b: b["rules"][0].update(challenge="workforce"), "rules[0].challenge", "belongs to resilience"),
    (lambda b: b["templates"]["disruption"]["scenario"].update(name="{who}"), "templates.disruption.scenario.name",
     "unknown placeholder {who}"),
    (lambda b: b["templates"]["decarbonisation"]["scenario"]["measures"][0].update(sectors={"$group": "steel"}),
     "templates.decarbonisation.scenario.measures[0].sectors", "sector-group directive"),
    (lambda b: b["rules"].append(dict(b["rules"][0])), "rules[14].id", "given twice"),
    (lambda b: b["rules"][0].update(threshold=float("nan")), "rules[0].threshold", "finite"),
    (lambda b: b["rules"][1].update(threshold=75), "rules[1].threshold", "not a share of peers"),
    (lambda b: b["bindings"]["risk_region"].update(evidence="hotspot"), "bindings.risk_region.evidence",
     "gives no evidence 'hotspot'"),
])
def test_the_rules_file_is_checked_when_loaded(tmp_path, change, field, problem):
    book = yaml.safe_load(RULES_FILE.read_text())
    change(book)
    f = tmp_path / "rules.yaml"
    f.write_text(yaml.safe_dump(book, sort_keys=False))
    with pytest.raises(ValidationError) as e:
        load_rules(str(f))
    assert field in str(e.value) and problem in str(e.value) and str(f) in str(e.value)


def test_diagnosis_of_germany_and_china_with_peers(wiod2011):
    d = diagnose(wiod2011, "DEU", peers=["FRA", "ITA", "CHN", "USA", "JPN"])
    t = d.table
    assert d.inputs.emissions == "co2" and d.inputs.employment == "employment" and d.inputs.family == "wiod2013"
    assert t.loc["production_emissions", "available"] and t.loc["production_emissions", "unit"] == "kt CO2"
    assert not t.loc["risk_hotspot_share", "available"] and "--risk" in t.loc["risk_hotspot_share", "source"]
    assert t.loc["medium_high_tech_export_share", "value"] > t.loc["medium_high_tech_export_share", "peer_median"]
    assert 0 < t.loc["hidden_exposure", "value"] < 1 and t.loc["worst_supplier_loss", "value"] > 0
    region, sector = d.evidence("worst_supplier_loss")["worst_supplier"]
    assert region != "DEU" and sector.startswith("c")
    # the same indicator for a peer equals that peer's own diagnosis
    c = diagnose(wiod2011, "CHN", peers=["DEU"])
    assert d.peers.loc["gvc_participation", "CHN"] == pytest.approx(c.value("gvc_participation"))
    assert c.value("emission_intensive_va_share") > d.value("emission_intensive_va_share")
    assert c.value("emission_intensity_va") > 3 * d.value("emission_intensity_va")
    recs = recommend(c, mrio=wiod2011)
    assert {"emission_intensive_structure", "carbon_intensive_production"} <= {r.rule.id for r in recs}
    with pytest.raises(SelectionError, match="unknown economy"):
        diagnose(wiod2011, "XYZ")
    with pytest.raises(SelectionError, match="no satellite 'ghg' for emissions"):
        diagnose(wiod2011, "DEU", peers=["FRA"], satellites={"emissions": "ghg"})


def test_emissions_and_jobs_indicators_against_the_accounts(wiod2011):
    import industwin as iw
    from industwin.analysis.workforce import jobs_by_final_demand
    d = diagnose(wiod2011, "DEU", peers=["FRA", "POL"])
    acc = iw.embodied_accounts(wiod2011, "co2")
    prod, cons = acc.production.loc["CO2", "DEU"], acc.consumption.loc["CO2", "DEU"]
    assert d.value("production_emissions") == pytest.approx(prod)
    assert d.value("footprint_ratio") == pytest.approx(cons / prod)
    rows = np.asarray(wiod2011.index.get_level_values(0) == "DEU")
    assert d.value("emission_intensity_va") == pytest.approx(prod / wiod2011.V.sum(axis=0)[rows].sum())
    emp = wiod2011.satellites["employment"].F[0]
    ci = rows & np.asarray(wiod2011.index.get_level_values(1).isin(
        ["c2", "c8", "c9", "c11", "c12", "c17", "c23", "c24", "c25"]))
    assert d.value("carbon_intensive_jobs_share") == pytest.approx(emp[ci].sum() / emp[rows].sum())
    # jobs serving demand abroad: the workforce module's ê L Y, columns of other regions, rows of Germany
    J = jobs_by_final_demand(wiod2011)
    mine = J.loc["DEU"]
    foreign = mine.loc[:, mine.columns.get_level_values(0) != "DEU"].to_numpy().sum()
    assert d.value("foreign_demand_jobs_share") == pytest.approx(foreign / mine.to_numpy().sum())
    assert d.evidence("production_emissions")["caveats"]                  # the NLD estimate is carried along
    # jobs abroad behind Germany's consumption: the same ê L y with Germany's final demand, rows of other countries
    own = J.loc[:, J.columns.get_level_values(0) == "DEU"].sum(axis=1)
    abroad = own[own.index.get_level_values(0) != "DEU"].sum()
    assert d.value("foreign_jobs_footprint_share") == pytest.approx(abroad / own.sum())


def test_every_template_fills_a_valid_what_if(wiod2011):
    import industwin as iw
    from industwin.analysis.decarbonisation import check_plan, read_plan
    from industwin.strategy.recommend import fill_template
    risk = pd.Series(np.where(wiod2011.index.get_level_values(1) == "c4", 1.0, 0.05), index=wiod2011.index)
    d = diagnose(wiod2011, "IND", peers=["CHN", "BRA", "DEU"], past=iw.load("wiod2013", 2006), risk=risk)
    assert d.results["declining_sectors_share"].available
    va_now, va_then = wiod2011.V.sum(axis=0), iw.load("wiod2013", 2006).V.sum(axis=0)
    rows = np.asarray(wiod2011.index.get_level_values(0) == "IND")
    emp = wiod2011.satellites["employment"].F[0]               # weighted by persons engaged
    assert d.value("declining_sectors_share") == pytest.approx(emp[rows & (va_now < va_then)].sum()
                                                               / emp[rows].sum())
    for tid, t in BOOK.templates.items():
        sc = fill_template(t, d, wiod2011, "wiod2013", BOOK)
        assert sc is not None, tid
        if t.command == "simulate":
            check_scenario(wiod2011, read_scenario(sc))
        else:
            plan = read_plan(sc)
            check_plan(plan, wiod2011)
            assert plan.satellite == "co2" and plan.measures[0].sectors == ["c11", "c12"]
    # without risk scores the responsible-sourcing template has nothing to fill: no scenario, never a made-up one
    d2 = diagnose(wiod2011, "IND", peers=["CHN"])
    assert fill_template(BOOK.templates["responsible_sourcing"], d2, wiod2011, "wiod2013", BOOK) is None


def test_emission_indicators_with_a_named_satellite(wiod2011):
    import industwin as iw
    from industwin.data.mrio import Satellite
    # an illustrative satellite (test input): emissions proportional to output, 0.3 per unit, 3 for power (c17)
    rate = np.where(wiod2011.index.get_level_values(1) == "c17", 3.0, 0.3)
    m = wiod2011.with_satellite(Satellite("ghg", (np.asarray(wiod2011.x) * rate)[None, :], ["co2e"], "kt"))
    d = diagnose(m, "DEU", peers=["FRA", "CHN"], satellites={"emissions": "ghg"})
    acc = iw.embodied_accounts(m, "ghg")
    assert d.value("production_emissions") == pytest.approx(acc.production["DEU"].iloc[0])
    assert d.value("consumption_emissions") == pytest.approx(acc.consumption["DEU"].iloc[0])
    rows = np.asarray((m.index.get_level_values(0) == "DEU")
                      & m.index.get_level_values(1).isin([f"c{k}" for k in range(3, 17)]))
    x = np.asarray(m.x)[rows]
    dd = iw.intensities(m, "ghg").to_numpy()[0][rows]
    mm = iw.satellite_multipliers(m, "ghg").to_numpy()[0][rows]
    assert d.value("supply_chain_multiplier") == pytest.approx((mm * x).sum() / (dd * x).sum())
    assert d.results["production_emissions"].unit == "kt"


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
    from industwin.strategy.recommend import fill_template
    rule = BOOK.rule("supply_base_risk")
    assert rule.fires(d) is (d.value("risk_hotspot_share") >= 0.2)
    sc = fill_template(BOOK.templates[rule.template], d, wiod2011, "wiod2013", BOOK)
    # every indicator gives only the evidence its spec declares (the rules file's bindings are checked against it)
    for k, r in d.results.items():
        assert set(r.evidence) <= set(r.spec.evidence), k
    assert sc["shocks"]["trade"][0]["origin"] == foreign.index[0][0]
    check_scenario(wiod2011, read_scenario(sc))


def test_every_indicator_has_a_spec_the_rules_can_name():
    assert set(SPECS) == {s.id for s in INDICATORS}
    assert {r.indicator for r in BOOK.rules} <= set(SPECS)
