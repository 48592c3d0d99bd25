"""Self-contained HTML pages (plotly.js inlined: no network needed to open them)."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

__all__ = ["STYLE", "document", "figure_html", "page_html", "plotly_js", "profile_figures", "write_page"]

COLORS = {"domestic": "#0072B2", "foreign": "#E69F00"}     # Okabe–Ito: blue, orange


def profile_figures(profile) -> list[go.Figure]:
    """Figures for an :class:`~industwin.analysis.profile.EconomyProfile`."""
    p, u = profile, profile.unit
    top = p.sectors.head(12).iloc[::-1]
    f1 = go.Figure(go.Bar(x=top["output"], y=top["name"], orientation="h", name="gross output",
                          hovertemplate="%{y}<br>%{x:,.0f} " + u + "<extra></extra>"))
    f1.add_bar(x=top["value_added"], y=top["name"], orientation="h", name="value added")
    f1.update_layout(title=f"{p.region} {p.year or ''}: largest sectors by gross output [{u}]", barmode="group",
                     height=520, margin=dict(l=330))
    f2 = _origin_bar(p.input_origin, "inputs", p.region, u,
                     f"Tier-1 intermediate inputs of {p.region} manufacturing bought abroad, by origin")
    f3 = _origin_bar(p.value_added_origin, "value_added", p.region, u,
                     f"Whole supply chain: value added abroad in {p.region}'s manufactured final products, by origin")
    ms = p.sectors.sort_values("output_multiplier").iloc[-15:]
    f4 = go.Figure(go.Bar(x=ms["output_multiplier"], y=ms["name"], orientation="h",
                          hovertemplate="%{y}: %{x:.3f}<extra></extra>"))
    f4.update_layout(title=f"{p.region}: output multipliers (world output per unit of final demand)", height=520,
                     margin=dict(l=330))
    return [f1, f2, f3, f4]


def _origin_bar(df: pd.DataFrame, col: str, region: str, unit: str, title: str) -> go.Figure:
    """Foreign origins (top 15) as % of the total; the domestic share goes in the title."""
    dom = float(df.loc[region, "share (%)"]) if region in df.index else 0.0
    foreign = df.drop(region, errors="ignore").head(15)
    fig = go.Figure(go.Bar(x=list(foreign.index), y=foreign["share (%)"], marker_color=COLORS["foreign"],
                           customdata=foreign[col],
                           hovertemplate="%{x}: %{y:.2f} % (%{customdata:,.0f} " + unit + ")<extra></extra>"))
    fig.update_layout(title=f"{title}<br><sup>domestic {dom:.1f} %, abroad {100 - dom:.1f} % of the total</sup>",
                      yaxis_title="% of total", height=440)
    return fig


def _table(df: pd.DataFrame | pd.Series, fmt: str = "{:,.1f}") -> str:
    return (df.to_frame() if isinstance(df, pd.Series) else df).to_html(
        float_format=lambda v: fmt.format(v), border=0, classes="t")


STYLE = ("body{font-family:system-ui,sans-serif;max-width:1100px;margin:auto;padding:1em;color:#222;line-height:1.45}"
         " table.t{border-collapse:collapse;font-size:13px;margin:.5em 0} table.t td,table.t th{padding:2px 8px;"
         "text-align:right} table.t td:first-child{text-align:left} table.t tr:nth-child(even){background:#f3f3f3}"
         " .note{color:#555;font-size:13px} pre{background:#f6f6f6;padding:.6em;font-size:12px;overflow-x:auto}"
         " h2{margin-top:1.6em;border-bottom:1px solid #ddd}")


def document(title: str, body: str, style: str = "") -> str:
    """The page shell every industwin page shares: one self-contained HTML document (no network needed)."""
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{STYLE}{style}</style></head><body>{body}</body></html>")


def figure_html(fig: go.Figure, first: bool, shared_js: bool = False) -> str:
    """A plotly figure as an HTML fragment; plotly.js is inlined with the first figure of a page, or, with
    ``shared_js``, loaded from ``plotly.min.js`` beside the page (one copy for a folder of pages; no network)."""
    include = ("directory" if shared_js else True) if first else False
    return fig.to_html(full_html=False, include_plotlyjs=include, config={"displaylogo": False})


def plotly_js() -> str:
    """The plotly.js bundle that :func:`figure_html` references with ``shared_js``."""
    from plotly.offline import get_plotlyjs
    return get_plotlyjs()


def page_html(title: str, figures: list[go.Figure], tables: dict[str, pd.DataFrame], notes: str = "",
              fmt: str = "{:,.1f}") -> str:
    """One self-contained HTML page with the figures (plotly.js inlined once) and labelled tables (numbers in
    ``fmt``)."""
    parts = [figure_html(fig, i == 0) for i, fig in enumerate(figures)]
    tabs = "".join(f"<h2>{html.escape(k)}</h2>{_table(v, fmt)}" for k, v in tables.items())
    return document(title, f"<h1>{html.escape(title)}</h1><p class=\"note\">{html.escape(notes)}</p>"
                           f"{''.join(parts)}{tabs}")


def write_page(path: str | Path, title: str, figures: list[go.Figure], tables: dict[str, pd.DataFrame],
               notes: str = "") -> Path:
    """Write one HTML page with the figures (plotly.js inlined once) and labelled tables (see :func:`page_html`)."""
    from industwin.data.storage import write_atomic
    text = page_html(title, figures, tables, notes)
    return write_atomic(Path(path), lambda p: Path(p).write_text(text, encoding="utf-8"))
