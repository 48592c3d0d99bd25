"""Static first answers to a disruption: the demand-driven (Leontief), supply-driven (Ghosh) and mixed
input–output models, and the price ripple of a tariff on a trade route."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from industwin.analysis.disruption.scenario import Scenario
from industwin.analysis.disruption.scenario import rows_of as _rows
from industwin.core.leontief import cost_push, gross_output, leontief, safe_reciprocal
from industwin.data.mrio import MRIO, REGION, SECTOR
from industwin.errors import SelectionError

__all__ = ["leontief_impact", "ghosh_impact", "mixed_impact", "static_impacts", "route_tariff_prices"]


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
        dy[rows] += s.change * np.clip(fd[rows], 0.0, None).sum(axis=1) * s.duration / 365   # purchases only
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

