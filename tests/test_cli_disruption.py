"""The simulate and risk commands, and the worked example scenarios."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from industwin.analysis import disruption as d
from industwin.cli import app

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run(*args):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_examples_are_valid_against_wiod(name, wiod2011):
    sc = d.read_scenario(EXAMPLES / name)
    d.check_scenario(wiod2011, sc)              # every region, sector and node exists in WIOD 2011
    assert sc.description and sc.table.dataset == "wiod2013"


def test_simulate_writes_parquet_and_a_page(tmp_path):
    out = tmp_path / "sim"
    r = run("simulate", str(EXAMPLES / "critical_route_cut_mitigated.yaml"), "-o", str(out))
    assert r.exit_code == 0, r.output
    s = pd.read_parquet(out / "summary.parquet")
    assert list(s.index) == ["baseline", "stockpile of 60 days of c2", "friendshoring c2 to NLD, GBR, CAN, USA, AUS",
                             "all interventions"]
    assert s.loc["baseline", "value_added_loss_DEU"] > s.loc["stockpile of 60 days of c2", "value_added_loss_DEU"]
    prod = pd.read_parquet(out / "baseline.production.parquet")
    assert prod.shape == (365, 1435)
    html = (out / "report.html").read_text()
    assert html.count("plotly-graph-div") >= 3 and "Runs compared over 365 days" in html


def test_simulate_and_risk_errors_and_risk_page(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nshocks:\n  capacity:\n    - nodes: [{region: ATL, sector: c14}]\n"
                   "      size: 1.5\n      start: 0\n      duration: 10\n")
    r = run("simulate", str(bad))
    flat = " ".join(r.output.split())
    assert r.exit_code == 2 and "shocks.capacity[0].size" in flat and "less than or equal to 1" in flat
    bad.write_text("name: x\nshocks:\n  capacity:\n    - nodes: [{region: ATL, sector: c14}]\n"
                   "      size: 0.5\n      start: 0\n      duration: 10\n")
    r = run("simulate", str(bad))
    flat = " ".join(r.output.split())
    assert r.exit_code == 2 and "shocks.capacity[0].nodes[0].region" in flat and "unknown region 'ATL'" in flat
    page = tmp_path / "risk.html"
    r = run("risk", "--draws", "6", "--horizon", "40", "--max-days", "20", "--region", "CHN", "--no-dask",
            "--html", str(page))
    assert r.exit_code == 0, r.output
    assert "value_at_risk_95" in r.output and page.stat().st_size > 1_000_000
    r = run("risk", "--draws", "0", "--no-dask")
    assert r.exit_code == 2 and "'--draws'" in r.output and "greater than or equal to 1" in r.output
