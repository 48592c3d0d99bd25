"""The collaboration pages: signing in and out; programmes (members, usage policies, your organisation's
submissions, the published aggregates with suppressed cells shown as such, the online consultation, the
facilitator's register and audit log); an organisation's PACT connections, clients and footprints."""

from __future__ import annotations

import asyncio
import io
import uuid
from datetime import date
from urllib.parse import quote

import pandas as pd
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from industwin.collab.dataspace import KINDS, DataSpace, SpaceError
from industwin.collab.pact_host import FailureLimiter
from industwin.errors import IndustwinError
from industwin.web.context import SESSION_COOKIE, Web
from industwin.web.render import Refused

__all__ = ["OPEN_PATHS", "add_collab_routes", "aggregate_html", "sign_in_redirect"]

OPEN_PATHS = ("/static/", "/3/", "/auth/", "/.well-known/", "/api/", "/healthz", "/sign-in", "/openapi.json")
SIGN_IN_FAILURES, SIGN_IN_WINDOW = 10, 300.0      # failed sign-ins from one address, per 5 minutes
MAX_CSV = 2 * 2**20


def aggregate_html(agg) -> str:
    """A published table as HTML: suppressed cells say so (and why), never a number."""
    import html
    v, st, n = agg.values, agg.status, agg.contributors
    fmt = "{:,.2f}" if agg.statistic == "mean" else "{:,.0f}"
    head = "".join(f"<th scope='col'>{html.escape(str(c))}</th>" for c in v.columns)
    body = []
    for r in v.index:
        cells = []
        for c in v.columns:
            s = str(st.loc[r, c])
            if s == "published" and int(n.loc[r, c]) == 0:
                cells.append("<td class='num' title='no contributions'>–</td>")
            elif s == "published":
                cells.append(f"<td class='num' title='{int(n.loc[r, c])} contributors'>{fmt.format(v.loc[r, c])}</td>")
            else:
                why = "suppressed (" + s.replace("primary: ", "") + ")" if s.startswith("primary") else \
                    "suppressed (protects another cell)"
                cells.append(f"<td class='suppressed' title='{html.escape(why)}'>✕ <span class='sr'>"
                             f"{html.escape(why)}</span></td>")
        body.append(f"<tr><th scope='row'>{html.escape(str(r))}</th>{''.join(cells)}</tr>")
    return (f"<table class='data aggregate'><thead><tr><th></th>{head}</tr></thead><tbody>{''.join(body)}"
            "</tbody></table>")


def add_collab_routes(app: FastAPI, w: Web, space: DataSpace) -> None:
    """Add these routes to ``app``."""
    limiter = FailureLimiter(SIGN_IN_FAILURES, SIGN_IN_WINDOW)

    def signed_in(request: Request):
        who = w.who(request)
        if not who.signed_in:
            raise Refused(403, "the data space and PACT connections need a signed-in person of an organisation. "
                               "Fix: an administrator adds them (industwin org add / org person), then sign in")
        return who

    def space_call(fn, *args):
        try:
            return fn(*args)
        except SpaceError as e:
            raise Refused(e.status, str(e)) from None
        except IndustwinError as e:
            raise Refused(400, str(e)) from None

    # -- signing in -----------------------------------------------------------------------------------------------
    @app.get("/sign-in", response_class=HTMLResponse)
    def sign_in_page(request: Request, next: str = "/"):
        return w.page(request, "sign_in.html", next=next if next.startswith("/") and not next.startswith("//")
                      else "/")

    @app.post("/sign-in")
    async def sign_in(request: Request):
        form = await w.form_of(request)
        ip = request.client.host if request.client else "?"
        wait = limiter.wait(ip)
        if wait > 0:
            resp = w.page(request, "sign_in.html", 429, next="/", message=f"Too many failed attempts from your "
                          f"address. Try again in {int(wait) + 1} s.")
            resp.headers["Retry-After"] = str(int(wait) + 1)
            return resp
        email = str((form.get("email") or [""])[-1])[:254]
        password = str((form.get("password") or [""])[-1])[:1000]
        nxt = str((form.get("next") or ["/"])[-1])
        got = await asyncio.to_thread(w.directory.sign_in, email, password)
        if got is None:
            limiter.failed(ip)
            return w.page(request, "sign_in.html", 401, next=nxt, message="E-mail or password is not right.")
        _, token = got
        resp = RedirectResponse(nxt if nxt.startswith("/") and not nxt.startswith("//") else "/", 303)
        resp.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https",
                        max_age=8 * 3600)
        return resp

    @app.post("/sign-out")
    async def sign_out(request: Request):
        await w.form_of(request)
        await asyncio.to_thread(w.directory.sign_out, request.cookies.get(SESSION_COOKIE))
        resp = RedirectResponse("/sign-in", 303)
        resp.delete_cookie(SESSION_COOKIE)
        return resp

    # -- programmes -----------------------------------------------------------------------------------------------
    @app.get("/programmes", response_class=HTMLResponse)
    def programmes(request: Request):
        who = w.who(request)
        progs = space.programmes_of(who.org_id) if who.signed_in else []
        return w.page(request, "programmes.html", programmes=progs,
                      counts={p.id: space.counts(p.id) for p, _ in progs})

    def programme_view(request: Request, pid: str, **extra):
        who = signed_in(request)
        p = space_call(space.visible, pid, who.org_id)
        role = space.role(p.id, who.org_id)
        aggs = {}
        for kind, n in space.counts(p.id).items():
            try:
                agg = space.aggregate(p.id, kind, who.org_id, who.name)
                aggs[kind] = {"agg": agg, "html": aggregate_html(agg), "error": ""}
            except SpaceError as e:
                aggs[kind] = {"agg": None, "html": "", "error": str(e)}
        mine = space.submissions(p.id, who.org_id)
        register = space.register(p.id, who.org_id, who.name) if role == "facilitator" else None
        log = space.log(p.id, who.org_id, 100) if role == "facilitator" else []
        from industwin.strategy.consultation import questionnaire
        return w.page(request, "programme.html", p=p, role=role, members=space.members(p.id), aggs=aggs,
                      kinds=KINDS, mine=mine, register=register, log=log, today=date.today(),
                      questions=questionnaire().to_dict("records"), **extra)

    @app.get("/programmes/{pid}", response_class=HTMLResponse)
    def programme(request: Request, pid: str):
        return programme_view(request, pid)

    @app.post("/programmes/{pid}/submissions")
    async def programme_submit(request: Request, pid: str):
        """A submission from the page: a CSV of rows (or the consultation's answers) under the usage policy the
        person confirms."""
        form = await w.form_of(request)
        who = signed_in(request)
        if who.role == "observer":
            raise Refused(403, "observers read; they do not submit. Fix: ask your administrator for another role")
        kind = str((form.get("kind") or [""])[-1])
        if kind not in KINDS:
            raise Refused(400, f"kind {kind!r}: one of {', '.join(KINDS)}")
        if str((form.get("consent") or [""])[-1]) != "yes":
            raise Refused(400, "the usage policy was not confirmed. Fix: tick the box that allows use for the "
                               "programme's purpose until the date given, and no third-party use")
        p = space_call(space.visible, pid, who.org_id)
        if kind == "consultation":
            rows = [{"question": k[2:], "answer": str(v[-1])} for k, v in form.items()
                    if k.startswith("q_") and str(v[-1]) in ("1", "2", "3", "4", "5")]
            if not rows:
                raise Refused(400, "no priority was scored. Fix: score at least one priority 1 … 5")
        else:
            up = next((u for u in form.get("file", []) if hasattr(u, "filename") and u.filename), None)
            if up is None:
                raise Refused(400, "no file was sent. Fix: choose a CSV file with the columns shown")
            raw = up.file.read(MAX_CSV + 1)
            if len(raw) > MAX_CSV:
                raise Refused(413, f"{up.filename}: larger than {MAX_CSV // 2**20} MB. Fix: split it")
            try:
                df = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)
            except Exception as e:  # noqa: BLE001 - any unreadable CSV is the user's file to fix
                raise Refused(400, f"{up.filename}: not a readable CSV ({' '.join(str(e).split())[:120]}). Fix: "
                                   "save it as CSV (UTF-8, comma-separated)") from None
            fields = list(KINDS[kind].row.model_fields)
            missing = [c for c in fields if c not in df.columns]
            if missing:
                raise Refused(400, f"{up.filename}: column(s) {', '.join(missing)} missing. Fix: the columns are "
                                   f"{', '.join(fields)}")
            rows = df[fields].to_dict("records")     # text; the kind's schema reads the numbers and names the row
        until = str((form.get("until") or [str(p.until)])[-1])
        body = {"kind": kind, "policy": {"purpose": p.purpose, "until": until}, "rows": rows}
        key = str((form.get("key") or [""])[-1]) or uuid.uuid4().hex
        source = "the consultation form" if kind == "consultation" else str(up.filename)
        await asyncio.to_thread(space_call, space.submit, p.id, who.org_id, who.name, body, key, source)
        return RedirectResponse(f"/programmes/{p.id}#mine", 303)

    @app.post("/programmes/{pid}/submissions/{sid}/withdraw")
    async def programme_withdraw(request: Request, pid: str, sid: str):
        await w.form_of(request)
        who = signed_in(request)
        await asyncio.to_thread(space_call, space.withdraw, pid, sid, who.org_id, who.name)
        return RedirectResponse(f"/programmes/{pid}#mine", 303)

    @app.get("/programmes/{pid}/aggregates/{kind}.csv")
    def programme_aggregate_csv(request: Request, pid: str, kind: str):
        """The published table (suppressed cells empty), e.g. the import shares for the exposure lens."""
        who = signed_in(request)
        agg = space_call(space.aggregate, pid, kind, who.org_id, who.name)
        return Response(agg.values.to_csv(), media_type="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{kind}-published.csv"'})

    @app.post("/programmes/{pid}/twin")
    async def programme_twin(request: Request, pid: str):
        """Re-run the exposure of the programme's economy with the published import shares (a job)."""
        from industwin.application.catalog import lens
        form = await w.form_of(request)
        who = signed_in(request)
        p = space_call(space.visible, pid, who.org_id)
        agg = await asyncio.to_thread(space_call, space.aggregate, p.id, "sourcing", who.org_id, who.name)
        sector = str((form.get("sector") or [(p.sectors or [""])[0]])[-1])
        if sector not in (p.sectors or []):
            raise Refused(400, f"sector {sector!r}: not one of the programme's sectors ({', '.join(p.sectors)})")
        up = _Upload("sourcing-published.csv", agg.values.to_csv().encode())
        job = await asyncio.to_thread(w.submit, lens("exposure"), {"region": [p.region], "sector": [sector],
                                                                      "sourcing": [up]}, who.name, None, who.org_id)
        return RedirectResponse(f"/jobs/{job.id}", 303)

    # -- PACT connections -------------------------------------------------------------------------------------------
    @app.get("/connections", response_class=HTMLResponse)
    def connections(request: Request):
        who = signed_in(request)
        from industwin.collab.footprints import FootprintStore
        fs = FootprintStore(w.store)
        return w.page(request, "connections.html", connections=w.directory.connections(who.org_id),
                      clients=[c for c in w.directory.clients(who.org_id) if not c.revoked],
                      own=fs.list(who.org_id, limit=50)[0],
                      received=fs.received(who.org_id)[:50], audit=w.directory.audit_log(who.org_id, 50))


class _Upload:
    """A file made on the server, handed to :meth:`Web.submit` as if uploaded."""

    def __init__(self, filename: str, data: bytes):
        self.filename, self.file = filename, io.BytesIO(data)


def sign_in_redirect(request: Request) -> RedirectResponse:
    """Where a page sends someone who is not signed in (and back afterwards)."""
    return RedirectResponse(f"/sign-in?next={quote(request.url.path)}", 303)
