"""Monte Carlo risk assessment over single-node capacity shocks, reproducible from a seed, on Dask."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from industwin.analysis.disruption.scenario import MAX_HORIZON
from industwin.core.ario import ARIOModel, ARIOParameters, CapacityShock
from industwin.data.limits import check_memory, largest
from industwin.data.mrio import MRIO, REGION, SECTOR
from industwin.data.select import node_positions
from industwin.errors import SelectionError

__all__ = ["BYTES_PER_DRAW", "RiskAssessment", "risk_assessment"]

BYTES_PER_DRAW = 2048            # the draw's plan and result rows, in Python objects and the final table


# ============================================================================ risk assessment
@dataclass
class RiskAssessment:
    """Monte Carlo results: one row per draw, and the statistics of the loss distribution."""

    draws: pd.DataFrame
    unit: str
    seed: int

    @property
    def summary(self) -> pd.Series:
        loss = self.draws["value_added_loss"]
        q95, q99 = loss.quantile(0.95), loss.quantile(0.99)
        return pd.Series({"draws": float(len(loss)), "expected_loss": loss.mean(), "value_at_risk_95": q95,
                          "value_at_risk_99": q99, "expected_shortfall_95": loss[loss >= q95].mean(),
                          "max_loss": loss.max()}, name=f"world value added loss [{self.unit}]")

    @property
    def nodes(self) -> pd.DataFrame:
        """Nodes ranked by the mean loss of the draws that hit them (and per unit of shock size × days)."""
        d = self.draws.assign(per_unit=self.draws["value_added_loss"] / (self.draws["size"] * self.draws["duration"]))
        g = d.groupby(["region", "sector"])
        return pd.DataFrame({"draws": g.size(), "mean_loss": g["value_added_loss"].mean(),
                             "loss_per_size_day": g["per_unit"].mean()}).sort_values("mean_loss", ascending=False)


def _mc_batch(mrio: MRIO, params: dict, horizon: int, draws: list[tuple]) -> list[dict]:
    """Simulate a batch of draws, K at a time on the batched engine (K bounded by memory)."""
    model = ARIOModel(mrio, ARIOParameters(**params))
    k_max = max(1, min(16, int(2e7 // (model.N * model.n))))   # 16: best throughput measured on WIOD
    out = []
    for i in range(0, len(draws), k_max):
        chunk = draws[i:i + k_max]
        scen = [[CapacityShock(np.array([row]), np.array([size]), start, duration)]
                for (_, row, size, duration, start) in chunk]
        res = model.simulate_batch(horizon, scen)
        for j, (k, row, size, duration, _) in enumerate(chunk):
            out.append({"draw": k, "row": row, "size": size, "duration": duration,
                        "value_added_loss": float(res["value_added_loss"][j]),
                        "output_loss": float(res["output_loss"][j]),
                        "worst_day_output_pct": float(100 * res["worst_day"][j])})
    return out


def risk_assessment(mrio: MRIO, draws: int = 1000, seed: int = 0, nodes: Sequence[tuple[str, str]] | None = None,
                    size: tuple[float, float] = (0.2, 1.0), duration: tuple[int, int] = (7, 90),
                    horizon: int = 180, start: int = 1, parameters: dict | None = None,
                    scheduler: Any = "distributed", batches: int | None = None) -> RiskAssessment:
    """Monte Carlo over single-node capacity shocks: each draw picks a node (uniformly among
    ``nodes``, default every country-sector with output), a size ~ U(``size``) and a duration ~
    U{``duration``} days, and simulates ``horizon`` days. Draws are generated from ``seed`` before
    anything runs, so the result does not depend on the scheduler. ``scheduler``: ``"distributed"``
    (a Dask LocalCluster for the call), a ``dask.distributed.Client`` (any cluster), ``"processes"``,
    ``"threads"`` or ``None`` (in this process)."""
    if isinstance(draws, bool) or not isinstance(draws, int | np.integer) or draws < 1:
        raise SelectionError(f"draws must be a whole number of at least 1, got {draws!r}")
    check_memory(draws * BYTES_PER_DRAW, f"{draws:,} Monte Carlo draws",
                 f"draw at most {largest(BYTES_PER_DRAW):,} at a time and pool the results of several seeds, or "
                 "run it on a Dask cluster (scheduler=Client(...)) with more memory")
    if not 1 <= horizon <= MAX_HORIZON:
        raise SelectionError(f"horizon must be 1 to {MAX_HORIZON:,} days, got {horizon!r}")
    if not (0 < size[0] <= size[1] <= 1):
        raise SelectionError(f"size must be a range within (0, 1], got {size}")
    if not (1 <= duration[0] <= duration[1]) or start + duration[1] > horizon:
        raise SelectionError(f"duration {duration} must be ≥ 1 day and end within the horizon ({horizon} days) "
                             f"after start day {start}")
    rng = np.random.default_rng(seed)
    if nodes is None:
        cand = np.flatnonzero(mrio.x > 0)
    else:
        cand = np.array([node_positions(mrio, r, [s], "node")[0] for r, s in nodes])
    rows = rng.choice(cand, size=draws)
    sizes = rng.uniform(size[0], size[1], draws)
    durs = rng.integers(duration[0], duration[1] + 1, draws)
    plan = [(k, int(r), float(s), int(d), start) for k, (r, s, d) in enumerate(zip(rows, sizes, durs))]
    params = dict(parameters or {})
    k = batches or max(1, min(draws, 4 * 2))
    chunks = [plan[i::k] for i in range(k)]
    if scheduler is None:
        parts = [_mc_batch(mrio, params, horizon, c) for c in chunks]
    else:
        import dask

        from industwin.parallel import dask_client, one_blas_thread_per_process
        if scheduler in ("threads", "processes"):
            with one_blas_thread_per_process():
                parts = dask.compute(*[dask.delayed(_mc_batch)(mrio, params, horizon, c) for c in chunks],
                                     scheduler=scheduler)
        else:
            with dask_client(scheduler) as client:
                parts = _on_client(client, mrio, params, horizon, chunks)
    df = pd.DataFrame([r for p in parts for r in p]).sort_values("draw").set_index("draw")
    df.insert(0, "region", np.asarray(mrio.index.get_level_values(REGION))[df["row"]])
    df.insert(1, "sector", np.asarray(mrio.index.get_level_values(SECTOR))[df["row"]])
    df = df.drop(columns="row")
    return RiskAssessment(df, mrio.unit, seed)


def _on_client(client, mrio, params, horizon, chunks) -> list:
    table = client.scatter(mrio, broadcast=True)
    futs = [client.submit(_mc_batch, table, params, horizon, c, pure=False) for c in chunks]
    return client.gather(futs)

