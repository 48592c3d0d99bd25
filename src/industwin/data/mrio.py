"""The MRIO table: an immutable, labelled multi-regional input–output system.

Notation (Miller & Blair 2009, *Input–Output Analysis*, 2nd ed., ch. 3):

* ``Z`` (n × n) intermediate flows, ``Z[i, j]`` = sales of sector *i* to sector *j*;
* ``Y`` (n × m) final demand by region and category;
* ``x`` (n) gross output, ``x = Z·1 + Y·1`` for a balanced table;
* ``V`` (k × n) primary inputs (value added components), ``x' = 1'Z + 1'V``;
* satellite accounts ``F`` (q × n) of stressors (emissions, energy, jobs …)
  with the direct use by final demand ``F_Y`` (q × m).

Numbers live in contiguous numpy arrays (or a scipy.sparse matrix for ``Z``);
labels live beside them as pandas indexes. Arrays are stored as read-only
views: an :class:`MRIO` never copies or mutates what it is given, and a
changed table is a new object (so cached factorisations stay valid).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from industwin.errors import SelectionError

__all__ = ["CATEGORY", "MRIO", "REGION", "REST_OF_WORLD", "SECTOR", "STRESSOR", "Satellite", "economies"]

REST_OF_WORLD = frozenset({"RoW", "ROW", "row", "WLD", "WL", "WA"})   # the world tables' residual region


def economies(regions) -> list[str]:
    """The regions that are economies: every region but the rest of the world (:data:`REST_OF_WORLD`)."""
    return [str(r) for r in regions if str(r) not in REST_OF_WORLD]

REGION, SECTOR, CATEGORY, STRESSOR = "region", "sector", "category", "stressor"
VA_DERIVED = "derived as x - 1'Z (includes net taxes on products and any unrecorded primary inputs)"


def _frozen(a: Any) -> Any:
    """A read-only view of an array (no copy); sparse matrices are returned as is."""
    if a is None or sp.issparse(a):
        return a
    v = np.asarray(a).view()
    v.flags.writeable = False
    return v


@dataclass(frozen=True, eq=False)
class Satellite:
    """A satellite account (environmental or socio-economic extension).

    ``F`` (q × n) is the stressor use by producing sector, ``F_Y`` (q × m) the
    direct stressor use by final demand (e.g. household fuel combustion).
    ``units`` gives one unit per stressor, e.g. ``"kt CO2"`` or ``"1000 persons"``.

    Data gaps are explicit, never zeros: ``gaps`` maps a region without data to the reason (its columns of
    ``F`` are NaN), ``estimated`` maps a region whose values are an estimate to how they were estimated.
    Accounts computed from a satellite with gaps leave the gap regions' own stressors out (``known``) and
    say so (``attrs["gaps"]`` of their results); the gap regions' production accounts are NaN.
    """

    name: str
    F: np.ndarray
    stressors: pd.Index
    units: tuple[str, ...]
    F_Y: np.ndarray | None = None
    gaps: Mapping[str, str] = field(default_factory=dict)
    estimated: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "F", _frozen(np.asarray(self.F, dtype=float)))
        if self.F.ndim == 1:
            object.__setattr__(self, "F", self.F.reshape(1, -1))
        if self.F_Y is not None:
            fy = np.asarray(self.F_Y, dtype=float)
            object.__setattr__(self, "F_Y", _frozen(fy.reshape(1, -1) if fy.ndim == 1 else fy))
        st = pd.Index(self.stressors, name=STRESSOR)
        object.__setattr__(self, "stressors", st)
        units = (self.units,) * len(st) if isinstance(self.units, str) else tuple(self.units)
        object.__setattr__(self, "units", units)
        object.__setattr__(self, "gaps", MappingProxyType({str(k): str(v) for k, v in dict(self.gaps).items()}))
        object.__setattr__(self, "estimated", MappingProxyType({str(k): str(v)
                                                                for k, v in dict(self.estimated).items()}))

    @property
    def known(self) -> np.ndarray:
        """``F`` with the gap regions' (NaN) columns left out as 0: what accounts are computed from."""
        if not self.gaps:
            return self.F
        k = self.__dict__.get("_known")
        if k is None:
            k = _frozen(np.nan_to_num(self.F, nan=0.0))
            object.__setattr__(self, "_known", k)
        return k

    def caveats(self) -> list[str]:
        """The gaps and estimates in words, for results and reports."""
        out = [f"{self.name}: no data for {r} ({why}); its own {self.name} is left out of every total"
               for r, why in self.gaps.items()]
        out += [f"{self.name}: {r} is an estimate ({how})" for r, how in self.estimated.items()]
        return out

    @property
    def unit_series(self) -> pd.Series:
        return pd.Series(self.units, index=self.stressors, name="unit")

    def frame(self, index: pd.Index) -> pd.DataFrame:
        """``F`` as a labelled DataFrame (stressor × region, sector)."""
        return pd.DataFrame(self.F, index=self.stressors, columns=index)


@dataclass(frozen=True, eq=False)
class MRIO:
    """An immutable multi-regional input–output table with satellite accounts.

    Build one with a loader (:func:`industwin.load`) or directly from arrays::

        MRIO(Z, Y, x, index=pd.MultiIndex.from_product([regions, sectors]),
             fd_index=pd.MultiIndex.from_product([regions, categories]))

    Construction validates the arrays (shapes, labels, NaN/inf, negative
    output) and raises :class:`industwin.errors.ValidationError` listing every
    problem; imbalance between uses and output is reported by
    :func:`industwin.data.validate.balance_report` and never silently fixed.
    """

    Z: Any
    Y: np.ndarray
    x: np.ndarray
    index: pd.MultiIndex
    fd_index: pd.MultiIndex
    V: np.ndarray | None = None
    va_index: pd.Index | None = None
    satellites: Mapping[str, Satellite] = field(default_factory=dict)
    unit: str = ""                       # the monetary unit, e.g. "M EUR"; "" when the caller did not say
    name: str = ""
    year: int | None = None
    sector_names: Mapping[str, str] = field(default_factory=dict)
    meta: Mapping[str, Any] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)
    validate: bool = field(default=True, repr=False, compare=False)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        from industwin.data.validate import check_mrio  # local: validate imports this module

        Z = self.Z
        if sp.issparse(Z):
            Z = sp.csr_array(Z, dtype=float)
        else:
            Z = np.asarray(Z, dtype=float)
        Y = np.asarray(self.Y, dtype=float)
        if Y.ndim == 1:
            Y = Y.reshape(-1, 1)
        x = None if self.x is None else np.asarray(self.x, dtype=float).reshape(-1)
        index = _as_multiindex(self.index, (REGION, SECTOR))
        fd_index = _as_multiindex(self.fd_index, (REGION, CATEGORY))
        V = None if self.V is None else np.asarray(self.V, dtype=float)
        if V is not None and V.ndim == 1:
            V = V.reshape(1, -1)
        # values are scanned unless the table was re-opened from a cache written after validation; shapes always
        check_mrio(Z, Y, x, index, fd_index, V, self.va_index, dict(self.satellites), dict(self.sources),
                   values=self.validate)
        if x is None:
            x = np.asarray(Z.sum(axis=1)).reshape(-1) + Y.sum(axis=1)
            if self.validate and (x < -1e-9 * (np.abs(x).max() + 1)).any():
                from industwin.errors import ValidationError, ValidationIssue
                bad = np.flatnonzero(x < 0)
                raise ValidationError([ValidationIssue(
                    dict(self.sources).get("Y", dict(self.sources).get("table", "<in-memory table>")), "x (derived)",
                    f"{len(bad)} row(s) whose uses sum to a negative gross output (Z·1 + Y·1 < 0), e.g. "
                    f"{index[bad[0]]}", "check the signs in Y (a fall in inventories larger than the row's uses?) "
                    "or give x")])
        meta = dict(self.meta)
        if V is None:
            V = (x - np.asarray(Z.sum(axis=0)).reshape(-1)).reshape(1, -1)
            va_index = pd.Index(["value_added"], name="component")
            meta["value_added"] = VA_DERIVED
        else:
            va_index = pd.Index(self.va_index if self.va_index is not None else
                                [f"va{i}" for i in range(V.shape[0])], name="component")
            if meta.get("value_added") == VA_DERIVED and list(va_index) != ["value_added"]:
                meta.pop("value_added")  # a given V replaced the derived one
        set_ = object.__setattr__
        set_(self, "Z", _frozen(Z))
        set_(self, "Y", _frozen(Y))
        set_(self, "x", _frozen(x))
        set_(self, "V", _frozen(V))
        set_(self, "va_index", va_index)
        set_(self, "index", index)
        set_(self, "fd_index", fd_index)
        set_(self, "satellites", MappingProxyType(dict(self.satellites)))
        set_(self, "sector_names", MappingProxyType(dict(self.sector_names)))
        set_(self, "meta", MappingProxyType(meta))
        set_(self, "sources", MappingProxyType(dict(self.sources)))

    # ----------------------------------------------------------------- labels
    @property
    def n(self) -> int:
        """Number of region–sector pairs (rows of ``Z``)."""
        return self.x.shape[0]

    @property
    def regions(self) -> pd.Index:
        return self.index.get_level_values(REGION).unique()

    @property
    def sectors(self) -> pd.Index:
        return self.index.get_level_values(SECTOR).unique()

    @property
    def fd_regions(self) -> pd.Index:
        return self.fd_index.get_level_values(REGION).unique()

    @property
    def categories(self) -> pd.Index:
        return self.fd_index.get_level_values(CATEGORY).unique()

    @property
    def is_sparse(self) -> bool:
        return sp.issparse(self.Z)

    @property
    def is_grid(self) -> bool:
        """True when rows are every sector of every region, region-major, in one order."""
        key = "_is_grid"
        if key not in self._cache:
            regs, secs = self.regions, self.sectors
            self._cache[key] = len(regs) * len(secs) == self.n and self.index.equals(
                pd.MultiIndex.from_product([regs, secs], names=[REGION, SECTOR]))
        return self._cache[key]

    def sector_label(self, code: str) -> str:
        """A sector's readable name (falls back to its code)."""
        return self.sector_names.get(code, code)

    # ----------------------------------------------------------- convenience
    @property
    def value_added(self) -> pd.Series:
        """Total primary inputs per sector (sum of the rows of ``V``)."""
        return pd.Series(self.V.sum(axis=0), index=self.index, name=f"value added [{self.unit}]")

    @property
    def value_added_derived(self) -> bool:
        """True when ``V`` was not given but derived as ``x − 1'Z`` (one row, ``value_added``)."""
        return self.meta.get("value_added") == VA_DERIVED

    @property
    def output(self) -> pd.Series:
        return pd.Series(self.x, index=self.index, name=f"gross output [{self.unit}]")

    def frame(self, what: str) -> pd.DataFrame | pd.Series:
        """A labelled copy of one block: ``"Z"``, ``"Y"``, ``"x"`` or ``"V"``."""
        if what == "Z":
            Z = self.Z.toarray() if self.is_sparse else self.Z
            return pd.DataFrame(Z, index=self.index, columns=self.index)
        if what == "Y":
            return pd.DataFrame(self.Y, index=self.index, columns=self.fd_index)
        if what == "x":
            return self.output
        if what == "V":
            return pd.DataFrame(self.V, index=self.va_index, columns=self.index)
        raise SelectionError(f"unknown block {what!r}. Fix: choose one of Z, Y, x, V")

    def satellite(self, name: str | None = None) -> Satellite:
        """One satellite account by name (the only one when ``name`` is None)."""
        if name is None:
            if len(self.satellites) != 1:
                raise SelectionError(f"this table has satellites {', '.join([*self.satellites, 'value_added'])}. "
                                     "Fix: name one")
            return next(iter(self.satellites.values()))
        if name in self.satellites:
            return self.satellites[name]
        if name == "value_added":  # primary inputs are always available as a satellite
            return Satellite("value_added", self.V, [str(v) for v in self.va_index], self.unit)
        raise SelectionError(f"no satellite {name!r}; this table has {', '.join([*self.satellites, 'value_added'])}. "
                             "Fix: choose one of them")

    def with_satellite(self, satellite: Satellite) -> MRIO:
        """A new table with one more (or a replaced) satellite account."""
        return self.replace(satellites={**self.satellites, satellite.name: satellite})

    def replace(self, **changes: Any) -> MRIO:
        """A new table with some fields replaced (the original is untouched)."""
        fields = {k: getattr(self, k) for k in ("Z", "Y", "x", "index", "fd_index", "V", "va_index",
                                                 "satellites", "unit", "name", "year", "sector_names",
                                                 "meta", "sources")}
        if ("Z" in changes or "x" in changes) and "V" not in changes and self.value_added_derived:
            fields["V"] = fields["va_index"] = None  # a derived value added is derived again
        fields.update(changes)
        return MRIO(**fields)

    def __repr__(self) -> str:
        kind = "sparse" if self.is_sparse else "dense"
        sats = ", ".join(f"{k} ({len(s.stressors)})" for k, s in self.satellites.items()) or "none"
        return (f"<MRIO {self.name or 'unnamed'}{' ' + str(self.year) if self.year else ''}: "
                f"{len(self.regions)} regions × {len(self.sectors)} sectors (n={self.n}, {kind}), "
                f"{self.Y.shape[1]} final-demand columns, unit {self.unit or '(not given)'}, satellites: {sats}>")


def _as_multiindex(idx: Any, names: tuple[str, str]) -> pd.MultiIndex:
    if isinstance(idx, pd.MultiIndex):
        if idx.nlevels != 2:
            from industwin.errors import DataError
            raise DataError(f"labels must have two levels ({names[0]}, {names[1]}), got {idx.nlevels}")
        return idx.set_names(list(names))
    return pd.MultiIndex.from_tuples(list(idx), names=list(names))
