"""Commands on firm networks: ``industwin firms synth|esri|tiers|links|intervene``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from industwin.application import firms as fa
from industwin.cli import app
from industwin.cli.common import Out, execute

firms_app = typer.Typer(no_args_is_help=True, help="Firm-level supply networks: systemic risk (ESRI), tiers, "
                                                   "hidden links, interventions.")
app.add_typer(firms_app, name="firms")
Edges = Annotated[Path, typer.Argument(help="edge list (.csv / .parquet / .xlsx): supplier, customer, value")]
Firms = Annotated[Path, typer.Argument(help="firm table (.csv / .parquet / .xlsx): firm, industry (NACE), region, …")]
EssOpt = Annotated[Path | None, typer.Option("--essentiality", help="industry essentiality matrix (default: NACE "
                                                                   "2-digit matrix of Diem et al. 2022)")]
Replace = Annotated[bool, typer.Option("--replace/--no-replace", help="failing suppliers can be replaced within "
                                                                      "their industry")]


@firms_app.command("synth")
def firms_synth(firms: Annotated[int, typer.Option("--firms", "-n", help="number of firms")] = 10_000,
                links: Annotated[float, typer.Option(help="links per firm")] = 3.2,
                seed: Annotated[int, typer.Option(help="random seed (same seed, same network)")] = 0,
                out: Annotated[Path, typer.Option("--out", "-o", help="folder for edges.parquet and firms.parquet, "
                                                                     "replaced whole")]
                = Path("industwin-firms")) -> None:
    """Generate a synthetic national firm network (US 2014 industry flows at NACE 2-digit level)."""
    execute(fa.SynthRequest, firms=firms, links=links, seed=seed, out=out)


@firms_app.command("esri")
def firms_esri(edges: Edges, firms: Firms, essentiality: EssOpt = None, replace: Replace = True,
               focal: Annotated[str | None, typer.Option(help="firm id whose tier map goes on the page")] = None,
               reveal: Annotated[bool, typer.Option(help="show firm ids (default: anonymised ranks)")] = False,
               dask: Annotated[bool, typer.Option(help="run on a Dask LocalCluster")] = False,
               gpu: Annotated[bool, typer.Option(help="all-firms blocks on PyTorch/CUDA (pip install industwin[gpu])")]
               = False,
               supply_base: Annotated[Path | None, typer.Option(
                   "--supply-base", help="a company's published supplier-site list (.csv / .parquet / .xlsx: year, "
                                         "supplier, country[, site, area]) shown on the page: its latest year's "
                                         "sites by country")] = None,
               out: Annotated[Path, typer.Option("--out", "-o", help="folder for esri.parquet and report.html, "
                                                                    "replaced whole")]
               = Path("industwin-esri")) -> None:
    """The Economic Systemic Risk Index of every firm, with an HTML page (distribution, top firms, tier map)."""
    execute(fa.ESRIRequest, edges=edges, firms=firms, essentiality=essentiality, replace=replace, focal=focal,
            reveal=reveal, dask=dask, gpu=gpu, supply_base=supply_base, out=out)


@firms_app.command("tiers")
def firms_tiers(edges: Edges, firms: Firms, focal: Annotated[str, typer.Argument(help="focal firm id")],
                essentiality: EssOpt = None,
                max_tier: Annotated[int, typer.Option(help="deepest tier")] = 4,
                downstream: Annotated[bool, typer.Option(help="customers instead of suppliers")] = False,
                out: Out = None) -> None:
    """A focal firm's tiers 1..n, hidden dependencies, input concentration and single points of failure."""
    execute(fa.TiersRequest, edges=edges, firms=firms, focal=focal, essentiality=essentiality, max_tier=max_tier,
            downstream=downstream, out=out)


@firms_app.command("links")
def firms_links(edges: Edges, firms: Firms,
                hide: Annotated[float, typer.Option(help="share of links hidden for the evaluation")] = 0.2,
                seed: Annotated[int, typer.Option(help="random seed")] = 0,
                customer: Annotated[str | None, typer.Option(help="list the likeliest missing suppliers of this "
                                                                  "firm")] = None,
                out: Out = None) -> None:
    """Hidden-link prediction: evaluation (ROC-AUC, average precision) and a firm's likely missing suppliers."""
    execute(fa.LinksRequest, edges=edges, firms=firms, hide=hide, seed=seed, customer=customer, out=out)


@firms_app.command("intervene")
def firms_intervene(edges: Edges, firms: Firms, focal: Annotated[str, typer.Argument(help="focal firm id")],
                    essentiality: EssOpt = None, replace: Replace = True,
                    second_supplier: Annotated[list[str] | None, typer.Option(
                        help="input industry that gets a second supplier (repeatable)")] = None,
                    stock: Annotated[float | None, typer.Option(help="days of input stock at the focal firm")] = None,
                    reshore: Annotated[str | None, typer.Option(
                        help="COLUMN=VALUE: buy at home what is bought elsewhere, e.g. region=USA")] = None,
                    out: Out = None) -> None:
    """Re-score after interventions around a focal firm and report the systemic risk each removes."""
    execute(fa.InterveneRequest, edges=edges, firms=firms, focal=focal, essentiality=essentiality, replace=replace,
            second_supplier=second_supplier or [], stock=stock, reshore=reshore, out=out)
