"""The faulty-input corpus (tests/faults/cases.yaml) through the real command line: every fault a user can
make at a boundary ends in a short message naming the file or option, the field and the fix, with exit code 2
— or, where the fault now gives a correct result, in that result. Never a traceback, never a silent number."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from industwin.cli import app

FAULTS = Path(__file__).parent / "faults"
CASES = yaml.safe_load((FAULTS / "cases.yaml").read_text(encoding="utf-8"))
MAX_LINES, MAX_CHARS = 25, 4000          # "a few lines": the message of a fault, whatever the file's size


def _args(case: dict, tmp: Path) -> list[str]:
    return [str(a).replace("{F}", str(FAULTS)).replace("{T}", str(tmp)) for a in case["args"]]


def _named(case: dict) -> str:
    if "names" in case:
        return case["names"]
    first = next(str(a) for a in case["args"] if "{F}/" in str(a))
    return Path(first.replace("{F}/", "")).name


def test_the_corpus_covers_every_entry_point():
    commands = {c["args"][0] if c["args"][0] != "firms" else "firms " + c["args"][1] for c in CASES}
    for cmd in ("describe", "output", "multipliers", "footprint", "simulate", "decarbonise", "carbon", "report",
                "hotspots", "risk", "value-chains", "jobs", "firms tiers", "firms esri", "firms intervene",
                "firms synth", "carbon-border", "supplier-base"):
        assert cmd in commands, cmd
    assert len(CASES) >= 130 and len({c["id"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_fault(case, tmp_path):
    for kind, where in case.get("setup", {}).items():
        if kind == "folder":
            Path(where.replace("{T}", str(tmp_path))).mkdir(parents=True)
        else:                                                    # copy: [from, to]
            import shutil
            src, dst = (w.replace("{F}", str(FAULTS)).replace("{T}", str(tmp_path)) for w in where)
            shutil.copytree(src, dst)
    env = {"COLUMNS": "200", **{k: str(v) for k, v in case.get("env", {}).items()}}
    r = CliRunner().invoke(app, _args(case, tmp_path), env=env)
    out = r.output
    flat = " ".join(out.split())
    assert r.exit_code == case.get("exit", 2), out
    assert "Traceback" not in out
    if case.get("exit", 2) == 2:
        assert len(out.strip().splitlines()) <= MAX_LINES and len(out) <= MAX_CHARS, out
        assert "np.float64" not in out and "np.int64" not in out          # numbers as people write them
        assert _named(case) in flat, f"the message must name {_named(case)!r}:\n{out}"
        assert re.search(r"Fix:|Invalid value|Usage:", out), out          # every message says how to fix it
    for text in case.get("expect", []):
        assert text in flat, f"{text!r} not in:\n{out}"


def test_debug_shows_the_traceback_and_bugs_are_one_line(monkeypatch, tmp_path):
    args = _args(next(c for c in CASES if c["id"] == "scenario-size-true"), tmp_path)
    r = CliRunner().invoke(app, ["--debug", *args])
    assert r.exit_code != 0 and r.exception is not None and not isinstance(r.exception, SystemExit)
    from industwin.application import tables

    def broken(self, progress):
        raise RuntimeError("an invariant broke")
    monkeypatch.setattr(tables.MultipliersRequest, "compute", broken)
    r = CliRunner().invoke(app, ["multipliers", str(FAULTS / "table")])
    assert r.exit_code == 1 and "internal error (RuntimeError: an invariant broke)" in r.output
    assert "--debug" in r.output and len(r.output.strip().splitlines()) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere: no read-only folder to test with")
def test_read_only_output_folder(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        r = CliRunner().invoke(app, ["multipliers", str(FAULTS / "table"), "-o", str(ro / "m.csv")])
        assert r.exit_code == 2 and "permission denied" in r.output and "--out" in r.output
    finally:
        ro.chmod(0o755)
