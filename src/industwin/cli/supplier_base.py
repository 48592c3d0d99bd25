"""The command on a company's supply base: ``industwin supplier-base [SITES]``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from industwin.application.supplier_base import SupplierBaseRequest
from industwin.cli import app
from industwin.cli.common import AllowNegative, SourceOpt, Unit, execute


@app.command("supplier-base")
def supplier_base(
        sites: Annotated[Path | None, typer.Argument(
            help="supplier-site list (.csv / .parquet / .xlsx): year, supplier, country[, site, area] (default: "
                 "Apple's Supplier List 2012–2022 in the data folder)")] = None,
        base: Annotated[int | None, typer.Option(help="base year of the comparison (default: the first)")] = None,
        late: Annotated[int | None, typer.Option(help="later year of the comparison (default: the last)")] = None,
        focus: Annotated[str, typer.Option(help="country whose share and movers are followed (ISO3 or name)")]
        = "CHN",
        source: SourceOpt = "wiod2013",
        year: Annotated[int | None, typer.Option("--table-year", help="year of the table (default: its latest)")]
        = None,
        sector: Annotated[str, typer.Option(help="sector of the table behind the sites (WIOD: c14 Electrical and "
                                                 "Optical Equipment)")] = "c14",
        demand: Annotated[str, typer.Option(help="whose final demand for the sector: world or a region, e.g. USA")]
        = "world",
        list_year: Annotated[int | None, typer.Option(help="year of the list set beside the table (default: the "
                                                           "first at or after the table's year)")] = None,
        twin: Annotated[bool, typer.Option("--twin/--no-twin", help="compare with the table's production network")]
        = True,
        unit: Unit = None, allow_negative: AllowNegative = False,
        top: Annotated[int, typer.Option(help="rows to show")] = 12,
        out: Annotated[Path, typer.Option("--out", "-o", help="folder for the CSV tables and report.html, replaced "
                                                             "whole")] = Path("industwin-supplier-base")) -> None:
    """A company's tier-1 supply base over the years: sites by country, concentration, who moved where (the
    "China + 1" question) and the production network behind it, with an HTML page."""
    execute(SupplierBaseRequest, sites=sites, base=base, late=late, focus=focus, source=source, year=year,
            sector=sector, demand=demand, list_year=list_year, twin=twin, unit=unit, allow_negative=allow_negative,
            top=top, out=out)
