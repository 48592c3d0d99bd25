"""Technology adoption scenario files: a typed schema, the reader, the library, and the check against a table.

A scenario names a table, the economies that adopt, a technology (its change of the target sector's input recipe,
labour and emission coefficients and the capital it needs) and an S-shaped adoption path. It is read by
:func:`industwin.data.io.read_mapping` and validated by :class:`TechnologyScenario` (strict types, finite numbers,
no unknown field); :func:`check_technology` then checks every region and sector against the table and refuses
recipes that leave a coefficient negative or a column unproductive, all problems at once, with field paths such as
``technology.inputs.c8``. Documented in ``docs/technology.md``.

A technology may be taken from the packaged library (``technologies.yaml``) with ``technology: {use: h2_dri_eaf}``;
fields given beside ``use`` replace the library's.
"""

from __future__ import annotations

import difflib
import math
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import AfterValidator, Field, field_validator, model_validator

from industwin.analysis.disruption.scenario import TableSpec
from industwin.data.io import read_mapping, validate
from industwin.data.mrio import MRIO
from industwin.data.schema import PositiveShare, Schema
from industwin.errors import SelectionError, ValidationError, ValidationIssue, plain

__all__ = [
    "DOC",
    "LIBRARY",
    "Adoption",
    "Capital",
    "Technology",
    "TechnologyScenario",
    "check_technology",
    "default_scenario",
    "library",
    "read_technology_scenario",
]

DOC = "docs/technology.md"
LIBRARY = Path(__file__).with_name("technologies.yaml")
Year = Annotated[float, Field(ge=1900, le=2200)]


def _not_below_minus_one(v: float) -> float:
    if v < -1:
        raise ValueError(f"a change of {v:g} ({v:.0%}) would make the coefficient negative (once converted a sector "
                         "cannot use less than nothing); write a value of at least -1 (-100 %)")
    return v


Change = Annotated[float, Field(le=100), AfterValidator(_not_below_minus_one)]   # relative change of a coefficient


class Capital(Schema):
    """Capital the converted output needs: ``per_output`` USD of investment per USD of annual output converted
    (the new plant's capital–output ratio) and the investment goods bought, as shares over sectors."""

    per_output: float = Field(0.0, ge=0, le=50)
    goods: dict[str, Annotated[float, Field(gt=0, le=1)]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _goods(self) -> Capital:
        if self.per_output > 0 and not self.goods:
            raise ValueError("capital.per_output > 0 needs the investment goods it buys in 'goods' (sector: share), "
                             "e.g. {c13: 0.5, c14: 0.2, c18: 0.3}")
        if self.goods and abs(sum(self.goods.values()) - 1) > 1e-6:
            raise ValueError(f"the shares in capital.goods must sum to 1, they sum to {sum(self.goods.values()):g}")
        return self


class Technology(Schema):
    """What converting one unit of the target sector's output changes.

    ``inputs``, ``labour`` and ``emissions`` are relative changes of the *sector's* coefficients once the whole
    ``scope`` has converted (−0.9: the sector buys 90 % less of that input per unit of output); ``scope`` is the
    share of the sector's output the technology can replace (e.g. blast-furnace steel within basic metals).
    ``origins`` splits the change of an input over supplying regions (default: in proportion to the current
    origins of that input, domestic and imported alike)."""

    id: str | None = None
    name: str = Field(min_length=1)
    sector: str = Field(min_length=1)
    scope: PositiveShare = 1.0
    inputs: dict[str, Change] = Field(default_factory=dict)
    origins: dict[str, dict[str, Annotated[float, Field(ge=0, le=1)]]] = Field(default_factory=dict)
    labour: Change = 0.0
    emissions: Change = 0.0
    capital: Capital = Capital()
    sources: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _origins(self) -> Technology:
        for k, split in self.origins.items():
            if k not in self.inputs:
                raise ValueError(f"origins.{k}: {k} is not among the changed inputs ({', '.join(self.inputs) or 'none'})"
                                 "; give its change under 'inputs' or remove the split")
            if not split or abs(sum(split.values()) - 1) > 1e-6:
                raise ValueError(f"origins.{k}: the shares must sum to 1, they sum to {sum(split.values()):g}")
        if not (self.inputs or self.labour or self.emissions or self.capital.per_output):
            raise ValueError("the technology changes nothing: give at least one of inputs, labour, emissions, capital")
        return self


class Adoption(Schema):
    """The logistic adoption path ``s(t) = ceiling / (1 + exp(−k (t − midpoint)))``, ``k = ln 81 / years_10_90``:
    given as ``midpoint`` + ``years_10_90``, or as ``start`` (year of 10 % of the ceiling) + ``end`` (90 %)."""

    midpoint: Year | None = None
    years_10_90: float | None = Field(None, gt=0, le=100)
    start: Year | None = None
    end: Year | None = None
    ceiling: PositiveShare = 1.0

    @model_validator(mode="after")
    def _one_form(self) -> Adoption:
        mid = self.midpoint is not None or self.years_10_90 is not None
        ends = self.start is not None or self.end is not None
        if mid and ends:
            raise ValueError("give the path as midpoint + years_10_90, or as start + end, not both")
        if mid and (self.midpoint is None or self.years_10_90 is None):
            raise ValueError("midpoint needs years_10_90 (years from 10 % to 90 % of the ceiling) and vice versa")
        if ends and (self.start is None or self.end is None):
            raise ValueError("start (year of 10 % of the ceiling) needs end (year of 90 %) and vice versa")
        if not (mid or ends):
            raise ValueError("give the adoption path: midpoint + years_10_90, or start + end")
        if ends and self.end <= self.start:
            raise ValueError(f"the years are in the wrong order: end ({self.end:g}) must come after start "
                             f"({self.start:g}); swap them")
        return self

    @property
    def mid(self) -> float:
        return float(self.midpoint if self.midpoint is not None else (self.start + self.end) / 2)

    @property
    def width(self) -> float:
        return float(self.years_10_90 if self.years_10_90 is not None else self.end - self.start)

    @property
    def first(self) -> float:
        """The year adoption reaches 10 % of the ceiling."""
        return self.mid - self.width / 2

    def share(self, years: Any) -> np.ndarray:
        """``s(t)`` for the given years (Griliches 1957; Rogers 2003)."""
        t = np.asarray(years, dtype=float)
        k = math.log(81.0) / self.width
        return self.ceiling / (1.0 + np.exp(-k * (t - self.mid)))


class TechnologyScenario(Schema):
    """A technology adopted by one or a few economies along an S-curve, on a base-year table."""

    name: str = Field(min_length=1)
    description: str = ""
    table: TableSpec = TableSpec(year=2011)
    region: str | list[str] = Field(description="the adopting economy, or a few of them")
    technology: Technology
    adoption: Adoption
    horizon: int = Field(ge=1901, le=2200, description="last year projected")
    demand_growth: float = Field(0.0, gt=-0.5, le=0.5, description="growth of final demand a year, e.g. 0.01")

    @field_validator("region")
    @classmethod
    def _regions(cls, v: str | list[str]) -> str | list[str]:
        if isinstance(v, list) and (not v or len(set(v)) != len(v)):
            raise ValueError("list each adopting region once (and at least one)")
        return v

    @property
    def regions(self) -> list[str]:
        return [self.region] if isinstance(self.region, str) else list(self.region)

    @model_validator(mode="after")
    def _years(self) -> TechnologyScenario:
        if self.adoption.mid > self.horizon + 100:
            raise ValueError(f"adoption's midpoint ({self.adoption.mid:g}) lies more than 100 years after the horizon "
                             f"({self.horizon}); nothing would be adopted")
        return self


def _merged(data: dict, source: str) -> dict:
    """Resolve ``technology: {use: <id>, …}`` against the library (fields given beside ``use`` win)."""
    tech = data.get("technology")
    if not (isinstance(tech, dict) and "use" in tech):
        return data
    lib = library()
    tid = tech["use"]
    if tid not in lib:
        near = difflib.get_close_matches(str(tid), list(lib), n=3)
        raise ValidationError([ValidationIssue(source, "technology.use", f"unknown library technology {plain(tid)}",
                                               f"use one of {', '.join(lib)}" +
                                               (f" (did you mean {near[0]}?)" if near else ""))])
    base = {k: v for k, v in lib[tid].items() if k not in ("adoption", "horizon", "regions", "calibrated_for")}
    merged = {**base, "id": tid, **{k: v for k, v in tech.items() if k != "use"}}
    return {**data, "technology": merged}


def read_technology_scenario(path: str | Path | dict) -> TechnologyScenario:
    """Read and validate a technology scenario (YAML or JSON file, or a dict); every problem is listed with its
    field path (e.g. ``technology.inputs.c8``) and the fix."""
    data, source = read_mapping(path, "technology scenario",
                                "at least 'name', 'region', 'technology', 'adoption' and 'horizon' (see "
                                "docs/technology.md)")
    data = _merged(data, source)
    sc = validate(TechnologyScenario, data, source, DOC)
    if sc.table.path is not None and not isinstance(path, dict) and not Path(sc.table.path).is_absolute():
        sc.table.path = str(Path(path).parent / sc.table.path)
    return sc


def library(path: str | Path | None = None) -> dict[str, dict]:
    """The technology library (packaged ``technologies.yaml`` unless ``path``): id → definition as written,
    each validated as a :class:`Technology` with its default adoption path."""
    p = Path(path) if path else LIBRARY
    data, source = read_mapping(p, "technology library", "a mapping 'technologies' of id → definition")
    techs = data.get("technologies")
    if not isinstance(techs, dict) or not techs:
        raise ValidationError([ValidationIssue(source, "technologies", "missing or empty",
                                               "list the technologies as id: definition")])
    for tid, t in techs.items():
        if not isinstance(t, dict):
            raise ValidationError([ValidationIssue(source, f"technologies.{tid}", "should be a mapping of fields",
                                                   "write its fields under it")])
        body = {k: v for k, v in t.items() if k not in ("adoption", "horizon", "regions", "calibrated_for")}
        validate(Technology, {**body, "id": tid}, f"{source} (technologies.{tid})", DOC)
        validate(Adoption, t.get("adoption"), f"{source} (technologies.{tid}.adoption)", DOC)
    return techs


def default_scenario(economy: str, technology_id: str, base_year: int = 2011, dataset: str = "wiod2013",
                     horizon: int | None = None, demand_growth: float = 0.0) -> TechnologyScenario:
    """A ready scenario for ``economy`` from a library technology: the library's coefficients (with the economy's
    own calibration where the library has one under ``regions``), its default adoption path and horizon. An
    origin split the library gives for its home economy (e.g. "the extra power from the domestic grid") becomes
    the same split for ``economy``."""
    lib = library()
    if technology_id not in lib:
        raise SelectionError(f"unknown technology {technology_id!r}. Fix: choose one of {', '.join(lib)}")
    entry = lib[technology_id]
    over = dict((entry.get("regions") or {}).get(economy, {}))
    adoption = {**entry["adoption"], **over.pop("adoption", {})}
    tech = {**{k: v for k, v in entry.items() if k not in ("adoption", "horizon", "regions", "calibrated_for")},
            **over, "id": technology_id}
    home = entry.get("calibrated_for")
    if "origins" not in over and home not in (None, economy):   # an origin split written for the home economy:
        tech["origins"] = {i: {(economy if o == home else o): w for o, w in split.items()}    # its own there
                           for i, split in (tech.get("origins") or {}).items()}
    data = {"name": f"{entry['name']} in {economy}", "table": {"dataset": dataset, "year": base_year},
            "region": economy, "technology": tech, "adoption": adoption,
            "horizon": int(horizon if horizon is not None else entry.get("horizon", base_year + 30)),
            "demand_growth": float(demand_growth),
            "description": ("library default" + ("" if economy in (entry.get("regions") or {}) or
                                                  economy == entry.get("calibrated_for") else
                                                  f"; coefficients calibrated for {entry.get('calibrated_for')}, "
                                                  f"a first guess for {economy}"))}
    return validate(TechnologyScenario, data, f"library technology {technology_id}", DOC)


def check_technology(mrio: MRIO, sc: TechnologyScenario, source: str = "scenario") -> None:
    """Every region and sector of the scenario exists in the table; the recipe at the ceiling leaves no
    coefficient negative and every changed column productive (Σ_i a_ij < 1); adoption starts no earlier than the
    table's year and the horizon lies after it. All problems at once, each with its field and fix."""
    from industwin.analysis.technology.adoption import column_change

    issues: list[ValidationIssue] = []
    regions = list(map(str, mrio.regions))
    sectors = list(map(str, mrio.sectors))
    tech = sc.technology

    def choose(v: str, valid: list[str]) -> str:
        near = difflib.get_close_matches(v, valid, n=1)
        few = ", ".join(valid[:45]) + (" …" if len(valid) > 45 else "")
        return (f"did you mean {near[0]}? " if near else "") + f"use one of {few}"

    def region(r: str, where: str) -> bool:
        if r not in regions:
            issues.append(ValidationIssue(source, where, f"unknown region {plain(r)}", choose(r, regions)))
            return False
        return True

    def sector(s: str, where: str) -> bool:
        if s not in sectors:
            named = [f"{c} ({mrio.sector_names.get(c, c)})" for c in sectors] if mrio.sector_names else sectors
            issues.append(ValidationIssue(source, where, f"unknown sector {plain(s)}",
                                          (f"did you mean {difflib.get_close_matches(s, sectors, n=1)[0]}? "
                                           if difflib.get_close_matches(s, sectors, n=1) else "") +
                                          f"use one of {', '.join(named[:40])}"))
            return False
        return True

    where_region = "region" if isinstance(sc.region, str) else "region[{k}]"
    ok_regions = [r for k, r in enumerate(sc.regions) if region(r, where_region.format(k=k))]
    ok_sector = sector(tech.sector, "technology.sector")
    checked = [sector(i, f"technology.inputs.{i}") for i in tech.inputs]    # every one reported, no short cut
    ok_inputs = all(checked)
    found = [region(o, f"technology.origins.{i}.{o}") for i, split in tech.origins.items() for o in split]
    ok_origins = all(found)
    for g in tech.capital.goods:
        sector(g, f"technology.capital.goods.{g}")
    base = mrio.year
    if base is not None:
        if sc.adoption.first < base:
            issues.append(ValidationIssue(
                source, "adoption", f"adoption reaches 10 % of its ceiling in {sc.adoption.first:g}, before the "
                f"table's year {base}: the table would already hold the new technology",
                f"move the midpoint (or start) later, to at least {base + sc.adoption.width / 2:g}, or use a later "
                "table"))
        if sc.horizon <= base:
            issues.append(ValidationIssue(source, "horizon", f"the horizon {sc.horizon} is not after the table's "
                                          f"year {base}", f"give a year after {base}, e.g. {base + 30}"))
        elif sc.horizon - base > 200:
            issues.append(ValidationIssue(source, "horizon", f"{sc.horizon - base} years after the table",
                                          "project at most 200 years"))
    if ok_sector and ok_inputs and ok_origins and ok_regions:     # the names resolve: check the numbers
        ceiling = sc.adoption.ceiling
        for r in ok_regions:
            c = mrio.index.get_loc((r, tech.sector))
            if mrio.x[c] <= 0:
                issues.append(ValidationIssue(source, "technology.sector", f"{r} {tech.sector} has no output in the "
                                              "table", "choose a sector the economy produces"))
                continue
            a, d, totals = column_change(mrio, c, tech)
            for i in tech.inputs:
                if totals[i] <= 0:
                    issues.append(ValidationIssue(
                        source, f"technology.inputs.{i}", f"{r} {tech.sector} buys no {i} in the table, so a "
                        "relative change has no effect", "remove it, or model the new input through another sector "
                        "the sector already buys"))
            new = a + ceiling * d
            neg = np.flatnonzero(new < -1e-12)
            for p in neg[:5]:
                o, i = mrio.index[p]
                issues.append(ValidationIssue(
                    source, f"technology.origins.{i}" if i in tech.origins else f"technology.inputs.{i}",
                    f"at the ceiling the coefficient of {i} from {o} in {r} {tech.sector} would be {new[p]:.3g} "
                    f"(negative; now {a[p]:.3g})", "cut less, or split the cut over the origins that supply it"))
            colsum = float(new.sum())
            if colsum >= 1:
                issues.append(ValidationIssue(
                    source, "technology.inputs", f"at the ceiling {r} {tech.sector} would spend {colsum:.3f} on "
                    "inputs per unit of output (Σ_i a_ij ≥ 1: not productive, no value added left)",
                    "give smaller increases of the inputs"))
    if issues:
        raise ValidationError(issues)
