"""The command line on the real WIOD data: outputs, files, and clear errors."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import industwin as iw
from industwin.analysis.profile import economy_profile
from industwin.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def test_datasets_and_describe():
    r = run("datasets")
    assert r.exit_code == 0 and "wiod2013" in r.output and "1995–2011" in r.output
    r = run("describe", "wiod2013", "--year", "2011")
    assert r.exit_code == 0 and "41 regions × 35 sectors" in r.output and "zero-output sectors" in r.output


def test_multipliers_and_footprint_files(tmp_path, wiod2011):
    out = tmp_path / "m.parquet"
    r = run("multipliers", "wiod2013", "--region", "DEU", "--top", "5", "-o", str(out))
    assert r.exit_code == 0, r.output
    got = pd.read_parquet(out)
    assert len(got) == 1435
    assert np.allclose(got["output multiplier"].to_numpy(), iw.output_multipliers(wiod2011).to_numpy())
    out = tmp_path / "fp.csv"
    r = run("footprint", "wiod2013", "--by", "region", "-o", str(out))
    assert r.exit_code == 0, r.output
    fp = pd.read_csv(out, index_col=0)
    acc = iw.embodied_accounts(wiod2011, "value_added")
    assert fp.loc["DEU", "consumption"] == pytest.approx(acc.consumption.loc["value_added", "DEU"], rel=1e-12)


def test_output_for_a_demand_file(tmp_path, wiod2011):
    f = tmp_path / "demand.csv"
    pd.DataFrame({"region": ["DEU"], "sector": ["c15"], "value": [1000.0]}).to_csv(f, index=False)
    out = tmp_path / "x.csv"
    r = run("output", str(f), "-o", str(out))
    assert r.exit_code == 0, r.output
    x = pd.read_csv(out, index_col=[0, 1])["gross output"]
    assert x.sum() == pytest.approx(1000 * iw.output_multipliers(wiod2011)[("DEU", "c15")], rel=1e-12)


def test_clear_errors(tmp_path):
    r = run("multipliers", "nope")
    assert r.exit_code == 2 and "unknown dataset" in r.output
    r = run("describe", "wiod2013", "--year", "1980")
    assert r.exit_code == 2 and "1995" in r.output
    f = tmp_path / "demand.csv"
    pd.DataFrame({"region": ["DEU"], "amount": [1.0]}).to_csv(f, index=False)
    r = run("output", str(f))
    assert r.exit_code == 2 and "column missing" in r.output and "demand.csv" in r.output
    pd.DataFrame({"region": ["XXX"], "sector": ["c1"], "value": [1.0]}).to_csv(f, index=False)
    r = run("output", str(f))
    assert r.exit_code == 2 and "unknown" in r.output
    r = run("footprint", "wiod2013", "--satellite", "ch4")
    assert r.exit_code == 2 and "no satellite 'ch4'" in r.output and "co2" in r.output
    r = run("demo", "--region", "ATLANTIS")
    assert r.exit_code == 2 and "ATLANTIS" in r.output
    r = run("multipliers", "wiod2013", "-o", str(tmp_path / "m.xls"))
    assert r.exit_code == 2 and "unknown format '.xls'" in r.output and ".csv or .parquet" in r.output


def test_demo_writes_a_self_contained_page(tmp_path):
    page = tmp_path / "deu.html"
    r = run("demo", "--html", str(page))
    assert r.exit_code == 0, r.output
    assert "DEU 2011" in r.output and "added abroad" in r.output
    # the value chains over the years: Timmer et al.'s German cars, 21 % (1995) → 34 % (2011) foreign
    flat = " ".join(r.output.split())  # rich wraps lines at the console width
    assert "value chains 1995–2011" in flat
    assert re.search(r"Value added abroad in DEU's Transport Equipment: 20\.9 % in 1995 → 34\.4 % in 2011", flat)
    html = page.read_text()
    assert "plotly" in html.lower() and len(html) > 1_000_000  # plotly.js is inlined
    assert not re.search(r"<script[^>]+src=\"https?://", html)  # nothing fetched from the network
    assert html.count("plotly-graph-div") >= 8 and '"type":"sankey"' in html and '"type":"heatmap"' in html


def test_profile_identities(wiod2011):
    p = economy_profile(wiod2011, "DEU")
    m = wiod2011
    manu = m.index.get_level_values("sector").isin([f"c{i}" for i in range(3, 17)])
    deu = np.asarray(m.index.get_level_values("region") == "DEU")
    # every dollar of final demand for German manufactures is value added somewhere (balanced model)
    assert p.value_added_origin["value_added"].sum() == pytest.approx(m.Y.sum(axis=1)[deu & manu].sum(), rel=1e-9)
    assert p.input_origin["inputs"].sum() == pytest.approx(np.asarray(m.Z)[:, deu & manu].sum(), rel=1e-12)
    assert p.totals["gross output"] == pytest.approx(m.x[deu].sum())
    assert p.sectors.index[0] == "c30" and p.sectors["output"].is_monotonic_decreasing


def test_footprint_by_origin_for_one_region(wiod2011):
    r = run("footprint", "wiod2013", "--by", "origin", "--region", "DEU", "--top", "3")
    assert r.exit_code == 0, r.output
    origin = iw.footprint(wiod2011, "value_added", by="origin")["DEU"].sort_values(ascending=False)
    assert origin.index[0] == ("DEU", "c29") and "c29" in r.output  # real estate: the largest origin
    r = run("footprint", "wiod2013", "--by", "origin", "--region", "XX")
    assert r.exit_code == 2 and "choose one of" in r.output and "DEU" in r.output


def test_multipliers_unknown_region():
    r = run("multipliers", "wiod2013", "--region", "XX")
    assert r.exit_code == 2 and "choose one of" in r.output
