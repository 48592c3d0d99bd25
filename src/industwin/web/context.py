"""The web application's shared plumbing: who is asking, CSRF, pages, forms, uploads through the input layer,
submitting a lens as a job, and the job panel. Routes (:mod:`.routes_jobs`, :mod:`.routes_areas`) only parse and
render through a :class:`Web`."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import shutil
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import select

from industwin.application.catalog import LENSES, Lens, validate_upload
from industwin.errors import IndustwinError, user_message
from industwin.web.forms import parse_values
from industwin.web.jobs import JobManager, QueueFull, code_version, job_key
from industwin.web.render import (
    SAFE_NAME,
    Refused,
    blocks,
    datasets,
    file_view,
    log,
    no_server_paths,
    regions,
    sectors,
    summary,
)
from industwin.web.store import TERMINAL, Job, Store, StoredFile, new_id, now

__all__ = ["CSRF_COOKIE", "SESSION_COOKIE", "USER_COOKIE", "RenderCache", "Web", "Who"]

CACHE_BYTES = 256 * 2**20       # rendered pieces kept in memory, at most
USER_COOKIE, CSRF_COOKIE, SESSION_COOKIE = "industwin_user", "industwin_csrf", "industwin_session"


@dataclass(frozen=True)
class Who:
    """Who is asking: on an open server (no one has an account) a name from a cookie and no organisation; once
    people have accounts, the signed-in person, their organisation and role."""

    name: str
    org_id: str | None = None
    org_name: str = ""
    role: str = ""
    signed_in: bool = False


class RenderCache:
    """Rendered pieces that do not change once a job is finished (its panel, tables, pages), kept in memory up
    to ``max_bytes``, least recently used first out."""

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


class Web:
    """One server's state (settings, database, job queue, render cache, templates) and the plumbing its routes
    share."""

    def __init__(self, settings, templates: Jinja2Templates):
        self.settings = settings
        self.home = Path(settings.home)
        (self.home / "files").mkdir(parents=True, exist_ok=True)
        self.store = Store(settings.url)
        self.jobs = JobManager(self.store, self.home, settings.workers, settings.max_queue)
        self.cache = RenderCache()
        self.version = code_version()
        self.templates = templates
        from industwin.collab.directory import Directory
        self.directory = Directory(self.store, settings.token_seconds)
        self._closed = False

    def closed(self) -> bool:
        """Whether the server has accounts (then every page needs a signed-in person). Once true it stays so."""
        if not self._closed:
            from industwin.collab.models import Person
            with self.store.session() as s:
                self._closed = s.scalar(select(Person.id).limit(1)) is not None
        return self._closed

    def who_of(self, request: Request) -> Who | None:
        """Who is asking; None when the server has accounts and nobody is signed in."""
        if not self.closed():
            name = request.cookies.get(USER_COOKIE, "")
            return Who(name if re.fullmatch(r"[\w .@-]{1,80}", name) else "analyst")
        from industwin.collab.models import Organisation
        p = self.directory.person_of_session(request.cookies.get(SESSION_COOKIE))
        if p is None:
            return None
        org = self.store.get(Organisation, p.org_id)
        return Who(p.email, p.org_id, org.name if org else "", p.role, True)

    def who(self, request: Request) -> Who:
        who = getattr(request.state, "who", None)
        if who is None:                                  # routes outside the sign-in check (error pages)
            who = self.who_of(request) or Who("anonymous", "-")
        return who

    def user_of(self, request: Request) -> str:
        return self.who(request).name

    def org_of(self, request: Request) -> str | None:
        return self.who(request).org_id

    def csrf_of(self, request: Request) -> str:
        return request.cookies.get(CSRF_COOKIE) or request.state.__dict__.setdefault("csrf", secrets.token_urlsafe(24))

    def set_csrf(self, request: Request, resp: Response) -> Response:
        token = self.csrf_of(request)
        if request.cookies.get(CSRF_COOKIE) != token:
            resp.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https")
        return resp

    def page(self, request: Request, template: str, status: int = 200, **ctx) -> HTMLResponse:
        token = self.csrf_of(request)
        ctx = {"user": self.user_of(request), "who": self.who(request), "csrf": token, "regions": regions(),
               "sectors": sectors(), "datasets": datasets(), **ctx}
        resp = self.templates.TemplateResponse(request, template, ctx, status_code=status)
        return self.set_csrf(request, resp)

    async def form_of(self, request: Request) -> dict[str, list]:
        """The submitted form (CSRF checked: the token of the cookie must come back in the form or header)."""
        if int(request.headers.get("content-length") or 0) > self.settings.max_upload + 2**20:
            raise Refused(413, f"the upload is larger than {self.settings.max_upload // 2**20} MB, the most this "
                               "server accepts. Fix: send a smaller file (e.g. Parquet instead of CSV)")
        form = await request.form(max_part_size=self.settings.max_upload)
        sent = request.headers.get("x-csrf-token") or form.get("csrf") or ""
        cookie = request.cookies.get(CSRF_COOKIE, "")
        if not cookie or not hmac.compare_digest(str(sent), cookie):
            raise Refused(403, "the form's security token is missing or out of date (CSRF protection). Fix: "
                                "reload the page and send the form again")
        out: dict[str, list] = {}
        for k, v in form.multi_items():
            out.setdefault(k, []).append(v)
        return out

    def store_upload(self, kind: str, up, user: str, org: str | None = None) -> StoredFile:
        """An uploaded file, kept only when the input layer's reader accepts it (same messages as the CLI)."""
        raw = Path(up.filename or "upload")
        stem, suffix = SAFE_NAME.sub("_", raw.stem).lstrip(".")[:100], SAFE_NAME.sub("", raw.suffix)[:10]
        name = (stem or "upload") + suffix
        tmpdir = Path(tempfile.mkdtemp(prefix="upload-", dir=self.home / "files"))
        try:
            tmp = tmpdir / name
            h, size = hashlib.sha256(), 0
            with open(tmp, "wb") as f:
                while chunk := up.file.read(2**20):
                    size += len(chunk)
                    if size > self.settings.max_upload:
                        raise Refused(413, f"{name}: larger than {self.settings.max_upload // 2**20} MB, the "
                                           "most this server accepts. Fix: send a smaller file (e.g. Parquet)")
                    h.update(chunk)
                    f.write(chunk)
            if size == 0:
                raise Refused(400, f"{name}: the file is empty. Fix: choose the file with your data")
            try:
                obj = validate_upload(kind, tmp)
            except Exception as e:  # noqa: BLE001 - the reader's message is the page's message
                code, msg = user_message(e, "the server's log has the traceback")
                if code == 1:
                    log.exception("reading an uploaded %s file (%s) failed", kind, name)
                raise Refused(400 if code == 2 else 500, msg.replace(f"{tmpdir}/", "")) from None
            if tmp.suffix.lower() in (".yaml", ".yml", ".json"):
                no_server_paths(tmp, name)
            digest = h.hexdigest()
            same = self.store.file_with(kind, digest, org)
            if same is not None:
                return same
            fid = new_id()
            final = self.home / "files" / fid
            final.mkdir()
            shutil.move(str(tmp), final / name)
            return self.store.add(StoredFile(id=fid, kind=kind, name=name, sha256=digest, size=size,
                                        path=f"files/{fid}/{name}", summary=summary(obj), created_by=user,
                                        org_id=org, created_at=now()))
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)

    def submit(self, ln: Lens, form: dict[str, list], user: str, extra: dict[str, Any] | None = None,
               org: str | None = None) -> Job:
        """A job for a lens from a form: its values parsed, its files stored (new uploads, or ones chosen from
        those stored), then checked by the request's schema before it is queued."""
        try:
            values = parse_values(ln, form)
        except IndustwinError as e:
            raise Refused(400, str(e)) from None
        values.update(extra or {})
        src = values.get("source")
        if isinstance(src, str) and src.lower() not in datasets():
            raise Refused(400, f"source {src!r}: on the web, tables are the named datasets. Fix: choose one of "
                                f"{', '.join(datasets())}")
        key_values = dict(values)
        for fname, kind in ln.uploads.items():
            up = next((u for u in form.get(fname, []) if hasattr(u, "filename") and u.filename), None)
            chosen = next((v for v in form.get(f"{fname}__stored", []) if isinstance(v, str) and v), None)
            stored = self.store_upload(kind, up, user, org) if up is not None else (
                self.store.owned_by(StoredFile, chosen, org) if chosen else None)
            if chosen and up is None and (stored is None or stored.kind != kind):
                raise Refused(400, f"{fname}: the stored file {chosen} is not a {kind} file. Fix: choose one of the "
                                    f"stored {kind} files, or upload one")
            if stored is not None:
                values[fname] = str((self.home / stored.path).resolve())
                key_values[fname] = stored.sha256
        from industwin.application.catalog import build_request
        with tempfile.TemporaryDirectory() as tmp:     # the request's own checks, before anything is queued
            try:
                build_request(ln, {k: (Path(v) if k in ln.uploads else v) for k, v in values.items()}, Path(tmp))
            except IndustwinError as e:
                raise Refused(400, str(e)) from None
        try:
            if org is not None:                              # organisations never share jobs
                key_values["__owner"] = org
            job, _ = self.jobs.submit(ln.name, values, job_key(ln.name, key_values, self.version), user, org)
        except QueueFull as e:
            raise Refused(503, str(e)) from None
        return job

    def job_or_404(self, job_id: str, request: Request) -> Job:
        """The job when it belongs to the asker's organisation; "not found" otherwise."""
        job = self.store.owned_by(Job, job_id, self.org_of(request))
        if job is None:
            raise HTTPException(404, "no such job")
        return job

    def job_view(self, job: Job) -> dict[str, Any]:
        """What the job panel shows: state, queue position, and for a finished job its blocks rendered."""
        st = self.jobs.state(job.id, job) or {}
        view = {"job": job, "state": st, "lens": LENSES.get(job.lens), "position": None, "blocks": [],
                "files": []}
        if st.get("status") == "queued":
            view["position"] = self.jobs.position(job.id)
        if st.get("status") == "done":
            if job.status != "done":                     # finished since it was read
                job = self.store.get(Job, job.id)
                view["job"] = job
            view["blocks"] = blocks(job, self.jobs.folder(job.id))
            view["files"] = [file_view(f) for f in (job.result or {}).get("files", [])]
        return view

    def panel(self, request: Request, job: Job) -> str:
        """The job panel's HTML; a finished job's is rendered once and kept (it no longer changes)."""
        def make() -> str:
            return self.templates.get_template("job_panel.html").render(csrf=self.csrf_of(request),
                                                                        **self.job_view(job))
        if job.status in TERMINAL:
            return self.cache.get(("panel", job.id, job.status), make)
        return make()

    def panel_response(self, request: Request, job: Job) -> HTMLResponse:
        return self.set_csrf(request, HTMLResponse(self.panel(request, job)))
