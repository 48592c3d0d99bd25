"""The web application: FastAPI with server-rendered pages (Jinja2), HTMX for interaction and plotly for charts,
all served from this package (no CDN, no JavaScript build).

Routes only parse their input and render: every computation is a lens of the application layer
(:mod:`industwin.application.catalog`) run as a job (:mod:`industwin.web.jobs`); uploads go through the input
layer's readers before anything is stored. Pages are listed in ``docs/web.md``.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import html as html_mod
import io
import json
import logging
import re
import secrets
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from industwin.application.catalog import FAMILIES, LENSES, UPLOADS, Lens, lens, validate_upload
from industwin.errors import IndustwinError, user_message
from industwin.web.forms import controls, parse_values
from industwin.web.jobs import JobManager, QueueFull, code_version, job_key
from industwin.web.store import TERMINAL, Answer, Job, Scenario, Store, StoredFile, new_id, now

__all__ = ["Settings", "create_app"]

HERE = Path(__file__).parent
log = logging.getLogger("industwin.web")
CACHE_BYTES = 256 * 2**20       # rendered pieces kept in memory, at most
SSE_SECONDS = 600               # a progress stream ends after this; the browser reconnects by itself
MAX_UPLOAD = 200 * 2**20        # bytes; larger files are refused before they are read
USER_COOKIE, CSRF_COOKIE = "industwin_user", "industwin_csrf"
SAFE_NAME = re.compile(r"[^\w.-]+")
FILE_KEYS = ("path", "file")     # keys of a YAML file that name a file on the server: refused from uploads


@dataclass
class Settings:
    """Where the server keeps things and how much it runs at once."""

    home: Path = Path("industwin-web")
    db: str | None = None            # SQLAlchemy URL; default: SQLite in ``home``
    workers: int = 2
    max_queue: int = 1000
    max_upload: int = MAX_UPLOAD

    @property
    def url(self) -> str:
        return self.db or f"sqlite:///{(Path(self.home) / 'industwin.db').resolve()}"


class _Render:
    """Rendered pieces that do not change once a job is finished (its tables, its pages), kept in memory."""

    def __init__(self, max_bytes: int = CACHE_BYTES):
        self.max_bytes, self.bytes, self.items, self.lock = max_bytes, 0, OrderedDict(), threading.Lock()

    def get(self, key, make):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        val = make()
        size = len(val) if isinstance(val, str | bytes) else 1024
        with self.lock:
            if key not in self.items and size <= self.max_bytes // 4:
                self.items[key] = val
                self.bytes += size
                while self.bytes > self.max_bytes:
                    _, old = self.items.popitem(last=False)
                    self.bytes -= len(old) if isinstance(old, str | bytes) else 1024
        return val


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application; its job queue starts and stops with it."""
    s = settings or Settings()
    home = Path(s.home)
    (home / "files").mkdir(parents=True, exist_ok=True)
    store = Store(s.url)
    jobs = JobManager(store, home, s.workers, s.max_queue)
    cache = _Render()
    version = code_version()

    @asynccontextmanager
    async def lifespan(app):
        jobs.start()
        await asyncio.to_thread(_wiod_labels)
        yield
        jobs.stop()

    app = FastAPI(title="industwin", lifespan=lifespan, docs_url=None, redoc_url=None)   # no CDN-served API pages
    app.state.store, app.state.jobs, app.state.settings = store, jobs, s
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.filters["stress"] = _stress
    templates.env.filters["short"] = _short
    templates.env.globals.update(families=FAMILIES, lenses=LENSES, uploads=UPLOADS)

    # -- plumbing -------------------------------------------------------------------------------------------------
    def user_of(request: Request) -> str:
        name = request.cookies.get(USER_COOKIE, "")
        return name if re.fullmatch(r"[\w .@-]{1,80}", name) else "analyst"

    def csrf_of(request: Request) -> str:
        return request.cookies.get(CSRF_COOKIE) or request.state.__dict__.setdefault("csrf", secrets.token_urlsafe(24))

    def set_csrf(request: Request, resp: Response) -> Response:
        token = csrf_of(request)
        if request.cookies.get(CSRF_COOKIE) != token:
            resp.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https")
        return resp

    def page(request: Request, template: str, status: int = 200, **ctx) -> HTMLResponse:
        token = csrf_of(request)
        resp = templates.TemplateResponse(request, template, {"user": user_of(request), "csrf": token,
                                                              "regions": _regions(), "sectors": _sectors(),
                                                              "datasets": _datasets(), **ctx}, status_code=status)
        return set_csrf(request, resp)

    async def form_of(request: Request) -> dict[str, list]:
        """The submitted form (CSRF checked: the token of the cookie must come back in the form or header)."""
        if int(request.headers.get("content-length") or 0) > s.max_upload + 2**20:
            raise _Refused(413, f"the upload is larger than {s.max_upload // 2**20} MB, the most this server "
                                "accepts. Fix: send a smaller file (e.g. Parquet instead of CSV)")
        form = await request.form(max_part_size=s.max_upload)
        sent = request.headers.get("x-csrf-token") or form.get("csrf") or ""
        cookie = request.cookies.get(CSRF_COOKIE, "")
        if not cookie or not hmac.compare_digest(str(sent), cookie):
            raise _Refused(403, "the form's security token is missing or out of date (CSRF protection). Fix: "
                                "reload the page and send the form again")
        out: dict[str, list] = {}
        for k, v in form.multi_items():
            out.setdefault(k, []).append(v)
        return out

    def store_upload(kind: str, up, user: str) -> StoredFile:
        """An uploaded file, kept only when the input layer's reader accepts it (same messages as the CLI)."""
        raw = Path(up.filename or "upload")
        stem, suffix = SAFE_NAME.sub("_", raw.stem).lstrip(".")[:100], SAFE_NAME.sub("", raw.suffix)[:10]
        name = (stem or "upload") + suffix
        tmpdir = Path(tempfile.mkdtemp(prefix="upload-", dir=home / "files"))
        try:
            tmp = tmpdir / name
            h, size = hashlib.sha256(), 0
            with open(tmp, "wb") as f:
                while chunk := up.file.read(2**20):
                    size += len(chunk)
                    if size > s.max_upload:
                        raise _Refused(413, f"{name}: larger than {s.max_upload // 2**20} MB, the most this server "
                                            "accepts. Fix: send a smaller file (e.g. Parquet instead of CSV)")
                    h.update(chunk)
                    f.write(chunk)
            if size == 0:
                raise _Refused(400, f"{name}: the file is empty. Fix: choose the file with your data")
            try:
                obj = validate_upload(kind, tmp)
            except Exception as e:  # noqa: BLE001 - the reader's message is the page's message
                code, msg = user_message(e, "the server's log has the traceback")
                if code == 1:
                    log.exception("reading an uploaded %s file (%s) failed", kind, name)
                raise _Refused(400 if code == 2 else 500, msg.replace(f"{tmpdir}/", "")) from None
            if tmp.suffix.lower() in (".yaml", ".yml", ".json"):
                _no_server_paths(tmp, name)
            digest = h.hexdigest()
            same = [f for f in store.files(kind) if f.sha256 == digest]
            if same:
                return same[0]
            fid = new_id()
            final = home / "files" / fid
            final.mkdir()
            shutil.move(str(tmp), final / name)
            return store.add(StoredFile(id=fid, kind=kind, name=name, sha256=digest, size=size,
                                        path=f"files/{fid}/{name}", summary=_summary(obj), created_by=user,
                                        created_at=now()))
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)

    def submit(ln: Lens, form: dict[str, list], user: str, extra: dict[str, Any] | None = None) -> Job:
        """A job for a lens from a form: its values parsed, its files stored (new uploads, or ones chosen from
        those stored), then checked by the request's schema before it is queued."""
        try:
            values = parse_values(ln, form)
        except IndustwinError as e:
            raise _Refused(400, str(e)) from None
        values.update(extra or {})
        src = values.get("source")
        if isinstance(src, str) and src.lower() not in _datasets():
            raise _Refused(400, f"source {src!r}: on the web, tables are the named datasets. Fix: choose one of "
                                f"{', '.join(_datasets())}")
        key_values = dict(values)
        for fname, kind in ln.uploads.items():
            up = next((u for u in form.get(fname, []) if hasattr(u, "filename") and u.filename), None)
            chosen = next((v for v in form.get(f"{fname}__stored", []) if isinstance(v, str) and v), None)
            stored = store_upload(kind, up, user) if up is not None else (
                store.get(StoredFile, chosen) if chosen else None)
            if chosen and up is None and (stored is None or stored.kind != kind):
                raise _Refused(400, f"{fname}: the stored file {chosen} is not a {kind} file. Fix: choose one of the "
                                    f"stored {kind} files, or upload one")
            if stored is not None:
                values[fname] = str((home / stored.path).resolve())
                key_values[fname] = stored.sha256
        from industwin.application.catalog import build_request
        with tempfile.TemporaryDirectory() as tmp:     # the request's own checks, before anything is queued
            try:
                build_request(ln, {k: (Path(v) if k in ln.uploads else v) for k, v in values.items()}, Path(tmp))
            except IndustwinError as e:
                raise _Refused(400, str(e)) from None
        try:
            job, _ = jobs.submit(ln.name, values, job_key(ln.name, key_values, version), user)
        except QueueFull as e:
            raise _Refused(503, str(e)) from None
        return job

    def job_or_404(job_id: str) -> Job:
        job = store.get(Job, job_id) if re.fullmatch(r"[0-9a-f]{32}", job_id) else None
        if job is None:
            raise HTTPException(404, "no such job")
        return job

    def job_view(job: Job) -> dict[str, Any]:
        """What the job panel shows: state, queue position, and for a finished job its blocks rendered."""
        st = jobs.state(job.id, job) or {}
        view = {"job": job, "state": st, "lens": LENSES.get(job.lens), "position": None, "blocks": [],
                "files": []}
        if st.get("status") == "queued":
            view["position"] = jobs.position(job.id)
        if st.get("status") == "done":
            if job.status != "done":                     # finished since it was read
                job = store.get(Job, job.id)
                view["job"] = job
            view["blocks"] = _blocks(job, jobs.folder(job.id))
            view["files"] = [_file_view(f) for f in (job.result or {}).get("files", [])]
        return view

    def panel(request: Request, job: Job) -> str:
        """The job panel's HTML; a finished job's is rendered once and kept (it no longer changes)."""
        def make() -> str:
            return templates.get_template("job_panel.html").render(csrf=csrf_of(request), **job_view(job))
        if job.status in TERMINAL:
            return cache.get(("panel", job.id, job.status), make)
        return make()

    def panel_response(request: Request, job: Job) -> HTMLResponse:
        return set_csrf(request, HTMLResponse(panel(request, job)))

    @app.exception_handler(_Refused)
    async def _refused(request: Request, exc: _Refused):
        if request.headers.get("hx-request"):
            return HTMLResponse(f'<div class="error" role="alert"><strong>Refused:</strong> '
                                f'{html_mod.escape(exc.message)}</div>', status_code=exc.status)
        return page(request, "error.html", exc.status, message=exc.message)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException):
        return await _refused(request, _Refused(exc.status_code, str(exc.detail)))

    @app.exception_handler(404)
    async def _not_found(request: Request, exc):
        return await _refused(request, _Refused(404, f"{request.url.path}: no such page. Fix: start from the home "
                                                     "page"))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        parts = [f"{'.'.join(str(x) for x in e.get('loc', ())[1:]) or 'request'}: {e.get('msg', 'invalid')}"
                 for e in exc.errors()[:5]]
        return await _refused(request, _Refused(400, "; ".join(parts) + ". Fix: correct the address or the form"))

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception):
        code, msg = user_message(exc, "the server's log has the traceback")
        if code == 1:
            log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return await _refused(request, _Refused(500 if code == 1 else 400, msg))

    # -- pages ----------------------------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse)
    def index(request: Request):
        return page(request, "index.html", recent=store.jobs(limit=8))

    @app.get("/healthz")
    def healthz():
        return {"ok": True, "running": len(jobs.running), "queued": store.count_queued()}

    @app.get("/datasets", response_class=HTMLResponse)
    def datasets(request: Request):
        from industwin.application import run
        from industwin.application.tables import DatasetsRequest
        res = run(DatasetsRequest())
        return page(request, "datasets.html", table=_html_table(res.tables[0].table, "{}"),
                    economies=_regions())

    @app.get("/economies/{code}", response_class=HTMLResponse)
    def economy(request: Request, code: str, year: int = 2011):
        names = dict(_regions())
        if code not in names or code == "RoW":
            raise _Refused(404, f"no economy {code!r} in WIOD 2013. Fix: choose one on the datasets page")
        if not 1995 <= year <= 2011:
            raise _Refused(404, f"year {year}: WIOD 2013 covers 1995–2011. Fix: choose a year in that range")
        return page(request, "economy.html", code=code, name=names[code], year=year,
                    years=list(range(1995, 2012)))

    @app.get("/lenses", response_class=HTMLResponse)
    def lens_list(request: Request):
        return page(request, "lenses.html")

    @app.get("/lenses/{name}", response_class=HTMLResponse)
    def lens_form(request: Request, name: str):
        ln = _lens_or_404(name)
        defaults = {k: v for k, v in request.query_params.items() if k in ln.request.model_fields}
        return page(request, "lens.html", ln=ln, controls=controls(ln, defaults), stored=_stored(store, ln))

    @app.post("/lenses/{name}")
    async def lens_run(request: Request, name: str):
        ln = _lens_or_404(name)
        form = await form_of(request)
        job = await asyncio.to_thread(submit, ln, form, user_of(request))
        if request.headers.get("hx-request"):
            return panel_response(request, job)
        return RedirectResponse(f"/jobs/{job.id}", 303)

    @app.get("/jobs", response_class=HTMLResponse)
    def job_list(request: Request, lens: str | None = None):
        return page(request, "jobs.html", jobs=store.jobs(lens=lens), running=len(jobs.running),
                    workers=jobs.workers)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse)
    def job_page(request: Request, job_id: str):
        job = job_or_404(job_id)
        return page(request, "job.html", job=job, lens=LENSES.get(job.lens), panel=panel(request, job))

    @app.get("/jobs/{job_id}/panel", response_class=HTMLResponse)
    def job_panel(request: Request, job_id: str):
        return panel_response(request, job_or_404(job_id))

    @app.get("/jobs/{job_id}/state")
    def job_state(job_id: str):
        job_or_404(job_id)
        return jobs.state(job_id)

    @app.get("/jobs/{job_id}/events")
    async def job_events(request: Request, job_id: str):
        """Server-sent events: ``progress`` (an HTML fragment) while the job waits or runs, then ``done``."""
        job_or_404(job_id)

        async def stream():
            last, t0 = None, time.monotonic()
            while not await request.is_disconnected() and time.monotonic() - t0 < SSE_SECONDS:
                st = await asyncio.to_thread(jobs.state, job_id) or {"status": "failed"}
                pos = await asyncio.to_thread(jobs.position, job_id) if st.get("status") == "queued" else None
                frag = templates.get_template("progress.html").render(state=st, position=pos)
                frag = " ".join(frag.split())
                if frag != last:
                    last = frag
                    yield f"event: progress\ndata: {frag}\n\n"
                if st.get("status") in TERMINAL:
                    yield f"event: done\ndata: {st.get('status')}\n\n"
                    return
                await asyncio.sleep(0.25)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @app.post("/jobs/{job_id}/cancel")
    async def job_cancel(request: Request, job_id: str):
        await form_of(request)
        job = job_or_404(job_id)
        if job.created_by != user_of(request):
            raise _Refused(403, f"this job was started by {job.created_by}; only they can cancel it (others may be "
                                "waiting for the same result)")
        await asyncio.to_thread(jobs.cancel, job_id)
        if request.headers.get("hx-request"):
            return panel_response(request, store.get(Job, job_id))
        return RedirectResponse(f"/jobs/{job_id}", 303)

    @app.get("/jobs/{job_id}/tables/{k}.{fmt}")
    def job_table(job_id: str, k: int, fmt: str):
        job = job_or_404(job_id)
        p = jobs.folder(job_id) / "tables" / f"{k}.parquet"
        if not p.exists() or fmt not in ("csv", "parquet"):
            raise HTTPException(404, "no such table")
        title = next((b.get("title", "") for b in (job.result or {}).get("blocks", []) if b.get("table") == k), "")
        slug = SAFE_NAME.sub("-", title.replace("[", "").replace("]", "")).strip("-")[:80] or f"table{k}"
        name = f"{job.lens}-{slug}-{job_id[:8]}.{fmt}"
        if fmt == "parquet":
            return FileResponse(p, filename=name)
        return Response(cache.get(("csv", str(p)), lambda: pd.read_parquet(p).to_csv()), media_type="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @app.get("/jobs/{job_id}/files/{path:path}")
    def job_file(job_id: str, path: str, format: str | None = None):
        job = job_or_404(job_id)
        if path not in (job.result or {}).get("files", []):
            raise HTTPException(404, "no such file")
        p = jobs.folder(job_id) / path
        if not p.is_file():
            raise HTTPException(404, f"{path}: the job's file is no longer on the server")
        if p.suffix == ".html":
            text = cache.get(("page", str(p), p.stat().st_mtime), lambda: _local_plotly(p.read_text("utf-8")))
            return HTMLResponse(text)
        if p.suffix == ".parquet" and format == "csv":
            return Response(pd.read_parquet(p).to_csv(), media_type="text/csv",
                            headers={"Content-Disposition": f'attachment; filename="{p.stem}.csv"'})
        return FileResponse(p, filename=p.name)

    @app.get("/static/plotly.min.js")
    def plotly_bundle():
        return Response(_plotly_js(), media_type="application/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})

    # -- files ------------------------------------------------------------------------------------------------------
    @app.get("/files", response_class=HTMLResponse)
    def files(request: Request):
        return page(request, "files.html", files=store.files())

    @app.get("/files/{file_id}")
    def file_download(file_id: str):
        f = store.get(StoredFile, file_id) if re.fullmatch(r"[0-9a-f]{32}", file_id) else None
        if f is None or not (home / f.path).is_file():
            raise HTTPException(404, "no such file")
        return FileResponse(home / f.path, filename=f.name)

    @app.post("/files")
    async def file_upload(request: Request):
        form = await form_of(request)
        kind = str((form.get("kind") or [""])[-1])
        up = next((u for u in form.get("file", []) if hasattr(u, "filename") and u.filename), None)
        if kind not in UPLOADS:
            raise _Refused(400, f"kind {kind!r}: not a kind of file industwin reads. Fix: choose one of "
                                f"{', '.join(UPLOADS)}")
        if up is None:
            raise _Refused(400, "no file was sent. Fix: choose a file")
        f = await asyncio.to_thread(store_upload, kind, up, user_of(request))
        if request.headers.get("hx-request"):
            return HTMLResponse(f'<div class="ok" role="status">Accepted: {html_mod.escape(f.name)} '
                                f'({html_mod.escape(f.summary)})</div>')
        return RedirectResponse("/files", 303)

    # -- the strategy report and its consultation -----------------------------------------------------------------
    @app.get("/report", response_class=HTMLResponse)
    def report(request: Request, economy: str = "DEU"):
        ln = lens("report")
        return page(request, "report.html", ln=ln, economy=economy,
                    controls=controls(ln, {"economy": economy, "year": 2011}), stored=_stored(store, ln),
                    reports=store.jobs(lens="report", limit=50),
                    answers=len({a.respondent for a in store.answers(economy)}))

    @app.post("/report")
    async def report_run(request: Request):
        """The report, with the consultation answers stored for its economy as its survey."""
        form = await form_of(request)
        ln = lens("report")
        economy = str((form.get("economy") or ["DEU"])[-1]).strip() or "DEU"
        extra = {}
        answers = store.answers(economy)
        if answers and not any(getattr(u, "filename", "") for u in form.get("survey", [])):
            extra["survey"] = str(_answers_file(home, economy, answers))
        job = await asyncio.to_thread(submit, ln, form, user_of(request), extra)
        if request.headers.get("hx-request"):
            return panel_response(request, job)
        return RedirectResponse(f"/jobs/{job.id}", 303)

    @app.get("/consultation/{economy}", response_class=HTMLResponse)
    def consultation(request: Request, economy: str):
        from industwin.strategy.consultation import GROUPS, questionnaire
        _economy_or_404(economy)
        return page(request, "consultation.html", economy=economy, questions=questionnaire().to_dict("records"),
                    groups=GROUPS, agreement=_agreement(store.answers(economy)),
                    respondents=len({a.respondent for a in store.answers(economy)}))

    @app.post("/consultation/{economy}")
    async def consultation_answer(request: Request, economy: str):
        from industwin.strategy.consultation import GROUPS, questionnaire
        _economy_or_404(economy)
        form = await form_of(request)
        who = str((form.get("respondent") or [""])[-1]).strip()
        group = str((form.get("group") or [""])[-1]).strip()
        if not re.fullmatch(r"[\w .@-]{1,120}", who):
            raise _Refused(400, "respondent: give a name or an id (letters, digits, spaces, . @ -; up to 120)")
        if group not in GROUPS:
            raise _Refused(400, f"group {group!r}: choose one of {', '.join(GROUPS)}")
        if any(a.respondent == who for a in store.answers(economy)):
            raise _Refused(400, f"respondent {who!r} has already answered for {economy}: each person counts once. "
                                "Fix: use another respondent id")
        rows = []
        for q in questionnaire().to_dict("records"):
            v = str((form.get(f"q_{q['priority']}") or [""])[-1])
            if v:
                if v not in "12345" or len(v) != 1:
                    raise _Refused(400, f"{q['priority']}: score {v!r}; give 1 (not important) … 5 (essential)")
                rows.append(Answer(economy=economy, respondent=who, group=group, priority=q["priority"],
                                   score=int(v), created_by=user_of(request), created_at=now()))
        if not rows:
            raise _Refused(400, "no priority was scored. Fix: score at least one priority 1 … 5")
        store.add_answers(rows)
        return RedirectResponse(f"/consultation/{economy}", 303)

    # -- the scenario builder ---------------------------------------------------------------------------------------
    @app.get("/scenarios", response_class=HTMLResponse)
    def scenarios(request: Request):
        runs = [j for j in store.jobs(lens="simulate") if j.status == "done"]
        names = {f.id: f.summary for f in store.files("scenario")}
        return page(request, "scenarios.html", scenarios=store.scenarios(), runs=runs,
                    run_names={j.id: names.get(Path(j.params.get("scenario", "")).parent.name, "scenario")
                               for j in runs})

    @app.post("/scenarios")
    async def scenario_save(request: Request):
        from industwin.web.scenarios import scenario_from_form
        form = await form_of(request)
        try:
            data, text = await asyncio.to_thread(scenario_from_form, {k: [str(x) for x in v] for k, v in form.items()})
        except IndustwinError as e:
            raise _Refused(400, str(e)) from None
        sid = new_id()
        folder = home / "files" / sid
        folder.mkdir(parents=True)
        (folder / "scenario.yaml").write_text(text, encoding="utf-8")
        user = user_of(request)
        store.add(StoredFile(id=sid, kind="scenario", name=f"{data['name']}.yaml",
                             sha256=hashlib.sha256(text.encode()).hexdigest(), size=len(text),
                             path=f"files/{sid}/scenario.yaml", summary=data["name"], created_by=user,
                             created_at=now()))
        store.add(Scenario(id=sid, name=data["name"], yaml=text, file_id=sid, created_by=user, created_at=now()))
        if str((form.get("run") or [""])[-1]) == "1":
            job = await asyncio.to_thread(submit, lens("simulate"), {"scenario__stored": [sid]}, user)
            return RedirectResponse(f"/jobs/{job.id}", 303)
        return RedirectResponse(f"/scenarios#s-{sid}", 303)

    @app.get("/scenarios/{sid}.yaml")
    def scenario_yaml(sid: str):
        sc = store.get(Scenario, sid)
        if sc is None:
            raise HTTPException(404, "no such scenario")
        return Response(sc.yaml, media_type="application/yaml",
                        headers={"Content-Disposition": f'attachment; filename="{SAFE_NAME.sub("_", sc.name)}.yaml"'})

    @app.post("/scenarios/{sid}/run")
    async def scenario_run(request: Request, sid: str):
        await form_of(request)
        if store.get(Scenario, sid) is None:
            raise HTTPException(404, "no such scenario")
        job = await asyncio.to_thread(submit, lens("simulate"), {"scenario__stored": [sid]}, user_of(request))
        return RedirectResponse(f"/jobs/{job.id}", 303)

    @app.get("/scenarios/compare", response_class=HTMLResponse)
    def scenario_compare(request: Request, job: Annotated[list[str] | None, Query()] = None):
        chosen = [job_or_404(j) for j in dict.fromkeys(job or [])]
        if len(chosen) < 2:
            raise _Refused(400, "compare needs two finished simulations or more. Fix: tick at least two runs")
        tables = {}
        for j in chosen:
            p = jobs.folder(j.id) / "results" / "summary.parquet"
            if j.lens != "simulate" or j.status != "done" or not p.exists():
                raise _Refused(400, f"job {j.id[:8]} is not a finished simulation. Fix: choose finished runs")
            sc = store.get(StoredFile, Path(j.params.get("scenario", "")).parent.name)
            tables[f"{sc.summary if sc else 'scenario'} ({j.id[:8]})"] = pd.read_parquet(p)
        side = pd.concat({k: v["value_added_loss"] for k, v in tables.items()}, axis=1)
        net = pd.concat({k: v["net_benefit"] for k, v in tables.items()}, axis=1)
        return page(request, "compare.html", runs=chosen,
                    loss=_html_table(side, "{:,.0f}"), net=_html_table(net, "{:,.0f}"))

    # -- areas that gather lenses ---------------------------------------------------------------------------------
    @app.get("/firms", response_class=HTMLResponse)
    def firms(request: Request):
        return page(request, "area.html", title="Firm networks", area="firms",
                    intro="Bring a supplier network (an edge list and a firm table), or make a synthetic one; "
                          "then the systemic risk of every firm (ESRI), a chosen firm's tiers and single points of "
                          "failure, and what interventions would change. Firm ids are anonymised in results "
                          "unless you tick 'reveal'.",
                    forms=[_form(store, n) for n in ("synth", "esri", "tiers", "intervene", "links")],
                    networks=[j for j in store.jobs(lens="synth") if j.status == "done"])

    @app.post("/firms/use/{job_id}")
    async def firms_use(request: Request, job_id: str):
        """Register the edges and firms of a finished synthetic network as stored files."""
        await form_of(request)
        job = job_or_404(job_id)
        folder = jobs.folder(job_id) / "results"
        user = user_of(request)
        if job.lens != "synth" or job.status != "done" or not all((folder / f"{k}.parquet").exists()
                                                                   for k in ("edges", "firms")):
            raise _Refused(400, "that job is not a finished synthetic network. Fix: choose one listed on this page")
        for kind in ("edges", "firms"):
            src = folder / f"{kind}.parquet"
            digest = hashlib.sha256(src.read_bytes()).hexdigest()
            if any(f.sha256 == digest for f in store.files(kind)):
                continue                                         # already kept
            fid = new_id()
            (home / "files" / fid).mkdir()
            shutil.copy(src, home / "files" / fid / src.name)
            store.add(StoredFile(id=fid, kind=kind, name=f"synthetic-{job_id[:6]}-{src.name}",
                                 sha256=digest, size=src.stat().st_size,
                                 path=f"files/{fid}/{src.name}", summary=f"synthetic network of job {job_id[:8]}",
                                 created_by=user, created_at=now()))
        return RedirectResponse("/firms", 303)

    @app.get("/carbon", response_class=HTMLResponse)
    def carbon(request: Request):
        return page(request, "area.html", title="Company carbon, jobs and decarbonisation", area="carbon",
                    intro="A company's footprint from its purchases and its own activities (scopes 1, 2 and 3, hot "
                          "spots, the supply-chain tree); jobs supported through the production network; national "
                          "decarbonisation plans and carbon-border scenarios.",
                    forms=[_form(store, n) for n in ("carbon", "hotspots", "jobs", "decarbonise", "carbon-border")],
                    networks=[])

    # -- who is working ---------------------------------------------------------------------------------------------
    @app.get("/whoami", response_class=HTMLResponse)
    def whoami(request: Request):
        return page(request, "whoami.html")

    @app.post("/whoami")
    async def whoami_set(request: Request):
        form = await form_of(request)
        name = str((form.get("name") or [""])[-1]).strip()
        if not re.fullmatch(r"[\w .@-]{1,80}", name):
            raise _Refused(400, "name: letters, digits, spaces and . @ - only, up to 80 characters")
        resp = RedirectResponse("/", 303)
        resp.set_cookie(USER_COOKIE, name, httponly=True, samesite="strict", max_age=3600 * 24 * 365)
        return resp

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")     # after /static/plotly.min.js
    return app


class _Refused(Exception):
    """A request refused with a message for the page (status 4xx)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def _no_server_paths(path: Path, name: str) -> None:
    """A scenario or plan sent to the server may not name files on it (a table ``path``, an emissions ``file``):
    on the web, tables are named datasets and files are uploaded."""
    import yaml

    def walk(obj, where: str):
        if isinstance(obj, dict):
            for k, v in obj.items():
                if k in FILE_KEYS and v is not None:
                    raise _Refused(400, f"{name}: '{where}{k}' names a file on the server; on the web, tables are "
                                        "the named datasets (table: {dataset: wiod2013, year: 2011}). Fix: remove "
                                        f"'{where}{k}'")
                walk(v, f"{where}{k}.")
        elif isinstance(obj, list):
            for i, v in enumerate(obj):
                walk(v, f"{where[:-1]}[{i}].")
    try:
        walk(yaml.safe_load(path.read_text(encoding="utf-8")), "")
    except (yaml.YAMLError, UnicodeDecodeError):
        pass                                   # the reader has accepted it; nothing more to check


def _economy_or_404(code: str) -> None:
    if code not in dict(_regions()) or code == "RoW":
        raise _Refused(404, f"no economy {code!r} in WIOD 2013. Fix: choose one on the datasets page")


def _lens_or_404(name: str) -> Lens:
    try:
        return lens(name)
    except IndustwinError as e:
        raise _Refused(404, str(e)) from None


def _stored(store: Store, ln: Lens) -> dict[str, list[StoredFile]]:
    return {f: store.files(kind) for f, kind in ln.uploads.items()}


def _form(store: Store, name: str) -> dict[str, Any]:
    ln = lens(name)
    return {"ln": ln, "controls": controls(ln), "stored": _stored(store, ln)}


def _summary(obj: Any) -> str:
    """A few words on an accepted file (rows, columns)."""
    if isinstance(obj, pd.DataFrame | pd.Series):
        return f"{len(obj):,} row{'s' if len(obj) != 1 else ''}"
    if isinstance(obj, list):
        return f"{len(obj):,} line{'s' if len(obj) != 1 else ''}"
    for attr in ("n", "name"):
        if hasattr(obj, attr):
            v = getattr(obj, attr)
            return f"{v:,} firms" if attr == "n" else str(v)
    return type(obj).__name__


def _short(v: Any) -> str:
    """An input value in a few characters: a run of years as a range, a stored file by its name."""
    if isinstance(v, list) and len(v) > 2 and all(isinstance(x, int) for x in v) and v == list(range(v[0], v[-1] + 1)):
        return f"{v[0]}–{v[-1]}"
    if isinstance(v, list):
        return ",".join(map(str, v))
    if isinstance(v, str) and "/files/" in v:
        return v.rsplit("/", 1)[-1]
    return str(v)


def _stress(text: str) -> str:
    """A result sentence as HTML: escaped, ``**x**`` in bold."""
    from markupsafe import Markup
    return Markup(re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html_mod.escape(text)))


def _html_table(df: pd.DataFrame, fmt: str, rows: int | None = None) -> str:
    """A labelled table as HTML: every index label repeated on its row, text left-aligned, numbers in the
    result's format (large ones with thousands separators rather than exponents)."""
    df = df if rows is None else df.head(rows)

    def f(v):
        if isinstance(v, float | int) and not isinstance(v, bool):
            try:
                if "g" in fmt and abs(v) >= 1e4 and abs(v) < 1e15:
                    return f"{v:,.0f}"
                return fmt.format(v)
            except (ValueError, TypeError):
                return str(v)
        return f'<span class="l">{html_mod.escape(str(v))}</span>'
    out = df.copy(deep=False)
    out.index, out.columns = _escaped(out.index), _escaped(out.columns)
    return out.to_html(formatters=[f] * out.shape[1], escape=False, border=0, classes="t", na_rep="–",
                       sparsify=False)


def _escaped(ix: pd.Index) -> pd.Index:
    """Index labels (and names) as escaped text: cells are escaped by the formatter, labels here."""
    def e(v):
        return None if v is None else html_mod.escape(str(v))
    if isinstance(ix, pd.MultiIndex):
        return pd.MultiIndex.from_tuples([tuple(e(v) for v in t) for t in ix], names=[e(n) for n in ix.names])
    return pd.Index([e(v) for v in ix], name=e(ix.name), dtype=object)


def _blocks(job: Job, folder: Path) -> list[dict[str, Any]]:
    out = []
    for b in (job.result or {}).get("blocks", []):
        if "table" in b:
            df = pd.read_parquet(folder / "tables" / f"{b['table']}.parquet")
            out.append({"table": b["table"], "title": b["title"], "html": _html_table(df, b["fmt"], b["rows"]),
                        "rows": len(df), "shown": min(len(df), b["rows"])})
        elif b["text"].startswith("— ") and b["text"].endswith(" —"):
            out.append({"heading": b["text"][2:-2]})
        else:
            out.append({"text": b["text"]})
    return out


def _file_view(path: str) -> dict[str, str]:
    suffix = Path(path).suffix.lower()
    kind = {".html": "page", ".pdf": "pdf", ".parquet": "table", ".csv": "table"}.get(suffix, "file")
    return {"path": path, "kind": kind, "name": Path(path).name}


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    from industwin.viz.pages import plotly_js
    return plotly_js()


def _local_plotly(text: str) -> str:
    """A self-contained page with its inlined plotly.js replaced by the server's copy (one download, cached)."""
    bundle = _plotly_js()
    if bundle in text:
        text = text.replace(bundle, "", 1).replace(
            "<head>", '<head><script src="/static/plotly.min.js"></script>', 1)
    return text


@lru_cache(maxsize=1)
def _wiod_labels() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """WIOD 2013's economies and sectors (code, name), read once from its latest table."""
    from industwin.data.registry import load
    from industwin.data.supplier_sites import COUNTRY_NAMES
    try:
        m = load("wiod2013")
    except IndustwinError:                    # no data folder: the pages still open, the jobs say why
        return [], []
    names = {**COUNTRY_NAMES, "RoW": "Rest of the world", "TWN": "Taiwan", "ROM": "Romania"}
    return ([(r, names.get(r, r)) for r in sorted(m.regions)],
            [(c, m.sector_label(c)) for c in m.sectors])


def _regions() -> list[tuple[str, str]]:
    return _wiod_labels()[0]


def _sectors() -> list[tuple[str, str]]:
    return _wiod_labels()[1]


@lru_cache(maxsize=1)
def _datasets() -> list[str]:
    from industwin.data.registry import list_datasets
    return [d.name for d in list_datasets()]


def _answers_file(home: Path, economy: str, answers: list[Answer]) -> Path:
    """The stored answers as the report's survey file (content-addressed, so identical answers → one job)."""
    df = pd.DataFrame([{"respondent": a.respondent, "group": a.group, "priority": a.priority, "score": a.score}
                       for a in answers])
    text = df.to_csv(index=False)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    p = home / "files" / f"consultation-{SAFE_NAME.sub('_', economy)}-{digest}.csv"
    if not p.exists():
        p.write_text(text, encoding="utf-8")
    return p


def _agreement(answers: list[Answer]) -> str | None:
    """Agreement per priority and stakeholder group, as the report shows it."""
    if not answers:
        return None
    from industwin.application.strategy import consultation_agreement
    df = pd.DataFrame([{"respondent": a.respondent, "group": a.group, "priority": a.priority, "score": a.score}
                       for a in answers])
    agg = consultation_agreement(df)
    return _html_table(agg, "{:,.2f}")


# used by templates for JSON in attributes
def tojson_attr(obj: Any) -> str:
    return html_mod.escape(json.dumps(obj))


_ = io  # (kept for type checkers of the upload stream)
