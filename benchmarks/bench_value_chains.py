"""Value-chain indicators: industwin vs pymrio, time and peak memory.

Cases
  series : WIOD 2013, all 41 regions × 17 years (1995–2011).
           industwin — the full indicator set of every year (export decomposition by country and by
           country-sector with VAX, REF, DVX and participation; value added by origin country in every
           final product; upstreamness and downstreamness), loading each year, in sequence and on a
           Dask local scheduler (2 processes).
           Peer — pymrio has no GVC decomposition; it computes the one indicator both tools share, value
           added by origin region per unit of each final product (Los–Timmer–de Vries), as the multipliers
           M = S L of a 41-row regional value-added extension (calc_system + calc_S + calc_M). industwin
           computes the same indicator alone for the ratio, and the results are compared.
  exio   : the synthetic EXIOBASE-sized system of bench_mrio.py (49 regions × 163 sectors = 7,987):
           the same indicator (value added by origin in every final product) with both tools.

Each run is a fresh subprocess (peak memory = VmHWM minus RSS after imports); the fastest of --repeat
runs is kept.

    python benchmarks/bench_value_chains.py                 # both cases
    python benchmarks/bench_value_chains.py --case exio --repeat 1
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_mrio  # noqa: E402
from bench_mrio import WORK, max_rel, peak_mb, prepare_exio, rss_mb  # noqa: E402

YEARS = list(range(1995, 2012))


def _regional_va(Z: np.ndarray, x: np.ndarray, regions: np.ndarray, order: list[str]) -> np.ndarray:
    """Value added (x − 1'Z) placed in the row of its region: the extension whose M is the VA origin."""
    va = x - Z.sum(axis=0)
    F = np.zeros((len(order), len(x)))
    F[[order.index(r) for r in regions], np.arange(len(x))] = va
    return F


# ----------------------------------------------------------------------------- workers
def worker_industwin_full(case: str, out: Path) -> dict:
    from industwin.analysis.value_chains import gvc_indicators
    from industwin.data.registry import load

    base, t0 = rss_mb(), time.perf_counter()
    rows = 0
    for y in YEARS:
        g = gvc_indicators(load("wiod2013", y))
        rows += len(g.table())
    return {"times": {"full indicator set, 17 years": time.perf_counter() - t0}, "peak_mb": peak_mb() - base,
            "rows": rows}


def worker_industwin_dask(case: str, out: Path) -> dict:
    from industwin.analysis.value_chains import over_years

    base, t0 = rss_mb(), time.perf_counter()
    res = over_years("indicators", YEARS, scheduler="distributed")
    return {"times": {"full indicator set, 17 years, Dask LocalCluster": time.perf_counter() - t0},
            "peak_mb": peak_mb() - base, "rows": len(res)}


def worker_industwin_origin(case: str, out: Path) -> dict:
    import industwin as iw
    from industwin.analysis.value_chains import final_output_origin

    base, t0, shares = rss_mb(), time.perf_counter(), []
    if case == "series":
        for y in YEARS:
            shares.append(final_output_origin(iw.load("wiod2013", y)).shares.to_numpy())
    else:
        shares.append(final_output_origin(iw.load(WORK / "exio_industwin")).shares.to_numpy())
    t = time.perf_counter() - t0
    peak = peak_mb() - base
    np.save(out, np.stack(shares))
    return {"times": {"value added by origin, every product": t}, "peak_mb": peak}


def worker_pymrio_origin(case: str, out: Path) -> dict:
    import warnings

    import pandas as pd
    import pymrio

    warnings.simplefilter("ignore")
    base, t0, shares = rss_mb(), time.perf_counter(), []
    if case == "series":
        from industwin.data.registry import data_root
        for y in YEARS:
            raw = pd.read_parquet(data_root() / "wiod2013" / "parquet" / f"wiot_{y}.parquet")
            idx = pd.MultiIndex.from_frame(raw[["country", "sector"]], names=["region", "sector"])
            n = len(idx)
            fdc = raw.columns[2 + n:-1]
            fidx = pd.MultiIndex.from_tuples([tuple(c.split(".")) for c in fdc], names=["region", "category"])
            Z = raw.iloc[:, 2:2 + n].to_numpy(float)
            x = raw["GO"].to_numpy(float)
            io = pymrio.IOSystem(Z=pd.DataFrame(Z, index=idx, columns=idx),
                                 Y=pd.DataFrame(raw[fdc].to_numpy(float), index=idx, columns=fidx),
                                 x=pd.DataFrame({"indout": x}, index=idx),
                                 unit=pd.DataFrame({"unit": ["M USD"] * n}, index=idx))
            order = list(dict.fromkeys(raw["country"]))
            io.calc_system()
            F = pd.DataFrame(_regional_va(Z, x, raw["country"].to_numpy(), order), index=order, columns=idx)
            M = pymrio.calc_M(pymrio.calc_S(F, io.x), io.L)
            shares.append(M.T.to_numpy())
    else:
        io = pymrio.load_all(WORK / "exio_pymrio")
        io.calc_system()
        regions = io.Z.index.get_level_values(0).to_numpy()
        order = list(dict.fromkeys(regions))
        F = pd.DataFrame(_regional_va(io.Z.to_numpy(), io.x["indout"].to_numpy(), regions, order), index=order,
                         columns=io.Z.columns)
        M = pymrio.calc_M(pymrio.calc_S(F, io.x), io.L)
        shares.append(M.T.to_numpy())
    t = time.perf_counter() - t0
    peak = peak_mb() - base
    np.save(out, np.stack(shares))
    return {"times": {"value added by origin, every product": t}, "peak_mb": peak}


WORKERS = {"industwin_full": worker_industwin_full, "industwin_dask": worker_industwin_dask,
           "industwin_origin": worker_industwin_origin, "pymrio_origin": worker_pymrio_origin}


# ----------------------------------------------------------------------------- orchestration
def run(tool: str, case: str, repeat: int) -> dict:
    return bench_mrio.run(tool, case, repeat, script=__file__, result="vc_{tool}_{case}.npy")


def report(case: str, repeat: int) -> None:
    if case == "series":
        print("\n=== series: WIOD 2013, 41 regions × 35 sectors × 17 years (1995–2011), load included")
        full, dask = run("industwin_full", case, repeat), run("industwin_dask", case, repeat)
        tf, td = full["times"]["full indicator set, 17 years"], dask["times"][
            "full indicator set, 17 years, Dask LocalCluster"]
        print(f"  industwin, full indicator set, in sequence      {tf:8.2f} s  ({tf / 17:.2f} s per year, "
              f"{full['rows']:,} country-sector rows, peak {full['peak_mb']:.0f} MB)")
        print(f"  industwin, full indicator set, Dask LocalCluster (2 workers × 1 thread, start-up included) "
              f"{td:8.2f} s")
    else:
        prepare_exio()
        print("\n=== exio: synthetic EXIOBASE-sized system, n = 7,987 (49 regions), load included")
    ours, theirs = run("industwin_origin", case, repeat), run("pymrio_origin", case, repeat)
    to, tt = ours["times"]["value added by origin, every product"], theirs["times"]["value added by origin, every product"]
    a, b = np.load(ours["file"]), np.load(theirs["file"])
    per_table = [max_rel(a[k], b[k]) for k in range(len(a))]
    diff = max(per_table)
    odd = [YEARS[k] for k, d in enumerate(per_table) if d > 1e-9] if case == "series" else []
    print("  value added by origin in every final product (Los–Timmer–de Vries):")
    print(f"    industwin {to:8.2f} s, {ours['peak_mb']:6.0f} MB   pymrio {tt:8.2f} s, {theirs['peak_mb']:6.0f} MB")
    print(f"    time ours / pymrio = {to / tt:.3f}   memory ours / pymrio = {ours['peak_mb'] / theirs['peak_mb']:.3f}"
          f"   max relative difference {diff:.1e}")
    if odd:
        ok = max(d for d in per_table if d <= 1e-9)
        print(f"    (≤ {ok:.1e} in every other year; in {odd} a sector with zero output still sells a few $M — WIOD "
              "rounding — which industwin counts as that region's primary input so that shares sum to 1, while "
              "pymrio's S = 0 drops it)")


def main() -> None:
    bench_mrio.cli(__doc__, ["series", "exio"], ["series", "exio"], WORKERS, report, "vc_{tool}_{case}.npy")


if __name__ == "__main__":
    main()
