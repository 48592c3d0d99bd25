"""Commands on sustainability and work: carbon, jobs, decarbonise, hotspots."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from industwin.application import sustainability as su
from industwin.cli import app
from industwin.cli.common import AllowNegative, Out, Source, SourceOpt, Top, Unit, Year, execute, parse_list


@app.command()
def carbon(purchases: Annotated[Path, typer.Argument(help="purchases CSV/Parquet/Excel: naics, spend, year, basis, …")],
           activities: Annotated[Path | None, typer.Option(help="scope 1/2 activity data: item, unit, amount")]
           = None,
           footprints: Annotated[Path | None, typer.Option(help="suppliers' PACT v3 footprints (.json): purchase "
                                                                "lines with product_id and quantity use them")] = None,
           products: Annotated[Path | None, typer.Option(help="the company's products (product_id, name, unit, "
                                                              "amount, share): write their PACT footprints")] = None,
           company: Annotated[str, typer.Option(help="company name for --products")] = "",
           company_id: Annotated[str, typer.Option(help="company URN for --products (e.g. urn:lei:…)")] = "",
           year: Annotated[int | None, typer.Option(help="reference year of --products' footprints")] = None,
           country: Annotated[str | None, typer.Option(help="ISO 3166 alpha-2 country of --products")] = None,
           out: Annotated[Path, typer.Option("--out", "-o", help="folder for the line tables and report.html, "
                                                                "replaced whole")] = Path("industwin-carbon")) -> None:
    """A company's GHG Protocol footprint: scope 1 and 2 (UK 2024 factors), scope 3 purchased goods (EPA
    factors, spend-based, supplier-specific or suppliers' PACT footprints), the supply-chain-to-operational
    ratio and the hot spots; with --products, the PACT v3 footprints of the company's products."""
    execute(su.CarbonRequest, purchases=purchases, activities=activities, footprints=footprints, products=products,
            company=company, company_id=company_id, year=year, country=country, out=out)


@app.command()
def jobs(source: Source = "wiod2016_usa", year: Year = None,
         sectors: Annotated[str | None, typer.Option(help="carbon-intensive sector codes, comma-separated "
                                                          "(default: mining, fuels, chemicals, minerals, metals, "
                                                          "power, transport)")] = None,
         html: Annotated[Path, typer.Option(help="HTML page to write")] = Path("industwin-jobs.html"),
         unit: Unit = None, allow_negative: AllowNegative = False) -> None:
    """Jobs through the production network: employment multipliers, jobs supported by each final demand, and
    the jobs exposed to a transition away from carbon-intensive sectors (tables with employment accounts)."""
    execute(su.JobsRequest, source=source, year=year, sectors=parse_list(sectors), html=html, unit=unit,
            allow_negative=allow_negative)


@app.command()
def decarbonise(plan: Annotated[Path, typer.Argument(help="decarbonisation scenario file (.yaml / .json)")],
                out: Annotated[Path, typer.Option("--out", "-o", help="folder for summary.parquet and report.html, "
                                                                     "replaced whole")]
                = Path("industwin-decarbonisation")) -> None:
    """National decarbonisation scenarios: efficiency, fuel switching, new recipes and a carbon price, each
    alone and together, against the baseline (emissions, output, jobs, prices)."""
    execute(su.DecarboniseRequest, plan=plan, out=out)


@app.command()
def hotspots(risk: Annotated[Path, typer.Argument(help="risk scores: region, sector, score (your indicator)")],
             region: Annotated[str, typer.Option(help="region of the product")],
             sector: Annotated[str, typer.Option(help="sector of the product")],
             source: SourceOpt = "wiod2013", year: Year = None,
             amount: Annotated[float, typer.Option(help="final demand for the product, in the table's unit")] = 1.0,
             top: Top = 15, out: Out = None, unit: Unit = None, allow_negative: AllowNegative = False) -> None:
    """A due-diligence hot-spot list: a risk score per country-sector carried through a product's supply chain."""
    execute(su.HotspotsRequest, risk=risk, region=region, sector=sector, source=source, year=year, amount=amount,
            top=top, out=out, unit=unit, allow_negative=allow_negative)
