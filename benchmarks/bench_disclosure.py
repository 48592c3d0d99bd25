"""Disclosure control at the size of a WIOD sector × region table (35 × 41 with margins): secondary suppression
(shortest-path closing of bridges) and the LP audit of every suppressed cell.

No peer runs here: the reference tools (R's sdcTable, τ-ARGUS) are not installable on these machines; the audit
is the independent check of the result (see tests/test_disclosure.py).

    python benchmarks/bench_disclosure.py
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from industwin.analysis.disclosure import TOTAL, audit, secondary


def main() -> None:
    rng = np.random.default_rng(0)
    print(f"{'table':>8} {'primary':>8} {'suppressed':>10} {'secondary s':>12} {'audit s':>8} {'min width':>10}")
    for R, C, k in ((35, 41, 50), (35, 41, 200)):
        v = rng.integers(1, 1000, size=(R, C)).astype(float)
        t = pd.DataFrame(v)
        t[TOTAL] = t.sum(axis=1)
        t.loc[TOTAL] = t.sum(axis=0)
        prim = pd.DataFrame(False, index=t.index, columns=t.columns)
        for _ in range(k):
            prim.iloc[rng.integers(R), rng.integers(C)] = True
        t0 = time.perf_counter()
        m = secondary(t, prim)
        t1 = time.perf_counter()
        a = audit(t, m)
        t2 = time.perf_counter()
        print(f"{R:>4}×{C:<3} {int(prim.values.sum()):8d} {int(m.values.sum()):10d} {t1 - t0:12.2f} {t2 - t1:8.2f} "
              f"{a.width.min():10.1f}")


if __name__ == "__main__":
    main()
