"""Requests on value chains: GVC decomposition, origins, position, exposure, extraction, suppliers, the value
chains of one economy over the years, and the main job (``demo``: profile + value chains + page)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import Field

from industwin.application.common import TableOutRequest, TableRequest, table_label, table_writer, text_writer, version
from industwin.application.outputs import Output
from industwin.application.progress import Progress
from industwin.application.result import Result
from industwin.application.runner import Request
from industwin.data.schema import PathArg, Share
from industwin.errors import SelectionError

__all__ = ["GVCRequest", "OriginRequest", "PositionRequest", "ExposureRequest", "ExtractionRequest",
           "SuppliersRequest", "ValueChainsRequest", "DemoRequest", "value_chain_lines"]



class GVCRequest(TableOutRequest):
    """Gross exports decomposed into DVA, DDC, FVA, FDC (Borin–Mancini), VAX ratio, GVC participation."""

    by: Literal["country", "sector"] = "country"
    region: str | None = None
    top: int = Field(45, ge=1, le=100_000)

    def compute(self, progress: Progress) -> Result:
        from industwin.analysis.value_chains import export_decomposition
        from industwin.data.select import regions_of
        res, m = self.start(progress, "the export decomposition")
        if self.region is not None:
            regions_of(m, self.region)
        with progress.task("decomposing gross exports"):
            table = export_decomposition(m, self.by)
        res.writes["--out"] = table_writer(table)
        view = table if self.region is None else (table.loc[[self.region]] if self.by == "country"
                                                  else table.xs(self.region, level=0, drop_level=False))
        cols = ["gross_exports", "DVA", "DDC", "FVA", "FDC", "VAX_ratio" if self.by == "country" else "DVX",
                "backward", "forward"]
        res.show(f"value added in gross exports ({table_label(m)}) [{m.unit}; shares]",
                 view[cols].sort_values("gross_exports", ascending=False), self.top)
        res.data["decomposition"] = table
        return res


class OriginRequest(TableOutRequest):
    """Where the value of a region's final products is added (foreign share and largest origins)."""

    region: str = Field(min_length=1)
    top: int = Field(35, ge=1, le=100_000)

    def compute(self, progress: Progress) -> Result:
        from industwin.analysis.value_chains import final_output_origin
        res, m = self.start(progress, "value added by origin")
        with progress.task("tracing value added to its origin"):
            o = final_output_origin(m, self.region)
        res.writes["--out"] = table_writer(o.value_added)
        sh = o.shares.drop(columns=self.region)
        t = pd.DataFrame({"name": [m.sector_label(s) for s in sh.index.get_level_values(1)],
                          "final_output": o.final_output, "foreign_share_%": 100 * o.foreign_share,
                          "top_foreign_origin": sh.idxmax(axis=1), "its_share_%": 100 * sh.max(axis=1)})
        res.show(f"value added in {self.region}'s final products ({m.year})", t.sort_values("final_output",
                                                                                            ascending=False),
                 self.top, "{:,.1f}")
        res.data["origin"] = o
        return res


class PositionRequest(TableOutRequest):
    """Upstreamness (Antràs–Chor), downstreamness and their ratio per country-sector."""

    region: str | None = None
    inventories: str | None = None
    top: int = Field(35, ge=1, le=100_000)

    def compute(self, progress: Progress) -> Result:
        from industwin.analysis.value_chains import chain_position
        from industwin.data.select import regions_of
        res = Result()
        m = self.load(progress, res)
        if self.region is not None:
            regions_of(m, self.region)
        if self.inventories is not None and self.inventories not in set(map(str, m.categories)):
            raise SelectionError(f"--inventories {self.inventories!r} is not a final-demand category of this table. "
                                 f"Fix: choose one of {', '.join(map(str, m.categories))}")
        table = chain_position(m, self.inventories)
        res.writes["--out"] = table_writer(table)
        view = table if self.region is None else table.xs(self.region, level=0, drop_level=False)
        res.show(f"position in the value chain ({m.year})", view.sort_values("upstreamness", ascending=False),
                 self.top, "{:.3f}")
        res.data["position"] = table
        return res


class ExposureRequest(TableOutRequest):
    """Tier-n exposure of a country-sector: tier 1 vs hidden tiers, concentration of each input."""

    region: str = Field(min_length=1)
    sector: str = Field(min_length=1)
    threshold: Share = 0.5
    sourcing: PathArg | None = Field(None, description="a programme's published import shares (CSV from its data "
                                                       "space): the sector's imports split as its firms report")

    def compute(self, progress: Progress) -> Result:
        from industwin.analysis.value_chains import supply_chain_exposure
        res, m = self.start(progress, "foreign exposure")
        base = None
        if self.sourcing is not None:
            from industwin.analysis.import_sourcing import read_sourcing_table, with_import_shares
            with progress.task("applying the firms' import shares"):
                rs = with_import_shares(m, self.region, [self.sector], read_sourcing_table(self.sourcing))
            base = supply_chain_exposure(m, self.region, self.sector, self.threshold)
            shares = rs.shares.sort_values(["product", "firms_share", "table_share"], ascending=[True, False, False])
            res.show("import shares of the buyers' imports, by origin: the table's and the firms' (published "
                     "aggregate; origins the firms did not report get none)",
                     shares.set_index(["product", "origin"]), 40, "{:,.3f}")
            if rs.kept:
                res.line(f"row total suppressed, the table's split kept for: {', '.join(rs.kept)}")
            m = rs.mrio
        with progress.task("tracing the supply chain tier by tier"):
            e = supply_chain_exposure(m, self.region, self.sector, self.threshold)
        label = ""
        if base is not None:
            label = " with the firms' import shares"
            both = pd.DataFrame({f"total, table [{m.unit}]": base.by_country["total"],
                                 f"total, firms' shares [{m.unit}]": e.by_country["total"]}).fillna(0.0)
            both["change [%]"] = 100 * (both.iloc[:, 1] / both.iloc[:, 0].where(both.iloc[:, 0] > 0) - 1)
            both["look-through share, table"] = base.by_country["look_through_share"]
            both["look-through share, firms' shares"] = e.by_country["look_through_share"]
            both = both.drop(index=self.region, errors="ignore").sort_values(both.columns[1], ascending=False)
            res.show("foreign origins (all tiers): the table vs the firms' import shares", both, self.top, "{:,.3f}")
        res.writes["--out"] = table_writer(e.suppliers)
        res.show(f"exposure of {self.region} {self.sector} ({m.sector_label(self.sector)}), {m.year}{label}",
                 e.summary.to_frame(f"{self.region} {self.sector} [{m.unit}; shares]"), 20, "{:,.3f}")
        res.show("foreign origins (all tiers)", e.by_country.drop(index=self.region, errors="ignore"), self.top,
                 "{:,.3f}")
        flagged = e.flagged
        res.line(f"**{len(flagged)}** input(s) where one foreign origin supplies more than {self.threshold:.0%}")
        if len(flagged):
            res.show("flagged inputs", flagged[["name", "total", "top_foreign_origin", "top_foreign_share", "hhi"]],
                     self.top, "{:,.3f}")
        res.data["exposure"] = e
        return res


class ExtractionRequest(TableOutRequest):
    """Hypothetical extraction: who loses what if a country (or country-sector) stops supplying."""

    region: str = Field(min_length=1)
    sector: str | None = None
    buyers: list[str] | None = Field(None, min_length=1)
    model: Literal["supply", "demand"] = "supply"

    def compute(self, progress: Progress) -> Result:
        from industwin.analysis.value_chains import hypothetical_extraction
        res, m = self.start(progress, None if self.sector is not None else "extracting a whole region")
        with progress.task("extracting"):
            ex = hypothetical_extraction(m, self.region, self.sector, self.buyers, self.model)
        res.writes["--out"] = table_writer(ex.by_region)
        w = ex.world
        res.line(f"If {ex.supplier} stopped supplying {len(ex.buyers)} region(s), world value added would fall by "
                 f"**{w['value_added_loss']:,.0f} {m.unit}** ({100 * w['value_added_loss_share']:.2f} %).")
        res.show(f"losses by region ({m.year}) [{m.unit}]",
                 ex.by_region[["value_added", "value_added_loss", "value_added_loss_share", "output_loss"]], self.top)
        res.data["extraction"] = ex
        return res


class SuppliersRequest(TableOutRequest):
    """The foreign supplier sectors a region depends on most (value added lost if each stopped)."""

    region: str = Field(min_length=1)
    top: int = Field(20, ge=1, le=100_000)

    def compute(self, progress: Progress) -> Result:
        from industwin.analysis.value_chains import supplier_dependence
        res, m = self.start(progress, "foreign supplier dependence")
        with progress.task("extracting every foreign supplier"):
            table = supplier_dependence(m, self.region)
        res.show(f"foreign suppliers {self.region} depends on most ({m.year}) [{m.unit}]", table, self.top)
        return self.finish(res, table, "suppliers")


def value_chain_lines(v, res: Result) -> None:
    """The value chains of one economy in sentences and a table (for any interface)."""
    o = v.origins.xs(v.product, level="product")
    sh = o.div(o.sum(axis=1), axis=0) * 100
    first, last = v.years[0], v.years[-1]
    name = v.sector_names.get(v.product, v.product)
    top = sh.drop(columns=v.region).loc[last].nlargest(3)
    if first == last:
        res.line(f"Value added abroad in {v.region}'s {name}: **{100 - sh.loc[last, v.region]:.1f} %** in {last}; "
                 "largest foreign origins " + ", ".join(f"{r} {s:.1f} %" for r, s in top.items()))
    else:
        res.line(f"Value added abroad in {v.region}'s {name}: **{100 - sh.loc[first, v.region]:.1f} %** in {first} → "
                 f"**{100 - sh.loc[last, v.region]:.1f} %** in {last}; largest foreign origins "
                 + ", ".join(f"{r} {sh.loc[first, r]:.1f} % → {s:.1f} %" for r, s in top.items()))
    s = v.exposure.summary
    face, look, hidden = s["foreign_share_face_value"], s["foreign_share_look_through"], s["hidden_share_of_foreign"]
    res.line(f"Its foreign inputs: {100 * face:.1f} % of inputs at tier 1, {100 * look:.1f} % counting all tiers; "
             f"{100 * hidden:.0f} % of the foreign exposure is hidden beyond tier 1; "
             f"{int(s['inputs_flagged'])} input(s) with one foreign origin above {v.exposure.threshold:.0%}.")
    t = v.trade
    res.line(f"VAX ratio of {v.region}: {t.loc[first, 'VAX_ratio']:.3f} ({first}) → {t.loc[last, 'VAX_ratio']:.3f} "
             f"({last}); backward participation {t.loc[last, 'backward']:.3f}, forward {t.loc[last, 'forward']:.3f}.")
    d = v.dependence.head(8)
    t = pd.DataFrame({"sector": [n[:24] for n in d["name"]], "sales to " + v.region: d["exports_to_region"].to_numpy(),
                      "VA lost by " + v.region: d["value_added_loss"].to_numpy(),
                      "% of its VA": 100 * d["value_added_loss_share"].to_numpy()},
                     index=pd.Index([f"{r} {c}" for r, c in d.index], name="supplier"))
    res.show(f"foreign suppliers {v.region} depends on most, if each stopped supplying it ({last}) [{v.unit}]", t, 8,
             "{:,.2f}")


def _value_chains(region: str, product: str | None, years: list[int] | None, dataset: str, threshold: float,
                  dask: bool, progress: Progress):
    from industwin.analysis.value_chains import economy_value_chains
    from industwin.data.registry import DATASETS
    key = dataset.lower()
    if key not in DATASETS:
        raise SelectionError(f"value chains over the years need a named dataset; {dataset!r} is not one. Fix: "
                             f"choose one of {', '.join(sorted(DATASETS))}")
    n = len(years) if years else len(DATASETS[key].years)
    if DATASETS[key].shape.startswith("1 region"):
        raise SelectionError(f"{key} has one region: value chains across borders need a multi-regional table. Fix: "
                             "use one, e.g. wiod2013")
    with progress.task(f"value chains of {region}, year by year" + (" (Dask)" if dask else ""), total=n) as t:
        return economy_value_chains(region, product, years, key, threshold,
                                    scheduler="distributed" if dask else None, progress=lambda y: t.update(advance=1))


def _check_years(years: list[int] | None) -> None:
    if years is not None:
        from collections import Counter
        twice = sorted(y for y, k in Counter(years).items() if k > 1)
        if twice:
            raise SelectionError(f"--years names {', '.join(map(str, twice))} more than once. Fix: name each year once")


class ValueChainsRequest(Request):
    """Value chains of one economy over the years of a named dataset, with a self-contained HTML page."""

    source: str = Field("wiod2013", min_length=1)
    region: str = Field(min_length=1)
    product: str | None = None
    years: list[int] | None = Field(None, min_length=1)
    threshold: Share = 0.5
    dask: bool = False
    html: PathArg = Path("industwin-value-chains.html")

    def check(self) -> None:
        _check_years(self.years)

    def outputs(self) -> list[Output]:
        return [Output(self.html, "file", "--html", (".html", ".htm"))]

    def compute(self, progress: Progress) -> Result:
        from industwin.viz.pages import page_html
        from industwin.viz.value_chains import value_chain_figures, value_chain_tables
        res = Result()
        v = _value_chains(self.region, self.product, self.years, self.source, self.threshold, self.dask, progress)
        value_chain_lines(v, res)
        html = page_html(f"{self.region}: value chains {v.years[0]}–{v.years[-1]}", value_chain_figures(v),
                         value_chain_tables(v), f"Generated by industwin {version()} from {self.source}.")
        res.writes["--html"] = text_writer(html)
        res.data["value_chains"] = v
        return res


class DemoRequest(TableRequest):
    """The main job: one economy's profile and value chains, and a self-contained HTML page (the year: the
    dataset's latest, 2011 for WIOD 2013, unless given)."""

    region: str = Field("DEU", min_length=1)
    years: list[int] | None = Field(None, min_length=1)
    html: PathArg = Path("industwin-profile.html")

    def check(self) -> None:
        _check_years(self.years)

    def outputs(self) -> list[Output]:
        return [Output(self.html, "file", "--html", (".html", ".htm"))]

    def compute(self, progress: Progress) -> Result:
        from industwin.analysis.profile import economy_profile
        from industwin.data.registry import DATASETS
        from industwin.viz.pages import page_html, profile_figures
        from industwin.viz.value_chains import value_chain_figures, value_chain_tables
        res = Result()
        m = self.load(progress, res)
        region, year = self.region, m.year
        with progress.task(f"profiling {region}: factorising (I − A), multipliers, supply-chain origins"):
            p = economy_profile(m, region)
        u = m.unit
        nr = len(m.regions)
        res.title = (f"{table_label(m) if year is None else f'{region} {year}'} — {m.name} ({nr} region"
                     f"{'s' if nr > 1 else ''} × {len(m.sectors)} sectors)")
        res.show("the economy", p.totals.to_frame(f"[{u}]"), 10, "{:,.1f}")
        res.show(f"largest sectors [{u}]", p.sectors[["name", "output", "value_added", "output_multiplier"]], 10,
                 "{:,.2f}")
        io, vo = p.input_origin, p.value_added_origin
        manufacturing = bool(io["inputs"].sum() > 0) if "inputs" in io else False
        if nr < 2:
            res.notes.append(f"{m.name} has one region: nothing is bought or added abroad in it, so the foreign "
                             "origins and the value chains across borders are left out")
        elif not manufacturing:
            res.notes.append(f"no manufacturing sectors found in {m.name} (WIOD codes c3–c16, or names with "
                             "'manufactur'): the origins of manufacturing's inputs are left out")
        else:
            dom = io.loc[region, "share (%)"] if region in io.index else 0.0
            res.line(f"Manufacturing buys **{100 - dom:.1f} %** of its tier-1 inputs abroad; top foreign origins: "
                     + ", ".join(f"{r} {s:.1f} %" for r, s in io.drop(region, errors="ignore")["share (%)"].head(5)
                                 .items()))
            res.show(f"where {region} manufacturing's direct inputs come from [{u}]", io.head(10), 10, "{:,.1f}")
            abroad = vo.drop(region, errors="ignore")["share (%)"].sum()
            res.line(f"Along the whole supply chain, **{abroad:.1f} %** of the value of {region}'s manufactured final "
                     "products is added abroad.")
            res.show(f"value added in {region}'s manufactured final products, by origin [{u}]", vo.head(10), 10,
                     "{:,.1f}")
        res.show("value added: production vs consumption, embodied trade", p.value_added_trade.to_frame(), 10,
                 "{:,.1f}")
        figures, tables = profile_figures(p), {
            "The economy": p.totals.to_frame(f"[{u}]"), "Sectors": p.sectors,
            "Tier-1 inputs of manufacturing by origin": p.input_origin,
            "Value added in manufactured final products by origin": p.value_added_origin,
            "Value added: production vs consumption": p.value_added_trade.to_frame()}
        title = f"{region}{'' if year is None else f' {year}'}: production, sectors and supply-chain origins"
        if self.source.lower() in DATASETS and nr > 1:  # a named dataset has years: add the value chains over time
            ys = self.years or [y for y in DATASETS[self.source.lower()].years if y <= (year or 9999)]
            v = _value_chains(region, None, ys, self.source, 0.5, False, progress)
            res.section(f"{region}: value chains {v.years[0]}–{v.years[-1]}")
            value_chain_lines(v, res)
            figures = figures[:1] + value_chain_figures(v) + figures[1:]
            tables.update(value_chain_tables(v))
            title = f"{region} {year}: production, value chains {v.years[0]}–{v.years[-1]} and supply-chain exposure"
            res.data["value_chains"] = v
        elif self.years is not None:
            res.notes.append("--years has no effect here: the value chains over the years need a named, "
                             "multi-regional dataset")
        notes = (f"Source: {m.meta.get('source', m.name)}. {m.meta.get('caveats', '')}. "
                 f"Generated by industwin {version()}.")
        res.writes["--html"] = text_writer(page_html(title, figures, tables, notes))
        res.data["profile"] = p
        return res
