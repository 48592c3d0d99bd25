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
    application = create_app(Settings(home=home, db=db, workers=workers, max_queue=max_queue))
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    console.print(f"industwin is serving on [bold]http://{shown}:{port}/[/] (data in {home.resolve()}; "
                  f"{workers} job(s) at a time). Stop with Ctrl+C.")
    uvicorn.run(application, host=host, port=port, log_level="warning", timeout_graceful_shutdown=3)
