"""The strategy reports of every economy of WIOD 2013 (2011): `industwin report --all`, time and peak memory.

Runs, each in a fresh process:
  all-dask   : industwin report --all --year 2011 (indicators for all 40 economies once, 40 reports + index,
               HTML and PDF with charts, on a Dask LocalCluster of one process per core)
  all-serial : the same with --no-dask (one process)
  one        : industwin report --economy DEU --year 2011 (one economy, its 39 peers computed for it) — the way
               to get 40 reports without --all is 40 such runs: its time × 40 is printed as that baseline.
Target (issue 13): all 40 reports in under 5 minutes on 2 cores.

    python benchmarks/bench_report.py            # all three
    python benchmarks/bench_report.py --skip-serial
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLI = [sys.executable, "-m", "industwin.cli"]


def run(args: list[str]) -> tuple[float, float]:
    """Wall time (s) and the peak RSS (GiB) of the largest child process (the CLI or a Dask worker)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    r = subprocess.run([*CLI, *args], capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"})
    wall = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(f"industwin {' '.join(args)} failed:\n{r.stdout[-2000:]}{r.stderr[-2000:]}")
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 2**20
    return wall, peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--skip-serial", action="store_true", help="leave out the --no-dask run")
    ap.add_argument("--year", type=int, default=2011)
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="iw-bench-report-"))
    rows = []
    try:
        t, m = run(["report", "--all", "--year", str(a.year), "-o", str(work / "all")])
        n = len(list((work / "all").glob("*.pdf")))
        rows.append(("all-dask", t, m, n))
        if not a.skip_serial:
            t, m = run(["report", "--all", "--no-dask", "--year", str(a.year), "-o", str(work / "serial")])
            rows.append(("all-serial", t, m, n))
        t, m = run(["report", "--economy", "DEU", "--year", str(a.year), "-o", str(work / "DEU.html")])
        rows.append(("one (DEU)", t, m, 1))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nindustwin report, WIOD 2013 {a.year}, {os.cpu_count()} cores")
    print(f"{'run':<12} {'reports':>8} {'time s':>8} {'peak GiB':>9} {'s/report':>9}")
    for name, t, m, k in rows:
        print(f"{name:<12} {k:>8} {t:>8.1f} {m:>9.2f} {t / k:>9.2f}")
    one = rows[-1][1]
    total = rows[0][1]
    print(f"\n40 single runs would take ~{40 * one:.0f} s (one × 40); --all: {total:.0f} s "
          f"(ratio {total / (40 * one):.2f}); target: under 300 s -> {'met' if total < 300 else 'NOT met'}")


if __name__ == "__main__":
    main()
