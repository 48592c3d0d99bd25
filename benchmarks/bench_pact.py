"""The PACT v3 host's hot paths: publishing footprints and ListFootprints (filtered, paged) with N footprints of
one organisation, on SQLite and on PostgreSQL (a cluster of the benchmark's own, as in the tests).

No peer PACT host runs offline, so the reference is the filter done the plain way on the same documents (every
footprint loaded and filtered in Python): the ratio shows what the indexed search keys buy as N grows.

    python benchmarks/bench_pact.py [--n 10000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fastapi.testclient import TestClient  # noqa: E402

from industwin.data.pact import read_footprints  # noqa: E402
from industwin.web.app import Settings, create_app  # noqa: E402

EX = Path(__file__).resolve().parents[2] / "shared/references/data-exchange/pact_spec_examples/v3/example-1.json"


def docs(n: int) -> list[dict]:
    base = read_footprints(EX)[0].document()
    out = []
    for i in range(n):
        d = {**base, "id": str(uuid.uuid4()), "productIds": [f"urn:gtin:{i:013d}"],
             "pcf": {**base["pcf"], "geographyCountry": ("DE", "FR", "US", "CN")[i % 4]}}
        d["pcf"].pop("geographyCountrySubdivision", None)
        out.append(d)
    return out


def run(db: str | None, n: int, label: str) -> None:
    home = Path(tempfile.mkdtemp())
    app = create_app(Settings(home=home, db=db, workers=1))
    with TestClient(app, base_url="https://testserver") as tc:
        pact = app.state.pact
        org = pact.directory.add_organisation("Bench AG")
        items = docs(n)
        t = time.perf_counter()
        for d in items:
            pact.footprints.publish(org.id, d)
        pub = time.perf_counter() - t
        if db and db.startswith("postgresql"):
            # what autovacuum does within a minute of a bulk load: without fresh statistics the planner takes
            # the key table for empty and nests loops (a geography page then costs ~200 ms instead of ~10 ms)
            from sqlalchemy import text
            with app.state.store.engine.begin() as c:
                c.execute(text("ANALYZE"))
        cred = pact.directory.issue_client(org, "bench")
        tok = tc.post("/auth/token", auth=(cred.id, cred.secret), data={"grant_type": "client_credentials"})
        h = {"Authorization": f"Bearer {tok.json()['access_token']}"}
        queries = [{"productId": f"urn:gtin:{i * 7919 % n:013d}"} for i in range(100)]
        lat = []
        for q in queries:
            t = time.perf_counter()
            r = tc.get("/3/footprints", params=q, headers=h)
            lat.append(time.perf_counter() - t)
            assert r.status_code == 200 and len(r.json()["data"]) == 1
        page = []
        for off in range(0, min(n, 5000), 100):
            t = time.perf_counter()
            r = tc.get("/3/footprints", params={"geography": "DE", "limit": 100, "offset": off}, headers=h)
            page.append(time.perf_counter() - t)
        # the plain way: every document read, filtered in Python
        t = time.perf_counter()
        for q in queries[:5]:
            all_docs, _ = pact.footprints.list(org.id)
            [d for d in all_docs if q["productId"] in d["productIds"]]
        plain = (time.perf_counter() - t) / 5
        p95 = statistics.quantiles(lat, n=20)[-1]
        print(f"{label:>11} N={n:>6}: publish {n / pub:,.0f}/s | productId query p50 {statistics.median(lat) * 1e3:.1f} "
              f"ms, p95 {p95 * 1e3:.1f} ms | geography page of 100: p50 {statistics.median(page) * 1e3:.1f} ms | "
              f"load-all-and-filter {plain * 1e3:,.0f} ms → indexed query {plain / statistics.median(lat):,.0f}× "
              "faster")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    a = ap.parse_args()
    run(None, a.n, "SQLite")
    from servers import PostgresCluster
    pg = PostgresCluster()
    try:
        run(pg.database(), a.n, "PostgreSQL")
    finally:
        pg.stop()


if __name__ == "__main__":
    main()
