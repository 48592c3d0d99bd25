"""Multipliers, consumption-based footprints and embodied-trade accounts.

With ``S = F x̂⁻¹`` the direct stressor intensities (q × n), the total
(supply-chain) intensities are the multipliers ``M = S L = S (I − A)⁻¹``,
obtained here by one transposed solve ``(I − A)ᵀ Mᵀ = Sᵀ`` with the cached
LU (q right-hand sides, O(q n²)) instead of an explicit inverse.

Footprints follow the standard environmentally-extended MRIO accounts
(Peters 2008, *Ecol. Econ.* 65:13; Miller & Blair 2009 §10.6; the account
names of pymrio, Stadler 2021, *J. Open Res. Softw.* 9:8):

* ``D_cba`` consumption-based account of region *c*: ``S L y_c (+ F_Y,c)``;
* ``D_pba`` production-based account: ``S x̃ (+ F_Y)`` with ``x̃ = L y`` the
  model-consistent output (equal to ``F`` on a balanced table);
* ``D_imp`` embodied imports of *c*: the part of ``D_cba`` produced abroad;
* ``D_exp`` embodied exports of *r*: stressors of *r* that serve final demand abroad;
* balance of trade in embodied quantities: ``D_exp − D_imp = D_pba − D_cba``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from industwin.core.leontief import leontief, safe_reciprocal
from industwin.data.mrio import MRIO, REGION, SECTOR, Satellite
from industwin.errors import SelectionError, plain_list

__all__ = [
    "output_multipliers", "value_added_multipliers", "satellite_multipliers", "intensities",
    "footprint", "EmbodiedAccounts", "embodied_accounts", "sector_accounts",
]


def _units(df: pd.DataFrame | pd.Series, units: dict, s: Satellite | None = None) -> pd.DataFrame | pd.Series:
    df.attrs["units"] = units
    if s is not None and (s.gaps or s.estimated):
        df.attrs["gaps"], df.attrs["estimated"] = dict(s.gaps), dict(s.estimated)
        df.attrs["caveats"] = s.caveats()
    return df


def _gap_columns(s: Satellite, labels: pd.Index) -> np.ndarray:
    """Which of ``labels`` (regions, or the (region, sector) index) are regions without data."""
    regs = labels.get_level_values(REGION) if isinstance(labels, pd.MultiIndex) else labels
    return np.asarray(pd.Index(regs).isin(list(s.gaps)))


def output_multipliers(mrio: MRIO) -> pd.Series:
    """Simple (type I) output multipliers ``m' = 1' L``: total output in the whole
    economy per unit of final demand for each sector's product (Miller & Blair 2009, eq. 6.2)."""
    m = leontief(mrio).solve_transposed(np.ones(mrio.n))
    return _units(pd.Series(m, index=mrio.index, name="output multiplier"), {"output multiplier": f"{mrio.unit}/{mrio.unit}"})


def value_added_multipliers(mrio: MRIO) -> pd.DataFrame:
    """Value-added multipliers ``m_v' = v_c' L`` with ``v_c = V x̂⁻¹`` per primary-input row
    (Miller & Blair 2009, §6.3). Their sum is 1 for every producing sector of a balanced table."""
    vc = mrio.V * safe_reciprocal(mrio.x)[None, :]
    m = leontief(mrio).solve_transposed(vc.T).T
    return pd.DataFrame(np.atleast_2d(m), index=mrio.va_index, columns=mrio.index)


def _sat(mrio: MRIO, satellite: str | Satellite | None) -> Satellite:
    return satellite if isinstance(satellite, Satellite) else mrio.satellite(satellite)


def intensities(mrio: MRIO, satellite: str | Satellite | None = None) -> pd.DataFrame:
    """Direct intensities ``S = F x̂⁻¹`` (stressor per unit of output; 0 where x = 0)."""
    s = _sat(mrio, satellite)
    S = s.F * safe_reciprocal(mrio.x)[None, :]        # NaN where the satellite has a gap
    return _units(pd.DataFrame(S, index=s.stressors, columns=mrio.index),
                  {k: f"{u}/{mrio.unit}" for k, u in zip(s.stressors, s.units)}, s)


def _M(mrio: MRIO, s: Satellite) -> np.ndarray:
    """``M = S L`` by one transposed solve; cached per satellite of the table."""
    own = mrio.satellites.get(s.name) is s or (s.name == "value_added" and "value_added" not in mrio.satellites)
    key = ("M", s.name)
    if own and key in mrio._cache:
        return mrio._cache[key]
    S = s.known * safe_reciprocal(mrio.x)[None, :]
    M = np.ascontiguousarray(leontief(mrio).solve_transposed(S.T).T.reshape(S.shape))
    if own:
        mrio._cache[key] = M
    return M


def satellite_multipliers(mrio: MRIO, satellite: str | Satellite | None = None) -> pd.DataFrame:
    """Total (supply-chain) intensities ``M = S L`` (stressor per unit of final demand).

    Column *j* is the stressor emitted anywhere in the world per unit of final
    demand for product *j* (Miller & Blair 2009, eq. 10.7). The ratio
    ``M / S`` per sector is the supply-chain-to-direct multiplier. Columns of a satellite's gap regions are NaN.
    """
    s = _sat(mrio, satellite)
    M = _M(mrio, s)
    if s.gaps:              # a gap region's products carry its own unknown direct stressors: not known either
        M = M.copy()
        M[:, _gap_columns(s, mrio.index)] = np.nan
    return _units(pd.DataFrame(M, index=s.stressors, columns=mrio.index),
                  {k: f"{u}/{mrio.unit}" for k, u in zip(s.stressors, s.units)}, s)


# --------------------------------------------------------------------------- grouping
def _groups(labels: pd.Index) -> tuple[np.ndarray, pd.Index]:
    codes, uniques = pd.factorize(labels)
    return codes, pd.Index(uniques, name=labels.name)


def _indicator(codes: np.ndarray, k: int) -> sp.csr_array:
    return sp.csr_array((np.ones(len(codes)), (np.arange(len(codes)), codes)), shape=(len(codes), k))


def _final_demand_by_region(mrio: MRIO) -> tuple[np.ndarray, pd.Index, np.ndarray]:
    """``Y`` summed over categories per final-demand region: (n × C), regions, fd codes."""
    codes, regs = _groups(mrio.fd_index.get_level_values(REGION))
    Yc = np.asarray(mrio.Y @ _indicator(codes, len(regs)))
    return Yc, regs, codes


def _FY_by_region(s: Satellite, mrio: MRIO, codes: np.ndarray, k: int) -> np.ndarray:
    if s.F_Y is None:
        return np.zeros((len(s.stressors), k))
    return np.asarray(s.F_Y @ _indicator(codes, k))


def footprint(mrio: MRIO, satellite: str | Satellite | None = None, by: str = "region",
              stressor: str | None = None) -> pd.DataFrame:
    """Consumption-based footprint of a satellite.

    * ``by="region"``: stressor × final-demand region,
      ``D_cba,c = M y_c + F_Y,c`` (``y_c`` = all final-demand categories of *c*);
    * ``by="product"``: stressor × (final-demand region, product sector),
      ``D_cba[c, s] = Σ_r M[(r, s)] Y[(r, s), c]`` (direct F_Y not included, as in pymrio);
    * ``by="origin"``: for one ``stressor``, (origin region, sector) × final-demand
      region, ``S_i (L y_c)_i`` — where the footprint of *c* is emitted.

    Peters (2008) *Ecol. Econ.* 65:13–23; Miller & Blair (2009) §10.6.
    """
    s = _sat(mrio, satellite)
    Yc, regs, codes = _final_demand_by_region(mrio)
    units = dict(zip(s.stressors, s.units))
    if by == "region":
        D = _M(mrio, s) @ Yc + _FY_by_region(s, mrio, codes, len(regs))
        return _units(pd.DataFrame(D, index=s.stressors, columns=regs), units, s)
    if by == "product":
        D, cols = _by_product(mrio, _M(mrio, s), Yc, regs)
        return _units(pd.DataFrame(D, index=s.stressors, columns=cols), units, s)
    if by == "origin":
        if stressor is None:
            if len(s.stressors) != 1:
                raise SelectionError(f"by='origin' needs one stressor. Fix: choose one of {plain_list(s.stressors, 10)}")
            stressor = s.stressors[0]
        k = s.stressors.get_loc(stressor)
        S_k = s.F[k] * safe_reciprocal(mrio.x)          # NaN rows where the satellite has a gap
        X = _output_by_fd_region(mrio, Yc)
        return _units(pd.DataFrame(S_k[:, None] * X, index=mrio.index, columns=regs),
                      {stressor: units[stressor]}, s)
    raise SelectionError(f"unknown breakdown by={by!r}. Fix: choose 'region', 'product' or 'origin'")


def _by_product(mrio: MRIO, W: np.ndarray, Yc: np.ndarray, regs: pd.Index) -> tuple[np.ndarray, pd.MultiIndex]:
    """``D[k, (c, s)] = Σ_{i: sector(i)=s} W[k, i] Yc[i, c]`` for every final-demand region c."""
    secs = mrio.sectors
    cols = pd.MultiIndex.from_product([regs, secs], names=[REGION, SECTOR])
    q, C = W.shape[0], Yc.shape[1]
    if mrio.is_grid:
        R, ns = len(mrio.regions), len(secs)
        D = np.einsum("krs,rsc->kcs", W.reshape(q, R, ns), Yc.reshape(R, ns, C), optimize=True)
        return D.reshape(q, C * ns), cols
    scode = secs.get_indexer(mrio.index.get_level_values(SECTOR))
    P = _indicator(scode, len(secs))
    D = np.stack([np.asarray((W * Yc[:, c][None, :]) @ P) for c in range(C)], axis=1)
    return D.reshape(q, C * len(secs)), cols


@dataclass(frozen=True)
class EmbodiedAccounts:
    """Production- and consumption-based accounts by region (stressor × region) and the
    balance of trade in embodied quantities (``exports − imports = production − consumption``)."""

    production: pd.DataFrame
    consumption: pd.DataFrame
    imports: pd.DataFrame
    exports: pd.DataFrame

    @property
    def balance(self) -> pd.DataFrame:
        """Net embodied exports; positive = the region emits for others more than others emit for it."""
        return self.exports - self.imports

    def table(self, stressor: str | None = None) -> pd.DataFrame:
        """One stressor's accounts as a region × account table."""
        st = stressor if stressor is not None else self.production.index[0]
        return pd.DataFrame({"production": self.production.loc[st], "consumption": self.consumption.loc[st],
                             "imports": self.imports.loc[st], "exports": self.exports.loc[st],
                             "balance": self.balance.loc[st]})


def _output_by_fd_region(mrio: MRIO, Yc: np.ndarray) -> np.ndarray:
    """``X = L Y_c`` (n × C): output serving each region's final demand; cached on the table."""
    X = mrio._cache.get("X_by_fd_region")
    if X is None:
        X = mrio._cache["X_by_fd_region"] = leontief(mrio).solve(Yc)
    return X


def _flows(mrio: MRIO, s: Satellite):
    Yc, regs, codes = _final_demand_by_region(mrio)
    X = _output_by_fd_region(mrio, Yc)
    S = s.known * safe_reciprocal(mrio.x)[None, :]
    rowreg = np.asarray(regs.get_indexer(mrio.index.get_level_values(REGION)))  # -1 if not a fd region
    dom = rowreg[:, None] == np.arange(len(regs))[None, :]  # n × C, producing region == consuming
    return Yc, regs, codes, X, S, rowreg, dom


def embodied_accounts(mrio: MRIO, satellite: str | Satellite | None = None) -> EmbodiedAccounts:
    """Production, consumption, embodied import and export accounts by region.

    With ``X = L Y_c`` (output serving each final-demand region), ``D_pba,r =
    Σ_{i∈r} S_i Σ_c X_ic + F_Y,r``, ``D_cba,c = Σ_i S_i X_ic + F_Y,c``,
    ``D_imp,c = Σ_{i∉c} S_i X_ic``, ``D_exp,r = Σ_{i∈r} S_i Σ_{c≠r} X_ic``
    (Peters 2008; pymrio's ``D_*_reg``). Needs only C right-hand sides.
    """
    s = _sat(mrio, satellite)
    Yc, regs, codes, X, S, rowreg, dom = _flows(mrio, s)
    FY = _FY_by_region(s, mrio, codes, len(regs))
    SX = S @ X  # q × C
    prodreg_codes, prodregs = _groups(mrio.index.get_level_values(REGION))
    Pr = _indicator(prodreg_codes, len(prodregs))
    pba = np.asarray((S * X.sum(axis=1)[None, :]) @ Pr)
    exp = np.asarray((S * np.where(dom, 0.0, X).sum(axis=1)[None, :]) @ Pr)
    imp = SX - S @ np.where(dom, X, 0.0)
    # the production account is by producing region; align F_Y (by final-demand region) to it
    FYp = pd.DataFrame(FY, columns=regs).reindex(columns=prodregs, fill_value=0.0).to_numpy()
    if s.gaps:                                 # a region without data has no production account to show
        gap = _gap_columns(s, prodregs)
        pba[:, gap] = np.nan
        exp[:, gap] = np.nan
    mk = lambda a, c: _units(pd.DataFrame(a, index=s.stressors, columns=c), dict(zip(s.stressors, s.units)), s)  # noqa: E731
    return EmbodiedAccounts(production=mk(pba + FYp, prodregs), consumption=mk(SX + FY, regs),
                            imports=mk(imp, regs), exports=mk(exp, prodregs))


def sector_accounts(mrio: MRIO, satellite: str | Satellite | None = None) -> dict[str, pd.DataFrame]:
    """The accounts by sector, as pymrio's ``D_cba``, ``D_pba``, ``D_imp``, ``D_exp``.

    ``D_pba`` and ``D_exp`` are by producing (region, sector); ``D_cba`` and
    ``D_imp`` by (final-demand region, product sector). ``D_imp`` needs the
    domestic part of ``S L`` for every consuming region: q × C transposed
    solves (still far below the n solves of an explicit inverse).
    """
    s = _sat(mrio, satellite)
    Yc, regs, codes, X, S, rowreg, dom = _flows(mrio, s)
    M = _M(mrio, s)
    units = dict(zip(s.stressors, s.units))
    q, C = S.shape[0], len(regs)
    cba, cols = _by_product(mrio, M, Yc, regs)
    # domestic multipliers: M^c = S^c L with S^c = S restricted to rows of region c,
    # solved for batches of regions so the right-hand sides stay within ~64 MB
    Mc = np.empty((C, q, mrio.n))
    batch = max(1, int(8e6 // max(q * mrio.n, 1)))
    for c0 in range(0, C, batch):
        cs = range(c0, min(C, c0 + batch))
        Sc = np.zeros((mrio.n, len(cs) * q))  # columns: (region, stressor), Fortran-friendly for the solver
        for k, c in enumerate(cs):
            mask = rowreg == c
            Sc[mask, k * q:(k + 1) * q] = S[:, mask].T
        Mc[c0:c0 + len(cs)] = leontief(mrio).solve_transposed(Sc).T.reshape(len(cs), q, mrio.n)
    if mrio.is_grid:
        R, ns = len(mrio.regions), len(mrio.sectors)
        dom_cba = np.einsum("ckrs,rsc->kcs", Mc.reshape(C, q, R, ns), Yc.reshape(R, ns, C), optimize=True)
    else:
        dom_cba = np.stack([_by_product(mrio, Mc[c], Yc[:, [c]], regs[[c]])[0] for c in range(C)], axis=1)
    imp = cba - dom_cba.reshape(q, -1)
    mk = lambda a, c: _units(pd.DataFrame(a, index=s.stressors, columns=c), units, s)  # noqa: E731
    pba, exp = S * X.sum(axis=1)[None, :], S * np.where(dom, 0.0, X).sum(axis=1)[None, :]
    if s.gaps:
        gap = _gap_columns(s, mrio.index)
        pba[:, gap] = exp[:, gap] = np.nan
    return {"D_cba": mk(cba, cols), "D_pba": mk(pba, mrio.index), "D_imp": mk(imp, cols), "D_exp": mk(exp, mrio.index)}
