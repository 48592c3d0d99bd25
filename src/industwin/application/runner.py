"""The one command runner: typed request → output paths checked → job with progress → atomic writes → result.

Every interface calls :func:`run`: the command line today, the web application and the collaboration API
tomorrow. A request is a :class:`Request` (a strict schema: bad values are refused before anything runs, and
:meth:`Request.check` refuses options that contradict each other); its outputs are checked before any computation; its job computes everything it will write before the first byte
is written; each file is written to a temporary name and renamed into place, each results folder built beside
the old one and swapped in whole.
"""

from __future__ import annotations

from pathlib import Path

from industwin.application.outputs import Output, check_outputs, staged_file, staged_folder
from industwin.application.progress import Progress
from industwin.application.result import Result
from industwin.data.schema import Schema

__all__ = ["Request", "run"]


class Request(Schema):
    """A typed request for one job. Subclasses declare their fields, their :meth:`outputs` and
    :meth:`compute` (which must not write: it returns writers in ``Result.writes``)."""

    def check(self) -> None:
        """Rules between fields (an option that needs another, or has no effect in a mode): raise
        :class:`~industwin.errors.SelectionError` naming the options and the fix."""

    def outputs(self) -> list[Output]:
        return []

    def compute(self, progress: Progress) -> Result:  # pragma: no cover - every request overrides it
        raise NotImplementedError


def run(request: Request, progress: Progress | None = None) -> Result:
    """Run a request: check its outputs, compute with progress, write every output atomically."""
    progress = progress or Progress()
    request.check()
    outputs = request.outputs()
    check_outputs(outputs)
    result = request.compute(progress)
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


def _write_file(o: Output, writer) -> None:
    """A file and its companions (e.g. a report's PDF): all staged, then renamed in turn."""
    if not o.companions:
        with staged_file(o.path) as tmp:
            writer(tmp)
        return
    import contextlib
    with contextlib.ExitStack() as stack:
        tmps = [stack.enter_context(staged_file(q)) for q in o.paths]
        writer(tmps[0], *tmps[1:])
