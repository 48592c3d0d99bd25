"""Harvard Growth Lab reference data (the Atlas of Economic Complexity): country ECI and product PCI.

The shared data folder holds, in ``atlas_complexity/``, the files of the PyPI package ``atlas-common-data``
1.1.1 unchanged (see its README.md there):

* ``2024_growth_projections.csv`` — columns ``year, iso3_code, eci, growth_proj``: the Atlas Economic Complexity
  Index of 145 ranked countries, 2012–2024 (1,885 rows), and the Growth Lab's 10-year growth projection where
  published (blank otherwise). Read by :func:`read_atlas_eci`.
* ``umap_ps.csv`` — 865 HS92 4-digit products with their Product Complexity Index ``pci``, world exports
  ``total_exports`` (USD) and product-space cluster. Read by :func:`read_atlas_pci`.

Both readers validate every row (:class:`AtlasECI`, :class:`AtlasPCI`: unknown fields refused, non-finite numbers
refused) and raise :class:`~industwin.errors.ValidationError` naming the file, the line and the column. The
Atlas uses ISO 3166-1 alpha-3 codes (Romania ``ROU``); WIOD 2013 writes Romania ``ROM`` — see
:data:`WIOD_TO_ISO3`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import Field

from industwin.data.io import Issues, line_of, read_table, records, require_columns
from industwin.data.schema import Schema
from industwin.errors import DataError

__all__ = ["ATLAS_DIR", "ECI_FILE", "PCI_FILE", "WIOD_TO_ISO3", "AtlasECI", "AtlasPCI", "eci_wide",
           "read_atlas_eci", "read_atlas_pci"]

DOC = "docs/complexity.md"
ATLAS_DIR = Path("atlas_complexity")
ECI_FILE = ATLAS_DIR / "2024_growth_projections.csv"
PCI_FILE = ATLAS_DIR / "umap_ps.csv"
WIOD_TO_ISO3 = {"ROM": "ROU"}
"""WIOD 2013 region codes that differ from ISO 3166-1 alpha-3 (the Atlas's codes)."""


class AtlasECI(Schema):
    """One row of the Atlas ECI file: a country's Economic Complexity Index in a year."""

    year: int = Field(ge=1960, le=2100, description="year")
    iso3_code: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3 country code")
    eci: float = Field(ge=-10, le=10, description="Economic Complexity Index (standardised, mean 0 sd 1 per year)")
    growth_proj: float | None = Field(None, ge=-100, le=100, description="10-year growth projection, % per year")


class AtlasPCI(Schema):
    """One product of the Atlas product space: HS92 4-digit code, PCI, world exports, cluster."""

    product_code: str = Field(pattern=r"^[0-9]{4}$", description="HS92 4-digit product code")
    pci: float = Field(ge=-10, le=10, description="Product Complexity Index")
    total_exports: float = Field(ge=0, description="world exports, USD")
    cluster_name: str = Field(min_length=1, description="product-space cluster")


def _path(src: Any, rel: Path) -> Any:
    if src is not None:
        return src
    from industwin.data.registry import data_root
    path = Path(data_root()) / rel
    if not path.exists():
        raise DataError(f"{path}: the Atlas reference file is not found. Fix: set INDUSTWIN_DATA to the shared "
                        f"data folder that holds {ATLAS_DIR}/, or pass the file's path")
    return path


def read_atlas_eci(src: Any = None) -> pd.DataFrame:
    """The Atlas Economic Complexity Index by country and year (Hausmann et al. 2014; Growth Lab releases).

    ``src``: the CSV (or a DataFrame) with columns ``year, iso3_code, eci, growth_proj`` (``growth_proj`` may be
    blank or absent); default ``$INDUSTWIN_DATA/atlas_complexity/2024_growth_projections.csv``. A missing column,
    a blank or non-numeric ``eci``, a code that is not three capital letters or a repeated (year, country)
    raises :class:`~industwin.errors.ValidationError` naming the file, the line and the column.

    Returns a long frame ``year, iso3_code, eci, growth_proj`` sorted by year and code; ``attrs``: ``source``,
    ``units`` (ECI: standard deviations across the ranked countries of the year; growth: % a year).
    """
    df = read_table(_path(src, ECI_FILE), "Atlas ECI file", text=["iso3_code"])
    source = str(df.attrs["source"])
    require_columns(df, ["year", "iso3_code", "eci"], f"the file needs columns year, iso3_code, eci (see {DOC})",
                    allowed=list(AtlasECI.model_fields), what=source)
    rows = records(df, AtlasECI, doc=DOC)
    out = pd.DataFrame([r.model_dump() for r in rows], columns=list(AtlasECI.model_fields))
    out["year"] = out["year"].astype(int)
    out["growth_proj"] = out["growth_proj"].astype(float)
    dup = out.duplicated(["year", "iso3_code"])
    if dup.any():
        issues = Issues(source)
        k = int(dup.to_numpy().nonzero()[0][0])
        issues.add(f"{line_of(df, k)}: year/iso3_code",
                   f"{int(dup.sum())} repeated (year, country) pair(s), first {out.year[k]} {out.iso3_code[k]}",
                   "keep one row per year and country")
        issues.raise_if_any()
    out = out.sort_values(["year", "iso3_code"], kind="stable").reset_index(drop=True)
    out.attrs.update(source=source, units={"eci": "standard deviations (Atlas, per year)",
                                           "growth_proj": "% per year"})
    return out


def eci_wide(atlas: pd.DataFrame) -> pd.DataFrame:
    """The Atlas ECI of :func:`read_atlas_eci` as a country × year table (NaN where a country is not ranked)."""
    out = atlas.pivot(index="iso3_code", columns="year", values="eci")
    out.index.name, out.columns.name = "iso3_code", "year"
    out.attrs.update(source=atlas.attrs.get("source"), units="ECI (Atlas, standard deviations)")
    return out


def read_atlas_pci(src: Any = None) -> pd.DataFrame:
    """The Atlas Product Complexity Index of the 865 HS92 4-digit products of its product space.

    ``src``: the CSV (or a DataFrame) with at least ``product_code, pci, total_exports, cluster_name`` (the other
    columns of ``umap_ps.csv`` — layout coordinates, colours — are not read); default
    ``$INDUSTWIN_DATA/atlas_complexity/umap_ps.csv``. Product codes are read as text (leading zeros kept).

    Returns a frame indexed by ``product_code`` with ``pci``, ``total_exports`` (USD) and ``cluster_name``.
    """
    df = read_table(_path(src, PCI_FILE), "Atlas PCI file", text=["product_code", "cluster_name"])
    source = str(df.attrs["source"])
    cols = list(AtlasPCI.model_fields)
    require_columns(df, cols, f"the file needs columns {', '.join(cols)} (see {DOC})", what=source)
    sub = df[cols].copy()
    sub.attrs.update(df.attrs)
    rows = records(sub, AtlasPCI, doc=DOC)
    out = pd.DataFrame([r.model_dump() for r in rows], columns=cols).set_index("product_code")
    if out.index.duplicated().any():
        issues = Issues(source)
        issues.add("product_code", f"repeated product code(s) {sorted(set(out.index[out.index.duplicated()]))[:5]}",
                   "keep one row per product")
        issues.raise_if_any()
    out.attrs.update(source=source, units={"pci": "standard deviations (Atlas)", "total_exports": "USD"})
    return out
