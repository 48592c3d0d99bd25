"""Implementation monitoring: tracking one economy's targets over the 17 WIOD 2013 years (1995–2011).

  industwin — :func:`industwin.strategy.monitoring.track` on ``examples/targets/DEU.yaml`` (three targets: two of
              the twin's indicators, each naming sectors for the what-changed comparison, and a programme
              metric): each year's table is read once, only DEU's two indicators are computed, plus the targeted
              sectors' value added / emissions in every region.
  naive     — the reference a report would otherwise run: the full indicator matrix
              (:func:`industwin.strategy.indicators.indicator_matrix`, 20 indicators) for every economy of the
              table (40 countries, not RoW) in every year, then DEU's two indicators picked from it.

Both run with one BLAS thread (``OPENBLAS_NUM_THREADS=1`` unless set): on a shared machine a multi-threaded BLAS
spinning against other jobs made the naive run several times slower and unsteady. Both read the 17 tables the same
way (``industwin.load``, no cache); the time of reading is reported apart. The two indicator series are compared
(largest relative difference). Each tool runs in a fresh process (peak memory = VmHWM above the RSS after
imports); the fastest of --repeat runs is kept.

    python benchmarks/bench_monitoring.py              # about 2 minutes on 2 cores
    python benchmarks/bench_monitoring.py --repeat 2
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _harness import WORK, Limits, max_rel, peak_mb, print_env, rss_mb, run

TARGETS = HERE.parent / "examples" / "targets" / "DEU.yaml"
YEARS = list(range(1995, 2012))
INDICATORS = ("medium_high_tech_va_share", "emission_intensity_va")


def _timed_loader(spent: list[float]):
    from industwin.data.registry import load

    def get(y: int):
        t0 = time.perf_counter()
        m = load("wiod2013", y)
        spent[0] += time.perf_counter() - t0
        return m
    return get


def worker_industwin(case: str, out: Path) -> dict:
    from industwin.strategy.monitoring import read_targets, track
    targets = read_targets(TARGETS)
    base, spent = rss_mb(), [0.0]
    t0 = time.perf_counter()
    tr = track(targets, _timed_loader(spent), YEARS)
    total = time.perf_counter() - t0
    ids = {t.indicator: t.id for t in targets.targets}
    vals = np.array([tr.values.loc[YEARS, ids[i]].to_numpy(float) for i in INDICATORS])
    np.save(out, vals)
    return {"times": {"total": total, "read tables": spent[0], "compute": total - spent[0]},
            "peak_mb": peak_mb() - base, "status": dict(tr.status["status"])}


def worker_naive(case: str, out: Path) -> dict:
    from industwin.strategy.indicators import diagnosis_inputs, indicator_matrix
    base, spent = rss_mb(), [0.0]
    get = _timed_loader(spent)
    t0 = time.perf_counter()
    vals = np.full((len(INDICATORS), len(YEARS)), np.nan)
    for k, y in enumerate(YEARS):
        m = get(y)
        regions = [r for r in dict.fromkeys(m.index.get_level_values(0)) if r not in ("RoW",)]
        P = indicator_matrix(m, regions, diagnosis_inputs(m))[0]
        vals[:, k] = P.loc[list(INDICATORS), "DEU"].to_numpy(float)
    total = time.perf_counter() - t0
    np.save(out, vals)
    return {"times": {"total": total, "read tables": spent[0], "compute": total - spent[0]},
            "peak_mb": peak_mb() - base, "regions": len(regions)}


WORKERS = {"industwin": worker_industwin, "naive": worker_naive}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--worker", choices=list(WORKERS))
    ap.add_argument("--case", default="wiod")
    ap.add_argument("--repeat", type=int, default=1, help="runs per tool; the fastest is reported")
    args = ap.parse_args()
    WORK.mkdir(exist_ok=True)
    if args.worker:
        print(json.dumps(WORKERS[args.worker](args.case, WORK / f"mon_{args.worker}.npy")))
        return
    for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(k, "1")                  # the workers inherit it
    print_env(args.repeat)
    print(f"worker BLAS threads: {os.environ['OPENBLAS_NUM_THREADS']}")
    lim = Limits(wall_s=600)
    ours = run("industwin", "wiod", args.repeat, script=__file__, result="mon_{tool}.npy", limits=lim)
    ref = run("naive", "wiod", args.repeat, script=__file__, result="mon_{tool}.npy", limits=lim)
    a, b = np.load(ours["file"]), np.load(ref["file"])
    both = np.isfinite(a) & np.isfinite(b)
    same_gaps = bool(np.array_equal(np.isfinite(a), np.isfinite(b)))
    print("\n=== tracking DEU's targets (examples/targets/DEU.yaml) over WIOD 2013, 1995–2011 (17 tables)")
    print(f"{'':42s}{'total s':>9s}{'read s':>9s}{'compute s':>11s}{'peak MB':>9s}")
    for name, r in (("industwin track (one economy's indicators)", ours),
                    (f"naive: indicator_matrix × {ref['regions']} economies", ref)):
        t = r["times"]
        print(f"{name:42s}{t['total']:9.2f}{t['read tables']:9.2f}{t['compute']:11.2f}{r['peak_mb']:9.0f}")
    to, tr_ = ours["times"], ref["times"]
    print(f"time ours / naive: total {to['total'] / tr_['total']:.3f}, compute only "
          f"{to['compute'] / tr_['compute']:.4f};  peak memory ours / naive {ours['peak_mb'] / ref['peak_mb']:.3f}")
    print(f"naive indicator_matrix: {tr_['compute'] / len(YEARS):.2f} s a year for {ref['regions']} economies; "
          f"industwin: {to['compute'] / len(YEARS):.3f} s a year (incl. the sector comparison)")
    print(f"same values: max relative difference {max_rel(a[both], b[both]):.1e}; same missing years: {same_gaps}")
    print(f"status: {ours['status']}")


if __name__ == "__main__":
    main()
