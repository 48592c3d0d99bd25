"""A job in its own process: build the lens's request, run it through the application runner with progress sent
to the server, and store the result's blocks as files the pages read.

Processes start from a fork server that has imported industwin, numpy and pandas once (a job starts in
milliseconds), and end with their job, so a job's memory goes back to the system and a cancelled job is simply
stopped. Messages to the server: ``("progress", step, done, total)``, ``("done", result)``,
``("failed", message, code)``.
"""

from __future__ import annotations

import os
import re
import threading
import time
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from industwin.application import Progress, Shown, Task, run
from industwin.application.catalog import build_request, lens
from industwin.application.outputs import write_table
from industwin.errors import user_message

__all__ = ["PipeProgress", "run_job", "serialise"]

MIN_INTERVAL = 0.2          # seconds between two progress messages of one task (the last one always goes)


class _PipeTask(Task):
    def __init__(self, send, description: str, total: int | None):
        self.send, self.description, self.total, self.done, self.last = send, description, total, 0.0, 0.0

    def update(self, completed: int | None = None, advance: int = 0, description: str | None = None) -> None:
        if completed is not None:
            self.done = float(completed)
        self.done += advance
        if description is not None:
            self.description = description
        t = time.monotonic()
        if t - self.last >= MIN_INTERVAL or (self.total is not None and self.done >= self.total):
            self.last = t
            self.send(("progress", self.description, self.done, self.total))


class PipeProgress(Progress):
    """Progress sent to the server as messages (throttled to five a second per task)."""

    def __init__(self, send):
        self.send = send

    @contextmanager
    def task(self, description: str, total: int | None = None):
        self.send(("progress", description, 0.0, total))
        yield _PipeTask(self.send, description, total)


def serialise(res, folder: Path) -> dict[str, Any]:
    """A result as JSON for the database: sentences as text, each shown table as ``tables/N.parquet`` (its full
    content, with its labels), notes, and the files written (relative to the job's folder)."""
    tables = folder / "tables"
    tables.mkdir(exist_ok=True)
    blocks: list[dict[str, Any]] = []
    for b in res.blocks:
        if isinstance(b, Shown):
            k = sum(1 for x in blocks if "table" in x)
            write_table(b.table, tables / f"{k}.parquet")
            blocks.append({"table": k, "title": b.title, "rows": b.rows, "fmt": b.fmt})
        else:
            blocks.append({"text": _local(str(b), folder)})
    files = []
    for p in dict.fromkeys(res.written):
        p = Path(p)
        if p.is_dir():
            files += [str(q.relative_to(folder)) for q in sorted(p.rglob("*")) if q.is_file()
                      and not q.name.startswith(".")]
        elif p.exists():
            files.append(str(p.relative_to(folder)))
    return {"title": res.title, "blocks": blocks, "notes": [_local(n, folder) for n in res.notes], "files": files}


def web_words(text: str, lens_name: str, values: dict[str, Any], folder: Path) -> str:
    """A message in the words of the web form: the command line's option names (``--max-days``, ``FOCAL``)
    become the form's field names, and the server's folders are left out of file names."""
    text = _local(text, folder)
    for v in values.values():
        if isinstance(v, str) and "/files/" in v:
            text = text.replace(f"{Path(v).parent}/", "")
    try:
        fields = list(lens(lens_name).request.model_fields)
    except Exception:  # noqa: BLE001 - an unknown lens has no fields to rename
        fields = []
    for f in sorted(fields, key=len, reverse=True):
        label = f"'{f.replace('_', ' ')}'"
        text = re.sub(rf"(?<![\w-])--{re.escape(f.replace('_', '-'))}(?![\w-])", label, text)
        text = re.sub(rf"(?<![\w-]){re.escape(f.upper())}(?![\w-])", label, text)
    return text


def _local(text: str, folder: Path) -> str:
    """A sentence without the server's folders (``…/jobs/<id>/results/`` → ``results/``)."""
    return text.replace(f"{folder.resolve()}/", "").replace(f"{folder}/", "")


def _watch(server_pid: int) -> None:
    """End this job when the server that started it is gone (killed, crashed): its next server runs the job
    again, and two runs must never share the job's folder."""
    while True:
        time.sleep(1.0)
        try:
            os.kill(server_pid, 0)
        except ProcessLookupError:
            os._exit(3)
        except PermissionError:
            pass


def run_job(lens_name: str, values: dict[str, Any], folder: str, conn, server_pid: int | None = None) -> None:
    """The body of a job's process (see the module's docstring)."""
    if server_pid is not None:
        threading.Thread(target=_watch, args=(server_pid,), daemon=True).start()
    folder_p = Path(folder)
    send = conn.send
    try:
        ln = lens(lens_name)
        req = build_request(ln, {k: (Path(v) if k in ln.uploads and v is not None else v)
                                 for k, v in values.items()}, folder_p)
        res = run(req, PipeProgress(send))
        send(("done", serialise(res, folder_p)))
    except BaseException as e:  # noqa: BLE001 - every failure becomes the job's message
        code, msg = user_message(e, "the traceback is in error.log in the job's folder on the server")
        msg = web_words(msg, lens_name, values, folder_p)
        if code == 1:
            (folder_p / "error.log").write_text(traceback.format_exc(), encoding="utf-8")
        try:
            send(("failed", msg, code))
        except OSError:
            pass
    finally:
        conn.close()
