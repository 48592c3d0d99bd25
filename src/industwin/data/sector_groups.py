"""Sector groups per table family (manufacturing, emission-intensive, medium- and high-tech, carbon-intensive,
electronics), as data: the packaged ``sector_groups.yaml``, checked when loaded.

``sector_group(mrio, "emission_intensive")`` returns the table's sector codes in the group; ``table_family(mrio)``
names the family (``wiod2013``, ``icio``, ``wiod2016``, ``exiobase``) or raises a clear error for a table of
another classification. Definitions follow the OECD (2011) technology-intensity classification and the EU ETS /
CBAM sector lists (sources in the YAML file).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from industwin.data.schema import Schema
from industwin.errors import SelectionError, plain_list

__all__ = ["GROUPS_FILE", "SectorGroups", "group_names", "load_sector_groups", "sector_group", "table_family"]

GROUPS_FILE = Path(__file__).with_name("sector_groups.yaml")


class Family(Schema):
    description: str
    detect: str
    match: Literal["code", "name"] = "code"
    groups: dict[str, Annotated[list[str], Field(min_length=1)]] = Field(min_length=1)


class SectorGroups(Schema):
    version: int
    groups: dict[str, str] = Field(min_length=1)
    families: dict[str, Family] = Field(min_length=1)


@lru_cache(maxsize=4)
def load_sector_groups(path: str | None = None) -> SectorGroups:
    """The sector groups (packaged file unless ``path``), validated: every family defines every group, every
    pattern compiles."""
    from industwin.data.io import read_mapping, validate
    from industwin.errors import ValidationError, ValidationIssue
    p = Path(path) if path else GROUPS_FILE
    data, src = read_mapping(p, "sector groups", "families of tables and their sector groups")
    sg = validate(SectorGroups, data, src, "industwin.data.sector_groups")
    issues = []
    for fam, f in sg.families.items():
        missing = sorted(set(sg.groups) - set(f.groups))
        extra = sorted(set(f.groups) - set(sg.groups))
        if missing or extra:
            issues.append(ValidationIssue(src, f"families.{fam}.groups", f"missing {missing}, unknown {extra}",
                                          f"define exactly the groups {sorted(sg.groups)}"))
        for where, pats in [("detect", [f.detect]), *((f"groups.{g}", v) for g, v in f.groups.items())]:
            for pat in pats:
                try:
                    re.compile(pat)
                except re.error as e:
                    issues.append(ValidationIssue(src, f"families.{fam}.{where}", f"pattern {pat!r}: {e}",
                                                  "write a valid regular expression"))
    if issues:
        raise ValidationError(issues)
    return sg


def group_names() -> list[str]:
    return list(load_sector_groups().groups)


def _labels(mrio, match: str) -> list[str]:
    secs = [str(s) for s in mrio.sectors]
    return secs if match == "code" else [str(mrio.sector_label(s)) for s in secs]


def table_family(mrio) -> str:
    """The first family whose ``detect`` pattern matches every sector of the table."""
    sg = load_sector_groups()
    for name, f in sg.families.items():
        labels = [str(c) for c in mrio.sectors]
        if labels and all(re.fullmatch(f.detect, s) for s in labels):
            return name
    raise SelectionError(f"{mrio.name or 'this table'}'s sectors ({plain_list(list(mrio.sectors), 4)}) are of no "
                         f"known family ({', '.join(sg.families)}). Fix: use such a table, aggregate yours to one of "
                         "those classifications, or add a family to the sector groups file")


def sector_group(mrio, group: str) -> list[str]:
    """The table's sector codes in ``group`` (table order)."""
    sg = load_sector_groups()
    if group not in sg.groups:
        raise SelectionError(f"unknown sector group {group!r}. Fix: choose one of {', '.join(sg.groups)}")
    f = sg.families[table_family(mrio)]
    pats = [re.compile(p) for p in f.groups[group]]
    out = []
    for code, label in zip(map(str, mrio.sectors), _labels(mrio, f.match)):
        hit = any(p.search(label) for p in pats) if f.match == "name" else any(p.fullmatch(code) for p in pats)
        if hit:
            out.append(code)
    return out
