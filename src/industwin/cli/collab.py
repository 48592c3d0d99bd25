"""Commands of the collaboration layer: ``industwin org …`` (organisations, people, credentials, connections on a
server's database), ``industwin programme …`` (data spaces) and ``industwin pact …`` (publish, fetch and export
footprints; the conformance cases)."""

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
prog_app = typer.Typer(no_args_is_help=True, help="Data spaces: programmes, members, confidential submissions and "
                                                  "their protected aggregates.")
app.add_typer(org_app, name="org")
app.add_typer(prog_app, name="programme")
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
               scope: Annotated[str, typer.Option(help="pact: a partner reads the organisation's footprints; api: "
                                                       "the organisation's own system uses the data-space API")]
               = "pact",
               home: Home = Path("industwin-web"), db: Db = None) -> None:
    """Issue client credentials: to a partner over PACT, or to the organisation's own system (the secret is
    shown once)."""
    d = _directory(home, db)
    c = d.issue_client(d.organisation(org), partner, scope=scope)
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
    import httpx

    from industwin.collab.conformance import run_conformance
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


def _space(home: Path, db: str | None):
    from industwin.collab.dataspace import DataSpace
    d = _directory(home, db)
    return DataSpace(d.store, d), d


@prog_app.command("add")
def prog_add(name: Annotated[str, typer.Argument(help="programme name")],
             owner: Annotated[str, typer.Option(help="the organisation that runs it (its facilitator)")],
             purpose: Annotated[str, typer.Option(help="what the data serve; every submission's policy must name it")],
             region: Annotated[str, typer.Option(help="the economy it studies (ISO alpha-3, e.g. DEU)")],
             until: Annotated[str, typer.Option(help="last day its data may be used (YYYY-MM-DD)")],
             sector: Annotated[list[str] | None, typer.Option(help="a buyers' sector it covers (repeatable)")] = None,
             min_contributors: int = 3, n: int = 2, k: float = 85.0, p: float = 10.0,
             home: Home = Path("industwin-web"), db: Db = None) -> None:
    """Open a programme's data space (disclosure rules: fewer than --min-contributors, the (n, k %) dominance
    rule, the p % rule)."""
    from datetime import date

    from industwin.analysis.disclosure import Rules
    try:
        end = date.fromisoformat(until)
    except ValueError:
        raise SelectionError(f"--until {until!r}: not a date. Fix: YYYY-MM-DD") from None
    ds, d = _space(home, db)
    prog = ds.add_programme(d.organisation(owner), name, purpose, region, end, sector or [],
                            Rules(min_contributors, n, k, p))
    console.print(f"programme [bold]{prog.name}[/] ({prog.id}) opened by {owner} until {prog.until}")


@prog_app.command("member")
def prog_member(programme: Annotated[str, typer.Argument(help="programme name or id")], org: Org,
                role: Annotated[str, typer.Option(help="facilitator, government, contributor or observer")]
                = "contributor", home: Home = Path("industwin-web"), db: Db = None) -> None:
    """Add an organisation to a programme."""
    ds, d = _space(home, db)
    ds.add_member(ds.programme(programme), d.organisation(org), role)
    console.print(f"{org} is a {role} of {programme}")


@prog_app.command("list")
def prog_list(home: Home = Path("industwin-web"), db: Db = None) -> None:
    """Programmes with their members and live submissions (no submitted figures)."""
    from sqlalchemy import select

    from industwin.collab.models import Programme
    ds, _ = _space(home, db)
    with ds.store.session() as s:
        progs = list(s.scalars(select(Programme).order_by(Programme.name)))
    t = Table("programme", "region", "until", "members", "live submissions", title="Programmes")
    for prog in progs:
        t.add_row(prog.name, prog.region, str(prog.until),
                  ", ".join(f"{o.name} ({r})" for o, r in ds.members(prog.id)),
                  ", ".join(f"{k}: {v}" for k, v in ds.counts(prog.id).items()) or "—")
    console.print(t)


@prog_app.command("submit")
def prog_submit(programme: Annotated[str, typer.Argument(help="programme name or id")], org: Org,
                file: Annotated[Path, typer.Argument(help="a JSON submission: {kind, policy: {purpose, until}, "
                                                          "rows: [...]}")],
                key: Annotated[str, typer.Option(help="idempotency key (default: the file's SHA-256)")] = "",
                home: Home = Path("industwin-web"), db: Db = None) -> None:
    """Submit an organisation's confidential rows (stored once per key)."""
    import hashlib
    if not file.is_file():
        raise SelectionError(f"{file}: no such file. Fix: give the submission's JSON file")
    raw = file.read_bytes()
    ds, d = _space(home, db)
    o = d.organisation(org)
    prog = ds.programme(programme)
    sub, new = ds.submit(prog.id, o.id, f"command line ({o.name})", raw, key or hashlib.sha256(raw).hexdigest(),
                         str(file))
    console.print(f"{'stored' if new else 'already stored'}: {sub.kind}, {sub.n_rows} rows, usable until "
                  f"{sub.until} ({sub.id})")


@prog_app.command("aggregate")
def prog_aggregate(programme: Annotated[str, typer.Argument(help="programme name or id")],
                   kind: Annotated[str, typer.Argument(help="emissions, sourcing, readiness or consultation")],
                   org: Annotated[str, typer.Option("--as", help="the member organisation reading it")],
                   out: Annotated[Path | None, typer.Option(help="write the published table (CSV)")] = None,
                   home: Home = Path("industwin-web"), db: Db = None) -> None:
    """The protected table of a kind: suppressed cells shown as such."""
    from industwin.data.storage import write_atomic
    ds, d = _space(home, db)
    o = d.organisation(org)
    agg = ds.aggregate(ds.programme(programme).id, kind, o.id, f"command line ({o.name})")
    t = Table("", *map(str, agg.values.columns), title=f"{agg.programme}: {kind} ({agg.unit}, {agg.statistic}; "
              f"{agg.organisations} organisations)")
    for r in agg.values.index:
        t.add_row(str(r), *[("[dim]suppressed[/]" if agg.status.loc[r, c] != "published"
                             else f"{agg.values.loc[r, c]:,.6g}") for c in agg.values.columns])
    console.print(t)
    if out is not None:
        write_atomic(out, agg.values.to_csv)
        console.print(f"written {out} (suppressed cells empty)")
