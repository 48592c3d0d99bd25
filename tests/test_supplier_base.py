"""A real company's supply base: Apple's published supplier lists 2012–2022 read, checked against the data's own
README, a hand-computed fixture for the counts, shares, HHI and movers, the WIOD link checked by an independent
route (v̂ L y), faulty inputs, and the `industwin supplier-base` command."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import DATA
from typer.testing import CliRunner

import industwin as iw
from industwin.analysis import supplier_base as sb
from industwin.cli import app
from industwin.data.supplier_sites import (
    COUNTRIES,
    apple_supplier_list,
    country_code,
    read_supplier_sites,
    supplier_key,
)
from industwin.errors import DataError, SelectionError, ValidationError

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


@pytest.fixture(scope="module")
def apple() -> pd.DataFrame:
    if not (DATA / "apple_supplier_list").is_dir():
        pytest.fail(f"real data missing: {DATA}/apple_supplier_list (set INDUSTWIN_DATA)")
    return apple_supplier_list(DATA)


# ----------------------------------------------------------------------------- the real list vs its README
def test_apple_list_matches_its_readme(apple):
    assert len(apple) == 7558                                   # "7,558 rows"
    assert apple["supplier"].nunique() == 954                   # "954 distinct supplier names"
    years = sorted(apple["year"].unique())
    assert years == [2012, 2013, 2014, 2015, 2016, 2017, 2018, 2020, 2021, 2022]   # no 2019 list
    rows = apple["iso3"].value_counts()                         # "China 3,247 rows, Japan 1,255, USA 697 …"
    assert rows[["CHN", "JPN", "USA", "TWN", "KOR", "MYS"]].tolist() == [3247, 1255, 697, 455, 350, 223]
    assert apple["iso3"].notna().all() and apple["iso3"].nunique() == 39
    assert apple["site"].isna().sum() == 16                     # "16 NA in 2020"
    assert set(apple.loc[apple["site"].isna(), "year"]) == {2020}
    assert apple["repeat"].sum() == 2                           # two rows of 2018 repeat one exactly
    notes = " ".join(apple.attrs["notes"])
    assert "no list for 2019" in notes and "province or state" in notes
    assert apple.attrs["detail_change"] == 2020


def test_country_mapping_is_explicit():
    for name, code in {"China": "CHN", "Taiwan": "TWN", "Hong Kong": "HKG", "Macau": "MAC", "Macao": "MAC",
                       "Korea": "KOR", "South Korea": "KOR", "Czech": "CZE", "USA": "USA", "United Kingdom": "GBR",
                       "Vietnam": "VNM", "Viet Nam": "VNM", "VNM": "VNM", "  the netherlands ": "NLD",
                       "Puerto Rico": "PRI", "Mauritius": "MUS"}.items():
        assert country_code(name) == code, name
    assert country_code("Narnia") is None and country_code("") is None
    assert set(COUNTRIES.values()) >= {"CHN", "TWN", "HKG", "MAC"}


def test_supplier_key_folds_spellings_not_companies():
    same = [("3M", "3M Co.", "3M Company"),
            ("Alps Electric Co., Ltd.", "Alps Alpine Company Limited"),            # a documented rename
            ("JCET Group Company Limited (continued)", "JCET Group Co., Ltd."),   # a page break
            ("AT&S AG", "AT & S Austria Technologie & Systemtechnik\nAG"),
            ("Hon Hai Precision Industry Co., Ltd. (Foxconn)", "Hon Hai Precision Industry Company Limited (Foxconn)")]
    for names in same:
        assert len({supplier_key(n) for n in names}) == 1, names
    assert supplier_key("Samsung SDI Co., Ltd.") != supplier_key("Samsung Electronics Co., Ltd.")


# ----------------------------------------------------------------------------- a hand-computed fixture
def tiny() -> pd.DataFrame:
    rows = [(2020, "A Inc.", "China", "s1"), (2020, "A Inc.", "China", "s1"),      # an exact repeat: one site
            (2020, "A Inc.", "China", "s2"), (2020, "A Inc.", "Vietnam", "s3"),
            (2020, "B Corp", "China", "s4"), (2020, "C Ltd", "USA", "s5"),
            (2022, "A Incorporated", "China", "s1"), (2022, "A Incorporated", "India", "s6"),
            (2022, "B Corporation", "Viet Nam", "s7"), (2022, "C Ltd", "USA", "s5"),
            (2022, "C Ltd", "China", "s9"), (2022, "D", "Mexico", "s8")]
    return read_supplier_sites(pd.DataFrame(rows, columns=["year", "supplier", "country", "site"]))


def test_counts_shares_and_hhi_by_hand():
    s = tiny()
    assert s["repeat"].tolist().count(True) == 1
    b = sb.by_country(s)
    assert b.loc[(2020, "CHN"), "sites"] == 3 and b.loc[(2020, "CHN"), "suppliers"] == 2
    assert b.loc[(2020, "CHN"), "site_share_pct"] == pytest.approx(60.0)
    assert b.loc[(2020, "CHN"), "presence_share_pct"] == pytest.approx(50.0)
    assert b.loc[(2020, "CHN"), "reach_pct"] == pytest.approx(200 / 3)
    c = sb.concentration(s)
    # 2020: sites 3/5, 1/5, 1/5 → 0.36 + 0.04 + 0.04; presences 2/4, 1/4, 1/4 → 0.375
    assert c.loc[2020, "hhi_sites"] == pytest.approx(0.44)
    assert c.loc[2020, "hhi_suppliers"] == pytest.approx(0.375)
    assert c.loc[2020, "equivalent_countries_sites"] == pytest.approx(1 / 0.44)
    # 2022: sites CHN 2 of 6, IND, VNM, USA, MEX 1 each → 1/9 + 4/36
    assert c.loc[2022, "hhi_sites"] == pytest.approx(2 / 9)
    assert c.loc[2022, "countries"] == 5 and c.loc[2022, "top_country"] == "CHN"
    assert c.loc[2022, "CHN_site_share_pct"] == pytest.approx(100 / 3)
    w = sb.sites_table(s)
    assert w.loc["CHN", 2020] == 3 and w.loc["MEX", 2020] == 0


def test_movers_by_hand():
    sh = sb.footprint_shift(tiny(), 2020, 2022, "CHN")
    v = sh.summary.to_dict()
    assert v["listed in both years (panel)"] == 3                         # A, B, C (A spelt two ways)
    assert v["panel suppliers with a CHN site in 2020"] == 2               # A, B
    assert v["  of them still with a CHN site in 2022 (stayed)"] == 1      # A
    assert v["  of them with no CHN site in 2022 (left)"] == 1             # B
    assert v["  of them that added a country elsewhere"] == 2              # A: India, B: Viet Nam
    assert v["  of them that added a country and kept CHN (CHN + 1)"] == 1
    assert v["panel suppliers without a CHN site in 2020 that have one in 2022 (entered)"] == 1   # C
    assert v["suppliers of 2022 not listed in 2020 (entries)"] == 1        # D
    a = sh.added
    assert a.loc["IND", ["added_by_focus_suppliers", "added_and_left_focus"]].tolist() == [1, 0]
    assert a.loc["VNM", ["added_by_focus_suppliers", "added_and_left_focus", "dropped_by_panel"]].tolist() == [1, 1, 1]
    assert a.loc["CHN", ["added_by_panel", "dropped_by_panel"]].tolist() == [1, 1]
    n = sh.net_change
    assert n.loc["CHN", "sites_change"] == -1
    assert n.loc["CHN", "site_share_change_pp"] == pytest.approx(100 / 3 - 60)
    assert sh.movers.loc[supplier_key("B Corp"), "dropped"] == "CHN"
    with pytest.raises(SelectionError, match="no year 2019"):
        sb.footprint_shift(tiny(), 2019, 2022)


# ----------------------------------------------------------------------------- the real list: headline numbers
def test_apple_headlines(apple):
    c = sb.concentration(apple)
    assert c.loc[2012, "sites"] == 802 and c.loc[2018, "sites"] == 806      # 808 rows less the two repeats
    assert c.loc[2012, "CHN_site_share_pct"] == pytest.approx(100 * 333 / 802)
    assert (c["top_country"] == "CHN").all()
    sh = sb.footprint_shift(apple, 2012, 2022)
    assert sh.summary["panel suppliers with a CHN site in 2012"] > 50
    assert sh.added.loc["VNM", "added_by_focus_suppliers"] > 0 and sh.added.loc["IND", "added_by_focus_suppliers"] > 0
    assert sh.net_change.loc["IND", "sites_2012"] == 0 and sh.net_change.loc["IND", "sites_2022"] == 14


def test_twin_comparison_against_an_independent_route(apple):
    m = iw.load("wiod2013", 2011)
    t = sb.twin_comparison(apple, m, "c14", "world")
    assert t.attrs["year"] == 2012 and t[f"sites {2012}"].sum() == 802
    row = t.loc["RoW", "list_countries"].split(", ")
    assert {"VNM", "MYS", "THA", "PHL", "SGP", "ISR"} <= set(row)
    rows = m.index.get_level_values("sector") == "c14"
    assert t.loc["CHN", "c14 output [M USD]"] == pytest.approx(m.x[m.index.get_loc(("CHN", "c14"))])
    assert t["c14 output share of world (%)"].sum() <= 100 + 1e-9
    # value added embodied in the world's final demand for c14, by origin: v̂ L y computed directly
    y = np.where(rows, m.Y.sum(axis=1), 0.0)
    x = iw.gross_output(m, y).to_numpy()
    colsum = np.asarray(m.Z.sum(axis=0)).ravel()
    v = 1 - np.divide(colsum, m.x, out=np.zeros_like(colsum), where=m.x > 0)     # 1 − 1'A, 0 where x = 0
    va = pd.Series(v * x, index=m.index).groupby(level="region").sum()
    col = "value added in world final demand for c14 [M USD]"
    for r in ("CHN", "USA", "JPN", "RoW"):
        assert t.loc[r, col] == pytest.approx(va[r], rel=1e-9)
    assert va.sum() == pytest.approx(y.sum(), rel=1e-9)              # v'L = 1': all of final demand is value added
    us = sb.twin_comparison(apple, m, demand="USA")
    assert us.loc["USA", "value added in USA final demand for c14 (%)"] > t.loc["USA",
                                                                                 "value added in world final demand for c14 (%)"]
    with pytest.raises(SelectionError, match="no sector"):
        sb.twin_comparison(apple, m, sector="c99")


# ----------------------------------------------------------------------------- faulty inputs
def _csv(tmp_path, text, name="sites.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("text, field, words", [
    ("year,supplier,country\n2020,A,China\n2021,B,Narnia\n", "line 3: country", "unknown country 'Narnia'"),
    ("year,supplier,country\n2020,,China\n", "supplier", "blank"),
    ("year,supplier,country\nabc,A,China\n", "year", "not numbers"),
    ("year,supplier_name,nation\n2020,A,China\n", "country", "column missing"),
])
def test_faulty_inputs_name_file_and_field(tmp_path, text, field, words):
    p = _csv(tmp_path, text)
    with pytest.raises(ValidationError) as e:
        read_supplier_sites(p)
    assert any(i.field == field and words in i.problem and i.source == str(p) for i in e.value.issues), e.value.issues
    assert str(p) in str(e.value)


def test_renamed_columns_are_named_as_in_the_file(tmp_path):
    p = _csv(tmp_path, "Jahr,Firma,Land\n2020,A,China\nzwei,B,Japan\n")
    with pytest.raises(ValidationError) as e:
        read_supplier_sites(p, columns={"Jahr": "year", "Firma": "supplier", "Land": "country"})
    assert [i.field for i in e.value.issues] == ["Jahr"]
    ok = read_supplier_sites(_csv(tmp_path, "Jahr,Firma,Land\n2020,A,China\n", "ok.csv"),
                             columns={"Jahr": "year", "Firma": "supplier", "Land": "country"})
    assert ok.loc[0, "iso3"] == "CHN"


def test_missing_files(tmp_path):
    with pytest.raises(DataError, match="not found"):
        read_supplier_sites(tmp_path / "none.csv")
    with pytest.raises(DataError, match="INDUSTWIN_DATA"):
        apple_supplier_list(tmp_path)


# ----------------------------------------------------------------------------- the command and the pages
def test_command_writes_tables_and_page(apple, tmp_path):
    out = tmp_path / "sb"
    r = run("supplier-base", "--base", 2018, "--late", 2022, "-o", out)
    assert r.exit_code == 0, r.output
    c = pd.read_csv(out / "concentration.csv", index_col=0)
    ref = sb.concentration(apple)
    assert c.loc[2022, "hhi_sites"] == pytest.approx(ref.loc[2022, "hhi_sites"])
    t = pd.read_csv(out / "twin_c14.csv", index_col=0)
    assert t.loc["CHN", "sites 2012"] == 333
    html = (out / "report.html").read_text(encoding="utf-8")
    for part in ("listed sites by country", "Concentration over countries", "Countries suppliers added",
                 "beside the production network", "not volumes"):
        assert part in html
    assert "no list for 2019" in r.output and "CHN's share of sites" in r.output


def test_command_bad_file_exit_2(tmp_path):
    p = _csv(tmp_path, "year,supplier,country\n2020,A,Atlantis\n")
    r = run("supplier-base", p, "--no-twin", "-o", tmp_path / "o")
    assert r.exit_code == 2, r.output
    assert "Atlantis" in r.output and "sites.csv" in r.output and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) <= 4
    r = run("supplier-base", p, "--base", 2022, "--late", 2020, "-o", tmp_path / "o")
    assert r.exit_code == 2 and "--late" in r.output


def test_firm_page_section(apple):
    from industwin.viz.firms import supply_base_section
    figs, tabs = supply_base_section(apple)
    assert len(figs) == 1 and "2022" in figs[0].layout.title.text
    (tab,) = tabs.values()
    assert tab.loc["sites", "value"] == 710 and tab.loc["year", "value"] == 2022
