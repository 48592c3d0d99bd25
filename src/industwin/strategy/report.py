"""The strategy report: one economy's diagnosis across the five grand challenges, peer comparison,
recommendations with their evidence, cases and ready scenarios, the consultation when given, and an appendix on
data and methods — as a self-contained HTML page and as a PDF."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import yaml

from industwin.strategy.consultation import aggregate, read_responses
from industwin.strategy.indicators import Diagnosis, diagnose
from industwin.strategy.knowledge import Framework, load_framework
from industwin.strategy.recommend import Recommendation, recommend

__all__ = ["StrategyReport", "build_report"]

SECTIONS = ("Executive summary", "Peer comparison", "Consultation", "Appendix: data and methods")


@dataclass
class StrategyReport:
    economy: str
    year: int | None
    table_name: str
    diagnosis: Diagnosis
    recommendations: list[Recommendation]
    framework: Framework
    consultation: pd.DataFrame | None
    meta: dict

    # ------------------------------------------------------------------ text
    def summary_points(self) -> list[str]:
        t = self.diagnosis.table
        pts = []
        for r in self.recommendations[:4]:
            titles = ", ".join(r.priorities["title"].head(3))
            pts.append(f"{self._challenge_title(r.rule.challenge)}: {r.rule.finding} ({_fmt(r.value, t.loc[r.rule.indicator, 'unit'])}"
                       f"{'' if r.rule.basis == 'value' else f', above {r.measure:.0%} of peers' if r.rule.test == '>=' else f', below {1 - r.measure:.0%} of peers'}). "
                       f"Priorities: {titles}.")
        strong = t[(t["direction"] == "strength") & (t["percentile"] >= 0.75)]
        for ind, row in strong.iterrows():
            pts.append(f"Strength: {row['name'].lower()} {_fmt(row['value'], row['unit'])}, higher than "
                       f"{row['percentile']:.0%} of peers.")
        missing = t[~t["available"]]
        if len(missing):
            pts.append(f"Not assessed for lack of data: {', '.join(missing['name'].str.lower())} "
                       "(see the appendix for what to add).")
        if not self.recommendations:
            pts.insert(0, "No rule flags a gap against its threshold; the indicators below show where the economy "
                          "stands against its peers.")
        return pts

    def _challenge_title(self, cid: str) -> str:
        return self.framework.challenge(cid).title

    # ------------------------------------------------------------------ figures
    def figure(self, challenge: str) -> go.Figure | None:
        t = self.diagnosis.table
        t = t[(t["challenge"] == challenge) & t["available"]]
        if t.empty:
            return None
        P = self.diagnosis.peers
        fig = go.Figure()
        for k, (ind, row) in enumerate(t.iterrows()):
            vals = P.loc[ind].drop(self.economy).dropna()
            fig.add_scatter(x=vals.to_numpy(), y=[row["name"]] * len(vals), mode="markers", name="peers",
                            marker=dict(color="#b0b0b0", size=7), showlegend=k == 0, text=list(vals.index),
                            hovertemplate="%{text}: %{x:.3g}<extra></extra>")
            fig.add_scatter(x=[row["value"]], y=[row["name"]], mode="markers", name=self.economy,
                            marker=dict(color="#d62728", size=13, symbol="diamond"), showlegend=k == 0,
                            hovertemplate=f"{self.economy}: %{{x:.3g}}<extra></extra>")
        fig.update_layout(title=f"{self.economy} (red) among its peers (grey), one row per indicator",
                          height=max(260, 140 + 70 * len(t)), margin=dict(l=360),
                          xaxis_title="value (units in the table)")
        return fig

    # ------------------------------------------------------------------ HTML
    def html(self) -> str:
        parts, first = [], True

        def fig_html(fig):
            nonlocal first
            out = fig.to_html(full_html=False, include_plotlyjs=first, config={"displaylogo": False})
            first = False
            return out

        e = html.escape
        parts.append(f"<h1>{e(self.economy)} {self.year or ''}: an industrial strategy diagnosis across five grand "
                     "challenges</h1>")
        parts.append(f"<p class='note'>Twin: {e(self.table_name)} · peers: {len(self.diagnosis.peers.columns) - 1} "
                     f"economies of the same table · framework: WEF–UNIDO–CIIP (2024), knowledge base "
                     f"{e(self.framework.version)}</p>")
        parts.append("<h2>Executive summary</h2><ul>" + "".join(f"<li>{e(p)}</li>" for p in self.summary_points())
                     + "</ul>")
        for c in self.framework.challenges:
            parts.append(f"<h2>Challenge {c.number}: {e(c.title)}</h2><p>{e(c.summary)}</p>")
            t = self.diagnosis.table[self.diagnosis.table["challenge"] == c.id]
            parts.append(_table(_display(t)))
            fig = self.figure(c.id)
            if fig is not None:
                parts.append(fig_html(fig))
            recs = [r for r in self.recommendations if r.rule.challenge == c.id]
            if not recs:
                parts.append("<p class='note'>No rule of this challenge fires for this economy.</p>")
            for r in recs:
                parts.append(f"<h3>Recommendation: {e(r.rule.finding)}</h3>")
                parts.append(f"<p><b>Rule</b> {e(r.rule.condition())} · <b>evidence</b> {e(r.evidence)} · "
                             f"<b>gap</b> {r.gap:.2f}</p>")
                parts.append("<p><b>Priorities</b></p><ul>" + "".join(
                    f"<li><b>{e(p.title)}</b> ({p.actor} sector; {e(p.instruments)}): {e(p.summary)}</li>"
                    for p in r.priorities.itertuples()) + "</ul>")
                if len(r.cases):
                    parts.append("<p><b>Cases</b></p><ul>" + "".join(
                        f"<li><b>{e(k.initiative)}</b> ({e(k.country)}): {e(k.summary)}"
                        f"{' — ' + e(k.figures) if k.figures else ''}</li>" for k in r.cases.itertuples()) + "</ul>")
                if r.scenario:
                    cmd = "industwin simulate" if "shocks" in r.scenario else "industwin decarbonise"
                    parts.append(f"<p><b>What if</b> — save as scenario.yaml and run <code>{cmd} scenario.yaml"
                                 f"</code>:</p><pre>{e(yaml.safe_dump(r.scenario, sort_keys=False, allow_unicode=True))}"
                                 "</pre>")
            debates = "; ".join(d.title for d in c.debates)
            parts.append(f"<p class='note'>Open debates: {e(debates)}.</p>")
        parts.append("<h2>Peer comparison</h2>")
        parts.append(_table(self.diagnosis.peers.T.round(4)))
        parts.append("<h2>Consultation</h2>")
        if self.consultation is None:
            parts.append("<p class='note'>No survey given. `industwin.strategy.consultation.questionnaire()` writes "
                         "the questionnaire; pass the answers with --survey.</p>")
        else:
            a = self.consultation
            recommended = {p for r in self.recommendations for p in r.priorities["id"]}
            a = a.assign(recommended=[i in recommended for i in a.index])
            parts.append(f"<p>{int(a['respondents'].max())} respondents. Priorities the diagnosis recommends and "
                         f"stakeholders back (consensus): {', '.join(a[a.recommended & (a.verdict == 'consensus')]['title']) or 'none'}; "
                         f"recommended but contested: {', '.join(a[a.recommended & (a.verdict == 'contested')]['title']) or 'none'}.</p>")
            parts.append(_table(a.round(2)))
        parts.append("<h2>Appendix: data and methods</h2>")
        parts.append(f"<p>Table: {e(self.meta.get('source', self.table_name))}. {e(self.meta.get('caveats', ''))}</p>")
        parts.append(_table(self.diagnosis.table[["challenge", "name", "method", "source"]]))
        parts.append(f"<p class='note'>Framework: {e(self.framework.source)} Descriptions are industwin's own words; "
                     "figures as reported in the paper. Peer percentile = share of peers with a lower value. "
                     f"Generated by industwin.</p>")
        style = ("body{font-family:system-ui,sans-serif;max-width:1100px;margin:auto;padding:1em;color:#222;"
                 "line-height:1.45} table.t{border-collapse:collapse;font-size:13px;margin:.5em 0} table.t td,"
                 "table.t th{padding:2px 8px;text-align:right} table.t td:first-child{text-align:left} "
                 "table.t tr:nth-child(even){background:#f3f3f3} .note{color:#555;font-size:13px} "
                 "pre{background:#f6f6f6;padding:.6em;font-size:12px;overflow-x:auto} h2{margin-top:1.6em;"
                 "border-bottom:1px solid #ddd}")
        return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{e(self.economy)} strategy report</title>"
                f"<style>{style}</style></head><body>{''.join(parts)}</body></html>")

    # ------------------------------------------------------------------ PDF
    def pdf(self) -> bytes:
        from fpdf import FPDF
        pdf = FPDF(format="A4")
        pdf.set_auto_page_break(True, 15)
        pdf.add_page()
        W = pdf.w - 2 * pdf.l_margin

        def text(s, size=10, style=""):
            pdf.set_font("Helvetica", style, size)
            pdf.multi_cell(W, size * 0.5, _latin(s))
            pdf.ln(1)

        text(f"{self.economy} {self.year or ''}: an industrial strategy diagnosis across five grand challenges", 16, "B")
        text(f"Twin: {self.table_name}; peers: {len(self.diagnosis.peers.columns) - 1} economies; framework: "
             f"WEF-UNIDO-CIIP (2024), knowledge base {self.framework.version}", 8)
        text("Executive summary", 13, "B")
        for p in self.summary_points():
            text(f"- {p}", 10)
        for c in self.framework.challenges:
            text(f"Challenge {c.number}: {c.title}", 13, "B")
            text(c.summary, 9)
            t = self.diagnosis.table[self.diagnosis.table["challenge"] == c.id]
            for ind, row in t.iterrows():
                if not row["available"]:
                    text(f"{row['name']}: not available ({row['source']})", 9, "I")
                    continue
                pct = row["percentile"]
                text(f"{row['name']}: {_fmt(row['value'], row['unit'])} (peer median {_fmt(row['peer_median'], row['unit'])})", 9)
                if pd.notna(pct):                      # a bar: share of peers below the economy
                    y = pdf.get_y()
                    pdf.set_fill_color(225, 225, 225)
                    pdf.rect(pdf.l_margin, y, 80, 3, "F")
                    pdf.set_fill_color(214, 39, 40)
                    pdf.rect(pdf.l_margin, y, 80 * pct, 3, "F")
                    pdf.set_xy(pdf.l_margin + 82, y - 1)
                    pdf.set_font("Helvetica", "", 7)
                    pdf.cell(40, 4, f"{pct:.0%} of peers lower")
                    pdf.ln(5)
            for r in [r for r in self.recommendations if r.rule.challenge == c.id]:
                text(f"Recommendation: {r.rule.finding}", 10, "B")
                text(f"Rule {r.rule.condition()}; evidence {r.evidence}", 8)
                text("Priorities: " + "; ".join(r.priorities["title"]), 9)
                if len(r.cases):
                    text("Cases: " + "; ".join(f"{k.initiative} ({k.country})" for k in r.cases.itertuples()), 9)
                if r.scenario:
                    text(f"What if: scenario '{r.scenario['name']}' (full file in the HTML report)", 8, "I")
        text("Consultation", 13, "B")
        if self.consultation is None:
            text("No survey given.", 9)
        else:
            for i, row in self.consultation.head(25).iterrows():
                text(f"{row['title']}: mean {row['mean']:.2f}, support {row['support']:.0%}, {row['verdict']}", 8)
        text("Appendix: data and methods", 13, "B")
        text(f"Table: {self.meta.get('source', self.table_name)}. {self.meta.get('caveats', '')}", 8)
        for ind, row in self.diagnosis.table.iterrows():
            text(f"{row['name']}: {row['method']} [{row['source']}]", 8)
        return bytes(pdf.output())

    def write(self, path: str | Path, pdf: bool = True) -> tuple[Path, Path | None]:
        """Write the HTML (and the PDF beside it): both are made before either is written, each atomically."""
        from industwin.data.storage import write_atomic
        path = Path(path)
        html, doc = self.html(), (self.pdf() if pdf else None)
        out = path.with_suffix(".pdf") if pdf else None
        write_atomic(path, lambda p: Path(p).write_text(html, encoding="utf-8"))
        if out is not None:
            write_atomic(out, lambda p: Path(p).write_bytes(doc))
        return path, out


def _display(t: pd.DataFrame) -> pd.DataFrame:
    """Indicator rows for people: shares in %, the percentile in words, the source."""
    rows = []
    for _, r in t.iterrows():
        rows.append({"indicator": r["name"], "value": _fmt(r["value"], r["unit"]),
                     "peer median": _fmt(r["peer_median"], r["unit"]),
                     "peer range": f"{_fmt(r['peer_min'], r['unit'])} – {_fmt(r['peer_max'], r['unit'])}"
                     if pd.notna(r["peer_min"]) else "",
                     "peers lower": f"{r['percentile']:.0%}" if pd.notna(r["percentile"]) else "",
                     "unit": "%" if r["unit"].startswith("share") else r["unit"], "source": r["source"]})
    return pd.DataFrame(rows).set_index("indicator")


def _fmt(v, unit: str) -> str:
    if pd.isna(v):
        return "n/a"
    return f"{100 * v:.1f} %" if unit.startswith("share") else f"{v:,.3g}"


def _latin(s: str) -> str:
    rep = {"–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "≥": ">=", "≤": "<=", "×": "x", "·": "-",
           "…": "...", "→": "->", "Σ": "sum", "′": "'", "̂": "", "≈": "~"}
    for a, b in rep.items():
        s = s.replace(a, b)
    return s.encode("latin-1", "replace").decode("latin-1")


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


def build_report(economy: str, year: int | None = 2011, dataset: str = "wiod2013", peers=None, survey=None,
                 mrio=None, framework: Framework | None = None, progress=None) -> StrategyReport:
    """Diagnose ``economy`` in ``dataset`` (a table with several economies: they are the peers), recommend,
    add the consultation when a survey (CSV or DataFrame) is given."""
    if mrio is None:
        from industwin.data.registry import load
        mrio = load(dataset, year)
    fw = framework or load_framework()
    past = None
    if mrio.year is not None and dataset is not None:
        from industwin.data.registry import DATASETS, load
        ds = DATASETS.get(str(dataset).lower())
        if ds is not None and mrio.year - 5 in ds.years:
            past = load(dataset, mrio.year - 5)
    d = diagnose(mrio, economy, peers, past=past, progress=progress)
    recs = recommend(d, fw)
    cons = aggregate(read_responses(survey, fw), fw) if survey is not None else None
    return StrategyReport(economy, mrio.year, f"{mrio.name} {mrio.year or ''}".strip(), d, recs, fw, cons,
                          dict(mrio.meta))
