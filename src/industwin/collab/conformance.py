"""The PACT v3 conformance cases (WBCSD *pact-conformance-service*, ``v3-test-cases-expected-results.md``) run
against any host: the mandatory cases 1–17 and 20–40 and the OpenID cases 18–19.

Each case sends the request the official list describes and checks the expected status and body; beyond the
list, the filter cases check that every footprint returned really meets the filter (and that the footprint
the filter was built from is among them), and every footprint returned is validated against the PACT v3
ProductFootprint schema (the official OpenAPI document when ``schema`` names it, else industwin's own).
Cases 13 and 14.B need the host to call back: ``callback(request_event_id, kind)`` waits for the event at the
tester's own host and returns it (or None).
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

from industwin.collab.pact_client import EVENT, parse_link, tls
from industwin.data.pact import validate_footprint
from industwin.errors import DataError

__all__ = ["Case", "run_conformance", "schema_validator"]

CE = {"Content-Type": "application/cloudevents+json; charset=UTF-8"}


@dataclass(frozen=True)
class Case:
    number: str
    name: str
    mandatory: bool
    passed: bool
    detail: str


def schema_validator(openapi_yaml: str | Path | None) -> Callable[[dict], list[str]]:
    """A function listing what is wrong with a footprint: the official OpenAPI schema's ProductFootprint (JSON
    Schema 2020-12) when a file is given, else industwin's :class:`~industwin.data.pact.ProductFootprint`."""
    if openapi_yaml is None:
        def own(doc: dict) -> list[str]:
            try:
                validate_footprint(doc)
                return []
            except DataError as e:
                return [str(e)]
        return own
    import jsonschema
    import yaml
    spec = yaml.safe_load(Path(openapi_yaml).read_text(encoding="utf-8"))
    schema = {"$ref": "#/components/schemas/ProductFootprint", "components": spec["components"]}
    v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    return lambda doc: [f"{'/'.join(map(str, e.absolute_path)) or '(document)'}: {e.message}"
                        for e in v.iter_errors(doc)]


def _http(url: str) -> str:
    p = urlsplit(url)
    return urlunsplit(("http", p.netloc, p.path, p.query, p.fragment))


def _t(s: str) -> datetime:
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def run_conformance(base_url: str, client_id: str, client_secret: str, verify: bool | str = True,
                    schema: str | Path | None = None, http_url: str | None = None,
                    callback: Callable[[str, str], dict | None] | None = None,
                    source: str = "https://conformance.industwin.invalid/3/events") -> list[Case]:
    """Run every case against the host at ``base_url`` (https) with the credentials it issued. ``http_url``:
    the host's plain-HTTP address for cases 9–11 and 17 (default: ``base_url`` with ``http://``)."""
    base = base_url.rstrip("/")
    plain = (http_url or _http(base)).rstrip("/")
    check = schema_validator(schema)
    out: list[Case] = []
    http = httpx.Client(verify=tls(verify), timeout=30)

    def case(number: str, name: str, ok: bool, detail: str = "", mandatory: bool = True) -> None:
        out.append(Case(number, name, mandatory, bool(ok), detail))

    def basic(cid: str, secret: str) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(f"{cid}:{secret}".encode()).decode(),
                "Content-Type": "application/x-www-form-urlencoded"}

    # 18/19 (OpenID discovery) first: the token endpoint the other cases use
    token_url = f"{base}/auth/token"
    try:
        d = http.get(f"{base}/.well-known/openid-configuration")
        ep = d.json().get("token_endpoint") if d.status_code == 200 else None
    except (httpx.HTTPError, ValueError):
        ep = None
    form = {"grant_type": "client_credentials"}
    r = http.post(ep or token_url, headers=basic(client_id, client_secret), data=form)
    body = r.json() if r.headers.get("content-type", "").startswith("application/json") else {}
    case("18", "OpenID Connect-based authentication flow", bool(ep) and r.status_code == 200
         and isinstance(body.get("access_token"), str), f"token endpoint {ep}", mandatory=False)
    r2 = http.post(ep or token_url, headers=basic(client_id, "wrong-" + client_secret), data=form)
    case("19", "OpenID Connect flow with incorrect credentials", r2.status_code in (400, 401),
         f"HTTP {r2.status_code}", mandatory=False)

    r = http.post(token_url, headers=basic(client_id, client_secret), data=form)
    tok = r.json().get("access_token") if r.status_code == 200 else None
    case("1", "Obtain auth token with valid credentials", r.status_code == 200 and isinstance(tok, str)
         and r.json().get("token_type", "").lower() == "bearer", f"HTTP {r.status_code}")
    if not tok:
        http.close()
        return out
    r = http.post(token_url, headers=basic("not-a-client", "not-a-secret"), data=form)
    case("2", "Obtain auth token with invalid credentials", r.status_code in (400, 401), f"HTTP {r.status_code}")

    auth = {"Authorization": f"Bearer {tok}"}
    bad = {"Authorization": "Bearer invalid-access-token"}

    def docs(r: httpx.Response) -> list[dict] | None:
        try:
            d = r.json().get("data")
        except ValueError:
            return None
        return d if isinstance(d, list) else None

    def schema_errors(items: list[dict]) -> str:
        errs = [f"{it.get('id')}: {e}" for it in items for e in check(it)]
        return "; ".join(errs[:3])

    r = http.get(f"{base}/3/footprints", headers=auth)
    every = docs(r) or []
    err = schema_errors(every)
    case("4", "Get all PCFs using ListFootprints", r.status_code in (200, 202) and docs(r) is not None and not err,
         f"HTTP {r.status_code}, {len(every)} footprints" + (f"; schema: {err}" if err else ""))
    # every footprint, page by page, for the filter cases
    allpf, url, pages = [], f"{base}/3/footprints?limit=50", 0
    while url and pages < 1000:
        rr = http.get(url, headers=auth)
        allpf += docs(rr) or []
        url, pages = parse_link(rr.headers.get("link")).get("next"), pages + 1
    if not allpf:
        case("3", "Get PCF using GetFootprint", False, "the host lists no footprint to get")
        http.close()
        return out
    pf = allpf[0]
    r = http.get(f"{base}/3/footprints/{pf['id']}", headers=auth)
    got = r.json().get("data") if r.status_code == 200 else None
    err = schema_errors([got]) if isinstance(got, dict) else "no data object"
    case("3", "Get PCF using GetFootprint", r.status_code == 200 and isinstance(got, dict) and got.get("id") ==
         pf["id"] and not err, f"HTTP {r.status_code}" + (f"; {err}" if err else ""))

    # 5: pagination
    r = http.get(f"{base}/3/footprints?limit=1", headers=auth)
    links = parse_link(r.headers.get("link"))
    nxt = links.get("next")
    if len(allpf) < 2:
        case("5", "Pagination link implementation of ListFootprints", False, "needs at least 2 footprints")
    else:
        r2 = http.get(nxt, headers=auth) if nxt else None
        second = docs(r2) if r2 is not None else None
        ok = (r.status_code == 200 and len(docs(r) or []) == 1 and nxt is not None
              and urlsplit(nxt).scheme in ("http", "https") and urlsplit(nxt).netloc == urlsplit(base).netloc
              and r2 is not None and r2.status_code == 200 and second is not None and len(second) == 1
              and second[0]["id"] != (docs(r) or [{}])[0].get("id"))
        case("5", "Pagination link implementation of ListFootprints", ok, f"Link: {r.headers.get('link')}")

    for n, what, send in (("6", "ListFootprints with invalid token", lambda: http.get(f"{base}/3/footprints",
                                                                                         headers=bad)),
                          ("7", "GetFootprint with invalid token", lambda: http.get(
                              f"{base}/3/footprints/{pf['id']}", headers=bad))):
        r = send()
        case(n, f"Attempt {what}", r.status_code in (400, 401), f"HTTP {r.status_code}")
    r = http.get(f"{base}/3/footprints/non-existent-id", headers=auth)
    case("8", "Attempt GetFootprint with non-existent PfId", r.status_code in (400, 404), f"HTTP {r.status_code}")

    def insecure(n: str, name: str, method: str, path: str, headers: dict, **kw) -> None:
        try:
            r = http.request(method, f"{plain}{path}", headers=headers, **kw)
        except httpx.HTTPError as e:
            case(n, name, True, f"connection refused ({type(e).__name__})")
            return
        try:
            j = r.json()
        except ValueError:
            j = {}
        leaked = isinstance(j, dict) and ("access_token" in j or "data" in j)
        case(n, name, not leaked and (r.status_code >= 400 or r.status_code in (301, 302, 307, 308)),
             f"HTTP {r.status_code}" + ("; answered with data" if leaked else ""))

    insecure("9", "Attempt authentication through HTTP", "POST", "/auth/token", basic(client_id, client_secret),
             data=form)
    insecure("10", "Attempt ListFootprints through HTTP", "GET", "/3/footprints", auth)
    insecure("11", "Attempt GetFootprint through HTTP", "GET", f"/3/footprints/{pf['id']}", auth)

    # events
    pid = pf["productIds"][0]
    req_ok = str(uuid.uuid4())
    ev = {"specversion": "1.0", "id": req_ok, "source": source, "time": datetime.now(UTC).strftime(
          "%Y-%m-%dT%H:%M:%SZ"), "type": EVENT.format("RequestCreatedEvent"),
          "data": {"productId": [pid], "comment": "Please send PCF data for this year."}}
    r = http.post(f"{base}/3/events", headers={**auth, **CE}, json=ev)
    case("12", "Send PCF creation request (async)", r.status_code == 200, f"HTTP {r.status_code}")
    req_bad = str(uuid.uuid4())
    r = http.post(f"{base}/3/events", headers={**auth, **CE}, json={**ev, "id": req_bad, "data": {
        "productId": ["urn:null"], "comment": "Please send PCF data for this year."}})
    case("14.A", "Request for the creation of a PCF to be rejected", r.status_code == 200, f"HTTP {r.status_code}")
    pub = {**ev, "id": str(uuid.uuid4()), "type": EVENT.format("PublishedEvent"),
           "data": {"pfIds": ["urn:gtin:4712345060507"]}}
    r = http.post(f"{base}/3/events", headers={**auth, **CE}, json=pub)
    case("15", "Receive notification of PCF update (Published event)", r.status_code == 200, f"HTTP {r.status_code}")
    r = http.post(f"{base}/3/events", headers={**bad, **CE}, json={**pub, "id": str(uuid.uuid4())})
    case("16", "Attempt action Events with invalid token", r.status_code in (400, 401), f"HTTP {r.status_code}")
    insecure("17", "Attempt action Events through HTTP", "POST", "/3/events", {**auth, **CE},
             json={**pub, "id": str(uuid.uuid4())})
    if callback is not None:
        got = callback(req_ok, "RequestFulfilledEvent")
        pfs = (got or {}).get("data", {}).get("pfs") or []
        err = schema_errors(pfs)
        case("13", "Call back with a RequestFulfilled event", got is not None and bool(pfs) and not err and all(
             pid.lower() in [x.lower() for x in p.get("productIds", [])] for p in pfs),
             f"{len(pfs)} footprints" + (f"; {err}" if err else "") if got else "no event received")
        got = callback(req_bad, "RequestRejectedEvent")
        case("14.B", "Call back with a RequestRejected event", got is not None and (got.get("data", {}).get("error")
             or {}).get("code") == "NotFound", "received" if got else "no event received")
    else:
        for n, name in (("13", "Call back with a RequestFulfilled event"), ("14.B", "Call back with a "
                                                                                   "RequestRejected event")):
            case(n, name, False, "no callback listener given")

    # 20-39: filters
    def listing(params: list[tuple[str, str]]) -> tuple[int, list[dict]]:
        r = http.get(f"{base}/3/footprints", headers=auth, params=params + [("limit", "1000")])
        return r.status_code, docs(r) or []

    def low(xs) -> list[str]:
        return [x.lower() for x in xs or []]

    def geo(p: dict) -> list[str]:
        c = p.get("pcf", {})
        return low([c.get(k) for k in ("geographyCountry", "geographyRegionOrSubregion",
                                       "geographyCountrySubdivision") if c.get(k)])

    def valid(p: dict) -> tuple[datetime, datetime]:
        ref_end = _t(p["pcf"]["referencePeriodEnd"])
        start = _t(p["validityPeriodStart"]) if p.get("validityPeriodStart") else ref_end
        end = _t(p["validityPeriodEnd"]) if p.get("validityPeriodEnd") else ref_end.replace(year=ref_end.year + 3)
        return start, end

    def positive(n: str, name: str, params: list[tuple[str, str]], meets: Callable[[dict], bool]) -> None:
        code, items = listing(params)
        wrong = [p["id"] for p in items if not meets(p)]
        case(n, name, code == 200 and pf["id"] in [p["id"] for p in items] and not wrong,
             f"HTTP {code}, {len(items)} footprints" + (f"; not meeting the filter: {wrong[:3]}" if wrong else ""))

    cid = pf["companyIds"][0]
    g = (geo(pf) or [""])[0]
    cls = (pf.get("productClassifications") or [""])[0]
    start, end = valid(pf)
    iso = lambda t: t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    positive("20", "Filter by productId", [("productId", pid)], lambda p: pid.lower() in low(p["productIds"]))
    positive("21", "Filter by companyId", [("companyId", cid)], lambda p: cid.lower() in low(p["companyIds"]))
    if g:
        positive("22", "Filter by geography", [("geography", g)], lambda p: g in geo(p))
    else:
        case("22", "Filter by geography", False, "the first footprint has no geography to filter by")
    if cls:
        positive("23", "Filter by classification", [("classification", cls)],
                 lambda p: cls.lower() in low(p.get("productClassifications")))
    else:
        case("23", "Filter by classification", False, "the first footprint has no classification to filter by")
    positive("24", "Filter by validOn", [("validOn", iso(start))], lambda p: valid(p)[0] <= start <= valid(p)[1])
    after = start - timedelta(days=1)
    positive("25", "Filter by validAfter", [("validAfter", iso(after))], lambda p: valid(p)[0] > after)
    before = end + timedelta(days=1)
    positive("26", "Filter by validBefore", [("validBefore", iso(before))], lambda p: valid(p)[1] < before)
    positive("27", "Filter by status", [("status", pf["status"])], lambda p: p["status"] == pf["status"])
    positive("28", "Filter by status and productId", [("status", pf["status"]), ("productId", pid)],
             lambda p: p["status"] == pf["status"] and pid.lower() in low(p["productIds"]))
    positive("29", "Filter by several companyId (OR)", [("companyId", cid), ("companyId", "urn:uuid:other-company"),
                                                         ("companyId", "urn:uuid:another-company")],
             lambda p: cid.lower() in low(p["companyIds"]))
    for n, name, params in (
            ("30", "productId (negative)", [("productId", "urn:bogus:product:nonexistent123")]),
            ("31", "companyId (negative)", [("companyId", "urn:bogus:company:nonexistent456")]),
            ("32", "geography (negative)", [("geography", "XX")]),
            ("33", "classification (negative)", [("classification", "urn:bogus:classification:nonexistent789")]),
            ("34", "validOn (negative)", [("validOn", "1900-01-01T00:00:00Z")]),
            ("35", "validAfter (negative)", [("validAfter", "2099-12-31T23:59:59Z")]),
            ("36", "validBefore (negative)", [("validBefore", "1900-01-01T00:00:00Z")]),
            ("37", "status (negative)", [("status", "BogusStatusValue")]),
            ("38", "several filters, AND (negative)", [("companyId", "urn:bogus:company:5FIi8zS3"),
                                                       ("productId", "urn:bogus:product:nonexistent123")]),
            ("39", "several companyId, OR (negative)", [("companyId", f"urn:bogus:company:nonexistent{i}")
                                                        for i in (1, 2, 3)])):
        code, items = listing(params)
        case(n, f"Filter by {name}", code == 200 and items == [], f"HTTP {code}, {len(items)} footprints")
    r = http.get(f"{base}/3/footprints", headers=auth, params={"$filter": "created ge '2023-01-15T10:15:30Z'"})
    case("40", "Malformed request ($filter) refused", r.status_code == 400, f"HTTP {r.status_code}")
    http.close()
    order = {c: i for i, c in enumerate(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14.A",
                                         "14.B", "15", "16", "17", "18", "19", *map(str, range(20, 41))])}
    return sorted(out, key=lambda c: order.get(c.number, 99))
