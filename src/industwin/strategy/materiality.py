"""When is a gap a finding? Materiality on two counts, one ranking scale, trends, and how sure a finding is.

A finding is **material** when it is large on two counts (the thresholds live here, with their reasons):

1. **Against the peers' spread.** The robust z-score ``z = s · (x − median(p)) / σ̂(p)`` of the economy's value
   ``x`` among its peers ``p``, signed ``s = +1`` when the concern is a high value and ``−1`` when it is a low one;
   ``σ̂ = 1.4826 · MAD`` (the median absolute deviation scaled to a normal standard deviation), or, where more than
   half the peers share one value and the MAD is 0, ``1.2533 · mean |p − median|`` (Iglewicz & Hoaglin 1993, *How
   to Detect and Handle Outliers*, §2.2). It must reach ``z*(n) = t⁻¹_ν(1 − Φ(−Z_MIN)) · √(1 + π / 2n)`` with
   ``Z_MIN = 1.5``: under a normal spread 1.5 σ leaves about 6.7 % of economies beyond it on one side — the economy
   is among the most extreme one in fifteen — and the bar widens for small peer sets on two counts: the median of
   ``n`` peers is itself uncertain (its variance is about ``π σ² / 2n``, so ``x − median`` has variance
   ``σ² (1 + π/2n)``), and so is the spread — the MAD uses the data with 37 % efficiency at the normal (Rousseeuw &
   Croux 1993, JASA 88:1273), hence Student's t with ``ν = 0.3675 (n − 1)`` degrees of freedom. Simulated with
   normal peers and an economy drawn from the same distribution, the bar is passed 6–7 % of the time for every
   ``n`` from 5 to 40 (``tests/test_strategy_recommend.py``): 3.5 spreads for 5 peers, 2.1 for 10, 1.6 for 40.
   With fewer than :data:`MIN_PEERS` peers, or peers without spread (all equal), no peer-based finding is made.
2. **By its stake.** The part of the economy's value added, jobs or emissions that separates it from its median
   peer (:data:`STAKES` says how for each indicator — e.g. a share of value added is its own stake; the foreign
   share of manufactured products' value is the gap times manufacturing output over the economy's value added)
   must reach ``STAKE_MIN = 1 %``. One per cent of the total is the smallest benchmark auditors use for a misstatement that
   matters (ISA 320, *Materiality in planning and performing an audit*, A8: 1 % of revenue or expenses); a gap
   worth less than that of an economy's value added, jobs or emissions is not a strategic priority.

**One ranking scale**: ``score = √((z / z*) · (stake / STAKE_MIN))``, the geometric mean of how far each count is
past its threshold — 1 at the threshold, unit-free, comparable across indicators; material findings score ≥ 1 (the
converse does not hold: a large stake can lift the score of a gap within the peers' spread, which is no finding).

**Trend**: the robust z now and 5 / 10 years before, among the same peers (those with values in both years) — z,
not the gap in the indicator's unit, because prices, exchange rates and inflation move levels of current-price
indicators: *widening* when z grew by more than :data:`TREND_TOLERANCE`, *closing* when it fell by as much, else
*stable*.

**Confidence**: the finding is re-tested with each other peer set, in the neighbouring years and on the table with
every cell moved within its rounding (when its cells are rounded); data-quality flags (a finding resting on the
rest-of-the-world aggregate, on estimated satellite values, on a peer set thinned by data gaps) are said in words.
The year and rounding checks re-test the peer count and the stake with that table's values and the diagnosis
year's evidence and totals. *High*: at least three checks, every one holds and nothing is flagged; *medium*: at
least two thirds hold and at most one flag; else *low*.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["MIN_PEERS", "STAKES", "STAKE_MIN", "Z_MIN", "Check", "PeerTest", "Stake", "Trend", "confidence",
           "neighbour_years", "peer_test", "robust_spread", "rounded_table", "score", "stake", "trend", "z_needed"]

Z_MIN = 1.5
STAKE_MIN = 0.01
MIN_PEERS = 5
TREND_TOLERANCE = 0.25         # in robust z: a quarter of the peers' spread
HIGH_CHECKS = 3


def robust_spread(peers: np.ndarray) -> float:
    """``1.4826 · MAD``, else (MAD = 0) ``1.2533 · mean absolute deviation`` from the median; 0 for identical peers."""
    p = np.asarray(peers, float)
    p = p[np.isfinite(p)]
    if not len(p):
        return np.nan
    dev = np.abs(p - np.median(p))
    mad = float(np.median(dev))
    return 1.4826 * mad if mad > 0 else 1.2533 * float(dev.mean())


MAD_EFFICIENCY = 0.3675


def neighbour_years(year: int, have) -> list[int]:
    """The years a finding is re-tested in: one before and one after ``year``, or two before at the end of the
    series — those of ``have``."""
    have = set(have)
    near = [y for y in (year - 1, year + 1) if y in have]
    if len(near) < 2 and year - 2 in have:
        near.append(year - 2)
    return sorted(near)


@lru_cache(maxsize=256)
def z_needed(n: int) -> float:
    """The robust z a gap must reach among ``n`` peers: ``t⁻¹_ν(1 − Φ(−Z_MIN)) · √(1 + π / 2n)``,
    ``ν = 0.3675 (n − 1)`` (infinite for fewer than 2 peers)."""
    from scipy import stats
    if n < 2:
        return math.inf
    return float(stats.t.isf(stats.norm.sf(Z_MIN), MAD_EFFICIENCY * (n - 1)) * math.sqrt(1 + math.pi / (2 * n)))


@dataclass(frozen=True)
class PeerTest:
    """The economy's value among one peer set: median, spread, signed robust z and the bar it must reach."""

    peers: str
    n: int
    value: float
    median: float
    spread: float
    z: float
    needed: float

    @property
    def gap(self) -> float:
        """The signed gap ``s · (x − median)`` in the indicator's unit (positive: on the side of concern)."""
        return self.z * self.spread

    @property
    def passes(self) -> bool:
        return self.n >= MIN_PEERS and bool(np.isfinite(self.z)) and self.z >= self.needed


def peer_test(value: float, peers: pd.Series | np.ndarray, side: str, name: str = "") -> PeerTest:
    """The robust z of ``value`` among ``peers`` (NaN peers left out), signed for ``side`` ("high" or "low")."""
    p = np.asarray(peers, float)
    p = p[np.isfinite(p)]
    n = len(p)
    if not n or not np.isfinite(value):
        return PeerTest(name, n, float(value), np.nan, np.nan, np.nan, z_needed(n))
    med, sd = float(np.median(p)), robust_spread(p)
    sign = 1.0 if side == "high" else -1.0
    z = sign * (value - med) / sd if sd > 0 else np.nan      # peers without spread: no scale to judge a gap on
    return PeerTest(name, n, float(value), med, sd, float(z), z_needed(n))


# --------------------------------------------------------------------------- stakes
@dataclass(frozen=True)
class Stake:
    """The part of the economy's ``basis`` (value added, jobs or emissions) the gap to the median peer concerns."""

    basis: str
    share: float
    amount: float
    unit: str

    @property
    def material(self) -> bool:
        return bool(np.isfinite(self.share)) and self.share >= STAKE_MIN


def _ev(key: str):
    return lambda ev, tot, value: float(ev.get(key, np.nan)) / tot["value added"]


# indicator → (basis, the factor that turns a gap in the indicator's unit into a share of the basis, in words)
STAKES: Mapping[str, tuple[str, Any, str]] = {
    "emission_intensive_va_share": ("value added", None, "the gap in value-added share"),
    "medium_high_tech_va_share": ("value added", None, "the gap in value-added share"),
    "manufacturing_va_share": ("value added", None, "the gap in value-added share"),
    "worst_supplier_loss": ("value added", None, "the gap in value added lost"),
    "emission_intensity_va": ("emissions", lambda ev, tot, value: tot["value added"] / tot["emissions"],
                              "emissions above those at the median peer's intensity"),
    "footprint_ratio": ("emissions", None, "embodied emissions beyond the median peer's ratio, over production"),
    "foreign_va_share_manufacturing": ("value added", _ev("output"),
                                       "the gap times manufacturing output, over value added"),
    "critical_input_concentration": ("value added", _ev("requirement"),
                                     "the gap times the input's all-tier requirement, over value added"),
    "hidden_exposure": ("value added", _ev("foreign_value_added"),
                        "the gap times the foreign value added in manufactured products, over value added"),
    "medium_high_tech_export_share": ("value added", _ev("exports"), "the gap times gross exports, over value added"),
    "gvc_participation": ("value added", _ev("exports"), "the gap times gross exports, over value added"),
    "carbon_intensive_jobs_share": ("jobs", None, "the gap in the share of jobs"),
    "foreign_demand_jobs_share": ("jobs", None, "the gap in the share of jobs"),
    "declining_sectors_share": ("jobs", None, "the gap in the share of jobs (value added without jobs data)"),
    "foreign_jobs_footprint_share": ("jobs", lambda ev, tot, value: float(ev.get("persons", np.nan)) / tot["jobs"],
                                     "jobs abroad beyond the median peer's share, over the economy's own jobs"),
    "risk_hotspot_share": ("value added", lambda ev, tot, value: float(ev.get("output", np.nan)) / value
                           / tot["value added"], ("the hot spot's output beyond the median peer's share of the "
                                                  "risk exposure (the gap over the share, times the output needed "
                                                  "from it), over value added")),
}


def stake(indicator: str, test: PeerTest, evidence: Mapping[str, Any], totals: Mapping[str, float],
          units: Mapping[str, str]) -> Stake | None:
    """The stake of the gap ``test.gap`` (on the side of concern, 0 when the economy is on the other side) in the
    economy's value added, jobs or emissions; None for an indicator without a stake (levels, not gaps)."""
    if indicator not in STAKES:
        return None
    basis, factor, _ = STAKES[indicator]
    if indicator == "declining_sectors_share" and evidence.get("weights") == "value added":
        basis = "value added"
    gap = max(test.gap, 0.0) if np.isfinite(test.gap) else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        k = 1.0 if factor is None else factor(evidence, totals, test.value)
    share = float(gap * k) if np.isfinite(k) else np.nan
    total = totals.get(basis, np.nan)
    return Stake(basis, share, share * total if np.isfinite(total) else np.nan, units.get(basis, ""))


def score(test: PeerTest, st: Stake | None) -> float:
    """``√((z / z*) · (stake / STAKE_MIN))``: 1 at both thresholds; 0 when either count is not positive."""
    if st is None or not (np.isfinite(test.z) and np.isfinite(st.share)) or test.z <= 0 or st.share <= 0:
        return 0.0
    return float(math.sqrt(min(test.z / test.needed, 1e6) * st.share / STAKE_MIN))


# --------------------------------------------------------------------------- trends
@dataclass(frozen=True)
class Trend:
    """The robust z now and ``years`` earlier (same peers), and what the gap did."""

    years: int
    then: int
    z_then: float
    z_now: float
    value_then: float
    direction: str          # widening / closing / stable / unknown

    def words(self) -> str:
        if self.direction == "unknown":
            return f"no comparison with {self.then}"
        z = f" (z {self.z_then:.1f} → {self.z_now:.1f})"
        return {"widening": f"the gap has widened since {self.then}", "closing": f"the gap has narrowed since "
                f"{self.then}", "stable": f"the gap is about as wide as in {self.then}"}[self.direction] + z


def trend(now_values: pd.DataFrame, then_values: pd.DataFrame | None, economy: str, indicator: str,
          peers: Sequence[str], side: str, years: int, then: int) -> Trend:
    """The gap's change between ``then`` and now, in robust z among the peers with values in both years."""
    if then_values is None or economy not in then_values.columns or indicator not in then_values.index:
        return Trend(years, then, np.nan, np.nan, np.nan, "unknown")
    a, b = now_values.loc[indicator], then_values.loc[indicator]
    both = [p for p in peers if p in a.index and p in b.index and np.isfinite(a[p]) and np.isfinite(b[p])]
    new = peer_test(float(a[economy]), a[both], side)
    old = peer_test(float(b[economy]), b[both], side)
    if not (np.isfinite(new.z) and np.isfinite(old.z)):
        return Trend(years, then, old.z, new.z, old.value, "unknown")
    d = "widening" if new.z > old.z + TREND_TOLERANCE else "closing" if new.z < old.z - TREND_TOLERANCE else "stable"
    return Trend(years, then, old.z, new.z, old.value, d)


# --------------------------------------------------------------------------- confidence
@dataclass(frozen=True)
class Check:
    """One sensitivity check of a finding: what was changed, and whether the finding still holds."""

    kind: str              # peers / year / rounding
    label: str
    holds: bool
    detail: str = ""


@dataclass(frozen=True)
class Confidence:
    level: str
    checks: tuple[Check, ...]
    flags: tuple[str, ...] = field(default=())

    def words(self) -> str:
        held = [c.label for c in self.checks if c.holds]
        failed = [c.label for c in self.checks if not c.holds]
        text = f"{self.level.capitalize()} confidence"
        if self.checks:
            text += (f": holds {_list(held)}" if held else ": holds under none of the checks") + \
                    (f"; not {_list(failed)}" if failed else "")
        else:
            text += ": no check was possible (no other peer set, year or rounding at hand)"
        if self.flags:
            text += ". " + " ".join(f[0].upper() + f[1:] + "." for f in self.flags)
        return text + ("" if text.endswith(".") else ".")


def _list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def confidence(checks: Sequence[Check], flags: Sequence[str]) -> Confidence:
    """High: at least :data:`HIGH_CHECKS` checks, every one holds, nothing flagged; medium: ≥ 2/3 hold and at most
    one flag; else low."""
    held = sum(c.holds for c in checks)
    share = held / len(checks) if checks else 0.0
    if len(checks) >= HIGH_CHECKS and held == len(checks) and not flags:
        level = "high"
    elif share >= 2 / 3 and len(flags) <= 1:
        level = "medium"
    else:
        level = "low"
    return Confidence(level, tuple(checks), tuple(flags))


def rounded_table(mrio, seed: int = 0):
    """The table with every flow moved within its rounding, or None when its flows are not rounded.

    A table whose intermediate flows are all whole numbers (WIOD 2013 as published in M USD) is taken to be rounded
    to 1 unit: each non-zero cell of ``Z`` and ``Y`` is replaced by a draw within ±0.5 of it (kept non-negative;
    zeros stay zeros — the table says no flow, and spreading half-units over every empty cell would invent inputs
    worth more than small industries' output), gross output kept, value added re-derived as ``x − 1'Z`` — the table
    as it could have been before rounding."""
    import scipy.sparse as sp
    sample = mrio.Z.data if sp.issparse(mrio.Z) else np.asarray(mrio.Z).ravel()
    sample = sample[:: max(1, sample.size // 100_000)]         # checked before any copy is made
    if not len(sample) or not np.all(sample == np.round(sample)) or not np.any(sample):
        return None
    Z = mrio.Z.toarray() if sp.issparse(mrio.Z) else np.asarray(mrio.Z, float)
    rng = np.random.default_rng(seed)

    def move(a):
        d = rng.uniform(-0.5, 0.5, a.shape)
        return np.where(a != 0, np.maximum(a + d, 0.0) if (a >= 0).all() else a + d, 0.0)
    Z2, Y2 = move(Z), move(np.asarray(mrio.Y, float))
    V = None
    if mrio.V is not None:
        V = np.asarray(mrio.V, float).copy()
        va_old = V.sum(axis=0)
        va_new = np.asarray(mrio.x, float) - Z2.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(va_old != 0, va_new / va_old, 1.0)
        V = V * scale[None, :]
    return dataclasses.replace(mrio, Z=Z2, Y=Y2, V=V, validate=False, _cache={})
