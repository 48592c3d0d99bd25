"""A deterministic generator of realistic synthetic national firm networks.

Firms are drawn industry by industry from an input–output table: each industry gets a number of firms in
proportion to its output, firm sizes are heavy-tailed (Pareto), links between a supplying and a buying
industry are drawn in proportion to the table's flow between them, and within the industries a firm is
chosen with probability rising with its size (so degrees are heavy-tailed too). The table's flow between
the two industries is shared among their links in proportion to ``√(size_supplier · size_customer)``
times log-normal noise, so the network's industry × industry flows equal the table's (up to the flows
that drew no link). Same arguments, same network.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from industwin.core.firms import FirmNetwork
from industwin.errors import SelectionError

__all__ = ["synthetic_network", "nace_flows"]


def nace_flows(mrio=None, region: str | None = None, divisions=None) -> tuple[pd.DataFrame, pd.Series, dict[str, str]]:
    """Industry × industry flows at NACE 2-digit level from a table whose sectors are NACE / ISIC codes
    (default: the WIOD 2016 national table of the USA, 2014): a sector's flows and output are split equally
    among its divisions. Returns the flows (supplying rows, buying columns), the output per division and
    the division → sector map."""
    from industwin.data.nace import division_to_sector
    if mrio is None:
        from industwin.data.registry import load
        mrio = load("wiod2016_usa", 2014)
    regions = list(dict.fromkeys(mrio.index.get_level_values(0)))
    region = regions[0] if region is None else region
    if region not in regions:
        raise SelectionError(f"region {region!r} is not in the table; choose among {regions[:10]}")
    pos = np.flatnonzero(mrio.index.get_level_values(0) == region)
    sectors = list(mrio.index.get_level_values(1)[pos])
    Z = np.asarray(mrio.Z[np.ix_(pos, pos)].toarray() if sp.issparse(mrio.Z) else mrio.Z[np.ix_(pos, pos)])
    d2s = division_to_sector(sectors, divisions)
    divs = sorted(d2s)
    s_pos = {s: k for k, s in enumerate(sectors)}
    share = pd.Series([d2s[d] for d in divs]).map(pd.Series([d2s[d] for d in divs]).value_counts()).to_numpy()
    idx = np.array([s_pos[d2s[d]] for d in divs])
    F = Z[np.ix_(idx, idx)] / np.outer(share, share)
    x = np.asarray(mrio.x)[pos][idx] / share
    return (pd.DataFrame(F, index=pd.Index(divs, name="supplying"), columns=pd.Index(divs, name="buying")),
            pd.Series(x, index=pd.Index(divs, name="industry"), name="output"), d2s)


def _allocate(total: int, weights: np.ndarray, minimum: int = 0) -> np.ndarray:
    """Largest-remainder split of ``total`` in proportion to ``weights`` (each at least ``minimum``)."""
    w = np.asarray(weights, float)
    base = np.where(w > 0, minimum, 0)
    rest = total - base.sum()
    if rest < 0:
        raise SelectionError(f"{total} is too few to give every industry {minimum}")
    q = rest * w / w.sum()
    n = np.floor(q).astype(np.int64)
    n[np.argsort(-(q - n), kind="stable")[: rest - n.sum()]] += 1
    return base + n


def synthetic_network(n_firms: int = 10_000, links_per_firm: float = 3.2, flows: pd.DataFrame | None = None,
                      output: pd.Series | None = None, seed: int = 0, size_tail: float = 1.3,
                      attachment: float = 0.8, noise: float = 1.0, region: str = "USA",
                      sector_of: dict | None = None, locations: int = 20, locality: float = 0.5,
                      unit: str = "M USD") -> FirmNetwork:
    """A synthetic firm network of ``n_firms`` firms and about ``links_per_firm × n_firms`` links.

    ``flows``: supplying × buying industry flows and ``output`` the industries' gross output (default
    :func:`nace_flows`: the US 2014 table at NACE 2-digit level, whose codes the essentiality matrices of
    Diem et al. use; without ``output``, what an industry sells to the others). ``size_tail``: the Pareto
    exponent of firm sizes (smaller: heavier tail); ``attachment``: link probability ∝ size^attachment;
    ``noise``: σ of the log-normal link-value noise. Firms sit in one of ``locations`` places (sizes of
    places falling as 1/rank), and a share ``locality`` of the links is drawn within the customer's place
    (where it has a supplier of the industry), the rest nationwide. A customer's purchases from an industry are in
    proportion to its size (so firms buy what their industry's recipe says, never more than they make);
    within them, suppliers weigh by size × noise. The firm table has ``industry``, ``sector`` (the table's
    sector, when known), ``region``, ``location`` and ``size`` (gross output in ``unit``).
    """
    if n_firms < 2:
        raise SelectionError(f"n_firms must be at least 2, got {n_firms}")
    if not links_per_firm > 0 or not size_tail > 0:
        raise SelectionError("links_per_firm and size_tail must be positive")
    if flows is None:
        flows, output, sector_of = nace_flows()
    F = np.asarray(flows, float)
    if F.shape[0] != F.shape[1] or (F < 0).any() or not np.isfinite(F).all():
        raise SelectionError("flows must be a square table of non-negative industry × industry flows")
    codes = np.asarray(flows.index.map(str))
    x_k = F.sum(1) if output is None else np.asarray(pd.Series(output).reindex(flows.index), float)
    if np.isnan(x_k).any():
        raise SelectionError("output must give every industry of flows its gross output")
    rng = np.random.default_rng(seed)
    K = len(codes)
    weight = F.sum(1) + F.sum(0)                                 # firms where the economy trades
    n_k = _allocate(n_firms, weight, minimum=1 if n_firms >= (weight > 0).sum() else 0)
    ind = np.repeat(np.arange(K), n_k)                          # firms ordered by industry
    start = np.r_[0, np.cumsum(n_k)]
    raw = rng.pareto(size_tail, n_firms) + 1.0
    tot = np.bincount(ind, weights=raw, minlength=K)
    size = raw / tot[ind] * x_k[ind]                            # industry's output shared by size
    att = raw ** attachment
    cum = np.cumsum(att)
    lo_c = np.r_[0.0, cum][start[:-1]]
    span = np.r_[0.0, cum][start[1:]] - lo_c

    L = int(round(links_per_firm * n_firms))
    valid = (n_k[:, None] > 0) & (n_k[None, :] > 0) & (F > 0)
    p = np.where(valid, F, 0.0).ravel()
    counts = rng.multinomial(L, p / p.sum())
    pair = np.repeat(np.arange(K * K), counts)
    k, l = pair // K, pair % K

    def pick(kk):
        u = rng.random(len(kk))
        return np.minimum(np.searchsorted(cum, lo_c[kk] + u * span[kk], side="right"), start[kk + 1] - 1)

    cus = pick(l)
    sup = pick(k)
    if locations > 1 and locality > 0:
        # firms' places; links drawn locally pick the supplier among firms of industry k in the customer's place
        zp = 1.0 / np.arange(1, locations + 1)
        loc = rng.choice(locations, n_firms, p=zp / zp.sum())
        order = np.lexsort((loc, ind))                          # by industry, then place
        key = ind[order] * locations + loc[order]
        cz = np.cumsum(att[order])
        gstart = np.searchsorted(key, np.arange(K * locations + 1))
        local = rng.random(len(cus)) < locality
        gk = k[local] * locations + loc[cus[local]]
        lo, hi = gstart[gk], gstart[gk + 1]
        has = hi > lo
        base = np.r_[0.0, cz]
        u = rng.random(int(has.sum()))
        a, b = base[lo[has]], base[hi[has]]
        q = np.minimum(np.searchsorted(cz, a + u * (b - a), side="right"), hi[has] - 1)
        idx = np.flatnonzero(local)[has]
        sup[idx] = order[q]
    else:
        loc = np.zeros(n_firms, dtype=np.int64)
    keep = sup != cus
    sup, cus, k = sup[keep], cus[keep], k[keep]
    W = sp.coo_array((np.ones(len(sup)), (sup, cus)), shape=(n_firms, n_firms)).tocsr()  # unique links
    W.sum_duplicates()
    co = W.tocoo()
    sup, cus = co.row.astype(np.int64), co.col.astype(np.int64)
    k, l = ind[sup], ind[cus]
    # supplier weights within a customer's purchases from one industry
    w = size[sup] * rng.lognormal(0.0, noise, len(sup))
    ck = cus * K + k
    u_ck, inv = np.unique(ck, return_inverse=True)
    w = w / np.bincount(inv, weights=w)[inv]
    # a customer's purchases from industry k ∝ its size, among the customers linked to k
    c_of, k_of = u_ck // K, u_ck % K
    pair_kl = k_of * K + ind[c_of]
    tot_kl = np.bincount(pair_kl, weights=size[c_of], minlength=K * K)
    buy = F.ravel()[pair_kl] * size[c_of] / tot_kl[pair_kl]
    val = buy[inv] * w
    W = sp.csr_array((val, (sup, cus)), shape=(n_firms, n_firms))
    firms = pd.DataFrame({"industry": codes[ind], "region": region, "location": loc, "size": size},
                         index=pd.RangeIndex(n_firms, name="firm"))
    if sector_of:
        firms.insert(1, "sector", pd.Series(codes[ind]).map(sector_of).to_numpy())
    return FirmNetwork(W, firms, unit)
