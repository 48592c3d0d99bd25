"""Carbon-border scenario files: the prices by region, the border adjustment and the leakage settings, read with a
strict schema and checked against the table (see :mod:`industwin.analysis.carbon_border.model` for the model)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import Field, field_validator, model_validator

from industwin.analysis.carbon_border.model import (
    _T_PER,
    CBAM_SECTORS_WIOD13,
    DOC,
    GROUPS,
    Bloc,
    BorderResult,
    _people_per_unit,
    carbon_border,
    money_unit,
)
from industwin.analysis.decarbonisation import TableRef
from industwin.data.io import read_mapping, validate
from industwin.data.mrio import MRIO
from industwin.data.schema import Schema, Share
from industwin.errors import SelectionError, ValidationError, ValidationIssue, plain_list

__all__ = ["BorderSpec", "LeakageSpec", "PriceSpec", "Scenario", "check_scenario", "read_scenario", "run_scenario"]


class PriceSpec(Schema):
    """A carbon price for some regions (codes of the table or group names, e.g. EU27), per tonne CO2."""

    regions: list[str] = Field(min_length=1)
    price: float = Field(ge=0, le=100_000, description="per tonne CO2, in 'currency'")
    currency: Literal["USD", "EUR"] = "USD"
    name: str | None = Field(None, min_length=1, description="the bloc's name (default: the group or the regions)")
    border_adjustment: bool = False


class BorderSpec(Schema):
    """How a bloc's border adjustment charges imports."""

    sectors: list[str] = Field(default_factory=lambda: list(CBAM_SECTORS_WIOD13), min_length=1)
    basis: Literal["total", "direct"] = "total"
    deduct_origin_price: bool = True


class LeakageSpec(Schema):
    """How leakage exposure is measured."""

    electricity: list[str] = Field(default_factory=lambda: ["c17"])
    trade_threshold: Share = Field(0.10, description="trade intensity with third countries (Art. 10a(15): 10 %)")
    cost_threshold_pct: float = Field(5.0, ge=0, le=1000, description="cost gap, % of GVA (Art. 10a(15): 5 %)")
    indicator_threshold: float = Field(0.2, ge=0, le=1000, description="carbon leakage indicator (Art. 10b: 0.2)")


class Scenario(Schema):
    """A carbon-border scenario file: the table, the prices by region or group, the border adjustment."""

    name: str = Field(min_length=1)
    description: str = ""
    table: TableRef = TableRef(dataset="wiod2013", year=2011)
    satellite: str = Field("co2", min_length=1)
    stressor: str | None = None
    jobs: str | None = Field("employment", description="employment satellite (null: no jobs)")
    jobs_stressor: str = "persons"
    usd_per_eur: float | None = Field(None, gt=0, le=100, description="US dollars per euro, to convert EUR prices")
    groups: dict[str, list[str]] = Field(default_factory=dict, description="named groups of regions")
    prices: list[PriceSpec] = Field(min_length=1)
    priced_sectors: list[str] | None = Field(None, min_length=1, description="sectors whose emissions are priced "
                                                                            "(null: all)")
    border: BorderSpec = Field(default_factory=BorderSpec)
    leakage: LeakageSpec = Field(default_factory=LeakageSpec)

    @field_validator("groups")
    @classmethod
    def _groups(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        empty = [k for k, regs in v.items() if not regs]
        if empty:
            raise ValueError(f"group(s) {', '.join(map(repr, empty))} list no regions")
        return v

    @model_validator(mode="after")
    def _names(self) -> Scenario:
        names = [p.name for p in self.prices if p.name]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"price name(s) {', '.join(map(repr, twice))} given twice: each bloc needs its own name")
        return self


def read_scenario(path) -> Scenario:
    """Read and validate a carbon-border scenario file (YAML / JSON), every problem listed with its field."""
    data, source = read_mapping(path, "carbon-border scenario", "'name' and 'prices' (see docs/carbon_border.md)")
    sc = validate(Scenario, data, source, DOC)
    if not isinstance(path, dict) and sc.table.path is not None and not Path(sc.table.path).is_absolute():
        sc.table.path = str(Path(path).parent / sc.table.path)
    return sc


def _expand(sc: Scenario, mrio: MRIO, source: str, issues: list) -> list[tuple[Bloc, float, PriceSpec, int]]:
    regions = [str(r) for r in pd.unique(mrio.index.get_level_values(0))]
    rset = set(regions)
    few = ", ".join(regions[:8])
    groups = {k: tuple(v) for k, v in GROUPS.items()}
    for k, v in sc.groups.items():
        if k in rset:
            issues.append(ValidationIssue(source, f"groups.{k}", f"{k!r} is a region of the table, not a new name",
                                          "give the group another name"))
        bad = [r for r in v if r not in rset]
        if bad:
            issues.append(ValidationIssue(source, f"groups.{k}", f"unknown region(s) {plain_list(bad)}",
                                          f"use the table's region codes, e.g. {few}"))
        groups[k] = tuple(v)
    _, currency = money_unit(mrio.unit)
    out, seen = [], {}
    for k, p in enumerate(sc.prices):
        regs: list[str] = []
        for r in p.regions:
            if r in rset:
                regs.append(r)
            elif r in groups:
                present = [g for g in groups[r] if g in rset]
                if not present:
                    issues.append(ValidationIssue(source, f"prices[{k}].regions", f"group {r!r} has no region in "
                                                  "this table", f"use the table's region codes ({few} …)"))
                regs += present
            else:
                issues.append(ValidationIssue(source, f"prices[{k}].regions", f"unknown region or group {r!r}",
                                              f"use the table's region codes ({few} …) or a group "
                                              f"({', '.join(groups)})"))
        regs = list(dict.fromkeys(regs))
        for r in regs:
            if r in seen:
                issues.append(ValidationIssue(source, f"prices[{k}].regions", f"region {r!r} is already priced in "
                                              f"prices[{seen[r]}]", "give each region one price"))
            seen.setdefault(r, k)
        if p.currency == currency:
            rate = 1.0
        elif sc.usd_per_eur is not None and {p.currency, currency} == {"USD", "EUR"}:
            rate = sc.usd_per_eur if p.currency == "EUR" else 1.0 / sc.usd_per_eur
        elif currency not in ("USD", "EUR"):
            issues.append(ValidationIssue(source, f"prices[{k}].currency", f"the table is in {currency} and prices "
                                          "are given in USD or EUR (converted with usd_per_eur)",
                                          f"use a table in USD or EUR (its values converted from {currency})"))
            rate = np.nan
        else:
            issues.append(ValidationIssue(source, f"prices[{k}].currency", f"a price in {p.currency} on a table in "
                                          f"{currency} needs an exchange rate",
                                          "give usd_per_eur (e.g. 1.392, the ECB's 2011 average) or the price in "
                                          f"{currency}"))
            rate = np.nan
        name = p.name or (p.regions[0] if len(p.regions) == 1 else "+".join(p.regions))
        out.append((Bloc(name, tuple(regs), p.border_adjustment), p.price * rate, p, k))
    return out


def check_scenario(sc: Scenario, mrio: MRIO, source: str = "scenario") -> list[tuple[Bloc, float, PriceSpec, int]]:
    """The scenario's regions, groups, sectors and satellites exist in the table; returns the blocs with their
    prices in the table's currency. Every problem is listed (file, field, fix)."""
    issues: list[ValidationIssue] = []
    if len(pd.unique(mrio.index.get_level_values(0))) < 2:
        issues.append(ValidationIssue(source, "table", "the table has one region: a border needs several",
                                      "use a multi-regional table, e.g. wiod2013"))
    try:
        money_unit(mrio.unit)
    except SelectionError as e:
        issues.append(ValidationIssue(source, "table.unit", str(e).split(". Fix")[0], "give the table's unit"))
        raise ValidationError(issues) from None
    codes = list(dict.fromkeys(map(str, mrio.index.get_level_values(-1))))
    few = ", ".join(codes[:10])
    for fld, lst in (("border.sectors", sc.border.sectors), ("leakage.electricity", sc.leakage.electricity),
                     ("priced_sectors", sc.priced_sectors or [])):
        bad = [c for c in lst if c not in codes]
        if bad:
            issues.append(ValidationIssue(source, fld, f"unknown sector(s) {plain_list(bad)}",
                                          f"use the table's codes, e.g. {few}"))
    if sc.satellite not in mrio.satellites:
        issues.append(ValidationIssue(source, "satellite", f"the table has no {sc.satellite!r} satellite (it has "
                                      f"{', '.join(mrio.satellites) or 'none'})",
                                      "load a table with a CO2 account (wiod2013 2000–2011 has 'co2')"))
    elif sc.stressor is not None and sc.stressor not in mrio.satellites[sc.satellite].stressors:
        issues.append(ValidationIssue(source, "stressor", f"unknown stressor {sc.stressor!r}",
                                      f"use one of {plain_list(mrio.satellites[sc.satellite].stressors)}"))
    else:
        sat = mrio.satellites[sc.satellite]
        unit = sat.units[int(sat.stressors.get_loc(sc.stressor or sat.stressors[0]))]
        if (unit or "").strip().split(" ")[0].lower() not in _T_PER:
            issues.append(ValidationIssue(source, "satellite", f"the {sc.satellite!r} account is in {unit!r}, not "
                                          "a mass of CO2 (t, kt, Gg, Mt, Tg, kg)",
                                          "name a CO2 satellite (and stressor) in tonnes, e.g. one in 'kt CO2'"))
    if sc.jobs is not None and sc.jobs not in mrio.satellites and "jobs" in sc.model_fields_set:
        issues.append(ValidationIssue(source, "jobs", f"the table has no {sc.jobs!r} satellite (it has "
                                      f"{', '.join(mrio.satellites) or 'none'})",
                                      "name its employment satellite, or write 'jobs: null'"))
    elif sc.jobs in mrio.satellites and sc.jobs_stressor not in mrio.satellites[sc.jobs].stressors:
        issues.append(ValidationIssue(source, "jobs_stressor", f"unknown stressor {sc.jobs_stressor!r}",
                                      f"use one of {plain_list(mrio.satellites[sc.jobs].stressors)}"))
    elif sc.jobs in mrio.satellites:
        js = mrio.satellites[sc.jobs]
        unit = js.units[int(js.stressors.get_loc(sc.jobs_stressor))]
        try:
            _people_per_unit(unit)
        except SelectionError:
            issues.append(ValidationIssue(source, "jobs_stressor", f"{sc.jobs}: {sc.jobs_stressor!r} is in "
                                          f"{unit!r}, not a head count (persons or 1000 persons)",
                                          "name a head-count stressor such as 'persons', or write 'jobs: null'"))
    blocs = _expand(sc, mrio, source, issues)
    if issues:
        raise ValidationError(issues)
    return blocs


def run_scenario(sc: Scenario, mrio: MRIO | None = None, source: str = "scenario") -> BorderResult:
    """Run a scenario: check it against the table, convert the prices, compute with and without the BCA."""
    if mrio is None:
        mrio = sc.table.load()
    blocs = check_scenario(sc, mrio, source)
    prices = {r: price for bl, price, _, _ in blocs for r in bl.regions}
    res = carbon_border(mrio, prices, [bl for bl, *_ in blocs], covered=sc.border.sectors, basis=sc.border.basis,
                        deduct_origin_price=sc.border.deduct_origin_price, satellite=sc.satellite,
                        stressor=sc.stressor, jobs=sc.jobs, jobs_stressor=sc.jobs_stressor,
                        priced_sectors=sc.priced_sectors, electricity=sc.leakage.electricity,
                        usd_per_eur=sc.usd_per_eur, trade_threshold=sc.leakage.trade_threshold,
                        cost_threshold_pct=sc.leakage.cost_threshold_pct,
                        indicator_threshold=sc.leakage.indicator_threshold)
    _, currency = money_unit(mrio.unit)
    conv = []
    for bl, price, p, _ in blocs:
        if p.currency != currency:
            conv.append(f"{bl.name}: {p.price:g} {p.currency}/t × {sc.usd_per_eur:g} USD/EUR = {price:,.2f} "
                        f"{currency}/t" if p.currency == "EUR" else
                        f"{bl.name}: {p.price:g} USD/t ÷ {sc.usd_per_eur:g} USD/EUR = {price:,.2f} {currency}/t")
        else:
            conv.append(f"{bl.name}: {price:,.2f} {currency}/t")
    res.meta["conversion"] = conv
    res.meta["blocs_regions"] = {bl.name: list(bl.regions) for bl, *_ in blocs}
    return res
