"""Multi-tier visibility on a firm network, and its place in the MRIO.

For a focal firm: its supplier (or customer) tiers 1..n with the value reaching it through each tier,
firms that appear at several tiers, the industries and regions it depends on beyond tier 1, the
concentration of each of its inputs, single points of failure (dominators of the essential supply
chains) and the harm each upstream firm's failure would do to it (the ESRI cascade, observed at the
focal firm). Firms are placed in an MRIO's country-sectors so firm results sit beside sector results.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from industwin.core.firms import FirmNetwork
from industwin.data.limits import check_memory, largest
from industwin.errors import SelectionError

__all__ = ["TierMap", "tiers", "input_concentration", "single_points_of_failure", "sector_flows",
           "mrio_positions", "mrio_coverage"]


def _output(net: FirmNetwork) -> np.ndarray:
    """Each firm's gross output: ``size`` when the firm table has it, never below its sales to the network."""
    r, c = net.out_strength, net.in_strength
    x = np.maximum(r, c)
    if "size" in net.firms.columns:
        s = pd.to_numeric(net.firms["size"], errors="coerce").to_numpy(float)
        x = np.where(np.isfinite(s), np.maximum(s, r), x)
    return x


def _pos(net: FirmNetwork, firm) -> int:
    return net.position(firm)


@dataclass(frozen=True)
class TierMap:
    """The tiers of one focal firm. ``firms``: one row per firm reached (``tier`` = first tier it appears
    at, ``tiers`` = how many tiers it appears at, ``value_t<k>`` = value reaching the focal firm through
    tier k, ``value`` = their sum, plus the firm's industry / region). ``by_tier``: firms and value per
    tier. ``beyond_tier1``: value by industry (and region) from tiers ≥ 2, beside tier 1."""

    focal: object
    direction: str
    firms: pd.DataFrame
    by_tier: pd.DataFrame
    beyond_tier1: pd.DataFrame
    unit: str = ""
    notes: dict = field(default_factory=dict)

    @property
    def multi_tier(self) -> pd.DataFrame:
        """Firms that appear at more than one tier (the same supplier met again deeper in the chain)."""
        return self.firms[self.firms["tiers"] > 1].sort_values("value", ascending=False)


NEGLIGIBLE = 1e-12        # a tier carrying less than this share of tier 1's value ends the tiers


def tiers(network: FirmNetwork, firm, direction: str = "upstream", max_tier: int = 4) -> TierMap:
    r"""Tiers 1..``max_tier`` of a focal firm *f* and the value reaching it through each.

    Upstream, the value of *f*'s purchases embodied from supplier *i* at tier *t* is

    .. math:: v_t = (W \hat{x}^{-1})^{t-1} W e_f,

    i.e. firm *j* passes on its inputs in proportion to its sales (``W_ij / x_j`` per unit of its output,
    ``x`` gross output: the ``size`` column when given); downstream, symmetrically,
    ``u_t = e_f' W (\hat{x}^{-1} W)^{t-1}`` — where the focal firm's sales end up. A firm reached by paths
    of several lengths appears at several tiers (cf. the tier-n decomposition of Leontief's inverse,
    Miller & Blair 2009 §6.5, applied to a firm network). The tiers stop early where a tier carries no more than
    1e-12 of tier 1's value (``notes["deepest_tier"]``); ``max_tier`` is bounded by the memory budget."""
    if direction not in ("upstream", "downstream"):
        raise SelectionError(f"direction must be 'upstream' or 'downstream', not {direction!r}")
    if isinstance(max_tier, bool) or not isinstance(max_tier, int | np.integer) or max_tier < 1:
        raise SelectionError(f"max_tier must be a whole number of at least 1, got {max_tier!r}")
    per_tier = 8.0 * 3 * network.n                     # one value column per tier, and the copies that build it
    check_memory(per_tier * max_tier, f"{int(max_tier):,} tiers of {network.n:,} firms",
                 f"a max tier of at most {largest(per_tier):,} fits; past the first ~10 tiers a network passes on "
                 "ever smaller value, so a small --max-tier loses little")
    f = _pos(network, firm)
    W = network.W if direction == "upstream" else network.W.T.tocsr()
    x = _output(network)
    xinv = 1.0 / np.where(x > 0, x, 1.0)
    v = np.asarray(W[:, [f]].toarray()).ravel()
    vals = []
    notes = {}
    first_total = None
    for t in range(int(max_tier)):
        v = v.copy()
        v[f] = 0.0                  # paths back through the focal firm are its own business
        total = float(v.sum())
        first_total = total if first_total is None else first_total
        if t and total <= NEGLIGIBLE * first_total and first_total > 0:
            notes["deepest_tier"] = t          # nothing of weight reaches further: a chain ends, a cycle fades
            break
        vals.append(v)
        v = W @ (v * xinv)
    if not (vals[0] > 0).any():
        vals = vals[:1]
        notes.pop("deepest_tier", None)
        notes["empty"] = (f"firm {firm} has no {'suppliers' if direction == 'upstream' else 'customers'} in this "
                          "network: tier 1 is empty")
    max_tier = len(vals)
    V = np.column_stack(vals)
    reached = np.flatnonzero((V > 0).any(axis=1))
    Vr = V[reached]
    first = (Vr > 0).argmax(axis=1) + 1
    df = pd.DataFrame(Vr, columns=[f"value_t{t}" for t in range(1, max_tier + 1)],
                      index=network.firms.index[reached])
    df.insert(0, "tier", first)
    df.insert(1, "tiers", (Vr > 0).sum(axis=1))
    df["value"] = Vr.sum(axis=1)
    for col in ("industry", "region", "sector"):
        if col in network.firms.columns:
            df[col] = network.firms[col].to_numpy()[reached]
    df = df.sort_values(["tier", "value"], ascending=[True, False])
    by_tier = pd.DataFrame({"firms": [(V[:, t] > 0).sum() for t in range(max_tier)],
                            "value": V.sum(axis=0)}, index=pd.RangeIndex(1, max_tier + 1, name="tier"))
    by_tier["share_of_tier1"] = by_tier["value"] / (by_tier["value"].iloc[0] or 1.0)
    keys = [c for c in ("region", "industry") if c in df.columns]
    deep = df[[f"value_t{t}" for t in range(2, max_tier + 1)]].sum(axis=1)
    beyond = pd.DataFrame({"tier1": df["value_t1"], "tier2plus": deep})
    for k in keys:
        beyond[k] = df[k]
    beyond = beyond.groupby(keys).sum() if keys else beyond.sum().to_frame().T
    beyond["hidden_share"] = beyond["tier2plus"] / (beyond["tier1"] + beyond["tier2plus"]).where(lambda s: s > 0)
    beyond = beyond.sort_values("tier2plus", ascending=False)
    return TierMap(firm, direction, df, by_tier, beyond, network.unit, notes)


def input_concentration(network: FirmNetwork, firm, essentiality=None) -> pd.DataFrame:
    r"""Each input (supplying industry) of a focal firm: tier-1 suppliers, purchases, the largest supplier's
    share and the Herfindahl–Hirschman index ``HHI_k = Σ_i s_ik²`` of the suppliers' shares ``s_ik``; with an
    :class:`~industwin.analysis.firm_risk.Essentiality` matrix, whether the input is essential."""
    f = _pos(network, firm)
    col = network.W[:, [f]].tocoo()
    sup, val = col.row, col.data
    ind = network.firms["industry"].map(str).to_numpy()
    d = pd.DataFrame({"supplier": network.firms.index[sup], "industry": ind[sup], "value": val})
    tot = d.groupby("industry")["value"].transform("sum")
    d["share"] = d["value"] / tot
    out = d.groupby("industry").agg(suppliers=("supplier", "size"), value=("value", "sum"),
                                    top_share=("share", "max"), hhi=("share", lambda s: float((s ** 2).sum())))
    out["top_supplier"] = d.loc[d.groupby("industry")["share"].idxmax(), ["industry", "supplier"]] \
        .set_index("industry")["supplier"].astype(str)
    if essentiality is not None:
        m = essentiality.matrix
        own = str(network.firms["industry"].iloc[f])
        out["essential"] = [bool(m.loc[k, own] == 2) if (k in m.index and own in m.columns) else False
                            for k in out.index]
    out.index.name = "input_industry"
    return out.sort_values("value", ascending=False)


def single_points_of_failure(network: FirmNetwork, firm, essentiality, max_tier: int = 6) -> pd.DataFrame:
    """Firms through which *every* essential supply chain of one of the focal firm's essential inputs
    passes: for each essential input *k*, the dominators (Lengauer–Tarjan / Cooper et al., via NetworkX)
    of the focal firm in the graph of essential links (supplier → customer, the input industry of the
    customer being essential to it) that ends in its tier-1 suppliers of *k*, rooted at the chains'
    origins (firms with no essential supplier in that graph) and cut at ``max_tier`` tiers.

    Returns one row per (input industry, dominator) with the dominator's tier, industry and how many
    firms the focal firm buys *k* from directly. A sole tier-1 supplier of an essential input is its own
    single point of failure; deeper ones are the hidden ones."""
    import networkx as nx
    f = _pos(network, firm)
    m = essentiality.matrix
    ind = network.firms["industry"].map(str).to_numpy()
    from industwin.analysis.firm_risk import check_industries
    check_industries(ind, m)
    gi = pd.Index(m.index).get_indexer(ind)
    E = m.to_numpy()
    Wc = network.W.tocsc()
    col = Wc[:, [f]].tocoo()
    rows = []
    for k in sorted(set(ind[col.row])):
        if E[m.index.get_loc(k), gi[f]] != 2:
            continue
        first = col.row[ind[col.row] == k]
        G = nx.DiGraph()
        root = -1
        G.add_edges_from((int(i), f) for i in first)
        frontier, seen, tier_of = np.unique(first), set(first) | {f}, {int(i): 1 for i in first}
        for t in range(2, max_tier + 1):
            nxt = []
            for j in frontier:
                sup = Wc.indices[Wc.indptr[j]:Wc.indptr[j + 1]]
                sup = sup[(sup != f) & (E[gi[sup], gi[j]] == 2)]          # j's essential suppliers
                G.add_edges_from((int(i), int(j)) for i in sup)
                for i in sup:
                    if i not in seen:
                        seen.add(i)
                        tier_of[int(i)] = t
                        nxt.append(i)
            frontier = nxt
        cond = nx.condensation(G)               # origins: source components (single firms or supply loops)
        for c in cond.nodes:
            if cond.in_degree(c) == 0:
                G.add_edges_from((root, v) for v in cond.nodes[c]["members"] if v != f)
        idom = nx.immediate_dominators(G, root)
        v = idom.get(f)
        while v is not None and v != root:
            rows.append({"input_industry": k, "firm": network.firms.index[v], "tier": tier_of.get(v),
                         "industry": ind[v], "tier1_suppliers": len(first)})
            v = idom.get(v)
    return pd.DataFrame(rows, columns=["input_industry", "firm", "tier", "industry", "tier1_suppliers"])


def sector_flows(network: FirmNetwork, by: str | list[str] = "sector") -> pd.DataFrame:
    """The network's flows summed by firm attributes (e.g. ``["region", "sector"]``): a supplying ×
    buying table to place beside an MRIO's Z."""
    by = [by] if isinstance(by, str) else list(by)
    missing = [b for b in by if b not in network.firms.columns]
    if missing:
        raise SelectionError(f"the firm table has no column(s) {missing}. Fix: add them or map firms first")
    key = pd.MultiIndex.from_frame(network.firms[by].astype(str)) if len(by) > 1 else \
        pd.Index(network.firms[by[0]].astype(str))
    codes, labels = pd.factorize(key, sort=True)
    A = sp.csr_array((np.ones(network.n), (codes, np.arange(network.n))), shape=(len(labels), network.n))
    T = (A @ network.W @ A.T).toarray()
    return pd.DataFrame(T, index=labels, columns=labels)


def mrio_positions(network: FirmNetwork, mrio, sector: str = "sector", region: str = "region",
                   concordance: dict | None = None) -> np.ndarray:
    """Each firm's row in ``mrio.index`` (region, sector): from the firm table's ``region`` and ``sector``
    columns, or its ``industry`` through ``concordance`` (industry code → MRIO sector, e.g.
    :func:`industwin.data.nace.division_to_sector`). Raises with the firms that do not fit."""
    firms = network.firms
    if concordance is not None:
        sec = firms["industry"].map(str).map({str(k): v for k, v in concordance.items()})
    elif sector in firms.columns:
        sec = firms[sector].map(str)
    else:
        raise SelectionError(f"firms have no {sector!r} column. Fix: pass concordance={{industry code: sector}}")
    if region not in firms.columns:
        raise SelectionError(f"firms have no {region!r} column. Fix: add each firm's region (MRIO region code)")
    pos = mrio.index.get_indexer(pd.MultiIndex.from_arrays([firms[region].map(str), sec]))
    if (pos < 0).any():
        bad = firms.index[pos < 0]
        raise SelectionError(f"{len(bad)} firm(s) have no (region, sector) in the table, e.g. {list(bad[:3])} "
                             f"({firms.loc[bad[0], region]!r}, {sec.loc[bad[0]]!r}). Fix: check the codes or "
                             "the concordance")
    return pos


def mrio_coverage(network: FirmNetwork, mrio, **kwargs) -> pd.DataFrame:
    """How much of each country-sector's intermediate sales and purchases in the MRIO the firm network
    sees (``network / table``), and the table's value the firm data misses — the part to fill in from the
    sector table (e.g. as priors for :mod:`industwin.analysis.hidden_links`)."""
    pos = mrio_positions(network, mrio, **kwargs)
    n = len(mrio.index)
    P = sp.csr_array((np.ones(network.n), (pos, np.arange(network.n))), shape=(n, network.n))
    T = P @ network.W @ P.T
    Z = mrio.Z.toarray() if sp.issparse(mrio.Z) else np.asarray(mrio.Z)
    used = np.unique(pos)
    sub = Z[np.ix_(used, used)]
    Tn = T.toarray()[np.ix_(used, used)]
    df = pd.DataFrame({"firms": np.bincount(pos, minlength=n)[used],
                       "network_sales": Tn.sum(1), "table_sales": sub.sum(1),
                       "network_purchases": Tn.sum(0), "table_purchases": sub.sum(0)},
                      index=mrio.index[used])
    df["sales_coverage"] = df["network_sales"] / df["table_sales"].where(df["table_sales"] > 0)
    df["purchase_coverage"] = df["network_purchases"] / df["table_purchases"].where(df["table_purchases"] > 0)
    df["missing_purchases"] = (df["table_purchases"] - df["network_purchases"]).clip(lower=0)
    return df
