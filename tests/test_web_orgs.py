"""The web application with accounts: signing in (Argon2 passwords, a session cookie, a slow-down after repeated
failures), every stored object owned by an organisation and every read checked (another organisation's job,
file or scenario is "not found"), and the programme pages: submitting figures under a usage policy, the
published aggregate with its suppressed cells shown as such, the facilitator's register and audit log."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from industwin.collab.dataspace import DataSpace
from industwin.collab.directory import Directory
from industwin.web.app import Settings, create_app
from industwin.web.store import Job, Store, StoredFile, new_id, now

PASSWORD = "correct horse battery"
PURPOSE = "Emissions baseline for the steel strategy"

pytestmark = pytest.mark.usefixtures("quick_hashing")


@pytest.fixture
def server(tmp_path):
    url = f"sqlite:///{tmp_path / 'industwin.db'}"
    store = Store(url)
    d = Directory(store)
    ds = DataSpace(store, d)
    orgs = {}
    for name, role in (("Ministry", "government"), ("Alpha", "company"), ("Beta", "company"), ("Gamma", "company"),
                       ("Outsider", "company")):
        orgs[name] = d.add_organisation(name)
        d.add_person(orgs[name], f"{name.lower()}@example.org", name, role, PASSWORD)
    prog = ds.add_programme(orgs["Ministry"], "Steel 2025", PURPOSE, "DEU", date.today() + timedelta(days=200),
                            ["c12"])
    for name in ("Alpha", "Beta", "Gamma"):
        ds.add_member(prog, orgs[name], "contributor")
    app = create_app(Settings(home=tmp_path / "home", db=url, workers=1))
    with TestClient(app, base_url="https://testserver") as tc:
        yield tc, store, orgs, prog


def _csrf(tc) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', tc.get("/sign-in").text).group(1)


def sign_in(tc, name: str) -> str:
    tc.cookies.clear()
    csrf = _csrf(tc)
    r = tc.post("/sign-in", data={"csrf": csrf, "email": f"{name.lower()}@example.org", "password": PASSWORD,
                                  "next": "/"}, follow_redirects=False)
    assert r.status_code == 303 and "industwin_session" in r.cookies
    return csrf


def test_pages_need_a_signed_in_person_once_there_are_accounts(server):
    tc, *_ = server
    r = tc.get("/jobs", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/sign-in?next=/jobs"
    assert tc.post("/files", data={}).status_code == 401
    assert tc.get("/healthz").status_code == 200                    # open paths stay open
    csrf = _csrf(tc)
    bad = tc.post("/sign-in", data={"csrf": csrf, "email": "alpha@example.org", "password": "not the password"})
    assert bad.status_code == 401 and "not right" in bad.text
    sign_in(tc, "Alpha")
    page = tc.get("/")
    assert page.status_code == 200 and "alpha@example.org" in page.text and "Sign out" in page.text


def test_sign_in_slows_down_after_repeated_failures(server):
    tc, *_ = server
    csrf = _csrf(tc)
    codes = [tc.post("/sign-in", data={"csrf": csrf, "email": "alpha@example.org", "password": f"guess {i:04d}xx"}
                     ).status_code for i in range(12)]
    assert codes[:10] == [401] * 10 and codes[10] == 429
    r = tc.post("/sign-in", data={"csrf": csrf, "email": "alpha@example.org", "password": PASSWORD})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0   # even the right password waits


def test_every_read_is_checked_against_the_organisation(server, tmp_path):
    tc, store, orgs, prog = server
    csrf = sign_in(tc, "Alpha")
    csv = b"region,sector,value\nDEU,c12,100\n"
    r = tc.post("/files", data={"csrf": csrf, "kind": "demand"}, files={"file": ("demand.csv", csv, "text/csv")},
                follow_redirects=False)
    assert r.status_code == 303
    mine = store.files(org=orgs["Alpha"].id)
    assert len(mine) == 1 and mine[0].org_id == orgs["Alpha"].id
    fid = mine[0].id
    job = store.add(Job(id=new_id(), lens="exposure", params={}, key="k" * 64, status="done", created_by="a",
                        org_id=orgs["Alpha"].id, created_at=now(), result={"blocks": [], "files": []}))
    assert tc.get(f"/files/{fid}").status_code == 200
    assert tc.get(f"/jobs/{job.id}").status_code == 200
    sign_in(tc, "Beta")
    assert tc.get(f"/files/{fid}").status_code == 404                # another organisation's file
    assert tc.get(f"/jobs/{job.id}").status_code == 404              # … job
    assert tc.get(f"/jobs/{job.id}/state").status_code == 404
    assert job.id not in tc.get("/jobs").text and "demand.csv" not in tc.get("/files").text
    # Beta uploads the same bytes: its own copy, not Alpha's
    tc.post("/files", data={"csrf": _csrf(tc), "kind": "demand"}, files={"file": ("demand.csv", csv, "text/csv")})
    theirs = store.files(org=orgs["Beta"].id)
    assert len(theirs) == 1 and theirs[0].id != fid
    assert store.get(StoredFile, fid).org_id == orgs["Alpha"].id
    # a programme Beta belongs to is visible; the outsider gets "not found"
    assert tc.get(f"/programmes/{prog.id}").status_code == 200
    sign_in(tc, "Outsider")
    assert tc.get(f"/programmes/{prog.id}").status_code == 404
    assert "Steel 2025" not in tc.get("/programmes").text


def test_programme_pages_show_suppressed_cells_and_the_facilitators_log(server):
    tc, store, orgs, prog = server
    figures = {"Alpha": (100, 900), "Beta": (90, 20), "Gamma": (80, 10)}      # 2024: Alpha dominates
    for name, (y23, y24) in figures.items():
        csrf = sign_in(tc, name)
        csv = f"sector,year,value\nc24,2023,{y23}\nc24,2024,{y24}\nc20,2023,{y23 / 2}\nc20,2024,{y24 / 2}\n"
        r = tc.post(f"/programmes/{prog.id}/submissions", data={"csrf": csrf, "kind": "emissions", "consent": "yes"},
                    files={"file": ("e.csv", csv.encode(), "text/csv")}, follow_redirects=False)
        assert r.status_code == 303, r.text
    no_consent = tc.post(f"/programmes/{prog.id}/submissions", data={"csrf": csrf, "kind": "emissions"},
                         files={"file": ("e.csv", b"sector,year,value\nc24,2023,1\n", "text/csv")})
    assert no_consent.status_code == 400 and "usage policy" in no_consent.text
    bad = tc.post(f"/programmes/{prog.id}/submissions", data={"csrf": csrf, "kind": "emissions", "consent": "yes"},
                  files={"file": ("e.csv", b"sector,year,value\nc24,2023,-5\n", "text/csv")})
    assert bad.status_code == 400 and "rows.0.value" in bad.text
    sign_in(tc, "Ministry")
    page = tc.get(f"/programmes/{prog.id}").text
    assert "Register of submissions" in page and "Audit log" in page
    assert page.count("Alpha") >= 2                                   # member list and register …
    shown = re.search(r'<section class="aggregate" id="agg-emissions">(.*?)</section>', page, re.S).group(1)
    cells = re.findall(r"<td class='num'[^>]*>([^<]*)</td>", shown)
    assert cells and not {"900", "450"} & set(cells)                  # … but never a firm's figure
    assert "suppressed (2 largest &gt; 85 %" in page                  # 2024 cells: Alpha holds > 85 %
    published_2023 = f"{sum(v[0] for v in figures.values()):,.0f}"
    assert published_2023 in page                                     # c24 2023 = 270 t, three contributors
    csv = tc.get(f"/programmes/{prog.id}/aggregates/emissions.csv").text
    assert csv.splitlines()[0].startswith("sector,2023,2024,Total")


def test_self_assessments_and_targets_belong_to_their_organisation(server):
    """Alpha's readiness self-assessment and targets are Alpha's: Beta neither sees nor deletes them."""
    from industwin.data.readiness import load_model
    from industwin.web.store import Target
    tc, store, orgs, prog = server
    csrf = sign_in(tc, "Alpha")
    bands = {f"d_{d}": "3" for d in load_model().dimensions.index}
    r = tc.post("/readiness/DEU", data={"csrf": csrf, "company": "Alpha Steelworks", "sector": "c12",
                                        "size_class": "large", "nuts2": "DEA1", **bands}, follow_redirects=False)
    assert r.status_code == 303
    r = tc.post("/targets/DEU", data={"csrf": csrf, "kind": "target", "id": "mht-alpha",
                                      "indicator": "medium_high_tech_va_share", "baseline_year": "2005",
                                      "target_value": "0.2", "target_year": "2015", "direction": "increase"},
                follow_redirects=False)
    assert r.status_code == 303
    assert "Alpha Steelworks" in tc.get("/readiness/DEU").text and "mht-alpha" in tc.get("/targets/DEU").text
    tid = store.targets("DEU", orgs["Alpha"].id)[0].id
    csrf = sign_in(tc, "Beta")
    r = tc.post("/readiness/DEU", data={"csrf": csrf, "company": "Beta Forge", "sector": "c12",
                                        "size_class": "small", "nuts2": "", **bands}, follow_redirects=False)
    assert r.status_code == 303 and "Beta Forge" in tc.get("/readiness/DEU").text     # Beta's own is listed
    assert "Alpha Steelworks" not in tc.get("/readiness/DEU").text
    assert "Alpha Steelworks" not in tc.get("/readiness/DEU?company=Alpha Steelworks").text
    assert "mht-alpha" not in tc.get("/targets/DEU").text
    assert tc.post(f"/targets/DEU/{tid}/delete", data={"csrf": csrf}).status_code == 404
    assert store.get(Target, tid) is not None
