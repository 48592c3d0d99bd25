"""The web application in a real browser: Playwright driving Debian's Chromium (installed by the project's set-up)
against `industwin serve` started as a user would. Each test clicks through a page, and saves a screenshot in
``build/screenshots/`` (looked at before a change is called done)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from servers import serve

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "build" / "screenshots"
FAULTS = ROOT / "tests" / "faults"
CHROMIUM = os.environ.get("INDUSTWIN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serve(tmp_path_factory.mktemp("serve"), "--workers", "2") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium (apt-get install "
                    "chromium); or set INDUSTWIN_CHROMIUM to a Chromium binary")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    ctx = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    ctx.close()
    assert not errors, f"JavaScript errors: {errors}"


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def finished(page, timeout: float = 120_000):
    """Wait until the job panel on the page shows a final status; return it."""
    page.wait_for_selector(".panel h2 .status.done, .panel h2 .status.failed, .panel h2 .status.cancelled",
                           timeout=timeout)
    return page.locator(".panel h2 .status").first.inner_text()


def test_home_navigation_and_keyboard(page):
    page.goto("/")
    assert page.title() == "Home · industwin"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    for link, heading in (("Strategy report", "Strategy report"), ("Scenarios", "Scenario builder"),
                          ("Firm networks", "Firm networks"), ("All lenses", "All lenses")):
        page.get_by_role("link", name=link, exact=True).first.click()
        assert page.locator("h1").inner_text() == heading
    shot(page, "01-lenses")
    page.goto("/")
    shot(page, "00-home")


def test_economy_page_runs_its_lenses(page):
    page.goto("/datasets")
    page.get_by_role("link", name="Korea (KOR)").click()
    assert page.locator("h1").inner_text().startswith("Korea")
    page.wait_for_selector("#suppliers-job .status.done", timeout=120_000)
    page.wait_for_selector("#profile-job .status.done", timeout=180_000)
    assert page.locator("#suppliers-job table").count() >= 1
    frame = page.frame_locator("#profile-job iframe.page")
    frame.locator(".plotly-graph-div").first.wait_for(timeout=60_000)     # charts drawn with the local plotly.js
    page.get_by_role("button", name="Show exposure").click()
    page.wait_for_selector("#exposure-job .status.done", timeout=120_000)
    shot(page, "02-economy-KOR")


def test_scenario_runs_with_progress_and_result(page):
    page.goto("/scenarios")
    page.get_by_label("name (required)").fill("browser halt")
    page.get_by_label("horizon").fill("90")
    page.get_by_label("duration").fill("30")
    page.get_by_role("button", name="Save and run").click()
    page.wait_for_url("**/jobs/*")
    status = page.locator(".panel h2 .status").first.inner_text()
    if status in ("queued", "running"):           # the progress is streamed while it runs (or it has finished)
        page.wait_for_selector("progress, .panel h2 .status.done", timeout=30_000)
        shot(page, "03-scenario-progress")
    assert finished(page) == "done"
    assert page.get_by_text("runs compared over 90 days").count() == 1
    page.frame_locator("iframe.page").locator(".plotly-graph-div").first.wait_for(timeout=60_000)
    shot(page, "04-scenario-result")
    page.goto("/scenarios")
    with page.expect_download() as dl:
        page.locator("details summary").first.click()
        page.get_by_role("link", name="Download YAML").first.click()
    assert "browser halt" in Path(dl.value.path()).read_text()


def test_faulty_upload_shows_the_error(page):
    page.goto("/files")
    page.get_by_label("kind").select_option("firms")
    page.get_by_label("file").set_input_files(str(FAULTS / "firms_blank_industry.csv"))
    page.get_by_role("button", name="Upload").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    text = alert.inner_text()
    assert "firms_blank_industry.csv" in text and "industry" in text and "Fix" in text
    shot(page, "05-upload-refused")
    assert page.locator("table.t tbody tr", has_text="firms_blank_industry").count() == 0      # nothing stored


def test_company_carbon_from_uploaded_files(page):
    page.goto("/carbon")
    form = page.locator("form.lens").first
    form.locator('input[name="purchases"]').set_input_files(str(ROOT / "examples/company/purchases.csv"))
    form.locator('input[name="activities"]').set_input_files(str(ROOT / "examples/company/activities.csv"))
    form.get_by_role("button", name="Run").click()
    page.wait_for_selector("#out-carbon .status.done", timeout=120_000)
    assert "scope" in page.locator("#out-carbon").inner_text().lower()
    page.frame_locator("#out-carbon iframe.page").locator(".plotly-graph-div").first.wait_for(timeout=60_000)
    shot(page, "06-carbon")


def test_consultation_and_report_page(page):
    page.goto("/consultation/IND")
    page.get_by_label("Respondent (name or id)").fill("browser-1")
    page.get_by_label("Stakeholder group").select_option("industry")
    page.locator("fieldset.q").first.get_by_label("5").check()
    page.locator("fieldset.q").nth(1).get_by_label("4").check()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_selector("text=1 respondent(s)")
    assert page.locator("table.t").count() == 1
    shot(page, "07-consultation")
    page.goto("/report?economy=IND")
    assert "1 respondent(s) so far" in page.locator("p.lead").inner_text()
    shot(page, "08-report-form")


def test_readiness_self_assessment_and_targets(page):
    page.goto("/")
    page.get_by_role("link", name="Technology & readiness").first.click()
    assert page.locator("h1").inner_text().startswith("Technology scale-up and readiness")
    page.get_by_role("link", name="Companies' self-assessments").click()
    for i, name in enumerate(("Werk Nord", "Werk Süd", "Werk Ost", "Werk West")):
        page.get_by_label("Company", exact=True).fill(name)
        page.get_by_label("Sector").select_option("c12")
        sets = page.locator("fieldset.q")
        for k in range(sets.count()):
            sets.nth(k).get_by_label(str((i + k) % 6), exact=True).check()
        page.get_by_role("button", name="Save the self-assessment").click()
        page.wait_for_selector(f"text={i + 1} compan")
    assert page.locator("table.aggregate").count() == 1
    page.get_by_role("button", name="Benchmark").click()
    page.wait_for_selector("text=priorities")
    shot(page, "44-readiness")
    page.goto("/targets/DEU")
    page.get_by_label("Id").first.fill("mht")
    page.get_by_label("Indicator", exact=True).select_option("medium_high_tech_va_share")
    page.get_by_label("Baseline year", exact=True).fill("2005")
    page.get_by_label("Target value", exact=True).fill("0.2")
    page.get_by_label("Target year", exact=True).fill("2015")
    page.get_by_role("button", name="Add the target").click()
    page.wait_for_selector("text=Track the targets now")
    page.get_by_role("button", name="Track the targets now").click()
    page.wait_for_url("**/jobs/*")
    assert finished(page, 300_000) == "done"
    shot(page, "45-targets-tracked")


def test_firm_network_synthetic_then_esri_and_cancel(page):
    page.goto("/firms")
    synth = page.locator("form.lens").first
    synth.locator('input[name="firms"]').fill("3000")
    synth.get_by_role("button", name="Run").click()
    page.wait_for_selector("#out-synth .status.done", timeout=120_000)
    page.goto("/firms")
    page.get_by_role("button", name="Use its edges and firms").first.click()
    esri = page.locator("#esri + p + form")
    esri.locator('select[name="edges__stored"]').select_option(index=1)
    esri.locator('select[name="firms__stored"]').select_option(index=1)
    esri.get_by_role("button", name="Run").click()
    page.wait_for_selector("#out-esri .status.done", timeout=180_000)
    assert "anonymised" in page.locator("#out-esri").inner_text()
    page.frame_locator("#out-esri iframe.page").locator(".plotly-graph-div").first.wait_for(timeout=60_000)
    shot(page, "09-firms-esri")
    page.goto("/lenses/risk")
    page.get_by_label("draws").fill("50000")
    page.get_by_role("button", name="Run").click()
    page.wait_for_url("**/jobs/*")
    page.get_by_role("button", name="Cancel").click()
    assert finished(page, 30_000) == "cancelled"
    shot(page, "10-cancelled")


PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def collab_server(tmp_path_factory):
    """A server with accounts: a ministry's programme on German transport equipment (c15) whose five member
    firms have submitted emissions and the origins of their imported basic metals."""
    from datetime import date, timedelta

    from industwin.collab.dataspace import DataSpace
    from industwin.collab.directory import Directory
    from industwin.web.store import Store
    home = tmp_path_factory.mktemp("collab")
    url = f"sqlite:///{home / 'industwin.db'}"
    store = Store(url)
    d = Directory(store)
    ds = DataSpace(store, d)
    ministry = d.add_organisation("Ministry of Economy")
    d.add_person(ministry, "ana@ministry.example", "Ana", "government", PASSWORD)
    purpose = "Resilience of the German vehicle supply chain"
    until = date.today() + timedelta(days=365)
    prog = ds.add_programme(ministry, "Vehicles 2025", purpose, "DEU", until, ["c15"])
    shares = {"Alpha": {"CHN": 40, "POL": 30, "FRA": 10}, "Beta": {"CHN": 35, "POL": 25, "FRA": 12},
              "Gamma": {"CHN": 30, "POL": 20, "JPN": 15}, "Delta": {"CHN": 25, "POL": 28, "FRA": 9},
              "Epsilon": {"FRA": 11, "USA": 2}}
    emissions = {"Alpha": (120, 110), "Beta": (100, 95), "Gamma": (90, 85), "Delta": (60, 58), "Epsilon": (900, 20)}
    for name in shares:
        org = d.add_organisation(f"{name} Automotive")
        d.add_person(org, f"{name.lower()}@firm.example", name, "company", PASSWORD)
        ds.add_member(prog, org, "contributor")
        pol = {"purpose": purpose, "until": until.isoformat()}
        ds.submit(prog.id, org.id, name, {"kind": "sourcing", "policy": pol, "rows": [
            {"product": "c12", "origin": o, "value": float(v)} for o, v in shares[name].items()]}, "s")
        ds.submit(prog.id, org.id, name, {"kind": "emissions", "policy": pol, "rows": [
            {"sector": "c15", "year": y, "value": float(v)} for y, v in zip((2023, 2024), emissions[name])] + [
            {"sector": "c12", "year": 2023, "value": float(emissions[name][0]) / 3}]}, "e")
    with serve(home, "--db", url, "--workers", "1") as base:
        yield base, prog.id


def test_programme_pages_signed_in(browser, collab_server):
    base, pid = collab_server
    ctx = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.goto("/jobs")
    assert page.locator("h1").inner_text() == "Sign in"                    # accounts: sign in first
    shot(page, "40-sign-in")
    page.get_by_label("E-mail").fill("ana@ministry.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Programmes").click()
    page.get_by_role("link", name="Vehicles 2025").click()
    assert "Register of submissions" in page.content()
    cells = page.locator("#agg-sourcing td.suppressed")
    assert cells.count() >= 1 and "fewer than 3" in (cells.first.get_attribute("title") + page.content())
    assert "900" not in page.locator("#agg-emissions").inner_text()        # Epsilon's dominant figure
    shot(page, "41-programme-ministry")
    page.get_by_role("button", name="with these import shares").click()
    assert finished(page) == "done"
    assert "firms' import shares" in page.content()
    shot(page, "42-exposure-with-firms-shares")
    # a firm signs in, sees its own submissions and sends the consultation
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("E-mail").fill("beta@firm.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/programmes/{pid}")
    assert page.locator("#mine + table tbody tr").count() == 2
    assert "Register of submissions" not in page.content()
    page.locator("#consultation + details summary").click()
    form = page.locator("form", has=page.get_by_role("button", name="Send our answers"))
    form.locator("input[type=radio][value='4']").first.check()
    form.get_by_role("checkbox").check()
    form.get_by_role("button", name="Send our answers").click()
    assert page.locator("#mine + table tbody tr").count() == 3
    shot(page, "43-programme-firm")
    ctx.close()
