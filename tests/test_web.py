"""The web application through FastAPI's test client: pages, jobs run in real worker processes on real data,
results equal to the library's, uploads through the input layer, CSRF, the scenario builder, the consultation,
cancellation, the bounded queue and a restart that loses nothing."""

from __future__ import annotations

import html
import io
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

import industwin as iw  # noqa: E402
from industwin.web.app import Settings, create_app  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FAULTS = ROOT / "tests" / "faults"


def token(client: TestClient, path: str = "/whoami") -> str:
    r = client.get(path)
    return re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)


def wait(client: TestClient, job: str, timeout: float = 120) -> dict:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        st = client.get(f"/jobs/{job}/state").json()
        if st["status"] in ("done", "failed", "cancelled"):
            return st
        time.sleep(0.2)
    raise AssertionError(f"job {job} not finished after {timeout} s: {st}")


def start(client: TestClient, lens: str, data: dict, files=None) -> str:
    data = {"csrf": token(client), **data}
    r = client.post(f"/lenses/{lens}", data=data, files=files, follow_redirects=False)
    assert r.status_code == 303, r.text[-600:]
    return r.headers["location"].rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    home = tmp_path_factory.mktemp("web")
    with TestClient(create_app(Settings(home=home, workers=2))) as c:
        c.home = home
        yield c


def test_pages_open(client):
    for path in ("/", "/datasets", "/economies/DEU", "/lenses", "/report", "/consultation/DEU", "/scenarios",
                 "/firms", "/carbon", "/jobs", "/files", "/whoami", "/lenses/simulate"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert "<main id=\"main\">" in r.text and "cdn" not in r.text.lower()
    assert client.get("/economies/XXX").status_code == 404
    assert client.get("/lenses/nothing").status_code == 404
    assert client.get("/jobs/0123").status_code == 404
    js = client.get("/static/plotly.min.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000
    assert client.get("/static/htmx.min.js").status_code == 200


def test_every_form_control_has_a_label(client):
    for path in ("/lenses/report", "/lenses/esri", "/scenarios", "/consultation/DEU", "/firms", "/carbon"):
        html = client.get(path).text
        ids = set(re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html))
        labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html))
        named = re.findall(r'<(?:input|select)(?![^>]*type="(?:hidden|radio)")[^>]*\bname="[^"]+"[^>]*>', html)
        assert ids - labelled == set(), path
        assert all(' id="' in n for n in named), path


def test_multipliers_job_equals_the_library(client, wiod2011):
    job = start(client, "multipliers", {"region": "DEU", "year": "2011", "top": "5"})
    assert wait(client, job)["status"] == "done"
    page = client.get(f"/jobs/{job}").text
    assert "output multipliers" in page and "first 5 of 35 rows" in page
    got = pd.read_csv(io.StringIO(client.get(f"/jobs/{job}/tables/0.csv").text), index_col=[0, 1]).iloc[:, 0]
    m = wiod2011                      # independent reference: 1'(I − A)⁻¹ by a dense solve of (I − A)' μ = 1
    Z = m.Z.toarray() if m.is_sparse else np.asarray(m.Z)
    x = np.asarray(m.x, float)
    A = np.divide(Z, x, out=np.zeros_like(Z), where=x > 0)
    mu = pd.Series(np.linalg.solve((np.eye(m.n) - A).T, np.ones(m.n)), index=m.index)
    want = mu.xs("DEU", level="region", drop_level=False).sort_values(ascending=False)
    assert len(got) == 35
    assert np.allclose(got.to_numpy(), want.to_numpy(), rtol=1e-8)
    assert list(got.index) == list(want.index)
    full = pd.read_parquet(io.BytesIO(client.get(f"/jobs/{job}/files/result.parquet").content))
    assert len(full) == 1435                # the file holds every region, as the CLI's --out
    # the same inputs give the same job (its page opens at once), whoever asks
    again = start(client, "multipliers", {"region": "DEU", "year": "2011", "top": "5"})
    assert again == job


def test_csrf_is_required(client):
    assert client.post("/lenses/multipliers", data={"region": "DEU"}).status_code == 403
    r = client.post("/lenses/multipliers", data={"region": "DEU", "csrf": "forged"})
    assert r.status_code == 403 and "security token" in r.text
    fresh = TestClient(client.app)            # no cookie: a token copied from another session is refused
    assert fresh.post("/lenses/multipliers", data={"csrf": token(client)}).status_code == 403


def test_a_bad_choice_fails_the_job_with_the_cli_message(client):
    job = start(client, "suppliers", {"region": "XYZ", "year": "2011"})
    st = wait(client, job)
    assert st["status"] == "failed" and "XYZ" in st["message"] and "Fix" in st["message"]
    assert "XYZ" in client.get(f"/jobs/{job}").text
    # a value the schema refuses never reaches the queue
    r = client.post("/lenses/multipliers", data={"csrf": token(client), "top": "-3"}, follow_redirects=False)
    assert r.status_code == 400 and "top" in r.text


def test_faulty_upload_is_refused_and_nothing_is_stored(client):
    before = len(list((client.home / "files").rglob("*")))
    tok = token(client, "/files")
    bad = (FAULTS / "firms_blank_industry.csv").read_bytes()
    r = client.post("/files", data={"csrf": tok, "kind": "firms"}, files={"file": ("firms.csv", bad, "text/csv")})
    assert r.status_code == 400
    assert "firms.csv" in r.text and "industry" in r.text and "Fix" in r.text
    r = client.post("/files", data={"csrf": tok, "kind": "demand"},
                    files={"file": ("demand.csv", (FAULTS / "demand_inf.csv").read_bytes(), "text/csv")})
    assert r.status_code == 400 and "demand.csv" in r.text and "infinite" in r.text
    r = client.post("/files", data={"csrf": tok, "kind": "demand"}, files={"file": ("d.csv", b"", "text/csv")})
    assert r.status_code == 400 and "empty" in r.text
    r = client.post("/files", data={"csrf": tok, "kind": "scenario"},
                    files={"file": ("s.txt", b"name: x", "text/plain")})
    assert r.status_code == 400 and ".yaml" in r.text
    sc = (ROOT / "examples" / "chn_electronics_halt.yaml").read_text().replace(
        "table: {dataset: wiod2013, year: 2011}", "table: {path: /etc}")
    r = client.post("/files", data={"csrf": tok, "kind": "scenario"}, files={"file": ("s.yaml", sc.encode())})
    assert r.status_code == 400 and "'table.path' names a file on the server" in html.unescape(r.text)
    assert len(list((client.home / "files").rglob("*"))) == before
    assert "firms.csv" not in client.get("/files").text


def test_output_from_an_uploaded_demand_equals_leontief(client, wiod2011):
    demand = "region,sector,value\nDEU,c15,1000\nCHN,c14,500\n"
    job = start(client, "output", {"year": "2011", "top": "10"},
                files={"demand": ("demand.csv", demand.encode(), "text/csv")})
    assert wait(client, job)["status"] == "done", client.get(f"/jobs/{job}/state").json()
    got = pd.read_parquet(io.BytesIO(client.get(f"/jobs/{job}/files/result.parquet").content)).iloc[:, 0]
    y = pd.Series(0.0, index=wiod2011.index)
    y[("DEU", "c15")], y[("CHN", "c14")] = 1000, 500
    want = iw.gross_output(wiod2011, y)
    assert got.index.equals(want.index)
    assert np.allclose(got.to_numpy(), want.to_numpy(), rtol=1e-9, atol=1e-9)
    assert got[("DEU", "c15")] > 1000 and got[("CHN", "c14")] > 500     # at least the demand itself
    stored = [f for f in client.get("/files").text.split("<tr>") if "demand.csv" in f]
    assert stored and "analyst" in stored[0]


def test_scenario_builder_runs_and_compares(client):
    base = {"name": "web halt", "year": "2011", "horizon": "60", "shock": "capacity", "shock_nodes": "CHN:c14",
            "size": "0.5", "start": "5", "duration": "20", "recovery_days": "0", "sp_products": "c14",
            "sp_buyers": "DEU:c15", "sp_days": "30", "focus": "DEU"}
    tok = token(client, "/scenarios")
    r = client.post("/scenarios", data={"csrf": tok, **base, "duration": "90"}, follow_redirects=False)
    assert r.status_code == 400 and "horizon" in r.text                 # the schema's message
    r = client.post("/scenarios", data={"csrf": tok, **base, "shock_nodes": "ATL:c14"}, follow_redirects=False)
    assert r.status_code == 400 and "ATL" in r.text                     # checked against the table
    r = client.post("/scenarios", data={"csrf": tok, **base, "run": "1"}, follow_redirects=False)
    assert r.status_code == 303
    job1 = r.headers["location"].rsplit("/", 1)[-1]
    r = client.post("/scenarios", data={"csrf": tok, **base, "name": "web halt, longer", "duration": "40",
                                        "run": "1"}, follow_redirects=False)
    job2 = r.headers["location"].rsplit("/", 1)[-1]
    assert wait(client, job1)["status"] == "done" and wait(client, job2)["status"] == "done"
    page = client.get("/scenarios").text
    sid = re.search(r'href="/scenarios/([0-9a-f]{32})\.yaml"', page).group(1)
    sc = yaml.safe_load(client.get(f"/scenarios/{sid}.yaml").text)
    assert sc["shocks"]["capacity"][0]["nodes"] == [{"region": "CHN", "sector": "c14"}]
    from industwin.analysis.disruption import read_scenario
    assert read_scenario(sc).name in ("web halt", "web halt, longer")
    cmp = client.get(f"/scenarios/compare?job={job1}&job={job2}")
    assert cmp.status_code == 200
    s1 = pd.read_parquet(client.home / "jobs" / job1 / "results" / "summary.parquet")
    s2 = pd.read_parquet(client.home / "jobs" / job2 / "results" / "summary.parquet")
    assert s2["value_added_loss"].iloc[0] > s1["value_added_loss"].iloc[0] > 0     # a longer halt costs more
    assert f"{s1['value_added_loss'].iloc[0]:,.0f}" in cmp.text and f"{s2['value_added_loss'].iloc[0]:,.0f}" in cmp.text
    assert client.get(f"/scenarios/compare?job={job1}").status_code == 400


def test_cancel_stops_a_running_job(client):
    job = start(client, "risk", {"year": "2011", "draws": "20000", "horizon": "365", "seed": "7"})
    t0 = time.monotonic()
    while client.get(f"/jobs/{job}/state").json()["status"] != "running" and time.monotonic() - t0 < 60:
        time.sleep(0.1)
    assert client.get(f"/jobs/{job}/state").json()["status"] == "running"
    other = TestClient(client.app, cookies={"industwin_user": "someone else"})
    r = other.post(f"/jobs/{job}/cancel", data={"csrf": token(other)}, follow_redirects=False)
    assert r.status_code == 403 and "only they" in r.text
    r = client.post(f"/jobs/{job}/cancel", data={"csrf": token(client)}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get(f"/jobs/{job}/state").json()["status"] == "cancelled"
    assert not (client.home / "jobs" / job).exists()
    assert job not in client.app.state.jobs.running


def test_created_by_is_recorded(client):
    tok = token(client, "/whoami")
    client.post("/whoami", data={"csrf": tok, "name": "Ada Ministry"})
    job = start(client, "describe", {"year": "2010"})
    assert wait(client, job)["status"] == "done"
    assert "started by Ada Ministry" in client.get(f"/jobs/{job}").text
    assert client.post("/whoami", data={"csrf": tok, "name": "<script>"}).status_code == 400
    client.post("/whoami", data={"csrf": tok, "name": "analyst"})


def test_events_stream_ends_with_done(client):
    job = start(client, "describe", {"year": "2009"})
    with client.stream("GET", f"/jobs/{job}/events") as r:
        text = "".join(r.iter_text())
    assert "event: progress" in text and text.rstrip().endswith("data: done")


def test_consultation_answers_reach_the_report(client):
    from industwin.strategy.consultation import questionnaire
    q = questionnaire()["priority"].tolist()
    tok = token(client, "/consultation/KOR")
    for who, group, score in (("r1", "government", "5"), ("r2", "industry", "4"), ("r3", "industry", "2")):
        r = client.post("/consultation/KOR", data={"csrf": tok, "respondent": who, "group": group,
                                                   f"q_{q[0]}": score, f"q_{q[1]}": "3"}, follow_redirects=False)
        assert r.status_code == 303
    r = client.post("/consultation/KOR", data={"csrf": tok, "respondent": "r1", "group": "industry",
                                               f"q_{q[0]}": "1"})
    assert r.status_code == 400 and "once" in r.text
    page = client.get("/consultation/KOR").text
    assert "3 respondent(s)" in page and "3.667" not in page and "3.67" in page     # mean of 5, 4, 2
    r = client.post("/report", data={"csrf": tok, "economy": "KOR", "year": "2011"}, follow_redirects=False)
    job = r.headers["location"].rsplit("/", 1)[-1]
    assert wait(client, job, 300)["status"] == "done"
    params = client.app.state.store.get(__import__("industwin.web.store", fromlist=["Job"]).Job, job).params
    assert Path(params["survey"]).read_text().count("\n") == 7      # header + 3 respondents × 2 priorities
    pdf = client.get(f"/jobs/{job}/files/report.pdf")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    html = client.get(f"/jobs/{job}/files/report.html").text
    assert 'src="/static/plotly.min.js"' in html and len(html) < 3_000_000
    assert "Consultation" in html or "consultation" in html


def test_queue_is_bounded_and_a_restart_loses_nothing(tmp_path):
    settings = Settings(home=tmp_path, workers=1, max_queue=2)
    app = create_app(settings)
    with TestClient(app) as c:
        app.state.jobs.stop()                  # nothing runs: the jobs stay in the queue
        ids = [start(c, "describe", {"year": str(y)}) for y in (2001, 2002)]
        r = c.post("/lenses/describe", data={"csrf": token(c), "year": "2003"}, follow_redirects=False)
        assert r.status_code == 503 and "waiting" in r.text
    with TestClient(create_app(settings)) as c:     # a new server runs what the old one left
        assert all(wait(c, j)["status"] == "done" for j in ids)


def test_labels_and_names_are_escaped(client):
    """Scenario names and firm ids land in table labels: they must reach the page as text, never as markup."""
    evil = '<img src=x onerror="alert(1)">'
    base = {"year": "2011", "horizon": "30", "shock": "capacity", "shock_nodes": "CHN:c14", "size": "0.2",
            "start": "1", "recovery_days": "0", "run": "1"}
    tok = token(client, "/scenarios")
    ids = []
    for d in ("5", "6"):
        r = client.post("/scenarios", data={"csrf": tok, **base, "name": evil, "duration": d}, follow_redirects=False)
        assert r.status_code == 303, r.text[-300:]
        ids.append(r.headers["location"].rsplit("/", 1)[-1])
    assert all(wait(client, j)["status"] == "done" for j in ids)
    for page in (client.get(f"/scenarios/compare?job={ids[0]}&job={ids[1]}").text, client.get("/scenarios").text,
                 client.get(f"/jobs/{ids[0]}").text):
        assert "<img src=x" not in page and "&lt;img src=x" in page
    cmp = client.get(f"/scenarios/compare?job={ids[0]}&job={ids[1]}").text
    assert f"({ids[0][:8]})" in cmp and f"({ids[1][:8]})" in cmp        # two runs of one name: two columns
    assert client.get(f"/scenarios/compare?job={ids[0]}&job={ids[0]}").status_code == 400


def test_refusals_are_pages_not_server_errors(client):
    tok = token(client)
    cases = [
        client.post("/lenses/demo", data={"csrf": tok, "region": "DEU", "years": "2011-1995"}),
        client.post("/lenses/demo", data={"csrf": tok, "region": "DEU", "years": "1-3000000"}),
        client.post("/lenses/multipliers", data={"csrf": tok, "source": "/etc/passwd"}),
        client.post("/lenses/output", data={"csrf": tok, "demand__stored": "0" * 32}),
        client.post("/files", data={"csrf": tok, "kind": "demand"}, files={"file": ("..", b"region,sector,value\n")}),
        client.get("/economies/DEU?year=1990"),
        client.get("/economies/DEU?year=abc"),
        client.get("/consultation/NOTACOUNTRY"),
        client.get("/no/such/page"),
        client.get("/jobs/" + "0" * 32),
        client.get("/jobs/" + "0" * 32 + "/files/../../industwin.db"),
    ]
    for r in cases:
        assert 400 <= r.status_code < 500, (r.request.url, r.status_code, r.text[-300:])
        assert r.headers["content-type"].startswith("text/html"), r.request.url
        assert "Traceback" not in r.text and 'role="alert"' in r.text
    assert "backwards" in cases[0].text and "1900" in cases[1].text and "named datasets" in cases[2].text
    assert "not a demand file" in cases[3].text and "1995–2011" in cases[5].text


def test_a_killed_server_leaves_no_job_running_and_the_next_runs_it(tmp_path):
    """kill -9 of the server: its job processes end by themselves (they watch the server), and the next server
    runs the job again into an emptied folder."""
    import os
    import signal
    import socket
    import subprocess
    import sys

    import httpx
    import psutil

    def serve(port):
        return subprocess.Popen([str(Path(sys.executable).with_name("industwin")), "serve", "--port", str(port),
                                 "--home", str(tmp_path), "--workers", "1"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)

    def up(url):
        t0 = time.monotonic()
        while time.monotonic() - t0 < 60:
            try:
                return httpx.get(url + "/healthz", timeout=2).json()
            except httpx.HTTPError:
                time.sleep(0.2)
        raise AssertionError("server did not start")

    with socket.socket() as sk:
        sk.bind(("127.0.0.1", 0))
        port = sk.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    proc = serve(port)
    try:
        up(url)
        c = httpx.Client(base_url=url, timeout=30)
        tok = re.search(r'name="csrf" value="([^"]+)"', c.get("/whoami").text).group(1)
        r = c.post("/lenses/risk", data={"csrf": tok, "year": "2011", "draws": "400", "horizon": "120"})
        job = r.headers["location"].rsplit("/", 1)[-1]
        t0 = time.monotonic()
        while c.get(f"/jobs/{job}/state").json()["status"] != "running":
            assert time.monotonic() - t0 < 60
            time.sleep(0.1)
        time.sleep(1.0)
        workers = [p for p in psutil.Process(proc.pid).children(recursive=True) if "job" in " ".join(p.cmdline())
                   or p.name().startswith("python")]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        gone, alive = psutil.wait_procs(workers, timeout=15)
        assert not [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        proc = serve(port)
        up(url)
        c = httpx.Client(base_url=url, timeout=30)
        t0 = time.monotonic()
        while (st := c.get(f"/jobs/{job}/state").json())["status"] not in ("done", "failed"):
            assert time.monotonic() - t0 < 300
            time.sleep(0.3)
        assert st["status"] == "done", st
        assert (tmp_path / "jobs" / job / "page.html").exists()
    finally:
        proc.kill()
        proc.wait()


def test_a_database_that_cannot_be_opened_is_a_message(tmp_path):
    from industwin.errors import DataError
    for url, words in ((f"sqlite:///{tmp_path}/no/such/folder/x.db", "cannot be opened"),
                       ("postgresql+psycopg://me:secret@127.0.0.1:1/x", "cannot be opened"),
                       ("nope://x", "cannot be opened")):
        with pytest.raises(DataError, match=words) as e:
            create_app(Settings(home=tmp_path, db=url))
        assert "secret" not in str(e.value) and "Fix" in str(e.value)
