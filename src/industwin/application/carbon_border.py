"""The carbon-border request: carbon prices by region, the cost push through the world table, a border carbon
adjustment (CBAM-like) and leakage exposure with and without it (:mod:`industwin.analysis.carbon_border`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pydantic import Field

from industwin.application.common import folder_writer, version
from industwin.application.outputs import Output
from industwin.application.progress import Progress
from industwin.application.result import Result
from industwin.application.runner import Request
from industwin.data.schema import PathArg

__all__ = ["CarbonBorderRequest"]


def _bn(v: float) -> str:
    return f"{v / 1e3:,.1f} bn" if abs(v) >= 1e3 else f"{v:,.0f} M"


class CarbonBorderRequest(Request):
    """Carbon prices by region or group, passed on along the world's supply chains, with and without a border
    carbon adjustment: cost push by region and sector, the border charge each exporter carries, leakage exposure
    and the jobs in exposed sectors."""

    scenario: PathArg
    out: PathArg = Path("industwin-carbon-border")
    top: int = Field(15, ge=1, le=1000)

    def outputs(self) -> list[Output]:
        return [Output(self.out, "folder", "--out")]

    def compute(self, progress: Progress) -> Result:
        from industwin.analysis.carbon_border import money_unit, read_scenario, run_scenario
        from industwin.viz.carbon_border import carbon_border_page
        sc = read_scenario(self.scenario)
        res = Result(title=sc.name)
        with progress.task(f"loading {sc.table.path or sc.table.dataset}{' ' + str(sc.table.year) if sc.table.year else ''}"):
            m = sc.table.load()
        if m.meta.get("negative_flows"):
            res.notes.append(f"{m.name}: {m.meta['negative_flows']}")
        with progress.task("carbon prices, border adjustment and leakage exposure"):
            br = run_scenario(sc, m, str(self.scenario))
        res.notes.extend(br.notes)
        _, cur = money_unit(m.unit)
        u, names, top = m.unit, dict(m.sector_names), self.top
        table = " ".join(str(p) for p in (m.name, m.year) if p not in (None, ""))
        res.line(f"{table}: prices per tonne CO2 in {cur} — " + "; ".join(br.meta["conversion"]))
        basis = ("total (supply-chain) embodied emissions" if sc.border.basis == "total" else
                 "the exporter's direct emissions")
        cov = ", ".join(f"{c} ({names.get(c, c)})" for c in sc.border.sectors)
        for bloc, b in br.blocs.iterrows():
            k = int(b["regions"])
            line = (f"**{bloc}** ({k} region{'s' if k != 1 else ''}): carbon revenue {_bn(b['carbon_revenue'])} {cur} on "
                    f"{b['emissions_kt'] / 1e3:,.0f} Mt CO2; producer prices rise **{b['cost_push_pct']:.2f} %** "
                    "(output-weighted)")
            if b["border_adjustment"]:
                line += (f", **{b['cost_push_bca_pct']:.2f} %** with the border adjustment, which raises "
                         f"**{_bn(b['bca_revenue'])} {cur}** on imports of {cov}; basis: {basis}"
                         f"{', net of the carbon price paid at origin' if sc.border.deduct_origin_price else ''}")
            res.line(line + ".")
            if pd.notna(b["jobs"]):
                res.line(f"{bloc}: jobs in exposed sectors **{b['jobs_exposed'] / 1e6:,.2f} M** persons without and "
                         f"**{b['jobs_exposed_bca'] / 1e6:,.2f} M** with the border adjustment (of "
                         f"{b['jobs'] / 1e6:,.1f} M); {b['jobs_at_risk'] / 1e6:,.2f} M in sectors above the EU "
                         "leakage indicator.")
                before = set(filter(None, b["sectors_exposed"].split(", ")))
                after = set(filter(None, b["sectors_exposed_bca"].split(", ")))
                if before - after:
                    res.line(f"{bloc}: no longer exposed with the border adjustment: "
                             f"{', '.join(sorted(before - after, key=_code))}; newly exposed (they pay the charge on "
                             f"inputs, their competitors do not): {', '.join(sorted(after - before, key=_code)) or 'none'}.")
        res.section("cost push")
        res.show(f"cost push by region [% of producer prices; consumer prices: final-demand weighted; price per t in "
                 f"{cur}]", br.regions[["price_per_t", "cost_push_pct", "cost_push_bca_pct", "consumer_price_pct",
                                        "consumer_price_bca_pct", "largest_cost_push_sector"]]
                 .sort_values("cost_push_pct", ascending=False), top, "{:,.3g}")
        s = br.sectors.sort_values("cost_push_bca_pct", ascending=False).head(top)
        s = s[["direct_t_per_M", "total_t_per_M", "cost_push_pct", "cost_push_bca_pct"]].copy()
        s.insert(0, "name", [names.get(c, "")[:24] for c in s.index.get_level_values(1)])
        res.show(f"largest cost pushes by region and sector [%; intensities in t CO2 per million {cur}]", s, top,
                 "{:,.3g}")
        if len(br.exporters):
            res.section("border adjustment")
            res.show(f"border charge by exporter [{u}; %]", br.exporters, top, "{:,.4g}")
            res.show(f"border charge by exporter and sector [{u}; embodied kt CO2; %]", br.border, top, "{:,.4g}")
        if len(br.exposure):
            res.section("leakage exposure")
            cols = ["trade_intensity", "leakage_indicator", "gap_pct", "gap_bca_pct", "gap_gva_pct", "gap_gva_bca_pct",
                    "exposed", "exposed_bca", "jobs"]
            res.show("exposure by sector [trade intensity: share; gaps: % of price and % of GVA; jobs: persons]",
                     br.exposure[cols].sort_values("gap_gva_pct", ascending=False), top, "{:,.3g}")
        res.notes.append("model: Leontief price model with full pass-through and the 2011 structure — no change in "
                         "technology, trade or demand (no behavioural response); the border adjustment charges whole "
                         "WIOD sectors, wider than the CBAM goods (an upper bound); RoW is one aggregate of every "
                         "other country, charged at its average intensity")
        notes = (f"{sc.description} Table: {m.meta.get('source', m.name)}; CO2: "
                 f"{m.meta.get('satellite_sources', {}).get(sc.satellite, sc.satellite)}. "
                 f"{' '.join(br.meta['conversion'])}. {' '.join(res.notes)} Generated by industwin {version()}.")
        html = carbon_border_page(br, f"{sc.name} ({table})", names, notes, max(top, 20))
        parts = {"sectors.parquet": br.sectors, "regions.parquet": br.regions, "border.parquet": br.border,
                 "exporters.parquet": br.exporters, "exposure.parquet": br.exposure,
                 "exposure_members.parquet": br.exposure_members, "blocs.parquet": br.blocs, "report.html": html}
        res.writes["--out"] = folder_writer(parts)
        res.data.update(result=br, scenario=sc)
        return res


def _code(c: str) -> tuple:
    digits = "".join(ch for ch in c if ch.isdigit())
    return (c.rstrip("0123456789"), int(digits) if digits else 0, c)
