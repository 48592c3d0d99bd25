"""Atomic writes: a file or a results folder appears whole or not at all.

A file is written to a temporary name beside it and renamed into place (:func:`staged_file`,
:func:`write_atomic`); a results folder is built beside the old one and swapped in whole
(:func:`staged_folder`), so a failure half-way (a full disk, an error in a writer) leaves the old file or
folder as it was, and a new run's files never mix with an older run's. A folder industwin wrote carries a
:data:`MARKER` file, which is what allows a later run to replace it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = ["MARKER", "staged_file", "staged_folder", "write_atomic"]

MARKER = ".industwin-results"     # marks a folder industwin wrote, so a new run may replace it whole


def _temp_beside(path: Path, folder: bool = False) -> Path:
    parent = path.expanduser().absolute().parent
    if folder:
        return Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent))
    # the suffix is kept (".tmp.csv"), so writers that go by it write the right format
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}", dir=parent)
    os.close(fd)
    return Path(tmp)


@contextlib.contextmanager
def staged_file(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; renamed onto ``path`` when the block ends without error,
    removed otherwise (the old file is untouched until the rename)."""
    path = Path(path)
    tmp = _temp_beside(path)
    try:
        yield tmp
        _fsync(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_atomic(path: Path, write: Callable[[Path], object]) -> Path:
    """``write(tmp)`` then rename ``tmp`` onto ``path``: a failure half-way leaves the old file as it was."""
    with staged_file(path) as tmp:
        write(tmp)
    return Path(path)


@contextlib.contextmanager
def staged_folder(path: Path, note: str = "") -> Iterator[Path]:
    """A temporary folder beside ``path`` to write results into; when the block ends without error it replaces
    ``path`` whole (an older run's files never stay beside the new ones), otherwise it is removed."""
    path = Path(path)
    tmp = _temp_beside(path, folder=True)
    try:
        yield tmp
        (tmp / MARKER).write_text(f"written by industwin{': ' + note if note else ''}\n", encoding="utf-8")
        old = None
        if path.exists():
            old = _temp_beside(path, folder=True)
            os.rmdir(old)
            os.replace(path, old)
        try:
            os.replace(tmp, path)
        except BaseException:
            if old is not None:
                os.replace(old, path)        # put the old results back
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _fsync(p: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


