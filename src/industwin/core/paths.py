"""Structural path analysis: the supply-chain paths that carry a footprint, tier by tier.

A footprint ``d' L y = d' (I + A + A² + …) y`` splits into paths: the path ``i_k ← … ← i_1 ← j`` (sector *j*
delivers final demand ``y_j``, buying from ``i_1``, which buys from ``i_2`` …) carries

    v = d_{i_k} A_{i_k i_{k−1}} ⋯ A_{i_1 j} y_j

(Defourny & Thorbecke 1984; Lenzen 2003, *Struct. Change Econ. Dyn.* 14:1; Peters & Hertwich 2006). The
search walks the tree from final demand upwards and stops where a whole subtree — whose total is known
exactly from the total intensities ``m' = d' L`` — weighs less than ``threshold`` of the footprint, or at
``max_depth``. Every visited path's value plus every subtree cut off adds up to the footprint exactly, so
the result states what it leaves out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from industwin.core.leontief import leontief
from industwin.data.mrio import MRIO
from industwin.errors import SelectionError

__all__ = ["PathAnalysis", "structural_paths"]


@dataclass(frozen=True)
class PathAnalysis:
    """``paths``: one row per path (``tier`` = number of supply steps above the final-demand sector,
    ``path`` = sectors from final-demand sector to the emitting one, ``value``, ``share`` of the footprint);
    ``total`` the footprint ``m'y``; ``covered`` the sum of all paths visited; ``cut`` the subtrees left out
    (``covered + cut = total``); ``by_tier`` the values per tier."""

    paths: pd.DataFrame
    total: float
    covered: float
    cut: float
    unit: str = ""

    @property
    def by_tier(self) -> pd.Series:
        s = self.paths.groupby("tier")["value"].sum()
        s.name = f"value [{self.unit}]" if self.unit else "value"
        return s


def structural_paths(mrio: MRIO, intensity, demand, max_depth: int = 6, threshold: float = 1e-4,
                     max_paths: int = 200_000, unit: str = "") -> PathAnalysis:
    """Structural path analysis of the footprint ``d' L y``.

    ``intensity``: direct intensities ``d`` (n, per unit of output, aligned with ``mrio.index``); ``demand``:
    final demand ``y`` (n; a Series on ``mrio.index`` or an array). Paths whose subtree weighs less than
    ``threshold`` × footprint are cut (their total is in ``cut``); ``max_depth`` bounds the tiers.
    """
    n = len(mrio.index)
    d = np.asarray(intensity.reindex(mrio.index) if isinstance(intensity, pd.Series) else intensity, float)
    y = np.asarray(demand.reindex(mrio.index).fillna(0.0) if isinstance(demand, pd.Series) else demand, float)
    if d.shape != (n,) or y.shape != (n,) or np.isnan(d).any() or np.isnan(y).any():
        raise SelectionError(f"intensity and demand must be {n} numbers aligned with the table's rows")
    if not 0 <= threshold < 1 or max_depth < 0:
        raise SelectionError("threshold must be in [0, 1) and max_depth ≥ 0")
    fac = leontief(mrio)
    m = fac.solve_transposed(d)                           # total intensities m' = d' L
    total = float(m @ y)
    if total == 0:
        return PathAnalysis(pd.DataFrame(columns=["tier", "path", "value", "share"]), 0.0, 0.0, 0.0, unit)
    cut_at = abs(total) * threshold
    x = np.asarray(mrio.x, float)
    Z = mrio.Z
    A = sp.csc_array(Z) @ sp.diags(np.divide(1.0, x, out=np.zeros(n), where=x != 0)) if sp.issparse(Z) else \
        sp.csc_array(np.asarray(Z) * np.divide(1.0, x, out=np.zeros(n), where=x != 0)[None, :])
    A = sp.csc_array(A)
    labels = list(mrio.index)
    rows, covered, cut = [], 0.0, 0.0
    stack = [(j, float(y[j]), (j,)) for j in np.flatnonzero(y)[::-1]]
    while stack:
        j, w, path = stack.pop()
        if abs(m[j] * w) < cut_at:
            cut += m[j] * w
            continue
        v = d[j] * w
        covered += v
        rows.append((len(path) - 1, path, v))
        if len(rows) > max_paths:
            raise SelectionError(f"more than {max_paths} paths: raise threshold (now {threshold}) or max_depth")
        lo, hi = A.indptr[j], A.indptr[j + 1]
        kids, a = A.indices[lo:hi], A.data[lo:hi]
        if len(path) - 1 >= max_depth:
            cut += float(m[kids] @ (a * w))               # everything above this depth
            continue
        sub = m[kids] * a * w                             # each child's whole subtree
        big = np.abs(sub) >= cut_at
        cut += float(sub[~big].sum())
        for i, wi in zip(kids[big][::-1], (a[big] * w)[::-1]):
            stack.append((int(i), float(wi), path + (int(i),)))
    df = pd.DataFrame(rows, columns=["tier", "path", "value"])
    df["path"] = [" ← ".join("/".join(map(str, labels[k])) if isinstance(labels[k], tuple) else str(labels[k])
                             for k in p) for p in df["path"]]
    df["share"] = df["value"] / total
    df = df.sort_values("value", ascending=False, key=np.abs).reset_index(drop=True)
    return PathAnalysis(df, total, covered, cut, unit)
