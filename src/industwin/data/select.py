"""Checked selections on a table: regions, sectors, country-sectors, years and shares.

Every analysis that takes a region or sector code from a user goes through
these helpers, so a typo gives one clear error listing the valid choices
instead of an empty result or a traceback from pandas.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from industwin.data.mrio import MRIO, REGION, SECTOR
from industwin.errors import SelectionError

__all__ = ["region_positions", "node_positions", "regions_of", "check_share", "check_years", "as_list", "known_rows"]


def _choices(values: Iterable) -> str:
    vals = [str(v) for v in values]
    return ", ".join(vals) if len(vals) <= 60 else ", ".join(vals[:60]) + f", … ({len(vals)} in all)"


def as_list(v: str | Sequence[str] | None) -> list[str] | None:
    if v is None:
        return None
    return [v] if isinstance(v, str) else list(v)


def regions_of(mrio: MRIO, regions: str | Sequence[str], what: str = "region") -> list[str]:
    """The given region codes, checked against the table's regions."""
    regs = as_list(regions) or []
    valid = set(map(str, mrio.regions))
    bad = [r for r in regs if str(r) not in valid]
    if bad:
        raise SelectionError(f"unknown {what} {', '.join(map(repr, bad))}. Fix: choose one of {_choices(mrio.regions)}")
    return [str(r) for r in regs]


def region_positions(mrio: MRIO, region: str, what: str = "region") -> np.ndarray:
    """Row positions of one region's sectors (in table order)."""
    regions_of(mrio, region, what)
    return np.flatnonzero(np.asarray(mrio.index.get_level_values(REGION) == region))


def node_positions(mrio: MRIO, region: str, sectors: str | Sequence[str] | None = None,
                   what: str = "country-sector") -> np.ndarray:
    """Row positions of ``(region, sector)`` pairs; all of the region's sectors when ``sectors`` is None."""
    rows = region_positions(mrio, region, f"{what} region")
    if sectors is None:
        return rows
    secs = as_list(sectors)
    have = mrio.index[rows].get_level_values(SECTOR)
    bad = [s for s in secs if s not in set(have)]
    if bad:
        named = ", ".join(f"{c} ({mrio.sector_label(c)})" if mrio.sector_label(c) != c else str(c) for c in have)
        raise SelectionError(f"unknown sector {', '.join(map(repr, bad))} in region {region!r}. "
                             f"Fix: choose one of {_choices([named]) if len(have) > 60 else named}")
    pos = {s: i for i, s in zip(rows, have)}
    return np.array([pos[s] for s in secs], dtype=int)


def known_rows(values, mrio: MRIO) -> None:
    """Every (region, sector) of ``values`` (a Series read from a user's file) is a row of the table; the
    unknown ones are listed with the file (``values.attrs["source"]``)."""
    from industwin.errors import ValidationError, ValidationIssue, plain
    unknown = values.index.difference(mrio.index)
    if len(unknown):
        src = str(values.attrs.get("source", "values"))
        raise ValidationError([ValidationIssue(src, "region/sector", f"unknown (region, sector) {plain(k)}",
                                               f"use the table's labels, e.g. {plain(mrio.index[0])}")
                               for k in unknown])


def check_share(value: float, name: str) -> float:
    """A share (e.g. a concentration threshold) must lie in [0, 1]."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise SelectionError(f"{name} must be a number between 0 and 1, got {value!r}") from None
    if not 0.0 <= v <= 1.0 or np.isnan(v):
        raise SelectionError(f"{name} must lie between 0 and 1 (a share, e.g. 0.5 for 50 %), got {value!r}. "
                             "Fix: pass a value in [0, 1]")
    return v


def check_years(years: Iterable[int] | None, valid: Sequence[int], dataset: str) -> list[int]:
    """Years requested from a dataset, checked against those it has (all of them when None)."""
    if years is None:
        return list(valid)
    ys = [int(y) for y in years]
    bad = [y for y in ys if y not in set(valid)]
    if bad:
        contiguous = list(valid) == list(range(valid[0], valid[-1] + 1))
        choices = f"choose among {valid[0]}–{valid[-1]}" if contiguous else f"choose one of {list(valid)}"
        raise SelectionError(f"{dataset} has no year {', '.join(map(str, bad))}. Fix: {choices}")
    return ys
