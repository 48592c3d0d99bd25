"""Units of satellite accounts and tables, parsed once for every module: tonnes of a gas, persons, money."""

from __future__ import annotations

import re

from industwin.errors import SelectionError

__all__ = ["is_head_count", "is_mass", "money_unit", "persons_per_unit", "tonnes_per_unit"]

_T_PER = {"kg": 1e-3, "t": 1.0, "kt": 1e3, "gg": 1e3, "mt": 1e6, "tg": 1e6, "gt": 1e9}
_MONEY_SCALE = {"": 1.0, "k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "mio": 1e6,
                "bn": 1e9, "b": 1e9, "billion": 1e9}


def tonnes_per_unit(unit: str) -> float:
    """Tonnes of CO2 in one unit of an emission account (``"kt CO2"`` → 1000, ``"Gg"`` → 1000, ``"t"`` → 1)."""
    head = (unit or "").strip().split(" ")[0].lower()
    if head not in _T_PER:
        raise SelectionError(f"emission unit {unit!r} is not one of t, kt, Gg, Mt, Tg, kg (followed by the gas). "
                             "Fix: give the satellite's unit, e.g. 'kt CO2'")
    return _T_PER[head]


def money_unit(unit: str) -> tuple[float, str]:
    """Currency units in one unit of a table and the currency: ``"M USD"`` → (1e6, "USD")."""
    parts = (unit or "").strip().split()
    if len(parts) == 1 and re.fullmatch(r"[A-Za-z]{3}", parts[0]):
        return 1.0, parts[0].upper()
    if len(parts) == 2 and parts[0].lower() in _MONEY_SCALE and re.fullmatch(r"[A-Za-z]{3}", parts[1]):
        return _MONEY_SCALE[parts[0].lower()], parts[1].upper()
    raise SelectionError(f"the table's monetary unit {unit!r} is not of the form 'M USD' or 'EUR'. Fix: load the "
                         "table with its unit (e.g. unit: M USD under 'table')")


def persons_per_unit(unit: str) -> float:
    """Persons in one unit of an employment account (``"1000 persons"`` → 1000, ``"persons"`` → 1)."""
    u = (unit or "").strip().lower()
    m = re.fullmatch(r"(1000|1,000|thousand|k)?\s*(persons?|people|jobs|workers|employees)", u)
    if m is None:
        raise SelectionError(f"employment unit {unit!r} is not persons or 1000 persons. Fix: use a head-count "
                             "stressor such as 'persons'")
    return 1e3 if m.group(1) else 1.0


def _parses(parse, unit: str) -> bool:
    try:
        parse(unit)
        return True
    except SelectionError:
        return False


def is_mass(unit: str) -> bool:
    """True for a unit of emissions by mass (``kt CO2``, ``t CO2e``, ``Gg`` …)."""
    return _parses(tonnes_per_unit, unit)


def is_head_count(unit: str) -> bool:
    """True for a unit of persons (``persons``, ``1000 persons``, ``jobs`` …)."""
    return _parses(persons_per_unit, unit)
