"""All-firms (N × B block) cascades on numpy/scipy or PyTorch (optional GPU path); see :func:`run_dense`."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from industwin.errors import SelectionError


def _triplets(ops):
    N = ops.n
    cus = np.repeat(np.arange(N), np.diff(ops.up_ptr))
    sup = np.repeat(np.arange(N), np.diff(ops.dn_ptr))
    ne = ops.dn_pair < 0
    return {"up": (ops.up_sup, cus, ops.up_val, (N, N)),
            "dnT": (ops.dn_cus[ne], sup[ne], ops.dn_val[ne], (N, N)),
            "pair": (ops.dn_pair[~ne], sup[~ne], ops.dn_val[~ne], (len(ops.pair_owner), N))}


class _Numpy:
    def __init__(self, ops, device):
        t = _triplets(ops)
        self.M = {k: sp.csr_array((v, (i, j)), shape=s) for k, (i, j, v, s) in t.items()}
        self.owner, self.g, self.K = ops.pair_owner, ops.g, len(ops.industry_sales)

    def asarray(self, a):
        return np.asarray(a, float)

    def mm(self, name, X):
        return self.M[name] @ X

    def pair_max(self, S, B):
        out = np.zeros((len(self.g), B))
        if S.shape[0]:
            np.maximum.at(out, self.owner, S)
        return out

    def industry_sum(self, X):
        out = np.zeros((self.K, X.shape[1]))
        np.add.at(out, self.g, X)
        return out

    def numpy(self, a):
        return np.asarray(a)


class _Torch:
    def __init__(self, ops, device):
        try:
            import torch
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise SelectionError("xp='torch' needs PyTorch. Fix: pip install 'industwin[gpu]' (or torch)") from e
        self.torch, self.dev = torch, torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        self.M = {}
        for k, (i, j, v, s) in _triplets(ops).items():
            A = sp.csr_array((v, (i, j)), shape=s)
            self.M[k] = torch.sparse_csr_tensor(torch.as_tensor(A.indptr, dtype=torch.int64),
                                                torch.as_tensor(A.indices, dtype=torch.int64),
                                                torch.as_tensor(A.data, dtype=torch.float64), size=s, device=self.dev)
        self.owner = torch.as_tensor(ops.pair_owner, device=self.dev)
        self.g = torch.as_tensor(ops.g, device=self.dev)
        self.N, self.K = ops.n, len(ops.industry_sales)

    def asarray(self, a):
        return self.torch.as_tensor(np.asarray(a, float), dtype=self.torch.float64, device=self.dev)

    def mm(self, name, X):
        return self.M[name] @ X

    def pair_max(self, S, B):
        out = self.torch.zeros((self.N, B), dtype=S.dtype, device=self.dev)
        if S.shape[0]:
            out.scatter_reduce_(0, self.owner[:, None].expand(-1, B), S, reduce="amax", include_self=True)
        return out

    def industry_sum(self, X):
        out = self.torch.zeros((self.K, X.shape[1]), dtype=X.dtype, device=self.dev)
        return out.index_add_(0, self.g, X)

    def numpy(self, a):
        return a.detach().cpu().numpy()


def run(ops, psi, *, replaceable, eps, max_iter, damp, xp, device):
    be = {"numpy": _Numpy, "torch": _Torch}.get(xp)
    if be is None:
        raise SelectionError(f"xp must be 'numpy' or 'torch', not {xp!r}")
    b = be(ops, device)
    psi = np.asarray(psi, float)
    psi = psi[:, None] if psi.ndim == 1 else psi
    N, B = psi.shape
    P = b.asarray(psi)
    r = b.asarray(ops.r)[:, None]
    no_sales = r == 0
    Rk = b.asarray(ops.industry_sales)[:, None]
    dmp = b.asarray(np.ones(N) if damp is None else damp)[:, None]
    x = b.asarray(np.zeros((N, B)))
    y = b.asarray(np.zeros((N, B)))
    shock = 1.0 - P
    iters = np.zeros(B, dtype=np.int64)
    active = np.arange(B)
    for _ in range(max_iter):
        if active.size == 0:
            break
        idx = b.asarray(active).long() if xp == "torch" else active
        xa, ya, sa = x[:, idx], y[:, idx], shock[:, idx]
        if replaceable:
            M = (Rk - b.industry_sum(r * ya))[ops.g if xp == "numpy" else b.g]
            sig = (M > 0) * ((r / (M + (M <= 0))).clip(max=1.0) - 1.0) + 1.0
        else:
            sig = ya * 0 + 1.0
        sig = sig * (~no_sales)
        loss = sig * ya
        y_new = (b.pair_max(b.mm("pair", loss), len(active)))
        nloss = b.mm("dnT", loss)
        y_new = (y_new * (y_new >= nloss) + nloss * (nloss > y_new)) * dmp
        y_new = y_new * (y_new >= sa) + sa * (sa > y_new)
        up = b.mm("up", xa)
        x_new = up * (up >= sa) + sa * (sa > up)
        change = b.numpy(abs(x_new - xa).amax(0) if xp == "torch" else abs(x_new - xa).max(0))
        change = np.maximum(change, b.numpy(abs(y_new - ya).amax(0) if xp == "torch" else abs(y_new - ya).max(0)))
        x[:, idx], y[:, idx] = x_new, y_new
        iters[active] += 1
        active = active[change >= eps]
    rr = b.numpy(r)[:, 0]
    xn, yn = b.numpy(x), b.numpy(y)
    f = np.maximum(xn, yn)
    return {"loss": rr @ f, "loss_downstream": rr @ yn, "loss_upstream": rr @ xn, "iterations": iters - 1,
            "level": 1.0 - f, "level_upstream": 1.0 - xn, "level_downstream": 1.0 - yn}
