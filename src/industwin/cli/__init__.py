"""The ``industwin`` command line (typer + rich): a thin interface over the application layer.

Each command parses its options into a typed request (:mod:`industwin.application`), which the one runner
checks, computes with progress and writes atomically; the command only shows the result. The error policy
lives here, once: an :class:`~industwin.errors.IndustwinError` (a bad file, a bad choice, a failed check)
leaves as one short message and exit code 2, and so do a full disk and an exhausted memory; anything else is
a bug, reported in one line with exit code 1. ``--debug`` (or ``INDUSTWIN_DEBUG=1``) shows the traceback.
"""

from __future__ import annotations

import os

import typer
from rich.markup import escape
from typer.core import TyperGroup

from industwin.cli.common import console

try:                       # typer ≥ 0.25 carries its own copy of click
    from typer import _click as click
except ImportError:        # pragma: no cover - older typer uses click itself
    import click
from industwin.errors import user_message

__all__ = ["app"]


def _pass_through() -> tuple[type[BaseException], ...]:
    """The exceptions click and typer use to exit or report a usage error: they pass through unchanged."""
    kinds: list[type[BaseException]] = [typer.Exit, typer.Abort]
    kinds += [getattr(click.exceptions, n) for n in ("Exit", "ClickException", "Abort")
              if hasattr(click.exceptions, n)]
    try:
        import click as real_click
        kinds += [real_click.exceptions.Exit, real_click.ClickException, real_click.exceptions.Abort]
    except ImportError:  # pragma: no cover
        pass
    return tuple(kinds)


_PASS_THROUGH = _pass_through()


class _Commands(TyperGroup):
    """The root group: runs a command and applies the error policy to whatever leaves it."""

    def invoke(self, ctx):
        debug = bool(ctx.params.get("debug")) or os.environ.get("INDUSTWIN_DEBUG", "") not in ("", "0")
        try:
            return super().invoke(ctx)
        except _PASS_THROUGH:
            raise
        except Exception as e:  # noqa: BLE001 - the one place where errors become messages
            if debug:
                raise
            code, msg = user_message(e, "run again with --debug for the traceback")
            console.print(f"[red]error:[/] {escape(msg)}", soft_wrap=True)
            raise typer.Exit(code) from None


app = typer.Typer(cls=_Commands, add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="industwin: a digital twin of an economy's production network (MRIO).")


@app.callback()
def _root(debug: bool = typer.Option(False, "--debug", help="show the full traceback of an error")) -> None:
    """industwin: a digital twin of an economy's production network (MRIO)."""


from industwin.cli import tables, value_chains, disruption, sustainability, strategy, firms, supplier_base  # noqa: E402,F401
from industwin.cli import aas, carbon_border, collab, scaleup, serve  # noqa: E402,F401

