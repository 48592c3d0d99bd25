"""The web application under load on loopback: `industwin serve` started as a user would, a bounded load
generator (asyncio + httpx) in this process.

Measures, in one run:
  pages     : 20 concurrent users, each reading cached pages (home, lenses, a finished job's result, an economy
              page, a result table as CSV) — latency p50 / p95 / p99 and throughput. Target: p95 < 200 ms.
  report    : Germany's 2011 strategy report (HTML + PDF) started from the web, until its result page opens —
              against the same report by the command line (`industwin report`) in the same run. Target: < 30 s.
  simulate  : 20 users each start a different simulation at once: the jobs queue (at most --workers run), the
              server's memory (its process and its job processes together) stays bounded, and every job
              finishes — none crashes or is lost.

    python benchmarks/bench_web.py                      # all three
    python benchmarks/bench_web.py --users 20 --requests 50 --skip-report
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from served import EXE, Server, pct


def token(c: httpx.Client) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', c.get("/whoami").text).group(1)


def wait(c: httpx.Client, job: str, timeout: float = 600) -> dict:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        st = c.get(f"/jobs/{job}/state").json()
        if st["status"] in ("done", "failed", "cancelled"):
            return st
        time.sleep(0.1)
    return {"status": "timeout"}


def start(c: httpx.Client, path: str, data: dict) -> str:
    r = c.post(path, data={"csrf": token(c), **data}, follow_redirects=False)
    if r.status_code != 303:
        sys.exit(f"POST {path} refused ({r.status_code}): {r.text[-400:]}")
    return r.headers["location"].rsplit("/", 1)[-1]


def bench_pages(srv: Server, users: int, requests: int) -> None:
    c = httpx.Client(base_url=srv.url, timeout=60)
    jobs = [start(c, "/lenses/multipliers", {"region": "DEU", "year": "2011"}),
            start(c, "/lenses/suppliers", {"region": "KOR", "year": "2011"})]
    for j in jobs:
        assert wait(c, j)["status"] == "done"
    pages = ["/", "/lenses", f"/jobs/{jobs[0]}", f"/jobs/{jobs[1]}", "/economies/DEU", f"/jobs/{jobs[0]}/tables/0.csv",
             "/jobs", "/datasets"]
    for p in pages:                                   # warm: first renders are not what a returning user sees
        c.get(p)

    async def user(k: int, lat: list[float], errors: list[str]) -> None:
        async with httpx.AsyncClient(base_url=srv.url, timeout=60) as ac:
            for i in range(requests):
                p = pages[(k + i) % len(pages)]
                t = time.perf_counter()
                r = await ac.get(p)
                lat.append(time.perf_counter() - t)
                if r.status_code != 200:
                    errors.append(f"{p}: {r.status_code}")

    async def all_users():
        lat, errors = [], []
        t = time.perf_counter()
        await asyncio.gather(*(user(k, lat, errors) for k in range(users)))
        return lat, errors, time.perf_counter() - t

    lat, errors, wall = asyncio.run(all_users())
    ms = [x * 1000 for x in lat]
    print(f"\npages: {users} concurrent users × {requests} requests over {len(pages)} cached pages")
    print(f"  {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'req/s':>8} {'errors':>7}")
    print(f"  {pct(ms, 50):8.1f} {pct(ms, 95):8.1f} {pct(ms, 99):8.1f} {max(ms):8.1f} {len(ms) / wall:8.1f} "
          f"{len(errors):7d}   target p95 < 200 ms: {'met' if pct(ms, 95) < 200 else 'NOT met'}")


def bench_report(srv: Server) -> None:
    c = httpx.Client(base_url=srv.url, timeout=60)
    t = time.perf_counter()
    job = start(c, "/report", {"economy": "DEU", "year": "2011"})
    st = wait(c, job)
    r = c.get(f"/jobs/{job}")
    web = time.perf_counter() - t
    pdf = c.get(f"/jobs/{job}/files/report.pdf")
    ok = st["status"] == "done" and r.status_code == 200 and pdf.content[:4] == b"%PDF"
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        cli = subprocess.run([str(EXE), "report", "--economy", "DEU", "--year", "2011", "--out",
                              str(Path(tmp) / "r.html")], capture_output=True, text=True)
        cli_s = time.perf_counter() - t
    print("\nreport: Germany 2011, HTML + PDF")
    print(f"  {'web s':>8} {'CLI s':>8} {'web/CLI':>8}  result")
    print(f"  {web:8.1f} {cli_s:8.1f} {web / cli_s:8.2f}  {'ok' if ok and cli.returncode == 0 else 'FAILED'}   "
          f"target < 30 s: {'met' if web < 30 and ok else 'NOT met'}")


def bench_simulate(srv: Server, users: int, workers: int) -> None:
    c = httpx.Client(base_url=srv.url, timeout=60)
    idle = srv.rss_mb()
    srv.peak_mb = idle
    base = {"year": "2011", "horizon": "90", "shock": "capacity", "shock_nodes": "CHN:c14", "size": "0.5",
            "start": "5", "recovery_days": "0", "sp_products": "c14", "sp_buyers": "DEU:c15", "sp_days": "30",
            "focus": "DEU", "run": "1"}

    def one(k: int, out: list) -> None:
        with httpx.Client(base_url=srv.url, timeout=60) as uc:
            out.append(start(uc, "/scenarios", {**base, "name": f"user {k}", "duration": str(10 + k)}))

    ids: list[str] = []
    t = time.perf_counter()
    threads = [threading.Thread(target=one, args=(k, ids)) for k in range(users)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    submitted = time.perf_counter() - t
    max_running = 0
    while True:
        h = c.get("/healthz").json()
        max_running = max(max_running, h["running"])
        if h["running"] == 0 and h["queued"] == 0:
            break
        time.sleep(0.2)
    drain = time.perf_counter() - t
    states = [c.get(f"/jobs/{j}/state").json()["status"] for j in ids]
    print(f"\nsimulate: {users} users each start a simulation (ARIO, 90 days, WIOD 2011) on {workers} worker(s)")
    print(f"  {'jobs':>5} {'done':>5} {'failed':>6} {'lost':>5} {'max running':>11} {'submit s':>9} {'all done s':>10} "
          f"{'idle MiB':>9} {'peak MiB':>9}")
    print(f"  {len(ids):5d} {states.count('done'):5d} {states.count('failed'):6d} {users - len(ids):5d} "
          f"{max_running:11d} {submitted:9.1f} {drain:10.1f} {idle:9.0f} {srv.peak_mb:9.0f}")
    print(f"  memory bounded by the workers: peak − idle = {srv.peak_mb - idle:,.0f} MiB for {users} jobs "
          f"({(srv.peak_mb - idle) / workers:,.0f} MiB per running job)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--requests", type=int, default=50, help="requests per user on cached pages")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip-report", action="store_true")
    ap.add_argument("--skip-simulate", action="store_true")
    a = ap.parse_args()
    os.environ.setdefault("INDUSTWIN_DATA", str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    home = Path(tempfile.mkdtemp(prefix="bench-web-"))
    srv = Server(home, "--workers", str(a.workers))
    try:
        print(f"industwin serve on {srv.url} ({a.workers} workers, {os.cpu_count()} cores)")
        bench_pages(srv, a.users, a.requests)
        if not a.skip_report:
            bench_report(srv)
        if not a.skip_simulate:
            bench_simulate(srv, a.users, a.workers)
    finally:
        srv.close()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
