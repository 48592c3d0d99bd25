"""An organisation's product footprints: those it publishes (served by its PACT host) and those it received
from partners (used in its scope 3), with the ListFootprints filters as SQL over their search keys.

**Immutability** (PACT v3, *lifecycle*): a published footprint is never changed. A new calculation of the same
product is a new footprint with a new id that names the old one in ``precedingPfIds``; the old one's status
becomes ``Deprecated`` (the only change a footprint allows).

**Filters** (PACT v3, *ListFootprints*): ``productId``, ``companyId``, ``geography`` (country, region or
subdivision), ``classification`` — several values of one filter match any (OR), different filters must all
match (AND), case-insensitively; ``validOn`` (start ≤ t ≤ end), ``validAfter`` (start > t), ``validBefore``
(end < t); ``status``. A footprint without a validity period is valid for three years from the end of its
reference period.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import and_, func, select

from industwin.collab.models import Footprint, FootprintKey
from industwin.data.pact import ProductFootprint, validate_footprint
from industwin.errors import DataError
from industwin.web.store import Store

__all__ = ["KEY_KINDS", "Filters", "FootprintStore"]

KEY_KINDS = ("product", "company", "classification", "geography")


def _naive(t: datetime) -> datetime:
    return t.astimezone(UTC).replace(tzinfo=None) if t.tzinfo else t


def _years_later(t: datetime, n: int) -> datetime:
    try:
        return t.replace(year=t.year + n)
    except ValueError:                      # 29 February
        return t.replace(year=t.year + n, day=28)


@dataclass(frozen=True)
class Filters:
    """The ListFootprints / RequestCreated criteria (values as given; matched case-insensitively)."""

    product: tuple[str, ...] = ()
    company: tuple[str, ...] = ()
    geography: tuple[str, ...] = ()
    classification: tuple[str, ...] = ()
    valid_on: datetime | None = None
    valid_after: datetime | None = None
    valid_before: datetime | None = None
    status: str | None = None
    unmatched: bool = field(default=False)      # a criterion nothing can meet (e.g. an unknown status)


def _keys(pf: ProductFootprint) -> list[tuple[str, str]]:
    c = pf.pcf
    geo = [g for g in (c.geographyCountry, getattr(c, "geographyRegionOrSubregion", None),
                       getattr(c, "geographyCountrySubdivision", None)) if isinstance(g, str) and g]
    out = [("product", p) for p in pf.productIds] + [("company", p) for p in pf.companyIds]
    out += [("classification", p) for p in pf.productClassifications or []] + [("geography", g) for g in geo]
    return [(k, v.lower()[:400]) for k, v in dict.fromkeys(out)]


class FootprintStore:
    """Footprints in a :class:`~industwin.web.store.Store`; every call names the organisation it acts for."""

    def __init__(self, store: Store):
        self.store = store

    def _row(self, org_id: str, origin: str, pf: ProductFootprint, connection_id: str | None) -> Footprint:
        start = pf.validityPeriodStart or pf.pcf.referencePeriodEnd
        end = pf.validityPeriodEnd or _years_later(pf.pcf.referencePeriodEnd, 3)
        return Footprint(org_id=org_id, origin=origin, pf_id=pf.id.lower(), status=pf.status,
                         created=_naive(pf.created), valid_from=_naive(start), valid_to=_naive(end),
                         data=pf.document(), connection_id=connection_id)

    def publish(self, org_id: str, pf: ProductFootprint | dict) -> ProductFootprint:
        """Publish a footprint of the organisation. Footprints it names in ``precedingPfIds`` become
        Deprecated; an id already published is refused (a change is a new footprint)."""
        pf = pf if isinstance(pf, ProductFootprint) else validate_footprint(pf)
        with self.store.session() as s, s.begin():
            if s.scalars(select(Footprint.row).where(Footprint.org_id == org_id, Footprint.origin == "own",
                                                     Footprint.pf_id == pf.id.lower())).first() is not None:
                raise DataError(f"footprint {pf.id} is already published and cannot change. Fix: publish the new "
                                f"figures as a new footprint (new id) naming {pf.id} in precedingPfIds")
            self._insert(s, self._row(org_id, "own", pf, None), pf)
            for old in pf.precedingPfIds or []:
                self._deprecate(s, org_id, "own", old)
        return pf

    def new_version(self, org_id: str, old_id: str, changes: dict) -> ProductFootprint:
        """A new footprint replacing ``old_id`` with ``changes`` applied (a new id, created now, the old id
        in precedingPfIds); the old one is deprecated."""
        old = self.get(org_id, old_id)
        if old is None:
            raise DataError(f"no published footprint {old_id}. Fix: give the id of one of yours")
        doc = {**old.document(), **changes, "id": str(uuid.uuid4()), "status": "Active",
               "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
               "precedingPfIds": sorted({*(old.precedingPfIds or []), old.id})}
        return self.publish(org_id, doc)

    @staticmethod
    def _insert(s, row: Footprint, pf: ProductFootprint) -> None:
        """A footprint's row and its search keys."""
        s.add(row)
        s.flush()
        s.add_all(FootprintKey(row=row.row, kind=k, value=v) for k, v in _keys(pf))

    @staticmethod
    def _deprecate(s, org_id: str, origin: str, pf_id: str) -> None:
        row = s.scalars(select(Footprint).where(Footprint.org_id == org_id, Footprint.origin == origin,
                                                Footprint.pf_id == pf_id.lower())).first()
        if row is not None and row.status != "Deprecated":
            row.status = "Deprecated"
            row.data = {**row.data, "status": "Deprecated"}

    def receive(self, org_id: str, pf: ProductFootprint | dict, connection_id: str | None) -> ProductFootprint:
        """Keep a footprint received from a partner (the newest copy of an id wins); those it supersedes are
        marked Deprecated."""
        pf = pf if isinstance(pf, ProductFootprint) else validate_footprint(pf)
        with self.store.session() as s, s.begin():
            old = s.scalars(select(Footprint).where(Footprint.org_id == org_id, Footprint.origin == "received",
                                                    Footprint.pf_id == pf.id.lower())).first()
            new = self._row(org_id, "received", pf, connection_id)
            if old is not None:
                old.status, old.data, old.connection_id = new.status, new.data, connection_id
            else:
                self._insert(s, new, pf)
            for prev in pf.precedingPfIds or []:
                self._deprecate(s, org_id, "received", prev)
        return pf

    def get(self, org_id: str, pf_id: str, origin: str = "own") -> ProductFootprint | None:
        with self.store.session() as s:
            row = s.scalars(select(Footprint).where(Footprint.org_id == org_id, Footprint.origin == origin,
                                                    Footprint.pf_id == pf_id.lower())).first()
        return ProductFootprint.model_validate(row.data) if row is not None else None

    def list(self, org_id: str, f: Filters = Filters(), limit: int | None = None, offset: int = 0,
             origin: str = "own") -> tuple[list[dict], int]:
        """The organisation's footprints meeting ``f`` (newest first) from ``offset``, at most ``limit``, and
        how many meet it in all."""
        if f.unmatched:
            return [], 0
        conds = [Footprint.org_id == org_id, Footprint.origin == origin]
        for kind in KEY_KINDS:
            values = getattr(f, kind)
            if values:
                conds.append(Footprint.row.in_(select(FootprintKey.row).where(
                    FootprintKey.kind == kind, FootprintKey.value.in_([v.lower() for v in values]))))
        if f.valid_on is not None:
            t = _naive(f.valid_on)
            conds.append(and_(Footprint.valid_from <= t, Footprint.valid_to >= t))
        if f.valid_after is not None:
            conds.append(Footprint.valid_from > _naive(f.valid_after))
        if f.valid_before is not None:
            conds.append(Footprint.valid_to < _naive(f.valid_before))
        if f.status is not None:
            conds.append(Footprint.status == f.status)
        with self.store.session() as s:
            total = s.scalar(select(func.count()).select_from(Footprint).where(*conds)) or 0
            q = select(Footprint.data).where(*conds).order_by(Footprint.created.desc(), Footprint.row.desc())
            q = q.offset(offset)
            if limit is not None:
                q = q.limit(limit)
            return list(s.scalars(q)), total

    def received(self, org_id: str, active_only: bool = True) -> list[ProductFootprint]:
        docs, _ = self.list(org_id, Filters(status="Active" if active_only else None), origin="received")
        return [ProductFootprint.model_validate(d) for d in docs]

    def count(self, org_id: str, origin: str = "own") -> int:
        return self.list(org_id, origin=origin, limit=0)[1]
