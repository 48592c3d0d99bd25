"""The WIOD 2013 loader on the real files: both formats, labels, known totals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import industwin as iw
from industwin.errors import DataError, SelectionError

from conftest import DATA


def test_parquet_and_rdata_agree():
    a = iw.load("wiod2013", 1995)
    b = iw.load("wiod2013", 1995, fmt="rdata")
    assert np.array_equal(a.Z, b.Z) and np.array_equal(a.Y, b.Y) and np.array_equal(a.x, b.x)


def test_labels_and_totals_match_the_published_checks(wiod2011):
    m = wiod2011
    assert (len(m.regions), len(m.sectors), m.n, m.Y.shape[1]) == (41, 35, 1435, 205)
    assert m.regions[0] == "AUS" and "RoW" in m.regions and "DEU" in m.regions
    assert m.sector_label("c3") == "Food, Beverages and Tobacco"
    chk = pd.read_csv(DATA / "wiod2013" / "balance_check.csv").set_index("year").loc[2011]
    assert m.x.sum() == pytest.approx(chk["total_output"], rel=1e-12)
    assert m.Y.sum() == pytest.approx(chk["total_final_demand"], rel=1e-12)
    assert m.V.sum() == pytest.approx(chk["total_va_derived"], rel=1e-12)
    assert int((m.x == 0).sum()) == chk["n_zero_output"]
    rep = iw.balance_report(m, rtol=0, atol=0)
    assert rep["residual"].abs().max() == pytest.approx(chk["max_abs_resid"])


def test_rounding_stays_within_its_bound(wiod2011):
    # each of the 1,640 cells of a row is rounded by at most 0.5 M USD
    assert iw.balance_report(wiod2011, rtol=0, atol=wiod2011.meta["balance_atol"]).empty


def test_zero_output_sectors_give_finite_results(wiod2011):
    zero = wiod2011.x == 0
    assert zero.sum() > 0
    m = iw.output_multipliers(wiod2011)
    assert np.isfinite(m).all() and np.allclose(m[zero], 1.0)
    fp = iw.footprint(wiod2011, "va")
    assert np.isfinite(fp.to_numpy()).all()


def test_unknown_year_and_dataset():
    with pytest.raises(SelectionError, match="no year 1990. Fix: choose among 1995–2011"):
        iw.load("wiod2013", 1990)
    with pytest.raises(DataError, match="unknown dataset"):
        iw.load("no-such-dataset")
