"""Technology adoption, 30 projected years: industwin's low-rank (Woodbury) update of the cached Leontief
factorisation vs refactorising the changed system every year, time and peak memory, results compared.

Cases (each tool in fresh processes; the table is loaded before the clock starts)
  wiod  : WIOD 2013, 2011 (n = 1,435), hydrogen steel in Germany (examples/technology/h2_steel_deu.yaml) with
          the horizon at 2040 (30 years after the base year). Peers: the naive loop — build A(t), then
          ``np.linalg.solve(I − A(t), b(t))`` every year — and pymrio (the field's MRIO package): its
          ``calc_all`` on an IOSystem with A(t) and Y(t) every year (it inverts I − A(t)).
  synth : a synthetic sparse table of 10 regions × 1,000 sectors (n = 10,000, ~20 inputs per column along
          ordered supply chains, ~0.2 M non-zeros), the same kind of technology in 3 regions' sector s500.
          Peer: refactorise the sparse I − A(t) with SuperLU (``scipy.sparse.linalg.splu``) every year; a dense
          solve per year (10⁴ × 10⁴) would take minutes and 2.4 GB, so it is not run.

    python benchmarks/bench_technology.py                   # both cases
    python benchmarks/bench_technology.py --case synth --repeat 1
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_mrio  # noqa: E402
from bench_mrio import max_rel, peak_mb, rss_mb  # noqa: E402

EXAMPLE = HERE.parent / "examples" / "technology" / "h2_steel_deu.yaml"
SYNTH_REGIONS, SYNTH_SECTORS = 10, 1000


def _synthetic():
    """A sparse, productive table: 10 regions × 1,000 sectors ordered along supply chains — each column buys 18
    inputs from the 300 rows before it and 2 from the 10 after it (feedback), ~0.19 M non-zeros, column sums
    ~0.5 — plus fixed inputs s480, s490, s505 of the adopting columns (R00, R03, R07 × s500)."""
    import pandas as pd
    import scipy.sparse as sp
    import scipy.sparse.linalg as spla

    import industwin as iw
    rng = np.random.default_rng(7)
    n = SYNTH_REGIONS * SYNTH_SECTORS
    up, down = 18, 2
    cols = np.repeat(np.arange(n), up + down)
    off = np.concatenate([-rng.integers(1, 300, (n, up)), rng.integers(1, 10, (n, down))], axis=1).reshape(-1)
    rows = np.clip(cols + off, 0, n - 1)
    vals = rng.uniform(0.005, 0.045, n * (up + down))
    targets = [r * SYNTH_SECTORS + 500 for r in (0, 3, 7)]
    extra_r = np.array([c - 500 + k for c in targets for k in (480, 490, 505)])
    extra_c = np.repeat(targets, 3)
    A = sp.csc_array((np.concatenate([vals, np.full(len(extra_r), 0.03)]),
                      (np.concatenate([rows, extra_r]), np.concatenate([cols, extra_c]))), shape=(n, n))
    A.sum_duplicates()
    regions = [f"R{r:02d}" for r in range(SYNTH_REGIONS)]
    sectors = [f"s{s}" for s in range(SYNTH_SECTORS)]
    index = pd.MultiIndex.from_product([regions, sectors], names=["region", "sector"])
    fd = pd.MultiIndex.from_product([regions, ["CONS_h", "GFCF"]], names=["region", "category"])
    Y = np.zeros((n, 2 * SYNTH_REGIONS))
    home = np.repeat(np.arange(SYNTH_REGIONS), SYNTH_SECTORS)
    Y[np.arange(n), 2 * home] = rng.uniform(10, 100, size=n)
    Y[np.arange(n), 2 * home + 1] = rng.uniform(0, 20, size=n)
    x = spla.splu((sp.identity(n, format="csc") - A).tocsc()).solve(Y.sum(1))
    Z = (A @ sp.diags_array(x)).tocsr()
    sats = {"co2": iw.Satellite("co2", rng.uniform(0, 1, (1, n)) * x, ["CO2"], "kt CO2"),
            "employment": iw.Satellite("employment", rng.uniform(0, 0.01, (1, n)) * x, ["persons"], "1000 persons")}
    return iw.MRIO(Z, Y, x, index=index, fd_index=fd, satellites=sats, unit="M USD", year=2011, name="synthetic")


def _scenario(case: str) -> dict:
    import yaml
    d = yaml.safe_load(EXAMPLE.read_text())
    d["horizon"] = 2040
    if case == "synth":
        d["region"] = ["R00", "R03", "R07"]
        d["technology"] = {"name": "synthetic", "sector": "s500", "scope": 0.5,
                           "inputs": {"s480": 1.0, "s490": -0.8, "s505": 0.2}, "labour": -0.1, "emissions": -0.8,
                           "capital": {"per_output": 1.5, "goods": {"s300": 0.6, "s400": 0.4}}}
    return d


def _table(case: str):
    if case == "wiod":
        from industwin.data.registry import load
        return load("wiod2013", 2011)
    return _synthetic()


def _changes(m, sc):
    """What the naive peers need, taken from industwin's own scenario reading: per column the base column,
    its change, the investment weights (the Woodbury part is what is compared, not the bookkeeping)."""
    from industwin.analysis.technology import column_change, investment_weights
    cols = [m.index.get_loc((r, sc.technology.sector)) for r in sc.regions]
    D = np.stack([column_change(m, c, sc.technology)[1] for c in cols], axis=1)
    W = np.stack([investment_weights(m, r, sc.technology.capital.goods) for r in sc.regions], axis=1)
    return np.array(cols), D, W


# ----------------------------------------------------------------------------- workers
def worker_industwin(case: str, out: Path) -> dict:
    from industwin.analysis.technology import read_technology_scenario, run_technology
    m = _table(case)
    sc = read_technology_scenario(_scenario(case))
    base = rss_mb()
    t0 = time.perf_counter()
    r = run_technology(m, sc)
    t = time.perf_counter() - t0
    peak = peak_mb() - base
    np.save(out, r.x_scenario)
    return {"times": {"30 years": t}, "peak_mb": peak, "years": len(r.years)}


def _naive(case: str, out: Path, solver: str) -> dict:
    import scipy.sparse as sp
    import scipy.sparse.linalg as spla

    from industwin.analysis.technology import read_technology_scenario
    m = _table(case)
    sc = read_technology_scenario(_scenario(case))
    base = rss_mb()
    t0 = time.perf_counter()
    cols, D, W = _changes(m, sc)
    years = np.arange(m.year, sc.horizon + 1)
    s = sc.adoption.share(years)
    ds = np.diff(np.concatenate([[0.0], s]))
    g = (1 + sc.demand_growth) ** (years - m.year)
    rx = np.where(m.x > 0, 1.0 / np.where(m.x > 0, m.x, 1), 0.0)
    y = m.Y.sum(1)
    kappa = sc.technology.scope * sc.technology.capital.per_output
    out_x = np.empty((len(years), m.n))
    if solver == "dense":
        A = np.asarray(m.Z) * rx[None, :]
        M = np.eye(m.n) - A
        xbar = np.linalg.solve(M, y)
        for t in range(len(years)):
            Mt = M.copy()
            Mt[:, cols] -= s[t] * D
            out_x[t] = np.linalg.solve(Mt, g[t] * y + W @ (ds[t] * kappa * g[t] * xbar[cols]))
    elif solver == "splu":
        A = (sp.csc_array(m.Z) @ sp.diags_array(rx)).tocsc()
        I = sp.identity(m.n, format="csc")
        xbar = spla.splu((I - A).tocsc()).solve(y)
        U = sp.csc_array(D)
        E = sp.csc_array((np.ones(len(cols)), (cols, np.arange(len(cols)))), shape=(m.n, len(cols)))
        for t in range(len(years)):
            Mt = (I - A - s[t] * (U @ E.T)).tocsc()
            out_x[t] = spla.splu(Mt).solve(g[t] * y + W @ (ds[t] * kappa * g[t] * xbar[cols]))
    else:                                                   # pymrio's calc_all on A(t), Y(t)
        import pandas as pd
        import pymrio
        A = np.asarray(m.Z) * rx[None, :]
        xbar = np.linalg.solve(np.eye(m.n) - A, y)
        for t in range(len(years)):
            At = A.copy()
            At[:, cols] += s[t] * D
            yt = g[t] * y + W @ (ds[t] * kappa * g[t] * xbar[cols])
            io = pymrio.IOSystem(A=pd.DataFrame(At, index=m.index, columns=m.index),
                                 Y=pd.DataFrame(yt, index=m.index, columns=["total"]))
            io.calc_all()
            out_x[t] = io.x.to_numpy().reshape(-1)
    t = time.perf_counter() - t0
    peak = peak_mb() - base
    np.save(out, out_x)
    return {"times": {"30 years": t}, "peak_mb": peak, "years": len(years)}


def worker_dense(case: str, out: Path) -> dict:
    return _naive(case, out, "dense")


def worker_splu(case: str, out: Path) -> dict:
    return _naive(case, out, "splu")


def worker_pymrio(case: str, out: Path) -> dict:
    import warnings
    warnings.simplefilter("ignore")
    return _naive(case, out, "pymrio")


WORKERS = {"industwin": worker_industwin, "dense": worker_dense, "splu": worker_splu, "pymrio": worker_pymrio}
PEERS = {"wiod": [("dense", "np.linalg.solve per year"), ("pymrio", "pymrio calc_all per year")],
         "synth": [("splu", "SuperLU refactorisation per year")]}


# ----------------------------------------------------------------------------- orchestration
def run(tool: str, case: str, repeat: int) -> dict:
    return bench_mrio.run(tool, case, repeat, script=__file__, result="tech_{tool}_{case}.npy")


def report(case: str, repeat: int) -> None:
    what = {"wiod": "WIOD 2013, 2011, n = 1,435, hydrogen steel in DEU",
            "synth": f"synthetic sparse, n = {SYNTH_REGIONS * SYNTH_SECTORS:,}, technology in 3 regions"}[case]
    print(f"\n=== {case}: {what}, 2011–2040 (30 years)")
    ours = run("industwin", case, repeat)
    to = ours["times"]["30 years"]
    print(f"  industwin (Woodbury on the cached LU)   {to:8.3f} s  peak {ours['peak_mb']:7.1f} MB")
    a = np.load(ours["file"])
    for tool, label in PEERS[case]:
        peer = run(tool, case, repeat)
        tp = peer["times"]["30 years"]
        diff = max_rel(a, np.load(peer["file"]))
        print(f"  {label:38s}  {tp:8.3f} s  peak {peer['peak_mb']:7.1f} MB   time ours/peer = {to / tp:.4f}   "
              f"memory ours/peer = {ours['peak_mb'] / max(peer['peak_mb'], 1e-9):.3f}   max rel. diff {diff:.1e}")


def main() -> None:
    bench_mrio.cli(__doc__, ["wiod", "synth"], ["wiod", "synth"], WORKERS, report, "tech_{tool}_{case}.npy")


if __name__ == "__main__":
    main()
