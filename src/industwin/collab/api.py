"""The data-space API (JSON, ``/api/v1``) on ``industwin serve``: an organisation's own systems submit and read
with an OAuth2 client-credentials token of scope "api" (``industwin org client --scope api``; token at
``/auth/token``, as for PACT). A PACT partner's token (scope "pact") is refused here, and an "api" token is
refused by the PACT endpoints.

Every error is ``{"detail": "<what, and the fix>"}`` with its status: 401 (no, bad or expired token), 404 (a
programme the organisation is not a member of, another organisation's submission — never 403, so nothing is
learnt about what exists), 409 (an idempotency key reused with another body), 413 (a body over 2 MB), 422 (a
body that fails its schema). The OpenAPI document is at ``/openapi.json``.
"""


import asyncio
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from industwin.collab.dataspace import DataSpace, SpaceError, SubmissionBody
from industwin.collab.directory import TokenProblem
from industwin.collab.models import Client
from industwin.errors import IndustwinError

__all__ = ["API", "MAX_BODY", "add_api_routes"]

API = "/api/v1"
MAX_BODY = 2 * 2**20


class ProgrammeOut(BaseModel):
    id: str
    name: str
    purpose: str
    region: str
    sectors: list[str]
    until: date
    role: str


class ProgrammeDetail(ProgrammeOut):
    members: list[dict[str, str]]
    live_submissions: dict[str, int]
    rules: dict[str, float]


class SubmissionOut(BaseModel):
    id: str
    kind: str
    rows: int
    total: float
    purpose: str
    until: date
    created: bool | None = None


class SubmissionDetail(SubmissionOut):
    data: list[dict[str, Any]]


class ErrorOut(BaseModel):
    detail: str


def _errors(*codes: int) -> dict:
    what = {401: "no, a bad or an expired token", 403: "plain HTTP (the API is HTTPS only), or an observer "
            "submitting", 404: "not a member of the programme, or not the caller's submission", 409: "the "
            "Idempotency-Key was used for another body, or no aggregate can be published yet",
            413: "a body over 2 MB", 422: "the request fails its schema", 500: "a bug (details in the server's log)"}
    return {c: {"model": ErrorOut, "description": what[c]} for c in (401, 403, *codes, 422, 500)}


class AggregateOut(BaseModel):
    programme: str
    kind: str
    unit: str
    statistic: str
    as_of: date
    organisations: int
    submissions: int
    rows: list[str]
    columns: list[str]
    values: list[list[float | None]]
    status: list[list[str]]
    contributors: list[list[int | None]]


def _error(status: int, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"detail": message}, status, headers)


class _ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers


def add_api_routes(app: FastAPI, space: DataSpace, https_check=None) -> None:
    """The ``/api/v1`` routes on ``app``; ``https_check(request)`` refuses plain HTTP as the PACT host does."""
    bearer = HTTPBearer(auto_error=False, description="an access token of an 'api' client (POST /auth/token)")

    def caller(request: Request, cred: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Client:
        if https_check is not None:
            try:
                https_check(request)
            except Exception:  # noqa: BLE001 - any refusal of the scheme
                raise _ApiError(403, "the data-space API is served over HTTPS only. Fix: use the https:// "
                                     "address") from None
        if cred is None or cred.scheme.lower() != "bearer":
            raise _ApiError(401, "no bearer token. Fix: get one at /auth/token with your organisation's api client "
                                 "and send 'Authorization: Bearer <token>'", {"WWW-Authenticate": "Bearer"})
        try:
            return space.directory.client_of_token(cred.credentials, scope="api")
        except TokenProblem as e:
            raise _ApiError(401, "the access token has expired. Fix: get a new one" if e.expired else
                            "invalid token. Fix: get a token at /auth/token with an api client",
                            {"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None

    Caller = Annotated[Client, Depends(caller)]

    def actor(c: Client) -> str:
        return f"client {c.id}"

    @app.exception_handler(_ApiError)
    async def _api_error(request: Request, exc: _ApiError):
        return _error(exc.status, exc.message, exc.headers)

    app.add_middleware(BodyLimit, prefix=API + "/", limit=MAX_BODY)

    async def run(fn, *args):
        try:
            return await asyncio.to_thread(fn, *args)
        except SpaceError as e:
            raise _ApiError(e.status, str(e)) from None
        except IndustwinError as e:
            raise _ApiError(422, " ".join(str(e).split())) from None

    def out(p, role: str) -> dict:
        return {"id": p.id, "name": p.name, "purpose": p.purpose, "region": p.region, "sectors": p.sectors,
                "until": p.until, "role": role}

    def sub_out(s, created: bool | None = None) -> dict:
        return {"id": s.id, "kind": s.kind, "rows": s.n_rows, "total": s.total, "purpose": s.purpose,
                "until": s.until, "created": created}

    @app.get(f"{API}/programmes", response_model=list[ProgrammeOut], tags=["data space"], responses=_errors())
    async def programmes(c: Caller):
        """The programmes the caller's organisation is a member of."""
        return [out(p, r) for p, r in await run(space.programmes_of, c.org_id)]

    @app.get(f"{API}/programmes/{{programme_id}}", response_model=ProgrammeDetail, tags=["data space"],
             responses=_errors(404))
    async def programme(programme_id: str, c: Caller):
        """A programme: purpose, members and their roles, live submissions per kind, disclosure rules."""
        p = await run(space.visible, programme_id, c.org_id)
        members = await run(space.members, p.id)
        return {**out(p, space.role(p.id, c.org_id) or ""), "members": [{"organisation": o.name, "role": r}
                                                                        for o, r in members],
                "live_submissions": await run(space.counts, p.id), "rules": p.rules}

    @app.post(f"{API}/programmes/{{programme_id}}/submissions", response_model=SubmissionOut, status_code=201,
              tags=["data space"], responses={200: {"model": SubmissionOut, "description": "the same key and body: "
                                                    "the stored one"}, **_errors(404, 409, 413)})
    async def submit(programme_id: str, body: SubmissionBody, response: Response, c: Caller,
                     idempotency_key: Annotated[str, Header(description="one key per submission; resend it to "
                                                            "retry", max_length=100)]):
        """Submit rows under a usage policy; stored once per Idempotency-Key."""
        sub, created = await run(space.submit, programme_id, c.org_id, actor(c), body.model_dump(mode="json"),
                                 idempotency_key)
        if not created:
            response.status_code = 200
        return sub_out(sub, created)

    @app.get(f"{API}/programmes/{{programme_id}}/submissions", response_model=list[SubmissionOut],
             tags=["data space"], responses=_errors(404))
    async def my_submissions(programme_id: str, c: Caller):
        """The caller's organisation's own submissions (no one else's)."""
        return [sub_out(s) for s in await run(space.submissions, programme_id, c.org_id)]

    @app.get(f"{API}/programmes/{{programme_id}}/submissions/{{submission_id}}", response_model=SubmissionDetail,
             tags=["data space"], responses=_errors(404))
    async def one_submission(programme_id: str, submission_id: str, c: Caller):
        s = await run(space.submission, programme_id, submission_id, c.org_id, actor(c))
        return {**sub_out(s), "data": s.rows}

    @app.delete(f"{API}/programmes/{{programme_id}}/submissions/{{submission_id}}", status_code=204,
                tags=["data space"], responses=_errors(404))
    async def withdraw(programme_id: str, submission_id: str, c: Caller):
        await run(space.withdraw, programme_id, submission_id, c.org_id, actor(c))
        return Response(status_code=204)

    @app.get(f"{API}/programmes/{{programme_id}}/aggregates/{{kind}}", response_model=AggregateOut,
             tags=["data space"], responses=_errors(404, 409))
    async def aggregate(programme_id: str, kind: str, c: Caller):
        """The protected table of a kind: suppressed cells are null with their status."""
        agg = await run(space.aggregate, programme_id, kind, c.org_id, actor(c))
        return agg.to_json()


class BodyLimit:
    """ASGI middleware: a request body under ``prefix`` larger than ``limit`` bytes is answered 413 — by its
    Content-Length before anything is read, or while it streams in (chunked, or a Content-Length that lies)."""

    def __init__(self, app, prefix: str, limit: int):
        self.app, self.prefix, self.limit = app, prefix, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix) or \
                scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        too_big = _error(413, f"the body is larger than {self.limit // 2**20} MB. Fix: split the rows over several "
                              "submissions")
        length = dict(scope.get("headers") or []).get(b"content-length", b"0")
        try:
            declared = int(length)
        except ValueError:
            declared = self.limit + 1
        if declared > self.limit:
            return await too_big(scope, receive, send)
        seen, over, sent = 0, False, False

        async def counted():
            nonlocal seen, over
            if over:
                return {"type": "http.request", "body": b"", "more_body": False}
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.limit:               # stop reading: the app sees the body end here …
                    over = True
                    return {"type": "http.request", "body": b"", "more_body": False}
            return msg

        async def answered(msg):
            nonlocal sent
            if not over:
                await send(msg)
            elif not sent:                          # … and whatever it answers becomes the 413
                sent = True
                await too_big(scope, receive, send)

        await self.app(scope, counted, answered)


def api_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """A request to ``/api`` that fails its schema: 422 with each problem's place and message."""
    parts = [f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in exc.errors()[:10]]
    return _error(422, "; ".join(parts) + ". Fix: correct the request (schema at /openapi.json)")
