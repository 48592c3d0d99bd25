"""YAML and JSON mappings (scenario files, plans, table descriptions) and their typed schemas."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from industwin.data.io.files import MAPPING_FORMATS, _not_utf8, input_path
from industwin.errors import DataError, SelectionError, ValidationError, ValidationIssue, plain

__all__ = ["read_mapping", "validate", "schema_issues"]


def read_mapping(path: str | os.PathLike | Mapping, what: str, required: str = "") -> tuple[dict, str]:
    """A YAML or JSON file (or a mapping given in Python) read as a mapping, and the name to cite in errors.

    Refuses: a missing file, a folder, an empty file, text that is not UTF-8, a syntax error (with its
    line), a key given twice, and a top level that is not a mapping (``required`` says what it must hold).
    """
    if isinstance(path, Mapping):
        return dict(path), what
    p = input_path(path, what, MAPPING_FORMATS)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise _not_utf8(p, what) from None
    if not text.strip():
        raise DataError(f"{p}: the {what} is empty. Fix: write {required or 'its fields'}")
    if p.suffix.lower() == ".json":
        try:
            data = json.loads(text, object_pairs_hook=_no_repeats(p), parse_constant=_json_constant(p))
        except json.JSONDecodeError as e:
            raise DataError(f"{p}: not valid JSON at line {e.lineno}, column {e.colno}: {e.msg}. Fix: correct the "
                            "syntax there") from None
    else:
        data = _yaml(text, p)
    if not isinstance(data, dict):
        raise DataError(f"{p}: the {what} must be a mapping of fields (key: value), not "
                        f"{type(data).__name__}. Fix: write {required or 'its fields'}")
    return data, str(p)


def _no_repeats(p: Path):
    def hook(pairs):
        seen = {}
        for k, v in pairs:
            if k in seen:
                raise DataError(f"{p}: key {k!r} is given twice in one object. Fix: keep one of them")
            seen[k] = v
        return seen
    return hook


def _json_constant(p: Path):
    def refuse(name: str):
        raise DataError(f"{p}: {name} is not a number JSON allows. Fix: write a finite number")
    return refuse


_SCIENTIFIC = re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$")


def _yaml(text: str, p: Path) -> Any:
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def mapping(loader, node, deep=False):
        loader.flatten_mapping(node)              # merge keys (<<: *anchor) are allowed
        keys = set()
        for k_node, _ in node.value:
            k = loader.construct_object(k_node, deep=deep)
            try:
                repeated = k in keys
            except TypeError:  # an unhashable key, e.g. a list
                raise DataError(f"{p}: line {k_node.start_mark.line + 1}: a key must be a plain value, not "
                                f"{type(k).__name__}. Fix: write key: value") from None
            if repeated:
                raise DataError(f"{p}: line {k_node.start_mark.line + 1}: key {k!r} is given twice in one mapping. "
                                "Fix: keep one of them")
            keys.add(k)
        return loader.construct_mapping(node, deep=deep)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    # YAML 1.1 reads 1e9 as text; people mean a number (YAML 1.2 and JSON agree)
    Loader.add_implicit_resolver("tag:yaml.org,2002:float", _SCIENTIFIC, list("-+0123456789."))
    try:
        return yaml.load(text, Loader=Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise DataError(f"{p}: not valid YAML{where}: {e.problem or e.context}. Fix: correct the syntax there "
                        "(indentation, a missing ':' or quote)") from None
    except yaml.YAMLError as e:
        raise DataError(f"{p}: not valid YAML ({' '.join(str(e).split())[:160]}). Fix: correct the syntax") from None
    except RecursionError:
        raise DataError(f"{p}: the YAML is nested too deeply. Fix: simplify the file") from None


# --------------------------------------------------------------------------- schemas
def validate(model: type, data: Any, source: str, doc: str = "") -> Any:
    """``model.model_validate(data)``; every problem becomes a :class:`ValidationIssue` naming ``source`` and
    the field path, and a :class:`SelectionError` raised inside a validator keeps its message."""
    from pydantic import ValidationError as PydanticError
    try:
        return model.model_validate(data)
    except PydanticError as e:
        raise ValidationError(schema_issues(e, source, doc, model)) from None
    except SelectionError as e:
        raise ValidationError([ValidationIssue(source, "(values)", str(e), "correct the value")]) from None


_TYPE_NAMES = ("float", "int", "str", "bool", "none", "bytes")
_TYPE_TAG = ("list[", "dict[", "tuple[", "function-", "lax-or-strict", "json-or-python", "literal[", "nullable[",
             "constrained-", "tagged-union[", "union[")


def _field_names(model: Any) -> set[str]:
    """Every field name of a schema and of the schemas inside it."""
    import typing

    from pydantic import BaseModel
    seen: set = set()
    names: set[str] = set()

    def walk(tp) -> None:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if tp in seen:
                return
            seen.add(tp)
            for n, f in tp.model_fields.items():
                names.add(n)
                walk(f.annotation)
        for a in typing.get_args(tp):
            walk(a)
    walk(model)
    return names


def _path(loc: Sequence[Any], fields: set[str] | None = None) -> str:
    out, prev = "", None
    for k, part in enumerate(loc):
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and (part in _TYPE_NAMES or part.lower().startswith(_TYPE_TAG) or
                                        part[:1].isupper() and
                                        part.endswith(("Spec", "Measure", "Model", "Request", "Ref"))):
            pass                          # a union branch's tag, not a field
        elif fields is not None and isinstance(prev, int) and part not in fields and k < len(loc) - 1:
            pass                          # the tag of a discriminated union after a list index
        else:
            out += ("." if out else "") + str(part)
        prev = part
    return out or "(top level)"


def _allowed_fields(model: Any, loc: Sequence[Any]) -> list[str] | None:
    """The field names allowed where an unknown field was found (walks ``model`` along ``loc``)."""
    import typing

    from pydantic import BaseModel

    def models_in(tp) -> list:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return [tp]
        return [m for a in typing.get_args(tp) for m in models_in(a)]

    current = [model]
    for part in loc[:-1]:
        if not isinstance(part, str):
            continue                       # a list index: the same item type
        nxt = [t for m in current if part in getattr(m, "model_fields", {})
               for t in models_in(m.model_fields[part].annotation)]
        current = nxt or current
    names = sorted({f for m in current for f in getattr(m, "model_fields", {})})
    return names or None


def schema_issues(err: Any, source: str, doc: str = "", model: Any = None) -> list[ValidationIssue]:
    """pydantic's errors as issues: one per field path (the deepest error of a union), readable values."""
    by_path: dict[str, tuple[int, str, ValidationIssue]] = {}
    see = f" (see {doc})" if doc else ""
    fields = _field_names(model) if model is not None else None
    for e in err.errors():
        loc, typ = e["loc"], e["type"]
        path = _path(loc, fields)
        msg = e["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        inp = e.get("input")
        if typ in ("float_type", "int_type", "int_from_float", "string_type", "bool_type") and \
                not isinstance(inp, dict | list):
            msg = f"{msg}, got {plain(inp)}"
            if isinstance(inp, bool) and typ == "string_type":
                msg += " (YAML reads yes/no/on/off/true/false as true or false: quote the text, e.g. 'NO')"
            elif isinstance(inp, bool):
                msg += " (true/false is not a number)"
        if typ in ("model_type", "dict_type", "model_attributes_type"):
            msg, fix = "should be a mapping of fields (key: value)", f"write its fields under it{see}"
            if inp is None:
                msg = "is empty"
                fix = f"write its fields under it, or remove the key{see}"
            by_path.setdefault(path, (len(loc), typ, ValidationIssue(source, path, msg, fix)))
            continue
        if typ == "union_tag_not_found":
            tag = (e.get("ctx") or {}).get("discriminator", "kind").strip("'")
            msg, fix = f"the {tag} is missing", f"give its {tag}, e.g. {tag}: efficiency{see}"
        elif typ == "string_pattern_mismatch":
            pattern = (e.get("ctx") or {}).get("pattern", "")
            msg = f"{plain(inp)} is not of the form expected here ({pattern})"
            fix = ("write it as text (quote it)" if not isinstance(inp, str) else
                   "six digits, e.g. 331110" if pattern == r"^\d{6}$" else "correct it") + see
        if typ in ("union_tag_not_found", "string_pattern_mismatch"):
            pass                                   # message and fix set above
        elif typ == "extra_forbidden":
            allowed = _allowed_fields(model, loc) if model is not None else None
            fix = "remove it or correct its spelling" + (f"; allowed here: {', '.join(allowed)}" if allowed else see)
            msg = "unknown field"
        elif typ == "missing":
            fix, msg = f"add this field{see}", "required field missing"
        elif typ == "finite_number":
            fix = "write a finite number (.inf, .nan and the like are not values)"
        elif typ in ("float_type", "int_type", "int_from_float", "float_parsing", "int_parsing"):
            fix = "write a number" + (" (a whole number)" if "int" in typ else "")
        elif typ.startswith("literal") or typ == "union_tag_invalid":
            fix = "use one of the values listed"
        else:
            fix = f"correct the value{see}"
        depth = len(loc)
        if path not in by_path or depth > by_path[path][0]:
            by_path[path] = (depth, typ, ValidationIssue(source, path, msg, fix))
    # a union reports each branch: where a field has a deeper problem, its branch-type complaints are noise
    paths = list(by_path)
    keep = [p for p in paths if not (by_path[p][1].endswith("_type") and
                                     any(q != p and q.startswith((p + ".", p + "[")) for q in paths))]
    return [by_path[p][2] for p in keep]
