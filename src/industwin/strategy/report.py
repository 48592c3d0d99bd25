"""The strategy report as an explicit pipeline: the caller loads the table (and, if wanted, the same table in other
years, risk scores and a survey); :func:`build_report` diagnoses the economy against its peer sets, keeps the
material findings of the recommendation rules (data: ``rules.yaml``; :mod:`industwin.strategy.materiality`),
runs each finding's "what if" (:mod:`industwin.strategy.consequences`), aggregates the consultation and returns
a :class:`StrategyReport` — results and the words that state them. Rendering (HTML, PDF, charts) lives in
:mod:`industwin.viz.report`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from industwin.data.mrio import MRIO
from industwin.strategy.consultation import aggregate, read_responses
from industwin.strategy.diagnosis import Diagnosis, diagnose
from industwin.strategy.knowledge import Framework, load_framework
from industwin.strategy.materiality import MIN_PEERS, STAKE_MIN, neighbour_years
from industwin.strategy.recommend import Assessment, Recommendation, RuleBook, recommend
from industwin.strategy.scaleup import ScaleUp, build_scaleup

__all__ = ["SECTIONS", "StrategyReport", "build_report", "fmt_value", "history_years"]

SECTIONS = ("Executive summary", "Key figures", "Findings tested", "Peer comparison", "Consultation",
            "Appendix: data and methods")
WATCH = 2 / 3             # a gap two thirds of the way to both thresholds is on the watch list, not in the summary


def history_years(year: int | None, years) -> list[int]:
    """The other years a report uses, where the dataset has them: the neighbouring years (one before and after,
    or two before at the end of the series) and five and ten years before (trends)."""
    if year is None:
        return []
    have = set(years)
    return sorted({*neighbour_years(year, have), *(y for y in (year - 5, year - 10) if y in have)})


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
    assessments: tuple[Assessment, ...] = field(default=())       # every rule, concern side
    strengths: tuple[Assessment, ...] = field(default=())         # material on the other side
    consequences: Mapping = field(default_factory=dict)           # rule id → Consequence
    scaleup: ScaleUp | None = None                                # challenge 3 and monitoring (strategy.scaleup)

    def challenge_title(self, cid: str) -> str:
        return self.framework.challenge(cid).title

    @property
    def watch(self) -> list[Assessment]:
        """Gaps close to material that are not findings: on both counts at least WATCH of the threshold (the robust z
        and the stake), the closest first."""
        fired = {r.rule.id for r in self.recommendations}
        near = [a for a in self.assessments if a.rule.id not in fired and a.stake is not None
                and np.isfinite(a.test.z) and a.test.z >= WATCH * a.test.needed and a.stake.share >= WATCH * STAKE_MIN]
        return sorted(near, key=lambda a: -min(a.test.z / a.test.needed, a.stake.share / STAKE_MIN))

    # ------------------------------------------------------------------ words
    def finding_words(self, rank: int, r: Recommendation) -> str:
        """One finding as the summary states it: challenge, finding, numbers, score, trend, confidence, the what
        if's result and the priorities."""
        res = self.diagnosis.results[r.rule.indicator]
        t, st = r.test, r.stake
        amount = fmt_amount(st.amount, st.unit, st.basis)
        text = (f"{rank}. {self.challenge_title(r.rule.challenge)}: {r.rule.finding} — "
                f"{fmt_value(r.value, res.unit)} against a median of {fmt_value(t.median, res.unit)} among "
                f"{t.n} {t.peers} peers ({t.z:.1f} peer spreads; needed {t.needed:.1f}); at stake "
                f"{st.share:.1%} of {st.basis}{f' ({amount})' if amount else ''}; score {r.score:.1f}. "
                f"Trend: {r.trend_words()}. {r.confidence.words()}")
        c = self.consequences.get(r.rule.id)
        if c is not None:
            text += f" What if ({c.name}): {c.headline if c.ok else 'not computed — ' + c.error}"
        titles = ", ".join(r.priorities["title"].head(3))
        return text + f" Priorities: {titles}."

    def summary_points(self) -> list[str]:
        """The executive summary: the material findings, highest score first — or that there is none."""
        if not self.recommendations:
            ps = self.diagnosis.primary
            if ps is not None and len(ps) < MIN_PEERS:
                return [(f"No peer-based finding is possible: {len(ps)} {ps.name} peers are too few to judge a "
                         f"gap against (at least {MIN_PEERS}). Name more peers, or leave --peers out for the income "
                         "group and size peers.")]
            near = self.watch[:1]
            closest = (f" The closest: {near[0].rule.finding} ({near[0].test.z:.1f} peer spreads of the "
                       f"{near[0].test.needed:.1f} needed; {near[0].stake.share:.1%} of {near[0].stake.basis})."
                       if near else "")
            return [f"No material finding: no gap is both beyond the spread of the {len(ps) if ps else ''} "
                    f"{ps.name if ps else ''} peers and worth 1 % or more of value added, jobs or emissions."
                    + closest]
        return [self.finding_words(k + 1, r) for k, r in enumerate(self.recommendations)]

    def key_figures(self) -> list[str]:
        """What emissions and jobs show, the material strengths, the watch list and the real data gaps."""
        res = self.diagnosis.results
        pts = []
        e = self.emissions_summary()
        if e:
            pts.append(e)
        j = self.jobs_summary()
        if j:
            pts.append(j)
        for a in self.strengths:
            r = res[a.rule.indicator]
            pts.append(f"Strength: {r.spec.name.lower()} {fmt_value(a.value, r.unit)} against a peer median of "
                       f"{fmt_value(a.test.median, r.unit)} ({a.test.z:.1f} peer spreads the favourable way; "
                       f"{a.stake.share:.1%} of {a.stake.basis}).")
        for a in self.watch:
            why = [w for w, ok in ((f"{a.test.z:.1f} peer spreads of the {a.test.needed:.1f} needed", a.test.passes),
                                   (f"{a.stake.share:.1%} of {a.stake.basis}, under 1 %", a.stake.material),
                                   (f"not {a.rule.also.why}" if a.rule.also else "", a.also_holds)) if not ok and w]
            pts.append(f"Watch: {a.rule.finding} ({'; '.join(why)}).")
        missing = [r for r in res.values() if not r.available]
        if missing:
            pts.append("Not assessed for lack of data: " + "; ".join(f"{r.spec.name.lower()} (needs {r.spec.needs})"
                                                                    for r in missing) + ".")
        return pts

    def findings_table(self) -> pd.DataFrame:
        """Every rule tested: value, peer median, robust z and its bar, stake, score, material or not."""
        rows = []
        for a in self.assessments:
            rows.append({"rule": a.rule.id, "challenge": a.rule.challenge, "indicator": a.rule.indicator,
                         "side": a.rule.side, "value": a.value, "peer_median": a.test.median, "peers": a.test.n,
                         "z": a.test.z, "z_needed": a.test.needed,
                         "stake": a.stake.share if a.stake else float("nan"),
                         "stake_of": a.stake.basis if a.stake else "", "score": a.score, "material": a.material})
        return pd.DataFrame(rows).set_index("rule") if rows else pd.DataFrame()

    def peer_sets_table(self) -> pd.DataFrame:
        """Each peer set, its members, and the findings it would give."""
        from industwin.strategy.recommend import assess_on
        d = self.diagnosis
        rows = []
        for k, ps in enumerate(d.peer_sets.values()):
            fired = [a.rule.id for a in (assess_on(x.rule, d, d.matrix, ps.members, ps.name)
                                         for x in self.assessments) if a is not None and a.material]
            rows.append({"peer set": ps.name + (" (primary)" if k == 0 else ""), "economies": len(ps),
                         "how chosen": ps.description, "members": ", ".join(ps.members),
                         "material findings": ", ".join(fired) or "none"})
        return pd.DataFrame(rows).set_index("peer set")

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
            text += f" Each unit of value added emits {fmt_value(i.value, i.unit)} ({_rank(i.percentile)})."
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
            parts.append(f"{ci.value:.1%} of them in carbon-intensive industries and transport "
                         f"({_rank(ci.percentile)})")
        if f.available:
            parts.append(f"{f.value:.1%} serve final demand abroad ({_rank(f.percentile)})")
        return "Jobs: " + "; ".join(parts) + "."


def _rank(p: float) -> str:
    """A percentile among the peers in words."""
    if not np.isfinite(p):
        return "no peer to compare with"
    return "higher than every peer" if p >= 1 else "lower than every peer" if p <= 0 else \
        f"higher than {p:.0%} of peers"


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


def fmt_amount(v: float, unit: str, basis: str) -> str:
    """A stake's amount for people: money in bn of its currency, persons in thousands or millions, emissions in Mt."""
    if v is None or not np.isfinite(v) or not unit:
        return ""
    from industwin.data.units import is_mass, persons_per_unit, tonnes_per_unit
    if basis == "jobs":
        p = v * persons_per_unit(unit)
        return f"{p / 1e6:,.2f} million persons" if p >= 1e6 else f"{p:,.0f} persons"
    if basis == "emissions" and is_mass(unit):
        return f"{v * tonnes_per_unit(unit) / 1e6:,.1f} Mt"
    if unit.startswith("M "):
        return f"{v / 1e3:,.1f} bn {unit[2:]}"
    return f"{v:,.3g} {unit}"


def build_report(mrio: MRIO, economy: str, *, peers: list[str] | None = None, past: MRIO | None = None,
                 satellites: Mapping[str, str | None] | None = None, risk: pd.Series | None = None,
                 survey=None, source: str | None = None, framework: Framework | None = None,
                 rules: RuleBook | None = None, progress=None, matrix=None, history=None,
                 rounding: bool | pd.DataFrame = True, consequences: bool = True, scaleup: bool = True,
                 assessments: pd.DataFrame | None = None, register: pd.DataFrame | None = None, targets=None,
                 technology=None) -> StrategyReport:
    """Diagnose ``economy`` in ``mrio`` (a table with several economies: they are the peers), keep the material
    findings, run their what-ifs and aggregate the consultation when a ``survey`` (CSV or DataFrame) is given.

    ``peers``: the primary peer set (default: the structural peers — the income group's economies closest in size —
    or, where the income group is small or widened, the income group itself); ``past``: the same
    table five years earlier (declining sectors); ``history``: the same table in other years (year → MRIO or an
    indicator matrix; :func:`history_years` says which) for trends and neighbouring-year checks; ``rounding``:
    re-test the findings on the table with its cells moved within their rounding; ``satellites``:
    ``{"emissions": name, "employment": name}`` (default ``co2`` / ``employment`` when the table has them);
    ``risk``: risk scores per country-sector; ``source``: the dataset name or path the scenarios should load
    (default: the table's name); ``matrix``: indicator values already computed for every economy
    (:func:`industwin.strategy.indicators.indicator_matrix`); ``consequences``: run each finding's scenario;
    ``scaleup``: the challenge-3 evidence (:func:`industwin.strategy.scaleup.build_scaleup`) from the table and
    the given readiness ``assessments``, technology ``register``, ``targets`` and ``technology`` scenario.
    """
    from industwin.strategy.consequences import run_consequences
    from industwin.strategy.recommend import assess, assess_on, load_rules
    fw = framework or load_framework()
    rules = rules or load_rules()                     # checked before the long work
    d = diagnose(mrio, economy, peers, satellites=satellites, risk=risk, past=past, progress=progress, matrix=matrix,
                 history=history, rounding=rounding)
    recs = recommend(d, fw, rules, mrio=mrio, dataset=source or mrio.name)
    every = tuple(a for a in (assess(r, d) for r in rules.rules if r.indicator in d.results) if a is not None)
    strengths = []
    ps = d.primary
    for r in rules.rules:
        flip = r.model_copy(update={"side": "low" if r.side == "high" else "high", "also": None})
        a = assess_on(flip, d, d.matrix, ps.members, ps.name) if ps is not None else None
        if a is not None and a.material and all(x.rule.indicator != r.indicator for x in strengths):
            strengths.append(a)
    cons = run_consequences(recs, mrio, economy, d.inputs) if consequences else {}
    survey_result = aggregate(read_responses(survey, fw), fw) if survey is not None else None
    su = build_scaleup(mrio, economy, history=history, assessments=assessments, register=register, targets=targets,
                       technology=technology) if scaleup else None
    meta = dict(mrio.meta)
    caveats = tuple(dict.fromkeys([*d.inputs.caveats, *meta.get("satellite_notes", ())]))
    return StrategyReport(economy, mrio.year, f"{mrio.name} {mrio.year or ''}".strip(), d, recs, fw, survey_result,
                          meta, caveats, every, tuple(sorted(strengths, key=lambda a: -a.score)), cons, su)
