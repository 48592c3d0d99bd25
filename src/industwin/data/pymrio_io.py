"""Two-way interoperability with :class:`pymrio.IOSystem` (Stadler 2021, *J. Open Res. Softw.* 9:8).

pymrio is an optional dependency (``pip install 'industwin[pymrio]'``).
``V`` travels as pymrio's ``factor_inputs`` extension; each satellite as an
extension with ``F``, ``F_Y`` and ``unit``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from industwin.data.mrio import MRIO, Satellite
from industwin.errors import DataError, SelectionError

__all__ = ["to_pymrio", "from_pymrio"]


def _pymrio():
    try:
        import pymrio
    except ImportError as e:
        raise DataError("pymrio interop needs pymrio: pip install 'industwin[pymrio]'") from e
    return pymrio


def to_pymrio(mrio: MRIO, include_value_added: bool = True):
    """An equivalent ``pymrio.IOSystem`` (Z, Y, x, unit and one extension per satellite)."""
    pymrio = _pymrio()
    idx = mrio.index
    Z = mrio.frame("Z")
    Y = mrio.frame("Y")
    x = pd.DataFrame({"indout": mrio.x}, index=idx)
    unit = pd.DataFrame({"unit": [mrio.unit] * mrio.n}, index=idx)
    io = pymrio.IOSystem(Z=Z, Y=Y, x=x, unit=unit, name=mrio.name or "industwin")
    exts = []
    if include_value_added:
        exts.append(Satellite("factor_inputs", mrio.V, mrio.va_index.rename("stressor"), mrio.unit))
    exts += list(mrio.satellites.values())
    for s in exts:
        st = pd.Index(s.stressors, name="stressor")
        ext = pymrio.Extension(
            name=s.name, F=pd.DataFrame(np.array(s.F), index=st, columns=idx),
            F_Y=None if s.F_Y is None else pd.DataFrame(np.array(s.F_Y), index=st, columns=mrio.fd_index),
            unit=pd.DataFrame({"unit": list(s.units)}, index=st))
        setattr(io, s.name, ext)
    return io


def from_pymrio(io, name: str | None = None, year: int | None = None, unit: str | None = None) -> MRIO:
    """An :class:`MRIO` from a ``pymrio.IOSystem`` (``Z`` or ``A`` with ``x`` must be present). The monetary unit
    is the system's ``unit`` or ``unit`` (never assumed)."""
    Z, x = io.Z, io.x
    if Z is None:
        if io.A is None or x is None:
            raise DataError("pymrio system has neither Z nor A with x; call io.calc_system() first")
        Z = io.A * x.iloc[:, 0].to_numpy()[None, :]
    if io.Y is None:
        raise DataError("pymrio system has no final demand Y")
    xv = None if x is None else x.iloc[:, 0].reindex(Z.index).to_numpy()
    Y = io.Y.reindex(Z.index)
    sats, V, va_index = {}, None, None
    for ext in io.get_extensions(data=True):
        if ext.F is None:
            continue
        F = ext.F.reindex(columns=Z.columns, fill_value=0.0)
        if ext.name == "factor_inputs":
            V, va_index = F.to_numpy(), pd.Index([str(i) for i in F.index], name="component")
            continue
        units = tuple(ext.unit.iloc[:, 0].reindex(F.index).fillna("").astype(str)) if ext.unit is not None else ("",) * len(F)
        st = [" | ".join(map(str, i)) if isinstance(i, tuple) else str(i) for i in F.index]
        FY = None if ext.F_Y is None else ext.F_Y.reindex(columns=Y.columns, fill_value=0.0).to_numpy()
        Fv = F.to_numpy(dtype=float)
        col_regions = pd.Index(Z.columns.get_level_values(0))
        gaps = {str(r): "no data (NaN in the pymrio extension)" for r in col_regions.unique()
                if np.isnan(Fv[:, np.asarray(col_regions == r)]).all()}
        sats[ext.name] = Satellite(ext.name, Fv, st, units, FY, gaps=gaps)
    own = str(io.unit.iloc[0, 0]) if getattr(io, "unit", None) is not None else None
    if own is not None and unit is not None and own != unit:
        raise SelectionError(f"the pymrio system is in {own}, not {unit}. Fix: drop unit=")
    unit = own or unit
    if not unit:
        raise DataError("the pymrio system has no unit. Fix: pass unit='M EUR' (or the table's own unit)")
    return MRIO(Z.to_numpy(), Y.to_numpy(), xv, index=Z.index, fd_index=Y.columns, V=V, va_index=va_index,
                satellites=sats, unit=unit, name=name or getattr(io, "name", "") or "", year=year,
                sources={"table": f"pymrio.IOSystem {getattr(io, 'name', '')}"})
