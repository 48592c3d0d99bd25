"""A programme's data space: organisations submit confidential rows under a usage policy; only statistics that
pass the disclosure rules leave it.

* A **programme** (owner: a ministry or facilitator) states its purpose, the economy it studies, the last day
  its data may be used and its disclosure rules (:class:`~industwin.analysis.disclosure.Rules`: fewer than 3
  contributors, the (2, 85) dominance rule, the p % rule with p = 10). Members are facilitators, government
  analysts, contributors and observers.
* A **submission** is one organisation's rows of one kind (:data:`KINDS`: emissions by sector and year, the
  countries its imported inputs come from, a readiness self-assessment, consultation answers) with its usage
  policy: the purpose it may serve (must be the programme's), the day after which it must not be used, and no
  third-party use (industwin never passes submitted rows on; only statistics leave). A submission is stored once
  per ``Idempotency-Key``: the same key and body return the stored one, the same key with another body is
  refused (409).
* An **aggregate** sums the live submissions of a kind into a table (e.g. sector × year) by
  :func:`~industwin.analysis.disclosure.protect`: primary suppression by the programme's rules, secondary
  suppression so that no suppressed cell can be recovered from the margins, and the audit of what an intruder
  could still derive. Submissions past their ``until`` are excluded, then deleted (:meth:`DataSpace.purge`).
* Only the submitting organisation reads its rows; members read aggregates; the facilitator sees who submitted
  what kind under which policy, never the rows. Every access is written to the audit log.

Reference: Hundepool et al. (2012), *Statistical Disclosure Control*, Wiley, ch. 4 (magnitude tables).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator
from pydantic import ValidationError as PydanticError
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from industwin.analysis.disclosure import TOTAL, Rules, protect, protected_mean
from industwin.collab.directory import Directory
from industwin.collab.models import MEMBER_ROLES, AuditEntry, Member, Organisation, Programme, Submission
from industwin.errors import DataError, SelectionError, ValidationError, ValidationIssue
from industwin.web.store import Store, new_id, now

__all__ = ["KINDS", "MAX_ROWS", "Aggregate", "DataSpace", "Kind", "Policy", "SpaceError", "SubmissionBody"]

MAX_ROWS = 10_000                    # rows in one submission
_CODE = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$"


class SpaceError(DataError):
    """A data-space request that cannot be honoured, with the HTTP status it maps to (403, 404, 409 …)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, str_strip_whitespace=True)


Code = Annotated[str, Field(pattern=_CODE)]
Country = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


class EmissionRow(_Row):
    sector: Code
    year: int = Field(ge=1990, le=2100)
    value: float = Field(ge=0, description="t CO2e")


class SourcingRow(_Row):
    product: Code                                          # the input's sector code in the programme's table
    origin: Country                                        # ISO 3166 alpha-3 (or ROW)
    value: float = Field(ge=0, description="purchases in the year, USD")


class ReadinessRow(_Row):
    sector: Code
    dimension: Code
    band: int = Field(ge=0, le=5)

    @field_validator("dimension")
    @classmethod
    def _known_dimension(cls, v: str) -> str:
        from industwin.data.readiness import load_model
        ids = load_model().ids
        if v not in ids:
            raise ValueError(f"unknown readiness dimension {v!r}; the dimensions are {', '.join(ids)}")
        return v


class ConsultationRow(_Row):
    question: Code
    answer: Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[^\x00-\x1f\x7f]+$")]


@dataclass(frozen=True)
class Kind:
    """What a kind of submission holds and how it is aggregated: the table ``rows`` × ``columns`` of ``value``
    summed (``statistic`` "sum"), averaged over contributors ("mean") or counted ("count")."""

    name: str
    row: type[_Row]
    rows: str
    columns: str
    value: str | None
    statistic: str
    unit: str
    title: str
    bounds: tuple[float, float] | None = None      # the values' range, where a mean at a bound would disclose


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("emissions", EmissionRow, "sector", "year", "value", "sum", "t CO2e", "Emissions by sector and year"),
    Kind("sourcing", SourcingRow, "product", "origin", "value", "sum", "USD", "Imported inputs by product and "
         "country of origin"),
    Kind("readiness", ReadinessRow, "dimension", "sector", "band", "mean", "band 0–5", "Readiness by dimension "
         "and sector (mean band)", (0, 5)),
    Kind("consultation", ConsultationRow, "question", "answer", None, "count", "respondents", "Consultation "
         "answers"),
)}


class Policy(BaseModel):
    """A submission's usage policy."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    purpose: Annotated[str, Field(min_length=1, max_length=500)]
    until: date
    third_party_use: Literal[False] = Field(False, description="submitted rows are never passed to third parties")


def _rows_schema(schema: dict) -> None:
    """The OpenAPI of ``rows``: the row schema of each kind (checked by the kind, after the body)."""
    schema.update(items={"anyOf": [r.model_json_schema() for r in (EmissionRow, SourcingRow, ReadinessRow,
                                                                    ConsultationRow)]},
                  description="rows of the kind: emissions {sector, year, value}; sourcing {product, origin, value};"
                              " readiness {sector, dimension, band}; consultation {question, answer}")


class SubmissionBody(BaseModel):
    """What an organisation sends: the kind, the usage policy and the rows (at most :data:`MAX_ROWS`)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    kind: Literal["emissions", "sourcing", "readiness", "consultation"]
    policy: Policy
    rows: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_ROWS, json_schema_extra=_rows_schema)


def _issues(e: PydanticError, source: str, prefix: tuple = ()) -> ValidationError:
    return ValidationError([ValidationIssue(source, ".".join(str(x) for x in (*prefix, *err["loc"])) or "body",
                                            err["msg"].replace("Input", "value"), "correct it and send again")
                            for err in e.errors()])


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class Aggregate:
    """A published table: ``values`` (margins ``Total`` as the last row and column; suppressed cells NaN),
    ``status`` per cell (published / primary: rules / secondary), ``contributors`` per published cell, the
    number of organisations and submissions it rests on, and the intruder audit of suppressed cells."""

    programme: str
    kind: str
    unit: str
    statistic: str
    values: pd.DataFrame
    status: pd.DataFrame
    contributors: pd.DataFrame
    organisations: int
    submissions: int
    as_of: date
    audit: pd.DataFrame

    def to_json(self) -> dict[str, Any]:
        v = self.values.astype(float)
        c = self.contributors.where(self.status == "published")
        return {"programme": self.programme, "kind": self.kind, "unit": self.unit, "statistic": self.statistic,
                "as_of": self.as_of.isoformat(), "organisations": self.organisations,
                "submissions": self.submissions, "rows": [str(r) for r in v.index],
                "columns": [str(x) for x in v.columns],
                "values": [[None if not np.isfinite(x) else round(float(x), 6) for x in row] for row in v.to_numpy()],
                "status": self.status.to_numpy().tolist(),
                "contributors": [[None if pd.isna(x) else int(x) for x in row] for row in c.to_numpy()]}


class DataSpace:
    """Programmes, members, submissions and aggregates in a :class:`~industwin.web.store.Store`."""

    def __init__(self, store: Store, directory: Directory | None = None):
        self.store = store
        self.directory = directory or Directory(store)

    # programmes and members ---------------------------------------------------------------------------------
    def add_programme(self, owner: Organisation, name: str, purpose: str, region: str, until: date,
                      sectors: list[str] | None = None, rules: Rules | None = None) -> Programme:
        """A new programme owned (and facilitated) by ``owner``."""
        name, purpose, rules = " ".join(name.split()), " ".join(purpose.split()), rules or Rules()
        if not name or len(name) > 200:
            raise DataError("programme name: 1 to 200 characters. Fix: give its name")
        if not purpose:
            raise DataError("programme purpose: empty. Fix: say what the data serve (it binds every submission)")
        if not re.fullmatch(r"[A-Z]{3}", region or ""):
            raise DataError(f"region {region!r}: an ISO 3166 alpha-3 code. Fix: e.g. DEU")
        if until < date.today():
            raise DataError(f"until {until}: in the past. Fix: the last day the programme's data may be used")
        for s in sectors or []:
            if not re.match(_CODE, s):
                raise DataError(f"sector {s!r}: not a sector code. Fix: e.g. c24")
        if not (rules.min_contributors >= 1 and 0 < rules.k <= 100 and rules.p >= 0 and rules.n >= 1):
            raise DataError("disclosure rules out of range. Fix: min_contributors ≥ 1, 0 < k ≤ 100, p ≥ 0")
        pid = new_id()
        try:
            with self.store.session() as s, s.begin():
                s.add(Programme(id=pid, name=name, purpose=purpose, region=region, sectors=list(sectors or []),
                                until=until, rules={"min_contributors": rules.min_contributors,
                                                         "n": rules.n, "k": rules.k, "p": rules.p}, owner_id=owner.id,
                                created_at=now()))
                s.flush()
                s.add(Member(programme_id=pid, org_id=owner.id, role="facilitator", created_at=now()))
        except IntegrityError:
            raise DataError(f"a programme named {name!r} exists. Fix: choose another name") from None
        p = self.programme(pid)
        self._log(owner.id, owner.name, "programme created", p, name)
        return p

    def programme(self, name_or_id: str) -> Programme:
        with self.store.session() as s:
            p = (s.get(Programme, name_or_id) if len(name_or_id) <= 32 else None) or s.scalars(
                select(Programme).where(Programme.name == name_or_id)).first()
        if p is None:
            raise SpaceError(404, f"no programme {name_or_id!r}. Fix: check its name (industwin programme list)")
        return p

    def add_member(self, programme: Programme, org: Organisation, role: str) -> None:
        if role not in MEMBER_ROLES:
            raise DataError(f"role {role!r} is not one of {', '.join(MEMBER_ROLES)}. Fix: choose one")
        try:
            self.store.add(Member(programme_id=programme.id, org_id=org.id, role=role, created_at=now()))
        except IntegrityError:
            raise DataError(f"{org.name} is already a member of {programme.name}. Fix: nothing to do") from None
        self._log(org.id, org.name, "member added", programme, role)

    def members(self, programme_id: str) -> list[tuple[Organisation, str]]:
        with self.store.session() as s:
            q = (select(Organisation, Member.role).join(Member, Member.org_id == Organisation.id)
                 .where(Member.programme_id == programme_id).order_by(Member.role, Organisation.name))
            return [(o, r) for o, r in s.execute(q)]

    def role(self, programme_id: str, org_id: str | None) -> str | None:
        if not org_id:
            return None
        with self.store.session() as s:
            return s.scalar(select(Member.role).where(Member.programme_id == programme_id,
                                                      Member.org_id == org_id))

    def programmes_of(self, org_id: str) -> list[tuple[Programme, str]]:
        with self.store.session() as s:
            q = (select(Programme, Member.role).join(Member, Member.programme_id == Programme.id)
                 .where(Member.org_id == org_id).order_by(Programme.name))
            return [(p, r) for p, r in s.execute(q)]

    def visible(self, programme_id: str, org_id: str | None, roles: tuple[str, ...] = MEMBER_ROLES) -> Programme:
        """The programme when ``org_id`` is a member in one of ``roles``; otherwise "not found" (404), so that
        outsiders cannot learn which programmes exist."""
        return self.membership(programme_id, org_id, roles)[0]

    def membership(self, programme_id: str, org_id: str | None, roles: tuple[str, ...] = MEMBER_ROLES
                   ) -> tuple[Programme, str]:
        """The programme and ``org_id``'s role in it (one query), as :meth:`visible`."""
        got = None
        if org_id and re.fullmatch(r"[0-9a-f]{32}", programme_id or ""):
            with self.store.session() as s:
                got = s.execute(select(Programme, Member.role).join(Member, Member.programme_id == Programme.id)
                                .where(Programme.id == programme_id, Member.org_id == org_id)).first()
        if got is None or got[1] not in roles:
            raise SpaceError(404, "no such programme. Fix: check the address; you see only your organisation's "
                                  "programmes")
        return got[0], got[1]

    def _log(self, org_id: str | None, actor: str, action: str, p: Programme, detail: str = "") -> None:
        self.directory.audit(org_id, actor, action, f"programme {p.id}: {detail}")

    def log(self, programme_id: str, org_id: str, limit: int = 500) -> list:
        """The programme's audit log (every submission, read, withdrawal, deletion and aggregate read), for
        its facilitator."""
        self.visible(programme_id, org_id, ("facilitator",))
        with self.store.session() as s:
            q = (select(AuditEntry).where(AuditEntry.target.like(f"programme {programme_id}:%"))
                 .order_by(AuditEntry.id.desc()).limit(limit))
            return list(s.scalars(q))

    # submissions ----------------------------------------------------------------------------------------------
    def check(self, programme: Programme, body: dict[str, Any] | bytes, source: str = "submission"
              ) -> tuple[SubmissionBody, list[dict[str, Any]]]:
        """The body and its rows validated (schema of the kind, the programme's purpose, dates, codes)."""
        try:
            sb = (SubmissionBody.model_validate_json(body) if isinstance(body, bytes | str)
                  else SubmissionBody.model_validate(body))
        except PydanticError as e:
            raise _issues(e, source) from None
        kind = KINDS[sb.kind]
        try:
            rows = [r.model_dump() for r in TypeAdapter(list[kind.row]).validate_python(sb.rows)]
        except PydanticError as e:
            raise _issues(e, source, ("rows",)) from None
        problems = []
        if _norm(sb.policy.purpose) != _norm(programme.purpose):
            problems.append(ValidationIssue(source, "policy.purpose", f"your policy permits {sb.policy.purpose!r}, "
                                            f"the programme's purpose is {programme.purpose!r}",
                                            "submit only data you allow for the programme's purpose"))
        if sb.policy.until < date.today():
            problems.append(ValidationIssue(source, "policy.until", f"{sb.policy.until} is past",
                                            "give the last day the data may be used"))
        if sb.kind == "sourcing":
            dom = [i for i, r in enumerate(rows) if r["origin"] == programme.region]
            if dom:
                problems.append(ValidationIssue(source, f"rows.{dom[0]}.origin", f"{programme.region} is the "
                                                "programme's own economy: sourcing rows are imported inputs",
                                                "leave domestic purchases out"))
        if problems:
            raise ValidationError(problems)
        return sb, rows

    def submit(self, programme_id: str, org_id: str, actor: str, body: dict[str, Any] | bytes, key: str,
               source: str = "submission") -> tuple[Submission, bool]:
        """Store a submission once per (organisation, ``key``): returns it and whether it is new. ``source``
        names the body in messages (a file's name)."""
        if not re.fullmatch(r"[\x21-\x7e]{1,100}", key or ""):
            raise SpaceError(422, "Idempotency-Key: 1 to 100 visible ASCII characters. Fix: send a unique key per "
                                  "submission (e.g. a UUID) and the same key when you retry it")
        p, role = self.membership(programme_id, org_id)
        if role == "observer":
            raise SpaceError(403, f"{p.name}: observers read the aggregates; they do not submit. Fix: ask the "
                                  "facilitator to make your organisation a contributor")
        sb, rows = self.check(p, body, source)
        canon = json.dumps({"kind": sb.kind, "policy": sb.policy.model_dump(mode="json"), "rows": rows},
                           sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(canon.encode()).hexdigest()
        kind = KINDS[sb.kind]
        total = float(sum(r[kind.value] for r in rows)) if kind.value else float(len(rows))
        sub = Submission(id=new_id(), programme_id=p.id, org_id=org_id, kind=sb.kind, idem_key=key,
                         body_sha256=digest, purpose=sb.policy.purpose, until=sb.policy.until, rows=rows,
                         n_rows=len(rows), total=total, created_by=actor[:254], created_at=now())
        try:                        # insert first (a retry is the rare case); with its audit entry, one transaction
            with self.store.session() as s, s.begin():
                s.add(sub)
                s.add(AuditEntry(org_id=org_id, actor=actor[:254], action="submitted", at=now(),
                                 target=f"programme {p.id}: {sb.kind}, {len(rows)} rows, until {sb.policy.until}"))
            return sub, True
        except IntegrityError:      # the key is taken: a retry, or the same key sent twice at once
            old = self._by_key(p.id, org_id, key)
            if old is None:
                raise
        if old.body_sha256 != digest:
            raise SpaceError(409, "Idempotency-Key already used for a different submission. Fix: use a new key "
                                  "for new data; resend the same body to retry")
        return old, False

    def _by_key(self, programme_id: str, org_id: str, key: str) -> Submission | None:
        with self.store.session() as s:
            return s.scalars(select(Submission).where(Submission.programme_id == programme_id,
                                                      Submission.org_id == org_id,
                                                      Submission.idem_key == key)).first()

    def submissions(self, programme_id: str, org_id: str) -> list[Submission]:
        """The organisation's own submissions to the programme."""
        self.visible(programme_id, org_id)
        with self.store.session() as s:
            return list(s.scalars(select(Submission).where(Submission.programme_id == programme_id,
                                                           Submission.org_id == org_id)
                                  .order_by(Submission.created_at.desc())))

    def submission(self, programme_id: str, submission_id: str, org_id: str, actor: str) -> Submission:
        """One of the organisation's own submissions; anyone else's is "not found"."""
        p = self.visible(programme_id, org_id)
        sub = self.store.get(Submission, submission_id) if re.fullmatch(r"[0-9a-f]{32}", submission_id) else None
        if sub is None or sub.org_id != org_id or sub.programme_id != programme_id:
            raise SpaceError(404, "no such submission. Fix: you can read only your organisation's submissions")
        self._log(org_id, actor, "submission read", p, submission_id)
        return sub

    def withdraw(self, programme_id: str, submission_id: str, org_id: str, actor: str) -> None:
        sub = self.submission(programme_id, submission_id, org_id, actor)
        with self.store.session() as s, s.begin():
            s.execute(delete(Submission).where(Submission.id == sub.id))
            s.add(AuditEntry(org_id=org_id, actor=actor[:254], action="submission withdrawn", at=now(),
                             target=f"programme {programme_id}: {submission_id}"))

    def register(self, programme_id: str, org_id: str, actor: str = "") -> pd.DataFrame:
        """Who submitted what, under which policy — never the rows (the facilitator's view)."""
        p = self.visible(programme_id, org_id, ("facilitator",))
        self._log(org_id, actor or org_id, "register read", p)
        with self.store.session() as s:
            q = (select(Organisation.name, Submission.kind, Submission.n_rows, Submission.purpose,
                        Submission.until, Submission.created_at)
                 .join(Organisation, Organisation.id == Submission.org_id)
                 .where(Submission.programme_id == programme_id).order_by(Submission.created_at.desc()))
            rows = s.execute(q).all()
        return pd.DataFrame(rows, columns=["organisation", "kind", "rows", "purpose", "until", "submitted"])

    def counts(self, programme_id: str) -> dict[str, int]:
        """Live submissions per kind (for the programme's page)."""
        with self.store.session() as s:
            q = (select(Submission.kind, func.count()).where(Submission.programme_id == programme_id,
                                                              Submission.until >= date.today())
                 .group_by(Submission.kind))
            return {k: int(n) for k, n in s.execute(q)}

    def purge(self, today: date | None = None) -> int:
        """Delete every submission whose usage policy has ended (``until`` < today), and those of programmes
        that have ended; each deletion is logged. Returns how many were deleted."""
        today = today or date.today()
        with self.store.session() as s, s.begin():
            ended = select(Programme.id).where(Programme.until < today)
            gone = s.execute(select(Submission.id, Submission.org_id, Submission.programme_id).where(
                (Submission.until < today) | Submission.programme_id.in_(ended))).all()
            if gone:                                 # deleted and logged in one transaction
                s.execute(delete(Submission).where(Submission.id.in_([g[0] for g in gone])))
                s.add_all([AuditEntry(org_id=org_id, actor="industwin", action="deleted past end date", at=now(),
                                      target=f"programme {pid}: {sid}") for sid, org_id, pid in gone])
        return len(gone)

    # aggregates -------------------------------------------------------------------------------------------
    def contributions(self, programme_id: str, kind: str, today: date | None = None) -> pd.DataFrame:
        """The live rows of ``kind`` as contributions (contributor = organisation), for :func:`protect`.
        Internal: never returned to a reader."""
        k = KINDS[kind]
        today = today or date.today()
        with self.store.session() as s:
            subs = s.execute(select(Submission.org_id, Submission.rows).where(
                Submission.programme_id == programme_id, Submission.kind == kind, Submission.until >= today)).all()
        recs = [(org, r[k.rows], str(r[k.columns]), float(r[k.value]) if k.value else 1.0)
                for org, rows in subs for r in rows]
        return pd.DataFrame(recs, columns=["contributor", k.rows, k.columns, "value"])

    def aggregate(self, programme_id: str, kind: str, org_id: str | None, actor: str,
                  today: date | None = None) -> Aggregate:
        """The protected table of ``kind`` for a member of the programme (every member sees the same)."""
        if kind not in KINDS:
            raise SpaceError(404, f"no aggregate {kind!r}. Fix: one of {', '.join(KINDS)}")
        p = self.visible(programme_id, org_id)
        self.purge(today)
        k = KINDS[kind]
        c = self.contributions(p.id, kind, today)
        if c.empty:
            raise SpaceError(409, f"{p.name}: no {kind} submissions yet. Fix: wait for members to submit")
        r = p.rules or {}
        rules = Rules(int(r.get("min_contributors", 3)), int(r.get("n", 2)), float(r.get("k", 85)),
                      float(r.get("p", 10)))
        try:
            if k.statistic == "mean":             # the mean over contributors (each counted once per cell)
                mt = protected_mean(c, k.rows, k.columns, "value", "contributor", rules, bounds=k.bounds)
                prot, values = mt.protected, mt.values
            else:
                prot = protect(c, k.rows, k.columns, "value", "contributor", rules)
                values = prot.values
        except SelectionError as e:
            raise SpaceError(409, f"{p.name}: {kind}: {e}") from None
        counts = (c.groupby([k.rows, k.columns])["contributor"].nunique().unstack(fill_value=0))
        per_row = c.groupby(k.rows)["contributor"].nunique()
        per_col = c.groupby(k.columns)["contributor"].nunique()
        counts = counts.reindex(index=prot.values.index, columns=prot.values.columns, fill_value=0)
        counts[TOTAL] = per_row.reindex(counts.index).fillna(0).astype(int)
        counts.loc[TOTAL] = per_col.reindex(counts.columns).fillna(0).astype(int)
        counts.loc[TOTAL, TOTAL] = c["contributor"].nunique()
        with self.store.session() as s:
            n_sub = s.scalar(select(func.count()).select_from(Submission).where(
                Submission.programme_id == p.id, Submission.kind == kind,
                Submission.until >= (today or date.today()))) or 0
        self._log(org_id, actor, "aggregate read", p, kind)
        return Aggregate(p.name, kind, k.unit, k.statistic, values, prot.status, counts.astype(int),
                         int(c["contributor"].nunique()), int(n_sub), today or date.today(), prot.audit)
