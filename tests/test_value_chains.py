"""Value-chain indicators: hand-computed systems, definitional brute force, pymrio and published WIOD figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import industwin as iw
from industwin.analysis import value_chains as vc
from industwin.data.pymrio_io import to_pymrio
from industwin.errors import SelectionError

from conftest import small_system


# ---------------------------------------------------------------- a 2-country × 1-sector system, solved by hand
# Z = [[20, 30], [10, 40]], Y = [[40, 10], [20, 30]]  →  x = (100, 100), A = [[.2, .3], [.1, .4]],
# v = (.7, .3), B = (I − A)⁻¹ = [[4/3, 2/3], [2/9, 16/9]], local L_SS = 1/.8, L_RR = 1/.6.
# Exports: E_S = 30 + 10 = 40, E_R = 10 + 20 = 30.
#   DVA_S = .7 · 1.25 · 40 = 35          DC_S = .7 · 4/3 · 40 = 37 1/3  → DDC_S = 2 1/3
#   K_S = A_SR B_RS = .3 · 2/9 = 1/15    (v B⁽ˢ⁾)_S = 1/(1 + 1/15) = 15/16
#   FVA_S = (15/16 − .875) · 40 = 2.5    FDC_S = 40 − 35 − 7/3 − 2.5 = 1/6
#   VAX_S = .7 · (B Y_·R)_S = .7 · (40/3 + 20) = 23 1/3,  REF_S = .7 · (B Y_·S)_S − 35 = 46 2/3 − 35 = 11 2/3
#   DVX_S = v_S B_SR E_R = .7 · 2/3 · 30 = 14
#   DVA_R = .3 · 5/3 · 30 = 15, DDC_R = .3 · (16/9 − 5/3) · 30 = 1, K_R = .1 · 2/3 = 1/15,
#   FVA_R = (15/16 − .5) · 30 = 13.125, FDC_R = .875
HAND = {"S": dict(gross_exports=40, DVA=35, DDC=7 / 3, FVA=2.5, FDC=1 / 6, VAX=70 / 3, REF=35 / 3, DVX=14),
        "R": dict(gross_exports=30, DVA=15, DDC=1, FVA=13.125, FDC=0.875)}


@pytest.fixture
def two() -> iw.MRIO:
    Z = np.array([[20.0, 30], [10, 40]])
    Y = np.array([[40.0, 10], [20, 30]])
    idx = pd.MultiIndex.from_tuples([("S", "m"), ("R", "m")])
    fdi = pd.MultiIndex.from_tuples([("S", "hh"), ("R", "hh")])
    return iw.MRIO(Z, Y, None, index=idx, fd_index=fdi, name="two", unit="M USD")


def test_decomposition_by_hand(two):
    c = vc.export_decomposition(two)
    for region, expected in HAND.items():
        for col, val in expected.items():
            assert c.loc[region, col] == pytest.approx(val, rel=1e-12), (region, col)
    assert c.loc["S", "VAX_ratio"] == pytest.approx(70 / 3 / 40)
    assert c.loc["S", "backward"] == pytest.approx((2.5 + 1 / 6) / 40)
    assert c.loc["S", "forward"] == pytest.approx(14 / 40)
    assert c.attrs["units"]["DVA"] == "M USD"


def test_final_output_origin_and_position_by_hand(two):
    o = vc.final_output_origin(two)
    # product S: v_S B_SS = .7 · 4/3 = 14/15 domestic; product R: v_R B_RR = .3 · 16/9 = 8/15
    assert o.shares.loc[("S", "m"), "S"] == pytest.approx(14 / 15)
    assert o.foreign_share.loc[("R", "m")] == pytest.approx(7 / 15)
    assert o.value_added.loc[("R", "m")].sum() == pytest.approx(50.0)   # final output of R = 20 + 30
    p = vc.chain_position(two)
    # Δ = x̂⁻¹Z = A here (x = 100): (I − Δ)⁻¹ 1 = (.9, .9)/.45 = 2; downstreamness 1'B = (14/9, 22/9)
    np.testing.assert_allclose(p["upstreamness"], [2, 2])
    np.testing.assert_allclose(p["downstreamness"], [14 / 9, 22 / 9])
    # APL = [B(B − I)] / (B − I): B − I = [[1/3, 2/3], [2/9, 7/9]], B(B − I) = [[16/27, 38/27], [38/81, 124/81]]
    np.testing.assert_allclose(vc.average_propagation_length(two).to_numpy(),
                               [[16 / 9, 19 / 9], [19 / 9, 124 / 63]], rtol=1e-12)


def test_exposure_by_hand(two):
    e = vc.supply_chain_exposure(two, "S", "m", threshold=0.3)
    s = e.suppliers
    # tier 1: z_RS = 10; all tiers (B − I)_RS x_S = 2/9 · 100; hidden = 200/9 − 10
    assert s.loc[("R", "m"), "tier1"] == pytest.approx(10)
    assert s.loc[("R", "m"), "total"] == pytest.approx(200 / 9)
    assert s.loc[("R", "m"), "tier2plus"] == pytest.approx(200 / 9 - 10)
    assert s.loc[("S", "m"), "total"] == pytest.approx(100 / 3)
    # input "m" by origin: S 100/3, R 200/9 → shares .6 / .4 → HHI .52, flagged above 0.3, not above 0.5
    c = e.concentration.loc["m"]
    assert c["hhi"] == pytest.approx(0.52) and c["top_origin"] == "S"
    assert c["top_foreign_share"] == pytest.approx(0.4) and bool(c["flag"])
    assert not vc.supply_chain_exposure(two, "S", "m", threshold=0.5).concentration.loc["m", "flag"]
    # value added by tier: own 70; tier 1 .7·20 + .3·10 = 17; tiers ≥ 2 .7·40/3 + .3·110/9 = 13; sum = x_S
    va = e.value_added.sum()
    assert (va["tier0"], va["tier1"], va["tier2plus"]) == pytest.approx((70, 17, 13))
    assert e.summary["foreign_share_face_value"] == pytest.approx(10 / 30)


# ---------------------------------------------------------------- definitions, brute force on the 3 × 2 system
def _small() -> tuple[iw.MRIO, dict]:
    d = small_system()
    return iw.MRIO(d["Z"], d["Y"], d["x"], index=d["index"], fd_index=d["fd_index"]), d


def test_decomposition_matches_definition_with_extracted_exports():
    """FVA from the world without s's intermediate exports, B⁽ˢ⁾ = (I − A⁽ˢ⁾)⁻¹, by explicit inverse."""
    m, d = _small()
    dec = vc.export_decomposition(m, "sector")
    A = d["Z"] / d["x"][None, :]
    v = 1 - A.sum(0)
    B = np.linalg.inv(np.eye(6) - A)
    reg = np.repeat(["A", "B", "C"], 2)
    for s in "ABC":
        i = reg == s
        E = d["Z"][i][:, ~i].sum(1) + d["Y"][i][:, ~i].sum(1)
        As = A.copy()
        As[np.ix_(i, ~i)] = 0
        Bs = np.linalg.inv(np.eye(6) - As)
        Lss = np.linalg.inv(np.eye(2) - A[np.ix_(i, i)])
        dva, first, dc = v[i] @ Lss, (v @ Bs)[i], v[i] @ B[np.ix_(i, i)]
        ref = np.column_stack([dva * E, (dc - dva) * E, (first - dva) * E, (1 - dc - first + dva) * E])
        np.testing.assert_allclose(dec.loc[s][["DVA", "DDC", "FVA", "FDC"]].to_numpy(), ref, rtol=1e-12, atol=1e-12)
        # forward: DVX = Σ_{r≠s} v_s B_sr E_r
        Eall = d["Z"].sum(1) - np.array([d["Z"][k, reg == reg[k]].sum() for k in range(6)]) + \
            d["Y"].sum(1) - np.array([d["Y"][k, reg == reg[k]].sum() for k in range(6)])
        dvx = v[i] * (B[np.ix_(i, ~i)] @ Eall[~i])
        np.testing.assert_allclose(dec.loc[s]["DVX"].to_numpy(), dvx, rtol=1e-12)
    c = vc.export_decomposition(m)
    np.testing.assert_allclose(c[["DVA", "DDC", "FVA", "FDC"]].sum(axis=1), c["gross_exports"], rtol=1e-13)
    np.testing.assert_allclose(c["DVA"], c["VAX"] + c["REF"], rtol=1e-12)   # exact on a balanced table


def test_apl_and_upstreamness_match_their_series_definitions():
    m, d = _small()
    A = d["Z"] / d["x"][None, :]
    powers = [np.linalg.matrix_power(A, k) for k in range(1, 400)]
    num = sum(k * P for k, P in zip(range(1, 400), powers))
    den = sum(powers)
    apl = vc.average_propagation_length(m)
    np.testing.assert_allclose(apl.to_numpy(), num / den, rtol=1e-10)
    col = vc.average_propagation_length(m, buyer=("B", "manu"))
    np.testing.assert_allclose(col.to_numpy(), (num / den)[:, 3], rtol=1e-10)
    row = vc.average_propagation_length(m, supplier=("A", "agri"))
    np.testing.assert_allclose(row.to_numpy(), (num / den)[0], rtol=1e-10)
    assert vc.average_propagation_length(m, ("A", "agri"), ("B", "manu")) == pytest.approx(num[0, 3] / den[0, 3])
    # Antràs et al. (2012) eq. 1: U_i = Σ_k k · (A^{k−1} f)_i / x_i, f = final use (stage 1 = sold to final users)
    f = d["Y"].sum(1)
    U = sum(k * np.linalg.matrix_power(A, k - 1) @ f for k in range(1, 400)) / d["x"]
    np.testing.assert_allclose(vc.chain_position(m)["upstreamness"], U, rtol=1e-10)
    np.testing.assert_allclose(vc.chain_position(m)["downstreamness"], iw.output_multipliers(m), rtol=1e-12)
    # with inventories (category "gov" standing in): Δ_ij = z_ij / (x_i − N_i)
    N = d["Y"][:, 1::2].sum(1)
    Dn = d["Z"] / (d["x"] - N)[:, None]
    np.testing.assert_allclose(vc.chain_position(m, inventories="gov")["upstreamness"],
                               np.linalg.solve(np.eye(6) - Dn, np.ones(6)), rtol=1e-12)


def test_extraction_and_dependence_match_a_rebuilt_table():
    m, d = _small()
    A = d["Z"] / d["x"][None, :]
    Bal = d["Z"] / d["x"][:, None]
    v = 1 - A.sum(0)
    w = d["x"] - d["Z"].sum(0)                   # value added (primary inputs)
    reg = np.repeat(["A", "B", "C"], 2)
    rows = reg == "B"
    # supply model: country B stops exporting → Ghosh with B's allocation rows to A and C removed
    Bb = Bal.copy()
    Bb[np.ix_(rows, ~rows)] = 0
    xs = np.linalg.solve((np.eye(6) - Bb).T, w)
    ex = vc.hypothetical_extraction(m, "B")
    np.testing.assert_allclose(ex.by_sector["output_after"], xs, rtol=1e-12)
    np.testing.assert_allclose(ex.by_sector["value_added_loss"], v * (d["x"] - xs), rtol=1e-10, atol=1e-12)
    assert ex.world["value_added_loss"] == pytest.approx((v * (d["x"] - xs)).sum())
    assert (ex.by_region.loc[["A", "C"], "value_added_loss"] > 0).all()
    # demand model: the input coefficients and final sales of B to A and C removed, Leontief
    Ab, yb = A.copy(), d["Y"].copy()
    Ab[np.ix_(rows, ~rows)] = 0
    yb[np.ix_(rows, ~rows)] = 0
    x = np.linalg.solve(np.eye(6) - A, d["Y"].sum(1))
    xb = np.linalg.solve(np.eye(6) - Ab, yb.sum(1))
    exd = vc.hypothetical_extraction(m, "B", model="demand")
    np.testing.assert_allclose(exd.by_sector["output_after"], xb, rtol=1e-12)
    np.testing.assert_allclose(exd.by_sector["output_loss"], x - xb, rtol=1e-10, atol=1e-12)
    # one country-sector, all buyers, supply model
    one = vc.hypothetical_extraction(m, "C", "manu")
    Bc = Bal.copy()
    Bc[5, :] = 0
    np.testing.assert_allclose(one.by_sector["output_after"], np.linalg.solve((np.eye(6) - Bc).T, w), rtol=1e-12)
    # ranking of every foreign supplier of A at once (Sherman–Morrison) vs one extraction each
    dep = vc.supplier_dependence(m, "A")
    assert len(dep) == 4 and dep["value_added_loss"].is_monotonic_decreasing
    for (r, s), row in dep.iterrows():
        one = vc.hypothetical_extraction(m, r, s, buyers="A")
        assert row["value_added_loss"] == pytest.approx(one.by_region.loc["A", "value_added_loss"], rel=1e-10)
        assert row["output_loss"] == pytest.approx(one.by_region.loc["A", "output_loss"], rel=1e-10)
        assert row["world_value_added_loss"] == pytest.approx(one.world["value_added_loss"], rel=1e-10)


def test_sparse_tables_give_the_same_answers():
    m, d = _small()
    import scipy.sparse as sp
    ms = iw.MRIO(sp.csr_array(d["Z"]), d["Y"], d["x"], index=d["index"], fd_index=d["fd_index"])
    assert ms.is_sparse
    pd.testing.assert_frame_equal(vc.export_decomposition(ms, "sector"), vc.export_decomposition(m, "sector"),
                                  rtol=1e-12)
    pd.testing.assert_frame_equal(vc.final_output_origin(ms).shares, vc.final_output_origin(m).shares, rtol=1e-12)
    pd.testing.assert_frame_equal(vc.chain_position(ms, "gov"), vc.chain_position(m, "gov"), rtol=1e-12)
    es, ed = vc.supply_chain_exposure(ms, "B", ["agri", "manu"]), vc.supply_chain_exposure(m, "B", ["agri", "manu"])
    pd.testing.assert_frame_equal(es.suppliers, ed.suppliers, rtol=1e-12)
    pd.testing.assert_frame_equal(es.concentration, ed.concentration, rtol=1e-12)
    pd.testing.assert_frame_equal(vc.supplier_dependence(ms, "C"), vc.supplier_dependence(m, "C"), rtol=1e-12)
    for model in ("supply", "demand"):
        pd.testing.assert_frame_equal(vc.hypothetical_extraction(ms, "A", model=model).by_sector,
                                      vc.hypothetical_extraction(m, "A", model=model).by_sector, rtol=1e-12)


# ---------------------------------------------------------------- real data: WIOD 2013
def test_wiod_decomposition_adds_up_and_matches_pymrio(wiod2011):
    m = wiod2011
    sec = vc.export_decomposition(m, "sector")
    parts = sec[["DVA", "DDC", "FVA", "FDC"]].sum(axis=1)
    assert np.abs(parts - sec["gross_exports"]).max() <= 1e-9 * np.abs(sec["gross_exports"]).max()
    coef = sec[["DVA", "DDC", "FVA", "FDC"]].div(sec["gross_exports"].where(sec["gross_exports"] != 0), axis=0)
    assert coef.min().min() > -1e-12 and coef.max().max() < 1 + 1e-12
    c = vc.export_decomposition(m)
    assert (c["VAX_ratio"].between(0.3, 1.0)).all()   # Luxembourg lowest (0.39)
    # pymrio, same table: value added by origin region per unit of each product (M of a regional VA satellite)
    # and the value-added exports (D_exp of the value-added satellite) — both are Leontief accounts pymrio has
    regs = list(m.regions)
    va = m.V.sum(axis=0)
    F = np.zeros((len(regs), m.n))
    F[[regs.index(r) for r in m.index.get_level_values("region")], np.arange(m.n)] = va
    io = to_pymrio(m.with_satellite(iw.Satellite("va_origin", F, regs, "M USD")), include_value_added=False)
    io.calc_all()
    o = vc.final_output_origin(m)
    producing = m.x > 0
    np.testing.assert_allclose(o.shares.to_numpy()[producing], io.va_origin.M.T.to_numpy()[producing],
                               rtol=1e-9, atol=1e-12)
    D_exp = io.va.D_exp_reg.loc["value_added"]
    np.testing.assert_allclose(c["VAX"].reindex(D_exp.index), D_exp, rtol=1e-9)


def test_published_wiod_figures():
    """Timmer et al. (2014, JEP 28(2):99): foreign value added in the final output of German
    transport equipment 21 % (1995) and 34 % (2008). Deutsche Bundesbank (Monthly Report Oct. 2014, p. 27),
    from WIOD: German value-added exports ≈ 70 % of gross exports in 2010–11, almost 80 % in the late 1990s.
    The shared tables are rounded to whole $M, so agreement is to about half a percentage point."""
    fva = {}
    vax = {}
    for y in (1995, 1996, 1997, 1998, 1999, 2008, 2010, 2011):
        m = iw.load("wiod2013", y)
        if y in (1995, 2008):
            fva[y] = vc.final_output_origin(m, "DEU").foreign_share.loc[("DEU", "c15")]
        vax[y] = vc.export_decomposition(m).loc["DEU", "VAX_ratio"]
    assert fva[1995] == pytest.approx(0.21, abs=0.01)
    assert fva[2008] == pytest.approx(0.34, abs=0.01)
    assert np.mean([vax[2010], vax[2011]]) == pytest.approx(0.70, abs=0.01)
    assert 0.76 < np.mean([vax[y] for y in range(1995, 2000)]) < 0.80


def test_supplier_dependence_on_wiod_is_consistent(wiod2011):
    dep = vc.supplier_dependence(wiod2011, "DEU", top=5)
    assert len(dep) == 5 and "DEU" not in dep.index.get_level_values(0)
    (r, s), top = next(dep.iterrows())
    one = vc.hypothetical_extraction(wiod2011, r, s, buyers="DEU")
    assert top["value_added_loss"] == pytest.approx(one.by_region.loc["DEU", "value_added_loss"], rel=1e-8)
    e = vc.supply_chain_exposure(wiod2011, "DEU", "c15", threshold=0.25)
    s = e.summary
    assert 0 < s["foreign_share_face_value"] < s["foreign_share_look_through"] < 1
    # value added embodied in the sector's output adds up to its output (v'B = 1')
    assert e.value_added["value_added"].sum() == pytest.approx(e.output, rel=1e-9)


def test_over_years_sequential_and_dask_agree():
    seq = vc.over_years("decomposition", [2009, 2010])
    assert list(seq.index.get_level_values("year").unique()) == [2009, 2010]
    par = vc.over_years("decomposition", [2009, 2010], scheduler="distributed")
    pd.testing.assert_frame_equal(seq, par)
    thr = vc.over_years(lambda m: vc.final_output_origin(m, "DEU").foreign_share, [2010], scheduler="threads")
    direct = vc.final_output_origin(iw.load("wiod2013", 2010), "DEU").foreign_share
    np.testing.assert_allclose(thr.loc[2010].to_numpy(), direct.to_numpy(), rtol=1e-12)


# ---------------------------------------------------------------- bad requests
def test_bad_requests_list_the_valid_choices(two, wiod2011):
    with pytest.raises(SelectionError, match="unknown buyer region 'XX'.*AUS, AUT"):
        vc.supply_chain_exposure(wiod2011, "XX", "c15")
    with pytest.raises(SelectionError, match=r"unknown sector 'c99'.*c15 \(Transport Equipment\)"):
        vc.supply_chain_exposure(wiod2011, "DEU", "c99")
    with pytest.raises(SelectionError, match="between 0 and 1"):
        vc.supply_chain_exposure(two, "S", "m", threshold=1.5)
    with pytest.raises(SelectionError, match="no year 1990.*1995–2011"):
        vc.over_years("decomposition", [1990])
    with pytest.raises(SelectionError, match="unknown indicator 'foo'.*decomposition"):
        vc.over_years("foo", [2011])
    with pytest.raises(SelectionError, match="unknown region 'Mars'"):
        vc.final_output_origin(two, "Mars")
    with pytest.raises(SelectionError, match="unknown final-demand category 'INV'.*hh"):
        vc.chain_position(two, inventories="INV")
    with pytest.raises(SelectionError, match="model must be"):
        vc.hypothetical_extraction(two, "S", model="ghosh")
    with pytest.raises(SelectionError, match="unknown buyer region 'XX'"):
        vc.hypothetical_extraction(two, "S", buyers=["R", "XX"])
    with pytest.raises(SelectionError, match="by must be"):
        vc.export_decomposition(two, by="firm")
