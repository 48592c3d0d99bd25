"""The strategy report rendered: a self-contained HTML page (plotly charts, one per challenge) on the shared page
writer, and a PDF (fpdf2) with the same charts drawn as static images by matplotlib."""

from __future__ import annotations

import html
import io
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import yaml
from plotly.subplots import make_subplots

from industwin.strategy.report import StrategyReport, display_scale, fmt_value
from industwin.viz.pages import document, figure_html

__all__ = [
    "challenge_figure",
    "challenge_png",
    "emissions_figure",
    "index_figure",
    "index_html",
    "report_html",
    "report_pdf",
    "write_report",
]

RED, GREY = "#d62728", "#9a9a9a"


def _rows(rep: StrategyReport, challenge: str):
    return [r for r in rep.diagnosis.results.values() if r.spec.challenge == challenge and r.available]


def _scale(r) -> tuple[float, str]:
    """Display scale and axis label of an indicator (as the report's text writes it)."""
    return display_scale(r.unit)


def _emissions_mt(rep: StrategyReport) -> tuple[pd.Series, pd.Series, str] | None:
    """Production- and consumption-based emissions of every economy in Mt (None without emissions)."""
    P = rep.diagnosis.peers
    unit = rep.diagnosis.inputs.emissions_unit
    if not unit or "production_emissions" not in P.index or not np.isfinite(P.loc["production_emissions"]).any():
        return None
    k, mt = display_scale(unit)
    return P.loc["production_emissions"] * k, P.loc["consumption_emissions"] * k, mt


def _png(fig) -> bytes:
    """A matplotlib figure as PNG bytes (160 dpi), closed."""
    import matplotlib.pyplot as plt
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=160)
    plt.close(fig)
    return buf.getvalue()


def _pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def challenge_figure(rep: StrategyReport, challenge: str) -> go.Figure | None:
    """One small panel per indicator of a challenge, each on its own axis: the peers (grey) and the economy (red)."""
    rows = _rows(rep, challenge)
    if not rows:
        return None
    fig = make_subplots(rows=len(rows), cols=1, subplot_titles=[f"{r.spec.name} ({_scale(r)[1]})" for r in rows],
                        vertical_spacing=min(0.12, 0.5 / len(rows)))
    for k, r in enumerate(rows, start=1):
        s, _ = _scale(r)
        pv = r.peers.dropna()
        fig.add_scatter(x=pv.to_numpy() * s, y=[0] * len(pv), mode="markers", name="peers", showlegend=k == 1,
                        marker=dict(color=GREY, size=8, opacity=0.7), text=list(pv.index),
                        hovertemplate="%{text}: %{x:.3g}<extra></extra>", row=k, col=1)
        fig.add_scatter(x=[r.value * s], y=[0], mode="markers+text", name=rep.economy, showlegend=k == 1,
                        marker=dict(color=RED, size=14, symbol="diamond"), text=[rep.economy],
                        textposition="top center", hovertemplate=f"{rep.economy}: %{{x:.3g}}<extra></extra>",
                        row=k, col=1)
        fig.update_yaxes(visible=False, range=[-1, 1.5], row=k, col=1)
    fig.update_layout(height=110 + 120 * len(rows), margin=dict(l=30, r=30, t=60, b=30),
                      title=f"{rep.economy} (red) among its peers (grey)")
    return fig


def emissions_figure(rep: StrategyReport) -> go.Figure | None:
    """Production- against consumption-based emissions of every economy of the table (log axes; the diagonal:
    emissions caused = emissions made)."""
    got = _emissions_mt(rep)
    if got is None:
        return None
    prod, cons, mt = got
    ok = np.isfinite(prod) & np.isfinite(cons) & (prod > 0)
    fig = go.Figure()
    fig.add_scatter(x=prod[ok], y=cons[ok], mode="markers+text", text=list(prod[ok].index), textposition="top center",
                    marker=dict(color=[RED if e == rep.economy else GREY for e in prod[ok].index], size=9),
                    hovertemplate=f"%{{text}}: production %{{x:,.0f}} {mt}, footprint %{{y:,.0f}} {mt}<extra></extra>",
                    showlegend=False)
    lo, hi = float(min(prod[ok].min(), cons[ok].min())), float(max(prod[ok].max(), cons[ok].max()))
    fig.add_scatter(x=[lo, hi], y=[lo, hi], mode="lines", line=dict(color="#555", dash="dot"), showlegend=False)
    fig.update_layout(title=f"Production- and consumption-based emissions ({mt}): above the line, net importers of "
                            "embodied emissions", xaxis_type="log", yaxis_type="log", height=480,
                      xaxis_title="production-based (industries' own emissions)",
                      yaxis_title="consumption-based (footprint of final demand)")
    return fig


def challenge_png(rep: StrategyReport, challenge: str, width_in: float = 7.0) -> bytes | None:
    """The challenge's panels as a PNG (matplotlib, for the PDF)."""
    rows = _rows(rep, challenge)
    if not rows:
        return None
    plt = _pyplot()
    fig, axes = plt.subplots(len(rows), 1, figsize=(width_in, 0.95 * len(rows) + 0.3), squeeze=False)
    for ax, r in zip(axes[:, 0], rows):
        s, label = _scale(r)
        pv = r.peers.dropna()
        ax.scatter(pv.to_numpy() * s, np.zeros(len(pv)), s=18, color=GREY, alpha=0.7, zorder=2)
        ax.scatter([r.value * s], [0], s=70, marker="D", color=RED, zorder=3)
        ax.annotate(rep.economy, (r.value * s, 0), xytext=(0, 6), textcoords="offset points", ha="center",
                    fontsize=7, color=RED)
        med = pv.median() * s if len(pv) else np.nan
        if np.isfinite(med):
            ax.axvline(med, color="#555", lw=0.8, ls=":", zorder=1)
        ax.set_yticks([])
        ax.set_ylim(-1, 1.6)
        ax.set_title(f"{r.spec.name} ({label})", fontsize=7.5, loc="left")
        ax.tick_params(axis="x", labelsize=7)
        for side in ("left", "right", "top"):
            ax.spines[side].set_visible(False)
    fig.tight_layout(h_pad=0.6)
    return _png(fig)


def emissions_png(rep: StrategyReport) -> bytes | None:
    got = _emissions_mt(rep)
    if got is None:
        return None
    plt = _pyplot()
    prod, cons, mt = got
    ok = np.isfinite(prod) & np.isfinite(cons) & (prod > 0)
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for e in prod[ok].index:
        me = e == rep.economy
        ax.scatter(prod[e], cons[e], s=40 if me else 14, color=RED if me else GREY, zorder=3 if me else 2)
        ax.annotate(e, (prod[e], cons[e]), fontsize=6 if not me else 8, color=RED if me else "#555",
                    xytext=(2, 2), textcoords="offset points")
    lo, hi = float(min(prod[ok].min(), cons[ok].min())), float(max(prod[ok].max(), cons[ok].max()))
    ax.plot([lo, hi], [lo, hi], ls=":", color="#555", lw=0.8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(f"production-based ({mt})", fontsize=8)
    ax.set_ylabel(f"consumption-based ({mt})", fontsize=8)
    ax.set_title("Above the line: net importers of embodied emissions", fontsize=8, loc="left")
    ax.tick_params(labelsize=7)
    fig.tight_layout()
    return _png(fig)


def _display(rep: StrategyReport, challenge: str) -> pd.DataFrame:
    """Indicator rows for people: values in their units, the percentile in words, the source."""
    rows = []
    for r in rep.diagnosis.results.values():
        if r.spec.challenge != challenge:
            continue
        pv = r.peers.dropna()
        d = rep.diagnosis
        rows.append({"indicator": r.spec.name, "value": fmt_value(r.value, r.unit),
                     "peer median": fmt_value(pv.median(), r.unit) if len(pv) else "",
                     "peer range": f"{fmt_value(pv.min(), r.unit)} – {fmt_value(pv.max(), r.unit)}" if len(pv) else "",
                     "peers lower": f"{r.percentile:.0%}" if np.isfinite(r.percentile) else "",
                     "change 5 y": _change(d.change(r.spec.id, 5), r.unit),
                     "change 10 y": _change(d.change(r.spec.id, 10), r.unit),
                     "source": r.source})
    return pd.DataFrame(rows).set_index("indicator")


def _change(v: float, unit: str) -> str:
    """A change over years in the unit people read (percentage points for shares)."""
    if v is None or not np.isfinite(v):
        return ""
    k, shown = display_scale(unit)
    return f"{k * v:+.1f} pp" if shown == "%" else f"{k * v:+,.3g}" + ("" if shown in ("ratio",) else f" {shown}")


def _lead(text: str) -> str:
    """A summary bullet with its finding (before the first dash) in bold."""
    head, sep, rest = text.partition(" — ")
    return f"<b>{html.escape(head)}</b>{sep}{html.escape(rest)}" if sep else html.escape(text)


def _finding_html(rep: StrategyReport, r) -> str:
    """A material finding: numbers, checks, the what if's result, priorities, cases and the scenario file."""
    e = html.escape
    t, st = r.test, r.stake
    out = [f"<h3>Finding (score {r.score:.1f}): {e(r.rule.finding)}</h3>",
           f"<p><b>Rule</b> {e(r.rule.condition())}. <b>Evidence</b> {e(r.evidence)}. <b>Trend</b> "
           f"{e(r.trend_words())}.</p>",
           f"<p><b>Confidence</b> — {e(r.confidence.words())}</p>"]
    if r.confidence.checks:
        out.append(_table(pd.DataFrame([{"check": c.label, "holds": "yes" if c.holds else "no", "detail": c.detail}
                                        for c in r.confidence.checks]).set_index("check")))
    c = rep.consequences.get(r.rule.id)
    if c is not None:
        out.append(f"<p><b>What if — {e(c.name)}</b> (run with this report): "
                   f"{e(c.headline if c.ok else 'not computed: ' + c.error)}</p>")
        if c.figures:
            out.append(_table(pd.DataFrame([{"figure": k, "value": v, "unit": u} for k, (v, u) in c.figures.items()])
                              .set_index("figure")))
    out.append("<p><b>Priorities</b></p><ul>" + "".join(
        f"<li><b>{e(p.title)}</b> ({p.actor} sector; {e(p.instruments)}): {e(p.summary)}</li>"
        for p in r.priorities.itertuples()) + "</ul>")
    if len(r.cases):
        out.append("<p><b>Cases</b></p><ul>" + "".join(
            f"<li><b>{e(k.initiative)}</b> ({e(k.country)}): {e(k.summary)}"
            f"{' — ' + e(k.figures) if k.figures else ''}</li>" for k in r.cases.itertuples()) + "</ul>")
    if r.scenario:
        out.append(f"<details><summary>The scenario file (rerun with <code>industwin {r.command} scenario.yaml"
                   f"</code>)</summary><pre>{e(yaml.safe_dump(r.scenario, sort_keys=False, allow_unicode=True))}"
                   "</pre></details>")
    return "".join(out)


def _table(df: pd.DataFrame) -> str:
    def cell(v):
        if isinstance(v, float):
            return "" if np.isnan(v) else f"{v:,.4g}"
        return html.escape(str(v))
    names = [str(n or "") for n in (df.index.names if df.index.nlevels > 1 else [df.index.name])]
    head = "".join(f"<th>{html.escape(n)}</th>" for n in names) + "".join(f"<th>{html.escape(str(c))}</th>"
                                                                          for c in df.columns)
    rows = "".join("<tr>" + "".join(f"<td>{cell(i)}</td>" for i in (ix if isinstance(ix, tuple) else (ix,)))
                   + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for ix, row in zip(df.index, df.to_numpy()))
    return f"<table class='t'><tr>{head}</tr>{rows}</table>"


def report_html(rep: StrategyReport, shared_js: bool = False) -> str:
    """The report as one HTML page (``shared_js``: plotly.js from ``plotly.min.js`` beside it)."""
    e = html.escape
    d = rep.diagnosis
    parts, n = [], [0]

    def fig(f):
        n[0] += 1
        return figure_html(f, n[0] == 1, shared_js)
    parts.append(f"<h1>{e(rep.economy)} {rep.year or ''}: an industrial strategy diagnosis across five grand "
                 "challenges</h1>")
    ps = d.primary
    parts.append(f"<p class='note'>Twin: {e(rep.table_name)} · peers: {e(ps.description if ps else 'the table')} · "
                 f"framework: WEF–UNIDO–CIIP (2024), knowledge base {e(rep.framework.version)} · "
                 f"emissions: {e(d.inputs.emissions or 'none')} · jobs: {e(d.inputs.employment or 'none')}</p>")
    parts.append("<h2>Executive summary</h2><p class='note'>Material findings only — beyond the peers' spread for "
                 "their number (robust z ≥ t⁻¹(1−Φ(−1.5))·√(1+π/2n): 3.5 for 5 peers, 2.1 for 10, 1.6 for 40) and "
                 "worth 1 % or more of value added, jobs or emissions — ranked by score (√ of the product of both "
                 "counts over their thresholds), each with its trend, confidence and the result of its what-if."
                 "</p><ol>" + "".join(f"<li>{_lead(p.split('. ', 1)[1] if p[:1].isdigit() else p)}</li>"
                                     for p in rep.summary_points()) + "</ol>")
    parts.append("<h2>Key figures</h2><ul>" + "".join(f"<li>{e(p)}</li>" for p in rep.key_figures()) + "</ul>")
    for c in rep.framework.challenges:
        parts.append(f"<h2>Challenge {c.number}: {e(c.title)}</h2><p>{e(c.summary)}</p>")
        parts.append(_table(_display(rep, c.id)))
        f = challenge_figure(rep, c.id)
        if f is not None:
            parts.append(fig(f))
        if c.id == "sustainability":
            f = emissions_figure(rep)
            if f is not None:
                parts.append(fig(f))
        recs = [r for r in rep.recommendations if r.rule.challenge == c.id]
        if not recs:
            parts.append("<p class='note'>No material finding in this challenge for this economy.</p>")
        for r in recs:
            parts.append(_finding_html(rep, r))
        if c.id == "technology" and rep.scaleup is not None:
            from industwin.viz.report_scaleup import scaleup_html
            parts.append(scaleup_html(rep.scaleup, fig, _table))
        parts.append(f"<p class='note'>Open debates: {e('; '.join(x.title for x in c.debates))}.</p>")
    parts.append("<h2>Findings tested</h2><p class='note'>Every rule on the primary peers: robust z (in peer "
                 "spreads, on the side of concern) against the bar for the peer set's size, the stake (share of "
                 "value added, jobs or emissions) and the score.</p>")
    ft = rep.findings_table()
    if len(ft):
        parts.append(_table(ft.round(4)))
    parts.append("<h2>Peer comparison</h2><p class='note'>The peer sets and the findings each would give — how the "
                 "diagnosis changes with another reasonable set.</p>")
    parts.append(_table(rep.peer_sets_table()))
    parts.append(_table(d.peers.T.round(4)))
    parts.append("<h2>Consultation</h2>")
    if rep.consultation is None:
        parts.append("<p class='note'>No survey given. `industwin.strategy.consultation.questionnaire()` writes "
                     "the questionnaire; pass the answers with --survey.</p>")
    else:
        a = rep.consultation
        recommended = {p for r in rep.recommendations for p in r.priorities["id"]}
        a = a.assign(recommended=[i in recommended for i in a.index])
        agree = ", ".join(a[a.recommended & (a.verdict == "consensus")]["title"]) or "none"
        contested = ", ".join(a[a.recommended & (a.verdict == "contested")]["title"]) or "none"
        parts.append(f"<p>{int(a['respondents'].max())} respondents. Priorities the diagnosis recommends and "
                     f"stakeholders back (consensus): {e(agree)}; recommended but contested: {e(contested)}.</p>")
        parts.append(_table(a.round(2)))
    parts.append("<h2>Appendix: data and methods</h2>")
    parts.append(f"<p>Table: {e(str(rep.meta.get('source', rep.table_name)))}. "
                 f"{e(str(rep.meta.get('caveats', '')))}</p>")
    if rep.caveats:
        parts.append("<p><b>Accounts: gaps and estimates</b></p><ul>" + "".join(f"<li>{e(c)}</li>"
                                                                              for c in rep.caveats) + "</ul>")
    parts.append(_table(d.table[["challenge", "name", "method", "source"]]))
    parts.append(f"<p class='note'>Framework: {e(rep.framework.source)} Descriptions are industwin's own words; "
                 "figures as reported in the paper. Peer percentile = share of peers with a lower value. "
                 "Generated by industwin.</p>")
    return document(f"{rep.economy} strategy report", "".join(parts))


def _latin(s: str) -> str:
    rep = {"–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "≥": ">=", "≤": "<=", "×": "x", "·": "-",
           "…": "...", "→": "->", "Σ": "sum", "′": "'", "̂": "", "≈": "~", "x̃": "x~"}
    for a, b in rep.items():
        s = s.replace(a, b)
    return s.encode("latin-1", "replace").decode("latin-1")


def report_pdf(rep: StrategyReport) -> bytes:
    """The report as a PDF: the summary, each challenge with its chart (a static image), the recommendations,
    the consultation and the appendix."""
    from fpdf import FPDF
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, 15)
    pdf.add_page()
    W = pdf.w - 2 * pdf.l_margin

    def text(s, size=10, style=""):
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(W, size * 0.5, _latin(s))
        pdf.ln(1)

    def image(png: bytes | None, width: float = W):
        if png is None:
            return
        buf = io.BytesIO(png)
        pdf.image(buf, w=width)
        pdf.ln(2)

    d = rep.diagnosis
    text(f"{rep.economy} {rep.year or ''}: an industrial strategy diagnosis across five grand challenges", 16, "B")
    text(f"Twin: {rep.table_name}; peers: {d.primary.description if d.primary else 'the table'}; framework: "
         "WEF-UNIDO-CIIP (2024), "
         f"knowledge base {rep.framework.version}; emissions: {d.inputs.emissions or 'none'}; jobs: "
         f"{d.inputs.employment or 'none'}", 8)
    text("Executive summary (material findings, ranked)", 13, "B")
    for p in rep.summary_points():
        text(p, 10)
    text("Key figures", 13, "B")
    for p in rep.key_figures():
        text(f"- {p}", 9)
    for c in rep.framework.challenges:
        pdf.add_page()
        text(f"Challenge {c.number}: {c.title}", 13, "B")
        text(c.summary, 9)
        for r in d.results.values():
            if r.spec.challenge != c.id:
                continue
            if not r.available:
                text(f"{r.spec.name}: not available - needs {r.spec.needs}", 9, "I")
                continue
            pv = r.peers.dropna()
            text(f"{r.spec.name}: {fmt_value(r.value, r.unit)} (peer median {fmt_value(pv.median(), r.unit)}; "
                 f"{r.percentile:.0%} of peers lower)", 9)
        image(challenge_png(rep, c.id))
        if c.id == "sustainability":
            image(emissions_png(rep))
        for r in [r for r in rep.recommendations if r.rule.challenge == c.id]:
            text(f"Finding (score {r.score:.1f}): {r.rule.finding}", 10, "B")
            text(f"Rule {r.rule.condition()}; evidence {r.evidence}. Trend: {r.trend_words()}.", 8)
            text(r.confidence.words(), 8)
            cq = rep.consequences.get(r.rule.id)
            if cq is not None:
                text(f"What if ({cq.name}): {cq.headline if cq.ok else 'not computed: ' + cq.error}", 9)
            text("Priorities: " + "; ".join(r.priorities["title"]), 9)
            if len(r.cases):
                text("Cases: " + "; ".join(f"{k.initiative} ({k.country})" for k in r.cases.itertuples()), 9)
            if r.scenario:
                text(f"What if: scenario '{r.scenario['name']}' (industwin {r.command}; full file in the HTML "
                     "report)", 8, "I")
        if c.id == "technology" and rep.scaleup is not None:
            from industwin.viz.report_scaleup import scaleup_pdf
            scaleup_pdf(rep.scaleup, text, image)
    pdf.add_page()
    text("Consultation", 13, "B")
    if rep.consultation is None:
        text("No survey given.", 9)
    else:
        for _, row in rep.consultation.head(25).iterrows():
            text(f"{row['title']}: mean {row['mean']:.2f}, support {row['support']:.0%}, {row['verdict']}", 8)
    text("Appendix: data and methods", 13, "B")
    text(f"Table: {rep.meta.get('source', rep.table_name)}. {rep.meta.get('caveats', '')}", 8)
    for c in rep.caveats:
        text(f"- {c}", 8)
    for r in d.results.values():
        text(f"{r.spec.name}: {r.spec.method} [{r.source}]", 8)
    return bytes(pdf.output())


def write_report(rep: StrategyReport, path: str | Path, pdf: bool = True) -> tuple[Path, Path | None]:
    """Write the HTML (and the PDF beside it): both are made before either is written, each atomically."""
    from industwin.data.storage import write_atomic
    path = Path(path)
    text, doc = report_html(rep), (report_pdf(rep) if pdf else None)
    out = path.with_suffix(".pdf") if pdf else None
    write_atomic(path, lambda p: Path(p).write_text(text, encoding="utf-8"))
    if out is not None:
        write_atomic(out, lambda p: Path(p).write_bytes(doc))
    return path, out


SORT_JS = """<script>
document.querySelectorAll('table.sortable th').forEach((th, col) => th.addEventListener('click', () => {
  const t = th.closest('table'), rows = Array.from(t.querySelectorAll('tr')).slice(1);
  const asc = th.dataset.asc !== '1'; th.dataset.asc = asc ? '1' : '0';
  const val = r => { const s = r.children[col].dataset.v ?? r.children[col].textContent; const f = parseFloat(s);
                     return isNaN(f) ? s : f; };
  rows.sort((a, b) => (val(a) > val(b) ? 1 : val(a) < val(b) ? -1 : 0) * (asc ? 1 : -1));
  rows.forEach(r => t.appendChild(r));
}));
</script>"""


def index_figure(P: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Small multiples: one panel per indicator, every economy's value, sorted."""
    P = P.loc[[i for i in P.index if np.isfinite(P.loc[i]).any()]]
    cols = 3
    rows = -(-len(P) // cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[names.get(i, i)[:48] for i in P.index],
                        vertical_spacing=0.5 / rows, horizontal_spacing=0.06)
    for k, ind in enumerate(P.index):
        v = P.loc[ind].dropna().sort_values()
        fig.add_bar(x=list(v.index), y=v.to_numpy(), marker_color=GREY, showlegend=False,
                    hovertemplate="%{x}: %{y:.3g}<extra></extra>", row=k // cols + 1, col=k % cols + 1)
        fig.update_xaxes(tickfont=dict(size=6), row=k // cols + 1, col=k % cols + 1)
    fig.update_annotations(font_size=10)
    fig.update_layout(height=230 * rows, margin=dict(l=30, r=20, t=60, b=30),
                      title="Every economy on every indicator (each panel sorted; raw values: shares as fractions, "
                            "emissions and jobs in their satellites' units)")
    return fig


def index_html(index: pd.DataFrame, P: pd.DataFrame, mrio, inputs, pdf: bool = True) -> str:
    """The index of a folder of reports: a sortable ranking table (percentile among the others) linking each
    economy's report, and small multiples of every indicator."""
    from industwin.strategy.indicators import SPECS
    e = html.escape
    names = {k: s.name for k, s in SPECS.items()}
    head = "<tr><th>economy</th><th>findings</th>" + "".join(
        f"<th title='{e(names.get(c, c))}'>{e(c)}</th>" for c in index.columns if c != "findings") + "</tr>"
    body = []
    for econ, row in index.iterrows():
        cells = "".join(f"<td data-v='{v:.6f}'>{v:.2f}</td>" if np.isfinite(v) else "<td data-v='-1'></td>"
                        for c, v in row.items() if c != "findings")
        link = f" (<a href='{e(econ)}.pdf'>pdf</a>)" if pdf else ""
        body.append(f"<tr><td><a href='{e(econ)}.html'>{e(econ)}</a>{link}</td>"
                    f"<td>{int(row['findings'])}</td>{cells}</tr>")
    notes = "".join(f"<li>{e(c)}</li>" for c in inputs.caveats)
    parts = [f"<h1>Strategy reports: {len(index)} economies of {e(mrio.name)} {mrio.year or ''}</h1>",
             ("<p class='note'>Each cell: the economy's percentile among all the others on the indicator (1 = the "
              "highest value; for exposures high is worse, for strengths better). Click a column to sort; click an "
              f"economy for its report. Findings = recommendations its report makes. Emissions: "
              f"{e(inputs.emissions or 'none')}; jobs: {e(inputs.employment or 'none')}.</p>"),
             f"<div style='overflow-x:auto'><table class='t sortable'>{head}{''.join(body)}</table></div>",
             figure_html(index_figure(P, names), True, shared_js=True),
             f"<h2>Gaps and estimates in the accounts</h2><ul>{notes or '<li>none</li>'}</ul>", SORT_JS]
    return document(f"Strategy reports {mrio.name} {mrio.year or ''}", "".join(parts),
                    " table.sortable th{cursor:pointer;font-size:11px} table.sortable td:first-child{white-space:nowrap}")
