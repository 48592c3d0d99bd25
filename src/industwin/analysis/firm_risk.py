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

Engines (:mod:`industwin.core.cascades`): ESRI and lists of shock scenarios run as *local* cascades that
visit only the firms a shock reaches, spread over the CPU cores (numba) or over a Dask cluster;
``propagate`` with full level matrices runs all firms at once in N × B blocks (numpy, or PyTorch on a GPU).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from industwin.core.cascades import CascadeOperators, build_operators, run_cascades, run_dense
from industwin.core.firms import FirmNetwork
from industwin.errors import DataError, SelectionError, plain, plain_list

__all__ = [
    "CascadeModel",
    "Essentiality",
    "Intervention",
    "add_stock",
    "assess_interventions",
    "esri",
    "propagate",
    "read_essentiality",
    "reshore",
    "rewire",
    "second_supplier",
    "shock_scenarios",
    "supplier_impact",
]


@dataclass(frozen=True)
class Essentiality:
    """Industry × industry input essentiality (rows: supplying industry, columns: buying industry;
    2 essential, 1 non-essential, 0 no short-term effect)."""

    matrix: pd.DataFrame

    def __post_init__(self) -> None:
        m = self.matrix.copy()
        m.index = m.index.map(str)
        m.columns = m.columns.map(str)
        src = str(self.matrix.attrs.get("source", "essentiality"))
        arr = m.to_numpy()
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError):
            raise DataError(f"{src}: essentiality values must be 0, 1 or 2 and some cells are not numbers. Fix: "
                            "write 2 (essential), 1 (non-essential) or 0 (no short-term effect)") from None
        bad = ~np.isin(arr, (0, 1, 2))
        if bad.any():
            r, c = np.argwhere(bad)[0]
            found = sorted({plain(v) for v in arr[bad][:1000]})
            raise DataError(f"{src}: essentiality values must be 0, 1 or 2; {int(bad.sum())} cell(s) are not, e.g. "
                            f"{plain(arr[r, c])} at row {m.index[r]!r}, column {m.columns[c]!r} (values found: "
                            f"{', '.join(found[:5])}{' …' if len(found) > 5 else ''}). Fix: is this an essentiality "
                            "matrix? Write 2 (essential), 1 (non-essential) or 0 (no short-term effect)")
        if list(m.index) != list(m.columns):
            raise DataError(f"{src}: rows (supplying industries) and columns (buying industries) must list the same "
                            f"industries in the same order (rows start {plain_list(m.index, 3)}, columns start "
                            f"{plain_list(m.columns, 3)}). Fix: make it square with the same codes both ways")
        object.__setattr__(self, "matrix", m.astype(np.int64))

    @classmethod
    def uniform(cls, industries, value: int = 1) -> Essentiality:
        ind = [str(i) for i in industries]
        return cls(pd.DataFrame(value, index=ind, columns=ind))


def read_essentiality(path) -> Essentiality:
    """Read an essentiality matrix (CSV / Parquet / Excel; first column: supplying industry; header: buying
    industries; codes as text), e.g. ``$INDUSTWIN_DATA/esri_tutorial/ess_mat_n2_ihs.csv`` (NACE rev. 2, 2-digit)."""
    from industwin.data.io import read_matrix
    return Essentiality(read_matrix(path, "essentiality matrix"))


def check_industries(codes, ess: pd.DataFrame) -> None:
    """Every firm's industry is a row of the essentiality matrix (with a hint when codes lost a leading zero)."""
    known = set(ess.index)
    missing = sorted(set(map(str, codes)) - known)
    if missing:
        padded = [c for c in missing if c.isdigit() and c.zfill(2) in known]
        unpadded = [c for c in missing if c.isdigit() and c.lstrip("0") in known]
        hint = (" — codes like '1' look like NACE '01' saved as a number (in the firm table): keep the column as text"
                if padded else " — the matrix writes these codes without the leading zero (is it saved as numbers?)"
                if unpadded else "")
        raise SelectionError(f"{len(missing)} firm industr(ies) are not in the essentiality matrix, e.g. "
                             f"{plain_list(missing, 5)}{hint}. Fix: use codes of the matrix, e.g. "
                             f"{plain_list(ess.index, 8)}, or give a matrix with the firms' codes (--essentiality)")


class CascadeModel:
    """One network and essentiality matrix, with the propagation operators built once (linear in links).

    ``stock_days`` (per firm, or one number) and ``horizon_days`` model inventories: a firm with ``k``
    days of input stock feels only ``max(0, 1 − k / horizon)`` of an input shortage over a disruption
    of ``horizon_days`` (its own capacity loss and lost sales are not buffered)."""

    def __init__(self, network: FirmNetwork, essentiality: Essentiality, stock_days=None, horizon_days: float = 30.0):
        ess = essentiality.matrix
        codes = network.firms["industry"].map(str).to_numpy()
        check_industries(codes, ess)
        pos = {k: n for n, k in enumerate(ess.index)}
        self.network, self.essentiality = network, essentiality
        self.g = np.array([pos[c] for c in codes], dtype=np.int64)
        self.ops: CascadeOperators = build_operators(network.W, self.g, ess.to_numpy().astype(np.int64))
        self.N, self.K = network.n, len(ess)
        self.r, self.c = self.ops.r, self.ops.c
        self.damp = stock_damping(stock_days, horizon_days, self.N)

    def propagate(self, psi: np.ndarray, replaceable: bool = True, eps: float = 0.01, max_iter: int = 1000,
                  combine: str = "min", xp: str = "numpy", device: str | None = None) -> dict[str, np.ndarray]:
        """Run the cascades for the scenarios in the columns of ``psi`` (N × B, capacity caps in [0, 1]),
        all firms at once (``xp="torch"`` runs on PyTorch, e.g. on a GPU with ``device="cuda"``).

        Returns ``loss`` (B, share of the network's sales), ``loss_downstream``, ``loss_upstream`` (the
        same with ``d`` or ``u`` alone), ``iterations`` (updates after the first, the reference code's count),
        and ``level`` (N × B, the firms' final levels ``f``, or ``u`` / ``d`` with ``combine``)."""
        psi = np.asarray(psi, float)
        if psi.ndim == 1:
            psi = psi[:, None]
        if psi.shape[0] != self.N or np.isnan(psi).any() or (psi < 0).any() or (psi > 1).any():
            raise SelectionError(f"psi must be {self.N} capacity caps in [0, 1] per scenario (shape {self.N} × B)")
        if combine not in ("min", "upstream", "downstream"):
            raise SelectionError(f"combine must be 'min', 'upstream' or 'downstream', not {combine!r}")
        res = run_dense(self.ops, psi, replaceable=replaceable, eps=eps, max_iter=max_iter, damp=self.damp,
                        xp=xp, device=device)
        tot = self.r.sum() or 1.0
        out = {k: res[k] / tot for k in ("loss", "loss_downstream", "loss_upstream")}
        out["iterations"] = res["iterations"]
        if combine != "min":
            out["loss"] = out["loss_" + combine]
        out["level"] = res["level" if combine == "min" else "level_" + combine]
        return out

    def scenarios(self, shocks, replaceable: bool = True, eps: float = 0.01, observe=None,
                  threads: int | None = None) -> pd.DataFrame:
        """Local cascades for a list of scenarios, each a mapping {firm id: lost share of capacity}.

        Returns one row per scenario: ``loss`` (share of the network's sales), ``loss_downstream``,
        ``loss_upstream``, ``iterations``, and the level of each ``observe`` firm (column ``level_<id>``)."""
        ptr, firm, share = [0], [], []
        for n, sc in enumerate(shocks):
            p = self.network.positions(list(sc))
            if (p < 0).any():
                unknown = [k for k, q in zip(sc, p) if q < 0]
                raise SelectionError(f"scenario {n}: unknown firm id(s) {plain_list(unknown)}")
            v = np.asarray(list(sc.values()), float)
            if np.isnan(v).any() or (v < 0).any() or (v > 1).any():
                raise SelectionError(f"scenario {n}: shocks are lost shares of capacity in [0, 1]")
            firm.extend(p)
            share.extend(v)
            ptr.append(len(firm))
        obs = self.network.positions(list(observe)) if observe is not None else np.zeros(0, np.int64)
        if (obs < 0).any():
            unknown = [o for o, q in zip(observe, obs) if q < 0]
            raise SelectionError(f"observe: unknown firm id(s) {plain_list(unknown)}")
        res = run_cascades(self.ops, np.array(ptr), np.array(firm, np.int64), np.array(share), replaceable=replaceable,
                           eps=eps, damp=self.damp, observe=obs, threads=threads)
        tot = self.r.sum() or 1.0
        df = pd.DataFrame({"loss": res["loss"] / tot, "loss_downstream": res["loss_downstream"] / tot,
                           "loss_upstream": res["loss_upstream"] / tot, "iterations": res["iterations"]})
        for k, o in enumerate(observe if observe is not None else []):
            df[f"level_{o}"] = res["observed"][:, k]
        df.index.name = "scenario"
        return df


def stock_damping(stock_days, horizon_days: float, n: int) -> np.ndarray | None:
    """Each firm's share of an input shortage it feels over ``horizon_days``: ``max(0, 1 − k_i / horizon)``."""
    if stock_days is None:
        return None
    k = np.broadcast_to(np.asarray(stock_days, float), (n,))
    if np.isnan(k).any() or (k < 0).any():
        raise SelectionError("stock_days must be non-negative numbers of days")
    if not horizon_days > 0:
        raise SelectionError(f"horizon_days must be positive, got {horizon_days}")
    return np.clip(1.0 - k / horizon_days, 0.0, 1.0)


def propagate(network: FirmNetwork, essentiality: Essentiality, psi, **kwargs) -> dict[str, np.ndarray]:
    """One or more arbitrary shock scenarios (``psi``: N capacity caps, or N × B) — see
    :meth:`CascadeModel.propagate`."""
    return CascadeModel(network, essentiality).propagate(psi, **kwargs)


def shock_scenarios(network: FirmNetwork, essentiality: Essentiality, shocks, **kwargs) -> pd.DataFrame:
    """Many arbitrary scenarios as local cascades — see :meth:`CascadeModel.scenarios`."""
    return CascadeModel(network, essentiality).scenarios(shocks, **kwargs)


_COLUMNS = ("esri", "esri_downstream", "esri_upstream", "iterations")


def _esri_block(ops, pos, replaceable, eps, damp, threads):
    res = run_cascades(ops, np.arange(len(pos) + 1), pos, np.ones(len(pos)), replaceable=replaceable, eps=eps,
                       damp=damp, threads=threads)
    return res["loss"], res["loss_downstream"], res["loss_upstream"], res["iterations"]


def esri(network: FirmNetwork | CascadeModel, essentiality: Essentiality | None = None, firms=None,
         replaceable: bool = True, eps: float = 0.01, progress=None, scheduler=None,
         chunk: int = 4096, engine: str = "local", device: str | None = None, batch: int = 256) -> pd.DataFrame:
    r"""The Economic Systemic Risk Index of every firm (or of ``firms``, by id).

    .. math:: \mathrm{ESRI}_i = \sum_j r_j \bigl(1 - f_j(\psi^{(i)})\bigr) / \sum_j r_j,
              \quad \psi^{(i)}_i = 0,\ \psi^{(i)}_{j\ne i} = 1

    the share of the network's sales lost when firm *i* alone closes (Diem et al. 2022, Sci. Rep.
    12:7719), with its downstream and upstream parts and the iterations to convergence.

    ``engine="local"`` (default) runs one local cascade per firm (only the firms it reaches) on all CPU
    cores. ``scheduler="distributed"`` (a Dask
    LocalCluster for the call) or a ``dask.distributed.Client`` spreads chunks of ``chunk`` firms over a
    cluster. ``engine="dense"`` / ``"torch"`` runs ``batch`` firms at a time over all firms (numpy, or
    PyTorch — the optional GPU path, ``device="cuda"``). ``progress(done)`` is called after each chunk.
    """
    model = network if isinstance(network, CascadeModel) else CascadeModel(network, essentiality)
    net = model.network
    ids = net.firms.index if firms is None else pd.Index(list(firms), dtype=object)
    pos = np.arange(net.n, dtype=np.int64) if firms is None else net.positions(ids)
    if (pos < 0).any():
        raise SelectionError(f"unknown firm id(s) {plain_list(ids[pos < 0])}. Fix: use ids of the firm table, e.g. "
                             f"{plain_list(net.firms.index[:3], 3)}")
    if engine not in ("local", "dense", "torch"):
        raise SelectionError(f"engine must be 'local', 'dense' or 'torch', not {engine!r}")
    out = {k: np.empty(len(pos)) for k in _COLUMNS}

    def put(s, parts):
        for k, v in zip(_COLUMNS, parts):
            out[k][s:s + len(v)] = v
        if progress is not None:
            progress(s + len(parts[0]))

    if engine != "local":
        for s in range(0, len(pos), batch):
            res = run_dense(model.ops, None, replaceable=replaceable, eps=eps, damp=model.damp,
                            xp="numpy" if engine == "dense" else "torch", device=device, levels=False,
                            closing=pos[s:s + batch])
            put(s, (res["loss"], res["loss_downstream"], res["loss_upstream"], res["iterations"]))
    elif scheduler is None:
        for s in range(0, len(pos), chunk):
            put(s, _esri_block(model.ops, pos[s:s + chunk], replaceable, eps, model.damp, None))
    else:
        _esri_on_dask(model, pos, scheduler, chunk, replaceable, eps, put)
    tot = model.r.sum() or 1.0
    for k in _COLUMNS[:3]:
        out[k] /= tot
    df = pd.DataFrame(out, index=ids)
    df["iterations"] = df["iterations"].astype(int)
    df.index.name = "firm"
    return df


def _esri_on_dask(model, pos, scheduler, chunk, replaceable, eps, put):
    """Chunks of firms as Dask tasks; the operators are scattered once to every worker."""
    from industwin.parallel import dask_client

    with dask_client(scheduler) as client:
        from dask.distributed import as_completed
        ops = client.scatter(model.ops, broadcast=True)
        damp = client.scatter(model.damp, broadcast=True) if model.damp is not None else None
        starts = list(range(0, len(pos), chunk))
        futs = {client.submit(_esri_block, ops, pos[s:s + chunk], replaceable, eps, damp, 1, pure=False): s
                for s in starts}
        for fut in as_completed(futs):
            put(futs[fut], fut.result())


# --------------------------------------------------------------------------- exposure and interventions

def supplier_impact(model: CascadeModel, firm, max_tier: int = 3, replaceable: bool = True,
                    eps: float = 0.01) -> pd.DataFrame:
    """What the failure of each upstream firm (tiers 1..``max_tier``) would do to a focal firm: its
    production level after the cascade (``level``, 1 = unharmed) and the network-wide loss. Sorted by
    harm; the firms that take the focal firm down are its critical suppliers, whether or not they are
    structural single points of failure."""
    net = model.network
    f = net.position(firm)
    Wc = net.W.tocsc()
    tier = {}
    frontier = [f]
    for t in range(1, max_tier + 1):
        nxt = []
        for j in frontier:
            for i in Wc.indices[Wc.indptr[j]:Wc.indptr[j + 1]]:
                if i != f and i not in tier:
                    tier[i] = t
                    nxt.append(i)
        frontier = nxt
    cand = np.fromiter(tier, dtype=np.int64)
    ids = net.firms.index[cand]
    res = model.scenarios([{k: 1.0} for k in ids], replaceable=replaceable, eps=eps, observe=[firm])
    df = pd.DataFrame({"tier": [tier[c] for c in cand], "industry": net.firms["industry"].to_numpy()[cand],
                       "level": res[f"level_{firm}"].to_numpy(), "network_loss": res["loss"].to_numpy()},
                      index=pd.Index(ids, name="supplier"))
    df["harm"] = 1.0 - df["level"]
    return df.sort_values(["harm", "network_loss"], ascending=False)


@dataclass(frozen=True)
class Intervention:
    """A change to test: a modified network and/or stock (days of inputs) held by some firms."""

    name: str
    network: FirmNetwork | None = None
    stock_days: dict | None = None
    involved: tuple = ()
    description: str = ""


def _moved(network: FirmNetwork, customer: int, sources: np.ndarray, targets: np.ndarray, amounts: np.ndarray,
           weights: np.ndarray) -> FirmNetwork:
    """Move ``amounts`` of the customer's purchases away from ``sources`` and spread them over ``targets``
    in proportion to ``weights``."""
    W = network.W.tolil(copy=True)
    moved = 0.0
    for s, a in zip(sources, amounts):
        W[s, customer] = W[s, customer] - a
        moved += a
    w = np.asarray(weights, float)
    w = w / w.sum()
    for t, share in zip(targets, w):
        W[t, customer] = W[t, customer] + moved * share
    W = sp.csr_array(W)
    W.eliminate_zeros()
    return FirmNetwork(W, network.firms, network.unit)


def _firm(network: FirmNetwork, firm) -> int:
    return network.position(firm)


def second_supplier(network: FirmNetwork, firm, input_industry, supplier=None, share: float = 0.5) -> Intervention:
    """Buy ``share`` of an input from one more supplier of the same industry, taking it from the current
    suppliers pro rata. Default supplier: among the industry's firms that do not supply the firm yet and
    sell at least the moved value, the smallest — the one its industry could most easily replace (the
    largest firm is the usual pick and, under supplier replaceability, often a new single point of failure);
    without such a firm, the largest."""
    f = _firm(network, firm)
    ind = network.firms["industry"].map(str).to_numpy()
    k = str(input_industry)
    col = network.W[:, [f]].tocoo()
    cur = col.row[ind[col.row] == k]
    if not len(col.row):
        raise SelectionError(f"firm {firm!r} has no suppliers in the network, so none can be doubled. Fix: choose a "
                             "firm that buys from others")
    if not len(cur):
        near = [c for c in sorted(set(ind[col.row])) if c.lstrip("0") == k.lstrip("0")]
        raise SelectionError(f"firm {firm!r} buys nothing from industry {k!r}"
                             + (f" (did you mean {near[0]!r}?)" if near else "") + "; its inputs come from "
                             f"{', '.join(sorted(set(ind[col.row])))}. Fix: name one of those industries")
    if not 0 < share < 1:
        raise SelectionError(f"share must be in (0, 1), got {share}")
    if supplier is None:
        pool = np.flatnonzero(ind == k)
        pool = pool[~np.isin(pool, cur) & (pool != f)]
        if not len(pool):
            raise SelectionError(f"industry {k!r} has no other firm to add as a supplier. Fix: choose another input "
                                 "industry, or name the supplier")
        vals0 = np.asarray(network.W[cur, np.full(len(cur), f)]).ravel()
        sales = network.out_strength[pool]
        able = pool[sales >= share * vals0.sum()]
        s = int(able[np.argmin(network.out_strength[able])]) if len(able) else int(pool[np.argmax(sales)])
    else:
        s = _firm(network, supplier)
        if ind[s] != k:
            raise SelectionError(f"supplier {supplier!r} is in industry {ind[s]!r}, not {k!r}")
    vals = np.asarray(network.W[cur, np.full(len(cur), f)]).ravel()
    new = _moved(network, f, cur, np.array([s]), vals * share, np.ones(1))
    return Intervention(f"second supplier of {k} for {firm}", new, None,
                        (firm, network.firms.index[s], *network.firms.index[cur]),
                        f"{share:.0%} of {firm}'s purchases from industry {k} move to {network.firms.index[s]}")


def rewire(network: FirmNetwork, customer, old_supplier, new_supplier, share: float = 1.0) -> Intervention:
    """Move ``share`` of what ``customer`` buys from ``old_supplier`` to ``new_supplier``."""
    c, o, n = _firm(network, customer), _firm(network, old_supplier), _firm(network, new_supplier)
    v = float(network.W[o, c])
    if v <= 0:
        raise SelectionError(f"{old_supplier!r} does not supply {customer!r}")
    if not 0 < share <= 1:
        raise SelectionError(f"share must be in (0, 1], got {share}")
    new = _moved(network, c, np.array([o]), np.array([n]), np.array([v * share]), np.ones(1))
    return Intervention(f"rewire {customer}: {old_supplier} → {new_supplier}", new, None,
                        (customer, old_supplier, new_supplier))


def reshore(network: FirmNetwork, firm, home, input_industry=None, column: str = "region",
            suppliers: int = 2) -> Intervention:
    """Buy from suppliers at ``home`` (a value of the firm table's ``column``, e.g. a country or place)
    what the firm now buys elsewhere, input by input (all inputs, or ``input_industry``): each input's
    foreign purchases move to the ``suppliers`` largest home firms of that industry."""
    if column not in network.firms.columns:
        raise SelectionError(f"the firm table has no {column!r} column")
    f = _firm(network, firm)
    ind = network.firms["industry"].map(str).to_numpy()
    where = network.firms[column].to_numpy()
    col = network.W[:, [f]].tocoo()
    away = col.row[(where[col.row] != home) & ((ind[col.row] == str(input_industry)) if input_industry is not None
                                              else True)]
    if not len(away):
        raise SelectionError(f"firm {firm!r} buys nothing from outside {home!r}"
                             + (f" in industry {input_industry!r}" if input_industry is not None else ""))
    net = network
    moved_to = []
    for k in sorted(set(ind[away])):
        src = away[ind[away] == k]
        pool = np.flatnonzero((ind == k) & (where == home))
        pool = pool[pool != f]
        if not len(pool):
            raise SelectionError(f"no firm of industry {k!r} at {home!r} to reshore to. Fix: choose another place, or "
                                 "an input industry that has firms there")
        top = pool[np.argsort(-network.out_strength[pool])[:suppliers]]
        vals = np.asarray(net.W[src, np.full(len(src), f)]).ravel()
        net = _moved(net, f, src, top, vals, np.maximum(network.out_strength[top], 1e-12))
        moved_to += list(network.firms.index[top])
    return Intervention(f"reshore {firm} to {home}", net, None, (firm, *moved_to))


def add_stock(firms, days: float, name: str | None = None) -> Intervention:
    """Firms keep ``days`` of inputs in stock (see :class:`CascadeModel`'s ``stock_days``)."""
    firms = list(firms) if isinstance(firms, (list, tuple, np.ndarray, pd.Index)) else [firms]
    return Intervention(name or f"{days:g} days of stock at {len(firms)} firm(s)", None,
                        {f: float(days) for f in firms}, tuple(firms))


def assess_interventions(network: FirmNetwork, essentiality: Essentiality, interventions, firms=None,
                         focal=None, horizon_days: float = 30.0, replaceable: bool = True,
                         eps: float = 0.01) -> pd.DataFrame:
    """Re-score the network after each intervention. ``systemic_risk`` is the sum of the ESRI of the
    evaluated firms (all firms, or ``firms``); ``removed`` what the intervention takes off the baseline
    (also in %); ``max_esri`` the largest single-firm ESRI; with ``focal``, the focal firm's own ESRI and
    its ``exposure``: the mean and worst harm to it from the failure of any of its tier-1..3 suppliers."""
    def score(net, stock):
        days = None
        if stock:
            days = np.zeros(net.n)
            pos = net.positions(list(stock))
            if (pos < 0).any():
                unknown = [s for s, p in zip(stock, pos) if p < 0]
                raise SelectionError(f"stock for unknown firm(s) {plain_list(unknown)}")
            days[pos] = list(stock.values())
        model = CascadeModel(net, essentiality, stock_days=days, horizon_days=horizon_days)
        e = esri(model, firms=firms, replaceable=replaceable, eps=eps)
        row = {"systemic_risk": e["esri"].sum(), "max_esri": e["esri"].max(), "firms_scored": len(e)}
        if focal is not None:
            imp = supplier_impact(model, focal, replaceable=replaceable, eps=eps)
            row.update({"focal_esri": float(esri(model, firms=[focal], replaceable=replaceable, eps=eps)["esri"].iloc[0]),
                        "focal_exposure_mean": imp["harm"].mean() if len(imp) else 0.0,
                        "focal_exposure_worst": imp["harm"].max() if len(imp) else 0.0})
        return row

    rows = {"baseline": score(network, None)}
    for iv in interventions:
        rows[iv.name] = score(iv.network or network, iv.stock_days)
    df = pd.DataFrame.from_dict(rows, orient="index")
    base = df.loc["baseline", "systemic_risk"]
    df.insert(1, "removed", base - df["systemic_risk"])
    df.insert(2, "removed_pct", 100 * df["removed"] / base if base else 0.0)
    df.index.name = "intervention"
    return df
