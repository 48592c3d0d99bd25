"""Make the ILLUSTRATIVE readiness self-assessments of this folder (fictional firms; no real results exist).

    python examples/readiness/make_example.py

Writes assessments.csv (one row per firm × dimension) and kpi_weights.csv next to this script. Seeded:
the same files every run. Each firm has a latent readiness level (higher for larger firms and, on average,
for the German firms), each dimension an offset (technology's intelligence dimensions lag, organisation
leads a little), plus noise; bands are rounded and clipped to 0–5.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from industwin.data.readiness import load_model

HERE = Path(__file__).resolve().parent
SEED = 17

# economy: (firms, mean level, NUTS-2 regions drawn from, sector weights c9/c12/c13/c14/c15, size weights)
ECONOMIES = {
    "DEU": (40, 2.6, ["DE11", "DE21", "DE60", "DEA1", "DE71"], [0.15, 0.2, 0.3, 0.2, 0.15],
            [0.05, 0.3, 0.4, 0.25]),
    "IND": (40, 1.7, [None], [0.05, 0.3, 0.25, 0.25, 0.15], [0.05, 0.35, 0.35, 0.25]),
}
SECTORS = ["c9", "c12", "c13", "c14", "c15"]
SIZES = ["micro", "small", "medium", "large"]
SIZE_SHIFT = {"micro": -0.8, "small": -0.4, "medium": 0.0, "large": 0.6}
OFFSET = {"shop_floor_automation": 0.4, "enterprise_automation": 0.2, "shop_floor_connectivity": 0.2,
          "shop_floor_intelligence": -0.5, "enterprise_intelligence": -0.4, "facility_intelligence": -0.7,
          "facility_connectivity": -0.3, "integrated_product_lifecycle": -0.2, "leadership_competency": 0.3,
          "strategy_governance": 0.2}


def make() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(SEED)
    dims = load_model().ids
    rows, firms = [], []
    for econ, (n, mean, nuts, w_sec, w_size) in ECONOMIES.items():
        prefix = "DE" if econ == "DEU" else "IN"
        for i in range(1, n + 1):
            name = f"{prefix} firm {i:02d}"
            sector = SECTORS[rng.choice(len(SECTORS), p=w_sec)]
            size = SIZES[rng.choice(len(SIZES), p=w_size)]
            region = nuts[rng.integers(len(nuts))]
            level = mean + SIZE_SHIFT[size] + rng.normal(0, 0.6)
            firms.append(name)
            for d in dims:
                band = int(np.clip(np.rint(level + OFFSET.get(d, 0.0) + rng.normal(0, 0.7)), 0, 5))
                rows.append({"company": name, "sector": sector, "region": econ, "nuts2": region or "",
                             "size_class": size, "dimension": d, "band": band})
    a = pd.DataFrame(rows)
    kpis = ["cost", "quality", "speed", "flexibility", "sustainability", "people"]
    w = []
    for name in firms[::5]:                        # every fifth firm states its KPI priorities
        for k, v in zip(kpis, rng.integers(0, 4, size=len(kpis))):
            w.append({"company": name, "kpi": k, "weight": int(v)})
    w += [{"company": "*", "kpi": k, "weight": 1} for k in kpis]
    return a, pd.DataFrame(w)


if __name__ == "__main__":
    a, w = make()
    a.to_csv(HERE / "assessments.csv", index=False)
    w.to_csv(HERE / "kpi_weights.csv", index=False)
    print(f"{a['company'].nunique()} firms, {len(a)} rows; {w['company'].nunique()} weight sets")
