"""Figures and tables of firm-level systemic risk (plotly): the ESRI distribution, the most systemic firms
(anonymised unless asked), and a focal firm's tier map."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from industwin.analysis.firm_network import TierMap

__all__ = ["anonymise", "esri_figures", "esri_tables", "tier_figures", "tier_tables"]


def anonymise(scores: pd.DataFrame, firms: pd.DataFrame, reveal: bool = False) -> pd.DataFrame:
    """The ESRI table with firms labelled by rank, industry, place and size band (deciles of output)
    instead of their ids (unless ``reveal``)."""
    df = scores.sort_values("esri", ascending=False).copy()
    info = firms.reindex(df.index)
    if "size" in firms.columns:
        band = pd.qcut(firms["size"].rank(method="first"), 10, labels=[f"D{k}" for k in range(1, 11)])
        df.insert(0, "size_decile", band.reindex(df.index).astype(str).to_numpy())
    for col in ("location", "region", "industry"):
        if col in info.columns:
            df.insert(0, col, info[col].to_numpy())
    if not reveal:
        df.index = pd.Index([f"firm #{k}" for k in range(1, len(df) + 1)], name="rank")
    return df


def _distribution(scores: pd.DataFrame) -> go.Figure:
    e = np.sort(scores["esri"].to_numpy())[::-1]
    e = e[e > 0]
    rank = np.arange(1, len(e) + 1)
    fig = go.Figure(go.Scatter(x=100 * e, y=rank / max(len(scores), 1) * 100, mode="lines", name="firms",
                               hovertemplate="%{y:.3g} % of firms have an ESRI of at least %{x:.3g} %<extra></extra>"))
    fig.update_xaxes(type="log", title="ESRI: share of the network's sales lost if the firm fails (%)")
    fig.update_yaxes(type="log", title="share of firms with at least this ESRI (%)")
    fig.update_layout(title="How systemic risk is distributed: few firms carry most of it", height=430)
    return fig


def _top(table: pd.DataFrame, top: int) -> go.Figure:
    t = table.head(top).iloc[::-1]
    label = [f"{i} ({r.get('industry', '')})" for i, r in t.iterrows()]
    fig = go.Figure()
    fig.add_bar(y=label, x=100 * t["esri_downstream"], orientation="h", name="downstream (customers lose inputs)")
    fig.add_bar(y=label, x=100 * t["esri_upstream"], orientation="h", name="upstream (suppliers lose sales)")
    fig.add_scatter(y=label, x=100 * t["esri"], mode="markers", name="ESRI (both)", marker=dict(color="black"))
    fig.update_layout(title=f"The {len(t)} most systemic firms: share of the network's sales lost if each fails (%)",
                      barmode="group", height=max(380, 26 * len(t)), xaxis_title="%")
    return fig


def _by_industry(table: pd.DataFrame, top: int = 15) -> go.Figure | None:
    if "industry" not in table.columns:
        return None
    s = table.groupby("industry")["esri"].agg(["sum", "max", "size"]).sort_values("sum", ascending=False).head(top)
    fig = go.Figure(go.Bar(x=s.index.astype(str), y=100 * s["sum"], customdata=np.c_[100 * s["max"], s["size"]],
                           hovertemplate="industry %{x}: total %{y:.3g} %, largest firm %{customdata[0]:.3g} %, "
                                         "%{customdata[1]} firms<extra></extra>"))
    fig.update_layout(title="Systemic risk by industry: sum of its firms' ESRI (%)", xaxis_title="industry (NACE)",
                      yaxis_title="%", height=400)
    return fig


def esri_figures(table: pd.DataFrame, top: int = 20) -> list[go.Figure]:
    """``table``: :func:`anonymise` output."""
    figs = [_distribution(table), _top(table, top), _by_industry(table)]
    return [f for f in figs if f is not None]


def esri_tables(table: pd.DataFrame, top: int = 30) -> dict[str, pd.DataFrame]:
    e = table["esri"]
    summary = pd.Series({"firms": len(e), "mean ESRI (%)": 100 * e.mean(), "median ESRI (%)": 100 * e.median(),
                         "largest ESRI (%)": 100 * e.max(),
                         "firms with ESRI ≥ 1 %": int((e >= 0.01).sum()),
                         "share of total ESRI in the top 1 % of firms (%)":
                             100 * e.head(max(1, len(e) // 100)).sum() / (e.sum() or 1)}, name="value")
    return {"Summary": summary.to_frame(), f"The {top} most systemic firms": table.head(top)}


def tier_figures(tm: TierMap) -> list[go.Figure]:
    """A focal firm's tier map: value reaching it by tier and industry (sunburst) and firms per tier."""
    cols = [c for c in tm.firms.columns if c.startswith("value_t")]
    long = tm.firms[["industry"] + cols].melt(id_vars=["industry"], var_name="tier", value_name="value")
    long = long[long["value"] > 0]
    long["tier"] = "tier " + long["tier"].str.removeprefix("value_t")
    agg = long.groupby(["tier", "industry"], as_index=False)["value"].sum()
    side = "suppliers" if tm.direction == "upstream" else "customers"
    unit = tm.unit or "value units"
    fig1 = go.Figure(go.Sunburst(
        labels=list(agg["tier"].unique()) + [f"{i}" for i in agg["industry"]],
        ids=list(agg["tier"].unique()) + [f"{t}/{i}" for t, i in zip(agg["tier"], agg["industry"])],
        parents=[""] * agg["tier"].nunique() + list(agg["tier"]),
        values=list(agg.groupby("tier", sort=False)["value"].sum()) + list(agg["value"]),
        branchvalues="total", hovertemplate="%{id}: %{value:,.4g} " + unit + "<extra></extra>"))
    fig1.update_layout(title=f"Firm {tm.focal}: value reaching it through its {side}, by tier and industry "
                             f"[{unit}]", height=520)
    bt = tm.by_tier
    fig2 = go.Figure()
    fig2.add_bar(x=[f"tier {t}" for t in bt.index], y=bt["value"], name=f"value [{unit}]")
    fig2.add_scatter(x=[f"tier {t}" for t in bt.index], y=bt["firms"], name="firms", yaxis="y2", mode="lines+markers")
    fig2.update_layout(title=f"Firm {tm.focal}: each tier's value and number of {side}", height=380,
                       yaxis=dict(title=unit), yaxis2=dict(title="firms", overlaying="y", side="right",
                                                           rangemode="tozero"))
    return [fig1, fig2]


def tier_tables(tm: TierMap, concentration: pd.DataFrame | None = None, spof: pd.DataFrame | None = None,
                impact: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    out = {f"Firm {tm.focal}: tiers": tm.by_tier,
           "Industries and regions reached beyond tier 1": tm.beyond_tier1.head(20),
           "Firms met at several tiers": tm.multi_tier.head(15)}
    if concentration is not None:
        out["Concentration of each input (tier 1)"] = concentration
    if spof is not None:
        out["Single points of failure of essential inputs"] = spof
    if impact is not None:
        out["Suppliers whose failure harms the firm most"] = impact.head(15)
    return out


# ----------------------------------------------------------------------------- optional: a published supply base
def supply_base_section(sites: pd.DataFrame, year: int | None = None,
                        top: int = 12) -> tuple[list[go.Figure], dict[str, pd.DataFrame]]:
    """An optional block of the firm-network page: a company's published tier-1 supply base — a supplier-site
    list read by :func:`industwin.data.supplier_sites.read_supplier_sites` (e.g. Apple's) — as the countries of
    its suppliers' sites in ``year`` (default: the latest list). A page adds it only when a list is given; the
    full analysis (concentration over the years, movers, the MRIO link) is ``industwin supplier-base``
    (docs/supplier_base.md). Counts of sites are not volumes of production."""
    from industwin.analysis.supplier_base import by_country, concentration
    y = int(sites["year"].max()) if year is None else int(year)
    d = by_country(sites[sites["year"] == y]).loc[y].head(top).iloc[::-1]
    fig = go.Figure()
    fig.add_bar(y=d["country"], x=d["sites"], orientation="h", name="listed sites")
    fig.add_bar(y=d["country"], x=d["suppliers"], orientation="h", name="suppliers with a site there")
    fig.update_layout(title=f"Published tier-1 supply base, {y}: where the suppliers' sites are (sites are not "
                            "volumes)", barmode="group", height=max(360, 26 * len(d)), xaxis_title="count")
    c = concentration(sites[sites["year"] == y]).loc[y]
    summary = pd.Series({"year": y, "sites": int(c["sites"]), "suppliers": int(c["suppliers"]),
                         "countries": int(c["countries"]), "HHI over countries by sites (×10,000)":
                             10_000 * c["hhi_sites"], f"top country ({c['top_country']}) share of sites (%)":
                             c["top_share_pct"]}, name="value", dtype=object)
    return [fig], {f"Published tier-1 supply base, {y}": summary.to_frame()}
