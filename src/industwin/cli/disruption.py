"""Commands on disruptions: simulate a scenario file, and the Monte Carlo risk assessment."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from industwin.application.disruption import RiskRequest, SimulateRequest
from industwin.cli import app
from industwin.cli.common import AllowNegative, Source, Unit, Year, execute


@app.command()
def simulate(scenario: Annotated[Path, typer.Argument(help="scenario file (.yaml or .json)")],
             out: Annotated[Path, typer.Option("--out", "-o", help="folder for the results (Parquet + HTML), "
                                                                  "replaced whole")] = Path("industwin-simulation"),
             source: Annotated[str | None, typer.Option(help="override the scenario's table (dataset or path)")] = None,
             year: Year = None, unit: Unit = None, allow_negative: AllowNegative = False) -> None:
    """Run a disruption scenario: the shock, each intervention and all together, with an HTML report."""
    execute(SimulateRequest, scenario=scenario, out=out, source=source, year=year, unit=unit,
            allow_negative=allow_negative)


@app.command()
def risk(source: Source = "wiod2013", year: Year = None,
         draws: Annotated[int, typer.Option(help="Monte Carlo draws")] = 200,
         seed: Annotated[int, typer.Option(help="random seed (same seed, same draws)")] = 0,
         horizon: Annotated[int, typer.Option(help="days simulated per draw")] = 120,
         max_days: Annotated[int, typer.Option(help="longest shock, days")] = 60,
         region: Annotated[str | None, typer.Option(help="draw shocks among this region's sectors only")] = None,
         dask: Annotated[bool, typer.Option(help="run on a Dask LocalCluster")] = True,
         html: Annotated[Path, typer.Option(help="HTML page to write")] = Path("industwin-risk.html"),
         unit: Unit = None, allow_negative: AllowNegative = False) -> None:
    """Monte Carlo risk assessment: expected loss, value at risk and the nodes whose failure costs most."""
    execute(RiskRequest, source=source, year=year, draws=draws, seed=seed, horizon=horizon, max_days=max_days,
            region=region, dask=dask, html=html, unit=unit, allow_negative=allow_negative)
