"""Commands of the collaboration layer: ``industwin org …`` (organisations, people, credentials, connections on a
server's database) and ``industwin pact …`` (publish, fetch and export footprints; the conformance cases)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from industwin.cli import app
from industwin.cli.common import console
from industwin.errors import SelectionError

org_app = typer.Typer(no_args_is_help=True, help="Organisations, their people, credentials and PACT connections.")
pact_app = typer.Typer(no_args_is_help=True, help="Product footprints over PACT v3: publish, fetch, export, "
                                                  "conformance.")
app.add_typer(org_app, name="org")
app.add_typer(pact_app, name="pact")

Home = Annotated[Path, typer.Option(help="the server's folder (as for industwin serve)")]
Db = Annotated[str | None, typer.Option(help="the server's database URL (as for industwin serve)")]
Org = Annotated[str, typer.Argument(help="organisation name")]


def _directory(home: Path, db: str | None):
    from industwin.collab.directory import Directory
    from industwin.web.app import Settings
    from industwin.web.store import Store
    if db is None and not (home / "industwin.db").exists():
        home.mkdir(parents=True, exist_ok=True)
    return Directory(Store(Settings(home=home, db=db).url))


def _secret(env: str, what: str) -> str:
    v = os.environ.get(env)
    if v:
        return v
    return typer.prompt(what, hide_input=True, confirmation_prompt=what.startswith("new"))


@org_app.command("add")
def org_add(name: Org, company_id: Annotated[list[str] | None, typer.Option(help="a URN the company is known by "
                                                                                 "(repeatable)")] = None,
            home: Home = Path("industwin-web"), db: Db = None) -> None:
    """Add an organisation."""
    o = _directory(home, db).add_organisation(name, company_id)
    console.print(f"organisation [bold]{o.name}[/] added ({', '.join(o.company_ids)})")


@org_app.command("list")
def org_list(home: Home = Path("industwin-web"), db: Db = None) -> None:
    """Organisations with their people, clients and connections."""
    d = _directory(home, db)
    t = Table("organisation", "people", "clients issued", "connections", title="Organisations")
    for o in d.organisations():
        t.add_row(o.name, ", ".join(f"{p.email} ({p.role})" for p in d.people(o.id)) or "—",
                  ", ".join(f"{c.id} → {c.partner}" for c in d.clients(o.id) if not c.revoked) or "—",
                  ", ".join(f"{c.name} ({c.base_url})" for c in d.connections(o.id)) or "—")
    console.print(t)


@org_app.command("person")
def org_person(org: Org, email: Annotated[str, typer.Argument(help="e-mail address (the sign-in name)")],
               role: Annotated[str, typer.Option(help="government, company, facilitator or observer")],
               name: Annotated[str, typer.Option(help="full name")] = "",
               home: Home = Path("industwin-web"), db: Db = None) -> None:
    """Add a person who signs in for an organisation (password from INDUSTWIN_PASSWORD or asked for)."""
    d = _directory(home, db)
    p = d.add_person(d.organisation(org), email, name, role, _secret("INDUSTWIN_PASSWORD", "new password"))
    console.print(f"{p.email} ({p.role}) can sign in for {org}")


@org_app.command("client")
def org_client(org: Org, partner: Annotated[str, typer.Option(help="who the credentials are for")],
               home: Home = Path("industwin-web"), db: Db = None) -> None:
    """Issue PACT client credentials to a partner (the secret is shown once)."""
    d = _directory(home, db)
    c = d.issue_client(d.organisation(org), partner)
    console.print(f"client_id     [bold]{c.id}[/]\nclient_secret [bold]{c.secret}[/]\n(shown once: give both to "
                  f"{partner} over a safe channel)")


@org_app.command("connect")
def org_connect(a: Org, b: Org, url: Annotated[str, typer.Option(help="this server's https address")],
                ca: Annotated[Path | None, typer.Option(help="CA bundle for the server's certificate")] = None,
                home: Home = Path("industwin-web"), db: Db = None) -> None:
    """Connect two organisations of this server over PACT, both ways."""
    d = _directory(home, db)
    d.connect(d.organisation(a), d.organisation(b), url, str(ca.resolve()) if ca else "")
    console.print(f"{a} and {b} can exchange footprints over PACT at {url}")


@org_app.command("connection")
def org_connection(org: Org, name: Annotated[str, typer.Option(help="the partner's name")],
                   url: Annotated[str, typer.Option(help="the partner's PACT address (https://…)")],
                   client_id: Annotated[str, typer.Option(help="the client id the partner issued")],
                   ca: Annotated[Path | None, typer.Option(help="CA bundle for the partner's certificate")] = None,
                   home: Home = Path("industwin-web"), db: Db = None) -> None:
    """Add a connection to a partner's PACT host (its client secret from INDUSTWIN_CLIENT_SECRET or asked for)."""
    d = _directory(home, db)
    c = d.add_connection(d.organisation(org), name, url, client_id, _secret("INDUSTWIN_CLIENT_SECRET",
                                                                            "client secret"),
                         str(ca.resolve()) if ca else "")
    console.print(f"{org} → {c.name} at {c.base_url}")


@pact_app.command("publish")
def pact_publish(org: Org, footprints: Annotated[Path, typer.Argument(help="PACT v3 footprints (.json), e.g. "
                                                                          "product_footprints.json of carbon")],
                 home: Home = Path("industwin-web"), db: Db = None) -> None:
    """Publish an organisation's footprints on its PACT host."""
    from industwin.collab.footprints import FootprintStore
    from industwin.data.pact import read_footprints
    d = _directory(home, db)
    o = d.organisation(org)
    fs = FootprintStore(d.store)
    pfs = read_footprints(footprints)
    for pf in pfs:
        fs.publish(o.id, pf)
    d.audit(o.id, "command line", "publish", f"{len(pfs)} footprints")
    console.print(f"{len(pfs)} footprint(s) published by {o.name}: {', '.join(p.id for p in pfs[:5])}"
                  + (" …" if len(pfs) > 5 else ""))


@pact_app.command("fetch")
def pact_fetch(org: Org, partner: Annotated[str, typer.Argument(help="the connection's name")],
               product_id: Annotated[list[str] | None, typer.Option(help="only these products (repeatable)")] = None,
               home: Home = Path("industwin-web"), db: Db = None) -> None:
    """Fetch a partner's Active footprints over PACT and keep them as received."""
    from industwin.collab.footprints import FootprintStore
    from industwin.collab.pact_client import PactClient
    d = _directory(home, db)
    o = d.organisation(org)
    conn = next((c for c in d.connections(o.id) if c.name == partner), None)
    if conn is None:
        raise SelectionError(f"{org} has no connection named {partner!r}. Fix: one of "
                             f"{[c.name for c in d.connections(o.id)]}")
    fs = FootprintStore(d.store)
    with PactClient(conn.base_url, conn.client_id, conn.client_secret, conn.verify or True) as pc:
        n = 0
        for pf in pc.footprints(productId=product_id or None, status="Active"):
            fs.receive(o.id, pf, conn.id)
            n += 1
    d.audit(o.id, "command line", "pact fetch", f"{n} from {partner}")
    console.print(f"{n} footprint(s) received from {partner}")


@pact_app.command("export")
def pact_export(org: Org, out: Annotated[Path, typer.Option("--out", "-o", help="JSON file to write")],
                received: Annotated[bool, typer.Option("--received/--published", help="footprints received (for "
                                                       "carbon --footprints) or published")] = True,
                home: Home = Path("industwin-web"), db: Db = None) -> None:
    """Write an organisation's received (or published) footprints as PACT JSON."""
    from industwin.collab.footprints import FootprintStore
    from industwin.data.storage import write_atomic
    d = _directory(home, db)
    o = d.organisation(org)
    docs, n = FootprintStore(d.store).list(o.id, origin="received" if received else "own")
    text = json.dumps({"data": docs}, indent=2)
    write_atomic(out, lambda p: Path(p).write_text(text, encoding="utf-8"))
    console.print(f"{n} footprint(s) written to {out}")


@pact_app.command("conformance")
def pact_conformance(url: Annotated[str, typer.Argument(help="the host's PACT address (https://…)")],
                     client_id: Annotated[str, typer.Option(help="client id the host issued")],
                     ca: Annotated[Path | None, typer.Option(help="CA bundle for the host's certificate")] = None,
                     schema: Annotated[Path | None, typer.Option(help="the official PACT v3 OpenAPI document "
                                                                      "(openapi_v3_0.yaml) to validate against")]
                     = None) -> None:
    """Run the PACT v3 conformance cases against a host (client secret from INDUSTWIN_CLIENT_SECRET or asked
    for). Cases 13 and 14.B need a listener and are reported as not run."""
    from industwin.collab.conformance import run_conformance
    import httpx
    if schema is not None and not schema.is_file():
        raise SelectionError(f"--schema {schema}: no such file. Fix: give the path of openapi_v3_0.yaml")
    try:
        cases = run_conformance(url, client_id, _secret("INDUSTWIN_CLIENT_SECRET", "client secret"),
                                str(ca) if ca else True, schema)
    except httpx.HTTPError as e:
        raise SelectionError(f"{url}: cannot reach the host ({type(e).__name__}: {e}). Fix: check the address, "
                             "that it serves HTTPS, and --ca for a private certificate") from None
    t = Table("case", "name", "mandatory", "result", "detail", title=f"PACT v3 conformance of {url}")
    for c in cases:
        t.add_row(c.number, c.name, "yes" if c.mandatory else "no", "[green]pass[/]" if c.passed else "[red]fail[/]",
                  c.detail[:80])
    console.print(t)
    failed = [c.number for c in cases if c.mandatory and not c.passed]
    console.print(f"{len(cases) - len(failed)} of {len(cases)} passed" + (f"; failed: {', '.join(failed)}"
                                                                          if failed else ""))
    if failed:
        raise typer.Exit(1)
