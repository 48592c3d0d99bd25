"""The ARIO engine: hand-checkable cases and BoARIO (the field's reference model) on the same table."""

from __future__ import annotations

import logging
import warnings

import numpy as np
import pandas as pd
import pytest

import industwin as iw
from industwin.core.ario import ARIOModel, ARIOParameters, CapacityShock
from industwin.data.concordance import aggregate
from industwin.data.pymrio_io import to_pymrio
from industwin.errors import SelectionError

from conftest import small_system


def _table(Z, Y, regions, sectors) -> iw.MRIO:
    idx = pd.MultiIndex.from_product([regions, sectors])
    fdi = pd.MultiIndex.from_product([regions, ["hh"]])
    Z, Y = np.asarray(Z, float), np.asarray(Y, float)
    return iw.MRIO(Z, Y, Z.sum(1) + Y.sum(1), index=idx, fd_index=fdi)


def _shock(m, region, sector, size, start, duration, **kw) -> CapacityShock:
    return CapacityShock(np.array([m.index.get_loc((region, sector))]), np.array([size]), start, duration, **kw)


def test_no_shock_stays_at_the_baseline_forever():
    d = small_system()
    m = iw.MRIO(d["Z"], d["Y"], d["x"], index=d["index"], fd_index=d["fd_index"])
    for rule in ("proportional", "intermediate", "final"):
        res = ARIOModel(m, ARIOParameters(priority=rule)).simulate(400)
        np.testing.assert_allclose(res.production, np.tile(m.x / 365, (400, 1)), rtol=1e-13)
        assert np.abs(res.final_demand_unmet).max() < 1e-12
        assert (res.recovery_step() == 0).all()


def test_a_sector_nobody_buys_from_affects_only_itself():
    # region B's services sell to final demand only (and buy no inputs): losing half of them touches
    # nobody else — no customer runs short, no supplier loses orders
    Z = [[10, 5, 4, 0], [3, 8, 2, 0], [5, 1, 12, 0], [0, 0, 0, 0]]
    Y = [[20, 5], [10, 9], [4, 30], [5, 25]]
    m = _table(Z, Y, ["A", "B"], ["goods", "services"])
    res = ARIOModel(m).simulate(120, [_shock(m, "B", "services", 0.5, start=10, duration=30, recovery_days=10)])
    base = m.x / 365
    others = [0, 1, 2]
    np.testing.assert_allclose(res.production[:, others], np.tile(base[others], (120, 1)), rtol=1e-13)
    # the hit sector by hand: capacity (1 − 0.5 d_t) α_t x⁰ with d_t = 1 on days 10–39, then linear recovery
    # over 10 days; over-production α_t grows with the scarcity s = (D − x)/D of the day before (D = x⁰)
    x0, alpha, expected = base[3], 1.0, []
    for t in range(120):
        if t > 1:
            sc = (x0 - expected[-1]) / x0
            alpha = max(1.0, alpha + (1.25 - alpha) * sc / 365 + (1.0 - alpha) * (sc == 0) / 365)
        d = 1.0 if 10 <= t < 40 else (1 - (t - 39) / 10 if 40 <= t < 49 else 0.0)
        expected.append(min(x0, x0 * (1 - 0.5 * d) * alpha))
    np.testing.assert_allclose(res.production[:, 3], expected, rtol=1e-12)
    assert res.production[20, 3] > 0.5 * x0                     # over-production at work
    np.testing.assert_allclose(res.final_demand_unmet[:, 3], x0 - np.array(expected), atol=1e-15)
    assert res.recovery_step().iloc[3] == 49 and (res.recovery_step().iloc[:3] == 0).all()


def test_enough_stock_absorbs_a_short_shock():
    # one region: steel (s) supplies cars (c); cars hold 90 days of steel. A 5-day halt of steel
    # leaves car production untouched; a 40-day halt (beyond (1 − ψ)·90 = 18 days) does not.
    Z = [[0, 40], [0, 0]]
    Y = [[10], [100]]
    m = _table(Z, Y, ["X"], ["s", "c"])
    base = m.x / 365
    short = ARIOModel(m).simulate(200, [_shock(m, "X", "s", 1.0, start=5, duration=5)])
    assert short.production[:, 1] == pytest.approx(base[1], rel=1e-13)
    assert short.production[5:10, 0] == pytest.approx(0.0, abs=1e-15)
    assert short.value_added_loss[("X", "c")] == pytest.approx(0.0, abs=1e-9)
    long = ARIOModel(m).simulate(200, [_shock(m, "X", "s", 1.0, start=5, duration=40)])
    assert long.production[:, 1].min() < 0.9 * base[1]
    first_short = np.argmax(long.production[:, 1] < base[1] * (1 - 1e-9))
    assert first_short == 5 + 19    # the stock (90 days, one used a day) is below ψ × 90 = 72 days on day 24
    # a stockpile of 30 more days (held and restored, production cut only below ψ × 90 days) absorbs it
    piled = ARIOModel(m).simulate(200, [_shock(m, "X", "s", 1.0, start=5, duration=40)],
                                  extra_stock_days=np.array([[0, 30.0], [0, 0]]))
    assert piled.production[:, 1] == pytest.approx(base[1], rel=1e-13)


def test_priority_rules_ration_differently():
    Z = [[0, 40], [0, 0]]
    Y = [[60], [100]]
    m = _table(Z, Y, ["X"], ["s", "c"])
    shock = [_shock(m, "X", "s", 0.5, start=0, duration=100)]
    final_first = ARIOModel(m, ARIOParameters(priority="final")).simulate(30, shock)
    inter_first = ARIOModel(m, ARIOParameters(priority="intermediate")).simulate(30, shock)
    prop = ARIOModel(m).simulate(30, shock)
    # steel output is 50 /365 a day; households want 60/365: served first they get all of it
    assert final_first.final_demand_unmet[:, 0].max() == pytest.approx(10 / 365, rel=1e-9)
    assert inter_first.final_demand_unmet[0, 0] > prop.final_demand_unmet[0, 0] > final_first.final_demand_unmet[0, 0]


def test_bad_parameters_are_refused():
    d = small_system()
    m = iw.MRIO(d["Z"], d["Y"], d["x"], index=d["index"], fd_index=d["fd_index"])
    with pytest.raises(SelectionError, match="priority must be one of"):
        ARIOParameters(priority="random")
    with pytest.raises(SelectionError, match="psi must lie"):
        ARIOParameters(psi=1.5)
    with pytest.raises(SelectionError, match="unknown product"):
        ARIOModel(m, ARIOParameters(inventory_days={"steel": 30}))


def test_same_trajectories_as_boario_on_wiod():
    """BoARIO 0.7.2 (ARIOPsiModel, default parameters) and industwin on WIOD 2011 aggregated to four
    regions (n = 140), an arbitrary-production event halving China's electronics. BoARIO applies such an
    event one step after its ``occurrence``; its recovery of these events is flagged as unreliable in its
    own code, so the comparison covers the shock phase (occurrence 5, duration 50: steps 0–54)."""
    from boario.event import from_series
    from boario.extended_models import ARIOPsiModel
    from boario.simulation import Simulation

    logging.getLogger("boario").setLevel(logging.ERROR)
    m = iw.load("wiod2013", 2011)
    small = aggregate(m, regions={r: (r if r in ("DEU", "CHN", "USA") else "ROW_") for r in m.regions})
    small = iw.rebalance(small, "output")   # the equilibrium of both models: output = orders + final demand
    io = to_pymrio(small, include_value_added=False)
    io.calc_all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sim = Simulation(ARIOPsiModel(io), n_temporal_units_to_sim=60)
        sim.add_event(from_series(pd.Series({("CHN", "c14"): 0.5}), event_type="arbitrary", occurrence=5,
                                  duration=50, recovery_tau=10))
        sim.loop()
    theirs = sim.production_realised.iloc[:55]
    theirs.columns = pd.MultiIndex.from_tuples(theirs.columns)
    ours = ARIOModel(small).simulate(55, [_shock(small, "CHN", "c14", 0.5, start=6, duration=100)]).frame()
    ours = ours[theirs.columns]
    rel = ((ours - theirs).abs() / theirs.abs().clip(lower=1e-9)).to_numpy()
    assert rel.max() < 1e-9
    assert ours[("CHN", "c14")].iloc[10] == pytest.approx(0.5 * small.x[small.index.get_loc(("CHN", "c14"))] / 365,
                                                          rel=0.01)


def test_batched_scenarios_equal_one_by_one():
    d = small_system()
    m = iw.MRIO(d["Z"], d["Y"], d["x"], index=d["index"], fd_index=d["fd_index"])
    model = ARIOModel(m, ARIOParameters(inventory_days=20))
    scen = [[CapacityShock(np.array([r]), np.array([s]), st, du, rec)]
            for r, s, st, du, rec in [(0, 0.5, 3, 30, 10), (3, 1.0, 0, 25, 0), (5, 0.3, 10, 5, 40), (3, 0.8, 2, 60, 5)]]
    batch = model.simulate_batch(150, scen)
    for k, shocks in enumerate(scen):
        one = model.simulate(150, shocks)
        assert batch["value_added_loss"][k] == pytest.approx(one.value_added_loss.sum(), rel=1e-11)
        assert batch["output_loss"][k] == pytest.approx(one.output_loss.sum(), rel=1e-11)
        assert batch["worst_day"][k] == pytest.approx((one.production.sum(1) / one.baseline.sum()).min(), rel=1e-12)
