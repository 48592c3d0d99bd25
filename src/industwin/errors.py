"""The error policy of industwin: one small hierarchy, the same exception for the same fault everywhere.

* :class:`DataError` — a file or dataset cannot be found, read or understood (not found, a folder, empty,
  header only, not UTF-8, corrupt, a column missing, a cell that is not a number …).
* :class:`ValidationError` (a :class:`DataError`) — a table, scenario file or request failed validation;
  ``issues`` lists the problems (file, field path, what is wrong, the fix), the first
  :data:`MAX_ISSUES` of them in the message with the count of the rest.
* :class:`SelectionError` — a choice that cannot be honoured: a region, sector, firm or year the data do not
  have, an option outside its range or ignored in the chosen mode, a size beyond the machine's limits, a path
  that cannot be written.

Every message names the file or field, says what is wrong and how to fix it, in plain words: numbers are
formatted (:func:`plain`), never numpy reprs. The command line turns these errors into one short message and
exit code 2; anything else is a bug.
"""

from __future__ import annotations

__all__ = ["IndustwinError", "DataError", "ValidationError", "ValidationIssue", "SelectionError", "MAX_ISSUES",
           "plain", "plain_list", "user_message"]

import errno
from dataclasses import dataclass
from typing import Any, Iterable

MAX_ISSUES = 20   # problems shown in one message; the rest are counted


class IndustwinError(Exception):
    """Base class of every error industwin raises on purpose."""


class DataError(IndustwinError):
    """A data file or dataset cannot be found, read or understood."""


@dataclass(frozen=True)
class ValidationIssue:
    """One problem found in a table, file or request: where, what, and how to fix it."""

    source: str
    field: str
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{self.source}: field '{self.field}': {self.problem}. Fix: {self.fix}"


class ValidationError(DataError):
    """A table, file or request failed validation; ``issues`` lists every problem found, one per entry
    (the message shows the first :data:`MAX_ISSUES` and counts the others)."""

    def __init__(self, issues: Iterable[ValidationIssue]):
        self.issues = list(issues)
        shown = self.issues[:MAX_ISSUES]
        lines = "\n".join(f"  - {i}" for i in shown)
        more = len(self.issues) - len(shown)
        tail = f"\n  … and {more} more problem(s) of the same kind" if more else ""
        super().__init__(f"{len(self.issues)} problem(s) found:\n{lines}{tail}")


class SelectionError(IndustwinError, KeyError, ValueError):
    """A request names something the data do not have (a region, a sector, a firm, a year), a parameter
    outside its range or a place that cannot be written; the message lists the valid choices. (It is also a
    ``KeyError`` and a ``ValueError``, what such faults raised before.)"""

    def __str__(self) -> str:  # KeyError would print the message with quotes
        return str(self.args[0]) if self.args else ""


def plain(v: Any) -> str:
    """A value as a person writes it: ``1.5`` not ``np.float64(1.5)``, ``'DEU'`` for text."""
    try:
        import numpy as np
        if isinstance(v, np.generic):
            v = v.item()
    except ImportError:  # pragma: no cover
        pass
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, tuple):
        return "(" + ", ".join(plain(x) for x in v) + ")"
    if isinstance(v, str):
        return repr(v)
    return str(v)


def plain_list(values: Iterable[Any], limit: int = 5) -> str:
    """The first ``limit`` values in plain words, with the count of the rest."""
    vals = list(values)
    head = ", ".join(plain(v) for v in vals[:limit])
    return head + (f" … ({len(vals)} in all)" if len(vals) > limit else "")


# the system errors a user can cause or fix: a full disk or quota, a permission, a read-only disk, and an
# output folder that changed under a run; any other OSError is a bug and reported as one
USER_OS_ERRORS = frozenset(e for e in (errno.ENOSPC, getattr(errno, "EDQUOT", None), errno.EACCES, errno.EPERM,
                                       errno.EROFS, errno.EEXIST, errno.ENAMETOOLONG) if e is not None)


def user_message(e: BaseException, debug_hint: str = "run again with --debug for the traceback") -> tuple[int, str]:
    """The exit code and the one message a user sees for an error that left a job (a command, a web job): 2
    for what the user can fix, 1 for a bug (``debug_hint`` says where its traceback is)."""
    if isinstance(e, IndustwinError):
        return 2, str(e)
    if isinstance(e, MemoryError):
        return 2, ("out of memory. Fix: ask for less (a shorter horizon, fewer draws or tiers, a sample of firms), "
                   "set INDUSTWIN_MEMORY lower so industwin refuses such sizes up front, or run on a Dask cluster")
    if isinstance(e, OSError) and e.errno in USER_OS_ERRORS:
        where = e.filename or "a file"
        if e.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
            return 2, f"{where}: no space left on the disk; nothing was replaced. Fix: free space and run again"
        if e.errno == errno.EEXIST:
            return 2, f"{e.strerror}. Fix: choose a new or empty folder"
        if e.errno == errno.ENAMETOOLONG:
            return 2, f"{str(where)[:80]}…: the name is too long for the file system. Fix: choose a shorter name"
        return 2, f"{where}: permission denied. Fix: choose a place you can read or write"
    text = " ".join(str(e).split())[:200]
    return 1, (f"internal error ({type(e).__name__}: {text}). This is a bug in industwin, not in your input: "
               f"{debug_hint} and report it")
