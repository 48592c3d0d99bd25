"""The strategy report as an explicit pipeline: the caller loads the table (and, if wanted, the table five years
earlier, risk scores and a survey); :func:`build_report` diagnoses the economy against its peers, applies the
recommendation rules (data: ``rules.yaml``), aggregates the consultation and returns a :class:`StrategyReport` —
results and the words that state them. Rendering (HTML, PDF, charts) lives in :mod:`industwin.viz.report`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from industwin.data.mrio import MRIO
from industwin.strategy.consultation import aggregate, read_responses
from industwin.strategy.indicators import Diagnosis, diagnose
from industwin.strategy.knowledge import Framework, load_framework
from industwin.strategy.recommend import Recommendation, RuleBook, recommend

__all__ = ["SECTIONS", "StrategyReport", "build_report", "fmt_value"]

SECTIONS = ("Executive summary", "Peer comparison", "Consultation", "Appendix: data and methods")


@dataclass(frozen=True)
class StrategyReport:
    economy: str
    year: int | None
    table_name: str
    diagnosis: Diagnosis
    recommendations: list[Recommendation]
    framework: Framework
    consultation: pd.DataFrame | None
    meta: Mapping
    caveats: tuple[str, ...] = field(default=())

    def challenge_title(self, cid: str) -> str:
        return self.framework.challenge(cid).title

    # ------------------------------------------------------------------ words
    def summary_points(self) -> list[str]:
        """The executive summary: the largest gaps with their priorities, what emissions and jobs show, the
        strengths, and the real data gaps with what would fill them."""
        res = self.diagnosis.results
        pts = []
        if not self.recommendations:
            pts.append("No rule flags a gap against its threshold; the indicators below show where the economy "
                       "stands against its peers.")
        for r in self.recommendations[:4]:
            titles = ", ".join(r.priorities["title"].head(3))
            where = ("" if r.rule.basis == "value" else f", above {r.measure:.0%} of peers" if r.rule.test == ">="
                     else f", below {1 - r.measure:.0%} of peers")
            pts.append(f"{self.challenge_title(r.rule.challenge)}: {r.rule.finding} "
                       f"({fmt_value(r.value, res[r.rule.indicator].unit)}{where}). Priorities: {titles}.")
        e = self.emissions_summary()
        if e:
            pts.append(e)
        j = self.jobs_summary()
        if j:
            pts.append(j)
        for r in res.values():
            if r.spec.direction == "strength" and r.available and r.percentile >= 0.75:
                pts.append(f"Strength: {r.spec.name.lower()} {fmt_value(r.value, r.unit)}, higher than "
                           f"{r.percentile:.0%} of peers.")
        missing = [r for r in res.values() if not r.available]
        if missing:
            pts.append("Not assessed for lack of data: " + "; ".join(f"{r.spec.name.lower()} (needs {r.spec.needs})"
                                                                    for r in missing) + ".")
        return pts

    def emissions_summary(self) -> str | None:
        res = self.diagnosis.results
        p, c = res["production_emissions"], res["consumption_emissions"]
        if not (p.available and c.available):
            return None
        k, u = display_scale(p.unit)
        ratio = c.value / p.value
        side = ("more than its industries emit: a net importer of embodied emissions" if ratio > 1.02 else
                "less than its industries emit: a net exporter of embodied emissions" if ratio < 0.98 else
                "about what its industries emit")
        text = (f"Emissions: the economy's industries emit {p.value * k:,.0f} {u}; its final demand causes "
                f"{c.value * k:,.0f} {u} worldwide ({ratio:.2f} times production, {side}).")
        i = res["emission_intensity_va"]
        if i.available:
            text += (f" Each unit of value added emits {fmt_value(i.value, i.unit)}, more than {i.percentile:.0%} "
                     "of peers.")
        m = res["supply_chain_multiplier"]
        if m.available:
            text += (f" Manufacturing's supply chains emit {m.value:.1f} times its own direct emissions (the paper "
                     "cites about 11 times for industry's supply chains).")
        return text

    def jobs_summary(self) -> str | None:
        res = self.diagnosis.results
        f, ci = res["foreign_demand_jobs_share"], res["carbon_intensive_jobs_share"]
        if not (f.available or ci.available):
            return None
        parts = []
        persons = f.evidence.get("persons")
        if persons:
            from industwin.data.units import persons_per_unit
            per = persons_per_unit(self.diagnosis.inputs.employment_unit)
            parts.append(f"{persons * per / 1e6:,.1f} million persons work in the economy's industries")
        if ci.available:
            parts.append(f"{ci.value:.1%} of them in carbon-intensive industries and transport (more than "
                         f"{ci.percentile:.0%} of peers)")
        if f.available:
            parts.append(f"{f.value:.1%} serve final demand abroad (more than {f.percentile:.0%} of peers)")
        return "Jobs: " + "; ".join(parts) + "."


def display_scale(unit: str) -> tuple[float, str]:
    """How an indicator's value is shown: the factor and the unit people read — shares in %, emissions in Mt of
    their gas, emissions per value added in kg per currency unit; other units as they are."""
    from industwin.data.units import is_mass, tonnes_per_unit
    if unit.startswith("share"):
        return 100.0, "%"
    mass, _, per = unit.partition(" per ")
    gas = mass.split(" ", 1)[1] if " " in mass else "CO2"
    if is_mass(mass) and not per:
        return tonnes_per_unit(mass) / 1e6, f"Mt {gas}"
    if is_mass(mass) and per.startswith("M "):                 # e.g. kt CO2 per M USD = kg CO2 per USD
        return tonnes_per_unit(mass) * 1e3 / 1e6, f"kg {gas} per {per[2:]}"
    return 1.0, unit


def fmt_value(v, unit: str) -> str:
    """A value for people, in the unit of :func:`display_scale`."""
    if v is None or pd.isna(v):
        return "n/a"
    k, shown = display_scale(unit)
    if shown == "%":
        return f"{k * v:.1f} %"
    if shown.startswith("Mt "):
        return f"{k * v:,.1f} {shown}"
    if shown.startswith("kg "):
        return f"{k * v:.2f} {shown}"
    return f"{v:,.3g}" + ("" if unit in ("ratio", "steps from final use") else f" {unit}")


def build_report(mrio: MRIO, economy: str, *, peers: list[str] | None = None, past: MRIO | None = None,
                 satellites: Mapping[str, str | None] | None = None, risk: pd.Series | None = None,
                 survey=None, source: str | None = None, framework: Framework | None = None,
                 rules: RuleBook | None = None, progress=None, matrix=None) -> StrategyReport:
    """Diagnose ``economy`` in ``mrio`` (a table with several economies: they are the peers), recommend, and
    aggregate the consultation when a ``survey`` (CSV or DataFrame) is given.

    ``past``: the same table five years earlier (declining sectors); ``satellites``: ``{"emissions": name,
    "employment": name}`` (default ``co2`` / ``employment`` when the table has them); ``risk``: risk scores per
    country-sector; ``source``: the dataset name or path the scenarios of the recommendations should load
    (default: the table's name); ``matrix``: indicator values already computed for every economy
    (:func:`industwin.strategy.indicators.indicator_matrix`).
    """
    from industwin.strategy.recommend import load_rules
    fw = framework or load_framework()
    rules = rules or load_rules()                     # checked before the long work
    d = diagnose(mrio, economy, peers, satellites=satellites, risk=risk, past=past, progress=progress, matrix=matrix)
    recs = recommend(d, fw, rules, mrio=mrio, dataset=source or mrio.name)
    cons = aggregate(read_responses(survey, fw), fw) if survey is not None else None
    meta = dict(mrio.meta)
    caveats = tuple(dict.fromkeys([*d.inputs.caveats, *meta.get("satellite_notes", ())]))
    return StrategyReport(economy, mrio.year, f"{mrio.name} {mrio.year or ''}".strip(), d, recs, fw, cons, meta,
                          caveats)
