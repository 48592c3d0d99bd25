"""Readiness assessment: a company's self-assessed Industry 4.0 readiness against its peers, what to improve
first, confidential aggregates by sector, region and size class, and the standing of a region.

Company side (the model and files: :mod:`industwin.data.readiness`; bands ``b_{c,d} ∈ {0,…,5}`` of company
``c`` in dimension ``d``):

* :func:`scores` — per company the 16 bands, the mean of each pillar's and each block's dimensions and the
  overall mean ``(1/16) Σ_d b_{c,d}`` (every dimension weighs the same).
* :func:`benchmark` — per company and dimension, against its peers ``P(c)`` (the other companies of the same
  sector and/or size class, region …; the company itself never counts): the **percentile**
  ``100 · (#{p: b_p < b_c} + ½ #{p: b_p = b_c}) / |P|`` (mid-rank convention: ties count half), the median,
  the 90th percentile (Hyndman & Fan 1996 type 7, numpy's default) and the best band (max). Statistics of
  fewer than ``min_peers`` (3) peers are not shown: with one or two peers they would reveal a peer's band.
* :func:`priorities` — dimensions ranked by ``priority_d = w_d · max(best_d − b_{c,d}, 0)``: the gap to the
  peers' best band times the company's weight of the dimension (mean 1; equal by default, or derived from
  KPI weights, :func:`~industwin.data.readiness.dimension_weights`). SIRI's own prioritisation weights are not
  public: the weights here are the user's.
* :func:`readiness_table` — the mean band by dimension × sector (or region, NUTS-2, size class), every cell
  checked by the disclosure rules (:func:`~industwin.analysis.disclosure.protect` on the sums of bands:
  fewer than 3 companies, dominance, p %; secondary suppression) and published as
  ``mean = Σ bands / n companies`` (:func:`protected_mean`).

Regional side (Honti, Czvetko & Abonyi 2020, *Data in Brief* 33:106464):

* :func:`regional_standing` — a NUTS-2 region's PROMETHEE rank of 309, and for each key indicator its latest
  value, its percentile among peer regions (same country, or the regions nearest in GDP rank) and its robust
  z-score ``z = s · (x − med_P) / (1.4826 · MAD_P)`` (``s`` = +1 when more is better, −1 otherwise);
  ``holds_back`` lists the indicators with ``z < 0``, lowest first.
* :func:`country_summary` — an economy's regions' ranks (best, median, worst); None for an economy without
  NUTS regions (e.g. India).

References: Singapore EDB (2017), *The Smart Industry Readiness Index* (structure only); Hundepool et al.
(2012), *Statistical Disclosure Control*, ch. 4; Hyndman & Fan (1996), *Am. Stat.* 50(4):361–365; Rousseeuw &
Croux (1993), *JASA* 88:1273–1283 (MAD).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from industwin.analysis.disclosure import TOTAL, MeanTable, Rules, protected_mean
from industwin.data.readiness import (
    REGIONAL_INDICATORS,
    ReadinessModel,
    RegionalIndicator,
    dimension_weights,
    load_model,
    nuts_prefix,
    read_i40_indicators,
    read_i40_rank,
)
from industwin.errors import SelectionError, ValidationError, ValidationIssue, plain_list

__all__ = [
    "PEER_KEYS",
    "CountrySummary",
    "ReadinessTable",
    "RegionalStanding",
    "Scores",
    "benchmark",
    "country_summary",
    "priorities",
    "readiness_table",
    "regional_standing",
    "scores",
]

PEER_KEYS = ("sector", "size_class", "region", "nuts2")
NB = 6                                   # bands 0..5
BAND = "band 0–5"


# ----------------------------------------------------------------------------- company matrix
def _wide(a: pd.DataFrame, model: ReadinessModel) -> tuple[np.ndarray, pd.DataFrame]:
    """Bands as a companies × dimensions int8 matrix (model order) and each company's profile."""
    need = ["company", "dimension", "band"]
    miss = [c for c in need if c not in a.columns]
    src = str(a.attrs.get("source", "assessments"))
    if miss:
        raise ValidationError([ValidationIssue(src, c, "column missing", "read the file with read_assessments")
                               for c in miss])
    ids = model.ids
    comp, names = pd.factorize(a["company"], sort=False)
    dpos = pd.Index(ids).get_indexer(a["dimension"])
    band = pd.to_numeric(a["band"], errors="coerce").to_numpy(float)
    bad = (dpos < 0) | ~np.isfinite(band) | (band < 0) | (band > 5) | (band != np.round(band))
    B = np.full((len(names), len(ids)), -1, dtype=np.int8)
    if not bad.any():
        B[comp, dpos] = band.astype(np.int8)
    if bad.any() or (B < 0).any() or len(a) != B.size:
        raise ValidationError([ValidationIssue(src, "dimension/band", "not one band 0–5 per company and dimension",
                                               "read the file with industwin.data.readiness.read_assessments")])
    prof_cols = [c for c in PEER_KEYS if c in a.columns]
    first = np.unique(comp, return_index=True)[1]
    prof = a.iloc[first][prof_cols].set_index(pd.Index(names[comp[first]], name="company"))
    return B, prof


# ----------------------------------------------------------------------------- scores
@dataclass(frozen=True)
class Scores:
    """Per company: ``dimensions`` (bands), ``pillars`` and ``blocks`` (means of their dimensions), ``overall``."""

    dimensions: pd.DataFrame
    pillars: pd.DataFrame
    blocks: pd.DataFrame
    overall: pd.Series


def scores(assessments: pd.DataFrame, model: ReadinessModel | None = None) -> Scores:
    """Each company's bands, pillar means ``b̄_{c,P} = (1/|P|) Σ_{d∈P} b_{c,d}``, block means (over the block's
    dimensions) and overall mean (over all 16). Structure after Singapore EDB (2017)."""
    model = model or load_model()
    B, prof = _wide(assessments, model)
    dims = model.dimensions
    D = pd.DataFrame(B.astype(float), index=prof.index, columns=pd.Index(model.ids, name="dimension"))
    P = D.T.groupby(dims["pillar"].to_numpy(), sort=False).mean().T
    K = D.T.groupby(dims["block"].to_numpy(), sort=False).mean().T
    P.columns.name, K.columns.name = "pillar", "block"
    overall = D.mean(axis=1).rename("overall")
    for x in (D, P, K, overall):
        x.attrs["units"] = BAND
    return Scores(D.astype(np.int8), P, K, overall)


# ----------------------------------------------------------------------------- benchmarking
def _groups(prof: pd.DataFrame, by: Sequence[str]) -> np.ndarray:
    by = list(by)
    bad = [k for k in by if k not in PEER_KEYS]
    if bad:
        raise SelectionError(f"peer grouping {plain_list(bad)} is not one of {', '.join(PEER_KEYS)}. Fix: choose "
                             "among those (e.g. by=('sector', 'size_class'))")
    miss = [k for k in by if k not in prof.columns]
    if miss:
        raise SelectionError(f"the assessments have no column {plain_list(miss)}. Fix: group peers by other keys")
    if not by:
        return np.zeros(len(prof), dtype=np.int64)
    g = prof.groupby(by, sort=False, dropna=False).ngroup().to_numpy(np.int64).copy()
    blank = np.zeros(len(prof), dtype=bool)
    for k in by:                                   # no region given is no region shared: such a company has no peers
        v = prof[k]
        blank |= (v.isna() | (v.astype(str).str.strip() == "")).to_numpy()
    if blank.any():
        g[blank] = g.max() + 1 + np.arange(int(blank.sum()))
    return g


def _quantile_from_counts(cum: np.ndarray, n: np.ndarray, q: float) -> np.ndarray:
    """Type-7 quantile of samples given by their cumulative band counts ``cum`` (…, 6) and sizes ``n``."""
    pos = (np.maximum(n, 1) - 1) * q
    lo = np.floor(pos)
    hi = np.minimum(lo + 1, np.maximum(n - 1, 0))

    def at(i):                                           # the band at sorted position i (0-based)
        return (cum <= i[..., None]).sum(axis=-1).astype(float)
    v_lo, v_hi = at(lo), at(hi)
    return v_lo + (pos - lo) * (v_hi - v_lo)


def _loo_stats(H: np.ndarray) -> dict[str, np.ndarray]:
    """For every (group, dimension, own band b): the statistics of the group's bands with one b removed."""
    eye = np.eye(NB, dtype=np.int64)
    h = H[:, :, None, :] - eye[None, None, :, :]          # (G, D, b, v)
    h = np.maximum(h, 0)                                   # b not held by anyone: never gathered
    cum = np.cumsum(h, axis=-1)
    n = cum[..., -1]
    b = np.arange(NB)
    below = np.where(b > 0, np.take_along_axis(cum, np.maximum(b - 1, 0)[None, None, :, None], -1)[..., 0], 0)
    ties = np.take_along_axis(h, b[None, None, :, None], -1)[..., 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = 100.0 * (below + 0.5 * ties) / n
    best = np.where(n > 0, NB - 1 - np.argmax(h[..., ::-1] > 0, axis=-1), -1).astype(float)
    return {"n_peers": n, "percentile": pct, "median": _quantile_from_counts(cum, n, 0.5),
            "p90": _quantile_from_counts(cum, n, 0.9), "best": best}


def benchmark(assessments: pd.DataFrame, by: Sequence[str] = ("sector",), company: str | Sequence[str] | None = None,
              min_peers: int = 3, model: ReadinessModel | None = None) -> pd.DataFrame:
    """Each company's bands against its peers (the other companies with the same ``by`` values — any of
    ``sector``, ``size_class``, ``region``, ``nuts2``; ``()`` = all others).

    Per (company, dimension): ``band``, ``n_peers``, ``percentile`` = 100 · (peers below + ½ peers tied) / n
    (mid-rank; 50 = typical), ``median``, ``p90`` (type-7 quantile, Hyndman & Fan 1996), ``best`` (the peers'
    highest band). With fewer than ``min_peers`` peers the statistics are NaN (one or two peers' bands would
    show). ``company`` keeps only those companies' rows. Computed from band counts per peer group (6 bands),
    so the cost is linear in the number of rows."""
    model = model or load_model()
    B, prof = _wide(assessments, model)
    g = _groups(prof, by)
    C, D = B.shape
    G = int(g.max()) + 1 if C else 0
    flat = (g[:, None] * D + np.arange(D)[None, :]) * NB + B
    H = np.bincount(flat.ravel(), minlength=G * D * NB).reshape(G, D, NB)
    S = _loo_stats(H)
    if company is not None:
        want = [company] if isinstance(company, str) else list(company)
        rows = prof.index.get_indexer(want)
        if (rows < 0).any():
            unknown = [w for w, r in zip(want, rows) if r < 0]
            raise SelectionError(f"no company {plain_list(unknown)} in the assessments. Fix: one of "
                                 f"{plain_list(list(prof.index))}")
    else:
        rows = np.arange(C)
    gi, bi = g[rows][:, None], B[rows].astype(np.int64)
    di = np.broadcast_to(np.arange(D), bi.shape)
    out = {"band": B[rows].ravel()}
    n = S["n_peers"][gi, di, bi].ravel()
    out["n_peers"] = n
    ok = n >= min_peers
    for k in ("percentile", "median", "p90", "best"):
        out[k] = np.where(ok, S[k][gi, di, bi].ravel(), np.nan)
    idx = pd.MultiIndex(levels=[prof.index, pd.Index(model.ids)], codes=[np.repeat(rows, D), np.tile(np.arange(D),
                        len(rows))], names=["company", "dimension"], verify_integrity=False)
    res = pd.DataFrame(out, index=idx)
    res.attrs.update(units={"band": BAND, "median": BAND, "p90": BAND, "best": BAND, "percentile": "% of peers",
                            "n_peers": "companies"}, peers_by=tuple(by), min_peers=min_peers,
                     convention="percentile = 100·(peers below + ½ peers tied)/peers; the company is not its own "
                                "peer; quantiles type 7")
    return res


def _weights_for(company: str, weights, model: ReadinessModel) -> pd.Series:
    if isinstance(weights, pd.DataFrame):                 # read_kpi_weights: the company's row, else '*'
        row = company if company in weights.index else "*" if "*" in weights.index else None
        if row is None:
            return dimension_weights(None, model)
        w = weights.loc[row].reindex(model.ids)
        if w.isna().any():
            raise SelectionError("the weights table lacks dimensions of the model. Fix: read it with "
                                 "read_kpi_weights for this model")
        return w.rename("weight")
    if isinstance(weights, pd.Series):
        weights = weights.to_dict()
    return dimension_weights(weights, model)


def priorities(assessments: pd.DataFrame, company: str, weights: Mapping[str, float] | pd.Series | pd.DataFrame |
               None = None, by: Sequence[str] = ("sector",), best: str = "max", min_peers: int = 3,
               model: ReadinessModel | None = None) -> pd.DataFrame:
    """The company's dimensions ranked for improvement: ``priority_d = w_d · gap_d`` with
    ``gap_d = max(best_d − b_d, 0)``, ``best_d`` the peers' best band (``best="max"``) or their 90th
    percentile (``"p90"``) and ``w_d`` the company's weight of dimension d, mean 1 (``weights``: None = equal;
    a mapping of KPI or dimension → weight, :func:`~industwin.data.readiness.dimension_weights`; or the table
    of :func:`~industwin.data.readiness.read_kpi_weights`, the company's row or else ``*``). SIRI's
    prioritisation weights are not public: these are the user's own.

    Columns: ``dimension``, ``name``, ``pillar``, ``block``, ``band``, ``best``, ``gap``, ``weight``,
    ``priority``, ``rank`` (1 = first; ties by larger gap, then model order)."""
    model = model or load_model()
    if best not in ("max", "p90"):
        raise SelectionError(f"best={best!r}: one of 'max', 'p90'. Fix: choose one")
    bm = benchmark(assessments, by, company, min_peers, model).droplevel("company")
    if bm["best"].isna().all():
        raise SelectionError(f"{company}: fewer than {min_peers} peers with the same {' and '.join(by) or 'data'} "
                             f"({int(bm['n_peers'].iloc[0])}). Fix: compare with a broader group (e.g. by=('sector',)"
                             " or by=()) ")
    w = _weights_for(company, weights, model)
    dims = model.dimensions
    ref = bm["best"] if best == "max" else bm["p90"]
    t = pd.DataFrame({"dimension": model.ids, "name": dims["name"].to_numpy(), "pillar": dims["pillar"].to_numpy(),
                      "block": dims["block"].to_numpy(), "band": bm["band"].to_numpy().astype(int),
                      "best": ref.to_numpy()})
    t["gap"] = np.maximum(t["best"] - t["band"], 0.0)
    t["weight"] = w.reindex(model.ids).to_numpy(float)
    t["priority"] = t["weight"] * t["gap"]
    t["_order"] = np.arange(len(t))
    t = t.sort_values(["priority", "gap", "_order"], ascending=[False, False, True], kind="mergesort")
    t["rank"] = np.arange(1, len(t) + 1)
    t = t.drop(columns="_order").reset_index(drop=True)
    t.attrs.update(units={"band": BAND, "best": BAND, "gap": "bands", "weight": "weight (mean 1)",
                          "priority": "weighted bands"}, company=company, peers_by=tuple(by), best=best,
                   n_peers=int(bm["n_peers"].iloc[0]))
    return t


# ----------------------------------------------------------------------------- confidential aggregates
ReadinessTable = MeanTable           # the mean bands of a readiness table (:func:`readiness_table`)


def readiness_table(assessments: pd.DataFrame, by: str = "sector", rules: Rules | None = None,
                    model: ReadinessModel | None = None) -> ReadinessTable:
    """The mean band by dimension (rows, model order, then ``Total``) × ``by`` (``sector``, ``region``,
    ``nuts2`` or ``size_class``; columns, then ``Total``), cells that fail the disclosure rules suppressed
    (:func:`protected_mean`; contributors are companies). Hundepool et al. (2012) ch. 4."""
    model = model or load_model()
    if by not in PEER_KEYS or by not in assessments.columns:
        raise SelectionError(f"by={by!r}: one of {', '.join(k for k in PEER_KEYS if k in assessments.columns)}. "
                             "Fix: choose one")
    _wide(assessments, model)                                   # complete and valid
    codes, labels = pd.factorize(assessments[by])              # blank (NaN) → −1
    keep = (codes >= 0) & (labels.astype(str) != "")[np.maximum(codes, 0)]
    if not keep.any():
        raise SelectionError(f"no company gives a {by}. Fix: choose another grouping")
    a = assessments[keep] if not keep.all() else assessments
    c = pd.DataFrame({"dimension": pd.Categorical(a["dimension"]),    # categories and integer ids: grouping 10⁶
                      by: pd.Categorical.from_codes(codes[keep], pd.Index(labels.astype(str))),     # rows stays fast
                      "company": pd.factorize(a["company"])[0], "band": a["band"].to_numpy(float)})
    t = protected_mean(c, "dimension", by, "band", "company", rules, unique=True,      # _wide: one row each
                       bounds=(0, NB - 1))
    order = [d for d in model.ids if d in t.values.index] + [TOTAL]
    cols = sorted([x for x in t.values.columns if x != TOTAL], key=_natural) + [TOTAL]

    def ordered(x):
        return x.reindex(index=order, columns=cols)
    out = ReadinessTable(ordered(t.values), ordered(t.status), ordered(t.contributors), t.protected)
    out.values.attrs.update(units=BAND, by=by, statistic="mean band over companies")
    return out


def _natural(s: str) -> list:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(s))]


# ----------------------------------------------------------------------------- regions
@dataclass(frozen=True)
class RegionalStanding:
    """A region's standing: its ``rank`` (PROMETHEE, of ``n_ranked``), the ``peers`` used, its rank
    percentile among them, the key ``indicators`` table and the ``holds_back`` subset (z < 0, lowest first)."""

    region: str
    rank: float
    n_ranked: int
    peers: list[str]
    rank_percentile: float
    indicators: pd.DataFrame
    holds_back: pd.DataFrame
    notes: list[str]


def _mid_percentile(own: float, others: np.ndarray) -> float:
    if len(others) == 0:
        return float("nan")
    return float(100.0 * ((others < own).sum() + 0.5 * (others == own).sum()) / len(others))


def _peer_regions(code: str, rank: pd.DataFrame, peers: str | Sequence[str], gdp_window: float) -> list[str]:
    reg = rank[rank["is_region"]]
    if isinstance(peers, str):
        if peers == "country":
            out = reg.index[(reg["country"] == rank.at[code, "country"])]
        elif peers == "gdp":
            out = reg.index[(reg["gdp_rank"] - rank.at[code, "gdp_rank"]).abs() <= gdp_window]
        else:
            raise SelectionError(f"peers={peers!r}: 'country', 'gdp' or a list of NUTS-2 codes. Fix: choose one")
        return [r for r in out if r != code]
    unknown = [p for p in peers if p not in reg.index]
    if unknown:
        raise SelectionError(f"peer region(s) {plain_list(unknown)} not in the ranking. Fix: NUTS-2 codes such as "
                             "DE60")
    return [p for p in peers if p != code]


def regional_standing(nuts2: str, peers: str | Sequence[str] = "country", gdp_window: float = 20,
                      indicators: Sequence[RegionalIndicator] = REGIONAL_INDICATORS, min_peers: int = 3,
                      root=None) -> RegionalStanding:
    """Where a NUTS-2 region stands in Industry 4.0 readiness (Honti, Czvetko & Abonyi 2020).

    ``peers``: ``"country"`` (the other regions of its country), ``"gdp"`` (regions within ``gdp_window`` GDP
    ranks of it) or a list of NUTS-2 codes. For each indicator: the region's latest ``year`` with a value (up to
    the indicator's ``last_year``), its ``value``, the peers' values in that same year (``n_peers``, ``median``,
    ``mad`` = 1.4826 · median |x − median|), ``percentile`` = 100 · (peers worse + ½ tied) / n, and the robust
    ``z = s · (value − median) / mad`` (``s`` = −1 where less is better, so z < 0 is always "behind"). z is NaN
    with fewer than ``min_peers`` peers or a MAD of 0. ``holds_back``: the rows with z < 0, lowest first."""
    rank = read_i40_rank(root)
    code = str(nuts2).strip().upper()
    if code not in rank.index:
        import difflib
        near = difflib.get_close_matches(code, list(rank.index), n=3, cutoff=0.5)
        raise SelectionError(f"NUTS-2 region {nuts2!r} is not among the 309 ranked rows" +
                             (f" (did you mean {plain_list(near, 3)}?)" if near else "") +
                             ". Fix: give a NUTS-2 (2016) code such as DE60")
    if not rank.at[code, "is_region"]:
        raise SelectionError(f"{code} is the EU average, not a region. Fix: give a NUTS-2 region")
    peer = _peer_regions(code, rank, peers, gdp_window)
    notes = []
    db = read_i40_indicators(root)
    own = db[db["NUTS_ID"] == code]
    rows = []
    for ind in indicators:
        v = own[["YEAR", ind.id]].dropna()
        if v.empty:
            rows.append({"indicator": ind.id, "label": ind.label, "unit": ind.unit, "year": np.nan, "value": np.nan,
                         "n_peers": 0, "median": np.nan, "mad": np.nan, "percentile": np.nan, "z": np.nan})
            notes.append(f"{ind.id}: no value for {code}")
            continue
        year = int(v["YEAR"].max())
        x = float(v.loc[v["YEAR"] == year, ind.id].iloc[0])
        pv = db.loc[(db["YEAR"] == year) & db["NUTS_ID"].isin(peer), ind.id].dropna().to_numpy(float)
        s = ind.direction
        med = float(np.median(pv)) if len(pv) else np.nan
        mad = float(1.4826 * np.median(np.abs(pv - med))) if len(pv) else np.nan
        z = s * (x - med) / mad if len(pv) >= min_peers and mad > 0 else np.nan
        if len(pv) >= min_peers and mad == 0:
            notes.append(f"{ind.id}: the peers' MAD is 0 in {year}; no z-score")
        rows.append({"indicator": ind.id, "label": ind.label, "unit": ind.unit, "year": year, "value": x,
                     "n_peers": len(pv), "median": med, "mad": mad, "percentile": _mid_percentile(s * x, s * pv),
                     "z": z})
    t = pd.DataFrame(rows).set_index("indicator")
    t.attrs.update(units={"percentile": "% of peers", "z": "robust z (MAD)"}, region=code)
    back = t[t["z"] < 0].sort_values("z")
    if len(peer) < min_peers:
        notes.append(f"only {len(peer)} peer region(s): percentiles rest on few regions, z-scores are not given")
    peer_ranks = rank.loc[peer, "promethee_rank"].to_numpy(float)
    return RegionalStanding(code, float(rank.at[code, "promethee_rank"]), len(rank), peer,
                            _mid_percentile(-float(rank.at[code, "promethee_rank"]), -peer_ranks), t, back, notes)


@dataclass(frozen=True)
class CountrySummary:
    """An economy's NUTS-2 regions in the readiness ranking: ``regions`` (sorted by rank) and the best,
    median and worst ranks (of ``n_ranked``)."""

    economy: str
    prefix: str
    regions: pd.DataFrame
    best: tuple[str, float]
    median_rank: float
    worst: tuple[str, float]
    n_ranked: int


def country_summary(iso3: str, root=None) -> CountrySummary | None:
    """The ranks of an economy's NUTS-2 regions (``DEU`` → the ``DE`` regions): best, median, worst. None for an
    economy with no NUTS-2 region in the ranking (India, China, the United States, …)."""
    prefix = nuts_prefix(iso3)
    if prefix is None:
        return None
    rank = read_i40_rank(root)
    r = rank[rank["is_region"] & (rank["country"] == prefix)].sort_values("promethee_rank")
    if r.empty:
        return None
    r = r[["promethee_rank", "gdp_rank", "regional_innovation_index"]]
    r.attrs["units"] = {"promethee_rank": f"rank of {len(rank)}"}
    return CountrySummary(str(iso3).upper(), prefix, r, (str(r.index[0]), float(r.iloc[0, 0])),
                          float(r["promethee_rank"].median()), (str(r.index[-1]), float(r.iloc[-1, 0])), len(rank))
