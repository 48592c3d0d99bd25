"""Readiness data: the readiness model, company self-assessments, KPI weights, and the regional Industry 4.0
readiness data of EU NUTS-2 regions.

* **The model** (:func:`load_model`, the packaged ``readiness.yaml``): 3 building blocks (process, technology,
  organisation), 8 pillars, 16 dimensions, each scored in bands 0–5 with a one-line description per band. Its
  shape follows the public structure of Singapore EDB's Smart Industry Readiness Index (SIRI, EDB 2017), which
  inspired it; the band texts are industwin's own and SIRI's assessor method and weights (not public) are not
  reproduced. The file also maps KPIs (cost, quality, speed, …) to the dimensions they draw on.
* **Self-assessments** (:func:`read_assessments`): one row per company × dimension with the columns
  ``company, sector, region, nuts2 (optional), size_class, dimension, band`` (CSV / TSV / Parquet / Excel or a
  DataFrame). ``sector`` is a table sector code (``c12``) or, with ``sectors=`` (code → name, e.g.
  ``mrio.sector_names``), a name resolved to its code; ``region`` the ISO 3166 alpha-3 economy; ``nuts2`` a
  NUTS-2 code; ``size_class`` micro / small / medium / large (EU definition, Recommendation 2003/361/EC:
  < 10, < 50, < 250, ≥ 250 persons employed); ``band`` a whole number 0–5. Every company must give every
  dimension once and the same sector, region, NUTS-2 and size class on each of its rows.
* **KPI weights** (:func:`read_kpi_weights`): ``company, kpi, weight`` or ``company, dimension, weight``;
  company ``*`` is the default for companies without rows of their own (:func:`dimension_weights`).
* **Regional data** (:func:`read_i40_rank`, :func:`read_i40_indicators`): the regional Industry 4.0 readiness
  index of Honti, Czvetko & Abonyi (2020, *Data in Brief* 33:106464) in ``$INDUSTWIN_DATA/
  industry40_readiness_nuts2/`` — the PROMETHEE rank of 309 rows (308 NUTS-2 regions and the EU28 average) and
  the Eurostat-based indicators behind it (4,454 region-years 2008–2019 × 103 columns).

Every problem is a :class:`~industwin.errors.ValidationError` naming the file, the line and the column, with
the fix (see docs/readiness.md).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import AfterValidator, Field, create_model

from industwin.data.io import Issues, line_of, numbers, read_table, records, texts
from industwin.data.schema import Schema
from industwin.errors import DataError, SelectionError, ValidationError, ValidationIssue, plain_list

__all__ = [
    "ASSESSMENT_COLUMNS",
    "I40_DIR",
    "MODEL_FILE",
    "NUTS2",
    "NUTS_COUNTRY",
    "REGIONAL_INDICATORS",
    "SIZE_CLASSES",
    "ReadinessModel",
    "RegionalIndicator",
    "check_assessments",
    "check_weights",
    "dimension_weights",
    "load_model",
    "nuts_prefix",
    "read_assessments",
    "read_i40_indicators",
    "read_i40_rank",
    "read_kpi_weights",
]

DOC = "docs/readiness.md"
MODEL_FILE = Path(__file__).with_name("readiness.yaml")
SIZE_CLASSES = ("micro", "small", "medium", "large")
NUTS2 = r"[A-Z]{2}[0-9A-Z]{2}"                  # a NUTS-2 code: country (2 letters) and region (2 characters)
ASSESSMENT_COLUMNS = ("company", "sector", "region", "nuts2", "size_class", "dimension", "band")
I40_DIR = Path("industry40_readiness_nuts2")


# ----------------------------------------------------------------------------- the model
class _Dimension(Schema):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    name: str
    bands: Annotated[list[Annotated[str, Field(min_length=1, max_length=200)]], Field(min_length=6, max_length=6)]


class _Pillar(Schema):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    name: str
    dimensions: Annotated[list[_Dimension], Field(min_length=1)]


class _Block(Schema):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    name: str
    pillars: Annotated[list[_Pillar], Field(min_length=1)]


class _Kpi(Schema):
    name: str
    dimensions: Annotated[list[str], Field(min_length=1)]


class ReadinessModel(Schema):
    """The readiness model: blocks → pillars → dimensions (bands 0–5 described), and KPIs → dimensions."""

    version: int
    name: str
    bands: list[int]
    blocks: Annotated[list[_Block], Field(min_length=1)]
    kpis: dict[str, _Kpi] = Field(default_factory=dict)

    @property
    def dimensions(self) -> pd.DataFrame:
        """One row per dimension (model order): ``dimension`` (id, the index), ``name``, ``pillar``,
        ``pillar_name``, ``block``, ``block_name``."""
        rows = [{"dimension": d.id, "name": d.name, "pillar": p.id, "pillar_name": p.name, "block": b.id,
                 "block_name": b.name} for b in self.blocks for p in b.pillars for d in p.dimensions]
        return pd.DataFrame(rows).set_index("dimension")

    @property
    def ids(self) -> list[str]:
        return [d.id for b in self.blocks for p in b.pillars for d in p.dimensions]

    def band_text(self, dimension: str, band: int) -> str:
        for b in self.blocks:
            for p in b.pillars:
                for d in p.dimensions:
                    if d.id == dimension:
                        return d.bands[band]
        raise SelectionError(f"unknown dimension {dimension!r}. Fix: one of {plain_list(self.ids, 16)}")


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> ReadinessModel:
    """The readiness model (the packaged ``readiness.yaml`` unless ``path``), checked: bands 0–5, ids unique
    across blocks, pillars and dimensions, every KPI's dimensions known."""
    from industwin.data.io import read_mapping, validate
    p = Path(path) if path else MODEL_FILE
    data, src = read_mapping(p, "readiness model", "version, name, bands, blocks and kpis")
    m = validate(ReadinessModel, data, src, DOC)
    issues = []
    if m.bands != [0, 1, 2, 3, 4, 5]:
        issues.append(ValidationIssue(src, "bands", f"{m.bands} are not the bands 0–5",
                                      "write bands: [0, 1, 2, 3, 4, 5]"))
    ids = [b.id for b in m.blocks] + [p.id for b in m.blocks for p in b.pillars] + m.ids
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        issues.append(ValidationIssue(src, "blocks", f"ids used more than once: {', '.join(dup)}",
                                      "give every block, pillar and dimension its own id"))
    for k, kpi in m.kpis.items():
        bad = [d for d in kpi.dimensions if d not in m.ids]
        if bad:
            issues.append(ValidationIssue(src, f"kpis.{k}.dimensions", f"unknown dimension(s) {', '.join(bad)}",
                                          "list dimension ids of the model"))
    if issues:
        raise ValidationError(issues)
    return m


# ----------------------------------------------------------------------------- self-assessments
def _known(ids: tuple[str, ...]):
    def check(v: str) -> str:
        if v not in ids:
            near = difflib.get_close_matches(v, ids, n=1, cutoff=0.6)
            raise ValueError(f"unknown dimension {v!r}" + (f" (did you mean {near[0]!r}?)" if near else "") +
                             f"; the model's dimensions are {', '.join(ids)}")
        return v
    return check


@lru_cache(maxsize=8)
def _row_model(ids: tuple[str, ...]) -> type[Schema]:
    """The schema of one assessment row for a model with dimensions ``ids``."""
    return create_model(
        "AssessmentRow", __base__=Schema,
        company=(Annotated[str, Field(min_length=1, max_length=200)], ...),
        sector=(Annotated[str, Field(min_length=1, max_length=120)], ...),
        region=(Annotated[str, Field(pattern=r"^[A-Z]{3}$")], ...),
        nuts2=(Annotated[str, Field(pattern=f"^{NUTS2}$")] | None, None),
        size_class=(Literal[SIZE_CLASSES], ...),
        dimension=(Annotated[str, AfterValidator(_known(ids))], ...),
        band=(Annotated[int, Field(ge=0, le=5)], ...),
    )


_FIXES = {"band": f"write the band as a whole number 0–5 (0 = not started, 5 = most advanced; see {DOC})",
          "region": "write the economy's ISO 3166 alpha-3 code, e.g. DEU or IND",
          "nuts2": "write a NUTS-2 code such as DE60, or leave the cell blank"}


def _fold(s: str) -> str:
    return " ".join(str(s).replace(",", " ").split()).casefold()


def _sector_codes(sector: pd.Series, sectors: Mapping[str, str], df: pd.DataFrame, issues: Issues) -> pd.Series:
    lookup = {_fold(c): str(c) for c in sectors} | {_fold(n): str(c) for c, n in sectors.items()}
    codes = sector.map(lambda s: lookup.get(_fold(s)) if isinstance(s, str) else None)
    bad = sector.notna() & codes.isna()
    for name, idx in sector[bad].groupby(sector[bad], sort=True).groups.items():
        near = difflib.get_close_matches(_fold(name), list(lookup), n=3, cutoff=0.6)
        hint = f" (did you mean {plain_list([lookup[n] for n in near], 3)}?)" if near else ""
        issues.add(f"{line_of(df, df.index.get_loc(idx[0]))}: sector", f"unknown sector {name!r} on {len(idx)} "
                   f"row(s){hint}", f"write a sector code of the table ({plain_list(list(sectors), 6)}) or its name")
    return codes


def _grouped(issues) -> list[ValidationIssue]:
    """Row problems with the same column and message as one issue listing their lines (a company's 16 rows with
    the same wrong size class are one problem, not 16)."""
    groups: dict[tuple, list[str]] = {}
    first: dict[tuple, ValidationIssue] = {}
    for i in issues:
        where, _, col = i.field.rpartition(": ")
        key = (i.source, col or i.field, i.problem)
        groups.setdefault(key, []).append(where or i.field)
        first.setdefault(key, i)
    out = []
    for key, wheres in groups.items():
        i, col = first[key], key[1]
        at = wheres[0] if len(wheres) == 1 else f"{wheres[0]} and {len(wheres) - 1} more row(s)"
        out.append(ValidationIssue(i.source, f"{at}: {col}" if wheres[0] != i.field else i.field, i.problem,
                                   _FIXES.get(col, i.fix)))
    return out


def check_assessments(a: pd.DataFrame, regions, sectors, table: str = "the table") -> None:
    """The assessments' economies and sectors are ``table``'s (``regions``, ``sectors``), and each NUTS-2 code
    lies in its company's economy (``DE60`` in ``DEU``; none outside the EU). All problems at once, each with the
    file, the first line, the column and the fix."""
    source = str(a.attrs.get("source", "assessments"))
    issues = Issues(source)
    from industwin.data.mrio import economies
    regions, sectors = economies(regions), [str(s) for s in sectors]
    for col, valid, what in (("region", regions, "economy"), ("sector", sectors, "sector")):
        bad = a[col][~a[col].isin(valid)]
        for v, idx in bad.groupby(bad, sort=True).groups.items():
            near = difflib.get_close_matches(str(v), valid, n=3, cutoff=0.5)
            hint = f" (did you mean {plain_list(near, 3)}?)" if near else ""
            issues.add(f"{line_of(a, a.index.get_loc(idx[0]))}: {col}", f"{v!r} on {len(idx)} row(s) is no {what} "
                       f"of {table}{hint}", f"write one of {plain_list(valid, 8)}")
    nuts = a["nuts2"].fillna("")
    for k, (r, n) in enumerate(zip(a["region"], nuts)):
        if not n:
            continue
        pre = nuts_prefix(r)
        if pre is None or not n.startswith(pre):
            issues.add(f"{line_of(a, k)}: nuts2", f"{n} is not a NUTS-2 region of {r}" +
                       ("" if pre is None else f" (its codes start with {pre})"),
                       "give the company's own NUTS-2 region, or leave the cell blank")
            break
    issues.raise_if_any()


def read_assessments(src: Any, *, sectors: Mapping[str, str] | None = None, model: ReadinessModel | None = None,
                     what: str = "readiness self-assessment") -> pd.DataFrame:
    """Company self-assessments, one row per company × dimension, validated.

    Columns of ``src``: ``company``, ``sector``, ``region`` (ISO-3), ``nuts2`` (optional, blank allowed),
    ``size_class`` (micro / small / medium / large), ``dimension`` (a dimension id of ``model``) and ``band``
    (a whole number 0–5). Refused, each naming the file, the line and the column with the fix: an unknown
    column or dimension, a band outside 0–5, a fractional, blank, NaN or non-numeric band, a company that
    lacks a dimension (named), a (company, dimension) given twice, a company whose rows disagree on sector,
    region, NUTS-2 or size class. With ``sectors`` (code → name) a sector may be written by name and is
    returned as its code; unknown sectors are refused.

    Returns the rows (file order) with ``band`` as int8; ``attrs``: ``source``, ``units`` (``band``: "band 0–5"),
    ``companies`` (count).
    """
    model = model or load_model()
    ids = tuple(model.ids)
    df = read_table(src, what, text=["company", "sector", "region", "nuts2", "size_class", "dimension"])
    source = str(df.attrs["source"])
    try:
        rows = records(df, _row_model(ids), doc=DOC)
    except ValidationError as e:
        raise ValidationError(_grouped(e.issues)) from None
    out = pd.DataFrame([r.model_dump() for r in rows], columns=list(ASSESSMENT_COLUMNS))
    out.attrs.update(df.attrs)
    issues = Issues(source)
    if sectors is not None:
        out["sector"] = _sector_codes(out["sector"], sectors, out, issues)
    issues.raise_if_any()
    # each (company, dimension) once
    dup = out.duplicated(["company", "dimension"], keep="first")
    if dup.any():
        first = out.reset_index().groupby(["company", "dimension"])["index"].min()
        for k in np.flatnonzero(dup.to_numpy())[:20]:
            c, d = out.iloc[k]["company"], out.iloc[k]["dimension"]
            issues.add(f"{line_of(out, k)}: dimension", f"company {c!r} gives dimension {d!r} again (first on "
                       f"{line_of(out, int(first[c, d]))})", "keep one row per company and dimension")
    # the same profile on every row of a company
    for col in ("sector", "region", "nuts2", "size_class"):
        n = out.groupby("company", sort=False)[col].nunique(dropna=False)
        for c in n.index[n.to_numpy() > 1][:10]:
            k = np.flatnonzero((out["company"] == c).to_numpy())
            vals = list(dict.fromkeys(out[col].iloc[k].fillna("(blank)")))
            issues.add(f"{line_of(out, int(k[0]))}: {col}", f"company {c!r} gives {col} {plain_list(vals, 3)} on "
                       "different rows", f"give one {col} on all of the company's rows")
    # every dimension for every company
    have = out.groupby("company", sort=False)["dimension"].agg(set)
    for c, got in have.items():
        miss = [d for d in ids if d not in got]
        if miss:
            k = int(np.flatnonzero((out["company"] == c).to_numpy())[0])
            issues.add(f"{line_of(out, k)}: dimension", f"company {c!r} has no row for {len(miss)} dimension(s): "
                       f"{', '.join(miss)}", "add a row with a band 0–5 for each (0 = not started)")
            if len(issues.items) > 40:
                break
    issues.raise_if_any()
    out["band"] = out["band"].astype(np.int8)
    out.attrs.update(source=source, units={"band": "band 0–5"}, companies=int(out["company"].nunique()))
    return out


# ----------------------------------------------------------------------------- KPI weights
def dimension_weights(weights: Mapping[str, float] | pd.Series | None, model: ReadinessModel | None = None,
                      source: str = "weights") -> pd.Series:
    """Weights of the model's dimensions, normalised to mean 1, from ``weights``: None (all 1), a mapping of
    KPI → weight (each KPI's weight split equally over its dimensions, :attr:`ReadinessModel.kpis`):
    ``w_d ∝ Σ_k W_k · [d ∈ D_k] / |D_k|``, or a mapping of dimension → weight (dimensions not named: 0). Keys
    must all be KPIs or all dimensions; weights finite and ≥ 0, not all 0."""
    model = model or load_model()
    ids = model.ids
    if weights is None:
        return pd.Series(1.0, index=pd.Index(ids, name="dimension"), name="weight")
    w = {str(k): v for k, v in dict(weights).items()}
    kinds = {"kpi" if k in model.kpis else "dimension" if k in ids else "?" for k in w}
    unknown = [k for k in w if k not in model.kpis and k not in ids]
    if unknown:
        raise SelectionError(f"{source}: unknown KPI or dimension {plain_list(unknown, 3)}. Fix: name KPIs "
                             f"({', '.join(model.kpis)}) or dimensions ({plain_list(ids, 4)})")
    if len(kinds) > 1:
        raise SelectionError(f"{source}: KPIs and dimensions mixed. Fix: weight either KPIs or dimensions")
    vals = np.array([float(v) for v in w.values()]) if w else np.zeros(0)
    if not len(vals) or not np.isfinite(vals).all() or (vals < 0).any() or vals.sum() <= 0:
        raise SelectionError(f"{source}: weights must be finite numbers ≥ 0, not all 0. Fix: correct them")
    raw = pd.Series(0.0, index=pd.Index(ids, name="dimension"), name="weight")
    if kinds == {"kpi"}:
        for k, v in w.items():
            dims = model.kpis[k].dimensions
            raw[dims] += float(v) / len(dims)
    else:
        for d, v in w.items():
            raw[d] = float(v)
    out = raw * len(ids) / raw.sum()
    out.attrs["units"] = "weight (mean 1 over the dimensions)"
    return out


def read_kpi_weights(src: Any, model: ReadinessModel | None = None, what: str = "KPI weights") -> pd.DataFrame:
    """Each company's dimension weights (rows: companies, ``*`` the default; columns: dimensions; mean 1 per
    row, :func:`dimension_weights`) from a file with columns ``company``, ``kpi`` **or** ``dimension``, and
    ``weight`` (finite, ≥ 0). Unknown KPIs or dimensions, a pair given twice, blank cells are refused with
    their line."""
    model = model or load_model()
    df = read_table(src, what, text=["company", "kpi", "dimension"])
    source = str(df.attrs["source"])
    issues = Issues(source)
    key = [c for c in ("kpi", "dimension") if c in df.columns]
    allowed = {"company", "weight", *key}
    for c in df.columns:
        if c not in allowed:
            issues.add(c, "unknown column", "columns are company, kpi (or dimension), weight")
    if len(key) != 1:
        issues.add("kpi/dimension", "need exactly one of the columns kpi and dimension",
                   "weight either KPIs (column kpi) or dimensions (column dimension)")
    for c in ("company", "weight"):
        if c not in df.columns:
            issues.add(c, "column missing", f"add a column {c} (see {DOC})")
    issues.raise_if_any()
    k = key[0]
    comp = texts(df, "company", issues)
    names = texts(df, k, issues)
    w = numbers(df, "weight", issues, minimum=0, fix="write a weight ≥ 0 on every row")
    known = list(model.kpis) if k == "kpi" else model.ids
    for i in np.flatnonzero((names.notna() & ~names.isin(known)).to_numpy())[:20]:
        issues.add(f"{line_of(df, int(i))}: {k}", f"unknown {k} {names.iloc[i]!r}", f"use one of {', '.join(known)}")
    dup = pd.DataFrame({"c": comp, "k": names}).duplicated()
    for i in np.flatnonzero(dup.to_numpy())[:20]:
        issues.add(f"{line_of(df, int(i))}: {k}", f"company {comp.iloc[i]!r} weights {names.iloc[i]!r} twice",
                   "keep one row per company and " + k)
    issues.raise_if_any()
    rows = {}
    for c, g in pd.DataFrame({"c": comp, "k": names, "w": w}).groupby("c", sort=False):
        rows[c] = dimension_weights(dict(zip(g["k"], g["w"])), model, f"{source}: company {c!r}")
    out = pd.DataFrame(rows).T
    out.index.name, out.columns.name = "company", "dimension"
    out.attrs.update(source=source, units="weight (mean 1 over the dimensions)", by=k)
    return out


def check_weights(weights: pd.DataFrame, assessments: pd.DataFrame) -> None:
    """Every company the weights name (besides the default ``*``) is one of the assessments' companies: a
    misspelt name would otherwise fall back to the default weights without a word."""
    have = list(dict.fromkeys(assessments["company"]))
    bad = [c for c in weights.index if c != "*" and c not in set(have)]
    if bad:
        folded = {c.casefold(): c for c in have}
        issues = Issues(str(weights.attrs.get("source", "KPI weights")))
        for c in bad[:20]:
            near = [folded[c.casefold()]] if c.casefold() in folded else \
                difflib.get_close_matches(c, have, n=2, cutoff=0.8)
            issues.add("company", f"{c!r} is not a company of {assessments.attrs.get('source', 'the assessments')}"
                       + (f" (did you mean {plain_list(near, 2)}?)" if near else ""),
                       "write the company's name as the assessments do, or * for the default weights")
        issues.raise_if_any()


# ----------------------------------------------------------------------------- regional data
@dataclass(frozen=True)
class RegionalIndicator:
    """A key indicator of regional readiness: its id, label, unit, the column(s) of ``i40_index_db`` it comes
    from, ``direction`` (+1: more is better, −1: less is better), ``per_million`` (divide by the population and
    multiply by 10⁶) and ``last_year`` (later years are incomplete in the source)."""

    id: str
    label: str
    unit: str
    column: str
    direction: int = 1
    per_million: bool = False
    last_year: int | None = None


_POP = "demo_r_d2jan_UNIT_NR_SEX_T_AGE_TOTAL"
REGIONAL_INDICATORS: tuple[RegionalIndicator, ...] = (
    RegionalIndicator("rd_business", "R&D expenditure of business enterprises", "% of GDP",
                      "rd_e_gerdreg_SECTPERF_BES_UNIT_PC_GDP"),
    RegionalIndicator("rd_personnel_business", "R&D personnel in business enterprises", "% of employment (FTE)",
                      "rd_p_persreg_PROF_POS_TOTAL_SEX_T_SECTPERF_BES_UNIT_PC_EMP_FTE"),
    RegionalIndicator("hrst", "Human resources in science and technology", "% of population",
                      "hrst_st_rcat_CATEGORY_HRST_UNIT_PC_POP"),
    RegionalIndicator("scientists_engineers", "Scientists and engineers", "% of population",
                      "hrst_st_rcat_CATEGORY_SE_UNIT_PC_POP"),
    RegionalIndicator("tertiary_25_64", "Tertiary education attainment, age 25–64", "% of population 25–64",
                      "edat_lfse_04_SEX_T_ISCED11_ED5-8_AGE_Y25-64_UNIT_PC"),
    RegionalIndicator("low_education_25_64", "At most lower secondary education, age 25–64",
                      "% of population 25–64", "edat_lfse_04_SEX_T_ISCED11_ED0-2_AGE_Y25-64_UNIT_PC", direction=-1),
    RegionalIndicator("high_tech_employment", "Employment in high-technology sectors", "% of employment",
                      "htec_emp_reg2_NACE_R2_HTC_UNIT_PC_EMP_SEX_T"),
    RegionalIndicator("high_tech_manufacturing", "Employment in high and medium-high tech manufacturing",
                      "% of employment", "htec_emp_reg2_NACE_R2_C_HTC_MH_UNIT_PC_EMP_SEX_T"),
    RegionalIndicator("kis_high_tech", "Employment in knowledge-intensive high-tech services", "% of employment",
                      "htec_emp_reg2_NACE_R2_KIS_HTC_UNIT_PC_EMP_SEX_T"),
    RegionalIndicator("i40_papers", "Industry 4.0 publications", "per million inhabitants", "I40Papers",
                      per_million=True, last_year=2017),
)
"""The key indicators of :func:`~industwin.analysis.readiness.regional_standing`. Publication counts stop at
2017: the source's 2018 and 2019 counts are incomplete (all regions: 162 k and 4 k papers, against 224 k in
2017)."""

NUTS_COUNTRY: dict[str, str] = {
    "AUT": "AT", "BEL": "BE", "BGR": "BG", "HRV": "HR", "CYP": "CY", "CZE": "CZ", "DNK": "DK", "EST": "EE",
    "FIN": "FI", "FRA": "FR", "DEU": "DE", "GRC": "EL", "HUN": "HU", "IRL": "IE", "ITA": "IT", "LVA": "LV",
    "LTU": "LT", "LUX": "LU", "MLT": "MT", "NLD": "NL", "POL": "PL", "PRT": "PT", "ROU": "RO", "SVK": "SK",
    "SVN": "SI", "ESP": "ES", "SWE": "SE", "GBR": "UK", "MKD": "MK", "SRB": "RS", "TUR": "TR", "NOR": "NO",
    "CHE": "CH", "ISL": "IS", "LIE": "LI", "MNE": "ME", "ALB": "AL",
}
"""ISO 3166 alpha-3 → NUTS country code (Eurostat writes Greece EL and the United Kingdom UK)."""


def nuts_prefix(iso3: str) -> str | None:
    """The NUTS country code of an economy (``DEU`` → ``DE``), None for one outside NUTS (e.g. ``IND``)."""
    return NUTS_COUNTRY.get(str(iso3).upper())


def _i40_path(name: str, root: str | Path | None) -> Path:
    from industwin.data.registry import data_root
    p = Path(root if root is not None else data_root()) / I40_DIR / name
    if not p.exists():
        raise DataError(f"{p}: the regional Industry 4.0 readiness data are not found. Fix: set INDUSTWIN_DATA to "
                        f"the shared data folder that holds {I40_DIR}/, or give the folder as root")
    return p


class _RankRow(Schema):
    NUTS_ID: Annotated[str, Field(pattern=r"^[A-Z]{2}[0-9A-Z]{2}$")]
    gdp_rank: Annotated[float, Field(ge=1)]
    promethee_rank: Annotated[float, Field(ge=1)]
    regional_innovation_index: Annotated[float, Field(ge=0)] | None = None


_MANGLED = {"Dec-00": "DEC0"}      # Saarland's code, turned into a date by a spreadsheet before it was published


@lru_cache(maxsize=2)
def _rank_cached(path: str) -> pd.DataFrame:
    df = read_table(path, "Industry 4.0 readiness ranking", text=["NUTS_ID"])
    df["NUTS_ID"] = df["NUTS_ID"].replace(_MANGLED)
    rows = records(df, _RankRow, doc=DOC)
    out = pd.DataFrame([r.model_dump() for r in rows]).set_index("NUTS_ID")
    if out.index.has_duplicates:
        raise DataError(f"{path}: NUTS_ID {plain_list(out.index[out.index.duplicated()])} given twice. Fix: use the "
                        "original file")
    n = len(out)
    if not (out["promethee_rank"] <= n).all():
        raise DataError(f"{path}: a PROMETHEE rank exceeds the {n} rows. Fix: use the original file")
    out["country"] = out.index.str[:2]
    out["is_region"] = ~out.index.str.startswith("EU")
    return out


def read_i40_rank(root: str | Path | None = None) -> pd.DataFrame:
    """The regional Industry 4.0 readiness ranking (Honti, Czvetko & Abonyi 2020): index ``NUTS_ID``; columns
    ``gdp_rank``, ``promethee_rank`` (1 = most ready; ties share the mean rank, e.g. DE60 Hamburg and SE11
    Stockholm 6.5), ``regional_innovation_index`` (Regional Innovation Scoreboard 2019, blank for 128 rows),
    ``country`` (NUTS country code) and ``is_region`` (False for the EU28 average, which is ranked among the
    309 rows). The code of Saarland, written ``Dec-00`` in the file, is read as ``DEC0``."""
    out = _rank_cached(str(_i40_path("i40_index_rank.csv", root))).copy()
    out.attrs.update(source=str(_i40_path("i40_index_rank.csv", root)), units={"promethee_rank": "rank of 309"})
    return out


@lru_cache(maxsize=2)
def _db_cached(path: str) -> pd.DataFrame:
    cols = ["NUTS_ID", "YEAR", _POP] + list(dict.fromkeys(i.column for i in REGIONAL_INDICATORS))
    df = read_table(path, "Industry 4.0 readiness indicators", text=["NUTS_ID"])
    issues = Issues(str(path))
    for c in cols:
        if c not in df.columns:
            issues.add(c, "column missing", "use the original i40_index_db.csv")
    issues.raise_if_any()
    out = pd.DataFrame({"NUTS_ID": texts(df, "NUTS_ID", issues).replace(_MANGLED)})
    out["YEAR"] = numbers(df, "YEAR", issues, integer=True, fix="a year on every row")
    for c in cols[2:]:
        out[c] = numbers(df, c, issues, blank="allow", minimum=None if c.startswith("GDELT") else 0)
    issues.raise_if_any()
    out["YEAR"] = out["YEAR"].astype(int)
    if out.duplicated(["NUTS_ID", "YEAR"]).any():
        raise DataError(f"{path}: a (NUTS_ID, YEAR) pair is given twice. Fix: use the original file")
    return out


def read_i40_indicators(root: str | Path | None = None) -> pd.DataFrame:
    """The key indicators (:data:`REGIONAL_INDICATORS`) of every region-year of ``i40_index_db.csv``: columns
    ``NUTS_ID``, ``YEAR``, ``population`` and one column per indicator id, derived as documented (publications
    per million inhabitants of the same year; values after an indicator's ``last_year`` blanked). Blank cells
    are missing values; every other cell must be a finite number ≥ 0."""
    p = _i40_path("i40_index_db.csv", root)
    db = _db_cached(str(p))
    out = db[["NUTS_ID", "YEAR"]].copy()
    pop = db[_POP].where(db[_POP] > 0)
    out["population"] = pop
    for ind in REGIONAL_INDICATORS:
        v = db[ind.column] / pop * 1e6 if ind.per_million else db[ind.column].copy()
        if ind.last_year is not None:
            v = v.where(db["YEAR"] <= ind.last_year)
        out[ind.id] = v
    out.attrs.update(source=str(p), units={i.id: i.unit for i in REGIONAL_INDICATORS})
    return out
