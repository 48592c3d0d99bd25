"""Self-contained HTML pages (plotly.js inlined: no network needed to open them)."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

__all__ = ["profile_figures", "write_page"]

COLORS = {"domestic": "#1f77b4", "foreign": "#ff7f0e"}


def profile_figures(profile) -> list[go.Figure]:
    """Figures for an :class:`~industwin.analysis.profile.EconomyProfile`."""
    p, u = profile, profile.unit
    top = p.sectors.head(12).iloc[::-1]
    f1 = go.Figure(go.Bar(x=top["output"], y=top["name"], orientation="h", name="gross output",
                          hovertemplate="%{y}<br>%{x:,.0f} " + u + "<extra></extra>"))
    f1.add_bar(x=top["value_added"], y=top["name"], orientation="h", name="value added")
    f1.update_layout(title=f"{p.region} {p.year or ''}: largest sectors by gross output [{u}]", barmode="group",
                     height=520, margin=dict(l=330))
    io = p.input_origin.head(15)
    colors = [COLORS["domestic"] if r == p.region else COLORS["foreign"] for r in io.index]
    f2 = go.Figure(go.Bar(x=list(io.index), y=io["share (%)"], marker_color=colors,
                          customdata=io["inputs"], hovertemplate="%{x}: %{y:.1f} % (%{customdata:,.0f} " + u + ")<extra></extra>"))
    f2.update_layout(title=f"Tier-1 intermediate inputs of {p.region} manufacturing, by origin (% of total)",
                     yaxis_title="% of inputs", height=420)
    vo = p.value_added_origin.head(15)
    colors = [COLORS["domestic"] if r == p.region else COLORS["foreign"] for r in vo.index]
    f3 = go.Figure(go.Bar(x=list(vo.index), y=vo["share (%)"], marker_color=colors,
                          customdata=vo["value_added"],
                          hovertemplate="%{x}: %{y:.1f} % (%{customdata:,.0f} " + u + ")<extra></extra>"))
    f3.update_layout(title=f"Whole supply chain: value added in {p.region}'s manufactured final products, by origin (%)",
                     yaxis_title="% of value added", height=420)
    ms = p.sectors.sort_values("output_multiplier").iloc[-15:]
    f4 = go.Figure(go.Bar(x=ms["output_multiplier"], y=ms["name"], orientation="h",
                          hovertemplate="%{y}: %{x:.3f}<extra></extra>"))
    f4.update_layout(title=f"{p.region}: output multipliers (world output per unit of final demand)", height=520,
                     margin=dict(l=330))
    return [f1, f2, f3, f4]


def _table(df: pd.DataFrame | pd.Series, fmt: str = "{:,.1f}") -> str:
    return (df.to_frame() if isinstance(df, pd.Series) else df).to_html(
        float_format=lambda v: fmt.format(v), border=0, classes="t")


def write_page(path: str | Path, title: str, figures: list[go.Figure], tables: dict[str, pd.DataFrame],
               notes: str = "") -> Path:
    """Write one HTML page with the figures (plotly.js inlined once) and labelled tables."""
    path = Path(path)
    parts = []
    for i, fig in enumerate(figures):
        parts.append(fig.to_html(full_html=False, include_plotlyjs=(i == 0), config={"displaylogo": False}))
    tabs = "".join(f"<h2>{html.escape(k)}</h2>{_table(v)}" for k, v in tables.items())
    doc = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1100px;margin:auto;padding:1em;color:#222}}
table.t{{border-collapse:collapse;font-size:13px}} table.t td,table.t th{{padding:2px 8px;text-align:right}}
table.t tr:nth-child(even){{background:#f3f3f3}} .note{{color:#555;font-size:13px}}</style></head>
<body><h1>{html.escape(title)}</h1><p class="note">{html.escape(notes)}</p>{''.join(parts)}{tabs}</body></html>"""
    path.write_text(doc, encoding="utf-8")
    return path
