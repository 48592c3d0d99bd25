"""The Leontief quantity and price models and the Ghosh supply-side model.

Everything here solves linear systems with one LU factorisation of
``(I − A)`` cached on the table (dense LAPACK ``getrf`` or sparse SuperLU),
never with an explicit inverse unless one is asked for. A solve with the
factorisation costs O(n²) per right-hand side; the factorisation O(n³) once.

References: Miller, R.E. & Blair, P.D. (2009) *Input–Output Analysis:
Foundations and Extensions*, 2nd ed., Cambridge UP — ch. 2 (Leontief
quantity model), §2.6 (price model), §12.1 (Ghosh supply-side model).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.linalg as la
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from industwin.data.mrio import MRIO
from industwin.errors import DataError, SelectionError, plain, plain_list

__all__ = [
    "Factorisation", "leontief", "ghosh", "technical_coefficients", "allocation_coefficients",
    "leontief_inverse", "ghosh_inverse", "gross_output", "supply_driven_output", "prices", "cost_push",
    "safe_reciprocal",
]


def safe_reciprocal(x: np.ndarray) -> np.ndarray:
    """``1/x`` with 0 where ``x == 0`` (a zero-output sector gets zero coefficients)."""
    out = np.zeros_like(x, dtype=float)
    np.divide(1.0, x, out=out, where=x != 0)
    return out


class Factorisation:
    """An LU factorisation of ``(I − K)`` for a coefficient matrix ``K``.

    ``solve(b)`` returns ``(I − K)⁻¹ b``; ``solve_transposed(b)`` returns
    ``(I − K)⁻ᵀ b``. Dense matrices use LAPACK ``getrf``/``getrs`` on a single
    buffer (the factorisation is done in place on the transposed, Fortran-ordered
    view, so no extra n × n copy is made); sparse ones use SuperLU.
    """

    def __init__(self, minus_K: Any):
        """``minus_K`` is ``−K`` in a buffer the factorisation may overwrite (dense) or a sparse matrix."""
        self.n = minus_K.shape[0]
        K = minus_K
        if sp.issparse(K):
            M = (sp.identity(self.n, format="csc") + sp.csc_matrix(K)).tocsc()
            self._splu = spla.splu(M)
            self._lu = None
        else:
            # K is a fresh C-ordered buffer we own, holding −K: add I in place, then factor
            # its transpose, which is the same memory in Fortran order (no n × n copy).
            K.flat[:: self.n + 1] += 1.0
            self._lu = la.lu_factor(K.T, overwrite_a=True, check_finite=False)  # LU of (I − K)ᵀ
            self._splu = None

    @property
    def sparse(self) -> bool:
        return self._splu is not None

    def solve(self, b: np.ndarray) -> np.ndarray:
        """``(I − K)⁻¹ b`` for a vector or a matrix of right-hand sides."""
        b = np.asarray(b, dtype=float)
        if self._splu is not None:
            return self._splu.solve(b)
        return la.lu_solve(self._lu, b, trans=1, check_finite=False)

    def solve_transposed(self, b: np.ndarray) -> np.ndarray:
        """``(I − K)⁻ᵀ b``: row multipliers ``b'(I − K)⁻¹`` come back as a column."""
        b = np.asarray(b, dtype=float)
        if self._splu is not None:
            return self._splu.solve(b, trans="T")
        return la.lu_solve(self._lu, b, trans=0, check_finite=False)

    def inverse(self) -> np.ndarray:
        """The explicit inverse ``(I − K)⁻¹`` (O(n³) and n² memory: only when asked)."""
        if self._splu is not None:
            return self._splu.solve(np.eye(self.n))
        lu, piv = self._lu
        inv_t, info = la.lapack.dgetri(lu, piv, overwrite_lu=False)  # inverse of (I − K)ᵀ
        if info != 0:
            raise np.linalg.LinAlgError(f"getri failed (info={info})")
        return np.ascontiguousarray(inv_t.T)


def _scaled(mrio: MRIO, by: str, sign: float = 1.0) -> Any:
    """A fresh matrix ``Z x̂⁻¹`` (``by="column"``, A) or ``x̂⁻¹ Z`` (``by="row"``, B), times ``sign``."""
    r = sign * safe_reciprocal(mrio.x)
    if mrio.is_sparse:
        d = sp.diags_array(r)
        return (mrio.Z @ d) if by == "column" else (d @ mrio.Z)
    out = np.empty(mrio.Z.shape)
    np.multiply(mrio.Z, r[None, :] if by == "column" else r[:, None], out=out)
    return out


def leontief(mrio: MRIO) -> Factorisation:
    """The cached LU factorisation of the Leontief matrix ``(I − A)``, ``A = Z x̂⁻¹``."""
    f = mrio._cache.get("leontief")
    if f is None:
        f = mrio._cache["leontief"] = Factorisation(_scaled(mrio, "column", -1.0))
    return f


def ghosh(mrio: MRIO) -> Factorisation:
    """The cached LU factorisation of the Ghosh matrix ``(I − B)``, ``B = x̂⁻¹ Z``."""
    f = mrio._cache.get("ghosh")
    if f is None:
        f = mrio._cache["ghosh"] = Factorisation(_scaled(mrio, "row", -1.0))
    return f


def _frame(a: Any, mrio: MRIO) -> pd.DataFrame:
    a = a.toarray() if sp.issparse(a) else a
    return pd.DataFrame(a, index=mrio.index, columns=mrio.index)


def technical_coefficients(mrio: MRIO) -> pd.DataFrame:
    """Technical coefficients ``A = Z x̂⁻¹``, ``a_ij = z_ij / x_j`` (0 where ``x_j = 0``).

    Miller & Blair (2009) eq. 2.4.
    """
    return _frame(_scaled(mrio, "column"), mrio)


def allocation_coefficients(mrio: MRIO) -> pd.DataFrame:
    """Allocation (output) coefficients ``B = x̂⁻¹ Z``, ``b_ij = z_ij / x_i``.

    Miller & Blair (2009) eq. 12.1.
    """
    return _frame(_scaled(mrio, "row"), mrio)


def leontief_inverse(mrio: MRIO) -> pd.DataFrame:
    """The explicit Leontief inverse ``L = (I − A)⁻¹`` (Miller & Blair 2009, eq. 2.11).

    O(n³) time and n² memory; prefer :func:`gross_output` and the multiplier
    functions, which solve with the cached factorisation instead.
    """
    return _frame(leontief(mrio).inverse(), mrio)


def ghosh_inverse(mrio: MRIO) -> pd.DataFrame:
    """The explicit Ghosh inverse ``G = (I − B)⁻¹`` (Miller & Blair 2009, eq. 12.4)."""
    return _frame(ghosh(mrio).inverse(), mrio)


def _vector(mrio: MRIO, v: Any, what: str, default: np.ndarray | None = None) -> tuple[np.ndarray, Any]:
    """Align a Series / DataFrame / array on the table's rows; returns (array, columns or None)."""
    if v is None:
        return default, None
    if isinstance(v, pd.Series | pd.DataFrame):
        vals = v.to_numpy(dtype=float)
        if not np.isfinite(vals).all():
            raise DataError(f"{what} has {int((~np.isfinite(vals)).sum())} missing, NaN or infinite value(s). Fix: "
                            "give a finite number for every row you list (rows you leave out count as 0)")
        if isinstance(v.index, pd.MultiIndex):
            unknown = v.index.difference(mrio.index)
            if len(unknown):
                raise SelectionError(f"{what}: unknown (region, sector) labels {plain_list(unknown, 3)}. Fix: use "
                                     f"labels of the table, e.g. {plain(mrio.index[0])}")
            if v.index.has_duplicates:
                raise SelectionError(f"{what}: (region, sector) labels given more than once, e.g. "
                                     f"{plain_list(v.index[v.index.duplicated()], 3)}. Fix: give each row once")
            v = v.reindex(mrio.index)
            missing = v.isna().any(axis=1) if isinstance(v, pd.DataFrame) else v.isna()
            if missing.any():
                v = v.fillna(0.0)  # absent rows carry no demand/input
        elif len(v) != mrio.n:
            raise SelectionError(f"{what} has {len(v)} rows but the table has {mrio.n}. Fix: index it by "
                                 "(region, sector)")
        cols = v.columns if isinstance(v, pd.DataFrame) else (v.name,)
        arr = v.to_numpy(dtype=float)
        return arr, cols
    try:
        arr = np.asarray(v, dtype=float)
    except (TypeError, ValueError):
        raise DataError(f"{what} must be numbers, one per row of the table (or a Series indexed by (region, "
                        f"sector)), not {type(v).__name__}. Fix: pass an array or a Series") from None
    if arr.ndim == 0:
        raise DataError(f"{what} must be a vector with one value per row of the table, not a single number. Fix: "
                        "pass an array or a Series indexed by (region, sector)")
    if arr.shape[0] != mrio.n:
        raise SelectionError(f"{what} has {arr.shape[0]} entries but the table has {mrio.n} rows. Fix: give one "
                             "per row of the table")
    if not np.isfinite(arr).all():
        raise DataError(f"{what} contains NaN or infinite values. Fix: give finite numbers")
    return arr, None


def _out(mrio: MRIO, arr: np.ndarray, cols: Any, name: str) -> pd.Series | pd.DataFrame:
    if arr.ndim == 1:
        label = cols[0] if cols is not None and cols[0] is not None else name
        return pd.Series(arr, index=mrio.index, name=label)
    return pd.DataFrame(arr, index=mrio.index, columns=cols)


def gross_output(mrio: MRIO, final_demand: Any = None) -> pd.Series | pd.DataFrame:
    """Gross output that satisfies a final demand: ``x = (I − A)⁻¹ y = L y``.

    ``final_demand`` is a Series indexed by (region, sector), a DataFrame of
    several demand vectors, or an array; ``None`` uses the table's total final
    demand. Rows missing from a labelled input count as zero demand. Solved
    with the cached LU of ``(I − A)`` (Miller & Blair 2009, eq. 2.10).
    """
    y, cols = _vector(mrio, final_demand, "final demand", mrio.Y.sum(axis=1))
    return _out(mrio, leontief(mrio).solve(y), cols, f"gross output [{mrio.unit}]")


def supply_driven_output(mrio: MRIO, primary_inputs: Any = None) -> pd.Series | pd.DataFrame:
    """Ghosh supply-side model: ``x' = v' (I − B)⁻¹ = v' G``.

    ``primary_inputs`` (value added by sector, or several vectors as columns;
    ``None`` = the table's value added) is pushed forward along the allocation
    coefficients ``B = x̂⁻¹ Z``. Solved as ``(I − B)ᵀ x = v`` with a cached LU
    (Ghosh 1958; Miller & Blair 2009, eq. 12.5).
    """
    v, cols = _vector(mrio, primary_inputs, "primary inputs", mrio.V.sum(axis=0))
    return _out(mrio, ghosh(mrio).solve_transposed(v), cols, f"gross output [{mrio.unit}]")


def prices(mrio: MRIO, value_added_coefficients: Any = None) -> pd.Series:
    """Leontief price model: ``p' = v_c' (I − A)⁻¹``, i.e. ``(I − A)ᵀ p = v_c``.

    ``v_c`` is value added per unit of output (default: the table's, ``1'V x̂⁻¹``);
    for a balanced table the result is 1 for every sector that produces
    (Miller & Blair 2009, eq. 2.27).
    """
    default = mrio.V.sum(axis=0) * safe_reciprocal(mrio.x)
    vc, _ = _vector(mrio, value_added_coefficients, "value-added coefficients", default)
    return pd.Series(leontief(mrio).solve_transposed(vc), index=mrio.index, name="price index")


def cost_push(mrio: MRIO, value_added_change: Any = None, fixed_prices: Any = None) -> pd.Series:
    """Price changes from a cost push (Leontief price model).

    * ``value_added_change`` Δv_c: change of primary-input cost per unit of output
      by sector, e.g. an ad-valorem tax of 5 % on sector *j* is ``{(r, j): 0.05}``.
      Then ``(I − A)ᵀ Δp = Δv_c`` (Miller & Blair 2009, §2.6.3).
    * ``fixed_prices`` Δp_E: exogenous relative price changes of a set *E* of
      sectors (e.g. imported energy +30 % → ``{(r, j): 0.30}``); the others follow
      ``(I − A_NN)ᵀ Δp_N = A_ENᵀ Δp_E + Δv_N`` (Miller & Blair 2009, eq. 2.32).

    The partitioned system is solved with the cached factorisation of the full
    ``(I − A)ᵀ`` by the Woodbury identity (|E| extra solves, no new LU).
    Returns Δp for every sector (Δp_E as given).
    """
    dv = np.zeros(mrio.n)
    if value_added_change is not None:
        dv = _vector(mrio, pd.Series(value_added_change, dtype=float) if isinstance(value_added_change, dict)
                     else value_added_change, "value-added change")[0]
    f = leontief(mrio)
    if fixed_prices is None or len(fixed_prices) == 0:
        return pd.Series(f.solve_transposed(dv), index=mrio.index, name="price change")
    try:
        fp = pd.Series(fixed_prices, dtype=float)
    except (TypeError, ValueError):
        raise DataError("fixed_prices must map (region, sector) to a relative price change. Fix: give numbers, e.g. "
                        "{('RoW', 'c8'): 0.3}") from None
    if not np.isfinite(fp.to_numpy()).all() or (fp <= -1).any():
        raise DataError("fixed_prices must be finite relative changes above -1 (−100 %). Fix: correct them")
    pos = mrio.index.get_indexer(fp.index)
    if (pos < 0).any():
        raise SelectionError(f"unknown sectors in fixed_prices: {plain_list(fp.index[pos < 0])}. Fix: use "
                             f"(region, sector) labels of the table, e.g. {plain(mrio.index[0])}")
    # M = (I − A)ᵀ. Replace the rows E of M by identity rows: M' = M + U Wᵀ with
    # U = I[:, E] and Wᵀ = I[E, :] − M[E, :]. Right-hand side: dv with dv_E := Δp_E.
    b = dv.copy()
    b[pos] = fp.to_numpy()
    Z_E = mrio.Z[:, pos]
    A_E = (Z_E.toarray() if sp.issparse(Z_E) else np.asarray(Z_E)) * safe_reciprocal(mrio.x[pos])[None, :]
    # Row E of M = (I − A)ᵀ is e_E' − A[:, E]'; so Wᵀ = A[:, E]'  (k × n).
    Wt = A_E.T
    U = np.zeros((mrio.n, len(pos)))
    U[pos, np.arange(len(pos))] = 1.0
    Minv_b = f.solve_transposed(b)
    Minv_U = f.solve_transposed(U)
    cap = np.eye(len(pos)) + Wt @ Minv_U
    dp = Minv_b - Minv_U @ np.linalg.solve(cap, Wt @ Minv_b)
    return pd.Series(dp, index=mrio.index, name="price change")
