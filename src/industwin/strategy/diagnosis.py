"""A diagnosis: one economy's indicators against its peer sets, with what the findings' checks need — every
economy's values, the peer sets (:mod:`industwin.strategy.peers`), the same table in other years (trends,
neighbouring-year checks), the table with its cells moved within their rounding, and the economy's totals (value
added, persons engaged, emissions) that turn gaps into stakes. The indicators themselves are
:mod:`industwin.strategy.indicators`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from industwin.data.mrio import MRIO
from industwin.data.sector_groups import sector_group
from industwin.errors import SelectionError, plain_list
from industwin.strategy.indicators import (
    EMISSIONS,
    INDICATORS,
    DiagnosisInputs,
    IndicatorResult,
    diagnosis_inputs,
    indicator_matrix,
    indicator_unit,
    value_added,
)

__all__ = ["Diagnosis", "diagnose", "history_inputs", "rounded_matrix"]


@dataclass(frozen=True)
class Diagnosis:
    """One economy's indicator results against its primary peer set (``peers``: indicator × [economy, peers]),
    with what the sensitivity checks need: every economy's values (``matrix``), the peer sets
    (:func:`industwin.strategy.peers.peer_sets`, the primary first), the values of other years (``history``:
    year → indicator × economy) and the economy's totals (value added, persons engaged, emissions) in ``units``."""

    economy: str
    year: int | None
    results: Mapping[str, IndicatorResult]
    peers: pd.DataFrame
    inputs: DiagnosisInputs
    matrix: pd.DataFrame | None = None
    peer_sets: Mapping[str, Any] = field(default_factory=dict)
    history: Mapping[int, pd.DataFrame] = field(default_factory=dict)
    totals: Mapping[str, float] = field(default_factory=dict)
    units: Mapping[str, str] = field(default_factory=dict)
    rounded: pd.DataFrame | None = None           # values on the table with its cells moved within their rounding

    def value(self, indicator: str) -> float:
        return float(self.results[indicator].value)

    def evidence(self, indicator: str) -> Mapping[str, Any]:
        return self.results[indicator].evidence

    @property
    def primary(self):
        """The peer set the findings are judged against (the first of ``peer_sets``)."""
        return next(iter(self.peer_sets.values())) if self.peer_sets else None

    def values_of(self, year: int | None = None) -> pd.DataFrame | None:
        """Indicator × economy values of ``year`` (None: the diagnosis year)."""
        if year is None or year == self.year:
            return self.matrix if self.matrix is not None else self.peers
        return self.history.get(year)

    def change(self, indicator: str, years: int) -> float:
        """The economy's value now minus ``years`` earlier (NaN when that year is not at hand)."""
        if self.year is None:
            return np.nan
        then = self.history.get(self.year - years)
        if then is None or self.economy not in then.columns:
            return np.nan
        return float(self.results[indicator].value - then.loc[indicator, self.economy])

    @property
    def table(self) -> pd.DataFrame:
        """The results as a table: challenge, name, value, unit, direction, peer median / min / max, percentile,
        change over 5 and 10 years (where the table has those years), available, method, source."""
        rows = []
        for r in self.results.values():
            pv = r.peers.dropna()
            rows.append({"challenge": r.spec.challenge, "name": r.spec.name, "value": r.value, "unit": r.unit,
                         "direction": r.spec.direction, "peer_median": pv.median() if len(pv) else np.nan,
                         "peer_min": pv.min() if len(pv) else np.nan, "peer_max": pv.max() if len(pv) else np.nan,
                         "percentile": r.percentile, "change_5y": self.change(r.spec.id, 5),
                         "change_10y": self.change(r.spec.id, 10), "available": r.available,
                         "method": r.spec.method, "source": r.source})
        return pd.DataFrame(rows, index=pd.Index(list(self.results), name="indicator"))


def _check(mrio: MRIO, economy: str, peers: list[str] | None) -> list[str]:
    regions = list(dict.fromkeys(mrio.index.get_level_values(0)))
    if economy not in regions:
        raise SelectionError(f"unknown economy {economy!r}. Fix: choose a region of the table, e.g. "
                             f"{plain_list(regions, 10)}")
    if economy in ("RoW", "ROW", "WLD"):
        raise SelectionError(f"{economy} is the rest of the world, an aggregate of many countries, not an economy with "
                             "an industrial strategy (and it has no employment accounts). Fix: choose a country, e.g. "
                             f"{plain_list([r for r in regions if r not in ('RoW', 'ROW', 'WLD')], 10)}")
    peers = [r for r in regions if r not in (economy, "RoW")] if peers is None else list(peers)
    bad = [p for p in peers if p not in regions]
    if bad:
        raise SelectionError(f"unknown peer economies {plain_list(bad)}. Fix: choose regions of the table, e.g. "
                             f"{plain_list(regions, 10)}")
    if economy in peers:
        raise SelectionError(f"the peers include {economy} itself: an economy compared with itself sits at its own "
                             "median. Fix: leave it out of the peers")
    twice = sorted({p for p in peers if peers.count(p) > 1})
    if twice:
        raise SelectionError(f"peer(s) {plain_list(twice)} named more than once (they would weigh double). Fix: "
                             "name each peer once")
    if not peers:
        raise SelectionError("no peer economies to compare with. Fix: name at least one peer")
    return peers


def _totals(mrio: MRIO, economy: str, inputs: DiagnosisInputs, production_emissions: float
            ) -> tuple[dict[str, float], dict[str, str]]:
    """The economy's value added (the table's money), persons engaged and emissions — the production account the
    emissions indicators use — (NaN where unknown), and their units."""
    rows = np.asarray(mrio.index.get_level_values(0) == economy)
    tot = {"value added": float(value_added(mrio)[rows].sum()), "jobs": np.nan, "emissions": production_emissions}
    name = inputs.employment
    if name is not None and economy not in mrio.satellites[name].gaps:
        s = mrio.satellites[name]
        f = s.F[s.stressors.get_loc(inputs.employment_stressor)][rows]
        tot["jobs"] = float(f.sum()) if np.isfinite(f).all() else np.nan
    return tot, {"value added": mrio.unit, "jobs": inputs.employment_unit, "emissions": inputs.emissions_unit}


def history_inputs(inputs: DiagnosisInputs, table: MRIO, past: MRIO | None = None) -> DiagnosisInputs:
    """The inputs for the same dataset's table of another year: the same satellites where that table has them (e.g.
    WIOD's CO2 only from 2000), that year's own past, the same risk scores."""
    sats = {role: getattr(inputs, role) for role in ("emissions", "employment")
            if getattr(inputs, role) in table.satellites}
    return diagnosis_inputs(table, sats, inputs.risk, past)


def _history(mrio: MRIO, history, regions: list[str], inputs: DiagnosisInputs) -> dict[int, pd.DataFrame]:
    """Indicator values of other years: tables are diagnosed with the same satellites where they have them."""
    out = {}
    for year, h in dict(history or {}).items():
        if isinstance(h, pd.DataFrame):
            out[int(year)] = h
            continue
        if not h.index.equals(mrio.index):
            raise SelectionError(f"the table of {year} has other regions or sectors than the {mrio.year} table. Fix: "
                                 "give the same dataset's table of that year")
        before = dict(history).get(int(year) - 5)            # that year's own past, when given (declining sectors)
        hin = history_inputs(inputs, h, before if isinstance(before, MRIO) else None)
        out[int(year)] = indicator_matrix(h, regions, hin)[0]
    return dict(sorted(out.items()))


def diagnose(mrio: MRIO, economy: str, peers: list[str] | None = None, *, satellites: Mapping[str, str | None]
             | None = None, risk: pd.Series | None = None, past: MRIO | None = None, progress=None,
             matrix: tuple[pd.DataFrame, dict] | None = None, history=None, rounding: bool | pd.DataFrame = False
             ) -> Diagnosis:
    """Every indicator for ``economy`` against its peers: the economies named in ``peers``, else its structural peers
    (the income group's economies closest in size) or, when the income group is small or widened, the income group;
    the other peer sets (income group, size, every economy) serve the sensitivity checks
    (:func:`industwin.strategy.peers.peer_sets`).

    ``satellites``: ``{"emissions": name, "employment": name}`` (default: ``co2`` and ``employment`` when the table
    has them); ``risk``: risk scores per country-sector; ``past``: the same table five years earlier (declining
    sectors); ``matrix``: indicator values and evidence already computed for the table's economies
    (:func:`indicator_matrix`, e.g. once for every economy of a table); ``history``: the same table for other years
    (year → MRIO, or year → an indicator matrix already computed) for trends and neighbouring-year checks;
    ``rounding``: also diagnose the table with its cells moved within their rounding
    (:func:`industwin.strategy.materiality.rounded_table`), or those values already computed.
    """
    from industwin.strategy.peers import peer_sets
    peers = None if peers is None else _check(mrio, economy, peers)
    inputs = diagnosis_inputs(mrio, satellites, risk, past)
    if not sector_group(mrio, "manufacturing"):
        raise SelectionError(f"{mrio.name or 'this table'} ({inputs.family} family) has no manufacturing sector: the "
                             "indicators are about manufacturing. Fix: use a table with its manufacturing industries")
    _check(mrio, economy, None)
    sets = peer_sets(mrio, economy, peers)
    regions = list(dict.fromkeys([economy, *(r for ps in sets.values() for r in ps.members)]))
    if matrix is None:
        matrix = indicator_matrix(mrio, regions, inputs, progress)
    P, evidence = matrix
    missing = [r for r in regions if r not in P.columns]
    if missing:
        raise SelectionError(f"the indicator matrix has no {plain_list(missing)}. Fix: compute it for them")
    primary = list(next(iter(sets.values())).members)
    view = P[[economy, *primary]]
    used = {EMISSIONS: f"the table's {inputs.emissions} satellite" if inputs.emissions else "",
            "the employment satellite": f"the table's {inputs.employment} satellite" if inputs.employment else ""}
    results = {s.id: IndicatorResult(s, float(P.loc[s.id, economy]), P.loc[s.id, primary], evidence[(s.id, economy)],
                                     indicator_unit(s, mrio, inputs), used.get(s.source, "")) for s in INDICATORS}
    tot, units = _totals(mrio, economy, inputs, results["production_emissions"].value)
    hist = _history(mrio, history, regions, inputs)
    rounded = rounding if isinstance(rounding, pd.DataFrame) else rounded_matrix(mrio, regions, inputs) \
        if rounding else None
    return Diagnosis(economy, mrio.year, MappingProxyType(results), view, inputs, P[regions],
                     MappingProxyType(sets), MappingProxyType(hist), MappingProxyType(tot), MappingProxyType(units),
                     rounded)


def rounded_matrix(mrio: MRIO, regions: list[str], inputs: DiagnosisInputs) -> pd.DataFrame | None:
    """Indicator values on the table with its cells moved within their rounding (None when they are not rounded)."""
    from industwin.strategy.materiality import rounded_table
    t = rounded_table(mrio)
    return None if t is None else indicator_matrix(t, regions, inputs)[0]
