"""How a job reports long work, whoever shows it: a terminal bar (the CLI), server-sent events (the web
application) or nothing (library use). A job opens a :meth:`Progress.task` and ticks it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

__all__ = ["Progress", "Task"]


class Task:
    """One piece of long work: ``update(completed=…, advance=…, description=…)``."""

    def update(self, completed: int | None = None, advance: int = 0, description: str | None = None) -> None:
        """Report progress (the base task ignores it)."""


class Progress:
    """Reports long work; this base class shows nothing. Interfaces subclass it."""

    @contextlib.contextmanager
    def task(self, description: str, total: int | None = None) -> Iterator[Task]:
        """A piece of work of ``total`` steps (None: unknown length, e.g. loading a table)."""
        yield Task()
