"""The data-space API under load, against a real ``industwin serve`` (plain HTTP on loopback with ``--pact-http``,
so that TLS costs stay out of the measurement), on SQLite and PostgreSQL:

* 50 organisations, each a contributor in one programme, send N submissions each from concurrent threads, every
  submission twice with the same ``Idempotency-Key`` (a third of the retries at the same moment as the first
  send): every submission is stored exactly once (counted in the database), the answers are 201 then 200 with
  the same id, and the protected aggregate read from the API equals the sums recomputed in pandas from what was
  sent (published cells and margins exactly; suppressed cells null);
* a server killed (SIGKILL) while a large body (10 000 rows) is half uploaded leaves no submission, and one
  whose whole body was sent a moment before the kill is stored whole or not at all; the restarted server on the
  same database then stores each once;
* a PostgreSQL restart while clients submit (they retry failed requests with the same key, bounded, with
  backoff) loses and doubles nothing, leaves no stored submission without its audit entry, and the server
  answers afterwards.

The 50 organisations and their api clients are made once for the module (Argon2id hashes a client secret in
~0.25 s on this machine, so they are the set-up's main cost) and copied into the second database; each test has
a programme of its own.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import ClassVar, Self

import httpx
import pandas as pd
import pytest
from servers import free_port
from sqlalchemy import create_engine, func, select

from industwin.analysis.disclosure import TOTAL
from industwin.collab.dataspace import DataSpace
from industwin.collab.directory import Directory
from industwin.collab.models import AccessToken, AuditEntry, Client, Organisation, Submission
from industwin.web.store import Store

ORGS = 50
PER_ORG = 10                     # submissions per organisation in the concurrency test (each sent twice)
THREADS = 24
PURPOSE = "Decarbonisation pathways of the manufacturing sector"
UNTIL = date.today() + timedelta(days=365)
SECTORS = ["c10", "c20", "c24", "c27", "c29"]
YEARS = [2022, 2023, 2024]
AGG = "/api/v1/programmes/{}/aggregates/emissions"
SUBMIT = "/api/v1/programmes/{}/submissions"


# the organisations, once per database ------------------------------------------------------------------------
class World:
    """A database with 50 organisations, an api client each (id, secret) and, once a server has run on it, an
    access token each (tokens live in the database, so they outlast a server).

    The first database's are made with :meth:`Directory.issue_client` and ``POST /auth/token``; a second one
    gets copies of those rows (the same ids, Argon2 hashes and token digests), which keeps the ~50 s of Argon2
    work on two cores out of the second set-up."""

    first: ClassVar[dict] = {}                                   # the first database's URL, client secrets and tokens

    def __init__(self, backend: str, url: str):
        self.backend, self.url = backend, url
        self.store = Store(url)
        self.directory = Directory(self.store)
        self.space = DataSpace(self.store, self.directory)
        self._tokens: list[dict[str, str]] | None = None
        self._n = 0
        if World.first:
            self._copy(World.first["url"])
            self.clients, self._tokens = World.first["clients"], World.first.get("tokens")
            self.ministry = self.directory.organisation("Ministry of Industry")
            self.orgs = [self.directory.organisation(f"Company {i:02d} AG") for i in range(ORGS)]
            return
        self.ministry = self.directory.add_organisation("Ministry of Industry")
        self.orgs = [self.directory.add_organisation(f"Company {i:02d} AG") for i in range(ORGS)]
        with ThreadPoolExecutor(4) as ex:              # Argon2 releases the GIL
            self.clients = list(ex.map(lambda o: self.directory.issue_client(o, "own system", scope="api"),
                                       [self.ministry, *self.orgs]))
        World.first.update(url=url, clients=self.clients)

    def _copy(self, url: str) -> None:
        source = create_engine(url)
        try:
            with source.connect() as a, self.store.engine.begin() as b:
                for table in (Organisation.__table__, Client.__table__, AccessToken.__table__):
                    rows = [dict(r) for r in a.execute(select(table)).mappings()]
                    if rows:
                        b.execute(table.insert(), rows)
        finally:
            source.dispose()

    def headers(self, base: str) -> list[dict[str, str]]:
        """Bearer headers, [ministry, org 0, …, org 49], fetched at /auth/token the first time."""
        if self._tokens is None:
            with httpx.Client(base_url=base, timeout=60) as c, ThreadPoolExecutor(4) as ex:
                def one(cred):
                    r = c.post("/auth/token", data={"grant_type": "client_credentials"}, auth=(cred.id, cred.secret))
                    assert r.status_code == 200, r.text
                    return {"Authorization": f"Bearer {r.json()['access_token']}"}
                self._tokens = list(ex.map(one, self.clients))
            if World.first.get("url") == self.url:
                World.first["tokens"] = self._tokens
        return self._tokens

    def programme(self):
        """A new programme of the ministry with the 50 organisations as contributors."""
        self._n += 1
        p = self.space.add_programme(self.ministry, f"Load programme {self._n}", PURPOSE, "DEU", UNTIL,
                                     sectors=SECTORS)
        for o in self.orgs:
            self.space.add_member(p, o, "contributor")
        return p

    def stored(self, programme_id: str) -> list[Submission]:
        with self.store.session() as s:
            return list(s.scalars(select(Submission).where(Submission.programme_id == programme_id)))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('load') / 'industwin.db'}"
    else:
        url = request.getfixturevalue("postgres").database()
    w = World(request.param, url)
    yield w
    w.store.engine.dispose()


def _body(rows: list[dict]) -> dict:
    return {"kind": "emissions", "policy": {"purpose": PURPOSE, "until": UNTIL.isoformat()}, "rows": rows}


def _plan(per_org: int, seed: int) -> dict[tuple[int, str], dict]:
    """(organisation index, idempotency key) → body: 3–5 emission rows of integer t CO2e (sums are then exact in
    floating point) over five sectors × three years; also a cell with only two contributors (c19 / 2023:
    primary, fewer than 3) and one dominated by one organisation (c23 / 2024: org 2 sends 20 000, five others
    10 each: primary by the (2, 85) rule)."""
    rng = random.Random(seed)
    plan = {}
    for o in range(ORGS):
        for i in range(per_org):
            rows = [{"sector": rng.choice(SECTORS), "year": rng.choice(YEARS), "value": float(rng.randint(1, 1000))}
                    for _ in range(rng.randint(3, 5))]
            if i == 0 and o in (0, 1):
                rows.append({"sector": "c19", "year": 2023, "value": float(300 + o)})
            if i == 0 and o in range(2, 8):
                rows.append({"sector": "c23", "year": 2024, "value": 20_000.0 if o == 2 else 10.0})
            plan[o, f"org{o}-{seed}-{i:04d}"] = _body(rows)
    return plan


def _post(c: httpx.Client, pid: str, headers: dict, key: str, body: dict) -> tuple[int, dict, float, float]:
    t0 = time.monotonic()
    r = c.post(SUBMIT.format(pid), json=body, headers={**headers, "Idempotency-Key": key})
    return r.status_code, (r.json() if r.headers.get("content-type", "").startswith("application/json") else
                           {"text": r.text}), t0, time.monotonic()


def _exactly_once(world: World, pid: str, plan: dict) -> dict[tuple[int, str], Submission]:
    """Every planned submission is in the database once, with the rows sent, and nothing else is."""
    org_index = {o.id: i for i, o in enumerate(world.orgs)}
    stored = world.stored(pid)
    twice = [k for k, n in Counter((s.org_id, s.idem_key) for s in stored).items() if n > 1]
    assert not twice, f"stored more than once: {twice[:5]}"
    by_key = {(org_index[s.org_id], s.idem_key): s for s in stored}
    assert set(by_key) == set(plan), (f"missing {sorted(set(plan) - set(by_key))[:5]}, "
                                      f"unexpected {sorted(set(by_key) - set(plan))[:5]}")
    with world.store.session() as s:
        assert s.scalar(select(func.count()).select_from(Submission)
                        .where(Submission.programme_id == pid)) == len(plan)
    for k, sub in by_key.items():
        assert sub.rows == plan[k]["rows"] and sub.n_rows == len(plan[k]["rows"])
    return by_key


# a server of the test's own ---------------------------------------------------------------------------------
class _Server:
    """``industwin serve`` started as :func:`servers.serve` starts it, with the process at hand to kill it and its
    output in a file (``serve`` pipes it unread: a server that logs more than a pipe holds, e.g. the tracebacks
    of requests failed while the database restarts, would block on writing)."""

    def __init__(self, home: Path, db: str):
        self.home, self.db, self.port = home, db, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None
        home.mkdir(parents=True, exist_ok=True)
        self.log = home / "server.log"

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> Self:
        exe = Path(sys.executable).with_name("industwin")
        with open(self.log, "a") as out:
            self.proc = subprocess.Popen([str(exe), "serve", "--port", str(self.port), "--home", str(self.home), "--db",
                                          self.db, "--pact-http", "--workers", "1"], stdout=out,
                                         stderr=subprocess.STDOUT)
        t0 = time.monotonic()
        while time.monotonic() - t0 < 60:
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.2)
            if self.proc.poll() is not None:
                raise AssertionError(f"industwin serve exited: {self.log.read_text()[-2000:]}")
        self.stop()
        raise AssertionError("industwin serve did not answer within 60 s")

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# 1. 50 organisations × N submissions, each sent twice, concurrently ------------------------------------------
def test_fifty_organisations_submit_concurrently_each_stored_once_and_aggregated(world, tmp_path):
    p = world.programme()
    plan = _plan(PER_ORG, seed=1)
    keys = list(plan)
    rng = random.Random(7)
    rng.shuffle(keys)
    # a third of the retries go right behind the first send (the pool runs them at the same time); the others
    # come once every first send has been queued
    firsts, later = [], []
    for k in keys:
        firsts.append(k)
        (firsts if rng.random() < 1 / 3 else later).append(k)
    rng.shuffle(later)
    tasks = firsts + later
    answers: dict[tuple[int, str], list] = defaultdict(list)
    lock = threading.Lock()
    with _Server(tmp_path / "home", world.url) as server:
        base = server.url
        heads = world.headers(base)
        limits = httpx.Limits(max_connections=THREADS, max_keepalive_connections=THREADS)
        with httpx.Client(base_url=base, timeout=120, limits=limits) as c:
            def send(k):
                out = _post(c, p.id, heads[1 + k[0]], k[1], plan[k])
                with lock:
                    answers[k].append(out)
            t0 = time.monotonic()
            with ThreadPoolExecutor(THREADS) as ex:
                list(ex.map(send, tasks))
            took = time.monotonic() - t0
            print(f"\n{world.backend}: {len(tasks)} requests in {took:.1f} s ({len(tasks) / took:.0f}/s)")
            # every key: one 201 and one 200, both with the id that is stored
            for k, got in answers.items():
                codes = sorted(g[0] for g in got)
                assert codes == [200, 201], (k, [(g[0], g[1]) for g in got])
                assert got[0][1]["id"] == got[1][1]["id"] and got[0][1]["rows"] == len(plan[k]["rows"])
            overlapped = sum(max(g[2] for g in got) < min(g[3] for g in got) for got in answers.values())
            assert overlapped > 0                     # some retries really were in flight with their first send
            by_key = _exactly_once(world, p.id, plan)
            assert all(by_key[k].id == answers[k][0][1]["id"] for k in plan)
            with world.store.session() as s:          # each one in the audit log once, the repeats not
                logged = s.scalar(select(func.count()).select_from(AuditEntry).where(
                    AuditEntry.action == "submitted", AuditEntry.target.like(f"programme {p.id}:%")))
            assert logged == len(plan)

            # the aggregate from the API = the sums recomputed from what was sent
            r = c.get(AGG.format(p.id), headers=heads[0])
            assert r.status_code == 200, r.text
            agg = r.json()
    sent = pd.DataFrame([(o, row["sector"], str(row["year"]), row["value"]) for (o, _), b in plan.items()
                         for row in b["rows"]], columns=["org", "sector", "year", "value"])
    truth = sent.pivot_table("value", "sector", "year", aggfunc="sum", fill_value=0.0, margins=True,
                             margins_name=TOTAL)
    who = sent.pivot_table("org", "sector", "year", aggfunc="nunique", fill_value=0, margins=True,
                           margins_name=TOTAL)
    assert agg["organisations"] == ORGS and agg["submissions"] == len(plan)
    assert sorted(agg["rows"]) == sorted(truth.index) and sorted(agg["columns"]) == sorted(truth.columns)
    status = {(r_, c_): agg["status"][i][j] for i, r_ in enumerate(agg["rows"]) for j, c_ in enumerate(agg["columns"])}
    published = 0
    for i, r_ in enumerate(agg["rows"]):
        for j, c_ in enumerate(agg["columns"]):
            v, st = agg["values"][i][j], agg["status"][i][j]
            if st == "published":
                published += 1
                assert v == truth.loc[r_, c_], (r_, c_, v, truth.loc[r_, c_])
                n = who.loc[r_, c_]
                assert agg["contributors"][i][j] == n and (n >= 3 or (n == 0 and v == 0)), (r_, c_, n, v)
            else:
                assert v is None and agg["contributors"][i][j] is None, (r_, c_, st, v)
    assert status["c19", "2023"].startswith("primary") and "fewer than 3" in status["c19", "2023"]
    assert status["c23", "2024"].startswith("primary") and "85" in status["c23", "2024"]
    assert status[TOTAL, TOTAL] == "published"
    assert agg["values"][agg["rows"].index(TOTAL)][agg["columns"].index(TOTAL)] == sent["value"].sum()
    assert published >= 0.6 * len(status)          # most of the table is shown


# 2. a server killed mid-upload ---------------------------------------------------------------------------------
def _raw_request(port: int, pid: str, headers: dict, key: str, payload: bytes) -> bytes:
    head = (f"POST {SUBMIT.format(pid)} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: {headers['Authorization']}\r\nIdempotency-Key: {key}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n")
    return head.encode()


def test_a_server_killed_mid_upload_leaves_no_partial_submission(world, tmp_path):
    p = world.programme()
    rng = random.Random(3)
    big = _body([{"sector": rng.choice(SECTORS), "year": rng.choice(YEARS), "value": float(rng.randint(1, 10**6))}
                 for _ in range(10_000)])            # the most rows a submission may hold (~0.5 MB)
    payload = json.dumps(big).encode()
    org = world.orgs[0]
    server = _Server(tmp_path / "home", world.url).start()
    try:
        auth = world.headers(server.url)[1]
        # (a) the headers and half the body sent; (b) on another connection, the whole body; then kill -9
        with (socket.create_connection(("127.0.0.1", server.port), timeout=30) as half,
              socket.create_connection(("127.0.0.1", server.port), timeout=30) as whole):
            half.sendall(_raw_request(server.port, p.id, auth, "half", payload) + payload[:len(payload) // 2])
            time.sleep(0.5)                            # the server has read what was sent and waits for the rest
            whole.sendall(_raw_request(server.port, p.id, auth, "whole", payload) + payload)
            time.sleep(0.05)                           # the whole one is being read, validated or stored
            server.kill()
        before = world.stored(p.id)
        assert not [s for s in before if s.idem_key == "half"]          # nothing of the half-sent one
        for s in before:                                                # the other: whole, or not at all
            assert s.idem_key == "whole" and s.n_rows == 10_000 and s.rows == big["rows"]
        print(f"\n{world.backend}: killed with the whole body sent: {'stored' if before else 'not stored'}")
        # the restarted server on the same database stores each once
        server.start()
        with httpx.Client(base_url=server.url, timeout=60) as c:
            for key in ("half", "whole"):
                r = c.post(SUBMIT.format(p.id), content=payload, headers={**auth, "Idempotency-Key": key,
                                                                           "Content-Type": "application/json"})
                assert r.status_code == (200 if key == "whole" and before else 201), r.text
                assert r.json()["rows"] == 10_000
                again = c.post(SUBMIT.format(p.id), content=payload, headers={**auth, "Idempotency-Key": key,
                                                                               "Content-Type": "application/json"})
                assert again.status_code == 200 and again.json()["id"] == r.json()["id"]
        stored = world.stored(p.id)
        assert sorted(s.idem_key for s in stored) == ["half", "whole"]
        assert all(s.org_id == org.id and s.n_rows == 10_000 and s.rows == big["rows"] for s in stored)
    finally:
        server.stop()


# 3. the database restarted under load (PostgreSQL) -------------------------------------------------------------
@pytest.mark.parametrize("world", ["postgresql"], indirect=True)
def test_a_database_restart_under_load_loses_and_doubles_nothing(world, postgres, tmp_path):
    p = world.programme()
    plan = _plan(6, seed=2)
    keys = list(plan)
    random.Random(5).shuffle(keys)
    final: dict[tuple[int, str], tuple[int, dict]] = {}
    failures = Counter()
    done = threading.Event()
    finished: list[float] = []
    restarted: list[float] = []
    lock = threading.Lock()

    with _Server(tmp_path / "home", world.url) as server:
        base = server.url
        heads = world.headers(base)
        with httpx.Client(base_url=base, timeout=60, limits=httpx.Limits(max_connections=16)) as c:
            def send(k):
                for attempt in range(12):               # bounded retries, same key, exponential backoff
                    try:
                        code, j, _, t1 = _post(c, p.id, heads[1 + k[0]], k[1], plan[k])
                    except httpx.TransportError as e:
                        code, j, t1 = type(e).__name__, {}, time.monotonic()
                    if code in (200, 201):
                        with lock:
                            final[k] = (code, j)
                            finished.append(t1)
                            if len(finished) == len(plan) // 3:
                                done.set()
                        return
                    with lock:
                        failures[code] += 1
                    assert code not in (400, 401, 404, 409, 413, 422), (code, j)
                    time.sleep(min(2.0, 0.1 * 2 ** attempt) * (0.5 + random.random()))
                raise AssertionError(f"{k}: not stored after 12 tries")

            def restart():
                done.wait(120)
                postgres.restart()
                restarted.append(time.monotonic())

            rt = threading.Thread(target=restart)
            rt.start()
            try:
                with ThreadPoolExecutor(16) as ex:
                    list(ex.map(send, keys))
            finally:
                done.set()
                rt.join()
            with world.store.session() as s:
                logged = s.scalar(select(func.count()).select_from(AuditEntry).where(
                    AuditEntry.action == "submitted", AuditEntry.target.like(f"programme {p.id}:%")))
            print(f"\nPostgreSQL restarted under load: failed attempts {dict(failures)}; 'submitted' audit entries "
                  f"{logged} for {len(plan)} submissions")
            assert restarted and min(finished) < restarted[0] < max(finished)
            assert logged == len(plan)                # each stored one in the audit log, however its write failed
            by_key = _exactly_once(world, p.id, plan)
            for k, (code, j) in final.items():
                assert j["id"] == by_key[k].id
            # the server still answers, reads and writes
            assert httpx.get(base + "/healthz", timeout=10).status_code == 200
            r = c.get(AGG.format(p.id), headers=heads[0])
            assert r.status_code == 200 and r.json()["submissions"] == len(plan)
            code, j, _, _ = _post(c, p.id, heads[1], "after-restart", _body([{"sector": "c10", "year": 2024,
                                                                              "value": 1.0}]))
            assert code == 201


# what the restart showed, made deterministic ------------------------------------------------------------------
def test_a_database_failure_never_leaves_a_submission_without_its_audit_entry(tmp_path):
    """The restart above once left a submission stored and its "submitted" audit entry lost (they were written in
    two transactions; the client's retry then got 200 and nothing was logged). Here the database fails on the
    audit entry's INSERT: nothing of the submission may remain, and the retry stores and logs it once."""
    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError
    store = Store(f"sqlite:///{tmp_path / 'audit.db'}")
    d = Directory(store)
    ds = DataSpace(store, d)
    ministry, org = d.add_organisation("Ministry"), d.add_organisation("Company AG")
    p = ds.add_programme(ministry, "Audit", PURPOSE, "DEU", UNTIL)
    ds.add_member(p, org, "contributor")
    body = _body([{"sector": "c24", "year": 2024, "value": 1.0}])
    armed = [True]

    @event.listens_for(store.engine, "before_cursor_execute")
    def _fail(conn, cursor, statement, params, context, executemany):
        if armed[0] and statement.lstrip().upper().startswith("INSERT INTO AUDIT_LOG"):
            armed[0] = False
            raise OperationalError(statement, params, Exception("server closed the connection unexpectedly"))

    with pytest.raises(OperationalError):
        ds.submit(p.id, org.id, "client x", body, "k1")
    assert not armed[0]                                                 # the failure did happen
    assert ds.submissions(p.id, org.id) == []                           # and left nothing
    sub, created = ds.submit(p.id, org.id, "client x", body, "k1")      # the client's retry, same key
    assert created
    logged = [e for e in ds.log(p.id, ministry.id) if e.action == "submitted"]
    assert [s.id for s in ds.submissions(p.id, org.id)] == [sub.id] and len(logged) == 1
