"""The strategy report for a large advanced economy and an emerging one: every section in the HTML, the PDF
renders, the numbers are the diagnosis's, the survey appears beside the diagnosis."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from industwin.cli import app
from industwin.strategy.consultation import questionnaire
from industwin.strategy.report import SECTIONS, build_report
from industwin.viz.report import write_report


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


@pytest.fixture(scope="module")
def wiod_years():
    """The WIOD tables a 2011 report uses besides 2011: the neighbouring years and 5 and 10 years before."""
    import industwin as iw
    from industwin.strategy.report import history_years
    return {y: iw.load("wiod2013", y) for y in history_years(2011, range(1995, 2012))}


@pytest.fixture(scope="module")
def history(wiod_years):
    """Their indicator values for every economy, computed once for the module (as report --all does)."""
    from industwin.strategy.indicators import diagnosis_inputs, indicator_matrix
    out = {}
    for y, t in wiod_years.items():
        economies = [r for r in t.regions if r != "RoW"]
        out[y] = indicator_matrix(t, economies, diagnosis_inputs(t, past=wiod_years.get(y - 5)))[0]
    return out


@pytest.mark.parametrize("economy", ["DEU", "IND", "KOR"])
def test_report_summary_is_material_ranked_with_confidence_and_consequence(economy, wiod2011, wiod_years, tmp_path):
    import numpy as np

    from industwin.strategy.materiality import STAKE_MIN, z_needed
    scale = _example_inputs(economy) if economy in ("DEU", "IND") else {}
    rep = build_report(wiod2011, economy, past=wiod_years[2006], history=wiod_years, **scale)
    d = rep.diagnosis
    assert sorted(wiod_years) == [2001, 2006, 2009, 2010] and d.primary.name in ("structural", "income")
    summary = rep.summary_points()
    if not rep.recommendations:                       # a valid answer, stated as such
        assert len(summary) == 1 and summary[0].startswith("No material finding")
    assert len(summary) == max(1, len(rep.recommendations))
    scores = [r.score for r in rep.recommendations]
    assert scores == sorted(scores, reverse=True)
    for k, (r, text) in enumerate(zip(rep.recommendations, summary)):
        # material by the stated rules, recomputed here from the indicator matrix: median, MAD, z, stake
        row = d.matrix.loc[r.rule.indicator, list(d.primary.members)].dropna().to_numpy(float)
        med = np.median(row)
        sd = 1.4826 * np.median(np.abs(row - med))
        z = (1 if r.rule.side == "high" else -1) * (r.value - med) / sd
        assert z == pytest.approx(r.test.z) and z >= z_needed(len(row))
        assert r.stake.share >= STAKE_MIN and r.score >= 1.0
        assert text.startswith(f"{k + 1}. ") and f"score {r.score:.1f}" in text
        assert f"{r.confidence.level.capitalize()} confidence" in text and r.confidence.checks
        c = rep.consequences[r.rule.id]
        assert c.ok and c.headline in text and c.figures
    # emissions and jobs, strengths, the watch list and the real data gaps are key figures, not summary bullets
    figures = rep.key_figures()
    assert any(p.startswith("Emissions: ") for p in figures) and any(p.startswith("Jobs: ") for p in figures)
    gaps = [p for p in figures if p.startswith("Not assessed")]
    assert len(gaps) == 1 and "risk hot spot" in gaps[0] and "--risk" in gaps[0] and "emissions" not in gaps[0]
    # the trend over 5 years is the indicator's change since 2006
    t = d.table
    assert t.loc["gvc_participation", "change_5y"] == pytest.approx(
        d.value("gvc_participation") - d.history[2006].loc["gvc_participation", economy])
    html_path, pdf_path = write_report(rep, tmp_path / f"{economy}.html")
    h = html_path.read_text()
    for s in SECTIONS:
        assert f"<h2>{s}</h2>" in h
    for c in rep.framework.challenges:
        assert f"Challenge {c.number}: {c.title}" in h
    for r in rep.recommendations:
        assert html.escape(r.rule.finding) in h and html.escape(rep.consequences[r.rule.id].headline) in h
    assert html.escape(d.primary.description) in h and f"{d.primary.name} (primary)" in h
    # the indicator values shown are the diagnosis's (shares in %, emissions in Mt)
    v = d.value("gvc_participation")
    assert f"{100 * v:.1f} %" in h
    assert f"{d.value('production_emissions') / 1e3:,.1f} Mt CO2" in h
    assert any("NLD is an estimate" in c for c in rep.caveats) and "NLD is an estimate" in h
    pdf = pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF") and _pages(pdf) >= 6
    # a chart on every challenge (5) and the emissions scatter, as images
    assert len(re.findall(rb"/Subtype\s*/Image", pdf)) >= 6
    assert "plotly" in h and h.count("<script") >= 1 and "cdn" not in h.split("<body>")[0]
    _check_scaleup(rep, economy, h, bool(scale))


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _example_inputs(economy: str) -> dict:
    """The example assessment set, technology register and the economy's targets (examples/)."""
    from industwin.data.readiness import read_assessments
    from industwin.strategy.monitoring import read_targets
    from industwin.strategy.pipeline import read_register
    return {"assessments": read_assessments(EXAMPLES / "readiness" / "assessments.csv"),
            "register": read_register(EXAMPLES / "pipeline" / "register.csv"),
            "targets": read_targets(EXAMPLES / "targets" / f"{economy}.yaml")}


def _check_scaleup(rep, economy: str, h: str, examples: bool) -> None:
    """Challenge 3: complexity and opportunities, the Atlas beside it, a technology scenario; with the examples,
    readiness (means by hand from the file), the pipeline and the monitored targets."""
    import numpy as np

    from industwin.data.atlas import read_atlas_eci
    su = rep.scaleup
    assert su is not None and "<h3>Scale-up evidence</h3>" in h
    eco = su.economies
    assert "RoW" not in eco.index and len(eco) == 40 and su.eci_rank == list(eco.index).index(economy) + 1
    assert f"rank {su.eci_rank} of 40 economies" in h
    assert (su.sectors.loc[su.opportunities.index, "mcp"] == 0).all()         # opportunities lack an advantage
    for code in su.opportunities.index[:3]:
        assert f"{code} " in h
    atlas = read_atlas_eci().query("iso3_code == @economy").set_index("year")["eci"]
    assert su.atlas.loc[2012] == pytest.approx(atlas[2012]) and su.atlas.loc[2024] == pytest.approx(atlas[2024])
    s = su.technology_summary
    assert su.technology.scenario.regions == [economy] and s["adoption"] > 0.5
    assert s["emissions change %, sector"] < -15                              # hydrogen steel cuts c12's CO2
    assert f"{s['emissions change %, economy']:+.2f} %" in h
    if economy == "DEU":
        assert su.regions is not None and su.regions.best[0] == "DE60" and su.lagging_region is not None
    else:
        assert su.regions is None                                             # no NUTS-2 regions outside the EU
    if not examples:
        assert su.readiness is None and su.monitoring is None
        return
    raw = pd.read_csv(EXAMPLES / "readiness" / "assessments.csv").query("region == @economy")
    assert su.readiness_companies == raw["company"].nunique() == 40
    v = su.readiness.values
    assert v.loc["Total", "Total"] == pytest.approx(raw["band"].mean())        # every company rates 16 dimensions
    by_hand = raw.groupby(["dimension", "sector"])["band"].mean()
    for (dim, sec), x in by_hand.items():
        if np.isfinite(v.loc[dim, sec]):
            assert v.loc[dim, sec] == pytest.approx(x)
    n = raw.groupby("sector")["company"].nunique()
    for sec in n[n < 3].index:                                                 # too few companies: suppressed
        assert v[sec].drop("Total").isna().all()
    st = su.monitoring.status
    assert set(st.index) == {t.id for t in _example_inputs(economy)["targets"].targets}
    assert set(st["status"]) <= {"achieved", "on track", "off track", "no data yet"}
    for t, row in st.iterrows():
        assert html.escape(t) in h and row["status"] in h
    v = su.pipeline["valley"]
    assert (v.index.str.startswith(economy.lower())).all() and f"{len(v)} technologies" in h


def test_what_coal_heavy_economies_say_first(wiod2011, wiod_years, history):
    """China, Korea and Poland lead with CO2 per unit of value added, with high confidence — as their published
    diagnoses of the period do (OECD Economic Surveys; docs/diagnoses.md)."""
    for e in ("CHN", "KOR", "POL"):
        rep = build_report(wiod2011, e, past=wiod_years[2006], history=history, consequences=False)
        assert rep.recommendations[0].rule.id == "carbon_intensive_production", e
        assert rep.recommendations[0].confidence.level == "high", e


def test_report_command_with_a_survey(tmp_path):
    q = questionnaire()
    rows = [{"respondent": f"{g[0]}{k}", "group": g, "priority": p, "score": 5 if g == "government" else 3}
            for g in ("government", "industry") for k in range(3) for p in q["priority"][:12]]
    pd.DataFrame(rows).to_csv(tmp_path / "survey.csv", index=False)
    r = CliRunner().invoke(app, ["report", "--economy", "CHN", "--year", "2011", "--peers", "DEU,USA,JPN,IND,BRA",
                                 "--survey", str(tmp_path / "survey.csv"), "-o", str(tmp_path / "chn.html")],
                           env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "Scale-up and implementation (challenge 3):" in text and "• Economic complexity: ECI" in text
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
    r = CliRunner().invoke(app, ["report", "--economy", "DEU", "--peers", "FRA", "--emissions", "ghg",
                                 "-o", str(tmp_path / "z.html")])
    assert r.exit_code == 2 and "no satellite 'ghg' for emissions" in r.output


def test_report_with_risk_scores_has_every_challenge_charted(tmp_path):
    pd.DataFrame({"region": ["CHN", "IND", "BGD"], "sector": ["c4", "c4", "c4"], "score": [1.0, 0.8, 0.9]}).to_csv(
        tmp_path / "risk.csv", index=False)
    r = CliRunner().invoke(app, ["report", "--economy", "GBR", "--peers", "DEU,FRA,USA", "--risk",
                                 str(tmp_path / "risk.csv"), "-o", str(tmp_path / "gbr.html")], env={"COLUMNS": "200"})
    assert r.exit_code == 2 and "BGD" in r.output and "risk.csv" in r.output      # not a region of the table
    pd.DataFrame({"region": ["CHN", "IND"], "sector": ["c4", "c4"], "score": [1.0, 0.8]}).to_csv(
        tmp_path / "risk.csv", index=False)
    r = CliRunner().invoke(app, ["report", "--economy", "GBR", "--peers", "DEU,FRA,USA", "--risk",
                                 str(tmp_path / "risk.csv"), "-o", str(tmp_path / "gbr.html")], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    pdf = (tmp_path / "gbr.pdf").read_bytes()
    assert len(re.findall(rb"/Subtype\s*/Image", pdf)) >= 6
    assert "Not assessed" not in (tmp_path / "gbr.html").read_text()


def test_report_all_economies_of_a_table(wiod2011, tmp_path):
    from industwin.data.concordance import aggregate
    from industwin.data.tables import write_tables
    groups = {"DEU": "DEU", "FRA": "FRA", "CHN": "CHN", "USA": "USA", "JPN": "JPN", "RoW": "RoW"}
    small = aggregate(wiod2011, regions={r: groups.get(r, "EUR" if r in ("ITA", "ESP", "POL", "NLD") else "RoW")
                                         for r in wiod2011.regions})
    write_tables(small, tmp_path / "world")
    r = CliRunner().invoke(app, ["report", "--all", "--source", str(tmp_path / "world"), "--no-dask", "--no-pdf",
                                 "-o", str(tmp_path / "reports")], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    out = tmp_path / "reports"
    economies = ["CHN", "DEU", "EUR", "FRA", "JPN", "USA"]
    for e in economies:
        assert (out / f"{e}.html").exists() and "plotly.min.js" in (out / f"{e}.html").read_text()[:20000]
    assert (out / "plotly.min.js").stat().st_size > 1e6 and not (out / "RoW.html").exists()
    index = pd.read_csv(out / "index.csv", index_col="economy")
    assert sorted(index.index) == economies
    # the percentile of an economy on an indicator is its rank among all of them, computed here from the accounts
    from industwin.core.accounts import embodied_accounts
    acc = embodied_accounts(small, "co2")
    prod = acc.production.loc["CO2", economies]
    assert index.loc["CHN", "production_emissions"] == pytest.approx(1.0)       # above all the 5 others
    below = {e: sum(prod[o] < prod[e] for o in economies if o != e) / 5 for e in economies}
    assert index["production_emissions"].to_dict() == pytest.approx(below)
    page = (out / "index.html").read_text()
    assert "href='DEU.html'" in page and "sortable" in page and "EUR is an estimate" in page
    assert "DEU.pdf" not in page                                                  # --no-pdf: no broken links
    r = CliRunner().invoke(app, ["report", "--all", "--peers", "FRA", "-o", str(tmp_path / "x")])
    assert r.exit_code == 2 and "--peers" in r.output

