"""Full ESRI (one cascade per firm) on synthetic national networks: wall time, peak memory, growth exponents.

Networks come from :func:`industwin.core.firm_synthetic.synthetic_network` (US 2014 industry flows at NACE
2-digit level, 3.2 links per firm, seed 1) with the NACE 2-digit essentiality matrix of Diem et al. (2022),
supplier replacement on. Each size runs in its own subprocess: the network is generated and saved first,
then a fresh process loads it and runs ESRI; the peak memory is the high-water mark after loading the network
minus the RSS then (operators, per-thread workspaces, results: the ESRI's own memory).

The peer is the authors' whole-network formulation — every scenario iterates over all N firms (the R/C++
reference code's approach, ~47 h for 243k firms by the issue's count; R is not installed here) — run as
industwin's own block engine (``engine="dense"``, scipy sparse × dense blocks) on the same network and
the same firms. Both engines give identical results (tests/test_firm_network.py).

    python benchmarks/bench_firms.py                      # 10k and 50k in full, 100k and 250k on a sample
    python benchmarks/bench_firms.py --full               # every size in full (250k: about half an hour here)
    python benchmarks/bench_firms.py --sizes 10000 --peer-sample 512
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_mrio import WORK, _status  # noqa: E402

ESS = "esri_tutorial/ess_mat_n2_ihs.csv"


def make(n: int) -> Path:
    """Generate and save the network of n firms (not timed)."""
    import scipy.sparse as sp

    from industwin.core.firm_synthetic import synthetic_network
    path = WORK / f"firms_{n}.npz"
    if not path.exists():
        WORK.mkdir(exist_ok=True)
        net = synthetic_network(n, 3.2, seed=1)
        sp.save_npz(path, sp.csr_matrix(net.W))
        net.firms.to_parquet(WORK / f"firms_{n}.parquet")
    return path


def child(n: int, sample: int | None, engine: str) -> dict:
    import pandas as pd
    import scipy.sparse as sp

    from industwin.analysis.firm_risk import CascadeModel, esri, read_essentiality
    from industwin.core.firms import FirmNetwork
    from industwin.data.registry import data_root
    net = FirmNetwork(sp.csr_array(sp.load_npz(WORK / f"firms_{n}.npz")), pd.read_parquet(WORK / f"firms_{n}.parquet"))
    ess = read_essentiality(data_root() / ESS)
    with open("/proc/self/clear_refs", "w") as f:      # reset the high-water mark to the current RSS
        f.write("5")
    base = _status("VmRSS")                            # network loaded: what follows is the ESRI's own memory
    model = CascadeModel(net, ess)
    esri(model, firms=net.firms.index[:4], engine=engine, batch=4)    # compile / warm up
    ids = net.firms.index
    if sample:
        ids = ids[np.sort(np.random.default_rng(0).choice(net.n, min(sample, net.n), replace=False))]
    t = time.perf_counter()
    res = esri(model, firms=ids, engine=engine, batch=64)
    wall = time.perf_counter() - t
    ops = sum(v.nbytes for v in vars(model.ops).values() if isinstance(v, np.ndarray)) / 2 ** 20
    return {"n": n, "links": net.links, "firms_scored": len(ids), "wall_s": wall, "ms_per_firm": 1e3 * wall / len(ids),
            "peak_mb": _status("VmHWM") - base, "operators_mb": ops, "esri_sum": float(res["esri"].sum()),
            "iterations_mean": float(res["iterations"].mean()), "engine": engine, "threads": os.cpu_count()}


def run_child(n: int, sample: int | None, engine: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", str(n), "--sample", str(sample or 0),
                          "--engine", engine], capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,50000,100000,250000")
    ap.add_argument("--full", action="store_true", help="score every firm at every size")
    ap.add_argument("--sample", type=int, default=2000, help="firms scored where the run is not full")
    ap.add_argument("--full-up-to", type=int, default=50_000, help="sizes up to this are run in full")
    ap.add_argument("--peer-sample", type=int, default=256, help="firms scored by the peer (whole-network engine)")
    ap.add_argument("--peer-up-to", type=int, default=50_000)
    ap.add_argument("--child", type=int)
    ap.add_argument("--engine", default="local")
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.sample or None, args.engine)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    for n in sizes:
        make(n)
        sample = None if args.full or n <= args.full_up_to else args.sample
        r = run_child(n, sample, "local")
        r["full_s"] = r["ms_per_firm"] * n / 1e3
        if n <= args.peer_up_to and args.peer_sample:
            p = run_child(n, args.peer_sample, "dense")
            mine = r if sample == args.peer_sample else run_child(n, args.peer_sample, "local")
            r["peer_ms_per_firm"] = p["ms_per_firm"]
            r["time_ratio"] = mine["ms_per_firm"] / p["ms_per_firm"]
            r["memory_ratio"] = mine["peak_mb"] / max(p["peak_mb"], 1e-9)
            r["same_result"] = abs(mine["esri_sum"] - p["esri_sum"]) <= 1e-9 * max(1.0, p["esri_sum"])
        rows.append(r)
        how = "full" if sample is None else f"{r['firms_scored']:,}-firm sample"
        print(f"n={n:>7,} links={r['links']:>9,}  {how:>20}: {r['wall_s']:8.1f} s  {r['ms_per_firm']:7.3f} ms/firm  "
              f"→ full ESRI {r['full_s']:8.1f} s{'' if sample is None else ' (est.)'}  peak {r['peak_mb']:7.1f} MB  "
              f"operators {r['operators_mb']:6.1f} MB  iterations {r['iterations_mean']:.1f}"
              + (f"  | vs whole-network engine: time {r['time_ratio']:.3f}× memory {r['memory_ratio']:.2f}× "
                 f"same result {r['same_result']}" if "time_ratio" in r else ""), flush=True)
    if len(rows) > 1:
        n = np.array([r["n"] for r in rows], float)
        L = np.array([r["links"] for r in rows], float)
        t = np.array([r["full_s"] for r in rows])
        m = np.array([max(r["peak_mb"], 1e-3) for r in rows])
        ops = np.array([r["operators_mb"] for r in rows])
        print(f"growth exponents: full-ESRI time ∝ n^{np.polyfit(np.log(n), np.log(t), 1)[0]:.2f}; "
              f"operators ∝ links^{np.polyfit(np.log(L), np.log(ops), 1)[0]:.2f}; "
              f"peak ∝ links^{np.polyfit(np.log(L), np.log(m), 1)[0]:.2f}")


if __name__ == "__main__":
    main()
