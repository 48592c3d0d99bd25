"""Decarbonisation scenarios on a four-sector system solved by hand (dense inverses as the reference)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from industwin.analysis import decarbonisation as dc
from industwin.data.mrio import MRIO, Satellite
from industwin.errors import SelectionError, ValidationError

# fossil fuels F, electricity L, steel S, services V (rows supply, columns buy)
A0 = np.array([[0.05, 0.30, 0.15, 0.02],
               [0.02, 0.05, 0.10, 0.03],
               [0.00, 0.01, 0.20, 0.01],
               [0.05, 0.05, 0.10, 0.20]])
X = np.array([100.0, 80.0, 120.0, 500.0])
D0 = np.array([0.5, 3.0, 1.5, 0.1])              # kt CO2e per unit of output
EMP = np.array([0.2, 0.3, 1.0, 5.0])             # jobs per unit of output


def _table():
    Z = A0 * X[None, :]
    Y = (X - Z.sum(1))[:, None]
    idx = pd.MultiIndex.from_product([["R"], ["F", "L", "S", "V"]], names=["region", "sector"])
    fd = pd.MultiIndex.from_tuples([("R", "fd")], names=["region", "category"])
    sats = {"ghg": Satellite("ghg", (D0 * X)[None, :], pd.Index(["co2e"]), "kt CO2e"),
            "employment": Satellite("employment", (EMP * X)[None, :], pd.Index(["employment"]), "jobs")}
    return MRIO(Z, Y, X, index=idx, fd_index=fd, satellites=sats)


def test_measures_by_hand():
    m = _table()
    base = dc.Technology.of(m, "ghg")
    np.testing.assert_allclose(base.A, A0)
    np.testing.assert_allclose(base.d, D0)
    eff = dc.efficiency(m, base, "S", ["F", "L"], 0.2, combustion_share=0.5)
    assert eff.A[0, 2] == pytest.approx(0.12) and eff.A[1, 2] == pytest.approx(0.08)
    assert eff.d[2] == pytest.approx(1.5 * (1 - 0.2 * 0.5))
    sw = dc.fuel_switch(m, base, "S", "F", "L", share=0.5, cost_ratio=1.5)
    assert sw.A[0, 2] == pytest.approx(0.075) and sw.A[1, 2] == pytest.approx(0.10 + 1.5 * 0.075)
    assert sw.d[2] == pytest.approx(0.75)
    green = dc.recipe(m, base, "S", inputs={"F": 0.02, "L": 0.30}, direct_intensity=0.1)
    assert green.A[0, 2] == 0.02 and green.A[1, 2] == 0.30 and green.d[2] == 0.1
    y = m.Y[:, 0]
    res = dc.compare_scenarios(m, [eff, sw, green], base, carbon_price=0.01, jobs="employment")
    for t in (base, eff, sw, green):
        L = np.linalg.inv(np.eye(4) - t.A)
        x = L @ y
        row = res.loc[t.name]
        assert row["emissions"] == pytest.approx(t.d @ x)
        assert row["output"] == pytest.approx(x.sum())
        assert row["jobs"] == pytest.approx(EMP @ x)
        dp = 0.01 * (t.d @ L)
        assert row["price_rise_pct_mean"] == pytest.approx(100 * dp @ x / x.sum())
        assert row["price_rise_pct_max"] == pytest.approx(100 * dp.max())
    assert res.loc["baseline", "emissions"] == pytest.approx(D0 @ X)   # the table's own output
    assert res.loc[eff.name, "emissions_change_pct"] < 0 and res.loc[green.name, "emissions_change_pct"] < 0


def test_bad_measures():
    m = _table()
    base = dc.Technology.of(m, "ghg")
    with pytest.raises(SelectionError, match="not in the table"):
        dc.efficiency(m, base, "XX", "F", 0.1)
    with pytest.raises(SelectionError, match=r"\[0, 1\]"):
        dc.fuel_switch(m, base, "S", "F", "L", share=1.5)
    with pytest.raises(SelectionError, match="worth 1 or more"):
        dc.recipe(m, base, "S", inputs={"V": 0.9})
    with pytest.raises(SelectionError, match="no 'co2' satellite"):
        dc.Technology.of(m, "co2")


def test_scenarios_on_an_exiobase_format_table():
    # the standard source of emissions: an EXIOBASE 3 archive (fixture in its documented layout), its air
    # emissions converted to CO2e with AR5 GWPs, then a scenario on it
    from pathlib import Path

    from industwin.data.ghg_factors import co2e_satellite
    from industwin.data.parsers import parse_exiobase3
    m = parse_exiobase3(Path(__file__).parent / "fixtures" / "IOT_2011_pxp.zip")
    air = next(s for s in m.satellites.values() if "CO2 - combustion - air" in s.stressors)
    ghg = co2e_satellite(air, "AR5", "kt CO2e")
    k = list(air.stressors)
    expect = (air.F[k.index("CO2 - combustion - air")] + 28 * air.F[k.index("CH4 - combustion - air")]) / 1e6
    np.testing.assert_allclose(ghg.F[0], expect)                  # kg → kt, CH4 × 28
    m2 = m.replace(satellites={**m.satellites, "ghg": ghg})
    base = dc.Technology.of(m2, "ghg")
    sector = m2.index.get_level_values(-1)[0]
    res = dc.compare_scenarios(m2, [dc.efficiency(m2, base, sector, list(m2.index.get_level_values(-1)), 0.1)], base)
    y = np.asarray(m2.Y).sum(axis=1)
    x = np.linalg.solve(np.eye(len(y)) - base.A, y)
    assert res.iloc[0]["emissions"] == pytest.approx(base.d @ x)
    assert res.iloc[1]["emissions_change_pct"] < 0


def _plan(tmp_path, measures, extra=""):
    # illustrative emissions for the 56 WIOD 2016 sectors (test input, not data): 0.2 kt per M USD of output,
    # 3 for power, 2 for metals and minerals
    import industwin as iw
    m = iw.load("wiod2016_usa", 2014)
    codes = list(m.index.get_level_values(1))
    k = {"D35": 3.0, "C24": 2.0, "C23": 2.0}
    pd.DataFrame({"sector": codes, "value": [k.get(c, 0.2) * x for c, x in zip(codes, m.x)]}).to_csv(
        tmp_path / "ghg.csv", index=False)
    (tmp_path / "plan.yaml").write_text(f"""name: test plan
table: {{dataset: wiod2016_usa, year: 2014}}
emissions: {{file: ghg.csv, unit: kt CO2e}}
carbon_price: 0.05
{extra}measures:
{measures}""")
    return tmp_path / "plan.yaml", m


def test_plan_file_and_command(tmp_path):
    from typer.testing import CliRunner

    from industwin.cli import app
    path, m = _plan(tmp_path, """  - {kind: efficiency, sectors: [C29], energy: [B, C19, D35], reduction: 0.2}
  - {kind: fuel_switch, sectors: [C24], fuels: [B, C19], electricity: D35, share: 0.5}
  - {kind: recipe, name: green steel, sector: C24, inputs: {B: 0.0, D35: 0.05}, direct_intensity: 0.1}
""")
    plan = dc.read_plan(path)
    res = dc.run_plan(plan)
    assert list(res.index) == ["baseline", "1. efficiency", "2. fuel switch", "green steel", "all measures"]
    # the baseline reproduces the attached emissions (the table's rows balance: L y = x)
    codes = list(m.index.get_level_values(1))
    k = {"D35": 3.0, "C24": 2.0, "C23": 2.0}
    assert res.loc["baseline", "emissions"] == pytest.approx(sum(k.get(c, 0.2) * x for c, x in zip(codes, m.x)))
    assert res.loc["baseline", "jobs"] == pytest.approx(m.satellites["employment"].F.sum())
    assert res.loc["all measures", "emissions"] < min(res.loc[n, "emissions"] for n in res.index[1:4])
    r = CliRunner().invoke(app, ["decarbonise", str(path), "-o", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "out" / "summary.parquet"), res)
    html = (tmp_path / "out" / "report.html").read_text()
    for part in ("Price rise from a carbon price", "Emission intensity of the most intensive sectors",
                 "Jobs exposed to a transition", "Transition exposure (jobs)"):
        assert part in html


def test_plan_errors(tmp_path):
    path, _ = _plan(tmp_path, "  - {kind: efficiency, sectors: [C29], energy: [B], reduction: 1.5}\n"
                              "  - {kind: teleport, sectors: [C29]}\n")
    with pytest.raises(Exception) as e:
        dc.read_plan(path)
    assert "measures[0].reduction" in str(e.value) and "less than or equal to 1" in str(e.value) and "teleport" in str(e.value)
    path, _ = _plan(tmp_path, "  - {kind: efficiency, sectors: [XX9], energy: [B], reduction: 0.1}\n")
    with pytest.raises(ValidationError, match=r"measures\[0\].sectors': unknown sector 'XX9'"):
        dc.run_plan(dc.read_plan(path))
    pd.read_csv(tmp_path / "ghg.csv").iloc[:-1].to_csv(tmp_path / "ghg.csv", index=False)
    with pytest.raises(Exception, match="no emissions for 1 sector"):
        dc.run_plan(dc.read_plan(path))
