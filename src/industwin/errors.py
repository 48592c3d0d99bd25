"""The error hierarchy of industwin.

Every error raised at a boundary (a loader, a scenario file, the CLI) is an
:class:`IndustwinError` whose message names the file or field, what is wrong
and how to fix it.
"""

from __future__ import annotations

__all__ = ["IndustwinError", "DataError", "ValidationError", "ValidationIssue", "SelectionError"]

from dataclasses import dataclass


class IndustwinError(Exception):
    """Base class of every error industwin raises on purpose."""


class DataError(IndustwinError):
    """A data file or dataset cannot be found, read or understood."""


@dataclass(frozen=True)
class ValidationIssue:
    """One problem found in a table: where, what, and how to fix it."""

    source: str
    field: str
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{self.source}: field '{self.field}': {self.problem}. Fix: {self.fix}"


class ValidationError(DataError):
    """A table failed validation; ``issues`` lists every problem found, one per entry."""

    def __init__(self, issues: list[ValidationIssue]):
        self.issues = list(issues)
        lines = "\n".join(f"  - {i}" for i in self.issues)
        super().__init__(f"{len(self.issues)} problem(s) found:\n{lines}")


class SelectionError(IndustwinError, KeyError):
    """A request names something the table does not have (a region, a sector, a year) or a
    parameter outside its range; the message lists the valid choices."""

    def __str__(self) -> str:  # KeyError would print the message with quotes
        return str(self.args[0]) if self.args else ""
