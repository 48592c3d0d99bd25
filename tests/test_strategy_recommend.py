"""Indicators on WIOD 2011 (with peers, emissions and jobs) and the recommendation rules (data, checked when
loaded) on constructed diagnoses: a rule fires only for a material gap — beyond the peers' spread for their number
and worth 1 % of the economy's value added, jobs or emissions (property tests on synthetic peer distributions) —
ranked on one scale; every scenario a template fills is valid on the table."""

from __future__ import annotations

import math
from types import MappingProxyType

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from industwin.analysis.disruption import check_scenario, read_scenario
from industwin.errors import SelectionError, ValidationError
from industwin.strategy.diagnosis import Diagnosis, diagnose
from industwin.strategy.indicators import INDICATORS, SPECS, DiagnosisInputs, IndicatorResult
from industwin.strategy.materiality import STAKE_MIN, STAKES, peer_test, robust_spread, z_needed
from industwin.strategy.peers import PeerSet
from industwin.strategy.recommend import RULES_FILE, assess, load_rules, recommend

BOOK = load_rules()
# evidence and totals that make every stake factor 1 (emissions per value added: 10), so a gap's stake is the gap
EVIDENCE = {"output": 1000.0, "requirement": 1000.0, "foreign_value_added": 1000.0, "exports": 1000.0,
            "persons": 100.0}
TOTALS = {"value added": 1000.0, "jobs": 100.0, "emissions": 100.0}


def _diagnosis(economy: dict, peers: dict) -> Diagnosis:
    """Economy XXX with ``economy[indicator]`` against peers P0… with ``peers[indicator]`` (the same count for
    every indicator; indicators not given: NaN)."""
    n = len(next(iter(peers.values()))) if peers else 10
    names = [f"P{i}" for i in range(n)]
    M = pd.DataFrame(np.nan, index=[s.id for s in INDICATORS], columns=["XXX", *names])
    for k, v in economy.items():
        M.loc[k, "XXX"] = v
    for k, v in peers.items():
        M.loc[k, names] = np.asarray(v, float)
    res = {s.id: IndicatorResult(s, float(M.loc[s.id, "XXX"]), M.loc[s.id, names], dict(EVIDENCE), s.unit)
           for s in INDICATORS}
    ps = PeerSet("test", tuple(names), "synthetic peers")
    return Diagnosis("XXX", 2011, MappingProxyType(res), M, DiagnosisInputs(), M, MappingProxyType({"test": ps}),
                     MappingProxyType({}), MappingProxyType(TOTALS), MappingProxyType({}))


def _plant(rule, peers: np.ndarray, k: float) -> float:
    """A value ``k`` robust spreads from the peers' median on the rule's side of concern."""
    return float(np.median(peers) + (1 if rule.side == "high" else -1) * k * robust_spread(peers))


peer_samples = st.integers(5, 60).flatmap(lambda n: st.tuples(
    st.floats(0.5, 2.0), st.floats(0.02, 0.3), st.integers(0, 2**31 - 1), st.just(n)))


@pytest.mark.parametrize("rule", BOOK.rules, ids=lambda r: r.id)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sample=peer_samples, where=st.floats(-0.99, 0.99))
def test_no_rule_fires_on_a_gap_within_the_peers_noise(rule, sample, where):
    """Within the noise: closer to the peers' median than the bar for their number, on either side (how often an
    economy drawn from its peers lands beyond the bar is the calibration test below)."""
    centre, spread, seed, n = sample
    peers = np.random.default_rng(seed).normal(centre, spread, n)
    value = _plant(rule, peers, where * z_needed(n))
    d = _diagnosis({rule.indicator: value}, {rule.indicator: peers})
    a = assess(rule, d)
    assert abs(a.test.z) < a.test.needed and not a.material
    assert rule.id not in {r.rule.id for r in recommend(d)}


@pytest.mark.parametrize("rule", BOOK.rules, ids=lambda r: r.id)
@settings(max_examples=25, deadline=None)
@given(sample=peer_samples, extra=st.floats(0.01, 5.0))
def test_a_planted_material_gap_always_fires(rule, sample, extra):
    centre, spread, seed, n = sample
    peers = np.random.default_rng(seed).normal(centre, spread, n)
    value = _plant(rule, peers, z_needed(n) + extra)
    d = _diagnosis({rule.indicator: value}, {rule.indicator: peers})
    a = assess(rule, d)
    if a.stake.share < STAKE_MIN or (rule.also and not rule.also.holds(value)):
        return                                        # large against the peers but too small a stake: not material
    assert a.material and a.score >= 1.0
    recs = recommend(d)
    assert rule.id in {r.rule.id for r in recs}
    # only rules on this indicator fire when only it is set
    assert {r.rule.id for r in recs} <= {x.id for x in BOOK.rules if x.indicator == rule.indicator}


@pytest.mark.parametrize("n", [5, 8, 10, 20, 40])
def test_an_economy_drawn_from_its_peers_is_flagged_rarely(n):
    """Within the peers' noise: an economy drawn from the peers' own distribution passes the peer count about as
    often as 1.5 σ on one side of a normal (6.7 %) for every size of peer set."""
    rng = np.random.default_rng(n)
    hits = sum(peer_test(rng.normal(), rng.normal(size=n), "high").passes for _ in range(3000))
    assert 0.04 < hits / 3000 < 0.09


def test_the_two_counts_and_their_thresholds():
    peers = np.array([0.08, 0.09, 0.10, 0.10, 0.11, 0.12, 0.10, 0.09, 0.11, 0.10])   # median 0.10
    peers = np.concatenate([peers, peers])                                             # 20 peers
    rule = BOOK.rule("emission_intensive_structure")                                 # a share of value added
    sd = robust_spread(peers)
    assert sd == pytest.approx(1.4826 * np.median(np.abs(peers - 0.10)))
    from scipy import stats
    assert z_needed(10) == pytest.approx(stats.t.isf(stats.norm.sf(1.5), 0.3675 * 9) * math.sqrt(1 + math.pi / 20))
    assert z_needed(5) > z_needed(10) > z_needed(40) > 1.5 and z_needed(1) == math.inf
    # far beyond the spread but only 0.9 % of value added: not material on the second count
    a = assess(rule, _diagnosis({rule.indicator: 0.10 + 0.009}, {rule.indicator: 0.10 + (peers - 0.10) / 10}))
    assert a.test.passes and a.stake.share == pytest.approx(0.009) and not a.material
    # 3 points of value added but within the spread: not material on the first count
    wide = 0.10 + (peers - 0.10) * 5
    a = assess(rule, _diagnosis({rule.indicator: 0.13}, {rule.indicator: wide}))
    assert a.stake.share == pytest.approx(0.03) and not a.test.passes and not a.material
    # both: material; the score is the geometric mean of the two ratios
    a = assess(rule, _diagnosis({rule.indicator: 0.16}, {rule.indicator: peers}))
    t = peer_test(0.16, peers, "high")
    assert a.material and a.score == pytest.approx(math.sqrt(t.z / t.needed * 0.06 / 0.01))
    # the other side is no concern, however far
    assert not assess(rule, _diagnosis({rule.indicator: 0.01}, {rule.indicator: peers})).material
    # too few peers: no peer-based finding
    assert not assess(rule, _diagnosis({rule.indicator: 0.5}, {rule.indicator: peers[:4]})).material


def test_ranking_on_one_scale_and_no_finding_is_an_answer():
    rng = np.random.default_rng(1)
    peers = {"critical_input_concentration": rng.normal(0.5, 0.05, 20), "worst_supplier_loss": rng.normal(0.01, 0.003, 20),
             "emission_intensity_va": rng.normal(0.3, 0.05, 20)}
    d = _diagnosis({"critical_input_concentration": 0.9, "worst_supplier_loss": 0.03, "emission_intensity_va": 0.3},
                   peers)
    recs = recommend(d)
    assert [r.rule.id for r in recs] == sorted([r.rule.id for r in recs], key=lambda i: -assess(BOOK.rule(i), d).score)
    assert {r.rule.id for r in recs} == {"concentrated_critical_input", "single_supplier_exposure"}
    top = recs[0]
    assert "critical_input_concentration = 0.9" in top.evidence and top.score > recs[1].score
    assert {"stockpiling", "restructure_essential_chains"} <= set(top.priorities["id"])
    assert top.scenario is None                       # no table given: nothing to fill the template for
    assert recommend(_diagnosis({k: float(np.median(v)) for k, v in peers.items()}, peers)) == []


def test_every_rule_indicator_has_a_stake():
    assert {r.indicator for r in BOOK.rules} <= set(STAKES)


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
    (lambda b: b["rules"].append(dict(b["rules"][0])), "rules[15].id", "given twice"),
    (lambda b: b["rules"][6].update(also={"test": ">=", "value": float("nan"), "why": "x"}), "rules[6].also.value",
     "finite"),
    (lambda b: b["rules"][1].update(side="up"), "rules[1].side", "high"),
    (lambda b: b["rules"][1].update(indicator="production_emissions", challenge="sustainability",
                                    priorities=["green_regulation"]), "rules[1].indicator", "has no stake"),
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
    full = diagnose(wiod2011, "CHN")                        # default peers: the structural set (income and size)
    assert full.primary.name in ("structural", "income") and "DEU" not in full.primary.members
    recs = recommend(full, mrio=wiod2011)
    assert "carbon_intensive_production" in {r.rule.id for r in recs}
    assert all(r.assessment.material and r.score >= 1 for r in recs)
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
    share_now, share_then = va_now / va_now[rows].sum(), va_then / va_then[rows].sum()
    assert d.value("declining_sectors_share") == pytest.approx(emp[rows & (share_now < 0.9 * share_then)].sum()
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
            assert plan.measures[0].regions == ["IND"] and plan.focus == "IND"      # the economy's own industry
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
    assert not assess(rule, d).material                   # one peer: no peer-based finding, however large
    sc = fill_template(BOOK.templates[rule.template], d, wiod2011, "wiod2013", BOOK)
    # every indicator gives only the evidence its spec declares (the rules file's bindings are checked against it)
    for k, r in d.results.items():
        assert set(r.evidence) <= set(r.spec.evidence), k
    assert sc["shocks"]["trade"][0]["origin"] == foreign.index[0][0]
    check_scenario(wiod2011, read_scenario(sc))


def test_every_indicator_has_a_spec_the_rules_can_name():
    assert set(SPECS) == {s.id for s in INDICATORS}
    assert {r.indicator for r in BOOK.rules} <= set(SPECS)
