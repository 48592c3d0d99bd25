"""Peer sets an economy is compared with — the white paper's distinctions of income and size, and every economy of
the table — and the one the report uses first.

* ``income``: economies of the same World Bank income group (:func:`industwin.data.macro.income_group`, an
  Atlas-like approximation); when fewer than :data:`MIN_GROUP` share the group, the neighbouring group(s) join it,
  nearer ones first, and the set says so.
* ``size``: the :data:`SIZE_PEERS` economies closest in value added (the table's own, on a log scale: a country
  half or twice the size is equally far).
* ``structural``: both at once — the :data:`STRUCTURAL_PEERS` economies of the income set closest in size: the
  economies a ministry would name as its structural peers (Germany: the large high-income economies).
* ``all``: every other economy of the table but the rest of the world.

A user-named list is the ``named`` set. The report's first (primary) set is the named one, else ``structural`` when
it is formed, else ``income`` (a small or widened group: it is already close to the structural set — China, India
and the other middle-income economies of WIOD compare with the 9 middle-income economies), else ``size`` when the
income groups are unknown (no GDP per capita for the table's regions or year: said in the set's description);
the others serve as sensitivity checks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from industwin.data.mrio import MRIO, REST_OF_WORLD

__all__ = ["MIN_GROUP", "SIZE_PEERS", "STRUCTURAL_PEERS", "PeerSet", "peer_sets"]

MIN_GROUP = 8          # an income group smaller than this is widened — fewer make a median and a spread unstable
SIZE_PEERS = 12
STRUCTURAL_PEERS = 10
REST = REST_OF_WORLD


@dataclass(frozen=True)
class PeerSet:
    """A named set of peer economies and the words that say how it was chosen."""

    name: str
    members: tuple[str, ...]
    description: str

    def __len__(self) -> int:
        return len(self.members)


def _economies(mrio: MRIO) -> list[str]:
    return [r for r in dict.fromkeys(mrio.index.get_level_values(0)) if r not in REST]


def _income(mrio: MRIO, economy: str, others: list[str]) -> PeerSet | None:
    from industwin.data.macro import INCOME_GROUPS, income_groups
    if mrio.year is None:
        return None
    from industwin.errors import IndustwinError
    try:
        g = income_groups([economy, *others], mrio.year)
    except IndustwinError:                               # no macro data here: the income set is not formed
        return None
    mine = g.get(economy)
    if mine is None:
        return None
    members = {grp: [r for r in others if g.get(r) == grp] for grp in INCOME_GROUPS}
    groups = [mine]
    while sum(len(members[x]) for x in groups) < MIN_GROUP and len(groups) < len(INCOME_GROUPS):
        lo, hi = min(INCOME_GROUPS.index(x) for x in groups) - 1, max(INCOME_GROUPS.index(x) for x in groups) + 1
        nxt = [INCOME_GROUPS[j] for j in (lo, hi) if 0 <= j < len(INCOME_GROUPS)]
        groups.append(min(nxt, key=lambda x: len(members[x])))     # widen as little as needed
    chosen = {r for x in groups for r in members[x]}
    shown = [x for x in INCOME_GROUPS if x in groups and (members[x] or x == mine)]
    widened = "" if len(groups) == 1 else f" (the {mine} group alone has too few economies in the table: widened)"
    return PeerSet("income", tuple(r for r in others if r in chosen),
                   f"{len(chosen)} economies of the {' and '.join(shown)} income group{'s' if len(shown) > 1 else ''}"
                   f"{widened}; World Bank thresholds of {mrio.year} on GDP per capita averaged over three years (an "
                   "approximation of the Atlas GNI classification)")


def _nearest(mrio: MRIO, economy: str, others, k: int) -> list[str]:
    """The ``k`` economies of ``others`` closest to ``economy`` in value added (log scale)."""
    va = np.asarray(mrio.V, float).sum(axis=0)
    reg = np.asarray(mrio.index.get_level_values(0))
    tot = {r: float(va[reg == r].sum()) for r in [economy, *others]}
    ref = np.log(max(tot[economy], 1e-12))
    return sorted(others, key=lambda r: abs(np.log(max(tot[r], 1e-12)) - ref))[:k]


def _size(mrio: MRIO, economy: str, others: list[str]) -> PeerSet:
    near = _nearest(mrio, economy, others, SIZE_PEERS)
    return PeerSet("size", tuple(r for r in others if r in near),
                   f"the {len(near)} economies closest in value added to {economy} (log scale)")


def peer_sets(mrio: MRIO, economy: str, named: list[str] | None = None) -> dict[str, PeerSet]:
    """The peer sets of ``economy``, the primary first: ``named`` (when given), ``structural`` and ``income`` (when
    the income groups are known), ``size`` and ``all``."""
    others = [r for r in _economies(mrio) if r != economy]
    sets: dict[str, PeerSet] = {}
    if named:
        sets["named"] = PeerSet("named", tuple(named), f"the {len(named)} economies named by the user")
    inc = _income(mrio, economy, others)
    if inc is not None and len(inc):
        near = _nearest(mrio, economy, inc.members, STRUCTURAL_PEERS)
        if len(near) < len(inc):
            sets["structural"] = PeerSet("structural", tuple(r for r in others if r in near),
                                         f"the {len(near)} economies of the income set closest in value added to "
                                         f"{economy} (log scale)")
        sets["income"] = inc
    sets["size"] = _size(mrio, economy, others)
    if inc is None:
        sets["size"] = PeerSet("size", sets["size"].members, sets["size"].description + " — income groups unknown "
                               "for these regions or this year (World Bank WDI / IMF WEO GDP per capita), so no "
                               "income-group peers")
    sets["all"] = PeerSet("all", tuple(others), f"every other economy of the table ({len(others)}, not the rest of "
                                                "the world)")
    return sets
