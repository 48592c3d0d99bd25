"""Commands on technology scale-up and a strategy's implementation: readiness, region, complexity, technology,
pipeline, monitor."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from industwin.application import readiness as rq
from industwin.application import technology as tq
from industwin.application.catalog import parse_years
from industwin.cli import app
from industwin.cli.common import AllowNegative, SourceOpt, Unit, Year, execute, parse_list


@app.command()
def readiness(assessments: Annotated[Path, typer.Argument(help="self-assessments: company, sector, region, nuts2, "
                                                                "size_class, dimension, band (0–5)")],
              company: Annotated[str | None, typer.Option(help="a company of the file: its benchmark against its "
                                                               "peers and its priorities")] = None,
              weights: Annotated[Path | None, typer.Option(help="KPI weights: company, kpi (or dimension), weight "
                                                               "(with --company)")] = None,
              economy: Annotated[str | None, typer.Option(help="only the companies of this economy (ISO-3)")] = None,
              by: Annotated[str, typer.Option(help="table by sector, size_class, region or nuts2")] = "sector",
              peers: Annotated[str, typer.Option(help="a company's peers share these, comma-separated: sector, "
                                                      "size_class, region, nuts2")] = "sector",
              best: Annotated[str, typer.Option(help="the peers' best band (max) or their 90th percentile (p90)")]
              = "max",
              out: Annotated[Path, typer.Option("--out", "-o", help="folder for the tables and page.html, replaced "
                                                                   "whole")] = Path("industwin-readiness")) -> None:
    """Readiness self-assessments (16 dimensions, bands 0–5; a model inspired by the Smart Industry Readiness
    Index): mean bands by sector, economy, region or size class with confidential cells suppressed; with
    --company, its benchmark against its peers and its priorities (gap to the best × its KPI weights)."""
    execute(rq.ReadinessRequest, assessments=assessments, company=company, weights=weights, economy=economy, by=by,
            peers=parse_list(peers), best=best, out=out)


@app.command()
def region(code: Annotated[str, typer.Argument(help="a NUTS-2 region (e.g. DE60) or an EU economy (e.g. DEU)")],
           peers: Annotated[str, typer.Option(help="peer regions: country (the same country's) or gdp (regions of "
                                                   "similar GDP rank)")] = "country",
           out: Annotated[Path | None, typer.Option("--out", "-o", help="write the table to .csv or .parquet")]
           = None) -> None:
    """Industry 4.0 readiness of EU NUTS-2 regions (309 ranked): a region's rank and the indicators that hold it
    back against its peers, or the ranks of an economy's regions."""
    execute(rq.RegionRequest, region=code, peers=peers, out=out)


@app.command()
def complexity(economy: Annotated[str, typer.Option(help="the economy (a region of the table)")] = "DEU",
               source: SourceOpt = "wiod2013", year: Year = None,
               years: Annotated[str | None, typer.Option(help="also the ECI over these years, e.g. 1995-2011")] = None,
               top: Annotated[int, typer.Option(help="opportunities to list")] = 10,
               html: Annotated[Path, typer.Option(help="HTML page to write")] = Path("industwin-complexity.html"),
               unit: Unit = None, allow_negative: AllowNegative = False) -> None:
    """Economic complexity on the world table: comparative advantage, ECI and PCI (eigenvector form), proximity,
    density, opportunity gain; the economy's diversification opportunities; the Atlas ECI beside it."""
    execute(tq.ComplexityRequest, economy=economy, source=source, year=year, years=parse_years(years), top=top,
            html=html, unit=unit, allow_negative=allow_negative)


@app.command()
def technology(scenario: Annotated[Path, typer.Argument(help="technology scenario (.yaml / .json)")],
               out: Annotated[Path, typer.Option("--out", "-o", help="folder for years.csv, summary.csv and "
                                                                    "page.html, replaced whole")]
               = Path("industwin-technology")) -> None:
    """A technology's adoption along an S-curve (a sector's new input recipe, labour, emissions and capital) to
    the horizon, against the baseline: output, value added, jobs, emissions and investment by year."""
    execute(tq.TechnologyRequest, scenario=scenario, out=out)


@app.command()
def pipeline(register: Annotated[Path, typer.Argument(help="technology register: id, name, sector, economy, trl, "
                                                           "market_year, unit, funding by stage and source")],
             economy: Annotated[str | None, typer.Option(help="only this economy's technologies")] = None,
             out: Annotated[Path, typer.Option("--out", "-o", help="folder for the tables and page.html, replaced "
                                                                  "whole")] = Path("industwin-pipeline")) -> None:
    """A technology pipeline by readiness level (TRL 1–9, Horizon Europe): funding by stage, public and private,
    and where public money stops before TRL 7–9 without private money to follow (the valley of death)."""
    execute(tq.PipelineRequest, technologies=register, economy=economy, out=out)


@app.command()
def monitor(targets: Annotated[Path, typer.Argument(help="a strategy's targets (.yaml / .json)")],
            out: Annotated[Path, typer.Option("--out", "-o", help="folder for the tables and page.html, replaced "
                                                                 "whole")] = Path("industwin-monitoring")) -> None:
    """Monitor a strategy's targets over the twin's years and the programme's metrics: status per target and what
    changed in the targeted sectors against peers, with its caveats."""
    execute(tq.MonitorRequest, targets=targets, out=out)
