"""Figures of an economy's value chains (plotly): value-added origin over the years, exposure map,
upstreamness ranking and a Sankey of the value flows into one product."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from industwin.analysis.value_chains import ALL_MANUFACTURES, EconomyValueChains

from industwin.viz import COLORWAY

__all__ = ["value_chain_figures", "value_chain_tables"]

PALETTE = COLORWAY[1:]         # foreign origins; blue (the first) stays for the domestic side


def _name(view: EconomyValueChains, code: str) -> str:
    return view.sector_names.get(code, code) if code != ALL_MANUFACTURES else "All manufactured products"


def _origin_bars(view: EconomyValueChains, top: int = 8) -> go.Figure:
    """Stacked bars over the years: foreign value added by origin, as % of each product's final output."""
    o = view.origins
    shares = o.div(o.sum(axis=1), axis=0) * 100
    foreign = shares.drop(columns=view.region)
    leaders = foreign.mean().nlargest(top).index.tolist()
    products = [ALL_MANUFACTURES, *view.products]
    fig = make_subplots(rows=len(products), cols=1, shared_xaxes=True, vertical_spacing=0.04,
                        subplot_titles=[_name(view, p) for p in products])
    for row, prod in enumerate(products, start=1):
        f = foreign.xs(prod, level="product")
        parts = {**{c: f[c] for c in leaders}, "other foreign": f.drop(columns=leaders).sum(axis=1)}
        for k, (origin, ser) in enumerate(parts.items()):
            fig.add_bar(x=ser.index, y=ser, name=origin, legendgroup=origin, showlegend=row == 1,
                        marker_color=PALETTE[k % len(PALETTE)],
                        hovertemplate=f"{origin} %{{x}}: %{{y:.2f}} % of final output<extra>{_name(view, prod)}</extra>",
                        row=row, col=1)
    fig.update_layout(barmode="stack", height=260 * len(products) + 80,
                      title=f"Value added abroad in {view.region}'s manufactured final products, by origin "
                            f"(% of final output; the rest is added in {view.region})")
    fig.update_yaxes(title_text="%", rangemode="tozero")
    return fig


def _exposure_map(view: EconomyValueChains, top_origins: int = 15, top_inputs: int = 15) -> go.Figure:
    """Heatmap: foreign origin region × input product, all tiers, with the hidden part on hover."""
    e = view.exposure
    s = e.suppliers[e.suppliers["foreign"]]
    total = s["total"].unstack("region").fillna(0.0)
    hidden = s["tier2plus"].unstack("region").fillna(0.0)
    origins = total.sum().nlargest(top_origins).index
    inputs = total.sum(axis=1).nlargest(top_inputs).index
    t, h = total.loc[inputs, origins], hidden.loc[inputs, origins]
    pct = (h / t.where(t > 0) * 100).fillna(0.0)
    ylab = [f"{c} {view.sector_names.get(c, c)[:38]}" for c in inputs]
    fig = go.Figure(go.Heatmap(z=t.to_numpy(), x=list(origins), y=ylab, colorscale="Oranges",
                               customdata=pct.to_numpy(), colorbar=dict(title=view.unit),
                               hovertemplate="%{y} from %{x}: %{z:,.0f} " + view.unit +
                               " (%{customdata:.0f} % hidden beyond tier 1)<extra></extra>"))
    sm = e.summary
    face, look, hidden = sm["foreign_share_face_value"], sm["foreign_share_look_through"], sm["hidden_share_of_foreign"]
    fig.update_layout(
        title=(f"Exposure map of {view.region} {_name(view, view.product)} ({view.years[-1]}): inputs required from "
               f"abroad at all tiers<br><sup>foreign share of inputs {100 * face:.1f} % at tier 1, {100 * look:.1f} % "
               f"with all tiers; {100 * hidden:.0f} % of the foreign exposure is invisible at tier 1</sup>"),
        height=560, margin=dict(l=320), yaxis=dict(autorange="reversed"))
    return fig


def _position_bars(view: EconomyValueChains) -> go.Figure:
    p = view.position.sort_values("upstreamness")
    labels = [f"{c} {n[:40]}" for c, n in zip(p.index, p["name"])]
    fig = go.Figure(go.Bar(x=p["upstreamness"], y=labels, orientation="h", name=view.region,
                           hovertemplate="%{y}: %{x:.2f} stages from final use<extra></extra>"))
    fig.add_scatter(x=p["world_median_upstreamness"], y=labels, mode="markers", name="world median, same sector",
                    marker=dict(symbol="line-ns-open", size=14, color="#D55E00"))
    fig.update_layout(title=f"Upstreamness of {view.region}'s sectors ({view.years[-1]}): average number of "
                            "production stages before final use (Antràs–Chor)", height=40 + 22 * len(p),
                      margin=dict(l=330), xaxis_title="stages")
    return fig


def _sankey(view: EconomyValueChains, top: int = 8) -> go.Figure:
    """Origin region → tier → product, in value added embodied in the product's output."""
    va = view.exposure.value_added
    foreign = va.drop(index=view.region, errors="ignore")
    leaders = foreign["value_added"].nlargest(top).index.tolist()
    rows = va.loc[[view.region, *leaders]]
    rest = foreign.drop(index=leaders)[["tier0", "tier1", "tier2plus"]].sum()
    tiers = {"tier0": f"{view.region} {view.product} itself", "tier1": "tier-1 suppliers",
             "tier2plus": "tier ≥ 2 suppliers (hidden)"}
    origin_names = [f"{r}" for r in rows.index] + ["other foreign"]
    nodes = origin_names + list(tiers.values()) + [f"{_name(view, view.product)} ({view.region})"]
    src, dst, val = [], [], []
    for i, (r, row) in enumerate(rows.iterrows()):
        for k, t in enumerate(tiers):
            if row[t] > 0:
                src.append(i), dst.append(len(origin_names) + k), val.append(row[t])
    for k, t in enumerate(tiers):
        if rest[t] > 0:
            src.append(len(origin_names) - 1), dst.append(len(origin_names) + k), val.append(rest[t])
    tier_tot = va[["tier0", "tier1", "tier2plus"]].sum()
    for k, t in enumerate(tiers):
        src.append(len(origin_names) + k), dst.append(len(nodes) - 1), val.append(tier_tot[t])
    fig = go.Figure(go.Sankey(node=dict(label=nodes, pad=12), link=dict(
        source=src, target=dst, value=val, hovertemplate="%{source.label} → %{target.label}: %{value:,.0f} "
        + view.unit + "<extra></extra>")))
    fig.update_layout(title=f"Where the value of {view.region}'s {_name(view, view.product)} is added "
                            f"({view.years[-1]}, {view.unit}): origin → tier → product", height=560)
    return fig


def value_chain_figures(view: EconomyValueChains) -> list[go.Figure]:
    """The four views of the value-chain page, in reading order."""
    return [_origin_bars(view), _exposure_map(view), _sankey(view), _position_bars(view)]


def value_chain_tables(view: EconomyValueChains) -> dict[str, pd.DataFrame]:
    """Labelled tables that accompany the figures."""
    u = view.unit
    t = view.trade[["gross_exports", "DVA", "DDC", "FVA", "FDC", "VAX", "VAX_ratio", "backward", "forward"]]
    o = view.origins.xs(view.product, level="product")
    share = o.div(o.sum(axis=1), axis=0)
    top = share.drop(columns=view.region).iloc[-1].nlargest(6).index
    o_tab = (share[[view.region, *top]] * 100).round(2)
    o_tab.columns = [f"{c} (%)" for c in o_tab.columns]
    e = view.exposure
    return {
        f"Gross exports of {view.region} decomposed (Borin–Mancini), VAX ratio and GVC participation [{u}, shares]": t,
        f"Value added in {_name(view, view.product)} final output by origin (%, largest foreign origins)": o_tab,
        f"Exposure of {view.product} by origin region [{u}; shares]": e.by_country.head(15),
        f"Inputs of {view.product} by concentration of origin (flag: one foreign origin > {e.threshold:.0%})":
            e.concentration.head(20),
        f"Foreign suppliers {view.region} depends on most (value added lost if each stopped supplying) [{u}]":
            view.dependence.head(15),
    }
