"""The report's challenge-3 evidence and monitoring (:class:`industwin.strategy.scaleup.ScaleUp`) as HTML and as
PDF parts: readiness, regions, complexity and opportunities, the technology scenario, the pipeline, the targets."""

from __future__ import annotations

import html
from collections.abc import Callable

import numpy as np
import pandas as pd

from industwin.strategy.scaleup import ScaleUp
from industwin.viz.scaleup import (
    eci_figure,
    funding_figure,
    readiness_figure,
    targets_figure,
    technology_figure,
    technology_view,
)

__all__ = ["changes_view", "scaleup_html", "scaleup_pdf", "status_view"]

RED, GREY = "#c0392b", "#9aa0a6"


def status_view(st: pd.DataFrame) -> pd.DataFrame:
    """The columns of a status table people read first."""
    cols = [c for c in ("indicator", "status", "baseline_year", "baseline_value", "latest_year", "latest_value",
                        "path_value", "target_year", "target_value", "unit") if c in st.columns]
    return st[cols]


def changes_view(ch: pd.DataFrame) -> pd.DataFrame:
    """A what-changed table without its long list of peers."""
    return ch[[c for c in ch.columns if c not in ("peers",)]]


def _readable(x) -> str:
    """A number as people read it in a table: whole numbers with separators from 100 on, 3 significant digits
    below."""
    if not isinstance(x, int | float) or not np.isfinite(x):
        return ""
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.3g}"


def scaleup_html(su: ScaleUp, fig: Callable, table: Callable[[pd.DataFrame], str]) -> str:
    """The challenge-3 evidence after the challenge's indicators (``fig``: plotly figure → HTML; ``table``: frame
    → HTML)."""
    e, e_ = html.escape, su.economy
    out = ["<h3>Scale-up evidence</h3><ul>" + "".join(f"<li>{e(s)}</li>" for s in su.key_figures()) + "</ul>"]
    out.append(f"<h3>Economic complexity and diversification opportunities</h3><p>ECI of {e(e_)} "
               f"<b>{su.eci[e_]:+.2f}</b>, rank {su.eci_rank} of {len(su.economies)} economies in {su.year} (exports of goods). Opportunities: "
               "sectors the economy exports without comparative advantage, ranked by how close its capabilities "
               "are (density), how complex the sector is (PCI) and what it would open up (opportunity gain).</p>")
    out.append(table(su.opportunities.head(8).round(3)))
    if su.eci_years is not None:
        peers = [r for r in su.economies.index if r != e_ and r in su.eci_years.index]
        out.append(fig(eci_figure(su.eci_years, e_, su.atlas, peers)))
    if su.readiness is not None:
        out.append(f"<h3>Readiness of companies</h3><p>{su.readiness_companies} companies' self-assessments "
                   f"({e(su.readiness_source)}); mean band 0–5 by dimension and sector; ✕ = suppressed (too few "
                   "companies, dominance or p % rule, and the cells that would reveal them).</p>")
        out.append(fig(readiness_figure(su.readiness.values, f"{e_}: mean readiness band by dimension and sector",
                                        dict(su.dimension_names))))
    if su.regions is not None:
        r = su.regions
        out.append(f"<h3>Regions</h3><p>{len(r.regions)} NUTS-2 regions; best {e(r.best[0])} (rank {r.best[1]:g}), "
                   f"median rank {r.median_rank:g}, lowest {e(r.worst[0])} ({r.worst[1]:g}) of {r.n_ranked}.</p>")
        if su.lagging_region is not None and len(su.lagging_region.holds_back):
            hb = su.lagging_region.holds_back
            out.append(f"<p>What holds {e(su.lagging_region.region)} back against the other regions of its "
                       "country (robust z, − = behind):</p>")
            out.append(table(hb[[c for c in ("label", "unit", "year", "value", "median", "z") if c in hb]].round(3)))
    if su.technology is not None:
        v = technology_view(su.technology.table).map(_readable)
        out.append(f"<h3>Technology scenario: {e(su.technology.scenario.name)}</h3><p>{e(su.technology_source)}; "
                   "changes against the baseline without the technology.</p>")
        out.append(fig(technology_figure(su.technology.table, su.technology.scenario.name)))
        out.append(table(v.round(3)))
    elif su.technology_note:
        out.append(f"<h3>Technology scenario</h3><p>{e(su.technology_note)}.</p>")
    if su.pipeline is not None:
        out.append(f"<h3>Technology pipeline</h3><p>{e(su.pipeline_source)}: funding by stage, public and private; "
                   "flagged: in development (TRL 4–6) with public money ending and private money for TRL 7–9 short."
                   "</p>")
        units = sorted(set(su.pipeline["funding"].attrs.get("units", {}).values())) or ["as registered"]
        out.append(fig(funding_figure(su.pipeline["funding"], f"{e_}: funding by stage [{', '.join(units)}]")))
        vd = su.pipeline["valley"]
        out.append(table(vd[[c for c in ("trl", "unit", "flag", "shortfall") if c in vd]]))
    if su.monitoring is not None:
        m = su.monitoring
        out.append(f"<h3>Monitoring: {e(su.targets_name)}</h3>")
        out.append(table(status_view(m.status)))
        out.append(fig(targets_figure(m.values, m.status)))
        if len(m.changes):
            out.append("<p>What changed in the targeted sectors against comparison groups (growth a year, before and "
                       "after the baseline):</p>" + table(changes_view(m.changes).round(4)))
        if m.caveats:
            out.append("<p class='note'>" + e(" ".join(m.caveats)) + "</p>")
    out.append("<p class='note'>What these figures rest on: " + e(" ".join(su.notes)) + "</p>")
    return "".join(out)


def _png_tech(su: ScaleUp) -> bytes | None:
    from industwin.viz.report import _png, _pyplot
    t = su.technology.table
    u = t.attrs.get("units", {})
    plt = _pyplot()
    fig, ax = plt.subplots(1, 2, figsize=(7, 2.6))
    ax[0].plot(t.index, t[("adoption", "sector", "scenario")], color=RED)
    ax[0].set_title("adoption (share of scope)", fontsize=8, loc="left")
    m = "emissions" if ("emissions", "economy", "change") in t.columns else "value added"
    ax[1].plot(t.index, t[(m, "economy", "change")], color=RED, label="economy")
    ax[1].plot(t.index, t[(m, "sector", "change")], color=GREY, ls=":", label="sector")
    ax[1].set_title(f"{m} change [{u.get(m, '')}]", fontsize=8, loc="left")
    ax[1].legend(fontsize=7)
    for a in ax:
        a.tick_params(labelsize=7)
    fig.tight_layout()
    return _png(fig)


def _png_readiness(su: ScaleUp) -> bytes | None:
    from industwin.viz.report import _png, _pyplot
    v = su.readiness.values.astype(float)
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 0.22 * len(v) + 0.8))
    ax.imshow(np.ma.masked_invalid(v.to_numpy()), cmap="Blues", vmin=0, vmax=5, aspect="auto")
    ax.set_xticks(range(v.shape[1]), [str(c) for c in v.columns], fontsize=7)
    ax.set_yticks(range(v.shape[0]), [str(su.dimension_names.get(r, r))[:32] for r in v.index], fontsize=6.5)
    for i in range(v.shape[0]):
        for j in range(v.shape[1]):
            x = v.iat[i, j]
            ax.text(j, i, "x" if np.isnan(x) else f"{x:.1f}", ha="center", va="center", fontsize=6)
    ax.set_title("mean band by dimension and sector (x = suppressed)", fontsize=8, loc="left")
    fig.tight_layout()
    return _png(fig)


def scaleup_pdf(su: ScaleUp, text: Callable, image: Callable[[bytes | None], None]) -> None:
    """The challenge-3 evidence in the PDF (``text(s, size, style)``, ``image(png)``)."""
    text("Scale-up evidence", 11, "B")
    for s in su.key_figures():
        text(f"- {s}", 8)
    text("Diversification opportunities: " + "; ".join(
        f"{s} {str(r['name'])[:35]} (density {r['density']:.2f}, PCI {r['pci']:+.2f})"
        for s, r in su.opportunities.head(5).iterrows()), 8)
    if su.readiness is not None:
        image(_png_readiness(su))
    if su.technology is not None:
        image(_png_tech(su))
    elif su.technology_note:
        text(f"Technology scenario: {su.technology_note}", 8)
    if su.pipeline is not None:
        flagged = su.pipeline["valley"]
        flagged = flagged[flagged["flag"]]
        text("Valley of death: " + (", ".join(flagged.index) if len(flagged) else "none flagged"), 8)
    if su.monitoring is not None:
        for t, r in su.monitoring.status.iterrows():
            text(f"Target {t} ({r['indicator']}): {r['status']} - latest {r['latest_value']:.4g} in "
                 f"{int(r['latest_year']) if pd.notna(r['latest_year']) else '-'}, path {r['path_value']:.4g}, "
                 f"target {r['target_value']:.4g} by {int(r['target_year'])}", 8)
        if su.monitoring.caveats:
            text(" ".join(su.monitoring.caveats), 7, "I")
    text("What these figures rest on: " + " ".join(su.notes), 7, "I")

