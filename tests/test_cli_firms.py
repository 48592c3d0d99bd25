"""The `industwin firms` commands on a generated network: files written, numbers equal to the Python API."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from conftest import DATA
from typer.testing import CliRunner

from industwin.analysis.firm_risk import esri, read_essentiality
from industwin.cli import app
from industwin.core.firms import read_network

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    out = tmp_path_factory.mktemp("firms")
    r = run("firms", "synth", "-n", 1500, "--seed", 5, "-o", out)
    assert r.exit_code == 0, r.output
    return out / "edges.parquet", out / "firms.parquet"


def _focal(edges, firms):
    net = read_network(edges, firms)
    return int(np.argmax(net.in_strength)), net


def test_esri_command_writes_scores_and_a_page(files, tmp_path):
    edges, firms = files
    f, net = _focal(edges, firms)
    r = run("firms", "esri", edges, firms, "--focal", f, "-o", tmp_path / "e")
    assert r.exit_code == 0, r.output
    got = pd.read_parquet(tmp_path / "e" / "esri.parquet")
    ref = esri(net, read_essentiality(DATA / "esri_tutorial" / "ess_mat_n2_ihs.csv"))
    pd.testing.assert_frame_equal(got, ref)
    html = (tmp_path / "e" / "report.html").read_text()
    for part in ("How systemic risk is distributed", "most systemic firms", f"Firm {f}: value reaching it",
                 "Single points of failure", "firm #1"):
        assert part in html
    assert "anonymised" in r.output


def test_esri_page_shows_a_published_supply_base(files, tmp_path):
    from industwin.data.registry import data_root
    edges, firms = files
    sites = data_root() / "apple_supplier_list" / "apple-supplier-list.csv"
    raw = pd.read_csv(sites)                                   # plain pandas: the latest list and its suppliers
    year = int(raw["year"].max())
    suppliers = raw.loc[raw["year"] == year, "supplier_name"].nunique()
    r = run("firms", "esri", edges, firms, "--supply-base", sites, "-o", tmp_path / "e")
    assert r.exit_code == 0, r.output
    html = (tmp_path / "e" / "report.html").read_text()
    assert f"Published tier-1 supply base, {year}" in html and "most systemic firms" in html
    assert re.search(rf"<th>suppliers</th>\s*<td>{suppliers}</td>", html), suppliers
    r = run("firms", "esri", edges, firms, "--supply-base", tmp_path / "none.csv", "-o", tmp_path / "e2")
    assert r.exit_code == 2 and "none.csv: file not found (the supplier-site list)" in r.output
    assert not (tmp_path / "e2").exists()


def test_tiers_intervene_and_links_commands(files, tmp_path):
    edges, firms = files
    f, net = _focal(edges, firms)
    r = run("firms", "tiers", edges, firms, f, "--max-tier", 3, "-o", tmp_path / "t.csv")
    assert r.exit_code == 0, r.output
    t = pd.read_csv(tmp_path / "t.csv", index_col=0)
    assert set(t["tier"]) <= {1, 2, 3} and "value through each tier" in r.output
    ind = net.firms["industry"].to_numpy()
    k = ind[net.W[:, [f]].tocoo().row[0]]
    r = run("firms", "intervene", edges, firms, f, "--second-supplier", k, "--stock", 10,
            "-o", tmp_path / "i.csv")
    assert r.exit_code == 0, r.output
    res = pd.read_csv(tmp_path / "i.csv", index_col=0)
    assert res.index[0] == "baseline" and len(res) == 3
    r = run("firms", "links", edges, firms, "--customer", f)
    assert r.exit_code == 0, r.output
    assert "customer × supplier negatives" in r.output and "likeliest missing suppliers" in r.output


def test_firms_commands_report_bad_input(files, tmp_path):
    edges, firms = files
    r = run("firms", "tiers", edges, firms, "no-such-firm")
    assert r.exit_code == 2 and "not in the firm table" in r.output
    r = run("firms", "esri", edges, firms, "--essentiality", tmp_path / "none.csv")
    assert r.exit_code == 2 and "none.csv: file not found (the essentiality matrix)" in r.output
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"supplier": [0, 1], "customer": [1, 1], "value": [1.0, -2.0]}).to_csv(bad, index=False)
    r = run("firms", "esri", bad, firms)
    assert r.exit_code == 2 and "self-loop" in r.output and "negative" in r.output
    r = run("firms", "intervene", edges, firms, 0)
    assert r.exit_code == 2 and "at least one intervention" in r.output
