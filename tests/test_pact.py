"""PACT v3 over a real server: the official conformance cases against industwin's host (HTTPS, self-signed
certificate) with industwin's client, on SQLite and on PostgreSQL; two organisations exchanging a footprint
that lands in the buyer's scope 3; the host's rules checked through the HTTP API (isolation between
organisations, token expiry, immutability, filters against a brute-force recomputation, idempotent events)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from servers import serve, tls_certificate
from sqlalchemy import select

from industwin.collab.conformance import run_conformance
from industwin.collab.directory import Directory
from industwin.collab.footprints import FootprintStore
from industwin.collab.models import PactEvent
from industwin.collab.pact_client import PactClient
from industwin.data.pact import read_footprints
from industwin.web.app import Settings, create_app
from industwin.web.store import Store

REF = Path(__file__).resolve().parents[2] / "shared" / "references" / "data-exchange"
EXAMPLES = REF / "pact_spec_examples" / "v3"
OPENAPI = REF / "pact_conformance_openapi" / "openapi_v3_0.yaml"
FAULTS = Path(__file__).parent / "faults"


def examples():
    return [read_footprints(EXAMPLES / f"example-{i}.json")[0] for i in range(1, 5)]


def _wait_event(store: Store, org_id: str, request_id: str, kind: str, timeout: float = 30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with store.session() as s:
            for ev in s.scalars(select(PactEvent).where(PactEvent.org_id == org_id, PactEvent.direction == "in",
                                                        PactEvent.type == kind)):
                if ev.body.get("data", {}).get("requestEventId") == request_id:
                    return ev.body
        time.sleep(0.2)
    return None


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    return tls_certificate(tmp_path_factory.mktemp("tls"))


def test_conformance_cases_pass_on_both_databases(db_url, tls, tmp_path):
    """Every mandatory case of the official v3 list (and the OpenID ones) passes against our host over HTTPS,
    footprints validated against the official OpenAPI schema; the host's callbacks (13, 14.B) arrive at the
    tester's own host on the same server."""
    store = Store(db_url)
    d = Directory(store)
    owner, tester = d.add_organisation("Ethanol Works"), d.add_organisation("Conformance Tester")
    fs = FootprintStore(store)
    for pf in examples():
        fs.publish(owner.id, pf)
    with serve(tmp_path / "home", "--db", db_url, "--workers", "1", tls=tls) as url:
        tester_to_owner, _ = d.connect(tester, owner, url, str(tls[0]))
        cases = run_conformance(url, tester_to_owner.client_id, tester_to_owner.client_secret, verify=str(tls[0]),
                                schema=OPENAPI, callback=lambda rid, kind: _wait_event(store, tester.id, rid, kind))
    failed = [(c.number, c.detail) for c in cases if not c.passed]
    assert not failed, failed
    numbers = {c.number for c in cases}
    assert {str(n) for n in range(1, 41) if n not in (13, 14)} | {"13", "14.A", "14.B"} <= numbers
    # the fulfilled request's footprint is now the tester's, as received
    got = {p.id for p in fs.received(tester.id)}
    assert got and got <= {p.id for p in examples()}
    # and every read was audited for the owner
    assert any(e.action == "pact list" for e in d.audit_log(owner.id))


def _company(tmp_path: Path, name: str, purchases: list[dict], activities: list[dict] | None = None,
             **extra) -> Path:
    from industwin.application import run
    from industwin.application.progress import Progress
    from industwin.application.sustainability import CarbonRequest
    pth = tmp_path / f"{name}-purchases.csv"
    pd.DataFrame(purchases).to_csv(pth, index=False)
    act = None
    if activities:
        act = tmp_path / f"{name}-activities.csv"
        pd.DataFrame(activities).to_csv(act, index=False)
    out = tmp_path / f"{name}-carbon"
    res = run(CarbonRequest(purchases=pth, activities=act, out=out, **extra), Progress())
    return out, res


def test_footprint_exchanged_over_pact_lands_in_buyers_scope3(tls, tmp_path, postgres):
    """A steel maker computes its product footprint from its inventory and publishes it; the buyer's system
    fetches it over PACT (HTTPS, our client against our host, PostgreSQL) and the buyer's scope 3 line for that
    product becomes quantity × the supplier's footprint instead of the spend-based estimate."""
    db = postgres.database()
    store = Store(db)
    d, fs = Directory(store), FootprintStore(store)
    steel, cars = d.add_organisation("Steel AG", ["urn:lei:5299009STEEL00000001"]), d.add_organisation("Cars plc")
    # the supplier: 2 GWh of gas, 1 GWh of grid electricity, purchases of iron ore and coke
    products = tmp_path / "products.csv"
    pd.DataFrame([{"product_id": "urn:gtin:4000000000017", "name": "Hot-rolled coil", "unit": "kilogram",
                   "amount": 5_000_000.0, "share": 0.8, "mass_kg": 1.0, "classification": "urn:pact:cn:7208"},
                  {"product_id": "urn:gtin:4000000000024", "name": "Wire rod", "unit": "kilogram",
                   "amount": 2_000_000.0, "share": 0.2, "mass_kg": 1.0}]).to_csv(products, index=False)
    out, res = _company(tmp_path, "steel",
                        [{"naics": "212210", "spend": 2_000_000.0, "year": 2022, "basis": "purchaser"},
                         {"naics": "324199", "spend": 500_000.0, "year": 2022, "basis": "purchaser"}],
                        [{"item": "Natural gas", "unit": "kWh (Gross CV)", "amount": 2_000_000.0},
                         {"item": "Electricity: UK", "unit": "kWh", "amount": 1_000_000.0}],
                        products=products, company="Steel AG", company_id="urn:lei:5299009STEEL00000001",
                        year=2024, country="DE")
    fp = res.data["footprint"]
    total_kg = fp.scope12_lines["kg_co2e"].sum() + fp.scope3_lines["kg_co2e"].sum()
    coil_per_kg = 0.8 * total_kg / 5_000_000.0                       # the allocation, by hand
    pfs = read_footprints(out / "product_footprints.json")
    coil = next(p for p in pfs if "urn:gtin:4000000000017" in p.productIds)
    assert coil.kg_per_declared_unit == pytest.approx(coil_per_kg, rel=1e-5)
    # primary data share: scope 1 + 2 over the total (all purchases are spend-based here)
    assert float(coil.pcf.primaryDataShare) == pytest.approx(100 * fp.scope12_lines["kg_co2e"].sum() / total_kg,
                                                             rel=1e-3)
    for pf in pfs:
        fs.publish(steel.id, pf)
    with serve(tmp_path / "home", "--db", db, "--workers", "1", tls=tls) as url:
        cars_to_steel, _ = d.connect(cars, steel, url, str(tls[0]))
        with PactClient(url, cars_to_steel.client_id, cars_to_steel.client_secret, str(tls[0])) as pc:
            for pf in pc.footprints(limit=1, status="Active"):       # one per page: the Link header is followed
                fs.receive(cars.id, pf, cars_to_steel.id)
    received = fs.received(cars.id)
    assert sorted(p.id for p in received) == sorted(p.id for p in pfs)
    bought = tmp_path / "received.json"
    bought.write_text(json.dumps({"data": [p.document() for p in received]}))
    lines = [{"naics": "331110", "spend": 1_500_000.0, "year": 2022, "basis": "purchaser", "supplier": "Steel AG",
              "product_id": "urn:gtin:4000000000017", "quantity": 1_800_000.0},
             {"naics": "336390", "spend": 3_000_000.0, "year": 2022, "basis": "purchaser"}]
    _, spend_only = _company(tmp_path, "cars-spend", lines)
    _, hybrid = _company(tmp_path, "cars", lines, footprints=bought)
    s3 = hybrid.data["footprint"].scope3_lines
    assert list(s3["method"]) == ["supplier PCF (PACT)", "spend-based"]
    assert s3.loc[0, "kg_co2e"] == pytest.approx(1_800_000.0 * coil_per_kg, rel=1e-5)
    assert s3.loc[0, "pcf_id"] == coil.id
    base = spend_only.data["footprint"].scope3_lines
    assert s3.loc[1, "kg_co2e"] == pytest.approx(base.loc[1, "kg_co2e"])            # other lines unchanged
    assert s3.loc[0, "kg_co2e"] != pytest.approx(base.loc[0, "kg_co2e"], rel=1e-3)


# --------------------------------------------------------------------------------------------------------------
# the host's rules through the HTTP API (TestClient, SQLite): fast


@pytest.fixture
def host(tmp_path):
    app = create_app(Settings(home=tmp_path, workers=1, token_seconds=2))
    with TestClient(app, base_url="https://testserver") as tc:
        yield tc, app.state.pact


def _token(tc, cred) -> dict:
    r = tc.post("/auth/token", auth=(cred.id, cred.secret), data={"grant_type": "client_credentials"})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_organisations_see_only_their_own_footprints(host):
    tc, pact = host
    d = pact.directory
    a, b = d.add_organisation("A"), d.add_organisation("B")
    ex = examples()
    pact.footprints.publish(a.id, ex[0])
    pact.footprints.publish(b.id, ex[1])
    ha = _token(tc, d.issue_client(a, "partner of A"))
    ids = [x["id"] for x in tc.get("/3/footprints", headers=ha).json()["data"]]
    assert ids == [ex[0].id]
    r = tc.get(f"/3/footprints/{ex[1].id}", headers=ha)               # B's footprint by id: not found for A
    assert r.status_code == 404 and r.json()["code"] == "NotFound"
    # a revoked client's token stops working at once
    cred = d.issue_client(a, "leaver")
    h = _token(tc, cred)
    d.revoke(cred.id)
    r = tc.get("/3/footprints", headers=h)
    assert r.status_code == 401 and "data" not in r.json()


def test_tokens_expire_and_bad_credentials_are_refused(host):
    tc, pact = host
    d = pact.directory
    cred = d.issue_client(d.add_organisation("A"), "p")
    h = _token(tc, cred)
    assert tc.get("/3/footprints", headers=h).status_code == 200
    time.sleep(2.2)                                                   # token_seconds=2 in this fixture
    r = tc.get("/3/footprints", headers=h)
    assert r.status_code == 401 and r.json()["code"] == "TokenExpired"
    for auth in ((cred.id, "wrong"), ("iw-unknown", cred.secret), ("", "")):
        r = tc.post("/auth/token", auth=auth, data={"grant_type": "client_credentials"})
        assert r.status_code == 401 and r.json()["error"] == "invalid_client" and "access_token" not in r.json()
    r = tc.post("/auth/token", auth=(cred.id, cred.secret), data={"grant_type": "password"})
    assert r.status_code == 400 and r.json()["error"] == "unsupported_grant_type"
    # the secret is stored as an argon2 hash, never as given
    assert all(c.secret_hash.startswith("$argon2id$") and cred.secret not in c.secret_hash
               for c in d.clients(cred and d.organisation("A").id))


def test_token_endpoint_slows_down_guessing(host):
    """After 20 failed attempts from one address in a minute, even correct credentials wait (429)."""
    tc, pact = host
    d = pact.directory
    cred = d.issue_client(d.add_organisation("A"), "p")
    codes = [tc.post("/auth/token", auth=(cred.id, f"guess-{i}"), data={"grant_type": "client_credentials"})
             .status_code for i in range(21)]
    assert codes[:20] == [401] * 20 and codes[20] == 429
    r = tc.post("/auth/token", auth=(cred.id, cred.secret), data={"grant_type": "client_credentials"})
    assert r.status_code == 429 and "access_token" not in r.json() and int(r.headers["retry-after"]) > 0


def test_footprints_are_immutable_a_change_is_a_new_version(host):
    tc, pact = host
    d = pact.directory
    a = d.add_organisation("A")
    old = examples()[2]
    pact.footprints.publish(a.id, old)
    with pytest.raises(Exception, match="cannot change"):
        pact.footprints.publish(a.id, old)
    new = pact.footprints.new_version(a.id, old.id, {"pcf": {**old.document()["pcf"],
                                                             "pcfExcludingBiogenicUptake": "70.0"}})
    h = _token(tc, d.issue_client(a, "p"))
    got = {x["id"]: x for x in tc.get("/3/footprints", headers=h).json()["data"]}
    assert got[old.id]["status"] == "Deprecated" and got[new.id]["status"] == "Active"
    assert got[new.id]["precedingPfIds"] == [old.id]
    assert got[old.id]["pcf"] == old.document()["pcf"]                # nothing else of the old one changed
    active = tc.get("/3/footprints", params={"status": "active"}, headers=h).json()["data"]
    assert [x["id"] for x in active] == [new.id]


def test_events_are_processed_once_and_malformed_ones_refused(host):
    tc, pact = host
    d = pact.directory
    a = d.add_organisation("A")
    h = {**_token(tc, d.issue_client(a, "p")), "Content-Type": "application/cloudevents+json"}
    ev = {"specversion": "1.0", "id": "ev-1", "source": "//partner/3/events", "time": "2024-05-19T10:30:00Z",
          "type": "org.wbcsd.pact.ProductFootprint.PublishedEvent.3", "data": {"pfIds": [examples()[0].id]}}
    for _ in range(3):
        assert tc.post("/3/events", headers=h, content=json.dumps(ev)).status_code == 200
    pact.idle()
    assert len([e for e in pact.events(a.id) if e.event_id == "ev-1"]) == 1
    for bad in ({**ev, "specversion": "0.3"}, {**ev, "type": "org.example.Other"}, {**ev, "data": []},
                {**ev, "data": {"pfIds": []}}, {k: v for k, v in ev.items() if k != "source"},
                {**ev, "type": "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3",
                 "data": {"requestEventId": "x", "pfs": [{"id": "not-a-footprint"}]}}):
        r = tc.post("/3/events", headers=h, content=json.dumps({**bad, "id": "other"}))
        assert r.status_code == 400 and r.json()["code"] == "BadRequest", bad
    r = tc.post("/3/events", headers={**h, "Content-Type": "text/plain"}, content=json.dumps(ev))
    assert r.status_code == 400
    r = tc.post("/3/events", headers=h, content=b"{" + b" " * (5 * 2**20) + b"}")     # past the 4 MB limit
    assert r.status_code == 400 and "larger than" in r.json()["message"]


_urns = st.sampled_from(["urn:gtin:1", "urn:gtin:2", "urn:GTIN:3", "urn:gtin:4"])
_days = st.integers(0, 3000)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.lists(_urns, min_size=1, max_size=2, unique=True), _days, st.integers(1, 2000),
                          st.sampled_from(["DE", "FR", "US"])), min_size=1, max_size=8),
       st.lists(_urns, max_size=2), st.sampled_from([None, "DE", "fr"]), _days, st.integers(1, 30))
def test_list_filters_and_pages_equal_a_brute_force_recomputation(host, rows, want, geo, day, limit):
    """ListFootprints with productId / geography / validOn, page by page through the Link header, returns
    exactly the footprints a direct reading of the filter rules selects."""
    tc, pact = host
    d = pact.directory
    org = d.add_organisation(f"org-{time.monotonic_ns()}")
    t0 = datetime(2020, 1, 1, tzinfo=UTC)
    docs = []
    base = examples()[0].document()
    for pids, start, length, country in rows:
        import uuid
        doc = {**base, "id": str(uuid.uuid4()), "productIds": pids,
               "validityPeriodStart": (t0 + timedelta(days=start)).strftime("%Y-%m-%dT%H:%M:%SZ"),
               "validityPeriodEnd": (t0 + timedelta(days=start + length)).strftime("%Y-%m-%dT%H:%M:%SZ"),
               "pcf": {**base["pcf"], "geographyCountry": country}}
        doc["pcf"].pop("geographyCountrySubdivision", None)
        pact.footprints.publish(org.id, doc)
        docs.append((doc, start, start + length))
    h = _token(tc, d.issue_client(org, "p"))
    t = t0 + timedelta(days=day)
    params = [("productId", p) for p in want] + ([("geography", geo)] if geo else [])
    params += [("validOn", t.strftime("%Y-%m-%dT%H:%M:%SZ")), ("limit", str(limit))]
    got, url, n = [], "/3/footprints", 0
    r = tc.get(url, params=params, headers=h)
    while True:
        assert r.status_code == 200
        page = r.json()["data"]
        assert len(page) <= limit
        got += [x["id"] for x in page]
        nxt = r.links.get("next", {}).get("url")
        if not nxt:
            break
        assert nxt.startswith("https://testserver/3/footprints?")
        r, n = tc.get(nxt, headers=h), n + 1
    expect = [doc["id"] for doc, s, e in docs
              if (not want or {p.lower() for p in want} & {p.lower() for p in doc["productIds"]})
              and (not geo or doc["pcf"]["geographyCountry"].lower() == geo.lower())
              and s <= day <= e]
    assert sorted(got) == sorted(expect) and len(got) == len(set(got))


def test_plain_http_is_refused_without_data(host, tmp_path):
    tc, pact = host
    plain = TestClient(tc.app)                                        # http://testserver
    d = pact.directory
    cred = d.issue_client(d.add_organisation("A"), "p")
    r = plain.post("/auth/token", auth=(cred.id, cred.secret), data={"grant_type": "client_credentials"})
    assert r.status_code == 403 and "access_token" not in r.json()
    h = _token(tc, cred)
    for path in ("/3/footprints", f"/3/footprints/{examples()[0].id}"):
        r = plain.get(path, headers=h)
        assert r.status_code == 403 and "data" not in r.json()


def test_migrations_upgrade_an_old_database_and_go_down_and_up(db_url):
    """A database made before migrations (tables, no version) is stamped and upgraded; the collaboration
    migration goes down and up again cleanly."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, inspect

    from industwin.web.store import MIGRATIONS, Base, migrate
    from sqlalchemy import text
    engine = create_engine(db_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:                 # the web app's first tables, as made before migrations existed
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.execute(text("DROP TABLE alembic_version"))
    assert migrate(engine) == "0004"
    names = set(inspect(engine).get_table_names())
    assert {"organisations", "footprints", "pact_events", "programmes", "submissions", "assessments", "targets",
            "alembic_version"} <= names
    assert "org_id" in {c["name"] for c in inspect(engine).get_columns("jobs")}
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    with engine.connect() as conn:               # the migrations build exactly the tables the models declare
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    assert "organisations" not in set(inspect(engine).get_table_names())
    assert "org_id" not in {c["name"] for c in inspect(engine).get_columns("jobs")}
    assert migrate(engine) == "0004"
    engine.dispose()


def test_people_sign_in_with_hashed_passwords(tmp_path):
    d = Directory(Store(f"sqlite:///{tmp_path / 'x.db'}"))
    org = d.add_organisation("Ministry of Industry")
    p = d.add_person(org, "Ana@Ministry.gov", "Ana", "government", "correct horse battery")
    assert p.password_hash.startswith("$argon2id$") and "correct horse" not in p.password_hash
    assert d.sign_in("ana@ministry.gov", "wrong password here") is None
    assert d.sign_in("nobody@ministry.gov", "correct horse battery") is None
    who, token = d.sign_in("ana@ministry.gov", "correct horse battery")
    assert who.id == p.id and d.person_of_session(token).id == p.id
    d.sign_out(token)
    assert d.person_of_session(token) is None
    for bad in (("x", "Ana", "government", "correct horse battery"), ("b@m.gov", "B", "king", "correct horse b"),
                ("c@m.gov", "C", "observer", "short")):
        with pytest.raises(Exception, match="Fix"):
            d.add_person(org, *bad)


def test_command_line_sets_up_organisations_and_refuses_bad_input(tmp_path):
    """``industwin org`` / ``pact`` on a server folder: organisations, a person (password from the environment),
    a client, publishing; faulty input is one message with exit 2."""
    import os
    import subprocess
    import sys
    exe = [str(Path(sys.executable).with_name("industwin"))]
    home = ["--home", str(tmp_path / "srv")]
    env = {**os.environ, "INDUSTWIN_PASSWORD": "a long enough passphrase"}

    def cli(*args):
        return subprocess.run([*exe, *args, *home], capture_output=True, text=True, env=env, timeout=120)

    assert cli("org", "add", "Steel AG", "--company-id", "urn:lei:5299009STEEL00000001").returncode == 0
    assert cli("org", "person", "Steel AG", "ana@steel.de", "--role", "company").returncode == 0
    r = cli("org", "client", "Steel AG", "--partner", "Cars plc")
    assert r.returncode == 0 and "client_secret" in r.stdout
    r = cli("pact", "publish", "Steel AG", str(EXAMPLES / "example-1.json"))
    assert r.returncode == 0, r.stdout + r.stderr
    r = cli("org", "list")
    assert "ana@steel.de (company)" in r.stdout and "Cars plc" in r.stdout
    bad = tmp_path / "bad.json"
    doc = json.loads((EXAMPLES / "example-2.json").read_text())
    doc["pcf"]["pcfExcludingBiogenicUptake"] = 0.42                   # a number, not decimal text
    bad.write_text(json.dumps(doc))
    for args, words in ((("org", "add", "Steel AG"), "exists"),
                        (("org", "person", "Nobody Inc", "x@y.z", "--role", "company"), "no organisation"),
                        (("org", "person", "Steel AG", "b@steel.de", "--role", "king"), "role"),
                        (("pact", "publish", "Steel AG", str(EXAMPLES / "example-1.json")), "cannot change"),
                        (("pact", "publish", "Steel AG", str(bad)), "pcf.pcfExcludingBiogenicUptake"),
                        (("pact", "publish", "Steel AG", str(tmp_path / "none.json")), "not found")):
        r = cli(*args)
        assert r.returncode == 2 and words in r.stdout + r.stderr and "Traceback" not in r.stdout + r.stderr, \
            (args, r.stdout, r.stderr)


def test_requests_left_unanswered_at_shutdown_are_resumed(host):
    """A RequestCreated event stored as "received" (the server stopped before answering) is taken up again at
    the next start; one from a client revoked meanwhile is closed as failed."""
    tc, pact = host
    d = pact.directory
    a = d.add_organisation("Unanswered")
    live, gone = d.issue_client(a, "partner one"), d.issue_client(a, "partner two")
    d.revoke(gone.id)
    for i, cid in enumerate((live.id, gone.id)):
        ev = {"specversion": "1.0", "id": f"req-{i}", "source": "//p/3/events", "time": "2024-05-19T10:30:00Z",
              "type": "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3", "data": {"productId": ["urn:gtin:1"]}}
        pact.store.add(PactEvent(org_id=a.id, direction="in", type="RequestCreatedEvent", event_id=ev["id"],
                                 source=ev["source"], client_id=cid, body=ev, status="received"))
    assert pact.resume() == 1
    pact.idle()
    got = {e.event_id: (e.status, e.detail) for e in pact.events(a.id)}
    assert got["req-0"][0] == "failed" and "no connection" in got["req-0"][1]      # answered: nowhere to send
    assert got["req-1"][0] == "failed" and "revoked" in got["req-1"][1]
    assert pact.resume() == 0                                                      # nothing left
