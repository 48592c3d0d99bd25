"""Hidden supplier–customer links: predict the links a partially observed firm network misses.

The usual situation: a company knows its tier-1 suppliers; a ministry sees domestic invoices but not
every transaction. Each candidate link *i → j* gets features from the observed network and from the
sector table — degrees and strengths, common partners (how many of *i*'s customers share a supplier
with *j*), whether *i* already sells to *j*'s industry and *j* already buys from *i*'s industry, and the
industry-pair flow of the input–output table — and a gradient-boosted classifier (scikit-learn's
``HistGradientBoostingClassifier``) learns which candidates are real links.

Evaluation hides a share of the links, trains on the rest (features from one part of the observed
links, labels from another, so no link sees itself) and scores the hidden ones against **customer ×
supplier negatives**: for every hidden link *i → j*, a non-link *i' → j* with *i'* from *i*'s industry
and a non-link *i → j'* with *j'* from *j*'s industry — the decisions a user actually faces. Random-pair
negatives are reported beside them only to show how much they flatter a model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from industwin.core.firms import FirmNetwork
from industwin.errors import SelectionError

__all__ = ["hide_links", "link_features", "LinkPredictor", "evaluate_link_prediction", "add_links",
           "hard_negatives"]

FEATURES = ["log_out_degree_i", "log_in_degree_j", "log_sales_i", "log_purchases_j", "common_partners",
            "log_common_partners", "i_sells_to_industry_j", "j_buys_from_industry_i", "log_pair_flow",
            "pair_input_share", "pair_sales_share", "same_region", "same_location"]


def hide_links(network: FirmNetwork, share: float = 0.2, seed: int = 0) -> tuple[FirmNetwork, pd.DataFrame]:
    """Split a network into an observed part and a hidden share of its links (returned as an edge list
    with positions ``i``, ``j`` and ``value``)."""
    if not 0 < share < 1:
        raise SelectionError(f"share must be in (0, 1), got {share}")
    coo = network.W.tocoo()
    rng = np.random.default_rng(seed)
    hide = rng.random(coo.nnz) < share
    obs = sp.csr_array((coo.data[~hide], (coo.row[~hide], coo.col[~hide])), shape=network.W.shape)
    hidden = pd.DataFrame({"i": coo.row[hide].astype(np.int64), "j": coo.col[hide].astype(np.int64),
                           "value": coo.data[hide]})
    return FirmNetwork(obs, network.firms, network.unit), hidden


def _industry_codes(network: FirmNetwork, flows: pd.DataFrame | None):
    ind = network.firms["industry"].map(str)
    if flows is None:
        codes = sorted(set(ind))
    else:
        codes = [str(c) for c in flows.index]
    pos = {c: k for k, c in enumerate(codes)}
    g = ind.map(pos)
    if g.isna().any():
        raise SelectionError(f"firm industries missing from the flows table, e.g. {sorted(set(ind[g.isna()]))[:5]}")
    return g.to_numpy(np.int64), len(codes)


def _prior(network: FirmNetwork, flows: pd.DataFrame | None, g: np.ndarray, K: int) -> np.ndarray:
    """Industry × industry flows: the sector table's (``flows``) or, without one, the observed network's."""
    if flows is not None:
        return np.asarray(flows, float)
    coo = network.W.tocoo()
    return np.bincount(g[coo.row] * K + g[coo.col], weights=coo.data, minlength=K * K).reshape(K, K)


def link_features(network: FirmNetwork, i: np.ndarray, j: np.ndarray, flows: pd.DataFrame | None = None,
                  batch: int = 50_000) -> pd.DataFrame:
    """Features of candidate links ``i → j`` (firm positions) on the observed ``network``; ``flows``: the
    sector table's supplying × buying industry flows (e.g. from :func:`industwin.core.firm_synthetic.nace_flows`),
    or ``None`` to use the observed network's own industry flows."""
    i, j = np.asarray(i, np.int64), np.asarray(j, np.int64)
    B = network.W.copy()
    B.data[:] = 1.0
    BT = B.T.tocsr()
    g, K = _industry_codes(network, flows)
    F = _prior(network, flows, g, K)
    outdeg, indeg = np.diff(B.indptr), np.diff(BT.indptr)
    r, c = network.out_strength, network.in_strength
    # does i already sell to j's industry / j already buy from i's industry
    G = sp.csr_array((np.ones(network.n), (np.arange(network.n), g)), shape=(network.n, K))
    sells = (B @ G).tocsr()        # firm × industry: customers of the firm in each industry
    buys = (BT @ G).tocsr()        # firm × industry: suppliers of the firm in each industry
    cn = np.empty(len(i))
    for s in range(0, len(i), batch):
        ii, jj = i[s:s + batch], j[s:s + batch]
        Q = B[ii] @ BT                           # pairs × suppliers: customers i shares with each supplier
        R = BT[jj]                               # pairs × suppliers: suppliers of j
        cn[s:s + batch] = np.asarray(Q.multiply(R).sum(axis=1)).ravel()
    tot_in = F.sum(0)
    tot_out = F.sum(1)
    f = F[g[i], g[j]]
    same = {}
    for col in ("region", "location"):
        same[col] = np.zeros(len(i))
        if col in network.firms.columns:
            v = network.firms[col].to_numpy()
            same[col] = (v[i] == v[j]).astype(float)
    return pd.DataFrame({
        "log_out_degree_i": np.log1p(outdeg[i]), "log_in_degree_j": np.log1p(indeg[j]),
        "log_sales_i": np.log1p(r[i]), "log_purchases_j": np.log1p(c[j]),
        "common_partners": cn, "log_common_partners": np.log1p(cn),
        "i_sells_to_industry_j": np.asarray(sells[i, g[j]]).ravel(),
        "j_buys_from_industry_i": np.asarray(buys[j, g[i]]).ravel(),
        "log_pair_flow": np.log1p(f), "pair_input_share": f / np.where(tot_in[g[j]] > 0, tot_in[g[j]], 1),
        "pair_sales_share": f / np.where(tot_out[g[i]] > 0, tot_out[g[i]], 1),
        "same_region": same["region"], "same_location": same["location"]})


def _linked(W: sp.csr_array, i, j) -> np.ndarray:
    return np.asarray(W[i, j]).ravel() > 0


def hard_negatives(network: FirmNetwork, i: np.ndarray, j: np.ndarray, seed: int = 0,
                   exclude: sp.csr_array | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Customer × supplier negative sampling: for each link *i → j*, a supplier *i'* of *i*'s industry
    with no link to *j*, and a customer *j'* of *j*'s industry with no link from *i* (pairs linked in
    ``network`` or ``exclude`` are redrawn, up to 20 times, then dropped)."""
    rng = np.random.default_rng(seed)
    g = pd.factorize(network.firms["industry"].map(str))[0]
    order = np.argsort(g, kind="stable")
    start = np.searchsorted(g[order], np.arange(g.max() + 2))
    known = network.W if exclude is None else (network.W + exclude).tocsr()

    def draw(fixed, vary, as_supplier):
        k = g[vary]
        out = np.full(len(vary), -1, np.int64)
        todo = np.arange(len(vary))
        for _ in range(20):
            if not len(todo):
                break
            lo, hi = start[k[todo]], start[k[todo] + 1]
            cand = order[lo + (rng.random(len(todo)) * (hi - lo)).astype(np.int64)]
            a, b = (cand, fixed[todo]) if as_supplier else (fixed[todo], cand)
            ok = (a != b) & ~_linked(known, a, b)
            out[todo[ok]] = cand[ok]
            todo = todo[~ok]
        return out

    si = draw(j, i, True)
    cj = draw(i, j, False)
    ni = np.r_[si, i][np.r_[si >= 0, cj >= 0]]
    nj = np.r_[j, cj][np.r_[si >= 0, cj >= 0]]
    return ni, nj


@dataclass
class LinkPredictor:
    """Gradient-boosted link classifier on :func:`link_features` (scikit-learn
    ``HistGradientBoostingClassifier``). ``fit`` learns from an observed network by holding out
    ``supervision`` of its links as positives (features from the rest) against customer × supplier
    negatives."""

    flows: pd.DataFrame | None = None
    supervision: float = 0.2
    seed: int = 0
    max_iter: int = 200

    def fit(self, network: FirmNetwork) -> "LinkPredictor":
        from sklearn.ensemble import HistGradientBoostingClassifier
        feat_net, sup = hide_links(network, self.supervision, seed=self.seed + 1)
        if len(sup) < 10:
            raise SelectionError(f"too few observed links to learn from ({int(network.links)} — at least 50 are "
                                 "needed). Fix: use a larger network, or hide a smaller share of its links")
        ni, nj = hard_negatives(feat_net, sup["i"].to_numpy(), sup["j"].to_numpy(), seed=self.seed + 2,
                                exclude=network.W)
        i = np.r_[sup["i"].to_numpy(), ni]
        j = np.r_[sup["j"].to_numpy(), nj]
        y = np.r_[np.ones(len(sup)), np.zeros(len(ni))]
        X = link_features(feat_net, i, j, self.flows)
        self.model_ = HistGradientBoostingClassifier(max_iter=self.max_iter, learning_rate=0.1,
                                                     random_state=self.seed).fit(X[FEATURES], y)
        return self

    def predict_proba(self, network: FirmNetwork, i, j) -> np.ndarray:
        """Probability that ``i → j`` is a link, with features from the observed ``network``."""
        if not hasattr(self, "model_"):
            raise SelectionError("fit the predictor first")
        return self.model_.predict_proba(link_features(network, i, j, self.flows)[FEATURES])[:, 1]

    def candidates(self, network: FirmNetwork, customer, top: int = 10, industries=None) -> pd.DataFrame:
        """The most likely missing suppliers of one firm (among firms of ``industries``, default the
        industries the table says it buys from), with their probability."""
        j = network.position(customer)
        ind = network.firms["industry"].map(str).to_numpy()
        if industries is None:
            g, K = _industry_codes(network, self.flows)
            F = _prior(network, self.flows, g, K)
            codes = np.array(sorted(set(ind)) if self.flows is None else [str(c) for c in self.flows.index])
            industries = codes[F[:, g[j]] > 0]
        pool = np.flatnonzero(np.isin(ind, list(map(str, industries))))
        pool = pool[(pool != j) & ~_linked(network.W, pool, np.full(len(pool), j))]
        p = self.predict_proba(network, pool, np.full(len(pool), j))
        top_idx = np.argsort(-p)[:top]
        return pd.DataFrame({"supplier": network.firms.index[pool[top_idx]], "industry": ind[pool[top_idx]],
                             "probability": p[top_idx]})


def evaluate_link_prediction(network: FirmNetwork, hide: float = 0.2, flows: pd.DataFrame | None = None,
                             seed: int = 0, max_test: int = 50_000) -> pd.DataFrame:
    """Hide ``hide`` of the links, fit on the rest, and score the hidden links. Returns ROC-AUC and average
    precision of the model and of two simple baselines (preferential attachment: degree product; the
    sector table's industry-pair flow), against customer × supplier negatives and, for comparison only,
    random-pair negatives."""
    from sklearn.metrics import average_precision_score, roc_auc_score
    obs, hidden = hide_links(network, hide, seed=seed)
    if len(hidden) > max_test:
        hidden = hidden.sample(max_test, random_state=seed)
    model = LinkPredictor(flows=flows, seed=seed).fit(obs)
    hi, hj = hidden["i"].to_numpy(), hidden["j"].to_numpy()
    rng = np.random.default_rng(seed + 3)
    negs = {"customer x supplier": hard_negatives(obs, hi, hj, seed=seed + 4, exclude=network.W)}
    ri, rj = rng.integers(0, network.n, 2 * len(hi)), rng.integers(0, network.n, 2 * len(hi))
    ok = (ri != rj) & ~_linked(network.W, ri, rj)
    negs["random pairs"] = (ri[ok], rj[ok])
    rows = []
    for name, (ni, nj) in negs.items():
        i, j = np.r_[hi, ni], np.r_[hj, nj]
        y = np.r_[np.ones(len(hi)), np.zeros(len(ni))]
        X = link_features(obs, i, j, flows)
        scores = {"gradient boosting": model.model_.predict_proba(X[FEATURES])[:, 1],
                  "degree product": X["log_out_degree_i"] + X["log_in_degree_j"],
                  "industry-pair flow": X["log_pair_flow"]}
        for m, sc in scores.items():
            rows.append({"negatives": name, "model": m, "roc_auc": roc_auc_score(y, sc),
                         "average_precision": average_precision_score(y, sc), "positives": len(hi),
                         "negatives_n": len(ni)})
    return pd.DataFrame(rows).set_index(["negatives", "model"])


def add_links(network: FirmNetwork, i, j, value) -> FirmNetwork:
    """The network with links ``i → j`` (positions) added (values summed where a link exists)."""
    i, j = np.asarray(i, np.int64), np.asarray(j, np.int64)
    v = np.broadcast_to(np.asarray(value, float), i.shape)
    if (v < 0).any() or np.isnan(v).any() or (i == j).any():
        raise SelectionError("added links need non-negative values and distinct endpoints")
    W = network.W + sp.csr_array((v, (i, j)), shape=network.W.shape)
    return FirmNetwork(W, network.firms, network.unit)
