"""``industwin serve``: the web application on this machine (or, with ``--host``, on a network)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from industwin.cli import app
from industwin.cli.common import console
from industwin.errors import SelectionError


@app.command()
def serve(host: Annotated[str, typer.Option(help="address to listen on (127.0.0.1: this machine only)")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="port", min=1, max=65535)] = 8000,
          home: Annotated[Path, typer.Option(help="folder for the database, uploaded files and job results")] =
          Path("industwin-web"),
          db: Annotated[str | None, typer.Option(help="SQLAlchemy URL of the database (default: SQLite in --home; "
                                                      "e.g. postgresql+psycopg://user@host/industwin)")] = None,
          workers: Annotated[int, typer.Option(help="jobs run at once (each in its own process)", min=1, max=64)] = 2,
          max_queue: Annotated[int, typer.Option(help="jobs that may wait before new ones are refused", min=1)] = 1000,
          tls_cert: Annotated[Path | None, typer.Option(help="TLS certificate (PEM): serve HTTPS, which PACT "
                                                              "requires")] = None,
          tls_key: Annotated[Path | None, typer.Option(help="TLS private key (PEM) of --tls-cert")] = None,
          forwarded_allow_ips: Annotated[str | None, typer.Option(
              help="addresses of a TLS-terminating proxy whose X-Forwarded-Proto is trusted")] = None,
          pact_http: Annotated[bool, typer.Option(help="also answer PACT over plain HTTP (development only)")] =
          False,
          ) -> None:
    """The web application: every lens in the browser, jobs with progress, results kept and shareable."""
    import uvicorn

    from industwin.web.app import Settings, create_app
    if home.exists() and not home.is_dir():
        raise SelectionError(f"--home {home}: is a file. Fix: give a folder for the server's data")
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise SelectionError(f"--home {home}: cannot be created ({e.strerror}). Fix: choose a folder you can "
                             "write to") from None
    if db is not None and "://" not in db:
        raise SelectionError(f"--db {db!r}: not a database URL. Fix: e.g. sqlite:///industwin.db or "
                             "postgresql+psycopg://user@host/industwin")
    if (tls_cert is None) != (tls_key is None):
        raise SelectionError("--tls-cert and --tls-key go together. Fix: give both (or neither)")
    for name, f in (("--tls-cert", tls_cert), ("--tls-key", tls_key)):
        if f is not None and not f.is_file():
            raise SelectionError(f"{name} {f}: no such file. Fix: give the PEM file's path")
    application = create_app(Settings(home=home, db=db, workers=workers, max_queue=max_queue, pact_http=pact_http))
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    scheme = "https" if tls_cert else "http"
    console.print(f"industwin is serving on [bold]{scheme}://{shown}:{port}/[/] (data in {home.resolve()}; "
                  f"{workers} job(s) at a time). Stop with Ctrl+C.")
    tls = {"ssl_certfile": str(tls_cert), "ssl_keyfile": str(tls_key)} if tls_cert else {}
    proxy = {"proxy_headers": True, "forwarded_allow_ips": forwarded_allow_ips} if forwarded_allow_ips else {}
    try:
        uvicorn.run(application, host=host, port=port, log_level="warning", timeout_graceful_shutdown=3, **tls,
                    **proxy)
    except OSError as e:          # an unreadable or mismatched certificate / key
        raise SelectionError(f"--tls-cert/--tls-key: cannot start TLS ({e}). Fix: give a PEM certificate and its "
                             "key") from None
