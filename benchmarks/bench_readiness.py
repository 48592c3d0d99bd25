"""Readiness benchmarking and confidential aggregation for 10⁵ synthetic companies × 16 dimensions: industwin
vs a naive pandas groupby/apply reference, each in a fresh process (time, peak memory), results compared.

  industwin : benchmark(by=(sector, size_class)) — leave-one-out percentile, median, p90 and best of every
              company's peers from band counts per peer group — and readiness_table(by=sector) (mean bands by
              dimension × sector, disclosure rules, secondary suppression, audit).
  pandas    : groupby([sector, size_class, dimension]).apply(...) with np.quantile / np.median on the peers'
              bands (one company removed per distinct band), and groupby([dimension, sector]).band.mean().

Cases: ``1e5`` (100,000 companies, 1.6 M rows; default) and ``1e4``.

    python benchmarks/bench_readiness.py
    python benchmarks/bench_readiness.py --case 1e4 --repeat 1
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _harness import Steps, cli, run

SECTORS = ["c9", "c12", "c13", "c14", "c15"]
SIZES = ["micro", "small", "medium", "large"]
STATS = ["n_peers", "percentile", "median", "p90", "best"]


def synthetic(n: int, seed: int = 7) -> pd.DataFrame:
    """``n`` companies × 16 dimensions: sector, size class, economy drawn; bands from a latent level + noise."""
    from industwin.data.readiness import load_model
    ids = load_model().ids
    rng = np.random.default_rng(seed)
    level = rng.normal(2.3, 0.8, n)
    bands = np.clip(np.rint(level[:, None] + rng.normal(0, 0.8, (n, len(ids)))), 0, 5).astype(np.int8)
    comp = np.array([f"firm {i:06d}" for i in range(n)], dtype=object)
    return pd.DataFrame({"company": np.repeat(comp, len(ids)),
                         "sector": np.repeat(rng.choice(SECTORS, n), len(ids)),
                         "region": np.repeat(rng.choice(["DEU", "IND"], n), len(ids)), "nuts2": "",
                         "size_class": np.repeat(rng.choice(SIZES, n, p=[0.3, 0.4, 0.2, 0.1]), len(ids)),
                         "dimension": np.tile(ids, n), "band": bands.ravel()})


def _n(case: str) -> int:
    return int(float(case))


def worker_industwin(case: str, out: Path) -> dict:
    from industwin.analysis.readiness import benchmark, readiness_table
    a = synthetic(_n(case))
    steps = Steps()
    with steps("benchmark (sector × size class)"):
        b = benchmark(a, by=("sector", "size_class"))
    with steps("aggregate (dimension × sector, protected)"):
        t = readiness_table(a, "sector")
    b.reset_index()[["company", "dimension", *STATS]].to_parquet(str(out) + ".bench.parquet")
    v = t.values.drop(index="Total", columns="Total").stack().rename("mean").reset_index()
    v.to_parquet(str(out) + ".agg.parquet")
    return {"times": steps.times, "peak_mb": steps.peak, "suppressed": int(t.values.isna().sum().sum())}


def _loo(g: pd.DataFrame) -> pd.DataFrame:
    """The peers' statistics of every row of one (group, dimension): the group's bands with this one removed."""
    x = np.sort(g["band"].to_numpy())
    res = {}
    for b in np.unique(x):
        k = int(np.searchsorted(x, b))
        p = np.delete(x, k)
        res[b] = (len(p), 100.0 * ((p < b).sum() + 0.5 * (p == b).sum()) / len(p) if len(p) else np.nan,
                  np.median(p) if len(p) else np.nan, np.quantile(p, 0.9) if len(p) else np.nan,
                  p.max() if len(p) else np.nan)
    vals = np.array([res[b] for b in g["band"].to_numpy()], dtype=float)
    return pd.DataFrame(vals, index=g.index, columns=STATS)


def worker_pandas(case: str, out: Path) -> dict:
    a = synthetic(_n(case))
    steps = Steps()
    with steps("benchmark (sector × size class)"):
        st = a.groupby(["sector", "size_class", "dimension"], group_keys=False).apply(_loo)
        st.loc[st["n_peers"] < 3, STATS[1:]] = np.nan
        b = pd.concat([a[["company", "dimension"]], st.reindex(a.index)], axis=1)
    with steps("aggregate (dimension × sector, protected)"):
        m = a.groupby(["dimension", "sector"])["band"].agg(["mean", "nunique", "size"])
    b.to_parquet(str(out) + ".bench.parquet")
    m.reset_index()[["dimension", "sector", "mean"]].to_parquet(str(out) + ".agg.parquet")
    return {"times": steps.times, "peak_mb": steps.peak}


WORKERS = {"industwin": worker_industwin, "pandas": worker_pandas}


def report(case: str, repeat: int) -> None:
    ours = run("industwin", case, repeat, script=__file__, result="readiness_{tool}_{case}")
    ref = run("pandas", case, repeat, script=__file__, result="readiness_{tool}_{case}")
    print(f"\n=== {_n(case):,} companies × 16 dimensions")
    for k in ours["times"]:
        t1, t2 = ours["times"][k], ref["times"][k]
        print(f"  {k:45s} industwin {t1:8.3f} s   pandas {t2:8.3f} s   ratio {t1 / t2:6.3f}")
    print(f"  peak memory above imports: industwin {ours['peak_mb']:.0f} MB, pandas {ref['peak_mb']:.0f} MB "
          f"(ratio {ours['peak_mb'] / max(ref['peak_mb'], 1e-9):.2f})")
    b1 = pd.read_parquet(ours["file"] + ".bench.parquet").set_index(["company", "dimension"])
    b2 = pd.read_parquet(ref["file"] + ".bench.parquet").set_index(["company", "dimension"]).reindex(b1.index)
    diff = max(float(np.nanmax(np.abs(b1[c].to_numpy(float) - b2[c].to_numpy(float)))) for c in STATS)
    same_nan = all((b1[c].isna() == b2[c].isna()).all() for c in STATS)
    a1 = pd.read_parquet(ours["file"] + ".agg.parquet").dropna().set_index(["dimension", "sector"])["mean"]
    a2 = pd.read_parquet(ref["file"] + ".agg.parquet").set_index(["dimension", "sector"])["mean"].reindex(a1.index)
    print(f"  benchmark: {len(b1):,} rows, max |difference| {diff:.1e}, same missing cells: {same_nan}")
    print(f"  aggregate: {len(a1)} published cells (suppressed incl. margins: {ours['suppressed']}), max |difference| "
          f"of the means {float(np.abs(a1 - a2).max()):.1e}")


if __name__ == "__main__":
    cli(__doc__, ["1e4", "1e5"], ["1e5"], WORKERS, report, "readiness_{tool}_{case}")
