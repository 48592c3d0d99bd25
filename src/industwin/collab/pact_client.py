"""A PACT v3 client: fetch and request product footprints from a partner's host.

Authentication by the OAuth 2.0 client-credentials grant (RFC 6749 §4.4) at the token endpoint the host's
OpenID discovery document names (``/.well-known/openid-configuration``), else ``/auth/token``; the token is
reused until a minute before it expires. ``footprints`` follows the ``Link: rel="next"`` pagination of
ListFootprints (RFC 8288), only to the same host (a token is never sent elsewhere). Events are CloudEvents 1.0
in structured JSON mode (``application/cloudevents+json``).
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from industwin.data.pact import ProductFootprint, validate_footprint
from industwin.errors import DataError

__all__ = ["EVENT", "PactClient", "PactError", "parse_link", "tls"]

EVENT = "org.wbcsd.pact.ProductFootprint.{}.3"
CLOUDEVENTS = "application/cloudevents+json; charset=UTF-8"
MAX_PAGES = 10_000


class PactError(DataError):
    """A partner's host refused a request or answered something that is not PACT."""

    def __init__(self, message: str, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.status, self.code = status, code


def parse_link(header: str | None) -> dict[str, str]:
    """``rel → URL`` of an RFC 8288 ``Link`` header."""
    out = {}
    for m in re.finditer(r'<([^>]*)>\s*((?:;\s*[^;,]+)*)', header or ""):
        rel = re.search(r'rel="?([^";,]+)"?', m.group(2))
        if rel:
            out[rel.group(1)] = m.group(1)
    return out


def tls(verify: bool | str):
    """httpx's ``verify``: True / False, or an SSL context trusting the CA bundle at a path."""
    if isinstance(verify, str):
        import ssl
        return ssl.create_default_context(cafile=verify)
    return verify


def _iso(t: datetime | str) -> str:
    return t if isinstance(t, str) else t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class PactClient:
    """One partner host: ``base_url`` (its API base, e.g. ``https://pact.example.com``), the client id and
    secret it issued, ``verify`` (True, False or a CA bundle for a private certificate)."""

    def __init__(self, base_url: str, client_id: str, client_secret: str, verify: bool | str = True,
                 timeout: float = 30.0, source: str = "urn:industwin:pact-client"):
        self.base = base_url.rstrip("/")
        self.client_id, self.client_secret, self.source = client_id, client_secret, source
        self.http = httpx.Client(verify=tls(verify), timeout=timeout, follow_redirects=False)
        self._token: tuple[str, float] | None = None

    def close(self) -> None:
        self.http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # authentication ---------------------------------------------------------------------------------------
    def token_endpoint(self) -> str:
        try:
            r = self.http.get(f"{self.base}/.well-known/openid-configuration")
            if r.status_code == 200:
                ep = r.json().get("token_endpoint")
                if isinstance(ep, str) and urlsplit(ep).netloc == urlsplit(self.base).netloc:
                    return ep
        except (httpx.HTTPError, ValueError):
            pass
        return f"{self.base}/auth/token"

    def token(self, fresh: bool = False) -> str:
        if self._token and not fresh and self._token[1] > time.monotonic():
            return self._token[0]
        r = self._call("POST", self.token_endpoint(), auth=(self.client_id, self.client_secret),
                       data={"grant_type": "client_credentials"}, authorised=False)
        body = r.json()
        if not isinstance(body.get("access_token"), str):
            raise PactError(f"{self.base}: the token endpoint answered no access_token")
        self._token = (body["access_token"], time.monotonic() + max(0, int(body.get("expires_in", 3600)) - 60))
        return self._token[0]

    def _call(self, method: str, url: str, authorised: bool = True, **kw) -> httpx.Response:
        headers = kw.pop("headers", {})
        for attempt in (0, 1):
            if authorised:
                headers["Authorization"] = f"Bearer {self.token(fresh=attempt == 1)}"
            try:
                r = self.http.request(method, url, headers=headers, **kw)
            except httpx.HTTPError as e:
                raise PactError(f"{url}: cannot reach the partner's host ({type(e).__name__}: {e}). Fix: check the "
                                "connection's address and certificate") from None
            if r.status_code == 401 and authorised and attempt == 0:
                continue                                    # expired token: get a new one once
            break
        if r.status_code >= 400:
            try:
                body = r.json()
            except ValueError:
                body = {}
            code = body.get("code") or body.get("error")
            msg = body.get("message") or body.get("error_description") or r.text[:200]
            raise PactError(f"{url}: HTTP {r.status_code} {code or ''} {msg}".strip(), r.status_code, code)
        return r

    # actions ----------------------------------------------------------------------------------------------
    def footprints(self, limit: int | None = None, **filters) -> Iterator[ProductFootprint]:
        """Every footprint ListFootprints returns for ``filters`` (``productId=[...]``, ``status="Active"``…),
        page after page."""
        params = {k: v for k, v in filters.items() if v is not None}
        if limit is not None:
            params["limit"] = limit
        url, host = f"{self.base}/3/footprints", urlsplit(self.base).netloc
        for _ in range(MAX_PAGES):
            r = self._call("GET", url, params=params)
            data = r.json().get("data")
            if not isinstance(data, list):
                raise PactError(f"{url}: the answer has no data list")
            for i, d in enumerate(data):
                yield validate_footprint(d, f"{url}: item {i + 1}")
            nxt = parse_link(r.headers.get("link")).get("next")
            if not nxt:
                return
            if urlsplit(nxt).netloc != host:
                raise PactError(f"{url}: the next page is on another host ({urlsplit(nxt).netloc}); not followed")
            url, params = nxt, None
        raise PactError(f"{self.base}: more than {MAX_PAGES} pages")

    def footprint(self, pf_id: str) -> ProductFootprint:
        r = self._call("GET", f"{self.base}/3/footprints/{pf_id}")
        return validate_footprint(r.json().get("data"), f"{self.base}/3/footprints/{pf_id}")

    def send_event(self, kind: str, data: dict[str, Any], event_id: str | None = None) -> str:
        """POST a CloudEvent of ``kind`` (``Published``, ``RequestCreated``, ``RequestFulfilled``,
        ``RequestRejected``) to the partner's ``/3/events``; returns its id."""
        eid = event_id or str(uuid.uuid4())
        body = {"specversion": "1.0", "id": eid, "source": self.source, "time": _iso(datetime.now(UTC)),
                "type": EVENT.format(f"{kind}Event"), "data": data}
        self._call("POST", f"{self.base}/3/events", json=body, headers={"Content-Type": CLOUDEVENTS})
        return eid

    def request(self, comment: str = "", **criteria) -> str:
        """Ask the partner for footprints meeting ``criteria`` (``productId=[...]`` …); the answer comes later
        as a RequestFulfilled or RequestRejected event to our host. Returns the request's event id."""
        return self.send_event("RequestCreated", {**criteria, **({"comment": comment} if comment else {})})
