"""Where a job writes: output paths checked before any computation.

An :class:`Output` is one place a job writes — a file in one of some formats (with companions, such as a
report's PDF beside its HTML), or a results folder. The runner checks every output before computing
(:func:`check_outputs`): a missing or read-only folder, a folder where a file is meant (or the reverse), an
unknown format, a folder holding files industwin did not write there, the working folder, an output that would
replace an input — each a short error naming the option and the fix, before minutes of work. The writes
themselves are atomic (:mod:`industwin.data.storage`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from industwin.data.storage import MARKER, foreign_files
from industwin.errors import SelectionError

__all__ = ["Output", "TABLE_FORMATS", "check_outputs", "write_table"]

TABLE_FORMATS = (".csv", ".parquet")
FILE_SUFFIXES = (".csv", ".parquet", ".html", ".htm", ".pdf", ".xlsx", ".json", ".yaml", ".yml", ".txt", ".tsv")


@dataclass(frozen=True)
class Output:
    """One place a job writes: ``kind`` ``"file"`` (in one of ``formats``; ``companions`` are suffixes of files
    written beside it, e.g. the PDF of a report) or ``"folder"``; ``option`` names it in messages."""

    path: Path
    kind: str = "file"
    option: str = "--out"
    formats: tuple[str, ...] = ()
    companions: tuple[str, ...] = ()

    @property
    def paths(self) -> list[Path]:
        return [self.path, *(self.path.with_suffix(s) for s in self.companions)]

    def check(self) -> None:
        """Refuse a path that cannot be written, with the reason and the fix (nothing is created)."""
        p, opt = self.path, self.option
        if self.kind == "file":
            if p.is_dir():
                raise SelectionError(f"{opt} {p}: is a folder, not a file. Fix: give a file name, e.g. "
                                     f"{p / ('result' + (self.formats[0] if self.formats else ''))}")
            if self.formats and p.suffix.lower() not in self.formats:
                raise SelectionError(f"{opt} {p}: unknown format {p.suffix or '(no extension)'!r}. Fix: end the file "
                                     f"name with {' or '.join(self.formats)}")
            for q in self.paths[1:]:
                if q.is_dir():
                    raise SelectionError(f"{opt} {p}: the {q.suffix[1:].upper()} written beside it would be {q}, "
                                         "which is a folder. Fix: choose another name, or move that folder")
            for q in self.paths:
                if q.exists() and not os.access(q, os.W_OK):
                    raise SelectionError(f"{opt} {q}: the file exists and cannot be overwritten (read-only). Fix: "
                                         "choose another name or make it writable")
        else:
            if p.exists() and not p.is_dir():
                raise SelectionError(f"{opt} {p}: is a file, not a folder. Fix: give a folder for the results")
            if not p.exists() and p.suffix.lower() in FILE_SUFFIXES:
                raise SelectionError(f"{opt} {p}: results go to a folder, and {p.name} looks like a file name. Fix: "
                                     f"give a folder name, e.g. {p.with_suffix('')}")
            here = Path.cwd().resolve()
            if p.exists() and (p.resolve() == here or p.resolve() in here.parents):
                raise SelectionError(f"{opt} {p}: results replace the whole folder, and this one holds the working "
                                     "folder. Fix: give a new folder for the results, e.g. -o results")
            if p.is_dir():
                other = foreign_files(p)
                if other:
                    old = "" if (p / MARKER).exists() else " (if it holds an earlier industwin result, delete it)"
                    raise SelectionError(f"{opt} {p}: the folder holds files industwin did not write there "
                                         f"({', '.join(other[:3])}{' …' if len(other) > 3 else ''}), and results "
                                         f"replace the whole folder{old}. Fix: choose a new or empty folder")
            if p.is_dir() and not os.access(p, os.W_OK):
                raise SelectionError(f"{opt} {p}: the folder cannot be written (read-only). Fix: choose another "
                                     "folder or make it writable")
        _check_parent(p, opt)


def _check_parent(p: Path, opt: str) -> None:
    parent = p.expanduser().absolute().parent
    probe = parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise SelectionError(f"{opt} {p}: {probe} is a file, not a folder. Fix: write into a folder")
    if not parent.exists():
        raise SelectionError(f"{opt} {p}: the folder {parent} does not exist. Fix: create it first "
                             f"(mkdir -p {parent}) or choose an existing folder")
    try:                                        # the only sure test: make (and remove) a file there
        fd, probe_file = tempfile.mkstemp(prefix=".industwin-probe.", dir=parent)
        os.close(fd)
        os.unlink(probe_file)
    except OSError as e:
        raise SelectionError(f"{opt} {p}: cannot write in {parent} ({e.strerror or 'permission denied'}). Fix: "
                             "choose a folder you can write to") from None


def check_outputs(outputs: Sequence[Output], inputs: Sequence[Path] = ()) -> None:
    """Check every output; that no two of them are the same path; and that none would replace an input (a
    file given as the output too, or a results folder holding an input)."""
    seen: dict[Path, str] = {}
    ins = [Path(i).expanduser().resolve() for i in inputs if i is not None]
    for o in outputs:
        o.check()
        target = o.path.expanduser().resolve()
        for i in ins:
            if i == target or (o.kind == "folder" and target in i.parents):
                raise SelectionError(f"{o.option} {o.path}: writing there would replace the input {i}"
                                     f"{' (results replace the whole folder)' if o.kind == 'folder' else ''}. Fix: "
                                     "write the results somewhere else")
            if os.path.isdir(i) and any(i == q.expanduser().resolve().parent or i in q.expanduser().resolve().parents
                                        for q in o.paths):
                raise SelectionError(f"{o.option} {o.path}: that is inside the input folder {i}; a file written there "
                                     f"could replace or join the input. Fix: write the results beside it, e.g. "
                                     f"{i.parent / o.path.name}")
        for q in o.paths:
            key = q.expanduser().absolute()
            if key in seen:
                raise SelectionError(f"{o.option} {q}: the same path as {seen[key]}. Fix: give each output its own "
                                     "name")
            seen[key] = o.option


def write_table(df: pd.DataFrame | pd.Series, path: Path) -> None:
    """A labelled table as ``.csv`` or ``.parquet`` (column levels joined with ``|`` for Parquet), written to
    ``path`` as given (wrap it in :func:`write_atomic` or a staged folder)."""
    df = df.to_frame() if isinstance(df, pd.Series) else df
    suf = Path(path).suffix.lower()
    if suf == ".parquet":
        flat = df.copy()
        if isinstance(flat.columns, pd.MultiIndex):
            flat.columns = ["|".join(map(str, c)) for c in flat.columns]
        flat.columns = flat.columns.map(str)
        flat.to_parquet(path)
    else:
        df.to_csv(path)
