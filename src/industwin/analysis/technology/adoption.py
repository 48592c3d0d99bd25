"""Technology adoption on the twin: a changed input recipe, labour and emission coefficients and new capital in
one or a few (region, sector) columns, phased in along a logistic path, against the unchanged baseline.

For the years ``t = t₀ … T`` of a base-year table (``t₀`` its year), with adoption ``s(t)`` of the technology
within its scope (:meth:`Adoption.share`), the column ``c = (r, j)`` of every adopting region becomes

    a_c(t) = a_c + s(t) Δa_c,      l_c(t) = l_c (1 + s(t) δl),      f_c(t) = f_c (1 + s(t) δf),

the converted output needs investment ``I_c(t) = (s(t) − s(t−1)) · φ · κ · x_c⁰(t)`` (``φ`` the scope, ``κ`` the
capital–output ratio, all the stock up to ``t₀`` booked in ``t₀``), bought as final demand ``I_c(t) w_c`` of the
investment goods (origins as in the region's gross fixed capital formation), and output follows

    x(t) = (I − A(t))⁻¹ ( y (1 + g)^(t − t₀) + Σ_c I_c(t) w_c ).

Since ``I − A(t) = (I − A) − D̄ diag(s(t)) Eᵀ`` differs from the base Leontief matrix only in ``k`` columns, the
solve uses the Sherman–Morrison–Woodbury identity on the cached factorisation of ``(I − A)``: ``k`` extra solves
once, then an ``n × k`` product and a ``k × k`` solve per year (Hager 1989, SIAM Review 31(2); Miller & Blair 2009,
§13.1 on updating input–output coefficients). Documented in ``docs/technology.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from industwin.analysis.technology.scenario import (
    Adoption,
    Technology,
    TechnologyScenario,
    check_technology,
    read_technology_scenario,
)
from industwin.core.leontief import leontief, safe_reciprocal
from industwin.data.mrio import MRIO
from industwin.errors import SelectionError

__all__ = [
    "MEASURES",
    "TechnologyResult",
    "column_change",
    "investment_weights",
    "logistic_share",
    "run_technology",
    "summary",
]

MEASURES = ("gross output", "value added", "jobs", "emissions")
SATELLITE = {"jobs": "employment", "emissions": "co2"}
SCOPES = ("sector", "economy", "world")
RUNS = ("baseline", "scenario", "change")


def logistic_share(years: Any, midpoint: float, years_10_90: float, ceiling: float = 1.0) -> np.ndarray:
    """The logistic adoption share ``s(t) = ceiling / (1 + exp(−k (t − midpoint)))`` with ``k = ln 81 / Δt``, so
    that ``s`` is 10 % of the ceiling ``Δt/2`` years before the midpoint and 90 % ``Δt/2`` years after it
    (Griliches 1957, Econometrica 25(4); Rogers 2003, *Diffusion of Innovations*, 5th ed.)."""
    return Adoption(midpoint=float(midpoint), years_10_90=float(years_10_90), ceiling=float(ceiling)).share(years)


def _column(mrio: MRIO, c: int) -> np.ndarray:
    col = mrio.Z[:, [c]]
    col = col.toarray() if sp.issparse(col) else np.asarray(col)
    return col.reshape(-1) * safe_reciprocal(mrio.x[[c]])[0]


def column_change(mrio: MRIO, c: int, tech: Technology) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
    """The base column ``a_c`` of ``A = Z x̂⁻¹``, its change at full adoption ``Δa_c`` and each changed input's
    total coefficient ``T_i = Σ_o a_(o,i),c``: ``Δa_(o,i),c = δ_i a_(o,i),c`` (every origin alike), or
    ``δ_i T_i w_o`` with a given origin split ``w`` (Miller & Blair 2009, eq. 2.4)."""
    a = _column(mrio, c)
    d = np.zeros(mrio.n)
    sectors = np.asarray(mrio.index.get_level_values(1).astype(str))
    totals: dict[str, float] = {}
    for i, delta in tech.inputs.items():
        rows = np.flatnonzero(sectors == i)
        totals[i] = float(a[rows].sum())
        split = tech.origins.get(i)
        if split is None:
            d[rows] += delta * a[rows]
        else:
            for o, w in split.items():
                d[mrio.index.get_loc((o, i))] += w * delta * totals[i]
    return a, d, totals


def investment_weights(mrio: MRIO, region: str, goods: dict[str, float]) -> np.ndarray:
    """Where one unit of the region's investment goes: ``w_(o,k) = share_k · GFCF_(o,k),r / Σ_o GFCF_(o,k),r`` —
    the origins of the region's own gross fixed capital formation of good ``k`` in the table — or all domestic
    ``(r, k)`` where the table has no such column or the region buys none of ``k``."""
    w = np.zeros(mrio.n)
    sectors = np.asarray(mrio.index.get_level_values(1).astype(str))
    try:
        g = np.clip(np.asarray(mrio.Y[:, mrio.fd_index.get_loc((region, "GFCF"))], dtype=float), 0, None)
    except KeyError:
        g = None
    for k, share in goods.items():
        rows = np.flatnonzero(sectors == k)
        if g is not None and g[rows].sum() > 0:
            w[rows] += share * g[rows] / g[rows].sum()
        else:
            w[mrio.index.get_loc((region, k))] += share
    return w


@dataclass(frozen=True)
class TechnologyResult:
    """The yearly paths of a technology scenario and its baseline.

    ``table``: year × (measure, scope, run) — measures gross output, value added, jobs, emissions; scopes the
    target sector in the adopting economies, the adopting economies, the world; runs baseline, scenario, change
    — plus ``adoption`` (share of the scope converted), ``converted share`` (of the sector's output),
    ``investment`` and ``cumulative investment``; units in ``table.attrs["units"]``, caveats in
    ``table.attrs["notes"]``. :meth:`detail` gives one year by (region, sector)."""

    scenario: TechnologyScenario
    table: pd.DataFrame
    years: np.ndarray
    index: pd.MultiIndex
    x_baseline: np.ndarray = field(repr=False)            # years × n
    x_scenario: np.ndarray = field(repr=False)
    _coef: dict = field(repr=False, default_factory=dict)  # measure → (base coefficients n, changes at cols k)
    _cols: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, int))
    _share: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))

    def detail(self, year: int | None = None) -> pd.DataFrame:
        """One year (default: the horizon) by (region, sector) × (measure, run), in the units of ``table``."""
        year = int(self.years[-1] if year is None else year)
        if year not in set(self.years.tolist()):
            raise SelectionError(f"year {year} is not projected. Fix: choose one of {self.years[0]}–{self.years[-1]}")
        t = int(np.flatnonzero(self.years == year)[0])
        out = {}
        for m, (base, change) in self._coef.items():
            xb, xs = self.x_baseline[t], self.x_scenario[t]
            vb = xb * base
            vs = xs * base
            vs[self._cols] = xs[self._cols] * (base[self._cols] + self._share[t] * change)
            out[(m, "baseline")], out[(m, "scenario")], out[(m, "change")] = vb, vs, vs - vb
        df = pd.DataFrame(out, index=self.index)
        df.columns = pd.MultiIndex.from_tuples(df.columns, names=["measure", "run"])
        df.attrs["units"] = dict(self.table.attrs["units"])
        df.attrs["year"] = year
        return df


def _aggregate(v: np.ndarray, masks: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {k: v @ m for k, m in masks.items()}


def run_technology(mrio: MRIO | None, scenario: TechnologyScenario | str | Path | dict,
                   source: str | None = None) -> TechnologyResult:
    """Project a technology's adoption from the table's year to the horizon, against the baseline without it
    (``source``: how messages name the scenario, default its file).

    Per year ``t``: ``x(t) = (I − A(t))⁻¹ b(t)`` with ``b(t) = y (1+g)^(t−t₀) + Σ_c I_c(t) w_c``, solved by the
    Woodbury identity ``(M − U Vᵀ)⁻¹ z = M⁻¹z + M⁻¹U (I − Vᵀ M⁻¹U)⁻¹ Vᵀ M⁻¹z`` with ``M = I − A`` (cached LU),
    ``U = D̄ s(t)``, ``V = E`` (the changed columns); value added ``v(t) = x(t) ⊙ (1 − 1ᵀA(t))``, jobs ``l(t) ⊙
    x(t)``, emissions ``f(t) ⊙ x(t)``. The baseline is the same with ``s ≡ 0``. Prices are those of the base year:
    a dearer or cheaper recipe changes the sector's value added, not its price (Leontief 1951; Miller & Blair
    2009, ch. 2 and §13.1; Sherman & Morrison 1950, Woodbury 1950)."""
    sc = scenario if isinstance(scenario, TechnologyScenario) else read_technology_scenario(scenario)
    source = source or ("scenario" if isinstance(scenario, TechnologyScenario | dict) else str(scenario))
    if mrio is None:
        from industwin.data.registry import load
        from industwin.errors import IndustwinError
        try:
            mrio = load(sc.table.path or sc.table.dataset, sc.table.year)
        except IndustwinError as e:                      # the table the file names: say which file and field
            field = "table.path" if sc.table.path else "table"
            raise SelectionError(f"{source}: field '{field}': {e}") from None
    if mrio.year is None:
        raise SelectionError("the table has no year, so the projection cannot start. Fix: load a table with its "
                             "year (e.g. iw.load('wiod2013', 2011)) or set it with mrio.replace(year=…)")
    check_technology(mrio, sc, source)
    tech, n = sc.technology, mrio.n
    base = int(mrio.year)
    years = np.arange(base, sc.horizon + 1)
    s = sc.adoption.share(years)
    ds = np.diff(np.concatenate([[0.0], s]))            # the stock converted by the base year is booked then
    growth = (1.0 + sc.demand_growth) ** (years - base)
    cols = np.array([mrio.index.get_loc((r, tech.sector)) for r in sc.regions], dtype=int)
    k = len(cols)
    D = np.zeros((n, k))
    W = np.zeros((n, k))
    colsum_change = np.zeros(k)
    for q, (r, c) in enumerate(zip(sc.regions, cols)):
        _, D[:, q], _ = column_change(mrio, c, tech)
        colsum_change[q] = D[:, q].sum()
        if tech.capital.per_output > 0:
            W[:, q] = investment_weights(mrio, r, tech.capital.goods)
    f = leontief(mrio)
    y = np.asarray(mrio.Y.sum(axis=1), dtype=float)
    xbar = f.solve(y)                                   # the model's own base-year output
    P = f.solve(D)                                      # M⁻¹ D̄ (k solves, once)
    MW = f.solve(W) if tech.capital.per_output > 0 else np.zeros((n, k))
    inv = ds[:, None] * tech.scope * tech.capital.per_output * growth[:, None] * xbar[cols][None, :]   # T × k
    Xb = growth[:, None] * xbar[None, :]
    Z = Xb + inv @ MW.T                                 # M⁻¹ b(t), T × n
    Xs = np.empty_like(Z)
    eye = np.eye(k)
    Pc = P[cols, :]                                     # Eᵀ M⁻¹ D̄
    for t in range(len(years)):
        cap = eye - s[t] * Pc
        Xs[t] = Z[t] + s[t] * (P @ np.linalg.solve(cap, Z[t, cols]))
    # coefficients per unit of output: base vector, and the change at the k columns at full adoption
    regions = np.asarray(mrio.index.get_level_values(0).astype(str))
    econ = np.isin(regions, sc.regions).astype(float)
    sect = np.zeros(n)
    sect[cols] = 1.0
    masks = {"sector": sect, "economy": econ, "world": np.ones(n)}
    rx = safe_reciprocal(mrio.x)
    A_colsum = np.asarray(mrio.Z.sum(axis=0)).reshape(-1) * rx
    coef: dict[str, tuple[np.ndarray, np.ndarray]] = {
        "gross output": (np.ones(n), np.zeros(k)),
        "value added": (1.0 - A_colsum, -colsum_change)}
    units = {"gross output": mrio.unit, "value added": mrio.unit}
    growth_note = f"grows {sc.demand_growth:.1%} a year" if sc.demand_growth else "held at the base year's"
    notes = [f"prices of the base year; final demand {growth_note}",
             ("baseline output is the model's (I − A)⁻¹ y, which differs from the table's recorded output by its "
              "imbalance")]
    gap_masks: dict[str, np.ndarray] = {}
    for measure, name in SATELLITE.items():
        if name not in mrio.satellites:
            notes.append(f"{measure}: the table has no '{name}' satellite; not reported")
            continue
        sat = mrio.satellite(name)
        fcoef = np.asarray(sat.known[0], dtype=float) * rx
        delta = tech.labour if measure == "jobs" else tech.emissions
        coef[measure] = (fcoef, fcoef[cols] * delta)
        units[measure] = f"{sat.units[0]}" + (f" ({sat.stressors[0]})" if len(sat.stressors) > 1 else "")
        notes += sat.caveats()
        gap_masks[measure] = np.isin(regions, list(sat.gaps)).astype(float)
    data: dict[tuple, np.ndarray] = {}
    for measure, (bcoef, change) in coef.items():
        vb = Xb * bcoef[None, :]
        vs = Xs * bcoef[None, :]
        vs[:, cols] = Xs[:, cols] * (bcoef[cols][None, :] + s[:, None] * change[None, :])
        tb, ts = _aggregate(vb, masks), _aggregate(vs, masks)
        for scope in SCOPES:
            b_, s_ = tb[scope], ts[scope]
            if measure in gap_masks and scope != "world" and (gap_masks[measure] * masks[scope]).any():
                b_ = s_ = np.full(len(years), np.nan)     # an adopting region without data: no number, not 0
            data[(measure, scope, "baseline")] = b_
            data[(measure, scope, "scenario")] = s_
            data[(measure, scope, "change")] = s_ - b_
    data[("adoption", "sector", "scenario")] = s
    data[("converted share", "sector", "scenario")] = tech.scope * s
    data[("investment", "economy", "scenario")] = inv.sum(axis=1)
    data[("cumulative investment", "economy", "scenario")] = np.cumsum(inv.sum(axis=1))
    table = pd.DataFrame(data, index=pd.Index(years, name="year"))
    table.columns = pd.MultiIndex.from_tuples(table.columns, names=["measure", "scope", "run"])
    units.update({"adoption": "share of scope", "converted share": "share of sector output",
                  "investment": mrio.unit, "cumulative investment": mrio.unit})
    table.attrs.update({"units": units, "notes": notes, "scenario": sc.name, "regions": list(sc.regions),
                        "sector": tech.sector, "technology": tech.name, "base_year": base})
    return TechnologyResult(sc, table, years, mrio.index, Xb, Xs, coef, cols, s)


def summary(result: TechnologyResult, year: int | None = None) -> pd.Series:
    """The few numbers a report states, at the horizon (or ``year``): the change against the baseline of the
    adopting economies' emissions, jobs, value added and gross output (absolute and relative), the target
    sector's emissions and jobs, the world's emissions, the adoption reached and the cumulative investment."""
    t = result.table
    year = int(result.years[-1] if year is None else year)
    row = t.loc[year]
    units = t.attrs["units"]
    out: dict[str, float] = {"year": float(year), "adoption": float(row[("adoption", "sector", "scenario")])}
    u: dict[str, str] = {"year": "", "adoption": units["adoption"]}
    for measure, scope in (("emissions", "economy"), ("emissions", "sector"), ("emissions", "world"),
                           ("jobs", "economy"), ("jobs", "sector"), ("value added", "economy"),
                           ("gross output", "economy"), ("gross output", "sector")):
        if (measure, scope, "change") not in row.index:
            continue
        ch, b = float(row[(measure, scope, "change")]), float(row[(measure, scope, "baseline")])
        out[f"{measure} change, {scope}"] = ch
        out[f"{measure} change %, {scope}"] = 100.0 * ch / b if b else float("nan")
        u[f"{measure} change, {scope}"], u[f"{measure} change %, {scope}"] = units[measure], "%"
    out["cumulative investment"] = float(row[("cumulative investment", "economy", "scenario")])
    u["cumulative investment"] = units["cumulative investment"]
    sr = pd.Series(out, name=t.attrs.get("scenario", "summary"))
    sr.attrs["units"] = u
    return sr
