"""Jobs through the production network: a hand-computed system and the WIOD 2016 US table with its
Socio-Economic Accounts (155.8 million persons engaged in 2014)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import industwin as iw
from industwin.analysis import workforce as wf
from industwin.data.mrio import MRIO, Satellite
from industwin.errors import SelectionError


def _two_sector():
    A = np.array([[0.2, 0.3], [0.1, 0.4]])
    x = np.array([100.0, 200.0])
    Z = A * x[None, :]
    Y = np.c_[x - Z.sum(1) - 10, np.full(2, 10.0)]            # households and exports
    idx = pd.MultiIndex.from_product([["R"], ["C20", "G46"]], names=["region", "sector"])
    fd = pd.MultiIndex.from_product([["R"], ["CONS_h", "EXP"]], names=["region", "category"])
    emp = Satellite("employment", np.array([[50.0, 400.0]]), pd.Index(["employment"]), "persons")
    return MRIO(Z, Y, x, index=idx, fd_index=fd, satellites={"employment": emp}), A, x


def test_jobs_by_hand():
    m, A, x = _two_sector()
    e = np.array([0.5, 2.0])                                    # persons per unit of output
    L = np.linalg.inv(np.eye(2) - A)
    mult = wf.employment_multipliers(m)
    np.testing.assert_allclose(mult["direct"], e)
    np.testing.assert_allclose(mult["total"], e @ L)
    sup = wf.jobs_by_final_demand(m)
    np.testing.assert_allclose(sup.to_numpy(), e[:, None] * (L @ m.Y))
    assert sup.to_numpy().sum() == pytest.approx(450.0)          # all jobs are supported by some final demand
    ex = wf.transition_exposure(m, sectors=["C20"])
    # C20's 50 jobs, plus the jobs its purchases (Z[:, C20]) support upstream in G46
    up = e * (L @ (A[:, 0] * x[0]))
    assert ex.loc[("R", "C20"), "direct"] == pytest.approx(50.0)
    assert ex.loc[("R", "G46"), "supply_chain"] == pytest.approx(up[1])
    skills = pd.DataFrame({"high": [0.2, 0.5], "low": [0.8, 0.5]}, index=["C20", "G46"])
    js = wf.jobs_by_skill(m, skills)
    assert js.to_numpy().sum() == pytest.approx(450.0) and js.loc[("R", "G46"), "high"] == pytest.approx(200.0)
    assert js.attrs["supported"].to_numpy().sum() == pytest.approx(450.0)
    with pytest.raises(SelectionError, match="sum to 1"):
        wf.jobs_by_skill(m, skills * 2)
    with pytest.raises(SelectionError, match="missing for sectors"):
        wf.jobs_by_skill(m, skills.iloc[:1])


def test_us_jobs_2014_from_the_socio_economic_accounts():
    m = iw.load("wiod2016_usa", 2014)
    sup = wf.jobs_by_final_demand(m)
    # rows of the national table balance, so final demand supports every one of the 155.8 M persons engaged
    assert sup.to_numpy().sum() == pytest.approx(155_770.46, rel=1e-9)
    exports = sup.xs("EXP", axis=1, level="category").sum().iloc[0]
    assert 0.05 < exports / 155_770.46 < 0.15                     # about one US job in ten depends on exports
    mult = wf.employment_multipliers(m)
    assert (mult["total"] >= mult["direct"] - 1e-12).all()
    ex = wf.transition_exposure(m)
    ci = ex[ex["carbon_intensive"]]
    assert ci["direct"].sum() == pytest.approx(m.satellites["employment"].F[0][
        np.isin(m.index.get_level_values(1), ["B", "C19", "C20", "C23", "C24", "D35", "H49", "H50", "H51"])].sum())
    # the carbon-intensive group of the WIOD 2016 codes: mining, coke/refining, chemicals, minerals, basic metals,
    # power and gas, land, water and air transport
    assert ex["supply_chain"].sum() > 0
    with pytest.raises(SelectionError, match="no 'employment' satellite"):
        wf.employment_multipliers(iw.load("wiod2013", 2011).replace(satellites={}))


def test_jobs_command(tmp_path):
    from typer.testing import CliRunner

    from industwin.cli import app
    r = CliRunner().invoke(app, ["jobs", "wiod2016_aus", "--year", "2010", "--html", str(tmp_path / "j.html")],
                           env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    m = iw.load("wiod2016_aus", 2010)
    total = m.satellites["employment"].F.sum()
    assert "more upstream" in r.output and "Carbon-intensive sectors employ" in r.output
    assert "Where the jobs exposed to a transition sit" in (tmp_path / "j.html").read_text()
    assert total > 10_000                                             # about 11 million persons engaged
    # the world table carries the socio-economic accounts: RoW has none, said so, and its jobs are not made up
    r = CliRunner().invoke(app, ["jobs", "wiod2013", "--year", "2011", "--html", str(tmp_path / "k.html")],
                           env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "no data for RoW" in " ".join(r.output.split()) and "Carbon-intensive sectors employ" in r.output


def test_jobs_idle_in_a_disruption_on_the_us_table():
    from industwin.core.ario import ARIOModel, CapacityShock
    m = iw.load("wiod2016_usa", 2014)
    row = m.index.get_loc(("USA", "C29"))                             # motor vehicles
    res = ARIOModel(m).simulate(60, [CapacityShock(np.array([row]), np.array([1.0]), 5, 10)])
    idle = wf.jobs_idle(res, m)
    emp = m.satellites["employment"].F[0]
    # a full stop idles every car worker on the worst day
    assert idle.loc[("USA", "C29"), "peak_idle"] == pytest.approx(emp[row], rel=1e-6)
    assert idle.loc[("USA", "C29"), "peak_idle_share"] == pytest.approx(1.0, rel=1e-6)
    # the definition, from the trajectories
    lost = (res.undisturbed - res.production) * 365
    e = np.divide(emp, m.x, out=np.zeros_like(emp), where=m.x > 0)
    assert idle["job_days_lost"].sum() == pytest.approx((lost * e[None, :]).sum())
    assert idle["job_days_lost"].sum() > idle.loc[("USA", "C29"), "job_days_lost"]   # suppliers idle too
