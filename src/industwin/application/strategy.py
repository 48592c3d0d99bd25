"""The strategy report: diagnosis across the five grand challenges, peers, recommendations, consultation — for one
economy, or for every economy of a table at once (``all``: reports in parallel on Dask, plus an index page)."""

from __future__ import annotations

import contextlib
import functools
import os
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import Field

from industwin.application.common import TableRequest, need_regions
from industwin.application.outputs import Output
from industwin.application.progress import Progress
from industwin.application.result import Result
from industwin.data.schema import PathArg
from industwin.errors import SelectionError

__all__ = ["ReportRequest"]


class ReportRequest(TableRequest):
    """The strategy report of one economy (HTML and, unless ``pdf`` is false, the PDF beside it), or with
    ``all`` of every economy of the table into the folder ``out`` with an index page ranking them."""

    economy: str | None = Field(None, min_length=1)    # one report: DEU unless given; none with ``all``
    peers: list[str] | None = Field(None, min_length=1)
    survey: PathArg | None = None
    risk: PathArg | None = None
    readiness: PathArg | None = None
    targets: PathArg | None = None
    pipeline: PathArg | None = None
    technology: PathArg | None = None
    emissions: str | None = Field(None, min_length=1)
    employment: str | None = Field(None, min_length=1)
    all: bool = False
    dask: bool = True
    out: PathArg | None = None
    pdf: bool = True

    def _year(self) -> int | None:
        from industwin.data.registry import DATASETS
        ds = DATASETS.get(self.source.lower())
        return self.year if self.year is not None else (ds.default_year if ds else None)

    @property
    def html_path(self) -> Path:
        if self.out is not None:
            return self.out
        y = self._year()
        if self.all:
            return Path(f"industwin-reports{'' if y is None else f'-{y}'}")
        return Path(f"industwin-report-{self.focus}{'' if y is None else f'-{y}'}.html")

    @property
    def focus(self) -> str:
        """The economy of a single report (DEU unless given)."""
        return self.economy or "DEU"

    def check(self) -> None:
        super().check()
        if self.all and self.survey is not None:
            raise SelectionError(f"--survey {self.survey}: a survey belongs to one economy's report, --all writes "
                                 "every economy's. Fix: drop one of them")
        for name in ("readiness", "targets", "pipeline", "technology"):
            if self.all and getattr(self, name) is not None:
                raise SelectionError(f"--{name} {getattr(self, name)}: it belongs to one economy's report, --all "
                                     "writes every economy's. Fix: drop one of them")
        if self.all and self.economy is not None:
            raise SelectionError(f"--economy {self.economy}: --all writes every economy's report. Fix: drop one of "
                                 "them")
        if self.all and self.peers is not None:
            raise SelectionError("--all compares every economy with all the others; --peers would change the peer set "
                                 "of each. Fix: drop --peers")

    def inputs(self) -> list[Path]:
        return [p for p in (self.survey, self.risk, self.readiness, self.targets, self.pipeline, self.technology)
                if p is not None]

    def _scaleup_inputs(self) -> dict:
        """The challenge-3 files, read and checked before the long work."""
        got: dict = {}
        if self.readiness is not None:
            from industwin.data.readiness import read_assessments
            got["assessments"] = read_assessments(self.readiness)
        if self.pipeline is not None:
            from industwin.strategy.pipeline import read_register
            got["register"] = read_register(self.pipeline)
        if self.targets is not None:
            from industwin.strategy.monitoring import read_targets
            t = read_targets(self.targets)
            if t.economy not in (None, self.focus):
                raise SelectionError(f"--targets {self.targets}: the targets are {t.economy}'s, the report "
                                     f"{self.focus}'s. Fix: give {self.focus}'s targets or --economy {t.economy}")
            got["targets"] = t
        if self.technology is not None:
            from industwin.analysis.technology.scenario import read_technology_scenario
            sc = read_technology_scenario(self.technology)
            if self.focus not in sc.regions:
                raise SelectionError(f"--technology {self.technology}: the scenario is adopted by "
                                     f"{', '.join(sc.regions)}, the report is {self.focus}'s. Fix: a scenario whose "
                                     f"region is {self.focus}")
            got["technology"] = sc
        return got

    def outputs(self) -> list[Output]:
        if self.all:
            return [Output(self.html_path, "folder", "--out")]
        return [Output(self.html_path, "file", "--out", (".html", ".htm"), (".pdf",) if self.pdf else ())]

    def _satellites(self) -> dict[str, str]:
        return {k: v for k, v in (("emissions", self.emissions), ("employment", self.employment)) if v is not None}

    def _past(self, m, progress: Progress):
        """The same named dataset five years earlier, when it has that year (declining sectors)."""
        from industwin.data.registry import DATASETS
        ds = DATASETS.get(self.source.lower())
        if ds is None or m.year is None or m.year - 5 not in ds.years:
            return None
        return self.load(progress, year=m.year - 5)

    def _history_years(self, m) -> list[int]:
        """The other years of the named dataset the report uses (neighbours, 5 and 10 years before)."""
        from industwin.data.registry import DATASETS
        from industwin.strategy.report import history_years
        ds = DATASETS.get(self.source.lower())
        return [] if ds is None else history_years(m.year, ds.years)

    def compute(self, progress: Progress) -> Result:
        from industwin.strategy.consultation import read_responses
        responses = None if self.survey is None else read_responses(self.survey)     # read before the long work
        scaleup = self._scaleup_inputs()
        risk = None if self.risk is None else _read_risk(self.risk)
        res = Result()
        m = self.load(progress, res)
        need_regions(m, "a diagnosis against peer economies")
        if "assessments" in scaleup:
            from industwin.data.readiness import check_assessments
            check_assessments(scaleup["assessments"], m.regions, m.sectors, self.source)
        if "register" in scaleup:
            from industwin.strategy.pipeline import check_register
            check_register(scaleup["register"], m.regions, m.sectors, self.source)
        if "targets" in scaleup:
            from industwin.data.registry import DATASETS
            from industwin.strategy.monitoring import check_baselines, check_targets
            check_targets(m, scaleup["targets"], str(self.targets))
            ds = DATASETS.get(scaleup["targets"].dataset)
            if ds is not None:
                check_baselines(scaleup["targets"], list(ds.years), str(self.targets))
        if risk is not None:
            _check_risk(risk, m)
        past = self._past(m, progress)
        if self.all:
            return self._all(m, past, risk, progress, res)
        from industwin.strategy.report import build_report
        from industwin.viz.report import report_html, report_pdf
        years = self._history_years(m)
        history = {y: (past if past is not None and y == past.year else self.load(progress, year=y)) for y in years}
        n = len([r for r in m.regions if r != "RoW"])
        with progress.task(f"diagnosing {self.focus} against its peers ({m.year}, and {len(years)} other years for "
                           "trends and checks), running the what-ifs", total=n) as t:
            rep = build_report(m, self.focus, peers=self.peers, past=past, satellites=self._satellites(),
                               risk=risk, survey=responses, source=self.source, history=history,
                               progress=lambda k: t.update(completed=k), **scaleup)
        res.title = f"{self.focus} {m.year or ''}: strategy diagnosis"
        res.line("Material findings, ranked:" if rep.recommendations else "Findings:")
        for p in rep.summary_points():
            res.line(f"• {p}")
        res.line("Key figures:")
        for p in rep.key_figures():
            res.line(f"• {p}")
        if rep.scaleup is not None:
            res.line("Scale-up and implementation (challenge 3):")
            for p in rep.scaleup.key_figures():
                res.line(f"• {p}")
        d = rep.diagnosis.table
        res.show("indicators against peers", d[d["available"]][["challenge", "value", "peer_median", "percentile"]],
                 25, "{:,.3g}")
        res.notes.extend(rep.caveats)
        with progress.task("writing the report (HTML, PDF with charts)"):
            html = report_html(rep)
            pdf = report_pdf(rep) if self.pdf else None

        def write(html_tmp: Path, pdf_tmp: Path | None = None) -> None:
            Path(html_tmp).write_text(html, encoding="utf-8")
            if pdf_tmp is not None and pdf is not None:
                Path(pdf_tmp).write_bytes(pdf)
        res.writes["--out"] = write
        res.data["report"] = rep
        return res

    # ------------------------------------------------------------------ every economy
    def _all(self, m, past, risk, progress: Progress, res: Result) -> Result:
        from industwin.strategy.indicators import diagnosis_inputs
        from industwin.viz.pages import plotly_js
        economies = [r for r in m.regions if r != "RoW"]
        sats = self._satellites()
        inputs = diagnosis_inputs(m, sats, risk, past)
        chunks = [economies[i::_workers(self.dask)] for i in range(_workers(self.dask))]
        job = dict(source=self.source, year=m.year, unit=self.unit, allow_negative=self.allow_negative,
                   past_year=None if past is None else past.year, risk=risk, satellites=sats, pdf=self.pdf)
        on = " on Dask" if len(chunks) > 1 else ""
        years = self._history_years(m)
        local = {"table": m, "past": past}
        variants = [("main", m.year), *(("year", y) for y in years), ("rounded", m.year)]
        with _cluster(len(chunks)) as client:     # one cluster for both steps; each worker loads the tables once
            with progress.task(f"indicators of {len(economies)} economies in {m.year}, {len(years)} other years and "
                               f"the rounding check{on}"):
                parts = _map(client, _matrix_part, [dict(job, regions=c, variant=v, at=y, years=years)
                                                    for v, y in variants for c in chunks], local)
            k = len(chunks)
            mats = {}
            for i, (v, y) in enumerate(variants):
                got = parts[i * k:(i + 1) * k]
                if any(p is None for p in got):
                    continue
                mats[(v, y)] = (pd.concat([p for p, _ in got], axis=1)[economies],
                                {kk: vv for _, e in got for kk, vv in e.items()})
            P, evidence = mats[("main", m.year)]
            history = {y: mats[("year", y)][0] for _, y in variants[1:-1] if ("year", y) in mats}
            rounded = mats[("rounded", m.year)][0] if ("rounded", m.year) in mats else False
            with progress.task(f"writing {len(economies)} reports (HTML, PDF with charts, what-ifs run){on}"):
                pages = _map(client, _render_part, [dict(job, economies=c, matrix=(P, evidence), history=history,
                                                         rounded=rounded) for c in chunks], local)
        docs = {e: d for part in pages for e, d in part.items()}
        index = _index_table(P, docs)
        from industwin.viz.report import index_html
        html = index_html(index, P, m, inputs, pdf=self.pdf)
        res.title = f"Strategy reports of {len(economies)} economies, {m.name} {m.year or ''}"
        key = [c for c in ("findings", "emission_intensity_va", "footprint_ratio", "critical_input_concentration",
                           "medium_high_tech_va_share", "foreign_demand_jobs_share") if c in index.columns]
        res.show("economies (findings; percentile among the others on key indicators, 1 = highest; all in index.csv)",
                 index[key], 45, "{:,.2f}")
        res.notes.extend(inputs.caveats)
        js = plotly_js()

        def write(folder: Path) -> None:
            folder = Path(folder)
            (folder / "plotly.min.js").write_text(js, encoding="utf-8")
            for e, (h, pdf, _) in docs.items():
                (folder / f"{e}.html").write_text(h, encoding="utf-8")
                if pdf is not None:
                    (folder / f"{e}.pdf").write_bytes(pdf)
            (folder / "index.html").write_text(html, encoding="utf-8")
            index.to_csv(folder / "index.csv")
        res.writes["--out"] = write
        res.data["index"] = index
        res.data["matrix"] = P
        return res


def _workers(dask: bool) -> int:
    return max(1, min(os.cpu_count() or 1, 8)) if dask else 1


def _read_risk(path) -> pd.Series:
    from industwin.data.io import read_sector_values
    return read_sector_values(path, "risk-score file", "score", minimum=0.0,
                              fix="give each country-sector a score ≥ 0")


def _check_risk(risk: pd.Series, m) -> None:
    """Every scored (region, sector) is one of the table's (a country-sector not listed scores 0)."""
    from industwin.errors import DataError, plain_list
    unknown = risk.index[~risk.index.isin(m.index)]
    if len(unknown):
        raise DataError(f"{risk.attrs.get('source', 'risk scores')}: {len(unknown)} (region, sector) pair(s) not in "
                        f"{m.name or 'the table'}, e.g. {plain_list(list(unknown), 3)}. Fix: use its regions "
                        f"({plain_list(list(m.regions), 6)}) and sectors ({plain_list(list(m.sectors), 6)}); a "
                        "country-sector not listed scores 0")


@functools.lru_cache(maxsize=4)
def _load(source: str, year: int | None, unit: str | None, allow_negative: bool):
    from industwin.data.registry import load
    return load(source, year, unit=unit, allow_negative=allow_negative)


def _tables(job: dict, local, year: int | None = None):
    """The table of ``year`` (default: the job's) and, for the job's year, the table five years earlier: the
    caller's when it has them, else loaded from the source once per worker process."""
    year = job["year"] if year is None else year
    if local is not None and year == job["year"]:
        return local["table"], local["past"]
    m = _load(job["source"], year, job["unit"], job["allow_negative"])
    past = None if job["past_year"] is None or year != job["year"] else \
        _load(job["source"], job["past_year"], job["unit"], job["allow_negative"])
    return m, past


def _matrix_part(job: dict, local=None):
    """Indicator values of the job's regions: on the table (``variant`` main), on the table of another year, or on
    the table with its cells moved within their rounding (None when its cells are not rounded)."""
    from industwin.strategy.diagnosis import history_inputs
    from industwin.strategy.indicators import diagnosis_inputs, indicator_matrix
    from industwin.strategy.materiality import rounded_table
    variant = job.get("variant", "main")
    m, past = _tables(job, local, job.get("at"))
    if variant == "year":                  # the same satellites where that year's table has them, its own past
        base, _ = _tables(job, local)
        before = job["at"] - 5
        inputs = history_inputs(diagnosis_inputs(base, job["satellites"], job["risk"]), m,
                                _tables(job, local, before)[0] if before in job["years"] else None)
    else:
        inputs = diagnosis_inputs(m, job["satellites"], job["risk"], past)
    if variant == "rounded":
        m = rounded_table(m)
        if m is None:
            return None
    return indicator_matrix(m, job["regions"], inputs)


def _render_part(job: dict, local=None) -> dict:
    from industwin.strategy.report import build_report
    from industwin.viz.report import report_html, report_pdf
    m, past = _tables(job, local)
    P, evidence = job["matrix"]
    out = {}
    for e in job["economies"]:
        rep = build_report(m, e, past=past, satellites=job["satellites"], risk=job["risk"], source=job["source"],
                           matrix=(P, evidence), history=job.get("history"), rounding=job.get("rounded", False))
        out[e] = (report_html(rep, shared_js=True), report_pdf(rep) if job["pdf"] else None,
                  [r.rule.id for r in rep.recommendations])
    return out


def _cluster(workers: int):
    """A Dask client of ``workers`` processes (:func:`industwin.parallel.dask_client`), or None for one."""
    if workers < 2:
        return contextlib.nullcontext(None)
    from industwin.parallel import dask_client
    return dask_client("distributed", workers)


def _map(client, fn, jobs: list[dict], local) -> list:
    """Run ``fn`` on each job: in this process with the caller's tables (no client), or as Dask tasks whose
    workers load the table from its source (the same code runs on a cluster's Client)."""
    if client is None:
        return [fn(j, local) for j in jobs]
    return client.gather(client.map(fn, jobs, pure=False))


def _index_table(P: pd.DataFrame, docs: dict) -> pd.DataFrame:
    """Economies × indicators: each economy's percentile among all the others — the share of the other economies
    (with a value) whose value is lower, as in the reports — and the findings of its report."""
    out = {}
    for ind, v in P.iterrows():
        v = v.astype(float)
        ok = v.dropna()
        if len(ok) < 2:
            continue
        below = np.asarray([(ok < x).sum() for x in v.to_numpy()], dtype=float) / (len(ok) - 1)
        out[ind] = pd.Series(np.where(np.isfinite(v.to_numpy()), below, np.nan), index=v.index)
    ranks = pd.DataFrame(out)
    ranks["findings"] = [len(docs[e][2]) if e in docs else np.nan for e in ranks.index]
    ranks.index.name = "economy"
    return ranks.sort_values("findings", ascending=False)


def consultation_agreement(responses) -> pd.DataFrame:
    """Agreement per priority and stakeholder group of consultation answers (a file or a table with respondent,
    group, priority, score), as the report shows it (:func:`industwin.strategy.consultation.aggregate`)."""
    from industwin.strategy.consultation import aggregate, read_responses
    return aggregate(read_responses(responses))
