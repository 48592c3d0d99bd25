"""The optional GPU path: full ESRI with the all-firms block engine on PyTorch (CUDA), against the CPU engine.

Run where a GPU and PyTorch are (the network and inputs are prepared beforehand with ``--prepare`` on a
machine that has ``INDUSTWIN_DATA``, so the GPU machine needs no data folder):

    python benchmarks/bench_firms_gpu.py --prepare DIR --n 250000        # here: network + inputs to DIR
    python benchmarks/bench_firms_gpu.py --data DIR --n 250000 --out res.json   # there

It checks the GPU engine against the authors' reference values (toy networks, 1e-12) and against the CPU
engine on the big network, then times a full ESRI of every firm (batches of ``--batch`` firms; within
``--budget`` seconds, else the rest is extrapolated and said so) and the CPU engine on a sample.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

import numpy as np


def prepare(folder: Path, n: int) -> None:
    import scipy.sparse as sp

    from industwin.core.firm_synthetic import synthetic_network
    from industwin.data.registry import data_root
    folder.mkdir(parents=True, exist_ok=True)
    net = synthetic_network(n, 3.2, seed=1)
    sp.save_npz(folder / f"firms_{n}.npz", sp.csr_matrix(net.W))
    net.firms.to_parquet(folder / f"firms_{n}.parquet")
    src = data_root() / "esri_tutorial"
    for f in ["ess_mat_n2_ihs.csv", "example_net_scale_free_101_4000.csv", "industry_vector.csv",
              "reference/essentiality_4_industries.csv", "reference/esri_example_net_scale_free_101_4000_replaceable.csv",
              "reference/esri_example_net_scale_free_101_4000_no_replacement.csv"]:
        shutil.copy(src / f, folder / Path(f).name)
    print(f"prepared {folder} ({net.n} firms, {net.links} links)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--prepare", type=Path)
    ap.add_argument("--data", type=Path)
    ap.add_argument("--n", type=int, default=250_000)
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--budget", type=float, default=400.0)
    ap.add_argument("--cpu-sample", type=int, default=4000)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    if a.prepare:
        prepare(a.prepare, a.n)
        return
    import pandas as pd
    import scipy.sparse as sp
    import torch

    from industwin.analysis.firm_risk import CascadeModel, esri, read_essentiality
    from industwin.core.firms import FirmNetwork
    d, res = a.data, {"device": torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu",
                      "torch": torch.__version__}
    print(res, flush=True)
    # 1. the authors' reference values, on the GPU
    W = pd.read_csv(d / "example_net_scale_free_101_4000.csv").to_numpy(float)
    ind = pd.read_csv(d / "industry_vector.csv")["industry_id"].astype(str)
    toy = FirmNetwork.from_adjacency(W, ind)
    ess4 = read_essentiality(d / "essentiality_4_industries.csv")
    for rep, name in ((True, "replaceable"), (False, "no_replacement")):
        ref = pd.read_csv(d / f"esri_example_net_scale_free_101_4000_{name}.csv")
        got = esri(toy, ess4, replaceable=rep, engine="torch", device="cuda", batch=64)
        res[f"reference_{name}_max_abs_err"] = float(np.abs(got["esri"].to_numpy() - ref["esri"].to_numpy()).max())
        res[f"reference_{name}_iterations_equal"] = bool((got["iterations"].to_numpy() == ref["iterations"].to_numpy()).all())
    print(res, flush=True)
    # 2. the big network: GPU vs CPU engine on the same firms
    net = FirmNetwork(sp.csr_array(sp.load_npz(d / f"firms_{a.n}.npz")), pd.read_parquet(d / f"firms_{a.n}.parquet"))
    model = CascadeModel(net, read_essentiality(d / "ess_mat_n2_ihs.csv"))
    ids = net.firms.index[:128]
    g = esri(model, firms=ids, engine="torch", device="cuda", batch=128)
    c = esri(model, firms=ids)
    res["n"], res["links"] = net.n, net.links
    res["gpu_vs_cpu_max_abs_err"] = float(np.abs(g["esri"] - c["esri"]).max())
    res["gpu_vs_cpu_iterations_equal"] = bool((g["iterations"] == c["iterations"]).all())
    print(res, flush=True)
    # 3. full ESRI on the GPU, batch by batch within the budget
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    order = np.random.default_rng(0).permutation(net.n)     # batches of mixed firms, unbiased extrapolation
    t0, done = time.perf_counter(), 0
    while done < net.n and time.perf_counter() - t0 < a.budget:
        block = net.firms.index[np.sort(order[done:done + a.batch])]
        esri(model, firms=block, engine="torch", device="cuda", batch=a.batch)
        done += len(block)
        if done // a.batch % 20 == 0:
            print(f"  {done} firms in {time.perf_counter() - t0:.1f} s", flush=True)
    torch.cuda.synchronize()
    wall = time.perf_counter() - t0
    res.update({"gpu_firms_scored": done, "gpu_wall_s": wall, "gpu_full_esri_s": wall * net.n / done,
                "gpu_full_esri_extrapolated": done < net.n, "gpu_peak_mem_gb": torch.cuda.max_memory_allocated() / 2 ** 30,
                "gpu_batch": a.batch})
    print(res, flush=True)
    # 4. the CPU engine on this machine's cores, on a sample
    import numba
    sample = net.firms.index[np.sort(order[:a.cpu_sample])]
    esri(model, firms=sample[:8])
    t = time.perf_counter()
    esri(model, firms=sample)
    cpu = time.perf_counter() - t
    res.update({"cpu_threads": numba.get_num_threads(), "cpu_ms_per_firm": 1e3 * cpu / len(sample),
                "cpu_full_esri_s_est": cpu * net.n / len(sample)})
    print(json.dumps(res, indent=1), flush=True)
    if a.out:
        a.out.write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
