"""Jobs and skills through the production network: employment multipliers and footprints, the jobs each
final demand supports, skills where shares are given, and the jobs exposed to a transition away from
carbon-intensive sectors.

With employment per unit of output ``e = F_emp x̂⁻¹`` (an employment satellite, e.g. WIOD 2016's
Socio-Economic Accounts attached to ``iw.load("wiod2016_usa")``), the jobs supported by a final demand ``y``
are ``ê L y`` (by the sector where they sit), and the employment multiplier of sector *j* is ``(e' L)_j``
(Miller & Blair 2009, §6.3).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from industwin.core.accounts import intensities, satellite_multipliers
from industwin.core.leontief import leontief
from industwin.data.mrio import MRIO
from industwin.errors import SelectionError

__all__ = [
    "employment_multipliers",
    "jobs_by_final_demand",
    "jobs_by_skill",
    "jobs_idle",
    "transition_exposure",
]

def _emp(mrio: MRIO, satellite: str) -> tuple[np.ndarray, str]:
    if satellite not in mrio.satellites:
        raise SelectionError(f"{mrio.name or 'the table'} has no {satellite!r} satellite (it has "
                             f"{', '.join([*mrio.satellites, 'value_added'])}). Fix: use a table with employment "
                             "accounts, e.g. the dataset wiod2013 or wiod2016_usa, or attach one")
    s = mrio.satellites[satellite]
    return intensities(mrio, satellite).to_numpy()[0], s.units[0]


def employment_multipliers(mrio: MRIO, satellite: str = "employment") -> pd.DataFrame:
    """Direct (``e_j``) and total (``(e'L)_j``) employment per unit of output of each sector, and their ratio
    (the type-I multiplier)."""
    direct, unit = _emp(mrio, satellite)
    total = satellite_multipliers(mrio, satellite).to_numpy()[0]
    df = pd.DataFrame({"direct": direct, "total": total,
                       "type_I": np.divide(total, direct, out=np.full(len(direct), np.nan), where=direct > 0)},
                      index=mrio.index)
    df.attrs["units"] = {"direct": f"{unit} per {mrio.unit}", "total": f"{unit} per {mrio.unit} of final demand"}
    return df


def jobs_by_final_demand(mrio: MRIO, satellite: str = "employment") -> pd.DataFrame:
    """Jobs supported by each final-demand category (columns; exports included where the table has them),
    by the sector where the jobs sit (rows): ``ê L Y``. Column sums add up to total employment."""
    e, unit = _emp(mrio, satellite)
    X = leontief(mrio).solve(np.asarray(mrio.Y, float))
    df = pd.DataFrame(e[:, None] * X, index=mrio.index, columns=mrio.fd_index)
    df.attrs["unit"] = unit
    return df


def jobs_by_skill(mrio: MRIO, shares: pd.DataFrame, satellite: str = "employment") -> pd.DataFrame:
    """Jobs by skill level: ``shares`` gives each sector's share of high / medium / low (or any) skill jobs
    (rows: sectors of the table, as codes or (region, sector); rows sum to 1). WIOD 2016's accounts here have
    no skill split, so the shares are an input. Returns jobs by sector × skill and, as ``attrs["supported"]``,
    the jobs by skill that each final-demand category supports."""
    if shares.index.nlevels == 1 and mrio.index.nlevels == 2:
        shares = shares.reindex(mrio.index.get_level_values(1))
        shares.index = mrio.index
    else:
        shares = shares.reindex(mrio.index)
    if shares.isna().any().any():
        missing = list(shares.index[shares.isna().any(axis=1)][:5])
        raise SelectionError(f"skill shares missing for sectors {missing}. Fix: give a share row for every sector")
    if (shares < 0).any().any() or not np.allclose(shares.sum(axis=1), 1.0, atol=1e-6):
        raise SelectionError("skill shares must be non-negative and sum to 1 for each sector")
    _emp(mrio, satellite)                                 # checks the satellite exists
    out = shares.mul(mrio.satellites[satellite].F[0], axis=0)
    sup = jobs_by_final_demand(mrio, satellite)
    out.attrs["supported"] = shares.T.to_numpy() @ sup.to_numpy()
    out.attrs["supported"] = pd.DataFrame(out.attrs["supported"], index=shares.columns, columns=sup.columns)
    return out


def transition_exposure(mrio: MRIO, sectors=None, satellite: str = "employment") -> pd.DataFrame:
    """Jobs that depend on carbon-intensive sectors and where they sit: the jobs in those sectors
    (``direct``) and the jobs their purchases support upstream in every sector (``supply_chain``:
    ``ê L A_{·,C} x_C``, the first round of their demand carried through the chain), with the sum and the
    share of each sector's employment. ``sectors``: codes of the carbon-intensive sectors (default: the table
    family's ``carbon_intensive`` group, :mod:`industwin.data.sector_groups`). Regions without employment data
    (the satellite's gaps) have NaN jobs."""
    e, unit = _emp(mrio, satellite)
    if sectors is None:
        from industwin.data.sector_groups import sector_group
        sectors = sector_group(mrio, "carbon_intensive")
    codes = mrio.index.get_level_values(-1)
    unknown = sorted(set(map(str, sectors)) - set(map(str, codes)))
    if unknown:
        raise SelectionError(f"carbon-intensive sector(s) {', '.join(unknown[:6])} are not sectors of the table. Fix: "
                             f"use its codes, e.g. {', '.join(map(str, list(dict.fromkeys(codes))[:8]))}")
    ci = np.isin(codes, list(sectors))
    x = np.asarray(mrio.x, float)
    Z = np.asarray(mrio.Z.toarray() if hasattr(mrio.Z, "toarray") else mrio.Z, float)
    purchases = Z[:, ci].sum(axis=1)                      # what the carbon-intensive sectors buy, by supplier
    upstream = e * leontief(mrio).solve(purchases)
    direct = np.where(ci, e * x, 0.0)
    jobs = e * x
    df = pd.DataFrame({"jobs": jobs, "direct": direct, "supply_chain": np.where(ci, 0.0, upstream)},
                      index=mrio.index)
    df["exposed"] = df["direct"] + df["supply_chain"]
    df["exposed_share"] = df["exposed"] / df["jobs"].where(df["jobs"] > 0)
    df["carbon_intensive"] = ci
    df.attrs["unit"] = unit
    return df.sort_values("exposed", ascending=False)


def jobs_idle(result, mrio: MRIO, satellite: str = "employment", days_per_year: float = 365.0) -> pd.DataFrame:
    """The employment effect of a simulated disruption (:class:`industwin.core.ario.SimulationResult` on a
    table with employment accounts): persons idle on day *t* in sector *i* are ``e_i · (x̄_{t,i} − x_{t,i}) ·
    days_per_year`` — annual employment per unit of annual output times the day's lost production against
    the undisturbed path. Returns per sector ``job_days_lost`` (person-days), ``peak_idle`` (persons on the
    worst day), ``peak_idle_share`` (of the sector's employment) and ``mean_idle``."""
    e, unit = _emp(mrio, satellite)
    lost = (result.undisturbed - result.production) * days_per_year        # annual-rate output lost, per day
    idle = lost * e[None, :]
    emp = mrio.satellites[satellite].F[0]
    df = pd.DataFrame({"job_days_lost": idle.sum(axis=0), "peak_idle": idle.max(axis=0),
                       "mean_idle": idle.mean(axis=0)}, index=mrio.index)
    df["peak_idle_share"] = df["peak_idle"] / np.where(emp > 0, emp, np.nan)
    df.attrs["unit"] = f"{unit} (job-days: {unit} × days)"
    return df.sort_values("job_days_lost", ascending=False)
