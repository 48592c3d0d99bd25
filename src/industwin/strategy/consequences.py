"""What each recommendation's "what if" does: its scenario run when the report is built, summed up in a headline.

A disruption or demand scenario (``industwin simulate``) runs on the ARIO twin
(:func:`industwin.analysis.disruption.run_scenario`): value added and output lost (or gained) over the horizon in
the world and in the economy, the work and emissions those output changes carry — ``Σ_i e_i Δx_i`` with ``e_i``
the persons engaged (or emissions) per unit of annual output of industry *i*, so person-years and emissions over
the horizon, counted where the satellites have data — and, where the scenario tests interventions, the one with
the largest net benefit: loss avoided against its cost. A decarbonisation plan (``industwin decarbonise``) runs
through :func:`industwin.analysis.decarbonisation.run_plan`: the economy's own and the world's emissions, jobs and
the mean price rise with all measures together. Each distinct scenario runs once per report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from industwin.data.mrio import MRIO
from industwin.errors import IndustwinError

__all__ = ["Consequence", "run_consequences"]


@dataclass(frozen=True)
class Consequence:
    """A scenario's headline: labelled figures (label → (value, unit)) and the sentence that states them; or, when
    it could not run, why."""

    command: str
    name: str
    figures: dict[str, tuple[float, str]] = field(default_factory=dict)
    headline: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def _per_output(mrio: MRIO, satellite: str | None, stressor: str | None) -> np.ndarray | None:
    """Satellite per unit of annual output, by industry (:func:`industwin.core.accounts.intensities`; 0 where
    unknown)."""
    if satellite is None or satellite not in mrio.satellites:
        return None
    from industwin.core.accounts import intensities
    return np.nan_to_num(intensities(mrio, satellite).loc[stressor].to_numpy(float))


def _gas(unit: str) -> str:
    """The gas of an emissions unit ("kt CO2" → "CO2"; a bare mass → "CO2e")."""
    return unit.split(" ", 1)[1] if " " in unit else "CO2e"


def _money(v: float, unit: str) -> str:
    return f"{v:,.0f} {unit}" if abs(v) >= 100 else f"{v:,.1f} {unit}"


def _simulate(sc: dict, mrio: MRIO, economy: str, inputs) -> Consequence:
    from industwin.analysis.disruption import read_scenario, run_scenario
    from industwin.data.units import persons_per_unit, tonnes_per_unit
    scen = read_scenario(sc)
    out = run_scenario(scen, mrio, static=bool(scen.shocks.final_demand))
    s, u = out.summary, mrio.unit
    base = s.loc["baseline"]
    b = out.runs["baseline"]
    loss = b.output_loss.to_numpy()
    mine = np.asarray(mrio.index.get_level_values(0) == economy)
    va_world = float(base["value_added_loss"])
    va_here = float(b.value_added_loss.to_numpy()[mine].sum())
    fig = {"value added change, world": (-va_world, u), f"value added change, {economy}": (-va_here, u),
           "output change, world": (-float(base["output_loss"]), u)}
    jobs = _per_output(mrio, inputs.employment, inputs.employment_stressor)
    if jobs is not None:
        per = persons_per_unit(inputs.employment_unit)
        fig["work change, world"] = (-float(jobs @ loss) * per, "person-years")
        fig[f"work change, {economy}"] = (-float(jobs[mine] @ loss[mine]) * per, "person-years")
    co2 = _per_output(mrio, inputs.emissions, inputs.emissions_stressor)
    if co2 is not None:
        fig["emissions change, world"] = (-float(co2 @ loss) * tonnes_per_unit(inputs.emissions_unit) / 1e6,
                                          f"Mt {_gas(inputs.emissions_unit)}")
    work = ""
    if f"work change, {economy}" in fig and np.isfinite(fig[f"work change, {economy}"][0]):
        w = fig[f"work change, {economy}"][0]
        work = f" ({abs(w):,.0f} person-years of work {'gained' if w > 0 else 'lost'} there)"
    if out.static is not None and "leontief" in out.static.index.get_level_values("model"):
        st = out.static.xs("leontief", level="model")
        lw, lh = float(st["value_added_change"].sum()), float(st["value_added_change"].get(economy, 0.0))
        fig["value added change, world (Leontief)"] = (lw, u)
        fig[f"value added change, {economy} (Leontief)"] = (lh, u)
        fig["added demand unmet (ARIO)"] = (float(base["final_demand_unmet"]), u)
        unmet = float(base["final_demand_unmet"])
        more = lw >= 0
        text = (f"without capacity limits (Leontief) the change in demand {'adds' if more else 'removes'} "
                f"{_money(abs(lw), u)} of value added worldwide, {_money(abs(lh), u)} in {economy}; the twin with "
                f"capacity limits and inventories (ARIO, {scen.horizon} days): {_money(-va_world, u)} and "
                f"{_money(-va_here, u)}{work}")
        if more and unmet > 0.5 * abs(lw):
            text += f", with {_money(unmet, u)} of demand left unmet: capacity, not demand, binds"
    else:
        text = (f"{'adds' if va_world < 0 else 'costs'} {_money(abs(va_world), u)} of value added worldwide over "
                f"{scen.horizon} days, {_money(abs(va_here), u)} of it in {economy}{work}")
    iv = s.drop(index="baseline")
    here = f"value_added_loss_{economy}"
    if len(iv) and here in s.columns:
        avoided = float(base[here]) - iv[here].astype(float)
        net = avoided - iv["cost"].astype(float)
        best = net.idxmax()
        fig[f"loss avoided in {economy} by {best}"] = (float(avoided[best]), u)
        fig[f"cost of {best}"] = (float(iv.loc[best, "cost"]), u)
        cost = float(iv.loc[best, "cost"])
        if net[best] > 0:
            text += (f"; the best response tested for {economy}, {best}, avoids {_money(float(avoided[best]), u)} of "
                     f"its loss at a cost of {_money(cost, u)}")
        else:
            text += (f"; no response tested pays for itself in {economy}: the closest, {best}, avoids "
                     f"{_money(float(avoided[best]), u)} at a cost of {_money(cost, u)}")
    return Consequence("simulate", scen.name, fig, text[0].upper() + text[1:] + ".")


def _decarbonise(sc: dict, mrio: MRIO, economy: str, inputs) -> Consequence:
    from industwin.analysis.decarbonisation import Plan, run_plan
    from industwin.data.io import validate
    from industwin.data.units import persons_per_unit, tonnes_per_unit
    sc = {**sc, "jobs": inputs.employment}             # the diagnosis's employment satellite (None: no jobs)
    plan = validate(Plan, sc, "decarbonisation scenario", "industwin.analysis.decarbonisation")
    gas = _gas(inputs.emissions_unit)
    df = run_plan(plan, mrio)
    row, base = df.iloc[-1], df.iloc[0]
    k = tonnes_per_unit(inputs.emissions_unit or "kt") / 1e6
    fig = {f"emissions change, {economy}": (float(row.get(f"emissions_{economy}", np.nan) -
                                                  base.get(f"emissions_{economy}", np.nan)) * k, f"Mt {gas}"),
           "emissions change, world": (float(row["emissions"] - base["emissions"]) * k, f"Mt {gas}"),
           "mean price rise (carbon price)": (float(row["price_rise_pct_mean"]), "%")}
    pct = float(row.get(f"emissions_{economy}_change_pct", np.nan))
    text = (f"With all measures, {economy}'s industries emit {abs(fig[f'emissions change, {economy}'][0]):,.1f} Mt "
            f"{gas} {'less' if fig[f'emissions change, {economy}'][0] <= 0 else 'more'} ({pct:+.1f} %), the world "
            f"{abs(fig['emissions change, world'][0]):,.1f} Mt {'less' if fig['emissions change, world'][0] <= 0 else 'more'}")
    if f"jobs_{economy}" in df.columns and np.isfinite(row[f"jobs_{economy}"]):
        dj = float(row[f"jobs_{economy}"] - base[f"jobs_{economy}"]) * persons_per_unit(inputs.employment_unit)
        fig[f"jobs change, {economy}"] = (dj, "persons")
        text += f"; jobs in {economy} change by {dj:+,.0f}"
    text += f"; the carbon price raises prices by {fig['mean price rise (carbon price)'][0]:.2f} % on average."
    return Consequence("decarbonise", plan.name, fig, text)


def run_consequences(recommendations, mrio: MRIO, economy: str, inputs, progress=None) -> dict[str, Consequence]:
    """Each recommendation's scenario run once (identical scenarios share a run): rule id → :class:`Consequence`.
    A scenario that cannot run on this table says why instead of stopping the report."""
    done: dict[str, Consequence] = {}
    out = {}
    for n, r in enumerate(recommendations):
        if r.scenario is None:
            continue
        key = json.dumps(r.scenario, sort_keys=True, default=str)
        if key not in done:
            try:
                done[key] = (_simulate if r.command == "simulate" else _decarbonise)(r.scenario, mrio, economy,
                                                                                    inputs)
            except IndustwinError as e:
                done[key] = Consequence(r.command or "", str(r.scenario.get("name", "")), error=str(e).split("\n")[0])
        out[r.rule.id] = done[key]
        if progress:
            progress(n + 1)
    return out


def consequence_table(consequences: dict[str, Consequence]) -> pd.DataFrame:
    """The figures of every consequence as a long table: rule, scenario, figure, value, unit."""
    rows = [{"rule": rid, "scenario": c.name, "figure": k, "value": v, "unit": u}
            for rid, c in consequences.items() for k, (v, u) in c.figures.items()]
    return pd.DataFrame(rows, columns=["rule", "scenario", "figure", "value", "unit"])
