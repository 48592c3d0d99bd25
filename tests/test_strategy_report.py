"""The strategy report for a large advanced economy and an emerging one: every section in the HTML, the PDF
renders, the numbers are the diagnosis's, the survey appears beside the diagnosis."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from industwin.cli import app
from industwin.strategy.consultation import questionnaire
from industwin.strategy.report import SECTIONS, build_report


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


@pytest.mark.parametrize("economy", ["DEU", "IND"])
def test_report_sections_and_pdf(economy, wiod2011, tmp_path):
    rep = build_report(economy, mrio=wiod2011)
    html_path, pdf_path = rep.write(tmp_path / f"{economy}.html")
    h = html_path.read_text()
    for s in SECTIONS:
        assert f"<h2>{s}</h2>" in h
    for c in rep.framework.challenges:
        assert f"Challenge {c.number}: {c.title}" in h
    for r in rep.recommendations:
        assert html.escape(r.rule.finding) in h and html.escape(r.evidence.split(":")[0]) in h
    # the indicator values shown are the diagnosis's (shares in %)
    v = rep.diagnosis.table.loc["gvc_participation", "value"]
    assert f"{100 * v:.1f} %" in h
    pdf = pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF") and _pages(pdf) >= 2
    assert "plotly" in h and h.count("<script") >= 1 and "cdn" not in h.split("<body>")[0]


def test_report_command_with_a_survey(tmp_path):
    q = questionnaire()
    rows = [{"respondent": f"{g[0]}{k}", "group": g, "priority": p, "score": 5 if g == "government" else 3}
            for g in ("government", "industry") for k in range(3) for p in q["priority"][:12]]
    pd.DataFrame(rows).to_csv(tmp_path / "survey.csv", index=False)
    r = CliRunner().invoke(app, ["report", "--economy", "CHN", "--year", "2011", "--peers", "DEU,USA,JPN,IND,BRA",
                                 "--survey", str(tmp_path / "survey.csv"), "-o", str(tmp_path / "chn.html")],
                           env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    h = (tmp_path / "chn.html").read_text()
    assert "6 respondents" in h and "contested" in h
    assert (tmp_path / "chn.pdf").read_bytes().startswith(b"%PDF")
    r = CliRunner().invoke(app, ["report", "--economy", "XYZ", "--year", "2011", "--no-pdf",
                                 "-o", str(tmp_path / "x.html")])
    assert r.exit_code == 2 and "unknown economy 'XYZ'" in r.output
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"respondent": ["a"], "group": ["government"], "priority": ["stockpiling"], "score": [9]}).to_csv(
        bad, index=False)
    r = CliRunner().invoke(app, ["report", "--economy", "DEU", "--peers", "FRA", "--survey", str(bad),
                                 "-o", str(tmp_path / "y.html")])
    assert r.exit_code == 2 and "outside 1–5 (line 2: 9)" in r.output and "bad.csv" in r.output
