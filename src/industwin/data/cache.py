"""A binary, memory-mappable store for MRIO tables.

:func:`save` writes a folder of ``.npy`` arrays (``Z``, ``Y``, ``x``, ``V`` and
each satellite's ``F``/``F_Y``; a sparse ``Z`` as its CSR parts) plus
``table.json`` with labels, units and metadata. :func:`open_saved` maps the
arrays read-only (``numpy.load(mmap_mode="r")``) — nothing is read until it is
used, so re-opening a 10^4-sector table takes milliseconds. A table is
validated before it is written and is trusted when mapped back.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import scipy.sparse as sp

from industwin.data.mrio import MRIO, Satellite
from industwin.errors import DataError

__all__ = ["save", "open_saved", "is_saved", "cached", "cache_dir"]

FORMAT = "industwin-mrio/1"


def cache_dir() -> Path:
    return Path(os.environ.get("INDUSTWIN_CACHE", Path.home() / ".cache" / "industwin"))


def is_saved(path: Path) -> bool:
    return (Path(path) / "table.json").is_file()


def _idx(i: pd.Index) -> dict:
    return {"names": list(i.names), "values": [list(map(str, t)) if isinstance(t, tuple) else str(t) for t in i]}


def _unidx(d: dict) -> pd.Index:
    if len(d["names"]) > 1:
        return pd.MultiIndex.from_tuples([tuple(v) for v in d["values"]], names=d["names"])
    return pd.Index(d["values"], name=d["names"][0])


def save(mrio: MRIO, path: str | os.PathLike) -> Path:
    """Write a table to a folder of memory-mappable arrays; returns the folder."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    if mrio.is_sparse:
        Z = sp.csr_array(mrio.Z)
        for part in ("data", "indices", "indptr"):
            np.save(path / f"Z_{part}.npy", getattr(Z, part))
    else:
        np.save(path / "Z.npy", np.ascontiguousarray(mrio.Z))
    for k in ("Y", "x", "V"):
        np.save(path / f"{k}.npy", np.ascontiguousarray(getattr(mrio, k)))
    sats = {}
    for i, (name, s) in enumerate(mrio.satellites.items()):
        np.save(path / f"sat{i}_F.npy", np.ascontiguousarray(s.F))
        if s.F_Y is not None:
            np.save(path / f"sat{i}_F_Y.npy", np.ascontiguousarray(s.F_Y))
        sats[name] = {"file": f"sat{i}", "stressors": list(map(str, s.stressors)), "units": list(s.units),
                      "has_F_Y": s.F_Y is not None, "gaps": dict(s.gaps), "estimated": dict(s.estimated)}
    meta = {"format": FORMAT, "sparse": mrio.is_sparse, "n": mrio.n, "index": _idx(mrio.index),
            "fd_index": _idx(mrio.fd_index), "va_index": _idx(mrio.va_index), "unit": mrio.unit,
            "name": mrio.name, "year": mrio.year, "sector_names": dict(mrio.sector_names),
            "meta": json.loads(json.dumps(dict(mrio.meta), default=str)), "sources": dict(mrio.sources),
            "satellites": sats}
    tmp = path / "table.json.tmp"
    tmp.write_text(json.dumps(meta))
    tmp.replace(path / "table.json")  # written last: a folder without it is not a saved table
    return path


def open_saved(path: str | os.PathLike) -> MRIO:
    """Map a saved table back (read-only, no copy)."""
    path = Path(path)
    try:
        meta = json.loads((path / "table.json").read_text())
    except (OSError, ValueError) as e:
        raise DataError(f"{path / 'table.json'}: cannot read a saved table ({e}). Fix: save it again") from e
    if meta.get("format") != FORMAT:
        raise DataError(f"{path}: format {meta.get('format')!r} is not {FORMAT!r}. Fix: save it again")
    def ld(f: str) -> np.ndarray:
        a = np.load(path / f"{f}.npy", mmap_mode="r")
        if a.dtype.kind not in "fiu":
            raise ValueError(f"{f}.npy holds {a.dtype}, not numbers")
        return a

    try:
        if meta["sparse"]:
            n = meta["n"]
            Z = sp.csr_array((ld("Z_data"), ld("Z_indices"), ld("Z_indptr")), shape=(n, n))
        else:
            Z = ld("Z")
        sats = {name: Satellite(name, ld(f"{d['file']}_F"), d["stressors"], tuple(d["units"]),
                                ld(f"{d['file']}_F_Y") if d["has_F_Y"] else None, gaps=d.get("gaps", {}),
                                estimated=d.get("estimated", {}))
                for name, d in meta["satellites"].items()}
        return MRIO(Z, ld("Y"), ld("x"), index=_unidx(meta["index"]), fd_index=_unidx(meta["fd_index"]),
                    V=ld("V"), va_index=_unidx(meta["va_index"]), satellites=sats, unit=meta["unit"],
                    name=meta["name"], year=meta["year"], sector_names=meta["sector_names"], meta=meta["meta"],
                    sources={**meta["sources"], "cache": str(path)}, validate=False)
    except FileNotFoundError as e:
        raise DataError(f"{path}: saved table is incomplete ({Path(e.filename or '?').name} missing). Fix: save it "
                        "again") from None
    except MemoryError:
        raise
    except Exception as e:   # a truncated or replaced array, a damaged table.json: the table cannot be trusted
        raise DataError(f"{path}: the saved table is damaged ({' '.join(str(e).split())[:120]}). Fix: save it again "
                        "from its source") from None


def cached(key: str, build: Callable[[], MRIO], folder: Path | None = None) -> MRIO:
    """Open ``key`` from the cache, or build, save and open it."""
    where = (folder or cache_dir()) / key
    if is_saved(where):
        return open_saved(where)
    save(build(), where)
    return open_saved(where)
