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
from pydantic import Field, model_validator

from industwin.core.accounts import intensities
from industwin.data.io import Issues, numbers, read_mapping, read_table, require_columns, texts, validate
from industwin.data.mrio import MRIO, Satellite
from industwin.data.schema import Schema, Share
from industwin.errors import DataError, SelectionError, ValidationError, ValidationIssue, plain_list

__all__ = ["Technology", "efficiency", "fuel_switch", "recipe", "compare_scenarios", "Plan", "read_plan",
           "check_plan", "attach_emissions", "run_plan"]


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


def _in_regions(mrio: MRIO, rows: np.ndarray, regions) -> np.ndarray:
    """The rows of ``rows`` in ``regions`` (all of them when ``regions`` is empty)."""
    if not regions:
        return rows
    unknown = [r for r in regions if r not in set(mrio.index.get_level_values(0))]
    if unknown:
        raise SelectionError(f"region(s) {unknown} are not in the table. Fix: use its regions, e.g. "
                             f"{list(dict.fromkeys(mrio.index.get_level_values(0)))[:6]}")
    return rows[np.isin(np.asarray(mrio.index.get_level_values(0))[rows], list(regions))]


def efficiency(mrio: MRIO, tech: Technology, sectors, energy, reduction: float, combustion_share: float = 1.0,
               name: str | None = None, regions=()) -> Technology:
    """``sectors`` (in ``regions``; every region when empty) use ``reduction`` less of the ``energy`` inputs
    (from any origin); their direct emissions fall by ``reduction × combustion_share``."""
    r, c = _share(reduction, "reduction"), _share(combustion_share, "combustion_share")
    S, E = _in_regions(mrio, _pos(mrio, sectors), regions), _pos(mrio, energy)
    A, d = tech.A.copy(), tech.d.copy()
    A[np.ix_(E, S)] *= 1 - r
    d[S] *= 1 - r * c
    return Technology(name or f"{tech.name} + efficiency {r:.0%}", A, d, tech.notes + (f"efficiency {r:.0%}",))


def fuel_switch(mrio: MRIO, tech: Technology, sectors, fuels, electricity, share: float, cost_ratio: float = 1.0,
                combustion_share: float = 1.0, name: str | None = None, regions=()) -> Technology:
    """``sectors`` (in ``regions``; every region when empty) replace ``share`` of their ``fuels`` inputs (from any
    origin) by ``electricity`` (``cost_ratio`` units of electricity per unit of fuel replaced — from every region's
    electricity sector equally, or, with ``regions``, from the buyer's own region); their direct emissions fall by
    ``share × combustion_share``."""
    s, c = _share(share, "share"), _share(combustion_share, "combustion_share")
    if cost_ratio < 0:
        raise SelectionError("cost_ratio must be non-negative")
    S, F, e = _in_regions(mrio, _pos(mrio, sectors), regions), _pos(mrio, fuels), _pos(mrio, electricity)
    A, d = tech.A.copy(), tech.d.copy()
    moved = s * A[np.ix_(F, S)].sum(axis=0)
    A[np.ix_(F, S)] *= 1 - s
    if regions:
        reg = np.asarray(mrio.index.get_level_values(0))
        for r in regions:
            cols, own = S[reg[S] == r], e[reg[e] == r]
            if len(cols) and len(own):
                A[np.ix_(own, cols)] += cost_ratio * moved[reg[S] == r] / len(own)
    else:
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
                      carbon_price: float = 0.0, jobs: str | None = None, focus: str | None = None) -> pd.DataFrame:
    """Emissions, output, jobs and the carbon-price effect on prices of each scenario against the baseline,
    for the same final demand (default: the table's total final demand).

    Columns: ``emissions`` (d'L y, the satellite's unit), ``emissions_change_pct``, ``output`` (1'L y),
    ``output_change_pct``, ``jobs`` (with an employment satellite ``jobs``), ``price_rise_pct_mean`` /
    ``_max`` (``τ d'L`` over the unit price, output-weighted mean and largest, with ``carbon_price`` τ in
    currency units per unit of the satellite); with a ``focus`` region, ``emissions_<focus>`` and ``jobs_<focus>``
    (its industries' direct emissions ``d ∘ x`` and persons engaged). Jobs count the regions with employment
    data (a region without, e.g. WIOD's RoW, is left out)."""
    n = len(mrio.index)
    y = np.asarray(mrio.Y, float).sum(axis=1) if final_demand is None else np.asarray(
        final_demand.reindex(mrio.index).fillna(0.0) if isinstance(final_demand, pd.Series) else final_demand, float)
    if y.shape != (n,):
        raise SelectionError(f"final demand must have {n} entries aligned with the table")
    e_raw = intensities(mrio, jobs).to_numpy()[0] if jobs else None
    e = None if e_raw is None else np.nan_to_num(e_raw)
    mine = None if focus is None else np.asarray(mrio.index.get_level_values(0) == focus)
    focus_jobs = e is not None and mine is not None and bool(np.isfinite(e_raw[mine]).all())
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
        if mine is not None:
            row[f"emissions_{focus}"] = float(t.d[mine] @ x[mine])
            if e is not None:             # NaN for a focus without employment data (e.g. WIOD's RoW)
                row[f"jobs_{focus}"] = float(e[mine] @ x[mine]) if focus_jobs else np.nan
        rows[t.name] = row
    df = pd.DataFrame.from_dict(rows, orient="index")
    base = df.iloc[0]
    df.insert(1, "emissions_change_pct", 100 * (df["emissions"] / base["emissions"] - 1) if base["emissions"] else 0.0)
    df.insert(3, "output_change_pct", 100 * (df["output"] / base["output"] - 1))
    if "jobs" in df:
        df["jobs_change_pct"] = 100 * (df["jobs"] / base["jobs"] - 1)
    if focus is not None and base.get(f"emissions_{focus}"):
        df[f"emissions_{focus}_change_pct"] = 100 * (df[f"emissions_{focus}"] / base[f"emissions_{focus}"] - 1)
    df.index.name = "scenario"
    return df


# --------------------------------------------------------------------------- scenario files

DOC = "docs/sustainability.md"


class EfficiencyMeasure(Schema):
    kind: Literal["efficiency"]
    name: str | None = None
    sectors: list[str] = Field(min_length=1)
    regions: list[str] = Field(default_factory=list, description="regions whose sectors act (empty: every region)")
    energy: list[str] = Field(min_length=1)
    reduction: Share
    combustion_share: Share = 1.0


class FuelSwitchMeasure(Schema):
    kind: Literal["fuel_switch"]
    name: str | None = None
    sectors: list[str] = Field(min_length=1)
    regions: list[str] = Field(default_factory=list, description="regions whose sectors act (empty: every region)")
    fuels: list[str] = Field(min_length=1)
    electricity: str
    share: Share
    cost_ratio: float = Field(1.0, ge=0, le=100)
    combustion_share: Share = 1.0

    @model_validator(mode="after")
    def _electricity_is_no_fuel(self) -> "FuelSwitchMeasure":
        if self.electricity in self.fuels:
            raise ValueError(f"electricity {self.electricity!r} is also listed among the fuels it replaces")
        return self


class RecipeMeasure(Schema):
    kind: Literal["recipe"]
    name: str | None = None
    sector: str
    inputs: dict[str, Annotated[float, Field(ge=0, lt=1)]] = {}
    scale: dict[str, Annotated[float, Field(ge=0, le=100)]] = {}
    direct_intensity: float | None = Field(None, ge=0)


class TableRef(Schema):
    """A named dataset and year, or a table ``path`` (relative to the plan file) with, where its ``meta.yaml``
    does not give it, its ``unit`` and whether it may hold negative flows."""

    dataset: str | None = None
    path: str | None = None
    year: int | None = None
    unit: str | None = Field(None, min_length=1)
    allow_negative: bool = False

    @model_validator(mode="after")
    def _one_table(self) -> "TableRef":
        if (self.dataset is None) == (self.path is None):
            raise ValueError("give the table as 'dataset' (a named dataset) or as 'path' (a table folder), one of "
                             "the two")
        return self

    def load(self) -> MRIO:
        from industwin.data.registry import load
        return load(self.path or self.dataset, self.year, unit=self.unit, allow_negative=self.allow_negative)


class EmissionsRef(Schema):
    file: str = Field(description="CSV / Parquet with columns sector (and region, for multi-regional tables) and value")
    column: str = "value"
    unit: str = Field(min_length=1, description="unit of the values, e.g. 'kt CO2e' (never assumed)")


class Plan(Schema):
    """A decarbonisation scenario file: the table, its emissions by sector, the measures, a carbon price."""

    name: str = Field(min_length=1)
    description: str = ""
    table: TableRef = TableRef(dataset="wiod2016_usa", year=2014)
    emissions: EmissionsRef | None = Field(None, description="direct emissions by sector (if the table has none)")
    satellite: str = "ghg"
    jobs: str | None = Field("employment", description="employment satellite for the jobs columns (null: none)")
    carbon_price: float = Field(0.0, ge=0, description="currency units of the table per unit of emissions")
    measures: list[Annotated[EfficiencyMeasure | FuelSwitchMeasure | RecipeMeasure,
                             Field(discriminator="kind")]] = Field(min_length=1)
    combined: bool = True
    focus: str | None = Field(None, min_length=1, description="a region whose own emissions and jobs are reported")

    @model_validator(mode="after")
    def _names(self) -> "Plan":
        names = [m.name for m in self.measures if m.name is not None]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"measure name(s) {', '.join(map(repr, twice))} given twice: each scenario needs its own "
                             "name")
        if {"baseline", "all measures"} & set(names):
            raise ValueError("'baseline' and 'all measures' name scenarios industwin makes itself: choose another name")
        return self


def read_plan(path) -> Plan:
    """Read and validate a decarbonisation scenario file (YAML / JSON), every problem listed."""
    data, source = read_mapping(path, "decarbonisation plan", "'name' and 'measures' (see docs/sustainability.md)")
    plan = validate(Plan, data, source, DOC)
    if not isinstance(path, dict):          # relative paths are relative to the plan file
        if plan.emissions is not None and not Path(plan.emissions.file).is_absolute():
            plan.emissions.file = str(Path(path).parent / plan.emissions.file)
        if plan.table.path is not None and not Path(plan.table.path).is_absolute():
            plan.table.path = str(Path(path).parent / plan.table.path)
    return plan


def check_plan(plan: Plan, mrio: MRIO, source: str = "plan") -> None:
    """The plan's sectors and satellites exist in the table (after attaching its emissions): every sector code
    of every measure, and an employment account named in ``jobs`` (which the table lacks is an error, not a
    silently dropped column)."""
    issues = []
    codes = set(map(str, mrio.index.get_level_values(-1)))
    few = ", ".join(list(dict.fromkeys(map(str, mrio.index.get_level_values(-1))))[:12])

    def sector(code, where: str) -> None:
        if isinstance(code, str) and code not in codes:
            issues.append(ValidationIssue(source, where, f"unknown sector {code!r}",
                                          f"use the table's codes, e.g. {few}"))

    labels = [m.name or f"{k + 1}. {m.kind.replace('_', ' ')}" for k, m in enumerate(plan.measures)]
    twice = sorted({x for x in labels if labels.count(x) > 1})
    if twice:
        issues.append(ValidationIssue(source, "measures", f"scenarios {', '.join(map(repr, twice))} would share a "
                                      "name (a name given equals another measure's default)",
                                      "give the measures distinct names with 'name:'"))
    regions = set(map(str, mrio.index.get_level_values(0)))
    for where, r in [*((f"measures[{k}].regions", r) for k, m in enumerate(plan.measures)
                       for r in getattr(m, "regions", ())), *([("focus", plan.focus)] if plan.focus else [])]:
        if r not in regions:
            issues.append(ValidationIssue(source, where, f"unknown region {r!r}",
                                          f"use the table's regions, e.g. {', '.join(sorted(regions)[:8])}"))
    for k, m in enumerate(plan.measures):
        for fld in ("sectors", "energy", "fuels"):
            for c in getattr(m, fld, None) or []:
                sector(c, f"measures[{k}].{fld}")
        for fld in ("electricity", "sector"):
            if getattr(m, fld, None) is not None:
                sector(getattr(m, fld), f"measures[{k}].{fld}")
        for fld in ("inputs", "scale"):
            for c in getattr(m, fld, None) or {}:
                sector(c, f"measures[{k}].{fld}")
    if plan.satellite not in mrio.satellites and plan.emissions is None:
        issues.append(ValidationIssue(source, "satellite", f"the table has no {plan.satellite!r} satellite (it has "
                                      f"{', '.join(mrio.satellites) or 'none'})",
                                      "name one of its satellites, or give the emissions by sector under 'emissions'"))
    if plan.jobs is not None and plan.jobs not in mrio.satellites and "jobs" in plan.model_fields_set:
        issues.append(ValidationIssue(source, "jobs", f"the table has no {plan.jobs!r} satellite (it has "
                                      f"{', '.join(mrio.satellites) or 'none'})",
                                      "name its employment satellite, or write 'jobs: null' to leave jobs out"))
    if issues:
        raise ValidationError(issues)


def attach_emissions(mrio: MRIO, ref: EmissionsRef, name: str = "ghg") -> MRIO:
    """The table with an emissions satellite read from a sector table (every sector of the table needed)."""
    df = read_table(ref.file, "emissions file", text=("sector", "region"))
    src = df.attrs["source"]
    multi = len(mrio.regions) > 1
    require_columns(df, ["sector", ref.column] + (["region"] if multi else []),
                    f"give columns {'region, ' if multi else ''}sector and {ref.column}")
    issues = Issues(src)
    vals = numbers(df, ref.column, issues, minimum=0, fix="give each sector's direct emissions (0 if none)")
    sec = texts(df, "sector", issues)
    reg = texts(df, "region", issues) if "region" in df.columns else pd.Series(str(mrio.regions[0]), index=df.index)
    issues.raise_if_any()
    s = pd.Series(vals, index=pd.MultiIndex.from_arrays([reg.to_numpy(), sec.to_numpy()]))
    dup = s.index[s.index.duplicated()]
    if len(dup):
        issues.add("region/sector", f"{len(dup)} sector(s) given twice, e.g. {plain_list(dup, 3)}",
                   "give each sector once")
    unknown = s.index.difference(mrio.index)
    if len(unknown):
        issues.add("region/sector", f"{len(unknown)} sector(s) not in the table, e.g. {plain_list(unknown, 3)}",
                   f"use the table's codes, e.g. {plain_list(mrio.index[:3], 3)}")
    issues.raise_if_any()
    aligned = s.reindex(mrio.index)
    if aligned.isna().any():
        raise DataError(f"{src}: no emissions for {int(aligned.isna().sum())} sector(s) of the table, e.g. "
                        f"{plain_list(aligned.index[aligned.isna()], 3)}. Fix: give every sector a value (0 if none)")
    return mrio.with_satellite(Satellite(name, aligned.to_numpy(float)[None, :], [name], ref.unit))


def run_plan(plan: Plan, mrio: MRIO | None = None) -> pd.DataFrame:
    """Each measure of a plan on its own, and all together, against the baseline (see :func:`compare_scenarios`;
    the plan's ``focus`` region gets its own emissions and jobs columns)."""
    if mrio is None:
        mrio = plan.table.load()
    if plan.emissions is not None and plan.satellite not in mrio.satellites:
        mrio = attach_emissions(mrio, plan.emissions, plan.satellite)
    check_plan(plan, mrio)
    base = Technology.of(mrio, plan.satellite)
    jobs = plan.jobs if plan.jobs in mrio.satellites else None
    def apply(m, t0: Technology) -> Technology:
        if m.kind == "efficiency":
            return efficiency(mrio, t0, m.sectors, m.energy, m.reduction, m.combustion_share, regions=m.regions)
        if m.kind == "fuel_switch":
            return fuel_switch(mrio, t0, m.sectors, m.fuels, m.electricity, m.share, m.cost_ratio, m.combustion_share,
                               regions=m.regions)
        return recipe(mrio, t0, m.sector, m.inputs, m.direct_intensity, m.scale)

    singles, together = [], base
    for k, m in enumerate(plan.measures):
        t = apply(m, base)
        singles.append(Technology(m.name or f"{k + 1}. {m.kind.replace('_', ' ')}", t.A, t.d, t.notes))
        together = apply(m, together)
    scen = singles + ([Technology("all measures", together.A, together.d, together.notes)]
                      if plan.combined and len(singles) > 1 else [])
    return compare_scenarios(mrio, scen, base, carbon_price=plan.carbon_price, jobs=jobs, focus=plan.focus)
