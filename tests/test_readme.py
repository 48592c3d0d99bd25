"""The README's Python quick start runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest


def test_readme_quick_start_runs(capsys):
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    block = re.search(r"```python\n(.*?)```", text, re.S)
    assert block, "README has no python quick start"
    ns: dict = {}
    exec(compile(block.group(1), "README.md", "exec"), ns)
    out = capsys.readouterr().out
    assert "DEU" in out
    # Germany's final demand sets most output in motion in Germany itself
    assert ns["x"].groupby(level="region").sum().idxmax() == "DEU"
    # the fuel price shock raises prices of fuel users, never lowers them
    assert (ns["dp"] >= -1e-15).all() and ns["dp"][("RoW", "c8")] == pytest.approx(0.30)
