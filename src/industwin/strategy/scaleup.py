"""The report's evidence on challenge 3 — scale-up and adoption of industrial technologies — and on implementing
the strategy: companies' readiness (an assessment set, aggregated under disclosure control), the economy's
regions in the Industry 4.0 readiness ranking, economic complexity and diversification opportunities on the twin
(with the Atlas ECI beside it), a technology's adoption against the baseline, the technology pipeline's funding
by readiness level and the strategy's monitored targets.

:func:`build_scaleup` computes it from what the caller gives; every part is optional except complexity and the
technology scenario, which the table alone supports. Rendering lives in :mod:`industwin.viz.report`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from industwin.data.mrio import MRIO, economies
from industwin.errors import SelectionError

__all__ = ["DEFAULT_TECHNOLOGY", "ScaleUp", "build_scaleup"]

DEFAULT_TECHNOLOGY = "h2_dri_eaf"      # the library technology a report runs when it is given no scenario


@dataclass(frozen=True)
class ScaleUp:
    """Challenge 3 and monitoring for one economy: each part None when its input was not given."""

    economy: str
    year: int | None
    eci: pd.Series                                     # every economy's ECI in the table's year
    sectors: pd.DataFrame                              # the economy's sectors: RCA, PCI, density, COG …
    opportunities: pd.DataFrame
    eci_years: pd.DataFrame | None = None              # region × year (the years the report loaded)
    atlas: pd.Series | None = None                     # the economy's Atlas ECI by year (2012 on)
    atlas_corr: Mapping[str, Any] = field(default_factory=dict)
    readiness: Any = None                              # ReadinessTable of the economy's companies, by sector
    readiness_companies: int = 0
    readiness_source: str = ""
    dimension_names: Mapping[str, str] = field(default_factory=dict)
    regions: Any = None                                # CountrySummary (EU economies)
    lagging_region: Any = None                         # RegionalStanding of the economy's lowest-ranked region
    technology: Any = None                             # TechnologyResult
    technology_summary: pd.Series | None = None
    technology_source: str = ""
    technology_note: str = ""                          # why the library's technology could not run here
    pipeline: Mapping[str, Any] | None = None          # funding, valley, summary of the economy's technologies
    pipeline_source: str = ""
    monitoring: Any = None                             # Tracking
    targets_name: str = ""
    notes: tuple[str, ...] = ()

    @property
    def economies(self) -> pd.Series:
        """The ECI of the table's economies (the rest of the world counts in the world totals, not in the rank)."""
        return self.eci[economies(self.eci.index)].sort_values(ascending=False)

    @property
    def eci_rank(self) -> int:
        return int(self.economies.index.get_loc(self.economy)) + 1

    def key_figures(self) -> list[str]:
        """The sentences the report states for challenge 3, each with what it rests on."""
        e, out = self.economy, []
        out.append(f"Economic complexity: ECI {self.eci[e]:+.2f}, rank {self.eci_rank} of {len(self.economies)} "
                   f"economies of the table in {self.year} (exports of goods by sector); first diversification "
                   "opportunities: "
                   + ", ".join(f"{s} {str(n)[:40]}" for s, n in self.opportunities["name"].head(3).items()) + ".")
        if self.atlas is not None and len(self.atlas.dropna()):
            a = self.atlas.dropna()
            out.append(f"Atlas of Economic Complexity (goods): {e} {a.iloc[0]:+.2f} in {a.index[0]}, "
                       f"{a.iloc[-1]:+.2f} in {a.index[-1]}.")
        if self.readiness is not None:
            tot = self.readiness.values["Total"].drop("Total", errors="ignore").dropna().sort_values()
            if len(tot):
                out.append(f"Readiness ({self.readiness_companies} companies' self-assessments, "
                           f"{self.readiness_source}): mean band {self.readiness.values.loc['Total', 'Total']:.1f} of "
                           f"5; weakest dimensions {', '.join(self.dimension_names.get(d, d) for d in tot.index[:3])}.")
        if self.regions is not None:
            r = self.regions
            out.append(f"Regions: {len(r.regions)} NUTS-2 regions of {e} rank from {r.best[1]:g} ({r.best[0]}) to "
                       f"{r.worst[1]:g} ({r.worst[0]}) of {r.n_ranked} in Industry 4.0 readiness.")
        if self.technology_summary is not None:
            s, u = self.technology_summary, self.technology.table.attrs.get("units", {})
            parts = []
            if "emissions change, economy" in s:                 # tables without an emissions account have none
                parts.append(f"emissions {s['emissions change %, economy']:+.2f} % "
                             f"({_amount(s['emissions change, economy'], u.get('emissions', ''), 'emissions', True)})")
            if "jobs change, economy" in s and np.isfinite(s["jobs change, economy"]):
                parts.append(f"jobs {_amount(s['jobs change, economy'], u.get('jobs', ''), 'jobs', True)}")
            va = s["value added change, economy"]
            parts.append(f"value added {_amount(va, u.get('value added', ''), 'value added', True)}")
            parts.append(f"cumulative investment {_amount(s['cumulative investment'], u.get('investment', ''), 'money')}")
            out.append(f"{self.technology.scenario.name}: by {int(s['year'])}, " + ", ".join(parts) + ".")
        elif self.technology_note:
            out.append(f"Technology scenario: {self.technology_note}")
        if self.pipeline is not None:
            v = self.pipeline["valley"]
            out.append(f"Technology pipeline: {len(v)} technologies, {int(v['flag'].sum())} in the valley of death "
                       "(public funding ends in development, private money for TRL 7–9 short).")
        if self.monitoring is not None:
            c = self.monitoring.status["status"].value_counts()
            out.append(f"Targets ({self.targets_name}): " + ", ".join(f"{v} {k}" for k, v in c.items()) + ".")
        return out


def _amount(v: float, unit: str, basis: str, signed: bool = False) -> str:
    """A figure in the unit people read (:func:`industwin.strategy.report.fmt_amount`), with its sign for a change."""
    from industwin.errors import IndustwinError
    from industwin.strategy.report import fmt_amount
    try:
        text = fmt_amount(v, unit, basis)
    except IndustwinError:                     # a unit the conversions do not know: as the table gives it
        text = f"{v:,.3g} {unit}"
    return ("+" if signed and v > 0 else "") + text


def _table_getter(mrio: MRIO, history: Mapping[int, Any] | None) -> Callable[[int], MRIO]:
    """Year → table: the report's own tables first, then the named dataset (its loader caches)."""
    from industwin.data.registry import load
    have = {mrio.year: mrio, **{y: m for y, m in (history or {}).items() if isinstance(m, MRIO)}}

    def get(y: int) -> MRIO:
        if y not in have:
            have[y] = load(mrio.name, y)
        return have[y]
    return get


def build_scaleup(mrio: MRIO, economy: str, *, history: Mapping[int, Any] | None = None,
                  assessments: pd.DataFrame | None = None, register: pd.DataFrame | None = None,
                  targets=None, technology=None, technology_id: str = DEFAULT_TECHNOLOGY,
                  regions: bool = True) -> ScaleUp:
    """The challenge-3 evidence of ``economy`` in ``mrio``.

    * Complexity (:func:`industwin.analysis.complexity.complexity`) on the table's year and on every table in
      ``history`` (year → MRIO), the Atlas ECI beside it (:func:`industwin.data.atlas.read_atlas_eci`).
    * ``assessments`` (:func:`industwin.data.readiness.read_assessments`): the economy's companies, mean band by
      dimension × sector under the disclosure rules (:func:`industwin.analysis.readiness.readiness_table`).
    * ``regions``: the economy's NUTS-2 regions (EU only) and what holds its lowest-ranked region back.
    * ``technology`` (a :class:`~industwin.analysis.technology.scenario.TechnologyScenario` adopted by the economy)
      or else the library's ``technology_id`` for the economy, run from the table's year.
    * ``register`` (:func:`industwin.strategy.pipeline.read_register`): its technologies of the economy.
    * ``targets`` (:class:`industwin.strategy.monitoring.Targets`): tracked over the dataset's years.
    """
    from industwin.analysis import complexity as cx
    from industwin.data.atlas import read_atlas_eci
    notes: list[str] = []
    c = cx.complexity(mrio)
    if economy not in c.eci.index:
        raise SelectionError(f"{economy}: not an economy of the complexity table. Fix: one of "
                             f"{', '.join(c.eci.index)}")
    tables = {y: m for y, m in (history or {}).items() if isinstance(m, MRIO)}
    eci_years = None
    if tables:
        eci_years = cx.over_years({mrio.year: mrio, **tables})
    atlas_all = read_atlas_eci()
    atlas = cx.beside_atlas(eci_years if eci_years is not None else c.eci.to_frame(mrio.year), atlas_all,
                            economy)
    atlas_s = atlas["atlas"].dropna() if "atlas" in atlas else None
    corr = cx.atlas_rank_correlation(c.eci[economies(c.eci.index)], atlas_all)
    notes.append("Complexity: revealed comparative advantage from each economy's exports of goods by sector in the "
                 "table (intermediate and final sales to other economies; agriculture, mining, manufacturing; the "
                 "rest of the world in the world totals), ECI and PCI in the eigenvector form (Hidalgo & Hausmann "
                 "2009), equal to the ecomplexity package's on the same exports; the Atlas ECI (Harvard Growth Lab, "
                 f"goods trade in about 1,200 products, 2012–2024) is a separate series — rank correlation with the "
                 f"twin's {mrio.year} ECI {corr['rho']:.2f} over {corr['n']} economies.")
    kw: dict[str, Any] = {}
    if assessments is not None:
        from industwin.analysis.readiness import readiness_table
        from industwin.data.readiness import load_model
        model = load_model()
        own = assessments[assessments["region"] == economy]
        src = str(assessments.attrs.get("source", "assessments"))
        if len(own):
            kw.update(readiness=readiness_table(own, by="sector", model=model),
                      readiness_companies=int(own["company"].nunique()), readiness_source=src.rsplit("/", 1)[-1],
                      dimension_names=model.dimensions["name"].to_dict())
            notes.append(f"Readiness: {kw['readiness_companies']} companies' self-assessments from {src} on a "
                         "16-dimension model inspired by the Smart Industry Readiness Index (own band wording); "
                         "cells with fewer than 3 companies, (2, 85) dominance or failing the p % rule (p = 10) "
                         "are suppressed.")
        else:
            notes.append(f"Readiness: {src} has no company of {economy}.")
    if regions:
        from industwin.analysis.readiness import country_summary, regional_standing
        cs = country_summary(economy)
        if cs is not None:
            kw["regions"] = cs
            try:
                kw["lagging_region"] = regional_standing(cs.worst[0])
            except SelectionError:
                pass
            notes.append("Regions: the regional Industry 4.0 readiness index of Honti, Czvetko & Abonyi (2020; "
                         "PROMETHEE rank of 309 NUTS-2 rows) and its Eurostat indicators (2008–2019).")
    from industwin.analysis.technology import run_technology, summary
    from industwin.analysis.technology.scenario import default_scenario
    from industwin.errors import IndustwinError
    given = technology is not None
    if not given:
        technology = default_scenario(economy, technology_id, base_year=mrio.year or 2011,
                                      dataset=mrio.name or "wiod2013")
        kw["technology_source"] = f"library technology {technology_id}"
    else:
        kw["technology_source"] = "scenario file"
    if economy not in technology.regions:
        raise SelectionError(f"the technology scenario {technology.name!r} is adopted by "
                             f"{', '.join(technology.regions)}, not {economy}. Fix: give a scenario for {economy}")
    try:
        r = run_technology(mrio if (technology.table.year == mrio.year) else None, technology)
    except IndustwinError as e:
        if given:                                      # the user's own scenario: its problem is theirs to fix
            raise
        first = str(e).strip().splitlines()[-1].strip(" -")  # the library's: this economy's column does not fit
        kw["technology_note"] = (f"the library's {technology_id} does not fit {economy}'s table ({first}); give a "
                                 "scenario calibrated for it with --technology")
        notes.append(f"Technology: not run — {kw['technology_note']}.")
    else:
        kw.update(technology=r, technology_summary=summary(r))
        notes.append(f"Technology: {technology.name} ({kw['technology_source']}): the sector's input recipe, labour "
                     "and emission coefficients move along a logistic adoption path; prices and final demand of the "
                     "base year; coefficients and their sources in the scenario.")
    if register is not None:
        from industwin.strategy import pipeline as pl
        own = register[register["economy"] == economy]
        src = str(register.attrs.get("source", "register")).rsplit("/", 1)[-1]
        if len(own):
            kw["pipeline"] = {"funding": pl.funding_by_stage(own), "valley": pl.valley_of_death(own),
                              "stops": pl.funding_stops(own), "summary": pl.pipeline_summary(own)}
            kw["pipeline_source"] = src
            notes.append(f"Pipeline: {len(own)} technologies of {economy} from {src}; TRL as defined in Horizon "
                         "Europe (General Annex B).")
    if targets is not None:
        from industwin.data.registry import DATASETS
        from industwin.strategy.monitoring import track
        mine = targets
        if targets.economy not in (None, economy):
            raise SelectionError(f"the targets are {targets.economy}'s, the report {economy}'s. Fix: give "
                                 f"{economy}'s targets")
        ds = DATASETS.get(targets.dataset)
        years = sorted(ds.years) if ds is not None else sorted({mrio.year, *tables})
        get = _table_getter(mrio, history) if targets.dataset == mrio.name else None
        kw["monitoring"] = track(mine, get, years) if get is not None else track(mine)
        kw["targets_name"] = targets.strategy
        notes.append(f"Monitoring: {len(targets.targets)} targets of {targets.strategy!r} tracked over "
                     f"{years[0]}–{years[-1]}; status against the straight line from baseline to target; "
                     "'what changed' compares growth before and after the baseline with peers and is no proof "
                     "of cause.")
    return ScaleUp(economy, mrio.year, c.eci, c.table(economy), cx.opportunities(c, economy, 8), eci_years,
                   atlas_s, corr, notes=tuple(notes), **kw)
