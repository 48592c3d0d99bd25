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
    # China's share of the value of German cars rose between 1995 and 2011; the parts add up to gross exports
    china = ns["cars"].unstack()["CHN"]
    assert 0 < china[1995] < china[2011] < 0.05
    g = ns["gvc"].loc["DEU"]
    assert g[["DVA", "DDC", "FVA", "FDC"]].sum() == pytest.approx(g["gross_exports"], rel=1e-12)
    # firm networks: every firm has an index in [0, 1]; the most systemic firm has suppliers at tier 1
    assert ns["scores"]["esri"].between(0, 1).all() and ns["scores"]["esri"].max() > 0.01
    assert ns["tiers"](ns["net"], ns["top"]).by_tier.loc[1, "firms"] > 0
