"""The OWASP API Security Top 10 (2023) as a checklist against the real application (``create_app`` over
Starlette's TestClient on https://testserver): the PACT v3 host (``/auth/token``, ``/3/...``) and the data-space
API (``/api/v1``). Each test names the OWASP item it covers; object-level checks run on SQLite and PostgreSQL
(``db_url``), the rest on SQLite. Items without a surface here: API6 (no business flow to automate beyond what
the rate limit of API2 covers), API7 (the server makes no request to an address a caller chooses: PACT answers
go only to connections an organisation set up), API9 (inventory: covered by the OpenAPI fuzzing at the end —
every documented operation is exercised).

Known defects are marked ``xfail(strict=True)`` with the request that shows them."""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, inspect, select, text

from industwin.collab.dataspace import MAX_ROWS, SpaceError
from industwin.collab.directory import sha256
from industwin.collab.models import AccessToken, Client, Submission
from industwin.data.pact import read_footprints
from industwin.web.app import Settings, create_app
from industwin.web.store import new_id

REF = Path(__file__).resolve().parents[2] / "shared" / "references" / "data-exchange"
EXAMPLES = REF / "pact_spec_examples" / "v3"
PURPOSE = "Decarbonisation strategy for German heavy industry"
UNTIL = date.today() + timedelta(days=365)
TOKEN_FORM = {"grant_type": "client_credentials"}
# what must never appear in an error a caller sees
LEAKS = re.compile(r"Traceback|File \"|site-packages|/work/|\.py\b|sqlalchemy|psycopg|\[SQL:|\bSELECT |\bINSERT ")


def examples():
    return [read_footprints(EXAMPLES / f"example-{i}.json")[0] for i in range(1, 5)]


def _body(rows, kind="emissions", purpose=PURPOSE, until=UNTIL, **extra) -> dict:
    return {"kind": kind, "policy": {"purpose": purpose, "until": until.isoformat()}, "rows": rows, **extra}


ROWS = [{"sector": "c24", "year": 2023, "value": 123.0}, {"sector": "c29", "year": 2024, "value": 45.5}]


@pytest.fixture(autouse=True)
def _quick_hashing(request):
    """Light Argon2id for setting up clients (see conftest.quick_hashing); the storage test keeps the product's
    own parameters."""
    if request.node.originalname != "test_api2_secrets_and_tokens_are_stored_only_as_hashes":
        request.getfixturevalue("quick_hashing")


@contextmanager
def _quiet():
    """The server's own log of the 500s a fuzzer provokes stays out of the output (counted, not printed)."""
    logger = logging.getLogger("industwin")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


@contextmanager
def _serve(tmp_path: Path, db: str | None = None, **settings):
    """The application on ``db`` (default: SQLite in ``tmp_path``), over https://testserver; server errors come
    back as responses (500), not as exceptions in the test."""
    app = create_app(Settings(home=tmp_path / "home", db=db, workers=1, **settings))
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as tc:
        yield tc, app


def _bearer(tc: TestClient, cred) -> dict[str, str]:
    r = tc.post("/auth/token", auth=(cred.id, cred.secret), data=TOKEN_FORM)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _clean_error(r, *, status: int | tuple[int, ...] | None = None) -> dict:
    """An error response: the status (if given), JSON, and nothing of the server's insides in it."""
    if status is not None:
        assert r.status_code in ((status,) if isinstance(status, int) else status), (r.status_code, r.text[:300])
    assert r.status_code != 500 and not LEAKS.search(r.text), (r.status_code, r.text[:500])
    assert r.headers.get("content-type", "").startswith("application/json"), (r.status_code, r.text[:200])
    return r.json()


@dataclass
class World:
    """Two ministries' programmes and their members, with api tokens (their own systems) and pact tokens (a
    partner reading their footprints)."""

    tc: TestClient
    app: Any
    orgs: dict = field(default_factory=dict)
    p1: Any = None
    p2: Any = None

    def __post_init__(self):
        self.api = _Tokens(self, "api")
        self.pact = _Tokens(self, "pact")

    @property
    def d(self):
        return self.app.state.pact.directory

    @property
    def ds(self):
        return self.app.state.space

    @property
    def store(self):
        return self.app.state.store

    def submit(self, org: str, programme, rows=ROWS, key: str | None = None) -> str:
        r = self.tc.post(f"/api/v1/programmes/{programme.id}/submissions", json=_body(rows),
                         headers={**self.api[org], "Idempotency-Key": key or secrets.token_hex(8)})
        assert r.status_code == 201, r.text
        return r.json()["id"]

    def submissions_in_db(self) -> int:
        with self.store.session() as s:
            return s.scalar(select(func.count()).select_from(Submission))


class _Tokens(dict):
    """Bearer headers by organisation name, a client and token made on first use."""

    def __init__(self, world: World, scope: str):
        super().__init__()
        self.world, self.scope = world, scope

    def __missing__(self, name: str) -> dict[str, str]:
        w = self.world
        self[name] = _bearer(w.tc, w.d.issue_client(w.orgs[name], f"{name} {self.scope}", scope=self.scope))
        return self[name]


@pytest.fixture
def world(db_url, tmp_path):
    """P1 (owner: Ministry; contributors Alpha, Beta, Gamma, Delta; observer Watcher; government Analyst) and
    P2 (owner: Other Ministry; contributor Outsider)."""
    with _serve(tmp_path, db_url) as (tc, app):
        w = World(tc, app)
        d, ds = w.d, w.ds
        for name in ("Ministry", "Alpha", "Beta", "Gamma", "Delta", "Watcher", "Analyst", "Other Ministry",
                     "Outsider"):
            w.orgs[name] = d.add_organisation(name)
        o = w.orgs
        w.p1 = ds.add_programme(o["Ministry"], "Heavy industry", PURPOSE, "DEU", UNTIL, sectors=["c24", "c29"])
        w.p2 = ds.add_programme(o["Other Ministry"], "Other programme", PURPOSE, "DEU", UNTIL, sectors=["c24"])
        for name in ("Alpha", "Beta", "Gamma", "Delta"):
            ds.add_member(w.p1, o[name], "contributor")
        ds.add_member(w.p1, o["Watcher"], "observer")
        ds.add_member(w.p1, o["Analyst"], "government")
        ds.add_member(w.p2, o["Outsider"], "contributor")
        yield w


# --------------------------------------------------------------------------------------------------------------
# API1:2023 Broken Object Level Authorization


def test_api1_other_organisations_objects_are_not_found(world):
    """OWASP API1:2023 (broken object-level authorisation): another organisation's submission, programme,
    aggregate and PACT footprint, asked for by their real ids, are 404 — never 403 and never any of their data —
    and the 404 is the same as for an id that does not exist (no existence oracle)."""
    w, tc = world, world.tc
    sid = w.submit("Alpha", w.p1)
    other_sid = w.submit("Outsider", w.p2)
    ex = examples()
    fs = w.app.state.pact.footprints
    fs.publish(w.orgs["Alpha"].id, ex[0])
    fs.publish(w.orgs["Outsider"].id, ex[1])
    p1, p2 = w.p1.id, w.p2.id
    nowhere = new_id()

    def refused(method, path, who, same_as=None):
        r = tc.request(method, path, headers=w.api[who])
        body = _clean_error(r, status=404)
        assert set(body) == {"detail"} and sid not in r.text and "123" not in r.text and "Alpha" not in r.text
        if same_as is not None:
            twin = tc.request(method, same_as, headers=w.api[who])
            assert (twin.status_code, twin.json()) == (404, body), (path, same_as)

    # an organisation outside P1
    refused("GET", f"/api/v1/programmes/{p1}", "Outsider", same_as=f"/api/v1/programmes/{nowhere}")
    refused("GET", f"/api/v1/programmes/{p1}/submissions", "Outsider",
            same_as=f"/api/v1/programmes/{nowhere}/submissions")
    refused("GET", f"/api/v1/programmes/{p1}/submissions/{sid}", "Outsider",
            same_as=f"/api/v1/programmes/{nowhere}/submissions/{new_id()}")
    refused("GET", f"/api/v1/programmes/{p1}/aggregates/emissions", "Outsider",
            same_as=f"/api/v1/programmes/{nowhere}/aggregates/emissions")
    refused("GET", f"/api/v1/programmes/{p2}/submissions/{sid}", "Outsider",        # its own programme, A's id
            same_as=f"/api/v1/programmes/{p2}/submissions/{new_id()}")
    refused("DELETE", f"/api/v1/programmes/{p1}/submissions/{sid}", "Outsider")
    # members of the same programme: another contributor, the facilitator, the government analyst, an observer
    for who in ("Beta", "Ministry", "Analyst", "Watcher"):
        refused("GET", f"/api/v1/programmes/{p1}/submissions/{sid}", who,
                same_as=f"/api/v1/programmes/{p1}/submissions/{new_id()}")
        listed = tc.get(f"/api/v1/programmes/{p1}/submissions", headers=w.api[who])
        assert listed.status_code == 200 and sid not in listed.text
    # Alpha's id under the programme it is not in
    refused("GET", f"/api/v1/programmes/{p2}/submissions/{sid}", "Alpha")
    # the lists show one's own only
    assert [s["id"] for s in tc.get(f"/api/v1/programmes/{p1}/submissions", headers=w.api["Alpha"]).json()] == [sid]
    assert [p["id"] for p in tc.get("/api/v1/programmes", headers=w.api["Outsider"]).json()] == [p2]
    assert other_sid not in tc.get(f"/api/v1/programmes/{p2}/submissions", headers=w.api["Alpha"]).text
    # PACT: a partner of Outsider asks for Alpha's footprint by id (any case)
    for pf_id in (ex[0].id, ex[0].id.upper()):
        r = tc.get(f"/3/footprints/{pf_id}", headers=w.pact["Outsider"])
        assert r.status_code == 404 and r.json()["code"] == "NotFound" and "pcf" not in r.text
    ids = [x["id"] for x in tc.get("/3/footprints", headers=w.pact["Outsider"]).json()["data"]]
    assert ids == [ex[1].id]
    assert tc.get(f"/3/footprints/{ex[0].id}", headers=w.pact["Alpha"]).status_code == 200    # the owner's partner


# ids that are not ids: URL-encoded as they go on the wire
WEIRD_IDS = [
    "..%2f..%2f{p2}", "..%2F{sid}", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "..%5c..%5cwindows", "....%2f%2f....%2f%2fx",
    "%27%20OR%20%271%27%3D%271", "1%3B%20DROP%20TABLE%20submissions%3B%20--", "%22%20OR%20%22%22%3D%22",
    "%25", "_", "%2A", "{SID}", "{sid}%20", "%20{sid}", "{sid}{sid}", "%C0%AE%C0%AE%2Fx", "%ff%fe", "~",
    "%7B%22%24ne%22%3A%20null%7D", "a" * 10_000, "0" * 32, "f" * 31, "%0d%0aX-Injected%3A%201",
]


def test_api1_ids_that_are_not_ids_are_not_found(world):
    """OWASP API1:2023: ids that are not ids — path traversal (``..%2f``), 10 kB ids, SQL and NoSQL fragments,
    case variants of a real id, control characters — are 404 (or 422), never 500, never another's data."""
    w, tc = world, world.tc
    sid = w.submit("Alpha", w.p1)
    w.app.state.pact.footprints.publish(w.orgs["Alpha"].id, examples()[0])
    p1 = w.p1.id
    for raw in WEIRD_IDS:
        x = raw.format(p2=w.p2.id, sid=sid, SID=sid.upper())
        for method, path in (("GET", f"/api/v1/programmes/{x}"), ("GET", f"/api/v1/programmes/{x}/submissions"),
                             ("POST", f"/api/v1/programmes/{x}/submissions"),
                             ("GET", f"/api/v1/programmes/{p1}/submissions/{x}"),
                             ("DELETE", f"/api/v1/programmes/{p1}/submissions/{x}"),
                             ("GET", f"/api/v1/programmes/{p1}/aggregates/{x}")):
            kw = {"json": _body(ROWS)} if method == "POST" else {}
            r = tc.request(method, path, headers={**w.api["Beta"], "Idempotency-Key": "k"}, follow_redirects=False,
                           **kw)
            _clean_error(r, status=(404, 422))
            assert "123" not in r.text
        r = tc.get(f"/3/footprints/{x}", headers=w.pact["Outsider"], follow_redirects=False)
        assert r.status_code in (400, 404) and not LEAKS.search(r.text) and "pcf" not in r.text, (x[:80], r.text[:300])
    # nothing was deleted on the way
    assert tc.get(f"/api/v1/programmes/{p1}/submissions/{sid}", headers=w.api["Alpha"]).status_code == 200


def test_api1_nul_bytes_in_ids_are_not_found(world, db_url, request):
    """OWASP API1:2023 / API8: an id with a NUL byte (``%00``) is "not found" like any other id that does not
    exist — on PostgreSQL too, whose text cannot hold NUL."""
    w, tc = world, world.tc
    w.app.state.pact.footprints.publish(w.orgs["Alpha"].id, examples()[0])
    for x in ("%00", "a%00b", examples()[0].id + "%00"):
        r = tc.get(f"/3/footprints/{x}", headers=w.pact["Alpha"])
        assert r.status_code == 404 and not LEAKS.search(r.text), (x, r.status_code, r.text[:300])
        for path in (f"/api/v1/programmes/{x}", f"/api/v1/programmes/{w.p1.id}/submissions/{x}",
                     f"/api/v1/programmes/{w.p1.id}/aggregates/{x}"):
            _clean_error(tc.get(path, headers=w.api["Alpha"]), status=404)
    r = tc.post("/auth/token", data={**TOKEN_FORM, "client_id": "iw-\x00", "client_secret": "x"})
    assert r.status_code == 401 and r.json()["error"] == "invalid_client", (r.status_code, r.text[:300])


# --------------------------------------------------------------------------------------------------------------
# API2:2023 Broken Authentication


def test_api2_requests_without_a_valid_token_are_401(tmp_path):
    """OWASP API2:2023 (broken authentication): no token, a malformed Authorization header (``Bearer``,
    ``Basic x``, a 5 kB token), a random token, a revoked client's token and a token of the other scope (pact on
    /api/v1, api on /3) are all 401 with ``WWW-Authenticate`` and no data, on every endpoint."""
    with _serve(tmp_path) as (tc, app):
        d, ds = app.state.pact.directory, app.state.space
        org, ministry = d.add_organisation("Alpha"), d.add_organisation("Ministry")
        prog = ds.add_programme(ministry, "P", PURPOSE, "DEU", UNTIL)
        ds.add_member(prog, org, "contributor")
        app.state.pact.footprints.publish(org.id, examples()[0])
        api_cred, pact_cred = d.issue_client(org, "own", scope="api"), d.issue_client(org, "partner")
        api_h, pact_h = _bearer(tc, api_cred), _bearer(tc, pact_cred)
        leaver = d.issue_client(org, "leaver", scope="api")
        leaver_h = _bearer(tc, leaver)
        pact_leaver = d.issue_client(org, "pact leaver")
        pact_leaver_h = _bearer(tc, pact_leaver)
        sid = tc.post(f"/api/v1/programmes/{prog.id}/submissions", json=_body(ROWS),
                      headers={**api_h, "Idempotency-Key": "k"}).json()["id"]
        d.revoke(leaver.id)
        d.revoke(pact_leaver.id)
        token = api_h["Authorization"][7:]
        bad = [None, "Bearer", "Bearer ", "Basic x", "Basic " + "x" * 40, "Bearer " + "A" * 5000,
               "Bearer " + secrets.token_urlsafe(32), f"Bearer {token}x", f"Bearer {token[:-1]}", f"Token {token}",
               f"Digest {token}", f"Bearer{token}", "Bearer a,b", "Bearer \t"]
        api_calls = [("GET", "/api/v1/programmes", None), ("GET", f"/api/v1/programmes/{prog.id}", None),
                     ("POST", f"/api/v1/programmes/{prog.id}/submissions", _body(ROWS)),
                     ("GET", f"/api/v1/programmes/{prog.id}/submissions/{sid}", None),
                     ("DELETE", f"/api/v1/programmes/{prog.id}/submissions/{sid}", None),
                     ("GET", f"/api/v1/programmes/{prog.id}/aggregates/emissions", None)]
        pact_calls = [("GET", "/3/footprints", None), ("GET", f"/3/footprints/{examples()[0].id}", None),
                      ("POST", "/3/events", {"specversion": "1.0", "id": "e", "source": "//x", "time": "2024-01-01",
                                             "type": "org.wbcsd.pact.ProductFootprint.PublishedEvent.3",
                                             "data": {"pfIds": [examples()[0].id]}})]

        def refused(method, path, body, headers):
            r = tc.request(method, path, json=body, headers={**headers, "Idempotency-Key": "other"})
            assert r.status_code == 401, (method, path, headers, r.status_code, r.text[:200])
            assert r.headers.get("www-authenticate", "").lower().startswith("bearer"), (path, dict(r.headers))
            assert "data" not in r.json() and "123" not in r.text and not LEAKS.search(r.text)

        for auth in bad:
            h = {} if auth is None else {"Authorization": auth}
            for method, path, body in api_calls + pact_calls:
                refused(method, path, body, h)
        for method, path, body in api_calls:                  # the other scope, a revoked client
            refused(method, path, body, pact_h)
            refused(method, path, body, leaver_h)
        for method, path, body in pact_calls:
            refused(method, path, body, api_h)
            refused(method, path, body, pact_leaver_h)
        # a revoked client cannot get a new token either
        r = tc.post("/auth/token", auth=(leaver.id, leaver.secret), data=TOKEN_FORM)
        assert r.status_code == 401 and "access_token" not in r.json()
        # nothing above changed anything: the submission is there, no second one
        assert tc.get(f"/api/v1/programmes/{prog.id}/submissions/{sid}", headers=api_h).status_code == 200
        assert len(tc.get(f"/api/v1/programmes/{prog.id}/submissions", headers=api_h).json()) == 1


def test_api2_tokens_expire(tmp_path):
    """OWASP API2:2023: an access token stops working when it expires (``token_seconds``), on both APIs, with
    a 401 saying so; a new token works."""
    with _serve(tmp_path, token_seconds=1) as (tc, app):
        d, ds = app.state.pact.directory, app.state.space
        org = d.add_organisation("Alpha")
        ds.add_programme(org, "P", PURPOSE, "DEU", UNTIL)
        api_cred, pact_cred = d.issue_client(org, "own", scope="api"), d.issue_client(org, "partner")
        api_h, pact_h = _bearer(tc, api_cred), _bearer(tc, pact_cred)
        assert tc.get("/api/v1/programmes", headers=api_h).status_code == 200
        assert tc.get("/3/footprints", headers=pact_h).status_code == 200
        time.sleep(1.3)
        r = tc.get("/api/v1/programmes", headers=api_h)
        assert r.status_code == 401 and "expired" in r.json()["detail"] and "www-authenticate" in r.headers
        r = tc.get("/3/footprints", headers=pact_h)
        assert r.status_code == 401 and r.json()["code"] == "TokenExpired" and "www-authenticate" in r.headers
        assert tc.get("/api/v1/programmes", headers=_bearer(tc, api_cred)).status_code == 200


def test_api2_secrets_and_tokens_are_stored_only_as_hashes(tmp_path):
    """OWASP API2:2023: client secrets are stored as Argon2id hashes (with at least OWASP's minimum cost,
    19 MiB and 2 passes) and access tokens as SHA-256 — no row of any table holds a secret or a token as
    given."""
    with _serve(tmp_path) as (tc, app):
        d = app.state.pact.directory
        org = d.add_organisation("Alpha")
        creds = [d.issue_client(org, "own", scope="api"), d.issue_client(org, "partner")]
        tokens = [_bearer(tc, c)["Authorization"][7:] for c in creds]
        r = tc.post("/auth/token", data={**TOKEN_FORM, "client_id": creds[0].id, "client_secret": creds[0].secret})
        assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
        tokens.append(r.json()["access_token"])
        store = app.state.store
        with store.session() as s:
            tables = inspect(s.get_bind()).get_table_names()
            dump = "\n".join(repr(tuple(row)) for t in tables for row in s.execute(text(f'SELECT * FROM "{t}"')))
            clients = {c.id: c for c in s.scalars(select(Client))}
            stored = set(s.scalars(select(AccessToken.token_sha256)))
        for c in creds:
            assert c.secret not in dump
            h = clients[c.id].secret_hash
            m, t = (int(x) for x in re.match(r"\$argon2id\$v=19\$m=(\d+),t=(\d+),p=\d+\$", h).groups())
            assert m >= 19 * 1024 and t >= 2, h
        for t in tokens:
            assert t not in dump and sha256(t) in stored


def test_api2_token_endpoint_slows_down_guessing(tmp_path):
    """OWASP API2:2023: after 20 failed client authentications from one address in a minute the token endpoint
    answers 429 with Retry-After — even to correct credentials, whether sent by Basic or in the form."""
    with _serve(tmp_path) as (tc, app):
        d = app.state.pact.directory
        cred = d.issue_client(d.add_organisation("Alpha"), "p", scope="api")
        codes = []
        for i in range(20):
            if i % 2:
                r = tc.post("/auth/token", auth=(cred.id, f"guess-{i}"), data=TOKEN_FORM)
            else:
                r = tc.post("/auth/token", data={**TOKEN_FORM, "client_id": f"iw-{i:024x}", "client_secret": "x"})
            codes.append(r.status_code)
            assert r.status_code != 401 or r.headers.get("www-authenticate")
        assert codes == [401] * 20
        for attempt in ({"auth": (cred.id, cred.secret), "data": TOKEN_FORM},
                        {"data": {**TOKEN_FORM, "client_id": cred.id, "client_secret": cred.secret}}):
            r = tc.post("/auth/token", **attempt)
            assert r.status_code == 429 and "access_token" not in r.json(), r.text
            assert 0 < int(r.headers["retry-after"]) <= 61


# --------------------------------------------------------------------------------------------------------------
# API3:2023 Broken Object Property Level Authorization


def test_api3_mass_assignment_is_refused_and_nothing_stored(world):
    """OWASP API3:2023 (broken object-property-level authorisation, mass assignment): properties a caller must
    not set (``org_id``, ``id``, ``programme_id``, ``created_by`` … at the top, in the policy or in a row) are
    422 and nothing is stored; the owner cannot be set through the query or a header either; a submission's
    response has the documented fields only."""
    w, tc = world, world.tc
    url = f"/api/v1/programmes/{w.p1.id}/submissions"
    beta, p2 = w.orgs["Beta"].id, w.p2.id
    extras = [{"org_id": beta}, {"id": "f" * 32}, {"programme_id": p2}, {"created_by": "client x"},
              {"n_rows": 1}, {"total": 0.0}, {"idem_key": "x"}, {"body_sha256": "0" * 64}, {"created_at": "2020-01-01"}]
    for i, extra in enumerate(extras):
        r = tc.post(url, json=_body(ROWS, **extra), headers={**w.api["Alpha"], "Idempotency-Key": f"top-{i}"})
        assert next(iter(extra)) in _clean_error(r, status=422)["detail"]
        body = _body(ROWS)
        body["policy"].update(extra)
        _clean_error(tc.post(url, json=body, headers={**w.api["Alpha"], "Idempotency-Key": f"pol-{i}"}), status=422)
        body = _body([{**ROWS[0], **extra}])
        _clean_error(tc.post(url, json=body, headers={**w.api["Alpha"], "Idempotency-Key": f"row-{i}"}), status=422)
    body = _body(ROWS)
    body["policy"]["third_party_use"] = True
    _clean_error(tc.post(url, json=body, headers={**w.api["Alpha"], "Idempotency-Key": "tpu"}), status=422)
    assert w.submissions_in_db() == 0
    assert not any(e.action == "submitted" for e in w.d.audit_log(w.orgs["Alpha"].id))
    # the owner is the caller, whatever the query string or the headers say
    r = tc.post(url, json=_body(ROWS), params={"org_id": beta, "programme_id": p2},
                headers={**w.api["Alpha"], "Idempotency-Key": "ok", "X-Org-Id": beta, "X-Organisation": beta})
    assert r.status_code == 201
    assert set(r.json()) == {"id", "kind", "rows", "total", "purpose", "until", "created"}
    row = w.store.get(Submission, r.json()["id"])
    assert (row.org_id, row.programme_id) == (w.orgs["Alpha"].id, w.p1.id)
    detail = tc.get(f"{url}/{row.id}", headers=w.api["Alpha"]).json()
    assert set(detail) == {"id", "kind", "rows", "total", "purpose", "until", "created", "data"}
    assert detail["data"] == ROWS
    for key in ("org_id", "created_by", "idem_key", "body_sha256", "programme_id", w.orgs["Alpha"].id):
        assert key not in json.dumps(detail) and key not in tc.get(url, headers=w.api["Alpha"]).text


def test_api3_programme_and_submission_views_hold_no_one_elses_fields(world):
    """OWASP API3:2023: what a member reads about a programme names members and counts, never another
    organisation's submission ids, values, client ids or idempotency keys."""
    w, tc = world, world.tc
    sid = w.submit("Alpha", w.p1, rows=[{"sector": "c24", "year": 2023, "value": 987.25}], key="alpha-secret-key")
    for who in ("Beta", "Watcher", "Ministry", "Analyst"):
        for path in (f"/api/v1/programmes/{w.p1.id}", "/api/v1/programmes",
                     f"/api/v1/programmes/{w.p1.id}/submissions"):
            r = tc.get(path, headers=w.api[who])
            assert r.status_code == 200, r.text
            for secret in (sid, "987.25", "alpha-secret-key", w.orgs["Alpha"].id, "iw-"):
                assert secret not in r.text, (who, path, secret)


def test_api3_aggregate_never_shows_a_single_contributors_value(tmp_path):
    """OWASP API3:2023 (excessive data exposure) for the statistics: four contributors, one of them dominating
    a sector; the aggregate JSON a member reads holds no cell whose value is one contributor's (dominated or
    fewer than 3 contributors), no value equal to the dominant contributor's figures, and contributor counts
    only for published cells — checked against the disclosure rules recomputed here from the raw rows."""
    data = {  # org: {(sector, year): t}
        "Big": {("c24", 2023): 9137.0, ("c24", 2024): 8711.0, ("c29", 2023): 41.0, ("c29", 2024): 43.0},
        "S1": {("c24", 2023): 17.0, ("c24", 2024): 19.0, ("c29", 2023): 52.0, ("c29", 2024): 55.0},
        "S2": {("c24", 2023): 23.0, ("c24", 2024): 29.0, ("c29", 2023): 61.0, ("c29", 2024): 58.0},
        "S3": {("c24", 2023): 31.0, ("c24", 2024): 37.0, ("c29", 2023): 47.0, ("c29", 2024): 66.0},
    }
    with _serve(tmp_path) as (tc, app):
        d, ds = app.state.pact.directory, app.state.space
        ministry = d.add_organisation("Ministry")
        prog = ds.add_programme(ministry, "P", PURPOSE, "DEU", UNTIL, sectors=["c24", "c29"])
        heads = {}
        for name, cells in data.items():
            org = d.add_organisation(name)
            ds.add_member(prog, org, "contributor")
            heads[name] = _bearer(tc, d.issue_client(org, "own", scope="api"))
            rows = [{"sector": s, "year": y, "value": v} for (s, y), v in cells.items()]
            r = tc.post(f"/api/v1/programmes/{prog.id}/submissions", json=_body(rows),
                        headers={**heads[name], "Idempotency-Key": "k"})
            assert r.status_code == 201, r.text
        heads["Ministry"] = _bearer(tc, d.issue_client(ministry, "own", scope="api"))
        seen = []
        for who in ("Ministry", "S1", "Big"):
            r = tc.get(f"/api/v1/programmes/{prog.id}/aggregates/emissions", headers=heads[who])
            assert r.status_code == 200, r.text
            seen.append(r.json())
    j = seen[0]
    assert all(s == j for s in seen)                       # every member sees the same table
    assert "Big" not in json.dumps(j) and "S1" not in json.dumps(j)

    def contributions(row: str, col: str) -> list[float]:
        """Each organisation's total in a cell (``Total`` = a margin)."""
        out = []
        for cells in data.values():
            v = sum(x for (s, y), x in cells.items() if row in (s, "Total") and col in (str(y), "Total"))
            if v:
                out.append(v)
        return sorted(out, reverse=True)

    singles = {v for cells in data.values() for v in cells.values()}
    for org_cells in data.values():                          # every organisation's own margins
        for s in ("c24", "c29", "Total"):
            for y in ("2023", "2024", "Total"):
                singles.add(sum(x for (ss, yy), x in org_cells.items() if s in (ss, "Total")
                                and y in (str(yy), "Total")))
    published = 0
    for i, row in enumerate(j["rows"]):
        for k, col in enumerate(j["columns"]):
            value, status, n = j["values"][i][k], j["status"][i][k], j["contributors"][i][k]
            if status != "published":
                assert value is None and n is None, (row, col, status, value, n)
                continue
            published += 1
            parts = contributions(row, col)
            assert value == pytest.approx(sum(parts)) and n == len(parts)
            assert len(parts) >= 3 and parts[0] + parts[1] <= 0.85 * sum(parts), (row, col, parts)
            assert not any(value == pytest.approx(x) for x in singles), (row, col, value)
    assert published >= 1                                    # the balanced sector is shown
    dominated = j["rows"].index("c24"), j["columns"].index("2023")
    assert j["values"][dominated[0]][dominated[1]] is None


# --------------------------------------------------------------------------------------------------------------
# API4:2023 Unrestricted Resource Consumption


@dataclass
class Contributor:
    tc: TestClient
    app: Any
    prog: Any
    api: dict          # Authorization header of the organisation's api client
    pact: dict         # … of a partner's pact client


@pytest.fixture
def contributor(tmp_path):
    """One organisation contributing to one programme, its api token and a pact token, on SQLite."""
    with _serve(tmp_path) as (tc, app):
        d, ds = app.state.pact.directory, app.state.space
        org = d.add_organisation("Alpha")
        prog = ds.add_programme(d.add_organisation("Ministry"), "P", PURPOSE, "DEU", UNTIL)
        ds.add_member(prog, org, "contributor")
        for pf in examples():
            app.state.pact.footprints.publish(org.id, pf)
        yield Contributor(tc, app, prog, _bearer(tc, d.issue_client(org, "own", scope="api")),
                          _bearer(tc, d.issue_client(org, "partner")))


def test_api4_sizes_and_counts_are_bounded(contributor):
    """OWASP API4:2023 (unrestricted resource consumption): a body over 2 MB is 413 before it is read; more than
    10,000 rows is 422 (10,000 are accepted); a PACT page is at most 1000 (``limit=100000`` is 400); offsets and
    limits out of range or not numbers are 400; a deeply nested JSON body is 4xx, not 500; an Idempotency-Key
    over 100 characters is 422; an oversized token request is refused without an error."""
    tc, app, prog, api_h, pact_h = contributor.tc, contributor.app, contributor.prog, contributor.api, contributor.pact
    url = f"/api/v1/programmes/{prog.id}/submissions"
    h = {**api_h, "Idempotency-Key": "k", "content-type": "application/json"}
    r = tc.post(url, content=b'{"kind": "emissions", "rows": [' + b" " * (2 * 2**20 + 10) + b"]}", headers=h)
    assert "2 MB" in _clean_error(r, status=413)["detail"]
    r = tc.post(url, content=b"{}", headers={**h, "content-length": str(50 * 2**20)})   # announced, not sent
    _clean_error(r, status=413)
    many = [{"sector": f"s{i % 97}", "year": 1990 + i % 100, "value": float(i)} for i in range(MAX_ROWS + 1)]
    r = tc.post(url, json=_body(many), headers={**api_h, "Idempotency-Key": "many"})
    assert "rows" in _clean_error(r, status=422)["detail"]
    r = tc.post(url, json=_body(many[:MAX_ROWS]), headers={**api_h, "Idempotency-Key": "max"})
    assert r.status_code == 201 and r.json()["rows"] == MAX_ROWS
    _clean_error(tc.post(url, json=_body(ROWS), headers={**api_h, "Idempotency-Key": "k" * 101}), status=422)
    # PACT paging
    for params in ({"limit": "100000"}, {"limit": "0"}, {"limit": "-1"}, {"limit": "1001"}, {"limit": "1" * 5000},
                   {"limit": "1e3"}, {"limit": "ten"}, {"offset": "-1"}, {"offset": str(10**10)}, {"offset": "x"}):
        r = tc.get("/3/footprints", params=params, headers=pact_h)
        assert r.status_code == 400 and r.json()["code"] == "BadRequest" and "data" not in r.json(), (params, r.text)
    r = tc.get("/3/footprints", params={"limit": "1000"}, headers=pact_h)
    assert r.status_code == 200 and len(r.json()["data"]) == 4
    # deeply nested JSON
    for depth in (1000, 100_000):
        nested = "[" * depth + "]" * depth
        body = json.dumps(_body([])).replace("[]", f"[{nested}]").encode()
        r = tc.post(url, content=body, headers={**h, "Idempotency-Key": f"deep-{depth}"})
        assert 400 <= r.status_code < 500 and not LEAKS.search(r.text), (depth, r.status_code, r.text[:300])
        deep_obj = ('{"a":' * depth + "1" + "}" * depth).encode()
        r = tc.post(url, content=deep_obj, headers={**h, "Idempotency-Key": f"deepo-{depth}"})
        assert 400 <= r.status_code < 500 and not LEAKS.search(r.text), (depth, r.status_code, r.text[:300])
    nested = "[" * 500 + "]" * 500
    r = tc.post("/3/events", content=nested.encode(), headers={**pact_h, "content-type": "application/json"})
    assert r.status_code == 400 and r.json()["code"] == "BadRequest", r.text[:300]
    # the token endpoint with a 5 MB form
    r = tc.post("/auth/token", content=b"grant_type=client_credentials&client_id=" + b"a" * (5 * 2**20),
                headers={"content-type": "application/x-www-form-urlencoded"})
    assert 400 <= r.status_code < 500 and "access_token" not in r.text
    with app.state.store.session() as s:                    # only the one valid submission was stored
        assert s.scalar(select(func.count()).select_from(Submission)) == 1


def test_api4_a_chunked_body_over_2_mb_is_refused(contributor):
    """OWASP API4:2023: the 2 MB limit holds for a body sent without Content-Length (chunked) too."""
    tc, prog, api_h = contributor.tc, contributor.prog, contributor.api

    def chunks():
        yield b'{"kind": "emissions", "rows": ['
        for _ in range(30):
            yield b" " * 100_000
        yield b"]}"

    r = tc.post(f"/api/v1/programmes/{prog.id}/submissions", content=chunks(),
                headers={**api_h, "Idempotency-Key": "chunked", "content-type": "application/json"})
    assert r.status_code == 413, (r.status_code, r.text[:200])


def test_api4_a_deeply_nested_event_is_400(contributor):
    """OWASP API4:2023: a deeply nested JSON event is refused as bad input, not a server error."""
    tc, pact_h = contributor.tc, contributor.pact
    nested = "[" * 100_000 + "]" * 100_000
    r = tc.post("/3/events", content=nested.encode(), headers={**pact_h, "content-type": "application/json"})
    assert r.status_code == 400 and r.json()["code"] == "BadRequest", (r.status_code, r.text[:100])


# --------------------------------------------------------------------------------------------------------------
# API5:2023 Broken Function Level Authorization


def test_api5_roles_limit_what_members_can_do(world):
    """OWASP API5:2023 (broken function-level authorisation): an observer cannot submit (404, nothing stored);
    a contributor or government analyst cannot read the facilitator-only register and log; no one but the
    submitter can withdraw (DELETE) a submission — the facilitator included — and it still exists afterwards;
    a PACT partner's token cannot call the data-space API; methods the API does not offer are 405."""
    w, tc = world, world.tc
    url = f"/api/v1/programmes/{w.p1.id}/submissions"
    r = tc.post(url, json=_body(ROWS), headers={**w.api["Watcher"], "Idempotency-Key": "w"})
    _clean_error(r, status=(403, 404))
    assert w.submissions_in_db() == 0
    sid = w.submit("Alpha", w.p1)
    o = w.orgs
    for who in ("Alpha", "Beta", "Watcher", "Analyst", "Outsider"):
        for fn in (w.ds.register, w.ds.log):
            with pytest.raises(SpaceError) as e:
                fn(w.p1.id, o[who].id)
            assert e.value.status in (403, 404)
    reg = w.ds.register(w.p1.id, o["Ministry"].id)                   # the facilitator's view: who, never rows
    assert list(reg["organisation"]) == ["Alpha"] and "value" not in reg.columns and "rows" in reg.columns
    assert any(e.action == "submitted" for e in w.ds.log(w.p1.id, o["Ministry"].id))
    with pytest.raises(SpaceError):
        w.ds.register(w.p2.id, o["Ministry"].id)                     # another programme's facilitator: no
    for who in ("Beta", "Ministry", "Analyst", "Watcher", "Outsider"):
        r = tc.delete(f"{url}/{sid}", headers=w.api[who])
        _clean_error(r, status=404)
    r = tc.delete(f"{url}/{sid}", headers=w.pact["Alpha"])           # Alpha's own partner, PACT scope
    assert r.status_code == 401
    assert w.store.get(Submission, sid) is not None
    assert tc.get(f"{url}/{sid}", headers=w.api["Alpha"]).json()["data"] == ROWS
    for method in ("PUT", "PATCH"):
        r = tc.request(method, f"{url}/{sid}", json=_body(ROWS), headers=w.api["Alpha"])
        _clean_error(r, status=405)
        r = tc.request(method, f"/api/v1/programmes/{w.p1.id}", json={"owner_id": o["Alpha"].id},
                       headers=w.api["Alpha"])
        _clean_error(r, status=405)
    r = tc.post(f"/api/v1/programmes/{w.p1.id}", json={"role": "facilitator"}, headers=w.api["Alpha"])
    _clean_error(r, status=405)
    assert w.ds.role(w.p1.id, o["Alpha"].id) == "contributor"
    # the submitter itself can withdraw it
    assert tc.delete(f"{url}/{sid}", headers=w.api["Alpha"]).status_code == 204
    assert w.store.get(Submission, sid) is None


# --------------------------------------------------------------------------------------------------------------
# API8:2023 Security Misconfiguration


def test_api8_no_docs_pages_https_only_and_json_errors(tmp_path):
    """OWASP API8:2023 (security misconfiguration): no /docs or /redoc pages; plain http:// requests to PACT
    and /api/v1 are refused (403, no data) when ``pact_http`` is off — also when the caller claims
    ``X-Forwarded-Proto: https`` itself; an unknown /api/v1 path is a JSON 404; no error holds a traceback, a
    file path or SQL; no CORS permission is granted to another origin."""
    with _serve(tmp_path) as (tc, app):
        assert app.state.settings.pact_http is False
        d, ds = app.state.pact.directory, app.state.space
        org = d.add_organisation("Alpha")
        prog = ds.add_programme(d.add_organisation("Ministry"), "P", PURPOSE, "DEU", UNTIL)
        ds.add_member(prog, org, "contributor")
        app.state.pact.footprints.publish(org.id, examples()[0])
        api_cred, pact_cred = d.issue_client(org, "own", scope="api"), d.issue_client(org, "partner")
        api_h, pact_h = _bearer(tc, api_cred), _bearer(tc, pact_cred)
        sid = tc.post(f"/api/v1/programmes/{prog.id}/submissions", json=_body(ROWS),
                      headers={**api_h, "Idempotency-Key": "k"}).json()["id"]
        for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
            r = tc.get(path)
            assert r.status_code == 404 and "swagger-ui" not in r.text and "redoc.standalone" not in r.text
        plain = TestClient(app, raise_server_exceptions=False)                # http://testserver
        event = {"specversion": "1.0", "id": "e", "source": "//x", "time": "2024-01-01T00:00:00Z",
                 "type": "org.wbcsd.pact.ProductFootprint.PublishedEvent.3", "data": {"pfIds": ["x"]}}
        for extra in ({}, {"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.0.0.1", "Forwarded": "proto=https"}):
            calls = [("POST", "/auth/token", {"data": TOKEN_FORM, "auth": (api_cred.id, api_cred.secret)}, {}),
                     ("GET", "/.well-known/openid-configuration", {}, {}),
                     ("GET", "/3/footprints", {}, pact_h), ("GET", f"/3/footprints/{examples()[0].id}", {}, pact_h),
                     ("POST", "/3/events", {"json": event}, pact_h),
                     ("GET", "/api/v1/programmes", {}, api_h), ("GET", f"/api/v1/programmes/{prog.id}", {}, api_h),
                     ("POST", f"/api/v1/programmes/{prog.id}/submissions", {"json": _body(ROWS)},
                      {**api_h, "Idempotency-Key": "plain"}),
                     ("GET", f"/api/v1/programmes/{prog.id}/submissions/{sid}", {}, api_h),
                     ("DELETE", f"/api/v1/programmes/{prog.id}/submissions/{sid}", {}, api_h),
                     ("GET", f"/api/v1/programmes/{prog.id}/aggregates/emissions", {}, api_h)]
            for method, path, kw, h in calls:
                r = plain.request(method, path, headers={**h, **extra}, **kw)
                assert r.status_code == 403, (method, path, extra, r.status_code, r.text[:200])
                assert not any(k in r.json() for k in ("data", "access_token", "token_endpoint", "id"))
                assert "123" not in r.text and not LEAKS.search(r.text)
        assert len(tc.get(f"/api/v1/programmes/{prog.id}/submissions", headers=api_h).json()) == 1
        # unknown paths and methods under /api/v1: JSON, no insides
        for method, path in (("GET", "/api/v1/nothing"), ("GET", "/api/v1/programmes/x/y/z/w"),
                             ("POST", "/api/v1/admin"), ("GET", "/api/v2/programmes"), ("GET", "/api/v1/"),
                             ("PUT", "/api/v1/programmes")):
            r = tc.request(method, path, headers=api_h)
            if path.startswith("/api/v1/"):
                body = _clean_error(r, status=(404, 405))
                assert set(body) == {"detail"}
            else:
                assert r.status_code == 404 and not LEAKS.search(r.text)
        # errors of every kind: no traceback, file path or SQL
        url = f"/api/v1/programmes/{prog.id}/submissions"
        for r in (tc.post(url, content=b"{not json", headers={**api_h, "Idempotency-Key": "x",
                                                              "content-type": "application/json"}),
                  tc.post(url, content=b"\xff\xfe\x00", headers={**api_h, "Idempotency-Key": "x",
                                                                 "content-type": "application/json"}),
                  tc.post(url, json=[], headers={**api_h, "Idempotency-Key": "x"}),
                  tc.post(url, json=_body([{"sector": "c24", "year": "MMXXIII", "value": "NaN"}]),
                          headers={**api_h, "Idempotency-Key": "x"}),
                  tc.post(url, json=_body(ROWS), headers=api_h),
                  tc.post(url, content=b"kind=emissions", headers={**api_h, "Idempotency-Key": "x",
                                                                   "content-type": "text/plain"}),
                  tc.get(f"/api/v1/programmes/{prog.id}/aggregates/readiness", headers=api_h),
                  tc.get("/3/footprints", params={"$filter": "1 eq 1"}, headers=pact_h),
                  tc.get("/3/footprints", params={"validOn": "yesterday"}, headers=pact_h),
                  tc.post("/3/events", content=b"{", headers={**pact_h, "content-type": "application/json"}),
                  tc.post("/auth/token", content=b"\xff", headers={"content-type": "application/x-www-form-urlencoded"}),
                  tc.post("/auth/token", headers={"Authorization": "Basic %%%"}, data=TOKEN_FORM)):
            assert 400 <= r.status_code < 500 and not LEAKS.search(r.text), (r.request.url, r.status_code, r.text)
            assert r.headers["content-type"].startswith("application/json"), (r.request.url, r.text[:200])
        # CORS: another origin is granted nothing
        for method, path, h in (("GET", "/api/v1/programmes", api_h), ("GET", "/3/footprints", pact_h),
                                ("OPTIONS", "/api/v1/programmes", {"Access-Control-Request-Method": "GET"})):
            r = tc.request(method, path, headers={**h, "Origin": "https://evil.example"})
            assert "access-control-allow-origin" not in r.headers and "access-control-allow-credentials" not in \
                r.headers


def test_api8_unknown_pact_paths_are_pact_errors(contributor):
    """OWASP API8:2023: a PACT client gets PACT error objects, never the web UI's HTML pages."""
    tc, pact_h = contributor.tc, contributor.pact
    for path in ("/3/footprints/a/b", "/3/nothing", "/3/footprints/..%2f..%2f"):
        r = tc.get(path, headers=pact_h)
        assert r.status_code == 404 and r.headers["content-type"].startswith("application/json"), (path, r.text[:80])
        assert set(r.json()) == {"code", "message"}


def test_api8_an_internal_error_reveals_nothing(contributor, monkeypatch):
    """OWASP API8:2023 (security misconfiguration, verbose errors): when something unexpected fails inside (here:
    an error naming SQL injected into the services), the caller gets a 500 with a generic message — no exception
    text, SQL, table or column names — as JSON on both APIs; a database that cannot be reached is a 503 with
    Retry-After (the client retries with the same idempotency key), revealing nothing either."""
    from sqlalchemy.exc import OperationalError
    tc, app, api_h, pact_h = contributor.tc, contributor.app, contributor.api, contributor.pact
    leaks = r"secret_hash|clients|SELECT|\[SQL|OperationalError|RuntimeError|database is locked"
    for boom, status in ((RuntimeError("SELECT clients.secret_hash FROM clients: database is locked"), 500),
                         (OperationalError("SELECT clients.secret_hash FROM clients WHERE clients.id = ?",
                                           {"id": "x"}, RuntimeError("database is locked")), 503)):
        def fail(*args, boom=boom, **kwargs):
            raise boom

        monkeypatch.setattr(app.state.space, "programmes_of", fail)
        monkeypatch.setattr(app.state.pact.footprints, "list", fail)
        for path, h in (("/api/v1/programmes", api_h), ("/3/footprints", pact_h)):
            r = tc.get(path, headers=h)
            assert r.status_code == status, (path, r.status_code)
            assert not re.search(leaks, r.text), (path, re.sub(r"\s+", " ", r.text)[:400])
            assert r.headers["content-type"].startswith("application/json"), (path, r.text[:100])
            if status == 503:
                assert int(r.headers["retry-after"]) > 0


# --------------------------------------------------------------------------------------------------------------
# API10:2023 Unsafe Consumption of APIs / injection through the PACT filters

INJECTIONS = ["' OR 1=1 --", "' OR '1'='1", "\" OR \"\"=\"", "%", "_", "%%", "*", "urn:%", "urn:_tin:%",
              "') OR ('a'='a", "1; DROP TABLE footprints; --", "' UNION SELECT data FROM footprints --",
              "{\"$ne\": null}", "$.productIds[*]", "\\", "\\'", "%' OR '%'='", "x" * 5000, "ü" * 300,
              "\u202e", "\t", " ", "", "null", "true", "[]"]


def _brute_force(docs: list[dict], params: list[tuple[str, str]]) -> list[str]:
    """Which of ``docs`` ListFootprints must return for ``params`` (the rules of PACT v3, read directly)."""
    want: dict[str, set[str]] = {}
    for k, v in params:
        want.setdefault(k, set()).add(v.lower())
    status = [v for k, v in params if k == "status"]
    want.pop("status", None)
    if status and status[-1]:                      # status is one value: the last one given; empty means none
        want["status"] = {status[-1].lower()}

    def keys(doc, k):
        pcf = doc["pcf"]
        if k == "productId":
            return doc["productIds"]
        if k == "companyId":
            return doc["companyIds"]
        if k == "classification":
            return doc.get("productClassifications") or []
        return [g for g in (pcf.get("geographyCountry"), pcf.get("geographyRegionOrSubregion"),
                            pcf.get("geographyCountrySubdivision")) if g]

    out = []
    for doc in docs:
        ok = True
        for k, values in want.items():
            if k == "status":
                ok &= doc["status"].lower() in values
            else:
                ok &= bool({x.lower()[:400] for x in keys(doc, k)} & values)
        if ok:
            out.append(doc["id"])
    return sorted(out)


def test_api10_filter_injection_strings_match_only_literally(world):
    """OWASP API10:2023 / injection: ListFootprints filters carrying SQL and JSON-path fragments, LIKE
    wildcards (``%``, ``_``), quotes, backslashes and 5 kB values — alone and next to a real value — return 200
    with exactly the footprints a brute-force reading of the filter rules selects over the published examples
    (or 400), never 500 and never another organisation's footprint."""
    w, tc = world, world.tc
    ex = examples()
    fs = w.app.state.pact.footprints
    for pf in ex[:3]:
        fs.publish(w.orgs["Alpha"].id, pf)
    fs.publish(w.orgs["Outsider"].id, ex[3])
    docs = tc.get("/3/footprints", headers=w.pact["Alpha"]).json()["data"]       # as served (statuses now)
    assert sorted(x["id"] for x in docs) == sorted(pf.id for pf in ex[:3])
    real = {"productId": docs[0]["productIds"][0], "companyId": docs[1]["companyIds"][0],
            "geography": next(g for doc in docs for g in (doc["pcf"].get("geographyCountry"),
                                                          doc["pcf"].get("geographyRegionOrSubregion")) if g),
            "classification": (docs[0].get("productClassifications") or ["urn:none"])[0], "status": "Active"}
    foreign = ex[3].document()
    checked = 0
    for name, value in real.items():
        for bad in INJECTIONS + [value[:-1] + "_", value[:-2] + "%", value.upper(), value + "%",
                                 foreign["productIds"][0], f"{value}' OR org_id != '"]:
            for params in ([(name, bad)], [(name, value), (name, bad)]):
                r = tc.get("/3/footprints", params=params, headers=w.pact["Alpha"])
                assert r.status_code in (200, 400) and not LEAKS.search(r.text), (params, r.status_code, r.text[:300])
                if r.status_code == 400:
                    continue
                got = sorted(x["id"] for x in r.json()["data"])
                assert ex[3].id not in got
                assert got == _brute_force(docs, params), (params, got)
                checked += 1
    assert checked > 100
    # the other organisation's partner, with the same strings, never sees Alpha's footprints
    for bad in INJECTIONS[:12]:
        r = tc.get("/3/footprints", params={"productId": bad}, headers=w.pact["Outsider"])
        assert r.status_code in (200, 400) and all(x["id"] == ex[3].id for x in r.json().get("data", []))


def test_api10_nul_bytes_in_filters_are_not_server_errors(world, db_url, request):
    """OWASP API10:2023 / injection: a NUL byte in a ListFootprints filter value matches nothing (200, empty)
    or is refused (400) — on PostgreSQL too."""
    w, tc = world, world.tc
    w.app.state.pact.footprints.publish(w.orgs["Alpha"].id, examples()[0])
    for name in ("productId", "companyId", "geography", "classification", "status"):
        r = tc.get("/3/footprints", params={name: "a\x00b"}, headers=w.pact["Alpha"])
        assert r.status_code in (200, 400) and not LEAKS.search(r.text), (name, r.status_code, r.text[:300])
        assert r.status_code == 400 or r.json()["data"] == []
    event = {"specversion": "1.0", "id": "a\x00", "source": "//x", "time": "2024-01-01T00:00:00Z",
             "type": "org.wbcsd.pact.ProductFootprint.PublishedEvent.3", "data": {"pfIds": ["x"]}}
    r = tc.post("/3/events", content=json.dumps(event), headers={**w.pact["Alpha"],
                                                                 "content-type": "application/cloudevents+json"})
    assert r.status_code in (200, 400) and not LEAKS.search(r.text), (r.status_code, r.text[:300])


def test_api10_extreme_dates_in_filters_are_400_not_500(contributor):
    """OWASP API10:2023 / input validation: date-times at the edges of the calendar with an offset are refused
    (400) or answered (200), never a server error."""
    tc, pact_h = contributor.tc, contributor.pact
    for name in ("validOn", "validAfter", "validBefore"):
        for v in ("9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59Z",
                  "0001-01-01T00:00:00Z"):
            r = tc.get("/3/footprints", params={name: v}, headers=pact_h)
            assert r.status_code in (200, 400) and r.headers["content-type"].startswith("application/json"), \
                (name, v, r.status_code)


# --------------------------------------------------------------------------------------------------------------
# Schema-driven fuzzing (schemathesis): every /api/v1 and /3 operation of the app's own OpenAPI document


@dataclass
class Fuzz:
    calls: int = 0
    failures: dict = field(default_factory=dict)          # (operation, check, status) → first message
    skipped: list = field(default_factory=list)           # (operation, mode) with nothing to generate


def _fuzz(tmp_path, checks, max_examples: int = 20) -> Fuzz:
    """Generate requests for every ``/api/v1`` operation from the app's ``/openapi.json`` (the PACT endpoints are
    specified by the official WBCSD document, fuzzed from it below) — positive and negative data, with a valid
    api token — send them over https://testserver and run ``checks`` on
    each response; failures are collected, not raised."""
    import schemathesis
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode
    from schemathesis.python.asgi import ASGIClient

    out = Fuzz()
    with _quiet(), _serve(tmp_path) as (tc, app):
        d, ds = app.state.pact.directory, app.state.space
        org = d.add_organisation("Alpha")
        prog = ds.add_programme(d.add_organisation("Ministry"), "P", PURPOSE, "DEU", UNTIL, sectors=["c24"])
        ds.add_member(prog, org, "contributor")
        for pf in examples():
            app.state.pact.footprints.publish(org.id, pf)
        api_h = _bearer(tc, d.issue_client(org, "own", scope="api"))
        pact_h = _bearer(tc, d.issue_client(org, "partner"))
        sid = tc.post(f"/api/v1/programmes/{prog.id}/submissions", json=_body(ROWS),
                      headers={**api_h, "Idempotency-Key": "seed"}).json()["id"]
        schema = schemathesis.openapi.from_dict(tc.get("/openapi.json").json())
        schema.app = app
        session = ASGIClient(app, base_url="https://testserver")       # no second lifespan: tc runs it
        ops = [r.ok() for r in schema.get_all_operations()]
        ops = [op for op in ops if op.path.startswith("/api/v1/")]     # PACT: fuzzed from the official document
        assert len(ops) == 7, [op.label for op in ops]
        for op in ops:
            heads = [api_h] if op.path.startswith("/api/") else [pact_h, api_h]     # /3: the right and wrong scope
            fixed = [None]
            if "{programme_id}" in op.path:        # also inside the caller's own programme, to reach the logic
                fixed.append({k: v for k, v in (("programme_id", prog.id), ("submission_id", sid))
                              if "{" + k + "}" in op.path})
                if "{kind}" in op.path:
                    fixed.append({"programme_id": prog.id, "kind": "emissions"})
            for h in heads:
                for path_parameters in fixed:
                    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                        kw = {"path_parameters": path_parameters} if path_parameters else {}
                        try:
                            strategy = op.as_strategy(generation_mode=mode, **kw)
                        except Exception as e:  # noqa: BLE001 - an operation schemathesis cannot generate for
                            out.failures[(op.label, "generation", mode.value)] = str(e)[:300]
                            continue

                        run = _runner(strategy, op, h, session, checks, out, max_examples,
                                      valid_policy=bool(path_parameters) and mode == GenerationMode.POSITIVE)
                        try:
                            run()
                        except Unsatisfiable:               # no parameters to make invalid (the PACT operations)
                            out.skipped.append((op.label, mode.value))
                        except Exception as e:  # noqa: BLE001 - e.g. a generation health problem
                            out.failures.setdefault((op.label, "hypothesis", mode.value), str(e)[:300])
    return out


def _runner(strategy, op, headers, session, checks, out: Fuzz, max_examples: int, valid_policy: bool = False):
    """A Hypothesis test sending ``strategy``'s cases with ``headers`` and collecting the ``checks``' failures;
    ``valid_policy``: a submission's policy names the programme's purpose and a future day, so that generated
    rows reach the data space's own validation."""
    from hypothesis import HealthCheck, Phase, given, settings

    @settings(max_examples=max_examples, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case):
        out.calls += 1
        if "{submission_id}" in op.path and case.method.upper() == "DELETE":   # keep the seed for the others
            case.path_parameters = {**(case.path_parameters or {}), "submission_id": new_id()}
        if valid_policy and isinstance(case.body, dict) and isinstance(case.body.get("policy"), dict):
            case.body["policy"].update(purpose=PURPOSE, until=UNTIL.isoformat())
        r = case.call(base_url="https://testserver", session=session, headers=headers)
        for check in checks:
            try:
                case.validate_response(r, checks=[check])
            except (Exception, BaseExceptionGroup) as e:  # noqa: BLE001 - collected, reported at the end
                key = (op.label, check.__name__, r.status_code)
                out.failures.setdefault(key, " ".join(str(e).split())[:400])

    return run


class DocumentMismatch(AssertionError):
    """Responses that differ from the OpenAPI document."""


def test_fuzz_no_server_errors(tmp_path):
    """OWASP API4/API8/API9 by schema-driven fuzzing (schemathesis): no generated request to any documented
    /api/v1 or /3 operation (valid and invalid data, valid token) gets a 5xx."""
    from schemathesis.checks import not_a_server_error
    fz = _fuzz(tmp_path, [not_a_server_error], max_examples=15)
    assert fz.calls >= 200, fz.failures
    assert not fz.failures, "\n".join(f"{k}: {v}" for k, v in sorted(fz.failures.items()))


def test_fuzz_responses_conform_to_the_openapi_document(tmp_path):
    """OWASP API9:2023 (improper inventory management) by fuzzing: every response's status code is one the
    document states for the operation and its body matches the documented schema."""
    from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance
    fz = _fuzz(tmp_path, [status_code_conformance, response_schema_conformance], max_examples=5)
    assert fz.calls >= 60 and not [k for k in fz.failures if k[1] in ("generation", "hypothesis")], fz.failures
    if fz.failures:
        raise DocumentMismatch("\n".join(f"{k}: {v}" for k, v in sorted(fz.failures.items())))


def test_fuzz_pact_host_against_the_official_pact_openapi(tmp_path):
    """OWASP API4/API8/API9 by fuzzing the PACT host with the official PACT v3 OpenAPI document (WBCSD
    conformance repository), whose ListFootprints parameters (productId, validOn, limit …), events and error
    responses the app's own document lacks: no 5xx, every status code and body as the official document
    states."""
    import schemathesis
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.python.asgi import ASGIClient
    from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

    out = Fuzz()
    with _quiet(), _serve(tmp_path) as (tc, app):
        d = app.state.pact.directory
        org = d.add_organisation("Alpha")
        for pf in examples():
            app.state.pact.footprints.publish(org.id, pf)
        pact_h = _bearer(tc, d.issue_client(org, "partner"))
        schema = schemathesis.openapi.from_path(str(REF / "pact_conformance_openapi" / "openapi_v3_0.yaml"))
        schema.app = app
        session = ASGIClient(app, base_url="https://testserver")
        ops = [r.ok() for r in schema.get_all_operations()]
        assert {op.label for op in ops} >= {"GET /3/footprints", "GET /3/footprints/{id}", "POST /3/events"}
        for op in ops:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                run = _runner(op.as_strategy(generation_mode=mode), op, pact_h, session,
                              [not_a_server_error, status_code_conformance, response_schema_conformance], out, 20)
                try:
                    run()
                except Unsatisfiable:
                    out.skipped.append((op.label, mode.value))
    assert out.calls >= 100 and not out.skipped
    assert not out.failures, "\n".join(f"{k}: {v}" for k, v in sorted(out.failures.items()))
