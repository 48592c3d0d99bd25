"""Engine against hand-computed systems (Miller & Blair 2009 example 2.2) and the
textbook formulas evaluated with an explicit inverse on a 3-region × 2-sector table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import industwin as iw

# Miller & Blair (2009), section 2.3, two-sector example: Z, f and x.
MB_Z = np.array([[150.0, 500.0], [200.0, 100.0]])
MB_Y = np.array([[350.0], [1700.0]])
MB_X = np.array([1000.0, 2000.0])
DET = 0.85 * 0.95 - 0.25 * 0.20  # det(I − A) = 0.7575


@pytest.fixture
def mb() -> iw.MRIO:
    idx = pd.MultiIndex.from_tuples([("R", "s1"), ("R", "s2")])
    return iw.MRIO(MB_Z, MB_Y, MB_X, index=idx, fd_index=pd.MultiIndex.from_tuples([("R", "fd")]))


def test_coefficients_and_inverse_by_hand(mb):
    assert np.allclose(iw.technical_coefficients(mb).to_numpy(), [[0.15, 0.25], [0.20, 0.05]], rtol=0, atol=1e-15)
    L = np.array([[0.95, 0.25], [0.20, 0.85]]) / DET
    assert np.allclose(iw.leontief_inverse(mb).to_numpy(), L, rtol=1e-14)
    # the table's own final demand gives back its output
    assert np.allclose(iw.gross_output(mb).to_numpy(), MB_X, rtol=1e-14)
    # Miller & Blair's new demand f = (600, 1500) → x = (1247.52, 1841.58)
    x = iw.gross_output(mb, np.array([600.0, 1500.0])).to_numpy()
    assert np.allclose(x, L @ [600, 1500], rtol=1e-14)
    assert x == pytest.approx([1247.5247524752, 1841.5841584158], rel=1e-12)
    assert np.allclose(iw.output_multipliers(mb).to_numpy(), L.sum(0), rtol=1e-14)


def test_ghosh_by_hand(mb):
    G = np.array([[0.95, 0.50], [0.10, 0.85]]) / DET  # (I − B)⁻¹, B = x̂⁻¹Z
    assert np.allclose(iw.allocation_coefficients(mb).to_numpy(), [[0.15, 0.5], [0.1, 0.05]], atol=1e-15)
    assert np.allclose(iw.ghosh_inverse(mb).to_numpy(), G, rtol=1e-14)
    # value added v = x − 1'Z = (650, 1400) pushed forward gives x back
    assert np.allclose(iw.supply_driven_output(mb).to_numpy(), [1000, 2000], rtol=1e-14)
    v = np.array([700.0, 1400.0])
    assert np.allclose(iw.supply_driven_output(mb, v).to_numpy(), v @ G, rtol=1e-14)


def test_price_model_by_hand(mb):
    assert np.allclose(iw.prices(mb).to_numpy(), 1.0, rtol=1e-14)
    # a cost push of 0.1 per unit of output in sector 1: Δp' = Δv' L
    dp = iw.cost_push(mb, {("R", "s1"): 0.1}).to_numpy()
    assert np.allclose(dp, [0.1 * 0.95 / DET, 0.1 * 0.25 / DET], rtol=1e-14)
    # sector 1's price fixed at +10 %: Δp2 = a12 Δp1 / (1 − a22) = 0.25·0.1/0.95
    dp = iw.cost_push(mb, fixed_prices={("R", "s1"): 0.1}).to_numpy()
    assert dp == pytest.approx([0.1, 0.025 / 0.95], rel=1e-14)


def _reference(small):
    """Textbook formulas with an explicit inverse (numpy), independent of the LU path."""
    Z, Y, x = np.array(small.Z), np.array(small.Y), np.array(small.x)
    A = Z / x
    L = np.linalg.inv(np.eye(6) - A)
    F, FY = np.array(small.satellites["air"].F), np.array(small.satellites["air"].F_Y)
    S = F / x
    Yc = Y.reshape(6, 3, 2).sum(2)  # by final-demand region
    FYc = FY.reshape(2, 3, 2).sum(2)
    return A, L, S, Yc, FYc


def test_small_system_against_explicit_formulas(small):
    A, L, S, Yc, FYc = _reference(small)
    assert np.allclose(iw.leontief_inverse(small).to_numpy(), L, rtol=1e-13)
    assert np.allclose(iw.gross_output(small).to_numpy(), small.x, rtol=1e-13)  # balanced: x back exactly
    M = iw.satellite_multipliers(small, "air")
    assert np.allclose(M.to_numpy(), S @ L, rtol=1e-13)
    assert M.attrs["units"]["co2"] == "kt/M EUR"
    fp = iw.footprint(small, "air", by="region")
    assert list(fp.columns) == ["A", "B", "C"]
    assert np.allclose(fp.to_numpy(), S @ L @ Yc + FYc, rtol=1e-13)
    # world total of the footprint = all emissions (production + households), by hand
    assert fp.loc["co2"].sum() == pytest.approx(350 + 21, rel=1e-13)
    prod = iw.footprint(small, "air", by="product")
    assert prod.shape == (2, 6)
    for c in range(3):
        for s in range(2):
            rows = [0 + s, 2 + s, 4 + s]
            expected = (S @ L)[:, rows] @ Yc[rows, c]
            assert np.allclose(prod.iloc[:, c * 2 + s].to_numpy(), expected, rtol=1e-13)
    orig = iw.footprint(small, "air", by="origin", stressor="co2")
    assert np.allclose(orig.to_numpy(), S[0][:, None] * (L @ Yc), rtol=1e-13)


def test_embodied_accounts_balance(small):
    A, L, S, Yc, FYc = _reference(small)
    acc = iw.embodied_accounts(small, "air")
    X = L @ Yc
    reg = np.repeat(np.arange(3), 2)
    for c in range(3):
        foreign = reg != c
        assert acc.imports.iloc[0, c] == pytest.approx(S[0, foreign] @ X[foreign, c], rel=1e-13)
        own = reg == c
        others = [k for k in range(3) if k != c]
        assert acc.exports.iloc[0, c] == pytest.approx(S[0, own] @ X[own][:, others].sum(1), rel=1e-13)
    # balance of trade in embodied emissions: exports − imports = production − consumption
    assert np.allclose(acc.balance.to_numpy(), (acc.production - acc.consumption).to_numpy(), atol=1e-12)
    assert acc.production.loc["co2"].sum() == pytest.approx(acc.consumption.loc["co2"].sum(), rel=1e-13)
    # balanced table: production-based account = F (+ F_Y) by region, by hand
    assert acc.production.loc["co2"].tolist() == pytest.approx([145, 147, 79], rel=1e-13)
    t = acc.table("co2")
    assert list(t.columns) == ["production", "consumption", "imports", "exports", "balance"]


def test_value_added_multipliers_sum_to_one(small):
    m = iw.value_added_multipliers(small)
    assert np.allclose(m.sum(axis=0).to_numpy(), 1.0, rtol=1e-13)


def test_inputs_not_mutated_and_factorisation_reused(small):
    Z0 = np.array(small.Z)
    iw.gross_output(small)
    f = small._cache["leontief"]
    iw.output_multipliers(small)
    iw.footprint(small, "air")
    assert small._cache["leontief"] is f
    assert np.array_equal(small.Z, Z0)
    with pytest.raises(ValueError):
        small.Z[0, 0] = 1.0  # read-only view


def test_caller_array_stays_writeable():
    Z = np.array([[1.0, 2.0], [3.0, 4.0]])
    idx = pd.MultiIndex.from_tuples([("R", "a"), ("R", "b")])
    m = iw.MRIO(Z, np.array([[5.0], [6.0]]), None, index=idx, fd_index=pd.MultiIndex.from_tuples([("R", "hh")]))
    Z[0, 0] = 9.0  # the caller's own array is not frozen; the table holds a view
    assert m.x.tolist() == [8.0, 13.0]


def test_sparse_matches_dense(small):
    import scipy.sparse as sp
    s = small.replace(Z=sp.csr_array(np.array(small.Z)))
    assert s.is_sparse
    assert np.allclose(iw.output_multipliers(s).to_numpy(), iw.output_multipliers(small).to_numpy(), rtol=1e-13)
    assert np.allclose(iw.footprint(s, "air").to_numpy(), iw.footprint(small, "air").to_numpy(), rtol=1e-13)
    assert np.allclose(iw.leontief_inverse(s).to_numpy(), iw.leontief_inverse(small).to_numpy(), rtol=1e-13)
    assert np.allclose(iw.supply_driven_output(s).to_numpy(), iw.supply_driven_output(small).to_numpy(), rtol=1e-13)
    dp = {("A", "manu"): 0.2}
    assert np.allclose(iw.cost_push(s, fixed_prices=dp).to_numpy(), iw.cost_push(small, fixed_prices=dp).to_numpy())


def test_cost_push_fixed_prices_matches_partitioned_solve(small):
    A = iw.technical_coefficients(small).to_numpy()
    E, N = [1, 4], [0, 2, 3, 5]
    dpE = np.array([0.3, -0.1])
    dv = np.array([0.01, 0.0, 0.02, 0.0, 0.0, 0.05])
    dpN = np.linalg.solve((np.eye(4) - A[np.ix_(N, N)]).T, A[np.ix_(E, N)].T @ dpE + dv[N])
    got = iw.cost_push(small, value_added_change=pd.Series(dv, index=small.index),
                       fixed_prices={small.index[1]: 0.3, small.index[4]: -0.1}).to_numpy()
    assert np.allclose(got[E], dpE) and np.allclose(got[N], dpN, rtol=1e-12)


def test_labelled_demand_and_unknown_labels(small):
    y = pd.Series({("B", "manu"): 10.0})
    y.index = pd.MultiIndex.from_tuples(y.index)
    x = iw.gross_output(small, y)
    A, L, *_ = _reference(small)
    assert np.allclose(x.to_numpy(), L[:, 3] * 10, rtol=1e-13)
    bad = pd.Series([1.0], index=pd.MultiIndex.from_tuples([("Z", "manu")]))
    with pytest.raises(KeyError, match="unknown"):
        iw.gross_output(small, bad)
