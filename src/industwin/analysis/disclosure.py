"""Statistical disclosure control for aggregates of confidential contributions: which cells of a published table
may be shown, so that no contributor's figure can be learnt from it.

A cell of a magnitude table (e.g. emissions of a sector in a region, summed over the companies that submitted
them) is **primary sensitive** when (Hundepool et al. 2012, *Statistical Disclosure Control*, §4.2)

* it has fewer than ``min_contributors`` (3) contributors — the frequency rule;
* its ``n`` largest contributions exceed ``k`` % of its total (the (n, k) = (2, 85) dominance rule):
  ``x₁ + x₂ > k/100 · T``;
* the second-largest contributor could estimate the largest to within ``p`` % (the p % rule, p = 10):
  ``T − x₁ − x₂ < p/100 · x₁``.

Suppressing only those cells is not enough where totals are published: a lone suppressed cell in a row is its
row total minus the rest. **Secondary suppression** hides further cells until no suppressed cell can be worked
out from the published ones and the margins. In a two-way table with its margins, the cells are the edges of a
bipartite graph (rows ↔ columns, the margins a row and a column of their own); a suppressed cell's value is
determined exactly by the published cells and totals if and only if it is a *bridge* of the graph of
suppressed cells (it lies on no cycle of them). The heuristic here (the shortest-path method, e.g. Castro 2006
for its network form) closes each such bridge into a cycle along the cheapest path of cells (cost = the
cell's value, so little information is hidden), and repeats until none is left. :func:`audit` then checks the
result independently: for every suppressed cell it solves two linear programmes (the smallest and largest
value it can take given everything published, all cells ≥ 0) — the range an intruder can derive.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from industwin.errors import SelectionError, ValidationError, ValidationIssue

__all__ = ["TOTAL", "MeanTable", "Protected", "Rules", "audit", "primary", "protect", "protected_mean", "secondary"]

TOTAL = "Total"


@dataclass(frozen=True)
class Rules:
    """The primary rules: fewer than ``min_contributors``; the (``n``, ``k`` %) dominance rule; the ``p`` % rule."""

    min_contributors: int = 3
    n: int = 2
    k: float = 85.0
    p: float = 10.0


def primary(contributions: pd.DataFrame, by: list[str], value: str = "value", contributor: str = "contributor",
            rules: Rules = Rules()) -> pd.DataFrame:
    """Per cell (the ``by`` columns): its total, number of contributors, two largest contributions, which rules
    it fails and whether it is sensitive. A contributor's several rows in one cell count as one contribution
    (their sum). Contributions must be finite and ≥ 0."""
    missing = [c for c in (*by, value, contributor) if c not in contributions.columns]
    if missing:
        raise ValidationError([ValidationIssue("contributions", c, "column missing",
                                               f"give columns {', '.join((*by, contributor, value))}")
                               for c in missing])
    v = pd.to_numeric(contributions[value], errors="coerce")
    if not np.isfinite(v).all() or (v < 0).any():
        raise ValidationError([ValidationIssue("contributions", value, "values must be finite numbers ≥ 0",
                                               "give every contribution as a number ≥ 0")])
    per = contributions.assign(**{value: v}).groupby([*by, contributor], observed=True)[value].sum()

    def cell(s: pd.Series) -> pd.Series:
        x = np.sort(s.to_numpy())[::-1]
        t = float(x.sum())
        x1 = float(x[0]) if len(x) else 0.0
        x2 = float(x[1]) if len(x) > 1 else 0.0
        top_n = float(x[:rules.n].sum())
        few = len(x) < rules.min_contributors
        dominated = t > 0 and top_n > rules.k / 100 * t
        p_rule = t > 0 and (t - x1 - x2) < rules.p / 100 * x1
        return pd.Series({"total": t, "contributors": len(x), "largest": x1, "second": x2,
                          "few": few, "dominance": dominated, "p_rule": p_rule,
                          "sensitive": bool(few or dominated or p_rule)})
    out = per.groupby(level=list(range(len(by))), observed=True).apply(cell).unstack()
    out.index.names = by
    return out.astype({"total": float, "contributors": int, "largest": float, "second": float, "few": bool,
                       "dominance": bool, "p_rule": bool, "sensitive": bool})


def _with_margins(table: pd.DataFrame) -> pd.DataFrame:
    t = table.copy()
    t[TOTAL] = t.sum(axis=1)
    t.loc[TOTAL] = t.sum(axis=0)
    return t


def _graph(shape: tuple[int, int]) -> nx.Graph:
    return nx.complete_bipartite_graph(shape[0], shape[1])     # rows 0..R-1, columns R..R+C-1


def secondary(table: pd.DataFrame, sensitive: pd.DataFrame) -> pd.DataFrame:
    """The cells to suppress in ``table`` (rows × columns, margins included as the last row and column, see
    :func:`protect`) so that no suppressed cell is a bridge of the suppressed cells' graph: the primary cells
    (``sensitive``, same shape, booleans) and the complementary cells chosen along the cheapest paths."""
    vals = table.to_numpy(float)
    mask = sensitive.reindex_like(table).fillna(False).to_numpy(bool).copy()
    R, C = vals.shape
    if not mask.any():
        return pd.DataFrame(mask, index=table.index, columns=table.columns)
    full = nx.Graph()
    for r in range(R):
        for c in range(C):
            full.add_edge(r, R + c)
    scale = max(float(np.abs(vals).max()), 1.0)
    for _ in range(R * C):
        sup = nx.Graph()
        sup.add_edges_from((r, R + c) for r, c in zip(*np.nonzero(mask)))
        bridges = [(a, b) for a, b in nx.bridges(sup)]
        if not bridges:
            break
        a, b = bridges[0]
        r, c = (a, b - R) if a < R else (b, a - R)
        for u, w in full.edges:                             # cost of using a cell: 0 if already hidden
            rr, cc = (u, w - R) if u < R else (w, u - R)
            full[u][w]["cost"] = 0.0 if mask[rr, cc] else 1.0 + vals[rr, cc] / scale
        full.remove_edge(r, R + c)
        try:
            path = nx.shortest_path(full, r, R + c, weight="cost")
        except nx.NetworkXNoPath:                           # a 1 × n table: nothing can protect it but its total
            full.add_edge(r, R + c)
            raise SelectionError("the table has a single row or column of cells: a suppressed cell cannot be "
                                 "protected without suppressing the total. Fix: publish a table with at least two "
                                 "rows and two columns, or publish the total only") from None
        full.add_edge(r, R + c)
        for u, w in zip(path[:-1], path[1:]):
            rr, cc = (u, w - R) if u < R else (w, u - R)
            mask[rr, cc] = True
    return pd.DataFrame(mask, index=table.index, columns=table.columns)


def audit(table: pd.DataFrame, suppressed: pd.DataFrame) -> pd.DataFrame:
    """What an intruder can derive: for every suppressed cell the smallest and largest value it can take, given
    the published cells, the row and column sums (the last row and column of ``table`` are the margins) and all
    cells ≥ 0 — two linear programmes per cell (HiGHS via scipy). ``width`` 0 means the cell is disclosed."""
    from scipy.optimize import linprog
    vals = table.to_numpy(float)
    mask = suppressed.reindex_like(table).fillna(False).to_numpy(bool)
    R, C = vals.shape
    unknown = list(zip(*np.nonzero(mask)))
    if not unknown:
        return pd.DataFrame(columns=["row", "column", "value", "lower", "upper", "width"])
    # every row sums to its total (last column), every column to its total (last row): Σ s·x = 0 with s = −1
    # on the margin; the unknowns' coefficients on the left, the published cells on the right
    ur, uc = np.nonzero(mask)
    k = np.arange(len(unknown))
    known = np.where(mask, 0.0, vals)
    s_row = np.ones((R, C))
    s_row[:, -1] = -1.0
    s_col = np.ones((R, C))
    s_col[-1, :] = -1.0
    a_row = np.zeros((R, len(unknown)))
    a_row[ur, k] = s_row[ur, uc]
    a_col = np.zeros((C, len(unknown)))
    a_col[uc, k] = s_col[ur, uc]
    A_eq = np.vstack([a_row, a_col])
    b_eq = np.concatenate([-(s_row * known).sum(axis=1), -(s_col * known).sum(axis=0)])
    rows = []
    for k, (r, c) in enumerate(unknown):
        obj = np.zeros(len(unknown))
        obj[k] = 1.0
        lo = linprog(obj, A_eq=A_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        hi = linprog(-obj, A_eq=A_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        lower = lo.fun if lo.status == 0 else np.nan
        upper = -hi.fun if hi.status == 0 else np.inf
        rows.append({"row": table.index[r], "column": table.columns[c], "value": vals[r, c],
                     "lower": lower, "upper": upper, "width": upper - lower})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Protected:
    """A published table: ``values`` with suppressed cells as NaN (margins as the last row and column),
    ``status`` per cell (``published``, ``primary: <rules>``, ``secondary``), the primary rules' ``cells`` and
    the intruder's ranges (``audit``)."""

    values: pd.DataFrame
    status: pd.DataFrame
    cells: pd.DataFrame
    audit: pd.DataFrame


def protect(contributions: pd.DataFrame, rows: str, columns: str, value: str = "value",
            contributor: str = "contributor", rules: Rules = Rules()) -> Protected:
    """The table ``rows`` × ``columns`` of summed contributions with its margins, every cell checked by the
    primary rules (margins too), complementary cells suppressed so that nothing suppressed can be recovered
    exactly, and the audit of what remains derivable."""
    cells = primary(contributions, [rows, columns], value, contributor, rules)
    row_cells = primary(contributions, [rows], value, contributor, rules)
    col_cells = primary(contributions, [columns], value, contributor, rules)
    grand = primary(contributions.assign(_all=TOTAL), ["_all"], value, contributor, rules)
    table = _with_margins(cells["total"].unstack(fill_value=0.0))
    sens = cells["sensitive"].unstack(fill_value=False).reindex(index=table.index, columns=table.columns,
                                                                fill_value=False)
    sens[TOTAL] = row_cells["sensitive"].reindex(table.index).fillna(False).to_numpy(bool)
    sens.loc[TOTAL] = col_cells["sensitive"].reindex(table.columns).fillna(False).to_numpy(bool)
    sens.loc[TOTAL, TOTAL] = bool(grand["sensitive"].iloc[0])
    sens = sens.astype(bool)
    n = cells["contributors"].unstack(fill_value=0).reindex(index=table.index, columns=table.columns, fill_value=0)
    n[TOTAL] = row_cells["contributors"].reindex(table.index).fillna(0).to_numpy(int)
    n.loc[TOTAL] = col_cells["contributors"].reindex(table.columns).fillna(0).to_numpy(int)
    n.loc[TOTAL, TOTAL] = int(grand["contributors"].iloc[0])
    empty = n == 0                  # no contributor: nothing to protect (a sum of 0 from a few contributors is not)
    sens = sens & ~empty
    mask = secondary(table, sens)
    why = {}
    flags = {"few": f"fewer than {rules.min_contributors} contributors", "dominance":
             f"{rules.n} largest > {rules.k:g} %", "p_rule": f"p % rule (p = {rules.p:g})"}
    for (r, c), row in cells.iterrows():
        why[r, c] = ", ".join(t for f, t in flags.items() if row[f])
    status = pd.DataFrame("published", index=table.index, columns=table.columns)
    status[mask] = "secondary"
    for r in table.index:
        for c in table.columns:
            if sens.loc[r, c]:
                status.loc[r, c] = "primary" + (f": {why[r, c]}" if why.get((r, c)) else "")
    aud = audit(table, mask)
    if len(aud):                       # the p % rule's upper protection level: p/100 · x₁ − (T − x₁ − x₂)
        need = (rules.p / 100 * cells["largest"] - (cells["total"] - cells["largest"] - cells["second"])).clip(lower=0)
        aud["required"] = [float(need.get((r, c), 0.0)) if (r, c) in need.index else 0.0
                           for r, c in zip(aud["row"], aud["column"])]
        aud["protected"] = (aud["width"] > 1e-9) & (aud["upper"] - aud["value"] >= aud["required"] - 1e-9)
    return Protected(table.where(~mask), status, cells, aud)


@dataclass(frozen=True)
class MeanTable:
    """A published table of means (``values``: margins ``Total`` as the last row and column; suppressed cells
    NaN), ``status`` per cell, ``contributors`` (distinct contributors per cell) and the :class:`Protected`
    result of the sums it rests on."""

    values: pd.DataFrame
    status: pd.DataFrame
    contributors: pd.DataFrame
    protected: Protected


def _margins(t: pd.DataFrame, row: pd.Series, col: pd.Series, grand: float) -> pd.DataFrame:
    t = t.copy()
    t[TOTAL] = row.reindex(t.index).fillna(0)
    t.loc[TOTAL] = col.reindex(t.columns).fillna(0)
    t.loc[TOTAL, TOTAL] = grand
    return t


def protected_mean(contributions: pd.DataFrame, rows: str, columns: str, value: str = "value",
                   contributor: str = "contributor", rules: Rules | None = None, unique: bool = False,
                   bounds: tuple[float, float] | None = None) -> MeanTable:
    """The mean of ``value`` over contributors per cell ``rows`` × ``columns`` (a contributor's several rows in
    a cell count once, by their mean), published where the sums pass the disclosure rules:
    ``mean = Σ_c v̄_c / n`` with the sums protected by :func:`~industwin.analysis.disclosure.protect`
    (primary and secondary suppression, margins included; a cell of a few contributors all at 0 is suppressed
    like any other, since its mean would reveal them). ``bounds``: the values' range (bands 0–5): a mean at a
    bound says every contributor sits there, so such a cell is suppressed too, with the cells that would reveal
    it. ``unique``: the contributions hold one row per contributor and cell already. The readiness tables and the
    data space's mean aggregates use it."""
    c, rules = contributions, rules or Rules()
    per = c if unique else c.groupby([rows, columns, contributor], observed=True)[value].mean().reset_index()
    prot = protect(per, rows, columns, value, contributor, rules)

    def by(keys):
        return per.groupby(keys, observed=True)
    sums = _margins(by([rows, columns])[value].sum().unstack(fill_value=0.0), by(rows)[value].sum(),
                    by(columns)[value].sum(), float(per[value].sum()))
    n = _margins(by([rows, columns]).size().unstack(fill_value=0), by(rows).size(), by(columns).size(),
                 float(len(per)))
    who = _margins(by([rows, columns]).size().unstack(fill_value=0), by(rows)[contributor].nunique(),
                   by(columns)[contributor].nunique(), float(per[contributor].nunique()))   # per: one row a cell
    sums = sums.reindex_like(prot.values).fillna(0.0)
    n = n.reindex_like(prot.values).fillna(0).astype(int)
    who = who.reindex_like(prot.values).fillna(0).astype(int)
    mask = prot.values.isna()
    mean = sums / n.where(n > 0)
    status = prot.status
    if bounds is not None:
        at = ~mask & (n > 0) & (np.isclose(mean, bounds[0]) | np.isclose(mean, bounds[1]))
        if at.to_numpy().any():
            new = secondary(sums, mask | at)
            status = status.copy()
            status[new & ~mask] = "secondary"
            status[at] = "primary: every contributor at the bound"
            mask = new
            prot = Protected(sums.where(~mask), status, prot.cells, audit(sums, mask))
    return MeanTable(mean.where(~mask), status, who, prot)
