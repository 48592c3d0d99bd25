"""Disclosure control of aggregated confidential contributions: the primary rules on hand-computed cells, and
secondary suppression checked by an independent audit (linear programmes over everything published)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from industwin.analysis.disclosure import TOTAL, Rules, audit, primary, protect, secondary
from industwin.errors import SelectionError, ValidationError


def contributions(cells: dict[str, list[float]]) -> pd.DataFrame:
    return pd.DataFrame([{"cell": c, "contributor": f"{c}-{k}", "value": v}
                         for c, vs in cells.items() for k, v in enumerate(vs)])


def test_primary_rules_by_hand():
    got = primary(contributions({
        "safe": [50, 30, 20],            # T 100: two largest 80 ≤ 85; rest 20 ≥ 10 % of 50
        "dominated": [90, 5, 5],         # 95 > 85; rest 5 < 9: both rules
        "pair": [40, 40],                # two contributors
        "two_of_five": [60, 30, 3, 3, 4],  # 90 > 85; rest 10 ≥ 6: dominance only
        "empty": [0, 0, 0],
    }), ["cell"])
    assert got.loc["safe", ["few", "dominance", "p_rule", "sensitive"]].tolist() == [False] * 4
    assert got.loc["dominated", ["few", "dominance", "p_rule"]].tolist() == [False, True, True]
    assert got.loc["pair", ["few", "sensitive"]].tolist() == [True, True]
    assert got.loc["two_of_five", ["dominance", "p_rule"]].tolist() == [True, False]
    assert not got.loc["empty", "sensitive"]
    assert got.loc["two_of_five", ["total", "contributors", "largest", "second"]].tolist() == [100, 5, 60, 30]


def test_p_rule_alone_and_one_contributor_counted_once():
    # with (2, 85) every p = 10 % cell is also dominated (rest ≥ 15 % of T > 10 % of x₁); with k = 95 it is not
    got = primary(contributions({"c": [60, 34.5, 5.5]}), ["cell"], rules=Rules(k=95))
    assert got.loc["c", ["dominance", "p_rule"]].tolist() == [False, True]     # rest 5.5 < 6
    df = pd.DataFrame({"cell": ["x"] * 4, "contributor": ["a", "a", "b", "c"], "value": [30.0, 30, 20, 20]})
    got = primary(df, ["cell"])
    assert got.loc["x", ["contributors", "largest"]].tolist() == [3, 60]       # a's two rows are one figure


def table(values) -> pd.DataFrame:
    t = pd.DataFrame(np.asarray(values, float), index=[f"r{i}" for i in range(len(values))],
                     columns=[f"c{j}" for j in range(len(values[0]))])
    t[TOTAL] = t.sum(axis=1)
    t.loc[TOTAL] = t.sum(axis=0)
    return t


def test_a_lone_suppressed_cell_is_recovered_and_secondary_suppression_prevents_it():
    t = table([[10, 20, 30], [40, 5, 60], [70, 80, 1]])
    prim = pd.DataFrame(False, index=t.index, columns=t.columns)
    prim.loc["r0", "c0"] = True
    lone = audit(t, prim)
    assert lone["width"].iloc[0] == pytest.approx(0) and lone["lower"].iloc[0] == pytest.approx(10)
    mask = secondary(t, prim)
    # the cheapest cycle through (r0, c0): the small cells (r1, c1) = 5 and (r2, c2) = 1 are not on one with it;
    # a rectangle r0/r1 × c0/c1 costs 20 + 40 + 5, r0/r2 × c0/c2 costs 30 + 70 + 1 — the first is chosen
    assert sorted(zip(*np.nonzero(mask.to_numpy()))) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    a = audit(t, mask)
    assert (a["width"] > 0).all()
    row = a.set_index(["row", "column"]).loc[("r0", "c0")]
    assert row["lower"] == pytest.approx(5) and row["upper"] == pytest.approx(30)   # 10 hidden in [5, 30]


def test_a_suppressed_margin_is_protected_too():
    t = table([[10, 20], [30, 40], [5, 6]])
    prim = pd.DataFrame(False, index=t.index, columns=t.columns)
    prim.loc["r2", TOTAL] = True
    mask = secondary(t, prim)
    assert (audit(t, mask)["width"] > 0).all()


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 5).flatmap(lambda r: st.integers(2, 5).flatmap(lambda c: st.tuples(
    st.lists(st.lists(st.integers(1, 1000), min_size=c, max_size=c), min_size=r, max_size=r),
    st.lists(st.tuples(st.integers(0, r), st.integers(0, c)), min_size=1, max_size=4)))))
def test_no_suppressed_cell_can_be_recovered(case):
    values, picks = case
    t = table(values)
    prim = pd.DataFrame(False, index=t.index, columns=t.columns)
    for r, c in picks:
        prim.iloc[r, c] = True
    mask = secondary(t, prim)
    assert (mask | ~prim).all().all()                      # every primary cell stays suppressed
    a = audit(t, mask)
    assert len(a) == int(mask.to_numpy().sum())
    assert (a["width"] > 1e-9).all(), a[a["width"] <= 1e-9]
    assert ((a["lower"] <= a["value"] + 1e-6) & (a["value"] <= a["upper"] + 1e-6)).all()


def test_protect_five_companies_by_sector_and_region():
    rows = [("c20", "DE", "a", 120), ("c20", "DE", "b", 110), ("c20", "DE", "c", 100),   # safe
            ("c20", "FR", "d", 500), ("c20", "FR", "e", 20), ("c20", "FR", "f", 10),     # dominated
            ("c24", "DE", "a", 80), ("c24", "DE", "g", 70), ("c24", "DE", "h", 60),      # safe
            ("c24", "FR", "i", 50), ("c24", "FR", "j", 45)]                               # two contributors
    df = pd.DataFrame(rows, columns=["sector", "region", "contributor", "value"])
    p = protect(df, "sector", "region")
    assert p.status.loc["c20", "FR"].startswith("primary") and "largest" in p.status.loc["c20", "FR"]
    assert "fewer than 3" in p.status.loc["c24", "FR"]
    assert p.values.loc["c20", "FR"] != p.values.loc["c20", "FR"]          # NaN: not published
    assert p.values.loc[TOTAL, TOTAL] == pytest.approx(df["value"].sum())
    assert (p.audit["width"] > 0).all() and p.audit["protected"].all()
    published = p.values.stack().dropna()
    for (r, c), v in published.items():                                    # what is shown is the true sum
        if r != TOTAL and c != TOTAL:
            assert v == pytest.approx(df[(df.sector == r) & (df.region == c)]["value"].sum())


def test_refusals():
    with pytest.raises(ValidationError, match="value"):
        primary(contributions({"x": [1, -2, 3]}), ["cell"])
    with pytest.raises(ValidationError, match="value"):
        primary(contributions({"x": [1, float("nan"), 3]}), ["cell"])
    with pytest.raises(ValidationError, match="contributor"):
        primary(pd.DataFrame({"cell": ["x"], "value": [1.0]}), ["cell"])
    t = table([[10, 20, 30]])
    prim = pd.DataFrame(False, index=t.index, columns=t.columns)
    prim.loc["r0", "c0"] = True
    with pytest.raises(SelectionError, match="single row"):
        secondary(t.iloc[[0]], prim.iloc[[0]])


def test_a_zero_cell_of_few_contributors_is_suppressed_and_a_mean_never_reveals_it():
    """A cell of two contributors who both report 0 is not "empty": its sum (and a mean) would tell each what
    the other reported. Cells nobody contributed to stay published as empty."""
    from industwin.analysis.disclosure import protected_mean
    c = pd.DataFrame({"r": ["a", "a", "a", "a", "a", "b", "b", "b", "b", "b", "b"],
                      "c": ["x", "x", "y", "y", "y", "x", "x", "x", "y", "y", "y"],
                      "contributor": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
                      "value": [0, 0, 3, 4, 5, 2, 3, 4, 5, 6, 7.0]})
    p = protect(c, "r", "c")
    assert p.status.loc["a", "x"].startswith("primary: fewer than 3")
    assert np.isnan(p.values.loc["a", "x"])
    ax = p.audit.set_index(["row", "column"]).loc[("a", "x")]
    assert ax["width"] > 0                                    # not recoverable from what is published
    m = protected_mean(c, "r", "c")
    assert np.isnan(m.values.loc["a", "x"]) and int(m.contributors.loc["a", "x"]) == 2
    assert (m.status.loc[["a", "b"], ["x", "y"]] != "published").all().all()   # the inner cells: all hidden
    by_hand = {("a", TOTAL): 12 / 5, ("b", TOTAL): 27 / 6, (TOTAL, "x"): 9 / 5, (TOTAL, "y"): 30 / 6,
               (TOTAL, TOTAL): 39 / 11}                          # the margins: published, means by hand
    for (r, col), v in by_hand.items():
        assert m.status.loc[r, col] == "published" and m.values.loc[r, col] == pytest.approx(v)
    gap = c[~((c["r"] == "a") & (c["c"] == "x"))]           # nobody contributed to (a, x): nothing to protect
    q = protect(gap, "r", "c")
    assert q.status.loc["a", "x"] == "published" and q.values.loc["a", "x"] == 0


def test_a_mean_at_the_bound_of_the_scale_is_suppressed():
    """Four companies all at band 5 in a cell: any mean of 5.00 says each one's band. With the bands' bounds the
    cell is suppressed, and so is what would give it away; other cells keep their means."""
    from industwin.analysis.disclosure import protected_mean
    rows = [("d1", "c1", k, 5.0) for k in range(4)] + [("d1", "c2", k, b) for k, b in zip(range(4, 8), (1, 2, 3, 4))]
    rows += [("d2", "c1", k, b) for k, b in zip(range(4), (1, 3, 2, 4))]
    rows += [("d2", "c2", k, b) for k, b in zip(range(4, 8), (2, 2, 3, 5))]
    c = pd.DataFrame(rows, columns=["dim", "sec", "contributor", "value"])
    plain = protected_mean(c, "dim", "sec")
    assert plain.values.loc["d1", "c1"] == 5.0                      # without the bounds: published, disclosing
    m = protected_mean(c, "dim", "sec", bounds=(0, 5))
    assert np.isnan(m.values.loc["d1", "c1"])
    assert m.status.loc["d1", "c1"] == "primary: every contributor at the bound"
    a = m.protected.audit.set_index(["row", "column"])
    assert a.loc[("d1", "c1"), "width"] > 0                          # not recoverable from the published sums
    assert m.status.loc["d1", "c2"] == m.status.loc["d2", "c1"] == "secondary"   # d1/c1 = d1 total − d1/c2 …
    by_hand = {("d1", TOTAL): 30 / 8, ("d2", TOTAL): 22 / 8, (TOTAL, "c1"): 30 / 8, (TOTAL, "c2"): 22 / 8,
               (TOTAL, TOTAL): 52 / 16}
    for (r, col), v in by_hand.items():
        assert m.status.loc[r, col] == "published" and m.values.loc[r, col] == pytest.approx(v)
