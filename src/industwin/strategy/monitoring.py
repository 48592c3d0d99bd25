"""Implementation monitoring: a strategy's targets, tracked on the twin's years, with their status and what changed.

A targets file (YAML or JSON, ``docs/monitoring.md``) names, for each target, the economy, the indicator — one of
the report's indicators (:data:`industwin.strategy.indicators.SPECS`) or a programme metric the user enters —
the baseline year and value (the value may be left out: it is then computed from the twin), the target value and
year, the direction, and optionally the targeted sectors. :func:`read_targets` validates it (strict types, finite
numbers, unknown fields refused, every problem with its file and field); :func:`to_records` / :func:`from_records`
turn it into a JSON-serialisable dict and back, for storage with a strategy.

:func:`track` follows every target over the table's years (WIOD 2013: 1995–2011). It computes only what the
targets need: each named indicator for its one economy (not the full indicator matrix of every economy, which
:func:`~industwin.strategy.indicators.indicator_matrix` computes), and for targets naming sectors the output,
value added, jobs or emissions of those sectors in every economy (vector sums). It returns

* ``values`` — year × target: the series each target is judged on;
* ``status`` — per target: achieved / on track / off track / no data yet (:func:`target_status`, the latest
  value against the straight-line path from baseline to target, within a stated tolerance) and the numbers behind;
* ``changes`` — for targets naming sectors, a difference-in-differences style comparison of growth before and after
  the baseline year (:func:`what_changed`): the targeted sectors against the same sectors in peer economies and
  against the economy's other sectors, with the caveats that forbid a causal reading.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, Strict, model_validator

from industwin.data.mrio import MRIO, REST_OF_WORLD
from industwin.data.schema import Schema, Share
from industwin.errors import SelectionError, ValidationError, ValidationIssue, plain_list

__all__ = [
    "CAVEATS",
    "DOC",
    "MEASURES",
    "STATUSES",
    "MetricSpec",
    "TargetSpec",
    "Targets",
    "Tracking",
    "check_baselines",
    "check_targets",
    "from_records",
    "indicator_series",
    "read_targets",
    "sector_measures",
    "target_status",
    "to_records",
    "track",
    "what_changed",
]

DOC = "docs/monitoring.md"
STATUSES = ("achieved", "on track", "off track", "no data yet")
MEASURES = ("value_added", "output", "jobs", "emissions_intensity")
GROUPS = ("targeted sectors", "same sectors, peer economies", "other sectors, same economy")
REST = REST_OF_WORLD
Year = Annotated[int, Strict(False), Field(ge=1900, le=2200)]     # lax: JSON object keys are text
Name = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")]


class MetricSpec(Schema):
    """A programme metric the user enters (e.g. firms assessed), by year."""

    name: Name
    unit: str = Field(min_length=1)
    description: str = ""
    values: dict[Year, float] = Field(min_length=1)


class TargetSpec(Schema):
    """One target of a strategy."""

    id: Name
    description: str = ""
    economy: str | None = Field(None, description="region code; default: the file's economy")
    indicator: str = Field(min_length=1, description="an indicator id (SPECS) or the name of a metric of the file")
    sectors: list[str] | None = Field(None, min_length=1, description="targeted sectors (table codes)")
    measure: Literal["value_added", "output", "jobs", "emissions_intensity"] = "value_added"
    peers: list[str] | None = Field(None, min_length=1, description="peer economies for 'what changed'")
    baseline_year: Year
    baseline_value: float | None = None
    target_value: float
    target_year: Year
    direction: Literal["increase", "decrease"]
    tolerance: Share | None = Field(None, description="share of the planned change; default: the file's")

    @model_validator(mode="after")
    def _consistent(self) -> TargetSpec:
        if self.target_year <= self.baseline_year:
            raise ValueError(f"target_year ({self.target_year}) must come after baseline_year ({self.baseline_year})")
        if self.baseline_value is not None:
            up = self.target_value > self.baseline_value
            if self.target_value == self.baseline_value or up != (self.direction == "increase"):
                raise ValueError(f"direction {self.direction!r} does not match baseline {self.baseline_value:g} → "
                                 f"target {self.target_value:g}: correct the direction or the values")
        if self.sectors is not None and len(set(self.sectors)) < len(self.sectors):
            raise ValueError("a sector is named twice in 'sectors': name each once")
        return self


class Targets(Schema):
    """A strategy's targets and the programme metrics they may track."""

    strategy: str = Field(min_length=1)
    description: str = ""
    economy: str | None = None
    dataset: str = "wiod2013"
    tolerance: Share = Field(0.1, description="how far behind the straight-line path still counts as on track, as "
                                              "a share of the planned change")
    metrics: list[MetricSpec] = Field(default_factory=list)
    targets: list[TargetSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _names(self) -> Targets:
        from industwin.strategy.indicators import SPECS
        names = [m.name for m in self.metrics]
        problems = []
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            problems.append(f"metric name(s) {plain_list(twice)} given twice")
        clash = sorted(set(names) & set(SPECS))
        if clash:
            problems.append(f"metric name(s) {plain_list(clash)} are indicator ids: choose other names")
        ids = [t.id for t in self.targets]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            problems.append(f"target id(s) {plain_list(twice)} given twice")
        for k, t in enumerate(self.targets):
            if t.indicator not in SPECS and t.indicator not in names:
                problems.append(f"targets[{k}].indicator {t.indicator!r} is neither an indicator "
                                f"({plain_list(sorted(SPECS), 25)}) nor a metric of this file "
                                f"({plain_list(names) or 'none'})")
            if t.economy is None and self.economy is None:
                problems.append(f"targets[{k}] has no economy and the file names none: give 'economy'")
            if t.sectors is not None and t.indicator in names:
                problems.append(f"targets[{k}] tracks the metric {t.indicator!r}: 'sectors' apply to the twin's "
                                "indicators only")
        if problems:
            raise ValueError("; ".join(problems))
        for t in self.targets:
            if t.economy is None:
                t.economy = self.economy
        return self

    def metric(self, name: str) -> MetricSpec | None:
        return next((m for m in self.metrics if m.name == name), None)


def read_targets(path: Any) -> Targets:
    """Read and validate a targets file (YAML or JSON, or a dict); every problem is listed with its field."""
    from industwin.data.io import read_mapping, validate
    data, source = read_mapping(path, "targets file", "at least 'strategy', 'economy' and 'targets' (see "
                                                      f"{DOC})")
    return validate(Targets, data, source, DOC)


def to_records(targets: Targets) -> dict:
    """The targets as a JSON-serialisable dict (years as text keys in metric values) — what a database stores."""
    return targets.model_dump(mode="json")


def from_records(records: Mapping[str, Any], source: str = "stored targets") -> Targets:
    """The inverse of :func:`to_records`, validated as a file is."""
    from industwin.data.io import validate
    return validate(Targets, dict(records), source, DOC)


def check_targets(mrio: MRIO, targets: Targets, source: str = "targets") -> None:
    """Every economy, sector and peer of the targets exists in the table (all problems at once)."""
    regions = [r for r in dict.fromkeys(map(str, mrio.index.get_level_values(0)))]
    sectors = list(map(str, mrio.sectors))
    issues = []
    top = targets.economy
    top_bad = (top is not None and (top not in regions or top in REST)
               and any(t.economy == top for t in targets.targets))           # used by a target
    if top_bad:                                        # said once at the top of the file: reported once there
        issues.append(ValidationIssue(source, "economy", f"unknown economy {top!r}",
                                      f"use a country of the table, e.g. {plain_list(regions, 12)}"))
    for k, t in enumerate(targets.targets):
        if top_bad and t.economy == top:
            pass
        elif t.economy not in regions or t.economy in REST:
            issues.append(ValidationIssue(source, f"targets[{k}].economy", f"unknown economy {t.economy!r}",
                                          f"use a country of the table, e.g. {plain_list(regions, 12)}"))
        for s in t.sectors or []:
            if s not in sectors:
                issues.append(ValidationIssue(source, f"targets[{k}].sectors", f"unknown sector {s!r}",
                                              f"use the table's codes: {plain_list(sectors, 40)}"))
        for p in t.peers or []:
            if p not in regions or p == t.economy:
                issues.append(ValidationIssue(source, f"targets[{k}].peers", f"{p!r} is not a peer economy of the "
                                              "table", f"use other economies of the table, e.g. "
                                              f"{plain_list(regions, 12)}"))
    if issues:
        raise ValidationError(issues)


def check_baselines(targets: Targets, years: list[int], source: str = "targets") -> None:
    """A target of a twin indicator whose baseline value the twin must compute needs its baseline year in the
    dataset's ``years``; one before them is refused (one after is tracked as "no data yet")."""
    from industwin.strategy.indicators import SPECS
    first, last = min(years), max(years)
    for k, x in enumerate(targets.targets):
        if x.indicator in SPECS and x.baseline_value is None and x.baseline_year < first:
            raise SelectionError(f"{source}: field 'targets[{k}].baseline_year': {x.baseline_year} is before "
                                 f"{targets.dataset}'s first year {first}, so the twin has no baseline value for "
                                 f"{x.id!r}. Fix: a baseline year in {first}–{last}, or give baseline_value")


# --------------------------------------------------------------------------- indicator values
def indicator_series(tables: Mapping[int, MRIO] | Callable[[int], MRIO], economy: str, indicators: list[str],
                     years: list[int]) -> pd.DataFrame:
    """Indicators of one economy over the years: year × indicator (NaN where the year's table lacks the data, e.g.
    WIOD's CO2 before 2000). Each year computes only these indicators for this economy — the same functions
    :func:`~industwin.strategy.indicators.indicator_matrix` runs for every indicator and region — with the
    satellites :func:`~industwin.strategy.indicators.diagnosis_inputs` chooses; ``declining_sectors_share`` uses
    the table five years earlier where it is at hand. ``attrs["units"]``: indicator → unit."""
    from industwin.strategy.indicators import SPECS
    get = _getter(tables)
    rows, units = {}, {}
    for y in years:
        m = get(y)
        rows[y], u = _indicators_of(m, economy, indicators, _past(get, y, indicators, years))
        units.update({k: v for k, v in u.items() if k not in units or v != SPECS[k].unit})
    out = pd.DataFrame.from_dict(rows, orient="index", columns=list(indicators))
    out.index.name = "year"
    out.attrs["units"] = units
    return out


def _getter(tables) -> Callable[[int], MRIO]:
    if callable(tables):
        return tables
    return lambda y: tables[y]


def _past(get, y: int, indicators, years) -> MRIO | None:
    if "declining_sectors_share" not in indicators or (y - 5) not in years:
        return None
    return get(y - 5)


def _indicators_of(m: MRIO, economy: str, indicators, past: MRIO | None) -> tuple[dict, dict]:
    from industwin.strategy.indicators import SPECS, diagnosis_inputs, indicator_unit, indicator_values
    inputs = diagnosis_inputs(m, past=past)
    vals = indicator_values(m, economy, list(indicators), inputs).to_dict()
    return vals, {i: indicator_unit(SPECS[i], m, inputs) for i in indicators}


# --------------------------------------------------------------------------- status
def target_status(values: pd.Series, baseline_year: int, baseline_value: float, target_year: int,
                  target_value: float, direction: str, tolerance: float = 0.1) -> dict[str, Any]:
    """The status of a target from its observed values (year → value).

    With baseline ``B`` in year ``y₀``, target ``T`` in year ``y₁``, sign ``s`` (+1 to increase, −1 to decrease)
    and the latest observation ``v`` in year ``t > y₀``, the straight-line path is
    ``p(t) = B + (T − B) · min(1, (t − y₀)/(y₁ − y₀))`` and

    * **achieved** when ``s (v − T) ≥ 0`` (the target value is reached);
    * **on track** when ``s (v − p(t)) ≥ −τ |T − B|`` (no further behind the path than the tolerance ``τ``, a share
      of the planned change);
    * **off track** otherwise, and always once ``t ≥ y₁`` without the target reached;
    * **no data yet** when there is no observation after the baseline year or no baseline value.

    The linear path is the usual reading of a target (e.g. Eurostat's SDG monitoring, "assessment of progress
    towards quantitative targets": observed against required growth). Returns the status and the numbers behind:
    latest year and value, the path value, the gap to it (positive = ahead), the tolerance in the indicator's
    unit and the progress share ``(v − B)/(T − B)``."""
    if direction not in ("increase", "decrease"):
        raise SelectionError(f"direction must be 'increase' or 'decrease', got {direction!r}")
    s = 1.0 if direction == "increase" else -1.0
    obs = pd.Series(values, dtype=float).dropna()
    after = obs[obs.index > baseline_year]
    out: dict[str, Any] = {"status": "no data yet", "latest_year": np.nan, "latest_value": np.nan,
                           "baseline_value": float(baseline_value) if baseline_value is not None else np.nan,
                           "path_value": np.nan, "gap_to_path": np.nan, "tolerance": np.nan, "progress": np.nan,
                           "note": ""}
    if baseline_value is None or not np.isfinite(baseline_value):
        out["note"] = "no baseline value: not given, and not computable for the baseline year"
        return out
    if after.empty:
        out["note"] = f"no observation after the baseline year {baseline_year}"
        return out
    t = int(after.index.max())
    v = float(after.loc[t])
    planned = target_value - baseline_value
    frac = min(1.0, (t - baseline_year) / (target_year - baseline_year))
    path = baseline_value + planned * frac
    tol = tolerance * abs(planned)
    gap = s * (v - path)
    due = t >= target_year                          # the target year has come: only reaching the value counts
    eps = 1e-12 * max(abs(baseline_value), abs(target_value), 1e-300)       # rounding of the path arithmetic
    status = "achieved" if s * (v - target_value) >= -eps else \
        "on track" if gap >= -tol - eps and not due else "off track"
    note = "" if s * planned > 0 else "the baseline value already meets the target"
    if due and status == "off track":
        note = f"the target year {target_year} has passed without reaching the target"
    out.update(status=status, latest_year=t, latest_value=v, path_value=path, gap_to_path=gap, tolerance=tol,
               progress=(v - baseline_value) / planned if planned else np.nan, note=note)
    return out


# --------------------------------------------------------------------------- what changed
CAVEATS = (
    ("a descriptive comparison, not a causal estimate: the targeted sectors and their comparison groups may differ "
     "in ways that change over time (parallel trends cannot be tested with so few years)"),
    ("other shocks in the same years (the 2008–09 crisis, commodity prices, exchange-rate swings) move sectors and "
     "economies differently from any policy"),
    ("table revisions and rounding: WIOD 2013 is in current US dollars, rounded to 1 M USD, and later releases "
     "revise the figures"),
    "few years: growth rates from a handful of annual values are sensitive to the end points",
    ("the peers may pursue similar policies (they are 'treated' too), which pulls the difference towards zero; the "
     "economy's other sectors may gain or lose from the same policy"),
)


def sector_measures(mrio: MRIO, sectors: list[str], measure: str) -> pd.DataFrame:
    """For every region: the ``measure`` of the named sectors and of the region's other sectors — numerator and
    denominator, so that groups of regions add up (``output``: Σx; ``value_added``: Σ(x − 1'Z) as the table's value
    added; ``jobs``: persons engaged; ``emissions_intensity``: Σ emissions / Σ x). Columns ``targeted_num``,
    ``targeted_den``, ``other_num``, ``other_den`` (NaN where the satellite has no data)."""
    from industwin.strategy.indicators import value_added
    if measure not in MEASURES:
        raise SelectionError(f"unknown measure {measure!r}. Fix: use one of {', '.join(MEASURES)}")
    regions = np.asarray(mrio.index.get_level_values(0)).astype(str)
    chosen = np.asarray(mrio.index.get_level_values(1).isin(sectors))
    x = np.asarray(mrio.x, float)
    den = x
    if measure == "output":
        num = x
    elif measure == "value_added":
        num = value_added(mrio)
    else:
        num = _satellite_row(mrio, "employment" if measure == "jobs" else "emissions")
    order = list(dict.fromkeys(regions))
    out = {}
    for part, mask in (("targeted", chosen), ("other", ~chosen)):
        frame = pd.DataFrame({"num": np.where(mask, num, 0.0), "den": np.where(mask, den, 0.0),
                              "gap": mask & np.isnan(num), "r": regions})
        g = frame.groupby("r", sort=False).sum().reindex(order)
        out[f"{part}_num"] = g["num"].where(g["gap"] == 0)
        out[f"{part}_den"] = g["den"] if measure == "emissions_intensity" else pd.Series(1.0, index=order)
    return pd.DataFrame(out, index=pd.Index(order, name="region"))


def _satellite_row(mrio: MRIO, role: str) -> np.ndarray:
    """Persons engaged (``employment``: its ``persons`` stressor, else its first head count) or emissions (``co2``:
    its stressor named CO2, else its only one) by industry — the satellites the indicators use by default; NaN
    where the table has none (or a region has a gap)."""
    from industwin.data.units import is_head_count, is_mass
    name = "employment" if role == "employment" else "co2"
    nan = np.full(len(mrio.index), np.nan)
    if name not in mrio.satellites:
        return nan
    s = mrio.satellites[name]
    units = dict(zip(map(str, s.stressors), s.units))
    if role == "employment":
        ok = [k for k, u in units.items() if is_head_count(u)]
        pick = "persons" if "persons" in ok else (ok[0] if ok else None)
    else:
        ok = [k for k, u in units.items() if is_mass(u)]
        named = [k for k in ok if k.lower() in ("co2", "co2e", "ghg")]
        pick = named[0] if named else (ok[0] if len(ok) == 1 else None)
    return nan if pick is None else np.asarray(s.F[s.stressors.get_loc(pick)], float)


def _group_values(per_year: Mapping[int, pd.DataFrame], economy: str, peers: list[str], measure: str
                  ) -> pd.DataFrame:
    """Year × group: the targeted sectors, the same sectors summed over the peers, the economy's other sectors
    (sums; a ratio of sums for emissions intensity)."""
    ratio = measure == "emissions_intensity"
    rows = {}
    for y, d in per_year.items():
        peer = d.loc[[p for p in peers if p in d.index]]
        num = (d.loc[economy, "targeted_num"], peer["targeted_num"].sum(min_count=len(peer)),
               d.loc[economy, "other_num"])
        den = (d.loc[economy, "targeted_den"], peer["targeted_den"].sum(), d.loc[economy, "other_den"]) if ratio \
            else (1.0, 1.0, 1.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            rows[y] = dict(zip(GROUPS, np.divide(np.asarray(num, float), np.asarray(den, float))))
    out = pd.DataFrame.from_dict(rows, orient="index", columns=list(GROUPS))
    out.index.name = "year"
    out.attrs["units"] = "kt per M USD (emissions over output)" if ratio else measure
    return out


def _slope(s: pd.Series) -> float:
    s = s[np.isfinite(s) & (s > 0)]
    if len(s) < 2:
        return np.nan
    t = s.index.to_numpy(float)
    return float(np.polyfit(t, np.log(s.to_numpy(float)), 1)[0])


def what_changed(series: pd.DataFrame, baseline_year: int) -> pd.DataFrame:
    """Growth of the targeted group (first column) against each comparison group (the other columns), before and
    after the baseline year — a difference-in-differences of growth rates (Card & Krueger 1994; Angrist & Pischke
    2009, ch. 5).

    For each group ``g``, growth ``γ_g`` is the least-squares slope of ``ln value`` on the year, over the years up
    to and including the baseline (``pre``) and from the baseline on (``post``): log points a year (×100 ≈ % a
    year); with two years it is ``ln(v₁/v₀)/(t₁ − t₀)``. Then ``change_g = γ_g,post − γ_g,pre`` and, against the
    targeted group ``T``, ``difference = change_T − change_g``: how much more the targeted sectors' growth changed
    than the comparison group's. Values that are missing or ≤ 0 are left out; NaN where a window keeps fewer than
    two. ``attrs["caveats"]`` says why this is no causal estimate."""
    if series.shape[1] < 2:
        raise SelectionError("what_changed needs the targeted group and at least one comparison group (columns)")
    years = series.index.to_numpy(int)
    if not (years.min() < baseline_year < years.max()):
        raise SelectionError(f"the baseline year {baseline_year} must lie inside the years of the series "
                             f"({years.min()}–{years.max()}), with years before and after it")
    pre, post = series[series.index <= baseline_year], series[series.index >= baseline_year]
    rows = {}
    for c in series.columns:
        g0, g1 = _slope(pre[c]), _slope(post[c])
        rows[c] = {"growth_before": g0, "growth_after": g1, "change": g1 - g0}
    out = pd.DataFrame.from_dict(rows, orient="index")
    treated = out.index[0]
    out["difference"] = out.loc[treated, "change"] - out["change"]
    out.loc[treated, "difference"] = np.nan
    out.index.name = "group"
    n_pre, n_post = int((years < baseline_year).sum()), int((years > baseline_year).sum())
    out.attrs["units"] = "log points a year (growth of the group's value); difference: targeted minus group"
    here = f"here: {n_pre} year(s) before and {n_post} after the baseline year {baseline_year}"
    out.attrs["caveats"] = (*CAVEATS, here)
    out.attrs["years"] = (int(years.min()), int(baseline_year), int(years.max()))
    return out


# --------------------------------------------------------------------------- tracking
@dataclass(frozen=True)
class Tracking:
    """What :func:`track` found: the series (year × target), the status per target, the what-changed
    comparisons (target, group) and, per target naming sectors, the group series they come from."""

    values: pd.DataFrame
    status: pd.DataFrame
    changes: pd.DataFrame
    groups: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    caveats: tuple[str, ...] = ()


def track(targets: Targets, tables: Mapping[int, MRIO] | Callable[[int], MRIO] | None = None,
          years: list[int] | None = None) -> Tracking:
    """Track every target over the years of its dataset (or ``years``), one table at a time.

    ``tables``: year → table (a mapping or a function); default: ``industwin.load(targets.dataset, year)``. Each
    year's table is read once; per economy, only its targets' indicators are computed (:func:`indicator_series`),
    and for targets naming sectors, their :func:`sector_measures` for every region. After the pass: the baseline
    value (given, else the twin's value in the baseline year), :func:`target_status` and :func:`what_changed`
    against the targets' peers (given, else the primary peer set of :func:`industwin.strategy.peers.peer_sets`
    on the baseline year's table)."""
    from industwin.strategy.indicators import SPECS
    if tables is None:
        from industwin.data.registry import DATASETS, load
        if targets.dataset not in DATASETS:
            raise SelectionError(f"unknown dataset {targets.dataset!r}. Fix: use one of {', '.join(DATASETS)}")
        years = list(DATASETS[targets.dataset].years) if years is None else years
        def get(y: int) -> MRIO:
            return load(targets.dataset, y)
    else:
        get = _getter(tables)
        if years is None:
            if not isinstance(tables, Mapping):
                raise SelectionError("give the years to track when the tables come from a function")
            years = sorted(tables)
    years = sorted(int(y) for y in years)
    if not years:
        raise SelectionError("no years to track. Fix: give at least one year")
    need: dict[str, list[str]] = {}
    for t in targets.targets:
        if t.indicator in SPECS and t.indicator not in need.setdefault(t.economy, []):
            need[t.economy].append(t.indicator)
    sectoral = [t for t in targets.targets if t.sectors]
    wants_past = any("declining_sectors_share" in v for v in need.values())
    held: dict[int, MRIO] = {}
    ind: dict[str, dict[int, dict]] = {e: {} for e in need}
    units: dict[tuple[str, str], str] = {}
    measures: dict[str, dict[int, pd.DataFrame]] = {t.id: {} for t in sectoral}
    peers: dict[str, list[str]] = {t.id: list(t.peers) for t in sectoral if t.peers}
    for k, y in enumerate(years):
        m = get(y)
        if k == 0:
            check_targets(m, targets)
        past = None
        if wants_past and (y - 5) in years:
            past = held[y - 5] if (y - 5) in held else get(y - 5)
        for e, ids in need.items():
            ind[e][y], u = _indicators_of(m, e, ids, past)
            units.update({(e, i): v for i, v in u.items() if (e, i) not in units or v != SPECS[i].unit})
        for t in sectoral:
            measures[t.id][y] = sector_measures(m, t.sectors, t.measure)
            if t.id not in peers and y == t.baseline_year:
                from industwin.strategy.peers import peer_sets
                peers[t.id] = list(next(iter(peer_sets(m, t.economy).values())).members)
        if wants_past:                                  # keep the five years a later table looks back to
            held = {yy: mm for yy, mm in held.items() if yy > y - 5}
            held[y] = m
    values, rows, changes, group_series = {}, {}, [], {}
    tol_default = targets.tolerance
    for t in targets.targets:
        metric = targets.metric(t.indicator)
        if metric is not None:
            s = pd.Series({int(k): v for k, v in metric.values.items()}, dtype=float).sort_index()
            unit = metric.unit
        else:
            s = pd.Series({y: ind[t.economy][y][t.indicator] for y in years}, dtype=float)
            unit = units.get((t.economy, t.indicator), SPECS[t.indicator].unit)
        values[t.id] = s
        base = t.baseline_value
        base_from = "given"
        if base is None:
            b = s.get(t.baseline_year, np.nan)
            base, base_from = (float(b), "computed") if np.isfinite(b) else (None, "not available")
        st = target_status(s, t.baseline_year, base, t.target_year, t.target_value, t.direction,
                           t.tolerance if t.tolerance is not None else tol_default)
        rows[t.id] = {"economy": t.economy, "indicator": t.indicator, "unit": unit, "direction": t.direction,
                      "baseline_year": t.baseline_year, "baseline_from": base_from, "target_year": t.target_year,
                      "target_value": t.target_value, **st, "data_until": int(s.dropna().index.max())
                      if s.notna().any() else np.nan}
        if t.sectors:
            if t.id not in peers:
                rows[t.id]["note"] = (rows[t.id]["note"] + "; " if rows[t.id]["note"] else "") + \
                    "no peers: the baseline year is not among the tracked years and none are named"
                continue
            g = _group_values(measures[t.id], t.economy, peers[t.id], t.measure)
            group_series[t.id] = g
            lo, hi = g.index.min(), g.index.max()
            if lo < t.baseline_year < hi:
                w = what_changed(g, t.baseline_year)
                changes.append(w.assign(target=t.id, measure=t.measure, peers=", ".join(peers[t.id]))
                               .reset_index().set_index(["target", "group"]))
    vals = pd.DataFrame(values).reindex(sorted(set(years) | {y for s in values.values() for y in s.index}))
    vals.index.name = "year"
    vals.attrs["units"] = {i: r["unit"] for i, r in rows.items()}
    status = pd.DataFrame.from_dict(rows, orient="index")
    status.index.name = "target"
    status.attrs["units"] = dict(vals.attrs["units"])
    ch = pd.concat(changes) if changes else pd.DataFrame(
        columns=["growth_before", "growth_after", "change", "difference", "measure", "peers"],
        index=pd.MultiIndex.from_tuples([], names=["target", "group"]))
    ch.attrs["units"] = "log points a year; difference: targeted sectors minus the group"
    ch.attrs["caveats"] = CAVEATS
    return Tracking(vals, status, ch, group_series, CAVEATS if changes else ())
