"""Value-chain visibility: where an economy's production really comes from, and where it is exposed.

Indicators of trade in value added and global value chains (GVCs), computed on
any :class:`~industwin.data.mrio.MRIO` with the cached factorisation of the
Leontief matrix. Notation (Miller & Blair 2009; Koopman, Wang & Wei 2014):
``A = Z x̂⁻¹`` input coefficients, ``B = (I − A)⁻¹`` the global Leontief inverse
(written ``L`` elsewhere in industwin), ``L_ss = (I − A_ss)⁻¹`` the *local*
inverse of country *s*, ``v`` value added per unit of output, ``E_s`` the gross
exports of country *s* by sector (intermediate and final, to every other
region), ``Y_·r`` final demand of region *r*.

Value-added coefficients are the complement of the input coefficients,
``v' = 1' − 1'A``, so that ``v'B = 1'`` holds exactly and every decomposition
below adds up to gross exports to machine precision. On a balanced table this
is the recorded ``V x̂⁻¹``; on WIOD 2013 it is the table's own derived value added.

Families of indicators
----------------------
* **Value added in trade** (:func:`export_decomposition`): the source-based,
  exporting-country decomposition of gross exports of Borin & Mancini (2019,
  2023) into domestic value added (DVA), domestic double counting (DDC),
  foreign value added (FVA) and foreign double counting (FDC), with DVA split
  into value added exports absorbed abroad (VAX, Johnson & Noguera 2012) and
  value added that returns home (REF); backward and forward GVC participation.
* **GVC income** (:func:`final_output_origin`): the origin of the value of final
  products by country (Los, Timmer & de Vries 2015; Timmer et al. 2014).
* **Position** (:func:`chain_position`, :func:`average_propagation_length`):
  upstreamness (Antràs & Chor 2013; Miller & Temurshoev 2017), downstreamness
  and the average propagation length (Dietzenbacher, Romero & Bosma 2005).
* **Exposure** (:func:`supply_chain_exposure`): a country-sector's sourcing by
  foreign country-sector, tier 1 vs tiers ≥ 2 (the hidden part; Baldwin,
  Freeman & Theodorakopoulos 2022), with the concentration of each input by origin.
* **Importance of a node** (:func:`hypothetical_extraction`,
  :func:`supplier_dependence`): hypothetical extraction (Dietzenbacher & Lahr
  2013; Miller & Blair 2009 §12.2) of a supplier's sales, and the foreign
  suppliers whose loss would cost a country most.
* **Time series** (:func:`over_years`): any indicator over the years of a
  dataset, in sequence or in parallel on Dask.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.linalg as la
import scipy.sparse as sp

from industwin.core.leontief import Factorisation, ghosh, leontief, safe_reciprocal
from industwin.data.mrio import MRIO, REGION, SECTOR
from industwin.data.select import as_list, check_share, check_years, node_positions, region_positions, regions_of
from industwin.errors import SelectionError
from industwin.parallel import dask_client, one_blas_thread_per_process

__all__ = [
    "INDICATORS",
    "EconomyValueChains",
    "Exposure",
    "Extraction",
    "GVCIndicators",
    "ProductOrigins",
    "average_propagation_length",
    "chain_position",
    "economy_value_chains",
    "export_decomposition",
    "final_output_origin",
    "gvc_indicators",
    "hypothetical_extraction",
    "over_years",
    "supplier_dependence",
    "supply_chain_exposure",
]

ORIGIN = "origin"


# ----------------------------------------------------------------------------- shared structure
@dataclass
class _Parts:
    """What every indicator of one table needs, computed once and cached on the table."""

    Z: Any                       # the table's Z (a view, never copied; no reference to the table itself)
    rx: np.ndarray               # 1/x (0 where x = 0)
    v: np.ndarray                # value added per unit of output, 1 − 1'A
    row_region: np.ndarray       # region code of each row
    regions: list[str]
    pos: dict[str, np.ndarray]   # row positions of each region
    fd_region: np.ndarray        # region code of each final-demand column
    Yg: np.ndarray               # n × |regions|: final demand by destination region (categories summed)
    Zg: np.ndarray               # n × |regions|: intermediate sales by destination region
    exports: np.ndarray          # n: gross exports (intermediate + final) to all other regions
    y: np.ndarray                # n: final output (total final demand for each product)

    def dense_rows(self, rows: np.ndarray) -> np.ndarray:
        """Rows of the input coefficients ``A = Z x̂⁻¹`` (built on demand: A is never held whole)."""
        z = self.Z[rows]
        return (z.toarray() if sp.issparse(z) else np.asarray(z)) * self.rx[None, :]


def _parts(mrio: MRIO) -> _Parts:
    p = mrio._cache.get("value_chains")
    if p is not None:
        return p
    rx = safe_reciprocal(mrio.x)
    v = 1.0 - np.asarray(mrio.Z.sum(axis=0)).reshape(-1) * rx
    row_region = np.asarray(mrio.index.get_level_values(REGION)).astype(str)
    regions = [str(r) for r in mrio.regions]
    fd_region = np.asarray(mrio.fd_index.get_level_values(REGION)).astype(str)
    k = {r: i for i, r in enumerate(regions)}
    Yg = np.zeros((mrio.n, len(regions)))
    for j, r in enumerate(fd_region):
        if r in k:
            Yg[:, k[r]] += mrio.Y[:, j]
    R = sp.csr_array((np.ones(mrio.n), (np.arange(mrio.n), [k[r] for r in row_region])),
                     shape=(mrio.n, len(regions)))
    Zg = mrio.Z @ R
    Zg = Zg.toarray() if sp.issparse(Zg) else np.asarray(Zg)
    own = np.array([k[r] for r in row_region])
    rows = np.arange(mrio.n)
    # final demand of regions that are not producing regions of the table counts as exports too
    fd_foreign = mrio.Y[:, :].sum(axis=1) - Yg[rows, own]
    exports = Zg.sum(axis=1) - Zg[rows, own] + fd_foreign
    pos = {r: np.flatnonzero(row_region == r) for r in regions}
    p = _Parts(mrio.Z, rx, v, row_region, regions, pos, fd_region, Yg, Zg, exports, mrio.Y.sum(axis=1))
    mrio._cache["value_chains"] = p
    return p


def _inverse(mrio: MRIO) -> np.ndarray:
    """The explicit Leontief inverse B, cached (needed block by block by the decomposition)."""
    B = mrio._cache.get("leontief_inverse")
    if B is None:
        B = mrio._cache["leontief_inverse"] = leontief(mrio).inverse()
        B.flags.writeable = False
    return B


def _units(df: pd.DataFrame | pd.Series, units: dict) -> pd.DataFrame | pd.Series:
    df.attrs["units"] = units
    return df


# ----------------------------------------------------------------------------- value added in trade
def export_decomposition(mrio: MRIO, by: str = "country") -> pd.DataFrame:
    """Decompose gross exports into domestic and foreign value added and double counting.

    Source-based decomposition from the exporting country's perspective
    (Borin & Mancini 2019, *World Bank PRWP* 8804; 2023, *Econ. Syst. Res.* 35:429):
    value added is counted the first time it leaves the country, so the parts add
    up to gross exports exactly. For country *s* with gross exports ``E_s``::

        E_s = DVA + DDC + FVA + FDC
        DVA = v_s L_ss E_s                       domestic value added
        DDC = v_s (B_ss − L_ss) E_s              domestic double counting
        FVA = (1' (I + K_s)⁻¹ − v_s L_ss) E_s    foreign value added
        FDC = E_s − DVA − DDC − FVA              foreign double counting
        K_s = Σ_{r≠s} A_sr B_rs

    ``1'(I + K_s)⁻¹ = (v' B⁽ˢ⁾)_s`` is the value added of all origins per unit of
    exports traced on the world in which *s* does not export intermediates
    (``B⁽ˢ⁾ = (I − A⁽ˢ⁾)⁻¹``), obtained from ``B`` by the Woodbury identity.
    DVA splits into value added exports ``VAX = Σ_{r≠s} v_s B_s· Y_·r`` (absorbed
    abroad, Johnson & Noguera 2012, *J. Int. Econ.* 86:224) and reflection
    ``REF = v_s B_s· Y_·s − v_s L_ss Y_ss`` (exported, returns home in final goods);
    ``DVA = VAX + REF`` holds exactly on a balanced table.

    GVC participation (Koopman et al. 2011; OECD TiVA): backward
    ``(FVA + FDC) / E`` (foreign content of exports), forward ``DVX / E`` with
    ``DVX = Σ_{r≠s} v_s B_sr E_r`` the domestic value added in other countries'
    exports.

    ``by="country"`` gives one row per region (plus ``VAX``, ``REF``, the VAX ratio);
    ``by="sector"`` one row per exporting country-sector: DVA…FDC of that sector's
    exports, and ``VAX`` / ``DVX`` of the sector's value added (by source sector).
    Money in the table's unit, ratios as shares.
    """
    if by not in ("country", "sector"):
        raise SelectionError(f"by must be 'country' or 'sector', not {by!r}")
    p = _parts(mrio)
    B = _inverse(mrio)
    n = mrio.n
    coef = np.zeros((n, 4))           # dva, ddc, fva, fdc per unit of exports of each row
    ref_home = np.zeros(n)            # v_s L_ss Y_ss by source row
    BE_own = np.zeros(n)              # B_ss E_s (row part of B E that stays in s)
    E = p.exports
    for s in p.regions:
        idx = p.pos[s]
        if idx.size == 0:
            continue
        A_s = p.dense_rows(idx)                 # N × n
        Bcols = B[:, idx]                       # n × N
        Bss = Bcols[idx]
        Ass = A_s[:, idx]
        K = A_s @ Bcols - Ass @ Bss             # Σ_{r≠s} A_sr B_rs
        vs = p.v[idx]
        I = np.eye(idx.size)
        dva = la.solve((I - Ass).T, vs, check_finite=False)          # v_s L_ss
        dc = vs @ Bss                                                 # v_s B_ss
        first = la.solve((I + K).T, np.ones(idx.size), check_finite=False)   # 1'(I + K)⁻¹
        fva = first - dva
        coef[idx] = np.column_stack([dva, dc - dva, fva, 1.0 - dc - fva])
        k = p.regions.index(s)
        # v_s L_ss Y_ss, attributed to source rows: v_i (L_ss Y_ss)_i
        ref_home[idx] = vs * la.solve(I - Ass, p.Yg[idx, k], check_finite=False)
        BE_own[idx] = Bss @ E[idx]
    parts = coef * E[:, None]
    k_own = np.array([p.regions.index(r) for r in p.row_region])
    va_home = p.v * (B @ p.Yg)[np.arange(n), k_own]              # v_i (B Y_·s)_i, absorbed at home
    vax = p.v * (B @ p.y) - va_home                               # absorbed anywhere else
    dvx = p.v * (B @ E - BE_own)
    df = pd.DataFrame({"gross_exports": E, "DVA": parts[:, 0], "DDC": parts[:, 1], "FVA": parts[:, 2],
                       "FDC": parts[:, 3], "VAX": vax, "REF": va_home - ref_home, "DVX": dvx}, index=mrio.index)
    if by == "country":
        df = df.groupby(level=REGION, sort=False).sum()
        df.index.name = REGION
        df["VAX_ratio"] = df["VAX"] / df["gross_exports"].where(df["gross_exports"] != 0)
    else:
        df = df.drop(columns="REF")  # reflection is a country-level notion
    e = df["gross_exports"].where(df["gross_exports"] != 0)
    df["backward"] = (df["FVA"] + df["FDC"]) / e
    df["forward"] = df["DVX"] / e
    df["participation"] = df["backward"] + df["forward"]
    u = mrio.unit
    return _units(df, {c: (u if c not in ("VAX_ratio", "backward", "forward", "participation") else "share")
                       for c in df.columns})


# ----------------------------------------------------------------------------- GVC income
@dataclass(frozen=True)
class ProductOrigins:
    """Where the value of each final product is added (Los, Timmer & de Vries 2015).

    ``shares`` (product × origin region) sums to 1 across origins; ``final_output``
    is each product's final output (all destinations) in ``unit``.
    """

    shares: pd.DataFrame
    final_output: pd.Series
    unit: str

    @property
    def value_added(self) -> pd.DataFrame:
        """Value added by origin region in each product's final output, in ``unit``."""
        return self.shares.mul(self.final_output, axis=0)

    @property
    def foreign_share(self) -> pd.Series:
        """Share of each product's final output value added outside its own region."""
        own = self.shares.index.get_level_values(REGION)
        cols = self.shares.columns.get_indexer(own)
        dom = self.shares.to_numpy()[np.arange(len(own)), cols]
        return pd.Series(1.0 - dom, index=self.shares.index, name="foreign value added share")

    def group(self, region: str, sectors: Sequence[str] | None = None) -> pd.Series:
        """Value added by origin in the final output of a group of a region's products (summed)."""
        va = self.value_added
        sel = va.index.get_level_values(REGION) == region
        if sectors is not None:
            sel &= va.index.get_level_values(SECTOR).isin(list(sectors))
        return va[sel].sum().rename(f"{region} value added by origin [{self.unit}]")


def final_output_origin(mrio: MRIO, region: str | Sequence[str] | None = None) -> ProductOrigins:
    """Value added by origin country in the final output of each product ("GVC income").

    For the final product of country-sector *j*, the value added by country *k* per
    unit is ``Σ_{i∈k} v_i B_ij`` (Los, Timmer & de Vries 2015, *J. Regional Sci.*
    55:66; Timmer, Erumban, Los, Stehrer & de Vries 2014, *J. Econ. Perspect.*
    28(2):99). The foreign share is ``1 − Σ_{i∈s(j)} v_i B_ij``. Computed with one
    transposed solve per origin region (``B'D``, ``D`` the value-added coefficients
    split by region), never an explicit inverse. ``region`` keeps the products of
    some regions only.
    """
    p = _parts(mrio)
    k = {r: i for i, r in enumerate(p.regions)}
    D = np.zeros((mrio.n, len(p.regions)))
    D[np.arange(mrio.n), [k[r] for r in p.row_region]] = p.v
    S = leontief(mrio).solve_transposed(D)       # n × G: S[j, g] = Σ_{i∈g} v_i B_ij
    shares = pd.DataFrame(S, index=mrio.index, columns=pd.Index(p.regions, name=ORIGIN))
    y = pd.Series(p.y, index=mrio.index, name=f"final output [{mrio.unit}]")
    if region is not None:
        keep = shares.index.get_level_values(REGION).isin(regions_of(mrio, region))
        shares, y = shares[keep], y[keep]
    return ProductOrigins(shares, y, mrio.unit)


# ----------------------------------------------------------------------------- position
def chain_position(mrio: MRIO, inventories: str | None = None) -> pd.DataFrame:
    """Upstreamness, downstreamness and their ratio for every country-sector.

    * Upstreamness (Antràs, Chor, Fally & Hillberry 2012, *AER P&P* 102:412;
      Antràs & Chor 2013): ``U = (I − Δ)⁻¹ 1`` with ``Δ = x̂⁻¹ Z`` the allocation
      coefficients, i.e. the row sums of the Ghosh inverse — Miller & Temurshoev's
      (2017, *Int. Reg. Sci. Rev.* 40:443) *output upstreamness*. 1 for a sector
      that sells only to final users; larger the further from final demand.
    * Downstreamness: ``D' = 1' (I − A)⁻¹``, the column sums of the Leontief
      inverse (Miller & Temurshoev's *input downstreamness*); 1 for a sector
      using no intermediate inputs.
    * ``position = U / D`` (> 1: upstream in the chain).

    ``inventories`` names a final-demand category of inventory changes (WIOD:
    ``"INVEN"``); when given, upstreamness uses Antràs et al.'s correction
    ``Δ_ij = z_ij / (x_i − N_i)``.
    """
    ones = np.ones(mrio.n)
    if inventories is None:
        U = ghosh(mrio).solve(ones)
    else:
        cats = mrio.fd_index.get_level_values("category")
        if inventories not in set(cats):
            raise SelectionError(f"unknown final-demand category {inventories!r}. "
                                 f"Fix: choose one of {list(mrio.categories)}")
        N_inv = mrio.Y[:, np.asarray(cats == inventories)].sum(axis=1)
        r = -safe_reciprocal(mrio.x - N_inv)
        M = (sp.diags_array(r) @ mrio.Z) if mrio.is_sparse else r[:, None] * mrio.Z
        U = Factorisation(M).solve(ones)
    D = leontief(mrio).solve_transposed(ones)
    df = pd.DataFrame({"upstreamness": U, "downstreamness": D, "position": U / D}, index=mrio.index)
    return _units(df, {c: "stages" if c != "position" else "ratio" for c in df.columns})


def average_propagation_length(mrio: MRIO, supplier: tuple[str, str] | None = None,
                               buyer: tuple[str, str] | None = None, max_n: int = 6000) -> Any:
    """Average propagation length: how many production stages, on average, separate two
    country-sectors (Dietzenbacher, Romero & Bosma 2005, *Estud. Econ. Apl.* 23:405).

    ``APL_ij = [B (B − I)]_ij / [B − I]_ij`` — the tier-weighted average of the
    supply paths from supplier *i* to buyer *j*, ``Σ_k k (A^k)_ij / Σ_k (A^k)_ij``
    (equal on the Leontief and the Ghosh side). NaN where *i* never supplies *j*.

    With ``supplier`` and ``buyer`` (each ``(region, sector)``) a number; with one
    of them a Series over the other side (two solves); with neither the full
    matrix (only for tables up to ``max_n`` rows).
    """
    f = leontief(mrio)
    if supplier is None and buyer is None:
        if mrio.n > max_n:
            raise SelectionError(f"the full APL matrix of a {mrio.n}-row table needs {mrio.n ** 2 * 8 / 1e9:.1f} GB; "
                                 "Fix: pass supplier=(region, sector) and/or buyer=(region, sector)")
        B = _inverse(mrio)
        BmI = B - np.eye(mrio.n)
        num = f.solve(BmI)
        with np.errstate(invalid="ignore", divide="ignore"):
            apl = np.where(BmI > 1e-14, num / BmI, np.nan)
        return pd.DataFrame(apl, index=mrio.index, columns=mrio.index)
    if buyer is not None:
        j = node_positions(mrio, buyer[0], [buyer[1]], "buyer")[0]
        e = np.zeros(mrio.n)
        e[j] = 1.0
        col = f.solve(e) - e                     # (B − I)_·j
        num = f.solve(col)                       # [B (B − I)]_·j
        with np.errstate(invalid="ignore", divide="ignore"):
            s = pd.Series(np.where(col > 1e-14, num / col, np.nan), index=mrio.index,
                          name=f"APL to {buyer[0]}/{buyer[1]}")
        if supplier is not None:
            return float(s.iloc[node_positions(mrio, supplier[0], [supplier[1]], "supplier")[0]])
        return s
    i = node_positions(mrio, supplier[0], [supplier[1]], "supplier")[0]
    e = np.zeros(mrio.n)
    e[i] = 1.0
    row = f.solve_transposed(e) - e              # (B − I)_i·
    num = f.solve_transposed(row)                # [(B − I) B]_i· = [B (B − I)]_i·
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.Series(np.where(row > 1e-14, num / row, np.nan), index=mrio.index,
                         name=f"APL from {supplier[0]}/{supplier[1]}")


# ----------------------------------------------------------------------------- tier-n exposure
@dataclass(frozen=True)
class Exposure:
    """Supply-chain exposure of one country-sector (or a group of a region's sectors).

    * ``suppliers`` — per supplying country-sector: purchases at tier 1, the
      requirements at tiers ≥ 2 (the hidden part) and in total, in ``unit`` for the
      buyer's output of the year; ``foreign`` marks the other regions.
    * ``by_country`` — the same by origin region, with the face-value share (tier 1),
      the look-through share (all tiers) and the hidden share of each origin.
    * ``concentration`` — per input product: HHI over origins (all tiers and tier 1),
      the top origin and the top foreign origin with their shares, and ``flag`` when
      one foreign origin supplies more than ``threshold``.
    * ``value_added`` — origin region × tier of the value added embodied in the
      buyer's output (tier 0 = the buyer itself).
    """

    region: str
    sectors: tuple[str, ...]
    output: float
    unit: str
    threshold: float
    suppliers: pd.DataFrame
    by_country: pd.DataFrame
    concentration: pd.DataFrame
    value_added: pd.DataFrame

    @property
    def flagged(self) -> pd.DataFrame:
        """Inputs where one foreign origin supplies more than ``threshold`` of the total."""
        return self.concentration[self.concentration["flag"]]

    @property
    def summary(self) -> pd.Series:
        """Headline numbers: foreign inputs at tier 1 and beyond (in ``unit``), the foreign share of
        inputs at face value (tier 1) and look-through (all tiers), the share of the foreign requirement
        hidden beyond tier 1, the foreign value-added share of the output, and the number of flagged inputs."""
        s, b = self.suppliers, self.by_country
        f = s[s["foreign"]]
        return pd.Series({
            "output": self.output,
            "foreign_inputs_tier1": f["tier1"].sum(),
            "foreign_inputs_tier2plus": f["tier2plus"].sum(),
            "foreign_share_face_value": f["tier1"].sum() / max(s["tier1"].sum(), 1e-300),
            "foreign_share_look_through": f["total"].sum() / max(s["total"].sum(), 1e-300),
            "hidden_share_of_foreign": f["tier2plus"].sum() / max(f["total"].sum(), 1e-300),
            "foreign_value_added_share": 1 - b.loc[self.region, "value_added"] / max(b["value_added"].sum(), 1e-300)
            if self.region in b.index else np.nan,
            "inputs_flagged": float(self.concentration["flag"].sum()),
        }, name=f"{self.region} {'+'.join(self.sectors)}")


def _concentration(values: pd.DataFrame, total: pd.Series | None = None) -> tuple[pd.Series, pd.Series, pd.Series]:
    """HHI of the shares in each row, the column with the largest share and that share
    (shares of ``total`` when given, else of the row sum; NaN / None for an empty row)."""
    tot = (values.sum(axis=1) if total is None else total).to_numpy()
    a = values.to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        sh = np.where(tot[:, None] > 0, a / tot[:, None], np.nan)
    empty = ~(tot > 0) | (a.shape[1] == 0)
    arg = np.argmax(np.nan_to_num(sh, nan=-1.0), axis=1) if a.shape[1] else np.zeros(len(a), dtype=int)
    cols = np.asarray(values.columns, dtype=object)
    top = pd.Series([None if e else cols[i] for e, i in zip(empty, arg)], index=values.index, dtype=object)
    top_sh = pd.Series(np.where(empty, np.nan, np.nanmax(np.nan_to_num(sh, nan=0.0), axis=1, initial=0.0)),
                       index=values.index)
    hhi = pd.Series(np.where(empty, np.nan, np.nansum(sh ** 2, axis=1)), index=values.index)
    return hhi, top, top_sh


def supply_chain_exposure(mrio: MRIO, region: str, sector: str | Sequence[str], threshold: float = 0.5) -> Exposure:
    """Tier-n exposure of a country-sector to its suppliers, with the hidden part made explicit.

    For buyer *j* with output ``x_j`` (summed over the sectors given), the value
    required from supplier *i* is, by tier of the supply chain::

        tier 1      z_ij = a_ij x_j                 (direct purchases: what the buyer sees)
        tiers ≥ 2   (B − I − A)_ij x_j              (through other suppliers: hidden at tier 1)
        all tiers   (B − I)_ij x_j = Σ_{k≥1} (A^k)_ij x_j

    the "face value" and "look-through" exposures of Baldwin, Freeman &
    Theodorakopoulos (2022, NBER WP 30525). Per input product (sector code),
    concentration over origin regions is the Herfindahl–Hirschman index
    ``HHI = Σ_r s_r²`` of the origin shares. The value added embodied in the
    buyer's output splits the same way by tier: ``v_j x_j`` (tier 0),
    ``v_i a_ij x_j``, ``v_i (B − I − A)_ij x_j``. One solve per buyer sector.
    """
    t = check_share(threshold, "threshold")
    secs = as_list(sector)
    J = node_positions(mrio, region, secs, "buyer")
    p = _parts(mrio)
    n = mrio.n
    xJ = mrio.x[J]
    E = np.zeros((n, J.size))
    E[J, np.arange(J.size)] = 1.0
    Bcols = leontief(mrio).solve(E)                  # B_·J
    total = (Bcols - E) @ xJ                         # (B − I)_·J x_J
    ZJ = mrio.Z[:, J]
    tier1 = np.asarray(ZJ.sum(axis=1)).reshape(-1) if sp.issparse(ZJ) else np.asarray(ZJ).sum(axis=1)
    tier2 = total - tier1
    foreign = p.row_region != region
    sup = pd.DataFrame({"name": [mrio.sector_label(s) for s in mrio.index.get_level_values(SECTOR)],
                        "tier1": tier1, "tier2plus": tier2, "total": total, "foreign": foreign}, index=mrio.index)
    sup["hidden_share"] = sup["tier2plus"] / sup["total"].where(sup["total"] > 0)
    sup = sup.sort_values("total", ascending=False)
    by = sup.groupby(level=REGION, sort=False)[["tier1", "tier2plus", "total"]].sum()
    by["face_value_share"] = by["tier1"] / by["tier1"].sum()
    by["look_through_share"] = by["total"] / by["total"].sum()
    by["hidden_share"] = by["tier2plus"] / by["total"].where(by["total"] > 0)
    # value added embodied in the buyer's output, by origin region and tier
    own = np.zeros(n)
    own[J] = p.v[J] * xJ
    va_t1 = p.v * tier1
    va_t2 = p.v * tier2
    va = pd.DataFrame({"tier0": own, "tier1": va_t1, "tier2plus": va_t2}, index=mrio.index)
    va = va.groupby(level=REGION, sort=False).sum()
    va["value_added"] = va.sum(axis=1)
    by["value_added"] = va["value_added"]
    by = by.sort_values("total", ascending=False)
    # concentration of each input product over origins
    def pivot(col: str) -> pd.DataFrame:
        return sup[col].unstack(REGION).fillna(0.0)

    tot_p, t1_p = pivot("total"), pivot("tier1")
    hhi, top, top_sh = _concentration(tot_p)
    hhi1, top1, top1_sh = _concentration(t1_p)
    fcols = [c for c in tot_p.columns if c != region]
    _, ftop, ftop_sh = _concentration(tot_p[fcols], total=tot_p.sum(axis=1))
    fshare = tot_p[fcols].sum(axis=1) / tot_p.sum(axis=1).where(tot_p.sum(axis=1) > 0)
    conc = pd.DataFrame({
        "name": [mrio.sector_label(s) for s in tot_p.index], "total": tot_p.sum(axis=1),
        "foreign_share": fshare, "hhi": hhi, "top_origin": top, "top_share": top_sh,
        "top_foreign_origin": ftop, "top_foreign_share": ftop_sh,
        "hhi_tier1": hhi1, "top_origin_tier1": top1, "top_share_tier1": top1_sh}, index=tot_p.index)
    conc.index.name = "input"
    conc["flag"] = conc["top_foreign_share"].fillna(0.0) > t
    conc = conc.sort_values("total", ascending=False)
    u = mrio.unit
    _units(sup, {"tier1": u, "tier2plus": u, "total": u, "hidden_share": "share"})
    _units(by, {c: (u if c in ("tier1", "tier2plus", "total", "value_added") else "share") for c in by.columns})
    _units(va, {c: u for c in va.columns})
    return Exposure(region, tuple(secs), float(xJ.sum()), u, t, sup, by, conc, va)


# ----------------------------------------------------------------------------- importance of a node
@dataclass(frozen=True)
class Extraction:
    """Result of a hypothetical extraction: output and value added before and after, by region."""

    supplier: str
    buyers: tuple[str, ...]
    unit: str
    by_region: pd.DataFrame
    by_sector: pd.DataFrame

    @property
    def world(self) -> pd.Series:
        t = self.by_region[["output", "output_after", "value_added", "value_added_after"]].sum()
        t["output_loss"] = t["output"] - t["output_after"]
        t["value_added_loss"] = t["value_added"] - t["value_added_after"]
        t["value_added_loss_share"] = t["value_added_loss"] / t["value_added"]
        return t.rename(f"world [{self.unit}]")


def _allocation_rows(mrio: MRIO, rows: np.ndarray) -> np.ndarray:
    """Allocation coefficients ``x̂⁻¹ Z`` of some rows (dense, |rows| × n)."""
    z = mrio.Z[rows]
    z = z.toarray() if sp.issparse(z) else np.asarray(z)
    return z * safe_reciprocal(mrio.x[rows])[:, None]


def hypothetical_extraction(mrio: MRIO, region: str, sector: str | Sequence[str] | None = None,
                            buyers: str | Sequence[str] | None = None, model: str = "supply",
                            final_demand: bool = True) -> Extraction:
    """What the world and each country lose if a supplier stops supplying (hypothetical extraction).

    The supplier *S* is a country-sector (``sector`` given) or a whole country; its
    sales to the ``buyers`` regions are cut (default: every other region for a
    country — it stops exporting; every region for a country-sector). Two models
    (Dietzenbacher & Lahr 2013, *Econ. Syst. Res.* 25:341; Miller & Blair 2009 §12.2):

    * ``model="supply"`` (forward linkage, the default): the buyers lose the input
      and produce less. The allocation coefficients ``b_Sj = z_Sj / x_S`` to the
      buyers are set to 0 and output follows the Ghosh model,
      ``x̄' = w' (I − B̄)⁻¹`` with ``w`` the value added; value-added losses are
      ``v̂ (x − x̄)`` at unchanged value-added ratios.
    * ``model="demand"`` (the buyers drop the supplier without losing output): the
      input coefficients ``a_Sj`` and, with ``final_demand``, the final sales
      ``y_S,b`` are removed and ``x̄ = (I − Ā)⁻¹ ȳ``: the loss falls on the supplier
      and its own supply chain.

    Losses are measured against the model's own output. Only |S| rows change, so
    ``x̄`` comes from the cached LU by the Woodbury identity (|S| extra solves).
    """
    if model not in ("supply", "demand"):
        raise SelectionError(f"model must be 'supply' (Ghosh, forward) or 'demand' (Leontief, backward), not {model!r}")
    S = node_positions(mrio, region, as_list(sector), "supplier")
    if buyers is None:
        buy = [r for r in map(str, mrio.regions) if r != region] if sector is None else list(map(str, mrio.regions))
    else:
        buy = regions_of(mrio, buyers, "buyer region")
    p = _parts(mrio)
    col_in = np.isin(p.row_region, buy)
    k = S.size
    if model == "supply":
        g = ghosh(mrio)
        x_before = g.solve_transposed(p.v * mrio.x)               # x' = w'G (= x)
        W = _allocation_rows(mrio, S) * col_in[None, :]           # removed allocation coefficients, k × n
        P = g.solve_transposed(W.T)                               # (I − B)⁻ᵀ Wᵀ
        x_after = x_before - P @ np.linalg.solve(np.eye(k) + P[S], x_before[S])
    else:
        f = leontief(mrio)
        y = p.y.copy()
        if final_demand:
            y[S] -= mrio.Y[S][:, np.isin(p.fd_region, buy)].sum(axis=1)
        W = p.dense_rows(S) * col_in[None, :]                     # removed input coefficients, k × n
        U = np.zeros((mrio.n, k))
        U[S, np.arange(k)] = 1.0
        BU, By = f.solve(U), f.solve(y)
        x_after = By - BU @ np.linalg.solve(np.eye(k) + W @ BU, W @ By)
        x_before = f.solve(p.y)
    va_b, va_a = p.v * x_before, p.v * x_after
    sec = pd.DataFrame({"output": x_before, "output_after": x_after, "value_added": va_b,
                        "value_added_after": va_a}, index=mrio.index)
    sec["output_loss"] = sec["output"] - sec["output_after"]
    sec["value_added_loss"] = sec["value_added"] - sec["value_added_after"]
    reg = sec.groupby(level=REGION, sort=False).sum()
    reg["value_added_loss_share"] = reg["value_added_loss"] / reg["value_added"].where(reg["value_added"] > 0)
    reg = reg.sort_values("value_added_loss", ascending=False)
    label = f"{region}" + (f" {'+'.join(as_list(sector))}" if sector is not None else "")
    u = mrio.unit
    _units(reg, {c: (u if c != "value_added_loss_share" else "share") for c in reg.columns})
    return Extraction(label, tuple(buy), u, reg, sec)


def supplier_dependence(mrio: MRIO, region: str, top: int | None = None) -> pd.DataFrame:
    """The foreign country-sectors a region depends on most, ranked by the value added the
    region would lose if each of them alone stopped supplying it (supply-side extraction).

    For each foreign supplier *i*, its allocation coefficients ``b_ij`` to the region's
    sectors *j ∈ c* are removed (the ``model="supply"`` extraction of
    :func:`hypothetical_extraction`, buyers = *c*). With ``M = (I − B)ᵀ`` and
    ``w_i`` the removed row, Sherman–Morrison gives
    ``x̄ = x − M⁻¹ w_i · x_i / (1 + (M⁻¹ w_i)_i)``; ``w_i`` is nonzero only on *c*'s
    N sectors, so ``M⁻¹ w_i = Q w_i`` with ``Q = M⁻¹[:, c]`` — N solves rank every
    supplier at once instead of one extraction each. Columns: ``exports_to_region``
    (direct sales to *c*, intermediate and final), ``value_added_loss`` of *c* (at
    unchanged value-added ratios) and its share of *c*'s value added,
    ``output_loss`` of *c*, and ``world_value_added_loss``.
    """
    C = region_positions(mrio, region)
    p = _parts(mrio)
    g = ghosh(mrio)
    n = mrio.n
    x = g.solve_transposed(p.v * mrio.x)
    Uc = np.zeros((n, C.size))
    Uc[C, np.arange(C.size)] = 1.0
    Q = g.solve_transposed(Uc)                                   # M⁻¹[:, c], n × N
    Wc = mrio.Z[:, C]
    Wc = (Wc.toarray() if sp.issparse(Wc) else np.asarray(Wc)) * safe_reciprocal(mrio.x)[:, None]  # b_ij, j ∈ c
    psi = np.einsum("ij,ij->i", Q, Wc)                           # (Q w_i)_i
    scale = x / (1.0 + psi)
    mask = np.zeros(n)
    mask[C] = 1.0
    va_c = ((p.v * mask) @ Q) @ Wc.T                             # (v∘1_c)' Q w_i for every i
    out_c = (mask @ Q) @ Wc.T
    world = (p.v @ Q) @ Wc.T
    gdp_c = float((p.v * x)[C].sum())
    y_ic = mrio.Y[:, p.fd_region == region].sum(axis=1)
    direct = np.asarray(mrio.Z[:, C].sum(axis=1)).reshape(-1) + y_ic
    df = pd.DataFrame({"name": [mrio.sector_label(s) for s in mrio.index.get_level_values(SECTOR)],
                       "exports_to_region": direct, "value_added_loss": va_c * scale,
                       "value_added_loss_share": va_c * scale / gdp_c, "output_loss": out_c * scale,
                       "world_value_added_loss": world * scale}, index=mrio.index)
    df = df[p.row_region != region].sort_values("value_added_loss", ascending=False)
    df.index = df.index.set_names(["supplier_region", "supplier_sector"])
    u = mrio.unit
    _units(df, {c: (u if c not in ("name", "value_added_loss_share") else "share") for c in df.columns})
    return df.head(top) if top else df


# ----------------------------------------------------------------------------- indicator set, time series
@dataclass(frozen=True)
class GVCIndicators:
    """The full indicator set of one table (every country and country-sector)."""

    year: int | None
    countries: pd.DataFrame      # export decomposition, VAX, participation by country
    sectors: pd.DataFrame        # export decomposition and participation by country-sector
    origins: ProductOrigins      # value added by origin in each final product
    position: pd.DataFrame       # upstreamness, downstreamness

    def table(self) -> pd.DataFrame:
        """One row per country-sector: decomposition, participation, position, foreign VA share."""
        t = self.sectors.join(self.position)
        t["fva_share_final_output"] = self.origins.foreign_share
        return t


def gvc_indicators(mrio: MRIO, inventories: str | None = None) -> GVCIndicators:
    """Every value-added-trade, GVC-income and position indicator for all countries of a table."""
    return GVCIndicators(mrio.year, export_decomposition(mrio, "country"), export_decomposition(mrio, "sector"),
                         final_output_origin(mrio), chain_position(mrio, inventories))


def _exposure_by_country(mrio: MRIO, region: str, sector: str | Sequence[str], threshold: float = 0.5):
    return supply_chain_exposure(mrio, region, sector, threshold).by_country


def _origin_shares(mrio: MRIO, region: str | Sequence[str] | None = None):
    return final_output_origin(mrio, region).shares


def _indicator_table(mrio: MRIO, inventories: str | None = None):
    return gvc_indicators(mrio, inventories).table()


INDICATORS: dict[str, Callable[..., Any]] = {
    "decomposition": export_decomposition,
    "origin": _origin_shares,
    "position": chain_position,
    "exposure": _exposure_by_country,
    "dependence": supplier_dependence,
    "indicators": _indicator_table,
}


def _run_year(dataset: str, year: int, fn: Callable[..., Any], kwargs: dict) -> Any:
    from industwin.data.registry import load
    return fn(load(dataset, year), **kwargs)


def over_years(indicator: str | Callable[..., Any], years: Iterable[int] | None = None, dataset: str = "wiod2013",
               scheduler: Any = None, progress: Callable[[int], None] | None = None, **kwargs: Any) -> Any:
    """Any indicator over the years of a dataset, stacked with an outer ``year`` level.

    ``indicator`` is a name in :data:`INDICATORS` (``decomposition``, ``origin``,
    ``position``, ``exposure``, ``dependence``, ``indicators``) or a function
    ``f(mrio, **kwargs)`` returning a labelled Series / DataFrame (or anything:
    then a dict year → result is returned). ``kwargs`` go to the indicator.

    ``scheduler``: ``None`` runs year by year in this process (``progress(year)``
    is called after each); ``"threads"`` / ``"processes"`` use Dask's local
    schedulers; ``"distributed"`` starts a Dask ``LocalCluster`` for the call;
    a ``dask.distributed.Client`` runs on its cluster unchanged (the workers must
    see the same ``INDUSTWIN_DATA``). Each year is loaded and solved independently.
    """
    from industwin.data.registry import DATASETS
    key = str(dataset).lower()
    if key not in DATASETS:
        raise SelectionError(f"unknown dataset {dataset!r}. Fix: choose one of {sorted(DATASETS)}")
    ys = check_years(years, DATASETS[key].years, key)
    if isinstance(indicator, str):
        if indicator not in INDICATORS:
            raise SelectionError(f"unknown indicator {indicator!r}. Fix: choose one of {sorted(INDICATORS)}")
        fn = INDICATORS[indicator]
    else:
        fn = indicator
    if scheduler is None:
        results = []
        for y in ys:
            results.append(_run_year(key, y, fn, kwargs))
            if progress is not None:
                progress(y)
    else:
        results = _dask_map(key, ys, fn, kwargs, scheduler)
    if all(isinstance(r, pd.Series | pd.DataFrame) for r in results):
        return pd.concat(results, keys=ys, names=["year"])
    return dict(zip(ys, results))


def _dask_map(dataset: str, years: list[int], fn: Callable, kwargs: dict, scheduler: Any) -> list:
    try:
        import dask
    except ImportError as e:  # pragma: no cover - dask is a dependency
        raise SelectionError("parallel runs need dask: pip install 'dask[distributed]'") from e
    tasks = [dask.delayed(_run_year)(dataset, y, fn, kwargs) for y in years]
    if scheduler in ("threads", "synchronous"):
        return list(dask.compute(*tasks, scheduler=scheduler))
    if scheduler == "processes":
        with one_blas_thread_per_process():
            return list(dask.compute(*tasks, scheduler="processes", num_workers=min(len(years), os.cpu_count() or 1)))
    with dask_client(scheduler, min(len(years), os.cpu_count() or 1)) as client:
        return list(client.gather(client.compute(tasks)))


# ----------------------------------------------------------------------------- one economy, over the years
@dataclass(frozen=True)
class EconomyValueChains:
    """Value-chain view of one economy over several years (see :func:`economy_value_chains`).

    * ``origins`` — value added by origin region in the final output of the economy's
      main manufactured products and of all its manufactured products together,
      indexed by (year, product), in ``unit``;
    * ``trade`` — the export decomposition, VAX ratio and GVC participation by year;
    * ``exposure`` / ``position`` / ``dependence`` — for the last year: the tier-n
      exposure of ``product``, the position of each of the economy's sectors next to
      the world median of the same sector, and the foreign suppliers it depends on most.
    """

    region: str
    product: str
    products: tuple[str, ...]
    years: tuple[int, ...]
    unit: str
    sector_names: dict
    origins: pd.DataFrame
    trade: pd.DataFrame
    exposure: Exposure
    position: pd.DataFrame
    dependence: pd.DataFrame


ALL_MANUFACTURES = "all manufactures"


def _economy_year(mrio: MRIO, region: str, manufacturing: list[str], products: list[str]) -> dict:
    va = final_output_origin(mrio, region).value_added.xs(region, level=REGION)
    manu = [s for s in manufacturing if s in va.index]
    rows = {p: va.loc[p] for p in products}
    rows[ALL_MANUFACTURES] = va.loc[manu].sum()
    origins = pd.DataFrame(rows).T
    origins.index.name = "product"
    return {"origins": origins, "trade": export_decomposition(mrio).loc[region]}


def economy_value_chains(region: str, product: str | None = None, years: Iterable[int] | None = None,
                         dataset: str = "wiod2013", threshold: float = 0.5, scheduler: Any = None,
                         progress: Callable[[int], None] | None = None) -> EconomyValueChains:
    """Everything the value-chain page shows for one economy, over the years of a dataset.

    ``product`` (a sector code; default: the economy's largest manufactured final
    product in the last year) is the product whose tier-n exposure and value flows
    are traced. The years run in sequence (``progress(year)`` after each) or on Dask
    (``scheduler``, as in :func:`over_years`).
    """
    from industwin.analysis.profile import manufacturing_sectors
    from industwin.data.registry import DATASETS, load

    key = str(dataset).lower()
    if key not in DATASETS:
        raise SelectionError(f"unknown dataset {dataset!r}. Fix: choose one of {sorted(DATASETS)}")
    ys = sorted(check_years(years, DATASETS[key].years, key))
    last = load(key, ys[-1])
    regions_of(mrio=last, regions=region)
    check_share(threshold, "threshold")
    manu = manufacturing_sectors(last)
    if product is not None:
        node_positions(last, region, [product], "product")
    rows = region_positions(last, region)
    final_output = pd.Series(last.Y[rows].sum(axis=1), index=last.index[rows].get_level_values(SECTOR))
    largest = list(final_output[[s for s in manu if s in final_output.index]].nlargest(3).index)
    products = list(dict.fromkeys([product, *largest]))[:3] if product is not None else largest
    product = product or products[0]
    earlier = [y for y in ys if y != ys[-1]]
    res = over_years(_economy_year, earlier, key, scheduler=scheduler, progress=progress, region=region,
                     manufacturing=manu, products=products) if earlier else {}
    res = dict(res)
    res[ys[-1]] = _economy_year(last, region, manu, products)
    if progress is not None:
        progress(ys[-1])
    origins = pd.concat({y: res[y]["origins"] for y in ys}, names=["year"]).fillna(0.0)
    origins.columns.name = ORIGIN
    trade = pd.DataFrame({y: res[y]["trade"] for y in ys}).T
    trade.index.name = "year"
    pos = chain_position(last)
    world_median = pos.groupby(level=SECTOR).median()
    mine = pos.xs(region, level=REGION)
    mine = mine.join(world_median.add_prefix("world_median_"))
    mine.insert(0, "name", [last.sector_label(s) for s in mine.index])
    return EconomyValueChains(region, product, tuple(products), tuple(ys), last.unit, dict(last.sector_names),
                              origins, trade, supply_chain_exposure(last, region, product, threshold),
                              mine.sort_values("upstreamness", ascending=False),
                              supplier_dependence(last, region, top=25))
