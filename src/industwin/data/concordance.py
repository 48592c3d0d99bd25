"""Aggregation of regions and sectors by a concordance.

A concordance maps each old label to a new one: a dict, a two-column CSV
(``from,to``), a pandas Series, or a built-in name (``"eu27"``: the 27 EU
members of 2007–2013 to ``EU27``, every other region kept). With the
indicator matrix ``P`` (new × old rows) the aggregated table is
``Z* = P Z Pᵀ``, ``Y* = P Y Q_fdᵀ``, ``x* = P x``, ``V* = V Pᵀ``, ``F* = F Pᵀ``,
``F_Y* = F_Y Q_fdᵀ`` (Miller & Blair 2009, §4.3). Flows are summed, so totals
are preserved exactly; coefficients and multipliers change (aggregation bias).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from industwin.data.mrio import MRIO, Satellite
from industwin.errors import DataError

__all__ = ["aggregate", "read_concordance", "EU27_2007"]

EU27_2007 = ("AUT", "BEL", "BGR", "CYP", "CZE", "DEU", "DNK", "ESP", "EST", "FIN", "FRA", "GBR", "GRC", "HUN",
             "IRL", "ITA", "LTU", "LUX", "LVA", "MLT", "NLD", "POL", "PRT", "ROM", "SVK", "SVN", "SWE")
BUILTIN = {"eu27": ({r: "EU27" for r in EU27_2007} | {"ROU": "EU27"}, "keep")}


def read_concordance(spec: Any) -> tuple[dict[str, str], str | None]:
    """A concordance as ``(mapping, default)``; default ``"keep"`` keeps unmapped labels."""
    if isinstance(spec, str) and spec.lower() in BUILTIN:
        return BUILTIN[spec.lower()]
    if isinstance(spec, dict):
        return {str(k): str(v) for k, v in spec.items()}, None
    if isinstance(spec, pd.Series):
        return {str(k): str(v) for k, v in spec.items()}, None
    from industwin.data.io import Issues, read_table, texts
    path = Path(spec)
    if not path.exists():
        raise DataError(f"{path}: concordance file not found. Fix: give a CSV with columns from,to "
                        f"or one of the built-in names {sorted(BUILTIN)}")
    head = read_table(path, "concordance")
    cols = [c.lower() for c in head.columns]
    if "from" in cols and "to" in cols:
        f, t = head.columns[cols.index("from")], head.columns[cols.index("to")]
    elif head.shape[1] == 2:
        f, t = head.columns
    else:
        raise DataError(f"{path}: a concordance needs two columns 'from' and 'to', got {', '.join(head.columns)}. "
                        "Fix: name the two columns from,to")
    df = read_table(path, "concordance", text=(f, t))            # labels as text: '01' stays '01'
    iss = Issues(str(path))
    src, dst = texts(df, f, iss, fix="give every row the label it maps from"), \
        texts(df, t, iss, fix="give every row the label it maps to")
    iss.raise_if_any()
    dup = src[src.duplicated()]
    if len(dup):
        raise DataError(f"{path}: label(s) {', '.join(map(repr, dup[:3]))} mapped twice in column '{f}'. Fix: map "
                        "each label once")
    return dict(zip(src, dst)), None


def _map(labels: pd.Index, spec: Any, what: str, default: str | None) -> pd.Index:
    if spec is None:
        return labels
    mapping, dflt = read_concordance(spec)
    dflt = default if default is not None else dflt
    unmapped = [lab for lab in labels.unique() if lab not in mapping]
    if unmapped and dflt is None:
        raise DataError(f"concordance for {what}: no target for {unmapped[:5]}"
                        f"{' …' if len(unmapped) > 5 else ''}. Fix: map every {what[:-1]}, or pass "
                        f"default='keep' (keep unmapped labels) or default='<group>'")
    if dflt == "keep":
        return pd.Index([mapping.get(lab, lab) for lab in labels], name=labels.name)
    return pd.Index([mapping.get(lab, dflt) for lab in labels], name=labels.name)


def _indicator(new: pd.MultiIndex) -> tuple[sp.csr_array, pd.MultiIndex]:
    codes, uniques = pd.factorize(new)
    P = sp.csr_array((np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(len(uniques), len(codes)))
    return P, pd.MultiIndex.from_tuples(list(uniques), names=new.names)


def aggregate(mrio: MRIO, regions: Any = None, sectors: Any = None, *, default: str | None = None) -> MRIO:
    """Aggregate a table's regions and/or sectors by concordances.

    ``regions`` / ``sectors``: dict, CSV path, Series or built-in name. The
    final-demand regions follow the region concordance; categories are kept.
    ``default``: target for unmapped labels (``"keep"`` keeps them).
    Example — WIOD to EU27 and the rest::

        aggregate(wiod, regions="eu27")
    """
    r = _map(mrio.index.get_level_values(0), regions, "regions", default)
    s = _map(mrio.index.get_level_values(1), sectors, "sectors", default)
    P, index = _indicator(pd.MultiIndex.from_arrays([r, s], names=mrio.index.names))
    fr = _map(mrio.fd_index.get_level_values(0), regions, "regions", default)
    Q, fd_index = _indicator(pd.MultiIndex.from_arrays([fr, mrio.fd_index.get_level_values(1)],
                                                       names=mrio.fd_index.names))
    Z = P @ mrio.Z @ P.T
    Z = sp.csr_array(Z) if mrio.is_sparse else np.asarray(Z.toarray() if sp.issparse(Z) else Z)
    Y = np.asarray(P @ mrio.Y @ Q.T)
    x = np.asarray(P @ mrio.x)
    derived = mrio.value_added_derived
    V = None if derived else np.asarray(mrio.V @ P.T)
    old_regions = mrio.index.get_level_values(0)

    def carried(found: dict) -> dict:      # a region made (partly) of regions without data or with estimates
        return {str(new): "; ".join(f"{o}: {found[o]}" for o in dict.fromkeys(old_regions[np.asarray(r) == new])
                                    if o in found)
                for new in dict.fromkeys(np.asarray(r)[np.asarray(old_regions.isin(list(found)))])}
    sats = {k: Satellite(k, np.asarray(v.F @ P.T), v.stressors, v.units,
                         None if v.F_Y is None else np.asarray(v.F_Y @ Q.T), gaps=carried(dict(v.gaps)),
                         estimated=carried(dict(v.estimated))) for k, v in mrio.satellites.items()}
    names = dict(mrio.sector_names) if sectors is None else {}
    return MRIO(Z, Y, x, index=index, fd_index=fd_index, V=V, va_index=None if derived else mrio.va_index,
                satellites=sats, unit=mrio.unit, name=f"{mrio.name} (aggregated)", year=mrio.year,
                sector_names=names, meta={k: v for k, v in mrio.meta.items() if k != "value_added"} | {"aggregated": True},
                sources=mrio.sources)
