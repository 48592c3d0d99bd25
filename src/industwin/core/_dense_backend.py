"""All-firms (N × B block) cascades on numpy/scipy or PyTorch (optional GPU path); see :func:`run_dense`."""

from __future__ import annotations

import warnings
import weakref

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

    maximum = staticmethod(np.maximum)

    def zeros(self, n, m):
        return np.zeros((n, m))

    def index(self, a):
        return a

    def colmax(self, a):
        return a.max(axis=0)

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
            raise SelectionError("the GPU engine (--gpu, engine='torch') needs PyTorch, which is not installed. Fix: "
                                 "pip install 'industwin[gpu]', or run without --gpu") from e
        self.torch, self.dev = torch, torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        warnings.filterwarnings("ignore", message=r"(Sparse CSR tensor support|Sparse invariant checks|index_reduce)",
                                category=UserWarning)       # PyTorch's beta notes on the features used here
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
            out.index_reduce_(0, self.owner, S, "amax", include_self=True)
        return out

    def maximum(self, a, b):
        return self.torch.maximum(a, b)

    def zeros(self, n, m):
        return self.torch.zeros((n, m), dtype=self.torch.float64, device=self.dev)

    def index(self, a):
        return self.torch.as_tensor(a, device=self.dev)

    def colmax(self, a):
        return a.amax(dim=0)

    def industry_sum(self, X):
        out = self.torch.zeros((self.K, X.shape[1]), dtype=X.dtype, device=self.dev)
        return out.index_add_(0, self.g, X)

    def numpy(self, a):
        return a.detach().cpu().numpy()


_BACKENDS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _backend(ops, xp, device):
    """The operators on one backend, built once per operator set (a GPU keeps them between batches)."""
    be = {"numpy": _Numpy, "torch": _Torch}.get(xp)
    if be is None:
        raise SelectionError(f"xp must be 'numpy' or 'torch', not {xp!r}")
    per_ops = _BACKENDS.setdefault(ops, {})
    key = (xp, str(device))
    if key not in per_ops:
        per_ops[key] = be(ops, device)
    return per_ops[key]


def run(ops, psi, *, replaceable, eps, max_iter, damp, xp, device, levels=True, closing=None):
    b = _backend(ops, xp, device)
    if closing is not None:                      # one firm closes per scenario: build the shocks in place
        closing = np.asarray(closing, np.int64)
        N, B = ops.n, len(closing)
        shock = b.zeros(N, B)
        shock[b.index(closing), b.index(np.arange(B))] = 1.0
    else:
        psi = np.asarray(psi, float)
        psi = psi[:, None] if psi.ndim == 1 else psi
        N, B = psi.shape
        shock = 1.0 - b.asarray(psi)
    r = b.asarray(ops.r)[:, None]
    has_sales = r > 0
    Rk = b.asarray(ops.industry_sales)[:, None]
    g = ops.g if xp == "numpy" else b.g
    dmp = b.asarray(np.ones(N) if damp is None else damp)[:, None]
    x = shock * 0.0
    y = shock * 0.0
    iters = np.zeros(B, dtype=np.int64)
    active = np.arange(B)
    for _ in range(max_iter):
        if active.size == 0:
            break
        idx = b.index(active)
        xa, ya, sa = x[:, idx], y[:, idx], shock[:, idx]
        if replaceable:
            M = (Rk - b.industry_sum(r * ya))[g]                 # industry's surviving sales, per firm
            sig = (M > 0) * ((r / (M + (M <= 0))).clip(max=1.0) - 1.0) + 1.0
            loss = sig * has_sales * ya
        else:
            loss = has_sales * ya
        y_new = b.maximum(b.maximum(b.pair_max(b.mm("pair", loss), len(active)), b.mm("dnT", loss)) * dmp, sa)
        x_new = b.maximum(b.mm("up", xa), sa)
        change = np.maximum(b.numpy(b.colmax(abs(x_new - xa))), b.numpy(b.colmax(abs(y_new - ya))))
        x[:, idx], y[:, idx] = x_new, y_new
        iters[active] += 1
        active = active[change >= eps]
    f = b.maximum(x, y)
    rt = r.T
    out = {"loss": b.numpy(rt @ f)[0], "loss_downstream": b.numpy(rt @ y)[0], "loss_upstream": b.numpy(rt @ x)[0],
           "iterations": iters - 1}
    if levels:
        out.update({"level": 1.0 - b.numpy(f), "level_upstream": 1.0 - b.numpy(x),
                    "level_downstream": 1.0 - b.numpy(y)})
    return out
