"""Transparent recommendations: rules that map a diagnosis to the framework's priorities — only for gaps that are
material.

The rules and their scenario templates are data (``rules.yaml`` beside the framework), checked when loaded:
every indicator, priority, case study, template, placeholder and sector group they name must exist, and every
rule's indicator must have a stake (:data:`industwin.strategy.materiality.STAKES`). Each rule reads one indicator
result and names the side of concern (a high or a low value); it fires only when the gap is material on both
counts of :mod:`industwin.strategy.materiality` — far enough from the peers' median for the peer set's size, and
worth at least 1 % of the economy's value added, jobs or emissions — and, where the rule states one, an absolute
condition holds (e.g. a footprint above production). A fired rule is a :class:`Recommendation`: the finding with
its numbers, its score on the one ranking scale, its trend, its sensitivity checks and confidence, the
priorities and case studies it points to, and a ready "what if" scenario filled from the result's evidence
(a disruption scenario for ``industwin simulate``, a decarbonisation plan for ``industwin decarbonise``) — run
by the report (:mod:`industwin.strategy.consequences`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from industwin.data.schema import Schema
from industwin.errors import SelectionError, ValidationError, ValidationIssue
from industwin.strategy.diagnosis import Diagnosis
from industwin.strategy.indicators import SPECS
from industwin.strategy.knowledge import Framework, load_framework
from industwin.strategy.materiality import (
    STAKE_MIN,
    STAKES,
    Check,
    Confidence,
    PeerTest,
    Stake,
    Trend,
    confidence,
    neighbour_years,
    peer_test,
    score,
    stake,
    trend,
)

__all__ = ["Assessment", "Recommendation", "Rule", "RuleBook", "assess", "assess_on", "fill_template", "load_rules",
           "recommend"]

RULES_FILE = Path(__file__).with_name("rules.yaml")
BUILTIN = ("economy", "year", "dataset", "others", "emissions")
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class Binding(Schema):
    indicator: str
    evidence: str
    item: int | None = None


class Template(Schema):
    command: Literal["simulate", "decarbonise"]
    scenario: dict[str, Any]


class Condition(Schema):
    """An absolute condition a rule adds to materiality, with its reason (e.g. a footprint above production)."""

    test: Literal[">=", "<="]
    value: float
    why: str = Field(min_length=1)

    def holds(self, v: float) -> bool:
        return bool(np.isfinite(v)) and (v >= self.value if self.test == ">=" else v <= self.value)


class Rule(Schema):
    id: str
    challenge: str
    indicator: str
    side: Literal["high", "low"]
    also: Condition | None = None
    finding: str = Field(min_length=1)
    priorities: list[str] = Field(min_length=1)
    cases: list[str] = Field(default_factory=list)
    template: str | None = None

    def condition(self) -> str:
        s = (f"{self.indicator} material on the {self.side} side: robust z ≥ z*(n) among the peers and a stake ≥ "
             f"{STAKE_MIN:.0%} of value added, jobs or emissions")
        return s + (f", and {self.indicator} {self.also.test} {self.also.value:g} ({self.also.why})" if self.also
                    else "")


class RuleBook(Schema):
    version: int
    bindings: dict[str, Binding] = Field(default_factory=dict)
    templates: dict[str, Template] = Field(default_factory=dict)
    rules: list[Rule] = Field(min_length=1)

    def rule(self, rid: str) -> Rule:
        for r in self.rules:
            if r.id == rid:
                return r
        raise SelectionError(f"unknown rule {rid!r}. Fix: choose one of {[r.id for r in self.rules]}")


def _walk(obj: Any, path: str = ""):
    """Every string and every ``$group`` / ``$first`` directive of a template, with its path."""
    if isinstance(obj, dict):
        if set(obj) & {"$group", "$first", "$nodes"}:
            yield path, obj
            if isinstance(obj.get("region"), str):
                yield path + ".region", obj["region"]
            return
        for k, v in obj.items():
            yield from _walk(v, f"{path}.{k}" if path else str(k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _walk(v, f"{path}[{i}]")
    elif isinstance(obj, str):
        yield path, obj


def _check_book(book: RuleBook, fw: Framework, src: str) -> None:
    from industwin.data.sector_groups import group_names
    issues = []

    def bad(where, problem, fix):
        issues.append(ValidationIssue(src, where, problem, fix))
    groups = set(group_names())
    pri = fw.priorities()
    cases = set(fw.cases()["id"])
    for name, b in book.bindings.items():
        if b.indicator not in SPECS:
            bad(f"bindings.{name}.indicator", f"unknown indicator {b.indicator!r}", f"use one of {sorted(SPECS)}")
        elif b.evidence not in SPECS[b.indicator].evidence:
            bad(f"bindings.{name}.evidence", f"{b.indicator} gives no evidence {b.evidence!r}",
                f"use one of {list(SPECS[b.indicator].evidence) or 'none: it gives no evidence'}")
    known = set(BUILTIN) | set(book.bindings)
    for tid, t in book.templates.items():
        for where, v in _walk(t.scenario, f"templates.{tid}.scenario"):
            if isinstance(v, dict):
                keys = set(v)
                g = v.get("$group", v.get("$first", v.get("$nodes")))
                ok = keys in ({"$group"}, {"$first"}, {"$nodes", "region"}) and g in groups
                if not ok:
                    bad(where, f"{v} is not one sector-group directive", f"write {{$group: one of {sorted(groups)}}}"
                        " ($first: the group's first sector; $nodes with region: its (region, sector) nodes)")
                continue
            for ph in PLACEHOLDER.findall(v):
                if ph not in known:
                    bad(where, f"unknown placeholder {{{ph}}}", f"use one of {sorted(known)}")
    ids = [r.id for r in book.rules]
    for i, r in enumerate(book.rules):
        where = f"rules[{i}]"
        if ids.count(r.id) > 1:
            bad(f"{where}.id", f"rule {r.id!r} given twice", "give each rule a unique id")
        if r.indicator not in SPECS:
            bad(f"{where}.indicator", f"unknown indicator {r.indicator!r}", f"use one of {sorted(SPECS)}")
        elif SPECS[r.indicator].challenge != r.challenge:
            bad(f"{where}.challenge", f"{r.indicator} belongs to {SPECS[r.indicator].challenge}, not {r.challenge}",
                "put the rule under its indicator's challenge")
        mine = set(pri.loc[pri["challenge"] == r.challenge, "id"])
        for p in r.priorities:
            if p not in mine:
                bad(f"{where}.priorities", f"{p!r} is not a priority of {r.challenge!r}", "name the framework's ids")
        for c in r.cases:
            if c not in cases:
                bad(f"{where}.cases", f"unknown case study {c!r}", "name the framework's case ids")
        if r.indicator in SPECS and r.indicator not in STAKES:
            bad(f"{where}.indicator", f"{r.indicator} has no stake (a level, not a gap): a rule on it can never be "
                "material", f"use an indicator with a stake: {sorted(STAKES)}")
        if r.also is not None and not np.isfinite(r.also.value):
            bad(f"{where}.also.value", "not a finite number", "give a number")
        if r.template is not None and r.template not in book.templates:
            bad(f"{where}.template", f"unknown template {r.template!r}", f"use one of {sorted(book.templates)}")
    if issues:
        raise ValidationError(issues)


@lru_cache(maxsize=4)
def load_rules(path: str | None = None, framework_path: str | None = None) -> RuleBook:
    """The rule book (the packaged ``rules.yaml`` unless ``path``), validated against the framework."""
    from industwin.data.io import read_mapping, validate
    p = Path(path) if path else RULES_FILE
    data, src = read_mapping(p, "rules file", "recommendation rules and scenario templates")
    book = validate(RuleBook, data, src, "industwin.strategy.recommend")
    _check_book(book, load_framework(framework_path), src)
    return book


def _values(d: Diagnosis, dataset: str, book: RuleBook, mrio_like) -> dict[str, Any]:
    # {others}: every other region of the table, the rest of the world included
    vals: dict[str, Any] = {"economy": d.economy, "year": d.year, "dataset": dataset,
                            "others": [str(r) for r in dict.fromkeys(mrio_like.fd_index.get_level_values(0))
                                       if r != d.economy],
                            "emissions": d.inputs.emissions}
    for name, b in book.bindings.items():
        ev = d.results[b.indicator].evidence.get(b.evidence) if b.indicator in d.results else None
        vals[name] = None if ev is None else (ev[b.item] if b.item is not None else ev)
    return vals


def fill_template(template: Template, d: Diagnosis, mrio_like, dataset: str, book: RuleBook) -> dict | None:
    """The template's scenario for this diagnosis, or None when a value it needs is missing (e.g. no risk
    scores were given, or no emissions satellite for a decarbonisation plan)."""
    from industwin.data.sector_groups import sector_group
    vals = _values(d, dataset, book, mrio_like)

    def fill(obj):
        if isinstance(obj, dict):
            if "$group" in obj:
                return sector_group(mrio_like, obj["$group"])
            if "$first" in obj:
                g = sector_group(mrio_like, obj["$first"])
                return g[0] if g else None
            if "$nodes" in obj:
                region = fill(obj["region"])
                return [{"region": region, "sector": s} for s in sector_group(mrio_like, obj["$nodes"])]
            return {k: fill(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [fill(v) for v in obj]
        if isinstance(obj, str):
            whole = PLACEHOLDER.fullmatch(obj)
            if whole:
                return vals[whole.group(1)]
            return PLACEHOLDER.sub(lambda m: str(vals[m.group(1)]), obj)
        return obj
    needed = {ph for _, v in _walk(template.scenario) if isinstance(v, str) for ph in PLACEHOLDER.findall(v)}
    if any(vals.get(ph) is None for ph in needed):
        return None
    for _, v in _walk(template.scenario):          # a sector group this table has no sector of: no scenario
        if isinstance(v, dict) and not sector_group(mrio_like, v.get("$group", v.get("$first", v.get("$nodes")))):
            return None
    return fill(template.scenario)


@dataclass(frozen=True)
class Assessment:
    """A rule tested on a diagnosis: the peer test (primary peers), the stake, the score, and whether it is
    material (both counts and the rule's own condition)."""

    rule: Rule
    value: float
    test: PeerTest
    stake: Stake | None
    also_holds: bool

    @property
    def material(self) -> bool:
        return self.test.passes and self.stake is not None and self.stake.material and self.also_holds

    @property
    def score(self) -> float:
        return score(self.test, self.stake)


def assess_on(rule: Rule, d: Diagnosis, values: pd.DataFrame | None, peers, label: str,
              evidence=None) -> Assessment | None:
    """The rule on other values (another year, the rounded table) or another peer set ``peers`` (named ``label``),
    with the diagnosis's evidence and totals for the stake; None when ``values`` lack the economy or indicator."""
    if values is None or d.economy not in values.columns or rule.indicator not in values.index:
        return None
    row = values.loc[rule.indicator]
    v = float(row[d.economy])
    t = peer_test(v, row.reindex([p for p in peers if p in row.index]), rule.side, label)
    res = d.results[rule.indicator]
    st = stake(rule.indicator, t, res.evidence if evidence is None else evidence, d.totals, d.units)
    return Assessment(rule, v, t, st, rule.also.holds(v) if rule.also else True)


def assess(rule: Rule, d: Diagnosis) -> Assessment:
    """The rule on the diagnosis year against the primary peer set."""
    ps = d.primary
    peers = ps.members if ps is not None else [c for c in d.peers.columns if c != d.economy]
    values = d.matrix if d.matrix is not None else d.peers
    return assess_on(rule, d, values, peers, ps.name if ps is not None else "peers")


def _checks(rule: Rule, d: Diagnosis) -> list[Check]:
    """The finding re-tested: each other peer set, the neighbouring years (primary peers), the rounded table."""
    out = []
    sets = list(d.peer_sets.values())
    for ps in sets[1:]:
        a = assess_on(rule, d, d.matrix, ps.members, ps.name)
        if a is not None and a.test.n:
            out.append(Check("peers", f"against {_set_words(ps)}", a.material,
                             f"z {a.test.z:.2f} (needs {a.test.needed:.2f}), stake {a.stake.share:.1%}"
                             if a.stake is not None else f"z {a.test.z:.2f}"))
    if d.year is not None and sets:
        for y in neighbour_years(d.year, d.history):
            a = assess_on(rule, d, d.history[y], sets[0].members, sets[0].name)
            if a is not None and np.isfinite(a.value):
                out.append(Check("year", f"in {y}", a.material, f"z {a.test.z:.2f}"))
    if d.rounded is not None and sets:
        a = assess_on(rule, d, d.rounded, sets[0].members, sets[0].name)
        if a is not None:
            out.append(Check("rounding", "with the table's cells moved within their rounding", a.material,
                             f"z {a.test.z:.2f}"))
    return out


def _set_words(ps) -> str:
    return {"structural": "the structural peers (income group and size)", "income": "the income-group peers", "size": "the economies of similar size", "all": "every economy",
            "named": "the named peers"}.get(ps.name, ps.name)


def _flags(rule: Rule, d: Diagnosis, a: Assessment) -> list[str]:
    res = d.results[rule.indicator]
    flags = []
    named = [v for k in ("worst_supplier", "origin", "risk_top") for v in
             ([res.evidence[k]] if k in res.evidence else [])]
    if any(v == "RoW" or (isinstance(v, tuple) and v and v[0] == "RoW") for v in named):
        flags.append("it rests on the rest of the world, an aggregate of many countries: the supplier named is not "
                     "one country")
    role = "emissions" if res.spec.source.startswith("an emissions") else         "employment" if "employment" in res.spec.source else None
    if role and d.economy in d.inputs.estimated.get(role, ()):
        flags.append(f"the economy's {role} values are estimates, not accounts")
    ps = d.primary
    if ps is not None and a.test.n < len(ps):
        flags.append(f"{len(ps) - a.test.n} of the {len(ps)} peers have no value for it")
    return flags


@dataclass(frozen=True)
class Recommendation:
    """A material finding: the rule, its assessment (value, peer test, stake, score), trends, sensitivity checks
    and confidence, the priorities and case studies, and the filled what-if scenario."""

    rule: Rule
    assessment: Assessment
    trends: tuple[Trend, ...]
    confidence: Confidence
    priorities: pd.DataFrame
    cases: pd.DataFrame
    scenario: dict | None = field(default=None)
    command: str | None = None

    @property
    def value(self) -> float:
        return self.assessment.value

    @property
    def score(self) -> float:
        return self.assessment.score

    @property
    def test(self) -> PeerTest:
        return self.assessment.test

    @property
    def stake(self) -> Stake:
        return self.assessment.stake

    @property
    def evidence(self) -> str:
        t = self.test
        return (f"{self.rule.indicator} = {self.value:.3g} (peer median {t.median:.3g}, robust z {t.z:.2f} ≥ "
                f"{t.needed:.2f} among {t.n} {t.peers} peers; stake {self.stake.share:.1%} of {self.stake.basis}; "
                f"score {self.score:.2f}): {self.rule.finding}")

    def trend_words(self) -> str:
        known = [t for t in self.trends if t.direction != "unknown"]
        return "; ".join(t.words() for t in known) if known else "no earlier year at hand"


def recommend(d: Diagnosis, framework: Framework | None = None, rules: RuleBook | None = None, *, mrio=None,
              dataset: str = "wiod2013") -> list[Recommendation]:
    """The rules whose gap is material for a diagnosis, highest score first, each with its trend (5 and 10
    years, where the diagnosis has those years), sensitivity checks and confidence, priorities, cases and scenario
    (filled for ``mrio``'s sector groups and named ``dataset``; none when ``mrio`` is not given). An empty list is
    a valid answer: no material finding."""
    fw = framework or load_framework()
    book = rules or load_rules()
    pri, cases = fw.priorities(), fw.cases()
    out = []
    for r in book.rules:
        if r.indicator not in d.results:
            continue
        a = assess(r, d)
        if a is None or not a.material:
            continue
        ps = d.primary
        peers = ps.members if ps is not None else [c for c in d.peers.columns if c != d.economy]
        now = d.matrix if d.matrix is not None else d.peers
        trends = tuple(trend(now, d.history.get(d.year - k) if d.year else None, d.economy, r.indicator, peers,
                             r.side, k, (d.year or 0) - k) for k in (5, 10))
        conf = confidence(_checks(r, d), _flags(r, d, a))
        p = pri[pri["id"].isin(r.priorities) & (pri["challenge"] == r.challenge)]
        t = book.templates.get(r.template) if r.template else None
        sc = fill_template(t, d, mrio, dataset, book) if t is not None and mrio is not None else None
        out.append(Recommendation(r, a, trends, conf, p.reset_index(drop=True),
                                  cases[cases["id"].isin(r.cases)].reset_index(drop=True), sc,
                                  t.command if sc is not None else None))
    return sorted(out, key=lambda x: -x.score)
