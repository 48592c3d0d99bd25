"""The web application: FastAPI with server-rendered pages (Jinja2), HTMX for interaction and plotly for charts,
all served from this package (no CDN, no JavaScript build).

Routes only parse their input and render: every computation is a lens of the application layer
(:mod:`industwin.application.catalog`) run as a job (:mod:`industwin.web.jobs`); uploads go through the input
layer's readers before anything is stored. The plumbing routes share is :class:`~industwin.web.context.Web`;
the routes are in :mod:`.routes_jobs` and :mod:`.routes_areas`. Pages are listed in ``docs/web.md``.
"""

from __future__ import annotations

import asyncio
import html as html_mod
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from industwin.application.catalog import FAMILIES, LENSES, UPLOADS
from industwin.collab.api import API, add_api_routes, api_validation_error
from industwin.collab.dataspace import DataSpace
from industwin.collab.pact_host import PactHost, add_pact_routes
from industwin.errors import user_message
from industwin.web.context import Web
from industwin.web.render import Refused, log, short, stress, wiod_labels
from industwin.web.routes_areas import add_area_routes
from industwin.web.routes_collab import OPEN_PATHS, add_collab_routes, sign_in_redirect
from industwin.web.routes_scaleup import add_scaleup_routes
from industwin.web.routes_jobs import add_job_routes

__all__ = ["Settings", "create_app"]

HERE = Path(__file__).parent
MAX_UPLOAD = 200 * 2**20        # bytes; larger files are refused before they are read


@dataclass
class Settings:
    """Where the server keeps things and how much it runs at once."""

    home: Path = Path("industwin-web")
    db: str | None = None            # SQLAlchemy URL; default: SQLite in ``home``
    workers: int = 2
    max_queue: int = 1000
    max_upload: int = MAX_UPLOAD
    pact_http: bool = False          # serve PACT over plain HTTP too (development only; PACT requires HTTPS)
    token_seconds: int = 3600        # lifetime of a PACT access token

    @property
    def url(self) -> str:
        return self.db or f"sqlite:///{(Path(self.home) / 'industwin.db').resolve()}"


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application; its job queue starts and stops with it."""
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.filters["stress"] = stress
    templates.env.filters["short"] = short
    templates.env.globals.update(families=FAMILIES, lenses=LENSES, uploads=UPLOADS)
    w = Web(settings or Settings(), templates)
    pact = PactHost(w.store, w.settings.pact_http, directory=w.directory)     # one directory for the whole app
    space = DataSpace(w.store, w.directory)

    @asynccontextmanager
    async def lifespan(app):
        w.jobs.start()
        await asyncio.to_thread(space.purge)            # data past its usage policy's end is deleted at start
        await asyncio.to_thread(pact.resume)            # PACT answers the last run left unsent
        await asyncio.to_thread(wiod_labels)
        yield
        w.jobs.stop()
        pact.close()

    app = FastAPI(title="industwin", lifespan=lifespan, docs_url=None, redoc_url=None)   # no CDN-served API pages
    app.state.web, app.state.store, app.state.jobs, app.state.settings = w, w.store, w.jobs, w.settings
    app.state.pact, app.state.space = pact, space

    @app.exception_handler(Refused)
    async def _refused(request: Request, exc: Refused):
        if request.headers.get("hx-request"):
            return HTMLResponse(f'<div class="error" role="alert"><strong>Refused:</strong> '
                                f'{html_mod.escape(exc.message)}</div>', status_code=exc.status)
        return w.page(request, "error.html", exc.status, message=exc.message)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException):
        return await _refused(request, Refused(exc.status_code, str(exc.detail)))

    @app.exception_handler(404)
    async def _not_found(request: Request, exc):
        if request.url.path.startswith(API + "/"):
            return JSONResponse({"detail": "no such resource. Fix: see /openapi.json for the API's paths"}, 404)
        if request.url.path.startswith("/3/"):                    # PACT answers with its own error objects
            return JSONResponse({"code": "NotFound", "message": "no such PACT endpoint. Fix: use /3/footprints, "
                                 "/3/footprints/{id} or /3/events"}, 404)
        return await _refused(request, Refused(404, f"{request.url.path}: no such page. Fix: start from the home "
                                                     "page"))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        if request.url.path.startswith(API + "/"):
            return api_validation_error(request, exc)
        parts = [f"{'.'.join(str(x) for x in e.get('loc', ())[1:]) or 'request'}: {e.get('msg', 'invalid')}"
                 for e in exc.errors()[:5]]
        return await _refused(request, Refused(400, "; ".join(parts) + ". Fix: correct the address or the form"))

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception):
        if isinstance(exc, DBAPIError) and (exc.connection_invalidated or isinstance(exc, OperationalError |
                                                                                   InterfaceError)):
            log.warning("%s %s: the database is not reachable (%s)", request.method, request.url.path,
                        type(exc.orig).__name__ if exc.orig is not None else type(exc).__name__)
            msg = "the database is not reachable for a moment. Fix: try again in a few seconds (the same request)"
            body = {"code": "ServiceUnavailable", "message": msg} if request.url.path.startswith(("/3/", "/auth/")) \
                else {"detail": msg}
            return JSONResponse(body, 503, {"Retry-After": "5"})
        code, msg = user_message(exc, "the server's log has the traceback")
        if code == 1:                  # a bug: its text (which may name tables or SQL) stays in the server's log
            log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
            msg = ("internal error: this is a bug in industwin, not in your input. Fix: try again; if it persists, "
                   "report it (the server's log has the details)")
        if request.url.path.startswith(API + "/"):
            return JSONResponse({"detail": msg}, 500 if code == 1 else 400)
        if request.url.path.startswith(("/3/", "/auth/")):
            return JSONResponse({"code": "InternalError" if code == 1 else "BadRequest", "message": msg},
                                500 if code == 1 else 400)
        return await _refused(request, Refused(500 if code == 1 else 400, msg))

    @app.middleware("http")
    async def _signed_in(request: Request, call_next):
        """Once the server has accounts, every page but the open ones (sign-in, PACT, API, static) needs a
        signed-in person; what they read is then their organisation's."""
        if not request.url.path.startswith(OPEN_PATHS):
            who = await asyncio.to_thread(w.who_of, request)
            if who is None:
                if request.method in ("GET", "HEAD"):
                    return sign_in_redirect(request)
                return JSONResponse({"detail": "sign in first. Fix: open /sign-in"}, 401)
            request.state.who = who
        return await call_next(request)

    add_pact_routes(app, pact)
    add_api_routes(app, space, pact.https)
    add_collab_routes(app, w, space)
    add_job_routes(app, w)
    add_area_routes(app, w)
    add_scaleup_routes(app, w)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")     # after /static/plotly.min.js
    return app
