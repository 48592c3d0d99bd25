"""WIOD 2013 release world input–output tables (41 regions × 35 sectors, 1995–2011).

Source: World Input-Output Database, 2013 release (Timmer, Dietzenbacher, Los,
Stehrer & de Vries 2015, *Rev. Int. Econ.* 23:575–605), as distributed in the R
package ``wiod`` (bquast/wiod); see ``$INDUSTWIN_DATA/wiod2013/README.md``.

Caveats carried into the table's ``meta``: intermediate and final flows are
rounded to whole millions of USD in that package, so rows balance only to
within the rounding (at most 0.5 $M per cell); value added is *derived* as
``x − 1'Z`` (it includes net product taxes and international margins).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from industwin.data.mrio import MRIO
from industwin.errors import DataError

__all__ = ["YEARS", "CATEGORIES", "load_wiod2013", "wiod2013_dir"]

YEARS = tuple(range(1995, 2012))
CATEGORIES = ("CONS_h", "CONS_np", "CONS_g", "GFCF", "INVEN")
CATEGORY_NAMES = {"CONS_h": "Household final consumption", "CONS_np": "Final consumption of non-profit organisations",
                  "CONS_g": "Government final consumption", "GFCF": "Gross fixed capital formation",
                  "INVEN": "Changes in inventories and valuables"}


def wiod2013_dir(root: Path) -> Path:
    return Path(root) / "wiod2013"


def _labels(folder: Path) -> pd.DataFrame:
    f = folder / "labels_rows.csv"
    if not f.exists():
        raise DataError(f"{f}: label file not found. Fix: point INDUSTWIN_DATA at the folder holding wiod2013/")
    return pd.read_csv(f)


def _meta(year: int, fmt: str, path: Path) -> dict:
    return {"source": "WIOD 2013 release (Timmer et al. 2015) via R package bquast/wiod",
            "format": fmt, "path": str(path), "price_basis": "basic prices, current USD",
            "caveats": "Z and Y rounded to whole M USD; value added derived as x - 1'Z",
            "balance_atol": 0.5 * (1435 + 205), "category_names": CATEGORY_NAMES}


def load_wiod2013(root: Path, year: int, fmt: str = "parquet", satellites: bool = True) -> MRIO:
    """Load one WIOD 2013 year from the Parquet export (default) or the original RData file.

    Returns an :class:`MRIO` labelled with ISO3 regions (``RoW`` = rest of world) and
    sectors ``c1``–``c35`` (readable names in ``mrio.sector_names``), in millions of USD, with the
    satellites the shared data hold for the year (``co2``, ``employment``, ``employees``; see
    :mod:`industwin.data.wiod2013_satellites`) unless ``satellites`` is false.
    """
    if year not in YEARS:
        raise DataError(f"WIOD 2013 has years {YEARS[0]}–{YEARS[-1]}, not {year}. Fix: pass year=<one of those>")
    folder = wiod2013_dir(root)
    labels = _labels(folder)
    regions = list(dict.fromkeys(labels["country"]))
    sectors = [f"c{i}" for i in range(1, 36)]
    names = dict(zip(labels["sector"], labels["sector_name"]))
    index = pd.MultiIndex.from_product([regions, sectors], names=["region", "sector"])
    fd_index = pd.MultiIndex.from_product([regions, CATEGORIES], names=["region", "category"])
    n, m = len(index), len(fd_index)
    if fmt == "parquet":
        path = folder / "parquet" / f"wiot_{year}.parquet"
        if not path.exists():
            raise DataError(f"{path}: file not found. Fix: check INDUSTWIN_DATA ({root})")
        import pyarrow.parquet as pq
        t = pq.read_table(path)
        expected = ["country", "sector"] + [f"{r}.{s}" for r, s in index] + [f"{r}.{c}" for r, c in fd_index] + ["GO"]
        if t.column_names != expected:
            missing = [c for c in expected if c not in set(t.column_names)]
            raise DataError(f"{path}: columns differ from the WIOD 2013 export (missing e.g. {missing[:3]}). "
                            "Fix: use the wiod2013 Parquet export (country, sector, 1,435 Z, 205 final-demand columns, GO)")
        Z = np.empty((n, n))
        for j in range(n):
            Z[:, j] = t.column(2 + j).to_numpy()
        Y = np.empty((n, m))
        for j in range(m):
            Y[:, j] = t.column(2 + n + j).to_numpy()
        x = t.column(2 + n + m).to_numpy().astype(float)
        rows = list(zip(t.column("country").to_pylist(), t.column("sector").to_pylist()))
        if rows != list(index):
            raise DataError(f"{path}: row labels are not the 41 × 35 WIOD order. Fix: re-export the file")
    elif fmt == "rdata":
        path = folder / "raw_rdata" / f"wiot_{year}.RData"
        if not path.exists():
            raise DataError(f"{path}: file not found. Fix: check INDUSTWIN_DATA ({root})")
        try:
            import rdata
        except ImportError as e:  # pragma: no cover - rdata is a core dependency
            raise DataError("reading RData needs the package 'rdata': pip install rdata") from e
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # R class "iot" has no Python constructor: fine
            obj = rdata.read_rda(path)[f"wiot_{year}"]
        Z = np.asarray(obj["inter"], dtype=float)
        Y = np.asarray(obj["final"], dtype=float)
        x = np.asarray(obj["output"], dtype=float)
        if list(obj["countries"]) != regions or list(obj["industries"]) != sectors:
            raise DataError(f"{path}: countries/industries differ from labels_rows.csv")
    else:
        raise DataError(f"unknown WIOD 2013 format {fmt!r}. Fix: use 'parquet' or 'rdata'")
    m = MRIO(Z, Y, x, index=index, fd_index=fd_index, unit="M USD", name="wiod2013", year=year,
             sector_names=names, meta=_meta(year, fmt, path), sources={"table": str(path)})
    if not satellites:
        return m
    from industwin.data.wiod2013_satellites import with_satellites
    return with_satellites(m, root)
