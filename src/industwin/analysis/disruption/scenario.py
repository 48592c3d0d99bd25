"""Disruption scenario files: a typed schema, the reader, and the check of every name against a table.

A scenario is a YAML or JSON mapping — the table, shocks (capacity, final demand, trade), interventions
(stockpiles, diversification, re-sourcing, demand visibility), the engine's behavioural parameters, the
horizon and the outputs. It is read by :func:`industwin.data.io.read_mapping` and validated by
:class:`Scenario` (strict types, finite numbers, no unknown field); :func:`check_scenario` then checks every
region, sector and node against the table, all problems at once, with field paths such as
``shocks.capacity[0].nodes[0].region``. Documented in ``docs/disruption.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from pydantic import Field, model_validator

from industwin.core.ario import ARIOParameters
from industwin.data.io import read_mapping, validate
from industwin.data.mrio import MRIO
from industwin.data.schema import PositiveShare, Schema, Share
from industwin.data.select import node_positions
from industwin.errors import ValidationError, ValidationIssue, plain

__all__ = ["Node", "CapacityShockSpec", "DemandShockSpec", "TradeSpec", "StockpileSpec", "SourcingSpec",
           "VisibilitySpec", "Shocks", "Interventions", "TableSpec", "Parameters", "Scenario", "read_scenario",
           "check_scenario", "MAX_HORIZON", "DOC"]

DOC = "docs/disruption.md"
MAX_HORIZON = 36_500         # 100 years of days; the memory check against the table comes on top


class Node(Schema):
    """A country-sector, or a whole country when ``sector`` is omitted."""

    region: str
    sector: str | None = None


class Timing(Schema):
    start: int = Field(ge=0, description="first day of the shock (0 = the first simulated day)")
    duration: int = Field(ge=1, description="days the shock lasts at full size")


class CapacityShockSpec(Timing):
    nodes: list[Node] = Field(min_length=1)
    size: PositiveShare = Field(description="share of production capacity lost")
    recovery_days: int = Field(0, ge=0)
    recovery: Literal["linear", "convex", "concave", "step"] = "linear"

    @model_validator(mode="after")
    def _shape_needs_days(self) -> "CapacityShockSpec":
        if self.recovery != "linear" and self.recovery_days == 0:
            raise ValueError(f"a {self.recovery} recovery needs recovery_days > 0 (with 0 days capacity comes back at "
                             "once, whatever the shape)")
        return self


class DemandShockSpec(Timing):
    products: list[Node] = Field(min_length=1, description="products whose final demand changes")
    buyers: list[str] | None = Field(None, min_length=1, description="final-demand regions (default: all)")
    change: float = Field(gt=-1, le=100, description="relative change of the buyers' final purchases, e.g. -0.2 "
                                                     "(negative entries — inventory draw-downs — are not scaled)")


class TradeSpec(Timing):
    origin: str
    destination: list[str] = Field(min_length=1)
    products: list[str] | None = Field(None, description="sector codes (default: all)")
    share: Share = Field(1.0, description="share of the flow cut (0: taxed only)")
    substitution: bool = Field(False, description="buyers re-order the cut share from other origins")
    tariff: float = Field(0.0, ge=0, le=100,
                          description="ad-valorem tax on the flow, passed on through the price model")

    @model_validator(mode="after")
    def _cut_or_taxed(self) -> "TradeSpec":
        if self.share == 0 and self.tariff == 0:
            raise ValueError("a trade shock needs share > 0 (a cut) or tariff > 0 (a tax)")
        return self


class StockpileSpec(Schema):
    products: list[str] = Field(min_length=1)
    buyers: list[Node] = Field(min_length=1)
    extra_days: float = Field(gt=0, le=3650, description="days of use held on top of the usual stock")
    holding_cost: float = Field(0.2, ge=0, le=10, description="cost of holding the stock, share of its value a year")
    name: str | None = None


class SourcingSpec(Schema):
    """Diversification (``share`` of purchases moved away from ``origin``) or re-sourcing of a product
    (``origin`` omitted: everything bought outside ``to`` moves to it: reshoring, nearshoring,
    friendshoring) for the buyers' industries."""

    product: str
    buyers: list[Node] = Field(min_length=1)
    origin: str | None = None
    share: PositiveShare = 1.0
    to: list[str] | dict[str, Annotated[float, Field(ge=0, le=1)]] | None = Field(
        None, description="target origins (in proportion to their current shares), or origin → share")
    markup: float = Field(0.0, ge=0, le=10, description="price mark-up of the re-sourced purchases")
    name: str | None = None

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> "SourcingSpec":
        if isinstance(self.to, dict):
            if not self.to:
                raise ValueError("'to' names no origin: list the target origins, or give origin: share pairs")
            tot = sum(self.to.values())
            if abs(tot - 1.0) > 1e-9:
                raise ValueError(f"the shares in 'to' must sum to 1, they sum to {tot:g} "
                                 f"({', '.join(f'{k}: {v:g}' for k, v in self.to.items())})")
        elif isinstance(self.to, list) and not self.to:
            raise ValueError("'to' names no origin: list the target origins")
        if self.origin is None and not self.to:
            raise ValueError("re-sourcing without 'origin' needs the target group in 'to'")
        return self


class VisibilitySpec(Schema):
    nodes: list[Node] = Field(min_length=1)
    headroom: PositiveShare = Field(description="capacity pre-built above the baseline, e.g. 0.1")
    cost_per_year: float = Field(0.0, ge=0, description="what keeping the headroom costs a year (table unit)")
    name: str | None = None


class Shocks(Schema):
    capacity: list[CapacityShockSpec] = []
    final_demand: list[DemandShockSpec] = []
    trade: list[TradeSpec] = []


class Interventions(Schema):
    stockpile: list[StockpileSpec] = []
    diversify: list[SourcingSpec] = []
    reshore: list[SourcingSpec] = []
    demand_visibility: list[VisibilitySpec] = []


class TableSpec(Schema):
    """The table to simulate on: a named dataset and year, or a ``path`` (relative to the scenario file)."""

    dataset: str = "wiod2013"
    year: int | None = None
    path: str | None = None

    @model_validator(mode="after")
    def _one_table(self) -> "TableSpec":
        if self.path is not None and "dataset" in self.model_fields_set:
            raise ValueError("give the table as 'dataset' or as 'path', not both")
        return self


Days = Annotated[float, Field(gt=0, le=3650)]


class Parameters(Schema):
    """The ARIO engine's behavioural parameters (:class:`industwin.core.ario.ARIOParameters`, BoARIO's
    defaults). ``inventory_days`` is one number or per product (sector code → days, or ``unlimited`` for
    inputs never short, e.g. utilities)."""

    inventory_days: Days | dict[str, Days | Literal["unlimited"]] = 90.0
    psi: PositiveShare = 0.8
    restoration_days: Days = 60.0
    alpha_base: float = Field(1.0, ge=1, le=10)
    alpha_max: float = Field(1.25, ge=1, le=10)
    alpha_days: Days = 365.0
    priority: Literal["proportional", "intermediate", "final"] = "proportional"
    days_per_year: float = Field(365.0, gt=0, le=366)

    @model_validator(mode="after")
    def _alpha(self) -> "Parameters":
        if self.alpha_max < self.alpha_base:
            raise ValueError(f"alpha_max ({self.alpha_max:g}) must be at least alpha_base ({self.alpha_base:g})")
        return self

    def engine(self) -> ARIOParameters:
        d = self.model_dump()
        if isinstance(d["inventory_days"], dict):
            d["inventory_days"] = {k: float("inf") if v == "unlimited" else v for k, v in d["inventory_days"].items()}
        return ARIOParameters(**d)


class Scenario(Schema):
    """A declarative "what if": the table, the shocks, the interventions, the horizon."""

    name: str = Field(min_length=1)
    description: str = ""
    table: TableSpec = TableSpec()
    horizon: int = Field(365, ge=1, le=MAX_HORIZON, description="days simulated")
    parameters: Parameters = Parameters()
    shocks: Shocks
    interventions: Interventions = Interventions()
    outputs: list[Literal["production", "capacity", "final_demand_unmet", "stock_ratio"]] = ["production"]
    focus: str | None = Field(None, description="a region whose own loss is reported beside the world's")

    @model_validator(mode="after")
    def _within_horizon(self) -> "Scenario":
        late = []
        for kind in ("capacity", "final_demand", "trade"):
            for k, s in enumerate(getattr(self.shocks, kind)):
                if s.start + s.duration > self.horizon:
                    late.append(f"shocks.{kind}[{k}] ends on day {s.start + s.duration}")
        if late:
            raise ValueError(f"{'; '.join(late)}, after the horizon ({self.horizon} days); lengthen 'horizon' or "
                             "shorten the shock")
        iv = self.interventions
        names = [s.name for kind in ("stockpile", "diversify", "reshore", "demand_visibility")
                 for s in getattr(iv, kind) if s.name is not None]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"intervention name(s) {', '.join(map(repr, twice))} given twice: each run needs its own "
                             "name")
        reserved = sorted(set(names) & {"baseline", "all interventions"})
        if reserved:
            raise ValueError(f"{', '.join(map(repr, reserved))} names a run industwin makes itself: choose another "
                             "name")
        if not (self.shocks.capacity or self.shocks.final_demand or self.shocks.trade):
            raise ValueError("the scenario has no shock: give at least one under shocks.capacity, "
                             "shocks.final_demand or shocks.trade")
        return self


def read_scenario(path: str | Path | dict) -> Scenario:
    """Read and validate a scenario (YAML or JSON file, or a dict); every problem is listed with its field."""
    data, source = read_mapping(path, "scenario", "at least 'name' and 'shocks' (see docs/disruption.md)")
    sc = validate(Scenario, data, source, DOC)
    if sc.table.path is not None and not isinstance(path, dict) and not Path(sc.table.path).is_absolute():
        sc.table.path = str(Path(path).parent / sc.table.path)     # relative to the scenario file, as documented
    return sc


def check_scenario(mrio: MRIO, sc: Scenario, source: str = "scenario") -> None:
    """Every region, sector and node of a scenario exists in the table (all problems at once)."""
    issues: list[ValidationIssue] = []
    regions = set(map(str, mrio.regions))
    sectors = set(map(str, mrio.sectors))
    few = lambda vals: ", ".join(list(vals)[:45]) + (" …" if len(vals) > 45 else "")  # noqa: E731

    def region(r: str, where: str) -> None:
        if r not in regions:
            issues.append(ValidationIssue(source, where, f"unknown region {plain(r)}",
                                          f"use one of {few(sorted(regions))}"))

    def sector(s: str, where: str) -> None:
        if s not in sectors:
            issues.append(ValidationIssue(source, where, f"unknown sector {plain(s)}",
                                          f"use one of {few(list(map(str, mrio.sectors)))}"))

    def nodes(ns: list[Node], where: str) -> None:
        for k, nd in enumerate(ns):
            region(nd.region, f"{where}[{k}].region")
            if nd.sector is not None:
                sector(nd.sector, f"{where}[{k}].sector")

    for k, s in enumerate(sc.shocks.capacity):
        nodes(s.nodes, f"shocks.capacity[{k}].nodes")
    for k, s in enumerate(sc.shocks.final_demand):
        nodes(s.products, f"shocks.final_demand[{k}].products")
        for b in s.buyers or []:
            region(b, f"shocks.final_demand[{k}].buyers")
    for k, s in enumerate(sc.shocks.trade):
        region(s.origin, f"shocks.trade[{k}].origin")
        for d in s.destination:
            region(d, f"shocks.trade[{k}].destination")
        for p in s.products or []:
            sector(p, f"shocks.trade[{k}].products")
    iv = sc.interventions
    for k, s in enumerate(iv.stockpile):
        for p in s.products:
            sector(p, f"interventions.stockpile[{k}].products")
        nodes(s.buyers, f"interventions.stockpile[{k}].buyers")
    for kind in ("diversify", "reshore"):
        for k, s in enumerate(getattr(iv, kind)):
            sector(s.product, f"interventions.{kind}[{k}].product")
            nodes(s.buyers, f"interventions.{kind}[{k}].buyers")
            if s.origin is not None:
                region(s.origin, f"interventions.{kind}[{k}].origin")
            for r in (s.to or []):
                region(r, f"interventions.{kind}[{k}].to")
            if s.origin is not None and s.to and s.origin in s.to:
                issues.append(ValidationIssue(source, f"interventions.{kind}[{k}].to", f"the origin {s.origin} is "
                                              "also a target", "list only the origins the purchases move to"))
    for k, s in enumerate(iv.demand_visibility):
        nodes(s.nodes, f"interventions.demand_visibility[{k}].nodes")
    if isinstance(sc.parameters.inventory_days, dict):
        for p in sc.parameters.inventory_days:
            sector(p, "parameters.inventory_days")
    if sc.focus is not None:
        region(sc.focus, "focus")
    if issues:
        raise ValidationError(issues)


def rows_of(mrio: MRIO, ns: Sequence[Node]) -> np.ndarray:
    """Row positions of a list of nodes (a whole region where a node has no sector)."""
    return np.unique(np.concatenate([node_positions(mrio, nd.region, None if nd.sector is None else [nd.sector])
                                     for nd in ns]))
