"""The terminal side of the command line: options shared by the commands, the rich progress, rendering of
results, and :func:`execute` — build the typed request, run it through the application runner, show it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichBar
from rich.table import Table

from industwin.application import Progress, Request, Result, Task, run
from industwin.application.catalog import parse_list, parse_years  # noqa: F401 - the commands' parsers
from industwin.errors import ValidationError, ValidationIssue

__all__ = ["console", "execute", "render", "Source", "Year", "Out", "Unit", "AllowNegative", "Region", "Top"]

console = Console(soft_wrap=True)   # messages are not broken at the terminal width (tables still fit it)

Source = Annotated[str, typer.Argument(help="dataset name (see `industwin datasets`) or path of a table")]
SourceOpt = Annotated[str, typer.Option("--source", help="dataset name or path of a table")]
Year = Annotated[int | None, typer.Option("--year", "-y", help="year of a named dataset (default: latest)")]
Out = Annotated[Path | None, typer.Option("--out", "-o", help="write the full result to .csv or .parquet")]
Unit = Annotated[str | None, typer.Option("--unit", help="monetary unit of a table folder without meta.yaml, "
                                                         "e.g. 'M EUR'")]
AllowNegative = Annotated[bool, typer.Option("--allow-negative", help="accept negative intermediate flows in a "
                                                                      "table folder (stated in the results)")]
Region = Annotated[str, typer.Argument(help="region code, e.g. DEU")]
Top = Annotated[int, typer.Option(help="rows to show")]


class _Task(Task):
    def __init__(self, bar: RichBar, task_id: Any):
        self.bar, self.id = bar, task_id

    def update(self, completed: int | None = None, advance: int = 0, description: str | None = None) -> None:
        kw: dict = {}
        if completed is not None:
            kw["completed"] = completed
        if advance:
            kw["advance"] = advance
        if description is not None:
            kw["description"] = description
        self.bar.update(self.id, **kw)


class TerminalProgress(Progress):
    """A spinner with elapsed time, and a bar with counts when the length is known."""

    @contextmanager
    def task(self, description: str, total: int | None = None) -> Iterator[Task]:
        cols = [SpinnerColumn(), TextColumn("{task.description}")]
        if total is not None:
            cols += [BarColumn(), MofNCompleteColumn()]
        with RichBar(*cols, TimeElapsedColumn(), console=console, transient=True) as bar:
            yield _Task(bar, bar.add_task(description, total=total))


def _markup(text: str) -> str:
    """``**stress**`` in a result's sentences → rich bold; everything else printed as it is."""
    return re.sub(r"\*\*(.+?)\*\*", r"[bold]\1[/]", escape(text))


def show_table(df: pd.DataFrame, title: str, top: int, fmt: str = "{:,.4g}") -> None:
    t = Table(title=title, show_lines=False)
    idx_names = [str(n or "") for n in (df.index.names if df.index.nlevels > 1 else [df.index.name])]
    for n in idx_names:
        t.add_column(escape(n), style="bold")
    for c in df.columns:
        t.add_column(escape(str(c)), justify="right")
    for ix, row in df.head(top).iterrows():
        ix = ix if isinstance(ix, tuple) else (ix,)
        t.add_row(*[escape(str(i)) for i in ix],
                  *[fmt.format(v) if isinstance(v, float | int) and not isinstance(v, bool) else escape(str(v))
                    for v in row])
    console.print(t)


def render(res: Result, rule: str | None = None) -> None:
    """Show a result in the terminal: notes first (they qualify what follows), then sentences and tables."""
    for n in res.notes:
        console.print(f"[yellow]note:[/] {escape(n)}")
    if rule or res.title:
        console.rule(f"[bold]{escape(rule or res.title)}")
    for b in res.blocks:
        if isinstance(b, str):
            if b.startswith("— ") and b.endswith(" —"):
                console.rule(f"[bold]{escape(b[2:-2])}")
            else:
                console.print(_markup(b))
        else:
            show_table(b.table, b.title, b.rows, b.fmt)
    for p in dict.fromkeys(res.written):
        if p.is_dir():
            names = sorted(f.name for f in p.iterdir() if not f.name.startswith("."))
            shown = ", ".join(names[:8]) + (f", … ({len(names)} files)" if len(names) > 8 else "")
            console.print(f"[green]wrote[/] {escape(str(p.resolve()))}/ ({escape(shown)})")
        else:
            console.print(f"[green]wrote[/] {escape(str(p.resolve()))}")


def _current_context():
    try:
        from typer._click.globals import get_current_context
    except ImportError:  # pragma: no cover - older typer uses click itself
        from click import get_current_context
    return get_current_context(silent=True)


def _option_names() -> dict[str, str]:
    """Request field → how the user typed it on this command line (``--max-tier``, ``FOCAL``)."""
    ctx = _current_context()
    names: dict[str, str] = {}
    if ctx is None:
        return names
    for p in ctx.command.params:
        if getattr(p, "param_type_name", "") == "argument":
            names[p.name] = p.name.upper()
        else:
            longs = [o for o in p.opts if o.startswith("--")]
            names[p.name] = (longs or p.opts)[0]
    return names


def build(cls: type[Request], **fields: Any) -> Request:
    """A typed request from the command line's values; problems name the options as typed."""
    try:
        return cls.of("command line", **fields)
    except ValidationError as e:
        names = _option_names()
        issues = []
        for i in e.issues:
            head = i.field.split(".")[0].split("[")[0]
            issues.append(ValidationIssue(i.source, i.field.replace(head, names.get(head, head), 1), i.problem, i.fix))
        raise ValidationError(issues) from None


def execute(cls: type[Request], rule: str | None = None, **fields: Any) -> Result:
    """Build the request, run it (checks, progress, atomic writes) and show the result."""
    req = build(cls, **fields)
    res = run(req, TerminalProgress())
    render(res, rule)
    return res
