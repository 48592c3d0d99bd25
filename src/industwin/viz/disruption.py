"""Figures of a simulated scenario (plotly): output over time, recovery curves, interventions compared."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from industwin.analysis.disruption import RiskAssessment, ScenarioResult
from industwin.data.mrio import REGION

from industwin.viz import COLORWAY

__all__ = ["scenario_figures", "scenario_tables", "risk_figures"]

PALETTE = COLORWAY


def _loss_over_time(res: ScenarioResult) -> go.Figure:
    fig = go.Figure()
    for k, (name, r) in enumerate(res.runs.items()):
        daily = ((r.undisturbed - r.production) * r.value_added_ratio[None, :]).sum(axis=1)
        fig.add_scatter(x=np.arange(len(daily)), y=daily, name=name, line=dict(color=PALETTE[k % len(PALETTE)]),
                        hovertemplate="day %{x}: %{y:,.0f} " + res.unit + "/day<extra>" + name + "</extra>")
    fig.update_layout(title=f"{res.scenario.name}: world value added lost per day [{res.unit} per day]",
                      xaxis_title="day", height=430)
    return fig


def _recovery_curves(res: ScenarioResult, top: int = 6) -> go.Figure:
    base = res.runs["baseline"]
    regions = list(res.by_region.index[:top])
    fig = go.Figure()
    for k, reg in enumerate(regions):
        sel = np.asarray(base.index.get_level_values(REGION) == reg)
        pct = 100 * base.production[:, sel].sum(axis=1) / base.undisturbed[:, sel].sum(axis=1)
        fig.add_scatter(x=np.arange(len(pct)), y=pct, name=reg, line=dict(color=PALETTE[k % len(PALETTE)]))
    fig.update_layout(title="Recovery curves without intervention: output of the most affected regions "
                            "(% of its undisturbed level)", xaxis_title="day", yaxis_title="%", height=430)
    return fig


def _interventions(res: ScenarioResult) -> go.Figure:
    s = res.summary.drop(index="baseline")
    fig = go.Figure()
    fig.add_bar(x=list(s.index), y=s["loss_avoided"], name="loss avoided", marker_color="#0072B2")
    fig.add_bar(x=list(s.index), y=s["cost"], name="cost over the horizon", marker_color="#D55E00")
    fig.update_layout(barmode="group", height=430,
                      title=f"Each intervention: value added loss avoided vs its cost over {res.scenario.horizon} "
                            f"days [{res.unit}] (baseline loss {res.summary.loc['baseline', 'value_added_loss']:,.0f})")
    return fig


def scenario_figures(res: ScenarioResult) -> list[go.Figure]:
    figs = [_loss_over_time(res), _recovery_curves(res)]
    if len(res.summary) > 1:
        figs.append(_interventions(res))
    return figs


def scenario_tables(res: ScenarioResult) -> dict[str, pd.DataFrame]:
    u = res.unit
    out = {f"Runs compared over {res.scenario.horizon} days [{u}]": res.summary,
           f"Losses by region without intervention [{u}]": res.by_region.head(20)}
    for name, dp in res.prices.items():
        top = 100 * dp.sort_values(ascending=False).head(10)
        out[f"Largest price rises: {name} (Leontief price model)"] = top.to_frame("price change (%)")
    if res.static is not None:
        st = res.static.reset_index()
        out[f"Static first answer (Leontief / Ghosh / mixed model), largest output changes [{u}]"] = \
            st.reindex(st["output_change"].abs().sort_values(ascending=False).index).head(20).set_index(["model",
                                                                                                         "region"])
    return out


def risk_figures(risk: RiskAssessment) -> list[go.Figure]:
    loss = risk.draws["value_added_loss"]
    s = risk.summary
    f1 = go.Figure(go.Histogram(x=loss, nbinsx=40, marker_color=COLORWAY[0]))
    for k, c in (("expected_loss", "#0072B2"), ("value_at_risk_95", "#E69F00"), ("value_at_risk_99", "#D55E00")):
        f1.add_vline(x=s[k], line_color=c, annotation_text=k.replace("_", " "))
    f1.update_layout(title=f"Distribution of world value added loss over {int(s['draws'])} draws [{risk.unit}]",
                     height=430)
    top = risk.nodes.head(15).iloc[::-1]
    f2 = go.Figure(go.Bar(x=top["mean_loss"], y=[f"{r} {c}" for r, c in top.index], orientation="h"))
    f2.update_layout(title="Nodes whose failure costs most (mean loss of the draws that hit them)", height=480,
                     margin=dict(l=120))
    return [f1, f2]
