"""A first look at one economy of an MRIO: its size, its largest sectors, and
where the inputs of its manufacturing come from — directly (tier 1) and along
the whole supply chain (value added embodied in its manufactured products).

The supply-chain origin uses the value-added footprint of a demand vector:
``va_origin = v̂_c L y_m`` with ``v_c = 1'V x̂⁻¹`` and ``y_m`` the final
demand (all destinations) for the region's manufactured products; its sum
equals ``1'y_m`` (every dollar of final product is value added somewhere),
Los, Timmer & de Vries (2015) *J. Regional Sci.* 55:66–92.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from industwin.core.accounts import embodied_accounts, output_multipliers
from industwin.core.leontief import gross_output, safe_reciprocal
from industwin.data.mrio import MRIO
from industwin.errors import SelectionError

__all__ = ["EconomyProfile", "economy_profile", "manufacturing_sectors"]

def manufacturing_sectors(mrio: MRIO) -> list[str]:
    """Manufacturing sectors of a table: the ``manufacturing`` group of its family
    (:mod:`industwin.data.sector_groups`), else the sectors whose name says 'manufactur' or whose code starts
    with C (ISIC section C)."""
    from industwin.data.sector_groups import sector_group
    from industwin.errors import SelectionError
    try:
        return sector_group(mrio, "manufacturing")
    except SelectionError:
        return [s for s in map(str, mrio.sectors)
                if "manufactur" in mrio.sector_label(s).lower() or s.upper().startswith("C")]


@dataclass(frozen=True)
class EconomyProfile:
    """Labelled results for one region (all money in the table's unit)."""

    region: str
    year: int | None
    unit: str
    totals: pd.Series                 # output, value added, final demand, exports, imports, world share
    sectors: pd.DataFrame             # per sector: name, output, value added, output multiplier
    input_origin: pd.DataFrame        # tier-1 inputs of manufacturing, by origin region (value, share)
    value_added_origin: pd.DataFrame  # value added in manufactured final products, by origin region
    value_added_trade: pd.Series      # value added: production, consumption, exports, imports, balance


def economy_profile(mrio: MRIO, region: str, manufacturing: list[str] | None = None) -> EconomyProfile:
    """Profile one region of a table; see the module docstring for the equations."""
    if region not in mrio.regions:
        raise SelectionError(f"unknown region {region!r}. Fix: choose one of {', '.join(map(str, mrio.regions))}")
    unit = mrio.unit
    reg = mrio.index.get_level_values("region")
    mine = np.asarray(reg == region)
    manu = manufacturing or manufacturing_sectors(mrio)
    in_manu = np.asarray(mrio.index.get_level_values("sector").isin(manu))
    va = mrio.V.sum(axis=0)
    fd_mine = np.asarray(mrio.fd_index.get_level_values("region") == region)
    # exports: sales of the region's sectors to other regions' industries and final demand
    Zs = mrio.Z[mine]
    Zs = Zs.toarray() if hasattr(Zs, "toarray") else np.asarray(Zs)
    exports = Zs[:, ~mine].sum() + mrio.Y[mine][:, ~fd_mine].sum()
    Zc = mrio.Z[:, mine]
    Zc = Zc.toarray() if hasattr(Zc, "toarray") else np.asarray(Zc)
    imports = Zc[~mine].sum() + mrio.Y[~mine][:, fd_mine].sum()
    totals = pd.Series({
        "gross output": mrio.x[mine].sum(), "value added": va[mine].sum(),
        "final demand (domestic absorption)": mrio.Y[:, fd_mine].sum(), "exports": exports, "imports": imports,
        "share of world output (%)": 100 * mrio.x[mine].sum() / mrio.x.sum()}, name=f"{region} [{unit}]")
    mult = output_multipliers(mrio)
    secs = mrio.index[mine].get_level_values("sector")
    sectors = pd.DataFrame({
        "name": [mrio.sector_label(s) for s in secs], "output": mrio.x[mine], "value_added": va[mine],
        "output_multiplier": mult.to_numpy()[mine]}, index=pd.Index(secs, name="sector"))
    sectors = sectors.sort_values("output", ascending=False)
    # tier-1 inputs purchased by the region's manufacturing, by origin region
    cols = mine & in_manu
    Zm = mrio.Z[:, cols]
    Zm = Zm.toarray() if hasattr(Zm, "toarray") else np.asarray(Zm)
    by_origin = pd.Series(Zm.sum(axis=1), index=reg).groupby(level=0, sort=False).sum()
    input_origin = pd.DataFrame({"inputs": by_origin, "share (%)": 100 * by_origin / by_origin.sum()})
    input_origin = input_origin.sort_values("inputs", ascending=False)
    # value added embodied in final demand for the region's manufactured products
    y = np.where(cols, mrio.Y.sum(axis=1), 0.0)
    x_m = gross_output(mrio, y).to_numpy()
    vao = pd.Series(va * safe_reciprocal(mrio.x) * x_m, index=reg).groupby(level=0, sort=False).sum()
    value_added_origin = pd.DataFrame({"value_added": vao, "share (%)": 100 * vao / vao.sum()})
    value_added_origin = value_added_origin.sort_values("value_added", ascending=False)
    acc = embodied_accounts(mrio, "value_added").table(mrio.satellite("value_added").stressors[0])
    return EconomyProfile(region, mrio.year, unit, totals, sectors, input_origin, value_added_origin,
                          acc.loc[region].rename(f"{region} value added [{unit}]"))
