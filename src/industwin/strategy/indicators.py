"""Indicators for each grand challenge, computed from the twin for one economy and year, beside its peers.

Each indicator says how it is computed (``method``) and from what (``source``), and returns a typed
:class:`IndicatorResult` carrying its value *and its evidence* (the foreign supplier behind a worst-case loss,
the hot spot behind a risk share, the caveats of the accounts used) — rules and reports read only these results.
One that needs data the table lacks (emissions, employment, risk scores) is reported as not available with what
would fill it, never guessed. Sector groups (emission-intensive, medium- and high-tech …) come from the data
file of each table family (:mod:`industwin.data.sector_groups`). Peer comparison: the same indicator for every
peer economy in the same table — median, range and the economy's percentile (share of peers with a lower value).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from industwin.data.mrio import MRIO
from industwin.data.sector_groups import sector_group, table_family
from industwin.errors import SelectionError, plain_list

__all__ = [
    "INDICATORS",
    "DiagnosisInputs",
    "IndicatorResult",
    "IndicatorSpec",
    "Value",
    "diagnosis_inputs",
    "indicator_matrix",
    "indicator_values",
    "indicator_unit",
    "value_added",
]


@dataclass(frozen=True)
class Value:
    """What an indicator function returns: the value (None = not available) and its evidence."""

    value: float | None
    evidence: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IndicatorSpec:
    id: str
    challenge: str
    name: str
    unit: str
    direction: str          # "exposure" (higher = more exposed) or "strength" (higher = better)
    method: str
    source: str
    needs: str              # what fills it when it is not available
    compute: Callable[..., Value]
    evidence: tuple[str, ...] = ()      # the evidence keys its results may carry (rules' bindings name them)


@dataclass(frozen=True)
class DiagnosisInputs:
    """What a diagnosis was computed from: the satellites (and their stressors) used for emissions and jobs, the
    risk scores, the earlier table, the peers and the table family (which decides the sector groups)."""

    emissions: str | None = None
    employment: str | None = None
    risk: pd.Series | None = None
    past: MRIO | None = None
    family: str = ""
    caveats: tuple[str, ...] = ()
    emissions_stressor: str | None = None
    employment_stressor: str | None = None
    emissions_unit: str = ""
    employment_unit: str = ""
    estimated: Mapping[str, tuple[str, ...]] = field(default_factory=dict)    # role → regions with estimated values


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator for one economy: value, unit, the peers' values, and the evidence behind it."""

    spec: IndicatorSpec
    value: float
    peers: pd.Series
    evidence: Mapping[str, Any]
    unit: str
    used: str = ""                  # the data it was computed from, when more specific than the spec's source

    @property
    def available(self) -> bool:
        return bool(np.isfinite(self.value))

    @property
    def percentile(self) -> float:
        """Share of peers with a lower value (NaN when not available)."""
        pv = self.peers.dropna()
        return float((pv < self.value).mean()) if self.available and len(pv) else np.nan

    @property
    def source(self) -> str:
        if not self.available:
            return f"not available: needs {self.spec.needs}"
        return self.used or self.spec.source


# --------------------------------------------------------------------------- shared computations (one table)
class _Workspace:
    """Table-level computations shared by the indicators of every economy (decompositions, accounts …)."""

    def __init__(self, mrio: MRIO, inputs: DiagnosisInputs):
        self.mrio, self.inputs, self._memo = mrio, inputs, {}

    def memo(self, key, make):
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def group(self, name: str) -> list[str]:
        return self.memo(("group", name), lambda: sector_group(self.mrio, name))

    def rows(self, region: str, group: str | None = None) -> np.ndarray:
        idx = self.mrio.index
        mine = np.asarray(idx.get_level_values(0) == region)
        return mine if group is None else mine & np.asarray(idx.get_level_values(1).isin(self.group(group)))


def value_added(mrio: MRIO) -> np.ndarray:
    """Value added by industry (the column sums of the table's value-added rows)."""
    return np.asarray(mrio.V, float).sum(axis=0)


def _share_of_va(w: _Workspace, region: str, group: str) -> Value:
    va = value_added(w.mrio)
    return Value(float(va[w.rows(region, group)].sum() / va[w.rows(region)].sum()),
                 {"sectors": tuple(w.group(group))})


def _mht_exports(w: _Workspace, region: str) -> Value:
    from industwin.analysis.value_chains import export_decomposition
    d = w.memo("sector_decomposition", lambda: export_decomposition(w.mrio, "sector"))
    ex = d.loc[region, "gross_exports"]
    return Value(float(ex[ex.index.isin(w.group("medium_high_tech"))].sum() / ex.sum()), {"exports": float(ex.sum())})


def _exposure(w: _Workspace, region: str):
    from industwin.analysis.value_chains import supply_chain_exposure
    return w.memo(("exposure", region), lambda: supply_chain_exposure(w.mrio, region, w.group("manufacturing")))


def _foreign_va(w: _Workspace, region: str) -> Value:
    s = _exposure(w, region).summary
    return Value(float(s["foreign_value_added_share"]), {"output": float(s["output"])})


def _hidden(w: _Workspace, region: str) -> Value:
    e = _exposure(w, region)
    va = e.value_added["value_added"]
    return Value(float(e.summary["hidden_share_of_foreign"]),
                 {"foreign_value_added": float(va[va.index != region].sum())})


def _concentration(w: _Workspace, region: str) -> Value:
    c = _exposure(w, region).concentration
    foreign = c["top_foreign_share"].astype(float)
    top = foreign.idxmax()
    ev = {"input": top, "requirement": float(c.loc[top, "total"])}
    if "top_foreign_origin" in c.columns:
        ev["origin"] = c.loc[top, "top_foreign_origin"]
    return Value(float(foreign.max()), ev)


def _worst_loss(w: _Workspace, region: str) -> Value:
    from industwin.analysis.value_chains import supplier_dependence
    sd = supplier_dependence(w.mrio, region, top=1)
    return Value(float(sd["value_added_loss_share"].iloc[0]), {"worst_supplier": tuple(sd.index[0])})


def _participation(w: _Workspace, region: str) -> Value:
    from industwin.analysis.value_chains import export_decomposition
    d = w.memo("country_decomposition", lambda: export_decomposition(w.mrio, "country"))
    return Value(float(d.loc[region, "participation"]), {"exports": float(d.loc[region, "gross_exports"])})


def _upstreamness(w: _Workspace, region: str) -> Value:
    from industwin.analysis.value_chains import chain_position
    p = w.memo("position", lambda: chain_position(w.mrio))
    rows = w.rows(region, "manufacturing")
    x = np.asarray(w.mrio.x)[rows]
    return Value(float((p["upstreamness"].to_numpy()[rows] * x).sum() / x.sum()))


def _accounts(w: _Workspace, role: str = "emissions"):
    """Production, consumption, embodied exports and imports of the satellite playing ``role``."""
    from industwin.core.accounts import embodied_accounts
    return w.memo(("accounts", role), lambda: embodied_accounts(w.mrio, getattr(w.inputs, role)))


def _gap(w: _Workspace, role: str, region: str) -> bool:
    """True when the satellite of ``role`` has no data for ``region`` (its own values unknown)."""
    return region in w.mrio.satellites[getattr(w.inputs, role)].gaps


def _emissions(w: _Workspace, region: str, kind: str) -> Value:
    sat = w.inputs.emissions
    if sat is None or _gap(w, "emissions", region):
        return Value(None)
    acc = _accounts(w)
    st = w.inputs.emissions_stressor
    prod, cons = float(acc.production.loc[st, region]), float(acc.consumption.loc[st, region])
    ev = {"caveats": tuple(acc.production.attrs.get("caveats", ()))}
    if kind == "production":
        return Value(prod if np.isfinite(prod) else None, ev)
    if kind == "consumption":
        return Value(cons, ev)
    if kind == "ratio":
        return Value(cons / prod if np.isfinite(prod) and prod > 0 else None, ev)
    if kind == "intensity":                           # kt per M USD = kg per USD of value added
        va = value_added(w.mrio)[w.rows(region)].sum()
        return Value(prod / va if np.isfinite(prod) and va > 0 else None, ev)
    # supply-chain over direct emissions of manufacturing output
    from industwin.core.accounts import intensities, satellite_multipliers
    d_all, m_all = w.memo("intensities", lambda: (intensities(w.mrio, sat).loc[w.inputs.emissions_stressor].to_numpy(),
                                                  satellite_multipliers(w.mrio, sat).loc[
                                                      w.inputs.emissions_stressor].to_numpy()))
    rows = w.rows(region, "manufacturing")
    x = np.asarray(w.mrio.x)[rows]
    d, m = d_all[rows], m_all[rows]
    if not np.isfinite(d).all() or not (d * x).sum():
        return Value(None, ev)
    return Value(float((m * x).sum() / (d * x).sum()), ev)


def _persons(w: _Workspace) -> np.ndarray | None:
    """Persons engaged by sector (the employment satellite's head-count stressor), NaN where it has a gap."""
    if w.inputs.employment is None:
        return None
    s = w.mrio.satellites[w.inputs.employment]
    return s.F[s.stressors.get_loc(w.inputs.employment_stressor)]


def _carbon_jobs(w: _Workspace, region: str) -> Value:
    emp = _persons(w)
    if emp is None or not np.isfinite(emp[w.rows(region)]).all():
        return Value(None)
    return Value(float(emp[w.rows(region, "carbon_intensive")].sum() / emp[w.rows(region)].sum()),
                 {"sectors": tuple(w.group("carbon_intensive"))})


def _foreign_demand_jobs(w: _Workspace, region: str) -> Value:
    """Share of the economy's persons engaged whose work serves final demand abroad, all tiers: the embodied
    export account over the production account of the employment satellite, ``D_exp,r / D_pba,r`` (Peters 2008)."""
    if w.inputs.employment is None or _gap(w, "employment", region):
        return Value(None)
    acc = _accounts(w, "employment")
    st = w.inputs.employment_stressor
    prod = float(acc.production.loc[st, region])
    return Value(float(acc.exports.loc[st, region]) / prod if prod > 0 else None, {"persons": prod})


def _jobs_abroad(w: _Workspace, region: str) -> Value:
    """Share of the persons the economy's final demand employs (all tiers, everywhere) who work abroad: the
    embodied import account over the consumption account, ``D_imp,c / D_cba,c``; regions without employment data
    (RoW in WIOD 2013) are left out of both, and an economy without data has no value."""
    if w.inputs.employment is None or _gap(w, "employment", region):
        return Value(None)
    acc = _accounts(w, "employment")
    st = w.inputs.employment_stressor
    cons = float(acc.consumption.loc[st, region])
    gaps = tuple(w.mrio.satellites[w.inputs.employment].gaps)
    return Value(float(acc.imports.loc[st, region]) / cons if cons > 0 else None,
                 {"persons": cons, "left_out": gaps})


DECLINE = 0.10


def _declining(w: _Workspace, region: str) -> Value:
    past = w.inputs.past
    if past is None or not past.index.equals(w.mrio.index):
        return Value(None)
    va_now, va_then = value_added(w.mrio), value_added(past)
    mine = w.rows(region)
    # a sector losing a tenth or more of its weight in the economy's value added: shares, so that exchange-rate
    # swings of the table's currency (which move every sector of an economy together) do not count as decline
    now, then = va_now[mine].sum(), va_then[mine].sum()
    falling = mine & (va_now * then < (1 - DECLINE) * va_then * now)
    emp = _persons(w)
    base = emp if emp is not None and np.isfinite(emp[mine]).all() else va_now
    return Value(float(base[falling].sum() / base[mine].sum()),
                 {"weights": "persons engaged" if base is emp else "value added", "past_year": past.year})


def _risk(w: _Workspace, region: str) -> Value:
    risk = w.inputs.risk
    if risk is None:
        return Value(None)
    from industwin.analysis.sustainability import risk_hotspots
    m = w.mrio
    y = pd.Series(np.asarray(m.Y)[:, np.asarray(m.fd_index.get_level_values(0) == region)].sum(axis=1), index=m.index)
    hs = risk_hotspots(m, risk, y, top=len(m.index))
    foreign = hs[(hs.index.get_level_values(0) != region) & (hs["exposure"] > 0)]
    scored = {"scored": int((risk > 0).sum()), "of": len(m.index)}
    if not len(foreign):
        return Value(0.0, scored)                     # no foreign exposure: no hot spot to name
    return Value(float(foreign["share"].iloc[0]), {"risk_top": tuple(foreign.index[0]),
                                                   "output": float(foreign["output"].iloc[0]), **scored})


EVIDENCE = {"worst_supplier_loss": ("worst_supplier",), "risk_hotspot_share": ("risk_top", "output", "scored", "of"),
            "critical_input_concentration": ("input", "requirement", "origin"), "foreign_demand_jobs_share": ("persons",),
            "foreign_va_share_manufacturing": ("output",), "hidden_exposure": ("foreign_value_added",),
            "gvc_participation": ("exports",), "medium_high_tech_export_share": ("exports",),
            "foreign_jobs_footprint_share": ("persons", "left_out"), "declining_sectors_share": ("weights", "past_year"),
            "carbon_intensive_jobs_share": ("sectors",), "emission_intensive_va_share": ("sectors",),
            "medium_high_tech_va_share": ("sectors",), "manufacturing_va_share": ("sectors",), **{k: ("caveats",) for k in (
                "production_emissions", "consumption_emissions", "emission_intensity_va", "footprint_ratio",
                "supply_chain_multiplier")}}


def _spec(id, challenge, name, unit, direction, method, source, needs, compute) -> IndicatorSpec:
    return IndicatorSpec(id, challenge, name, unit, direction, method, source, needs, compute, EVIDENCE.get(id, ()))


TABLE = "the table"
EMISSIONS = "an emissions satellite (wiod2013: co2, from 2000 on; other tables: --emissions)"
JOBS = "an employment satellite (e.g. employment of wiod2013)"
INDICATORS: tuple[IndicatorSpec, ...] = (
    _spec("emission_intensive_va_share", "sustainability", "Emission-intensive sectors' share of value added",
          "share", "exposure", "value added of the table family's emission-intensive sectors (mining, refined fuels, "
          "chemicals, non-metallic minerals, basic metals, power) over the economy's value added", TABLE, TABLE,
          lambda w, r: _share_of_va(w, r, "emission_intensive")),
    _spec("production_emissions", "sustainability", "Production-based emissions", "emissions", "exposure",
          "direct emissions of the economy's industries (model-consistent output x̃ = L y)", EMISSIONS, EMISSIONS,
          lambda w, r: _emissions(w, r, "production")),
    _spec("consumption_emissions", "sustainability", "Consumption-based emissions (footprint)", "emissions",
          "exposure", "emissions anywhere caused by the economy's final demand, d'L y", EMISSIONS, EMISSIONS,
          lambda w, r: _emissions(w, r, "consumption")),
    _spec("emission_intensity_va", "sustainability", "Emissions per unit of value added", "emissions per value added",
          "exposure", "production-based emissions over the economy's value added", EMISSIONS, EMISSIONS,
          lambda w, r: _emissions(w, r, "intensity")),
    _spec("footprint_ratio", "sustainability", "Footprint over production-based emissions", "ratio", "exposure",
          "consumption- over production-based emissions: above 1, the economy's demand causes more emissions "
          "abroad than it emits for others (net importer of embodied emissions)", EMISSIONS, EMISSIONS,
          lambda w, r: _emissions(w, r, "ratio")),
    _spec("supply_chain_multiplier", "sustainability", "Supply-chain emissions of manufacturing relative to its own",
          "ratio", "exposure", "output-weighted total (d'L) over direct (d) emission intensity of the economy's "
          "manufacturing — the paper's 'about 11 times'", EMISSIONS, EMISSIONS,
          lambda w, r: _emissions(w, r, "multiplier")),
    _spec("foreign_va_share_manufacturing", "resilience", "Foreign value added in manufactured final products",
          "share", "exposure", "value added abroad along the whole chain over the value of the economy's manufactured "
          "final output (v̂ L y, by origin)", TABLE, TABLE, _foreign_va),
    _spec("critical_input_concentration", "resilience",
          "Concentration of critical inputs: largest share of one foreign origin in a manufacturing input", "share",
          "exposure", "for each input product of manufacturing, all tiers: the top foreign origin's share; the "
          "largest over inputs", TABLE, TABLE, _concentration),
    _spec("hidden_exposure", "resilience", "Foreign input requirements hidden beyond tier 1", "share", "exposure",
          "foreign requirements at tiers ≥ 2 over all foreign requirements of manufacturing (L − I − A)", TABLE,
          TABLE, _hidden),
    _spec("worst_supplier_loss", "resilience",
          "Worst-case loss: value added lost if the most important foreign supplier stops supplying",
          "share of value added", "exposure", "hypothetical extraction of each foreign supplier country-sector's "
          "sales to the economy (Ghosh, Sherman–Morrison); the largest", TABLE, TABLE, _worst_loss),
    _spec("manufacturing_va_share", "technology", "Manufacturing in value added", "share", "strength",
          "value added of the table family's manufacturing industries over the economy's value added — the base "
          "industrial strategies aim to grow (India's National Manufacturing Policy: 25 % of GDP)", TABLE, TABLE,
          lambda w, r: _share_of_va(w, r, "manufacturing")),
    _spec("medium_high_tech_va_share", "technology", "Medium- and high-tech manufacturing in value added", "share",
          "strength", "value added of the table family's medium- and high-tech manufacturing (chemicals, machinery, "
          "electrical and electronic, transport equipment) over the economy's value added", TABLE, TABLE,
          lambda w, r: _share_of_va(w, r, "medium_high_tech")),
    _spec("medium_high_tech_export_share", "technology", "Medium- and high-tech manufacturing in exports", "share",
          "strength", "the same sectors' share of gross exports", TABLE, TABLE, _mht_exports),
    _spec("gvc_participation", "technology", "Participation in global value chains", "share of exports", "strength",
          "backward (foreign value added in exports) plus forward (domestic value added in partners' exports) "
          "participation, Borin–Mancini", TABLE, TABLE, _participation),
    _spec("manufacturing_upstreamness", "technology", "Position of manufacturing in value chains",
          "steps from final use", "strength", "output-weighted upstreamness (Antràs–Chor) of manufacturing", TABLE,
          TABLE, _upstreamness),
    _spec("carbon_intensive_jobs_share", "workforce", "Jobs in carbon-intensive sectors", "share of jobs", "exposure",
          "persons engaged in the emission-intensive industries and transport (land, water, air) over all",
          "the employment satellite", JOBS, _carbon_jobs),
    _spec("foreign_demand_jobs_share", "workforce", "Jobs that serve final demand abroad", "share of jobs",
          "exposure", "persons engaged whose work serves other economies' final demand, all tiers: e'L y_abroad "
          "over e'L y", "the employment satellite", JOBS, _foreign_demand_jobs),
    _spec("declining_sectors_share", "workforce", "Jobs (or, without employment accounts, value added) in sectors "
          "in decline: their weight in value added fell by a tenth or more over five years", "share", "exposure",
          "sectors whose share of the economy's value added is at least 10 % (relative) lower than five years "
          "before — shares, so that exchange-rate swings of the table's currency do not count as decline; their "
          "share of the economy's jobs, or of value added when the table has no employment accounts",
          "the same table five years earlier",
          "the same table five years earlier (the dataset's year − 5; past= in Python)", _declining),
    _spec("foreign_jobs_footprint_share", "social_value", "Jobs abroad behind the economy's consumption",
          "share of jobs", "exposure", "persons employed abroad, all tiers, to meet the economy's final demand, over "
          "all persons it employs (e'L y_r; regions without employment data — RoW in WIOD 2013 — left out): the "
          "workforce whose conditions the economy's buyers reach only through their supply chains",
          "the employment satellite", JOBS, _jobs_abroad),
    _spec("risk_hotspot_share", "social_value", "Largest foreign risk hot spot in the supply base",
          "share of risk exposure", "exposure", "user risk scores × output needed for the economy's final demand "
          "(x = L y); the largest foreign country-sector's share", "risk scores given by the user",
          "risk scores per country-sector (--risk FILE: region, sector, score)", _risk),
)
SPECS = {s.id: s for s in INDICATORS}


def diagnosis_inputs(mrio: MRIO, satellites: Mapping[str, str | None] | None = None, risk=None,
                     past: MRIO | None = None) -> DiagnosisInputs:
    """Which satellites carry emissions and jobs: as given, else ``co2`` / ``employment`` when the table has them;
    checked by unit — emissions in a mass (``kt CO2`` …; the stressor named CO2 when there are several), jobs in
    persons (the ``persons`` stressor, else the first head count)."""
    from industwin.data.units import is_head_count, is_mass
    sats = dict(satellites or {})
    unknown = sorted(set(sats) - {"emissions", "employment"})
    if unknown:
        raise SelectionError(f"unknown satellite role(s) {unknown}. Fix: use emissions= and employment=")
    chosen, stressor, unit = {}, {}, {}
    for role, default in (("emissions", "co2"), ("employment", "employment")):
        name = sats.get(role, default if default in mrio.satellites else None)
        if name is not None and name not in mrio.satellites:
            raise SelectionError(f"no satellite {name!r} for {role} in {mrio.name or 'the table'} "
                                 f"{mrio.year or ''}; it has {plain_list(list(mrio.satellites), 10) or 'none'}. Fix: "
                                 f"name its {role} satellite, or leave the option out when this table (or year) has "
                                 f"no {role} accounts (wiod2013 has co2 from 2000 on)")
        chosen[role] = name
        if name is None:
            stressor[role], unit[role] = None, ""
            continue
        s = mrio.satellites[name]
        units = dict(zip(map(str, s.stressors), s.units))
        if role == "emissions":
            named = [k for k in units if k.lower() in ("co2", "co2e", "ghg")]
            pick = next(iter(units)) if len(units) == 1 else (named[0] if named else None)
            if pick is None:
                raise SelectionError(f"satellite {name!r} has {len(units)} stressors ({plain_list(list(units), 6)}) "
                                     "and none is named CO2: which are the emissions? Fix: give a satellite of "
                                     "one emissions stressor (or one named CO2)")
            if not is_mass(units[pick]):
                raise SelectionError(f"satellite {name!r} ({pick}: {units[pick]!r}) is not in a mass of emissions "
                                     "(t, kt, Gg, Mt …). Fix: name the table's emissions satellite with --emissions")
        else:
            heads = [k for k, u in units.items() if is_head_count(u)]
            pick = "persons" if "persons" in heads else (heads[0] if heads else None)
            if pick is None:
                raise SelectionError(f"satellite {name!r} has no head count (units "
                                     f"{plain_list(sorted(set(units.values())), 6)}): jobs are counted in persons. "
                                     "Fix: name the table's employment satellite with --employment")
        stressor[role], unit[role] = pick, units[pick]
    caveats = tuple(c for role in ("emissions", "employment") if chosen[role]
                    for c in mrio.satellites[chosen[role]].caveats())
    estimated = {role: tuple(mrio.satellites[chosen[role]].estimated) for role in chosen if chosen[role]}
    return DiagnosisInputs(chosen["emissions"], chosen["employment"], risk, past, table_family(mrio), caveats,
                           stressor["emissions"], stressor["employment"], unit["emissions"], unit["employment"],
                           estimated)


def indicator_unit(spec: IndicatorSpec, mrio: MRIO, inputs: DiagnosisInputs) -> str:
    """The unit of an indicator's values on this table (emissions in the satellite's unit)."""
    if spec.unit.startswith("emissions") and inputs.emissions:
        u = inputs.emissions_unit
        return u if spec.unit == "emissions" else f"{u} per {mrio.unit}"
    return spec.unit


def indicator_values(mrio: MRIO, region: str, ids: list[str], inputs: DiagnosisInputs) -> pd.Series:
    """The indicators ``ids`` of one region only (the functions :func:`indicator_matrix` runs for every indicator
    and region): what tracking a few targets over many years needs."""
    w = _Workspace(mrio, inputs)
    out = {}
    for i in ids:
        v = SPECS[i].compute(w, region)
        out[i] = np.nan if v.value is None else float(v.value)
    return pd.Series(out, name=region, dtype=float)


def indicator_matrix(mrio: MRIO, regions: list[str], inputs: DiagnosisInputs, progress=None
                     ) -> tuple[pd.DataFrame, dict[tuple[str, str], Mapping[str, Any]]]:
    """Every indicator for every region: values (indicator × region) and evidence by (indicator, region)."""
    w = _Workspace(mrio, inputs)
    vals: dict[str, dict[str, float]] = {}
    evidence: dict[tuple[str, str], Mapping[str, Any]] = {}
    for n, r in enumerate(regions):
        vals[r] = {}
        for spec in INDICATORS:
            v = spec.compute(w, r)
            vals[r][spec.id] = np.nan if v.value is None else float(v.value)
            evidence[(spec.id, r)] = dict(v.evidence)
        if progress:
            progress(n + 1)
    return pd.DataFrame(vals, index=pd.Index([s.id for s in INDICATORS], name="indicator")), evidence
