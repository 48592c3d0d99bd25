"""Transparent recommendations: rules that map a diagnosis to the framework's priorities.

The rules and their scenario templates are data (``rules.yaml`` beside the framework), checked when loaded:
every indicator, priority, case study, template, placeholder and sector group they name must exist. Each rule
reads one indicator result, states its condition (an absolute threshold, or a position among the peers), names
the priorities it points to and the case studies that show them at work, and fills a ready "what if" scenario
from the result's evidence (a disruption scenario for ``industwin simulate``, a decarbonisation plan for
``industwin decarbonise``). A recommendation is the rule that fired, with the numbers behind it; they are ranked
by the size of the gap — how far the indicator is past the rule's threshold, relative to it.
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
from industwin.strategy.indicators import SPECS, Diagnosis
from industwin.strategy.knowledge import Framework, load_framework

__all__ = ["Recommendation", "Rule", "RuleBook", "fill_template", "load_rules", "recommend"]

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


class Rule(Schema):
    id: str
    challenge: str
    indicator: str
    test: Literal[">=", "<="]
    threshold: float
    basis: Literal["value", "percentile"]
    finding: str = Field(min_length=1)
    priorities: list[str] = Field(min_length=1)
    cases: list[str] = Field(default_factory=list)
    template: str | None = None

    def measure(self, d: Diagnosis) -> float:
        r = d.results[self.indicator]
        return float(r.value if self.basis == "value" else r.percentile)

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
        if r.basis == "percentile" and not 0.0 <= r.threshold <= 1.0:
            bad(f"{where}.threshold", f"{r.threshold:g} is not a share of peers", "give a percentile between 0 and 1")
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


def _values(d: Diagnosis, dataset: str, book: RuleBook) -> dict[str, Any]:
    vals: dict[str, Any] = {"economy": d.economy, "year": d.year, "dataset": dataset,
                            "others": [r for r in d.peers.columns if r != d.economy],
                            "emissions": d.inputs.emissions}
    for name, b in book.bindings.items():
        ev = d.results[b.indicator].evidence.get(b.evidence) if b.indicator in d.results else None
        vals[name] = None if ev is None else (ev[b.item] if b.item is not None else ev)
    return vals


def fill_template(template: Template, d: Diagnosis, mrio_like, dataset: str, book: RuleBook) -> dict | None:
    """The template's scenario for this diagnosis, or None when a value it needs is missing (e.g. no risk
    scores were given, or no emissions satellite for a decarbonisation plan)."""
    from industwin.data.sector_groups import sector_group
    vals = _values(d, dataset, book)

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
class Recommendation:
    rule: Rule
    value: float
    measure: float
    gap: float
    priorities: pd.DataFrame
    cases: pd.DataFrame
    scenario: dict | None = field(default=None)
    command: str | None = None

    @property
    def evidence(self) -> str:
        r = self.rule
        basis = f"{self.measure:.0%} of peers lower" if r.basis == "percentile" else f"threshold {r.threshold:g}"
        return f"{r.indicator} = {self.value:.3g} ({basis}): {r.finding}"


def recommend(d: Diagnosis, framework: Framework | None = None, rules: RuleBook | None = None, *, mrio=None,
              dataset: str = "wiod2013") -> list[Recommendation]:
    """The rules that fire for a diagnosis, largest gap first, each with its priorities, cases and scenario
    (filled for ``mrio``'s sector groups and named ``dataset``; none when ``mrio`` is not given)."""
    fw = framework or load_framework()
    book = rules or load_rules()
    pri, cases = fw.priorities(), fw.cases()
    out = []
    for r in book.rules:
        if r.indicator not in d.results or not r.fires(d):
            continue
        p = pri[pri["id"].isin(r.priorities) & (pri["challenge"] == r.challenge)]
        t = book.templates.get(r.template) if r.template else None
        sc = fill_template(t, d, mrio, dataset, book) if t is not None and mrio is not None else None
        out.append(Recommendation(r, d.value(r.indicator), r.measure(d), r.gap(d), p.reset_index(drop=True),
                                  cases[cases["id"].isin(r.cases)].reset_index(drop=True), sc,
                                  t.command if sc is not None else None))
    return sorted(out, key=lambda x: -x.gap)
