"""The pages of datasets, economies, lenses and jobs (progress, results, downloads) and of files."""

from __future__ import annotations

import asyncio
import html as html_mod
import time

import pandas as pd
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response, StreamingResponse

from industwin.application.catalog import LENSES, UPLOADS
from industwin.web.context import Web
from industwin.web.forms import controls
from industwin.web.render import (
    SAFE_NAME,
    Refused,
    html_table,
    lens_or_404,
    local_plotly,
    plotly_js,
    regions,
    stored_files,
)
from industwin.web.store import TERMINAL, Job, StoredFile

__all__ = ["add_job_routes"]

SSE_SECONDS = 600               # a progress stream ends after this; the browser reconnects by itself


def add_job_routes(app: FastAPI, w: Web) -> None:
    """Add these routes to ``app``."""
    # -- pages ----------------------------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse)
    def index(request: Request):
        return w.page(request, "index.html", recent=w.store.jobs(limit=8, org=w.org_of(request)))

    @app.get("/healthz")
    def healthz():
        return {"ok": True, "running": len(w.jobs.running), "queued": w.store.count_queued()}

    @app.get("/datasets", response_class=HTMLResponse)
    def datasets(request: Request):
        from industwin.application import run
        from industwin.application.tables import DatasetsRequest
        res = run(DatasetsRequest())
        return w.page(request, "datasets.html", table=html_table(res.tables[0].table, "{}"),
                    economies=regions())

    @app.get("/economies/{code}", response_class=HTMLResponse)
    def economy(request: Request, code: str, year: int = 2011):
        names = dict(regions())
        if code not in names or code == "RoW":
            raise Refused(404, f"no economy {code!r} in WIOD 2013. Fix: choose one on the datasets page")
        if not 1995 <= year <= 2011:
            raise Refused(404, f"year {year}: WIOD 2013 covers 1995–2011. Fix: choose a year in that range")
        return w.page(request, "economy.html", code=code, name=names[code], year=year,
                    years=list(range(1995, 2012)))

    @app.get("/lenses", response_class=HTMLResponse)
    def lens_list(request: Request):
        return w.page(request, "lenses.html")

    @app.get("/lenses/{name}", response_class=HTMLResponse)
    def lens_page(request: Request, name: str):
        ln = lens_or_404(name)
        defaults = {k: v for k, v in request.query_params.items() if k in ln.request.model_fields}
        return w.page(request, "lens.html", ln=ln, controls=controls(ln, defaults),
                      stored=stored_files(w.store, ln, w.org_of(request)))

    @app.post("/lenses/{name}")
    async def lens_run(request: Request, name: str):
        ln = lens_or_404(name)
        form = await w.form_of(request)
        job = await asyncio.to_thread(w.submit, ln, form, w.user_of(request), None, w.org_of(request))
        if request.headers.get("hx-request"):
            return w.panel_response(request, job)
        return RedirectResponse(f"/jobs/{job.id}", 303)

    @app.get("/jobs", response_class=HTMLResponse)
    def job_list(request: Request, lens: str | None = None):
        return w.page(request, "jobs.html", jobs=w.store.jobs(lens=lens, org=w.org_of(request)),
                      running=len(w.jobs.running),
                    workers=w.jobs.workers)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse)
    def job_page(request: Request, job_id: str):
        job = w.job_or_404(job_id, request)
        return w.page(request, "job.html", job=job, lens=LENSES.get(job.lens), panel=w.panel(request, job))

    @app.get("/jobs/{job_id}/panel", response_class=HTMLResponse)
    def job_panel(request: Request, job_id: str):
        return w.panel_response(request, w.job_or_404(job_id, request))

    @app.get("/jobs/{job_id}/state")
    def job_state(request: Request, job_id: str):
        w.job_or_404(job_id, request)
        return w.jobs.state(job_id)

    @app.get("/jobs/{job_id}/events")
    async def job_events(request: Request, job_id: str):
        """Server-sent events: ``progress`` (an HTML fragment) while the job waits or runs, then ``done``."""
        w.job_or_404(job_id, request)

        async def stream():
            last, t0 = None, time.monotonic()
            while not await request.is_disconnected() and time.monotonic() - t0 < SSE_SECONDS:
                st = await asyncio.to_thread(w.jobs.state, job_id) or {"status": "failed"}
                pos = await asyncio.to_thread(w.jobs.position, job_id) if st.get("status") == "queued" else None
                frag = w.templates.get_template("progress.html").render(state=st, position=pos)
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
        await w.form_of(request)
        job = w.job_or_404(job_id, request)
        if job.created_by != w.user_of(request):
            raise Refused(403, f"this job was started by {job.created_by}; only they can cancel it (others may be "
                                "waiting for the same result)")
        await asyncio.to_thread(w.jobs.cancel, job_id)
        if request.headers.get("hx-request"):
            return w.panel_response(request, w.store.get(Job, job_id))
        return RedirectResponse(f"/jobs/{job_id}", 303)

    @app.get("/jobs/{job_id}/tables/{k}.{fmt}")
    def job_table(request: Request, job_id: str, k: int, fmt: str):
        job = w.job_or_404(job_id, request)
        p = w.jobs.folder(job_id) / "tables" / f"{k}.parquet"
        if not p.exists() or fmt not in ("csv", "parquet"):
            raise HTTPException(404, "no such table")
        title = next((b.get("title", "") for b in (job.result or {}).get("blocks", []) if b.get("table") == k), "")
        slug = SAFE_NAME.sub("-", title.replace("[", "").replace("]", "")).strip("-")[:80] or f"table{k}"
        name = f"{job.lens}-{slug}-{job_id[:8]}.{fmt}"
        if fmt == "parquet":
            return FileResponse(p, filename=name)
        return Response(w.cache.get(("csv", str(p)), lambda: pd.read_parquet(p).to_csv()), media_type="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @app.get("/jobs/{job_id}/files/{path:path}")
    def job_file(request: Request, job_id: str, path: str, format: str | None = None):
        job = w.job_or_404(job_id, request)
        if path not in (job.result or {}).get("files", []):
            raise HTTPException(404, "no such file")
        p = w.jobs.folder(job_id) / path
        if not p.is_file():
            raise HTTPException(404, f"{path}: the job's file is no longer on the server")
        if p.suffix == ".html":
            text = w.cache.get(("page", str(p), p.stat().st_mtime), lambda: local_plotly(p.read_text("utf-8")))
            return HTMLResponse(text)
        if p.suffix == ".parquet" and format == "csv":
            return Response(pd.read_parquet(p).to_csv(), media_type="text/csv",
                            headers={"Content-Disposition": f'attachment; filename="{p.stem}.csv"'})
        return FileResponse(p, filename=p.name)

    @app.get("/static/plotly.min.js")
    def plotly_bundle():
        return Response(plotly_js(), media_type="application/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})

    # -- files ------------------------------------------------------------------------------------------------------
    @app.get("/files", response_class=HTMLResponse)
    def files(request: Request):
        return w.page(request, "files.html", files=w.store.files(org=w.org_of(request)))

    @app.get("/files/{file_id}")
    def file_download(request: Request, file_id: str):
        f = w.store.owned_by(StoredFile, file_id, w.org_of(request))
        if f is None or not (w.home / f.path).is_file():
            raise HTTPException(404, "no such file")
        return FileResponse(w.home / f.path, filename=f.name)

    @app.post("/files")
    async def file_upload(request: Request):
        form = await w.form_of(request)
        kind = str((form.get("kind") or [""])[-1])
        up = next((u for u in form.get("file", []) if hasattr(u, "filename") and u.filename), None)
        if kind not in UPLOADS:
            raise Refused(400, f"kind {kind!r}: not a kind of file industwin reads. Fix: choose one of "
                                f"{', '.join(UPLOADS)}")
        if up is None:
            raise Refused(400, "no file was sent. Fix: choose a file")
        f = await asyncio.to_thread(w.store_upload, kind, up, w.user_of(request), w.org_of(request))
        if request.headers.get("hx-request"):
            return HTMLResponse(f'<div class="ok" role="status">Accepted: {html_mod.escape(f.name)} '
                                f'({html_mod.escape(f.summary)})</div>')
        return RedirectResponse("/files", 303)
