"""Commands for the Asset Administration Shell: ``industwin aas export`` (PACT v3 footprints → the IDTA 02023
Carbon Footprint submodel, JSON or AASX) and ``industwin aas import`` (the footprints of such a file)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from industwin.cli import app
from industwin.cli.common import console

aas_app = typer.Typer(no_args_is_help=True, help="Product carbon footprints as Asset Administration Shell submodels "
                                                 "(IDTA 02023 Carbon Footprint, .json or .aasx).")
app.add_typer(aas_app, name="aas")


@aas_app.command("export")
def aas_export(footprints: Annotated[Path, typer.Argument(help="PACT v3 footprints (.json), e.g. "
                                                              "product_footprints.json of carbon")],
               out: Annotated[Path, typer.Argument(help="AAS file to write: .json or .aasx")],
               pact: Annotated[bool, typer.Option("--pact/--no-pact", help="embed each PACT document as an AAS "
                                                  "extension, so that import restores it whole")] = True) -> None:
    """Write footprints as IDTA 02023 CarbonFootprint submodels, one shell per product."""
    from industwin.application.outputs import Output, check_outputs
    from industwin.data.aas import FORMATS, write_aas
    from industwin.data.pact import read_footprints
    check_outputs([Output(out, "file", "OUT", formats=FORMATS)], inputs=[footprints])
    pfs = read_footprints(footprints)
    write_aas(out, pfs, embed_pact=pact)
    console.print(f"{len(pfs)} footprint(s) written to {out} as IDTA 02023 CarbonFootprint submodels "
                  f"({len({tuple(p.productIds) for p in pfs})} shell(s))")


@aas_app.command("import")
def aas_import(file: Annotated[Path, typer.Argument(help="AAS file (.json or .aasx) with CarbonFootprint "
                                                         "submodels")],
               out: Annotated[Path | None, typer.Option("--out", "-o", help="write the footprints as JSON: "
                                                        "{\"data\": [PACT documents], \"records\": [...]}")] = None
               ) -> None:
    """Show the product carbon footprints of an AAS file (and write them with --out)."""
    from industwin.application.outputs import Output, check_outputs
    from industwin.data.aas import read_aas
    from industwin.data.storage import write_atomic
    if out is not None:
        check_outputs([Output(out, "file", "--out", formats=(".json",))], inputs=[file])
    records = read_aas(file)
    t = Table("product", "kg CO2e", "unit", "phase", "method", title=f"Carbon footprints in {file.name}")
    for r in records:
        kg = "—" if r["kg_co2e"] is None else f"{r['kg_co2e']:g}"
        amount = "" if r["amount"] is None else f"{r['amount']:g} "
        unit = "—" if r["unit"] is None else f"{amount}{r['unit']}"
        t.add_row(r["product_name"] or ", ".join(r["product_ids"]) or r["submodel_id"], kg, unit,
                  ", ".join(r["life_cycle_phases"]) or "—", ", ".join(r["methods"]) or "—")
    console.print(t)
    for r in records:
        for note in r["notes"]:
            console.print(f"[yellow]note:[/] {r['submodel_id']}: {note}")
    n_pact = sum(r["pact"] is not None for r in records)
    console.print(f"{len(records)} footprint(s); {n_pact} with the PACT document")
    if out is not None:
        doc = {"data": [r["pact"] for r in records if r["pact"] is not None],
               "records": [{k: v for k, v in r.items() if k != "pact"} for r in records]}
        text = json.dumps(doc, indent=2, ensure_ascii=False)
        write_atomic(out, lambda p: Path(p).write_text(text, encoding="utf-8"))
        console.print(f"written to {out}")
