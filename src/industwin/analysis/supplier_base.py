"""A company's tier-1 supply base over the years: where its suppliers' sites are, how concentrated, how the
footprint moved, and what the production network of those countries holds behind them.

Input: a supplier-site list read by :func:`industwin.data.supplier_sites.read_supplier_sites` (one row per year,
supplier and site, with the site's ISO3 country), e.g. Apple's lists 2012–2022
(:func:`~industwin.data.supplier_sites.apple_supplier_list`). Notation: ``n_ct`` the sites listed in country
*c* in year *t* (a row that repeats an earlier one exactly counts once), ``p_ct`` the suppliers with at least one
site in *c* (suppliers matched across spellings by their key), ``N_t`` the suppliers of the year.

* **Counts and shares** (:func:`by_country`): site share ``s_ct = n_ct / Σ_c n_ct``; presence share
  ``q_ct = p_ct / Σ_c p_ct`` (each supplier counted once in each country where it has a site); reach
  ``r_ct = p_ct / N_t`` (the share of the year's suppliers with a site in *c*; does not sum to 1).
* **Concentration** (:func:`concentration`): the Herfindahl–Hirschman index over countries,
  ``HHI_t = Σ_c s_ct²`` (by sites) and ``Σ_c q_ct²`` (by suppliers present), on the 0–1 scale (× 10,000 on the
  antitrust scale: the U.S. DoJ/FTC Merger Guidelines 2023 call a market above 1,800 highly concentrated),
  its reciprocal ``1/HHI`` (the number of equal countries with the same concentration), the top country and
  its share, the number of countries — Herfindahl (1950), *Concentration in the U.S. steel industry*;
  Hirschman (1964), *AER* 54(5):761.
* **How the footprint moved** (:func:`footprint_shift`): between a base and a later year, for the suppliers
  listed in both (the panel), those with a site in the focus country (China by default) in the base year —
  how many still have one ("stayed"), how many have none ("left"), how many added a country they had no site
  in ("added elsewhere"; with China kept, the "China + 1" pattern), and which countries they added; the net
  change of sites, site shares and suppliers present by country. Country-level presence is the comparable
  measure across the change of address detail in 2020 (see the caveats).
* **The link to the twin** (:func:`twin_comparison`): for each region of an MRIO table, the output and value
  added of the sector behind the sites (WIOD 2013: ``c14``, Electrical and Optical Equipment) as shares of the
  world total, and the value added by origin embodied in final demand for that sector's products — all tiers,
  ``va_g = Σ_{i∈g} v_i (L y^{c14})_i = Σ_{j∈c14} S_jg y_j`` with ``S_jg = Σ_{i∈g} v_i L_ij``
  (:func:`industwin.analysis.value_chains.final_output_origin`; Los, Timmer & de Vries 2015, *J. Regional
  Sci.* 55:66) for the world's or one region's final demand ``y`` — side by side with the list's site and
  presence shares, the list's countries mapped to the table's regions (those the table does not have
  separately fall into its rest of the world).

Caveats, stated in every result: a count of sites is not a volume of production (the lists carry no volumes,
values or employment); a list covers the suppliers of most of the buyer's direct spend (Apple: about 98 %),
not its sub-tier suppliers; Apple published no list for 2019; from 2020 Apple gives each site's province or
state only and one row per supplier and province, so site counts before and after 2020 are not alike —
presence by country is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from industwin.data.mrio import MRIO, REGION, SECTOR
from industwin.data.supplier_sites import COUNTRY_NAMES
from industwin.errors import SelectionError

__all__ = [
    "CAVEATS",
    "TABLE_ALIASES",
    "FootprintShift",
    "SupplierBase",
    "by_country",
    "concentration",
    "footprint_shift",
    "sites_table",
    "supplier_base",
    "table_region",
    "twin_comparison",
]

CAVEATS = ("counts of sites are not volumes of production: the list has no volumes, values or employment",
           "a tier-1 list: the suppliers of most of the buyer's direct spend, not their own suppliers")
TABLE_ALIASES = {"ROU": "ROM"}     # ISO3 → the code an MRIO table uses instead (WIOD 2013: Romania is ROM)
ROW_NAMES = ("RoW", "ROW", "WLD_ROW", "Rest of World")


def _name(iso3: str) -> str:
    return COUNTRY_NAMES.get(iso3, iso3)


def _sites(sites: pd.DataFrame) -> pd.DataFrame:
    """The rows that count as sites (exact repeats dropped), checked to carry what the analysis needs."""
    need = {"year", "supplier_key", "iso3"}
    miss = need - set(sites.columns)
    if miss:
        raise SelectionError(f"the supplier-site table lacks {', '.join(sorted(miss))}. Fix: read it with "
                             "industwin.data.supplier_sites.read_supplier_sites")
    return sites[~sites["repeat"]] if "repeat" in sites.columns else sites


def _years(sites: pd.DataFrame) -> list[int]:
    return sorted(int(y) for y in sites["year"].unique())


def _year(sites: pd.DataFrame, year: int, option: str) -> int:
    ys = _years(sites)
    if int(year) not in ys:
        raise SelectionError(f"{option} {year}: the list has no year {year}. Fix: choose one of "
                             f"{', '.join(map(str, ys))}")
    return int(year)


# ----------------------------------------------------------------------------- counts and shares
def by_country(sites: pd.DataFrame) -> pd.DataFrame:
    """Sites and suppliers by year and country (module docstring): index (``year``, ``iso3``); columns
    ``country``, ``sites``, ``site_share_pct`` (% of the year's sites), ``suppliers`` (present: with ≥ 1 site),
    ``presence_share_pct`` (% of the year's supplier-country presences), ``reach_pct`` (% of the year's
    suppliers with a site there). Sorted by year, then sites."""
    s = _sites(sites)
    g = s.groupby(["year", "iso3"])
    out = pd.DataFrame({"sites": g.size(), "suppliers": g["supplier_key"].nunique()})
    n_year = s.groupby("year")["supplier_key"].nunique()
    yr = out.index.get_level_values("year")
    out["site_share_pct"] = 100 * out["sites"] / out.groupby(level="year")["sites"].transform("sum")
    out["presence_share_pct"] = 100 * out["suppliers"] / out.groupby(level="year")["suppliers"].transform("sum")
    out["reach_pct"] = 100 * out["suppliers"].to_numpy() / n_year.reindex(yr).to_numpy()
    out.insert(0, "country", [_name(c) for c in out.index.get_level_values("iso3")])
    out = out.reset_index().sort_values(["year", "sites", "iso3"], ascending=[True, False, True])
    out = out.set_index(["year", "iso3"])[["country", "sites", "site_share_pct", "suppliers", "presence_share_pct",
                                           "reach_pct"]]
    out.attrs["units"] = {"sites": "count of listed sites", "suppliers": "count of suppliers with a site there",
                          "site_share_pct": "% of the year's sites", "presence_share_pct": "% of the year's "
                          "supplier-country presences", "reach_pct": "% of the year's suppliers"}
    return out


def sites_table(sites: pd.DataFrame, measure: str = "sites", top: int | None = None) -> pd.DataFrame:
    """Country × year table of ``measure`` (a column of :func:`by_country`), countries by their total over the
    years; with ``top``, the other countries summed into ``Other``. Years without a list are absent."""
    b = by_country(sites)
    if measure not in b.columns or measure == "country":
        raise SelectionError(f"unknown measure {measure!r}. Fix: choose one of "
                             f"{', '.join(c for c in b.columns if c != 'country')}")
    w = b[measure].unstack("year").fillna(0.0)
    w = w.loc[w.sum(axis=1).sort_values(ascending=False).index]
    if top is not None and len(w) > top:
        rest = w.iloc[top:].sum().rename("Other")
        w = pd.concat([w.iloc[:top], rest.to_frame().T])
    w.index.name = "iso3"
    w.attrs["units"] = b.attrs["units"].get(measure, measure)
    return w


# ----------------------------------------------------------------------------- concentration
def concentration(sites: pd.DataFrame, focus: str = "CHN") -> pd.DataFrame:
    """Concentration over countries per year (module docstring): index ``year``; columns ``sites``,
    ``suppliers``, ``countries``, ``hhi_sites``, ``hhi_suppliers`` (0–1), ``equivalent_countries_sites``
    (``1/HHI``), ``top_country``, ``top_share_pct`` (by sites), and the focus country's ``site_share_pct``,
    ``presence_share_pct`` and ``reach_pct`` (columns prefixed with its code, e.g. ``CHN_site_share_pct``)."""
    b = by_country(sites)
    s = _sites(sites)
    rows = {}
    for y, d in b.groupby(level="year"):
        d = d.droplevel("year")
        sh, q = d["site_share_pct"] / 100, d["presence_share_pct"] / 100
        top = d["sites"].idxmax()
        f = d.loc[focus] if focus in d.index else None
        hhi = float((sh ** 2).sum())
        rows[y] = {"sites": int(d["sites"].sum()), "suppliers": int(s.loc[s["year"] == y, "supplier_key"].nunique()),
                   "countries": len(d), "hhi_sites": hhi, "hhi_suppliers": float((q ** 2).sum()),
                   "equivalent_countries_sites": 1 / hhi, "top_country": top,
                   "top_share_pct": float(d.loc[top, "site_share_pct"]),
                   f"{focus}_site_share_pct": float(f["site_share_pct"]) if f is not None else 0.0,
                   f"{focus}_presence_share_pct": float(f["presence_share_pct"]) if f is not None else 0.0,
                   f"{focus}_reach_pct": float(f["reach_pct"]) if f is not None else 0.0}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "year"
    out.attrs["units"] = {"hhi_sites": "0–1 (× 10,000 on the antitrust scale)", "hhi_suppliers": "0–1",
                          "top_share_pct": "% of sites", f"{focus}_site_share_pct": "% of sites",
                          f"{focus}_presence_share_pct": "% of supplier-country presences",
                          f"{focus}_reach_pct": "% of suppliers"}
    return out


# ----------------------------------------------------------------------------- how the footprint moved
@dataclass(frozen=True)
class FootprintShift:
    """How a supply base moved between ``base`` and ``late`` (module docstring).

    * ``summary`` — counts of suppliers: listed in each year, in both (the panel), the panel's suppliers with
      a site in ``focus`` in the base year and of them how many stayed, left, added a country elsewhere
      (and kept ``focus``: "focus + 1"), and the panel's suppliers that entered ``focus``.
    * ``added`` — per country: the suppliers with a ``focus`` site in the base year that had no site there in
      the base year and have one in the late year (``added_by_focus_suppliers``), of them those that left
      ``focus`` (``added_and_left_focus``), and the same for every panel supplier (``added_by_panel``), and
      the panel suppliers that dropped the country (``dropped_by_panel``).
    * ``net_change`` — per country: sites, site shares, suppliers present in each year and the change
      (all listed suppliers, not only the panel).
    * ``movers`` — per panel supplier with a ``focus`` site in the base year: countries in each year, countries
      added and dropped, its ``focus`` sites in each year.
    """

    base: int
    late: int
    focus: str
    summary: pd.Series
    added: pd.DataFrame
    net_change: pd.DataFrame
    movers: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def footprint_shift(sites: pd.DataFrame, base: int, late: int, focus: str = "CHN") -> FootprintShift:
    """Who kept, left or added countries between ``base`` and ``late`` — the "China + 1" / friend-shoring
    question measured on the list (see :class:`FootprintShift`). Countries are compared as presence (a supplier
    has at least one site in the country), which the change of address detail in 2020 does not affect."""
    s = _sites(sites)
    base, late = _year(s, base, "--base"), _year(s, late, "--late")
    if late <= base:
        raise SelectionError(f"--late {late} is not after --base {base}. Fix: choose a later year for --late")
    pres = {y: s[s["year"] == y].groupby("supplier_key")["iso3"].agg(frozenset) for y in (base, late)}
    nsite = {y: s[s["year"] == y].groupby(["supplier_key", "iso3"]).size() for y in (base, late)}
    panel = pres[base].index.intersection(pres[late].index)
    b, lt = pres[base][panel], pres[late][panel]
    in_focus = b.map(lambda c: focus in c)
    stays = lt.map(lambda c: focus in c)
    added = pd.Series([lt[k] - b[k] - {focus} for k in panel], index=panel)
    fp = panel[in_focus.to_numpy()]
    grew = added[fp].map(bool)
    summary = pd.Series({
        f"suppliers listed {base}": len(pres[base]), f"suppliers listed {late}": len(pres[late]),
        "listed in both years (panel)": len(panel),
        f"panel suppliers with a {focus} site in {base}": int(in_focus.sum()),
        f"  of them still with a {focus} site in {late} (stayed)": int(stays[fp].sum()),
        f"  of them with no {focus} site in {late} (left)": int((~stays[fp]).sum()),
        "  of them that added a country elsewhere": int(grew.sum()),
        f"  of them that added a country and kept {focus} ({focus} + 1)": int((grew & stays[fp]).sum()),
        f"panel suppliers without a {focus} site in {base} that have one in {late} (entered)":
            int((~in_focus & stays).sum()),
        f"suppliers of {base} not listed in {late} (exits)": len(pres[base]) - len(panel),
        f"suppliers of {late} not listed in {base} (entries)": len(pres[late]) - len(panel),
    }, name="suppliers")
    # countries added and dropped
    rows: dict[str, dict[str, int]] = {}
    for k in panel:
        for c in lt[k] - b[k]:
            r = rows.setdefault(c, {})
            r["added_by_panel"] = r.get("added_by_panel", 0) + 1
            if in_focus[k]:
                r["added_by_focus_suppliers"] = r.get("added_by_focus_suppliers", 0) + 1
                if not stays[k]:
                    r["added_and_left_focus"] = r.get("added_and_left_focus", 0) + 1
        for c in b[k] - lt[k]:
            r = rows.setdefault(c, {})
            r["dropped_by_panel"] = r.get("dropped_by_panel", 0) + 1
    cols = ["added_by_focus_suppliers", "added_and_left_focus", "added_by_panel", "dropped_by_panel"]
    add = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=cols).fillna(0).astype(int)
    add.index.name = "iso3"
    add.insert(0, "country", [_name(c) for c in add.index])
    add = add.sort_values(["added_by_focus_suppliers", "added_by_panel"], ascending=False)
    # net change by country, all listed suppliers
    bc = by_country(s)
    cb, cl = bc.loc[base], bc.loc[late]
    idx = cb.index.union(cl.index)
    net = pd.DataFrame({"country": [_name(c) for c in idx]}, index=idx)
    for tag, d in ((str(base), cb), (str(late), cl)):
        net[f"sites_{tag}"] = d["sites"].reindex(idx).fillna(0).astype(int)
        net[f"site_share_{tag}_pct"] = d["site_share_pct"].reindex(idx).fillna(0.0)
        net[f"suppliers_{tag}"] = d["suppliers"].reindex(idx).fillna(0).astype(int)
    net["sites_change"] = net[f"sites_{late}"] - net[f"sites_{base}"]
    net["site_share_change_pp"] = net[f"site_share_{late}_pct"] - net[f"site_share_{base}_pct"]
    net["suppliers_change"] = net[f"suppliers_{late}"] - net[f"suppliers_{base}"]
    net.index.name = "iso3"
    net = net.sort_values("site_share_change_pp")
    # movers: per focus supplier of the panel
    latest_name = s[s["year"] == late].groupby("supplier_key")["supplier"].first()
    mv = pd.DataFrame({
        "supplier": latest_name.reindex(fp).to_numpy(),
        f"countries_{base}": [", ".join(sorted(b[k])) for k in fp],
        f"countries_{late}": [", ".join(sorted(lt[k])) for k in fp],
        "added": [", ".join(sorted(added[k])) for k in fp],
        "dropped": [", ".join(sorted(b[k] - lt[k])) for k in fp],
        f"{focus}_sites_{base}": [int(nsite[base].get((k, focus), 0)) for k in fp],
        f"{focus}_sites_{late}": [int(nsite[late].get((k, focus), 0)) for k in fp],
    }, index=pd.Index(fp, name="supplier_key"))
    mv = mv.sort_values(["added", "supplier"], key=lambda c: c.str.len() if c.name == "added" else c,
                        ascending=[False, True])
    notes = [("presence by country is compared (a supplier with ≥ 1 site there); suppliers are matched across "
             "spellings by key, a renamed or merged supplier not in the rename list counts as an exit and an "
             "entry")]
    change = sites.attrs.get("detail_change")      # the year a list changed what a row is (Apple: 2020)
    if change is not None and base < int(change) <= late:
        notes.append(f"{base} lists sites by address, {late} by province or state (one row per supplier and "
                     f"province): site counts and site shares of {base} and {late} are not alike, presences are")
    for d in (summary, add, mv):
        d.attrs["units"] = "counts of suppliers"
    net.attrs["units"] = {c: ("% of the year's sites" if c.endswith("_pct") else "percentage points"
                              if c.endswith("_pp") else "count of listed sites" if c.startswith("sites")
                              else "count of suppliers present") for c in net.columns if c != "country"}
    return FootprintShift(base, late, focus, summary, add, net, mv, notes)


# ----------------------------------------------------------------------------- the link to the twin
def table_region(iso3: str, regions) -> str:
    """The region of an MRIO table that holds a country: its own (``ROU`` → ``ROM`` in WIOD), else the table's
    rest of the world, else ``"not in the table"``."""
    regs = set(map(str, regions))
    code = TABLE_ALIASES.get(iso3, iso3)
    if iso3 in regs:
        return iso3
    if code in regs:
        return code
    row = next((r for r in ROW_NAMES if r in regs), None)
    return row or "not in the table"


def twin_comparison(sites: pd.DataFrame, mrio: MRIO, sector: str = "c14", demand: str = "world",
                    year: int | None = None) -> pd.DataFrame:
    """The list's countries beside the production network of the table (module docstring): per table region,
    the ``sector``'s gross output and value added (M USD and % of the world), the value added by origin
    embodied in ``demand``'s final demand for the sector's products (all tiers, ``v̂ L y``; ``demand`` is
    ``"world"`` or a region code such as ``"USA"``), and the list's sites, site share and presence share in
    ``year`` (default: the first list year at or after the table's year, else the last). ``list_countries``
    names the list's countries each region holds. Rows: regions with sites or with ≥ 0.5 % of any measure;
    sorted by the sector's output share."""
    from industwin.analysis.value_chains import final_output_origin
    s = _sites(sites)
    ys = _years(s)
    if year is None:
        ty = int(mrio.year) if str(mrio.year or "").isdigit() else ys[0]
        year = next((y for y in ys if y >= ty), ys[-1])
    year = _year(s, year, "--list-year")
    secs = [str(x) for x in mrio.sectors]
    if sector not in secs:
        raise SelectionError(f"the table {mrio.name or ''} has no sector {sector!r}. Fix: choose one of "
                             + ", ".join(f"{c} ({mrio.sector_label(c)})" for c in secs[:60]))
    regions = [str(r) for r in mrio.regions]
    if demand != "world" and demand not in regions:
        raise SelectionError(f"--demand {demand!r}: not a region of the table. Fix: write world or one of "
                             f"{', '.join(regions)}")
    u = mrio.unit
    rows = np.asarray(mrio.index.get_level_values(SECTOR) == sector)
    reg_of_row = np.asarray(mrio.index.get_level_values(REGION)).astype(str)
    x = pd.Series(mrio.x[rows], index=reg_of_row[rows])
    va = pd.Series(np.asarray(mrio.value_added)[rows], index=reg_of_row[rows])
    if demand == "world":
        y = mrio.Y.sum(axis=1)
    else:
        y = mrio.Y[:, np.asarray(mrio.fd_index.get_level_values(REGION) == demand)].sum(axis=1)
    origins = final_output_origin(mrio)
    S = origins.shares.to_numpy()
    emb = pd.Series((S[rows] * y[rows][:, None]).sum(axis=0), index=origins.shares.columns.astype(str))
    d = by_country(s).loc[year]
    d = d.assign(region=[table_region(c, regions) for c in d.index])
    g = d.groupby("region")
    label = f"{sector} ({mrio.sector_label(sector)})"
    who = "world" if demand == "world" else demand
    out = pd.DataFrame(index=pd.Index(regions, name="region"))
    out[f"{sector} output [{u}]"] = x.groupby(level=0).sum().reindex(regions).fillna(0.0)
    out[f"{sector} output share of world (%)"] = 100 * out.iloc[:, 0] / out.iloc[:, 0].sum()
    out[f"{sector} value added [{u}]"] = va.groupby(level=0).sum().reindex(regions).fillna(0.0)
    out[f"{sector} value added share of world (%)"] = 100 * out.iloc[:, 2] / out.iloc[:, 2].sum()
    out[f"value added in {who} final demand for {sector} [{u}]"] = emb.reindex(regions).fillna(0.0)
    out[f"value added in {who} final demand for {sector} (%)"] = 100 * out.iloc[:, 4] / out.iloc[:, 4].sum()
    out[f"sites {year}"] = g["sites"].sum().reindex(regions).fillna(0).astype(int)
    out[f"site share {year} (%)"] = g["site_share_pct"].sum().reindex(regions).fillna(0.0)
    out[f"presence share {year} (%)"] = g["presence_share_pct"].sum().reindex(regions).fillna(0.0)
    out["list_countries"] = pd.Series({r: ", ".join(sorted(dd.index)) for r, dd in d.groupby("region")}) \
        .reindex(regions).fillna("")
    keep = (out[f"sites {year}"] > 0) | (out.filter(like="(%)").max(axis=1) >= 0.5)
    out = out[keep].sort_values(f"{sector} output share of world (%)", ascending=False)
    outside = sorted(set(d.index[d["region"] == "not in the table"]))
    row_members = sorted(set(d.index[d["region"].isin(ROW_NAMES)]))
    notes = [f"table {mrio.name or ''} {mrio.year or ''} beside the list of {year}: a gap of "
             f"{year - int(mrio.year)} year(s)" if str(mrio.year or "").isdigit() else
             f"table {mrio.name or ''} beside the list of {year}",
             f"sector {label}: the list's suppliers also make materials, chemicals and packaging in other sectors"]
    if sector == "c14" and "wiod" in str(mrio.name).lower():
        notes[-1] = notes[-1].replace(": the list's", ": electronics assembly and components in WIOD; the list's")
    if row_members:
        notes.append(f"not separate regions of the table, in its rest of the world: {', '.join(row_members)} "
                     f"({int(d.loc[row_members, 'sites'].sum())} sites in {year})")
    if outside:
        notes.append(f"countries the table does not hold at all: {', '.join(outside)}")
    if mrio.value_added_derived:
        notes.append("value added is the table's derived value added, x − 1'Z (taxes less subsidies on products "
                     "included)")
    out.attrs.update(units={c: (u if f"[{u}]" in c else "%" if "(%)" in c else "count") for c in out.columns
                            if c != "list_countries"}, notes=notes, year=year, sector=sector, demand=who)
    return out


# ----------------------------------------------------------------------------- everything at once
@dataclass(frozen=True)
class SupplierBase:
    """The analyses of one supply base: :func:`by_country`, :func:`sites_table`, :func:`concentration`,
    :func:`footprint_shift` and (with a table) :func:`twin_comparison`, with the notes that qualify them."""

    name: str
    years: list[int]
    by_country: pd.DataFrame
    sites_wide: pd.DataFrame
    concentration: pd.DataFrame
    shift: FootprintShift
    twin: pd.DataFrame | None
    notes: list[str]
    detail_change: int | None = None      # the year the list changed what one row is (Apple: 2020), if any


def supplier_base(sites: pd.DataFrame, base: int | None = None, late: int | None = None, focus: str = "CHN",
                  mrio: MRIO | None = None, sector: str = "c14", demand: str = "world",
                  list_year: int | None = None) -> SupplierBase:
    """All analyses of a supply base (first and last year of the list by default)."""
    s = _sites(sites)
    ys = _years(s)
    if len(ys) < 2:
        raise SelectionError(f"the list has one year ({ys[0]}): how the footprint moved needs two. Fix: give a list "
                             "with several years")
    if focus not in set(s["iso3"]):
        raise SelectionError(f"--focus {focus!r}: no site of the list is in that country. Fix: give the ISO3 code of "
                             f"a country of the list, e.g. {', '.join(s['iso3'].value_counts().index[:5])}")
    base = ys[0] if base is None else base
    late = ys[-1] if late is None else late
    shift = footprint_shift(sites, base, late, focus)
    twin = None if mrio is None else twin_comparison(sites, mrio, sector, demand, list_year)
    notes = list(sites.attrs.get("notes", [])) + list(CAVEATS) + shift.notes + (twin.attrs["notes"] if twin is not None
                                                                                else [])
    return SupplierBase(str(sites.attrs.get("name", sites.attrs.get("source", "supplier list"))), ys,
                        by_country(sites), sites_table(sites, top=12), concentration(sites, focus), shift, twin,
                        list(dict.fromkeys(notes)), sites.attrs.get("detail_change"))
