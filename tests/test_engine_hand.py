"""A 3-region × 2-sector supply chain whose every result is computed by hand.

C's agriculture feeds B's manufacturing, which feeds A's manufacturing, which also buys A's
agriculture. Coefficients: a[(C,agri),(B,manu)] = 0.5, a[(B,manu),(A,manu)] = 0.2,
a[(A,agri),(A,manu)] = 0.1, all others 0, so A² has one entry a²[(C,agri),(A,manu)] = 0.1,
A³ = 0 and L = I + A + A² exactly. Households: A buys 100 of A/manu, B 50 of B/manu, C 10 of
C/agri. Hence x = (10, 100, 0, 70, 45, 0) — B/agri and C/manu produce nothing.
Emissions F = (1, 20, 0, 14, 90, 0) kt, so S = (0.1, 0.2, 0, 0.2, 2, 0) kt per M€.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import industwin as iw

IDX = pd.MultiIndex.from_product([["A", "B", "C"], ["agri", "manu"]], names=["region", "sector"])
FD = pd.MultiIndex.from_product([["A", "B", "C"], ["hh"]], names=["region", "category"])
AM, AA, BM, CA = ("A", "manu"), ("A", "agri"), ("B", "manu"), ("C", "agri")


@pytest.fixture
def chain() -> iw.MRIO:
    Z = pd.DataFrame(0.0, index=IDX, columns=IDX)
    Z.loc[CA, BM], Z.loc[BM, AM], Z.loc[AA, AM] = 35.0, 20.0, 10.0
    Y = pd.DataFrame(0.0, index=IDX, columns=FD)
    Y.loc[AM, ("A", "hh")], Y.loc[BM, ("B", "hh")], Y.loc[CA, ("C", "hh")] = 100.0, 50.0, 10.0
    F = np.array([[1.0, 20, 0, 14, 90, 0]])
    return iw.MRIO(Z.to_numpy(), Y.to_numpy(), None, index=IDX, fd_index=FD,
                   satellites={"ghg": iw.Satellite("ghg", F, ["co2e"], "kt")}, unit="M EUR")


def test_output_and_inverse(chain):
    assert chain.x.tolist() == [10, 100, 0, 70, 45, 0]
    L = iw.leontief_inverse(chain)
    assert L.loc[CA, AM] == pytest.approx(0.1, abs=1e-15) and L.loc[CA, BM] == pytest.approx(0.5, abs=1e-15)
    assert L.loc[BM, AM] == pytest.approx(0.2, abs=1e-15) and L.loc[AM, AM] == 1.0
    m = iw.output_multipliers(chain)
    assert m[AM] == pytest.approx(1.4, abs=1e-15) and m[BM] == pytest.approx(1.5, abs=1e-15) and m[CA] == 1.0
    # 10 more of A's manufactures: +10 A/manu, +1 A/agri (0.1), +2 B/manu (0.2), +1 C/agri (0.5 · 2)
    dx = iw.gross_output(chain, pd.Series({AM: 10.0}))
    assert dx.tolist() == pytest.approx([1, 10, 0, 2, 1, 0], abs=1e-14)


def test_multipliers_and_footprints(chain):
    M = iw.satellite_multipliers(chain, "ghg").loc["co2e"]
    assert M[AM] == pytest.approx(0.45, abs=1e-15)   # 0.2 + 0.1·0.1 + 0.2·0.2 + 2·0.1
    assert M[BM] == pytest.approx(1.2, abs=1e-15)    # 0.2 + 2·0.5
    assert M[CA] == pytest.approx(2.0) and M[AA] == pytest.approx(0.1)
    fp = iw.footprint(chain, "ghg").loc["co2e"]
    assert fp.tolist() == pytest.approx([45, 60, 20], abs=1e-12)
    origin = iw.footprint(chain, "ghg", by="origin")
    assert origin["A"].tolist() == pytest.approx([1, 20, 0, 4, 20, 0], abs=1e-12)  # where A's 45 kt are emitted
    prod = iw.footprint(chain, "ghg", by="product")
    assert prod.loc["co2e", ("A", "manu")] == pytest.approx(45) and prod.loc["co2e", ("C", "agri")] == pytest.approx(20)


def test_embodied_trade(chain):
    acc = iw.embodied_accounts(chain, "ghg")
    t = acc.table("co2e")
    assert t["production"].tolist() == pytest.approx([21, 14, 90])
    assert t["consumption"].tolist() == pytest.approx([45, 60, 20])
    assert t["imports"].tolist() == pytest.approx([24, 50, 0])   # A: 4 from B + 20 from C; B: 50 from C
    assert t["exports"].tolist() == pytest.approx([0, 4, 70])    # C: 35 of its 45 output serve others
    assert t["balance"].tolist() == pytest.approx([-24, -46, 70])
    sec = iw.sector_accounts(chain, "ghg")
    assert sec["D_imp"].loc["co2e", ("A", "manu")] == pytest.approx(24)
    assert sec["D_exp"].loc["co2e", ("C", "agri")] == pytest.approx(70)


def test_ghosh_and_prices(chain):
    assert iw.allocation_coefficients(chain).loc[CA, BM] == pytest.approx(35 / 45)
    assert iw.supply_driven_output(chain).tolist() == pytest.approx([10, 100, 0, 70, 45, 0])
    # C's agriculture gets 10 more primary inputs: it pushes 10·(7/9) into B/manu, of which 2/7 into A/manu
    dv = pd.Series({CA: 10.0})
    assert iw.supply_driven_output(chain, dv).tolist() == pytest.approx([0, 20 / 9, 0, 70 / 9, 10, 0])
    # a cost push of 0.1 per unit of C/agri output: Δp_j = 0.1·L[(C,agri), j]
    dp = iw.cost_push(chain, {CA: 0.1})
    assert dp.tolist() == pytest.approx([0, 0.01, 0, 0.05, 0.1, 0], abs=1e-15)
    # B/manu's price fixed at +10 %: A/manu follows by a = 0.2 → +2 %; C/agri is upstream, unchanged
    dp = iw.cost_push(chain, fixed_prices={BM: 0.1})
    assert dp.tolist() == pytest.approx([0, 0.02, 0, 0.1, 0, 0], abs=1e-15)
