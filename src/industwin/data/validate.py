"""Validation of MRIO tables at the boundary — the one place that worries about bad input.

:func:`check_mrio` runs when an :class:`~industwin.data.mrio.MRIO` is built and
raises :class:`~industwin.errors.ValidationError` listing *every* problem found
(one line each, naming the file, the field and the fix). :func:`balance_report`
reports rows whose uses differ from gross output; :func:`rebalance` is the
explicit fix. Zero-output sectors are legal: the engine gives them zero
coefficients (never a division by zero, never a NaN in results).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from industwin.errors import SelectionError, ValidationError, ValidationIssue, plain_list

__all__ = ["check_mrio", "balance_report", "rebalance", "ImbalanceWarning"]


class ImbalanceWarning(UserWarning):
    """Rows whose intermediate plus final use differ from gross output beyond tolerance."""


def _nonfinite(a: Any) -> int:
    data = a.data if sp.issparse(a) else a
    return int(data.size - np.count_nonzero(np.isfinite(data)))


def _where(a: Any, rows: Any, cols: Any) -> str:
    """Position of the first non-finite cell, by label where the labels fit."""
    if sp.issparse(a):
        coo = a.tocoo()
        bad = ~np.isfinite(coo.data)
        pos = (int(coo.row[bad][0]), int(coo.col[bad][0]))
    else:
        pos = tuple(int(i) for i in np.argwhere(~np.isfinite(np.atleast_2d(a) if a.ndim == 1 else a))[0])
        if a.ndim == 1:
            pos = (pos[1],)
    lab = []
    for p, names in zip(pos, (rows, cols)):
        lab.append(str(names[p]) if names is not None and p < len(names) else f"#{p}")
    return "row " + lab[0] + (f", column {lab[1]}" if len(lab) > 1 else "")


def _label_issues(src: str, fld: str, idx: pd.Index, n: int, what: str) -> list[ValidationIssue]:
    out = []
    if len(idx) != n:
        out.append(ValidationIssue(src, fld, f"{len(idx)} labels for {n} {what}",
                                   f"give exactly one label per {what[:-1]}"))
    dup = idx[idx.duplicated()]
    if len(dup):
        out.append(ValidationIssue(src, fld, f"{len(dup)} duplicate label(s), e.g. {list(dup[:3])}",
                                   "make every label unique (aggregate duplicates first)"))
    return out


def check_mrio(Z, Y, x, index, fd_index, V, va_index, satellites: dict, sources: dict, values: bool = True) -> None:
    """Raise :class:`ValidationError` with every structural problem of a table.

    Checks: square ``Z``; row counts of ``Y``, ``x``, ``V`` and satellites match;
    labels are unique and one per row/column; with ``values``, no NaN or inf anywhere and no
    negative gross output.
    """
    src = lambda f: sources.get(f, sources.get("table", "<in-memory table>"))  # noqa: E731
    issues: list[ValidationIssue] = []
    if Z.ndim != 2 or Z.shape[0] != Z.shape[1]:
        issues.append(ValidationIssue(src("Z"), "Z", f"intermediate matrix is {Z.shape[0]} × {Z.shape[1]}, not square",
                                      "Z must have one row and one column per region–sector pair, in the same order"))
        raise ValidationError(issues)
    n = Z.shape[0]
    issues += _label_issues(src("Z"), "Z labels (region, sector)", index, n, "rows")
    if Y.shape[0] != n:
        issues.append(ValidationIssue(src("Y"), "Y", f"final demand has {Y.shape[0]} rows but Z has {n}",
                                      "give final demand for every region–sector row of Z, in Z's order"))
    issues += _label_issues(src("Y"), "Y labels (region, category)", fd_index, Y.shape[1], "columns")
    if x is not None and x.shape[0] != n:
        issues.append(ValidationIssue(src("x"), "x", f"gross output has {x.shape[0]} entries but Z has {n} rows",
                                      "give one gross output per region–sector row of Z"))
    if V is not None:
        if V.shape[1] != n:
            issues.append(ValidationIssue(src("V"), "V", f"value added has {V.shape[1]} columns but Z has {n}",
                                          "give value added for every region–sector column of Z"))
        if va_index is not None:
            issues += _label_issues(src("V"), "V labels", pd.Index(va_index), V.shape[0], "rows")
    labels = {"Z": (index, index), "Y": (index, fd_index), "x": (index, None), "V": (va_index, index)}
    for fld, a in ((("Z", Z), ("Y", Y), ("x", x), ("V", V)) if values else ()):
        if a is not None and (k := _nonfinite(a)):
            issues.append(ValidationIssue(src(fld), fld, f"{k} NaN or infinite value(s), first at "
                                          f"{_where(a, *labels[fld])}",
                                          "replace missing cells with 0 (or the right number) before loading"))
    if x is not None and values:
        neg = np.flatnonzero(x < 0)
        if len(neg):
            labels = [index[i] for i in neg[:3]] if len(index) == n else list(neg[:3])
            issues.append(ValidationIssue(src("x"), "x", f"{len(neg)} negative gross output(s), e.g. {labels}",
                                          "gross output cannot be negative: correct the source table or rebalance it"))
    for name, s in satellites.items():
        f = f"satellite '{name}'"
        if s.F.shape[1] != n:
            issues.append(ValidationIssue(src(name), f + " F", f"has {s.F.shape[1]} columns but Z has {n}",
                                          "give the stressor for every region–sector column of Z"))
        if s.F_Y is not None and s.F_Y.shape[1] != Y.shape[1]:
            issues.append(ValidationIssue(src(name), f + " F_Y", f"has {s.F_Y.shape[1]} columns but Y has {Y.shape[1]}",
                                          "give direct final-demand use for every final-demand column of Y"))
        if len(s.stressors) != s.F.shape[0] or len(s.units) != s.F.shape[0]:
            issues.append(ValidationIssue(src(name), f + " stressors", "number of stressor labels or units differs from rows of F",
                                          "give one label and one unit per stressor row"))
        gaps = dict(getattr(s, "gaps", {}) or {})
        F = s.F
        if gaps and s.F.shape[1] == n:
            regs = index.get_level_values(0) if len(index) == n else pd.Index([])
            unknown = [g for g in gaps if g not in set(regs)]
            if unknown:
                issues.append(ValidationIssue(src(name), f + " gaps", f"gap region(s) {unknown[:3]} are not regions "
                                              "of the table", "name regions of the table"))
            gap_cols = np.asarray(regs.isin(list(gaps)))
            if values and np.isfinite(s.F[:, gap_cols]).any():
                issues.append(ValidationIssue(src(name), f + " F", "a region listed as a gap has values",
                                              "a gap holds NaN only: drop the region from gaps or its values"))
            F = s.F[:, ~gap_cols]
        for part, a in ((("F", F), ("F_Y", s.F_Y)) if values else ()):
            if a is not None and (k := _nonfinite(a)):
                issues.append(ValidationIssue(src(name), f"{f} {part}", f"{k} NaN or infinite value(s)",
                                              "give the right number, or list a region without data in the "
                                              "satellite's gaps (a true zero is 0)"))
        dup = s.stressors[s.stressors.duplicated()]
        if len(dup):
            issues.append(ValidationIssue(src(name), f + " stressors", f"duplicate stressor(s) {list(dup[:3])}",
                                          "make stressor names unique"))
    if issues:
        raise ValidationError(issues)


def balance_report(mrio, rtol: float = 1e-3, atol: float = 1.0, warn: bool = False) -> pd.DataFrame:
    """Rows whose total use differs from gross output beyond tolerance.

    The residual of row *i* is ``r_i = Σ_j Z_ij + Σ_k Y_ik − x_i``; a row is
    reported when ``|r_i| > atol + rtol·|x_i|``. Returns a labelled table
    (output, total use, residual, relative residual), largest first; empty
    when the table balances. With ``warn=True`` an :class:`ImbalanceWarning`
    names the worst rows and the explicit fix, :func:`rebalance`.
    """
    if not (np.isfinite(rtol) and np.isfinite(atol) and rtol >= 0 and atol >= 0):
        raise SelectionError(f"tolerances must be finite and non-negative, got rtol={rtol!r}, atol={atol!r}")
    use = np.asarray(mrio.Z.sum(axis=1)).reshape(-1) + mrio.Y.sum(axis=1)
    resid = use - mrio.x
    bad = np.abs(resid) > atol + rtol * np.abs(mrio.x)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(mrio.x != 0, resid / np.where(mrio.x != 0, mrio.x, 1.0), np.inf * np.sign(resid))
    rep = pd.DataFrame({"gross_output": mrio.x, "total_use": use, "residual": resid, "relative_residual": rel},
                       index=mrio.index)[bad]
    rep = rep.reindex(rep["residual"].abs().sort_values(ascending=False).index)
    if warn and len(rep):
        top = ", ".join(f"{r}/{s} ({v:+.4g})" for (r, s), v in rep["residual"].head(3).items())
        src = mrio.sources.get("table", mrio.name or "table")
        warnings.warn(f"{src}: {len(rep)} row(s) where Z·1 + Y·1 differs from x beyond "
                      f"atol={atol:g} + rtol={rtol:g}·x (worst: {top}). Fix: industwin.rebalance(mrio, method='output') "
                      "sets x to total use; method='final_demand' books the residual in a final-demand category.",
                      ImbalanceWarning, stacklevel=2)
    return rep


def rebalance(mrio, method: str = "output", category: str | None = None):
    """Return a balanced copy of a table (the original is untouched).

    * ``method="output"``: ``x := Z·1 + Y·1`` (gross output follows the recorded uses;
      a derived value added is derived again).
    * ``method="final_demand"``: the residual ``x − Z·1 − Y·1`` of each row is
      booked in the final-demand column (own region, ``category``; default the last
      category, e.g. WIOD's change in inventories), so ``x`` is kept.
    """
    use = np.asarray(mrio.Z.sum(axis=1)).reshape(-1) + mrio.Y.sum(axis=1)
    if method == "output":
        return mrio.replace(x=use)
    if method == "final_demand":
        cat = category if category is not None else mrio.categories[-1]
        if cat not in mrio.categories:
            raise SelectionError(f"category {cat!r} is not a final-demand category. Fix: choose one of "
                                 f"{plain_list(mrio.categories, 10)}")
        Y = np.array(mrio.Y, copy=True)
        col = mrio.fd_index.get_indexer(pd.MultiIndex.from_arrays(
            [mrio.index.get_level_values(0), [cat] * mrio.n]))
        if (col < 0).any():
            raise SelectionError(f"some regions have no final-demand column ({cat!r}). Fix: use method='output'")
        Y[np.arange(mrio.n), col] += mrio.x - use
        return mrio.replace(Y=Y)
    raise SelectionError(f"unknown rebalancing method {method!r}. Fix: choose 'output' or 'final_demand'")
