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

from industwin.errors import DataError, SelectionError, ValidationError, ValidationIssue, plain, plain_list

__all__ = ["FirmNetwork", "firm_table", "read_firm_table", "read_network"]


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

    def positions(self, ids: Any) -> np.ndarray:
        """Row positions of firm ids (−1 where unknown). An id typed as a number finds a text id and back
        (``7`` finds ``"7"``; ``"07"`` stays ``"07"``)."""
        idx = self.firms.index
        ids = list(ids)
        pos = np.asarray(idx.get_indexer(pd.Index(ids, dtype=object)), dtype=np.int64)
        miss = np.flatnonzero(pos < 0)
        if len(miss):
            alt = [_other_type(ids[k]) for k in miss]
            pos[miss] = idx.get_indexer(pd.Index(alt, dtype=object))
        return pos

    def position(self, firm: Any, what: str = "firm") -> int:
        """The row of one firm id, or a :class:`SelectionError` with example ids."""
        p = int(self.positions([firm])[0])
        if p < 0:
            raise SelectionError(f"{what} {plain(firm)} is not in the firm table. Fix: use an id of the firm table, "
                                 f"e.g. {plain_list(self.firms.index[:3], 3)}")
        return p

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
        from industwin.data.io import Issues, line_of, numbers
        missing = [c for c in (supplier, customer, value) if c not in edges.columns]
        if missing:
            raise ValidationError([ValidationIssue(source, c, "column missing",
                                                   f"the edge list needs columns {supplier}, {customer}, {value}")
                                   for c in missing])
        if duplicates not in ("sum", "error"):
            raise SelectionError(f"duplicates must be 'sum' or 'error', not {duplicates!r}")
        iss = Issues(source)
        vals = numbers(edges, value, iss, minimum=0, fix="give every link its value (a number ≥ 0)")
        for col in (supplier, customer):
            _no_blanks(edges, col, iss, f"name the {col} of every link")
        if duplicates == "error":
            dup = edges.duplicated([supplier, customer], keep=False)
            if dup.any():
                first = edges[dup].iloc[0]
                iss.add(f"{supplier}/{customer}", f"{int(dup.sum())} rows repeat a supplier → customer pair, e.g. "
                        f"{plain(first[supplier])} → {plain(first[customer])}",
                        "sum them first or pass duplicates='sum'")
        if firms is not None:
            firms = firm_table(firms)
            ids = firms.index
        else:
            ids = pd.Index(pd.unique(pd.concat([edges[supplier], edges[customer]], ignore_index=True)), name="firm")
            firms = pd.DataFrame({"industry": pd.NA}, index=ids)
        rows = np.asarray(ids.get_indexer(edges[supplier]))          # one hash lookup per end of every link
        cols = np.asarray(ids.get_indexer(edges[customer]))
        unknown = (rows < 0) | (cols < 0)
        if unknown.any():
            names = pd.unique(pd.concat([edges[supplier][rows < 0], edges[customer][cols < 0]]))
            iss.add(f"{supplier}/{customer}", f"{len(names)} firm id(s) not in the firm table, e.g. "
                    f"{plain_list(names, 3)}", "add them to the firm table or drop their links")
        loops = (rows == cols) & ~unknown
        if loops.any():
            k = int(np.flatnonzero(loops)[0])
            iss.add(f"{supplier}/{customer}", f"{int(loops.sum())} self-loop(s), e.g. firm "
                    f"{plain(edges[supplier].iloc[k])} ({line_of(edges, k)})", "remove links from a firm to itself")
        iss.raise_if_any()
        vals = np.asarray(vals, float)
        firms.index.name = "firm"
        W = sp.coo_array((vals, (rows, cols)), shape=(len(firms), len(firms))).tocsr()
        return cls(W, firms, unit)

    @classmethod
    def from_adjacency(cls, W: Any, industry: Any, unit: str = "") -> "FirmNetwork":
        """From a (dense or sparse) N × N matrix (row = supplier) and each firm's industry."""
        W = sp.csr_array(W, dtype=float)
        firms = pd.DataFrame({"industry": list(industry)}, index=pd.RangeIndex(W.shape[0], name="firm"))
        return cls(W, firms, unit)



def firm_table(firms: pd.DataFrame) -> pd.DataFrame:
    """A firm table checked and indexed by firm id: ids given once and never blank, every firm's ``industry``
    (and region, country … when those columns are given) never blank, ``size`` a number ≥ 0. Every problem is
    listed at once, naming the file, the column and the line."""
    from industwin.data.io import Issues, line_of, numbers
    fiss = Issues(str(firms.attrs.get("source", "firm table")))
    if "firm" in firms.columns:
        _no_blanks(firms, "firm", fiss, "give every firm its id")
        ids = pd.Index(firms["firm"], name="firm")
    else:
        ids = pd.Index(firms.index, name="firm")
    if ids.has_duplicates:
        k = int(np.flatnonzero(ids.duplicated())[0])
        fiss.add("firm", f"{int(ids.duplicated().sum())} firm id(s) given more than once, e.g. "
                 f"{plain_list(ids[ids.duplicated()], 3)} (again at {line_of(firms, k)})",
                 "give each firm one row")
    if "industry" not in firms.columns:
        fiss.add("industry", "column missing", "give each firm its industry code")
    for col in ("industry", *[c for c in FIRM_TEXT[2:] if c in firms.columns]):
        if col in firms.columns:         # a blank place would drop the firm from every view by place
            _no_blanks(firms, col, fiss, f"give each firm its {col} (or drop the column)")
    if "size" in firms.columns:
        size = numbers(firms, "size", fiss, minimum=0, fix="give each firm's size (gross output, ≥ 0) or "
                                                         "drop the column (its sales are used then)")
        firms = firms.assign(size=size)
    fiss.raise_if_any()
    out = (firms.drop(columns="firm") if "firm" in firms.columns else firms).set_axis(ids, axis=0)
    out.index.name = "firm"
    return out


def read_firm_table(path: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Read and check a firm table (CSV / Parquet / Excel; see :func:`firm_table`); ids and codes as text."""
    from industwin.data.io import read_table
    return firm_table(read_table(path, "firm table", text=FIRM_TEXT))

def _no_blanks(df: pd.DataFrame, col: str, issues: Any, fix: str) -> None:
    from industwin.data.io import line_of
    miss = np.flatnonzero(np.asarray(df[col].isna()))
    if len(miss):
        issues.add(col, f"{len(miss)} blank cell(s) ({', '.join(line_of(df, int(k)) for k in miss[:5])})", fix)


def _other_type(v: Any) -> Any:
    if isinstance(v, str):
        t = v.strip()
        return int(t) if t.lstrip("-").isdigit() and str(int(t)) == t else v
    if isinstance(v, int | np.integer) and not isinstance(v, bool):
        return str(int(v))
    return v


FIRM_TEXT = ("firm", "industry", "region", "sector", "location", "place", "country")


def read_network(edges: str | Path | pd.DataFrame, firms: str | Path | pd.DataFrame | None = None,
                 **kwargs: Any) -> FirmNetwork:
    """Read an edge list (CSV / Parquet / Excel: supplier, customer, value) and a firm table (firm, industry,
    optional region, size …) and validate them (see :meth:`FirmNetwork.from_edges`).

    Firm ids and codes (``supplier``, ``customer``, ``firm``, ``industry``, ``region`` …) are read as text, so
    NACE ``01`` stays ``01``; a firm id typed as a number still finds its firm (:meth:`FirmNetwork.position`)."""
    from industwin.data.io import read_table
    e = read_table(edges, "edge list", text=("supplier", "customer"))
    f = None if firms is None else read_table(firms, "firm table", text=FIRM_TEXT)
    return FirmNetwork.from_edges(e, f, source=e.attrs["source"], **kwargs)
