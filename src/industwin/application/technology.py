"""Requests on technology scale-up and a strategy's implementation: economic complexity and diversification
opportunities on the world table, a technology's adoption along an S-curve against the baseline, a technology
pipeline's funding by readiness level, and tracking a strategy's targets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from pydantic import Field

from industwin.application.common import TableRequest, folder_writer, need_regions, table_label, version
from industwin.application.outputs import Output
from industwin.application.progress import Progress
from industwin.application.result import Result
from industwin.application.runner import Request
from industwin.data.schema import PathArg
from industwin.errors import SelectionError

__all__ = ["ComplexityRequest", "MonitorRequest", "PipelineRequest", "TechnologyRequest", "monitoring_result"]


class ComplexityRequest(TableRequest):
    """Economic complexity on the world table: each economy's revealed comparative advantage from its exports by
    sector, the Economic Complexity Index (ECI) and the sectors' PCI, proximity, density and opportunity gain, the
    economy's diversification opportunities, its ECI over the years and the Atlas ECI beside it."""

    economy: str = Field("DEU", min_length=2, max_length=8)
    years: list[int] | None = Field(None, min_length=1, max_length=60)
    top: int = Field(10, ge=1, le=1000)
    html: PathArg = Path("industwin-complexity.html")

    def outputs(self) -> list[Output]:
        return [Output(self.html, "file", "--html", (".html", ".htm"))]

    def compute(self, progress: Progress) -> Result:
        from industwin.analysis import complexity as cx
        from industwin.data.atlas import read_atlas_eci
        from industwin.data.mrio import economies
        from industwin.viz.pages import page_html
        from industwin.viz.scaleup import eci_figure, opportunities_figure
        res = Result()
        m = self.load(progress, res)
        need_regions(m, "economic complexity (exports between economies)")
        eco = self.economy.upper()
        if eco not in economies(m.regions):
            raise SelectionError(f"--economy {self.economy}: not an economy of {table_label(m)}. Fix: one of "
                                 f"{', '.join(r for r in m.regions if r != 'RoW')}")
        with progress.task("comparative advantage, ECI, PCI, proximity, density, opportunity gain"):
            c = cx.complexity(m)
        eci = c.eci[economies(c.eci.index)].sort_values(ascending=False)      # RoW: world totals, no rank
        rank = int(eci.index.get_loc(eco)) + 1
        res.title = f"{eco}: economic complexity, {table_label(m)}"
        res.line(f"ECI of {eco}: **{c.eci[eco]:+.2f}**, rank **{rank}** of {len(eci)} economies (exports of goods "
                 f"by sector in {table_label(m)}; standardised within the year).")
        tab = c.table(eco)
        opp = cx.opportunities(c, eco, self.top)
        res.show(f"{eco}: diversification opportunities (sectors without comparative advantage, ranked by density, "
                 "PCI and opportunity gain)", opp, self.top, "{:,.3g}")
        res.show(f"{eco}: every sector (exports in {m.unit})", tab, 40, "{:,.3g}")
        over = None
        if self.years:
            from industwin.data.registry import DATASETS
            ds = DATASETS.get(self.source.lower())
            if ds is None:
                raise SelectionError("--years needs a named dataset with several years (e.g. wiod2013). Fix: drop "
                                     "--years or use --source wiod2013")
            bad = sorted(set(self.years) - set(ds.years))
            if bad:
                raise SelectionError(f"--years: {self.source} has no {', '.join(map(str, bad))}. Fix: choose among "
                                     f"{min(ds.years)}–{max(ds.years)}")
            tables = {}
            with progress.task(f"the ECI of {len(self.years)} years", total=len(self.years)) as t:
                for i, y in enumerate(sorted(self.years)):
                    tables[y] = m if y == m.year else self.load(Progress(), year=y)
                    t.update(completed=i + 1)
            over = cx.over_years(tables)
            res.show("ECI by year (every economy)", over.loc[eci.index], 45, "{:+.2f}")
        atlas = read_atlas_eci()
        side = None
        if over is not None:
            side = cx.beside_atlas(over, atlas, eco)
        corr = cx.atlas_rank_correlation(eci, atlas)
        res.line(f"Against the Atlas of Economic Complexity (goods trade, {corr['year']}): Spearman rank correlation "
                 f"**{corr['rho']:.2f}** over {corr['n']} economies in both. The twin's ECI rests on the exports "
                 f"of {len(c.pci)} goods sectors, the Atlas's on about 1,200 products.")
        figs = [opportunities_figure(tab, eco, opp.index)]
        if over is not None:
            figs.insert(0, eci_figure(over, eco, side["atlas"] if side is not None and "atlas" in side else None))
        tables = {f"{eco}: opportunities": opp, f"{eco}: sectors": tab, "ECI of every economy": eci.to_frame()}
        if over is not None:
            tables["ECI by year"] = over
        html = page_html(res.title, figs, tables, f"{m.meta.get('source', m.name)}. Hidalgo & Hausmann (2009); "
                         f"Hausmann et al. (2014). Checked against the ecomplexity package. Generated by industwin "
                         f"{version()}.", fmt="{:,.4g}")
        res.writes["--html"] = lambda p: Path(p).write_text(html, encoding="utf-8")
        res.data.update(complexity=c, opportunities=opp, over_years=over)
        return res


class TechnologyRequest(Request):
    """A technology's adoption along an S-curve (changed input recipe, labour, emissions and capital of a sector)
    from the table's year to the horizon, against the baseline: output, value added, jobs, emissions and
    investment by year."""

    scenario: PathArg
    out: PathArg = Path("industwin-technology")

    def outputs(self) -> list[Output]:
        return [Output(self.out, "folder", "--out")]

    def compute(self, progress: Progress) -> Result:
        from industwin.analysis.technology import run_technology, summary
        from industwin.analysis.technology.scenario import read_technology_scenario
        from industwin.viz.pages import page_html
        from industwin.viz.scaleup import technology_figure, technology_view
        res = Result()
        sc = read_technology_scenario(self.scenario)
        with progress.task(f"{sc.name}: {sc.table.year}–{sc.horizon}, scenario and baseline"):
            r = run_technology(None, sc, source=str(self.scenario))
        s = summary(r)
        res.title = sc.name
        t = r.table
        u = t.attrs.get("units", {})
        eco = ", ".join(t.attrs.get("regions", []))
        parts = [f"{k.split(',')[0]} of {eco} **{s[k]:+,.4g}** {u.get(k.split(' change')[0], '')} "
                 f"({s[k.replace(' change,', ' change %,')]:+.2f} %)"
                 for k in ("emissions change, economy", "jobs change, economy", "value added change, economy")
                 if k in s and np.isfinite(s[k])]
        res.line(f"By {int(s['year'])}, adoption reaches **{s['adoption']:.0%}** of the scope. Against the baseline: "
                 + "; ".join(parts) + f"; cumulative investment **{s['cumulative investment']:,.0f}** "
                 f"{u.get('investment', '')}.")
        res.show("the numbers at the horizon", s.to_frame("value"), 30, "{:,.4g}")
        view = technology_view(t)
        res.show("by year, change against the baseline (every 5 years and the horizon)", view, 20, "{:,.4g}")
        res.notes.extend(t.attrs.get("notes", []))
        flat = t.copy()
        flat.columns = [" | ".join(c) for c in t.columns]
        html = page_html(sc.name, [technology_figure(t, f"{sc.name}: against the baseline")],
                         {"At the horizon": s.to_frame("value"), "By year": view},
                         f"{sc.description or ''} Base table {t.attrs.get('base_year', '')}; "
                         f"{'; '.join(t.attrs.get('notes', []))}. Generated by industwin {version()}.", fmt="{:,.4g}")
        res.writes["--out"] = folder_writer({"years.csv": flat, "summary.csv": s.to_frame("value"),
                                             "page.html": html})
        res.data.update(result=r, summary=s)
        return res


class PipelineRequest(Request):
    """A technology pipeline: technologies with their readiness level (TRL 1–9, Horizon Europe), sector, expected
    market year and funding by stage, public and private; where public funding stops and private money is missing
    before TRL 7–9."""

    technologies: PathArg
    economy: str | None = Field(None, pattern=r"^[A-Za-z]{3}$")
    source: str = Field("wiod2013", min_length=1)       # the table whose economies and sectors the register uses
    private_ratio: float = Field(0.5, ge=0, le=100)
    public_drop: float = Field(0.25, ge=0, le=1)
    out: PathArg = Path("industwin-pipeline")

    def outputs(self) -> list[Output]:
        return [Output(self.out, "folder", "--out")]

    def compute(self, progress: Progress) -> Result:
        from industwin.strategy import pipeline as pl
        from industwin.viz.pages import page_html
        from industwin.viz.scaleup import funding_figure
        res = Result()
        from industwin.data.registry import load
        reg = pl.read_register(self.technologies)
        with progress.task(f"checking the economies and sectors against {self.source}"):
            m = load(self.source)
        pl.check_register(reg, m.regions, m.sectors, self.source)
        if self.economy is not None:
            eco = self.economy.upper()
            if eco not in set(reg["economy"]):
                raise SelectionError(f"--economy {eco}: {Path(self.technologies).name} has no technology there. Fix: "
                                     f"one of {', '.join(sorted(set(reg['economy'])))}")
            reg = reg[reg["economy"] == eco]
        by = pl.funding_by_stage(reg)
        stops = pl.funding_stops(reg)
        vod = pl.valley_of_death(reg, self.private_ratio, self.public_drop)
        summ = pl.pipeline_summary(reg, self.private_ratio, self.public_drop)
        res.title = f"Technology pipeline: {len(reg)} technologies"
        flagged = vod[vod["flag"]]
        res.line(f"**{len(flagged)}** of {len(reg)} technologies sit in the valley of death: in development (TRL 4–6) "
                 "where public funding ends and private money for demonstration and deployment (TRL 7–9) falls "
                 f"short{': ' + ', '.join(flagged.index) if len(flagged) else ''}.")
        flat = by.copy()
        flat.columns = [f"{a} {b}" for a, b in by.columns]
        res.show("funding by stage and source (each row in its own unit)",
                 flat[[c for c in flat.columns if not c.endswith("total")]], 30, "{:,.4g}")
        res.show("valley-of-death check", vod[[c for c in ("trl", "unit", "public_ends", "private_short", "flag",
                                                          "shortfall") if c in vod]], 30, "{:,.3g}")
        res.show("summary", summ.astype(str).to_frame("value"), 40, "{}")
        html = page_html(res.title, [funding_figure(by, "Funding by stage, public and private")],
                         {"Funding by stage": by, "Where public funding stops": stops, "Valley-of-death check": vod,
                          "Readiness levels (Horizon Europe)": pl.trl_levels()},
                         f"{Path(self.technologies).name}. TRL: Horizon Europe Work Programme, General Annex B. "
                         f"Generated by industwin {version()}.", fmt="{:,.4g}")
        res.writes["--out"] = folder_writer({"funding.csv": by, "stops.csv": stops, "valley_of_death.csv": vod,
                                             "page.html": html})
        res.data.update(register=reg, funding=by, valley=vod, summary=summ)
        return res


class MonitorRequest(Request):
    """Monitoring a strategy's implementation: each target (an indicator of the twin or a programme metric)
    tracked over the table's years, its status against the straight-line path from baseline to target, and what
    changed in the targeted sectors against peers, with the caveats of such a comparison."""

    targets: PathArg
    out: PathArg = Path("industwin-monitoring")

    def outputs(self) -> list[Output]:
        return [Output(self.out, "folder", "--out")]

    def compute(self, progress: Progress) -> Result:
        from industwin.strategy.monitoring import read_targets
        t = read_targets(self.targets)
        return monitoring_result(t, progress, self.targets)


def monitoring_result(t, progress: Progress, source: Path | str) -> Result:
    """Track targets (:func:`~industwin.strategy.monitoring.track`) and lay out the result: status, what
    changed, the page."""
    from industwin.data.registry import DATASETS, load
    from industwin.strategy.monitoring import check_baselines, check_targets, track
    from industwin.viz.pages import page_html
    from industwin.viz.scaleup import targets_figure
    res = Result()
    ds = DATASETS.get(t.dataset)
    if ds is None:
        raise SelectionError(f"{source}: field 'dataset': unknown dataset {t.dataset!r}. Fix: one of "
                             f"{', '.join(DATASETS)} (tracking needs a named dataset with several years)")
    years = sorted(ds.years)
    if len(years) < 2:
        raise SelectionError(f"{source}: field 'dataset': {t.dataset} has one year ({years[0]}), nothing to track. "
                             "Fix: a dataset with several years, e.g. wiod2013")
    check_baselines(t, years, str(source))
    cache: dict[int, object] = {}
    with progress.task(f"tracking {len(t.targets)} targets over {years[0]}–{years[-1]}", total=len(years)) as bar:
        def get(y: int):
            if y not in cache:
                cache[y] = load(t.dataset, y)
                if len(cache) == 1:
                    check_targets(cache[y], t, str(source))
                bar.update(completed=len(cache))
            return cache[y]
        tr = track(t, get, years)
    st = tr.status
    res.title = f"{t.strategy}: monitoring {len(st)} targets"
    counts = st["status"].value_counts()
    res.line("Status: " + ", ".join(f"**{v}** {k}" for k, v in counts.items()) + ".")
    from industwin.viz.report_scaleup import changes_view, status_view
    res.show("targets: status (latest value against the straight-line path from baseline to target)",
             status_view(st), 30, "{:,.4g}")
    if len(tr.changes):
        res.show("what changed: growth a year of the targeted sectors and their comparison groups, before and after "
                 "the baseline (difference in differences)", changes_view(tr.changes), 30, "{:,.3g}")
    res.notes.extend(tr.caveats)
    html = page_html(res.title, [targets_figure(tr.values, st)],
                     {"Status": st, "What changed": tr.changes, "Values by year": tr.values},
                     f"{Path(source).name}; dataset {t.dataset}. {' '.join(tr.caveats)} Generated by industwin "
                     f"{version()}.", fmt="{:,.4g}")
    res.writes["--out"] = folder_writer({"status.csv": st, "what_changed.csv": tr.changes,
                                         "values.csv": tr.values, "page.html": html})
    res.data.update(tracking=tr, targets=t)
    return res


