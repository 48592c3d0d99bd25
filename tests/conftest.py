"""Shared fixtures: a hand-built 3-region × 2-sector system and the real WIOD 2013 tables."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import industwin as iw

DATA = Path(os.environ.get("INDUSTWIN_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data"))
FIXTURES = Path(__file__).parent / "fixtures"


def small_system() -> dict:
    """3 regions (A, B, C) × 2 sectors (agri, manu); 2 final-demand categories each.

    Integer flows; x is the row total so the table balances exactly.
    """
    Z = np.array([
        [10, 20, 5, 0, 2, 1],
        [15, 30, 3, 8, 0, 4],
        [4, 0, 12, 18, 3, 2],
        [1, 6, 9, 25, 5, 7],
        [2, 3, 0, 4, 20, 10],
        [0, 5, 6, 2, 12, 40],
    ], dtype=float)
    Y = np.array([
        [40, 5, 3, 0, 2, 0],
        [30, 10, 8, 2, 5, 1],
        [1, 0, 50, 6, 4, 0],
        [6, 2, 35, 15, 3, 1],
        [0, 0, 2, 1, 60, 9],
        [7, 1, 4, 0, 45, 20],
    ], dtype=float)
    regions, sectors, cats = ["A", "B", "C"], ["agri", "manu"], ["hh", "gov"]
    index = pd.MultiIndex.from_product([regions, sectors], names=["region", "sector"])
    fd_index = pd.MultiIndex.from_product([regions, cats], names=["region", "category"])
    F = np.array([[100.0, 40, 60, 80, 20, 50], [3, 1, 2, 2, 1, 1]])
    F_Y = np.array([[5.0, 0, 7, 0, 9, 0], [0, 0, 0, 0, 0, 0]])
    return dict(Z=Z, Y=Y, x=Z.sum(1) + Y.sum(1), index=index, fd_index=fd_index, F=F, F_Y=F_Y)


@pytest.fixture
def small() -> iw.MRIO:
    d = small_system()
    sat = iw.Satellite("air", d["F"], ["co2", "ch4"], ("kt", "kt"), d["F_Y"])
    return iw.MRIO(d["Z"], d["Y"], d["x"], index=d["index"], fd_index=d["fd_index"], satellites={"air": sat},
                   unit="M EUR", name="small")


@pytest.fixture(scope="session")
def wiod2011() -> iw.MRIO:
    if not (DATA / "wiod2013").is_dir():
        pytest.fail(f"real data missing: {DATA}/wiod2013 (set INDUSTWIN_DATA)")
    m = iw.load("wiod2013", 2011)
    return m.with_satellite(iw.Satellite("va", m.V, ["value_added"], "M USD"))


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL cluster of the test session's own (see tests/servers.py)."""
    from servers import PostgresCluster
    pg = PostgresCluster()
    yield pg
    pg.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A new, empty database on each backend the collaboration layer supports."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'industwin.db'}"
    return request.getfixturevalue("postgres").database()


@pytest.fixture
def quick_hashing(monkeypatch):
    """Argon2id with light parameters for tests that set up many people and clients in this process (a real
    hash or check takes ~0.3 s here); the tests of how secrets are stored keep the product's parameters."""
    from argon2 import PasswordHasher

    from industwin.collab import directory
    quick = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(directory, "_HASHER", quick)
    monkeypatch.setattr(directory, "_DUMMY", quick.hash("not a secret anyone has"))
