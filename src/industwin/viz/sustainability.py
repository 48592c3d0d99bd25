"""Figures of a company's carbon footprint and of national decarbonisation scenarios (plotly)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

__all__ = ["carbon_figures", "decarbonisation_figures"]


def carbon_figures(fp, tree: pd.DataFrame) -> list[go.Figure]:
    """The scope split, the upstream hot spots and the supply-chain tree (a sunburst) of a
    :class:`~industwin.analysis.sustainability.CompanyFootprint`."""
    split = go.Figure(go.Bar(x=fp.scopes.index, y=fp.scopes.to_numpy(), text=[f"{v:,.0f}" for v in fp.scopes],
                             textposition="outside"))
    split.update_layout(title=f"Footprint by scope [t CO2e] — supply chain / operations = {fp.ratio:,.1f}×",
                        height=400)
    hs = fp.hot_spots.iloc[::-1]
    hot = go.Figure(go.Bar(y=[f"{t[:40]} ({n})" for n, t in zip(hs["naics"], hs["title"])], x=hs["kg_co2e"] / 1e3,
                           orientation="h"))
    hot.update_layout(title="Upstream hot spots: purchases by emissions [t CO2e]", height=max(350, 30 * len(hs)))
    parents = [p.rsplit(" ← ", 1)[0] if " ← " in p else "" for p in tree["path"]]
    sun = go.Figure(go.Sunburst(ids=tree["path"], labels=[p.rsplit(" ← ", 1)[-1][:40] for p in tree["path"]],
                                parents=parents, values=tree["own_kg_co2e"].clip(lower=0) / 1e3,
                                branchvalues="remainder", hovertemplate="%{id}<br>%{value:,.1f} t CO2e here"
                                                                        "<extra></extra>"))
    sun.update_layout(title="Purchased goods' emissions tier by tier (inner ring: what the company buys) "
                            "[t CO2e]", height=620)
    return [split, hot, sun]


def _stacked(df: pd.DataFrame, names: dict, a: str, b: str, labels: tuple[str, str], title: str) -> go.Figure:
    top = df.iloc[::-1]
    several = top.index.nlevels > 1 and top.index.get_level_values(0).nunique() > 1
    lab = [f"{r + ' ' if several else ''}{c} {names.get(c, '')[:30]}".strip()
           for r, c in zip(top.index.get_level_values(0), top.index.get_level_values(-1))]
    fig = go.Figure([go.Bar(y=lab, x=top[a], orientation="h", name=labels[0]),
                     go.Bar(y=lab, x=top[b], orientation="h", name=labels[1])])
    fig.update_layout(barmode="stack", height=520, title=title)
    return fig


def decarbonisation_figures(res: pd.DataFrame, intensities: pd.DataFrame, names: dict, carbon_price: float,
                            exposure: pd.DataFrame | None = None) -> list[go.Figure]:
    """Emission intensities (direct and supply chain), emissions and jobs of each scenario against the baseline,
    the price rise of a carbon price, and the jobs exposed to the transition."""
    rest = res.iloc[1:]
    top = intensities.sort_values("total", ascending=False).head(15)
    top = top.assign(supply_chain=top["total"] - top["direct"])
    figs = [_stacked(top, names, "direct", "supply_chain", ("direct", "in the supply chain"),
                     f"Emission intensity of the most intensive sectors [{intensities.attrs.get('unit', '')}]: direct "
                     "and supply chain")]
    em = go.Figure(go.Bar(x=rest.index, y=rest["emissions_change_pct"]))
    em.update_layout(title="Emissions against the baseline (%)", height=380)
    figs.append(em)
    if "jobs_change_pct" in res:
        j = go.Figure(go.Bar(x=rest.index, y=rest["jobs_change_pct"]))
        j.update_layout(title="Jobs against the baseline (%)", height=380)
        figs.append(j)
    if carbon_price:
        p = go.Figure(go.Bar(x=res.index, y=res["price_rise_pct_mean"], name="mean"))
        p.add_bar(x=res.index, y=res["price_rise_pct_max"], name="largest")
        p.update_layout(title=f"Price rise from a carbon price of {carbon_price:g} per unit (%)", height=380)
        figs.append(p)
    if exposure is not None:
        figs.append(_stacked(exposure.head(15), names, "direct", "supply_chain",
                             ("in carbon-intensive sectors", "in their supply chains"),
                             "Jobs exposed to a transition away from carbon-intensive sectors "
                             f"[{exposure.attrs.get('unit', '')}]"))
    return figs
