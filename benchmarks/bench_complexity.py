"""Economic complexity: industwin vs the ``ecomplexity`` package (Growth Lab, 0.5.3) on the same exports.

Cases:
* ``wiod2011`` — WIOD 2013 exports 2011, 40 economies × 35 sectors (industwin.analysis.complexity.mrio_exports);
* ``synthetic`` — a seeded 200 locations × 2,000 products table with a nested (capability) structure;
* ``synthetic5000`` — the same generator at 200 × 5,000 (not in the default run: ecomplexity's dense
  n_p × n_p eigen-decomposition took 2–5 min there on 2 cores; it is stopped at 240 s and reported as such).

Each tool runs in a fresh process (benchmarks/_harness.py); the table shows the fastest run's time and the peak
resident memory above the process after its imports, the ratios ecomplexity / industwin, and the largest
difference of ECI, PCI, density and COG between the two (ecomplexity with ``check_logsupermodularity=False``: the
check is a diagnostic industwin does not run).

    python benchmarks/bench_complexity.py [--case wiod2011|synthetic|synthetic5000|all] [--repeat N (default 1)]
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import Limits, Steps, cli, run

CASES = ["wiod2011", "synthetic", "synthetic5000"]
DEFAULT = ["wiod2011", "synthetic"]
RESULT = "complexity_{tool}_{case}.npz"


def synthetic(n_loc: int = 200, n_prod: int = 5000, seed: int = 7) -> pd.DataFrame:
    """Exports with a capability structure: location c exports product p with probability
    σ(4 (a_c − b_p)), a_c, b_p ~ N(0, 1), in amounts size_c · size_p · lognormal noise."""
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=n_loc), rng.normal(size=n_prod)
    p = 1 / (1 + np.exp(-4 * (a[:, None] - b[None, :])))
    present = rng.random((n_loc, n_prod)) < p
    present[p.argmax(axis=0), np.arange(n_prod)] = True       # every product has an exporter
    size = np.exp(rng.normal(2, 1, n_loc))[:, None] * np.exp(rng.normal(0, 1, n_prod))[None, :]
    e = np.where(present, size * np.exp(rng.normal(0, 0.5, (n_loc, n_prod))), 0.0)
    return pd.DataFrame(e, index=pd.Index([f"L{i:03d}" for i in range(n_loc)], name="region"),
                        columns=pd.Index([f"P{j:04d}" for j in range(n_prod)], name="sector"))


def _exports(case: str) -> pd.DataFrame:
    if case.startswith("synthetic"):
        return synthetic(n_prod=5000 if case == "synthetic5000" else 2000)
    import industwin as iw
    from industwin.analysis.complexity import mrio_exports
    return mrio_exports(iw.load("wiod2013", year=2011), include_row=False)


def worker_industwin(case: str, out: Path) -> dict:
    from industwin.analysis.complexity import complexity_from_exports
    ex = _exports(case)
    steps = Steps()
    with steps("complexity"):
        c = complexity_from_exports(ex)
    np.savez(out, eci=c.eci.to_numpy(), pci=c.pci.to_numpy(), density=c.density.to_numpy(), cog=c.cog.to_numpy(),
             loc=np.asarray(c.eci.index, dtype=str), prod=np.asarray(c.pci.index, dtype=str))
    return {"times": steps.times, "peak_mb": steps.peak}


def worker_ecomplexity(case: str, out: Path) -> dict:
    from ecomplexity import ecomplexity
    ex = _exports(case)
    long = ex.stack().rename("val").reset_index()
    long["year"] = 0
    steps = Steps()
    with steps("complexity"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = ecomplexity(long, {"time": "year", "loc": "region", "prod": "sector", "val": "val"}, verbose=False,
                        check_logsupermodularity=False)
    r = r.set_index(["region", "sector"]).sort_index()
    loc, prod = r.index.levels[0], r.index.levels[1]
    shape = (len(loc), len(prod))
    np.savez(out, eci=r["eci"].groupby(level=0).first().reindex(loc).to_numpy(),
             pci=r["pci"].groupby(level=1).first().reindex(prod).to_numpy(),
             density=r["density"].to_numpy().reshape(shape), cog=r["cog"].to_numpy().reshape(shape),
             loc=np.asarray(loc, dtype=str), prod=np.asarray(prod, dtype=str))
    return {"times": steps.times, "peak_mb": steps.peak}


def report(case: str, repeat: int) -> None:
    lim = Limits(wall_s=240)
    res = {t: run(t, case, repeat, script=__file__, result=RESULT, limits=lim, may_stop=t == "ecomplexity")
           for t in ("industwin", "ecomplexity")}
    if res["ecomplexity"].get("stopped"):
        r = res["industwin"]
        print(f"\n{case}: industwin {r['times']['complexity']:.2f} s, peak {r['peak_mb']:.0f} MiB; ecomplexity "
              f"stopped ({res['ecomplexity']['stopped']}): time ratio > "
              f"{res['ecomplexity']['after_s'] / r['times']['complexity']:.0f}×, no comparison")
        return
    a, b = (np.load(res[t]["file"]) for t in ("industwin", "ecomplexity"))
    assert set(a["loc"]) == set(b["loc"]) and set(a["prod"]) == set(b["prod"]), "labels differ"
    il = pd.Index(b["loc"]).get_indexer(a["loc"])          # ecomplexity sorts labels as text: align to ours
    ip = pd.Index(b["prod"]).get_indexer(a["prod"])
    ref = {"eci": b["eci"][il], "pci": b["pci"][ip], "density": b["density"][il][:, ip], "cog": b["cog"][il][:, ip]}
    diffs = {k: float(np.nanmax(np.abs(a[k] - ref[k]))) for k in ref}
    ti, te = res["industwin"]["times"]["complexity"], res["ecomplexity"]["times"]["complexity"]
    mi, me = res["industwin"]["peak_mb"], res["ecomplexity"]["peak_mb"]
    print(f"\n{case}: {len(a['loc'])} locations × {len(a['prod'])} products")
    print(f"  {'tool':<12} {'time s':>9} {'peak MiB':>9}")
    print(f"  {'industwin':<12} {ti:9.3f} {mi:9.1f}")
    print(f"  {'ecomplexity':<12} {te:9.3f} {me:9.1f}")
    print(f"  ratio ecomplexity/industwin: time {te / ti:.1f}×, peak memory {me / max(mi, 1e-9):.1f}×")
    print("  max |difference|: " + ", ".join(f"{k} {v:.1e}" for k, v in diffs.items()))
    ok = all(v < 1e-6 for v in diffs.values())
    print(f"  results agree (< 1e-6): {'yes' if ok else 'NO'}")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    if not any(a.startswith("--repeat") for a in sys.argv):   # ecomplexity takes ~1 min at 200 × 2,000: once
        sys.argv += ["--repeat", "1"]
    os.environ.setdefault("INDUSTWIN_DATA", str(Path(__file__).resolve().parents[1].parent / "shared" / "data"))
    cli(__doc__, CASES, DEFAULT, {"industwin": worker_industwin, "ecomplexity": worker_ecomplexity}, report, RESULT)
