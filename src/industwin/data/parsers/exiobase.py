"""EXIOBASE 3 (Stadler et al. 2018, *J. Ind. Ecol.* 22:502–515), monetary pxp and ixi systems.

Layout of the distributed archive ``IOT_<year>_<pxp|ixi>.zip`` (tab-separated text, the
pymrio text format): a top folder ``IOT_<year>_<system>/`` holding ``file_parameters.json``
(which names each block's file, number of index columns and header rows), ``A.txt``
(or ``Z.txt``), ``Y.txt``, ``x.txt``, ``unit.txt`` and one sub-folder per satellite
extension (``satellite/``, ``impacts/``, or ``air_emissions/``, ``employment/`` …
depending on the version), each with its own ``file_parameters.json``, ``F.txt``,
``F_Y.txt`` (``F_hh.txt`` in early 3.x versions) and ``unit.txt``. Values are in
million EUR (current prices).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from industwin.data.mrio import MRIO, Satellite
from industwin.errors import DataError

__all__ = ["parse_exiobase3"]


class _Source:
    """Files of an archive or a folder, addressed by POSIX-style relative paths."""

    def __init__(self, path: Path):
        self.path = path
        if path.is_file():
            if not zipfile.is_zipfile(path):
                raise DataError(f"{path}: not a zip archive. Fix: pass IOT_<year>_<pxp|ixi>.zip or its unpacked folder")
            self.zip = zipfile.ZipFile(path)
            self.names = [n for n in self.zip.namelist() if not n.endswith("/")]
        else:
            self.zip = None
            self.names = [p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()]

    def read(self, name: str) -> bytes:
        if self.zip is not None:
            return self.zip.read(name)
        return (self.path / name).read_bytes()


def _read(src: _Source, name: str, nr_index: int, nr_header: int, kind: str) -> pd.DataFrame:
    try:
        df = pd.read_csv(io.BytesIO(src.read(name)), sep="\t", index_col=list(range(nr_index)),
                         header=list(range(nr_header)) if nr_header > 1 else 0)
    except (KeyError, ValueError, pd.errors.ParserError) as e:
        raise DataError(f"{src.path}:{name}: cannot read block {kind} ({e}). Fix: use an unmodified EXIOBASE 3 archive") from e
    df.attrs["source"] = f"{src.path}:{name}"
    return df


def _numeric(df: pd.DataFrame, kind: str) -> np.ndarray:
    try:
        return df.to_numpy(dtype=float)
    except ValueError as e:
        raise DataError(f"{df.attrs.get('source', kind)}: field {kind}: non-numeric values ({e})") from None


def _blocks(src: _Source, folder: str) -> dict[str, tuple[str, int, int]]:
    """Block name → (file, nr_index_col, nr_header) from a folder's file_parameters.json."""
    fp = f"{folder}/file_parameters.json" if folder else "file_parameters.json"
    if fp not in src.names:
        return {}
    par = json.loads(src.read(fp))
    out = {}
    for k, v in par.get("files", {}).items():
        out[k] = (f"{folder}/{v['name']}" if folder else v["name"], int(v["nr_index_col"]), int(v["nr_header"]))
    return out


def parse_exiobase3(path: str | Path, extensions: list[str] | None = None) -> MRIO:
    """Parse an EXIOBASE 3 monetary system (pxp or ixi), zipped or unpacked.

    ``extensions``: satellite folders to load (default: all). Core ``Z`` is rebuilt
    as ``A x̂`` when only ``A`` is distributed. Returns an :class:`MRIO` in M EUR with
    regions as distributed (2-letter codes plus WA/WE/WF/WL/WM rest-of-world regions).
    """
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: not found. Fix: give the path of IOT_<year>_<pxp|ixi>.zip or its folder")
    src = _Source(path)
    pars = [n for n in src.names if n.endswith("file_parameters.json")]
    if not pars:
        raise DataError(f"{path}: no file_parameters.json inside. Fix: this does not look like an EXIOBASE 3 archive")
    core_dir = min((str(PurePosixPath(p).parent) for p in pars), key=lambda s: s.count("/") if s != "." else -1)
    core_dir = "" if core_dir == "." else core_dir
    core = _blocks(src, core_dir)
    need = {"Y", "x"}
    if not need <= core.keys() or not ({"A", "Z"} & core.keys()):
        raise DataError(f"{path}:{core_dir}/file_parameters.json lists {sorted(core)}; the core system needs A (or Z), "
                        "Y and x. Fix: use the monetary IOT archive, not a satellite-only one")
    Y = _read(src, *core["Y"], "Y")
    x = _read(src, *core["x"], "x")
    if "Z" in core:
        Z = _read(src, *core["Z"], "Z")
        Zv = _numeric(Z, "Z")
    else:
        Z = _read(src, *core["A"], "A")
        Zv = _numeric(Z, "A") * _numeric(x.reindex(Z.columns), "x")[:, 0][None, :]
    index = Z.index.set_names(["region", "sector"])
    if not Y.index.equals(Z.index) or not x.index.equals(Z.index):
        raise DataError(f"{path}: row labels of Y or x differ from those of {'Z' if 'Z' in core else 'A'}. "
                        "Fix: use an unmodified archive")
    sats = {}
    for folder in sorted({str(PurePosixPath(p).parent) for p in pars} - {core_dir or "."}):
        name = PurePosixPath(folder).name
        if extensions is not None and name not in extensions:
            continue
        b = _blocks(src, folder)
        if "F" not in b:
            continue
        F = _read(src, *b["F"], f"{name} F").reindex(columns=Z.columns)
        fy_key = "F_Y" if "F_Y" in b else ("F_hh" if "F_hh" in b else None)
        FY = None
        if fy_key:
            FY = _numeric(_read(src, *b[fy_key], f"{name} {fy_key}").reindex(index=F.index, columns=Y.columns)
                          .fillna(0.0), f"{name} F_Y")
        st = [" | ".join(map(str, i)) if isinstance(i, tuple) else str(i) for i in F.index]
        units = ("",) * len(st)
        if "unit" in b:
            u = _read(src, *b["unit"], f"{name} unit")
            units = tuple(u.iloc[:, 0].reindex(F.index).fillna("").astype(str))
        sats[name] = Satellite(name, _numeric(F.fillna(0.0), f"{name} F"), st, units, FY)
    m = re.search(r"IOT_(\d{4})_(pxp|ixi)", str(path) + "/" + core_dir)
    year, system = (int(m.group(1)), m.group(2)) if m else (None, "pxp" if "product" in index.names else "")
    return MRIO(Zv, _numeric(Y, "Y"), _numeric(x, "x")[:, 0], index=index, fd_index=Y.columns.set_names(["region", "category"]),
                satellites=sats, unit="M EUR", name=f"exiobase3_{system}" if system else "exiobase3", year=year,
                meta={"source": "EXIOBASE 3 (Stadler et al. 2018)", "system": system, "path": str(path)},
                sources={"table": str(path)})
