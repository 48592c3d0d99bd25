"""Parsers for the databases users bring, on small fixtures in each format's documented layout
(tests/fixtures, written by make_fixtures.py), checked against the known system and, where pymrio
has a parser for the format, against pymrio on the same file."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

import industwin as iw
from industwin.data.parsers import parse_exiobase3, parse_figaro, parse_oecd_icio, parse_wiod2016
from industwin.errors import DataError

from conftest import FIXTURES, small_system

D = small_system()
VA = D["x"] - D["Z"].sum(0)


@pytest.mark.parametrize("system", ["pxp", "ixi"])
def test_exiobase3_archive_and_folder(system, tmp_path):
    zpath = FIXTURES / f"IOT_2011_{system}.zip"
    m = parse_exiobase3(zpath)
    assert (m.name, m.year, m.unit, m.meta["system"]) == (f"exiobase3_{system}", 2011, "M EUR", system)
    assert list(m.regions) == ["AT", "BE", "WA"] and m.n == 6
    assert np.allclose(m.Z, D["Z"], rtol=1e-14) and np.array_equal(m.Y, D["Y"]) and np.array_equal(m.x, D["x"])
    s = m.satellites["air_emissions"]
    assert s.units == ("kg", "kg") and np.array_equal(s.F, D["F"] * 1e6) and np.array_equal(s.F_Y, D["F_Y"] * 1e6)
    # same numbers from the unpacked folder
    shutil.unpack_archive(zpath, tmp_path)
    f = parse_exiobase3(tmp_path / f"IOT_2011_{system}")
    assert np.array_equal(f.Z, m.Z)
    # and from pymrio's own EXIOBASE 3 parser on the same archive
    import pymrio
    io = pymrio.parse_exiobase3(zpath)
    io.calc_all()
    assert np.allclose(m.Z, io.Z.to_numpy(), rtol=1e-12)
    assert np.allclose(iw.footprint(m, "air_emissions").to_numpy(),
                       io.air_emissions.D_cba_reg[list(m.regions)].to_numpy(), rtol=1e-9)


def test_exiobase3_errors(tmp_path):
    with pytest.raises(DataError, match="not found"):
        parse_exiobase3(tmp_path / "IOT_2011_pxp.zip")
    (tmp_path / "junk.zip").write_text("not a zip")
    with pytest.raises(DataError, match="not a zip archive"):
        parse_exiobase3(tmp_path / "junk.zip")


def test_oecd_icio_aggregates_chinese_subtables():
    m = parse_oecd_icio(FIXTURES / "ICIO2023_2011.csv")
    assert (m.name, m.year, m.unit) == ("oecd_icio", 2011, "M USD")
    assert list(m.regions) == ["AUS", "CHN"] and list(m.sectors) == ["A01_02", "C10T12"]
    assert list(m.categories) == ["HFCE", "GGFC"] and list(m.va_index) == ["TLS", "VA"]
    # CHN + CN1 summed, by hand: CHN/A01_02 row = rows 2 and 4 of the system
    assert m.Z[2, 2] == D["Z"][[2, 4]][:, [2, 4]].sum()
    assert np.allclose(m.x, [D["x"][0], D["x"][1], D["x"][2] + D["x"][4], D["x"][3] + D["x"][5]])
    assert m.V.sum() == pytest.approx(VA.sum())
    import pymrio
    io = pymrio.parse_oecd(FIXTURES / "ICIO2023_2011.csv")
    io.calc_all()
    assert np.allclose(m.Z, io.Z.loc[m.index, m.index].to_numpy(), rtol=1e-12)
    assert np.allclose(iw.output_multipliers(m).to_numpy(), io.L.loc[m.index, m.index].sum(axis=0).to_numpy())


@pytest.mark.parametrize("name", ["matrix_eu-ic-io_ind-by-ind_23ed_2011.csv", "flatfile_eu-ic-io_ind-by-ind_23ed_2011.csv"])
def test_figaro_matrix_and_flat(name):
    m = parse_figaro(FIXTURES / name)
    assert (m.name, m.year, m.unit) == ("figaro", 2011, "M EUR")
    assert list(m.regions) == ["DE", "FR", "FIGW1"] and list(m.sectors) == ["A01", "C29"]
    assert list(m.categories) == ["P3_S14", "P51G"]
    assert np.array_equal(m.Z, D["Z"]) and np.array_equal(m.Y, D["Y"]) and np.array_equal(m.x, D["x"])
    assert list(m.va_index) == ["D1", "B2A3G"] and np.allclose(m.V.sum(0), VA)


def test_wiod2016_excel():
    m = parse_wiod2016(FIXTURES / "WIOT2011_Nov16_ROW.xlsx")
    assert (m.name, m.year, m.unit) == ("wiod2016", 2011, "M USD")
    assert list(m.regions) == ["AUS", "DEU", "ROW"] and list(m.sectors) == ["A01", "C29"]
    assert list(m.categories) == ["CONS_h", "CONS_g"] and list(m.va_index) == ["TXSP", "VA"]
    assert np.array_equal(m.Z, D["Z"]) and np.array_equal(m.Y, D["Y"]) and np.array_equal(m.x, D["x"])
    assert np.allclose(m.V.sum(0), VA) and m.sector_label("C29") == "Manufacture of motor vehicles"


def test_parsers_reject_wrong_files():
    with pytest.raises(DataError, match="neither a FIGARO matrix"):
        parse_figaro(FIXTURES / "ICIO2023_2011.csv")
    with pytest.raises(DataError, match="not found"):
        parse_wiod2016(FIXTURES / "WIOT1999_Nov16_ROW.xlsb")


def test_wiod2016_layout_errors(tmp_path):
    raw = pd.read_excel(FIXTURES / "WIOT2011_Nov16_ROW.xlsx", sheet_name="2011", header=None, engine="calamine")
    raw.iloc[12, 0] = "XX"  # the II_fob marker row renamed
    bad = tmp_path / "WIOT2011_Nov16_ROW.xlsx"
    with pd.ExcelWriter(bad) as w:
        raw.to_excel(w, sheet_name="2011", header=False, index=False)
    with pytest.raises(DataError, match="II_fob"):
        parse_wiod2016(bad)
    with pytest.raises(DataError, match="sheet"):
        parse_wiod2016(FIXTURES / "WIOT2011_Nov16_ROW.xlsx", sheet="1999")


def test_load_detects_database_files():
    assert iw.load(FIXTURES / "IOT_2011_ixi.zip").name == "exiobase3_ixi"
    assert iw.load(FIXTURES / "ICIO2023_2011.csv").name == "oecd_icio"
    assert iw.load(FIXTURES / "flatfile_eu-ic-io_ind-by-ind_23ed_2011.csv").name == "figaro"
    assert iw.load(FIXTURES / "WIOT2011_Nov16_ROW.xlsx").name == "wiod2016"
