"""Forms from the lenses' typed requests: one labelled control per field, and the submitted values back into
the request's fields (text to numbers, lists and years; empty means "the default").

The request's own schema validates what comes back (the same messages as the command line); this module only
decides how a field is shown and parses the browser's strings.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic_core import PydanticUndefined

from industwin.application.catalog import Lens, parse_list, parse_years

__all__ = ["HELP", "Control", "controls", "parse_values"]

HELP = {
    "source": "dataset name or table",
    "year": "year of the table (empty: the latest)",
    "region": "region code, e.g. DEU",
    "economy": "economy code, e.g. DEU",
    "sector": "sector code, e.g. c15",
    "years": "e.g. 1995-2011 or 2000,2005,2011 (empty: all)",
    "top": "rows shown",
    "threshold": "share of a product bought from one place above which it counts as concentrated",
    "peers": "comma-separated codes of a named peer set (empty: income group and size)",
    "focal": "firm id",
    "second_supplier": "comma-separated industry codes given a second supplier",
    "reveal": "show firm ids (results are anonymised by default)",
    "draws": "Monte Carlo draws",
    "sectors": "comma-separated sector codes (empty: the carbon-intensive group)",
    "buyers": "comma-separated region codes",
    "emissions": "satellite used as emissions (empty: the table's CO2 account)",
    "employment": "satellite used as jobs (empty: the table's employment account)",
    "reshore": "move the focal firm's suppliers to firms with COLUMN=VALUE, e.g. region=USA",
    "stock": "days of inputs held in stock",
}
REGION_FIELDS = {"region", "economy", "focus"}
SECTOR_FIELDS = {"sector", "product"}


@dataclass
class Control:
    """One form control: ``kind`` is ``text``, ``number``, ``integer``, ``checkbox``, ``select``, ``list``,
    ``years`` or ``file``; ``choices`` for a select, ``upload`` the kind of file."""

    name: str
    kind: str
    label: str
    required: bool
    default: Any = None
    choices: list[str] = field(default_factory=list)
    help: str = ""
    upload: str | None = None
    datalist: str | None = None


def _base(annotation) -> tuple[Any, bool]:
    """The annotation without ``None`` (and whether None was allowed)."""
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        return (rest[0] if len(rest) == 1 else annotation), len(rest) < len(args)
    if origin is typing.Annotated:
        return _base(args[0])
    return annotation, False


def _kind(annotation) -> tuple[str, list[str]]:
    base, _ = _base(annotation)
    if typing.get_origin(base) is typing.Annotated:
        base = typing.get_args(base)[0]
    origin = typing.get_origin(base)
    if origin is Literal:
        return "select", [str(a) for a in typing.get_args(base)]
    if origin is list:
        inner = typing.get_args(base)[0] if typing.get_args(base) else str
        return ("years" if inner is int else "list"), []
    if base is bool:
        return "checkbox", []
    if base is int:
        return "integer", []
    if base is float:
        return "number", []
    if base is Path or (isinstance(base, type) and issubclass(base, Path)):
        return "file", []
    return "text", []


def controls(ln: Lens, defaults: dict[str, Any] | None = None) -> list[Control]:
    """The controls of a lens's form, in the request's field order; ``defaults`` pre-fill them."""
    defaults = defaults or {}
    out = []
    for name in ln.form_fields():
        f = ln.request.model_fields[name]
        kind, choices = _kind(f.annotation)
        default = defaults.get(name, None if f.default is PydanticUndefined else f.default)
        if name in ln.uploads:
            kind = "file"
        if kind == "checkbox" and isinstance(default, str):
            default = default.strip().lower() in ("true", "on", "1", "yes")
        required = f.is_required() and name not in defaults
        label = name.replace("_", " ")
        c = Control(name, kind, label, required, default, choices, HELP.get(name, ""),
                    ln.uploads.get(name))
        if name in REGION_FIELDS and kind == "text":
            c.datalist = "regions"
        elif name in SECTOR_FIELDS and kind == "text":
            c.datalist = "sectors"
        elif name == "source" and kind == "text":         # on the web, tables are the named datasets
            from industwin.data.registry import list_datasets
            c.kind, c.choices = "select", [d.name for d in list_datasets()]
            c.required = False
        out.append(c)
    return out


def parse_values(ln: Lens, form: dict[str, list[str]]) -> dict[str, Any]:
    """A lens's field values from a submitted form (every value as text; several for a repeated name).
    Empty fields are left out (the request's default applies); numbers, lists and years are parsed, and what
    cannot be parsed is passed on as text for the request's schema to refuse with its message."""
    vals: dict[str, Any] = {}
    for c in controls(ln):
        if c.kind == "file":
            continue
        got = [v for v in form.get(c.name, []) if v is not None]
        if c.kind == "checkbox":
            if got:
                vals[c.name] = any(v.lower() in ("true", "on", "1", "yes") for v in got)
            continue
        text = got[-1].strip() if got else ""
        if not text:
            continue
        if c.kind == "integer":
            vals[c.name] = _number(text, int)
        elif c.kind == "number":
            vals[c.name] = _number(text, float)
        elif c.kind == "years":
            vals[c.name] = parse_years(text, c.name)
        elif c.kind == "list":
            vals[c.name] = parse_list(text)
        else:
            vals[c.name] = text
    return vals


def _number(text: str, kind):
    try:
        return kind(text.replace(",", "")) if kind is int else kind(text)
    except ValueError:
        return text                     # the schema refuses it with its message
