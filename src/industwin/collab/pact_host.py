"""A PACT v3 host for every organisation on the server (WBCSD, *Technical Specifications for PCF Data Exchange*
3.0): the data recipient authenticates with the client credentials an organisation issued it, and then sees
that organisation's published footprints.

* ``GET /.well-known/openid-configuration`` — discovery: the token endpoint.
* ``POST /auth/token`` — OAuth 2.0 client credentials (HTTP Basic or form), errors as RFC 6749 §5.2.
* ``GET /3/footprints`` — ListFootprints with every filter of the specification, ``limit`` / ``offset`` and
  an RFC 8288 ``Link`` header (``first``, ``prev``, ``next``, ``last``; absolute, on the request's host).
* ``GET /3/footprints/{id}`` — GetFootprint.
* ``POST /3/events`` — CloudEvents: ``PublishedEvent`` (the partner's new footprints are fetched),
  ``RequestCreatedEvent`` (answered later by ``RequestFulfilledEvent`` or ``RequestRejectedEvent`` sent to the
  partner's host), ``RequestFulfilledEvent`` (the footprints are kept as received), ``RequestRejectedEvent``.
  An event's ``source`` + ``id`` is processed once.

Errors are ``{"code", "message"}`` with the specification's codes; plain HTTP is refused (403) unless the
server runs with ``pact_http`` (development) or behind a TLS proxy that says ``X-Forwarded-Proto: https``.
Every read and every event is written to the audit log.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from industwin.collab.directory import Directory, TokenProblem
from industwin.collab.footprints import Filters, FootprintStore
from industwin.collab.models import Client, Connection, PactEvent
from industwin.collab.pact_client import EVENT, PactClient, PactError
from industwin.errors import DataError
from industwin.web.store import Store, now

__all__ = ["FailureLimiter", "PactHost", "add_pact_routes"]

log = logging.getLogger("industwin.pact")

LIST_PARAMS = {"limit", "offset", "productId", "companyId", "geography", "classification", "validOn", "validAfter",
               "validBefore", "status"}
CRITERIA = ("productId", "companyId", "geography", "classification", "validOn", "validAfter", "validBefore",
            "status")
DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
MAX_EVENT_BYTES = 4 * 2**20
RETRIES = (0.5, 2.0, 8.0)        # seconds before each new attempt to deliver an event


class FailureLimiter:
    """At most ``limit`` failed attempts per key (a client address) in ``window`` seconds; then the key waits.
    Bounded: past ``max_keys`` keys the oldest are forgotten."""

    def __init__(self, limit: int = 20, window: float = 60.0, max_keys: int = 10_000):
        self.limit, self.window, self.max_keys = limit, window, max_keys
        self.hits: dict[str, deque] = {}
        self.lock = threading.Lock()

    def wait(self, key: str) -> float:
        """Seconds ``key`` must wait before trying again (0: it may try)."""
        t = time.monotonic()
        with self.lock:
            q = self.hits.get(key)
            while q and q[0] <= t - self.window:
                q.popleft()
            return q[0] + self.window - t if q and len(q) >= self.limit else 0.0

    def failed(self, key: str) -> None:
        with self.lock:
            if key not in self.hits and len(self.hits) >= self.max_keys:
                self.hits.pop(next(iter(self.hits)))
            self.hits.setdefault(key, deque()).append(time.monotonic())


class Refusal(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def _time(v: str, name: str) -> datetime:
    try:
        t = datetime.fromisoformat(v.replace("Z", "+00:00"))
        if t.tzinfo is not None:
            t.astimezone(UTC)                    # out of range once in UTC (year 1 or 9999 with an offset)
        return t
    except (ValueError, OverflowError):
        raise Refusal(400, "BadRequest", f"{name}={v[:40]!r} is not a date-time (RFC 3339, e.g. "
                                         "2024-01-01T00:00:00Z)") from None


def filters_of(values: dict[str, list[str]]) -> Filters:
    """ListFootprints / RequestCreated criteria from query or event values (every value a list of strings)."""
    # a value holding NUL matches nothing (no stored key has one; PostgreSQL cannot even compare it)
    nul = {k for k, v in values.items() if v and all("\x00" in x for x in v)}
    values = {k: [x for x in v if "\x00" not in x] for k, v in values.items()}
    if nul & {"validOn", "validAfter", "validBefore", "status"}:
        raise Refusal(400, "BadRequest", f"{sorted(nul)[0]}: a NUL character is not a date or a status")
    one = {k: v[-1] for k, v in values.items() if v}
    status = one.get("status")
    known = {"active": "Active", "deprecated": "Deprecated"}
    return Filters(product=tuple(values.get("productId", ())), company=tuple(values.get("companyId", ())),
                   geography=tuple(values.get("geography", ())),
                   classification=tuple(values.get("classification", ())),
                   valid_on=_time(one["validOn"], "validOn") if "validOn" in one else None,
                   valid_after=_time(one["validAfter"], "validAfter") if "validAfter" in one else None,
                   valid_before=_time(one["validBefore"], "validBefore") if "validBefore" in one else None,
                   status=known.get(status.lower()) if status else None,
                   unmatched=bool(nul) or (bool(status) and status.lower() not in known))


class PactHost:
    """The PACT endpoints over a :class:`Store`; answers to requests are sent from a small thread pool."""

    def __init__(self, store: Store, allow_http: bool = False, token_seconds: int = 3600,
                 directory: Directory | None = None):
        self.store, self.allow_http = store, allow_http
        self.directory = directory or Directory(store, token_seconds)
        self.footprints = FootprintStore(store)
        self.pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="pact-events")
        self.pending = 0
        self._lock = threading.Lock()
        self.limiter = FailureLimiter()

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)      # answers not yet sent stay "received"

    def resume(self) -> int:
        """Queue again the requests and publications received but not yet answered or fetched when the server
        last stopped (their events are kept with status "received"). Returns how many."""
        with self.store.session() as s:
            rows = list(s.scalars(select(PactEvent).where(
                PactEvent.direction == "in", PactEvent.status == "received",
                PactEvent.type.in_(("RequestCreatedEvent", "PublishedEvent"))).order_by(PactEvent.id)))
            clients = {c.id: c for c in s.scalars(select(Client).where(
                Client.id.in_({r.client_id for r in rows if r.client_id})))}
        n = 0
        for r in rows:
            c = clients.get(r.client_id or "")
            if c is None or c.revoked:
                self._mark(r.org_id, "in", r.body, "failed", "the partner's client was revoked before the answer")
                continue
            self._later(self._answer if r.type == "RequestCreatedEvent" else self._fetch, c, r.body)
            n += 1
        return n

    # checks --------------------------------------------------------------------------------------------------
    def https(self, request: Request) -> None:
        if request.url.scheme != "https" and not self.allow_http:
            raise Refusal(403, "AccessDenied", "PACT is served over HTTPS only. Fix: use the https:// address")

    def client(self, request: Request) -> Client:
        self.https(request)
        auth = request.headers.get("authorization", "")
        if not auth.lower().startswith("bearer "):
            raise Refusal(401, "AccessDenied", "no bearer token. Fix: get one at /auth/token and send "
                                               "'Authorization: Bearer <token>'", {"WWW-Authenticate": "Bearer"})
        try:
            return self.directory.client_of_token(auth[7:].strip())
        except TokenProblem as e:
            if e.expired:
                raise Refusal(401, "TokenExpired", "the access token has expired. Fix: get a new one",
                              {"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None
            raise Refusal(401, "AccessDenied", "Invalid token provided. Fix: get a token at /auth/token",
                          {"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None

    # token endpoint -----------------------------------------------------------------------------------------
    def token(self, request: Request, form: dict[str, str]) -> JSONResponse:
        self.https(request)
        cid = secret = None
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("basic "):
            try:
                cid, _, secret = base64.b64decode(auth[6:].strip(), validate=True).decode().partition(":")
                cid, secret = unquote(cid), unquote(secret)
            except (binascii.Error, UnicodeDecodeError, ValueError):
                cid = secret = None
        else:
            cid, secret = form.get("client_id"), form.get("client_secret")
        nocache = {"Cache-Control": "no-store", "Pragma": "no-cache"}
        who = request.client.host if request.client else "?"
        wait = self.limiter.wait(who)
        if wait > 0:
            return JSONResponse({"error": "invalid_request", "error_description": "too many failed attempts from "
                                 f"this address; try again in {wait:.0f} s"}, 429,
                                {**nocache, "Retry-After": str(int(wait) + 1)})
        if form.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type",
                                 "error_description": "only grant_type=client_credentials"}, 400, nocache)
        issued = self.directory.issue_token(cid or "", secret or "") if cid and secret else None
        if issued is None:
            self.limiter.failed(who)
            return JSONResponse({"error": "invalid_client", "error_description": "Client authentication failed"},
                                401, {**nocache, "WWW-Authenticate": 'Basic realm="industwin"'})
        return JSONResponse({"access_token": issued.secret, "token_type": "Bearer", "expires_in": issued.seconds,
                             "scope": "footprint:list footprint:read"}, 200, nocache)

    # ListFootprints / GetFootprint ---------------------------------------------------------------------------
    def list(self, request: Request) -> JSONResponse:
        c = self.client(request)
        q = request.query_params
        unknown = sorted(set(q.keys()) - LIST_PARAMS)
        if unknown:
            raise Refusal(400, "BadRequest", f"unknown query parameter {unknown[0]!r} (PACT v3 has no $filter). "
                                             f"Fix: use {', '.join(sorted(LIST_PARAMS))}")
        limit = self._int(q, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        offset = self._int(q, "offset", 0, 0, 10**9)
        f = filters_of({k: q.getlist(k) for k in CRITERIA})
        data, total = self.footprints.list(c.org_id, f, limit, offset)
        self.directory.audit(c.org_id, f"client {c.id} ({c.partner})", "pact list", f"{len(data)} of {total}")
        return JSONResponse({"data": data}, 200, self._links(request, limit, offset, total))

    @staticmethod
    def _int(q, name: str, default: int, lo: int, hi: int) -> int:
        v = q.getlist(name)
        if not v:
            return default
        try:
            n = int(v[-1])
        except ValueError:
            raise Refusal(400, "BadRequest", f"{name}={v[-1][:20]!r} is not a whole number") from None
        if not lo <= n <= hi:
            raise Refusal(400, "BadRequest", f"{name}={n}: must be between {lo} and {hi}")
        return n

    @staticmethod
    def _links(request: Request, limit: int, offset: int, total: int) -> dict[str, str]:
        if total <= limit and offset == 0:
            return {}
        base = str(request.url.replace(query=""))
        kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("limit", "offset")]

        def url(o: int) -> str:
            return f"{base}?{urlencode([*kept, ('limit', limit), ('offset', max(0, o))])}"

        last = max(0, (total - 1) // limit * limit)
        links = [f'<{url(0)}>; rel="first"']
        if offset > 0:
            links.append(f'<{url(offset - limit)}>; rel="prev"')
        if offset + limit < total:
            links.append(f'<{url(offset + limit)}>; rel="next"')
        links.append(f'<{url(last)}>; rel="last"')
        return {"Link": ", ".join(links)}

    def get(self, request: Request, pf_id: str) -> JSONResponse:
        c = self.client(request)
        pf = self.footprints.get(c.org_id, pf_id[:64]) if "\x00" not in pf_id else None
        self.directory.audit(c.org_id, f"client {c.id} ({c.partner})", "pact get", pf_id[:64])
        if pf is None:
            raise Refusal(404, "NotFound", f"Footprint with ID {pf_id[:64]!r} does not exist")
        return JSONResponse({"data": pf.document()})

    # events -------------------------------------------------------------------------------------------------
    def event(self, request: Request, raw: bytes) -> Response:
        c = self.client(request)
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype not in ("application/cloudevents+json", "application/json"):
            raise Refusal(400, "BadRequest", f"Content-Type {ctype or '(none)'}: events are "
                                             "application/cloudevents+json")
        if len(raw) > MAX_EVENT_BYTES:
            raise Refusal(400, "BadRequest", f"event larger than {MAX_EVENT_BYTES // 2**20} MB")
        try:
            ev = json.loads(raw, parse_constant=lambda n: (_ for _ in ()).throw(ValueError(n)))
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise Refusal(400, "BadRequest", "the event is not JSON (or nested too deeply)") from None
        if b"\\u0000" in raw:                     # no text field may hold NUL (PostgreSQL refuses it)
            raise Refusal(400, "BadRequest", "the event holds a NUL character, which no field may contain")
        if not isinstance(ev, dict):
            raise Refusal(400, "BadRequest", "an event is a JSON object")
        for k in ("specversion", "id", "source", "type", "time"):
            if not isinstance(ev.get(k), str) or not ev[k]:
                raise Refusal(400, "BadRequest", f"event field {k!r} is missing or not text")
        if ev["specversion"] != "1.0":
            raise Refusal(400, "BadRequest", "specversion must be \"1.0\" (CloudEvents 1.0)")
        if not isinstance(ev.get("data"), dict):
            raise Refusal(400, "BadRequest", "event field 'data' must be an object")
        kind = {EVENT.format(k): k for k in ("PublishedEvent", "RequestCreatedEvent", "RequestFulfilledEvent",
                                             "RequestRejectedEvent")}.get(ev["type"])
        if kind is None:
            raise Refusal(400, "BadRequest", f"unknown event type {ev['type'][:100]!r}")
        data = ev["data"]
        if kind == "PublishedEvent" and not (isinstance(data.get("pfIds"), list) and data["pfIds"]
                                             and all(isinstance(x, str) for x in data["pfIds"])):
            raise Refusal(400, "BadRequest", "data.pfIds must be a non-empty list of footprint ids")
        if kind in ("RequestFulfilledEvent", "RequestRejectedEvent") and not isinstance(data.get("requestEventId"),
                                                                                      str):
            raise Refusal(400, "BadRequest", "data.requestEventId is missing")
        if kind == "RequestFulfilledEvent" and not (isinstance(data.get("pfs"), list) and data["pfs"]):
            raise Refusal(400, "BadRequest", "data.pfs must be a non-empty list of footprints")
        if kind == "RequestCreatedEvent":
            crit = {k: data[k] for k in CRITERIA if k in data}
            for k, v in crit.items():
                if not (isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))):
                    raise Refusal(400, "BadRequest", f"data.{k} must be text or a list of text")
            filters_of({k: v if isinstance(v, list) else [v] for k, v in crit.items()})      # dates checked now
        if kind == "RequestFulfilledEvent":
            from industwin.data.pact import validate_footprint
            try:
                pfs = [validate_footprint(d, f"data.pfs[{i}]") for i, d in enumerate(data["pfs"])]
            except DataError as e:
                raise Refusal(400, "BadRequest", str(e)) from None
        try:
            self.store.add(PactEvent(org_id=c.org_id, direction="in", type=kind, event_id=ev["id"][:200],
                                     source=ev["source"][:400], client_id=c.id, body=ev, status="received",
                                     created_at=now()))
        except IntegrityError:
            return Response(status_code=200)            # the same event again: already processed
        self.directory.audit(c.org_id, f"client {c.id} ({c.partner})", f"pact event {kind}", ev["id"][:200])
        if kind == "RequestFulfilledEvent":
            for pf in pfs:
                self.footprints.receive(c.org_id, pf, c.callback_id)
            self._mark(c.org_id, "in", ev, "done", f"{len(pfs)} footprints received")
        elif kind == "RequestCreatedEvent":
            self._later(self._answer, c, ev)
        elif kind == "PublishedEvent":
            self._later(self._fetch, c, ev)
        return Response(status_code=200)

    def _later(self, fn, *args) -> None:
        with self._lock:
            self.pending += 1

        def run():
            try:
                fn(*args)
            except Exception:
                log.exception("PACT background work failed")
            finally:
                with self._lock:
                    self.pending -= 1
        self.pool.submit(run)

    def idle(self, timeout: float = 30.0) -> bool:
        """Wait until no answer is being sent (tests and shutdown)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self._lock:
                if self.pending == 0:
                    return True
            time.sleep(0.05)
        return False

    def _callback(self, c: Client) -> Connection | None:
        with self.store.session() as s:
            client = s.get(Client, c.id)
            return s.get(Connection, client.callback_id) if client and client.callback_id else None

    def _mark(self, org_id: str, direction: str, ev: dict, status: str, detail: str) -> None:
        with self.store.session() as s, s.begin():
            row = s.scalars(select(PactEvent).where(PactEvent.org_id == org_id, PactEvent.direction == direction,
                                                    PactEvent.source == ev["source"][:400],
                                                    PactEvent.event_id == ev["id"][:200])).first()
            if row is not None:
                row.status, row.detail = status, detail[:2000]

    def _deliver(self, conn: Connection, kind: str, data: dict, org_id: str, reply_to: dict) -> None:
        last = ""
        for wait in (0.0, *RETRIES):
            time.sleep(wait)
            try:
                with PactClient(conn.base_url, conn.client_id, conn.client_secret, conn.verify or True,
                                source=f"urn:industwin:org:{org_id}") as pc:
                    eid = pc.send_event(kind, data)
                self.store.add(PactEvent(org_id=org_id, direction="out", type=f"{kind}Event", event_id=eid,
                                         source=f"urn:industwin:org:{org_id}", client_id=conn.client_id,
                                         body={"data": data}, status="sent", detail=conn.base_url,
                                         created_at=now()))
                self._mark(org_id, "in", reply_to, "answered", f"{kind} sent to {conn.name}")
                return
            except PactError as e:
                last = str(e)
                if e.status is not None and 400 <= e.status < 500 and e.status != 429:
                    break                                 # refused: trying again will not help
        self._mark(org_id, "in", reply_to, "failed", f"{kind} not delivered: {last}")

    def _answer(self, c: Client, ev: dict) -> None:
        data = ev["data"]
        crit = {k: (v if isinstance(v, list) else [v]) for k, v in data.items() if k in CRITERIA}
        found, _ = self.footprints.list(c.org_id, filters_of({**crit, "status": ["Active"]}), MAX_LIMIT)
        conn = self._callback(c)
        if conn is None:
            self._mark(c.org_id, "in", ev, "failed", "no connection to the requester's host to answer through")
            return
        if found and any(crit.values()):
            self._deliver(conn, "RequestFulfilled", {"requestEventId": ev["id"], "pfs": found}, c.org_id, ev)
        else:
            self._deliver(conn, "RequestRejected", {"requestEventId": ev["id"], "error": {
                "code": "NotFound", "message": "The requested footprint could not be found."}}, c.org_id, ev)

    def _fetch(self, c: Client, ev: dict) -> None:
        conn = self._callback(c)
        if conn is None:
            self._mark(c.org_id, "in", ev, "done", "noted; no connection to fetch the footprints through")
            return
        got, missing = 0, []
        with PactClient(conn.base_url, conn.client_id, conn.client_secret, conn.verify or True) as pc:
            for pf_id in ev["data"]["pfIds"][:MAX_LIMIT]:
                try:
                    self.footprints.receive(c.org_id, pc.footprint(pf_id), conn.id)
                    got += 1
                except DataError as e:
                    missing.append(f"{pf_id[:64]}: {str(e)[:200]}")
        self._mark(c.org_id, "in", ev, "done" if not missing else "failed",
                   f"{got} fetched" + (f"; not fetched: {'; '.join(missing[:5])}" if missing else ""))

    def events(self, org_id: str, limit: int = 100) -> list[PactEvent]:
        with self.store.session() as s:
            return list(s.scalars(select(PactEvent).where(PactEvent.org_id == org_id)
                                  .order_by(PactEvent.id.desc()).limit(limit)))


def add_pact_routes(app: FastAPI, host: PactHost) -> None:
    """The PACT endpoints on ``app`` (specified by the official PACT v3 OpenAPI, so left out of the app's own);
    a :class:`Refusal` anywhere in them answers as a PACT error object (never an HTML page)."""

    @app.exception_handler(Refusal)
    async def refused(request: Request, e: Refusal) -> JSONResponse:
        return JSONResponse({"code": e.code, "message": e.message}, e.status, e.headers)

    @app.get("/.well-known/openid-configuration", include_in_schema=False)
    async def discovery(request: Request):
        host.https(request)
        base = str(request.base_url).rstrip("/")
        return {"issuer": base, "token_endpoint": f"{base}/auth/token", "grant_types_supported":
                ["client_credentials"], "token_endpoint_auth_methods_supported":
                ["client_secret_basic", "client_secret_post"], "response_types_supported": ["token"]}

    @app.post("/auth/token", include_in_schema=False)
    async def token(request: Request):
        try:
            form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        except Exception:  # noqa: BLE001 - any unreadable body is a bad request
            form = {}
        return await _thread(host.token, request, form)

    @app.get("/3/footprints", include_in_schema=False)
    async def list_footprints(request: Request):
        return await _thread(host.list, request)

    @app.get("/3/footprints/{pf_id}", include_in_schema=False)
    async def get_footprint(request: Request, pf_id: str):
        return await _thread(host.get, request, pf_id)

    @app.post("/3/events", include_in_schema=False)
    async def events(request: Request):
        host.https(request)
        raw = bytearray()
        async for chunk in request.stream():               # never more than the limit in memory
            raw += chunk
            if len(raw) > MAX_EVENT_BYTES:
                raise Refusal(400, "BadRequest", f"event larger than {MAX_EVENT_BYTES // 2**20} MB")
        return await _thread(host.event, request, bytes(raw))


async def _thread(fn, *args) -> Any:
    import asyncio
    return await asyncio.to_thread(fn, *args)
