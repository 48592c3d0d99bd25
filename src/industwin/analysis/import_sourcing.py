"""The twin with the import shares firms report: a programme's published sourcing aggregate (imported inputs by
product and country of origin, summed over the firms that submitted, suppressed cells hidden) replaces the
table's split of those imports over origins for the buyers it covers.

For buyer sectors ``J`` of economy ``r`` and input product ``p`` the table's import coefficient
``m_pj = Σ_{o≠r} a_(o,p),j`` is kept; its split over origins becomes the firms' one::

    a'_(o,p),j = m_pj · s_po,    s_po = (published_po + residual_po) / T_p

with ``T_p`` the published row total. Suppressed cells are not known one by one: together they hold
``T_p − Σ published_po``, spread over the suppressed origins in proportion to the table's own shares of them
(the only information the twin has). A product whose row total is suppressed keeps the table's split. Output
then follows demand through the new coefficients, ``x' = (I − A')⁻¹ y`` (Leontief 1936), with ``Z' = A' x̂'``.
Origins the table does not have separately go to its rest-of-the-world region when it has one.

Reference: the "re-sourcing" of input shares in Baldwin, Freeman & Theodorakopoulos (2022, NBER WP 30525),
here driven by survey data instead of an assumption.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from industwin.core.leontief import Factorisation, safe_reciprocal
from industwin.data.mrio import MRIO, REGION, SECTOR
from industwin.errors import SelectionError, ValidationError, ValidationIssue

__all__ = ["Resourced", "read_sourcing_table", "with_import_shares"]

TOTAL = "Total"


@dataclass(frozen=True)
class Resourced:
    """The re-sourced table and, per product and origin, the table's import share and the firms' one."""

    mrio: MRIO
    shares: pd.DataFrame       # product, origin, table_share, firms_share, basis
    kept: list[str]            # products whose row total is suppressed (the table's split kept)


def read_sourcing_table(path) -> pd.DataFrame:
    """A published sourcing aggregate as written by the data space (CSV: first column the product, then one
    column per origin and ``Total``; empty = suppressed)."""
    from industwin.data.io.records import read_table
    t = read_table(path, "sourcing aggregate", text=("product",))
    first = t.columns[0]
    t = t.set_index(first)
    t.index = t.index.astype(str)
    if TOTAL not in t.columns:
        raise ValidationError([ValidationIssue(str(path), TOTAL, "no Total column: not a published aggregate",
                                               "download the sourcing aggregate from the programme's page")])
    return t.apply(pd.to_numeric, errors="coerce")


def with_import_shares(mrio: MRIO, region: str, buyers: Sequence[str], published: pd.DataFrame) -> Resourced:
    """The table with the firms' import split (see the module's equations) for ``region``'s ``buyers``."""
    reg = np.asarray(mrio.index.get_level_values(REGION)).astype(str)
    sec = np.asarray(mrio.index.get_level_values(SECTOR)).astype(str)
    regions = list(dict.fromkeys(reg))
    if region not in regions:
        raise SelectionError(f"region {region!r} is not in the table. Fix: one of {', '.join(regions[:10])} …")
    J = np.flatnonzero((reg == region) & np.isin(sec, list(buyers)))
    if J.size == 0:
        raise SelectionError(f"buyers {', '.join(buyers)}: no such sector of {region}. Fix: use the table's codes")
    rest = next((r for r in regions if r.upper() in ("ROW", "RROW", "WA", "WL")), None)
    A = (mrio.Z.toarray() if mrio.is_sparse else np.array(mrio.Z, dtype=float)) * safe_reciprocal(mrio.x)[None, :]
    rows, kept = [], []
    pub = published.drop(index=TOTAL, errors="ignore")
    for product, line in pub.iterrows():
        P = np.flatnonzero((sec == str(product)) & (reg != region))
        if P.size == 0:
            raise SelectionError(f"product {product!r}: no such sector in the table. Fix: submit sector codes of "
                                 f"the programme's table (e.g. {sec[0]})")
        total = line.get(TOTAL, np.nan)
        block = A[np.ix_(P, J)]
        old = block.sum(axis=1)
        old_share = old / old.sum() if old.sum() > 0 else np.zeros_like(old)
        origins = reg[P]
        if not np.isfinite(total) or total <= 0:
            kept.append(str(product))
            continue
        known = np.zeros(P.size)
        hidden = np.zeros(P.size, bool)
        for o, v in line.drop(TOTAL).items():
            o = str(o)
            k = np.flatnonzero(origins == o)
            if k.size == 0:
                if rest is None:
                    raise SelectionError(f"origin {o!r}: not a region of the table and it has no rest of the world."
                                         " Fix: use the table's regions")
                k = np.flatnonzero(origins == rest)
            if np.isfinite(v):
                known[k] += v
            else:
                hidden[k] = True
        residual = max(float(total) - float(known.sum()), 0.0)
        spread = np.zeros(P.size)
        if hidden.any() and residual > 0:
            w = np.where(hidden, old_share, 0.0)
            w = w / w.sum() if w.sum() > 0 else hidden / hidden.sum()
            spread = residual * w
        s = (known + spread) / float(total)
        m = block.sum(axis=0)                                 # import coefficient per buyer, kept
        A[np.ix_(P, J)] = s[:, None] * m[None, :]
        for i in np.flatnonzero((s > 0) | (old_share > 0)):
            rows.append({"product": str(product), "origin": origins[i], "table_share": float(old_share[i]),
                         "firms_share": float(s[i]), "basis": "published" if known[i] > 0 else
                         ("suppressed, spread by the table's shares" if spread[i] > 0 else "not reported")})
    y = np.asarray(mrio.Y.sum(axis=1)).reshape(-1)
    x = Factorisation(-A.copy()).solve(y)
    tol = max(1.0, 1e-6 * float(np.abs(x).max()))
    if (x < -tol).any():
        raise SelectionError("the re-sourced table has negative output. Fix: check the published shares")
    x = np.maximum(x, 0.0)
    new = mrio.replace(Z=A * x[None, :], x=x, V=None, va_index=None, satellites={},
                       name=f"{mrio.name} (firms' import shares)")
    return Resourced(new, pd.DataFrame(rows, columns=["product", "origin", "table_share", "firms_share", "basis"]),
                     kept)
