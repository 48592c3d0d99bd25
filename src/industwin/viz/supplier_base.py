"""Figures and the page of a company's supply base (plotly): sites by country over the years, concentration and
the focus country's share, how the footprint moved, and the comparison with the production network (WIOD)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from industwin.analysis.supplier_base import SupplierBase
from industwin.data.supplier_sites import COUNTRY_NAMES

__all__ = ["supplier_base_figures", "supplier_base_page", "supplier_base_tables"]


def _label(code: str) -> str:
    return f"{COUNTRY_NAMES.get(code, code)} ({code})" if code in COUNTRY_NAMES else str(code)


def _sites_over_years(sb: SupplierBase) -> go.Figure:
    w = sb.sites_wide
    years = [str(y) for y in w.columns]
    fig = go.Figure()
    for code, row in w.iterrows():
        fig.add_bar(x=years, y=row.to_numpy(), name=_label(str(code)),
                    hovertemplate=f"{_label(str(code))} %{{x}}: %{{y:,.0f}} sites<extra></extra>")
    change = (f"from {sb.detail_change} one row per supplier and province (fewer rows, not fewer plants); "
              if sb.detail_change else "")
    fig.update_layout(barmode="stack", height=480, xaxis={"type": "category", "title": "year of the list"},
                      yaxis_title="listed sites",
                      title=f"{sb.name}: listed sites by country<br><sup>years without a list are absent; {change}"
                            "sites are not volumes</sup>")
    return fig


def _concentration(sb: SupplierBase) -> go.Figure:
    c = sb.concentration
    f = sb.shift.focus
    years = [str(y) for y in c.index]
    fig = go.Figure()
    fig.add_scatter(x=years, y=100 * c["hhi_sites"], name="HHI by sites (%)", mode="lines+markers")
    fig.add_scatter(x=years, y=100 * c["hhi_suppliers"], name="HHI by suppliers present (%)", mode="lines+markers")
    fig.add_scatter(x=years, y=c[f"{f}_site_share_pct"], name=f"{f} share of sites (%)", mode="lines+markers",
                    line={"dash": "dash"})
    fig.add_scatter(x=years, y=c[f"{f}_reach_pct"], name=f"suppliers with a {f} site (% of suppliers)",
                    mode="lines+markers", line={"dash": "dot"})
    fig.update_layout(height=440, xaxis={"type": "category", "title": "year of the list"}, yaxis_title="%",
                      title=f"Concentration over countries (HHI × 100) and {f}'s place in the supply base")
    return fig


def _movers(sb: SupplierBase) -> go.Figure:
    s = sb.shift
    a = s.added.head(15).iloc[::-1]
    fig = go.Figure()
    fig.add_bar(y=[_label(str(c)) for c in a.index], x=a["added_by_focus_suppliers"], orientation="h",
                name=f"added by suppliers with a {s.focus} site in {s.base}")
    fig.add_bar(y=[_label(str(c)) for c in a.index], x=a["added_by_panel"], orientation="h",
                name="added by any supplier listed in both years")
    fig.update_layout(barmode="group", height=max(380, 28 * len(a)), xaxis_title="suppliers",
                      title=f"Countries suppliers added between {s.base} and {s.late} (a new country for the "
                            f"supplier)")
    return fig


def _net_change(sb: SupplierBase) -> go.Figure:
    s = sb.shift
    n = s.net_change
    n = n[n["site_share_change_pp"].abs() >= 0.1]
    fig = go.Figure(go.Bar(x=[_label(str(c)) for c in n.index], y=n["site_share_change_pp"],
                           marker_color=["#D55E00" if v < 0 else "#0072B2" for v in n["site_share_change_pp"]],
                           customdata=n[["suppliers_change"]].to_numpy(),
                           hovertemplate="%{x}: %{y:+.2f} pp of sites, %{customdata[0]:+d} suppliers present"
                                         "<extra></extra>"))
    fig.update_layout(height=420, yaxis_title="percentage points",
                      title=f"Change of each country's share of sites, {s.base} → {s.late}<br><sup>"
                            + (f"site counts across the {sb.detail_change} change of address detail are not alike; "
                               if sb.detail_change and s.base < sb.detail_change <= s.late else "")
                            + "suppliers present: hover</sup>")
    return fig


def _twin(sb: SupplierBase) -> go.Figure | None:
    t = sb.twin
    if t is None:
        return None
    sec, year, who = t.attrs["sector"], t.attrs["year"], t.attrs["demand"]
    top = t.head(15)
    x = [str(r) for r in top.index]
    fig = go.Figure()
    fig.add_bar(x=x, y=top[f"site share {year} (%)"], name=f"{sb.name}: share of sites {year}")
    fig.add_bar(x=x, y=top[f"presence share {year} (%)"], name=f"{sb.name}: share of supplier presences {year}")
    fig.add_bar(x=x, y=top[f"{sec} output share of world (%)"], name=f"{sec} gross output, share of world")
    fig.add_bar(x=x, y=top[f"value added in {who} final demand for {sec} (%)"],
                name=f"value added in {who} final demand for {sec} (all tiers)")
    rest = [r for r in t.index if r in ("RoW", "ROW")]
    sub = f"; RoW holds {t.loc[rest[0], 'list_countries']}" if rest and t.loc[rest[0], "list_countries"] else ""
    fig.update_layout(barmode="group", height=460, yaxis_title="%",
                      title=f"The list beside the production network: {sec} by region{sub}")
    return fig


def supplier_base_figures(sb: SupplierBase) -> list[go.Figure]:
    figs = [_sites_over_years(sb), _concentration(sb), _movers(sb), _net_change(sb), _twin(sb)]
    return [f for f in figs if f is not None]


def supplier_base_tables(sb: SupplierBase) -> dict[str, pd.DataFrame]:
    s = sb.shift
    c = sb.concentration.copy()            # HHI on the antitrust scale: the page shows one decimal
    for k in ("hhi_sites", "hhi_suppliers"):
        c[k] = 10_000 * c[k]
    c = c.rename(columns={"hhi_sites": "hhi_sites (×10,000)", "hhi_suppliers": "hhi_suppliers (×10,000)"})
    out = {"Concentration per year": c,
           f"How the footprint moved, {s.base} → {s.late} (suppliers)": s.summary.to_frame(),
           f"Countries added and dropped, {s.base} → {s.late} (suppliers)": s.added,
           f"Net change by country, {s.base} → {s.late}": s.net_change.sort_values("site_share_change_pp",
                                                                                    ascending=False),
           "Listed sites by country and year": sb.sites_wide}
    if sb.twin is not None:
        out["The list beside the production network"] = sb.twin
    out[f"Suppliers with a {s.focus} site in {s.base}: countries then and now"] = s.movers.head(40)
    return out


def supplier_base_page(sb: SupplierBase, footer: str = "") -> str:
    """The whole page (see :func:`industwin.viz.pages.page_html`): figures, tables, the notes that qualify them."""
    from industwin.viz.pages import page_html
    notes = " · ".join(sb.notes) + (f" · {footer}" if footer else "")
    return page_html(f"{sb.name}: the supply base {sb.years[0]}–{sb.years[-1]}", supplier_base_figures(sb),
                     supplier_base_tables(sb), notes)
