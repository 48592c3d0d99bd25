"""Commands on value chains: gvc, origin, position, exposure, extraction, suppliers, value-chains, demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from industwin.application import value_chains as vc
from industwin.cli import app
from industwin.cli.common import (AllowNegative, Out, Region, Source, SourceOpt, Top, Unit, Year, execute,
                                  parse_list, parse_years)

Html = Annotated[Path, typer.Option(help="HTML page to write")]


@app.command()
def gvc(source: Source = "wiod2013", year: Year = None,
        by: Annotated[str, typer.Option(help="country or sector")] = "country",
        region: Annotated[str | None, typer.Option(help="show one region only")] = None,
        top: Top = 45, out: Out = None, unit: Unit = None, allow_negative: AllowNegative = False) -> None:
    """Gross exports decomposed into DVA, DDC, FVA, FDC (Borin–Mancini), VAX ratio, GVC participation."""
    execute(vc.GVCRequest, source=source, year=year, by=by, region=region, top=top, out=out, unit=unit,
            allow_negative=allow_negative)


@app.command()
def origin(region: Region, source: SourceOpt = "wiod2013", year: Year = None, top: Top = 35, out: Out = None,
           unit: Unit = None, allow_negative: AllowNegative = False) -> None:
    """Where the value of a region's final products is added (foreign share and largest origins)."""
    execute(vc.OriginRequest, region=region, source=source, year=year, top=top, out=out, unit=unit,
            allow_negative=allow_negative)


@app.command()
def position(source: Source = "wiod2013", year: Year = None,
             region: Annotated[str | None, typer.Option(help="show one region only")] = None,
             inventories: Annotated[str | None, typer.Option(help="inventory category for Antràs et al.'s "
                                                                   "correction, e.g. INVEN")] = None,
             top: Top = 35, out: Out = None, unit: Unit = None, allow_negative: AllowNegative = False) -> None:
    """Upstreamness (Antràs–Chor), downstreamness and their ratio per country-sector."""
    execute(vc.PositionRequest, source=source, year=year, region=region, inventories=inventories, top=top, out=out,
            unit=unit, allow_negative=allow_negative)


@app.command()
def exposure(region: Region, sector: Annotated[str, typer.Argument(help="sector code, e.g. c15")],
             source: SourceOpt = "wiod2013", year: Year = None,
             threshold: Annotated[float, typer.Option(help="flag inputs where one foreign origin supplies more "
                                                           "than this share (0–1)")] = 0.5,
             sourcing: Annotated[Path | None, typer.Option(help="a programme's published import shares (CSV, "
                                                              "industwin programme aggregate … sourcing --out)")]
             = None,
             top: Top = 15, out: Out = None, unit: Unit = None, allow_negative: AllowNegative = False) -> None:
    """Tier-n exposure of a country-sector: tier 1 vs hidden tiers, concentration of each input; with
    --sourcing, again with the sector's imports split as its firms report (a data space's published shares)."""
    execute(vc.ExposureRequest, region=region, sector=sector, source=source, year=year, threshold=threshold, top=top,
            out=out, unit=unit, allow_negative=allow_negative, sourcing=sourcing)


@app.command()
def extraction(region: Region, source: SourceOpt = "wiod2013", year: Year = None,
               sector: Annotated[str | None, typer.Option(help="one sector of the region (default: the whole "
                                                               "region)")] = None,
               buyers: Annotated[str | None, typer.Option(help="comma-separated buyer regions (default: all others "
                                                               "for a region, all for a sector)")] = None,
               model: Annotated[str, typer.Option(help="supply (buyers lose the input; Ghosh) or demand "
                                                       "(buyers drop the supplier; Leontief)")] = "supply",
               top: Top = 15, out: Out = None, unit: Unit = None, allow_negative: AllowNegative = False) -> None:
    """Hypothetical extraction: who loses what if a country (or country-sector) stops supplying."""
    execute(vc.ExtractionRequest, region=region, source=source, year=year, sector=sector, buyers=parse_list(buyers),
            model=model, top=top, out=out, unit=unit, allow_negative=allow_negative)


@app.command()
def suppliers(region: Region, source: SourceOpt = "wiod2013", year: Year = None, top: Top = 20, out: Out = None,
              unit: Unit = None, allow_negative: AllowNegative = False) -> None:
    """The foreign supplier sectors a region depends on most (value added lost if each stopped)."""
    execute(vc.SuppliersRequest, region=region, source=source, year=year, top=top, out=out, unit=unit,
            allow_negative=allow_negative)


@app.command("value-chains")
def value_chains(region: Region,
                 product: Annotated[str | None, typer.Option(help="sector code of the product to trace (default: "
                                                                  "the largest)")] = None,
                 years: Annotated[str | None, typer.Option(help="e.g. 1995-2011 or 2000,2011 (default: all)")] = None,
                 source: Annotated[str, typer.Option("--source", help="dataset name")] = "wiod2013",
                 threshold: Annotated[float, typer.Option(help="concentration flag (0–1)")] = 0.5,
                 dask: Annotated[bool, typer.Option(help="run the years in parallel on Dask")] = False,
                 html: Html = Path("industwin-value-chains.html")) -> None:
    """Value chains of one economy over the years, with a self-contained HTML page."""
    execute(vc.ValueChainsRequest, region=region, product=product, years=parse_years(years), source=source,
            threshold=threshold, dask=dask, html=html)


@app.command()
def demo(region: Annotated[str, typer.Option(help="region to profile")] = "DEU",
         year: Annotated[int | None, typer.Option("--year", "-y", help="year of a named dataset (default: its "
                                                                      "latest, 2011 for wiod2013)")] = None,
         source: SourceOpt = "wiod2013", html: Html = Path("industwin-profile.html"),
         years: Annotated[str | None, typer.Option(help="years of the value-chain series (default: all up to "
                                                        "--year)")] = None,
         unit: Unit = None, allow_negative: AllowNegative = False) -> None:
    """The main job: one economy's profile and value chains, in the terminal and as a self-contained HTML page."""
    execute(vc.DemoRequest, region=region, year=year, source=source, html=html, years=parse_years(years), unit=unit,
            allow_negative=allow_negative)
