"""Transparent recommendations: rules that map a diagnosis to the framework's priorities.

Each rule reads one indicator, states its condition (an absolute threshold, or a position among the peers),
names the priorities it points to and the case studies that show them at work, and builds a ready "what if"
scenario the user can run (a disruption scenario for ``industwin simulate``, a decarbonisation plan for
``industwin decarbonise``). A recommendation is the rule that fired, with the numbers behind it; they are
ranked by the size of the gap — how far the indicator is past the rule's threshold, relative to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from industwin.errors import DataError
from industwin.strategy.indicators import Diagnosis
from industwin.strategy.knowledge import Framework, load_framework

__all__ = ["Rule", "RULES", "Recommendation", "recommend"]


@dataclass(frozen=True)
class Rule:
    id: str
    challenge: str
    indicator: str
    test: str                # ">=" or "<="
    threshold: float
    basis: str               # "value" (absolute) or "percentile" (share of peers below the economy)
    finding: str             # what the condition means, in words
    priorities: tuple[str, ...]
    cases: tuple[str, ...]
    scenario: Callable[[Diagnosis], dict] | None = None

    def measure(self, d: Diagnosis) -> float:
        row = d.table.loc[self.indicator]
        return float(row["value"] if self.basis == "value" else row["percentile"])

    def fires(self, d: Diagnosis) -> bool:
        m = self.measure(d)
        if np.isnan(m):
            return False
        return m >= self.threshold if self.test == ">=" else m <= self.threshold

    def gap(self, d: Diagnosis) -> float:
        """How far past the threshold, relative to it (percentile rules: in percentile points)."""
        m = self.measure(d)
        diff = m - self.threshold if self.test == ">=" else self.threshold - m
        return float(diff if self.basis == "percentile" else diff / abs(self.threshold or 1.0))

    def condition(self) -> str:
        what = "value" if self.basis == "value" else "percentile among peers"
        return f"{self.indicator} ({what}) {self.test} {self.threshold:g}"


def _scenario(d: Diagnosis, name: str, description: str, shocks: dict, interventions: dict | None = None) -> dict:
    """A disruption scenario (``industwin simulate``) on the diagnosis's table and year, focused on the economy."""
    sc = {"name": name, "description": description, "table": {"dataset": "wiod2013", "year": d.year},
          "horizon": 365, "focus": d.economy, "shocks": shocks}
    if interventions:
        sc["interventions"] = interventions
    return sc


def _disruption(d: Diagnosis) -> dict:
    """A one-year shock to the economy's most important foreign supplier, with a stockpile and diversification."""
    region, sector = d.context.get(("worst_supplier", d.economy), ("RoW", "c2"))
    return _scenario(d, f"Loss of {region} {sector} supplies to {d.economy}",
                     f"Half of {region}'s {sector} capacity is lost for 90 days; compared with a 60-day stockpile "
                     f"and with diversifying 30 % of {d.economy}'s purchases away from {region}.",
                     {"capacity": [{"nodes": [{"region": region, "sector": sector}], "size": 0.5, "start": 10,
                                    "duration": 90, "recovery_days": 30, "recovery": "linear"}]},
                     {"stockpile": [{"products": [sector], "buyers": [{"region": d.economy}], "extra_days": 60,
                                     "holding_cost": 0.2}],
                      "diversify": [{"product": sector, "buyers": [{"region": d.economy}], "origin": region,
                                     "share": 0.3}]})


def _decarbonisation(d: Diagnosis) -> dict:
    """A plan template for the economy's emission-intensive sectors (emissions to be supplied by the user)."""
    return {"name": f"{d.economy}: decarbonising emission-intensive industry",
            "description": "Energy efficiency in basic metals and minerals, electrifying half of their fuel use, "
                           "and a carbon price; attach the economy's emissions by sector.",
            "table": {"dataset": "wiod2013", "year": d.year},
            "emissions": {"file": "emissions_by_sector.csv", "unit": "kt CO2e"}, "carbon_price": 0.05,
            "measures": [{"kind": "efficiency", "sectors": ["c11", "c12"], "energy": ["c8", "c17"],
                          "reduction": 0.15, "combustion_share": 0.6},
                         {"kind": "fuel_switch", "sectors": ["c11", "c12"], "fuels": ["c2", "c8"],
                          "electricity": "c17", "share": 0.5, "cost_ratio": 1.3}]}


def _demand(d: Diagnosis, sectors: tuple[str, ...], buyers_abroad: bool, label: str) -> dict:
    """A year of 10 % more final demand for some of the economy's products: what it sets in motion."""
    other = [r for r in d.peers.columns if r != d.economy] if buyers_abroad else [d.economy]
    return _scenario(d, f"{d.economy}: {label}",
                     f"Final demand for {d.economy}'s {', '.join(sectors)} rises 10 % for a year "
                     f"({'from abroad' if buyers_abroad else 'at home'}): output, value added and the suppliers it "
                     "draws in.",
                     {"final_demand": [{"products": [{"region": d.economy, "sector": s} for s in sectors],
                                        "buyers": other, "change": 0.1, "start": 0, "duration": 365}]})


def _technology(d: Diagnosis) -> dict:
    return _demand(d, ("c9", "c13", "c14", "c15"), False, "a mission-led push for medium- and high-tech products")


def _integration(d: Diagnosis) -> dict:
    return _demand(d, ("c13", "c14", "c15"), True, "deeper integration into value chains (10 % more foreign demand)")


def _responsible_sourcing(d: Diagnosis) -> dict:
    region, sector = d.context.get(("risk_top", d.economy), ("RoW", "c4"))
    return _scenario(d, f"{d.economy}: shifting 30 % of purchases away from {region} {sector}",
                     f"A third of {d.economy}'s purchases from {region}'s {sector} move to other origins for a year "
                     "(due-diligence exit): the cost and who gains.",
                     {"trade": [{"origin": region, "destination": [d.economy], "products": [sector], "share": 0.3,
                                 "substitution": True, "start": 0, "duration": 365}]})


RULES: tuple[Rule, ...] = (
    Rule("concentrated_critical_input", "resilience", "critical_input_concentration", ">=", 0.5, "value",
         "one foreign origin supplies half or more of a manufacturing input (all tiers)",
         ("restructure_essential_chains", "stockpiling", "international_coordination", "information_sharing"),
         ("manufacturing_x", "siemens_singapore"), _disruption),
    Rule("hidden_dependence", "resilience", "hidden_exposure", ">=", 0.75, "percentile",
         "more of the foreign dependence sits beyond tier 1 than in three quarters of the peers",
         ("transparency_rules", "information_sharing", "adopt_resilience_technology", "grounded_risk_assessment"),
         ("manufacturing_x", "ai4pro"), _disruption),
    Rule("single_supplier_exposure", "resilience", "worst_supplier_loss", ">=", 0.01, "value",
         "losing one foreign supplier would cost 1 % or more of the economy's value added",
         ("stockpiling", "demand_visibility", "restructure_essential_chains", "grounded_risk_assessment"),
         ("siemens_singapore",), _disruption),
    Rule("high_foreign_value_added", "resilience", "foreign_va_share_manufacturing", ">=", 0.75, "percentile",
         "a larger share of manufactured products' value is added abroad than in three quarters of the peers",
         ("international_coordination", "restructure_essential_chains", "new_profit_models"),
         ("siemens_singapore", "manufacturing_x"), _disruption),
    Rule("emission_intensive_structure", "sustainability", "emission_intensive_va_share", ">=", 0.5, "percentile",
         "emission-intensive industries weigh more in value added than in the median peer",
         ("risk_offsetting", "green_regulation", "data_standards", "resource_efficiency", "share_solutions"),
         ("hybrit", "tmuk"), _decarbonisation),
    Rule("large_footprint", "sustainability", "consumption_emissions", ">=", 0.75, "percentile",
         "consumption-based emissions above three quarters of the peers",
         ("inform_consumers", "data_standards", "partner_selection"), ("tmuk",), _decarbonisation),
    Rule("low_technology_intensity", "technology", "medium_high_tech_va_share", "<=", 0.25, "percentile",
         "medium- and high-tech manufacturing weighs less than in three quarters of the peers",
         ("benchmarking", "fund_risky_innovation", "experimental_spaces", "learning_networks", "adoption_advocacy"),
         ("mep", "senai_sp", "future_factories"), _technology),
    Rule("weak_gvc_integration", "technology", "gvc_participation", "<=", 0.25, "percentile",
         "participation in global value chains lower than in three quarters of the peers",
         ("international_technology_collaboration", "consultative_bodies", "technology_priorities"),
         ("siemens_singapore", "future_factories"), _integration),
    Rule("carbon_dependent_jobs", "workforce", "carbon_intensive_jobs_share", ">=", 0.03, "value",
         "3 % or more of jobs are in carbon-intensive sectors",
         ("safety_nets", "early_skills", "integrated_technology_skills", "on_the_job_training",
          "partner_on_curricula"), ("tamil_nadu", "empresa_centro", "unist_ai"), _decarbonisation),
    Rule("declining_sectors", "workforce", "declining_sectors_share", ">=", 0.75, "percentile",
         "more of the economy sits in shrinking sectors than in three quarters of the peers",
         ("safety_nets", "stability_reactivity", "training_requirements", "lifelong_learning"),
         ("empresa_centro", "tamil_nadu"), _technology),
    Rule("supply_base_risk", "social_value", "risk_hotspot_share", ">=", 0.2, "value",
         "one foreign country-sector carries a fifth or more of the supply base's risk exposure",
         ("bolster_transparency", "csr_supply_chains", "protect_workers"), ("better_work", "buy_social"),
         _responsible_sourcing),
)


@dataclass(frozen=True)
class Recommendation:
    rule: Rule
    value: float
    measure: float
    gap: float
    priorities: pd.DataFrame
    cases: pd.DataFrame
    scenario: dict | None = field(default=None)

    @property
    def evidence(self) -> str:
        r = self.rule
        basis = f"{self.measure:.0%} of peers lower" if r.basis == "percentile" else f"threshold {r.threshold:g}"
        return f"{r.indicator} = {self.value:.3g} ({basis}): {r.finding}"


def recommend(d: Diagnosis, framework: Framework | None = None, rules: tuple[Rule, ...] = RULES) -> list[Recommendation]:
    """The rules that fire for a diagnosis, largest gap first, each with its priorities, cases and scenario."""
    fw = framework or load_framework()
    pri = fw.priorities()
    cases = fw.cases()
    out = []
    for r in rules:
        if r.indicator not in d.table.index or not r.fires(d):
            continue
        p = pri[pri["id"].isin(r.priorities) & (pri["challenge"] == r.challenge)]
        missing = set(r.priorities) - set(p["id"])
        if missing:
            raise DataError(f"rule {r.id}: priorities {sorted(missing)} are not in the framework's {r.challenge!r}. "
                            "Fix: correct the rule's priority ids")
        out.append(Recommendation(r, d.value(r.indicator), r.measure(d), r.gap(d), p.reset_index(drop=True),
                                  cases[cases["id"].isin(r.cases)].reset_index(drop=True),
                                  r.scenario(d) if r.scenario else None))
    return sorted(out, key=lambda x: -x.gap)
