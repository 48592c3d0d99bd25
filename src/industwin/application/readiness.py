"""Requests on readiness: companies' self-assessments (benchmark against peers, priorities, the confidential
table by sector, region or size class) and the Industry 4.0 readiness of EU NUTS-2 regions."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import Field

from industwin.application.common import folder_writer, table_output, table_writer, version
from industwin.application.outputs import Output
from industwin.application.progress import Progress
from industwin.application.result import Result
from industwin.application.runner import Request
from industwin.data.schema import PathArg
from industwin.errors import SelectionError

__all__ = ["ReadinessRequest", "RegionRequest"]

Group = Literal["sector", "size_class", "region", "nuts2"]
GROUP_WORDS = {"sector": "sector", "size_class": "size class", "region": "economy", "nuts2": "NUTS-2 region"}


class ReadinessRequest(Request):
    """Companies' readiness self-assessments (16 dimensions, bands 0–5): the table of mean bands by sector,
    economy, NUTS-2 region or size class with confidential cells suppressed, and for one ``company`` its
    benchmark against its peers and its priorities (gap to the peers' best × its KPI weights)."""

    assessments: PathArg
    weights: PathArg | None = None
    source: str = Field("wiod2013", min_length=1)       # the table whose economies and sectors the file uses
    company: str | None = Field(None, min_length=1, max_length=120)
    economy: str | None = Field(None, pattern=r"^[A-Za-z]{3}$")
    by: Group = "sector"
    peers: list[Group] = Field(default_factory=lambda: ["sector"], max_length=4)
    best: Literal["max", "p90"] = "max"
    out: PathArg = Path("industwin-readiness")

    def check(self) -> None:
        if self.weights is not None and self.company is None:
            raise SelectionError("--weights are a company's KPI weights: they set its priorities. Fix: give "
                                 "--company too")

    def outputs(self) -> list[Output]:
        return [Output(self.out, "folder", "--out")]

    def compute(self, progress: Progress) -> Result:
        from industwin.analysis import readiness as rd
        from industwin.data.readiness import (
            check_assessments,
            check_weights,
            load_model,
            read_assessments,
            read_kpi_weights,
        )
        from industwin.data.registry import load
        from industwin.viz.pages import page_html
        from industwin.viz.scaleup import priorities_figure, readiness_figure
        res = Result()
        model = load_model()
        a = read_assessments(self.assessments, model=model)
        w = read_kpi_weights(self.weights, model) if self.weights is not None else None
        with progress.task(f"checking the economies and sectors against {self.source}"):
            m = load(self.source)
        check_assessments(a, m.regions, m.sectors, self.source)
        if w is not None:
            check_weights(w, a)
        if self.economy is not None:
            eco = self.economy.upper()
            if eco not in set(a["region"]):
                raise SelectionError(f"--economy {eco}: {Path(self.assessments).name} has no company there. Fix: "
                                     f"choose one of {', '.join(sorted(set(a['region'])))}")
            a = a[a["region"] == eco]
        if self.company is not None and self.company not in set(a["company"]):
            some = ", ".join(sorted(set(a["company"]))[:5])
            raise SelectionError(f"--company {self.company!r} is not in {Path(self.assessments).name}"
                                 f"{' for ' + self.economy.upper() if self.economy else ''}. Fix: one of its "
                                 f"companies, e.g. {some}")
        names = model.dimensions["name"].to_dict()
        n = a["company"].nunique()
        with progress.task(f"the table by {GROUP_WORDS[self.by]} of {n} companies, with disclosure control"):
            t = rd.readiness_table(a, by=self.by, model=model)
        hidden = int(t.values.isna().to_numpy().sum())
        res.title = f"Readiness of {n} companies by {GROUP_WORDS[self.by]}"
        res.line(f"**{n}** companies, mean band by dimension and {GROUP_WORDS[self.by]}; **{hidden}** cells "
                 "suppressed (fewer than 3 companies, dominance or the p % rule, and the cells that would reveal "
                 "them).")
        res.show(f"mean band (0–5) by dimension × {GROUP_WORDS[self.by]} (empty: suppressed)", t.values, 20,
                 "{:,.2f}")
        figures = [readiness_figure(t.values, f"Mean readiness band by dimension and {GROUP_WORDS[self.by]}",
                                    names)]
        tables: dict[str, pd.DataFrame] = {"Mean band (suppressed cells empty)": t.values,
                                           "Cell status": t.status}
        files: dict[str, object] = {"table.csv": t.values, "status.csv": t.status}
        if self.company is not None:
            with progress.task(f"{self.company} against its peers"):
                b = rd.benchmark(a, by=tuple(self.peers), company=self.company, model=model)
                pr = rd.priorities(a, self.company, w, by=tuple(self.peers), best=self.best, model=model)
            b = b.droplevel(0) if isinstance(b.index, pd.MultiIndex) else b
            peers = " and ".join(GROUP_WORDS[p] for p in self.peers)
            res.show(f"{self.company} against its peers (same {peers}): band, percentile (% of peers below, ties "
                     "half), median, 90th percentile, best", b, 16, "{:,.3g}")
            res.show(f"{self.company}: priorities (priority = weight × gap to the peers' "
                     f"{'best' if self.best == 'max' else '90th percentile'})",
                     pr.set_index("dimension")[["band", "best", "gap", "weight", "priority", "rank"]], 16,
                     "{:,.3g}")
            top = pr.head(3)["name"].tolist()
            res.line(f"First priorities for {self.company}: **{', '.join(top)}**.")
            if w is None:
                res.notes.append("no --weights: every dimension weighs the same. The official prioritisation "
                                 "weights of the readiness index that inspired this model are not public; give your "
                                 "own KPI weights (company, kpi, weight)")
            figures.append(priorities_figure(pr, self.company))
            tables.update({f"{self.company}: benchmark": b, f"{self.company}: priorities": pr})
            files.update({"benchmark.csv": b, "priorities.csv": pr})
        res.notes.append("the readiness model is inspired by the structure of the Smart Industry Readiness Index "
                         "(Singapore EDB); its bands are industwin's own wording and the results are "
                         "self-assessments, not certified assessments")
        files["page.html"] = page_html(res.title, figures, tables,
                                       f"{Path(self.assessments).name}: {n} companies. Disclosure: at least 3 "
                                       "companies per cell, (2, 85) dominance, p % rule with p = 10. Generated by "
                                       f"industwin {version()}.", fmt="{:,.3g}")
        res.writes["--out"] = folder_writer(files)
        res.data["table"] = t
        return res


class RegionRequest(Request):
    """Industry 4.0 readiness of EU NUTS-2 regions (Honti, Czvetko & Abonyi 2020): a region's rank of 309 and the
    indicators that hold it back against its peers, or an economy's regions (an ISO-3 code such as DEU)."""

    region: str = Field(..., max_length=16)
    peers: Literal["country", "gdp"] = "country"
    out: PathArg | None = None

    def check(self) -> None:
        code = self.region.strip()
        if not re.fullmatch(r"[A-Za-z]{2}[A-Za-z0-9]{1,3}", code):
            raise SelectionError(f"region {self.region!r}: give a NUTS-2 code such as DE60 or an EU economy's ISO-3 "
                                 "code such as DEU")

    def outputs(self) -> list[Output]:
        return table_output(self.out)

    def compute(self, progress: Progress) -> Result:
        from industwin.analysis import readiness as rd
        res = Result()
        code = self.region.strip().upper()
        if len(code) == 3 and code.isalpha() and code[2] not in "0123456789":
            cs = rd.country_summary(code)
            if cs is not None:
                res.title = f"{code}: its NUTS-2 regions in the Industry 4.0 readiness ranking"
                res.line(f"{len(cs.regions)} regions of {code}; best **{cs.best[0]}** (rank {cs.best[1]:g} of "
                         f"{cs.n_ranked}), median rank {cs.median_rank:g}, worst {cs.worst[0]} (rank "
                         f"{cs.worst[1]:g}).")
                res.show("regions by rank (1 = most ready)", cs.regions, 50, "{:,.4g}")
                if self.peers != "country":
                    res.notes.append("--peers compares one region with its peers; for an economy every region is "
                                     "listed by rank")
                res.writes["--out"] = table_writer(cs.regions)
                res.data["summary"] = cs
                return res
        try:
            st = rd.regional_standing(code, peers=self.peers)
        except SelectionError:
            if len(code) == 3 and code.isalpha():
                raise SelectionError(f"{code}: no NUTS-2 region of this economy is in the regional readiness data "
                                     "(EU regions only). Fix: give an EU economy (e.g. DEU) or a NUTS-2 code (e.g. "
                                     "DE60)") from None
            raise
        res.title = f"{code}: Industry 4.0 readiness against its peers"
        res.line(f"{code} ranks **{st.rank:g}** of {st.n_ranked} regions (PROMETHEE; 1 = most ready).")
        res.show("key indicators against the peer regions (percentile: % of peers below; z: robust, in peer MADs, "
                 "+ = better)", st.indicators, 20, "{:,.3g}")
        if len(st.holds_back):
            res.line("Holding it back: **" + ", ".join(st.holds_back["label"].head(3)) + "**.")
        res.writes["--out"] = table_writer(st.indicators)
        res.data["standing"] = st
        return res
