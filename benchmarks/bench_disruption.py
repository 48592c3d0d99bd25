"""The disruption engine: industwin's ARIO vs BoARIO (the field's reference), steps per second and memory.

Cases (the same table and the same event for both models, each in fresh processes):
  wiod : WIOD 2013, 2011 (n = 1,435) with its negative final-demand entries (inventories drawn down)
         set to 0 and output = uses, so that both models start in equilibrium (BoARIO stops with an
         AssertionError on the table as recorded: two Luxembourg rows have negative total demand);
         half of China's electrical and optical equipment (c14) lost from day 6 (BoARIO: occurrence 5,
         which it applies one step later).
  exio : the synthetic EXIOBASE-sized system of bench_mrio.py (n = 7,987), the same kind of event on
         the largest industry of the first region.
  mc   : 1,000 Monte Carlo draws (single-node shocks, size U(0.2, 1), 7–60 days, 120-day horizon) on
         the wiod table, on a Dask LocalCluster of 2 workers.

BoARIO 0.7.2, ARIOPsiModel with its default parameters (= industwin's defaults), arbitrary-production
event; the trajectories are compared over the steps both ran (max relative difference).

    python benchmarks/bench_disruption.py                 # wiod and exio (BoARIO on exio needs ~8 GB)
    python benchmarks/bench_disruption.py --case mc
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_mrio  # noqa: E402
from bench_mrio import WORK, max_rel, peak_mb, prepare_exio, rss_mb  # noqa: E402

STEPS = {"wiod": {"industwin": 365, "boario": 120}, "exio": {"industwin": 60, "boario": 8}}


def _table(case: str):
    import industwin as iw
    if case == "wiod":
        m = iw.load("wiod2013", 2011)
        Y = np.maximum(m.Y, 0.0)
        return m.replace(Y=Y, x=np.asarray(m.Z).sum(axis=1) + Y.sum(axis=1), satellites={})
    return iw.load(WORK / "exio_industwin")


def _node(m) -> tuple[str, str]:
    if "CHN" in set(m.regions):
        return ("CHN", "c14")
    first = m.regions[0]
    rows = np.flatnonzero(np.asarray(m.index.get_level_values(0) == first))
    return tuple(m.index[rows[np.argmax(m.x[rows])]])


def worker_industwin(case: str, out: Path) -> dict:
    from industwin.core.ario import ARIOModel, CapacityShock

    m = _table(case)
    float(np.asarray(m.Z).sum())   # the table in memory first (it may be memory-mapped): like BoARIO's
    base = rss_mb()                # baseline, the working memory excludes the input table
    node = _node(m)
    t0 = time.perf_counter()
    model = ARIOModel(m)
    t_build = time.perf_counter() - t0
    steps = STEPS[case]["industwin"]
    t0 = time.perf_counter()
    res = model.simulate(steps, [CapacityShock(np.array([m.index.get_loc(node)]), np.array([0.5]), 6, 10_000)],
                         record=("production",))
    t = time.perf_counter() - t0
    peak = peak_mb() - base
    np.save(out, res.production)
    return {"times": {"build": t_build, "simulate": t}, "steps": steps, "peak_mb": peak}


def worker_boario(case: str, out: Path) -> dict:
    import logging

    import pandas as pd
    import pymrio
    from boario.event import from_series
    from boario.extended_models import ARIOPsiModel
    from boario.simulation import Simulation

    from industwin.data.pymrio_io import to_pymrio

    warnings.simplefilter("ignore")
    logging.getLogger("boario").setLevel(logging.ERROR)
    m = _table(case)
    node = _node(m)
    io = to_pymrio(m.replace(satellites={}), include_value_added=False)
    io.A = pymrio.calc_A(io.Z, io.x)
    del m
    base = rss_mb()
    steps = STEPS[case]["boario"]
    t0 = time.perf_counter()
    model = ARIOPsiModel(io)
    sim = Simulation(model, n_temporal_units_to_sim=steps)
    sim.add_event(from_series(pd.Series({node: 0.5}), event_type="arbitrary", occurrence=5,
                              duration=steps - 5, recovery_tau=1))
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    sim.loop()
    t = time.perf_counter() - t0
    peak = peak_mb() - base
    prod = sim.production_realised
    prod.columns = pd.MultiIndex.from_tuples(prod.columns)
    order = to_pymrio(_table(case).replace(satellites={}), include_value_added=False).Z.index
    np.save(out, prod[order].to_numpy())
    return {"times": {"build": t_build, "simulate": t}, "steps": steps, "peak_mb": peak}


def worker_mc(case: str, out: Path) -> dict:
    from industwin.analysis.disruption import risk_assessment

    m = _table("wiod")
    t0 = time.perf_counter()
    ra = risk_assessment(m, draws=1000, seed=1, duration=(7, 60), horizon=120, scheduler="distributed")
    t = time.perf_counter() - t0
    s = ra.summary
    return {"times": {"1,000 draws × 120 days": t}, "steps": 120_000, "peak_mb": 0.0,
            "summary": {k: float(v) for k, v in s.items()}}


WORKERS = {"industwin": worker_industwin, "boario": worker_boario, "mc": worker_mc}


def report(case: str, repeat: int) -> None:
    if case == "mc":
        res = bench_mrio.run("mc", "wiod", 1, script=__file__, result="dis_{tool}_{case}.npy")
        t = res["times"]["1,000 draws × 120 days"]
        print(f"\n=== Monte Carlo: 1,000 single-node shocks × 120 days on WIOD 2011, Dask LocalCluster (2 workers)\n"
              f"  wall time {t:.1f} s = {120_000 / t:,.0f} simulated days per second")
        for k, v in res["summary"].items():
            print(f"  {k:24s} {v:14,.1f}")
        return
    if case == "exio":
        prepare_exio()
    ours = bench_mrio.run("industwin", case, repeat, script=__file__, result="dis_{tool}_{case}.npy")
    theirs = bench_mrio.run("boario", case, 1, script=__file__, result="dis_{tool}_{case}.npy")
    so = ours["steps"] / ours["times"]["simulate"]
    st = theirs["steps"] / theirs["times"]["simulate"]
    a, b = np.load(ours["file"]), np.load(theirs["file"])
    k = min(len(a), len(b))
    diff = max_rel(a[:k], b[:k])
    label = "WIOD 2011 (n = 1,435)" if case == "wiod" else "synthetic EXIOBASE-sized system (n = 7,987)"
    print(f"\n=== {case}: {label}")
    print(f"  industwin: {ours['steps']} steps in {ours['times']['simulate']:.2f} s = {so:,.1f} steps/s "
          f"(model built in {ours['times']['build']:.2f} s), peak {ours['peak_mb']:,.0f} MB")
    print(f"  BoARIO:    {theirs['steps']} steps in {theirs['times']['simulate']:.2f} s = {st:,.2f} steps/s "
          f"(model built in {theirs['times']['build']:.2f} s), peak {theirs['peak_mb']:,.0f} MB")
    print(f"  steps/s ours / BoARIO = {so / st:.1f}×   time per step ours / BoARIO = {st / so:.3f}   "
          f"memory ours / BoARIO = {ours['peak_mb'] / max(theirs['peak_mb'], 1e-9):.3f}")
    print(f"  production trajectories, first {k} steps: max relative difference {diff:.1e}")


def main() -> None:
    bench_mrio.cli(__doc__, ["wiod", "exio", "mc"], ["wiod", "exio"], WORKERS, report, "dis_{tool}_{case}.npy")


if __name__ == "__main__":
    main()
