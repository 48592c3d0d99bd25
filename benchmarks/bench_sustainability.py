"""Supply-chain intensities, structural path analysis and a decarbonisation scenario: industwin vs pymrio.

Cases
  us   : the US 2017 detail table (402 commodities, USEEIO commodity model) with a seeded synthetic
         greenhouse-gas satellite (the table here comes without its GHG matrices; speed does not depend on
         the numbers)
  exio : the synthetic EXIOBASE-sized system of bench_mrio.py (49 × 163 = 7,987 sectors, 20 stressors)

pymrio computes the total (supply-chain) intensities ``M = S L`` of every stressor (calc_system +
calc_extensions); industwin computes the same from one LU (``satellite_multipliers``) — timed side by side
in fresh processes, results compared. Structural path analysis and the scenario comparison (efficiency,
fuel switch and a new recipe against the baseline, each with its own LU) have no pymrio counterpart and are
timed alone.

    python benchmarks/bench_sustainability.py            # both cases
    python benchmarks/bench_sustainability.py --case us
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


def _table(case: str):
    import industwin as iw
    if case == "us":
        m = iw.load("useeio2017")
        rng = np.random.default_rng(20240101)
        F = (rng.lognormal(-1.0, 1.2, len(m.x)) * m.x)[None, :]      # kg per USD ~ 0.1–3, like EPA factors
        return m.with_satellite(iw.Satellite("stressors", F, ["ghg"], "kg CO2e"))
    return iw.load(WORK / "exio_industwin")


def worker_industwin(case: str, out: Path) -> dict:
    import industwin as iw
    from industwin.analysis import decarbonisation as dc
    from industwin.core.paths import structural_paths

    m = _table(case)
    float(np.asarray(m.Z).sum())
    base, t = rss_mb(), {}
    t0 = time.perf_counter()
    M = iw.satellite_multipliers(m, "stressors")
    t["total intensities M = S L"] = time.perf_counter() - t0
    peak_m = peak_mb() - base
    S = iw.intensities(m, "stressors").to_numpy()[0]
    y = np.zeros(len(m.x))
    y[int(np.argmax(m.x))] = 1e6
    t0 = time.perf_counter()
    spa = structural_paths(m, S, y, max_depth=8, threshold=1e-4)
    t["structural paths (1 product, 1e-4)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    b = dc.Technology.of(m, "stressors")
    codes = list(dict.fromkeys(m.index.get_level_values(-1)))
    r0 = m.index[0][0]
    s, f, e = (r0, codes[10]), codes[:3], (r0, codes[3])           # one region's sector; fuels from everywhere
    sc = [dc.efficiency(m, b, s, f, 0.2), dc.fuel_switch(m, b, s, f, e, 0.5), dc.recipe(m, b, s, {e: 0.05}, 0.01)]
    res = dc.compare_scenarios(m, sc, b, carbon_price=0.01)
    t["scenario: baseline + 3 measures"] = time.perf_counter() - t0
    peak = peak_mb() - base
    np.savez(out, M=M.to_numpy())
    return {"times": t, "peak_mb": peak_m, "peak_all_mb": peak, "paths": len(spa.paths), "covered": spa.covered / spa.total,
            "emissions_change_pct": [float(v) for v in res["emissions_change_pct"]]}


def worker_pymrio(case: str, out: Path) -> dict:
    import pymrio

    from industwin.data.pymrio_io import to_pymrio

    warnings.simplefilter("ignore")
    io = to_pymrio(_table(case), include_value_added=False)
    base, t = rss_mb(), {}
    t0 = time.perf_counter()
    io.calc_system()
    io.stressors.calc_system(x=io.x, Y=io.Y, L=io.L, Y_agg=None, population=None)
    t["total intensities M = S L"] = time.perf_counter() - t0
    peak = peak_mb() - base
    np.savez(out, M=io.stressors.M.to_numpy())
    del pymrio
    return {"times": t, "peak_mb": peak}


WORKERS = {"industwin": worker_industwin, "pymrio": worker_pymrio}


def report(case: str, repeat: int) -> None:
    if case == "exio":
        prepare_exio()
    ours = bench_mrio.run("industwin", case, repeat, script=__file__, result="sus_{tool}_{case}.npz")
    theirs = bench_mrio.run("pymrio", case, repeat, script=__file__, result="sus_{tool}_{case}.npz")
    name = "US 2017 detail, 402 commodities" if case == "us" else "synthetic EXIOBASE-sized, n = 7,987, 20 stressors"
    print(f"\n=== {case}: {name}")
    for k, v in ours["times"].items():
        print(f"  industwin  {k:40s} {v:9.3f} s")
    for k, v in theirs["times"].items():
        print(f"  pymrio     {k:40s} {v:9.3f} s")
    a, b = np.load(ours["file"]), np.load(theirs["file"])
    key = "total intensities M = S L"
    print(f"  total intensities: time ours / pymrio = {ours['times'][key]:.3f} / {theirs['times'][key]:.3f} s = "
          f"{ours['times'][key] / theirs['times'][key]:.3f}; max relative difference {max_rel(a['M'], b['M']):.1e}")
    print(f"  peak memory for M: ours / pymrio = {ours['peak_mb']:.0f} / {theirs['peak_mb']:.0f} MB = "
          f"{ours['peak_mb'] / max(theirs['peak_mb'], 1e-9):.3f}   (ours with paths and scenarios: "
          f"{ours['peak_all_mb']:.0f} MB)")
    print(f"  structural paths: {ours['paths']:,} paths cover {100 * ours['covered']:.1f} % of the footprint; "
          f"scenario emissions change (%): {[round(v, 2) for v in ours['emissions_change_pct']]}")


if __name__ == "__main__":
    bench_mrio.cli(__doc__, ["us", "exio"], ["us", "exio"], WORKERS, report, "sus_{tool}_{case}.npz")
