"""Typed schemas for everything a user writes: scenario files, plans, table rows and requests.

:class:`Schema` is the base of every one: unknown fields are refused (a typo is never ignored), types are
strict (``true`` is not a number, ``"12"`` is not a count), and non-finite numbers (``.inf``, ``.nan``) are
refused everywhere. :func:`industwin.data.io.validate` turns its errors into issues with field paths.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict

__all__ = ["Schema", "Share", "PositiveShare", "Days", "Count", "PathArg"]


class Schema(BaseModel):
    """Base of the project's schemas: extra fields forbidden, strict types, finite numbers only."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


Share = Annotated[float, Field(ge=0, le=1)]
PositiveShare = Annotated[float, Field(gt=0, le=1)]
Days = Annotated[float, Field(ge=0)]
Count = Annotated[int, Field(ge=1)]
PathArg = Annotated[Path, Strict(False)]      # a path may be given as text (a form, JSON, a Python caller)
