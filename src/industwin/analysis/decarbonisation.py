"""National decarbonisation scenarios on any table with an emissions satellite: energy efficiency, fuel
switching (electrification), a changed production recipe (e.g. hydrogen-based green steel) and a carbon price.

Each measure changes the technical coefficients ``A`` and the direct emission intensities ``d`` (emissions
per unit of output) of some sectors; the scenario is then compared with the baseline for the same final
demand ``y``: emissions ``d'L y``, output ``1'L y``, jobs ``e'L y`` (with an employment satellite), and the
price effect of a carbon price ``τ`` through the Leontief price model, ``Δp' = τ d' L`` (Miller & Blair 2009,
§2.6 and §10; the carbon-price pass-through as in e.g. Mardones & Mena 2020). Measures:

* **efficiency** — sectors ``S`` use ``r`` less of the energy inputs ``E``: ``A_{E,S} ← (1 − r) A_{E,S}``;
  their direct emissions from burning fuel (share ``c`` of ``d_S``) fall alike: ``d_S ← (1 − r c) d_S``
  (as in the TMUK case of the white paper: less energy per car, fewer emissions).
* **fuel switch** — sectors ``S`` replace a share ``s`` of their fossil-fuel inputs ``F`` by electricity
  ``e``: ``A_{F,S} ← (1 − s) A_{F,S}``, ``A_{e,S} += s · k · Σ_F A_{F,S}`` (``k`` = cost of the electricity
  that replaces one unit of fuel), ``d_S ← (1 − s c) d_S``; the grid's own intensity ``d_e`` carries the
  new emissions upstream.
* **recipe** — one sector's input column and direct intensity are replaced (e.g. a hydrogen direct-reduction
  route for iron and steel: less coal and coke, more electricity, lower direct emissions).
* **carbon price** — no change in quantities here; prices rise by ``τ d'L`` per unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
import pandas as pd
import scipy.linalg as la
from pydantic import BaseModel, ConfigDict, Field, ValidationError as PydanticError

from industwin.core.accounts import intensities
from industwin.data.mrio import MRIO, Satellite
from industwin.errors import DataError, SelectionError, ValidationError

__all__ = ["Technology", "efficiency", "fuel_switch", "recipe", "compare_scenarios", "Plan", "read_plan",
           "attach_emissions", "run_plan"]


@dataclass(frozen=True, eq=False)
class Technology:
    """Technical coefficients ``A`` (n × n) and direct emission intensities ``d`` (n) of one scenario."""

    name: str
    A: np.ndarray
    d: np.ndarray
    notes: tuple = field(default_factory=tuple)

    @classmethod
    def of(cls, mrio: MRIO, satellite: str, stressor: str | None = None, name: str = "baseline") -> "Technology":
        """The table's own technology: ``A = Z x̂⁻¹`` and ``d`` from one stressor of a satellite."""
        if satellite not in mrio.satellites:
            raise SelectionError(f"the table has no {satellite!r} satellite (has {list(mrio.satellites)}). Fix: "
                                 "attach an emissions account (Satellite) to the table first")
        S = intensities(mrio, satellite)
        st = S.index[0] if stressor is None else stressor
        if st not in S.index:
            raise SelectionError(f"satellite {satellite!r} has no stressor {st!r} (has {list(S.index)})")
        x = np.asarray(mrio.x, float)
        Z = mrio.Z.toarray() if hasattr(mrio.Z, "toarray") else np.asarray(mrio.Z, float)
        A = Z * np.divide(1.0, x, out=np.zeros(len(x)), where=x > 0)[None, :]
        return cls(name, A, S.loc[st].to_numpy(float))


def _pos(mrio: MRIO, sectors) -> np.ndarray:
    """Rows of the table for sector codes (in every region) or (region, sector) tuples."""
    codes = mrio.index.get_level_values(-1)
    out = []
    for s in ([sectors] if isinstance(sectors, (str, tuple)) else list(sectors)):
        rows = np.asarray(mrio.index.get_indexer([s]) if isinstance(s, tuple) else np.flatnonzero(codes == s))
        rows = rows[rows >= 0]
        if not len(rows):
            raise SelectionError(f"sector {s!r} is not in the table (e.g. {list(codes[:5])})")
        out.extend(rows)
    return np.unique(np.asarray(out, dtype=np.int64))


def _share(v: float, what: str) -> float:
    if not 0 <= v <= 1:
        raise SelectionError(f"{what} must be in [0, 1], got {v}")
    return float(v)


def efficiency(mrio: MRIO, tech: Technology, sectors, energy, reduction: float, combustion_share: float = 1.0,
               name: str | None = None) -> Technology:
    """``sectors`` use ``reduction`` less of the ``energy`` inputs; their direct emissions fall by
    ``reduction × combustion_share``."""
    r, c = _share(reduction, "reduction"), _share(combustion_share, "combustion_share")
    S, E = _pos(mrio, sectors), _pos(mrio, energy)
    A, d = tech.A.copy(), tech.d.copy()
    A[np.ix_(E, S)] *= 1 - r
    d[S] *= 1 - r * c
    return Technology(name or f"{tech.name} + efficiency {r:.0%}", A, d, tech.notes + (f"efficiency {r:.0%}",))


def fuel_switch(mrio: MRIO, tech: Technology, sectors, fuels, electricity, share: float, cost_ratio: float = 1.0,
                combustion_share: float = 1.0, name: str | None = None) -> Technology:
    """``sectors`` replace ``share`` of their ``fuels`` inputs by ``electricity`` (``cost_ratio`` units of
    electricity per unit of fuel replaced); their direct emissions fall by ``share × combustion_share``."""
    s, c = _share(share, "share"), _share(combustion_share, "combustion_share")
    if cost_ratio < 0:
        raise SelectionError("cost_ratio must be non-negative")
    S, F, e = _pos(mrio, sectors), _pos(mrio, fuels), _pos(mrio, electricity)
    A, d = tech.A.copy(), tech.d.copy()
    moved = s * A[np.ix_(F, S)].sum(axis=0)
    A[np.ix_(F, S)] *= 1 - s
    A[np.ix_(e, S)] += cost_ratio * moved / len(e)
    d[S] *= 1 - s * c
    return Technology(name or f"{tech.name} + fuel switch {s:.0%}", A, d, tech.notes + (f"fuel switch {s:.0%}",))


def recipe(mrio: MRIO, tech: Technology, sector, inputs: dict, direct_intensity: float | None = None,
           scale: dict | None = None, name: str | None = None) -> Technology:
    """A new production recipe for one ``sector``: ``inputs`` sets input coefficients (input → coefficient per
    unit of output), ``scale`` multiplies existing ones, ``direct_intensity`` replaces ``d``. Sectors given
    as codes mean that sector in every region; in a multi-regional table use (region, sector) tuples for one
    supplier or producer."""
    S = _pos(mrio, sector)
    A, d = tech.A.copy(), tech.d.copy()
    for k, v in (scale or {}).items():
        A[np.ix_(_pos(mrio, k), S)] *= float(v)
    for k, v in (inputs or {}).items():
        if v < 0:
            raise SelectionError(f"input coefficient of {k!r} must be non-negative")
        A[np.ix_(_pos(mrio, k), S)] = float(v)
    if (A[:, S].sum(axis=0) >= 1).any():
        raise SelectionError(f"the new recipe of {sector!r} uses inputs worth 1 or more per unit of output")
    if direct_intensity is not None:
        if direct_intensity < 0:
            raise SelectionError("direct_intensity must be non-negative")
        d[S] = direct_intensity
    return Technology(name or f"{tech.name} + new recipe for {sector}", A, d, tech.notes + (f"recipe {sector}",))


def compare_scenarios(mrio: MRIO, scenarios: list[Technology], baseline: Technology, final_demand=None,
                      carbon_price: float = 0.0, jobs: str | None = None) -> pd.DataFrame:
    """Emissions, output, jobs and the carbon-price effect on prices of each scenario against the baseline,
    for the same final demand (default: the table's total final demand).

    Columns: ``emissions`` (d'L y, the satellite's unit), ``emissions_change_pct``, ``output`` (1'L y),
    ``output_change_pct``, ``jobs`` (with an employment satellite ``jobs``), ``price_rise_pct_mean`` /
    ``_max`` (``τ d'L`` over the unit price, output-weighted mean and largest, with ``carbon_price`` τ in
    currency units per unit of the satellite)."""
    n = len(mrio.index)
    y = np.asarray(mrio.Y, float).sum(axis=1) if final_demand is None else np.asarray(
        final_demand.reindex(mrio.index).fillna(0.0) if isinstance(final_demand, pd.Series) else final_demand, float)
    if y.shape != (n,):
        raise SelectionError(f"final demand must have {n} entries aligned with the table")
    e = intensities(mrio, jobs).to_numpy()[0] if jobs else None
    rows = {}
    I = np.eye(n)
    for t in [baseline, *scenarios]:
        lu = la.lu_factor(I - t.A)
        x = la.lu_solve(lu, y)
        m = la.lu_solve(lu, t.d, trans=1)                  # total intensities d'L
        dp = carbon_price * m
        row = {"emissions": float(t.d @ x), "output": float(x.sum()),
               "price_rise_pct_mean": float(100 * (dp @ x) / x.sum()) if x.sum() else 0.0,
               "price_rise_pct_max": float(100 * dp.max()) if n else 0.0}
        if e is not None:
            row["jobs"] = float(e @ x)
        rows[t.name] = row
    df = pd.DataFrame.from_dict(rows, orient="index")
    base = df.iloc[0]
    df.insert(1, "emissions_change_pct", 100 * (df["emissions"] / base["emissions"] - 1) if base["emissions"] else 0.0)
    df.insert(3, "output_change_pct", 100 * (df["output"] / base["output"] - 1))
    if "jobs" in df:
        df["jobs_change_pct"] = 100 * (df["jobs"] / base["jobs"] - 1)
    df.index.name = "scenario"
    return df


# --------------------------------------------------------------------------- scenario files

class _Measure(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = None


class EfficiencyMeasure(_Measure):
    kind: Literal["efficiency"]
    sectors: list[str]
    energy: list[str]
    reduction: float = Field(ge=0, le=1)
    combustion_share: float = Field(1.0, ge=0, le=1)


class FuelSwitchMeasure(_Measure):
    kind: Literal["fuel_switch"]
    sectors: list[str]
    fuels: list[str]
    electricity: str
    share: float = Field(ge=0, le=1)
    cost_ratio: float = Field(1.0, ge=0)
    combustion_share: float = Field(1.0, ge=0, le=1)


class RecipeMeasure(_Measure):
    kind: Literal["recipe"]
    sector: str
    inputs: dict[str, float] = {}
    scale: dict[str, float] = {}
    direct_intensity: float | None = Field(None, ge=0)


class TableRef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dataset: str | None = None
    path: str | None = None
    year: int | None = None


class EmissionsRef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: str = Field(description="CSV / Parquet with columns sector (and region, for multi-regional tables) and value")
    column: str = "value"
    unit: str = "kt CO2e"


class Plan(BaseModel):
    """A decarbonisation scenario file: the table, its emissions by sector, the measures, a carbon price."""

    model_config = ConfigDict(extra="forbid")
    name: str
    description: str = ""
    table: TableRef = TableRef(dataset="wiod2016_usa", year=2014)
    emissions: EmissionsRef | None = Field(None, description="direct emissions by sector (if the table has none)")
    satellite: str = "ghg"
    jobs: str | None = "employment"
    carbon_price: float = Field(0.0, ge=0, description="currency units of the table per unit of emissions")
    measures: list[Annotated[EfficiencyMeasure | FuelSwitchMeasure | RecipeMeasure, Field(discriminator="kind")]]
    combined: bool = True


def read_plan(path) -> Plan:
    """Read and validate a decarbonisation scenario file (YAML / JSON), every problem listed."""
    from industwin.analysis.disruption import _issues, read_mapping
    data, source = read_mapping(path, "a decarbonisation scenario is a mapping with 'name' and 'measures'")
    try:
        plan = Plan.model_validate(data)
    except PydanticError as e:
        raise ValidationError(_issues(e, source)) from None
    if plan.emissions is not None and not Path(plan.emissions.file).is_absolute() and not isinstance(path, dict):
        plan.emissions.file = str(Path(path).parent / plan.emissions.file)
    return plan


def attach_emissions(mrio: MRIO, ref: EmissionsRef, name: str = "ghg") -> MRIO:
    """The table with an emissions satellite read from a sector table (every sector of the table needed)."""
    p = Path(ref.file)
    if not p.exists():
        raise DataError(f"{p}: emissions file not found")
    df = pd.read_parquet(p) if p.suffix.lower() == ".parquet" else pd.read_csv(p, dtype={"sector": str, "region": str})
    need = ["sector", ref.column] + (["region"] if len(mrio.regions) > 1 else [])
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise DataError(f"{p}: column(s) {missing} missing. Fix: give {need}")
    if "region" not in df.columns:
        df = df.assign(region=mrio.regions[0])
    s = df.set_index(["region", "sector"])[ref.column]
    vals = pd.to_numeric(s, errors="coerce")
    if vals.isna().any() or (vals < 0).any():
        raise DataError(f"{p}: column {ref.column!r} needs non-negative numbers (row of {vals.index[vals.isna() | (vals < 0)][0]})")
    aligned = vals.reindex(mrio.index)
    if aligned.isna().any():
        raise DataError(f"{p}: no emissions for {int(aligned.isna().sum())} sector(s) of the table, e.g. "
                        f"{list(aligned.index[aligned.isna()][:3])}. Fix: give every sector a value (0 if none)")
    return mrio.with_satellite(Satellite(name, aligned.to_numpy(float)[None, :], [name], ref.unit))


def run_plan(plan: Plan, mrio: MRIO | None = None) -> pd.DataFrame:
    """Each measure of a plan on its own, and all together, against the baseline (see :func:`compare_scenarios`)."""
    if mrio is None:
        from industwin.data.registry import load
        mrio = load(plan.table.path or plan.table.dataset, plan.table.year)
    if plan.emissions is not None and plan.satellite not in mrio.satellites:
        mrio = attach_emissions(mrio, plan.emissions, plan.satellite)
    base = Technology.of(mrio, plan.satellite)
    jobs = plan.jobs if plan.jobs in mrio.satellites else None
    def apply(m, t0: Technology) -> Technology:
        if m.kind == "efficiency":
            return efficiency(mrio, t0, m.sectors, m.energy, m.reduction, m.combustion_share)
        if m.kind == "fuel_switch":
            return fuel_switch(mrio, t0, m.sectors, m.fuels, m.electricity, m.share, m.cost_ratio, m.combustion_share)
        return recipe(mrio, t0, m.sector, m.inputs, m.direct_intensity, m.scale)

    singles, together = [], base
    for k, m in enumerate(plan.measures):
        t = apply(m, base)
        singles.append(Technology(m.name or f"{k + 1}. {m.kind.replace('_', ' ')}", t.A, t.d, t.notes))
        together = apply(m, together)
    scen = singles + ([Technology("all measures", together.A, together.d, together.notes)]
                      if plan.combined and len(singles) > 1 else [])
    return compare_scenarios(mrio, scen, base, carbon_price=plan.carbon_price, jobs=jobs)
