"""Command on a world decarbonisation lens: carbon-border (carbon prices by region, with and without a border
carbon adjustment)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from industwin.application.carbon_border import CarbonBorderRequest
from industwin.cli import app
from industwin.cli.common import Top, execute


@app.command("carbon-border")
def carbon_border(scenario: Annotated[Path, typer.Argument(help="carbon-border scenario file (.yaml / .json): prices "
                                                                "by region or group, border adjustment")],
                  out: Annotated[Path, typer.Option("--out", "-o", help="folder for the tables (Parquet) and "
                                                                       "report.html, replaced whole")]
                  = Path("industwin-carbon-border"),
                  top: Top = 15) -> None:
    """Carbon prices by region passed on along the world's supply chains (Leontief price model), with and
    without a border carbon adjustment (CBAM-like): cost push by region and sector, the border charge each
    exporter carries, leakage exposure and the jobs in exposed sectors."""
    execute(CarbonBorderRequest, scenario=scenario, out=out, top=top)
