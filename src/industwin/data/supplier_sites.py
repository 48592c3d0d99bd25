"""A company's published supplier sites: one row per (year, supplier, site) with the site's country.

Such lists are what large buyers disclose of their tier-1 supply base (Apple's *Supplier List* since 2012, the
garment brands' factory lists, the EU CSDDD disclosures). :func:`read_supplier_sites` reads any of them through
the project's input layer (:mod:`industwin.data.io`): a CSV / TSV / Parquet / Excel file or a DataFrame with
columns ``year``, ``supplier``, ``country`` and optionally ``site`` (the address) and ``area`` (a grouping of
countries), each row checked against :class:`SupplierSite` and every problem named with its file, line and
column. :func:`apple_supplier_list` reads Apple's lists 2012–2022 as compiled by CommonWealth Magazine (in the
shared data folder, ``apple_supplier_list/``), whose columns are ``supplier_name``, ``country_area``,
``supplier_address`` — the general reader knows these names.

Two normalisations are explicit and shipped here, never guessed:

* **Countries** → ISO 3166-1 alpha-3 codes with :data:`COUNTRIES` (English names and common variants, and the
  ISO3 codes themselves). Taiwan is ``TWN``, Hong Kong ``HKG`` and Macao ``MAC`` — separate economies in the
  lists and in the statistics (WIOD has ``TWN``; Hong Kong and Macao are in its rest of the world, not in
  ``CHN``); "Korea" is the Republic of Korea (``KOR``); Puerto Rico is ``PRI`` (outside the US national
  accounts). A country that is not in the mapping is an error naming it, never a silent drop.
* **Supplier identity** across years: the lists spell one company many ways (``3M``, ``3M Co.``,
  ``3M Company``; ``Alps Electric Co., Ltd.`` then ``Alps Alpine Company Limited``). :func:`supplier_key`
  folds case, punctuation, ``&``/``and``, legal forms (Inc, Corporation, Co, Ltd, AG, N.V. …) and trailing
  descriptors (Holdings, Group, Technology …), drops a ``(continued)`` left by a page break, and applies
  :data:`RENAMES`, a short list of documented renames of one company. Mergers and acquisitions are *not*
  folded: an acquired supplier leaves the list under its old key.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import Field

from industwin.data.io import Issues, line_of, read_table, records, texts
from industwin.data.schema import Schema
from industwin.errors import DataError, ValidationError, ValidationIssue, plain_list

__all__ = [
    "APPLE_FILE",
    "COLUMN_ALIASES",
    "COUNTRIES",
    "COUNTRY_NAMES",
    "RENAMES",
    "SupplierSite",
    "apple_supplier_list",
    "country_code",
    "read_supplier_sites",
    "supplier_key",
]

DOC = "docs/supplier_base.md"
APPLE_FILE = Path("apple_supplier_list") / "apple-supplier-list.csv"

# ----------------------------------------------------------------------------- countries
# ISO 3166-1 alpha-3 code → English short name (the name shown in tables)
COUNTRY_NAMES: dict[str, str] = {
    "AFG": "Afghanistan", "ALB": "Albania", "DZA": "Algeria", "AND": "Andorra", "AGO": "Angola",
    "ARG": "Argentina", "ARM": "Armenia", "AUS": "Australia", "AUT": "Austria", "AZE": "Azerbaijan",
    "BHS": "Bahamas", "BHR": "Bahrain", "BGD": "Bangladesh", "BRB": "Barbados", "BLR": "Belarus",
    "BEL": "Belgium", "BLZ": "Belize", "BEN": "Benin", "BTN": "Bhutan", "BOL": "Bolivia",
    "BIH": "Bosnia and Herzegovina", "BWA": "Botswana", "BRA": "Brazil", "BRN": "Brunei", "BGR": "Bulgaria",
    "BFA": "Burkina Faso", "BDI": "Burundi", "KHM": "Cambodia", "CMR": "Cameroon", "CAN": "Canada",
    "CPV": "Cabo Verde", "CAF": "Central African Republic", "TCD": "Chad", "CHL": "Chile", "CHN": "China",
    "COL": "Colombia", "COD": "Congo (Democratic Republic)", "COG": "Congo", "CRI": "Costa Rica",
    "CIV": "Côte d'Ivoire", "HRV": "Croatia", "CUB": "Cuba", "CYP": "Cyprus", "CZE": "Czechia",
    "DNK": "Denmark", "DJI": "Djibouti", "DOM": "Dominican Republic", "ECU": "Ecuador", "EGY": "Egypt",
    "SLV": "El Salvador", "EST": "Estonia", "SWZ": "Eswatini", "ETH": "Ethiopia", "FJI": "Fiji",
    "FIN": "Finland", "FRA": "France", "GAB": "Gabon", "GEO": "Georgia", "DEU": "Germany", "GHA": "Ghana",
    "GRC": "Greece", "GTM": "Guatemala", "GIN": "Guinea", "GUY": "Guyana", "HTI": "Haiti", "HND": "Honduras",
    "HKG": "Hong Kong", "HUN": "Hungary", "ISL": "Iceland", "IND": "India", "IDN": "Indonesia", "IRN": "Iran",
    "IRQ": "Iraq", "IRL": "Ireland", "ISR": "Israel", "ITA": "Italy", "JAM": "Jamaica", "JPN": "Japan",
    "JOR": "Jordan", "KAZ": "Kazakhstan", "KEN": "Kenya", "KOR": "Korea", "PRK": "North Korea",
    "KWT": "Kuwait", "KGZ": "Kyrgyzstan", "LAO": "Laos", "LVA": "Latvia", "LBN": "Lebanon", "LSO": "Lesotho",
    "LBR": "Liberia", "LBY": "Libya", "LIE": "Liechtenstein", "LTU": "Lithuania", "LUX": "Luxembourg",
    "MAC": "Macao", "MDG": "Madagascar", "MWI": "Malawi", "MYS": "Malaysia", "MDV": "Maldives", "MLI": "Mali",
    "MLT": "Malta", "MRT": "Mauritania", "MUS": "Mauritius", "MEX": "Mexico", "MDA": "Moldova", "MCO": "Monaco",
    "MNG": "Mongolia", "MNE": "Montenegro", "MAR": "Morocco", "MOZ": "Mozambique", "MMR": "Myanmar",
    "NAM": "Namibia", "NPL": "Nepal", "NLD": "Netherlands", "NZL": "New Zealand", "NIC": "Nicaragua",
    "NER": "Niger", "NGA": "Nigeria", "MKD": "North Macedonia", "NOR": "Norway", "OMN": "Oman",
    "PAK": "Pakistan", "PAN": "Panama", "PNG": "Papua New Guinea", "PRY": "Paraguay", "PER": "Peru",
    "PHL": "Philippines", "POL": "Poland", "PRT": "Portugal", "PRI": "Puerto Rico", "QAT": "Qatar",
    "ROU": "Romania", "RUS": "Russia", "RWA": "Rwanda", "SAU": "Saudi Arabia", "SEN": "Senegal",
    "SRB": "Serbia", "SLE": "Sierra Leone", "SGP": "Singapore", "SVK": "Slovakia", "SVN": "Slovenia",
    "ZAF": "South Africa", "SSD": "South Sudan", "ESP": "Spain", "LKA": "Sri Lanka", "SDN": "Sudan",
    "SUR": "Suriname", "SWE": "Sweden", "CHE": "Switzerland", "SYR": "Syria", "TWN": "Taiwan",
    "TJK": "Tajikistan", "TZA": "Tanzania", "THA": "Thailand", "TGO": "Togo", "TTO": "Trinidad and Tobago",
    "TUN": "Tunisia", "TUR": "Türkiye", "TKM": "Turkmenistan", "UGA": "Uganda", "UKR": "Ukraine",
    "ARE": "United Arab Emirates", "GBR": "United Kingdom", "USA": "United States", "URY": "Uruguay",
    "UZB": "Uzbekistan", "VEN": "Venezuela", "VNM": "Viet Nam", "YEM": "Yemen", "ZMB": "Zambia",
    "ZWE": "Zimbabwe",
}

# other spellings → ISO3 (Apple's lists use "USA", "Korea", "Czech", "Vietnam", "United Kingdom")
_ALIASES: dict[str, str] = {
    "United States of America": "USA", "US": "USA", "U.S.": "USA", "U.S.A.": "USA", "America": "USA",
    "UK": "GBR", "U.K.": "GBR", "Great Britain": "GBR", "Britain": "GBR", "England": "GBR", "Scotland": "GBR",
    "Wales": "GBR", "Northern Ireland": "GBR",
    "Korea": "KOR", "South Korea": "KOR", "Republic of Korea": "KOR", "Korea, Republic of": "KOR",
    "Korea Republic": "KOR", "Korea (South)": "KOR", "Korea (Republic of)": "KOR", "Korea, DPR": "PRK",
    "Democratic People's Republic of Korea": "PRK",
    "Czech": "CZE", "Czech Republic": "CZE",
    "Vietnam": "VNM", "Viet-Nam": "VNM",
    "Mainland China": "CHN", "PRC": "CHN", "People's Republic of China": "CHN", "China (mainland)": "CHN",
    "China, People's Republic of": "CHN",
    "Taiwan, Province of China": "TWN", "Taiwan (ROC)": "TWN", "Republic of China": "TWN",
    "Chinese Taipei": "TWN", "Taipei": "TWN",
    "Hong Kong SAR": "HKG", "Hong Kong, China": "HKG", "Hongkong": "HKG", "Hong Kong SAR, China": "HKG",
    "Macau": "MAC", "Macao SAR": "MAC", "Macau SAR": "MAC", "Macao, China": "MAC",
    "Russian Federation": "RUS", "Turkey": "TUR", "Turkiye": "TUR", "Holland": "NLD",
    "The Netherlands": "NLD", "Slovak Republic": "SVK", "Lao PDR": "LAO", "Burma": "MMR",
    "Ivory Coast": "CIV", "Cote d'Ivoire": "CIV", "Swaziland": "SWZ", "Macedonia": "MKD", "Cape Verde": "CPV",
    "Brunei Darussalam": "BRN", "UAE": "ARE", "Iran, Islamic Republic of": "IRN", "Moldova, Republic of": "MDA",
    "Tanzania, United Republic of": "TZA", "Viet Nam (Vietnam)": "VNM",
}


def _name_key(name: str) -> str:
    """A country name folded for lookup: case, spaces, dots, a leading 'the'."""
    s = " ".join(str(name).replace(".", "").split()).casefold()
    return s.removeprefix("the ")


COUNTRIES: dict[str, str] = {**{_name_key(v): k for k, v in COUNTRY_NAMES.items()},
                             **{_name_key(k): v for k, v in _ALIASES.items()},
                             **{k.casefold(): k for k in COUNTRY_NAMES}}
"""Country name (folded: lower case, single spaces, no dots, no leading 'the') or ISO3 code → ISO3 code."""


def country_code(name: str) -> str | None:
    """The ISO3 code of a country name or code (see :data:`COUNTRIES`); None when it is not known."""
    if not isinstance(name, str) or not name.strip():
        return None
    return COUNTRIES.get(_name_key(name))


# ----------------------------------------------------------------------------- supplier identity
_LEGAL = frozenset({"incorporated", "inc", "corporation", "corp", "company", "co", "coltd", "limited", "ltd", "llc",
                    "plc", "ag", "aktiengesellschaft", "gmbh", "kgaa", "nv", "bv", "sa", "se", "kk", "spa", "pte",
                    "bhd", "sdn", "tbk", "private", "pvt", "oyj"})
_TRAILING = frozenset({"holdings", "holding", "group", "technology", "technologies", "international", "industries",
                       "industry", "tech"})

RENAMES: dict[str, str] = {
    # key of the old name → key of the new name: one company renamed (not a merger of two)
    "asahi glass": "agc",                            # Asahi Glass Co. → AGC Inc. (2018)
    "alps electric": "alps alpine",                  # Alps Electric Co. → Alps Alpine Co. (2019)
    "minebea": "minebeamitsumi",                     # Minebea Co. → MinebeaMitsumi Inc. (2017)
    "flextronics": "flex",                           # Flextronics International → Flex Ltd. (2016)
    "jabil circuit": "jabil",                        # Jabil Circuit, Inc. → Jabil Inc. (2017)
    "hynix semiconductor": "sk hynix",               # Hynix Semiconductor → SK hynix (2012)
    "luxshare ict": "luxshare precision",            # Luxshare-ICT / Luxshare Precision Industry: both spellings
    "philips lumileds lighting": "lumileds",         # Philips Lumileds Lighting Co. → Lumileds (2017)
    "austria microsystems": "ams",                   # austriamicrosystems AG → ams AG (2012)
    "austria microsystems ams": "ams",
    "ams osram": "ams",                              # ams AG → ams-OSRAM AG (2022)
    "aac acoustic": "aac",                           # AAC (Acoustic) Technologies Holdings: both spellings
    "nxp semiconductor": "nxp semiconductors",       # spelling
    "osram opto semiconductor": "osram opto semiconductors",   # spelling
    "broadcomm": "broadcom",                         # spelling
    "at and s": "at and s austria technologie and systemtechnik",   # AT&S = AT & S Austria Technologie & …
    "austria technologie and systemtechnik": "at and s austria technologie and systemtechnik",
}
"""Documented renames (and spellings) of one supplier, applied after :func:`supplier_key`'s folding."""


def supplier_key(name: str) -> str:
    """A supplier's name folded into a key that stays the same across the years' spellings (module docstring)."""
    s = re.sub(r"\(\s*continued\s*\)", " ", str(name), flags=re.IGNORECASE)
    s = s.casefold().replace("&", " and ")
    s = re.sub(r"[.,'’]", "", s)
    s = re.sub(r"[^\w]+", " ", s)
    toks = [t for t in s.split() if t not in _LEGAL]
    while len(toks) > 1 and toks[-1] in _TRAILING:
        toks.pop()
    key = " ".join(toks) or " ".join(str(name).casefold().split())
    return RENAMES.get(key, key)


# ----------------------------------------------------------------------------- the reader
class SupplierSite(Schema):
    """One row of a supplier-site list: the year of the list, the supplier, the site's country, and optionally
    the site (address, or province / state) and an area (a grouping of countries, kept as given)."""

    year: int = Field(ge=1900, le=2100, description="year of the list")
    supplier: str = Field(min_length=1, description="supplier name as published")
    country: str = Field(min_length=1, description="country of the site: English name or ISO3 code")
    site: str | None = Field(None, description="address of the site, or its province / state")
    area: str | None = Field(None, description="a grouping of countries, as given")


COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "year": ("year",),
    "supplier": ("supplier", "supplier_name", "company"),
    "country": ("country", "country_name"),
    "site": ("site", "supplier_address", "address", "location"),
    "area": ("area", "country_area", "region"),
}
"""The column names read as each field (the first present is used); Apple's list uses the second ones."""


def _columns(df: pd.DataFrame, columns: Mapping[str, str] | None) -> dict[str, str]:
    """File column → field: the user's mapping, else the first alias present of each field."""
    if columns:
        return dict(columns)
    out: dict[str, str] = {}
    for field, names in COLUMN_ALIASES.items():
        hit = next((c for c in names if c in df.columns), None)
        if hit is not None:
            out[hit] = field
    return out


def _renamed_issues(e: ValidationError, back: dict[str, str]) -> ValidationError:
    """The issues of a renamed table, their fields named as the file's columns."""
    items = []
    for i in e.issues:
        head, sep, name = i.field.rpartition(": ")
        name = back.get(name, name)
        items.append(ValidationIssue(i.source, f"{head}{sep}{name}", i.problem, i.fix))
    return ValidationError(items)


def read_supplier_sites(src: Any, *, columns: Mapping[str, str] | None = None, what: str = "supplier-site list",
                        missing_site: tuple[str, ...] = ()) -> pd.DataFrame:
    """A supplier-site list as a table with one row per listed site.

    ``src``: a CSV / TSV / Parquet / Excel file or a DataFrame with columns ``year``, ``supplier``, ``country``
    and optionally ``site`` and ``area`` (also read under the names of :data:`COLUMN_ALIASES`, or as
    ``columns`` maps them: ``{"Jahr": "year", …}``). Every row is checked (:class:`SupplierSite`): a blank
    supplier or country, a year that is not a whole number, a column missing or unknown, a country not in
    :data:`COUNTRIES` — each a :class:`~industwin.errors.ValidationError` naming the file, the line and the
    column. ``missing_site``: cell texts that mean "no address" in this list (e.g. ``("NA",)``; by the project's
    rule only blanks are missing otherwise).

    Columns of the result: ``year``, ``supplier`` (as published), ``supplier_key`` (:func:`supplier_key`),
    ``country`` (as written), ``iso3``, ``site``, ``area`` and ``repeat`` (True for a row that repeats an earlier
    row of the same year, supplier, country and site exactly). ``attrs``: ``source``, ``columns`` (field →
    file column) and ``notes``.
    """
    df = read_table(src, what, text=[c for names in COLUMN_ALIASES.values() for c in names] + list(columns or ()))
    source = str(df.attrs["source"])
    names = _columns(df, columns)
    back = {f: c for c, f in names.items()}
    issues = Issues(source)
    for c, f in names.items():
        if c not in df.columns:
            issues.add(c, "column missing", f"the column given for {f} is not in the file; its columns are "
                                            f"{', '.join(map(str, df.columns))}")
        elif f not in SupplierSite.model_fields:
            issues.add(c, f"mapped to {f!r}, which is not a field", f"map columns to {', '.join(COLUMN_ALIASES)}")
    for c in df.columns:
        if c not in names and c not in SupplierSite.model_fields:
            issues.add(c, "unknown column", f"remove it, rename it, or map it to a field ({', '.join(COLUMN_ALIASES)})")
    for f in ("year", "supplier", "country"):
        if f not in back:
            also = [a for a in COLUMN_ALIASES[f] if a != f]
            issues.add(f, "column missing", f"add a column {f}" + (f" (also read as {', '.join(also)})" if also
                                                                     else "") + f" (see {DOC})")
    issues.raise_if_any()
    table = df.rename(columns=names)
    countries = texts(table, "country", issues, blank="allow")     # blanks are reported by records()
    codes = countries.map(country_code)
    unknown = countries[countries.notna() & codes.isna()]
    for name, k in unknown.groupby(unknown, sort=True).groups.items():
        near = difflib.get_close_matches(_name_key(name), list(COUNTRIES), n=5, cutoff=0.8)
        near = list(dict.fromkeys(COUNTRY_NAMES[COUNTRIES[n]] for n in near))[:3]
        hint = f" (did you mean {plain_list(near, 3)}?)" if near else ""
        issues.add(f"{line_of(table, table.index.get_loc(k[0]))}: {back['country']}",
                   f"unknown country {name!r} on {len(k)} row(s){hint}",
                   "write the country's English name or its ISO3 code (e.g. 'Vietnam' or 'VNM'); the names known are "
                   "in industwin.data.supplier_sites.COUNTRIES")
    try:
        rows = records(table, SupplierSite, doc=DOC)
    except ValidationError as e:
        raise _renamed_issues(ValidationError([*e.issues, *issues.items]), back) from None
    issues.raise_if_any()
    out = pd.DataFrame([r.model_dump() for r in rows], columns=list(SupplierSite.model_fields))
    out["year"] = out["year"].astype(int)
    if missing_site:
        out["site"] = out["site"].where(~out["site"].isin(list(missing_site)), None)
    out["iso3"] = codes.to_numpy()
    out.insert(2, "supplier_key", out["supplier"].map(supplier_key))
    out["repeat"] = out.duplicated(["year", "supplier", "iso3", "site"]) & out["site"].notna()
    out = out[["year", "supplier", "supplier_key", "country", "iso3", "site", "area", "repeat"]]
    notes = []
    if out["repeat"].any():
        rep = out[out["repeat"]]
        notes.append(f"{len(rep)} row(s) repeat an earlier row of the same year, supplier, country and site "
                     f"(years {plain_list(sorted(rep['year'].unique()))}): kept as rows, counted once as sites")
    out.attrs.update(source=source, columns={f: c for c, f in names.items()}, notes=notes)
    return out


def apple_supplier_list(root: str | Path | None = None) -> pd.DataFrame:
    """Apple's published supplier lists 2012–2018 and 2020–2022 (no list for 2019), as compiled by
    CommonWealth Magazine (cwgrouptw/data, MIT): 7,558 rows, 954 supplier names as spelt, one row per
    (year, supplier, site) — :func:`read_supplier_sites` of ``<root>/apple_supplier_list/apple-supplier-list.csv``
    (``root``: the data folder, default :func:`~industwin.data.registry.data_root`).

    From 2020 Apple gives each site's province or state only, not its address, and one row per supplier and
    province: a "site" of 2020–2022 may be several plants. The 16 addresses written ``NA`` in 2020 are missing.
    """
    from industwin.data.registry import data_root
    path = Path(root if root is not None else data_root()) / APPLE_FILE
    if not path.exists():
        raise DataError(f"{path}: Apple's supplier list is not found. Fix: set INDUSTWIN_DATA to the shared data "
                        "folder that holds apple_supplier_list/, or give the folder as root")
    sites = read_supplier_sites(path, what="Apple supplier list", missing_site=("NA",))
    years = sorted(sites["year"].unique())
    gaps = [y for y in range(years[0], years[-1] + 1) if y not in years]
    notes = sites.attrs["notes"]
    if gaps:
        notes.append(f"no list for {plain_list(gaps)}: Apple did not publish one")
    detail = [y for y in years if y >= 2020]
    if detail:
        notes.append(f"from {detail[0]} the list gives each site's province or state only, one row per supplier "
                     "and province: site counts before and after are not alike (compare suppliers present)")
    sites.attrs.update(name="Apple Supplier List", detail_change=detail[0] if detail else None)
    return sites
