"""The strategy report: diagnosis across the five grand challenges, peers, recommendations, consultation."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from industwin.application.common import TableRequest, need_regions
from industwin.application.outputs import Output
from industwin.application.progress import Progress
from industwin.application.result import Result
from industwin.data.schema import PathArg

__all__ = ["ReportRequest"]


class ReportRequest(TableRequest):
    """The strategy report of one economy (HTML and, unless ``pdf`` is false, the PDF beside it)."""

    economy: str = Field("DEU", min_length=1)
    peers: list[str] | None = Field(None, min_length=1)
    survey: PathArg | None = None
    out: PathArg | None = None
    pdf: bool = True

    @property
    def html_path(self) -> Path:
        if self.out is not None:
            return self.out
        from industwin.data.registry import DATASETS
        ds = DATASETS.get(self.source.lower())
        year = self.year if self.year is not None else (ds.default_year if ds else None)
        return Path(f"industwin-report-{self.economy}{'' if year is None else f'-{year}'}.html")

    def outputs(self) -> list[Output]:
        return [Output(self.html_path, "file", "--out", (".html", ".htm"), (".pdf",) if self.pdf else ())]

    def compute(self, progress: Progress) -> Result:
        from industwin.strategy.consultation import read_responses
        from industwin.strategy.report import build_report
        responses = None if self.survey is None else read_responses(self.survey)     # read before the long work
        res = Result()
        m = self.load(progress, res)
        need_regions(m, "a diagnosis against peer economies")
        n = (len(self.peers) if self.peers else len(m.regions) - 2) + 1
        with progress.task(f"diagnosing {self.economy} and its peers", total=n) as t:
            rep = build_report(self.economy, m.year, self.source, self.peers, responses, mrio=m,
                               progress=lambda k: t.update(completed=k))
        res.title = f"{self.economy} {m.year or ''}: strategy diagnosis"
        for p in rep.summary_points():
            res.line(f"• {p}")
        d = rep.diagnosis.table
        res.show("indicators against peers", d[d["available"]][["challenge", "value", "peer_median", "percentile"]], 20,
                 "{:,.3g}")
        with progress.task("writing the report (HTML, PDF)"):
            html = rep.html()
            pdf = rep.pdf() if self.pdf else None

        def write(html_tmp: Path, pdf_tmp: Path | None = None) -> None:
            Path(html_tmp).write_text(html, encoding="utf-8")
            if pdf_tmp is not None and pdf is not None:
                Path(pdf_tmp).write_bytes(pdf)
        res.writes["--out"] = write
        res.data["report"] = rep
        return res
