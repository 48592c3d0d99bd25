"""The technology & readiness commands on the examples and the real data: their files and numbers, and a clear
message (exit 2, the file, the field, the fix) for each faulty input a user is likely to bring."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from industwin.cli import app

EX = Path(__file__).resolve().parents[1] / "examples"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


def refused(r, *words):
    """Exit 2 and one short message holding every word (file, field, fix); never a traceback."""
    assert r.exit_code == 2, r.output
    text = " ".join(r.output.split())
    assert "Traceback" not in r.output and len(r.output.splitlines()) <= 8, r.output
    for w in words:
        assert w in text, (w, r.output)


def test_readiness_command_writes_the_protected_table_and_a_companys_priorities(tmp_path):
    out = tmp_path / "ready"
    r = run("readiness", EX / "readiness" / "assessments.csv", "--economy", "IND", "--company", "IN firm 03",
            "--weights", EX / "readiness" / "kpi_weights.csv", "-o", out)
    assert r.exit_code == 0, r.output
    table = pd.read_csv(out / "table.csv", index_col=0)
    raw = pd.read_csv(EX / "readiness" / "assessments.csv").query("region == 'IND'")
    assert table.loc["Total", "Total"] == pytest.approx(raw["band"].mean())
    assert table["c9"].isna().all()                              # two firms in chemicals: never published
    pr = pd.read_csv(out / "priorities.csv")
    assert list(pr["rank"]) == sorted(pr["rank"]) and (pr["priority"] == pr["weight"] * pr["gap"]).all()
    assert "First priorities for IN firm 03" in r.output and (out / "page.html").stat().st_size > 10_000


def test_region_complexity_technology_pipeline_commands(tmp_path):
    r = run("region", "DE60")
    assert r.exit_code == 0 and "DE60 ranks 6.5 of 309" in r.output
    refused(run("region", "IND"), "IND", "EU regions only", "Fix:")
    r = run("complexity", "--economy", "DEU", "--html", tmp_path / "c.html")
    assert r.exit_code == 0 and "rank 3 of 40 economies" in r.output, r.output
    r = run("technology", EX / "technology" / "heat_pumps_deu.yaml", "-o", tmp_path / "hp")
    assert r.exit_code == 0, r.output
    years = pd.read_csv(tmp_path / "hp" / "years.csv", index_col=0)
    s = years["emissions | sector | change"]
    assert s.iloc[-1] < 0 and np.all(np.diff(s.to_numpy()) <= 1e-9)     # c9's CO2 falls as adoption rises
    r = run("pipeline", EX / "pipeline" / "register.csv", "--economy", "DEU", "-o", tmp_path / "pl")
    assert r.exit_code == 0 and "2 of 9 technologies sit in the valley of death" in r.output, r.output


def _copy(tmp_path, src: Path, name: str, edit) -> Path:
    p = tmp_path / name
    if src.suffix == ".csv":
        df = pd.read_csv(src)
        edit(df)
        df.to_csv(p, index=False)
    else:
        d = yaml.safe_load(src.read_text())
        edit(d)
        p.write_text(yaml.safe_dump(d))
    return p


def test_faulty_inputs_are_refused_with_the_file_and_field(tmp_path):
    a, reg = EX / "readiness" / "assessments.csv", EX / "pipeline" / "register.csv"
    bad = _copy(tmp_path, a, "sector.csv", lambda d: d.__setitem__("sector", d["sector"].replace("c12", "c99")))
    refused(run("readiness", bad, "-o", tmp_path / "o1"), "sector.csv", "sector", "c99", "did you mean")
    bad = _copy(tmp_path, a, "nuts.csv", lambda d: d.__setitem__("nuts2", d["nuts2"].replace("DE60", "FR10")))
    refused(run("readiness", bad, "-o", tmp_path / "o2"), "nuts.csv", "nuts2", "FR10", "DEU")
    bad = _copy(tmp_path, a, "size.csv", lambda d: d.__setitem__(
        "size_class", np.where(d["company"] == "DE firm 01", "gigantic", d["size_class"])))
    refused(run("readiness", bad, "-o", tmp_path / "o3"), "size.csv", "line 2 and 15 more row(s): size_class")
    w = _copy(tmp_path, EX / "readiness" / "kpi_weights.csv", "w.csv",
              lambda d: d.__setitem__("company", d["company"].replace("DE firm 01", "DE Firm 01")))
    refused(run("readiness", a, "--company", "DE firm 01", "--weights", w, "-o", tmp_path / "o4"), "w.csv",
            "'DE Firm 01' is not a company", "did you mean 'DE firm 01'")
    bad = _copy(tmp_path, reg, "reg.csv", lambda d: d.__setitem__("economy", d["economy"].replace("IND", "INX")))
    refused(run("pipeline", bad, "-o", tmp_path / "o5"), "reg.csv", "economy", "INX")
    sc = EX / "technology" / "h2_steel_deu.yaml"
    bad = _copy(tmp_path, sc, "year.yaml", lambda d: d["table"].__setitem__("year", 1990))
    refused(run("technology", bad, "-o", tmp_path / "o6"), "year.yaml", "table", "1995–2011")
    bad = _copy(tmp_path, sc, "ceiling.yaml", lambda d: d["adoption"].__setitem__("ceiling", 1.5))
    refused(run("technology", bad, "-o", tmp_path / "o7"), "ceiling.yaml", "adoption.ceiling")
    t = EX / "targets" / "DEU.yaml"
    bad = _copy(tmp_path, t, "eco.yaml", lambda d: d.__setitem__("economy", "XYZ"))
    r = run("monitor", bad, "-o", tmp_path / "o8")
    refused(r, "eco.yaml", "field 'economy'", "XYZ")
    assert "targets[0].economy" not in r.output                   # said once, where the user wrote it
    bad = _copy(tmp_path, t, "early.yaml", lambda d: d["targets"][0].__setitem__("baseline_year", 1980))
    refused(run("monitor", bad, "-o", tmp_path / "o9"), "early.yaml", "targets[0].baseline_year", "1995")
    bad = _copy(tmp_path, t, "ds.yaml", lambda d: d.__setitem__("dataset", "wiod2099"))
    refused(run("monitor", bad, "-o", tmp_path / "o10"), "ds.yaml", "field 'dataset'", "wiod2013")
    refused(run("report", "--economy", "IND", "--targets", t), "DEU's", "IND's", "Fix:")
    refused(run("report", "--economy", "IND", "--technology", sc), "h2_steel_deu.yaml", "DEU", "Fix:")
    refused(run("report", "--all", "--readiness", a), "--readiness", "--all")
    for k in range(1, 11):
        assert not (tmp_path / f"o{k}").exists()                   # nothing half-written
    shutil.rmtree(tmp_path, ignore_errors=True)
