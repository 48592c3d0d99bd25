"""The strategy report command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from industwin.application.strategy import ReportRequest
from industwin.cli import app
from industwin.cli.common import AllowNegative, Unit, execute, parse_list


@app.command()
def report(economy: Annotated[str | None, typer.Option(help="economy to diagnose (a region of the table; default "
                                                            "DEU)")] = None,
           year: Annotated[int | None, typer.Option("--year", "-y", help="year of a named dataset (default: its "
                                                                      "latest, 2011 for wiod2013)")] = None,
           source: Annotated[str, typer.Option("--source", "--dataset", help="table with the economy and its peers "
                                                                             "(dataset name or path)")] = "wiod2013",
           peers: Annotated[str | None, typer.Option(help="primary peer economies, comma-separated (default: the "
                                                          "income group's economies closest in size; the income "
                                                          "group, size peers and all others are checked too)")] = None,
           emissions: Annotated[str | None, typer.Option(help="the table's emissions satellite (default: co2 when "
                                                              "the table has it)")] = None,
           employment: Annotated[str | None, typer.Option(help="the table's employment satellite (default: "
                                                               "employment when the table has it)")] = None,
           risk: Annotated[Path | None, typer.Option(help="risk scores per country-sector: region, sector, score "
                                                          "(e.g. a labour-rights index)")] = None,
           survey: Annotated[Path | None, typer.Option(help="consultation responses: respondent, group, priority, "
                                                            "score")] = None,
           readiness: Annotated[Path | None, typer.Option(help="readiness self-assessments (company, sector, region, "
                                                               "size_class, dimension, band): the economy's "
                                                               "companies in challenge 3")] = None,
           targets: Annotated[Path | None, typer.Option(help="the strategy's targets (.yaml): monitored over the "
                                                             "table's years")] = None,
           pipeline: Annotated[Path | None, typer.Option(help="technology register (TRL, funding by stage): the "
                                                              "economy's technologies")] = None,
           technology: Annotated[Path | None, typer.Option(help="technology scenario (.yaml) adopted by the economy "
                                                                "(default: hydrogen steel from the library)")] = None,
           all_: Annotated[bool, typer.Option("--all", help="every economy of the table: one report each and an "
                                                            "index page ranking them, into the folder --out")] = False,
           dask: Annotated[bool, typer.Option(help="with --all: run on a Dask LocalCluster")] = True,
           out: Annotated[Path | None, typer.Option("--out", "-o", help="HTML file (default: "
                                                                         "industwin-report-<ECONOMY>-<YEAR>.html); "
                                                                         "with --all a folder")] = None,
           pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="also write the PDF beside the HTML")] = True,
           unit: Unit = None, allow_negative: AllowNegative = False) -> None:
    """The strategy report: diagnosis across the five grand challenges with emissions and jobs against peer sets
    (income group and size), material findings ranked with their trend, confidence and what-if results, cases, the
    consultation, data and methods — HTML and PDF with charts; --all for every economy of the table."""
    execute(ReportRequest, economy=economy, year=year, source=source, peers=parse_list(peers), emissions=emissions,
            employment=employment, risk=risk, survey=survey, readiness=readiness, targets=targets,
            pipeline=pipeline, technology=technology, all=all_, dask=dask, out=out, pdf=pdf, unit=unit,
            allow_negative=allow_negative)
