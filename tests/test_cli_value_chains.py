"""The value-chain commands on the real WIOD data: numbers that match the API, files, clear errors."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from industwin.analysis import value_chains as vc
from industwin.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def test_gvc_writes_the_decomposition(tmp_path, wiod2011):
    out = tmp_path / "gvc.csv"
    r = run("gvc", "wiod2013", "--region", "DEU", "-o", str(out))
    assert r.exit_code == 0, r.output
    got = pd.read_csv(out, index_col=0)
    ref = vc.export_decomposition(wiod2011)
    assert got.loc["DEU", "FVA"] == pytest.approx(ref.loc["DEU", "FVA"], rel=1e-12)
    assert "DEU" in r.output and "VAX" in r.output
    r = run("gvc", "wiod2013", "--by", "sector", "--region", "CHN", "--top", "3")
    assert r.exit_code == 0 and "CHN" in r.output


def test_origin_position_exposure_extraction_suppliers(wiod2011, tmp_path):
    out = tmp_path / "origin.parquet"
    r = run("origin", "DEU", "--top", "5", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert "c33" in r.output   # health: Germany's largest final product
    va = pd.read_parquet(out)
    assert va.loc[("DEU", "c15")].sum() == pytest.approx(wiod2011.Y.sum(axis=1)[wiod2011.index.get_loc(("DEU", "c15"))])
    r = run("position", "wiod2013", "--region", "DEU", "--inventories", "INVEN", "--top", "3")
    assert r.exit_code == 0 and "upstreamness" in r.output
    r = run("exposure", "DEU", "c15", "--threshold", "0.3")
    assert r.exit_code == 0, r.output
    n = int(vc.supply_chain_exposure(wiod2011, "DEU", "c15", 0.3).concentration["flag"].sum())
    assert f"{n} input(s) where one foreign origin supplies more than 30%" in " ".join(r.output.split())
    r = run("extraction", "CHN", "--sector", "c14", "--buyers", "DEU,USA")
    assert r.exit_code == 0 and "world value added would fall by" in " ".join(r.output.split())
    r = run("suppliers", "DEU", "--top", "3")
    assert r.exit_code == 0 and "CHN" in r.output


def test_value_chains_page_and_dask(tmp_path):
    page = tmp_path / "vc.html"
    r = run("value-chains", "DEU", "--years", "2009-2011", "--product", "c14", "--html", str(page))
    assert r.exit_code == 0, r.output
    assert "Electrical and Optical Equipment" in " ".join(r.output.split()) and page.stat().st_size > 1_000_000
    r = run("value-chains", "CHN", "--years", "2010,2011", "--dask", "--html", str(tmp_path / "chn.html"))
    assert r.exit_code == 0, r.output


def test_value_chain_commands_give_clear_errors():
    r = run("exposure", "DEU", "c15", "--threshold", "2")
    assert r.exit_code == 2 and "'--threshold'" in r.output and "less than or equal to 1" in r.output
    r = run("exposure", "DEU", "c99")
    assert r.exit_code == 2 and "c15 (Transport Equipment)" in r.output
    r = run("exposure", "GER", "c15")
    assert r.exit_code == 2 and "unknown buyer region 'GER'" in r.output and "DEU" in r.output
    r = run("value-chains", "DEU", "--years", "1990-1996")
    assert r.exit_code == 2 and "no year 1990" in r.output and "1995–2011" in r.output
    r = run("value-chains", "DEU", "--years", "last")
    assert r.exit_code == 2 and "--years" in r.output
    r = run("value-chains", "DEU", "--years", "2011-1995")
    assert r.exit_code == 2 and "runs backwards" in r.output and "1995-2011" in r.output
    r = run("extraction", "DEU", "--model", "ghosh")
    assert r.exit_code == 2 and "'--model'" in r.output and "'supply' or 'demand'" in r.output
    r = run("gvc", "--region", "XX")
    assert r.exit_code == 2 and "unknown region 'XX'" in r.output
