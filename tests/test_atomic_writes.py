"""Writes are atomic: a write that fails half-way (a full disk) leaves the old file or results folder as it was,
a new run replaces an old results folder whole, and nothing is half-written."""

from __future__ import annotations

import errno
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from industwin.cli import app
from industwin.data.storage import MARKER, staged_folder, write_atomic

FAULTS = Path(__file__).parent / "faults"


def _disk_full_half_way(self, path, *args, **kwargs):
    """DataFrame.to_csv that writes part of the file, then finds the disk full."""
    Path(path).write_text("region,sector,output multiplier\nA,agri,1.")
    raise OSError(errno.ENOSPC, "No space left on device", str(path))


def test_write_atomic_keeps_the_old_file_when_the_write_fails(tmp_path):
    f = tmp_path / "va.csv"
    f.write_text("old,content\n1,2\n")

    def half(p):
        Path(p).write_text("new,cont")
        raise OSError(errno.ENOSPC, "No space left on device")
    with pytest.raises(OSError):
        write_atomic(f, half)
    assert f.read_text() == "old,content\n1,2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["va.csv"]          # no temporary file left behind
    write_atomic(f, lambda p: Path(p).write_text("new\n"))
    assert f.read_text() == "new\n" and sorted(p.name for p in tmp_path.iterdir()) == ["va.csv"]


def test_multipliers_on_a_full_disk_leave_the_old_file(tmp_path, monkeypatch):
    out = tmp_path / "va.csv"
    r = CliRunner().invoke(app, ["multipliers", str(FAULTS / "table"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    before = out.read_text()
    assert before.count("\n") == 7                                           # header + 6 sectors
    monkeypatch.setattr(pd.DataFrame, "to_csv", _disk_full_half_way)
    r = CliRunner().invoke(app, ["multipliers", str(FAULTS / "table"), "-o", str(out)])
    assert r.exit_code == 2 and "no space left on the disk; nothing was replaced" in r.output, r.output
    assert out.read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["va.csv"]


def test_a_results_folder_is_replaced_whole(tmp_path):
    import yaml
    more = yaml.safe_load((FAULTS / "scenario_ok.yaml").read_text())
    more["table"]["path"] = str(FAULTS / "table")
    more["outputs"] = ["production", "capacity"]
    (tmp_path / "more.yaml").write_text(yaml.safe_dump(more))
    out = tmp_path / "sim"
    r = CliRunner().invoke(app, ["simulate", str(tmp_path / "more.yaml"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert {"summary.parquet", "baseline.capacity.parquet", "report.html", MARKER} <= {p.name for p in out.iterdir()}
    r = CliRunner().invoke(app, ["simulate", str(FAULTS / "scenario_ok.yaml"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert not (out / "baseline.capacity.parquet").exists()         # never mixed with the older run
    assert (out / "baseline.production.parquet").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["more.yaml", "sim"]
    (out / "notes.txt").write_text("mine")                          # a file of the user's own: never deleted
    r = CliRunner().invoke(app, ["simulate", str(FAULTS / "scenario_ok.yaml"), "-o", str(out)])
    assert r.exit_code == 2 and "files industwin did not write there (notes.txt)" in r.output
    assert (out / "notes.txt").read_text() == "mine"


def test_no_output_replaces_an_input(tmp_path):
    r = CliRunner().invoke(app, ["firms", "synth", "-n", "200", "-o", str(tmp_path / "net")])
    assert r.exit_code == 0, r.output
    net = tmp_path / "net"
    r = CliRunner().invoke(app, ["firms", "esri", str(net / "edges.parquet"), str(net / "firms.parquet"), "-o",
                                 str(net)])
    assert r.exit_code == 2 and "would replace the input" in r.output and (net / "edges.parquet").exists()
    d = tmp_path / "d.csv"
    d.write_text((FAULTS / "demand_ok.csv").read_text())
    r = CliRunner().invoke(app, ["output", str(d), "--source", str(FAULTS / "table"), "-o", str(d)])
    assert r.exit_code == 2 and "would replace the input" in r.output and d.read_text().startswith("region")


def test_new_files_get_the_usual_permissions(tmp_path):
    import os
    import stat
    out = tmp_path / "m.csv"
    r = CliRunner().invoke(app, ["multipliers", str(FAULTS / "table"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask
    out.chmod(0o640)
    CliRunner().invoke(app, ["multipliers", str(FAULTS / "table"), "-o", str(out)])
    assert stat.S_IMODE(out.stat().st_mode) == 0o640                 # a replaced file keeps its own


def test_a_failed_folder_write_leaves_the_old_results(tmp_path):
    out = tmp_path / "res"
    with staged_folder(out) as d:
        (d / "a.txt").write_text("first run")
    with pytest.raises(OSError):
        with staged_folder(out) as d:
            (d / "a.txt").write_text("second run, half")
            raise OSError(errno.ENOSPC, "No space left on device")
    assert (out / "a.txt").read_text() == "first run"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]


def test_report_pdf_failure_leaves_both_files(tmp_path, monkeypatch):
    import industwin.viz.report as viz_report
    html = tmp_path / "r.html"
    html.write_text("old report")
    html.with_suffix(".pdf").write_bytes(b"old pdf")

    def no_pdf(rep):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(viz_report, "report_pdf", no_pdf)
    r = CliRunner().invoke(app, ["report", "--economy", "DEU", "--peers", "FRA,ITA", "-o", str(html)])
    assert r.exit_code == 2 and "no space left" in r.output
    assert html.read_text() == "old report" and html.with_suffix(".pdf").read_bytes() == b"old pdf"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "r.pdf"]
