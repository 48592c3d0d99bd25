"""industwin against pymrio (the field's reference Python package) on the real WIOD 2011 table.

Every quantity both compute must agree to a relative difference of 1e-9.
"""

from __future__ import annotations

import numpy as np
import pytest

import industwin as iw
from industwin.data.pymrio_io import from_pymrio, to_pymrio

import pymrio  # noqa: E402  (a dev dependency: the reference must be there, never skipped)


def assert_rel(ours, theirs, rtol=1e-9):
    a, b = np.asarray(ours, float), np.asarray(theirs, float)
    assert a.shape == b.shape
    scale = np.abs(b).max() if b.size else 0.0
    err = np.abs(a - b) - (rtol * np.abs(b) + 1e-13 * scale)
    assert (err <= 0).all(), f"max relative difference {np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)):.3g}"


@pytest.fixture(scope="module")
def io(wiod2011):
    io = to_pymrio(wiod2011, include_value_added=False)
    io.calc_all(include_ghosh=True)
    return io


def test_coefficients_and_inverses(wiod2011, io):
    assert_rel(iw.technical_coefficients(wiod2011), io.A.to_numpy())
    assert_rel(iw.leontief_inverse(wiod2011), io.L.to_numpy())
    assert_rel(iw.allocation_coefficients(wiod2011), io.B.to_numpy())
    assert_rel(iw.ghosh_inverse(wiod2011), io.G.to_numpy())


def test_multipliers_and_output(wiod2011, io):
    assert_rel(iw.output_multipliers(wiod2011), io.L.to_numpy().sum(axis=0))
    assert_rel(iw.satellite_multipliers(wiod2011, "va"), io.va.M.to_numpy())
    y = io.Y.sum(axis=1)
    assert_rel(iw.gross_output(wiod2011), pymrio.calc_x_from_L(io.L, y).to_numpy().ravel())


def test_accounts_by_region(wiod2011, io):
    acc = iw.embodied_accounts(wiod2011, "va")
    regs = list(wiod2011.regions)
    assert_rel(acc.consumption[regs], io.va.D_cba_reg[regs].to_numpy())
    assert_rel(acc.production[regs], io.va.D_pba_reg[regs].to_numpy())
    assert_rel(acc.imports[regs], io.va.D_imp_reg[regs].to_numpy())
    assert_rel(acc.exports[regs], io.va.D_exp_reg[regs].to_numpy())
    assert_rel(iw.footprint(wiod2011, "va", by="region")[regs], io.va.D_cba_reg[regs].to_numpy())


def test_accounts_by_sector(wiod2011, io):
    acc = iw.sector_accounts(wiod2011, "va")
    for name in ("D_cba", "D_pba", "D_imp", "D_exp"):
        ours = acc[name]
        theirs = getattr(io.va, name).loc[:, ours.columns]
        assert_rel(ours, theirs.to_numpy())
    assert_rel(iw.footprint(wiod2011, "va", by="product"), io.va.D_cba.loc[:, acc["D_cba"].columns].to_numpy())


def test_round_trip_through_pymrio(wiod2011):
    back = from_pymrio(to_pymrio(wiod2011), year=2011)
    assert back.index.equals(wiod2011.index) and back.fd_index.equals(wiod2011.fd_index)
    assert np.array_equal(back.Z, wiod2011.Z) and np.array_equal(back.Y, wiod2011.Y)
    assert np.array_equal(back.x, wiod2011.x) and np.array_equal(back.V, wiod2011.V)
    assert np.array_equal(back.satellites["va"].F, wiod2011.satellites["va"].F)
    assert back.satellites["va"].units == ("M USD",)
