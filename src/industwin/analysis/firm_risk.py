"""Systemic risk of firms: the Economic Systemic Risk Index (ESRI) and arbitrary shocks on a firm network.

Generalized-Leontief shock propagation of Diem, Borsos, Reisch, Kertész & Thurner (2022, *Sci. Rep.*
12:7719), following its published method description (see ``../shared/references/esri-method.md``):
with ``W_ij`` the value firm *i* supplies to firm *j*, ``r_i = Σ_j W_ij`` and ``c_j = Σ_i W_ij``, a
scenario is a vector of capacity caps ``ψ ∈ [0, 1]^N``. Two health levels start at 1 and are updated in
lockstep until no firm's level changes by ``eps`` (0.01, as the reference code) or more:

* upstream (a supplier loses customers): ``u_i ← min(ψ_i, Σ_j W_ij u_j / r_i)`` (``min(1, ψ_i)`` if r_i = 0);
* downstream (a customer loses inputs): with the industry × industry essentiality matrix ``e[k, l]``
  (supplying industry *k*, buying industry *l*: 2 essential, 1 non-essential, 0 no short-term effect),
  the lost share of supplier *i*'s output ``σ_i (1 − d_i)`` hits customer *j* through
  ``S_jk = Σ_{i∈k, essential} σ_i (1 − d_i) W_ij / E_jk`` (``E_jk`` its essential inputs from *k*) and
  ``N_j = Σ_{i non-essential} σ_i (1 − d_i) W_ij / c_j``; ``d_j ← min(ψ_j, 1 − max_k S_jk, 1 − N_j)``;
* replaceability: ``σ_i = min(1, r_i / Σ_{m∈g(i)} r_m d_m)`` — the failing supplier's sales can be taken
  over by its industry's surviving firms — or ``σ_i = 1`` without replacement (0 for firms with no sales).

The firm's level is ``f = min(u, d)``; the loss of a scenario is ``Σ_i r_i (1 − f_i) / Σ_i r_i``. The ESRI of
firm *i* is the loss when *i* alone closes (``ψ_i = 0``). Checked against the authors' reference values
(toy networks) to 1e-15.

Many scenarios run at once: the health levels are N × B blocks and every update is one sparse
matrix × dense block product (essential shortages through one sparse matrix over the (customer,
supplying industry) pairs and a segmented maximum).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from industwin.core.firms import FirmNetwork
from industwin.errors import DataError, SelectionError

__all__ = ["Essentiality", "read_essentiality", "CascadeModel", "esri", "propagate"]


@dataclass(frozen=True)
class Essentiality:
    """Industry × industry input essentiality (rows: supplying industry, columns: buying industry;
    2 essential, 1 non-essential, 0 no short-term effect)."""

    matrix: pd.DataFrame

    def __post_init__(self) -> None:
        m = self.matrix.copy()
        m.index = m.index.map(str)
        m.columns = m.columns.map(str)
        vals = set(np.unique(m.to_numpy()))
        if not vals <= {0, 1, 2}:
            raise DataError(f"essentiality: values must be 0, 1 or 2, found {sorted(vals - {0, 1, 2})}")
        if list(m.index) != list(m.columns):
            raise DataError("essentiality: rows (supplying industries) and columns (buying industries) must list "
                            "the same industries in the same order")
        object.__setattr__(self, "matrix", m)

    @classmethod
    def uniform(cls, industries, value: int = 1) -> "Essentiality":
        ind = [str(i) for i in industries]
        return cls(pd.DataFrame(value, index=ind, columns=ind))


def read_essentiality(path) -> Essentiality:
    """Read an essentiality matrix CSV (first column: supplying industry; header: buying industries),
    e.g. ``$INDUSTWIN_DATA/esri_tutorial/ess_mat_n2_ihs.csv`` (NACE rev. 2, 2-digit)."""
    return Essentiality(pd.read_csv(path, index_col=0, dtype={0: str}))


class CascadeModel:
    """The propagation operators of one network and essentiality matrix, built once (sparse, linear in links)."""

    def __init__(self, network: FirmNetwork, essentiality: Essentiality):
        ess = essentiality.matrix
        codes = network.firms["industry"].map(str).to_numpy()
        known = set(ess.index)
        missing = sorted(set(codes) - known)
        if missing:
            raise SelectionError(f"firms have industries not in the essentiality matrix: {missing[:5]}. "
                                 f"Fix: use codes among {list(ess.index[:10])}… or extend the matrix")
        pos = {k: n for n, k in enumerate(ess.index)}
        g = np.array([pos[c] for c in codes])
        E = ess.to_numpy().astype(int)
        W = network.W.tocoo()
        i, j, w = W.row, W.col, W.data
        N, K = network.n, len(ess)
        self.N, self.K, self.g = N, K, g
        self.r, self.c = network.out_strength, network.in_strength
        typ = E[g[i], g[j]]
        rinv = np.divide(1.0, self.r, out=np.zeros(N), where=self.r > 0)
        cinv = np.divide(1.0, self.c, out=np.zeros(N), where=self.c > 0)
        # upstream: u_i ← Σ_j W_ij u_j / r_i
        self.Up = sp.csr_array((w * rinv[i], (i, j)), shape=(N, N))
        # non-essential downstream: N_j = Σ_i loss_i W_ij / c_j  (transposed: rows j)
        ne = typ == 1
        self.DnT = sp.csr_array((w[ne] * cinv[j[ne]], (j[ne], i[ne])), shape=(N, N))
        # essential downstream through (customer j, supplying industry k) pairs
        es = typ == 2
        ie, je, we, ke = i[es], j[es], w[es], g[i[es]]
        pair = je.astype(np.int64) * K + ke
        uniq, inv = np.unique(pair, return_inverse=True)
        Ejk = np.bincount(inv, weights=we, minlength=len(uniq))
        self.Dpair = sp.csr_array((we / Ejk[inv], (inv, ie)), shape=(len(uniq), N))
        self.pair_customer = (uniq // K).astype(np.int64)             # sorted: pairs grouped by customer
        self.pair_starts = np.flatnonzero(np.r_[True, np.diff(self.pair_customer) != 0]) if len(uniq) else \
            np.zeros(0, dtype=int)
        self.pair_owners = self.pair_customer[self.pair_starts]
        self.Gind = sp.csr_array((np.ones(N), (g, np.arange(N))), shape=(K, N))   # industry membership

    def propagate(self, psi: np.ndarray, replaceable: bool = True, eps: float = 0.01, max_iter: int = 1000,
                  combine: str = "min") -> dict[str, np.ndarray]:
        """Run the cascades for the scenarios in the columns of ``psi`` (N × B, capacity caps in [0, 1]).

        Returns ``loss`` (B), ``loss_downstream``, ``loss_upstream`` (the same with ``d`` or ``u`` alone),
        ``iterations`` (updates after the first, the reference code's count), and ``level`` (N × B, the
        firms' final levels ``f``)."""
        psi = np.asarray(psi, float)
        if psi.ndim == 1:
            psi = psi[:, None]
        if psi.shape[0] != self.N or np.isnan(psi).any() or (psi < 0).any() or (psi > 1).any():
            raise SelectionError(f"psi must be {self.N} capacity caps in [0, 1] per scenario (shape {self.N} × B)")
        if combine not in ("min", "upstream", "downstream"):
            raise SelectionError(f"combine must be 'min', 'upstream' or 'downstream', not {combine!r}")
        N, B = psi.shape
        r = self.r
        no_sales = r == 0
        u = np.ones((N, B))
        d = np.ones((N, B))
        iters = np.zeros(B, dtype=int)
        active = np.arange(B)
        for _ in range(max_iter):
            if active.size == 0:
                break
            ua, da, pa = u[:, active], d[:, active], psi[:, active]
            if replaceable:
                M = self.Gind @ (r[:, None] * da)                       # K × b: industry's surviving sales
                Mg = M[self.g]
                sigma = np.where(Mg > 0, np.minimum(r[:, None] / np.where(Mg > 0, Mg, 1.0), 1.0), 1.0)
            else:
                sigma = np.ones_like(da)
            sigma[no_sales] = 0.0
            loss = sigma * (1.0 - da)
            h = np.ones_like(da)
            if self.Dpair.shape[0]:
                S = self.Dpair @ loss                                   # pairs × b
                h[self.pair_owners] = 1.0 - np.maximum.reduceat(S, self.pair_starts, axis=0)
            d_new = np.minimum(np.minimum(h, 1.0 - self.DnT @ loss), pa)
            u_new = np.where(no_sales[:, None], np.minimum(1.0, pa), np.minimum(self.Up @ ua, pa))
            change = np.maximum(np.abs(u_new - ua).max(axis=0), np.abs(d_new - da).max(axis=0))
            u[:, active], d[:, active] = u_new, d_new
            iters[active] += 1
            active = active[change >= eps]
        f = {"min": np.minimum(u, d), "upstream": u, "downstream": d}[combine]
        tot = r.sum() or 1.0
        return {"loss": r @ (1.0 - f) / tot, "loss_downstream": r @ (1.0 - d) / tot,
                "loss_upstream": r @ (1.0 - u) / tot, "iterations": iters - 1, "level": f}


def propagate(network: FirmNetwork, essentiality: Essentiality, psi, **kwargs) -> dict[str, np.ndarray]:
    """One or more arbitrary shock scenarios (``psi``: N capacity caps, or N × B) — see
    :meth:`CascadeModel.propagate`."""
    return CascadeModel(network, essentiality).propagate(psi, **kwargs)


def esri(network: FirmNetwork, essentiality: Essentiality, firms=None, replaceable: bool = True,
         eps: float = 0.01, batch: int = 128, progress=None) -> pd.DataFrame:
    """The Economic Systemic Risk Index of every firm (or of ``firms``, by id): the share of the
    network's sales lost when the firm alone closes (Diem et al. 2022), with its downstream and
    upstream parts and the iterations to convergence. Scenarios run ``batch`` at a time."""
    model = CascadeModel(network, essentiality)
    ids = network.firms.index if firms is None else pd.Index(firms)
    pos = network.firms.index.get_indexer(ids)
    if (pos < 0).any():
        raise SelectionError(f"unknown firm id(s) {list(ids[pos < 0][:5])}")
    out = {k: np.empty(len(pos)) for k in ("esri", "esri_downstream", "esri_upstream", "iterations")}
    for s in range(0, len(pos), batch):
        block = pos[s:s + batch]
        psi = np.ones((model.N, len(block)))
        psi[block, np.arange(len(block))] = 0.0
        res = model.propagate(psi, replaceable=replaceable, eps=eps)
        out["esri"][s:s + len(block)] = res["loss"]
        out["esri_downstream"][s:s + len(block)] = res["loss_downstream"]
        out["esri_upstream"][s:s + len(block)] = res["loss_upstream"]
        out["iterations"][s:s + len(block)] = res["iterations"]
        if progress is not None:
            progress(s + len(block))
    df = pd.DataFrame(out, index=ids)
    df["iterations"] = df["iterations"].astype(int)
    df.index.name = "firm"
    return df
