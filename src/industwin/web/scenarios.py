"""The scenario builder's form → a scenario file: one shock and up to three interventions, written as the
YAML a user could have typed, validated by the scenario schema and checked against the table before it is
stored (the same messages as ``industwin simulate``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from industwin.errors import SelectionError

__all__ = ["nodes", "scenario_from_form"]


def _one(form: dict[str, list[str]], name: str) -> str:
    v = form.get(name) or [""]
    return str(v[-1]).strip()


def _num(form, name: str, kind=float):
    text = _one(form, name)
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        raise SelectionError(f"{name.replace('_', ' ')}: {text!r} is not a number. Fix: write e.g. "
                             f"{'30' if kind is int else '0.5'}") from None


def _list(form, name: str) -> list[str]:
    return [p.strip() for p in _one(form, name).replace(";", ",").split(",") if p.strip()]


def nodes(text: str) -> list[dict[str, str]]:
    """``DEU:c15, USA`` → country-sectors and whole countries."""
    out = []
    for part in [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]:
        r, _, s = part.partition(":")
        out.append({"region": r.strip()} | ({"sector": s.strip()} if s.strip() else {}))
    return out


@lru_cache(maxsize=2)
def _table(dataset: str, year: int | None):
    from industwin.data.registry import load
    return load(dataset, year)


def scenario_from_form(form: dict[str, list[str]]) -> tuple[dict[str, Any], str]:
    """The scenario (a dict) and its YAML text, validated and checked against its table."""
    from industwin.analysis.disruption import check_scenario, read_scenario
    timing = {k: _num(form, k, int) for k in ("start", "duration")}
    timing = {k: v for k, v in timing.items() if v is not None}
    kind = _one(form, "shock") or "capacity"
    shock: dict[str, Any]
    if kind == "capacity":
        shock = {"nodes": nodes(_one(form, "shock_nodes")), "size": _num(form, "size"), **timing}
        rd = _num(form, "recovery_days", int)
        if rd:
            shock |= {"recovery_days": rd, "recovery": _one(form, "recovery") or "linear"}
    elif kind == "final_demand":
        shock = {"products": nodes(_one(form, "shock_nodes")), "change": _num(form, "change"), **timing}
        if _list(form, "buyers"):
            shock["buyers"] = _list(form, "buyers")
    elif kind == "trade":
        shock = {"origin": _one(form, "origin"), "destination": _list(form, "destination"),
                 "share": _num(form, "share"), **timing}
        if _list(form, "products"):
            shock["products"] = _list(form, "products")
        if _num(form, "tariff") is not None:
            shock["tariff"] = _num(form, "tariff")
        if _one(form, "substitution"):
            shock["substitution"] = True
    else:
        raise SelectionError(f"shock {kind!r}: choose capacity, final_demand or trade")
    shock = {k: v for k, v in shock.items() if v is not None}
    iv: dict[str, list] = {}
    if _one(form, "sp_products"):
        iv["stockpile"] = [{"products": _list(form, "sp_products"), "buyers": nodes(_one(form, "sp_buyers")),
                            "extra_days": _num(form, "sp_days")}]
    if _one(form, "dv_product"):
        iv["diversify"] = [{"product": _one(form, "dv_product"), "buyers": nodes(_one(form, "dv_buyers")),
                            "origin": _one(form, "dv_origin") or None, "share": _num(form, "dv_share"),
                            "markup": _num(form, "dv_markup")}]
    if _one(form, "rs_product"):
        iv["reshore"] = [{"product": _one(form, "rs_product"), "buyers": nodes(_one(form, "rs_buyers")),
                          "to": _list(form, "rs_to"), "markup": _num(form, "rs_markup")}]
    for lst in iv.values():
        for d in lst:
            for k in [k for k, v in d.items() if v is None]:
                del d[k]
    year = _num(form, "year", int)
    data: dict[str, Any] = {"name": _one(form, "name"), "description": _one(form, "description"),
                            "table": {"dataset": "wiod2013", **({"year": year} if year is not None else {})},
                            "horizon": 365 if _num(form, "horizon", int) is None else _num(form, "horizon", int),
                            "shocks": {kind: [shock]}}
    if _one(form, "focus"):
        data["focus"] = _one(form, "focus")
    if iv:
        data["interventions"] = iv
    sc = read_scenario(data)                        # the schema: every problem with its field
    check_scenario(_table(sc.table.dataset, sc.table.year), sc, f"scenario {sc.name!r}")
    return data, yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
