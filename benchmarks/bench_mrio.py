"""industwin vs pymrio: load → coefficients → multipliers → footprints, time and peak memory.

Cases
  wiod   : the real WIOD 2013 table for 2011 (1,435 sectors; value added as the satellite)
  exio   : a synthetic system of EXIOBASE 3 size — 49 regions × 163 sectors = 7,987 rows,
           7 final-demand categories per region, 20 stressors — generated deterministically
           (seed 20240101), balanced exactly.
  gloria : a synthetic system of GLORIA size — 164 regions × 120 sectors = 19,680 rows, 6 final-demand
           categories per region, 20 stressors — generated deterministically (seed 20240101), balanced
           exactly (heavy: about 8 minutes plus 1.5 to generate once, up to 18 GiB while pymrio runs; not part
           of the default run).

Each tool runs in its own subprocess (peak memory = max RSS minus RSS after imports), on
the same input: for wiod both read the shared Parquet file; for exio and gloria each reads the
same system from its own binary format (pymrio: save_all parquet; industwin: save/npy, memory-mapped).
pymrio runs calc_all() (A, L, x, S, M, D_cba, D_pba, D_imp, D_exp and the _reg sums);
industwin runs the same accounts through one LU of (I − A). A bare LAPACK LU of the same
(I − A) is printed as the floor. Results are compared (max relative difference). For gloria the parent
watches pymrio and stops it at 18 GiB resident memory, when the machine has under 1 GiB available, or
after 20 minutes, and reports where it was stopped.

    python benchmarks/bench_mrio.py                 # wiod, exio and the cache check
    python benchmarks/bench_mrio.py --case exio
    python benchmarks/bench_mrio.py --case gloria   # GLORIA size (IW_BENCH_GLORIA_SHAPE=20x60 for a smoke test)
    python benchmarks/bench_mrio.py --case cache    # second load of a 10^4-sector table
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
# the measurement plumbing lives in _harness; the other benchmark scripts import it from here
from _harness import GIB, WORK, Limits, Steps, _status, blas_info, cli, max_rel, peak_mb, print_env, rss_mb, run  # noqa: F401

R, S_, CATS, Q = 49, 163, 7, 20
SEED = 20240101
# GLORIA: 164 regions × 120 sectors, 6 final-demand categories; a smaller shape for smoke tests
GR, GS = (int(v) for v in os.environ.get("IW_BENCH_GLORIA_SHAPE", "164x120").split("x"))
GCATS = 6
GLORIA = "gloria" if (GR, GS) == (164, 120) else f"gloria{GR}x{GS}"   # folder names in benchmarks/_work
PYMRIO_LIMITS = Limits(rss_gib=18.0, avail_gib=1.0, wall_s=20 * 60)  # the machine has 23 GiB, shared
OUR_LIMITS = Limits(rss_gib=18.0, avail_gib=1.0, wall_s=20 * 60)


# ----------------------------------------------------------------------------- synthetic system
def synthetic(seed: int = SEED):
    """A balanced EXIOBASE-sized MRIO: x = (I − A)⁻¹ y, Z = A x̂ (generation is not timed)."""
    import pandas as pd
    import scipy.linalg as la

    rng = np.random.default_rng(seed)
    n = R * S_
    A = rng.random((n, n)) ** 4  # skewed, dense like EXIOBASE's A
    reg = np.repeat(np.arange(R), S_)
    A *= np.where(reg[:, None] == reg[None, :], 1.0, 0.03)  # domestic blocks dominate
    A *= (rng.uniform(0.3, 0.7, n) / A.sum(axis=0))[None, :]  # column sums 0.3–0.7
    Y = np.zeros((n, R * CATS))
    for r in range(R):
        dom = reg == r
        Y[:, r * CATS:(r + 1) * CATS] = rng.lognormal(0, 1, (n, CATS)) * np.where(dom, 50.0, 1.0)[:, None]
    y = Y.sum(axis=1)
    M = -A
    M.flat[:: n + 1] += 1.0
    x = la.solve(M, y)
    del M
    Z = A * x[None, :]
    del A
    F = rng.lognormal(0, 1.5, (Q, n)) * x[None, :] * 1e-3
    F_Y = np.zeros((Q, R * CATS))
    F_Y[:, 0::CATS] = rng.lognormal(0, 1, (Q, R))
    regions = [f"R{r:02d}" for r in range(R)]
    sectors = [f"s{s:03d}" for s in range(S_)]
    index = pd.MultiIndex.from_product([regions, sectors], names=["region", "sector"])
    fd_index = pd.MultiIndex.from_product([regions, [f"fd{c}" for c in range(CATS)]], names=["region", "category"])
    return Z, Y, x, F, F_Y, index, fd_index


def prepare_exio() -> None:
    """Write the synthetic system once in both tools' formats (cached in benchmarks/_work)."""
    done = WORK / "exio.done"
    if done.exists():
        return
    import pandas as pd
    import pymrio

    import industwin as iw

    print("generating the synthetic EXIOBASE-sized system (once) …", flush=True)
    Z, Y, x, F, F_Y, index, fd_index = synthetic()
    sat = iw.Satellite("stressors", F, [f"stressor_{k}" for k in range(Q)], "kg", F_Y)
    m = iw.MRIO(Z, Y, x, index=index, fd_index=fd_index, satellites={"stressors": sat}, unit="M EUR", name="synthetic")
    iw.save(m, WORK / "exio_industwin")
    st = pd.Index(sat.stressors, name="stressor")
    io = pymrio.IOSystem(Z=pd.DataFrame(Z, index=index, columns=index), Y=pd.DataFrame(Y, index=index, columns=fd_index),
                         x=pd.DataFrame({"indout": x}, index=index),
                         unit=pd.DataFrame({"unit": ["M EUR"] * len(index)}, index=index), name="synthetic")
    io.stressors = pymrio.Extension(name="stressors", F=pd.DataFrame(F, index=st, columns=index),
                                    F_Y=pd.DataFrame(F_Y, index=st, columns=fd_index),
                                    unit=pd.DataFrame({"unit": ["kg"] * Q}, index=st))
    io.save_all(WORK / "exio_pymrio", table_format="parquet")
    done.write_text("ok")


def synthetic_gloria(seed: int = SEED, shape: tuple[int, int] = (GR, GS)):
    """A balanced GLORIA-sized MRIO, built in one n × n buffer (3.1 GB at 19,680 rows; not timed).

    Gross output x is drawn first (economy size × sector size × noise). Each buyer's column of A has an
    intermediate-input share 0.3–0.65, of which a regional 10–40 % is imported: dense, skewed domestic blocks
    (u⁴) and thinner import blocks (u⁸, weighted by a gravity-like partner size); suppliers are drawn in
    proportion to their output. Rows whose sales to industries would pass 80 % of their output are scaled
    down (about 1 % of them), so 1'A ≤ 0.65 (spectral radius ≈ 0.47) and final demand y = x − Z·1 ≥ 0.2 x;
    y is split over the regions (55–90 % domestic) and 6 categories, all positive, so x = Z·1 + Y·1 exactly
    up to rounding.
    """
    import pandas as pd

    R_, S = shape
    n = R_ * S
    rng = np.random.default_rng(seed)
    reg, sec = np.repeat(np.arange(R_), S), np.tile(np.arange(S), R_)
    size_r, size_s = rng.lognormal(0.0, 1.2, R_), rng.lognormal(0.0, 0.8, S)
    x = 1e3 * size_r[reg] * size_s[sec] * rng.lognormal(0.0, 0.5, n)
    inputs = rng.uniform(0.3, 0.65, n)                           # 1'A by buyer
    imp = rng.uniform(0.1, 0.4, R_)                              # imported share of inputs, by buying region
    trade = size_r[:, None] * rng.lognormal(0.0, 1.0, (R_, R_))  # gravity-like partner weights
    Z = np.empty((n, n))
    for r in range(R_):                                          # one buying region's columns at a time
        cols = slice(r * S, (r + 1) * S)
        B = rng.random((n, S))
        foreign = reg != r
        B[~foreign] **= 4
        B[foreign] **= 8
        B *= x[:, None]
        B[foreign] *= trade[reg[foreign], r][:, None]
        B[~foreign] *= (inputs[cols] * (1 - imp[r]) / B[~foreign].sum(axis=0))[None, :]
        B[foreign] *= (inputs[cols] * imp[r] / B[foreign].sum(axis=0))[None, :]
        B *= x[cols][None, :]
        Z[:, cols] = B
    del B
    f = np.minimum(1.0, 0.8 * x / Z.sum(axis=1))
    for i in np.flatnonzero(f < 1.0):
        Z[i] *= f[i]
    y = x - Z.sum(axis=1)
    W = rng.random((n, R_)) ** 2 * size_r[None, :]               # where each row's final demand goes
    W[np.arange(n), reg] = 0.0
    dom = rng.uniform(0.55, 0.9, n)
    W *= ((1.0 - dom) / W.sum(axis=1))[:, None]
    W[np.arange(n), reg] = dom
    cats = ["households", "npish", "government", "gfcf", "inventories", "valuables"][:GCATS]
    cw = np.array([0.55, 0.03, 0.18, 0.19, 0.03, 0.02])[None, :] * rng.lognormal(0.0, 0.3, (R_, GCATS))
    cw /= cw.sum(axis=1, keepdims=True)
    Y = (y[:, None, None] * W[:, :, None] * cw[None, :, :]).reshape(n, R_ * GCATS)
    del W
    F = (1e-3 * x[None, :] * rng.lognormal(0.0, 1.5, (Q, S))[:, sec] * rng.lognormal(0.0, 0.5, (Q, R_))[:, reg]
         * rng.lognormal(0.0, 0.3, (Q, n)))
    F_Y = np.zeros((Q, R_ * GCATS))
    F_Y[:, 0::GCATS] = rng.lognormal(0.0, 1.0, (Q, R_)) * size_r[None, :]  # households' direct use
    regions = [f"R{r:03d}" for r in range(R_)]
    index = pd.MultiIndex.from_product([regions, [f"s{s:03d}" for s in range(S)]], names=["region", "sector"])
    fd_index = pd.MultiIndex.from_product([regions, cats], names=["region", "category"])
    return Z, Y, x, F, F_Y, index, fd_index


def prepare_gloria() -> None:
    """Write the GLORIA-sized system once in both tools' formats, in a worker process (its memory goes back to
    the machine when it ends)."""
    if (WORK / f"{GLORIA}.done").exists():
        return
    print(f"generating the synthetic GLORIA-sized system ({GR} × {GS}; once, a few minutes) …", flush=True)
    res = run("prepare", "gloria", 1, result="prepare_{case}", limits=OUR_LIMITS)
    print("  " + ", ".join(f"{k} {v:.0f} s" for k, v in res["times"].items())
          + f"; peak {res['peak_mb'] / GIB:.1f} GiB")


def worker_prepare(case: str, out: Path) -> dict:
    import shutil

    import pandas as pd
    import pymrio

    import industwin as iw

    steps = Steps()
    for folder in (WORK / f"{GLORIA}_industwin", WORK / f"{GLORIA}_pymrio"):
        shutil.rmtree(folder, ignore_errors=True)
    with steps("generate"):
        Z, Y, x, F, F_Y, index, fd_index = synthetic_gloria()
    with steps("industwin save"):
        sat = iw.Satellite("stressors", F, [f"stressor_{k}" for k in range(Q)], "kg", F_Y)
        m = iw.MRIO(Z, Y, x, index=index, fd_index=fd_index, satellites={"stressors": sat}, unit="M EUR",
                    name="synthetic GLORIA-sized")
        iw.save(m, WORK / f"{GLORIA}_industwin")
        del m, Z
    with steps("pymrio save_all (parquet)"):
        m = iw.load(WORK / f"{GLORIA}_industwin")     # the same numbers, memory-mapped: no second n × n copy
        st = pd.Index(sat.stressors, name="stressor")
        io = pymrio.IOSystem(Z=pd.DataFrame(np.asarray(m.Z), index=index, columns=index, copy=False),
                             Y=pd.DataFrame(Y, index=index, columns=fd_index),
                             x=pd.DataFrame({"indout": x}, index=index),
                             unit=pd.DataFrame({"unit": ["M EUR"] * len(index)}, index=index), name="synthetic")
        io.stressors = pymrio.Extension(name="stressors", F=pd.DataFrame(F, index=st, columns=index),
                                        F_Y=pd.DataFrame(F_Y, index=st, columns=fd_index),
                                        unit=pd.DataFrame({"unit": ["kg"] * Q}, index=st))
        io.save_all(WORK / f"{GLORIA}_pymrio", table_format="parquet")
    (WORK / f"{GLORIA}.done").write_text("ok")
    return {"times": steps.times, "peak_mb": steps.peak}


def _saved(case: str, tool: str) -> Path:
    return WORK / f"{GLORIA if case == 'gloria' else case}_{tool}"


# ----------------------------------------------------------------------------- workers
def worker_industwin(case: str, out: Path) -> dict:
    import industwin as iw
    from industwin.core.leontief import leontief

    steps = Steps()
    with steps("load"):
        if case == "wiod":
            m = iw.load("wiod2013", 2011)
            m = m.with_satellite(iw.Satellite("stressors", m.V, ["value_added"], "M USD"))
        else:
            m = iw.load(_saved(case, "industwin"))
    with steps("coefficients + LU"):
        leontief(m)  # A = Z x̂⁻¹ built in one buffer and LU-factorised in place
    with steps("multipliers"):
        mult = iw.output_multipliers(m)
        M = iw.satellite_multipliers(m, "stressors")
    with steps("footprints"):
        acc = iw.embodied_accounts(m, "stressors")
        cba = iw.footprint(m, "stressors", by="product")
    with steps("by-product import account"):
        sec = iw.sector_accounts(m, "stressors")
    x_model, pos = iw.gross_output(m).to_numpy(), m.x > 0  # not timed: L y vs x (equal on a balanced table)
    np.savez(out, M=M.to_numpy(), mult=mult.to_numpy(), D_cba=cba.to_numpy(), D_cba_reg=acc.consumption.to_numpy(),
             D_pba_reg=acc.production.to_numpy(), D_imp_reg=acc.imports.to_numpy(), D_exp_reg=acc.exports.to_numpy(),
             D_imp=sec["D_imp"].to_numpy(), D_pba=sec["D_pba"].to_numpy(), D_exp=sec["D_exp"].to_numpy())
    return {"times": steps.times, "cpu": steps.cpu, "step_peak_mb": steps.peaks, "peak_mb": steps.peak,
            "x_rel_err": float(np.max(np.abs(x_model - m.x)[pos] / m.x[pos]))}


def worker_pymrio(case: str, out: Path) -> dict:
    import warnings

    import pandas as pd
    import pymrio

    warnings.simplefilter("ignore")
    steps = Steps()
    with steps("load"):
        if case == "wiod":
            from industwin.data.registry import data_root
            raw = pd.read_parquet(data_root() / "wiod2013" / "parquet" / "wiot_2011.parquet")
            idx = pd.MultiIndex.from_frame(raw[["country", "sector"]], names=["region", "sector"])
            n = len(idx)
            fdc = raw.columns[2 + n:-1]
            fidx = pd.MultiIndex.from_tuples([tuple(c.split(".")) for c in fdc], names=["region", "category"])
            Z = pd.DataFrame(raw.iloc[:, 2:2 + n].to_numpy(float), index=idx, columns=idx)
            Y = pd.DataFrame(raw[fdc].to_numpy(float), index=idx, columns=fidx)
            x = pd.DataFrame({"indout": raw["GO"].to_numpy(float)}, index=idx)
            io = pymrio.IOSystem(Z=Z, Y=Y, x=x, unit=pd.DataFrame({"unit": ["M USD"] * n}, index=idx))
            va = (x["indout"].to_numpy() - Z.to_numpy().sum(axis=0))[None, :]
            st = pd.Index(["value_added"], name="stressor")
            io.stressors = pymrio.Extension(name="stressors", F=pd.DataFrame(va, index=st, columns=idx),
                                            unit=pd.DataFrame({"unit": ["M USD"]}, index=st))
        else:
            io = pymrio.load_all(_saved(case, "pymrio"))
            import pyarrow as pa
            pa.default_memory_pool().release_unused()  # Arrow's buffers from reading, not pymrio's
    with steps("coefficients + L"):
        io.calc_system()
    with steps("multipliers + footprints"):
        io.calc_extensions()
    e = io.stressors
    regs = list(dict.fromkeys(io.get_regions()))
    np.savez(out, M=e.M.to_numpy(), mult=io.L.to_numpy().sum(axis=0), D_cba=e.D_cba.to_numpy(),
             D_cba_reg=e.D_cba_reg[regs].to_numpy(), D_pba_reg=e.D_pba_reg[regs].to_numpy(),
             D_imp_reg=e.D_imp_reg[regs].to_numpy(), D_exp_reg=e.D_exp_reg[regs].to_numpy(),
             D_imp=e.D_imp.to_numpy(), D_pba=e.D_pba.to_numpy(), D_exp=e.D_exp.to_numpy())
    return {"times": steps.times, "step_peak_mb": steps.peaks, "peak_mb": steps.peak}


def worker_lapack(case: str, out: Path) -> dict:
    """The floor: one LAPACK LU (getrf) of (I − A), built beforehand in a Fortran-ordered buffer, factorised
    in place. Peak memory as for the tools (the table read from the same memory-mapped file, plus the buffer);
    at GLORIA size one factorisation per process (the parent repeats the process), else the best of three."""
    import scipy.linalg as la

    import industwin as iw

    base = rss_mb()
    m = iw.load("wiod2013", 2011) if case == "wiod" else iw.load(_saved(case, "industwin"))
    n = m.n
    r = np.where(m.x != 0, 1.0 / np.where(m.x != 0, m.x, 1.0), 0.0)
    K = np.empty((n, n), order="F")
    for j in range(0, n, 512):  # −A column block by column block (cache-friendly transposition)
        np.multiply(m.Z[:, j:j + 512], -r[None, j:j + 512], out=K[:, j:j + 512])
    K[np.arange(n), np.arange(n)] += 1.0
    best, cpu = np.inf, np.inf
    for _ in range(1 if case == "gloria" else 3):
        B = K if case == "gloria" else K.copy(order="F")
        c0, t0 = time.process_time(), time.perf_counter()
        la.lu_factor(B, overwrite_a=True, check_finite=False)
        best, cpu = min(best, time.perf_counter() - t0), min(cpu, time.process_time() - c0)
    return {"times": {"LU (getrf)": best}, "cpu": {"LU (getrf)": cpu}, "peak_mb": peak_mb() - base}


def worker_cache(case: str, out: Path) -> dict:
    """Re-open a saved 10,000-sector table (memory-mapped) and compute its output multipliers."""
    import industwin as iw

    t0 = time.perf_counter()
    m = iw.load(WORK / "cache_10k")
    t_open = time.perf_counter() - t0
    t0 = time.perf_counter()
    total = float(np.asarray(m.Z).sum())  # touches every page once
    t_read = time.perf_counter() - t0
    return {"times": {"open (memory-mapped)": t_open, "first full read of Z": t_read}, "peak_mb": peak_mb(),
            "check": total}


def cache_report() -> None:
    """The binary cache: a second load of a 10^4-sector table."""
    import pandas as pd

    import industwin as iw

    folder = WORK / "cache_10k"
    if not (folder / "table.json").exists():
        n, rng = 10_000, np.random.default_rng(1)
        idx = pd.MultiIndex.from_product([[f"R{r:02d}" for r in range(50)], [f"s{s:03d}" for s in range(200)]])
        Z = rng.random((n, n))
        m = iw.MRIO(Z, rng.random((n, 5)) * n, None, index=idx,
                    fd_index=pd.MultiIndex.from_product([["R00"], list("abcde")]), name="cache test")
        iw.save(m, folder)
        del m, Z
    res = run("cache", "cache", 1)
    t = res["times"]
    print(f"\n=== cache: second load of a 10,000-sector table (Z = 800 MB on disk)\n"
          f"  open (memory-mapped)  {t['open (memory-mapped)']:.3f} s\n"
          f"  first full read of Z  {t['first full read of Z']:.3f} s (page cache permitting)")


def report(case: str, repeat: int) -> dict:
    ours, theirs, floor = run("industwin", case, repeat), run("pymrio", case, repeat), run("lapack", case, 1)
    to, tt = sum(ours["times"].values()), sum(theirs["times"].values())
    core = to - ours["times"]["by-product import account"]
    lu = floor["times"]["LU (getrf)"]
    print(f"\n=== {case}: " + ("WIOD 2013, 2011 (n = 1,435, 1 satellite row)" if case == "wiod"
                             else "synthetic EXIOBASE-sized system (n = 7,987, 20 stressors)"))
    print(f"{'step':34s} {'industwin [s]':>14s}")
    for k, v in ours["times"].items():
        print(f"  {k:32s} {v:14.3f}")
    print(f"{'step':34s} {'pymrio [s]':>14s}")
    for k, v in theirs["times"].items():
        print(f"  {k:32s} {v:14.3f}")
    print(f"  {'bare LAPACK LU of (I − A)':32s} {lu:14.3f}")
    a, b = np.load(ours["file"]), np.load(theirs["file"])
    diffs = {k: max_rel(a[k], b[k]) for k in a.files}
    print("max relative difference ours vs pymrio: " + ", ".join(f"{k} {v:.1e}" for k, v in diffs.items()))
    print(f"time   ours / pymrio = {to:.2f} / {tt:.2f} s = {to / tt:.3f}   (without the by-product import "
          f"account: {core:.2f} s = {core / tt:.3f})")
    print(f"memory ours / pymrio = {ours['peak_mb']:.0f} / {theirs['peak_mb']:.0f} MB = "
          f"{ours['peak_mb'] / theirs['peak_mb']:.3f}   (extra peak RSS over the imported interpreter)")
    print(f"ours / LAPACK LU floor = {to / lu:.2f}   (without the by-product import account: {core / lu:.2f})")
    return {"case": case, "ours_s": to, "ours_core_s": core, "pymrio_s": tt, "lu_s": lu, "ours_mb": ours["peak_mb"],
            "pymrio_mb": theirs["peak_mb"], "max_rel_diff": max(diffs.values())}


def _fmt(v: float | None, spec: str, dash: str = "—") -> str:
    return dash if v is None else format(v, spec)


def _checks(ours: dict) -> dict:
    """Identities our accounts must satisfy on an exactly balanced table (used when pymrio cannot finish)."""
    a = np.load(ours["file"])
    folder = _saved("gloria", "industwin")
    F, FY = np.load(folder / "sat0_F.npy"), np.load(folder / "sat0_F_Y.npy")
    pba_direct = F.reshape(Q, GR, GS).sum(axis=2) + FY.reshape(Q, GR, GCATS).sum(axis=2)
    gap = (a["D_exp_reg"] - a["D_imp_reg"]) - (a["D_pba_reg"] - a["D_cba_reg"])
    return {"L y vs x": ours["x_rel_err"], "D_pba_reg vs F + F_Y by region": max_rel(a["D_pba_reg"], pba_direct),
            "exports − imports − (production − consumption)": float(np.abs(gap).max() / np.abs(a["D_pba_reg"]).max()),
            "D_pba by sector vs F": max_rel(a["D_pba"], F)}


def _median_ratio(ourss: list[dict], floors: list[dict]) -> float:
    """Median full accounts (without D_imp by product) over the median bare LU."""
    core = [sum(r["times"].values()) - r["times"]["by-product import account"] for r in ourss]
    return float(np.median(core) / np.median([r["times"]["LU (getrf)"] for r in floors]))


def report_gloria(repeat: int) -> dict:
    """GLORIA size: the bare LU, industwin's accounts and pymrio's calc_all, each watched (see PYMRIO_LIMITS)."""
    prepare_gloria()
    floors, ourss = [], []
    for _ in range(repeat):  # alternate the floor and industwin, so both see the same (shared) machine
        floors.append(run("lapack", "gloria", 1, limits=OUR_LIMITS))
        ourss.append(run("industwin", "gloria", 1, limits=OUR_LIMITS))
    floor = min(floors, key=lambda r: r["times"]["LU (getrf)"])
    ours = min(ourss, key=lambda r: sum(r["times"].values()))
    print(f"running pymrio calc_all (stopped at {PYMRIO_LIMITS.rss_gib:g} GiB RSS, under "
          f"{PYMRIO_LIMITS.avail_gib:g} GiB available or after {PYMRIO_LIMITS.wall_s / 60:g} min) …", flush=True)
    theirs = run("pymrio", "gloria", 1, limits=PYMRIO_LIMITS, may_stop=True)
    lu, lu_mb = floor["times"]["LU (getrf)"], floor["peak_mb"]
    t, pk = ours["times"], ours["step_peak_mb"]
    tt, tp = theirs["times"], theirs["step_peak_mb"]
    done = "stopped" not in theirs
    core = sum(v for k, v in t.items() if k != "by-product import account")
    full = sum(t.values())
    core_pk = max(v for k, v in pk.items() if k != "by-product import account")
    their_total = sum(tt.values()) if done else None
    rows = [  # step, ours s, ours MiB, pymrio s, pymrio MiB
        ("load", t["load"], pk["load"], tt.get("load"), tp.get("load")),
        ("coefficients + LU (pymrio: A + explicit L)", t["coefficients + LU"], pk["coefficients + LU"],
         tt.get("coefficients + L"), tp.get("coefficients + L")),
        ("multipliers (output, 20 stressors)", t["multipliers"], pk["multipliers"], None, None),
        ("footprints by region/product, regional accounts", t["footprints"], pk["footprints"],
         tt.get("multipliers + footprints"), tp.get("multipliers + footprints")),
        ("by-product import account (D_imp)", t["by-product import account"], pk["by-product import account"],
         None, None),
        ("full accounts (without D_imp by product)", core, core_pk, None, None),
        ("all of pymrio's accounts", full, ours["peak_mb"], their_total, theirs["peak_mb"] if done else None),
        ("bare LAPACK LU of (I − A) (floor)", lu, lu_mb, None, None),
    ]
    n = GR * GS
    print(f"\n=== gloria: synthetic GLORIA-sized system ({GR} regions × {GS} sectors, n = {n:,}, {GCATS} final-demand "
          f"categories per region, {Q} stressors)")
    head = (f"{'step':50s} {'industwin s':>11s} {'GiB':>6s} {'pymrio s':>9s} {'GiB':>6s} {'÷ LU':>6s} "
            f"{'÷ pymrio':>8s}")
    print(head + "\n" + "-" * len(head))
    for name, a, am, b, bm in rows:
        ratio_lu = "" if name == "load" else f"{a / lu:6.2f}"
        ratio_p = f"{a / b:8.3f}" if b else ""
        if name.startswith("footprints"):
            ratio_p = ""  # pymrio's line covers multipliers, footprints and D_imp together
        print(f"{name:50s} {a:11.2f} {am / GIB:6.2f} {_fmt(b, '9.2f', '—'):>9s} {_fmt(bm and bm / GIB, '6.2f'):>6s} "
              f"{ratio_lu:>6s} {ratio_p:>8s}")
    print("all runs (s): bare LU " + ", ".join(f"{r['times']['LU (getrf)']:.1f}" for r in floors)
          + "; industwin coefficients + LU " + ", ".join(f"{r['times']['coefficients + LU']:.1f}" for r in ourss)
          + ", full accounts " + ", ".join(f"{sum(r['times'].values()) - r['times']['by-product import account']:.1f}"
                                           for r in ourss)
          + f"; ratio of the median runs {_median_ratio(ourss, floors):.2f}")
    c, cf = ours["cpu"], floor["cpu"]["LU (getrf)"]
    c_core = sum(v for k, v in c.items() if k != "by-product import account")
    print(f"CPU time (user + sys, both cores; less sensitive to other load): bare LU {cf:.1f} s; industwin "
          f"coefficients + LU {c['coefficients + LU']:.1f} s, full accounts {c_core:.1f} s = {c_core / cf:.2f} × LU, "
          f"with D_imp {sum(c.values()):.1f} s = {sum(c.values()) / cf:.2f} × LU")
    if not done:
        print(f"pymrio did not finish: stopped in step '{theirs['in_step']}' after {theirs['after_s']:.0f} s — "
              f"{theirs['stopped']} (highest RSS seen {theirs['peak_mb'] / GIB:.1f} GiB, including the "
              f"interpreter); finished steps: " + (", ".join(f"{k} {v:.1f} s" for k, v in tt.items()) or "none"))
    else:
        print(f"pymrio calc_all: {their_total:.1f} s, peak {theirs['peak_mb'] / GIB:.2f} GiB; ours / pymrio "
              f"{full / their_total:.3f} (time), {ours['peak_mb'] / theirs['peak_mb']:.3f} (memory)")
    print("(÷ pymrio of 'all of pymrio's accounts' compares the totals; pymrio's last step also computes M and D_imp.)")
    if done:
        a, b = np.load(ours["file"]), np.load(theirs["file"])
        diffs = {k: max_rel(a[k], b[k]) for k in a.files}
        print("max relative difference ours vs pymrio: " + ", ".join(f"{k} {v:.1e}" for k, v in diffs.items()))
    else:
        diffs = _checks(ours)
        print("checks without pymrio (max relative deviation): " + ", ".join(f"{k} {v:.1e}" for k, v in diffs.items()))
    core_ratio, peak_gib = core / lu, core_pk / GIB
    print(f"targets: full accounts ≤ 1.3 × bare LU: {'met' if core_ratio <= 1.3 else 'NOT met'} ({core_ratio:.2f}; "
          f"with the by-product import account {full / lu:.2f}); peak < 12 GiB: "
          f"{'met' if ours['peak_mb'] / GIB < 12 else 'NOT met'} ({peak_gib:.2f} GiB; {ours['peak_mb'] / GIB:.2f} "
          f"with D_imp; the LU floor {lu_mb / GIB:.2f})")
    print("peak memory = high-water RSS above the imported interpreter, per step; it includes the pages of the "
          f"memory-mapped Z read so far (up to {n * n * 8 / 2**30:.1f} GiB of page cache)")
    return {"case": "gloria", "n": n, "ours_s": full, "ours_core_s": core, "lu_s": lu, "lu_mb": lu_mb,
            "ours_mb": ours["peak_mb"], "ours_core_mb": core_pk, "ours_steps": t, "ours_step_mb": pk,
            "ours_cpu": c, "lu_cpu": cf,
            "runs": {"lu": [r["times"] for r in floors], "industwin": [r["times"] for r in ourss]},
            "pymrio": theirs | {"file": None}, ("checks" if not done else "max_rel_diff"): diffs}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--case", choices=["wiod", "exio", "gloria", "cache", "all"], default="all")
    ap.add_argument("--worker", choices=["industwin", "pymrio", "lapack", "cache", "prepare"])
    ap.add_argument("--repeat", type=int, default=2, help="runs per tool; the fastest is reported")
    args = ap.parse_args()
    WORK.mkdir(exist_ok=True)
    if args.worker:
        fn = {"industwin": worker_industwin, "pymrio": worker_pymrio, "lapack": worker_lapack,
              "cache": worker_cache, "prepare": worker_prepare}[args.worker]
        print(json.dumps(fn(args.case, WORK / f"res_{args.worker}_{args.case}.npz")))
        return
    print_env(args.repeat)
    if args.case == "gloria":  # heavy: only when asked for
        res = report_gloria(args.repeat)
        (WORK / f"summary_{GLORIA}.json").write_text(json.dumps(res, indent=1))
        return
    cases = ["wiod", "exio"] if args.case == "all" else [c for c in [args.case] if c != "cache"]
    if "exio" in cases:
        prepare_exio()
    results = [report(c, args.repeat) for c in cases]
    if results:
        (WORK / "summary.json").write_text(json.dumps(results, indent=1))
    if args.case in ("cache", "all"):
        cache_report()


if __name__ == "__main__":
    main()
