"""Named datasets and the single entry point :func:`load`.

``load("wiod2013", year=2011)`` reads from ``$INDUSTWIN_DATA`` (default
``../shared/data`` relative to the working directory, then to the package's
checkout). ``load(path)`` reads a table saved by :func:`industwin.save`, a database file
recognised by its distribution name (EXIOBASE 3 ``IOT_<year>_<pxp|ixi>``, OECD
``ICIO<release>_<year>.csv``, FIGARO ``*eu-ic-io*.csv``, WIOD 2016
``WIOT<year>_Nov16_ROW.xlsb``), or a folder / workbook laid out for
:func:`industwin.data.tables.read_tables`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from industwin.data.mrio import MRIO
from industwin.errors import DataError, SelectionError

__all__ = ["Dataset", "DATASETS", "data_root", "load", "list_datasets"]


@dataclass(frozen=True)
class Dataset:
    name: str
    description: str
    years: tuple[int, ...]
    default_year: int
    shape: str
    loader: Callable[..., MRIO]
    folder: str
    unit: str = "M USD"


def _wiod(root: Path, year: int, fmt: str = "parquet") -> MRIO:
    from industwin.data.wiod2013 import load_wiod2013
    return load_wiod2013(root, year, fmt)


def _wiod16(country: str):
    def loader(root: Path, year: int, fmt: str = "parquet") -> MRIO:
        from industwin.data.wiod2016_national import load_wiod2016_national
        return load_wiod2016_national(root, country, year)
    return loader


def _useeio(root: Path, year: int, fmt: str = "parquet") -> MRIO:
    from industwin.data.useeio import load_useeio2017
    return load_useeio2017(root, year, fmt)


DATASETS: dict[str, Dataset] = {
    "wiod2013": Dataset("wiod2013", "World Input-Output Database, 2013 release: world MRIO, M USD, basic prices",
                        tuple(range(1995, 2012)), 2011, "41 regions × 35 sectors, 5 final-demand categories",
                        _wiod, "wiod2013"),
    **{f"wiod2016_{c.lower()}": Dataset(f"wiod2016_{c.lower()}", f"WIOD 2016 release, national table of {c}: "
                                        "domestic block, M USD", tuple(range(2000, 2015)), 2014,
                                        "1 region × 56 sectors (ISIC rev. 4), 6 final-demand columns incl. exports",
                                        _wiod16(c), "wiod2016_niot_sea_usa_aus") for c in ("USA", "AUS")},
    "useeio2017": Dataset("useeio2017", "US 2017 detail benchmark table (BEA via USEEIO): commodity × commodity, "
                          "domestic, USD, producer prices", (2017,), 2017, "1 region × 402 commodities, 20 final-demand "
                          "columns incl. exports", _useeio, "bea_2017_detail_useeior", "USD"),
}


SATELLITES_VERSION = "s1"   # in the cache key: a table cached before its satellites changed is built again


def data_root() -> Path:
    """The data folder: ``$INDUSTWIN_DATA``, else ``../shared/data`` beside the working
    directory or beside the source checkout."""
    env = os.environ.get("INDUSTWIN_DATA")
    if env:
        return Path(env).expanduser()
    for base in (Path.cwd(), Path(__file__).resolve().parents[3]):
        cand = base.parent / "shared" / "data"
        if cand.is_dir():
            return cand
    return Path.cwd().parent / "shared" / "data"


PATTERNS = (  # file-name pattern of each database's distribution → parser name
    (re.compile(r"IOT_\d{4}_(pxp|ixi)", re.I), "parse_exiobase3"),
    (re.compile(r"^ICIO\d{4}_\d{4}.*\.csv$", re.I), "parse_oecd_icio"),
    (re.compile(r"eu-ic-io.*\.csv$", re.I), "parse_figaro"),
    (re.compile(r"^WIOT\d{4}_Nov16_ROW\.xls[xb]$", re.I), "parse_wiod2016"),
)


def detect_parser(path: Path) -> Callable[[Path], MRIO] | None:
    """The parser for a database file recognised by its distribution name, or None."""
    from industwin.data import parsers
    path = Path(path)
    for pattern, fn in PATTERNS:
        if pattern.search(path.name):
            if path.is_dir() and not any(path.rglob("file_parameters.json")):
                return None          # a folder that only carries the name: a table folder, not an archive
            return getattr(parsers, fn)
    return None


def _checked(mrio: MRIO) -> MRIO:
    """Report (warn, never fix) rows whose uses differ from gross output beyond the table's
    tolerance: ``meta["balance_atol"]`` (e.g. the rounding bound of WIOD 2013) or 1e-4 relative."""
    from industwin.data.validate import balance_report
    balance_report(mrio, rtol=1e-4, atol=float(mrio.meta.get("balance_atol", 1e-6)), warn=True)
    return mrio


def list_datasets() -> list[Dataset]:
    return list(DATASETS.values())


def _year(year: object, what: str) -> int:
    """A year as a whole number, or a clear error (``"abc"``, ``2011.5``, ``True`` are not years)."""
    if isinstance(year, bool):
        raise SelectionError(f"{what}: {year!r} is not a year. Fix: give a whole number such as 2011")
    if isinstance(year, int):
        return year
    try:
        f = float(str(year).strip())
    except ValueError:
        raise SelectionError(f"{what}: {str(year)!r} is not a year. Fix: give a whole number such as 2011") from None
    if not f.is_integer():
        raise SelectionError(f"{what}: {str(year)!r} is not a year. Fix: give a whole number such as 2011")
    return int(f)


def load(name: str | os.PathLike, year: int | None = None, *, fmt: str = "parquet", cache: bool | str = False,
         unit: str | None = None, allow_negative: bool = False) -> MRIO:
    """Load a table by dataset name and year, or from a path.

    Parameters
    ----------
    name : a dataset name (see :func:`list_datasets`) or a path to a table saved
        with :func:`industwin.save` or laid out for :func:`read_tables`.
    year : the year of a named dataset (default: its latest).
    fmt : source format of a named dataset (``"parquet"`` or ``"rdata"`` for WIOD 2013).
    cache : if true (or a folder), keep a memory-mappable binary copy of the table
        (``$INDUSTWIN_CACHE`` or ``~/.cache/industwin``) and read it from there next time.
    unit, allow_negative : for a table folder or workbook (:func:`read_tables`): its monetary unit when the
        folder's ``meta.yaml`` does not give it, and whether negative intermediate flows are accepted (refused
        for named datasets, saved tables and database files, which carry their own).
    year : for a table given by path, the year of the table (it must agree with the year the table states).
    """
    if name is None or not isinstance(name, str | os.PathLike) or not str(name).strip():
        raise DataError(f"no table named: {name!r}. Fix: give a dataset name ({', '.join(sorted(DATASETS))}) or the "
                        "path of a table")
    key = str(name).lower()
    if key in DATASETS:
        ds = DATASETS[key]
        year = ds.default_year if year is None else _year(year, f"year of {ds.name}")
        if year not in ds.years:
            raise SelectionError(f"{ds.name} has no year {year}. Fix: choose among {ds.years[0]}–{ds.years[-1]}")
        if unit is not None and unit != ds.unit:
            raise SelectionError(f"{ds.name} is in {ds.unit}; a unit ({unit!r}) applies only to tables you bring. "
                                 "Fix: drop it")
        if allow_negative:
            raise SelectionError(f"{ds.name} is a named dataset; allow_negative (--allow-negative) applies only to "
                                 "tables you bring. Fix: drop it")
        if cache:
            from industwin.data.cache import cached
            return cached(f"{ds.name}_{year}_{fmt}_{SATELLITES_VERSION}", lambda: _checked(ds.loader(data_root(), year, fmt)),
                          None if cache is True else Path(cache))
        return _checked(ds.loader(data_root(), year, fmt))
    path = Path(name).expanduser()
    if path.exists():
        from industwin.data.cache import is_saved, open_saved
        y = None if year is None else _year(year, f"year of {path.name}")
        saved, parser = is_saved(path), detect_parser(path)
        if not (saved or parser):
            from industwin.data.tables import read_tables
            return _checked(read_tables(path, unit=unit, allow_negative=allow_negative, year=y))
        kind = "saved table" if saved else "database file"
        if unit is not None or allow_negative:
            raise SelectionError(f"{path}: a {kind} carries its own unit and was checked when it was made; a unit "
                                 "(--unit) and allow_negative (--allow-negative) apply only to table folders and "
                                 "workbooks. Fix: drop them")
        m = open_saved(path) if saved else _checked(parser(path))   # a saved table was checked when saved
        if y is not None and m.year is not None and m.year != y:
            raise SelectionError(f"{path}: this {kind} is for {m.year}, not {y}. Fix: drop the year or load the "
                                 f"{y} table")
        return m if y is None or m.year is not None else m.replace(year=y)
    if os.sep in str(name) or path.suffix:
        raise DataError(f"{path}: no such file or folder. Fix: check the path (a table is a folder of blocks, a "
                        "workbook, a saved table or a database file), or use a dataset name: "
                        f"{', '.join(sorted(DATASETS))}")
    near = [d for d in DATASETS if d.startswith(key[:4])] if key else []
    raise DataError(f"unknown dataset or path {str(name)!r}" + (f" (did you mean {', '.join(near)}?)" if near else "")
                    + f". Fix: use one of {', '.join(sorted(DATASETS))} or the path of a saved table / table folder")
