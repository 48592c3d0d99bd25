"""The strategy report command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from industwin.application.strategy import ReportRequest
from industwin.cli import app
from industwin.cli.common import AllowNegative, Unit, execute, parse_list


@app.command()
def report(economy: Annotated[str, typer.Option(help="economy to diagnose (a region of the table)")] = "DEU",
           year: Annotated[int | None, typer.Option("--year", "-y", help="year of a named dataset (default: its "
                                                                      "latest, 2011 for wiod2013)")] = None,
           source: Annotated[str, typer.Option("--source", "--dataset", help="table with the economy and its peers "
                                                                             "(dataset name or path)")] = "wiod2013",
           peers: Annotated[str | None, typer.Option(help="peer economies, comma-separated (default: all others but "
                                                          "RoW)")] = None,
           survey: Annotated[Path | None, typer.Option(help="consultation responses: respondent, group, priority, "
                                                            "score")] = None,
           out: Annotated[Path | None, typer.Option("--out", "-o", help="HTML file (default: "
                                                                         "industwin-report-<ECONOMY>-<YEAR>.html)")]
           = None,
           pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="also write the PDF beside the HTML")] = True,
           unit: Unit = None, allow_negative: AllowNegative = False) -> None:
    """The strategy report: diagnosis across the five grand challenges, peers, recommendations with evidence,
    cases and what-if scenarios, the consultation, data and methods — HTML and PDF."""
    execute(ReportRequest, economy=economy, year=year, source=source, peers=parse_list(peers), survey=survey,
            out=out, pdf=pdf, unit=unit, allow_negative=allow_negative)
