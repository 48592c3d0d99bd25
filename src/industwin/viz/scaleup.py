"""Figures of technology scale-up and readiness (challenge 3) and of a strategy's monitoring (plotly): readiness
by dimension, a company's priorities, economic complexity over the years and the diversification opportunities,
a technology's adoption path against the baseline, the funding of a technology pipeline by stage and the targets
against their paths. Each builder takes labelled results only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

__all__ = ["eci_figure", "funding_figure", "opportunities_figure", "priorities_figure", "readiness_figure",
           "targets_figure", "technology_figure", "technology_view"]


def readiness_figure(values: pd.DataFrame, title: str, names: dict[str, str] | None = None) -> go.Figure:
    """Mean band (0–5) by dimension (rows) × group (columns, margins ``Total`` included); a suppressed cell (NaN)
    is drawn blank and marked ✕."""
    v = values.astype(float)
    names = names or {}
    rows = [names.get(str(r), str(r)) for r in v.index]
    text = [["✕" if np.isnan(x) else f"{x:.1f}" for x in row] for row in v.to_numpy()]
    fig = go.Figure(go.Heatmap(z=v.to_numpy(), x=[str(c) for c in v.columns], y=rows, zmin=0, zmax=5,
                               colorscale="Blues", text=text, texttemplate="%{text}", hoverongaps=False,
                               colorbar={"title": "band"}))
    fig.update_layout(title=title, height=max(380, 24 * len(rows) + 140), yaxis={"autorange": "reversed"})
    return fig


def priorities_figure(pr: pd.DataFrame, company: str) -> go.Figure:
    """A company's dimensions by priority (gap to the peers' best × its weight), with its band and the best."""
    p = pr.sort_values("rank").iloc[::-1]
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, column_widths=[0.55, 0.45],
                        subplot_titles=("priority = weight × gap", "own band and peers' best"))
    fig.add_trace(go.Bar(y=p["name"], x=p["priority"], orientation="h", name="priority"), 1, 1)
    fig.add_trace(go.Scatter(y=p["name"], x=p["band"], mode="markers", name="own band",
                             marker={"size": 10, "symbol": "circle"}), 1, 2)
    fig.add_trace(go.Scatter(y=p["name"], x=p["best"], mode="markers", name="peers' best",
                             marker={"size": 10, "symbol": "diamond"}), 1, 2)
    fig.update_xaxes(range=[-0.2, 5.2], row=1, col=2)
    fig.update_layout(title=f"{company}: where to improve first", height=max(420, 26 * len(p) + 140))
    return fig


def eci_figure(eci: pd.DataFrame, economy: str, atlas: pd.Series | None = None,
               peers: list[str] | None = None) -> go.Figure:
    """The economy's ECI from the twin by year (``eci``: region × year), the peers' median beside it and, as a
    separate series, the Atlas ECI (goods trade, 2012 on) — never joined into one line."""
    fig = go.Figure()
    eci = eci[sorted(eci.columns)]
    years = [int(y) for y in eci.columns]
    if peers:
        med = eci.loc[[p for p in peers if p in eci.index]].median()
        fig.add_trace(go.Scatter(x=years, y=med.to_numpy(), name="other economies' median (twin)", mode="lines+markers",
                                 line={"dash": "dot", "color": "#888"}))
    fig.add_trace(go.Scatter(x=years, y=eci.loc[economy].to_numpy(), name=f"{economy} (twin: exports by sector)",
                             mode="lines+markers"))
    if atlas is not None and len(atlas.dropna()):
        a = atlas.dropna()
        fig.add_trace(go.Scatter(x=[int(y) for y in a.index], y=a.to_numpy(), name=f"{economy} (Atlas, goods)",
                                 mode="lines+markers", line={"dash": "dash"}))
    fig.update_layout(title=f"{economy}: Economic Complexity Index (standardised within each year)",
                      xaxis_title="year", yaxis_title="ECI", height=380)
    return fig


def opportunities_figure(table: pd.DataFrame, economy: str, best: pd.Index | None = None) -> go.Figure:
    """The economy's sectors by density (how close its capabilities are) and PCI (how complex the product is):
    those with comparative advantage, those without, the ranked opportunities marked (``best``)."""
    fig = go.Figure()
    best = best if best is not None else pd.Index([])
    for label, mask, sym in (("with comparative advantage (RCA ≥ 1)", table["mcp"] == 1, "circle"),
                             ("without", (table["mcp"] == 0) & ~table.index.isin(best), "circle-open"),
                             ("opportunities", table.index.isin(best), "star")):
        t = table[mask]
        fig.add_trace(go.Scatter(x=t["density"], y=t["pci"], mode="markers+text", name=label,
                                 text=list(t.index), textposition="top center", marker={"symbol": sym, "size": 11},
                                 hovertext=[str(n) for n in t.get("name", t.index)]))
    fig.update_layout(title=f"{economy}: sectors by density and complexity (PCI)", xaxis_title="density",
                      yaxis_title="PCI", height=420)
    return fig


def technology_view(table: pd.DataFrame) -> pd.DataFrame:
    """A technology scenario's changes against the baseline every 5 years and at the horizon, in labelled
    columns (measures the table lacks, e.g. emissions before 2000 on WIOD, are left out)."""
    u = table.attrs.get("units", {})
    rows = table[((table.index - table.index[0]) % 5 == 0) | (table.index == table.index[-1])]
    keys = [("adoption", "sector", "scenario"), ("emissions", "economy", "change"), ("emissions", "sector", "change"),
            ("jobs", "economy", "change"), ("jobs", "sector", "change"), ("value added", "economy", "change"),
            ("gross output", "economy", "change"), ("investment", "economy", "scenario"),
            ("cumulative investment", "economy", "scenario")]
    keys = [k for k in keys if k in table.columns]
    v = rows[keys].copy()
    v.columns = [a if a == "adoption" else f"{a}, {b}{' change' if c == 'change' else ''} [{u.get(a, '')}]"
                 for a, b, c in keys]
    return v


def technology_figure(table: pd.DataFrame, title: str) -> go.Figure:
    """A technology scenario by year: adoption, and the change against the baseline of the adopting economies'
    emissions, jobs and value added, with the investment it needs."""
    u = table.attrs.get("units", {})
    yrs = table.index.to_numpy()
    fig = make_subplots(rows=2, cols=2, subplot_titles=(
        "adoption (share of the scope converted)", f"emissions change [{u.get('emissions', '')}]",
        f"jobs change [{u.get('jobs', '')}]", f"value added change and investment [{u.get('value added', '')}]"))
    fig.add_trace(go.Scatter(x=yrs, y=table[("adoption", "sector", "scenario")], name="adoption"), 1, 1)
    for (measure, row, col), scopes in ((("emissions", 1, 2), ("economy", "sector", "world")),
                                        (("jobs", 2, 1), ("economy", "sector"))):
        for scope, dash in zip(scopes, (None, "dot", "dash")):
            if (measure, scope, "change") in table.columns:       # a table without the account has no such panel
                fig.add_trace(go.Scatter(x=yrs, y=table[(measure, scope, "change")], name=f"{measure}, {scope}",
                                         line={"dash": dash}), row, col)
    fig.add_trace(go.Scatter(x=yrs, y=table[("value added", "economy", "change")], name="value added, economy"),
                  2, 2)
    fig.add_trace(go.Bar(x=yrs, y=table[("investment", "economy", "scenario")], name="investment per year",
                         opacity=0.5), 2, 2)
    fig.update_layout(title=title, height=620)
    return fig


def funding_figure(by_stage: pd.DataFrame, title: str) -> go.Figure:
    """Funding of each technology by stage, public and private (``by_stage``: :func:`funding_by_stage`)."""
    fig = go.Figure()
    stages = [s for s in ("research", "development", "deployment") if s in by_stage.columns.get_level_values(0)]
    colours = {"public": ("#1f77b4", "#6baed6", "#c6dbef"), "private": ("#d62728", "#fb6a4a", "#fcbba1")}
    for source in ("public", "private"):
        for i, s in enumerate(stages):
            fig.add_trace(go.Bar(y=[str(x) for x in by_stage.index], x=by_stage[(s, source)], orientation="h",
                                 name=f"{source}, {s}", marker_color=colours[source][i],
                                 offsetgroup=source))
    fig.update_layout(barmode="stack", title=title, height=max(380, 28 * len(by_stage) + 140),
                      yaxis={"autorange": "reversed"})
    return fig


def targets_figure(values: pd.DataFrame, status: pd.DataFrame) -> go.Figure:
    """Each target's observed values over the years against the straight line from its baseline to its target."""
    ids = list(status.index)
    fig = make_subplots(rows=1, cols=max(len(ids), 1), subplot_titles=[
        f"{t}: {status.loc[t, 'status']}" for t in ids] or [""])
    for i, t in enumerate(ids, start=1):
        s = values[t].dropna() if t in values else pd.Series(dtype=float)
        fig.add_trace(go.Scatter(x=list(s.index), y=s.to_numpy(), mode="lines+markers", name=f"{t} observed",
                                 showlegend=False), 1, i)
        r = status.loc[t]
        if pd.notna(r.get("baseline_value")):
            fig.add_trace(go.Scatter(x=[r["baseline_year"], r["target_year"]],
                                     y=[r["baseline_value"], r["target_value"]], mode="lines+markers",
                                     line={"dash": "dash", "color": "#888"}, name="path to target",
                                     showlegend=i == 1), 1, i)
    fig.update_layout(title="Targets: observed against the path from baseline to target", height=360)
    return fig
