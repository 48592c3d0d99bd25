"""The data-space API under load: ``--orgs`` organisations each submit ``--per-org`` emission submissions (3–6 rows
each) to one programme through ``POST /api/v1/programmes/{id}/submissions`` of a real ``industwin serve`` on
loopback (plain HTTP with ``--pact-http``, so that TLS stays out of the figures), from concurrent clients
(asyncio + httpx, ``--concurrency`` requests in flight), every submission's key sent once and a 10 % sample
re-sent; then the protected aggregate is read from the API. On SQLite and on PostgreSQL (a cluster of the
benchmark's own, as in the tests).

Prints per database: submissions/s and requests/s over the load, latency p50 / p95 / p99, the server's peak
resident memory (its process, sampled with psutil, and its high-water mark), the aggregate's read time. With
``--check`` it verifies that every submission is stored exactly once with the rows sent, that each re-send was
answered 200 with the stored id, and that the aggregate equals a recomputation in pandas of what was sent
(published cells and margins; suppressed cells null); exit status 1 if not.

Reference (in the same process, on the same database): the same rows written directly with one SQLAlchemy bulk
insert per organisation (no HTTP, no token, no validation, no idempotency look-up, no audit entry); the ratio
API/direct of submissions per second says what the API's work per submission costs.

    python benchmarks/bench_dataspace.py --orgs 50 --per-org 1000 [--db sqlite|postgresql|both] [--check]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import math
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import httpx
import pandas as pd
from served import Server, pct
from sqlalchemy import func, insert, select

from industwin.analysis.disclosure import TOTAL
from industwin.collab.dataspace import DataSpace
from industwin.collab.directory import Directory
from industwin.collab.models import Submission
from industwin.web.store import Store, new_id, now

PURPOSE = "Decarbonisation pathways of the manufacturing sector"
UNTIL = date.today() + timedelta(days=365)
SECTORS = ["c10", "c13", "c16", "c17", "c20", "c22", "c23", "c24", "c25", "c27", "c28", "c29"]
YEARS = [2021, 2022, 2023, 2024]
RESEND = 0.10


def plan(orgs: int, per_org: int, seed: int = 1) -> list[tuple[int, str, dict]]:
    """(organisation, key, body) of every submission: 3–6 rows of t CO2e to one decimal over 12 sectors × 4
    years; two organisations also report c19 (a cell with two contributors, which the rules suppress)."""
    rng = random.Random(seed)
    out = []
    for o in range(orgs):
        for i in range(per_org):
            rows = [{"sector": rng.choice(SECTORS), "year": rng.choice(YEARS),
                     "value": round(rng.lognormvariate(7, 1.2), 1)} for _ in range(rng.randint(3, 6))]
            if i == 0 and o < 2:
                rows.append({"sector": "c19", "year": 2024, "value": 5000.0 + o})
            out.append((o, uuid.UUID(int=rng.getrandbits(128)).hex,
                        {"kind": "emissions", "policy": {"purpose": PURPOSE, "until": UNTIL.isoformat()},
                         "rows": rows}))
    return out


def setup(db: str, orgs: int):
    """The programme, the organisations (contributors) and an api client each, made with the Python API."""
    store = Store(db)
    d = Directory(store)
    ds = DataSpace(store, d)
    ministry = d.add_organisation("Ministry of Industry")
    members = [d.add_organisation(f"Company {i:03d} AG") for i in range(orgs)]
    p = ds.add_programme(ministry, "Load over the API", PURPOSE, "DEU", UNTIL, sectors=SECTORS)
    ref = ds.add_programme(ministry, "Direct inserts (reference)", PURPOSE, "DEU", UNTIL, sectors=SECTORS)
    for o in members:
        ds.add_member(p, o, "contributor")
        ds.add_member(ref, o, "contributor")
    with ThreadPoolExecutor(4) as ex:                  # Argon2 hashing releases the GIL
        creds = list(ex.map(lambda o: d.issue_client(o, "own system", scope="api"), [ministry, *members]))
    return store, members, p, ref, creds


async def load(url: str, pid: str, heads: list[dict], work: list[tuple[int, str, dict]], concurrency: int):
    """Every request of ``work`` (organisation, key, body) with ``concurrency`` in flight; returns the answers
    [(key, status, id, seconds)], the transport errors [(key, error, second of the load)] and the wall time.

    A request whose connection fails (e.g. a keep-alive connection the server closes as it is reused) is sent
    again with the same key, as a client of an idempotent API does: at most 3 tries."""
    out: list[tuple[str, int | str, str | None, float]] = []
    errors: list[tuple[str, str, float]] = []
    queue = iter(work)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as c:
        async def worker():
            for o, key, body in queue:
                for attempt in range(3):
                    t = time.perf_counter()
                    try:
                        r = await c.post(f"/api/v1/programmes/{pid}/submissions", json=body,
                                         headers={**heads[o], "Idempotency-Key": key})
                    except httpx.TransportError as e:
                        errors.append((key, type(e).__name__, time.perf_counter() - t0))
                        if attempt == 2:
                            out.append((key, type(e).__name__, None, time.perf_counter() - t))
                        await asyncio.sleep(0.2)
                        continue
                    out.append((key, r.status_code, r.json().get("id") if r.status_code in (200, 201)
                                else r.text[:200], time.perf_counter() - t))
                    break
        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return out, errors, time.perf_counter() - t0


def direct(store: Store, ref_id: str, members, work: list[tuple[int, str, dict]]) -> float:
    """The reference: the same submissions written with one bulk INSERT per organisation; returns seconds."""
    by_org = defaultdict(list)
    for o, key, body in work:
        rows = body["rows"]
        by_org[o].append({"id": new_id(), "programme_id": ref_id, "org_id": members[o].id, "kind": "emissions",
                          "idem_key": key, "body_sha256": hashlib.sha256(json.dumps(body, sort_keys=True).encode())
                          .hexdigest(), "purpose": PURPOSE, "until": UNTIL, "rows": rows, "n_rows": len(rows),
                          "total": float(sum(r["value"] for r in rows)), "created_by": "bulk", "created_at": now()})
    t = time.perf_counter()
    for o in sorted(by_org):
        with store.engine.begin() as c:
            c.execute(insert(Submission), by_org[o])
    return time.perf_counter() - t


def verify(store: Store, pid: str, members, work, answers, errors, agg: dict) -> list[str]:
    """What is wrong (empty: nothing): exactly once, the re-sends' answers, the aggregate = a recomputation."""
    problems = []
    org_of = {m.id: i for i, m in enumerate(members)}
    sent = {(o, key): body for o, key, body in work}
    with store.session() as s:
        stored = s.execute(select(Submission.org_id, Submission.idem_key, Submission.id, Submission.rows)
                           .where(Submission.programme_id == pid)).all()
    seen: dict[tuple[int, str], str] = {}
    for org_id, key, sid, rows in stored:
        k = (org_of[org_id], key)
        if k in seen:
            problems.append(f"{k} stored twice")
        seen[k] = sid
        if k not in sent:
            problems.append(f"{k} stored but never sent")
        elif rows != sent[k]["rows"]:
            problems.append(f"{k} stored with other rows")
    if missing := set(sent) - set(seen):
        problems.append(f"{len(missing)} submissions not stored, e.g. {sorted(missing)[:3]}")
    created = defaultdict(int)
    key_org = {key: o for o, key, _ in work}
    for key, code, sid, secs in answers:
        k = (key_org[key], key)
        if code == 201:
            created[k] += 1
        if code not in (200, 201):
            problems.append(f"{k}: answered {code} {sid} after {secs:.2f} s")
        elif sid != seen.get(k):
            problems.append(f"{k}: answered id {sid}, stored {seen.get(k)}")
    lost = {key for key, _, _ in errors}             # a first send whose answer was lost: its retry gets 200
    if twice := [k for k in sent if created[k] != 1 and not (created[k] == 0 and k[1] in lost)]:
        problems.append(f"{len(twice)} keys not answered 201 exactly once")
    # the aggregate against a recomputation of what was sent
    df = pd.DataFrame([(o, r["sector"], str(r["year"]), r["value"]) for o, _, b in work for r in b["rows"]],
                      columns=["org", "sector", "year", "value"])
    truth = df.pivot_table("value", "sector", "year", aggfunc="sum", fill_value=0.0, margins=True,
                           margins_name=TOTAL)
    if agg.get("submissions") != len(sent) or agg.get("organisations") != len(members):
        problems.append(f"aggregate rests on {agg.get('submissions')} submissions of {agg.get('organisations')} "
                        f"organisations, not {len(sent)} of {len(members)}")
    for i, r in enumerate(agg["rows"]):
        for j, c in enumerate(agg["columns"]):
            v, st = agg["values"][i][j], agg["status"][i][j]
            want = float(truth.loc[r, c]) if r in truth.index and c in truth.columns else 0.0
            if st == "published" and not math.isclose(v, want, rel_tol=1e-9, abs_tol=1e-6):
                problems.append(f"aggregate {r}/{c}: {v}, recomputed {want}")
            if st != "published" and v is not None:
                problems.append(f"aggregate {r}/{c} is {st} but shows {v}")
    gi, gj = agg["rows"].index(TOTAL), agg["columns"].index(TOTAL)
    if agg["status"][gi][gj] != "published":
        problems.append("the grand total is suppressed")
    if not any(st.startswith("primary") for row in agg["status"] for st in row):
        problems.append("no cell suppressed although c19 has two contributors")
    return problems


def run(db: str, label: str, orgs: int, per_org: int, concurrency: int, check: bool) -> bool:
    t_all = time.perf_counter()
    home = Path(tempfile.mkdtemp(prefix="bench-dataspace-"))
    store, members, p, ref, creds = setup(db, orgs)
    work = plan(orgs, per_org)
    rng = random.Random(2)
    order = work[:]
    rng.shuffle(order)
    resent = rng.sample(range(len(order)), int(RESEND * len(order)))
    requests = list(order)
    for i in sorted(resent, reverse=True):              # each re-send somewhere after its first send
        requests.insert(rng.randint(i + 1, len(requests)), order[i])
    srv = Server(home, "--db", db, "--pact-http", "--workers", "1")
    ok = True
    try:
        with httpx.Client(base_url=srv.url, timeout=60) as c, ThreadPoolExecutor(4) as ex:
            def token(cred):
                r = c.post("/auth/token", data={"grant_type": "client_credentials"}, auth=(cred.id, cred.secret))
                r.raise_for_status()
                return {"Authorization": f"Bearer {r.json()['access_token']}"}
            heads = list(ex.map(token, creds))
        srv.peak_mb = srv.rss_mb()
        cpu0, me0 = srv.cpu_s(), time.process_time()
        answers, errors, wall = asyncio.run(load(srv.url, p.id, heads[1:], requests, concurrency))
        cpu_req, me_req = (srv.cpu_s() - cpu0) / len(requests) * 1000, (time.process_time() - me0) / len(requests) * 1000
        peak, hwm = srv.peak_mb, srv.hwm_mb()
        t = time.perf_counter()
        r = httpx.get(f"{srv.url}/api/v1/programmes/{p.id}/aggregates/emissions", headers=heads[0], timeout=600)
        agg_s = time.perf_counter() - t
        agg = r.json() if r.status_code == 200 else {}
        if r.status_code != 200:
            print(f"aggregate read failed: {r.status_code} {r.text[:300]}")
            ok = False
    finally:
        srv.close()
    direct_s = direct(store, ref.id, members, work)
    with store.session() as s:
        n_api = s.scalar(select(func.count()).select_from(Submission).where(Submission.programme_id == p.id))
        n_ref = s.scalar(select(func.count()).select_from(Submission).where(Submission.programme_id == ref.id))
    lat = [a[3] * 1000 for a in answers]
    codes = defaultdict(int)
    for a in answers:
        codes[a[1]] += 1
    subs_s, req_s, ref_s = len(work) / wall, len(requests) / wall, len(work) / direct_s
    print(f"\n{label}: {orgs} organisations × {per_org:,} submissions = {len(work):,}, + {len(resent):,} re-sent "
          f"= {len(requests):,} requests, {concurrency} in flight (plain HTTP on loopback)")
    print(f"  {'load s':>8} {'subs/s':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} "
          f"{'peak RSS MB':>12} {'(idle)':>8} {'VmHWM MB':>9} {'agg read s':>11} {'direct s':>9} "
          f"{'direct subs/s':>14} {'API/direct':>11}")
    print(f"  {wall:8.1f} {subs_s:8.1f} {req_s:8.1f} {pct(lat, 50):8.1f} {pct(lat, 95):8.1f} {pct(lat, 99):8.1f} "
          f"{max(lat):8.0f} {peak:12.0f} {srv.idle_mb:8.0f} {hwm:9.0f} {agg_s:11.2f} {direct_s:9.2f} {ref_s:14,.0f} "
          f"{subs_s / ref_s:11.4f}")
    print(f"  CPU per request: server {cpu_req:.1f} ms, load generator {me_req:.1f} ms; load average at the end "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if errors:
        print(f"  transport errors, sent again with the same key: {len(errors)} "
              f"({', '.join(f'{e} at {at:.0f} s' for _, e, at in errors[:8])}{' …' if len(errors) > 8 else ''})")
    print(f"  answers: {dict(sorted((str(k), v) for k, v in codes.items()))}; stored: {n_api:,} via the API, "
          f"{n_ref:,} directly; aggregate: {sum(st == 'published' for row in agg.get('status', []) for st in row)} "
          f"of {sum(len(row) for row in agg.get('status', []))} cells published")
    if n_api != len(work) or n_ref != len(work):
        ok = False
        print(f"  FAILED: {n_api:,} / {n_ref:,} stored, {len(work):,} sent")
    if check and agg:
        t = time.perf_counter()
        problems = verify(store, p.id, members, work, answers, errors, agg)
        if problems:
            ok = False
            print(f"  check FAILED ({len(problems)} problems): " + "; ".join(problems[:10]))
        else:
            print(f"  check: every submission stored exactly once with the rows sent; {len(resent):,} re-sends "
                  f"answered 200 with the stored id; aggregate = recomputation ({time.perf_counter() - t:.1f} s)")
    store.engine.dispose()
    if ok:
        shutil.rmtree(home, ignore_errors=True)
    else:
        errors = [line for line in srv.log.read_text(errors="replace").splitlines()
                  if line and not line.startswith((" ", "\t", "Traceback", "The above"))]
        print(f"  the server's log is kept: {srv.log} ({len(errors)} lines of errors; the last: "
              f"{' | '.join(errors[-4:])[:600]})")
    print(f"  wall time for {label} (set-up, load, aggregate, reference{', check' if check else ''}): "
          f"{time.perf_counter() - t_all:.0f} s")
    return ok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--orgs", type=int, default=50)
    ap.add_argument("--per-org", type=int, default=1000)
    ap.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--concurrency", type=int, default=32, help="requests in flight")
    ap.add_argument("--check", action="store_true", help="verify exactly-once and the aggregate (exit 1 if not)")
    a = ap.parse_args()
    ok = True
    if a.db in ("sqlite", "both"):
        folder = Path(tempfile.mkdtemp(prefix="bench-dataspace-db-"))
        try:
            ok &= run(f"sqlite:///{folder / 'industwin.db'}", "SQLite", a.orgs, a.per_org, a.concurrency, a.check)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    if a.db in ("postgresql", "both"):
        from servers import PostgresCluster
        pg = PostgresCluster()
        try:
            ok &= run(pg.database(), "PostgreSQL", a.orgs, a.per_org, a.concurrency, a.check)
        finally:
            pg.stop()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
