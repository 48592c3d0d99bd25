"""Figures and the page of a carbon-border scenario: cost push by region, border charge by exporter, leakage
exposure by sector and the jobs in exposed sectors, each with the table behind it (plotly)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

__all__ = ["carbon_border_figures", "carbon_border_page", "chart_tables"]

WITHOUT, WITH = "#0072B2", "#D55E00"           # Okabe–Ito: blue, vermillion


def _label(code: str, names: Mapping[str, str], width: int = 34) -> str:
    name = names.get(code, "")
    return f"{code} {name[:width]}".strip()


def chart_tables(res, names: Mapping[str, str] | None = None, top: int = 20) -> dict[str, pd.DataFrame]:
    """The table behind each chart, keyed by the chart's title (the page shows each under its chart)."""
    names = dict(names or {})
    u = res.meta.get("unit", "")
    by_region = res.regions[["price_per_t", "cost_push_pct", "cost_push_bca_pct", "consumer_price_pct",
                             "consumer_price_bca_pct", "largest_cost_push_sector"]].sort_values(
        "cost_push_pct", ascending=False)
    out = {"Cost push by region (output-weighted, %)": by_region}
    if len(res.exporters):
        ex = res.exporters.reset_index()
        ex = ex.groupby("bloc", sort=False).head(top).set_index(["bloc", "exporter"])
        out[f"Border charge by exporter [{u}]"] = ex
    if len(res.exposure):
        cols = ["trade_intensity", "leakage_indicator", "cost_push_pct", "cost_push_bca_pct", "gap_pct", "gap_bca_pct",
                "gap_gva_pct", "gap_gva_bca_pct", "at_risk", "exposed", "exposed_bca", "jobs"]
        e = res.exposure[cols].sort_values("gap_gva_pct", ascending=False)
        e = e.assign(trade_intensity=100 * e["trade_intensity"],
                     leakage_indicator=[f"{v:.3f}" for v in e["leakage_indicator"]])
        e = e.rename(columns={"trade_intensity": "trade_intensity_pct"})
        e.insert(0, "name", [names.get(s, "") for s in e.index.get_level_values(-1)])
        out["Leakage exposure by sector (cost gap against competitors outside the bloc; trade intensity, gaps in "
            "%)"] = e
        if res.meta.get("jobs"):
            j = res.exposure[["jobs", "jobs_exposed", "jobs_exposed_bca", "exposed", "exposed_bca", "at_risk"]]
            j = j[(j["exposed"] | j["exposed_bca"] | j["at_risk"])].copy()
            j.insert(0, "name", [names.get(s, "") for s in j.index.get_level_values(-1)])
            out["Jobs in exposed sectors [persons]"] = j.sort_values("jobs", ascending=False)
    return out


def carbon_border_figures(res, names: Mapping[str, str] | None = None, top: int = 20) -> list[go.Figure]:
    """Cost push by region (with and without the BCA), the border charge by exporter, the cost gap by sector of
    each bloc and the jobs in its exposed sectors."""
    names = dict(names or {})
    u = res.meta.get("unit", "")
    figs = []
    r = res.regions.sort_values("cost_push_pct", ascending=False)
    f = go.Figure([go.Bar(x=r.index, y=r["cost_push_pct"], name="carbon price only", marker_color=WITHOUT,
                          customdata=r["price_per_t"],
                          hovertemplate="%{x}: %{y:.2f} % (price %{customdata:,.1f}/t)<extra></extra>")])
    if res.meta.get("bca"):
        f.add_bar(x=r.index, y=r["cost_push_bca_pct"], name="with the border adjustment", marker_color=WITH,
                  hovertemplate="%{x}: %{y:.2f} %<extra></extra>")
    f.update_layout(title="Cost push by region: output-weighted rise of producer prices (%)", barmode="group",
                    height=430, yaxis_title="%")
    figs.append(f)
    if len(res.exporters):
        for bloc, ex in res.exporters.groupby(level="bloc", sort=False):
            ex = ex.droplevel(0).head(top)
            g = go.Figure(go.Bar(x=ex.index, y=ex["charge"], marker_color=WITH,
                                 customdata=ex[["charge_pct_of_covered", "charge_pct_of_exports", "embodied_kt"]],
                                 text=[f"{v:.1f} %" for v in ex["charge_pct_of_exports"]], textposition="outside",
                                 hovertemplate="%{x}: %{y:,.0f} " + u + "<br>%{customdata[0]:.1f} % of covered "
                                               "exports, %{customdata[1]:.1f} % of all exports to " + str(bloc) +
                                               "<br>%{customdata[2]:,.0f} kt CO2 embodied<extra></extra>"))
            g.update_layout(title=f"Border charge carried by each exporter's sales to {bloc} [{u}] (label: % of "
                                  "all its exports there)", height=430, yaxis_title=u)
            figs.append(g)
    if len(res.exposure):
        thr = res.meta.get("cost_threshold_pct", 5.0)
        for bloc, e in res.exposure.groupby(level="bloc", sort=False):
            e = e.droplevel(0).sort_values("gap_gva_pct")
            lab = [_label(s, names) + (" ★" if c else "") for s, c in zip(e.index, e["covered"])]
            h = go.Figure([go.Bar(y=lab, x=e["gap_gva_pct"], orientation="h", name="carbon price only",
                                  marker_color=WITHOUT, customdata=e[["trade_intensity", "gap_pct"]],
                                  hovertemplate="%{y}: %{x:.1f} % of GVA (%{customdata[1]:.2f} % of price); trade "
                                                "intensity %{customdata[0]:.0%}<extra></extra>")])
            if e["covered"].any():
                h.add_bar(y=lab, x=e["gap_gva_bca_pct"], orientation="h", name="with the border adjustment",
                          marker_color=WITH)
            h.add_vline(x=thr, line_dash="dot", annotation_text=f"{thr:g} % of GVA")
            h.update_layout(title=f"{bloc}: cost gap against competitors outside the bloc, % of gross value added "
                                  "(★ covered by the border adjustment)", barmode="group",
                            height=max(500, 22 * len(e)), margin={"l": 300})
            figs.append(h)
            if res.meta.get("jobs"):
                j = e[(e["exposed"] | e["exposed_bca"])].sort_values("jobs")
                if len(j):
                    jl = [_label(s, names) for s in j.index]
                    k = go.Figure([go.Bar(y=jl, x=j["jobs_exposed"] / 1e6, orientation="h", name="carbon price only",
                                          marker_color=WITHOUT),
                                   go.Bar(y=jl, x=j["jobs_exposed_bca"] / 1e6, orientation="h",
                                          name="with the border adjustment", marker_color=WITH)])
                    k.update_layout(title=f"{bloc}: jobs in exposed sectors [million persons]", barmode="group",
                                    height=max(380, 26 * len(j)), margin={"l": 300})
                    figs.append(k)
    return figs


def carbon_border_page(res, title: str, names: Mapping[str, str] | None = None, notes: str = "",
                       top: int = 20) -> str:
    """The page: every figure, then the table behind each, then the full bloc summary."""
    from industwin.viz.pages import page_html
    tables = chart_tables(res, names, top)
    if len(res.blocs):
        tables = {"Blocs": res.blocs, **tables}
    return page_html(title, carbon_border_figures(res, names, top), tables, notes)
