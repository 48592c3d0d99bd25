"""Atomic writes: a file or a results folder appears whole or not at all.

A file is written to a temporary name beside it and renamed into place (:func:`staged_file`,
:func:`write_atomic`; several files that belong together, such as a report's HTML and PDF, are committed as a
set by :func:`staged_files`); a results folder is built beside the old one and swapped in whole
(:func:`staged_folder`), so a failure half-way (a full disk, an error in a writer) leaves the old file or folder
as it was, and a new run's files never mix with an older run's. New files get the usual permissions (as
``open`` would give them under the umask), a replaced file keeps its own. A folder industwin wrote carries a
:data:`MARKER` file listing what it wrote: only such a folder, holding nothing else, may be replaced
(:func:`foreign_files`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

__all__ = ["MARKER", "staged_file", "staged_files", "staged_folder", "write_atomic", "foreign_files"]

MARKER = ".industwin-results"     # lists the files industwin wrote in a results folder


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _mode_for(target: Path, folder: bool) -> int:
    """The permissions a new file (folder) gets under the umask, or those of the file it replaces."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return (0o777 if folder else 0o666) & ~_umask()


def _temp_beside(path: Path, folder: bool = False) -> Path:
    parent = path.expanduser().absolute().parent
    if folder:
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent))
    else:
        # the suffix is kept (".tmp.csv"), so writers that go by it write the right format
        fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}", dir=parent)
        os.close(fd)
        tmp = Path(name)
    os.chmod(tmp, _mode_for(path, folder))
    return tmp


def _fsync(p: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on a folder (so two runs never swap the same output at once)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not a POSIX system
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _target(path: Path) -> Path:
    """Where a write really goes: a symbolic link is followed, so the link stays and its target is replaced."""
    path = Path(path).expanduser()
    return path.resolve() if path.is_symlink() else path.absolute()


@contextlib.contextmanager
def staged_files(paths: Sequence[Path]) -> Iterator[list[Path]]:
    """Temporary paths beside ``paths`` to write to; when the block ends without error they replace their
    targets together (if one rename fails, those already made are undone), otherwise they are removed."""
    targets = [_target(p) for p in paths]
    tmps: list[Path] = []
    try:
        for t in targets:
            tmps.append(_temp_beside(t))
        yield tmps
        for t in tmps:
            _fsync(t)
        backups: list[tuple[Path, Path | None]] = []
        try:
            for tmp, target in zip(tmps, targets):
                old = None
                if target.exists():
                    old = _temp_beside(target)
                    os.replace(target, old)
                backups.append((target, old))
                os.replace(tmp, target)
        except BaseException:
            for target, old in reversed(backups):       # put every file back as it was
                with contextlib.suppress(OSError):
                    if old is not None:
                        os.replace(old, target)
                    else:
                        target.unlink()
            raise
        for _, old in backups:
            if old is not None:
                with contextlib.suppress(OSError):
                    old.unlink()
    finally:
        for t in tmps:
            with contextlib.suppress(OSError):
                t.unlink()


@contextlib.contextmanager
def staged_file(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; renamed onto ``path`` when the block ends without error,
    removed otherwise (the old file is untouched until the rename)."""
    with staged_files([path]) as (tmp,):
        yield tmp


def write_atomic(path: Path, write: Callable[[Path], object]) -> Path:
    """``write(tmp)`` then rename ``tmp`` onto ``path``: a failure half-way leaves the old file as it was."""
    with staged_file(path) as tmp:
        write(tmp)
    return Path(path)


def foreign_files(folder: Path) -> list[str]:
    """The files of a folder that industwin did not write there (all of them when it has no marker)."""
    folder = Path(folder)
    names = sorted(p.name for p in folder.iterdir())
    marker = folder / MARKER
    if not marker.is_file():
        return names
    listed = {line.strip() for line in marker.read_text(encoding="utf-8", errors="replace").splitlines()[1:]}
    return [n for n in names if n != MARKER and n not in listed]


@contextlib.contextmanager
def staged_folder(path: Path, note: str = "") -> Iterator[Path]:
    """A temporary folder beside ``path`` to write results into; when the block ends without error it replaces
    ``path`` whole (an older run's files never stay beside the new ones), otherwise it is removed. The folder
    is replaced only while it holds nothing but what industwin wrote there (checked again under a lock)."""
    path = _target(path)
    tmp = _temp_beside(path, folder=True)
    try:
        yield tmp
        names = sorted(p.name for p in tmp.iterdir())
        (tmp / MARKER).write_text(f"written by industwin{': ' + note if note else ''}\n" + "".join(
            f"{n}\n" for n in names), encoding="utf-8")
        with _locked(path.parent):
            old = None
            if path.exists():
                other = foreign_files(path)
                if other:
                    raise FileExistsError(errno.EEXIST, f"{path} now holds files industwin did not write "
                                          f"({', '.join(other[:3])}); nothing was replaced", str(path))
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
