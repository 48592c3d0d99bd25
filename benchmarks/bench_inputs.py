"""The input layer's price: industwin's checked readers vs the peer and plain pandas, time and peak memory.

Cases
  network : a firm network of 100,000 firms and 1,000,000 links (edges.csv, firms.csv with NACE codes as text),
            read by ``industwin.core.firms.read_network`` (every check: blanks, numbers, ids, sizes, duplicates)
            and by plain pandas + scipy (read the CSVs with text ids, map ids to rows, build the CSR matrix —
            what one writes without checks).
  table   : a 2,000-sector table folder (40 regions × 50 sectors, Z.csv + Y.csv + meta.yaml), read by
            ``industwin.load`` (labels as text, headers, blanks, non-numbers, negatives, balance) and by pymrio
            (``pymrio.load`` of the same table saved in its own text format), with two ``pandas.read_csv`` calls
            as the floor.

Each reader runs in its own subprocess (peak memory = high-water RSS minus RSS after imports). Inputs are
generated once into benchmarks/_work (not timed).

    python benchmarks/bench_inputs.py                 # both cases
    python benchmarks/bench_inputs.py --case network --firms 200000 --links 2000000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work" / "inputs"


# ----------------------------------------------------------------------------- inputs (not timed)
def make_network(firms: int, links: int) -> Path:
    import pandas as pd
    d = WORK / f"net_{firms}_{links}"
    if (d / "edges.csv").exists():
        return d
    d.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    ids = np.array([f"F{k:07d}" for k in range(firms)])
    sup = rng.integers(0, firms, links)
    cus = (sup + rng.integers(1, firms, links)) % firms               # never a self-loop
    pd.DataFrame({"supplier": ids[sup], "customer": ids[cus], "value": rng.lognormal(2, 1, links).round(3)}) \
        .to_csv(d / "edges.csv", index=False)
    nace = np.array([f"{k:02d}" for k in range(1, 100)])
    pd.DataFrame({"firm": ids, "industry": nace[rng.integers(0, len(nace), firms)],
                  "region": rng.choice(["AT", "DE", "FR", "IT"], firms),
                  "size": rng.lognormal(6, 1, firms).round(1)}).to_csv(d / "firms.csv", index=False)
    return d


def make_table(regions: int = 40, sectors: int = 50) -> tuple[Path, Path]:
    import industwin as iw
    from industwin.data.pymrio_io import to_pymrio
    from industwin.data.tables import write_tables
    d = WORK / f"table_{regions}x{sectors}"
    if (d / "ours" / "Z.csv").exists():
        return d / "ours", d / "pymrio"
    import pandas as pd
    rng = np.random.default_rng(11)
    n = regions * sectors
    reg = np.repeat(np.arange(regions), sectors)
    A = rng.random((n, n)) ** 4 * np.where(reg[:, None] == reg[None, :], 1.0, 0.03)
    A *= (rng.uniform(0.3, 0.6, n) / A.sum(axis=0))[None, :]
    Y = rng.lognormal(0, 1, (n, regions * 3)) * 10
    x = np.linalg.solve(np.eye(n) - A, Y.sum(axis=1))
    Z = (A * x[None, :]).round(6)
    idx = pd.MultiIndex.from_product([[f"R{r:02d}" for r in range(regions)], [f"s{s:02d}" for s in range(sectors)]])
    fd = pd.MultiIndex.from_product([[f"R{r:02d}" for r in range(regions)], ["hh", "gov", "inv"]])
    m = iw.MRIO(Z, Y.round(6), None, index=idx, fd_index=fd, unit="M EUR", name="synthetic")
    write_tables(m, d / "ours")
    to_pymrio(m).save(d / "pymrio")
    return d / "ours", d / "pymrio"


# ----------------------------------------------------------------------------- one reader per process
READERS = {
    "industwin-network": "from industwin.core.firms import read_network\nnet = read_network(ARGS[0] + '/edges.csv', "
                         "ARGS[0] + '/firms.csv')\nOUT = {'links': int(net.links), 'sum': float(net.W.sum())}",
    "pandas-network": """import pandas as pd, scipy.sparse as sp, numpy as np
e = pd.read_csv(ARGS[0] + '/edges.csv', dtype={'supplier': str, 'customer': str})
f = pd.read_csv(ARGS[0] + '/firms.csv', dtype={'firm': str, 'industry': str})
pos = pd.Series(np.arange(len(f)), index=f['firm'])
W = sp.coo_array((e['value'].to_numpy(float), (pos.loc[e['supplier']].to_numpy(), pos.loc[e['customer']].to_numpy())),
                 shape=(len(f), len(f))).tocsr()
W.sum_duplicates()
OUT = {'links': int(W.nnz), 'sum': float(W.sum())}""",
    "industwin-table": "import industwin as iw\nm = iw.load(ARGS[0])\nOUT = {'n': int(m.n), 'sum': float(m.Z.sum())}",
    "pymrio-table": "import pymrio\nio = pymrio.load(ARGS[1])\n"
                    "OUT = {'n': int(io.Z.shape[0]), 'sum': float(io.Z.to_numpy().sum())}",
    "pandas-table": """import pandas as pd
Z = pd.read_csv(ARGS[0] + '/Z.csv', index_col=[0, 1], header=[0, 1])
Y = pd.read_csv(ARGS[0] + '/Y.csv', index_col=[0, 1], header=[0, 1])
OUT = {'n': int(Z.shape[0]), 'sum': float(Z.to_numpy().sum())}""",
}

CHILD = """
import json, sys, time, warnings
warnings.filterwarnings('ignore')
import numpy, pandas, scipy.sparse, pyarrow
{imports}
def _st(k):
    for line in open('/proc/self/status'):
        if line.startswith(k + ':'):
            return int(line.split()[1]) / 1024
ARGS = {args!r}
base = _st('VmRSS')
t0 = time.perf_counter()
{body}
dt = time.perf_counter() - t0
print(json.dumps({{'seconds': dt, 'peak_mb': _st('VmHWM') - base, **OUT}}))
"""


def measure(name: str, *args: str) -> dict:
    imports = "import industwin, industwin.data.io, industwin.core.firms" if name.startswith("industwin") else \
        ("import pymrio" if name.startswith("pymrio") else "")
    code = CHILD.format(imports=imports, args=list(args), body=READERS[name])
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(rows: dict, ours: str, peer: str) -> None:
    print(f"{'reader':20s} {'time (s)':>10s} {'peak (MB)':>10s}")
    for k, r in rows.items():
        print(f"{k:20s} {r['seconds']:10.2f} {r['peak_mb']:10.0f}")
    a, b = rows[ours], rows[peer]
    print(f"ratio {ours} / {peer}: time {a['seconds'] / b['seconds']:.2f}, peak memory "
          f"{a['peak_mb'] / max(b['peak_mb'], 1e-9):.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", choices=["network", "table", "all"], default="all")
    ap.add_argument("--firms", type=int, default=100_000)
    ap.add_argument("--links", type=int, default=1_000_000)
    a = ap.parse_args()
    if a.case in ("network", "all"):
        d = make_network(a.firms, a.links)
        rows = {k: measure(k, str(d)) for k in ("industwin-network", "pandas-network")}
        assert rows["industwin-network"]["links"] == rows["pandas-network"]["links"]
        assert abs(rows["industwin-network"]["sum"] / rows["pandas-network"]["sum"] - 1) < 1e-12
        print(f"\nfirm network: {a.firms:,} firms, {a.links:,} links (same matrix from both)")
        report(rows, "industwin-network", "pandas-network")
    if a.case in ("table", "all"):
        ours, peer = make_table()
        rows = {k: measure(k, str(ours), str(peer)) for k in ("industwin-table", "pymrio-table", "pandas-table")}
        assert abs(rows["industwin-table"]["sum"] / rows["pymrio-table"]["sum"] - 1) < 1e-9
        print("\ntable folder: 2,000 sectors (Z 2,000 × 2,000, Y 2,000 × 120), same numbers from all")
        report(rows, "industwin-table", "pymrio-table")
        print(f"floor (two pandas.read_csv): industwin / pandas time "
              f"{rows['industwin-table']['seconds'] / rows['pandas-table']['seconds']:.2f}")


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"\n({time.perf_counter() - t0:.0f} s in all)")
