"""Technology adoption scenarios: a hand-computed 2 × 2 system, the Woodbury update against a dense solve on WIOD,
the logistic path, the four example files with signs and sizes justified from their coefficients, and invalid
files each refused with the field named."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import industwin as iw
from industwin.analysis.technology import (
    Adoption,
    default_scenario,
    library,
    logistic_share,
    read_technology_scenario,
    run_technology,
    summary,
)
from industwin.errors import DataError, ValidationError

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "technology"


# ------------------------------------------------------------------------------------------- a 2 × 2 by hand
def two_by_two(sparse: bool = False) -> iw.MRIO:
    """Regions A, B × sectors s1, s2; final demand: household and GFCF per region; x = row sums."""
    Z = np.array([[10.0, 20, 5, 0],
                  [15, 5, 10, 5],
                  [0, 5, 10, 20],
                  [5, 10, 10, 5]])
    Y = np.array([[50.0, 5, 10, 0],    # (A,s1): A hh, A GFCF, B hh, B GFCF
                  [40, 30, 5, 10],     # (A,s2): A buys 30 of its GFCF of s2 at home
                  [0, 0, 40, 5],
                  [10, 10, 30, 20]])   # (B,s2): A buys 10 of s2 from B for GFCF
    x = Z.sum(1) + Y.sum(1)
    index = pd.MultiIndex.from_product([["A", "B"], ["s1", "s2"]], names=["region", "sector"])
    fd = pd.MultiIndex.from_product([["A", "B"], ["CONS_h", "GFCF"]], names=["region", "category"])
    sats = {"co2": iw.Satellite("co2", np.array([[40.0, 10, 30, 5]]), ["CO2"], "kt CO2"),
            "employment": iw.Satellite("employment", np.array([[2.0, 3, 1, 4]]), ["persons"], "1000 persons")}
    return iw.MRIO(sp.csr_array(Z) if sparse else Z, Y, x, index=index, fd_index=fd, satellites=sats, unit="M USD",
                   year=2020)


SMALL = {"name": "small", "region": "A", "horizon": 2030, "demand_growth": 0.02,
         "technology": {"name": "t", "sector": "s1", "scope": 0.5, "inputs": {"s2": 0.5}, "labour": -0.2,
                        "emissions": -0.5, "capital": {"per_output": 2.0, "goods": {"s2": 1.0}}},
         "adoption": {"midpoint": 2025, "years_10_90": 10, "ceiling": 0.8}}


def test_two_by_two_one_year_by_hand():
    m = two_by_two()
    r = run_technology(m, SMALL)
    Z, Y, x = np.asarray(m.Z), m.Y, m.x
    A = Z / x[None, :]
    y = Y.sum(1)
    k = math.log(81) / 10
    s = lambda t: 0.8 / (1 + math.exp(-k * (t - 2025)))
    t = 2025
    st_, ds = s(t), s(t) - s(t - 1)
    assert st_ == pytest.approx(0.4, rel=1e-12)
    g = 1.02 ** 5
    At = A.copy()
    At[[1, 3], 0] *= 1 + st_ * 0.5                     # s2 bought by (A,s1), from A and from B alike
    xbar = np.linalg.solve(np.eye(4) - A, y)
    inv = ds * 0.5 * 2.0 * g * xbar[0]                 # scope × κ × the baseline's output of (A,s1)
    w = np.array([0, 30, 0, 10]) / 40.0                # A's GFCF of s2: 30 at home, 10 from B
    xt = np.linalg.solve(np.eye(4) - At, g * y + inv * w)
    va = xt * (1 - At.sum(0))
    l, f = np.array([2.0, 3, 1, 4]) / x, np.array([40.0, 10, 30, 5]) / x
    l[0] *= 1 - 0.2 * st_
    f[0] *= 1 - 0.5 * st_
    row = r.table.loc[t]
    assert row[("investment", "economy", "scenario")] == pytest.approx(inv, rel=1e-12)
    for measure, v in (("gross output", xt), ("value added", va), ("jobs", l * xt), ("emissions", f * xt)):
        assert row[(measure, "world", "scenario")] == pytest.approx(v.sum(), rel=1e-12)
        assert row[(measure, "economy", "scenario")] == pytest.approx(v[:2].sum(), rel=1e-12)
        assert row[(measure, "sector", "scenario")] == pytest.approx(v[0], rel=1e-12)
    base = g * xbar
    assert row[("gross output", "world", "baseline")] == pytest.approx(base.sum(), rel=1e-12)
    assert row[("emissions", "economy", "change")] == pytest.approx((f * xt)[:2].sum() -
                                                                    (np.array([40.0, 10]) / x[:2] * base[:2]).sum())
    # the whole path: investment adds up to the converted stock (booked from the base year on)
    cum = r.table[("cumulative investment", "economy", "scenario")]
    expect = sum((s(u) - (s(u - 1) if u > 2020 else 0)) * 0.5 * 2.0 * 1.02 ** (u - 2020) * xbar[0]
                 for u in range(2020, 2031))
    assert cum.iloc[-1] == pytest.approx(expect, rel=1e-12)
    assert r.table.attrs["units"]["jobs"] == "1000 persons"
    assert r.table.attrs["units"]["emissions"] == "kt CO2"


def test_two_columns_and_sparse_match_dense_solve():
    sc = {**SMALL, "region": ["A", "B"]}
    dense, sparse = run_technology(two_by_two(), sc), run_technology(two_by_two(sparse=True), sc)
    np.testing.assert_allclose(sparse.x_scenario, dense.x_scenario, rtol=1e-10)
    m = two_by_two()
    A = np.asarray(m.Z) / m.x[None, :]
    xbar = np.linalg.solve(np.eye(4) - A, m.Y.sum(1))
    for q, t in enumerate(dense.years):
        s = logistic_share(t, 2025, 10, 0.8)
        At = A.copy()
        At[[1, 3], 0] *= 1 + 0.5 * s
        At[[1, 3], 2] *= 1 + 0.5 * s
        ds = s - (logistic_share(t - 1, 2025, 10, 0.8) if t > 2020 else 0)
        g = 1.02 ** (t - 2020)
        b = g * m.Y.sum(1)
        b += ds * 0.5 * 2.0 * g * xbar[0] * np.array([0, 30, 0, 10]) / 40       # A's investment
        b += ds * 0.5 * 2.0 * g * xbar[2] * np.array([0, 10, 0, 20]) / 30       # B's: GFCF of s2 10 from A, 20 home
        np.testing.assert_allclose(dense.x_scenario[q], np.linalg.solve(np.eye(4) - At, b), rtol=1e-12)


# ---------------------------------------------------------------------------------------------- the S-curve
@settings(max_examples=25, deadline=None)
@given(mid=st.floats(2000, 2100), width=st.floats(0.5, 60), ceiling=st.floats(0.01, 1.0))
def test_logistic_share(mid, width, ceiling):
    assert logistic_share(mid - width / 2, mid, width, ceiling) == pytest.approx(0.1 * ceiling, rel=1e-9)
    assert logistic_share(mid + width / 2, mid, width, ceiling) == pytest.approx(0.9 * ceiling, rel=1e-9)
    s = logistic_share(np.linspace(mid - 5 * width, mid + 5 * width, 200), mid, width, ceiling)
    assert (np.diff(s) > 0).all() and (s > 0).all() and (s < ceiling).all()
    assert Adoption(start=mid - width / 2, end=mid + width / 2, ceiling=ceiling).share(mid) == \
        pytest.approx(ceiling / 2)


# ------------------------------------------------------------------------------------------------- on WIOD
@pytest.fixture(scope="module")
def wiod() -> iw.MRIO:
    return iw.load("wiod2013", 2011)


@pytest.fixture(scope="module")
def runs(wiod):
    return {f.stem: run_technology(wiod, f) for f in sorted(EXAMPLES.glob("*.yaml"))}


def test_woodbury_equals_dense_solve_on_wiod(wiod, runs):
    r = runs["h2_steel_deu"]
    A = np.asarray(wiod.Z) / np.where(wiod.x > 0, wiod.x, np.inf)[None, :]
    y = wiod.Y.sum(1)
    n = wiod.n
    c = wiod.index.get_loc(("DEU", "c12"))
    sector = wiod.index.get_level_values(1)
    d = np.zeros(n)
    for i, delta in (("c8", -0.85), ("c2", 0.03)):
        rows = np.flatnonzero(sector == i)
        d[rows] = delta * A[rows, c]
    d[wiod.index.get_loc(("DEU", "c17"))] = 1.0 * A[sector == "c17", c].sum()
    gf = np.clip(wiod.Y[:, wiod.fd_index.get_loc(("DEU", "GFCF"))], 0, None)
    w = np.zeros(n)
    for k, share in (("c13", 0.45), ("c14", 0.30), ("c18", 0.25)):
        rows = np.flatnonzero(sector == k)
        w[rows] = share * gf[rows] / gf[rows].sum()
    M = np.eye(n) - A
    xbar = np.linalg.solve(M, y)
    for t in (2030, 2040):
        q = t - 2011
        s, s0 = logistic_share([t, t - 1], 2033, 14, 1.0)
        Mt = M.copy()
        Mt[:, c] -= s * d
        x = np.linalg.solve(Mt, y + (s - s0) * 0.07 * 1.5 * xbar[c] * w)
        np.testing.assert_allclose(r.x_scenario[q], x, rtol=1e-9, atol=1e-9 * x.max())


def test_h2_steel_germany(runs):
    r = runs["h2_steel_deu"]
    t, s = r.table, r.table[("adoption", "sector", "scenario")]
    assert t.loc[2045, ("emissions", "economy", "change")] < 0
    d = r.detail()
    assert d.loc[("DEU", "c17"), ("gross output", "change")] > 0           # the electricity for the electrolysers
    assert d.loc[("DEU", "c8"), ("gross output", "change")] < 0            # no coke
    # c12's direct CO2 per unit of output falls by 85 % × adoption
    base = d.loc[("DEU", "c12"), ("emissions", "baseline")] / d.loc[("DEU", "c12"), ("gross output", "baseline")]
    new = d.loc[("DEU", "c12"), ("emissions", "scenario")] / d.loc[("DEU", "c12"), ("gross output", "scenario")]
    assert new / base == pytest.approx(1 - 0.85 * s[2045], rel=1e-12)
    # the sector's output barely moves (final demand fixed), so its emissions fall by about that share
    assert t.loc[2045, ("emissions", "sector", "change")] / t.loc[2045, ("emissions", "sector", "baseline")] == \
        pytest.approx(-0.85 * s[2045], abs=0.005)
    # cumulative investment = converted share × κ × the baseline output of DEU c12 (no demand growth)
    xbar = t.loc[2011, ("gross output", "sector", "baseline")]
    assert t.loc[2045, ("cumulative investment", "economy", "scenario")] == pytest.approx(
        s[2045] * 0.07 * 1.5 * xbar, rel=1e-12)
    # the electricity sector's extra output is at least the direct extra purchase: 100 % × 0.0227 × x × s
    assert d.loc[("DEU", "c17"), ("gross output", "change")] > 0.0227 * 0.99 * xbar * s[2045] * 0.95


def test_h2_steel_india(runs):
    r = runs["h2_steel_ind"]
    d, t = r.detail(), r.table
    assert t.loc[2045, ("emissions", "sector", "change")] < 0
    assert d.loc[("IND", "c17"), ("gross output", "change")] > 0
    # on India's 2011 grid (9.0 kg CO2 per USD of c17 output) the extra electricity, 0.9 × 11.2 bn USD × s, emits
    # ~91 Mt × s, more than the 0.35 × 240 Mt × s cut in c12: the economy's emissions rise
    assert t.loc[2045, ("emissions", "economy", "change")] > 0


def test_heat_pumps_and_robots(runs):
    hp = runs["heat_pumps_deu"].table
    s = hp.loc[2040, ("adoption", "sector", "scenario")]
    assert hp.loc[2040, ("emissions", "sector", "change")] / hp.loc[2040, ("emissions", "sector", "baseline")] == \
        pytest.approx(-0.17 * s, abs=0.002)
    assert hp.loc[2040, ("emissions", "economy", "change")] < 0
    rb = runs["robots_deu"].table
    s = rb.loc[2030, ("adoption", "sector", "scenario")]
    assert rb.loc[2030, ("jobs", "sector", "change")] / rb.loc[2030, ("jobs", "sector", "baseline")] == \
        pytest.approx(-0.15 * s, abs=0.002)
    assert rb.loc[2030, ("jobs", "economy", "change")] < 0
    assert rb[("investment", "economy", "scenario")].sum() == pytest.approx(
        s * 0.027 * rb.loc[2011, ("gross output", "sector", "baseline")], rel=1e-12)


def test_summary_and_library_match_examples(runs):
    sm = summary(runs["h2_steel_deu"])
    assert sm["emissions change, economy"] < 0 and sm.attrs["units"]["cumulative investment"] == "M USD"
    assert sm["cumulative investment"] == runs["h2_steel_deu"].table.iloc[-1][("cumulative investment", "economy",
                                                                              "scenario")]
    fields = ("sector", "scope", "inputs", "origins", "labour", "emissions", "capital")
    for eco, tid, stem in (("DEU", "h2_dri_eaf", "h2_steel_deu"), ("IND", "h2_dri_eaf", "h2_steel_ind"),
                           ("DEU", "industrial_heat_pump", "heat_pumps_deu"),
                           ("DEU", "industrial_robots", "robots_deu")):
        lib, ex = default_scenario(eco, tid), runs[stem].scenario
        assert lib.technology.model_dump(include=set(fields)) == ex.technology.model_dump(include=set(fields)), stem
        assert lib.adoption.share(2035) == pytest.approx(ex.adoption.share(2035)), stem
    assert set(library()) == {"h2_dri_eaf", "industrial_heat_pump", "industrial_robots"}
    assert "first guess" in default_scenario("FRA", "h2_dri_eaf").description


# ---------------------------------------------------------------------------------------------- invalid files
BASE = yaml.safe_load((EXAMPLES / "h2_steel_deu.yaml").read_text())


def _bad(tmp_path: Path, wiod, change) -> str:
    d = yaml.safe_load(yaml.safe_dump(BASE))
    change(d)
    p = tmp_path / "bad.yaml"
    p.write_text(yaml.safe_dump(d))
    with pytest.raises(ValidationError) as e:
        run_technology(wiod, p)
    assert str(p) in str(e.value)
    return str(e.value)


@pytest.mark.parametrize("change, field, words", [
    (lambda d: d.update(region="GER"), "'region'", "unknown region"),
    (lambda d: d["technology"]["inputs"].update(c99=0.1), "technology.inputs.c99", "did you mean"),
    (lambda d: d["adoption"].update(ceiling=1.5), "adoption.ceiling", "less than or equal to 1"),
    (lambda d: d["technology"]["inputs"].update(c8=-1.5), "technology.inputs.c8", "negative"),
    (lambda d: d["technology"]["inputs"].update(c12=3.0), "technology.inputs", "not productive"),
    (lambda d: d.update(adoption={"start": 2030, "end": 2020}), "'adoption'", "wrong order"),
    (lambda d: d.update(adoption={"midpoint": 2012, "years_10_90": 10}), "'adoption'", "before the table's year"),
    (lambda d: d["technology"].update(input={"c8": 0.1}), "technology.input", "unknown field"),
    (lambda d: d["technology"].update(emissions=float("inf")), "technology.emissions", "finite"),
    (lambda d: d["technology"]["origins"].update(c8={"CHN": 1.0}), "technology.origins.c8", "negative"),
    (lambda d: d.update(technology={"use": "h2_dri"}), "technology.use", "did you mean h2_dri_eaf"),
    (lambda d: d["technology"]["capital"].update(goods={"c13": 0.5}), "technology.capital", "sum to 1"),
])
def test_invalid_files(tmp_path, wiod, change, field, words):
    msg = _bad(tmp_path, wiod, change)
    assert f"field '{field.strip(chr(39))}'" in msg and words in msg, msg


def test_library_use_with_override(wiod):
    sc = read_technology_scenario({**{k: v for k, v in BASE.items() if k != "technology"},
                                   "technology": {"use": "h2_dri_eaf", "emissions": -0.5}})
    assert sc.technology.emissions == -0.5 and sc.technology.inputs["c8"] == -0.85
    assert run_technology(wiod, sc).table.loc[2045, ("emissions", "sector", "change")] < 0


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ceiling=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=3), st.none()),
       delta=st.one_of(st.floats(-3, 3), st.booleans(), st.just(float("nan"))),
       region=st.one_of(st.sampled_from(["DEU", "IND", "deu", ""]), st.integers()),
       drop=st.sampled_from(["", "name", "adoption", "horizon", "technology"]))
def test_reader_property(ceiling, delta, region, drop):
    d = yaml.safe_load(yaml.safe_dump(BASE))
    d["adoption"]["ceiling"] = ceiling
    d["technology"]["inputs"]["c8"] = delta
    d["region"] = region
    d.pop(drop, None)
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "s.yaml"
        p.write_text(yaml.safe_dump(d))
        try:
            sc = read_technology_scenario(p)
        except DataError as e:
            assert str(p) in str(e)
            return
    assert 0 < sc.adoption.ceiling <= 1 and sc.technology.inputs["c8"] >= -1 and isinstance(sc.region, str)
