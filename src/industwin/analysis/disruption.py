"""The "what if" twin: supply shocks, their spread and recovery, and interventions tested before paying for them.

* **Scenarios** (:class:`Scenario`, :func:`read_scenario`): a YAML or JSON file validated by a
  typed schema — capacity shocks to any country-sectors, final-demand shocks, trade links cut
  or taxed, interventions (stockpiles, supplier diversification, reshoring / nearshoring /
  friendshoring, demand visibility), the horizon and the outputs wanted. Errors name the field.
* **Static analysis** (:func:`leontief_impact`, :func:`ghosh_impact`, :func:`mixed_impact`,
  :func:`static_impacts`): the quick first answer of the demand-driven, supply-driven and mixed
  models.
* **Dynamic simulation** (:func:`run_scenario`): the ARIO engine of :mod:`industwin.core.ario`,
  run for the baseline shock and for each intervention alone and all together, with the loss
  each avoids against its cost.
* **Risk assessment** (:func:`risk_assessment`): Monte Carlo over shocks (which node, how deep,
  how long) on Dask, reproducible from a seed: expected loss, value at risk, the nodes whose
  failure costs most.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError as PydanticError, model_validator

from industwin.core.ario import ARIOModel, ARIOParameters, CapacityShock, LinkCut, SimulationResult
from industwin.core.leontief import cost_push, gross_output, leontief, safe_reciprocal
from industwin.data.mrio import MRIO, REGION, SECTOR
from industwin.data.select import node_positions
from industwin.errors import IndustwinError, SelectionError, ValidationError, ValidationIssue

__all__ = [
    "Scenario", "read_scenario", "run_scenario", "ScenarioResult", "leontief_impact", "ghosh_impact",
    "mixed_impact", "static_impacts", "risk_assessment", "RiskAssessment", "scenario_model", "route_tariff_prices",
]


# ============================================================================ schema
class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Node(_Spec):
    """A country-sector, or a whole country when ``sector`` is omitted."""

    region: str
    sector: str | None = None


class Timing(_Spec):
    start: int = Field(ge=0, description="first day of the shock (0 = the first simulated day)")
    duration: int = Field(ge=1, description="days the shock lasts at full size")


class CapacityShockSpec(Timing):
    nodes: list[Node] = Field(min_length=1)
    size: float = Field(gt=0, le=1, description="share of production capacity lost")
    recovery_days: int = Field(0, ge=0)
    recovery: Literal["linear", "convex", "concave", "step"] = "linear"


class DemandShockSpec(Timing):
    products: list[Node] = Field(min_length=1, description="products whose final demand changes")
    buyers: list[str] | None = Field(None, description="final-demand regions (default: all)")
    change: float = Field(gt=-1, description="relative change, e.g. -0.2")


class TradeSpec(Timing):
    origin: str
    destination: list[str] = Field(min_length=1)
    products: list[str] | None = Field(None, description="sector codes (default: all)")
    share: float = Field(1.0, ge=0, le=1, description="share of the flow cut (0: taxed only)")
    substitution: bool = Field(False, description="buyers re-order the cut share from other origins")
    tariff: float = Field(0.0, ge=0, description="ad-valorem tax on the flow, passed on through the price model")

    @model_validator(mode="after")
    def _cut_or_taxed(self) -> "TradeSpec":
        if self.share == 0 and self.tariff == 0:
            raise ValueError("a trade shock needs share > 0 (a cut) or tariff > 0 (a tax)")
        return self


class StockpileSpec(_Spec):
    products: list[str] = Field(min_length=1)
    buyers: list[Node] = Field(min_length=1)
    extra_days: float = Field(gt=0)
    holding_cost: float = Field(0.2, ge=0, description="cost of holding the stock, share of its value a year")
    name: str | None = None


class SourcingSpec(_Spec):
    """Diversification (``share`` of purchases moved away from ``origin``) or re-sourcing of a product
    (``origin`` omitted: everything bought outside ``to`` moves to it: reshoring, nearshoring,
    friendshoring) for the buyers' industries."""

    product: str
    buyers: list[Node] = Field(min_length=1)
    origin: str | None = None
    share: float = Field(1.0, gt=0, le=1)
    to: list[str] | dict[str, float] | None = Field(
        None, description="target origins (in proportion to their current shares), or origin → share")
    markup: float = Field(0.0, ge=0, description="price mark-up of the re-sourced purchases")
    name: str | None = None

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> "SourcingSpec":
        if isinstance(self.to, dict):
            tot = sum(self.to.values())
            if abs(tot - 1.0) > 1e-9 or any(v < 0 for v in self.to.values()):
                raise ValueError(f"the shares in 'to' must be non-negative and sum to 1, they sum to {tot:g}")
        if self.origin is None and not self.to:
            raise ValueError("re-sourcing without 'origin' needs the target group in 'to'")
        return self


class VisibilitySpec(_Spec):
    nodes: list[Node] = Field(min_length=1)
    headroom: float = Field(gt=0, le=1, description="capacity pre-built above the baseline, e.g. 0.1")
    cost_per_year: float = Field(0.0, ge=0, description="what keeping the headroom costs a year (table unit)")
    name: str | None = None


class Shocks(_Spec):
    capacity: list[CapacityShockSpec] = []
    final_demand: list[DemandShockSpec] = []
    trade: list[TradeSpec] = []


class Interventions(_Spec):
    stockpile: list[StockpileSpec] = []
    diversify: list[SourcingSpec] = []
    reshore: list[SourcingSpec] = []
    demand_visibility: list[VisibilitySpec] = []


class TableSpec(_Spec):
    dataset: str = "wiod2013"
    year: int | None = None
    path: str | None = None


class Scenario(_Spec):
    """A declarative "what if": the table, the shocks, the interventions, the horizon."""

    name: str
    description: str = ""
    table: TableSpec = TableSpec()
    horizon: int = Field(365, ge=1, description="days simulated")
    parameters: dict[str, Any] = {}
    shocks: Shocks
    interventions: Interventions = Interventions()
    outputs: list[Literal["production", "capacity", "final_demand_unmet", "stock_ratio"]] = ["production"]
    focus: str | None = Field(None, description="a region whose own loss is reported beside the world's")

    @model_validator(mode="after")
    def _within_horizon(self) -> "Scenario":
        for kind in ("capacity", "final_demand", "trade"):
            for k, s in enumerate(getattr(self.shocks, kind)):
                if s.start + s.duration > self.horizon:
                    raise ValueError(f"shocks.{kind}[{k}] ends on day {s.start + s.duration} after the horizon "
                                     f"({self.horizon} days); lengthen 'horizon' or shorten the shock")
        if not (self.shocks.capacity or self.shocks.final_demand or self.shocks.trade):
            raise ValueError("the scenario has no shock: give at least one under shocks.capacity, "
                             "shocks.final_demand or shocks.trade")
        ARIOParameters(**self.parameters)
        return self


def _issues(err: PydanticError, source: str) -> list[ValidationIssue]:
    out = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"]) or "(top level)"
        msg = e["msg"].removeprefix("Value error, ")
        fix = "remove it (allowed fields are listed in docs/disruption.md)" if e["type"] == "extra_forbidden" \
            else "correct the value"
        out.append(ValidationIssue(source, loc, msg, fix))
    return out


def read_mapping(path: str | Path | dict, what: str) -> tuple[dict, str]:
    """A YAML or JSON file (or a dict) read as a mapping, and the name to cite in errors; ``what`` says
    what the mapping must hold."""
    if isinstance(path, dict):
        return path, "scenario"
    p = Path(path)
    if not p.exists():
        raise IndustwinError(f"{p}: file not found")
    text = p.read_text(encoding="utf-8")
    try:
        if p.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            import yaml
            data = yaml.safe_load(text)
    except Exception as e:  # a syntax error in the file
        raise IndustwinError(f"{p}: not valid {'JSON' if p.suffix.lower() == '.json' else 'YAML'}: {e}") from None
    if not isinstance(data, dict):
        raise IndustwinError(f"{p}: {what}")
    return data, str(p)


def read_scenario(path: str | Path | dict) -> Scenario:
    """Read and validate a scenario (YAML or JSON file, or a dict); every problem is listed."""
    data, source = read_mapping(path, "a scenario is a mapping with at least 'name' and 'shocks'")
    try:
        from industwin.errors import SelectionError as _SE
        try:
            return Scenario.model_validate(data)
        except _SE as e:  # from ARIOParameters
            raise ValidationError([ValidationIssue(source, "parameters", str(e), "correct the value")]) from None
    except PydanticError as e:
        raise ValidationError(_issues(e, source)) from None


# ============================================================================ checks against the table
def _check(mrio: MRIO, sc: Scenario, source: str = "scenario") -> None:
    """Every region, sector and node of a scenario exists in the table (all problems at once)."""
    issues: list[ValidationIssue] = []
    regions = set(map(str, mrio.regions))
    sectors = set(map(str, mrio.sectors))

    def region(r: str, where: str) -> None:
        if r not in regions:
            issues.append(ValidationIssue(source, where, f"unknown region {r!r}",
                                          f"use one of {', '.join(sorted(regions))}"))

    def sector(s: str, where: str) -> None:
        if s not in sectors:
            issues.append(ValidationIssue(source, where, f"unknown sector {s!r}",
                                          f"use one of {', '.join(map(str, mrio.sectors))}"))

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
    for k, s in enumerate(iv.demand_visibility):
        nodes(s.nodes, f"interventions.demand_visibility[{k}].nodes")
    if sc.focus is not None:
        region(sc.focus, "focus")
    if issues:
        raise ValidationError(issues)


def _rows(mrio: MRIO, ns: Sequence[Node]) -> np.ndarray:
    return np.unique(np.concatenate([node_positions(mrio, nd.region, None if nd.sector is None else [nd.sector])
                                     for nd in ns]))


# ============================================================================ static analysis
def _by_region(mrio: MRIO, dx: np.ndarray, name: str) -> pd.DataFrame:
    v = 1.0 - np.asarray(mrio.Z.sum(axis=0)).reshape(-1) * safe_reciprocal(mrio.x)
    df = pd.DataFrame({"output_change": dx, "value_added_change": v * dx}, index=mrio.index)
    reg = df.groupby(level=REGION, sort=False).sum()
    reg["output"] = pd.Series(mrio.x, index=mrio.index).groupby(level=REGION, sort=False).sum()
    reg["output_change_share"] = reg["output_change"] / reg["output"]
    reg.attrs["model"] = name
    return reg


def leontief_impact(mrio: MRIO, final_demand_change: Any) -> pd.DataFrame:
    """Demand-driven impact ``Δx = (I − A)⁻¹ Δy`` (Miller & Blair 2009, eq. 2.10), by region."""
    return _by_region(mrio, gross_output(mrio, final_demand_change).to_numpy(), "Leontief (demand-driven)")


def ghosh_impact(mrio: MRIO, primary_input_change: Any) -> pd.DataFrame:
    """Supply-driven impact ``Δx' = Δv' (I − B)⁻¹`` (Ghosh 1958; Miller & Blair 2009 §12.1), by region."""
    from industwin.core.leontief import supply_driven_output
    return _by_region(mrio, supply_driven_output(mrio, primary_input_change).to_numpy(), "Ghosh (supply-driven)")


def mixed_impact(mrio: MRIO, constrained_output: dict, final_demand_change: Any = None) -> pd.DataFrame:
    """Mixed exogenous/endogenous model (Miller & Blair 2009 §13.2): the outputs of a set *E* of
    sectors are fixed (e.g. a plant halted), final demand of the others is exogenous::

        x_N = (I − A_NN)⁻¹ (y_N + A_NE x_E),   y_E = (I − A_EE) x_E − A_EN x_N

    Returns the change of output against the table (``Δx``, with Δx_E as imposed) by region; the
    change of the final deliveries the constrained sectors can still make is in ``attrs["final_E"]``.
    ``(I − A_NN)`` is solved with the cached LU of ``(I − A)`` by the Woodbury identity.
    """
    pos = np.array([mrio.index.get_loc(k) for k in constrained_output])
    xE = np.array(list(constrained_output.values()), float)
    n = mrio.n
    y = mrio.Y.sum(axis=1).copy()
    if final_demand_change is not None:
        from industwin.core.leontief import _vector
        y = y + _vector(mrio, final_demand_change, "final demand change")[0]
    A_E = (mrio.Z[:, pos].toarray() if mrio.is_sparse else np.asarray(mrio.Z[:, pos])) * safe_reciprocal(mrio.x[pos])
    # b_N = y_N + A_NE x_E, b_E = x_E; the system is (I − A) with rows E made identity rows and the
    # columns E of the rows N removed (their part is in b)
    b = y + A_E @ xE
    b[pos] = xE
    U = np.zeros((n, len(pos)))
    U[pos, np.arange(len(pos))] = 1.0
    A_rows = (mrio.Z[pos].toarray() if mrio.is_sparse else np.asarray(mrio.Z[pos])) * safe_reciprocal(mrio.x)[None, :]
    x = _solve_partitioned(leontief(mrio), pos, b, U, A_rows, A_E)
    dx = x - mrio.x
    res = _by_region(mrio, dx, "mixed (exogenous outputs)")
    A_EE = A_E[pos]
    A_EN = A_rows.copy()
    A_EN[:, pos] = 0.0
    res.attrs["final_E"] = pd.Series((xE - A_EE @ xE) - A_EN @ x, index=mrio.index[pos], name="final deliveries")
    return res


def _solve_partitioned(f, E: np.ndarray, b: np.ndarray, U: np.ndarray, A_rows_E: np.ndarray,
                       A_cols_E: np.ndarray) -> np.ndarray:
    """Solve M'x = b, M' = (I − A) with rows E turned into identity rows and the entries of columns E
    in rows N removed: the rank-2|E| update M' = M + [U, Q] [P; Uᵀ] with P = A[E, :] and Q = A[:, E]
    (rows E zeroed), solved by the Woodbury identity on the cached LU (a 2|E| × 2|E| system)."""
    k = len(E)
    P = A_rows_E.copy()                     # adding A[E, :] to rows E of M turns them into e_E'
    Q = A_cols_E.copy()
    Q[E, :] = 0.0                           # adding A[N, E] to columns E (rows N) removes −A_NE
    Left = np.hstack([U, Q])                # n × 2k
    Right = np.vstack([P, U.T])             # 2k × n
    Minv_b = f.solve(b)
    Minv_L = f.solve(Left)
    cap = np.eye(2 * k) + Right @ Minv_L
    return Minv_b - Minv_L @ np.linalg.solve(cap, Right @ Minv_b)


def static_impacts(mrio: MRIO, sc: Scenario) -> pd.DataFrame:
    """First answer for a scenario's capacity and final-demand shocks, by region and model, in the
    table's unit over the shocks' durations (annual flows × days / 365): the Leontief effect of the
    final-demand shocks, the Ghosh effect of losing the shocked sectors' primary inputs, and the mixed
    model with the shocked sectors' outputs fixed at their reduced level."""
    frames = {}
    dy = np.zeros(mrio.n)
    for s in sc.shocks.final_demand:
        rows = _rows(mrio, s.products)
        fd = mrio.Y[:, np.isin(mrio.fd_index.get_level_values(REGION), s.buyers or list(mrio.fd_regions))]
        dy[rows] += s.change * fd[rows].sum(axis=1) * s.duration / 365
    if dy.any():
        frames["leontief"] = leontief_impact(mrio, dy)
    if sc.shocks.capacity:
        dv = np.zeros(mrio.n)
        fixed: dict = {}
        va = mrio.x - np.asarray(mrio.Z.sum(axis=0)).reshape(-1)
        for s in sc.shocks.capacity:
            rows = _rows(mrio, s.nodes)
            frac = s.duration / 365
            dv[rows] -= s.size * va[rows] * frac
            for r in rows:
                fixed[mrio.index[r]] = mrio.x[r] * (1 - s.size * frac)
        frames["ghosh"] = ghosh_impact(mrio, dv)
        frames["mixed"] = mixed_impact(mrio, fixed)
    if not frames:
        raise SelectionError("static analysis covers capacity and final-demand shocks (trade taxes: "
                             "route_tariff_prices); this scenario has neither")
    return pd.concat(frames, names=["model"])


def route_tariff_prices(mrio: MRIO, origin: str, destination: Sequence[str], products: Sequence[str] | None,
                        tariff: float) -> pd.Series:
    """Price changes from an ad-valorem tax on a trade route (Leontief price model): the buyers in
    ``destination`` pay ``tariff`` more for the ``products`` of ``origin``, a cost push
    ``Δv_j = t Σ_{i∈route} a_ij`` on their output, ``Δp' = Δv' (I − A)⁻¹`` (Miller & Blair 2009, §2.6);
    final buyers in ``destination`` pay it directly on their purchases (``direct_final`` in attrs)."""
    reg = np.asarray(mrio.index.get_level_values(REGION)).astype(str)
    sec = np.asarray(mrio.index.get_level_values(SECTOR)).astype(str)
    rows = np.flatnonzero((reg == origin) & (np.isin(sec, list(products)) if products else True))
    buyers = np.isin(reg, list(destination))
    Zr = mrio.Z[rows]
    Zr = Zr.toarray() if mrio.is_sparse else np.asarray(Zr)
    dv = np.where(buyers, tariff * Zr.sum(axis=0) * safe_reciprocal(mrio.x), 0.0)
    dp = cost_push(mrio, dv).rename(f"price change from a {tariff:.0%} tariff on {origin} → {'+'.join(destination)}")
    fd = np.isin(np.asarray(mrio.fd_index.get_level_values(REGION)).astype(str), list(destination))
    dp.attrs["direct_final"] = float(tariff * mrio.Y[np.ix_(rows, np.flatnonzero(fd))].sum())
    return dp


# ============================================================================ interventions → model inputs
def _resourced(mrio: MRIO, spec: SourcingSpec, kind: str) -> tuple[MRIO, float, pd.Series]:
    """A table where the buyers' purchases of one product are re-sourced; returns it, the yearly
    extra cost (mark-up × re-sourced purchases) and the price changes the mark-up causes along the
    chain (Leontief price model, ``Δp' = Δv' (I − A)⁻¹`` with ``Δv_j`` = mark-up × re-sourced input
    per unit of the buyer's output)."""
    A = (mrio.Z.toarray() if mrio.is_sparse else np.array(mrio.Z)) * safe_reciprocal(mrio.x)[None, :]
    buyers = _rows(mrio, spec.buyers)
    reg = np.asarray(mrio.index.get_level_values(REGION)).astype(str)
    sec = np.asarray(mrio.index.get_level_values(SECTOR)).astype(str)
    prod = np.flatnonzero(sec == spec.product)
    origins = reg[prod]
    block = A[np.ix_(prod, buyers)]                         # origins of the product × buyers
    if spec.origin is not None:                             # diversify away from one origin
        src = origins == spec.origin
        moved = block[src].sum(axis=0) * spec.share
        block[src] *= 1 - spec.share
        targets = ~src if spec.to is None else np.isin(origins, list(spec.to))
    else:                                                   # re-source from the group
        targets = np.isin(origins, list(spec.to))
        moved = block[~targets].sum(axis=0)
        block[~targets] = 0.0
    if isinstance(spec.to, dict):
        w = np.array([spec.to.get(o, 0.0) for o in origins])[:, None] * np.ones((1, len(buyers)))
    else:
        w = block * targets[:, None]
        tot = w.sum(axis=0)
        empty = tot <= 0
        w[:, empty] = targets[:, None].astype(float)
        w = w / w.sum(axis=0)
    block += w * moved[None, :]
    A[np.ix_(prod, buyers)] = block
    y = mrio.Y.sum(axis=1)
    from industwin.core.leontief import Factorisation
    x = Factorisation(-A.copy()).solve(y)
    tol = max(1.0, 1e-6 * float(np.abs(x).max()))      # the table's own rounding (WIOD: whole $M)
    if (x < -tol).any():
        raise SelectionError(f"interventions.{kind}: the re-sourced table has negative output; check 'to'")
    x = np.maximum(x, 0.0)
    new = mrio.replace(Z=A * x[None, :], x=x, V=None, va_index=None, satellites={}, name=f"{mrio.name} ({kind})")
    cost = float(spec.markup * (moved * mrio.x[buyers]).sum())
    dv = np.zeros(mrio.n)
    dv[buyers] = spec.markup * moved
    return new, cost, cost_push(mrio, dv)


@dataclass
class _Run:
    name: str
    kind: str
    mrio: MRIO
    cost_per_year: float = 0.0
    extra_stock: np.ndarray | None = None
    headroom: np.ndarray | None = None
    prices: pd.Series | None = None


def scenario_model(mrio: MRIO, sc: Scenario) -> tuple[list[CapacityShock], np.ndarray | None, list[LinkCut]]:
    """The engine inputs of a scenario's shocks on a table: capacity shocks, the daily final-demand
    path (None when unchanged) and the trade links cut."""
    shocks = [CapacityShock(_rows(mrio, s.nodes), np.full(len(_rows(mrio, s.nodes)), s.size), s.start, s.duration,
                            s.recovery_days, s.recovery) for s in sc.shocks.capacity]
    days = ARIOParameters(**sc.parameters).days_per_year
    y0 = mrio.Y.sum(axis=1) / days
    path = None
    fd_reg = np.asarray(mrio.fd_index.get_level_values(REGION)).astype(str)
    if sc.shocks.final_demand or sc.shocks.trade:
        path = np.tile(y0, (sc.horizon, 1))
    for s in sc.shocks.final_demand:
        rows = _rows(mrio, s.products)
        cols = np.isin(fd_reg, s.buyers or list(map(str, mrio.fd_regions)))
        path[s.start:s.start + s.duration, rows] += s.change * mrio.Y[np.ix_(rows, np.flatnonzero(cols))].sum(1) / days
    links = []
    sectors = list(map(str, mrio.sectors))
    reg = np.asarray(mrio.index.get_level_values(REGION)).astype(str)
    sec = np.asarray(mrio.index.get_level_values(SECTOR)).astype(str)
    for s in sc.shocks.trade:
        if s.share == 0:
            continue                       # taxed only: a price effect (route_tariff_prices), no quantity cut
        prods = np.array([sectors.index(p) for p in (s.products or sectors)])
        buyers = np.flatnonzero(np.isin(reg, s.destination))
        links.append(LinkCut(list(map(str, mrio.regions)).index(s.origin), prods, buyers, s.share, s.start, s.duration,
                             s.substitution))
        rows = np.flatnonzero((reg == s.origin) & np.isin(sec, [sectors[p] for p in prods]))
        cols = np.flatnonzero(np.isin(fd_reg, s.destination))
        path[s.start:s.start + s.duration, rows] -= s.share * mrio.Y[np.ix_(rows, cols)].sum(1) / days
    return shocks, path, links


# ============================================================================ running a scenario
@dataclass
class ScenarioResult:
    """The baseline shock and each intervention, side by side."""

    scenario: Scenario
    unit: str
    runs: dict[str, SimulationResult]
    summary: pd.DataFrame
    static: pd.DataFrame | None = None
    by_region: pd.DataFrame = field(default_factory=pd.DataFrame)
    prices: dict[str, pd.Series] = field(default_factory=dict)   # price changes of each re-sourcing run

    def production_over_time(self, region: str | None = None) -> pd.DataFrame:
        """Daily production of the world (or one region) as % of its baseline, one column per run."""
        out = {}
        for name, r in self.runs.items():
            sel = np.ones(len(r.index), bool) if region is None else \
                np.asarray(r.index.get_level_values(REGION) == region)
            out[name] = 100 * r.production[:, sel].sum(axis=1) / r.undisturbed[:, sel].sum(axis=1)
        return pd.DataFrame(out, index=pd.RangeIndex(len(next(iter(self.runs.values())).production), name="day"))


def _summary_row(r: SimulationResult, cost: float, horizon: int, focus: str | None = None) -> dict:
    va = r.value_added_loss
    loss = va.sum()
    rec = r.recovery_step()
    extra = {} if focus is None else {f"value_added_loss_{focus}": va.xs(focus, level=REGION).sum()}
    return {"value_added_loss": loss, **extra, "output_loss": r.output_loss.sum(),
            "final_demand_unmet": r.final_demand_unmet.sum(),
            "worst_day_output_pct": 100 * (r.production.sum(axis=1) / r.baseline.sum()).min(),
            "industries_not_recovered": int(rec.isna().sum()),
            "recovery_day": float(np.nanmax(rec.to_numpy())) if rec.notna().any() else np.nan,
            "cost": cost * horizon / 365}


def run_scenario(sc: Scenario | str | Path | dict, mrio: MRIO | None = None,
                 progress: Callable[[str, int], None] | None = None, static: bool = True) -> ScenarioResult:
    """Simulate a scenario: the shock alone (``baseline``), each intervention alone, and all of them
    together (``all interventions``, when there are several). For each run the summary gives the value
    added and output lost over the horizon (against the run's own undisturbed path), unmet final demand,
    the worst day, the recovery day, the intervention's cost over the horizon, the loss it avoids and
    the net benefit. ``progress(run, step)`` is called every simulated day."""
    if not isinstance(sc, Scenario):
        sc = read_scenario(sc)
    if mrio is None:
        from industwin.data.registry import load
        mrio = load(sc.table.path or sc.table.dataset, sc.table.year)
    _check(mrio, sc)
    params = ARIOParameters(**sc.parameters)
    iv = sc.interventions
    runs: list[_Run] = [_Run("baseline", "shock only", mrio)]
    N = len(mrio.sectors)
    sectors = list(map(str, mrio.sectors))
    daily_inputs = None
    for k, s in enumerate(iv.stockpile):
        if daily_inputs is None:  # a_pj x_j: each product's daily use by each buyer
            base_model = ARIOModel(mrio, params)
            daily_inputs = base_model.tech * base_model.x0[None, :]
        extra = np.zeros((N, mrio.n))
        extra[np.ix_([sectors.index(p) for p in s.products], _rows(mrio, s.buyers))] = s.extra_days
        value = float((daily_inputs * extra).sum())            # the extra stock's value
        runs.append(_Run(s.name or f"stockpile {'+'.join(s.products)} ({s.extra_days:g} days)", "stockpile", mrio,
                         s.holding_cost * value, extra_stock=extra))
    for kind in ("diversify", "reshore"):
        for s in getattr(iv, kind):
            new, cost, dp = _resourced(mrio, s, kind)
            label = s.name or (f"{kind} {s.product}" + (f" from {s.origin}" if s.origin else "")
                               + (f" to {'+'.join(s.to)}" if s.to else ""))
            runs.append(_Run(label, kind, new, cost, prices=dp))
    for s in iv.demand_visibility:
        head = np.zeros(mrio.n)
        head[_rows(mrio, s.nodes)] = s.headroom
        runs.append(_Run(s.name or f"demand visibility (+{s.headroom:.0%})", "demand visibility", mrio,
                         s.cost_per_year, headroom=head))
    if len(runs) > 2:
        tables = {id(r.mrio): r.mrio for r in runs[1:] if r.mrio is not mrio}
        if len(tables) <= 1:  # sourcing changes combine only when at most one re-sources the table
            combo = next(iter(tables.values())) if tables else mrio
            ex = [r.extra_stock for r in runs if r.extra_stock is not None]
            hd = [r.headroom for r in runs if r.headroom is not None]
            runs.append(_Run("all interventions", "combined", combo, sum(r.cost_per_year for r in runs[1:]),
                             sum(ex) if ex else None, np.maximum.reduce(hd) if hd else None))
    results: dict[str, SimulationResult] = {}
    rows = {}
    y = mrio.Y.sum(axis=1)
    for run in runs:
        model = ARIOModel(run.mrio, params)
        shocks, path, links = scenario_model(run.mrio, sc)
        cb = (lambda t, name=run.name: progress(name, t)) if progress else None
        rec = tuple(dict.fromkeys(["production", "final_demand_unmet", *sc.outputs]))
        res = model.simulate(sc.horizon, shocks, path, run.extra_stock, run.headroom, links, cb, rec)
        if run.headroom is not None:  # capacity kept ready draws orders even without a shock: measure against that
            res.reference = model.simulate(sc.horizon, None, None, run.extra_stock, run.headroom).production
        results[run.name] = res
        rows[run.name] = {"kind": run.kind, **_summary_row(res, run.cost_per_year, sc.horizon, sc.focus)}
        rows[run.name]["final_price_rise_pct"] = 0.0 if run.prices is None else \
            float(100 * (run.prices.to_numpy() * y).sum() / y.sum())
    summary = pd.DataFrame(rows).T
    base = summary.loc["baseline", "value_added_loss"]
    summary["loss_avoided"] = base - summary["value_added_loss"]
    summary["net_benefit"] = summary["loss_avoided"] - summary["cost"]
    summary.index.name = "run"
    for c in summary.columns.drop("kind"):
        summary[c] = pd.to_numeric(summary[c])
    summary.attrs["units"] = {c: mrio.unit for c in ("value_added_loss", "output_loss", "final_demand_unmet", "cost",
                                                      "loss_avoided", "net_benefit")}
    b = results["baseline"]
    by_region = pd.DataFrame({"value_added_loss": b.value_added_loss, "output_loss": b.output_loss}) \
        .groupby(level=REGION, sort=False).sum().sort_values("value_added_loss", ascending=False)
    st = None
    if static and (sc.shocks.capacity or sc.shocks.final_demand):
        st = static_impacts(mrio, sc)
    prices = {r.name: r.prices for r in runs if r.prices is not None}
    for s in sc.shocks.trade:
        if s.tariff > 0:
            prices[f"tariff {s.origin} → {'+'.join(s.destination)}"] = route_tariff_prices(
                mrio, s.origin, s.destination, s.products, s.tariff)
    return ScenarioResult(sc, mrio.unit, results, summary, st, by_region, prices)


# ============================================================================ risk assessment
@dataclass
class RiskAssessment:
    """Monte Carlo results: one row per draw, and the statistics of the loss distribution."""

    draws: pd.DataFrame
    unit: str
    seed: int

    @property
    def summary(self) -> pd.Series:
        loss = self.draws["value_added_loss"]
        q95, q99 = loss.quantile(0.95), loss.quantile(0.99)
        return pd.Series({"draws": float(len(loss)), "expected_loss": loss.mean(), "value_at_risk_95": q95,
                          "value_at_risk_99": q99, "expected_shortfall_95": loss[loss >= q95].mean(),
                          "max_loss": loss.max()}, name=f"world value added loss [{self.unit}]")

    @property
    def nodes(self) -> pd.DataFrame:
        """Nodes ranked by the mean loss of the draws that hit them (and per unit of shock size × days)."""
        d = self.draws.assign(per_unit=self.draws["value_added_loss"] / (self.draws["size"] * self.draws["duration"]))
        g = d.groupby(["region", "sector"])
        return pd.DataFrame({"draws": g.size(), "mean_loss": g["value_added_loss"].mean(),
                             "loss_per_size_day": g["per_unit"].mean()}).sort_values("mean_loss", ascending=False)


def _mc_batch(mrio: MRIO, params: dict, horizon: int, draws: list[tuple]) -> list[dict]:
    """Simulate a batch of draws, K at a time on the batched engine (K bounded by memory)."""
    model = ARIOModel(mrio, ARIOParameters(**params))
    k_max = max(1, min(16, int(2e7 // (model.N * model.n))))   # 16: best throughput measured on WIOD
    out = []
    for i in range(0, len(draws), k_max):
        chunk = draws[i:i + k_max]
        scen = [[CapacityShock(np.array([row]), np.array([size]), start, duration)]
                for (_, row, size, duration, start) in chunk]
        res = model.simulate_batch(horizon, scen)
        for j, (k, row, size, duration, _) in enumerate(chunk):
            out.append({"draw": k, "row": row, "size": size, "duration": duration,
                        "value_added_loss": float(res["value_added_loss"][j]),
                        "output_loss": float(res["output_loss"][j]),
                        "worst_day_output_pct": float(100 * res["worst_day"][j])})
    return out


def risk_assessment(mrio: MRIO, draws: int = 1000, seed: int = 0, nodes: Sequence[tuple[str, str]] | None = None,
                    size: tuple[float, float] = (0.2, 1.0), duration: tuple[int, int] = (7, 90),
                    horizon: int = 180, start: int = 1, parameters: dict | None = None,
                    scheduler: Any = "distributed", batches: int | None = None) -> RiskAssessment:
    """Monte Carlo over single-node capacity shocks: each draw picks a node (uniformly among
    ``nodes``, default every country-sector with output), a size ~ U(``size``) and a duration ~
    U{``duration``} days, and simulates ``horizon`` days. Draws are generated from ``seed`` before
    anything runs, so the result does not depend on the scheduler. ``scheduler``: ``"distributed"``
    (a Dask LocalCluster for the call), a ``dask.distributed.Client`` (any cluster), ``"processes"``,
    ``"threads"`` or ``None`` (in this process)."""
    if draws < 1:
        raise SelectionError(f"draws must be at least 1, got {draws}")
    if not (0 < size[0] <= size[1] <= 1):
        raise SelectionError(f"size must be a range within (0, 1], got {size}")
    if not (1 <= duration[0] <= duration[1]) or start + duration[1] > horizon:
        raise SelectionError(f"duration {duration} must be ≥ 1 day and end within the horizon ({horizon} days) "
                             f"after start day {start}")
    rng = np.random.default_rng(seed)
    if nodes is None:
        cand = np.flatnonzero(mrio.x > 0)
    else:
        cand = np.array([node_positions(mrio, r, [s], "node")[0] for r, s in nodes])
    rows = rng.choice(cand, size=draws)
    sizes = rng.uniform(size[0], size[1], draws)
    durs = rng.integers(duration[0], duration[1] + 1, draws)
    plan = [(k, int(r), float(s), int(d), start) for k, (r, s, d) in enumerate(zip(rows, sizes, durs))]
    params = dict(parameters or {})
    k = batches or max(1, min(draws, 4 * 2))
    chunks = [plan[i::k] for i in range(k)]
    if scheduler is None:
        parts = [_mc_batch(mrio, params, horizon, c) for c in chunks]
    else:
        import dask
        from industwin.analysis.value_chains import _one_blas_thread_per_process
        if scheduler in ("threads", "processes"):
            with _one_blas_thread_per_process():
                parts = dask.compute(*[dask.delayed(_mc_batch)(mrio, params, horizon, c) for c in chunks],
                                     scheduler=scheduler)
        else:
            from dask.distributed import Client, LocalCluster
            import os
            if scheduler == "distributed":
                with _one_blas_thread_per_process(), LocalCluster(n_workers=os.cpu_count() or 1, threads_per_worker=1,
                                                                  processes=True, dashboard_address=":0") as cl, \
                        Client(cl) as client:
                    parts = _on_client(client, mrio, params, horizon, chunks)
            elif hasattr(scheduler, "scatter"):
                parts = _on_client(scheduler, mrio, params, horizon, chunks)
            else:
                raise SelectionError(f"unknown scheduler {scheduler!r}. Fix: None, 'threads', 'processes', "
                                     "'distributed' or a dask.distributed.Client")
    df = pd.DataFrame([r for p in parts for r in p]).sort_values("draw").set_index("draw")
    df.insert(0, "region", np.asarray(mrio.index.get_level_values(REGION))[df["row"]])
    df.insert(1, "sector", np.asarray(mrio.index.get_level_values(SECTOR))[df["row"]])
    df = df.drop(columns="row")
    return RiskAssessment(df, mrio.unit, seed)


def _on_client(client, mrio, params, horizon, chunks) -> list:
    table = client.scatter(mrio, broadcast=True)
    futs = [client.submit(_mc_batch, table, params, horizon, c, pure=False) for c in chunks]
    return client.gather(futs)
