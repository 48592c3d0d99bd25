"""Structural path analysis: a hand-computed two-sector system, the exact balance covered + cut = total, and
value added on WIOD (every dollar of final demand is value added somewhere)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from industwin.core.paths import structural_paths
from industwin.data.mrio import MRIO
from industwin.errors import SelectionError


def _two_sector():
    A = np.array([[0.2, 0.3], [0.1, 0.4]])
    x = np.array([100.0, 200.0])
    Z = A * x[None, :]
    Y = (x - Z.sum(1))[:, None]
    idx = pd.MultiIndex.from_product([["R"], ["s1", "s2"]], names=["region", "sector"])
    return MRIO(Z, Y, x, index=idx, fd_index=pd.MultiIndex.from_tuples([("R", "fd")], names=["region", "category"])), A


def test_paths_by_hand():
    mrio, A = _two_sector()
    d, y = np.array([1.0, 2.0]), np.array([10.0, 0.0])
    res = structural_paths(mrio, d, y, max_depth=2, threshold=0.0)
    v = dict(zip(res.paths["path"], res.paths["value"]))
    assert v["R/s1"] == pytest.approx(10.0)                          # d1 y1
    assert v["R/s1 ← R/s1"] == pytest.approx(1 * 0.2 * 10)           # d1 A11 y1
    assert v["R/s1 ← R/s2"] == pytest.approx(2 * 0.1 * 10)           # d2 A21 y1
    assert v["R/s1 ← R/s2 ← R/s1"] == pytest.approx(1 * 0.3 * 0.1 * 10)   # d1 A12 A21 y1
    total = d @ np.linalg.solve(np.eye(2) - A, y)
    assert res.total == pytest.approx(total)
    # all paths up to tier 2 plus the cut subtrees above tier 2 give the footprint exactly
    tiers = sum(d @ np.linalg.matrix_power(A, k) @ y for k in range(3))
    assert res.covered == pytest.approx(tiers) and res.covered + res.cut == pytest.approx(total, rel=1e-13)
    assert res.by_tier.loc[1] == pytest.approx(d @ A @ y)
    with pytest.raises(SelectionError):
        structural_paths(mrio, d[:1], y)


def test_value_added_paths_on_wiod_cover_final_demand(wiod2011):
    v = 1 - np.asarray(wiod2011.Z.sum(axis=0)).ravel() / np.where(wiod2011.x > 0, wiod2011.x, 1)
    y = pd.Series(0.0, index=wiod2011.index)
    y[("DEU", "c15")] = 1000.0                                          # 1 bn USD of German cars
    res = structural_paths(wiod2011, v, y, max_depth=8, threshold=1e-4)
    assert res.total == pytest.approx(1000.0, rel=1e-9)                 # v'L = 1' when v = 1 − 1'A
    assert res.covered + res.cut == pytest.approx(res.total, rel=1e-12)
    finer = structural_paths(wiod2011, v, y, max_depth=8, threshold=1e-5)
    assert 0.6 * res.total < res.covered < finer.covered < res.total    # a lower threshold follows more paths
    assert finer.covered + finer.cut == pytest.approx(finer.total, rel=1e-12)
    top = res.paths.iloc[0]
    assert top["path"] == "DEU/c15" and top["tier"] == 0
    assert res.paths["value"].is_monotonic_decreasing
