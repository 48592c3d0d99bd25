"""NACE rev. 2 / ISIC rev. 4 divisions and the WIOD 2016 sector codes built from them."""

from __future__ import annotations

import re

from industwin.errors import DataError

__all__ = ["SECTIONS", "divisions_of", "division_to_sector"]

# NACE rev. 2 sections and their 2-digit divisions (identical to ISIC rev. 4)
SECTIONS: dict[str, tuple[int, int]] = {
    "A": (1, 3), "B": (5, 9), "C": (10, 33), "D": (35, 35), "E": (36, 39), "F": (41, 43), "G": (45, 47),
    "H": (49, 53), "I": (55, 56), "J": (58, 63), "K": (64, 66), "L": (68, 68), "M": (69, 75), "N": (77, 82),
    "O": (84, 84), "P": (85, 85), "Q": (86, 88), "R": (90, 93), "S": (94, 96), "T": (97, 98), "U": (99, 99)}

_RANGE = re.compile(r"^([A-U])(\d\d)-[A-U]?(\d\d)$")
_ONE = re.compile(r"^([A-U])(\d\d)$")


def divisions_of(code: str) -> list[str]:
    """The 2-digit NACE divisions of a WIOD 2016 / ISIC sector code: ``"C10-C12"`` → 10, 11, 12;
    ``"C31_C32"`` → 31, 32; ``"R_S"`` → sections R and S; ``"A01"`` → 01; ``"F"`` → 41–43."""
    out: list[int] = []
    for part in str(code).split("_"):
        if m := _RANGE.match(part):
            out += range(int(m.group(2)), int(m.group(3)) + 1)
        elif m := _ONE.match(part):
            out.append(int(m.group(2)))
        elif part in SECTIONS:
            lo, hi = SECTIONS[part]
            out += range(lo, hi + 1)
        else:
            raise DataError(f"sector code {code!r}: not a NACE / ISIC section or division code "
                            "(e.g. 'C10-C12', 'C31_C32', 'R_S', 'A01', 'F')")
    return [f"{d:02d}" for d in out]


def division_to_sector(sectors, divisions=None) -> dict[str, str]:
    """Map each 2-digit division to the sector code (among ``sectors``) that contains it; ``divisions``
    restricts the map to the divisions one uses (e.g. those of an essentiality matrix)."""
    out: dict[str, str] = {}
    for s in sectors:
        for d in divisions_of(s):
            if d in out:
                raise DataError(f"division {d} belongs to both {out[d]!r} and {s!r}")
            out[d] = s
    if divisions is not None:
        keep = {str(d) for d in divisions}
        out = {d: s for d, s in out.items() if d in keep}
    return out
