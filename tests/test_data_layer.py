"""Validation (one clear error per problem), the generic loader, the cache and aggregation."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import industwin as iw
from industwin.data.concordance import aggregate
from industwin.data.tables import read_tables, write_tables
from industwin.data.validate import ImbalanceWarning
from industwin.errors import DataError, ValidationError

from conftest import small_system


def build(**over):
    d = small_system()
    d.update(over)
    return iw.MRIO(d["Z"], d["Y"], d["x"], index=d["index"], fd_index=d["fd_index"], sources={"table": "t.csv"})


def test_non_square():
    with pytest.raises(ValidationError, match="not square") as e:
        build(Z=np.ones((6, 5)))
    assert "t.csv" in str(e.value) and "Fix:" in str(e.value)


def test_label_count_and_duplicates():
    d = small_system()
    with pytest.raises(ValidationError, match="5 labels for 6 rows"):
        build(index=d["index"][:5])
    dup = pd.MultiIndex.from_tuples(list(d["index"][:5]) + [d["index"][0]])
    with pytest.raises(ValidationError, match="duplicate"):
        build(index=dup)


def test_nan_inf_and_negative_output_all_reported_at_once():
    d = small_system()
    Z = d["Z"].copy(); Z[0, 1] = np.nan
    Y = d["Y"].copy(); Y[2, 2] = np.inf
    x = d["x"].copy(); x[3] = -1
    with pytest.raises(ValidationError) as e:
        build(Z=Z, Y=Y, x=x)
    issues = e.value.issues
    assert {i.field for i in issues} == {"Z", "Y", "x"}
    assert any("negative gross output" in i.problem and "('B', 'manu')" in i.problem for i in issues)
    assert any("first at row ('A', 'agri'), column ('A', 'manu')" in i.problem for i in issues if i.field == "Z")


def test_mismatched_final_demand_rows():
    d = small_system()
    with pytest.raises(ValidationError, match="final demand has 5 rows"):
        build(Y=d["Y"][:5])


def test_imbalance_is_reported_and_rebalanced_explicitly():
    d = small_system()
    x = d["x"].copy(); x[2] += 7.0
    m = build(x=x)
    with pytest.warns(ImbalanceWarning, match="rebalance"):
        rep = iw.balance_report(m, rtol=0, atol=1e-9, warn=True)
    assert list(rep.index) == [("B", "agri")] and rep["residual"].iloc[0] == pytest.approx(-7.0)
    fixed = iw.rebalance(m, method="output")
    assert iw.balance_report(fixed, rtol=0, atol=1e-9).empty and fixed.x[2] == d["x"][2]
    kept = iw.rebalance(m, method="final_demand", category="gov")
    assert iw.balance_report(kept, rtol=0, atol=1e-9).empty and kept.x[2] == x[2]
    assert kept.Y[2, 3] == d["Y"][2, 3] + 7.0  # booked in B's government column
    assert m.x[2] == x[2]  # the original is untouched


def test_zero_output_sector_is_handled():
    d = small_system()
    Z, Y = d["Z"].copy(), d["Y"].copy()
    Z[1, :] = 0; Z[:, 1] = 0; Y[1, :] = 0
    m = build(Z=Z, Y=Y, x=Z.sum(1) + Y.sum(1))
    assert m.x[1] == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no division-by-zero warning either
        mult = iw.output_multipliers(m)
        A = iw.technical_coefficients(m)
        p = iw.prices(m)
    assert np.isfinite(mult).all() and mult.iloc[1] == 1.0 and (A.iloc[:, 1] == 0).all()
    assert np.isfinite(p).all()


def test_generic_loader_round_trip_csv_parquet_excel(small, tmp_path):
    for fmt in ("csv", "parquet"):
        folder = write_tables(small, tmp_path / fmt, fmt=fmt)
        back = iw.load(folder)
        assert np.array_equal(back.Z, small.Z) and np.array_equal(back.Y, small.Y)
        assert back.index.equals(small.index) and back.fd_index.equals(small.fd_index)
        s = back.satellites["air"]
        assert s.units == ("kt", "kt") and np.array_equal(s.F, small.satellites["air"].F)
        assert np.array_equal(s.F_Y, small.satellites["air"].F_Y)
    xl = tmp_path / "t.xlsx"
    with pd.ExcelWriter(xl) as w:
        small.frame("Z").to_excel(w, sheet_name="Z")
        small.frame("Y").to_excel(w, sheet_name="Y")
        ix = pd.MultiIndex.from_arrays([["co2", "ch4"], ["kt", "kt"]], names=["stressor", "unit"])
        pd.DataFrame(small.satellites["air"].F, index=ix, columns=small.index).to_excel(w, sheet_name="sat_air")
    back = read_tables(xl, unit="M EUR")
    assert np.array_equal(back.Z, small.Z) and np.array_equal(back.x, small.x)
    assert np.array_equal(back.satellites["air"].F, small.satellites["air"].F)


def test_generic_loader_reorders_rows_and_names_bad_files(small, tmp_path):
    folder = write_tables(small, tmp_path / "t")
    Y = pd.read_csv(folder / "Y.csv", index_col=[0, 1], header=[0, 1])
    Y.iloc[::-1].to_csv(folder / "Y.csv")  # rows in another order: aligned on Z's labels
    assert np.array_equal(iw.load(folder).Y, small.Y)
    Y.iloc[:5].to_csv(folder / "Y.csv")
    with pytest.raises(ValidationError, match=r"Y\.csv.*missing \[\('C', 'manu'\)\]"):
        iw.load(folder)
    small.frame("Y").to_csv(folder / "Y.csv")
    Z = pd.read_csv(folder / "Z.csv", index_col=[0, 1], header=[0, 1]).astype(object)
    Z.iloc[1, 2] = "twelve"
    Z.to_csv(folder / "Z.csv")
    with pytest.raises(ValidationError, match=r"Z\.csv: field 'cells': 1 cell\(s\) .* not numbers, first 'twelve' "
                                              r"at row \('A', 'manu'\), column \('B', 'agri'\)"):
        iw.load(folder)
    Z.iloc[1, 2] = ""
    Z.to_csv(folder / "Z.csv")
    with pytest.raises(ValidationError, match=r"Z\.csv.*1 blank cell\(s\) .*first at row \('A', 'manu'\).*write 0"):
        iw.load(folder)
    with pytest.raises(DataError, match="no Z.csv"):
        iw.load(folder / "satellites")


def test_cache_is_memory_mapped(tmp_path):
    rng = np.random.default_rng(0)
    n = 2000
    Z = rng.random((n, n))
    idx = pd.MultiIndex.from_product([[f"r{i}" for i in range(20)], [f"s{j}" for j in range(100)]])
    m = iw.MRIO(Z, rng.random((n, 3)), None, index=idx, fd_index=pd.MultiIndex.from_tuples([("r0", c) for c in "abc"]))
    iw.save(m, tmp_path / "t")
    back = iw.load(tmp_path / "t")  # its speed is measured by benchmarks/bench_mrio.py --case cache
    import mmap
    chain, a = [], back.Z
    while a is not None:
        chain.append(a)
        a = getattr(a, "base", None)
    assert any(isinstance(a, np.memmap | mmap.mmap) for a in chain)  # mapped, not read into memory
    assert np.array_equal(back.Z, m.Z) and back.index.equals(m.index)
    assert np.allclose(iw.output_multipliers(back), iw.output_multipliers(m), rtol=1e-12)


def test_named_dataset_cache(tmp_path, wiod2011):
    a = iw.load("wiod2013", 2011, cache=tmp_path)
    b = iw.load("wiod2013", 2011, cache=tmp_path)
    assert b.sources["cache"].startswith(str(tmp_path))
    assert np.array_equal(a.Z, wiod2011.Z) and np.array_equal(b.Z, wiod2011.Z)


def test_aggregation_preserves_totals(small, wiod2011):
    agg = aggregate(small, regions={"A": "AB", "B": "AB", "C": "C"}, sectors={"agri": "all", "manu": "all"})
    assert list(agg.index) == [("AB", "all"), ("C", "all")]
    assert agg.Z.sum() == pytest.approx(small.Z.sum()) and agg.Z[0, 0] == small.Z[:4, :4].sum()
    assert agg.Y.shape == (2, 4) and agg.Y.sum() == pytest.approx(small.Y.sum())
    assert agg.satellites["air"].F.sum() == pytest.approx(small.satellites["air"].F.sum())
    assert iw.footprint(agg, "air").loc["co2"].sum() == pytest.approx(iw.footprint(small, "air").loc["co2"].sum())
    eu = aggregate(wiod2011, regions="eu27", default="Others")
    assert list(eu.regions) == ["Others", "EU27"]  # AUS, the first WIOD region, is not in the EU
    assert eu.n == 70 and eu.x.sum() == pytest.approx(wiod2011.x.sum(), rel=1e-12)
    with pytest.raises(DataError, match="no target for"):
        aggregate(small, regions={"A": "X"})


def test_loading_an_unbalanced_table_warns_with_the_fix(small, tmp_path):
    folder = write_tables(small, tmp_path / "t")
    x = pd.read_csv(folder / "x.csv", index_col=[0, 1])
    x.iloc[0, 0] += 5.0
    x.to_csv(folder / "x.csv")
    with pytest.warns(ImbalanceWarning, match=r"1 row\(s\).*A/agri \(-5\).*rebalance"):
        m = iw.load(folder)
    assert m.x[0] == small.x[0] + 5.0  # reported, not changed
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        iw.load("wiod2013", 2011)  # within its documented rounding: silent


def test_derived_value_added_follows_the_table(small, tmp_path):
    assert small.value_added_derived and small.V.sum() == pytest.approx(small.x.sum() - small.Z.sum())
    x = small.x.copy(); x[0] += 3.0
    moved = small.replace(x=x)
    assert moved.value_added_derived and moved.V[0, 0] == pytest.approx(small.V[0, 0] + 3.0)
    iw.save(moved, tmp_path / "t")
    back = iw.load(tmp_path / "t")
    assert back.value_added_derived and np.array_equal(back.V, moved.V)
    given = small.replace(V=np.ones((1, 6)), va_index=["wages"])
    assert not given.value_added_derived and given.replace(x=x).V.sum() == 6.0


def test_concordance_from_csv(small, tmp_path):
    f = tmp_path / "sectors.csv"
    pd.DataFrame({"from": ["agri", "manu"], "to": ["primary", "secondary"]}).to_csv(f, index=False)
    agg = aggregate(small, sectors=f)
    assert list(agg.sectors) == ["primary", "secondary"] and np.array_equal(agg.Z, small.Z)
    pd.DataFrame({"from": ["agri", "agri"], "to": ["x", "y"]}).to_csv(f, index=False)
    with pytest.raises(DataError, match="mapped twice"):
        aggregate(small, sectors=f)
    with pytest.raises(DataError, match="not found"):
        aggregate(small, sectors=tmp_path / "missing.csv")


def test_sparse_table_survives_the_cache(small, tmp_path):
    import scipy.sparse as sp
    s = small.replace(Z=sp.csr_array(np.array(small.Z)))
    iw.save(s, tmp_path / "sp")
    back = iw.load(tmp_path / "sp")
    assert back.is_sparse and np.array_equal(back.Z.toarray(), small.Z)
    assert np.allclose(iw.footprint(back, "air").to_numpy(), iw.footprint(small, "air").to_numpy(), rtol=1e-13)


def test_table_labels_stay_as_written(small, tmp_path):
    """Sector codes with leading zeros and a region called NA (Namibia) survive a CSV table folder."""
    idx = pd.MultiIndex.from_tuples([("NA", "01"), ("NA", "02"), ("ZA", "01"), ("ZA", "02")],
                                    names=["region", "sector"])
    fd = pd.MultiIndex.from_tuples([("NA", "hh"), ("ZA", "hh")], names=["region", "category"])
    m = iw.MRIO(np.array([[1.0, 2, 0, 1], [0, 1, 1, 0], [2, 0, 1, 1], [0, 1, 0, 2]]), np.full((4, 2), 5.0), None,
                index=idx, fd_index=fd, unit="M NAD")
    back = iw.load(write_tables(m, tmp_path / "t"))
    assert list(back.index) == list(idx) and back.unit == "M NAD" and np.array_equal(back.Z, m.Z)


def test_rounded_tables_are_not_impossible_tables(tmp_path):
    """A published table rounded to one decimal still loads (a column may exceed output by rounding); a table
    whose columns buy far more than their output does not."""
    us = iw.load("wiod2016_usa", 2014)
    m = us.replace(Z=np.round(np.asarray(us.Z), 1), Y=np.round(us.Y, 1), x=np.round(us.x, 1), satellites={})
    folder = write_tables(m, tmp_path / "rounded")
    back = iw.load(folder)
    assert np.allclose(back.x, m.x) and back.unit == "M USD"
    x = pd.read_csv(folder / "x.csv", index_col=[0, 1])
    (x * 0.5).to_csv(folder / "x.csv")
    with pytest.raises(ValidationError, match=r"use inputs worth more than their output"):
        iw.load(folder)
