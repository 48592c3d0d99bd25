"""The framework of the white paper as data: five grand challenges, their key issues, public- and private-sector
priorities, debates and thirteen case studies with the figures they report — typed, versioned and queryable.

Source: World Economic Forum, UNIDO & Cambridge Industrial Innovation Policy (2024), *The New Era of Industrial
Strategies: Tackling Grand Challenges through Public-Private Collaboration* (``../shared/seed/``). Descriptions are
industwin's own words; figures carry over, each with the phrase that states it in the paper (tested).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticError

from industwin.errors import SelectionError, ValidationError, ValidationIssue

__all__ = ["INCOME", "INSTRUMENTS", "CaseStudy", "Challenge", "Figure", "Framework", "Priority", "load_framework"]

INSTRUMENTS = ("regulation", "finance", "data", "skills", "technology", "procurement", "coordination")
INCOME = ("high", "upper-middle", "lower-middle", "low", "all")
Instrument = Literal["regulation", "finance", "data", "skills", "technology", "procurement", "coordination"]
Income = Literal["high", "upper-middle", "lower-middle", "low", "all"]
FILE = Path(__file__).with_name("framework.yaml")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Figure(_Model):
    """A number the paper reports, with the phrase that states it there (``seed``)."""

    label: str
    value: float
    unit: str
    seed: str


class Item(_Model):
    id: str
    title: str
    summary: str


class KeyIssue(Item):
    instruments: tuple[Instrument, ...] = ()


class Priority(Item):
    instruments: tuple[Instrument, ...]
    income: tuple[Income, ...] = ("all",)


class Debate(Item):
    pass


class Challenge(_Model):
    id: str
    number: int
    title: str
    section: str
    summary: str
    facts: tuple[Figure, ...] = ()
    key_issues: tuple[KeyIssue, ...]
    public_priorities: tuple[Priority, ...]
    private_priorities: tuple[Priority, ...]
    debates: tuple[Debate, ...]


class Actor(_Model):
    name: str
    type: Literal["public", "private", "research"]


class CaseStudy(_Model):
    id: str
    number: int
    challenge: str
    title: str
    initiative: str
    country: str
    income: tuple[Income, ...]
    actors: tuple[Actor, ...]
    instruments: tuple[Instrument, ...]
    summary: str
    figures: tuple[Figure, ...] = ()


class Framework(_Model):
    """The whole framework. ``priorities()`` and ``cases()`` query it as tables."""

    version: str
    source: str
    evidence_base: dict[str, dict]
    challenges: tuple[Challenge, ...] = Field(min_length=5, max_length=5)
    case_studies: tuple[CaseStudy, ...]

    def challenge(self, cid: str) -> Challenge:
        for c in self.challenges:
            if c.id == cid or str(c.number) == str(cid):
                return c
        raise SelectionError(f"unknown challenge {cid!r}; choose among {[c.id for c in self.challenges]}")

    def priorities(self, challenge: str | None = None, actor: str | None = None, instrument: str | None = None,
                   income: str | None = None) -> pd.DataFrame:
        """Priorities as a table (challenge, actor public/private, id, title, summary, instruments, income),
        filtered by any of the tags; ``income`` keeps priorities tagged for that group or for all."""
        _check(actor, ("public", "private"), "actor")
        _check(instrument, INSTRUMENTS, "instrument")
        _check(income, INCOME, "income")
        rows = []
        for c in self.challenges if challenge is None else [self.challenge(challenge)]:
            for who, items in (("public", c.public_priorities), ("private", c.private_priorities)):
                for p in items:
                    rows.append({"challenge": c.id, "actor": who, "id": p.id, "title": p.title, "summary": p.summary,
                                 "instruments": ", ".join(p.instruments), "income": ", ".join(p.income)})
        df = pd.DataFrame(rows)
        if actor:
            df = df[df["actor"] == actor]
        if instrument:
            df = df[df["instruments"].str.split(", ").map(lambda v: instrument in v)]
        if income:
            df = df[df["income"].str.split(", ").map(lambda v: income in v or "all" in v)]
        return df.reset_index(drop=True)

    def cases(self, challenge: str | None = None, instrument: str | None = None, income: str | None = None,
              actor: str | None = None) -> pd.DataFrame:
        """Case studies as a table, filtered by challenge, instrument, income group or actor type."""
        _check(instrument, INSTRUMENTS, "instrument")
        _check(income, INCOME, "income")
        _check(actor, ("public", "private", "research"), "actor")
        cid = None if challenge is None else self.challenge(challenge).id
        rows = []
        for k in self.case_studies:
            if cid and k.challenge != cid:
                continue
            if instrument and instrument not in k.instruments:
                continue
            if income and not (income in k.income or "all" in k.income):
                continue
            if actor and actor not in {a.type for a in k.actors}:
                continue
            rows.append({"number": k.number, "id": k.id, "challenge": k.challenge, "title": k.title,
                         "initiative": k.initiative, "country": k.country, "summary": k.summary,
                         "instruments": ", ".join(k.instruments),
                         "figures": "; ".join(f"{f.label}: {f.value:g} {f.unit}" for f in k.figures)})
        return pd.DataFrame(rows)


def _check(value, allowed, what):
    if value is not None and value not in allowed:
        raise SelectionError(f"unknown {what} {value!r}; choose among {list(allowed)}")


@lru_cache(maxsize=2)
def load_framework(path: str | Path | None = None) -> Framework:
    """The framework knowledge base (the packaged ``framework.yaml`` unless ``path``), validated; every
    problem is listed with its field path."""
    from industwin.data.io import read_mapping
    p = FILE if path is None else Path(path)
    data, _ = read_mapping(p, "framework file", "challenges, priorities and case studies")
    try:
        fw = Framework.model_validate(data)
    except PydanticError as e:
        raise ValidationError([ValidationIssue(str(p), ".".join(map(str, err["loc"])), err["msg"],
                                               "see industwin.strategy.knowledge") for err in e.errors()]) from None
    ids = {c.id for c in fw.challenges}
    bad = [k.id for k in fw.case_studies if k.challenge not in ids]
    if bad:
        raise ValidationError([ValidationIssue(str(p), f"case_studies.{b}.challenge", "unknown challenge",
                                               f"use one of {sorted(ids)}") for b in bad])
    return fw
