"""Simulating a scenario on the ARIO engine: the shock alone, each intervention alone and all together, with
the loss each avoids against its cost."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from industwin.analysis.disruption.scenario import Scenario, SourcingSpec, check_scenario, read_scenario
from industwin.analysis.disruption.scenario import rows_of as _rows
from industwin.analysis.disruption.static import route_tariff_prices, static_impacts
from industwin.core.ario import ARIOModel, CapacityShock, LinkCut, SimulationResult
from industwin.core.leontief import cost_push, safe_reciprocal
from industwin.data.limits import check_memory, largest
from industwin.data.mrio import MRIO, REGION, SECTOR
from industwin.errors import SelectionError, ValidationError, ValidationIssue

__all__ = ["ScenarioResult", "run_scenario", "scenario_model", "run_count", "run_labels", "run_file_stem",
           "check_scenario_memory"]


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
        raise SelectionError(f"interventions.{kind} ({spec.product}): the re-sourced table has negative output. "
                             "Fix: check the shares in 'to'")
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
    days = sc.parameters.days_per_year
    y0 = mrio.Y.sum(axis=1) / days
    path = None
    fd_reg = np.asarray(mrio.fd_index.get_level_values(REGION)).astype(str)
    if sc.shocks.final_demand or sc.shocks.trade:
        path = np.tile(y0, (sc.horizon, 1))
    for s in sc.shocks.final_demand:
        rows = _rows(mrio, s.products)
        cols = np.isin(fd_reg, s.buyers or list(map(str, mrio.fd_regions)))
        # purchases only: a negative entry (an inventory draw-down) is no demand to scale
        fd = np.clip(mrio.Y[np.ix_(rows, np.flatnonzero(cols))], 0.0, None)
        path[s.start:s.start + s.duration, rows] += s.change * fd.sum(1) / days
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


def _recorded(sc: Scenario) -> tuple[str, ...]:
    return tuple(dict.fromkeys(["production", "final_demand_unmet", *sc.outputs]))


def run_labels(sc: Scenario) -> list[str]:
    """The name of each run, in order: ``baseline``, each intervention (its ``name`` or one made from what it
    does) and, where there is one, ``all interventions``; refused when two runs, or their files, would share a
    name (one would silently replace the other)."""
    iv = sc.interventions
    labels = ["baseline"]
    labels += [s.name or f"stockpile {'+'.join(s.products)} ({s.extra_days:g} days)" for s in iv.stockpile]
    for kind in ("diversify", "reshore"):
        labels += [s.name or (f"{kind} {s.product}" + (f" from {s.origin}" if s.origin else "")
                              + (f" to {'+'.join(s.to)}" if s.to else "")) for s in getattr(iv, kind)]
    labels += [s.name or f"demand visibility (+{s.headroom:.0%})" for s in iv.demand_visibility]
    if run_count(sc) > len(labels):
        labels.append("all interventions")
    stems = [run_file_stem(x) for x in labels]
    twice = sorted({x for x, st in zip(labels, stems) if stems.count(st) > 1})
    if twice:
        raise ValidationError([ValidationIssue("scenario", "interventions", f"runs {', '.join(map(repr, twice))} "
                                               "would share a name (or a file name)", "give the interventions "
                                               "distinct names with 'name:'")])
    return labels


def run_file_stem(name: str) -> str:
    """A run's name as the stem of its trajectory files."""
    return "".join(c if c.isalnum() else "_" for c in name)


def run_count(sc: Scenario) -> int:
    """How many runs :func:`run_scenario` makes: the shock alone, each intervention, and all together when
    there are several and at most one of them re-sources the table."""
    iv = sc.interventions
    n = 1 + len(iv.stockpile) + len(iv.diversify) + len(iv.reshore) + len(iv.demand_visibility)
    return n + (1 if n > 2 and len(iv.diversify) + len(iv.reshore) <= 1 else 0)


def check_scenario_memory(mrio: MRIO, sc: Scenario) -> None:
    """Refuse a scenario whose trajectories would not fit in memory: every run keeps ``horizon × n`` values
    per recorded output (plus the final-demand path and the reference of demand-visibility runs)."""
    per_day = 8.0 * mrio.n * (run_count(sc) * (len(_recorded(sc)) + 1) + 1)
    fixed = 8.0 * 6 * len(mrio.sectors) * mrio.n * run_count(sc)        # stocks, orders: N × n per run
    check_memory(per_day * sc.horizon + fixed,
                 f"{run_count(sc)} run(s) of {sc.horizon:,} days on {mrio.n:,} industries",
                 f"a horizon of at most {largest(per_day, fixed):,} days fits; shorten 'horizon', record fewer "
                 "'outputs', or test fewer interventions per file")


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
    check_scenario(mrio, sc)
    check_scenario_memory(mrio, sc)
    params = sc.parameters.engine()
    iv = sc.interventions
    labels = run_labels(sc)
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
        runs.append(_Run(labels[len(runs)], "stockpile", mrio, s.holding_cost * value, extra_stock=extra))
    for kind in ("diversify", "reshore"):
        for s in getattr(iv, kind):
            new, cost, dp = _resourced(mrio, s, kind)
            runs.append(_Run(labels[len(runs)], kind, new, cost, prices=dp))
    for s in iv.demand_visibility:
        head = np.zeros(mrio.n)
        head[_rows(mrio, s.nodes)] = s.headroom
        runs.append(_Run(labels[len(runs)], "demand visibility", mrio, s.cost_per_year, headroom=head))
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
        rec = _recorded(sc)
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

