"""What a job hands back: labelled results for people and programs, free of terminal concerns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["Result", "Shown"]


@dataclass
class Shown:
    """A table to show: its title, the labelled frame (units in the title or columns), how many rows to show
    and the number format."""

    title: str
    table: pd.DataFrame
    rows: int = 15
    fmt: str = "{:,.4g}"


@dataclass
class Result:
    """A job's outcome.

    ``blocks`` are, in order, sentences for people (``**text**`` marks what to stress) and labelled tables to
    show (:class:`Shown`); ``notes`` caveats the user must see (assumptions, options without effect, data
    gaps); ``data`` the analysis objects for programs; ``writes`` the writers of each output (keyed by the
    output's option; the runner calls them on staged paths and commits atomically); ``written`` what was
    written."""

    title: str = ""
    blocks: list[str | Shown] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    writes: dict[str, Callable[..., None]] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return [b for b in self.blocks if isinstance(b, str)]

    @property
    def tables(self) -> list[Shown]:
        return [b for b in self.blocks if isinstance(b, Shown)]

    def line(self, text: str) -> None:
        self.blocks.append(text)

    def section(self, title: str) -> None:
        """A heading between blocks (written ``— title —``)."""
        self.blocks.append(f"— {title} —")

    def show(self, title: str, table: pd.DataFrame | pd.Series, rows: int = 15, fmt: str = "{:,.4g}") -> None:
        self.blocks.append(Shown(title, table.to_frame() if isinstance(table, pd.Series) else table, rows, fmt))
