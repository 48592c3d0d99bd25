"""Plumbing shared by the requests: loading a table with progress and its caveats, writers, page HTML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import Field

from industwin.application.outputs import TABLE_FORMATS, Output, write_table
from industwin.application.progress import Progress
from industwin.application.result import Result
from industwin.application.runner import Request
from industwin.data.mrio import MRIO
from industwin.data.schema import PathArg

__all__ = ["TableRequest", "TableOutRequest", "table_output", "table_writer", "text_writer", "folder_writer",
           "version"]


def version() -> str:
    import industwin
    return industwin.__version__


class TableRequest(Request):
    """A request on one MRIO table: a dataset name or a path, the year of a named dataset, and for a table
    folder its unit (when its ``meta.yaml`` does not give it) and whether negative flows are accepted."""

    source: str = Field("wiod2013", min_length=1)
    year: int | None = Field(None, ge=1900, le=2100)
    unit: str | None = Field(None, min_length=1)
    allow_negative: bool = False

    def load(self, progress: Progress, result: Result | None = None, source: str | None = None,
             year: int | None = None) -> MRIO:
        """The table, with a note in ``result`` of what the user must know about it (negative flows)."""
        from industwin.data.registry import load
        src = source or self.source
        y = self.year if year is None else year
        with progress.task(f"loading {src}{' ' + str(y) if y else ''}"):
            m = load(src, y, unit=self.unit, allow_negative=self.allow_negative)
        if result is not None:
            note = m.meta.get("negative_flows")
            if note:
                result.notes.append(f"{m.name or src}: {note}")
        return m


class TableOutRequest(TableRequest):
    """A request on one table that shows ``top`` rows of its result and may write all of it to ``out``
    (``.csv`` / ``.parquet``)."""

    top: int = Field(15, ge=1, le=100_000)
    out: PathArg | None = None

    def outputs(self) -> list[Output]:
        return table_output(self.out)

    def start(self, progress: Progress, across: str | None = None) -> tuple[Result, MRIO]:
        """A fresh result and the table (checked to have several regions when the analysis ``across`` borders)."""
        res = Result()
        m = self.load(progress, res)
        if across is not None:
            need_regions(m, across)
        return res, m

    def finish(self, res: Result, table, key: str) -> Result:
        """The full table to ``--out`` and to ``res.data[key]``."""
        res.writes["--out"] = table_writer(table)
        res.data[key] = table
        return res


def need_regions(m: MRIO, what: str) -> None:
    """Analyses across borders need a multi-regional table."""
    from industwin.errors import SelectionError
    if len(m.regions) < 2:
        raise SelectionError(f"{m.name or 'the table'} has one region ({m.regions[0]}): {what} needs a "
                             "multi-regional table. Fix: use one, e.g. wiod2013")


def table_label(m: MRIO) -> str:
    """``name year`` of a table, without empty parts."""
    return " ".join(str(p) for p in (m.name, m.year) if p not in (None, ""))


def table_output(path: Path | None, option: str = "--out") -> list[Output]:
    return [] if path is None else [Output(path, "file", option, TABLE_FORMATS)]


def table_writer(df: pd.DataFrame | pd.Series):
    return lambda p: write_table(df, p)


def text_writer(text: str):
    return lambda p: Path(p).write_text(text, encoding="utf-8")


def folder_writer(parts: dict[str, Any]):
    """Write a results folder: each name maps to a DataFrame (Parquet/CSV by the name's suffix), HTML text or
    bytes."""
    def write(folder: Path) -> None:
        for name, obj in parts.items():
            target = Path(folder) / name
            if isinstance(obj, pd.DataFrame | pd.Series):
                if name.endswith(".parquet"):
                    obj.to_frame().to_parquet(target) if isinstance(obj, pd.Series) else obj.to_parquet(target)
                else:
                    write_table(obj, target)
            elif isinstance(obj, bytes):
                target.write_bytes(obj)
            else:
                target.write_text(str(obj), encoding="utf-8")
    return write
