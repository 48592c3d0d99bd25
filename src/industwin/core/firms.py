"""Firm-level supply networks: a validated, sparse supplier → customer network with firm attributes.

``W[i, j]`` is the value supplied by firm *i* to firm *j* (a ``scipy.sparse`` CSR array, memory
linear in the number of links); ``firms`` holds one row per firm (``industry`` — a NACE / ISIC /
NAICS code —, optionally ``region``, ``size`` …) in the order of ``W``'s rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from industwin.errors import DataError, ValidationError, ValidationIssue

__all__ = ["FirmNetwork", "read_network"]


@dataclass(frozen=True, eq=False)
class FirmNetwork:
    """A firm network: ``W`` (N × N, supplier row, customer column) and ``firms`` (N rows, indexed
    by firm id, with at least an ``industry`` column)."""

    W: sp.csr_array
    firms: pd.DataFrame
    unit: str = ""

    def __post_init__(self) -> None:
        W = sp.csr_array(self.W, dtype=float)
        if W.shape[0] != W.shape[1] or W.shape[0] != len(self.firms):
            raise DataError(f"W is {W.shape[0]} × {W.shape[1]} but there are {len(self.firms)} firms; "
                            "they must agree")
        if "industry" not in self.firms.columns:
            raise DataError("firms: column 'industry' is missing. Fix: give each firm its industry code")
        W.sum_duplicates()
        W.eliminate_zeros()
        object.__setattr__(self, "W", W)

    @property
    def n(self) -> int:
        return self.W.shape[0]

    @property
    def links(self) -> int:
        return self.W.nnz

    @property
    def out_strength(self) -> np.ndarray:
        """Sales to other firms of the network, ``r_i = Σ_j W_ij``."""
        return np.asarray(self.W.sum(axis=1)).reshape(-1)

    @property
    def in_strength(self) -> np.ndarray:
        """Purchases from other firms of the network, ``c_j = Σ_i W_ij``."""
        return np.asarray(self.W.sum(axis=0)).reshape(-1)

    @classmethod
    def from_edges(cls, edges: pd.DataFrame, firms: pd.DataFrame | None = None, *, supplier: str = "supplier",
                   customer: str = "customer", value: str = "value", duplicates: str = "sum",
                   source: str = "edges", unit: str = "") -> "FirmNetwork":
        """Build a network from an edge list, checking every problem at once.

        ``firms`` (indexed by firm id, or with a ``firm`` column) gives each firm's ``industry``; without
        it the firms are those of the edge list and must come with ``industry`` later. ``duplicates``:
        ``"sum"`` adds repeated supplier → customer pairs, ``"error"`` refuses them.
        """
        issues: list[ValidationIssue] = []
        missing = [c for c in (supplier, customer, value) if c not in edges.columns]
        if missing:
            raise ValidationError([ValidationIssue(source, c, "column missing",
                                                   f"the edge list needs columns {supplier}, {customer}, {value}")
                                   for c in missing])
        if duplicates not in ("sum", "error"):
            raise DataError(f"duplicates must be 'sum' or 'error', not {duplicates!r}")
        vals = pd.to_numeric(edges[value], errors="coerce")
        bad = vals.isna() | ~np.isfinite(vals.to_numpy(dtype=float, na_value=np.nan))
        if bad.any():
            issues.append(ValidationIssue(source, value, f"{int(bad.sum())} missing or non-numeric value(s), "
                                          f"first at row {int(np.flatnonzero(bad)[0])}", "give every link a number"))
        neg = vals < 0
        if neg.any():
            issues.append(ValidationIssue(source, value, f"{int(neg.sum())} negative value(s), first at row "
                                          f"{int(np.flatnonzero(neg)[0])}", "trade volumes cannot be negative"))
        loops = edges[supplier].to_numpy() == edges[customer].to_numpy()
        if loops.any():
            issues.append(ValidationIssue(source, f"{supplier}/{customer}", f"{int(loops.sum())} self-loop(s), e.g. "
                                          f"firm {edges[supplier].iloc[np.flatnonzero(loops)[0]]!r}",
                                          "remove links from a firm to itself"))
        dup = edges.duplicated([supplier, customer], keep=False)
        if dup.any() and duplicates == "error":
            first = edges[dup].iloc[0]
            issues.append(ValidationIssue(source, f"{supplier}/{customer}", f"{int(dup.sum())} rows repeat a "
                                          f"supplier → customer pair, e.g. {first[supplier]!r} → {first[customer]!r}",
                                          "sum them first or pass duplicates='sum'"))
        if firms is not None:
            firms = firms.set_index("firm") if "firm" in firms.columns else firms
            known = pd.Index(firms.index)
            unknown = pd.Index(edges[supplier]).union(pd.Index(edges[customer])).difference(known)
            if len(unknown):
                issues.append(ValidationIssue(source, f"{supplier}/{customer}", f"{len(unknown)} firm id(s) not in "
                                              f"the firm table, e.g. {list(unknown[:3])}",
                                              "add them to the firm table or drop their links"))
            if "industry" not in firms.columns:
                issues.append(ValidationIssue("firms", "industry", "column missing", "give each firm its industry"))
            elif firms["industry"].isna().any():
                issues.append(ValidationIssue("firms", "industry", f"{int(firms['industry'].isna().sum())} firm(s) "
                                              "without an industry", "give each firm its industry code"))
        if issues:
            raise ValidationError(issues)
        if firms is None:
            ids = pd.Index(pd.unique(np.concatenate([edges[supplier].to_numpy(), edges[customer].to_numpy()])))
            firms = pd.DataFrame({"industry": pd.NA}, index=ids)
        firms.index.name = "firm"
        pos = pd.Series(np.arange(len(firms)), index=firms.index)
        rows = pos.loc[edges[supplier]].to_numpy()
        cols = pos.loc[edges[customer]].to_numpy()
        W = sp.coo_array((vals.to_numpy(float), (rows, cols)), shape=(len(firms), len(firms))).tocsr()
        return cls(W, firms, unit)

    @classmethod
    def from_adjacency(cls, W: Any, industry: Any, unit: str = "") -> "FirmNetwork":
        """From a (dense or sparse) N × N matrix (row = supplier) and each firm's industry."""
        W = sp.csr_array(W, dtype=float)
        firms = pd.DataFrame({"industry": list(industry)}, index=pd.RangeIndex(W.shape[0], name="firm"))
        return cls(W, firms, unit)


def _read_table(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise DataError(f"{path}: file not found")
    if path.suffix.lower() == ".parquet":
        return pd.read_parquet(path)
    if path.suffix.lower() == ".csv":
        return pd.read_csv(path)
    raise DataError(f"{path}: unknown format. Fix: use .csv or .parquet")


def read_network(edges: str | Path, firms: str | Path | None = None, **kwargs: Any) -> FirmNetwork:
    """Read an edge list (CSV / Parquet: supplier, customer, value) and a firm table (firm, industry,
    optional region, size …) and validate them (see :meth:`FirmNetwork.from_edges`)."""
    e = _read_table(Path(edges))
    f = None if firms is None else _read_table(Path(firms))
    return FirmNetwork.from_edges(e, f, source=str(edges), **kwargs)
