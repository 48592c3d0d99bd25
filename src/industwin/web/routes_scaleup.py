"""Technology scale-up and a strategy's implementation: the hub page of an economy, readiness self-assessments
entered online (the confidential table by sector, a company's benchmark and priorities), and the targets kept with
the strategy (tracked by the monitoring lens; the report takes both)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import yaml
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from industwin.application.catalog import lens
from industwin.data.readiness import NUTS2, SIZE_CLASSES, nuts_prefix
from industwin.errors import IndustwinError, SelectionError
from industwin.web.context import Web
from industwin.web.render import SAFE_NAME, Refused, economy_or_404, html_table, sectors
from industwin.web.routes_collab import aggregate_html
from industwin.web.store import SelfAssessment, Target, now

__all__ = ["add_scaleup_routes", "assessments_file", "targets_file"]

COMPANY = re.compile(r"[\w .,&()'/-]{1,120}")


def _one(form: dict[str, list], name: str) -> str:
    return str((form.get(name) or [""])[-1]).strip()


def _frame(rows: list[SelfAssessment]) -> pd.DataFrame:
    """Stored self-assessments as the assessment file's rows (company × dimension)."""
    return pd.DataFrame([{"company": a.company, "sector": a.sector, "region": a.economy, "nuts2": a.nuts2 or "",
                          "size_class": a.size_class, "dimension": d, "band": int(b)}
                         for a in rows for d, b in a.bands.items()],
                        columns=["company", "sector", "region", "nuts2", "size_class", "dimension", "band"])


def _stored(home: Path, prefix: str, economy: str, text: str, suffix: str) -> Path:
    """A content-addressed file under the server's files (identical content → one file, one cached job)."""
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    p = home / "files" / f"{prefix}-{SAFE_NAME.sub('_', economy)}-{digest}{suffix}"
    if not p.exists():
        p.write_text(text, encoding="utf-8")
    return p


def assessments_file(home: Path, economy: str, rows: list[SelfAssessment]) -> Path:
    """The stored self-assessments as an assessment file (the report's and the readiness lens's input)."""
    return _stored(home, "readiness", economy, _frame(rows).to_csv(index=False), ".csv")


def _records(economy: str, rows: list[Target]) -> dict[str, Any]:
    return {"strategy": f"{economy} industrial strategy (targets kept on this server)", "economy": economy,
            "dataset": "wiod2013",
            "metrics": [r.body["metric"] for r in rows if r.body.get("kind") == "metric"],
            "targets": [r.body["target"] for r in rows if r.body.get("kind") == "target"]}


def targets_file(home: Path, economy: str, rows: list[Target]) -> Path:
    """The targets kept with the strategy as a targets file (YAML)."""
    return _stored(home, "targets", economy, yaml.safe_dump(_records(economy, rows), sort_keys=False), ".yaml")


def _values(text: str) -> dict[int, float]:
    """``2008: 120, 2009: 340`` → {2008: 120.0, 2009: 340.0}."""
    out: dict[int, float] = {}
    for part in filter(None, (p.strip() for p in re.split(r"[,;\n]", text))):
        y, sep, v = part.partition(":")
        try:
            out[int(y)] = float(v)
        except ValueError:
            raise Refused(400, f"values: {part!r} is not 'year: value'. Fix: write e.g. 2008: 120, 2009: 340")
        if not sep:
            raise Refused(400, f"values: {part!r} is not 'year: value'. Fix: write e.g. 2008: 120, 2009: 340")
    if not out:
        raise Refused(400, "values: give at least one 'year: value'")
    return out


def add_scaleup_routes(app: FastAPI, w: Web) -> None:
    """Add these routes to ``app``."""
    from industwin.data.readiness import load_model
    model = load_model()
    dims = model.dimensions

    @app.get("/scaleup", response_class=HTMLResponse)
    def scaleup(request: Request, economy: str = "DEU"):
        economy_or_404(economy)
        org = w.org_of(request)
        from industwin.application.catalog import family
        return w.page(request, "scaleup.html", economy=economy, lenses=family("Technology & readiness"),
                      companies=len({a.company for a in w.store.assessments(economy, org)}),
                      targets=len(w.store.targets(economy, org)))

    # -- readiness self-assessments ---------------------------------------------------------------------------------
    @app.get("/readiness/{economy}", response_class=HTMLResponse)
    def readiness_page(request: Request, economy: str, company: str = ""):
        from industwin.analysis import readiness as rd
        economy_or_404(economy)
        org, user = w.org_of(request), w.user_of(request)
        rows = w.store.assessments(economy, org)
        mine = sorted({r.company for r in rows if r.created_by == user})   # a company's bands: its assessor's
        table = bench = prios = None
        peers = ""
        if rows:
            a = _frame(rows)
            t = rd.readiness_table(a, by="sector", model=model)
            table = aggregate_html(SimpleNamespace(values=t.values.rename(index=dims["name"].to_dict()),
                                                   status=t.status.rename(index=dims["name"].to_dict()),
                                                   contributors=t.contributors.rename(index=dims["name"].to_dict()),
                                                   statistic="mean"))
            if company and company in mine:
                for by, words in ((("sector",), "the companies of its sector"), ((), "all the other companies")):
                    try:
                        pr = rd.priorities(a, company, by=by, model=model)
                    except SelectionError:
                        continue
                    b = rd.benchmark(a, by=by, company=company, model=model)
                    b = b.droplevel(0) if isinstance(b.index, pd.MultiIndex) else b
                    bench = html_table(b.rename(index=dims["name"].to_dict()), "{:,.3g}")
                    prios = html_table(pr.set_index("name")[["band", "best", "gap", "weight", "priority", "rank"]],
                                       "{:,.3g}")
                    peers = words
                    break
                else:
                    peers = "too few companies yet: a benchmark needs at least 3 peers"
        return w.page(request, "readiness.html", economy=economy, blocks=model.blocks, dims=dims,
                      companies=mine, n=len({r.company for r in rows}), table=table,
                      company=company if company in mine else "", bench=bench, prios=prios, peers=peers,
                      size_classes=SIZE_CLASSES,
                      table_sectors=sectors())

    @app.post("/readiness/{economy}")
    async def readiness_answer(request: Request, economy: str):
        economy_or_404(economy)
        form = await w.form_of(request)
        company, sector, size, nuts2 = (_one(form, k) for k in ("company", "sector", "size_class", "nuts2"))
        if not COMPANY.fullmatch(company):
            raise Refused(400, "company: give its name (letters, digits, spaces and . , & ( ) ' / -; up to 120)")
        codes = {c for c, _ in sectors()}
        if sector not in codes:
            raise Refused(400, f"sector {sector!r}: choose a sector of the table (c1 … c35)")
        if size not in SIZE_CLASSES:
            raise Refused(400, f"size class {size!r}: choose one of {', '.join(SIZE_CLASSES)}")
        nuts2 = nuts2.upper()
        if nuts2 and not re.fullmatch(NUTS2, nuts2):
            raise Refused(400, f"NUTS-2 region {nuts2!r}: give a code such as DE60, or leave it empty")
        pre = nuts_prefix(economy)
        if nuts2 and (pre is None or not nuts2.startswith(pre)):
            raise Refused(400, f"NUTS-2 region {nuts2}: not a region of {economy}" +
                          (f" (its codes start with {pre})" if pre else " (NUTS regions are European)") +
                          ". Fix: give the company's own region, or leave it empty")
        bands = {}
        for d in dims.index:
            v = _one(form, f"d_{d}")
            if v == "":
                raise Refused(400, f"{dims.at[d, 'name']}: choose a band 0 … 5 for every dimension")
            if v not in "012345" or len(v) != 1:
                raise Refused(400, f"{dims.at[d, 'name']}: band {v!r}; give 0 … 5")
            bands[d] = int(v)
        org, user = w.org_of(request), w.user_of(request)
        old = [a for a in w.store.assessments(economy, org) if a.company == company]
        if any(a.created_by != user for a in old):
            raise Refused(400, f"company {company!r} was assessed by someone else, and only they may replace it. "
                               "Fix: ask them, or check the company's name")
        for a in old:                                        # a company's new self-assessment replaces its last
            w.store.delete_owned(SelfAssessment, a.id, org)
        w.store.add(SelfAssessment(economy=economy, company=company, sector=sector, size_class=size,
                                   nuts2=nuts2 or None, bands=bands, created_by=user, org_id=org,
                                   created_at=now()))
        return RedirectResponse(f"/readiness/{economy}?{urlencode({'company': company})}", 303)

    # -- targets kept with the strategy ---------------------------------------------------------------------------
    def _check(economy: str, rows: list[Target]):
        """The kept set as a targets file would be read and checked against the table (metrics alone one by one):
        what the report and the tracking job will find, refused now rather than there."""
        from industwin.data.io import validate
        from industwin.data.registry import DATASETS, load
        from industwin.strategy.monitoring import MetricSpec, check_baselines, check_targets, from_records
        try:
            if not any(r.body.get("kind") == "target" for r in rows):
                for r in rows:
                    validate(MetricSpec, r.body["metric"], "the metric")
                return None
            t = from_records(_records(economy, rows), "the targets")
            ds = DATASETS[t.dataset]
            check_targets(load(t.dataset, ds.default_year), t, "the targets")
            check_baselines(t, list(ds.years), "the targets")
            return t
        except IndustwinError as e:
            raise Refused(400, str(e)) from None

    @app.get("/targets/{economy}", response_class=HTMLResponse)
    def targets_page(request: Request, economy: str):
        from industwin.strategy.indicators import SPECS
        economy_or_404(economy)
        rows = w.store.targets(economy, w.org_of(request))
        metrics = [r for r in rows if r.body.get("kind") == "metric"]
        return w.page(request, "targets.html", economy=economy,
                      targets=[r for r in rows if r.body.get("kind") == "target"], metrics=metrics,
                      indicators=[(s.id, s.name) for s in SPECS.values()], table_sectors=sectors(),
                      jobs=w.store.jobs(lens="monitor", limit=10, org=w.org_of(request)))

    @app.post("/targets/{economy}")
    async def targets_add(request: Request, economy: str):
        economy_or_404(economy)
        form = await w.form_of(request)
        org = w.org_of(request)
        rows = w.store.targets(economy, org)
        kind = _one(form, "kind")
        if kind == "metric":
            name = _one(form, "name")
            body = {"kind": "metric", "metric": {"name": name, "unit": _one(form, "unit"),
                                                 "description": _one(form, "description"),
                                                 "values": {str(k): v for k, v in _values(_one(form, "values")).items()}}}
            rows = [r for r in rows if not (r.body.get("kind") == "metric" and r.body["metric"].get("name") == name)]
        elif kind == "target":
            def num(k, cast=float):
                v = _one(form, k)
                try:
                    return cast(v) if v != "" else None
                except ValueError:
                    raise Refused(400, f"{k}: {v!r} is not a number") from None
            t = {"id": _one(form, "id"), "description": _one(form, "description"), "indicator": _one(form, "indicator"),
                 "baseline_year": num("baseline_year", int), "target_value": num("target_value"),
                 "target_year": num("target_year", int), "direction": _one(form, "direction")}
            if _one(form, "baseline_value"):
                t["baseline_value"] = num("baseline_value")
            secs = [s.strip() for s in _one(form, "sectors").split(",") if s.strip()]
            if secs:
                t["sectors"] = secs
                t["measure"] = _one(form, "measure") or "value_added"
            body = {"kind": "target", "target": t}
            if any(r.body.get("kind") == "target" and r.body["target"].get("id") == t["id"] for r in rows):
                raise Refused(400, f"target id {t['id']!r} exists already. Fix: another id, or delete the old one")
        else:
            raise Refused(400, "kind: 'target' or 'metric'")
        new = Target(economy=economy, body=json.loads(json.dumps(body)), created_by=w.user_of(request), org_id=org,
                     created_at=now(), updated_at=now())
        _check(economy, [*rows, new])                      # the whole set must stay a valid targets file
        if kind == "metric":
            for r in w.store.targets(economy, org):
                if r.body.get("kind") == "metric" and r.body["metric"].get("name") == body["metric"]["name"]:
                    w.store.delete_owned(Target, r.id, org)
        w.store.add(new)
        return RedirectResponse(f"/targets/{economy}", 303)

    @app.post("/targets/{economy}/{tid}/delete")
    async def targets_delete(request: Request, economy: str, tid: str):
        economy_or_404(economy)
        await w.form_of(request)
        org = w.org_of(request)
        t = w.store.owned_by(Target, tid, org)
        if t is None or t.economy != economy:
            raise Refused(404, "no such target")
        rest = [r for r in w.store.targets(economy, org) if r.id != tid]
        if any(r.body.get("kind") == "target" for r in rest):
            _check(economy, rest)                          # a metric still named by a target stays
        w.store.delete_owned(Target, tid, org)
        return RedirectResponse(f"/targets/{economy}", 303)

    @app.post("/targets/{economy}/track")
    async def targets_track(request: Request, economy: str):
        economy_or_404(economy)
        form = await w.form_of(request)
        org = w.org_of(request)
        rows = w.store.targets(economy, org)
        if not any(r.body.get("kind") == "target" for r in rows):
            raise Refused(400, "no target yet. Fix: add a target first")
        _check(economy, rows)
        extra = {"targets": str(targets_file(w.home, economy, rows))}
        job = await asyncio.to_thread(w.submit, lens("monitor"), {"csrf": form.get("csrf", [])}, w.user_of(request),
                                      extra, org)
        return RedirectResponse(f"/jobs/{job.id}", 303)
