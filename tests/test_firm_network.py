"""Firm networks beyond the reference index: engines agree, the synthetic generator, tiers, single points of
failure, MRIO placement, hidden links and interventions — on hand-computed systems and the real US table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import DATA
from industwin.analysis import firm_risk as fr
from industwin.analysis.firm_network import (input_concentration, mrio_coverage, mrio_positions,
                                             single_points_of_failure, sector_flows, tiers)
from industwin.analysis.hidden_links import (add_links, evaluate_link_prediction, hard_negatives, hide_links,
                                             LinkPredictor)
from industwin.core.firm_synthetic import nace_flows, synthetic_network
from industwin.core.firms import FirmNetwork
from industwin.errors import SelectionError

ESS = fr.read_essentiality(DATA / "esri_tutorial" / "ess_mat_n2_ihs.csv")


@pytest.fixture(scope="module")
def us_flows():
    return nace_flows()


@pytest.fixture(scope="module")
def net2k(us_flows):
    flows, output, sector_of = us_flows
    return synthetic_network(2000, flows=flows, output=output, sector_of=sector_of, seed=7)


def _chain(values, industries, ess_pairs):
    """A network from {(supplier, customer): value} with an essentiality matrix from {(k, l): 0/1/2}."""
    e = pd.DataFrame([{"supplier": a, "customer": b, "value": v} for (a, b), v in values.items()])
    firms = pd.DataFrame({"firm": list(industries), "industry": list(industries.values())})
    inds = sorted(set(industries.values()))
    m = pd.DataFrame(0, index=inds, columns=inds)
    for (k, l), t in ess_pairs.items():
        m.loc[k, l] = t
    return FirmNetwork.from_edges(e, firms), fr.Essentiality(m)


# --------------------------------------------------------------------------- engines

@pytest.mark.parametrize("replaceable", [True, False])
def test_local_cascades_equal_all_firm_blocks(net2k, replaceable):
    model = fr.CascadeModel(net2k, ESS)
    ids = net2k.firms.index[::7]
    local = fr.esri(model, firms=ids, replaceable=replaceable, chunk=50)
    dense = fr.esri(model, firms=ids, replaceable=replaceable, engine="dense", batch=64)
    np.testing.assert_allclose(local[["esri", "esri_downstream", "esri_upstream"]],
                               dense[["esri", "esri_downstream", "esri_upstream"]], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(local["iterations"], dense["iterations"])


def test_multi_firm_shocks_and_observed_levels_equal_the_block_engine(net2k):
    model = fr.CascadeModel(net2k, ESS)
    rng = np.random.default_rng(1)
    shocks = [{int(f): float(s) for f, s in zip(rng.choice(net2k.n, 3, replace=False), rng.uniform(0.2, 1, 3))}
              for _ in range(6)]
    psi = np.ones((net2k.n, len(shocks)))
    for b, sc in enumerate(shocks):
        for f, s in sc.items():
            psi[f, b] = 1 - s
    dense = model.propagate(psi)
    obs = [0, 5, 1999]
    local = model.scenarios(shocks, observe=obs)
    np.testing.assert_allclose(local["loss"], dense["loss"], atol=1e-12)
    np.testing.assert_array_equal(local["iterations"], dense["iterations"])
    for o in obs:
        np.testing.assert_allclose(local[f"level_{o}"], dense["level"][o], atol=1e-12)
    with pytest.raises(SelectionError, match="unknown firm"):
        model.scenarios([{"nope": 1.0}])
    with pytest.raises(SelectionError, match=r"\[0, 1\]"):
        model.scenarios([{0: 1.5}])


def test_esri_on_a_dask_cluster_equals_in_process(net2k):
    from dask.distributed import Client, LocalCluster
    model = fr.CascadeModel(net2k, ESS)
    ids = net2k.firms.index[:300]
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0") as cl, \
            Client(cl) as client:
        dist = fr.esri(model, firms=ids, scheduler=client, chunk=70)
    pd.testing.assert_frame_equal(dist, fr.esri(model, firms=ids))


def test_torch_engine_equals_numpy_when_available(net2k):
    pytest.importorskip("torch")     # the optional GPU path; runs on the CPU here when PyTorch is installed
    model = fr.CascadeModel(net2k, ESS)
    ids = net2k.firms.index[:64]
    a = fr.esri(model, firms=ids, engine="torch", device="cpu")
    b = fr.esri(model, firms=ids)
    np.testing.assert_allclose(a["esri"], b["esri"], atol=1e-12)


def test_stock_buffers_an_input_shortage_by_hand():
    # A → B (essential). With 15 of 30 days of stock B feels half of the shortage when A closes.
    net, ess = _chain({("A", "B"): 10.0, ("B", "C"): 4.0}, {"A": "a", "B": "b", "C": "c"},
                      {("a", "b"): 2, ("b", "c"): 2})
    plain = fr.CascadeModel(net, ess).scenarios([{"A": 1.0}], replaceable=False, observe=["B", "C"])
    stocked = fr.CascadeModel(net, ess, stock_days=[0, 15, 0]).scenarios([{"A": 1.0}], replaceable=False,
                                                                        observe=["B", "C"])
    assert plain.loc[0, "level_B"] == pytest.approx(0.0) and plain.loc[0, "level_C"] == pytest.approx(0.0)
    # B at 1/2 downstream; upstream B loses all its sales to nobody (C keeps buying) → level 1/2; C follows B
    assert stocked.loc[0, "level_B"] == pytest.approx(0.5) and stocked.loc[0, "level_C"] == pytest.approx(0.5)
    # network loss: A's 10 lost fully, B's 4 half, C has no sales → 12 / 14
    assert stocked.loc[0, "loss"] == pytest.approx(12 / 14)
    with pytest.raises(SelectionError, match="stock_days"):
        fr.CascadeModel(net, ess, stock_days=[-1, 0, 0])


# --------------------------------------------------------------------------- generator

def test_generator_is_deterministic_and_reproduces_the_tables_flows(us_flows, net2k):
    flows, output, sector_of = us_flows
    again = synthetic_network(2000, flows=flows, output=output, sector_of=sector_of, seed=7)
    assert (again.W != net2k.W).nnz == 0
    other = synthetic_network(2000, flows=flows, output=output, sector_of=sector_of, seed=8)
    assert (other.W != net2k.W).nnz > 0
    T = sector_flows(net2k, "industry")
    F = flows.loc[T.index, T.columns].to_numpy()
    linked = T.to_numpy() > 0
    # every industry pair that drew a link carries exactly the table's flow
    np.testing.assert_allclose(T.to_numpy()[linked], F[linked], rtol=1e-9)
    assert F[linked].sum() / flows.to_numpy().sum() > 0.6           # most of the table's flows are covered
    deg = np.diff(net2k.W.indptr) + np.diff(net2k.W.tocsc().indptr)
    assert deg.max() > 10 * deg.mean()                                # heavy-tailed degrees
    assert net2k.links == pytest.approx(3.2 * 2000, rel=0.1)
    assert set(net2k.firms.columns) >= {"industry", "sector", "region", "location", "size"}


# --------------------------------------------------------------------------- tiers, SPOF, concentration

def test_tiers_by_hand():
    # S2 → S1 → F, S3 → F, S2 → F: S2 is at tier 1 and tier 2
    net, _ = _chain({("S1", "F"): 6.0, ("S3", "F"): 4.0, ("S2", "S1"): 3.0, ("S2", "F"): 1.0},
                    {"F": "f", "S1": "a", "S2": "b", "S3": "c"}, {})
    tm = tiers(net, "F", max_tier=3)
    # x(S1) = max(sales 6, purchases 3) = 6: tier-2 value of S2 through S1 is 3 × 6 / 6 = 3
    assert tm.firms.loc["S2", "value_t1"] == pytest.approx(1.0)
    assert tm.firms.loc["S2", "value_t2"] == pytest.approx(3.0)
    assert tm.firms.loc["S2", "tiers"] == 2 and list(tm.multi_tier.index) == ["S2"]
    assert tm.by_tier.loc[1, "value"] == pytest.approx(11.0) and tm.by_tier.loc[2, "firms"] == 1
    down = tiers(net, "S2", "downstream", 2)
    # S2's sales: 1 to F directly, 3 to S1 of which S1 passes 6/6 of its output to F
    assert down.firms.loc["F", "value_t1"] == pytest.approx(1.0)
    assert down.firms.loc["F", "value_t2"] == pytest.approx(3.0)
    with pytest.raises(SelectionError, match="not in the firm table"):
        tiers(net, "nope")


def test_single_points_of_failure_are_dominators_of_essential_chains():
    # F needs input a from A only; A needs input d from D only → A (tier 1) and D (tier 2) are SPOFs;
    # F's input c comes from two firms → none; a non-essential input n → not considered
    ind = {"F": "f", "A": "a", "D": "d", "C1": "c", "C2": "c", "N": "n"}
    vals = {("A", "F"): 5.0, ("D", "A"): 2.0, ("C1", "F"): 1.0, ("C2", "F"): 1.0, ("N", "F"): 1.0}
    ess = {("a", "f"): 2, ("d", "a"): 2, ("c", "f"): 2, ("n", "f"): 1}
    net, e = _chain(vals, ind, ess)
    spof = single_points_of_failure(net, "F", e)
    assert sorted(zip(spof["input_industry"], spof["firm"], spof["tier"])) == [("a", "A", 1), ("a", "D", 2)]
    # a second supplier of d to A removes D
    net2, e2 = _chain({**vals, ("D2", "A"): 1.0}, {**ind, "D2": "d"}, ess)
    assert list(single_points_of_failure(net2, "F", e2)["firm"]) == ["A"]
    conc = input_concentration(net, "F", e)
    assert conc.loc["c", "suppliers"] == 2 and conc.loc["c", "hhi"] == pytest.approx(0.5)
    assert conc.loc["a", "hhi"] == 1.0 and bool(conc.loc["a", "essential"]) and not bool(conc.loc["n", "essential"])


def test_firms_placed_in_the_us_table(net2k):
    import industwin as iw
    m = iw.load("wiod2016_usa", 2014)
    pos = mrio_positions(net2k, m)
    assert (m.index[pos].get_level_values(1) == net2k.firms["sector"].to_numpy()).all()
    cov = mrio_coverage(net2k, m)
    # the generator shares each sector's flows among its divisions, so covered purchases never exceed the table
    assert (cov["purchase_coverage"].dropna() <= 1 + 1e-9).all() and cov["firms"].sum() == net2k.n
    np.testing.assert_allclose(cov["network_purchases"].sum(), net2k.W.sum(), rtol=1e-12)
    bad = FirmNetwork(net2k.W, net2k.firms.assign(sector="X99"))
    with pytest.raises(SelectionError, match="no \\(region, sector\\)"):
        mrio_positions(bad, m)


# --------------------------------------------------------------------------- hidden links

def test_hidden_link_evaluation_uses_customer_supplier_negatives(us_flows):
    flows, output, sector_of = us_flows
    net = synthetic_network(3000, flows=flows, output=output, sector_of=sector_of, seed=2)
    obs, hidden = hide_links(net, 0.2, seed=0)
    assert obs.links + len(hidden) == net.links
    np.testing.assert_allclose(obs.W.sum() + hidden["value"].sum(), net.W.sum())
    ni, nj = hard_negatives(obs, hidden["i"].to_numpy(), hidden["j"].to_numpy(), seed=0, exclude=net.W)
    ind = net.firms["industry"].to_numpy()
    assert not np.asarray(net.W[ni, nj]).any()                       # negatives are non-links
    # each negative keeps a real link's customer and supplier industries
    real = set(zip(ind[hidden["i"]], ind[hidden["j"]]))
    assert set(zip(ind[ni], ind[nj])) <= real
    ev = evaluate_link_prediction(net, 0.2, flows=flows, seed=0)
    hard, rand = ev.loc["customer x supplier"], ev.loc["random pairs"]
    assert hard.loc["industry-pair flow", "roc_auc"] == pytest.approx(0.5)    # same industries: no signal
    assert rand.loc["industry-pair flow", "roc_auc"] > 0.6                    # random pairs flatter the prior
    assert hard.loc["gradient boosting", "roc_auc"] > hard.loc["degree product", "roc_auc"] + 0.05
    assert hard.loc["gradient boosting", "average_precision"] > 1 / 3 + 0.1   # 1 positive per 2 negatives


def test_predicted_links_change_a_firms_esri(us_flows):
    flows, output, sector_of = us_flows
    net = synthetic_network(1500, flows=flows, output=output, sector_of=sector_of, seed=4)
    lp = LinkPredictor(flows=flows, seed=0).fit(net)
    focal = int(np.argmax(net.in_strength))
    cand = lp.candidates(net, focal, top=3)
    assert len(cand) == 3 and cand["probability"].is_monotonic_decreasing
    pos = net.firms.index.get_indexer(cand["supplier"])
    more = add_links(net, pos, np.full(3, focal), 5.0)
    assert more.links == net.links + 3 and more.W.sum() == pytest.approx(net.W.sum() + 15)
    before = fr.esri(net, ESS, firms=cand["supplier"])
    after = fr.esri(more, ESS, firms=cand["supplier"])
    # a new customer for a supplier: its failure now also cuts the focal firm's purchases upstream
    assert (after["esri_upstream"] >= before["esri_upstream"] - 1e-12).all()
    assert (after["esri"] != before["esri"]).any()


# --------------------------------------------------------------------------- interventions

def test_interventions_by_hand():
    # F buys essential input a from A alone (A also sells to G) and sells 6 to H, for which it is essential.
    # No replacement: A's failure stops F. Network sales R = 8 + 2 + 10 + 6 = 26.
    ind = {"F": "f", "A": "a", "A2": "a", "G": "g", "H": "h"}
    vals = {("A", "F"): 8.0, ("A", "G"): 2.0, ("A2", "G"): 10.0, ("F", "H"): 6.0}
    net, ess = _chain(vals, ind, {("a", "f"): 2, ("a", "g"): 1, ("f", "h"): 2})
    two = fr.second_supplier(net, "F", "a", share=0.5)
    Wn = two.network.W
    ids = list(net.firms.index)
    f, a, a2 = ids.index("F"), ids.index("A"), ids.index("A2")
    assert Wn[a, f] == pytest.approx(4.0) and Wn[a2, f] == pytest.approx(4.0)
    assert Wn[:, [f]].sum() == pytest.approx(8.0)                       # purchases unchanged
    stock = fr.add_stock(["F"], 30)
    res = fr.assess_interventions(net, ess, [two, stock], focal="F", replaceable=False)
    assert res.loc["baseline", "focal_exposure_worst"] == pytest.approx(1.0)
    assert res.loc[two.name, "focal_exposure_worst"] == pytest.approx(0.5)
    assert res.loc[stock.name, "focal_exposure_worst"] == pytest.approx(0.0)
    # stock: A's failure no longer stops F, whose 6 of sales stay → ESRI(A) falls from 16/26 to 10/26
    assert res.loc[stock.name, "removed"] == pytest.approx(6 / 26)
    # diversifying moves risk from A (16 → 9) to A2 (10 → 17): the sum is unchanged in this linear case,
    # the focal firm's worst case halves
    assert res.loc[two.name, "removed"] == pytest.approx(0.0, abs=1e-12)
    assert res.loc["baseline", "removed"] == 0
    # rewiring all of F's input to A2 and reshoring by place
    rw = fr.rewire(net, "F", "A", "A2")
    assert rw.network.W[a, f] == 0 and rw.network.W[a2, f] == pytest.approx(8.0)
    placed = FirmNetwork(net.W, net.firms.assign(region=["home", "abroad", "home", "home", "home"]))
    rs = fr.reshore(placed, "F", "home")
    assert rs.network.W[a, f] == 0 and rs.network.W[a2, f] == pytest.approx(8.0)
    with pytest.raises(SelectionError, match="buys nothing from industry 'g'"):
        fr.second_supplier(net, "F", "g")
    with pytest.raises(SelectionError, match="does not supply"):
        fr.rewire(net, "F", "G", "A2")
