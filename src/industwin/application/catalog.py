"""The lenses: every job an interface can start, by name — the command line's commands, as the web application
and the collaboration API see them.

A :class:`Lens` names a request class of the application layer, where its outputs go inside a job's folder,
which of its fields are files a user uploads (and of which kind, see :data:`UPLOADS`), and which fields an
interface leaves at their defaults. An interface builds the request from a lens and the user's values with
:func:`build_request`; the one runner (:func:`industwin.application.run`) does the rest.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from industwin.application.runner import Request
from industwin.errors import SelectionError

__all__ = ["Lens", "LENSES", "FAMILIES", "UPLOADS", "Upload", "family", "lens", "build_request", "validate_upload", "parse_years",
           "parse_list"]


@dataclass(frozen=True)
class Upload:
    """A kind of file a user brings: what it is, the reader that checks it (the project's input layer, the
    same messages as the command line), and the suffixes accepted."""

    kind: str
    title: str
    reader: Callable[[Path], Any]
    suffixes: tuple[str, ...] = (".csv", ".parquet", ".xlsx")
    example: str = ""


def _demand(p):
    from industwin.application.tables import read_demand
    return read_demand(p)


def _purchases(p):
    from industwin.analysis.sustainability import read_purchases
    return read_purchases(p)


def _activities(p):
    from industwin.analysis.sustainability import read_activities
    return read_activities(p)


def _footprints(p):
    from industwin.data.pact import read_footprints
    return read_footprints(p)


def _products(p):
    from industwin.analysis.product_footprint import read_products
    return read_products(p)


def _scenario(p):
    from industwin.analysis.disruption import read_scenario
    return read_scenario(p)


def _plan(p):
    from industwin.analysis.decarbonisation import read_plan
    return read_plan(p)


def _border(p):
    from industwin.analysis.carbon_border.scenario import read_scenario
    return read_scenario(p)


def _survey(p):
    from industwin.strategy.consultation import read_responses
    return read_responses(p)


def _risk(p):
    from industwin.application.sustainability import read_risk_scores
    return read_risk_scores(p)


def _edges(p):
    from industwin.core.firms import read_network
    return read_network(p)


def _firms(p):
    from industwin.core.firms import read_firm_table
    return read_firm_table(p)


def _essentiality(p):
    from industwin.analysis.firm_risk import read_essentiality
    return read_essentiality(p)


def _sourcing(p):
    from industwin.analysis.import_sourcing import read_sourcing_table
    return read_sourcing_table(p)


def _sites(p):
    from industwin.data.supplier_sites import read_supplier_sites
    return read_supplier_sites(p)


def _assessments(p):
    from industwin.data.readiness import read_assessments
    return read_assessments(p)


def _kpi_weights(p):
    from industwin.data.readiness import read_kpi_weights
    return read_kpi_weights(p)


def _technology(p):
    from industwin.analysis.technology.scenario import read_technology_scenario
    return read_technology_scenario(p)


def _register(p):
    from industwin.strategy.pipeline import read_register
    return read_register(p)


def _targets(p):
    from industwin.strategy.monitoring import read_targets
    return read_targets(p)


YAML = (".yaml", ".yml", ".json")
MIN_YEAR, MAX_YEAR = 1900, 2100       # years a request may name (bounds the work a typed range can ask for)
UPLOADS: dict[str, Upload] = {u.kind: u for u in (
    Upload("demand", "final demand (region, sector, value)", _demand, example="tests/faults/demand_ok.csv"),
    Upload("purchases", "a company's purchases (spend or supplier-specific)", _purchases,
           example="examples/company/purchases.csv"),
    Upload("activities", "a company's own activities (fuels, electricity)", _activities,
           example="examples/company/activities.csv"),
    Upload("footprints", "suppliers' product carbon footprints (PACT v3 JSON)", _footprints, (".json",)),
    Upload("products", "a company's products (id, unit, amount, allocation share)", _products),
    Upload("scenario", "a disruption scenario", _scenario, YAML, "examples/chn_electronics_halt.yaml"),
    Upload("plan", "a decarbonisation plan", _plan, YAML),
    Upload("border", "a carbon-price and border-adjustment scenario", _border, YAML,
           "examples/carbon_border/eu_cbam.yaml"),
    Upload("survey", "consultation answers (respondent, group, priority, score)", _survey),
    Upload("sourcing", "a programme's published import shares (product × origin, from its data space)", _sourcing),
    Upload("risk", "risk scores by country-sector", _risk),
    Upload("edges", "a firm network's supplier links (supplier, buyer, …)", _edges),
    Upload("firms", "a firm network's firms (id, industry, …)", _firms),
    Upload("essentiality", "an essentiality matrix (industry × industry)", _essentiality),
    Upload("sites", "a supplier-site list", _sites),
    Upload("assessments", "readiness self-assessments (company, sector, region, size_class, dimension, band)",
           _assessments, example="examples/readiness/assessments.csv"),
    Upload("kpi_weights", "companies' KPI weights (company, kpi or dimension, weight)", _kpi_weights,
           example="examples/readiness/kpi_weights.csv"),
    Upload("technology", "a technology adoption scenario", _technology, YAML,
           "examples/technology/h2_steel_deu.yaml"),
    Upload("register", "a technology register (TRL, funding by stage)", _register,
           example="examples/pipeline/register.csv"),
    Upload("targets", "a strategy's targets", _targets, YAML, "examples/targets/DEU.yaml"),
)}


def validate_upload(kind: str, path: Path) -> Any:
    """Read an uploaded file with the reader of its kind; a bad file raises the project's error, naming the
    file, the field and the fix."""
    if kind not in UPLOADS:
        raise SelectionError(f"upload kind {kind!r} is unknown. Fix: choose one of {', '.join(UPLOADS)}")
    u = UPLOADS[kind]
    if path.suffix.lower() not in u.suffixes:
        raise SelectionError(f"{path.name}: {u.title} is read from {', '.join(u.suffixes)} files, not "
                             f"{path.suffix or 'a file without extension'}. Fix: save it in one of those formats")
    return u.reader(path)


@dataclass(frozen=True)
class Lens:
    """One job an interface can start: ``name`` (the command's), the request class, its family and a title;
    ``outputs`` maps output fields to names inside the job's folder; ``uploads`` maps path fields to the kind
    of file they take; ``hidden`` fields keep their defaults (engines and options an interface decides);
    ``fixed`` fields are set by the interface."""

    name: str
    request: type[Request]
    family: str
    title: str
    outputs: Mapping[str, str] = field(default_factory=dict)
    uploads: Mapping[str, str] = field(default_factory=dict)
    hidden: tuple[str, ...] = ()
    fixed: Mapping[str, Any] = field(default_factory=dict)
    about: str = ""              # what the lens does, for a form (default: the request's first sentence)

    @property
    def summary(self) -> str:
        """The request's first sentence, in plain words (reST roles and literals as their text)."""
        if self.about:
            return self.about
        doc = " ".join((self.request.__doc__ or "").strip().split("\n\n")[0].split())
        first = re.split(r"(?<=[.!?])\s+(?=[A-Z`])", doc, maxsplit=1)[0]
        return re.sub(r":\w+:`~?(?:[\w.]+\.)?([\w]+)`", r"\1", first).replace("``", "")

    def form_fields(self) -> list[str]:
        """The fields a user sets: everything but outputs, hidden and fixed ones."""
        skip = set(self.outputs) | set(self.hidden) | set(self.fixed)
        return [n for n in self.request.model_fields if n not in skip]


def _lenses() -> list[Lens]:
    from industwin.application import (carbon_border, disruption, firms, readiness, strategy, supplier_base,
                                       sustainability, tables, technology, value_chains)
    tbl = ("unit", "allow_negative")
    out = {"out": "result.parquet"}
    return [
        Lens("describe", tables.DescribeRequest, "Tables", "Describe a table", {}, hidden=tbl),
        Lens("multipliers", tables.MultipliersRequest, "Tables", "Multipliers", out, hidden=tbl),
        Lens("footprint", tables.FootprintRequest, "Tables", "Footprints and embodied trade", out, hidden=tbl),
        Lens("output", tables.OutputRequest, "Tables", "Output for a final demand", out, {"demand": "demand"},
             hidden=tbl),
        Lens("demo", value_chains.DemoRequest, "Economy", "Economy profile and value chains over years",
             {"html": "page.html"}, hidden=tbl,
             about="One economy's profile (its sectors, where its inputs and the value of its products come from) "
                   "and its value chains over the years, with charts."),
        Lens("gvc", value_chains.GVCRequest, "Value chains", "GVC participation and export decomposition", out,
             hidden=tbl),
        Lens("origin", value_chains.OriginRequest, "Value chains", "Origin of value added in final products", out,
             hidden=tbl),
        Lens("position", value_chains.PositionRequest, "Value chains", "Position in value chains", out, hidden=tbl),
        Lens("exposure", value_chains.ExposureRequest, "Value chains", "Tier-n exposure of a country-sector", out,
             {"sourcing": "sourcing"}, hidden=tbl),
        Lens("extraction", value_chains.ExtractionRequest, "Value chains", "Hypothetical extraction", out,
             hidden=tbl),
        Lens("suppliers", value_chains.SuppliersRequest, "Value chains", "Foreign suppliers an economy depends on",
             out, hidden=tbl),
        Lens("value-chains", value_chains.ValueChainsRequest, "Value chains", "Value chains over the years",
             {"html": "page.html"}, hidden=("dask",)),
        Lens("simulate", disruption.SimulateRequest, "Disruption", "Simulate a disruption scenario",
             {"out": "results"}, {"scenario": "scenario"}, hidden=tbl),
        Lens("risk", disruption.RiskRequest, "Disruption", "Monte Carlo risk assessment", {"html": "page.html"},
             hidden=(*tbl, "dask"), fixed={"dask": False}),
        Lens("carbon", sustainability.CarbonRequest, "Company carbon", "A company's carbon footprint (scopes 1–3)",
             {"out": "results"}, {"purchases": "purchases", "activities": "activities", "footprints": "footprints",
                                  "products": "products"}),
        Lens("jobs", sustainability.JobsRequest, "Jobs", "Jobs through the production network",
             {"html": "page.html"}, hidden=tbl),
        Lens("decarbonise", sustainability.DecarboniseRequest, "Decarbonisation", "Decarbonisation plan",
             {"out": "results"}, {"plan": "plan"}),
        Lens("hotspots", sustainability.HotspotsRequest, "Company carbon", "Due-diligence hot spots", out,
             {"risk": "risk"}, hidden=tbl),
        Lens("synth", firms.SynthRequest, "Firm networks", "A synthetic national firm network",
             {"out": "results"}),
        Lens("esri", firms.ESRIRequest, "Firm networks", "Systemic risk (ESRI) of every firm", {"out": "results"},
             {"edges": "edges", "firms": "firms", "essentiality": "essentiality", "supply_base": "sites"},
             hidden=("dask", "gpu")),
        Lens("tiers", firms.TiersRequest, "Firm networks", "Tiers and single points of failure of a firm", out,
             {"edges": "edges", "firms": "firms", "essentiality": "essentiality"}),
        Lens("intervene", firms.InterveneRequest, "Firm networks", "Interventions for a firm", out,
             {"edges": "edges", "firms": "firms", "essentiality": "essentiality"}),
        Lens("links", firms.LinksRequest, "Firm networks", "Hidden supplier links", out,
             {"edges": "edges", "firms": "firms"}),
        Lens("report", strategy.ReportRequest, "Strategy", "Strategy report", {"out": "report.html"},
             {"survey": "survey", "risk": "risk", "readiness": "assessments", "targets": "targets",
              "pipeline": "register", "technology": "technology"}, hidden=(*tbl, "all", "dask", "pdf"),
             fixed={"all": False, "dask": False, "pdf": True},
             about="An economy's diagnosis across the five grand challenges against its peers, material findings "
                   "ranked with their trend, confidence and what-ifs; HTML and PDF."),
        Lens("supplier-base", supplier_base.SupplierBaseRequest, "Company carbon", "A company's supply base",
             {"out": "results"}, {"sites": "sites"}, hidden=tbl,
             about="A company's tier-1 supplier sites over the years (default: Apple's lists 2012–2022): sites by "
                   "country, concentration, who moved where, and the sector in the MRIO beside them."),
        Lens("carbon-border", carbon_border.CarbonBorderRequest, "Decarbonisation",
             "Carbon price and border adjustment", {"out": "results"}, {"scenario": "border"}),
        Lens("readiness", readiness.ReadinessRequest, "Technology & readiness", "Readiness self-assessments",
             {"out": "results"}, {"assessments": "assessments", "weights": "kpi_weights"}),
        Lens("region", readiness.RegionRequest, "Technology & readiness", "Industry 4.0 readiness of EU regions",
             out),
        Lens("complexity", technology.ComplexityRequest, "Technology & readiness",
             "Economic complexity and diversification opportunities", {"html": "page.html"}, hidden=tbl),
        Lens("technology", technology.TechnologyRequest, "Technology & readiness",
             "Technology adoption scenario", {"out": "results"}, {"scenario": "technology"}),
        Lens("pipeline", technology.PipelineRequest, "Technology & readiness", "Technology pipeline (TRL, funding)",
             {"out": "results"}, {"technologies": "register"}),
        Lens("monitor", technology.MonitorRequest, "Technology & readiness", "Monitoring a strategy's targets",
             {"out": "results"}, {"targets": "targets"}),
    ]


LENSES: dict[str, Lens] = {}
FAMILIES: dict[str, list[Lens]] = {}


def _fill() -> None:
    if not LENSES:
        for ln in _lenses():
            LENSES[ln.name] = ln
            FAMILIES.setdefault(ln.family, []).append(ln)


def family(name: str) -> list[Lens]:
    """The lenses of one family (none for an unknown family)."""
    _fill()
    return list(FAMILIES.get(name, []))


def lens(name: str) -> Lens:
    """The lens of that name; an unknown name is refused with the list."""
    _fill()
    if name not in LENSES:
        raise SelectionError(f"no lens {name!r}. Fix: choose one of {', '.join(LENSES)}")
    return LENSES[name]


def build_request(ln: Lens, values: Mapping[str, Any], folder: Path, cite: str = "form") -> Request:
    """The typed request of a lens: the user's ``values`` (files already stored, as paths), the lens's fixed
    values, and its outputs inside ``folder``. Problems are listed by field, cited as coming from ``cite``."""
    fields = {k: v for k, v in values.items() if v is not None and k in ln.request.model_fields}
    unknown = sorted(set(values) - set(ln.request.model_fields))
    if unknown:
        raise SelectionError(f"{cite}: {', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not an option of "
                             f"{ln.name}. Fix: use {', '.join(ln.form_fields())}")
    fields.update(ln.fixed)
    fields.update({k: Path(folder) / v for k, v in ln.outputs.items()})
    req = ln.request.of(cite, **fields)
    req.check()
    return req


def parse_years(spec: str | None, option: str = "--years") -> list[int] | None:
    """``1995-2011``, ``2000,2005,2011`` or a mix; None for all years. A range must run forwards."""
    from industwin.errors import SelectionError
    if spec is None:
        return None
    if not spec.strip():
        raise SelectionError(f"{option} is empty. Fix: leave it out for all years, or write e.g. 1995-2011")
    out: list[int] = []
    for part in spec.split(","):
        part = part.strip()
        ends = part.split("-") if "-" in part.lstrip("-") else [part]
        try:
            nums = [int(x) for x in ends]
        except ValueError:
            nums = []
        if len(nums) != len(ends) or len(nums) not in (1, 2):
            raise SelectionError(f"{option} {spec!r}: write a range like 1995-2011 or a list like 2000,2005,2011")
        if len(nums) == 2 and nums[1] < nums[0]:
            raise SelectionError(f"{option} {spec!r}: the range {part} runs backwards. Fix: write it "
                                 f"{nums[1]}-{nums[0]}")
        if any(not MIN_YEAR <= y <= MAX_YEAR for y in nums):
            raise SelectionError(f"{option} {spec!r}: years run from {MIN_YEAR} to {MAX_YEAR}. Fix: write e.g. "
                                 "1995-2011")
        out += list(range(nums[0], nums[-1] + 1))
    return out


def parse_list(spec: str | None) -> list[str] | None:
    """``A,B, C`` → ``["A", "B", "C"]``; empty items are dropped; None stays None."""
    if spec is None:
        return None
    return [p.strip() for p in spec.split(",") if p.strip()]
