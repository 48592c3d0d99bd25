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

from industwin.data.io import input_path, read_mapping, read_matrix
from industwin.data.mrio import MRIO, Satellite
from industwin.errors import DataError, SelectionError, ValidationError, ValidationIssue, plain, plain_list

__all__ = ["read_tables", "write_tables", "read_block", "META_FILES"]

SUFFIXES = (".csv", ".parquet", ".txt", ".tsv")
LAYOUT = {"Z": (2, 2), "Y": (2, 2), "x": (2, 1), "V": (1, 2), "F": (2, 2), "F_Y": (2, 2)}
META_FILES = ("meta.yaml", "meta.yml", "meta.json")
WHAT = {"Z": "intermediate matrix Z", "Y": "final demand Y", "x": "gross output x", "V": "value added V",
        "F": "satellite account", "F_Y": "satellite final-demand account"}


def read_block(src: Any, kind: str, sheet: str | None = None) -> pd.DataFrame:
    """Read one block in the layout above; ``src`` is a path (CSV/TSV/Parquet/Excel) or a DataFrame. Labels
    are read as text; repeated or blank labels, blank cells and cells that are not numbers are refused."""
    ic, hr = LAYOUT[kind]
    if isinstance(src, pd.DataFrame | pd.Series):
        return read_matrix(src, WHAT[kind])
    path = Path(src)
    is_xl = path.suffix.lower() in (".xlsx", ".xlsm", ".xls")
    df = read_matrix(path, f"{WHAT[kind]} (block {kind})", index_cols=ic, header_rows=hr,
                     sheet=(sheet or kind) if is_xl else None)
    if df.index.nlevels != ic or df.columns.nlevels != hr:
        raise DataError(f"{df.attrs.get('source', path)}: block {kind} has {df.index.nlevels} label column(s) and "
                        f"{df.columns.nlevels} header row(s). Fix: use {ic} label column(s) and {hr} header row(s) "
                        "as documented in industwin.data.tables")
    return df


def _numeric(df: pd.DataFrame, kind: str) -> np.ndarray:
    src = df.attrs.get("source", kind)
    if all(pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t) for t in df.dtypes):
        return df.to_numpy(dtype=float)            # read_matrix has checked every cell already
    try:
        return df.apply(pd.to_numeric, errors="raise").to_numpy(dtype=float)
    except (ValueError, TypeError):
        bad = df.apply(pd.to_numeric, errors="coerce").isna() & df.notna()
        r, c = np.argwhere(bad.to_numpy())[0]
        raise DataError(f"{src}: field {kind}: non-numeric value {plain(df.iat[r, c])} at row "
                        f"{plain(df.index[r])}, column {plain(df.columns[c])}. Fix: cells must be numbers "
                        "(use 0 for empty)") from None


def _align(df: pd.DataFrame, index: pd.Index, kind: str, axis: int = 0,
           what: str = "(region, sector) labels of Z") -> pd.DataFrame:
    labels = df.index if axis == 0 else df.columns
    labels = labels.set_names(index.names) if labels.nlevels == index.nlevels else labels
    if labels.equals(index):
        return df
    src = df.attrs.get("source", kind)
    what = "rows" if axis == 0 else "columns"
    if labels.nlevels != index.nlevels:
        raise ValidationError([ValidationIssue(src, f"{kind} {what}", f"{labels.nlevels} label level(s) where Z "
                                               f"has {index.nlevels}", "use (region, sector) labels as Z does")])
    missing, extra = index.difference(labels), labels.difference(index)
    if len(missing) or len(extra) or labels.has_duplicates:
        raise ValidationError([ValidationIssue(
            src, f"{kind} {what}", f"labels differ from Z's: missing {list(missing[:3])}, unexpected {list(extra[:3])}"
            + (", duplicates present" if labels.has_duplicates else ""),
            f"use exactly the {what}, once each")])
    out = df.reindex(index=index) if axis == 0 else df.reindex(columns=index)
    out.attrs.update(df.attrs)
    return out


def _fd_columns(Ydf: pd.DataFrame, regions: pd.Index, kind: str = "Y") -> pd.MultiIndex:
    """Final-demand headers checked like Z's: two levels (region, category), each pair once, known regions."""
    src = Ydf.attrs.get("source", kind)
    cols = Ydf.columns
    issues = []
    if cols.nlevels != 2:
        raise ValidationError([ValidationIssue(src, f"{kind} header", f"{cols.nlevels} header row(s)",
                                               "give two header rows: the buying region, then the category")])
    dup = cols[cols.duplicated()]
    if len(dup):
        issues.append(ValidationIssue(src, f"{kind} header", f"{len(dup)} repeated (region, category) column(s), "
                                      f"e.g. {plain_list(dup, 3)}", "give each region's categories once; a repeated "
                                      "header would book one region's demand to another"))
    known = set(map(str, regions))
    unknown = sorted({str(r) for r in cols.get_level_values(0)} - known)
    if unknown:
        issues.append(ValidationIssue(src, f"{kind} header (region)", f"region(s) {plain_list(unknown)} are not "
                                      f"regions of Z ({plain_list(regions, 8)})",
                                      "correct the region codes in the first header row"))
    if issues:
        raise ValidationError(issues)
    return cols.set_names(["region", "category"])


def _check_meta(data: dict, src: str) -> dict:
    """A table description (``meta.yaml`` or a workbook's ``meta`` sheet): only known fields, of their types."""
    bad = sorted(set(data) - {"unit", "name", "year", "source", "notes", "gaps", "estimated"})
    issues = [ValidationIssue(src, str(k), "unknown field", "use unit, name, year, source, notes, gaps, estimated")
              for k in bad]
    for k in ("gaps", "estimated"):          # {satellite: {region: why}}
        v = data.get(k)
        if v is not None and not (isinstance(v, dict) and all(isinstance(d, dict) and all(
                isinstance(r, str) and isinstance(w, str) for r, w in d.items()) for d in v.values())):
            issues.append(ValidationIssue(src, k, "is not a mapping satellite → {region: reason}",
                                          f"write e.g. {k}: {{employment: {{RoW: no data}}}}"))
    for k in ("unit", "name", "source", "notes"):
        if k in data and (not isinstance(data[k], str) or not data[k].strip()):
            issues.append(ValidationIssue(src, k, f"{plain(data[k])} is not text",
                                          "write it as text, e.g. unit: M EUR"))
    if "year" in data and (isinstance(data["year"], bool) or not isinstance(data["year"], int)):
        issues.append(ValidationIssue(src, "year", f"{plain(data['year'])} is not a year",
                                      "write a whole number, e.g. year: 2019"))
    if issues:
        raise ValidationError(issues)
    return data


def _meta(path: Path | None) -> tuple[dict, str | None]:
    """The folder's ``meta.yaml`` / ``meta.json`` (unit, name, year), if it has one."""
    if path is None or not path.is_dir():
        return {}, None
    for f in META_FILES:
        if (path / f).exists():
            data, src = read_mapping(path / f, "table description", "unit (e.g. 'M EUR'), and optionally name, year")
            return _check_meta(data, src), src
    return {}, None


def _sheet_meta(path: Path) -> tuple[dict, str]:
    """A workbook's ``meta`` sheet: key / value rows (blank cells are missing values)."""
    src = f"{path} [sheet meta]"
    mdf = pd.read_excel(path, sheet_name="meta", header=None, engine="calamine")
    if mdf.shape[1] < 2 or mdf.shape[0] == 0:
        raise DataError(f"{src}: the sheet needs two columns, key and value (e.g. unit | M EUR). Fix: write them")
    data = {}
    for k, v in zip(mdf.iloc[:, 0], mdf.iloc[:, 1]):
        if pd.isna(k) or pd.isna(v):
            continue
        v = v.item() if hasattr(v, "item") else v
        key = str(k).strip()
        if key == "year" and isinstance(v, float) and v.is_integer():
            v = int(v)
        elif key == "year" and isinstance(v, str) and v.strip().isdigit():
            v = int(v.strip())
        data[key] = v
    return _check_meta(data, src), src


def _find(folder: Path, stem: str) -> Path | None:
    """The one file of a block (``Z.csv`` or ``Z.parquet`` …); two of them are ambiguous."""
    found = [folder / f"{stem}{suf}" for suf in SUFFIXES if (folder / f"{stem}{suf}").exists()]
    if len(found) > 1:
        raise DataError(f"{folder}: block {stem} is there twice ({', '.join(f.name for f in found)}). Fix: keep one "
                        "of them")
    return found[0] if found else None


def read_tables(path: str | os.PathLike | None = None, *, Z: Any = None, Y: Any = None, x: Any = None,
                V: Any = None, satellites: dict[str, Any] | None = None, unit: str | None = None,
                name: str = "", year: int | None = None, allow_negative: bool = False) -> MRIO:
    """Load an MRIO from a folder, an Excel workbook, or explicit files / DataFrames per block.

    ``satellites`` maps a name to a file (or ``(F, F_Y)`` pair of files). See the module docstring for
    the layout. The monetary ``unit`` comes from the argument or the folder's ``meta.yaml`` (``unit: M EUR``;
    also ``name``, ``year``) — it is never assumed. Negative intermediate flows are refused unless
    ``allow_negative`` (then ``meta["negative_flows"]`` states how many). Every problem found is reported with
    the file and field.
    """
    blocks: dict[str, Any] = {"Z": Z, "Y": Y, "x": x, "V": V}
    sats: dict[str, Any] = dict(satellites or {})
    sheet_of: dict[str, str] = {}
    meta: dict = {}
    meta_src = None
    if path is not None:
        path = Path(path)
        if path.is_dir():
            meta, meta_src = _meta(path)
            for k in ("Z", "Y", "x", "V"):
                if blocks[k] is None:
                    blocks[k] = _find(path, k)
            sd = path / "satellites"
            if sd.exists() and not sd.is_dir():
                raise DataError(f"{sd}: 'satellites' must be a folder of satellite blocks. Fix: make it a folder "
                                "(satellites/<name>.csv) or remove it")
            if sd.is_dir():
                files = sorted(f for f in sd.iterdir() if f.suffix in SUFFIXES)
                for stem in dict.fromkeys(f.stem for f in files if not f.stem.endswith("_F_Y")):
                    sats.setdefault(stem, (_find(sd, stem), _find(sd, stem + "_F_Y")))   # each given once
                lone = [f for f in files if f.stem.endswith("_F_Y") and f.stem[:-4] not in sats]
                if lone:
                    raise DataError(f"{sd}: {', '.join(f.name for f in lone)} has no satellite beside it "
                                    f"({lone[0].stem[:-4]}{lone[0].suffix}). Fix: add the satellite's block F, or "
                                    "remove the file")
            if blocks["Z"] is None:
                raise DataError(f"{path}: no Z.csv / Z.parquet in this folder. Fix: put the intermediate "
                                "matrix there, or pass Z=<file>")
            if blocks["Y"] is None:
                raise DataError(f"{path}: no Y.csv / Y.parquet in this folder. Fix: put the final demand there, "
                                "or pass Y=<file>")
        elif path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
            input_path(path, "table workbook", (".xlsx", ".xlsm", ".xls"))
            try:
                sheets = pd.ExcelFile(path, engine="calamine").sheet_names
            except Exception as e:
                raise DataError(f"{path}: cannot read the workbook ({' '.join(str(e).split())[:160]}). Fix: check "
                                "that it is a valid, complete Excel file") from None
            for k in ("Z", "Y", "x", "V"):
                if blocks[k] is None and k in sheets:
                    blocks[k], sheet_of[k] = path, k
            for s in sheets:
                if s.startswith("sat_") and not s.endswith("_F_Y"):
                    sats.setdefault(s[4:], ((path, s), (path, s + "_F_Y") if s + "_F_Y" in sheets else None))
            if "meta" in sheets:
                meta, meta_src = _sheet_meta(path)
            if blocks["Z"] is None:
                raise DataError(f"{path}: no sheet named 'Z'. Fix: name the sheets Z, Y, x, V, sat_<name>")
        else:
            raise DataError(f"{path}: not a table (a folder of blocks Z, Y …, a workbook with sheets Z, Y …, a saved "
                            "table or a database file). Fix: give the table's folder or workbook (see docs/data.md)")
    if blocks["Z"] is None or blocks["Y"] is None:
        where = f"{path}: " if path is not None else ""
        raise DataError(f"{where}a table needs at least the blocks Z and Y (missing: "
                        f"{', '.join(k for k in ('Z', 'Y') if blocks[k] is None)}). Fix: add "
                        f"{'the sheet(s)' if path is not None else 'them, e.g. Z=<file>, Y=<file>'}")
    where = str(path) if path is not None else "the table"
    if unit is not None and meta.get("unit") not in (None, unit):
        raise SelectionError(f"{where}: its {Path(meta_src or 'meta').name} gives the unit {meta['unit']!r}, the call "
                             f"{unit!r}. Fix: drop the unit argument (--unit), or correct the file")
    unit = unit if unit is not None else meta.get("unit")
    if unit is None or not str(unit).strip():
        raise DataError(f"{where}: the table's unit is not given. Fix: add meta.yaml beside Z with a line like "
                        "'unit: M EUR' (a sheet 'meta' in a workbook), pass unit='M EUR', or --unit on the command "
                        "line; industwin does not guess a currency")
    name = name or str(meta.get("name", "")) or (path.stem if path is not None else "")
    if year is not None and meta.get("year") not in (None, year):
        raise SelectionError(f"{where}: its {Path(meta_src or 'meta').name} says the table is for {meta['year']}, the "
                             f"call {year}. Fix: drop the year (--year), or correct the file")
    year = year if year is not None else meta.get("year")
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
    regions = index.get_level_values(0).unique()
    Ydf = _align(frames["Y"], index, "Y")
    fd_index = _fd_columns(Ydf, regions)
    xv = None
    if "x" in frames:
        if frames["x"].shape[1] != 1:
            raise DataError(f"{sources['x']}: gross output x has {frames['x'].shape[1]} value columns. Fix: give one "
                            "column of gross output beside the (region, sector) labels")
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
            _fd_columns(FYdf, regions, f"satellite {sname} F_Y")
            FYdf = _align(FYdf, Ydf.columns, f"satellite {sname} F_Y", axis=1, what="(region, category) labels of Y")
            FYdf = FYdf.reindex(Fdf.index)
            FY = _numeric(FYdf.fillna(0.0), f"{sname} F_Y")
        st = Fdf.index.get_level_values(0).astype(str)
        units = tuple(Fdf.index.get_level_values(1).astype(str)) if Fdf.index.nlevels > 1 else ("",) * len(st)
        gaps, est = dict((meta.get("gaps") or {}).get(sname, {})), dict((meta.get("estimated") or {}).get(sname, {}))
        Fv = np.array(_numeric(Fdf, sname), dtype=float)
        if gaps:                               # written as 0 beside meta.yaml's list of gaps: NaN again
            Fv[:, np.asarray(index.get_level_values(0).isin(list(gaps)))] = np.nan
        sat_objs[sname] = Satellite(sname, Fv, st, units, FY, gaps=gaps, estimated=est)
    sources["table"] = str(path) if path is not None else sources["Z"]
    if meta_src:
        sources["meta"] = meta_src
    Zv = _numeric(Zdf, "Z")
    neg = Zv < 0
    tmeta = {k: v for k, v in meta.items() if k in ("source", "notes")}
    if neg.any():
        r, c = np.argwhere(neg)[0]
        first = f"row {plain(index[r])}, column {plain(index[c])}: {plain(Zv[r, c])}"
        if not allow_negative:
            raise ValidationError([ValidationIssue(sources["Z"], "Z", f"{int(neg.sum())} negative intermediate "
                                                   f"flow(s), first at {first}",
                                                   "correct them; if the table really records negative flows (e.g. "
                                                   "subsidies netted), load it with allow_negative=True "
                                                   "(--allow-negative): multipliers can then fall below 1")])
        tmeta["negative_flows"] = (f"{int(neg.sum())} negative intermediate flow(s) kept (allow_negative), first "
                                   f"at {first}: multipliers and footprints can fall below their usual bounds")
    Yv = _numeric(Ydf, "Y")
    _check_columns(Zv, xv, Yv, Vv, index, sources, allow_negative, tmeta)
    return MRIO(Zv, Yv, xv, index=index, fd_index=fd_index, V=Vv,
                va_index=va_index, satellites=sat_objs, unit=str(unit).strip(), name=name, year=year,
                sources=sources, meta=tmeta)


def _check_columns(Z: np.ndarray, x: np.ndarray | None, Y: np.ndarray, V: np.ndarray | None, index: pd.Index,
                   sources: dict, allow_negative: bool, meta: dict) -> None:
    given = x is not None
    """A sector cannot buy more than it produces: ``1'Z (+ 1'V) ≤ x`` column by column (else its value added is
    negative and the Leontief inverse meaningless), and a sector with inputs has output. With ``allow_negative``
    negative value added is stated in ``meta`` instead (tables that net subsidies)."""
    where = sources.get("x") or sources.get("table", "x")
    if x is None:                                  # derived from the rows: x = Z·1 + Y·1
        x = Z.sum(axis=1) + Y.sum(axis=1)
        neg = np.flatnonzero(x < -1e-9 * (np.abs(x).max() + 1))
        if len(neg):
            raise ValidationError([ValidationIssue(sources.get("Y", where), "x (derived)", f"{len(neg)} row(s) whose "
                                                   f"uses sum to a negative gross output (Z·1 + Y·1 < 0), e.g. "
                                                   f"{plain(index[neg[0]])}", "check the signs in Y (a fall in "
                                                   "inventories larger than the row's uses?) or give x")])
    # published tables are rounded: 0.1 % of a column (and a millionth of the largest output) is rounding, not error
    tol = 1e-3 * np.abs(x) + 1e-6 * (np.abs(x).max() if len(x) else 0.0) + 1e-9
    bought = Z.sum(axis=0)
    issues = []
    idle = np.flatnonzero((x <= 0) & (bought > tol))
    if len(idle):
        issues.append(ValidationIssue(where, "x", f"{len(idle)} sector(s) buy inputs but have no "
                                      f"output, e.g. {plain(index[idle[0]])}", "give their gross output (x ≥ what "
                                      "they buy), or drop x to have it derived from the rows"))
    inputs = bought + (V.sum(axis=0) if V is not None else 0.0)
    over = np.flatnonzero((x > 0) & (inputs > x + tol))
    if len(over):
        k = over[np.argmax((inputs - x)[over] / x[over])]
        what = "1'Z + 1'V" if V is not None else "1'Z"
        problem = (f"{len(over)} sector(s) use inputs worth more than their output ({what} > x), e.g. "
                   f"{plain(index[k])}: {plain(float(inputs[k]))} against x = {plain(float(x[k]))}")
        if allow_negative and V is None:
            meta["negative_value_added"] = problem + " — kept (allow_negative): their value added is negative"
        else:
            fix = ("check x (in the table's unit?) and the columns of Z (and V); x must cover what each sector buys"
                   if given else "x is derived from the rows (Z·1 + Y·1) here: check those sectors' columns of Z "
                   "(and V), or give x")
            issues.append(ValidationIssue(where, "x / columns", problem, fix))
    if issues:
        raise ValidationError(issues)


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
    import yaml
    desc = {"unit": mrio.unit, **({"name": mrio.name} if mrio.name else {}),
            **({"year": int(mrio.year)} if mrio.year is not None else {})}
    for k in ("gaps", "estimated"):           # regions without data are written as 0 and listed here
        got = {n: dict(getattr(s, k)) for n, s in mrio.satellites.items() if getattr(s, k)}
        if got:
            desc[k] = got
    (folder / "meta.yaml").write_text(yaml.safe_dump(desc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    for name, s in mrio.satellites.items():
        ix = pd.MultiIndex.from_arrays([s.stressors, list(s.units)], names=["stressor", "unit"])
        put(pd.DataFrame(s.known, index=ix, columns=mrio.index), f"satellites/{name}")
        if s.F_Y is not None:
            put(pd.DataFrame(s.F_Y, index=ix, columns=mrio.fd_index), f"satellites/{name}_F_Y")
    return folder
