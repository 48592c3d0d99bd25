"""An adaptive regional input–output model (ARIO) with inventories, rationing and over-production.

The dynamic disruption engine of industwin, in the family of ARIO (Hallegatte 2008,
*Risk Analysis* 28:779; Hallegatte 2014, *Risk Analysis* 34:152) as formulated in
BoARIO (Juhel 2024, *J. Open Source Softw.* 9:6547) — its "Psi" variant — so that the
two give the same trajectories for the same parameters (tested). One step is one day.

State of industry *j* (a country-sector) at step *t*: production ``x_j``, capacity
``x̄_j = α_j (1 − Δ_j) x⁰_j`` (over-production ``α``, capacity lost ``Δ``), and for
each input *product* ``p`` (a sector code, whatever its origin) a stock ``S_pj``.
Each step:

1. **Over-production** (from the second step): with scarcity ``s_j = (D_j − x_j)/D_j``,
   ``α_j ← max(1, α_j + (α^max − α_j) s_j / τ_α + (α^b − α_j) [s_j = 0] / τ_α)``.
2. **Production**: ``x^opt = min(D, x̄)`` with ``D`` the orders received plus final
   demand; the stock needed is ``S*_pj = ψ n_p a_pj x^opt_j`` (``n_p`` days of inventory,
   ``a_pj`` the product-aggregated technical coefficient); where a stock falls short,
   ``x_j = min_p x^opt_j · min(1, S_pj / S*_pj)`` over the inputs that matter
   (``Z_pj > 10⁻⁵ x⁰_j`` in annual vs daily terms, as in BoARIO).
3. **Distribution** of ``x_i`` over the orders and the final demand it received —
   proportional rationing (every customer gets the same share), or
   ``priority="intermediate"`` (industries' orders first, final demand gets the rest) or
   ``priority="final"`` (households and government first). Stocks:
   ``S_pj ← S_pj − a_pj x_j + Σ_{i∈p} (deliveries from i to j)``.
4. **Orders** for the next step: ``a_pj x_j`` to replace what was used plus
   ``max(0, n_p a_pj x^opt_j − S_pj) / τ_INV`` to restore the stock, split among the
   suppliers of product *p* in proportion to ``z⁰_ij x̄_i / x⁰_i`` (BoARIO's "alt" orders).

The orders matrix is never formed: with the suppliers' weights ``w_i = x̄_i / x⁰_i`` and
``R_pj = gap_pj / Σ_{i∈p} w_i z⁰_ij``, the orders are ``O_ij = w_i z⁰_ij R_p(i)j``, so a step
costs three passes over ``Z`` (batched matrix–vector products) and memory stays one copy
of ``Z`` plus N × n arrays, where BoARIO builds several dense n × n arrays per step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from industwin.core.leontief import safe_reciprocal
from industwin.data.mrio import MRIO, REGION
from industwin.errors import SelectionError

__all__ = ["ARIOParameters", "ARIOModel", "CapacityShock", "LinkCut", "SimulationResult", "PRIORITIES"]

PRIORITIES = ("proportional", "intermediate", "final")
TECHNOLOGY_THRESHOLD = 1e-5


@dataclass(frozen=True)
class ARIOParameters:
    """Behavioural parameters (BoARIO's defaults).

    ``inventory_days``: days of use held in stock, one number or per product (sector code
    → days; ``float("inf")`` for inputs never short, e.g. utilities); ``psi``: share of the
    target stock below which production is constrained; ``restoration_days``: time to
    rebuild a stock gap; ``alpha_max``/``alpha_days``: maximum over-production and its
    characteristic time; ``priority``: rationing rule (``proportional``,
    ``intermediate``, ``final``); ``days_per_year``: the table's year in steps.
    """

    inventory_days: float | dict[str, float] = 90.0
    psi: float = 0.8
    restoration_days: float = 60.0
    alpha_base: float = 1.0
    alpha_max: float = 1.25
    alpha_days: float = 365.0
    priority: str = "proportional"
    days_per_year: float = 365.0

    def __post_init__(self) -> None:
        import math
        for name in ("psi", "restoration_days", "alpha_base", "alpha_max", "alpha_days", "days_per_year"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise SelectionError(f"{name} must be a finite number, got {v!r}")
        days = self.inventory_days.values() if isinstance(self.inventory_days, dict) else [self.inventory_days]
        for v in days:
            if isinstance(v, bool) or not isinstance(v, int | float) or math.isnan(v) or v <= 0:
                raise SelectionError(f"inventory_days must be positive numbers of days (float('inf') for inputs "
                                     f"never short), got {v!r}")
        if self.priority not in PRIORITIES:
            raise SelectionError(f"priority must be one of {PRIORITIES}, not {self.priority!r}")
        if not 0 < self.psi <= 1:
            raise SelectionError(f"psi must lie in (0, 1], got {self.psi}")
        for name in ("restoration_days", "alpha_days", "days_per_year"):
            if getattr(self, name) <= 0:
                raise SelectionError(f"{name} must be positive, got {getattr(self, name)}")
        if self.alpha_max < self.alpha_base:
            raise SelectionError(f"alpha_max ({self.alpha_max}) must be at least alpha_base ({self.alpha_base})")


@dataclass(frozen=True)
class CapacityShock:
    """Production capacity of some industries (row positions) reduced by ``size`` (0–1) from step
    ``start`` for ``duration`` steps, then restored over ``recovery_days`` steps along ``recovery``
    (``linear``, ``convex`` — fast then slow —, ``concave`` — slow then fast — or ``step``)."""

    rows: np.ndarray
    size: np.ndarray
    start: int
    duration: int
    recovery_days: int = 0
    recovery: str = "linear"

    def delta(self, t: int) -> float:
        """Share of the shock still in force at step ``t`` (0 before and after)."""
        if t < self.start:
            return 0.0
        k = t - (self.start + self.duration)
        if k < 0:
            return 1.0
        if self.recovery_days <= 0 or k >= self.recovery_days:
            return 0.0
        u = (k + 1) / self.recovery_days          # share of the recovery done after this step
        if self.recovery == "linear":
            return 1.0 - u
        if self.recovery == "convex":
            return (1.0 - u) ** 2
        if self.recovery == "concave":
            return 1.0 - u ** 2
        return 1.0  # "step": full loss until the recovery time has passed


@dataclass(frozen=True)
class LinkCut:
    """A share of the sales of some products (positions in the sector list) from one origin region
    (its position) to some buyer industries (row positions) cut from ``start`` for ``duration`` steps."""

    origin: int
    products: np.ndarray
    buyers: np.ndarray
    share: float
    start: int
    duration: int
    substitution: bool = False   # True: buyers re-order the cut share from the product's other origins


@dataclass
class SimulationResult:
    """Trajectories, one row per step (daily values in the table's unit per day)."""

    index: pd.MultiIndex
    unit: str
    production: np.ndarray                   # steps × n
    capacity: np.ndarray | None              # steps × n (when recorded)
    final_demand_unmet: np.ndarray | None    # steps × n, by supplying industry (when recorded)
    stock_ratio: np.ndarray | None           # steps × n: stock of the scarcest input / its target (when recorded)
    baseline: np.ndarray            # n: daily production before any shock
    value_added_ratio: np.ndarray   # n: value added per unit of output
    meta: dict = field(default_factory=dict)
    reference: np.ndarray | None = None   # steps × n undisturbed path, when it is not the constant baseline

    @property
    def undisturbed(self) -> np.ndarray:
        """The path losses are measured against: ``reference`` if set, else the baseline every day."""
        return self.reference if self.reference is not None else np.broadcast_to(self.baseline, self.production.shape)

    def frame(self, what: str = "production") -> pd.DataFrame:
        a = getattr(self, what)
        if a is None:
            raise SelectionError(f"{what!r} was not recorded; pass record=(..., {what!r}) to simulate")
        return pd.DataFrame(a, index=pd.RangeIndex(len(a), name="step"), columns=self.index)

    @property
    def output_loss(self) -> pd.Series:
        """Cumulated output lost against the baseline, per industry (table unit)."""
        return pd.Series((self.undisturbed - self.production).sum(axis=0), index=self.index,
                         name=f"output loss [{self.unit}]")

    @property
    def value_added_loss(self) -> pd.Series:
        return (self.output_loss * self.value_added_ratio).rename(f"value added loss [{self.unit}]")

    def recovery_step(self, tol: float = 1e-3) -> pd.Series:
        """First step after which production stays within ``tol`` (relative) of the baseline;
        NaN if it never recovers within the horizon, 0 if it was never disturbed."""
        ref = self.undisturbed
        dev = np.abs(self.production - ref) > tol * np.maximum(np.abs(ref), 1e-12)
        last = np.where(dev.any(axis=0), len(dev) - np.argmax(dev[::-1], axis=0), 0).astype(float)
        last[dev[-1]] = np.nan
        return pd.Series(last, index=self.index, name="recovery step")


class ARIOModel:
    """The ARIO model built on a table; ``simulate`` runs it from its equilibrium.

    The table must be a grid (every region has the same sectors, region-major), as WIOD,
    EXIOBASE, OECD ICIO and FIGARO are. Daily flows are the annual ones divided by
    ``params.days_per_year``.
    """

    def __init__(self, mrio: MRIO, params: ARIOParameters | None = None, balance: bool = True):
        if not mrio.is_grid:
            raise SelectionError("the dynamic model needs a table where every region has the same sectors in the "
                                 "same order (a grid). Fix: aggregate to a common sector list first")
        self.mrio, self.params = mrio, params or ARIOParameters()
        p = self.params
        G, N = len(mrio.regions), len(mrio.sectors)
        self.G, self.N, self.n = G, N, mrio.n
        f = self.f = 1.0 / p.days_per_year
        Z = mrio.Z.toarray() if mrio.is_sparse else np.asarray(mrio.Z)
        # Z viewed as (product p, origin region g, buyer j) — a view of the table's array, no copy: the
        # passes over it are batched matrix–vector products over the origins of each product, and the
        # daily factor is applied to their (small) results
        self.Zp = Z.reshape(G, N, self.n).transpose(1, 0, 2)
        self.y0 = mrio.Y.sum(axis=1) * f
        # the model's equilibrium: output = orders + final demand (row sums); the recorded x differs by
        # the table's imbalance (WIOD: rounding), which would otherwise show as a drift without any shock
        # (a row whose negative final demand — inventories drawn down — exceeds its sales gets 0)
        self.x0 = np.maximum(Z.sum(axis=1) * f + self.y0, 0.0) if balance else mrio.x * f
        fd_reg = np.asarray(mrio.fd_index.get_level_values(REGION))
        self.y0_by_region = np.stack([mrio.Y[:, fd_reg == r].sum(axis=1) for r in mrio.fd_regions], axis=1) * f
        Zc = self.Zp.sum(axis=1) * f                                # N × n, daily, product-aggregated
        self.tech = Zc * safe_reciprocal(self.x0)[None, :]          # a_pj
        self.is_input = Zc * p.days_per_year > self.x0[None, :] * TECHNOLOGY_THRESHOLD
        days = p.inventory_days
        if isinstance(days, dict):
            unknown = set(days) - set(map(str, mrio.sectors))
            if unknown:
                raise SelectionError(f"inventory_days: unknown product(s) {sorted(unknown)}. "
                                     f"Fix: use sector codes of the table, e.g. {list(mrio.sectors[:5])}")
            days = [float(days.get(s, 90.0)) for s in mrio.sectors]
        self.inventory_days = np.broadcast_to(np.asarray(days, dtype=float), (N,)).copy()
        if (self.inventory_days <= 0).any():
            raise SelectionError("inventory_days must be positive (use float('inf') for inputs never short)")
        self.finite = np.isfinite(self.inventory_days)
        va = self.x0 - Z.sum(axis=0) * f
        self.va_ratio = np.clip(va, 0, None) * safe_reciprocal(self.x0)

    # ------------------------------------------------------------------ pieces of a step
    def _weights_sum(self, w: np.ndarray, Zp: np.ndarray | None = None) -> np.ndarray:
        """Σ_{i∈p} w_i z⁰_ij for every product p and buyer j (N × n)."""
        Zp = self.Zp if Zp is None else Zp
        return np.matmul(w.reshape(self.G, self.N).T[:, None, :], Zp)[:, 0, :] * self.f

    def _order_totals(self, w: np.ndarray, R: np.ndarray, Zp: np.ndarray | None = None) -> np.ndarray:
        """Orders received by each industry: w_i Σ_j z⁰_ij R_p(i)j (n)."""
        Zp = self.Zp if Zp is None else Zp
        per = np.matmul(Zp, R[:, :, None])[:, :, 0]                 # N × G
        return w * per.T.reshape(-1) * self.f

    def _cut(self, links: list[LinkCut], active: tuple[int, ...]) -> np.ndarray:
        """The order weights with the active trade links scaled down (a copy only while links are cut)."""
        if not active:
            return self.Zp
        Zp = np.array(self.Zp)
        for k in active:
            c = links[k]
            Zp[np.ix_(c.products, [c.origin], c.buyers)] *= 1.0 - c.share
        return Zp

    def simulate(self, steps: int, shocks: list[CapacityShock] | None = None,
                 final_demand: np.ndarray | None = None, extra_stock_days: np.ndarray | None = None,
                 headroom: np.ndarray | None = None, links: list[LinkCut] | None = None,
                 progress=None, record: tuple[str, ...] = ("production", "final_demand_unmet")) -> SimulationResult:
        """Run ``steps`` days from the table's equilibrium.

        ``final_demand``: an optional (steps × n) path of daily final demand by supplying
        industry (default: the table's, constant). ``extra_stock_days``: optional (N × n)
        days of stock held on top of the usual inventory by some buyers (a stockpile): part of
        the stock they hold and restore, but not of the level below which they cut production.
        ``headroom``: optional (n) capacity kept ready above the baseline (e.g. 0.1 = 10 %):
        it raises both the base and the maximum over-production of those industries.
        ``links``: trade links cut for a while (an origin's products × buyer columns). Without
        substitution the buyers keep splitting their orders as before and the cut share is simply
        not delivered; with ``substitution`` they re-order it from the product's other origins in
        proportion to their capacity-weighted shares.
        ``progress(step)`` is called every step. ``record`` names the trajectories kept
        (``production``, ``final_demand_unmet``, ``capacity``, ``stock_ratio``; steps × n each).
        """
        p, n = self.params, self.n
        unknown = set(record) - {"production", "final_demand_unmet", "capacity", "stock_ratio"}
        if unknown or "production" not in record:
            raise SelectionError(f"record must include 'production' and may add final_demand_unmet, capacity, "
                                 f"stock_ratio; got {sorted(record)}")
        shocks = shocks or []
        links = links or []
        base_a = p.alpha_base + (0.0 if headroom is None else np.asarray(headroom, float))
        max_a = p.alpha_max + (0.0 if headroom is None else np.asarray(headroom, float))
        tech, x0 = self.tech, self.x0
        days = np.where(self.finite, self.inventory_days, 0.0)[:, None]
        goal_days = days if extra_stock_days is None else days + np.asarray(extra_stock_days, float)
        stock = np.where(self.finite[:, None], tech * x0[None, :] * goal_days, np.inf)
        r_inv = 1.0 / p.restoration_days
        tau_a = 1.0 / p.alpha_days
        alpha = np.full(n, 1.0) * base_a
        # initial orders are the table's flows: R = 1 where the product is supplied
        w = np.ones(n)
        C = self._weights_sum(w)
        R = (C > 0).astype(float)
        orders = self._order_totals(w, R)
        x = x0.copy()
        rec = {k: np.empty((steps, n)) for k in record}
        y_path = final_demand
        Zp, Zc_orders, link_state = self.Zp, self.Zp, ()
        for t in range(steps):
            y = self.y0 if y_path is None else y_path[t]
            state = tuple(k for k, c in enumerate(links) if c.start <= t < c.start + c.duration)
            if state != link_state:
                Zp = self._cut(links, state)
                Zc_orders = self._cut(links, tuple(k for k in state if links[k].substitution))
                link_state = state
            delta = np.zeros(n)
            for s in shocks:
                d = s.delta(t)
                if d > 0:
                    np.maximum.at(delta, s.rows, s.size * d)
            D = np.maximum(orders + y, 0.0)
            if t > 1:  # over-production adapts to the scarcity of the last step
                with np.errstate(invalid="ignore", divide="ignore"):
                    scarcity = np.where(D != 0, (D - x) / np.where(D != 0, D, 1.0), 0.0)
                alpha += (max_a - alpha) * scarcity * tau_a + (base_a - alpha) * (scarcity == 0) * tau_a
                np.maximum(alpha, 1.0, out=alpha)
            cap = x0 * (1.0 - delta) * alpha
            x_opt = np.fmin(D, cap)
            need = tech * x_opt[None, :] * (p.psi * days)                # S*_pj
            with np.errstate(invalid="ignore", divide="ignore"):
                ratio = np.where(self.is_input & (need > 0), np.minimum(1.0, stock / need), 1.0)
            x = x_opt * ratio.min(axis=0)
            # distribution of production over orders and final demand
            share_int, share_fd = self._rationing(x, orders, y)
            used = tech * x[None, :]
            delivered = R * self._weights_sum(share_int * w, Zp)            # Σ_{i∈p} (x_i/D_i) O_ij
            stock = np.where(self.finite[:, None], stock - used + delivered, np.inf)
            rec["production"][t] = x
            if "capacity" in rec:
                rec["capacity"][t] = cap
            if "final_demand_unmet" in rec:
                rec["final_demand_unmet"][t] = y - share_fd * y
            if "stock_ratio" in rec:
                with np.errstate(invalid="ignore", divide="ignore"):
                    target = tech * x_opt[None, :] * days
                    sr = np.where(self.is_input & self.finite[:, None] & (target > 0), stock / target, np.inf)
                rec["stock_ratio"][t] = np.where(np.isfinite(sr.min(axis=0)), sr.min(axis=0), 1.0)
            # orders for the next step
            goal = tech * x_opt[None, :] * goal_days
            gap = np.where(self.finite[:, None], np.maximum(goal - stock, 0.0), 0.0) * r_inv + used
            w = cap * safe_reciprocal(x0)
            C = self._weights_sum(w, Zc_orders)   # how buyers split their orders among origins
            R = gap * safe_reciprocal(C)
            orders = self._order_totals(w, R, Zp)
            if progress is not None:
                progress(t)
        return SimulationResult(self.mrio.index, self.mrio.unit, rec["production"], rec.get("capacity"),
                                rec.get("final_demand_unmet"), rec.get("stock_ratio"), x0.copy(), self.va_ratio,
                                {"params": p, "steps": steps})

    def simulate_batch(self, steps: int, scenarios: list[list[CapacityShock]]) -> dict[str, np.ndarray]:
        """Many capacity-shock scenarios at once (the same equations as :meth:`simulate`, constant final
        demand, no links, stockpiles or headroom): the passes over ``Z`` become matrix–matrix products
        over the K scenarios (BLAS level 3), which is what a Monte Carlo needs.

        Returns K-vectors: ``value_added_loss`` and ``output_loss`` (cumulated against the baseline, in
        the table's unit) and ``worst_day`` (lowest daily world output, share of the baseline).
        """
        p, N, n, G, K = self.params, self.N, self.n, self.G, len(scenarios)
        tech, x0 = self.tech, self.x0
        days = np.where(self.finite, self.inventory_days, 0.0)[:, None, None]
        tech3 = tech[:, :, None]
        stock = np.where(self.finite[:, None, None], tech3 * x0[None, :, None] * days, np.inf) * np.ones((1, 1, K))
        is_input = self.is_input[:, :, None]
        r_inv, tau_a = 1.0 / p.restoration_days, 1.0 / p.alpha_days
        ZpT = self.Zp.transpose(0, 2, 1)                                   # (N, n, G) view

        def weights_sum(w):                                                # (n, K) → (N, n, K)
            wr = w.reshape(G, N, K).transpose(1, 0, 2)                     # (N, G, K)
            return np.matmul(ZpT, wr) * self.f

        def order_totals(w, R):                                            # → (n, K)
            per = np.matmul(self.Zp, R)                                    # (N, G, K)
            return w * per.transpose(1, 0, 2).reshape(n, K) * self.f

        rx0 = safe_reciprocal(x0)[:, None]
        shape = (N, n, K)
        # work buffers reused every step: a worker process that returns freed memory to the system at
        # once (Dask's default) would otherwise fault in fresh pages for every temporary
        need, ratio, used, flow, R = (np.empty(shape) for _ in range(5))
        psi_days = p.psi * days
        w = np.ones((n, K))
        np.greater(weights_sum(w), 0, out=ratio)
        R[...] = ratio
        orders = order_totals(w, R)
        y = self.y0[:, None]
        x = np.repeat(x0[:, None], K, axis=1)
        alpha = np.full((n, K), p.alpha_base)
        va_loss = np.zeros(K)
        out_loss = np.zeros(K)
        worst = np.ones(K)
        total0 = x0.sum()
        wr_shape = (G, N, K)
        for t in range(steps):
            delta = np.zeros((n, K))
            for k, shocks in enumerate(scenarios):
                for s in shocks:
                    d = s.delta(t)
                    if d > 0:
                        np.maximum.at(delta[:, k], s.rows, s.size * d)
            D = np.maximum(orders + y, 0.0)
            if t > 1:
                with np.errstate(invalid="ignore", divide="ignore"):
                    scarcity = np.where(D != 0, (D - x) / np.where(D != 0, D, 1.0), 0.0)
                alpha += (p.alpha_max - alpha) * scarcity * tau_a + (p.alpha_base - alpha) * (scarcity == 0) * tau_a
                np.maximum(alpha, 1.0, out=alpha)
            cap = x0[:, None] * (1.0 - delta) * alpha
            x_opt = np.fmin(D, cap)
            np.multiply(tech3, x_opt[None], out=need)
            need *= psi_days                                           # S*_pj
            ratio.fill(1.0)
            np.divide(stock, need, out=ratio, where=is_input & (need > 0))
            np.minimum(ratio, 1.0, out=ratio)
            x = x_opt * ratio.min(axis=0)
            share_int, _ = self._rationing(x, orders, y)
            np.multiply(tech3, x[None], out=used)
            np.matmul(ZpT, (share_int * w).reshape(wr_shape).transpose(1, 0, 2), out=flow)
            flow *= self.f
            flow *= R                                                  # deliveries
            stock -= used
            stock += flow
            lost = x0[:, None] - x
            va_loss += self.va_ratio @ lost
            out_loss += lost.sum(axis=0)
            worst = np.minimum(worst, x.sum(axis=0) / total0)
            np.multiply(tech3, x_opt[None], out=need)
            need *= days                                               # goal
            need -= stock                                              # (an infinite stock gives −inf → 0)
            np.maximum(need, 0.0, out=need)
            need *= r_inv
            need += used                                               # gap
            w = cap * rx0
            np.matmul(ZpT, w.reshape(wr_shape).transpose(1, 0, 2), out=flow)
            flow *= self.f                                             # C
            R.fill(0.0)
            np.divide(need, flow, out=R, where=flow > 0)
            orders = order_totals(w, R)
        return {"value_added_loss": va_loss, "output_loss": out_loss, "worst_day": worst}

    def _rationing(self, x: np.ndarray, orders: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Shares of their demand that industries' orders and final demand receive from each supplier."""
        rule = self.params.priority
        if rule == "proportional":
            D = orders + y
            s = np.where(D > 0, x * safe_reciprocal(D), 0.0)
            s = np.minimum(s, 1.0)
            return s, s
        first, second = (orders, y) if rule == "intermediate" else (y, orders)
        s1 = np.minimum(1.0, x * safe_reciprocal(first))
        left = np.maximum(x - first, 0.0)
        s2 = np.minimum(1.0, left * safe_reciprocal(second))
        return (s1, s2) if rule == "intermediate" else (s2, s1)
