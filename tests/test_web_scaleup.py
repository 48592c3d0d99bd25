"""The technology & readiness pages: self-assessments entered online become the confidential table by sector and a
company's benchmark; targets kept with the strategy are checked as a targets file, tracked by a job, and go into
the report with the stored self-assessments; another organisation's are never shown."""

from __future__ import annotations

import re

import numpy as np
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient
from test_web import token, wait

from industwin.data.readiness import load_model
from industwin.web.app import Settings, create_app

DIMS = list(load_model().dimensions.index)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    home = tmp_path_factory.mktemp("web")
    with TestClient(create_app(Settings(home=home, workers=1))) as c:
        c.home = home
        yield c


def _assess(client, company: str, sector: str, bands: list[int], economy: str = "IND"):
    data = {"csrf": token(client, f"/readiness/{economy}"), "company": company, "sector": sector,
            "size_class": "small", "nuts2": "", **{f"d_{d}": str(b) for d, b in zip(DIMS, bands)}}
    return client.post(f"/readiness/{economy}", data=data, follow_redirects=False)


def test_self_assessments_make_a_protected_table_and_a_benchmark(client):
    rng = np.random.default_rng(3)
    bands = {f"Firm {i}": rng.integers(0, 6, len(DIMS)).tolist() for i in range(5)}
    for i, (name, b) in enumerate(bands.items()):
        r = _assess(client, name, "c12" if i < 4 else "c13", b)
        assert r.status_code == 303, r.text[-400:]
    page = client.get("/readiness/IND?company=Firm 0").text
    assert "5 companies so far" in page
    cells = dict(re.findall(r"<th scope='row'>([^<]+)</th>(.*?)</tr>", page))
    first = cells["Vertical integration"]                      # c12 (4 firms) published, c13 (1 firm) suppressed
    mean_c12 = np.mean([b[0] for b in list(bands.values())[:4]])
    assert f">{mean_c12:,.2f}<" in first and "✕" in first
    assert "priorities" in page and "against the companies of its sector" in page
    again = _assess(client, "Firm 0", "c12", [5] * len(DIMS))    # a new self-assessment replaces the last
    assert again.status_code == 303
    assert "5 companies so far" in client.get("/readiness/IND").text
    bad = _assess(client, "Firm 9", "c12", [2] * (len(DIMS) - 1) + [7])
    assert bad.status_code == 400 and "band &#39;7&#39;" in bad.text
    assert _assess(client, "Firm 9", "c99", [2] * len(DIMS)).status_code == 400


def test_targets_are_checked_kept_tracked_and_reach_the_report(client):
    t = token(client, "/targets/IND")
    post = lambda d: client.post("/targets/IND", data={"csrf": t, **d}, follow_redirects=False)
    assert post({"kind": "metric", "name": "msme_audits", "unit": "firms",
                 "values": "2008: 50, 2010: 400, 2011: 1050"}).status_code == 303
    bad = post({"kind": "metric", "name": "x", "unit": "firms", "values": "2008 50"})
    assert bad.status_code == 400 and "year: value" in bad.text
    ok = post({"kind": "target", "id": "audits", "indicator": "msme_audits", "baseline_year": "2008",
               "baseline_value": "50", "target_value": "1000", "target_year": "2012", "direction": "increase"})
    assert ok.status_code == 303, ok.text[-500:]
    wrong = post({"kind": "target", "id": "mfg", "indicator": "manufacturing_va_share", "baseline_year": "2005",
                  "target_value": "0.25", "target_year": "2001", "direction": "increase"})
    assert wrong.status_code == 400 and "target_year" in wrong.text           # checked as the file would be
    assert post({"kind": "target", "id": "mfg", "indicator": "manufacturing_va_share", "sectors": "c12",
                 "baseline_year": "2005", "target_value": "0.25", "target_year": "2022",
                 "direction": "increase"}).status_code == 303
    r = client.post("/targets/IND/track", data={"csrf": t}, follow_redirects=False)
    assert r.status_code == 303
    job = r.headers["location"].rsplit("/", 1)[-1]
    st = wait(client, job, 300)
    assert st["status"] == "done", st
    status = client.get(f"/jobs/{job}/files/results/status.csv").text
    audits = next(line for line in status.splitlines() if line.startswith("audits,"))
    assert "achieved" in audits                                # 1,050 in 2011 ≥ the target of 1,000
    report = client.post("/report", data={"csrf": token(client, "/report"), "economy": "IND", "year": "2011"},
                         follow_redirects=False)
    rid = report.headers["location"].rsplit("/", 1)[-1]
    params = client.get(f"/jobs/{rid}/state").json()
    client.post(f"/jobs/{rid}/cancel", data={"csrf": token(client, "/report")})
    text = client.get(f"/jobs/{rid}").text
    assert "readiness-IND-" in text and "targets-IND-" in text   # the stored self-assessments and targets
    assert params["status"] in ("queued", "running", "cancelled", "done")


def test_a_companys_bands_are_its_assessors_and_bad_entries_are_refused_at_the_form(client):
    """On one server (or organisation) the table is shared, a company's own bands and priorities are not: only the
    person who entered the company sees and replaces them. Entries the report would refuse are refused here."""
    bands = [3] * len(DIMS)
    r = _assess(client, "A&B Metall", "c12", bands, economy="DEU")
    assert r.status_code == 303 and r.headers["location"] == "/readiness/DEU?company=A%26B+Metall"
    assert "A&amp;B Metall: too few companies yet" in client.get(r.headers["location"]).text   # the one in DEU
    other = TestClient(client.app, cookies={"industwin_user": "colleague"})
    page = other.get("/readiness/DEU?company=A%26B+Metall").text
    assert "A&amp;B Metall" not in page                            # neither in the list nor as a benchmark
    data = {"csrf": token(other, "/readiness/DEU"), "company": "A&B Metall", "sector": "c12", "size_class": "small",
            "nuts2": "", **{f"d_{d}": "0" for d in DIMS}}
    r = other.post("/readiness/DEU", data=data)
    assert r.status_code == 400 and "assessed by someone else" in r.text
    for nuts, why in (("FR10", "not a region of DEU"), ("DE6", "give a code such as DE60")):
        r = client.post("/readiness/DEU", data={**data, "csrf": token(client, "/readiness/DEU"),
                                                 "company": "Werk 2", "nuts2": nuts})
        assert r.status_code == 400 and why in r.text
    t = token(client, "/targets/DEU")
    r = client.post("/targets/DEU", data={"csrf": t, "kind": "target", "id": "metals", "indicator":
                                          "manufacturing_va_share", "sectors": "c99", "baseline_year": "2005",
                                          "target_value": "0.3", "target_year": "2015", "direction": "increase"})
    assert r.status_code == 400 and "c99" in r.text                  # checked against the table, as the job would
    r = client.post("/targets/DEU", data={"csrf": t, "kind": "target", "id": "early", "indicator":
                                          "manufacturing_va_share", "baseline_year": "1980", "target_value": "0.3",
                                          "target_year": "2015", "direction": "increase"})
    assert r.status_code == 400 and "before wiod2013&#39;s first year 1995" in r.text
