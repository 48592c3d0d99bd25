"""Economic complexity on the world input–output table: RCA, ECI, PCI, proximity, density, COI and COG.

The method of the Atlas of Economic Complexity (Hidalgo & Hausmann 2009; Hausmann, Hidalgo et al. 2014, *The
Atlas of Economic Complexity*, technical box) applied to the exports of each economy by sector, which the world
table gives directly: for region *r* and sector *s*

    e_rs = Σ_{j ∉ r} Z[(r,s), j] + Σ_{c ∉ r} Y[(r,s), c]      (intermediate and final sales to other regions).

:func:`complexity_from_exports` is the core, for any location × product exports table; :func:`complexity` builds
the exports from an :class:`~industwin.data.mrio.MRIO` first. Conventions follow the ``ecomplexity`` package
(Growth Lab, PyPI 0.5.3) so that results agree with it cell by cell (tested to 1e-8):

* RCA_cp = (e_cp / Σ_p e_cp) / (Σ_c e_cp / Σ_cp e_cp) (Balassa 1965); M_cp = 1 if RCA_cp ≥ threshold (1).
* Diversity k_c = Σ_p M_cp, ubiquity k_p = Σ_c M_cp.
* The PCI eigenvector k_p solves (U⁻¹ Mᵀ D⁻¹ M) k_p = λ₂ k_p for the second-largest eigenvalue, and
  k_c = D⁻¹ M k_p (D = diag k_c, U = diag k_p); the sign makes corr(k_c, diversity) > 0. Then
  ECI = (k_c − mean k_c) / sd k_c and PCI = (k_p − mean k_c) / sd k_c — PCI is standardised with the *ECI's*
  mean and standard deviation (population sd), which keeps ECI_c = mean PCI of c's products.
* Proximity φ_pp' = Σ_c M_cp M_cp' / max(k_p, k_p') (Hidalgo et al. 2007); density
  ω_cp = Σ_p' M_cp' φ_pp' / Σ_p' φ_pp'.
* COI_c = Σ_p ω_cp (1 − M_cp) k_p, standardised over locations;
  COG_cp = (1 − M_cp) Σ_p' φ_pp' / (Σ_p'' φ_p'p'') (1 − M_cp') k_p' / sd k_c.
  As in ``ecomplexity`` (and its Stata original), COI and COG use the PCI eigenvector k_p before it is
  centred; COG is divided by the ECI's standard deviation only.

The eigenproblem is solved on the smaller side (locations or products) as a symmetric matrix
(D^-½ M U⁻¹ Mᵀ D^-½ or its product twin), so the cost is O(min(n_c, n_p)³) and no dense n_p × n_p
eigen-decomposition is needed. Proximity is n_p × n_p by nature: 10⁴ products take 800 MB in float64 —
``dtype=np.float32`` halves it (counts stay exact below 2²⁴ locations; results then agree to ~1e-5).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from industwin.data.mrio import MRIO, REGION, REST_OF_WORLD, SECTOR
from industwin.errors import SelectionError, plain_list

__all__ = ["ROW_CODES", "SCORING", "Complexity", "atlas_rank_correlation", "beside_atlas", "complexity",
           "complexity_from_exports", "mrio_exports", "opportunities", "over_years"]

ROW_CODES = REST_OF_WORLD
"""Region codes read as the rest of the world (not an economy): excluded as an exporter by default."""

SCORING: dict[str, dict[str, float]] = {
    "balanced": {"density": 0.5, "pci": 0.25, "cog": 0.25},
    "low_hanging": {"density": 0.7, "pci": 0.1, "cog": 0.2},
    "long_jumps": {"density": 0.3, "pci": 0.35, "cog": 0.35},
}
"""Weights of the standardised density, PCI and COG in :func:`opportunities` (ours; in the spirit of the Atlas's
"strategic approaches", which weigh feasibility against complexity and the outlook gain)."""


@dataclass(frozen=True)
class Complexity:
    """Economic complexity of a location × product exports table (see the module docstring for the equations).

    Frames are location × product (``region`` × ``sector``); Series are by location or by product. ``meta``:
    ``eigenvalue`` (λ₂), ``threshold``, ``dropped`` (locations / products with zero exports), ``notes``.
    """

    exports: pd.DataFrame
    rca: pd.DataFrame
    mcp: pd.DataFrame
    diversity: pd.Series
    ubiquity: pd.Series
    eci: pd.Series
    pci: pd.Series
    proximity: pd.DataFrame
    density: pd.DataFrame
    coi: pd.Series
    cog: pd.DataFrame
    names: Mapping[str, str] = field(default_factory=dict)
    meta: Mapping[str, Any] = field(default_factory=dict)

    def _economy(self, economy: str) -> str:
        if economy not in self.eci.index:
            raise SelectionError(f"unknown economy {economy!r}. Fix: choose one of "
                                 f"{plain_list(list(self.eci.index), 60)}")
        return economy

    def table(self, economy: str) -> pd.DataFrame:
        """The economy's products with every measure: name, exports, world share of its exports, RCA, M,
        ubiquity, PCI, density, COG — sorted by PCI (most complex first)."""
        r = self._economy(economy)
        e = self.exports.loc[r]
        out = pd.DataFrame({
            "name": [self.names.get(p, p) for p in self.pci.index],
            "exports": e,
            "world_share": e / self.exports.sum(axis=0),
            "rca": self.rca.loc[r], "mcp": self.mcp.loc[r], "ubiquity": self.ubiquity,
            "pci": self.pci, "density": self.density.loc[r], "cog": self.cog.loc[r],
        }, index=self.pci.index)
        out.index.name = self.pci.index.name
        out.attrs.update(economy=r, eci=float(self.eci[r]), coi=float(self.coi[r]),
                         units={"exports": self.exports.attrs.get("units", ""), "world_share": "share of world "
                                "exports of the product", "rca": "ratio", "pci": "sd (ECI scale)",
                                "density": "share", "cog": "sd (ECI scale)"})
        return out.sort_values("pci", ascending=False, kind="stable")


def _labelled(a: np.ndarray, index: pd.Index, columns: pd.Index | None, units: str, name: str) -> Any:
    if columns is None:
        out = pd.Series(a, index=index, name=name)
    else:
        out = pd.DataFrame(a, index=index, columns=columns, copy=False)
    out.attrs["units"] = units
    return out


def complexity_from_exports(exports: pd.DataFrame, *, threshold: float = 1.0, names: Mapping[str, str] | None = None,
                            dtype: Any = np.float64, anchor: pd.Series | None = None) -> Complexity:
    """Economic complexity of any location × product exports table (Hidalgo & Hausmann 2009; Hausmann et al.
    2014, Atlas technical box; conventions of ``ecomplexity`` 0.5.3 — module docstring).

    RCA_cp = (e_cp/Σ_p e_cp)/(Σ_c e_cp/Σ e), M_cp = [RCA_cp ≥ threshold]; ECI/PCI from the second eigenvector of
    D⁻¹MU⁻¹Mᵀ (and U⁻¹MᵀD⁻¹M); φ_pp' = Σ_c M_cp M_cp'/max(k_p, k_p'); ω_cp = Σ_p' M_cp' φ_pp'/Σ_p' φ_pp';
    COI and COG as in the Atlas.

    ``exports``: non-negative finite values, unique labels (rows: locations, columns: products). Locations and
    products with zero total exports are dropped (listed in ``meta["dropped"]``), as ``ecomplexity`` does.
    ``dtype``: float type of the n_p × n_p proximity (float32 halves its memory). ``anchor``: a Series by
    location (e.g. GDP per head, or last year's ECI); when given, the eigenvector's sign makes ECI correlate
    positively with it instead of with diversity — with a few dozen sectors the diversity rule can flip the
    index (docs/complexity.md). The input is not modified.
    """
    if not isinstance(exports, pd.DataFrame):
        raise SelectionError("exports must be a pandas DataFrame, locations × products. Fix: pass a labelled frame")
    if exports.index.has_duplicates or exports.columns.has_duplicates:
        raise SelectionError("exports has repeated location or product labels. Fix: aggregate them first")
    try:
        e = exports.to_numpy(dtype=float, copy=True)
    except (TypeError, ValueError):
        raise SelectionError("exports holds values that are not numbers. Fix: pass numeric exports") from None
    if not np.isfinite(e).all() or (e < 0).any():
        raise SelectionError("exports must be finite and non-negative. Fix: replace NaN/inf and negative values")
    if not (np.isfinite(threshold) and threshold > 0):
        raise SelectionError(f"threshold must be a positive number (RCA cut-off, usually 1), got {threshold!r}")
    rows, cols = e.sum(axis=1) > 0, e.sum(axis=0) > 0
    dropped = {"locations": [str(x) for x in exports.index[~rows]], "products": [str(x) for x in exports.columns[~cols]]}
    e = e[rows][:, cols]
    loc, prod = exports.index[rows], exports.columns[cols]
    if e.shape[0] < 2 or e.shape[1] < 2:
        raise SelectionError(f"complexity needs at least 2 locations and 2 products with exports, got "
                             f"{e.shape[0]} × {e.shape[1]}. Fix: pass a larger table")
    rca = (e / e.sum(axis=1, keepdims=True)) / (e.sum(axis=0, keepdims=True) / e.sum())
    m = (rca >= threshold).astype(dtype)
    kc, kp = m.sum(axis=1), m.sum(axis=0)
    if (kc == 0).any() or (kp == 0).any():
        bad = [str(x) for x in loc[kc == 0]] + [str(x) for x in prod[kp == 0]]
        raise SelectionError(f"with RCA threshold {threshold:g}, {plain_list(bad, 10)} have diversity or ubiquity 0, "
                             "so ECI/PCI are undefined. Fix: use a threshold ≤ 1 or drop them")
    ref = None
    if anchor is not None:
        ref = pd.Series(anchor, dtype=float).reindex(loc).to_numpy()
        if np.isfinite(ref).sum() < 3:
            raise SelectionError("anchor has fewer than 3 values for the locations of exports. Fix: give a Series "
                                 "indexed by the same location codes")
    kc_raw, kp_raw, lam = _eigen(m.astype(np.float64), kc.astype(np.float64), kp.astype(np.float64), ref)
    mean_c, sd_c = kc_raw.mean(), kc_raw.std()
    phi, den = _proximity(m, kp, dtype)
    dens = (m @ phi) / den[None, :]
    notm = 1.0 - m
    coi_raw = ((dens * notm) * kp_raw[None, :]).sum(axis=1)
    cog = notm * ((notm * (kp_raw / den)[None, :]) @ phi) / sd_c
    coi = (coi_raw - coi_raw.mean()) / coi_raw.std()
    notes = ["COI/COG use the uncentred PCI eigenvector, as ecomplexity does"]
    if lam > 1 - 1e-9:
        notes.append(f"second eigenvalue {lam:.6g} ties the first: the location–product network is disconnected "
                     "and ECI/PCI only separate its components")
    loc = pd.Index(loc, name=exports.index.name or "location")
    prod = pd.Index(prod, name=exports.columns.name or "product")
    units = exports.attrs.get("units", "")
    ex = _labelled(e, loc, prod, units, "exports")
    return Complexity(
        exports=ex,
        rca=_labelled(rca, loc, prod, "ratio (Balassa RCA)", "rca"),
        mcp=_labelled(m.astype(np.int8), loc, prod, "1 if RCA ≥ threshold", "mcp"),
        diversity=_labelled(kc.astype(int), loc, None, "products with RCA ≥ threshold", "diversity"),
        ubiquity=_labelled(kp.astype(int), prod, None, "locations with RCA ≥ threshold", "ubiquity"),
        eci=_labelled((kc_raw - mean_c) / sd_c, loc, None, "sd across locations", "eci"),
        pci=_labelled((kp_raw - mean_c) / sd_c, prod, None, "ECI scale (ECI mean and sd)", "pci"),
        proximity=_labelled(phi, prod, pd.Index(prod, name=f"{prod.name}_2"), "conditional probability",
                            "proximity"),
        density=_labelled(dens, loc, prod, "share of related products present", "density"),
        coi=_labelled(coi, loc, None, "sd across locations", "coi"),
        cog=_labelled(cog, loc, prod, "ECI scale", "cog"),
        names=dict(names or {}),
        meta={"eigenvalue": lam, "threshold": float(threshold), "dropped": dropped, "notes": notes},
    )


def _eigen(m: np.ndarray, kc: np.ndarray, kp: np.ndarray, anchor: np.ndarray | None = None
           ) -> tuple[np.ndarray, np.ndarray, float]:
    """The raw k_c, k_p of the second eigenvalue, solved as a symmetric problem on the smaller side; the sign
    makes k_c correlate positively with diversity (ecomplexity's rule) or with ``anchor``."""
    n_c, n_p = m.shape
    if n_c <= n_p:
        a = m / np.sqrt(kc)[:, None] / np.sqrt(kp)[None, :]          # D^-½ M U^-½
        s = a @ a.T                                                    # D^-½ M U⁻¹ Mᵀ D^-½ (similar to Mcc)
        w, v = np.linalg.eigh(s)
        vc = v[:, -2] / np.sqrt(kc)                                    # eigenvector of D⁻¹MU⁻¹Mᵀ
        k_p = (m.T @ vc) / kp                                          # U⁻¹ Mᵀ k_c ∝ eigenvector of Mpp
    else:
        a = m / np.sqrt(kc)[:, None] / np.sqrt(kp)[None, :]
        s = a.T @ a                                                    # U^-½ Mᵀ D⁻¹ M U^-½ (similar to Mpp)
        w, v = np.linalg.eigh(s)
        k_p = v[:, -2] / np.sqrt(kp)
    k_c = (m @ k_p) / kc                                               # D⁻¹ M k_p, as ecomplexity
    if anchor is None:
        sign = np.sign(np.corrcoef(kc, k_c)[0, 1])
    else:
        ok = np.isfinite(anchor)
        sign = np.sign(np.corrcoef(anchor[ok], k_c[ok])[0, 1])
    if not np.isfinite(sign) or sign == 0:
        sign = 1.0    # all locations equally diverse: ecomplexity would return zeros here
    return sign * k_c, sign * k_p, float(w[-2])


def _proximity(m: np.ndarray, kp: np.ndarray, dtype: Any) -> tuple[np.ndarray, np.ndarray]:
    """φ = MᵀM / max(k_p, k_p') in row blocks (no second n_p² temporary), and its row sums."""
    phi = m.T @ m                                                      # co-occurrence counts, n_p × n_p
    kpd = kp.astype(dtype)
    step = max(1, 2 ** 22 // max(1, len(kp)))
    for i in range(0, len(kp), step):
        phi[i:i + step] /= np.maximum(kpd[i:i + step, None], kpd[None, :])
    return phi, phi.sum(axis=1).astype(np.float64)


def _dense(a: Any) -> np.ndarray:
    return a.toarray() if sp.issparse(a) else np.asarray(a)


def _row_regions(regions: Sequence[str]) -> list[str]:
    return [r for r in map(str, regions) if r in ROW_CODES]


def mrio_exports(mrio: MRIO, *, include_row: bool = True, clip: bool = True) -> pd.DataFrame:
    """Gross exports by region × sector from a world table: e_rs = Σ_{j∉r} Z[(r,s),j] + Σ_{c∉r} Y[(r,s),c]
    (intermediate and final sales to all other regions; Miller & Blair 2009 §6; the E of Borin & Mancini 2019).

    ``include_row``: keep the rest-of-the-world region as a row (its "exports" are its sales to the listed
    countries). ``clip``: set negative totals to zero — they come from inventory drawdowns (negative ``INVEN``
    final demand) abroad exceeding all other sales (2 cells in WIOD 2011, 9 in 1995, all under 0.3 $bn);
    the cells clipped are listed in ``attrs["clipped"]``. Returns a region × sector frame in the table's unit."""
    idx = mrio.index
    reg_rows = np.asarray(idx.get_level_values(REGION).astype(str))
    regions = [str(r) for r in mrio.regions]
    pos = {r: i for i, r in enumerate(regions)}
    n = len(idx)
    g_z = sp.csr_matrix((np.ones(n), (np.arange(n), [pos[r] for r in reg_rows])), shape=(n, len(regions)))
    fd_reg = np.asarray(mrio.fd_index.get_level_values(0).astype(str))
    g_y = sp.csr_matrix((np.ones(len(fd_reg)), (np.arange(len(fd_reg)), [pos[r] for r in fd_reg])),
                        shape=(len(fd_reg), len(regions)))
    by_dest = _dense(mrio.Z @ g_z) + _dense(mrio.Y @ g_y)            # n × regions: sales by destination
    own = by_dest[np.arange(n), [pos[r] for r in reg_rows]]
    e = by_dest.sum(axis=1) - own
    out = pd.Series(e, index=idx).unstack(SECTOR)
    out = out.reindex(index=pd.Index(regions, name=REGION), columns=pd.Index(list(mrio.sectors), name=SECTOR))
    if not include_row:
        out = out.drop(index=_row_regions(regions))
    neg = out.stack()
    neg = neg[neg < 0]
    if clip:
        out = out.clip(lower=0.0)
    out.attrs["units"] = str(mrio.unit)
    out.attrs["clipped" if clip else "negative"] = {f"{r}/{s}": float(v) for (r, s), v in neg.items()}
    return out


def complexity(mrio: MRIO, *, sectors: str | Sequence[str] | None = None, include_row: bool = True,
               threshold: float = 1.0, dtype: Any = np.float64, anchor: pd.Series | None = None) -> Complexity:
    """Economic complexity of the economies of a world input–output table (Hidalgo & Hausmann 2009; Hausmann
    et al. 2014), from their gross exports by sector (:func:`mrio_exports`): RCA, ECI, PCI, proximity, density,
    COI, COG (:func:`complexity_from_exports`).

    ``sectors``: the sectors that count as products — default the table's goods (agriculture, mining,
    manufacturing: the sector group ``goods``), as in the trade data of the Atlas of Economic Complexity;
    ``"all"``: every sector with positive world exports, services included (the index then mostly separates goods
    from services exporters: on WIOD 2011 its rank correlation with the Atlas ECI is 0.17, against 0.87 for goods).
    ``include_row``: count the rest of the world as an exporter (default True, so that world totals are the
    world's, as in the Atlas; its ECI is reported but it is not an economy to rank).
    ``threshold``, ``dtype``, ``anchor``: as :func:`complexity_from_exports`.
    """
    ex = mrio_exports(mrio, include_row=include_row)
    if sectors is None:
        from industwin.data.sector_groups import sector_group
        try:
            sectors = [s for s in sector_group(mrio, "goods") if s in ex.columns]
        except SelectionError:                 # a table of no known family: every sector
            sectors = "all"
    if isinstance(sectors, str) and sectors == "all":
        sectors = None
    if sectors is not None:
        secs = [sectors] if isinstance(sectors, str) else list(sectors)
        bad = [s for s in secs if s not in ex.columns]
        if bad:
            raise SelectionError(f"unknown sector {plain_list(bad)}. Fix: choose among "
                                 f"{plain_list(list(ex.columns), 60)}")
        ex = ex[secs]
    names = {str(s): mrio.sector_label(s) for s in ex.columns}
    out = complexity_from_exports(ex, threshold=threshold, names=names, dtype=dtype, anchor=anchor)
    meta = dict(out.meta, table=f"{mrio.name} {getattr(mrio, 'year', '')}".strip(), include_row=include_row,
                clipped=ex.attrs.get("clipped", {}))
    return replace(out, meta=meta)


def opportunities(result: Complexity, economy: str, n: int = 10, *, scoring: str | Mapping[str, float] = "balanced"
                  ) -> pd.DataFrame:
    """The economy's diversification opportunities: products it exports without comparative advantage
    (M_cp = 0), ranked by score = w_d z(ω_cp) + w_p z(PCI_p) + w_g z(COG_cp), z standardising over those
    candidates (mean 0, sd 1); weights :data:`SCORING` (``balanced``: 0.5/0.25/0.25) or a mapping
    ``{"density": …, "pci": …, "cog": …}`` (Hausmann et al. 2014 weigh feasibility — density, the complement of
    the Atlas "distance" — against the complexity and the outlook gain of a new product).

    Returns the top ``n`` rows with code (index), name, rca, density, pci, cog, world_share (the economy's share
    of world exports of the product) and score."""
    w = SCORING.get(scoring) if isinstance(scoring, str) else dict(scoring)
    if w is None or set(w) != {"density", "pci", "cog"}:
        raise SelectionError(f"unknown scoring {scoring!r}. Fix: choose one of {sorted(SCORING)} or pass weights "
                             "{'density': …, 'pci': …, 'cog': …}")
    if int(n) < 1:
        raise SelectionError(f"n must be at least 1, got {n!r}")
    t = result.table(economy)
    cand = t[t["mcp"] == 0].copy()
    z = {k: (cand[k] - cand[k].mean()) / (cand[k].std(ddof=0) or 1.0) for k in ("density", "pci", "cog")}
    cand["score"] = sum(w[k] * z[k] for k in w)
    out = cand.sort_values("score", ascending=False, kind="stable").head(int(n))
    out = out[["name", "rca", "density", "pci", "cog", "world_share", "score"]]
    out.attrs.update(economy=economy, scoring=w, units={"score": "weighted sum of z-scores"})
    return out


def over_years(years: Sequence[int] | Mapping[int, MRIO] | None = None, dataset: str = "wiod2013", *,
               chain: bool = True, **kwargs: Any) -> pd.DataFrame:
    """ECI of every economy in each year: a region × year frame. ``years``: years of ``dataset`` (default all)
    or a mapping year → MRIO; ``kwargs`` go to :func:`complexity`. ECI is standardised within each year, so it
    ranks economies within a year; it is not a level comparable across years (Hausmann et al. 2014).

    ``chain``: the latest year takes its sign from diversity (or ``anchor``), each earlier year the sign that
    correlates it positively with the year after. With a few dozen sectors the diversity rule alone flips the
    index between years (WIOD goods, 2003→2004 and 2008→2009: year-on-year Spearman −0.9); ``chain=False``
    applies it year by year, as ``ecomplexity`` does."""
    if isinstance(years, Mapping):
        tables = dict(years)
    else:
        from industwin.data.registry import DATASETS, load
        from industwin.data.select import check_years
        key = str(dataset).lower()
        if key not in DATASETS:
            raise SelectionError(f"unknown dataset {dataset!r}. Fix: choose one of {sorted(DATASETS)}")
        tables = {y: load(key, year=y) for y in check_years(years, DATASETS[key].years, key)}
    res: dict[int, pd.Series] = {}
    after = kwargs.pop("anchor", None)
    for y in sorted(tables, reverse=True):
        res[int(y)] = complexity(tables[y], anchor=after, **kwargs).eci
        if chain:
            after = res[int(y)]
    out = pd.concat({y: res[y] for y in sorted(res)}, axis=1)
    out.columns.name = "year"
    out.attrs.update(units="ECI (sd across economies, per year)", chain=chain)
    return out


def _iso3(code: str) -> str:
    from industwin.data.atlas import WIOD_TO_ISO3
    return WIOD_TO_ISO3.get(code, code)


def beside_atlas(eci: pd.DataFrame, atlas: pd.DataFrame, economy: str) -> pd.DataFrame:
    """One economy's ECI from the table (``eci``: :func:`over_years`) and the Atlas ECI
    (:func:`~industwin.data.atlas.read_atlas_eci`) as two separate series by year (NaN where a source has no
    value: WIOD 2013 ends in 2011, the Atlas file starts in 2012 — the two are never mixed into one series)."""
    if economy not in eci.index:
        raise SelectionError(f"unknown economy {economy!r}. Fix: choose one of {plain_list(list(eci.index), 60)}")
    a = atlas[atlas["iso3_code"] == _iso3(economy)].set_index("year")["eci"]
    out = pd.DataFrame({"table": eci.loc[economy], "atlas": a}).sort_index()
    out.index.name = "year"
    out.attrs.update(economy=economy, units="ECI (each source standardised over its own economies)")
    return out


def atlas_rank_correlation(eci: pd.Series, atlas: pd.DataFrame, year: int = 2012) -> dict[str, Any]:
    """Spearman rank correlation of the table's ECI (``eci``: by region) with the Atlas ECI of ``year`` over the
    countries in both (WIOD codes mapped to ISO3, e.g. ROM → ROU). Returns rho, n, p-value and the countries."""
    from scipy.stats import spearmanr
    a = atlas[atlas["year"] == int(year)].set_index("iso3_code")["eci"]
    if a.empty:
        raise SelectionError(f"the Atlas file has no year {year}. Fix: choose among "
                             f"{int(atlas.year.min())}–{int(atlas.year.max())}")
    ours = pd.Series(eci.to_numpy(), index=[_iso3(str(r)) for r in eci.index])
    common = sorted(set(ours.index) & set(a.index))
    if len(common) < 3:
        raise SelectionError(f"only {len(common)} countries in common with the Atlas {year}; need at least 3")
    rho, p = spearmanr(ours[common], a[common])
    return {"rho": float(rho), "n": len(common), "p_value": float(p), "countries": common, "year": int(year)}
