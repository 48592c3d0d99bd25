"""A world decarbonisation lens: carbon prices by region, with and without a border carbon adjustment (BCA).

On a multi-regional table with a CO2 satellite, every region ``r`` may price its producers' direct emissions at
``τ_r`` (currency per tonne CO2). Notation: ``x`` gross output, ``A = Z x̂⁻¹``, ``L = (I − A)⁻¹``, ``d`` direct
emission intensity (t CO2 per currency unit of output), ``m' = d'L`` total (supply-chain) intensity.

**Cost push** (Leontief price model, Miller & Blair 2009 §2.6.3; full pass-through, no change in quantities or
technology). The carbon cost per unit of output of a priced producer is ``Δv_i = τ_{r(i)} d_i``; it is passed on
along the chain::

    Δp' = Δv' L            (solved by :func:`industwin.core.leontief.cost_push`)

``Δp_i`` is the relative price change of product *i* (prices are 1 in the base year of a value table).

**Border carbon adjustment** (CBAM-like, after Regulation (EU) 2023/956). A bloc ``B`` with a BCA charges the
imports of covered products *i* (from a region outside ``B``) into its member ``c``, per currency unit::

    b_{i→c} = max(0, τ_c e_i − paid_i)              (deduct_origin_price, Art. 9 of the regulation)
    b_{i→c} = τ_c e_i                              (without the deduction)

with the *embodied* emissions ``e_i = m_i`` (``basis: total``: the exporter's supply-chain multiplier, an upper
bound of the regulation's embedded emissions: direct emissions plus, for cement and fertilisers, those of the
electricity used, plus the precursors of complex goods) or ``e_i = d_i`` (``basis: direct``: the producer's own
emissions, as for iron, steel and aluminium); the carbon price already paid is ``paid_i = Δp⁰_i`` (the carbon
cost embodied in the product by every price along its chain, without the BCA) for the total basis, and
``τ_{r(i)} d_i`` for the direct basis. Trade inside a bloc is exempt. The charge is a cost of the importing
sectors: ``Δv^B_j = Σ_i b_{i→c(j)} a_ij`` for ``j`` in ``c``, and with the BCA ``Δp' = (Δv + Δv^B)' L``. Charges
on final-demand imports raise consumer prices, not sector prices. The covered products are the WIOD 2013
sectors holding the CBAM goods of Annex I (:data:`CBAM_SECTORS_WIOD13`), each sector charged whole.

**Leakage exposure** of a bloc's sector *s* (summed over the bloc's members, as the EU does for the EEA):

* trade intensity with third countries (Directive 2003/87/EC Art. 10b(1), as amended by Directive (EU) 2018/410;
  also the 10 % test of Art. 10a(15) of Directive 2009/29/EC): ``TI_s = (X_s + M_s) / (x_s + M_s)``, ``X``
  exports out of the bloc, ``M`` imports from outside it;
* emission intensity ``EI_s`` = (direct + indirect emissions from purchased electricity) in kg CO2 per EUR of
  gross value added, and the **carbon leakage indicator** ``TI_s × EI_s``, "at risk" above 0.2 (Art. 10b(1);
  Commission Delegated Decision (EU) 2019/708, the 2021–2030 carbon leakage list);
* import penetration ``M_s / (h_s + M_s)`` (``h`` the bloc producers' sales inside the bloc) and export share
  ``X_s / x_s``: the shares of the home market and of output that compete with producers outside the bloc;
* the **cost-push gap** — the carbon-cost differential (Reinaud 2008, IEA; Branger & Quirion 2014, *Ecol. Econ.*
  99:29): how much more a bloc producer's price rises than it would if its own embodied emissions were priced at
  the *effective carbon price its competitors pay*. In the home market the competitors are the imports from
  outside the bloc, whose effective price per tonne is their carbon cost landed in the bloc (``Δp + b``) over
  their embodied emissions, import-weighted: ``τ^H_s = Σ M_{k→B} (Δp_k + b_k) / Σ M_{k→B} m_k`` over the
  producers ``k`` of product *s* outside the bloc; in an export market ``q`` the competitor is ``q``'s own
  producer of *s*: ``τ^X_i = Σ_q X_{i→q} Δp_{q,s} / Σ_q X_{i→q} m_{q,s}``. Then::

      gap^H_i = Δp_i − m_i τ^H_s,    gap^X_i = Δp_i − m_i τ^X_i,
      gap_i   = (h_i gap^H_i + X_i gap^X_i) / (h_i + X_i)        (sales-weighted; a market without
                                                                  foreign competitors counts as no gap)

  With one carbon price everywhere every effective price equals it and every gap is 0, whatever the
  intensities: the gap isolates the *policy* asymmetry that causes leakage, not the intensity differences a carbon
  price is meant to reward. The raw price difference against the imports (``price_gap_home``: ``Δp_i`` minus the
  import-weighted landed ``Δp + b``) is reported beside it;
* a sector is **exposed** by the combined test of the EU ETS for 2013–2020 (Directive 2003/87/EC Art. 10a(15),
  as amended by Directive 2009/29/EC), with the cost gap as the additional cost: the gap times the sector's
  sales is at least 5 % of its gross value added (``gap_gva``, ``cost_threshold_pct``) and its trade intensity
  at least 10 % (``trade_threshold``). (The cost-alone test of Art. 10a(16), 30 % of GVA, is left out: it
  would class electricity — 3 % trade intensity in the EU — as exposed, which the ETS itself did not.) The
  jobs in exposed sectors are counted with and without the BCA; the jobs in sectors above the 2021–2030
  leakage indicator ("at risk") beside them.

Every quantity is linear in the prices (the BCA's ``max(0, ·)`` is positively homogeneous), so doubling every
price doubles cost pushes, charges and gaps; a zero price gives zeros.

References: Miller, R.E. & Blair, P.D. (2009) *Input–Output Analysis*, 2nd ed., §2.6 (price model), §10
(environmental extensions); Regulation (EU) 2023/956 establishing a carbon border adjustment mechanism (Annex I:
goods; Art. 7 and Annex IV: embedded emissions; Art. 9: carbon price paid in the country of origin); Directive
2003/87/EC Art. 10b; Delegated Decision (EU) 2019/708; Böhringer, Balistreri & Rutherford (2012) *Energy Econ.*
34:S97 (EMF 29 on BCAs).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from industwin.core.accounts import satellite_multipliers
from industwin.core.leontief import cost_push, safe_reciprocal
from industwin.data.concordance import EU27_2007
from industwin.data.mrio import MRIO, Satellite
from industwin.data.units import (
    _T_PER,  # noqa: F401  (scenario checks name the known units)
    money_unit,
    tonnes_per_unit,
)
from industwin.data.units import persons_per_unit as _people_per_unit
from industwin.errors import SelectionError, plain_list

__all__ = ["CBAM_SECTORS_WIOD13", "GROUPS", "OPTIONAL_SECTORS_WIOD13", "Bloc", "BorderResult", "carbon_border",
           "money_unit", "tonnes_per_unit"]

DOC = "docs/carbon_border.md"

# The CBAM goods of Annex I of Regulation (EU) 2023/956 and the WIOD 2013 (ISIC Rev.3) sector holding each. The
# sectors are wider than the goods (c9 holds all chemicals, c12 fabricated metal products too, c17 gas and water
# too), so charging the whole sector is an upper bound of the regulation's scope.
CBAM_SECTORS_WIOD13 = {
    "c9": "fertilisers (ammonia, nitric acid, urea, mixed fertilisers; CN 2808, 2814, 3102, 3105) and hydrogen "
          "(CN 2804 10) — in Chemicals and chemical products",
    "c11": "cement and clinker (CN 2507, 2523) — in Other non-metallic mineral products",
    "c12": "iron and steel (CN 72, most of 73) and aluminium (CN 76) — in Basic metals and fabricated metal",
    "c17": "electricity (CN 2716) — in Electricity, gas and water supply",
}
# Not in Annex I; candidates the Commission reviews (Art. 30: organic chemicals, polymers, downstream goods) or
# that analysts add: refined fuels.
OPTIONAL_SECTORS_WIOD13 = {"c8": "coke and refined petroleum products (not CBAM goods; an option)"}
GROUPS = {"EU27": EU27_2007}          # the 27 EU members of 2007–2013, WIOD codes (Romania is ROM)

@dataclass(frozen=True)
class Bloc:
    """Regions that price carbon together: trade among them is exempt from their border adjustment and their
    leakage exposure is measured against everyone else."""

    name: str
    regions: tuple[str, ...]
    border_adjustment: bool = False


@dataclass
class BorderResult:
    """What :func:`carbon_border` computes (money in the table's unit, emissions in kt CO2, shares in %).

    * ``sectors`` — every (region, sector): price per t, output, emissions, direct and total intensity (t CO2
      per million of the table's currency), cost push without / with the BCA (%), the carbon price already paid
      and the BCA charge rate on its exports (%).
    * ``regions`` — every region: price, priced emissions, carbon revenue, output-weighted and final-demand
      (consumer) price rises without / with the BCA, the BCA its importers pay and its exporters carry.
    * ``border`` — (bloc, exporter, sector): exports to the bloc, embodied emissions, carbon price paid at
      origin, charge rate and charge.
    * ``exporters`` — (bloc, exporter): the charge over all its exports to the bloc and over the covered ones.
    * ``exposure`` — (bloc, sector): trade intensity, import penetration, export share, emission intensity
      (kg CO2 / EUR GVA), leakage indicator, cost push, gaps and exposure without / with the BCA, jobs.
    * ``exposure_members`` — the same per member (region, sector) where defined per member.
    * ``blocs`` — per bloc: price, revenue, charges, jobs at risk and exposed without / with the BCA.
    """

    sectors: pd.DataFrame
    regions: pd.DataFrame
    border: pd.DataFrame
    exporters: pd.DataFrame
    exposure: pd.DataFrame
    exposure_members: pd.DataFrame
    blocs: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)


def _indicator(labels: pd.Index, order: pd.Index) -> sp.csr_array:
    """``labels`` (one per row) × ``order`` 0/1 matrix."""
    pos = order.get_indexer(labels)
    return sp.csr_array((np.ones(len(labels)), (np.arange(len(labels)), pos)), shape=(len(labels), len(order)))


def _wmean(v: np.ndarray, w: np.ndarray) -> float:
    ok = np.isfinite(v) & (w > 0)
    return float((v[ok] * w[ok]).sum() / w[ok].sum()) if ok.any() and w[ok].sum() > 0 else float("nan")


def carbon_border(mrio: MRIO, prices: dict[str, float], blocs: list[Bloc] | None = None,
                  covered: list[str] | tuple[str, ...] = tuple(CBAM_SECTORS_WIOD13), basis: str = "total",
                  deduct_origin_price: bool = True, satellite: str = "co2", stressor: str | None = None,
                  jobs: str | None = "employment", jobs_stressor: str = "persons",
                  priced_sectors: list[str] | None = None, electricity: list[str] | tuple[str, ...] = ("c17",),
                  usd_per_eur: float | None = None, trade_threshold: float = 0.10, cost_threshold_pct: float = 5.0,
                  indicator_threshold: float = 0.2) -> BorderResult:
    """Carbon prices by region and their border adjustment, through the price model (see the module docstring).

    ``prices`` maps region → price per tonne CO2 in the table's currency (regions left out: 0). ``blocs`` group
    priced regions (default: each priced region alone, without a BCA); a bloc with ``border_adjustment`` charges
    its imports of the ``covered`` sectors (codes). ``usd_per_eur`` converts value added to EUR for the EU
    leakage indicator when the table is in USD.
    """
    if basis not in ("total", "direct"):
        raise SelectionError(f"basis {basis!r}: choose 'total' or 'direct'")
    idx = mrio.index
    reg = pd.Index(idx.get_level_values(0).astype(str))
    sec = pd.Index(idx.get_level_values(1).astype(str))
    regions = pd.Index(pd.unique(reg))
    unknown = [r for r in prices if r not in regions]
    if unknown:
        raise SelectionError(f"prices for regions the table does not have: {plain_list(unknown)}. Fix: use its "
                             f"codes, e.g. {plain_list(regions[:6])}")
    bad = {r: p for r, p in prices.items() if not (np.isfinite(p) and p >= 0)}
    if bad:
        raise SelectionError(f"carbon prices must be finite and ≥ 0, not {plain_list(bad.values())} (for "
                             f"{plain_list(bad)}). Fix: give each region a price of 0 or more")
    blocs = list(blocs) if blocs is not None else [Bloc(r, (r,)) for r, p in prices.items() if p > 0]
    codes = set(sec)
    for what, lst in (("covered", covered), ("electricity", electricity), ("priced_sectors", priced_sectors or [])):
        miss = [c for c in lst if c not in codes]
        if miss:
            raise SelectionError(f"{what}: sectors {plain_list(miss)} are not in the table. Fix: use its codes, "
                                 f"e.g. {plain_list(sorted(codes)[:6])}")
    seen: dict[str, str] = {}
    for bl in blocs:
        for r in bl.regions:
            if r not in regions:
                raise SelectionError(f"bloc {bl.name!r}: region {r!r} is not in the table")
            if r in seen:
                raise SelectionError(f"region {r!r} is in two blocs ({seen[r]!r} and {bl.name!r}). Fix: list it once")
            seen[r] = bl.name

    n = mrio.n
    x = np.asarray(mrio.x, float)
    rx = safe_reciprocal(x)
    scale, currency = money_unit(mrio.unit)
    sat = mrio.satellite(satellite)
    st = sat.stressors[0] if stressor is None else stressor
    if st not in sat.stressors:
        raise SelectionError(f"satellite {satellite!r} has no stressor {st!r} (has {plain_list(sat.stressors)})")
    row = int(sat.stressors.get_loc(st))
    em_unit = sat.units[row]
    t_per = tonnes_per_unit(em_unit)
    F = np.asarray(sat.F[row], float)
    notes = list(sat.caveats()) if hasattr(sat, "caveats") else []
    gaps = dict(getattr(sat, "gaps", {}) or {})
    if gaps or not np.isfinite(F).all():
        missing = sorted(set(reg[~np.isfinite(F)]))
        raise SelectionError(f"satellite {satellite!r} has no data for {plain_list(missing or list(gaps))}: a carbon "
                             "price needs every producer's emissions. Fix: give those regions' emissions")
    one = Satellite(f"{satellite}:{st}", F[None, :], [str(st)], em_unit)
    kt = t_per / 1e3                                         # kt per unit of the account
    tpc = t_per / scale                                      # t per currency unit = F-unit per table unit × this
    d = F * rx * tpc                                          # t CO2 per currency unit of output
    if satellite in mrio.satellites and len(sat.stressors) == 1:
        M = satellite_multipliers(mrio, satellite).to_numpy()[0]
    else:
        M = satellite_multipliers(mrio, one).to_numpy()[0]
    m = M * tpc                                               # total t CO2 per currency unit of final product

    tau_r = pd.Series({r: float(prices.get(r, 0.0)) for r in regions})
    tau = tau_r.reindex(reg).to_numpy()                       # price of each row's region
    priced = np.ones(n, bool) if priced_sectors is None else np.asarray(sec.isin(list(priced_sectors)))
    dv0 = np.where(priced, tau * d, 0.0)
    dp0 = cost_push(mrio, pd.Series(dv0, index=idx)).to_numpy()

    # sales of every row to each region (intermediate + final), and the intermediate part alone
    Rz = _indicator(reg, regions)
    fd_reg = pd.Index(mrio.fd_index.get_level_values(0).astype(str))
    Ry = _indicator(fd_reg, regions)
    Z = mrio.Z
    sales_Z = np.asarray(Z @ Rz) if not sp.issparse(Z) else (Z @ Rz).toarray()
    sales = sales_Z + np.asarray(mrio.Y @ Ry)                 # n × regions
    fd_to = np.clip(np.asarray(mrio.Y), 0, None) @ Ry          # final demand (inventory falls left out)
    fd_to = np.asarray(fd_to)

    # ---- border adjustment: per-unit charge on each row's sales to each member of a bloc with a BCA
    e = m if basis == "total" else d
    paid = dp0 if basis == "total" else dv0
    cov = np.asarray(sec.isin(list(covered)))
    b = np.zeros((n, len(regions)))                           # charge per currency unit, row → importing region
    for bl in blocs:
        if not bl.border_adjustment:
            continue
        outside = ~np.asarray(reg.isin(list(bl.regions)))
        for c in bl.regions:
            k = regions.get_loc(c)
            gross = tau_r[c] * e
            rate = np.maximum(0.0, gross - paid) if deduct_origin_price else gross
            b[:, k] = np.where(outside & cov, rate, 0.0)
    charge = b * sales                                        # table units, row → importing region
    # the importers' cost: Δv^B_j = Σ_i b_{i→c(j)} z_ij / x_j
    col_region = regions.get_indexer(reg)
    dvB = np.zeros(n)
    if b.any():
        for k in np.flatnonzero(b.any(axis=0)):
            cols = np.flatnonzero(col_region == k)
            dvB[cols] = np.asarray(Z.T @ b[:, k]).reshape(-1)[cols] * rx[cols]
    dp1 = cost_push(mrio, pd.Series(dv0 + dvB, index=idx)).to_numpy() if dvB.any() else dp0.copy()
    any_bca = any(bl.border_adjustment for bl in blocs)

    # ---- sectors
    sectors = pd.DataFrame({
        "price_per_t": tau, "priced": priced & (tau > 0), "output": x, "emissions_kt": F * kt,
        "direct_t_per_M": d * 1e6, "total_t_per_M": m * 1e6,
        "cost_push_pct": 100 * dp0, "cost_push_bca_pct": 100 * dp1,
        "paid_at_origin_pct": 100 * paid,
    }, index=idx)

    # ---- regions
    Yw = fd_to
    land0 = dp0[:, None] * Yw
    land1 = (dp1[:, None] + b) * Yw
    fd_tot = Yw.sum(axis=0)
    out_r = np.asarray(Rz.T @ x)
    reg_df = pd.DataFrame({
        "price_per_t": tau_r.to_numpy(),
        "emissions_kt": np.asarray(Rz.T @ (F * kt)),
        "priced_emissions_kt": np.asarray(Rz.T @ np.where(priced, F * kt, 0.0)),
        "carbon_revenue": np.asarray(Rz.T @ (dv0 * x)),
        "cost_push_pct": 100 * np.asarray(Rz.T @ (dp0 * x)) / np.where(out_r > 0, out_r, np.nan),
        "cost_push_bca_pct": 100 * np.asarray(Rz.T @ (dp1 * x)) / np.where(out_r > 0, out_r, np.nan),
        "consumer_price_pct": 100 * land0.sum(axis=0) / np.where(fd_tot > 0, fd_tot, np.nan),
        "consumer_price_bca_pct": 100 * land1.sum(axis=0) / np.where(fd_tot > 0, fd_tot, np.nan),
        "bca_paid_by_importers": charge.sum(axis=0),
        "bca_on_exports": np.asarray(Rz.T @ charge.sum(axis=1)),
    }, index=pd.Index(regions, name="region"))
    top = pd.Series(dp1 if any_bca else dp0, index=idx).groupby(level=0, sort=False).idxmax()
    reg_df["largest_cost_push_sector"] = [top[r][1] if r in top.index else "" for r in regions]

    # ---- border charges by exporter
    brows, erows = [], []
    sector_pos = {}
    for bl in blocs:
        if not bl.border_adjustment:
            continue
        ks = regions.get_indexer(list(bl.regions))
        outside = ~np.asarray(reg.isin(list(bl.regions)))
        exp_to = sales[:, ks].sum(axis=1)
        ch = charge[:, ks].sum(axis=1)
        emb = e * exp_to * scale / 1e3                       # kt embodied in the exports to the bloc
        for i in np.flatnonzero(outside & cov & (exp_to > 0)):
            brows.append((bl.name, reg[i], sec[i], exp_to[i], emb[i], 100 * paid[i], 100 * ch[i] / exp_to[i], ch[i]))
        for r in regions[~regions.isin(list(bl.regions))]:
            rows = np.asarray(reg == r)
            tot, cv = exp_to[rows].sum(), exp_to[rows & cov].sum()
            erows.append((bl.name, r, tot, cv, emb[rows & cov].sum(), ch[rows].sum(),
                          100 * ch[rows].sum() / cv if cv > 0 else np.nan,
                          100 * ch[rows].sum() / tot if tot > 0 else np.nan))
        sector_pos[bl.name] = ks
    border = pd.DataFrame(brows, columns=["bloc", "exporter", "sector", "exports_to_bloc", "embodied_kt",
                                          "paid_at_origin_pct", "charge_rate_pct", "charge"])
    border = border.set_index(["bloc", "exporter", "sector"]).sort_values("charge", ascending=False)
    exporters = pd.DataFrame(erows, columns=["bloc", "exporter", "exports_to_bloc", "covered_exports",
                                             "embodied_kt", "charge", "charge_pct_of_covered",
                                             "charge_pct_of_exports"])
    exporters = exporters.set_index(["bloc", "exporter"]).sort_values("charge", ascending=False)

    # ---- leakage exposure of each bloc's sectors
    persons, jobs_note = None, None
    if jobs is not None and jobs in mrio.satellites:
        js = mrio.satellites[jobs]
        if jobs_stressor not in js.stressors:
            raise SelectionError(f"satellite {jobs!r} has no stressor {jobs_stressor!r} (has "
                                 f"{plain_list(js.stressors)})")
        jr = int(js.stressors.get_loc(jobs_stressor))
        persons = np.asarray(js.F[jr], float) * _people_per_unit(js.units[jr])
        for r, why in dict(getattr(js, "gaps", {}) or {}).items():
            notes.append(f"{r}: no employment data ({why}); left out of every jobs count, never counted as 0")
    elif jobs is not None:
        jobs_note = f"the table has no {jobs!r} satellite: no jobs columns"
        notes.append(jobs_note)
    V = np.asarray(mrio.V, float).sum(axis=0)
    eur = 1.0 if currency == "EUR" else (1.0 / usd_per_eur if currency == "USD" and usd_per_eur else np.nan)
    if not np.isfinite(eur):
        notes.append(f"no EUR rate for a table in {currency}: the EU leakage indicator (kg CO2 per EUR of value "
                     "added) is not computed")
    el = np.asarray(sec.isin(list(electricity)))
    d_el = np.where(el, d, 0.0)
    indirect_t = np.asarray(Z.T @ d_el).reshape(-1) * scale   # t from purchased electricity (any origin)
    direct_t = F * t_per
    sectors_all = pd.Index(pd.unique(sec))

    ex_rows, mem_rows, bloc_rows = [], [], []
    for bl in blocs:
        ins = np.asarray(reg.isin(list(bl.regions)))
        ks = regions.get_indexer(list(bl.regions))
        home = sales[:, ks].sum(axis=1)                      # sales inside the bloc
        away = sales.sum(axis=1) - home                      # sales outside the bloc
        imports = np.where(~ins, home, 0.0)                  # rows outside the bloc: their sales into it
        # landed carbon cost per unit of imports into each member, weighted per member
        land_cost0 = np.where(~ins, dp0 * home, 0.0)
        land_cost1 = np.where(~ins, dp1 * home + (b[:, ks] * sales[:, ks]).sum(axis=1), 0.0)
        imp_em = imports * m
        Mi = pd.DataFrame({"imp": imports, "em": imp_em, "c0": land_cost0, "c1": land_cost1}).groupby(sec.to_numpy()).sum()
        tauH0 = (Mi["c0"] / Mi["em"].where(Mi["em"] > 0)).fillna(0.0)
        tauH1 = (Mi["c1"] / Mi["em"].where(Mi["em"] > 0)).fillna(0.0)
        has_imp = Mi["imp"] > 0
        # export markets: the local producer of the same product in each destination outside the bloc
        dp0_g = pd.Series(dp0, index=idx).unstack(0).reindex(index=sectors_all, columns=regions).fillna(0.0)
        dp1_g = pd.Series(dp1, index=idx).unstack(0).reindex(index=sectors_all, columns=regions).fillna(0.0)
        m_g = pd.Series(m, index=idx).unstack(0).reindex(index=sectors_all, columns=regions).fillna(0.0)
        out_cols = ~np.asarray(regions.isin(list(bl.regions)))
        mem = np.flatnonzero(ins)
        srow = sectors_all.get_indexer(sec[mem])
        Xq = sales[mem][:, out_cols]                          # exports by destination outside the bloc
        den = (Xq * m_g.to_numpy()[srow][:, out_cols]).sum(axis=1)
        num0 = (Xq * dp0_g.to_numpy()[srow][:, out_cols]).sum(axis=1)
        num1 = (Xq * dp1_g.to_numpy()[srow][:, out_cols]).sum(axis=1)
        tauX0 = np.divide(num0, den, out=np.zeros_like(num0), where=den > 0)
        tauX1 = np.divide(num1, den, out=np.zeros_like(num1), where=den > 0)
        has_exp = Xq.sum(axis=1) > 0
        hsec = has_imp.reindex(sec[mem]).to_numpy()
        gH0 = np.where(hsec, dp0[mem] - m[mem] * tauH0.reindex(sec[mem]).to_numpy(), np.nan)
        gH1 = np.where(hsec, dp1[mem] - m[mem] * tauH1.reindex(sec[mem]).to_numpy(), np.nan)
        gX0 = np.where(has_exp, dp0[mem] - m[mem] * tauX0, np.nan)
        gX1 = np.where(has_exp, dp1[mem] - m[mem] * tauX1, np.nan)
        h, X_ = home[mem], away[mem]
        tot = h + X_
        g0 = np.divide(h * np.nan_to_num(gH0) + X_ * np.nan_to_num(gX0), tot, out=np.full(len(mem), np.nan),
                       where=tot > 0)
        g1 = np.divide(h * np.nan_to_num(gH1) + X_ * np.nan_to_num(gX1), tot, out=np.full(len(mem), np.nan),
                       where=tot > 0)
        imp_s = Mi["imp"].reindex(sec[mem]).to_numpy()
        pr0 = (Mi["c0"] / Mi["imp"].where(has_imp)).reindex(sec[mem]).to_numpy()
        pr1 = (Mi["c1"] / Mi["imp"].where(has_imp)).reindex(sec[mem]).to_numpy()
        pm = persons[mem] if persons is not None else np.full(len(mem), np.nan)
        md = pd.DataFrame({
            "output": x[mem], "sales_in_bloc": h, "exports_out": X_, "jobs": pm,
            "cost_push_pct": 100 * dp0[mem], "cost_push_bca_pct": 100 * dp1[mem],
            "gap_home_pct": 100 * gH0, "gap_home_bca_pct": 100 * gH1,
            "gap_export_pct": 100 * gX0, "gap_export_bca_pct": 100 * gX1,
            "gap_pct": 100 * g0, "gap_bca_pct": 100 * g1,
            "price_gap_home_pct": 100 * (dp0[mem] - pr0), "price_gap_home_bca_pct": 100 * (dp1[mem] - pr1),
            "imports_of_product": imp_s,
        }, index=pd.MultiIndex.from_arrays([[bl.name] * len(mem), reg[mem], sec[mem]],
                                           names=["bloc", "region", "sector"]))
        mem_rows.append(md)
        # bloc-level sector aggregates (the EU measures trade and emission intensity for the EEA as a whole)
        key = sec[mem]
        agg = pd.DataFrame({"output": x[mem], "gva": V[mem], "direct_t": direct_t[mem],
                            "indirect_t": indirect_t[mem], "h": h, "X": X_,
                            "dp0x": dp0[mem] * x[mem], "dp1x": dp1[mem] * x[mem],
                            "gH0x": np.nan_to_num(gH0) * x[mem], "gH1x": np.nan_to_num(gH1) * x[mem],
                            "gX0X": np.nan_to_num(gX0) * X_, "gX1X": np.nan_to_num(gX1) * X_,
                            "g0t": np.nan_to_num(g0) * tot, "g1t": np.nan_to_num(g1) * tot, "tot": tot,
                            "p0x": np.nan_to_num(dp0[mem] - pr0) * x[mem], "p1x": np.nan_to_num(dp1[mem] - pr1) * x[mem],
                            "jobs": pm}).groupby(key, sort=False)
        S = agg.sum(min_count=1)
        S = S.reindex(pd.Index(pd.unique(key)))
        Ms = Mi["imp"].reindex(S.index).fillna(0.0)
        denom = S["output"] + Ms
        ti = ((S["X"] + Ms) / denom.where(denom > 0))
        gva_eur = S["gva"] * scale * eur
        ei = ((S["direct_t"] + S["indirect_t"]) * 1e3 / gva_eur.where(gva_eur > 0))
        out_pos = S["output"].where(S["output"] > 0)
        ex = pd.DataFrame({
            "output": S["output"], "jobs": S["jobs"], "emissions_kt": S["direct_t"] / 1e3,
            "indirect_kt": S["indirect_t"] / 1e3,
            "imports_from_outside": Ms, "exports_outside": S["X"],
            "trade_intensity": ti, "import_penetration": Ms / (S["h"] + Ms).where(S["h"] + Ms > 0),
            "export_share": S["X"] / out_pos,
            "emission_intensity_kg_per_eur": ei, "leakage_indicator": ti * ei,
            "cost_push_pct": 100 * S["dp0x"] / out_pos, "cost_push_bca_pct": 100 * S["dp1x"] / out_pos,
            "gap_home_pct": (100 * S["gH0x"] / out_pos).where(has_imp.reindex(S.index, fill_value=False)),
            "gap_home_bca_pct": (100 * S["gH1x"] / out_pos).where(has_imp.reindex(S.index, fill_value=False)),
            "gap_export_pct": (100 * S["gX0X"] / S["X"].where(S["X"] > 0)),
            "gap_export_bca_pct": (100 * S["gX1X"] / S["X"].where(S["X"] > 0)),
            "gap_pct": 100 * S["g0t"] / S["tot"].where(S["tot"] > 0),
            "gap_bca_pct": 100 * S["g1t"] / S["tot"].where(S["tot"] > 0),
            "price_gap_home_pct": (100 * S["p0x"] / out_pos).where(has_imp.reindex(S.index, fill_value=False)),
            "price_gap_home_bca_pct": (100 * S["p1x"] / out_pos).where(has_imp.reindex(S.index, fill_value=False)),
            "covered": S.index.isin(list(covered)) & bl.border_adjustment,
        })
        gva_pos = S["gva"].where(S["gva"] > 0)
        ex["gap_gva_pct"] = 100 * S["g0t"] / gva_pos
        ex["gap_gva_bca_pct"] = 100 * S["g1t"] / gva_pos
        ex["at_risk"] = ex["leakage_indicator"] > indicator_threshold
        trade_ok = ex["trade_intensity"] >= trade_threshold

        ex["exposed"] = trade_ok & (ex["gap_gva_pct"] >= cost_threshold_pct)
        ex["exposed_bca"] = trade_ok & (ex["gap_gva_bca_pct"] >= cost_threshold_pct) if bl.border_adjustment \
            else ex["exposed"]
        ex["jobs_exposed"] = ex["jobs"].where(ex["exposed"], 0.0).where(ex["jobs"].notna())
        ex["jobs_exposed_bca"] = ex["jobs"].where(ex["exposed_bca"], 0.0).where(ex["jobs"].notna())
        ex.index = pd.MultiIndex.from_arrays([[bl.name] * len(ex), ex.index], names=["bloc", "sector"])
        ex_rows.append(ex)
        no_jobs = [r for r in bl.regions if persons is not None and not np.isfinite(persons[np.asarray(reg == r)]).all()]
        bcharge = charge[:, ks].sum() if bl.border_adjustment else 0.0
        bloc_rows.append({
            "bloc": bl.name, "regions": len(bl.regions), "border_adjustment": bl.border_adjustment,
            "price_per_t_min": float(tau_r[list(bl.regions)].min()), "price_per_t_max": float(tau_r[list(bl.regions)].max()),
            "emissions_kt": float((F * kt)[ins].sum()),
            "carbon_revenue": float((dv0 * x)[ins].sum()), "bca_revenue": float(bcharge),
            "cost_push_pct": 100 * _wmean(dp0[ins], x[ins]), "cost_push_bca_pct": 100 * _wmean(dp1[ins], x[ins]),
            "jobs": float(np.nansum(pm)) if persons is not None else np.nan,
            "jobs_at_risk": float(ex["jobs"].where(ex["at_risk"], 0.0).sum()) if persons is not None else np.nan,
            "jobs_exposed": float(ex["jobs_exposed"].sum()) if persons is not None else np.nan,
            "jobs_exposed_bca": float(ex["jobs_exposed_bca"].sum()) if persons is not None else np.nan,
            "sectors_exposed": ", ".join(ex.index.get_level_values(1)[ex["exposed"].to_numpy()]),
            "sectors_exposed_bca": ", ".join(ex.index.get_level_values(1)[ex["exposed_bca"].to_numpy()]),
            "jobs_missing_for": ", ".join(no_jobs),
        })
    exposure = pd.concat(ex_rows) if ex_rows else pd.DataFrame()
    members = pd.concat(mem_rows) if mem_rows else pd.DataFrame()
    bloc_df = pd.DataFrame(bloc_rows).set_index("bloc") if bloc_rows else pd.DataFrame()

    # b by (exporting row) as the largest member's rate, for the sector table
    sectors["bca_rate_pct"] = 100 * b.max(axis=1)
    sectors["bca_charge"] = charge.sum(axis=1)
    for frame, u in ((sectors, mrio.unit), (reg_df, mrio.unit), (border, mrio.unit), (exporters, mrio.unit),
                     (exposure, mrio.unit), (members, mrio.unit), (bloc_df, mrio.unit)):
        frame.attrs["unit"] = u
    meta = {"currency": currency, "unit": mrio.unit, "emission_unit": em_unit, "basis": basis,
            "deduct_origin_price": deduct_origin_price, "covered": list(covered),
            "electricity": list(electricity), "trade_threshold": trade_threshold,
            "cost_threshold_pct": cost_threshold_pct,
            "indicator_threshold": indicator_threshold,
            "blocs": {bl.name: list(bl.regions) for bl in blocs}, "jobs": persons is not None, "bca": any_bca}
    return BorderResult(sectors, reg_df, border, exporters, exposure, members, bloc_df, notes, meta)
