"""The request on a company's supply base: a supplier-site list (Apple's 2012–2022 by default) → counts, shares,
concentration, how the footprint moved, and the comparison with an MRIO table's production network."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from industwin.application.common import TableRequest, folder_writer, version
from industwin.application.outputs import Output
from industwin.application.progress import Progress
from industwin.application.result import Result
from industwin.data.schema import PathArg
from industwin.errors import SelectionError

__all__ = ["SupplierBaseRequest"]


class SupplierBaseRequest(TableRequest):
    """A supply base over the years (``sites``: a supplier-site list; default Apple's lists 2012–2022): sites and
    suppliers by country, concentration (HHI), how the footprint moved between ``base`` and ``late`` around the
    ``focus`` country, and — unless ``twin`` is off — the ``sector``'s output and value added by region of the
    table (``source``, ``year``) beside the list's shares. Writes a folder of CSV tables and ``report.html``."""

    sites: PathArg | None = None
    base: int | None = Field(None, ge=1900, le=2100)
    late: int | None = Field(None, ge=1900, le=2100)
    focus: str = Field("CHN", min_length=1)
    sector: str = Field("c14", min_length=1)
    demand: str = Field("world", min_length=1)
    list_year: int | None = Field(None, ge=1900, le=2100)
    twin: bool = True
    top: int = Field(12, ge=1, le=1000)
    out: PathArg = Path("industwin-supplier-base")

    def check(self) -> None:
        if self.base is not None and self.late is not None and self.late <= self.base:
            raise SelectionError(f"--late {self.late} is not after --base {self.base}. Fix: choose a later year "
                                 "for --late")
        if not self.twin and self.list_year is not None:
            raise SelectionError("--list-year chooses the list's year compared with the table, and --no-twin leaves "
                                 "the table out. Fix: drop one of them")

    def outputs(self) -> list[Output]:
        return [Output(self.out, "folder", "--out")]

    def focus_code(self) -> str:
        from industwin.data.supplier_sites import country_code
        code = country_code(self.focus)
        if code is None:
            raise SelectionError(f"--focus {self.focus!r}: not a country name or ISO3 code. Fix: write e.g. CHN or "
                                 "China")
        return code

    def compute(self, progress: Progress) -> Result:
        from industwin.analysis.supplier_base import supplier_base
        from industwin.data.supplier_sites import apple_supplier_list, read_supplier_sites
        from industwin.viz.supplier_base import supplier_base_page
        focus = self.focus_code()
        res = Result()
        with progress.task(f"reading {self.sites.name if self.sites else 'Apple supplier list'}"):
            sites = apple_supplier_list() if self.sites is None else read_supplier_sites(self.sites)
        if sites["year"].nunique() < 2:                      # the file named, before the table is loaded
            raise SelectionError(f"{sites.attrs['source']}: the list has one year ({sites['year'].iloc[0]}): how the "
                                 "footprint moved needs two. Fix: give a list with several years")
        m = self.load(progress, res) if self.twin else None
        with progress.task("counting, concentration, movers" + (", value added by origin" if m else "")):
            sb = supplier_base(sites, self.base, self.late, focus, m, self.sector, self.demand, self.list_year)
        res.notes.extend(sb.notes)
        c, s = sb.concentration, sb.shift
        b, lt = s.base, s.late
        res.line(f"**{sb.name}**: {len(sites):,} rows, {sites['supplier'].nunique():,} supplier names "
                 f"({sites['supplier_key'].nunique():,} suppliers after matching spellings), "
                 f"{sites['iso3'].nunique()} countries, lists of {', '.join(map(str, sb.years))}")
        if focus in set(sites["iso3"]):
            res.line(f"{focus}'s share of sites: **{c.loc[b, f'{focus}_site_share_pct']:.1f} %** ({b}) → "
                     f"**{c.loc[lt, f'{focus}_site_share_pct']:.1f} %** ({lt}); of supplier-country presences "
                     f"{c.loc[b, f'{focus}_presence_share_pct']:.1f} % → {c.loc[lt, f'{focus}_presence_share_pct']:.1f}"
                     f" %; suppliers with a {focus} site: {c.loc[b, f'{focus}_reach_pct']:.1f} % → "
                     f"{c.loc[lt, f'{focus}_reach_pct']:.1f} % of the year's suppliers; HHI over countries by sites "
                     f"{c.loc[b, 'hhi_sites']:.3f} → {c.loc[lt, 'hhi_sites']:.3f}")
        keep = ["sites", "suppliers", "countries", "hhi_sites", "hhi_suppliers", "top_country",
                f"{focus}_site_share_pct", f"{focus}_reach_pct"]
        res.show("concentration per year (HHI 0–1; shares in %; all columns in concentration.csv)", c[keep], len(c))
        res.show(f"how the footprint moved, {b} → {lt} (suppliers listed in both years; presence by country)",
                 s.summary.to_frame(), len(s.summary), "{:,.0f}")
        res.show(f"countries added between {b} and {lt} (suppliers)", s.added, self.top, "{:,.0f}")
        net = s.net_change.sort_values("site_share_change_pp", ascending=False)
        res.show(f"net change by country, {b} → {lt} (sites; share of sites in %, change in pp; suppliers present)",
                 net[[f"sites_{b}", f"sites_{lt}", f"site_share_{b}_pct", f"site_share_{lt}_pct",
                      "site_share_change_pp", "suppliers_change"]], self.top)
        parts = {"by_country.csv": sb.by_country, "concentration.csv": c,
                 "sites_by_country_year.csv": sb.sites_wide, "shift_summary.csv": s.summary.to_frame(),
                 "shift_countries.csv": s.added, "net_change.csv": s.net_change, "movers.csv": s.movers}
        if sb.twin is not None:
            t = sb.twin
            res.show(f"the list ({t.attrs['year']}) beside {m.name} {m.year}: {t.attrs['sector']} by region [%]",
                     t.filter(like="(%)"), self.top)
            parts[f"twin_{t.attrs['sector']}.csv"] = t
        src = self.sites.name if self.sites else "Apple's Supplier List (CommonWealth Magazine compilation)"
        parts["report.html"] = supplier_base_page(sb, f"Source: {src}. Generated by industwin {version()}.")
        res.writes["--out"] = folder_writer(parts)
        res.data["supplier_base"] = sb
        return res
