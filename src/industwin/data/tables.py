"""A generic loader for MRIO tables kept as CSV, Parquet or Excel files.

Layout (the same as pymrio's text format, so tables move freely between tools):

=========  ==============================  ==========================================
block      rows (index columns)            columns (header rows)
=========  ==============================  ==========================================
``Z``      region, sector                  region, sector
``Y``      region, sector                  region, category
``x``      region, sector                  one column of gross output (optional)
``V``      component                       region, sector (optional)
satellite  stressor, unit                  region, sector (``F``)
``*_F_Y``  stressor, unit                  region, category (optional)
=========  ==============================  ==========================================

A folder holds ``Z.csv``, ``Y.csv``, … (or ``.parquet``); satellites live in
``satellites/<name>.csv`` with ``satellites/<name>_F_Y.csv``. An Excel
workbook holds the same blocks as sheets ``Z``, ``Y``, ``x``, ``V`` and
``sat_<name>`` / ``sat_<name>_F_Y``. Rows of ``Y``, ``x`` … are aligned on the
labels of ``Z`` (reordered if needed); labels that do not match are an error
naming the file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from industwin.data.mrio import MRIO, Satellite
from industwin.errors import DataError, ValidationError, ValidationIssue

__all__ = ["read_tables", "write_tables", "read_block"]

SUFFIXES = (".csv", ".parquet", ".txt", ".tsv")
LAYOUT = {"Z": (2, 2), "Y": (2, 2), "x": (2, 1), "V": (1, 2), "F": (2, 2), "F_Y": (2, 2)}


def read_block(src: Any, kind: str, sheet: str | None = None) -> pd.DataFrame:
    """Read one block in the layout above; ``src`` is a path (CSV/TSV/Parquet/Excel) or a DataFrame."""
    if isinstance(src, pd.DataFrame | pd.Series):
        return src.to_frame() if isinstance(src, pd.Series) else src
    path = Path(src)
    ic, hr = LAYOUT[kind]
    if not path.exists():
        raise DataError(f"{path}: file not found (block {kind}). Fix: check the path")
    try:
        suf = path.suffix.lower()
        if suf == ".parquet":
            df = pd.read_parquet(path)
            if not isinstance(df.index, pd.MultiIndex) and ic == 2 and df.index.nlevels == 1:
                df = df.set_index(list(df.columns[:2]))
        elif suf in (".xlsx", ".xlsm", ".xls"):
            df = pd.read_excel(path, sheet_name=sheet or kind, index_col=list(range(ic)), engine="calamine",
                               header=list(range(hr)) if hr > 1 else 0)
        else:
            sep = "\t" if suf in (".txt", ".tsv") else ","
            df = pd.read_csv(path, sep=sep, index_col=list(range(ic)), header=list(range(hr)) if hr > 1 else 0)
    except (ValueError, IndexError, KeyError) as e:
        where = f"{path}" + (f" [sheet {sheet or kind}]" if sheet or path.suffix.startswith(".xls") else "")
        raise DataError(f"{where}: cannot read block {kind} ({e}). Fix: use {ic} label column(s) and "
                        f"{hr} header row(s) as documented in industwin.data.tables") from e
    df.attrs["source"] = str(path) + (f" [sheet {sheet or kind}]" if path.suffix.lower().startswith(".xls") else "")
    return df


def _numeric(df: pd.DataFrame, kind: str) -> np.ndarray:
    src = df.attrs.get("source", kind)
    try:
        return df.apply(pd.to_numeric, errors="raise").to_numpy(dtype=float)
    except (ValueError, TypeError):
        bad = df.apply(pd.to_numeric, errors="coerce").isna() & df.notna()
        r, c = np.argwhere(bad.to_numpy())[0]
        raise DataError(f"{src}: field {kind}: non-numeric value {df.iat[r, c]!r} at row {df.index[r]}, "
                        f"column {df.columns[c]}. Fix: cells must be numbers (use 0 for empty)") from None


def _align(df: pd.DataFrame, index: pd.Index, kind: str, axis: int = 0) -> pd.DataFrame:
    labels = df.index if axis == 0 else df.columns
    labels = labels.set_names(index.names) if labels.nlevels == index.nlevels else labels
    if labels.equals(index):
        return df
    src = df.attrs.get("source", kind)
    what = "rows" if axis == 0 else "columns"
    missing, extra = index.difference(labels), labels.difference(index)
    if len(missing) or len(extra) or labels.has_duplicates:
        raise ValidationError([ValidationIssue(
            src, f"{kind} {what}", f"labels differ from Z's: missing {list(missing[:3])}, unexpected {list(extra[:3])}"
            + (", duplicates present" if labels.has_duplicates else ""),
            "use exactly the (region, sector) labels of Z, once each")])
    out = df.reindex(index=index) if axis == 0 else df.reindex(columns=index)
    out.attrs.update(df.attrs)
    return out


def _find(folder: Path, stem: str) -> Path | None:
    for suf in SUFFIXES:
        p = folder / f"{stem}{suf}"
        if p.exists():
            return p
    return None


def read_tables(path: str | os.PathLike | None = None, *, Z: Any = None, Y: Any = None, x: Any = None,
                V: Any = None, satellites: dict[str, Any] | None = None, unit: str = "M EUR",
                name: str = "", year: int | None = None) -> MRIO:
    """Load an MRIO from a folder, an Excel workbook, or explicit files / DataFrames per block.

    ``satellites`` maps a name to a file (or ``(F, F_Y)`` pair of files). See the module
    docstring for the layout. Every problem found is reported with the file and field.
    """
    blocks: dict[str, Any] = {"Z": Z, "Y": Y, "x": x, "V": V}
    sats: dict[str, Any] = dict(satellites or {})
    sheet_of: dict[str, str] = {}
    if path is not None:
        path = Path(path)
        if path.is_dir():
            for k in ("Z", "Y", "x", "V"):
                if blocks[k] is None:
                    blocks[k] = _find(path, k)
            sd = path / "satellites"
            if sd.is_dir():
                for f in sorted(sd.iterdir()):
                    if f.suffix in SUFFIXES and not f.stem.endswith("_F_Y"):
                        sats.setdefault(f.stem, (f, _find(sd, f.stem + "_F_Y")))
            if blocks["Z"] is None:
                raise DataError(f"{path}: no Z.csv / Z.parquet in this folder. Fix: put the intermediate "
                                "matrix there, or pass Z=<file>")
        elif path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
            sheets = pd.ExcelFile(path, engine="calamine").sheet_names
            for k in ("Z", "Y", "x", "V"):
                if blocks[k] is None and k in sheets:
                    blocks[k], sheet_of[k] = path, k
            for s in sheets:
                if s.startswith("sat_") and not s.endswith("_F_Y"):
                    sats.setdefault(s[4:], ((path, s), (path, s + "_F_Y") if s + "_F_Y" in sheets else None))
            if blocks["Z"] is None:
                raise DataError(f"{path}: no sheet named 'Z'. Fix: name the sheets Z, Y, x, V, sat_<name>")
        else:
            raise DataError(f"{path}: not a folder or an Excel workbook. Fix: pass a folder of CSV/Parquet "
                            "blocks, a workbook, or the blocks as Z=..., Y=...")
    if blocks["Z"] is None or blocks["Y"] is None:
        raise DataError("a table needs at least Z and Y. Fix: pass Z=<file> and Y=<file> (or a folder holding them)")
    sources = {}
    frames = {}
    for k, v in blocks.items():
        if v is not None:
            frames[k] = read_block(v, k, sheet_of.get(k))
            sources[k] = frames[k].attrs.get("source", k)
    Zdf = frames["Z"]
    index = Zdf.index
    if index.nlevels != 2:
        raise DataError(f"{sources['Z']}: Z needs two label columns (region, sector). Fix: see industwin.data.tables")
    index = index.set_names(["region", "sector"])
    Zdf = _align(Zdf, index, "Z", axis=1)
    Ydf = _align(frames["Y"], index, "Y")
    xv = None
    if "x" in frames:
        xv = _numeric(_align(frames["x"], index, "x"), "x")[:, 0]
    Vv = va_index = None
    if "V" in frames:
        Vdf = _align(frames["V"], index, "V", axis=1)
        Vv, va_index = _numeric(Vdf, "V"), Vdf.index.rename("component")
    sat_objs = {}
    for sname, spec in sats.items():
        f, fy = spec if isinstance(spec, tuple) else (spec, None)
        Fdf = _read_sat(f, "F")
        sources[sname] = Fdf.attrs.get("source", sname)
        Fdf = _align(Fdf, index, f"satellite {sname}", axis=1)
        FY = None
        if fy is not None:
            FYdf = _read_sat(fy, "F_Y")
            FYdf = _align(FYdf, Ydf.columns, f"satellite {sname} F_Y", axis=1).reindex(Fdf.index)
            FY = _numeric(FYdf.fillna(0.0), f"{sname} F_Y")
        st = Fdf.index.get_level_values(0).astype(str)
        units = tuple(Fdf.index.get_level_values(1).astype(str)) if Fdf.index.nlevels > 1 else ("",) * len(st)
        sat_objs[sname] = Satellite(sname, _numeric(Fdf, sname), st, units, FY)
    sources["table"] = str(path) if path is not None else sources["Z"]
    return MRIO(_numeric(Zdf, "Z"), _numeric(Ydf, "Y"), xv, index=index, fd_index=Ydf.columns, V=Vv,
                va_index=va_index, satellites=sat_objs, unit=unit, name=name, year=year, sources=sources)


def _read_sat(spec: Any, kind: str) -> pd.DataFrame:
    if isinstance(spec, tuple):
        return read_block(spec[0], kind, spec[1])
    return read_block(spec, kind)


def write_tables(mrio: MRIO, folder: str | os.PathLike, fmt: str = "csv") -> Path:
    """Write a table in the layout :func:`read_tables` reads (``fmt`` = ``"csv"`` or ``"parquet"``)."""
    folder = Path(folder)
    (folder / "satellites").mkdir(parents=True, exist_ok=True)

    def put(df: pd.DataFrame, stem: str) -> None:
        if fmt == "parquet":
            df.to_parquet(folder / f"{stem}.parquet")
        else:
            df.to_csv(folder / f"{stem}.csv")

    put(mrio.frame("Z"), "Z")
    put(mrio.frame("Y"), "Y")
    put(pd.DataFrame({"x": mrio.x}, index=mrio.index), "x")
    put(mrio.frame("V"), "V")
    for name, s in mrio.satellites.items():
        ix = pd.MultiIndex.from_arrays([s.stressors, list(s.units)], names=["stressor", "unit"])
        put(pd.DataFrame(s.F, index=ix, columns=mrio.index), f"satellites/{name}")
        if s.F_Y is not None:
            put(pd.DataFrame(s.F_Y, index=ix, columns=mrio.fd_index), f"satellites/{name}_F_Y")
    return folder
