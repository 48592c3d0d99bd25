"""Commands on one table: datasets, describe, multipliers, footprint, output."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from industwin.application.tables import (DatasetsRequest, DescribeRequest, FootprintRequest, MultipliersRequest,
                                          OutputRequest)
from industwin.cli import app
from industwin.cli.common import AllowNegative, Out, Source, SourceOpt, Top, Unit, Year, execute


@app.command()
def datasets() -> None:
    """List the named datasets and where their data is read from."""
    execute(DatasetsRequest)


@app.command()
def describe(source: Source = "wiod2013", year: Year = None, unit: Unit = None,
             allow_negative: AllowNegative = False) -> None:
    """Describe a table: size, totals, satellites and how well it balances."""
    execute(DescribeRequest, source=source, year=year, unit=unit, allow_negative=allow_negative)


@app.command()
def multipliers(source: Source = "wiod2013", year: Year = None,
                kind: Annotated[str, typer.Option(help="output, value_added or a satellite name")] = "output",
                region: Annotated[str | None, typer.Option(help="show one region only")] = None,
                top: Top = 15, out: Out = None, unit: Unit = None, allow_negative: AllowNegative = False) -> None:
    """Output, value-added or satellite multipliers (1'L, v_c'L, S L) by region and sector."""
    execute(MultipliersRequest, source=source, year=year, kind=kind, region=region, top=top, out=out, unit=unit,
            allow_negative=allow_negative)


@app.command()
def footprint(source: Source = "wiod2013", year: Year = None,
              satellite: Annotated[str, typer.Option(help="satellite name (value_added always exists)")]
              = "value_added",
              by: Annotated[str, typer.Option(help="region, product or origin")] = "region",
              stressor: Annotated[str | None, typer.Option(help="stressor of the satellite (default: its first)")]
              = None,
              region: Annotated[str | None, typer.Option(help="consuming region (needed for --by origin)")] = None,
              top: Top = 15, out: Out = None, unit: Unit = None, allow_negative: AllowNegative = False) -> None:
    """Consumption-based footprints and embodied-trade accounts of a satellite."""
    execute(FootprintRequest, source=source, year=year, satellite=satellite, by=by, stressor=stressor, region=region,
            top=top, out=out, unit=unit, allow_negative=allow_negative)


@app.command()
def output(demand: Annotated[Path, typer.Argument(help="CSV / Parquet / Excel with columns region, sector, value")],
           source: SourceOpt = "wiod2013", year: Year = None, top: Top = 15, out: Out = None, unit: Unit = None,
           allow_negative: AllowNegative = False) -> None:
    """Gross output needed for a final-demand vector: x = (I − A)⁻¹ y."""
    execute(OutputRequest, demand=demand, source=source, year=year, top=top, out=out, unit=unit,
            allow_negative=allow_negative)
