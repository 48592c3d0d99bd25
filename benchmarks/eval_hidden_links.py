"""Hidden-link prediction: ROC-AUC and average precision on held-out links, and what the predicted links do
to firms' ESRI.

For each network (synthetic by default; ``--edges/--firms`` for a real one) a share of the links is hidden,
the model is fitted on the rest (features from one part of the observed links, labels from another), and
the hidden links are scored against customer × supplier negatives (same customer with a non-supplier of
the supplier's industry, same supplier with a non-customer of the customer's industry) — and, for
comparison only, against random pairs. Baselines: degree product (preferential attachment) and the sector
table's industry-pair flow.

Then the ESRI of the firms with the largest true ESRI (plus a random set) is computed on the true network,
on the observed one, and on the observed one with the model's most likely links added (as many as were
hidden, among the scored candidates, valued at the observed median of their industry pair): the error of
the observed network's ESRI and how much the predicted links remove of it.

    python benchmarks/eval_hidden_links.py                    # synthetic 10k and 50k firms
    python benchmarks/eval_hidden_links.py --sizes 20000 --hide 0.3
    python benchmarks/eval_hidden_links.py --edges e.parquet --firms f.parquet
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from industwin.analysis.firm_risk import CascadeModel, esri, read_essentiality
from industwin.analysis.hidden_links import (LinkPredictor, add_links, evaluate_link_prediction, hard_negatives,
                                             hide_links)
from industwin.core.firm_synthetic import nace_flows, synthetic_network
from industwin.core.firms import read_network
from industwin.data.registry import data_root


def esri_effect(net, hide: float, flows, ess, seed: int = 0, top: int = 100, rand: int = 100) -> pd.Series:
    obs, hidden = hide_links(net, hide, seed=seed)
    model = LinkPredictor(flows=flows, seed=seed).fit(obs)
    hi, hj = hidden["i"].to_numpy(), hidden["j"].to_numpy()
    ni, nj = hard_negatives(obs, hi, hj, seed=seed + 9, exclude=net.W)
    ci, cj = np.r_[hi, ni], np.r_[hj, nj]
    p = model.predict_proba(obs, ci, cj)
    pick = np.argsort(-p)[:len(hi)]
    g = obs.firms["industry"].map(str).to_numpy()
    coo = obs.W.tocoo()
    med = pd.Series(coo.data).groupby([g[coo.row], g[coo.col]]).median()
    vals = np.array([med.get((g[a], g[b]), np.median(coo.data)) for a, b in zip(ci[pick], cj[pick])])
    aug = add_links(obs, ci[pick], cj[pick], vals)
    # expected-value variant: every scored candidate, valued at probability × its industry pair's median
    allv = np.array([med.get((g[a], g[b]), np.median(coo.data)) for a, b in zip(ci, cj)])
    soft = add_links(obs, ci, cj, allv * p)
    true_links = set(zip(hi, hj))
    precision = np.mean([(a, b) in true_links for a, b in zip(ci[pick], cj[pick])])
    full = esri(CascadeModel(net, ess))["esri"]
    firms = full.nlargest(top).index.union(full.sample(rand, random_state=seed).index)
    e_true = full.loc[firms]
    e_obs = esri(CascadeModel(obs, ess), firms=firms)["esri"]
    e_aug = esri(CascadeModel(aug, ess), firms=firms)["esri"]
    e_soft = esri(CascadeModel(soft, ess), firms=firms)["esri"]
    err_obs = (e_obs - e_true).abs()
    err_aug = (e_aug - e_true).abs()
    err_soft = (e_soft - e_true).abs()
    return pd.Series({"links_added": len(pick), "precision_of_added": precision,
                      "firms_compared": len(firms), "mean_abs_err_observed": err_obs.mean(),
                      "mean_abs_err_with_predicted": err_aug.mean(),
                      "error_removed_pct": 100 * (1 - err_aug.mean() / err_obs.mean()) if err_obs.mean() else 0.0,
                      "firms_closer_pct": 100 * (err_aug < err_obs).mean(),
                      "mean_abs_err_expected_links": err_soft.mean(),
                      "error_removed_expected_pct": 100 * (1 - err_soft.mean() / err_obs.mean()) if err_obs.mean() else 0.0,
                      "top10_true_in_top10_observed": len(set(e_true.nlargest(10).index) & set(e_obs.nlargest(10).index)),
                      "top10_true_in_top10_with_predicted": len(set(e_true.nlargest(10).index) &
                                                                set(e_aug.nlargest(10).index))})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,50000")
    ap.add_argument("--hide", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--edges")
    ap.add_argument("--firms")
    ap.add_argument("--no-esri", action="store_true", help="skip the ESRI comparison")
    a = ap.parse_args()
    pd.set_option("display.width", 160)
    flows, output, sector_of = nace_flows()
    ess = read_essentiality(data_root() / "esri_tutorial" / "ess_mat_n2_ihs.csv")
    if a.edges:
        nets = {a.edges: read_network(a.edges, a.firms)}
        flows = None                       # a real network: the industry prior comes from its observed links
    else:
        nets = {f"synthetic {n:,}": synthetic_network(n, flows=flows, output=output, sector_of=sector_of, seed=1)
                for n in map(int, a.sizes.split(","))}
    for name, net in nets.items():
        t = time.perf_counter()
        ev = evaluate_link_prediction(net, a.hide, flows=flows, seed=a.seed)
        print(f"\n{name}: {net.n:,} firms, {net.links:,} links, {a.hide:.0%} hidden "
              f"({time.perf_counter() - t:.1f} s)")
        print(ev.round(3).to_string())
        if not a.no_esri:
            t = time.perf_counter()
            print(esri_effect(net, a.hide, flows, ess, a.seed).round(6).to_string(),
                  f"\n({time.perf_counter() - t:.1f} s)")


if __name__ == "__main__":
    main()
