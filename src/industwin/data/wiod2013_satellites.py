"""Satellite accounts of the WIOD 2013 world table: CO2 (JRC) and employment (WIOD Socio-Economic Accounts).

* ``co2`` (kt CO2, industries; 2000–2011): the JRC environmental accounts of the WIOD 2016 release (Corsatea et
  al. 2019, JRC116234), 56 NACE Rev.2 sectors, carried to WIOD 2013's 35 ISIC Rev.3 sectors by the packaged
  concordance ``concordances/nace2_to_wiod2013.csv``: a NACE class that nests in one WIOD sector goes there whole;
  a class that spans several (textiles/leather; repair of machinery) is split by the country's own gross output of
  those sectors in the WIOD 2013 table of the same year. Country totals are kept exactly. Romania is ROU there,
  ROM here; Switzerland, Croatia and Norway are separate there and part of RoW here, so RoW = JRC RoW + CHE + HRV +
  NOR. The Netherlands are missing from the copy at hand: NLD is *estimated* (the output-weighted CO2 intensity
  of each sector in the other EU-15 members times NLD's output) and listed in ``Satellite.estimated``.
  Household emissions are not in the source (no ``F_Y``).
* ``employment`` (1995–2011): persons engaged (1000 persons) every year; hours worked (M hours) and hours of
  high-, medium- and low-skilled persons (shares of hours × hours) where every country has them (1995–2009).
  ``employees``: employees and their hours (1995–2009), not given for China. The SEA have no rest of the world:
  RoW (and China for employees) are gaps (NaN, ``Satellite.gaps``), never zeros. A sector absent from the table
  (output 0: e.g. China's motor-vehicle trade c19) has no jobs: 0.
* Monetary SEA variables (labour and capital compensation in national currency) are left out; the exchange
  rates they would need are implied by the two sources (SEA gross output in national currency over the table's
  output in USD, :func:`implied_exchange_rates`) and are checked against published rates in the tests.

Sources: Timmer, Dietzenbacher, Los, Stehrer & de Vries (2015) *Rev. Int. Econ.* 23:575–605 (WIOD, SEA July 2014);
Corsatea et al. (2019) *World Input-Output Database Environmental Accounts, update 2000–2016*, JRC116234.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from industwin.data.mrio import MRIO, Satellite
from industwin.errors import DataError

__all__ = [
    "CO2_YEARS",
    "CONCORDANCE",
    "NLD_REFERENCE",
    "co2_satellite",
    "employment_satellites",
    "implied_exchange_rates",
    "read_concordance",
    "with_satellites",
]

CONCORDANCE = Path(__file__).with_name("concordances") / "nace2_to_wiod2013.csv"
CO2_FOLDER, SEA_FOLDER = "wiod2016_co2_jrc", "wiod2013_sea"
CO2_FILE, SEA_FILE = "wiod2016_co2_by_country_sector_2000_2014_long.csv", "wiod2013_sea_july14_long.csv"
CO2_YEARS = tuple(range(2000, 2012))                       # JRC 2000–2014 ∩ WIOD 2013 1995–2011
TO_WIOD13 = {"ROU": "ROM", "CHE": "RoW", "HRV": "RoW", "NOR": "RoW"}
NLD_REFERENCE = ("AUT", "BEL", "DEU", "DNK", "ESP", "FIN", "FRA", "GBR", "GRC", "IRL", "ITA", "LUX", "PRT", "SWE")
NLD_METHOD = ("estimated: each sector's CO2 per USD of output in the other EU-15 members (output-weighted) times "
              "NLD's output; the JRC file at hand has no Netherlands sheet")
ROW_GAP = "the WIOD Socio-Economic Accounts cover the 40 countries, not the rest of the world"
SKILLS = {"H_HS": "high-skill hours", "H_MS": "medium-skill hours", "H_LS": "low-skill hours"}


@lru_cache(maxsize=1)
def read_concordance(path: str | None = None) -> pd.DataFrame:
    """The NACE Rev.2 (56, WIOD 2016) → ISIC Rev.3 (35, WIOD 2013) concordance, checked: each NACE class
    ``nests`` in exactly one WIOD 2013 sector or is ``split`` over two or more, into sectors c1–c35."""
    from industwin.data.io import read_table
    src = Path(path) if path else CONCORDANCE
    c = read_table(src, "concordance", text=["nace2", "wiod2013", "link", "reason"])
    problems = []
    if list(c.columns) != ["nace2", "wiod2013", "link", "reason"]:
        problems.append(f"columns are {list(c.columns)}, not nace2, wiod2013, link, reason")
    else:
        ok = {f"c{i}" for i in range(1, 36)}
        bad = sorted(set(c["wiod2013"]) - ok)
        if bad:
            problems.append(f"unknown WIOD 2013 sector(s) {bad[:3]}")
        for code, g in c.groupby("nace2", sort=False):
            links = set(g["link"])
            if links == {"nests"} and len(g) != 1 or links == {"split"} and len(g) < 2 or len(links) != 1 \
                    or not links <= {"nests", "split"}:
                problems.append(f"{code}: 'nests' needs one row and 'split' two or more (got {len(g)} × {links})")
        missing = sorted(set(c["wiod2013"].unique()) ^ ok)
        if missing:
            problems.append(f"WIOD 2013 sector(s) {missing[:3]} receive nothing")
    if problems:
        raise DataError(f"{src}: not a valid concordance ({'; '.join(problems[:3])}). Fix: correct the file")
    return c


@lru_cache(maxsize=2)
def _jrc(path: str) -> pd.DataFrame:
    from industwin.data.io import read_table
    from industwin.data.io.records import Issues, numbers, require_columns
    d = read_table(path, "CO2 accounts", text=["country", "sector"])
    require_columns(d, ["country", "sector", "year", "co2_kt"], "use the long JRC file: country, sector, year, co2_kt")
    issues = Issues(path)
    year = numbers(d, "year", issues, integer=True)
    co2 = numbers(d, "co2_kt", issues, minimum=0.0)
    issues.raise_if_any()
    return d.assign(year=year.astype(int), co2_kt=co2)


@lru_cache(maxsize=2)
def _sea(path: str) -> pd.DataFrame:
    from industwin.data.io import read_table
    d = read_table(path, "socio-economic accounts", text=["country", "variable", "description", "code", "wiod_sector"])
    d = d[d["wiod_sector"] != "TOT"]
    return d.set_index(["variable", "country", "wiod_sector"]).drop(columns=["description", "code"]).sort_index()


def _file(root: Path, folder: str, name: str) -> Path | None:
    p = Path(root) / folder / name
    return p if p.is_file() else None


def co2_satellite(mrio: MRIO, root: Path) -> Satellite | None:
    """Industry CO2 (kt) of the WIOD 2013 table's year, or None when the year or the file is not there.

    ``F[(c, s)] = Σ_k E[c, k] · w[c, k, s]`` with ``E`` the JRC emissions of NACE class ``k`` in country ``c`` and
    ``w`` the concordance weights: 1 where ``k`` nests in ``s``, ``x[c, s] / Σ_{s' ∈ k} x[c, s']`` where ``k`` is
    split (equal shares when the country has no output in any of them). Σ_s F[c, s] = Σ_k E[c, k] exactly.
    """
    path = _file(root, CO2_FOLDER, CO2_FILE)
    if path is None or mrio.year not in CO2_YEARS:
        return None
    d = _jrc(str(path))
    d = d[d["year"] == mrio.year]
    conc = read_concordance()
    unknown = sorted(set(d["sector"]) - set(conc["nace2"]))
    if unknown:
        raise DataError(f"{path}: sector(s) {unknown[:3]} are not in the concordance {CONCORDANCE.name}. Fix: add "
                        "them to the concordance")
    d = d.assign(region=d["country"].map(lambda c: TO_WIOD13.get(c, c)))
    E = d.groupby(["region", "sector"], sort=False)["co2_kt"].sum().unstack(fill_value=0.0)
    regions, sectors = list(mrio.regions), list(mrio.sectors)
    absent = sorted(set(E.index) - set(regions))
    if absent:
        raise DataError(f"{path}: countries {absent[:3]} are not regions of WIOD 2013. Fix: map them in TO_WIOD13")
    x = pd.Series(np.asarray(mrio.x), index=mrio.index)
    F = pd.DataFrame(0.0, index=regions, columns=sectors)
    for code, g in conc.groupby("nace2", sort=False):
        if code not in E.columns:
            continue
        e = E[code].reindex(regions).fillna(0.0)
        targets = list(g["wiod2013"])
        if len(targets) == 1:
            F[targets[0]] += e
            continue
        out = pd.DataFrame({t: x.xs(t, level=1).reindex(regions) for t in targets})
        tot = out.sum(axis=1)
        w = out.div(tot.where(tot > 0), axis=0).fillna(1.0 / len(targets))
        for t in targets:
            F[t] += e * w[t]
    estimated = {}
    if "NLD" in regions and "NLD" not in E.index:
        ref = [r for r in NLD_REFERENCE if r in E.index]
        X = x.unstack()                                              # region × sector
        intensity = F.loc[ref].sum() / X.loc[ref, sectors].sum().where(lambda v: v > 0)
        F.loc["NLD"] = (intensity.fillna(0.0) * X.loc["NLD", sectors]).to_numpy()
        estimated["NLD"] = NLD_METHOD
    missing = sorted(set(regions) - set(E.index) - set(estimated))
    gaps = {r: "not in the JRC accounts" for r in missing}
    if gaps:
        F.loc[missing] = np.nan
    flat = F.loc[[r for r, _ in mrio.index], :].to_numpy()
    col = np.asarray(pd.Index(sectors).get_indexer(mrio.index.get_level_values(1)))
    values = flat[np.arange(len(col)), col]
    return Satellite("co2", values.reshape(1, -1), ["CO2"], ("kt CO2",), gaps=gaps, estimated=estimated)


def employment_satellites(mrio: MRIO, root: Path) -> tuple[list[Satellite], list[str]]:
    """``employment`` (persons; hours and skill hours where every country has them) and ``employees`` (employees
    and their hours, where given) for the table's year, with the notes on what was left out and why."""
    path = _file(root, SEA_FOLDER, SEA_FILE)
    if path is None:
        return [], []
    sea, year = _sea(str(path)), str(mrio.year)
    if year not in sea.columns:
        return [], [f"the socio-economic accounts have no {year}"]
    regions = [r for r in mrio.regions if r != "RoW"]
    rows = pd.MultiIndex.from_tuples([ix for ix in mrio.index if ix[0] != "RoW"])
    x = pd.Series(np.asarray(mrio.x), index=mrio.index).reindex(rows).to_numpy()
    notes: list[str] = []

    def var(v: str) -> tuple[np.ndarray, list[str]]:
        """A variable on the table's rows; cells of absent sectors (x = 0) are 0; the countries lacking it."""
        if v not in sea.index.get_level_values(0):
            return np.full(len(rows), np.nan), regions
        s = sea.loc[v, year].reindex(rows).to_numpy(dtype=float)
        s = np.where(np.isnan(s) & (x == 0), 0.0, s)
        lacking = sorted({r for (r, _), val in zip(rows, s) if np.isnan(val)})
        return s, lacking

    def satellite(name: str, cols: dict[str, tuple[np.ndarray, str]], gaps: dict[str, str]) -> Satellite:
        F = np.full((len(cols), mrio.n), np.nan)
        on = ~np.asarray(mrio.index.get_level_values(0).isin(list(gaps)))
        keep = np.asarray([ix[0] not in gaps for ix in rows])
        for i, (vals, _) in enumerate(cols.values()):
            F[i, on] = vals[keep]
        return Satellite(name, F, list(cols), tuple(u for _, u in cols.values()), gaps=gaps)

    emp: dict[str, tuple[np.ndarray, str]] = {}
    persons, lacking = var("EMP")
    if lacking:
        raise DataError(f"{path}: persons engaged (EMP) missing for {lacking[:3]} in {year}. Fix: check the file")
    emp["persons"] = (persons, "1000 persons")
    hours, lacking = var("H_EMP")
    if not lacking:
        emp["hours"] = (hours, "M hours")
        for v, label in SKILLS.items():
            share, miss = var(v)
            if not miss:
                emp[label] = (share * hours, "M hours")
        if len(emp) == 2:
            notes.append(f"skill shares of hours are not in the socio-economic accounts for {year}")
    else:
        notes.append(f"hours worked are given for {len(regions) - len(lacking)} of {len(regions)} countries in {year}:"
                     " left out")
    out = [satellite("employment", emp, {"RoW": ROW_GAP})]
    e1, l1 = var("EMPE")
    e2, l2 = var("H_EMPE")
    lacking = sorted(set(l1) | set(l2))
    if len(lacking) < len(regions):
        gaps = {"RoW": ROW_GAP, **{r: "the socio-economic accounts give no employees for it" for r in lacking}}
        out.append(satellite("employees", {"employees": (e1, "1000 persons"), "employee hours": (e2, "M hours")},
                             gaps))
    else:
        notes.append(f"employees are not in the socio-economic accounts for {year}")
    return out, notes


def implied_exchange_rates(mrio: MRIO, root: Path) -> pd.Series:
    """National currency per USD implied by the two sources: SEA gross output (national currency) over the
    table's gross output (USD), per country: ``e_c = Σ_s GO^SEA[c, s] / Σ_s x[c, s]``."""
    path = _file(root, SEA_FOLDER, SEA_FILE)
    if path is None:
        raise DataError(f"{Path(root) / SEA_FOLDER / SEA_FILE}: not found. Fix: point INDUSTWIN_DATA at the shared "
                        "data folder")
    go = _sea(str(path)).loc["GO", str(mrio.year)].groupby(level=0).sum()
    x = pd.Series(np.asarray(mrio.x), index=mrio.index).groupby(level=0).sum()
    return (go / x.reindex(go.index)).rename("national currency per USD")


def with_satellites(mrio: MRIO, root: Path) -> MRIO:
    """The table with every satellite the shared data give for its year; what is missing is said in
    ``meta["satellite_notes"]``."""
    sats = dict(mrio.satellites)
    notes = []
    co2 = co2_satellite(mrio, root)
    if co2 is not None:
        sats["co2"] = co2
    elif mrio.year not in CO2_YEARS:
        notes.append(f"no CO2 accounts for {mrio.year}: the JRC accounts start in {CO2_YEARS[0]}")
    else:
        notes.append(f"no CO2 accounts: {Path(root) / CO2_FOLDER / CO2_FILE} not found")
    emp, more = employment_satellites(mrio, root)
    sats.update({s.name: s for s in emp})
    notes += more
    if not emp and not more:
        notes.append(f"no employment accounts: {Path(root) / SEA_FOLDER / SEA_FILE} not found")
    x = np.asarray(mrio.x)
    for s in sats.values():
        notes += s.caveats()
        idle = (x == 0) & (np.nan_to_num(s.F) > 0).any(axis=0)      # values where the table has no output
        if idle.any():
            cells = [f"{r} {c}" for r, c in mrio.index[idle]]
            amount = np.nan_to_num(s.F[:, idle]).sum(axis=1)
            notes.append(f"{s.name}: {', '.join(f'{a:,.0f} (in {u})' for a, u in zip(amount, s.units))} sit in sectors "
                         f"without output in the table ({', '.join(cells[:6])}{' …' if len(cells) > 6 else ''}): no "
                         "account can pass them on (multipliers need output), so they are left out of the accounts")
    return mrio.replace(satellites=sats, meta={**mrio.meta, "satellite_notes": notes,
                                                "satellite_sources": {
                                                    "co2": "JRC WIOD 2016 environmental accounts (Corsatea et al. "
                                                           "2019), NACE Rev.2 → WIOD 2013 by the packaged concordance",
                                                    "employment": "WIOD Socio-Economic Accounts, July 2014"}})
