"""The one command runner: typed request → output paths checked → job with progress → atomic writes → result.

Every interface calls :func:`run`: the command line today, the web application and the collaboration API
tomorrow. A request is a :class:`Request` (a strict schema: bad values are refused before anything runs, and
:meth:`Request.check` refuses options that contradict each other); its outputs are checked before any
computation; its job computes everything it will write before the first byte is written; each file is written
to a temporary name and renamed into place, each results folder built beside the old one and swapped in whole.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from industwin.application.outputs import Output, check_outputs
from industwin.application.progress import Progress
from industwin.application.result import Result
from industwin.data.registry import DATASETS
from industwin.data.schema import Schema
from industwin.data.storage import staged_files, staged_folder

__all__ = ["Request", "run", "OUTPUT_FIELDS"]

OUTPUT_FIELDS = frozenset({"out", "html"})     # the request fields that name where results go


class Request(Schema):
    """A typed request for one job. Subclasses declare their fields, their :meth:`outputs` and
    :meth:`compute` (which must not write: it returns writers in ``Result.writes``). Build one with
    :meth:`of`: bad values give the project's :class:`~industwin.errors.ValidationError` with field names."""

    @classmethod
    def of(cls, cite: str = "request", /, **fields):
        """The request from field values (a form, JSON, a command line), every problem listed by field and
        cited as coming from ``cite``."""
        from industwin.data.io import validate
        return validate(cls, fields, cite)

    def check(self) -> None:
        """Rules between fields (an option that needs another, or has no effect in a mode): raise
        :class:`~industwin.errors.SelectionError` naming the options and the fix."""

    def outputs(self) -> list[Output]:
        return []

    def inputs(self) -> list[Path]:
        """The files and folders the request reads (no output may replace one): its path fields that are not
        outputs, and a ``source`` given as a path."""
        found: list[Path] = []
        for name in type(self).model_fields:
            v = getattr(self, name)
            if isinstance(v, Path) and name not in OUTPUT_FIELDS:
                found.append(v)
            elif name == "source" and isinstance(v, str) and v.lower() not in DATASETS and os.path.exists(v):
                found.append(Path(v))
        return found

    def compute(self, progress: Progress) -> Result:  # pragma: no cover - every request overrides it
        raise NotImplementedError


def run(request: Request, progress: Progress | None = None) -> Result:
    """Run a request: check its outputs, compute with progress, write every output atomically."""
    progress = progress or Progress()
    request.check()
    outputs = request.outputs()
    check_outputs(outputs, request.inputs())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = request.compute(progress)
    result.notes.extend(_warnings_as_notes(caught))
    for o in outputs:
        writer = result.writes.get(o.option)
        if writer is None:
            continue
        if o.kind == "folder":
            with staged_folder(o.path, type(request).__name__) as tmp:
                writer(tmp)
        else:
            _write_file(o, writer)
        result.written.extend(q for q in o.paths if q.exists())
    return result


def _warnings_as_notes(caught) -> list[str]:
    """Warnings raised while computing, as notes a person reads (each once; library deprecations left out)."""
    notes: list[str] = []
    for w in caught:
        if issubclass(w.category, DeprecationWarning | PendingDeprecationWarning | FutureWarning | ResourceWarning):
            continue
        text = " ".join(str(w.message).split())
        if issubclass(w.category, RuntimeWarning) and "encountered" in text:
            text = f"a computation met an undefined value ({text}); results shown as nan are not defined"
        if text not in notes:
            notes.append(text)
    return notes


def _write_file(o: Output, writer) -> None:
    """A file and its companions (e.g. a report's PDF): all staged, then committed together."""
    with staged_files(o.paths) as tmps:
        writer(*tmps)
