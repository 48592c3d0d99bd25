"""Indicators for each grand challenge, computed from the twin for one economy and year, beside its peers.

Each indicator says how it is computed (``method``) and from what (``source``); one that needs data the table
lacks (emissions, employment, risk scores) is reported as not available with the reason, never guessed.
Peer comparison: the same indicator for every peer economy in the same table — median, range, and the
economy's percentile (share of peers with a lower value).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from industwin.data.mrio import MRIO
from industwin.errors import SelectionError, plain_list

__all__ = ["INDICATORS", "Diagnosis", "diagnose"]

# WIOD 2013 sector codes (c1 … c35); other tables: the ISIC/NACE-based WIOD 2016 codes
EMISSION_INTENSIVE = {"wiod2013": ("c2", "c8", "c9", "c11", "c12", "c17"),
                      "isic": ("B", "C19", "C20", "C23", "C24", "D35")}
MEDIUM_HIGH_TECH = {"wiod2013": ("c9", "c13", "c14", "c15"),            # chemicals, machinery, electrical and
                    "isic": ("C20", "C21", "C26", "C27", "C28", "C29", "C30")}  # optical, transport equipment


@dataclass(frozen=True)
class IndicatorSpec:
    id: str
    challenge: str
    name: str
    unit: str
    direction: str          # "exposure" (higher = more exposed) or "strength" (higher = better)
    method: str
    source: str
    compute: Callable


def _codes(mrio: MRIO, table: dict) -> tuple[str, ...]:
    secs = set(map(str, mrio.sectors))
    key = "wiod2013" if set(table["wiod2013"]) <= secs else "isic"
    return tuple(s for s in table[key] if s in secs)


def _va(mrio: MRIO) -> np.ndarray:
    return np.asarray(mrio.V, float).sum(axis=0)


def _mine(mrio: MRIO, region: str) -> np.ndarray:
    return np.asarray(mrio.index.get_level_values(0) == region)


def _in(mrio: MRIO, codes) -> np.ndarray:
    return np.asarray(mrio.index.get_level_values(1).isin(list(codes)))


def _share_of_va(mrio, region, table):
    va, mine = _va(mrio), _mine(mrio, region)
    return float(va[mine & _in(mrio, _codes(mrio, table))].sum() / va[mine].sum())


def _mht_exports(mrio, region, ctx):
    d = ctx.get("sector_decomposition")
    if d is None:
        from industwin.analysis.value_chains import export_decomposition
        d = ctx["sector_decomposition"] = export_decomposition(mrio, "sector")
    ex = d.loc[region, "gross_exports"]
    return float(ex[ex.index.isin(_codes(mrio, MEDIUM_HIGH_TECH))].sum() / ex.sum())


def _exposure(mrio, region, ctx):
    key = ("exposure", region)
    if key not in ctx:
        from industwin.analysis.profile import manufacturing_sectors
        from industwin.analysis.value_chains import supply_chain_exposure
        ctx[key] = supply_chain_exposure(mrio, region, manufacturing_sectors(mrio))
    return ctx[key]


def _concentration(mrio, region, ctx):
    c = _exposure(mrio, region, ctx).concentration
    foreign = c["top_foreign_share"].astype(float)
    return float(foreign.max())


def _worst_loss(mrio, region, ctx):
    from industwin.analysis.value_chains import supplier_dependence
    sd = supplier_dependence(mrio, region, top=1)
    ctx[("worst_supplier", region)] = sd.index[0]
    return float(sd["value_added_loss_share"].iloc[0])


def _participation(mrio, region, ctx):
    d = ctx.get("country_decomposition")
    if d is None:
        from industwin.analysis.value_chains import export_decomposition
        d = ctx["country_decomposition"] = export_decomposition(mrio, "country")
    return float(d.loc[region, "participation"])


def _upstreamness(mrio, region, ctx):
    from industwin.analysis.profile import manufacturing_sectors
    from industwin.analysis.value_chains import chain_position
    p = ctx.get("position")
    if p is None:
        p = ctx["position"] = chain_position(mrio)
    rows = _mine(mrio, region) & _in(mrio, manufacturing_sectors(mrio))
    x = np.asarray(mrio.x)[rows]
    return float((p["upstreamness"].to_numpy()[rows] * x).sum() / x.sum())


def _ghg(mrio, region, ctx, kind):
    sat = ctx.get("ghg")
    if sat is None or sat not in mrio.satellites:
        return None
    from industwin.core.accounts import embodied_accounts
    acc = ctx.get("accounts")
    if acc is None:
        acc = ctx["accounts"] = embodied_accounts(mrio, sat)
    prod, cons = float(acc.production[region].iloc[0]), float(acc.consumption[region].iloc[0])   # stressor × region
    if kind == "multiplier":                       # supply-chain over direct emissions of manufacturing output
        from industwin.analysis.profile import manufacturing_sectors
        from industwin.core.accounts import intensities, satellite_multipliers
        if "intensities" not in ctx:             # once for the economy and all its peers
            ctx["intensities"] = (intensities(mrio, sat).to_numpy()[0], satellite_multipliers(mrio, sat).to_numpy()[0])
        rows = _mine(mrio, region) & _in(mrio, manufacturing_sectors(mrio))
        x = np.asarray(mrio.x)[rows]
        d, m = (a[rows] for a in ctx["intensities"])
        return float((m * x).sum() / (d * x).sum()) if (d * x).sum() else np.nan
    return {"production": prod, "consumption": cons}[kind]


def _carbon_jobs(mrio, region, ctx):
    if "employment" not in mrio.satellites:
        return None
    emp = mrio.satellites["employment"].F[0]
    mine = _mine(mrio, region)
    return float(emp[mine & _in(mrio, _codes(mrio, EMISSION_INTENSIVE))].sum() / emp[mine].sum())


def _declining(mrio, region, ctx):
    past = ctx.get("past")
    if past is None:
        return None
    va_now, va_then = _va(mrio), _va(past)
    if not past.index.equals(mrio.index):
        return None
    mine = _mine(mrio, region)
    falling = mine & (va_now < va_then)
    base = "employment" if "employment" in mrio.satellites else None
    w = mrio.satellites["employment"].F[0] if base else va_now
    return float(w[falling].sum() / w[mine].sum())


def _risk(mrio, region, ctx):
    risk = ctx.get("risk")
    if risk is None:
        return None
    from industwin.analysis.sustainability import risk_hotspots
    y = pd.Series(np.asarray(mrio.Y)[:, np.asarray(mrio.fd_index.get_level_values(0) == region)].sum(axis=1),
                  index=mrio.index)
    hs = risk_hotspots(mrio, risk, y, top=len(mrio.index))
    foreign = hs[hs.index.get_level_values(0) != region]
    if not len(foreign):
        return 0.0
    ctx[("risk_top", region)] = foreign.index[0]
    return float(foreign["share"].iloc[0])


INDICATORS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec("emission_intensive_va_share", "sustainability", "Emission-intensive sectors' share of value added",
                  "share", "exposure", "value added of mining, refined fuels, chemicals, non-metallic minerals, basic "
                  "metals and power over the economy's value added (v = x − 1'Z)", "the table",
                  lambda m, r, c: _share_of_va(m, r, EMISSION_INTENSIVE)),
    IndicatorSpec("production_emissions", "sustainability", "Production-based emissions", "satellite unit", "exposure",
                  "direct emissions of the economy's industries", "the table's emissions satellite",
                  lambda m, r, c: _ghg(m, r, c, "production")),
    IndicatorSpec("consumption_emissions", "sustainability", "Consumption-based emissions (footprint)",
                  "satellite unit", "exposure", "emissions anywhere caused by the economy's final demand, d'L y",
                  "the table's emissions satellite", lambda m, r, c: _ghg(m, r, c, "consumption")),
    IndicatorSpec("supply_chain_multiplier", "sustainability", "Supply-chain emissions of manufacturing relative to "
                  "its own", "ratio", "exposure", "output-weighted total (d'L) over direct (d) emission intensity of "
                  "the economy's manufacturing — the paper's 'about 11 times'", "the table's emissions satellite",
                  lambda m, r, c: _ghg(m, r, c, "multiplier")),
    IndicatorSpec("foreign_va_share_manufacturing", "resilience",
                  "Foreign value added in manufactured final products", "share", "exposure",
                  "value added abroad along the whole chain over the value of the economy's manufactured final output "
                  "(v̂ L y, by origin)", "the table", lambda m, r, c: float(_exposure(m, r, c).summary[
                      "foreign_value_added_share"])),
    IndicatorSpec("critical_input_concentration", "resilience",
                  "Concentration of critical inputs: largest share of one foreign origin in a manufacturing input",
                  "share", "exposure", "for each input product of manufacturing, all tiers: the top foreign origin's "
                  "share; the largest over inputs", "the table", _concentration),
    IndicatorSpec("hidden_exposure", "resilience", "Foreign input requirements hidden beyond tier 1", "share",
                  "exposure", "foreign requirements at tiers ≥ 2 over all foreign requirements of manufacturing "
                  "(L − I − A)", "the table", lambda m, r, c: float(_exposure(m, r, c).summary[
                      "hidden_share_of_foreign"])),
    IndicatorSpec("worst_supplier_loss", "resilience",
                  "Worst-case loss: value added lost if the most important foreign supplier stops supplying",
                  "share of value added", "exposure", "hypothetical extraction of each foreign supplier country-"
                  "sector's sales to the economy (Ghosh, Sherman–Morrison); the largest", "the table", _worst_loss),
    IndicatorSpec("medium_high_tech_va_share", "technology", "Medium- and high-tech manufacturing in value added",
                  "share", "strength", "value added of chemicals, machinery, electrical and optical and transport "
                  "equipment over the economy's value added", "the table",
                  lambda m, r, c: _share_of_va(m, r, MEDIUM_HIGH_TECH)),
    IndicatorSpec("medium_high_tech_export_share", "technology", "Medium- and high-tech manufacturing in exports",
                  "share", "strength", "the same sectors' share of gross exports", "the table", _mht_exports),
    IndicatorSpec("gvc_participation", "technology", "Participation in global value chains", "share of exports",
                  "strength", "backward (foreign value added in exports) plus forward (domestic value added in "
                  "partners' exports) participation, Borin–Mancini", "the table", _participation),
    IndicatorSpec("manufacturing_upstreamness", "technology", "Position of manufacturing in value chains",
                  "steps from final use", "strength", "output-weighted upstreamness (Antràs–Chor) of manufacturing",
                  "the table", _upstreamness),
    IndicatorSpec("carbon_intensive_jobs_share", "workforce", "Jobs in carbon-intensive sectors", "share of jobs",
                  "exposure", "persons engaged in the emission-intensive sectors over all", "employment satellite",
                  _carbon_jobs),
    IndicatorSpec("declining_sectors_share", "workforce", "Jobs (or, without employment accounts, value added) in "
                  "sectors whose value added fell over the past five years", "share", "exposure",
                  "sectors with lower value added (current prices) than five years before; their share of the "
                  "economy's jobs, or of value added when the table has no employment accounts",
                  "the same table five years earlier", _declining),
    IndicatorSpec("risk_hotspot_share", "social_value", "Largest foreign risk hot spot in the supply base",
                  "share of risk exposure", "exposure", "user risk scores × output needed for the economy's final "
                  "demand (x = L y); the largest foreign country-sector's share", "risk scores given by the user",
                  _risk),
)


@dataclass(frozen=True)
class Diagnosis:
    """One economy's indicators (``table``) and the peers' values (``peers``: indicator × economy)."""

    economy: str
    year: int | None
    table: pd.DataFrame
    peers: pd.DataFrame
    context: dict

    def value(self, indicator: str) -> float:
        v = self.table.loc[indicator, "value"]
        return float(v) if pd.notna(v) else np.nan


def diagnose(mrio: MRIO, economy: str, peers: list[str] | None = None, risk: pd.Series | None = None,
             ghg: str | None = None, past: MRIO | None = None, progress=None) -> Diagnosis:
    """Every indicator for ``economy`` and its ``peers`` (default: every other region of the table but RoW).
    ``risk``: risk scores per country-sector; ``ghg``: the name of an emissions satellite; ``past``: the same
    table five years earlier (for declining sectors)."""
    regions = [r for r in dict.fromkeys(mrio.index.get_level_values(0))]
    if economy not in regions:
        raise SelectionError(f"unknown economy {economy!r}. Fix: choose a region of the table, e.g. "
                             f"{plain_list(regions, 10)}")
    peers = [r for r in regions if r not in (economy, "RoW")] if peers is None else list(peers)
    bad = [p for p in peers if p not in regions]
    if bad:
        raise SelectionError(f"unknown peer economies {plain_list(bad)}. Fix: choose regions of the table, e.g. "
                             f"{plain_list(regions, 10)}")
    secs = set(map(str, mrio.sectors))
    if not any(set(t) <= secs for t in MEDIUM_HIGH_TECH.values()):
        raise SelectionError(f"the indicators are defined on WIOD 2013 sector codes (c1–c35) or ISIC/NACE codes as in "
                             f"WIOD 2016 (C20, C29 …); {mrio.name or 'this table'} has others (e.g. "
                             f"{plain_list(mrio.sectors, 4)}). Fix: use such a table, e.g. wiod2013")
    if economy in peers:
        raise SelectionError(f"the peers include {economy} itself: an economy compared with itself sits at its own "
                             "median. Fix: leave it out of the peers")
    twice = sorted({p for p in peers if peers.count(p) > 1})
    if twice:
        raise SelectionError(f"peer(s) {plain_list(twice)} named more than once (they would weigh double). Fix: "
                             "name each peer once")
    if not peers:
        raise SelectionError("no peer economies to compare with. Fix: name at least one peer")
    ctx: dict = {"risk": risk, "ghg": ghg, "past": past}
    vals: dict[str, dict[str, float]] = {}
    for n, r in enumerate([economy, *peers]):
        vals[r] = {}
        for spec in INDICATORS:
            v = spec.compute(mrio, r, ctx)
            vals[r][spec.id] = np.nan if v is None else v
        if progress:
            progress(n + 1)
    P = pd.DataFrame(vals)
    rows = []
    for spec in INDICATORS:
        v = P.loc[spec.id, economy]
        pv = P.loc[spec.id, peers].dropna() if peers else pd.Series(dtype=float)
        avail = pd.notna(v)
        rows.append({"challenge": spec.challenge, "name": spec.name, "value": v, "unit": spec.unit,
                     "direction": spec.direction, "peer_median": pv.median() if len(pv) else np.nan,
                     "peer_min": pv.min() if len(pv) else np.nan, "peer_max": pv.max() if len(pv) else np.nan,
                     "percentile": float((pv < v).mean()) if avail and len(pv) else np.nan,
                     "available": bool(avail), "method": spec.method,
                     "source": spec.source if avail else f"not available: needs {spec.source}"})
    table = pd.DataFrame(rows, index=pd.Index([s.id for s in INDICATORS], name="indicator"))
    return Diagnosis(economy, mrio.year, table, P, ctx)
