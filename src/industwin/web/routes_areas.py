"""The pages that gather lenses for a task: the strategy report and its consultation, the scenario
builder, firm networks, company carbon; who is working."""

from __future__ import annotations

import asyncio
import hashlib
import re
import shutil
from pathlib import Path
from typing import Annotated

import pandas as pd
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from industwin.application.catalog import lens
from industwin.errors import IndustwinError
from industwin.web.context import USER_COOKIE, Web
from industwin.web.forms import controls
from industwin.web.render import (
    SAFE_NAME,
    Refused,
    agreement,
    answers_file,
    economy_or_404,
    html_table,
    lens_form_of,
    stored_files,
)
from industwin.web.store import Answer, Scenario, StoredFile, new_id, now

__all__ = ["add_area_routes"]


def add_area_routes(app: FastAPI, w: Web) -> None:
    """Add these routes to ``app``."""
    # -- the strategy report and its consultation -----------------------------------------------------------------
    @app.get("/report", response_class=HTMLResponse)
    def report(request: Request, economy: str = "DEU"):
        economy_or_404(economy)
        ln, org = lens("report"), w.org_of(request)
        return w.page(request, "report.html", ln=ln, economy=economy,
                      controls=controls(ln, {"economy": economy, "year": 2011}), stored=stored_files(w.store, ln, org),
                      reports=w.store.jobs(lens="report", limit=50, org=org),
                      answers=len({a.respondent for a in w.store.answers(economy, org)}))

    @app.post("/report")
    async def report_run(request: Request):
        """The report, with the consultation answers stored for its economy as its survey."""
        form = await w.form_of(request)
        ln = lens("report")
        economy = str((form.get("economy") or ["DEU"])[-1]).strip() or "DEU"
        extra, org = {}, w.org_of(request)
        answers = w.store.answers(economy, org)
        if answers and not any(getattr(u, "filename", "") for u in form.get("survey", [])):
            extra["survey"] = str(answers_file(w.home, economy, answers))
        from industwin.web.routes_scaleup import assessments_file, targets_file

        def chosen(name: str) -> bool:                   # the user uploaded or picked a file for this field
            return any(getattr(u, "filename", "") for u in form.get(name, [])) or \
                bool(str((form.get(f"{name}__stored") or [""])[-1]))
        kept = w.store.assessments(economy, org)
        if kept and not chosen("readiness"):
            extra["readiness"] = str(assessments_file(w.home, economy, kept))
        goals = w.store.targets(economy, org)
        if any(t.body.get("kind") == "target" for t in goals) and not chosen("targets"):
            extra["targets"] = str(targets_file(w.home, economy, goals))
        job = await asyncio.to_thread(w.submit, ln, form, w.user_of(request), extra, org)
        if request.headers.get("hx-request"):
            return w.panel_response(request, job)
        return RedirectResponse(f"/jobs/{job.id}", 303)

    @app.get("/consultation/{economy}", response_class=HTMLResponse)
    def consultation(request: Request, economy: str):
        from industwin.strategy.consultation import GROUPS, questionnaire
        economy_or_404(economy)
        answers = w.store.answers(economy, w.org_of(request))
        return w.page(request, "consultation.html", economy=economy, questions=questionnaire().to_dict("records"),
                      groups=GROUPS, agreement=agreement(answers), respondents=len({a.respondent for a in answers}))

    @app.post("/consultation/{economy}")
    async def consultation_answer(request: Request, economy: str):
        from industwin.strategy.consultation import GROUPS, questionnaire
        economy_or_404(economy)
        form = await w.form_of(request)
        who = str((form.get("respondent") or [""])[-1]).strip()
        group = str((form.get("group") or [""])[-1]).strip()
        if not re.fullmatch(r"[\w .@-]{1,120}", who):
            raise Refused(400, "respondent: give a name or an id (letters, digits, spaces, . @ -; up to 120)")
        if group not in GROUPS:
            raise Refused(400, f"group {group!r}: choose one of {', '.join(GROUPS)}")
        org = w.org_of(request)
        if any(a.respondent == who for a in w.store.answers(economy, org)):
            raise Refused(400, f"respondent {who!r} has already answered for {economy}: each person counts once. "
                                "Fix: use another respondent id")
        rows = []
        for q in questionnaire().to_dict("records"):
            v = str((form.get(f"q_{q['priority']}") or [""])[-1])
            if v:
                if v not in "12345" or len(v) != 1:
                    raise Refused(400, f"{q['priority']}: score {v!r}; give 1 (not important) … 5 (essential)")
                rows.append(Answer(economy=economy, respondent=who, group=group, priority=q["priority"],
                                   score=int(v), created_by=w.user_of(request), org_id=org, created_at=now()))
        if not rows:
            raise Refused(400, "no priority was scored. Fix: score at least one priority 1 … 5")
        w.store.add_answers(rows)
        return RedirectResponse(f"/consultation/{economy}", 303)

    # -- the scenario builder ---------------------------------------------------------------------------------------
    @app.get("/scenarios", response_class=HTMLResponse)
    def scenarios(request: Request):
        org = w.org_of(request)
        runs = [j for j in w.store.jobs(lens="simulate", org=org) if j.status == "done"]
        names = {f.id: f.summary for f in w.store.files("scenario", org)}
        return w.page(request, "scenarios.html", scenarios=w.store.scenarios(org), runs=runs,
                    run_names={j.id: names.get(Path(j.params.get("scenario", "")).parent.name, "scenario")
                               for j in runs})

    @app.post("/scenarios")
    async def scenario_save(request: Request):
        from industwin.web.scenarios import scenario_from_form
        form = await w.form_of(request)
        try:
            data, text = await asyncio.to_thread(scenario_from_form, {k: [str(x) for x in v] for k, v in form.items()})
        except IndustwinError as e:
            raise Refused(400, str(e)) from None
        sid = new_id()
        folder = w.home / "files" / sid
        folder.mkdir(parents=True)
        (folder / "scenario.yaml").write_text(text, encoding="utf-8")
        user, org = w.user_of(request), w.org_of(request)
        w.store.add(StoredFile(id=sid, kind="scenario", name=f"{data['name']}.yaml",
                               sha256=hashlib.sha256(text.encode()).hexdigest(), size=len(text),
                               path=f"files/{sid}/scenario.yaml", summary=data["name"], created_by=user,
                               org_id=org, created_at=now()))
        w.store.add(Scenario(id=sid, name=data["name"], yaml=text, file_id=sid, created_by=user, org_id=org,
                             created_at=now()))
        if str((form.get("run") or [""])[-1]) == "1":
            job = await asyncio.to_thread(w.submit, lens("simulate"), {"scenario__stored": [sid]}, user, None, org)
            return RedirectResponse(f"/jobs/{job.id}", 303)
        return RedirectResponse(f"/scenarios#s-{sid}", 303)

    @app.get("/scenarios/{sid}.yaml")
    def scenario_yaml(request: Request, sid: str):
        sc = w.store.owned_by(Scenario, sid, w.org_of(request))
        if sc is None:
            raise HTTPException(404, "no such scenario")
        return Response(sc.yaml, media_type="application/yaml",
                        headers={"Content-Disposition": f'attachment; filename="{SAFE_NAME.sub("_", sc.name)}.yaml"'})

    @app.post("/scenarios/{sid}/run")
    async def scenario_run(request: Request, sid: str):
        await w.form_of(request)
        org = w.org_of(request)
        if w.store.owned_by(Scenario, sid, org) is None:
            raise HTTPException(404, "no such scenario")
        job = await asyncio.to_thread(w.submit, lens("simulate"), {"scenario__stored": [sid]}, w.user_of(request),
                                      None, org)
        return RedirectResponse(f"/jobs/{job.id}", 303)

    @app.get("/scenarios/compare", response_class=HTMLResponse)
    def scenario_compare(request: Request, job: Annotated[list[str] | None, Query()] = None):
        chosen = [w.job_or_404(j, request) for j in dict.fromkeys(job or [])]
        if len(chosen) < 2:
            raise Refused(400, "compare needs two finished simulations or more. Fix: tick at least two runs")
        tables = {}
        for j in chosen:
            p = w.jobs.folder(j.id) / "results" / "summary.parquet"
            if j.lens != "simulate" or j.status != "done" or not p.exists():
                raise Refused(400, f"job {j.id[:8]} is not a finished simulation. Fix: choose finished runs")
            sc = w.store.owned_by(StoredFile, Path(j.params.get("scenario", "")).parent.name, w.org_of(request))
            tables[f"{sc.summary if sc else 'scenario'} ({j.id[:8]})"] = pd.read_parquet(p)
        side = pd.concat({k: v["value_added_loss"] for k, v in tables.items()}, axis=1)
        net = pd.concat({k: v["net_benefit"] for k, v in tables.items()}, axis=1)
        return w.page(request, "compare.html", runs=chosen,
                    loss=html_table(side, "{:,.0f}"), net=html_table(net, "{:,.0f}"))

    # -- areas that gather lenses ---------------------------------------------------------------------------------
    @app.get("/firms", response_class=HTMLResponse)
    def firms(request: Request):
        return w.page(request, "area.html", title="Firm networks", area="firms",
                    intro="Bring a supplier network (an edge list and a firm table), or make a synthetic one; "
                          "then the systemic risk of every firm (ESRI), a chosen firm's tiers and single points of "
                          "failure, and what interventions would change. Firm ids are anonymised in results "
                          "unless you tick 'reveal'.",
                    forms=[lens_form_of(w.store, n, w.org_of(request))
                           for n in ("synth", "esri", "tiers", "intervene", "links")],
                    networks=[j for j in w.store.jobs(lens="synth", org=w.org_of(request)) if j.status == "done"])

    @app.post("/firms/use/{job_id}")
    async def firms_use(request: Request, job_id: str):
        """Register the edges and firms of a finished synthetic network as stored files."""
        await w.form_of(request)
        job = w.job_or_404(job_id, request)
        folder = w.jobs.folder(job_id) / "results"
        user, org = w.user_of(request), w.org_of(request)
        if job.lens != "synth" or job.status != "done" or not all((folder / f"{k}.parquet").exists()
                                                                   for k in ("edges", "firms")):
            raise Refused(400, "that job is not a finished synthetic network. Fix: choose one listed on this page")
        for kind in ("edges", "firms"):
            src = folder / f"{kind}.parquet"
            digest = hashlib.sha256(src.read_bytes()).hexdigest()
            if w.store.file_with(kind, digest, org) is not None:
                continue                                         # already kept
            fid = new_id()
            (w.home / "files" / fid).mkdir()
            shutil.copy(src, w.home / "files" / fid / src.name)
            w.store.add(StoredFile(id=fid, kind=kind, name=f"synthetic-{job_id[:6]}-{src.name}",
                                 sha256=digest, size=src.stat().st_size,
                                 path=f"files/{fid}/{src.name}", summary=f"synthetic network of job {job_id[:8]}",
                                 created_by=user, org_id=org, created_at=now()))
        return RedirectResponse("/firms", 303)

    @app.get("/carbon", response_class=HTMLResponse)
    def carbon(request: Request):
        return w.page(request, "area.html", title="Company carbon, jobs and decarbonisation", area="carbon",
                    intro="A company's footprint from its purchases and its own activities (scopes 1, 2 and 3, hot "
                          "spots, the supply-chain tree); jobs supported through the production network; national "
                          "decarbonisation plans and carbon-border scenarios.",
                    forms=[lens_form_of(w.store, n, w.org_of(request))
                           for n in ("carbon", "hotspots", "jobs", "decarbonise", "carbon-border")],
                    networks=[])

    # -- who is working ---------------------------------------------------------------------------------------------
    @app.get("/whoami", response_class=HTMLResponse)
    def whoami(request: Request):
        return w.page(request, "whoami.html")

    @app.post("/whoami")
    async def whoami_set(request: Request):
        form = await w.form_of(request)
        name = str((form.get("name") or [""])[-1]).strip()
        if not re.fullmatch(r"[\w .@-]{1,80}", name):
            raise Refused(400, "name: letters, digits, spaces and . @ - only, up to 80 characters")
        resp = RedirectResponse("/", 303)
        resp.set_cookie(USER_COOKIE, name, httponly=True, samesite="strict", max_age=3600 * 24 * 365)
        return resp
