"""What the collaboration layer stores: organisations, people (hashed passwords, sign-in sessions), machine
clients (OAuth2 client credentials, access tokens), PACT connections to partners' hosts, product footprints
(published by the organisation or received from partners, with their search keys), the PACT events in and out,
and an audit log. Secrets are stored only as hashes (argon2 for passwords and client secrets, SHA-256 for
random session and access tokens); the secret a connection presents to a partner's host is kept as given,
readable only through its organisation."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from industwin.web.store import Base, new_id, now

__all__ = [
    "MEMBER_ROLES",
    "ROLES",
    "AccessToken",
    "AuditEntry",
    "Client",
    "Connection",
    "Footprint",
    "FootprintKey",
    "Member",
    "Organisation",
    "PactEvent",
    "Person",
    "Programme",
    "SignInSession",
    "Submission",
]

ROLES = ("government", "company", "facilitator", "observer")
MEMBER_ROLES = ("facilitator", "government", "contributor", "observer")


class Organisation(Base):
    __tablename__ = "organisations"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    company_ids: Mapped[list[str]] = mapped_column(JSON, default=list)     # URNs it is known by (PACT companyIds)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class Person(Base):
    __tablename__ = "people"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class SignInSession(Base):
    __tablename__ = "sessions"
    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class Client(Base):
    """Credentials an organisation (the data owner) issues to a partner's system: client id + secret."""

    __tablename__ = "clients"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)              # the client_id
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    partner: Mapped[str] = mapped_column(String(200))                           # who holds it
    secret_hash: Mapped[str] = mapped_column(Text)
    callback_id: Mapped[str | None] = mapped_column(ForeignKey("connections.id"), nullable=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    scope: Mapped[str] = mapped_column(String(8), default="pact")   # "pact": a partner reads; "api": the org's own
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class AccessToken(Base):
    __tablename__ = "access_tokens"
    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class Connection(Base):
    """An organisation's access to a partner's PACT host: where it is and the credentials the partner issued."""

    __tablename__ = "connections"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    base_url: Mapped[str] = mapped_column(Text)
    client_id: Mapped[str] = mapped_column(String(200))
    client_secret: Mapped[str] = mapped_column(Text)
    verify: Mapped[str] = mapped_column(Text, default="")       # CA bundle for the partner's TLS ("" = system)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class Footprint(Base):
    """A ProductFootprint (PACT v3 document in ``data``) an organisation published (``origin`` = "own") or
    received from a partner (``origin`` = "received", with the connection it came through)."""

    __tablename__ = "footprints"
    __table_args__ = (UniqueConstraint("org_id", "origin", "pf_id"),)
    row: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    origin: Mapped[str] = mapped_column(String(10))
    pf_id: Mapped[str] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(12))
    created: Mapped[datetime] = mapped_column(DateTime)
    valid_from: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    valid_to: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    connection_id: Mapped[str | None] = mapped_column(String(32), nullable=True)


class FootprintKey(Base):
    """What a footprint can be found by (ListFootprints filters): product, company, classification, geography."""

    __tablename__ = "footprint_keys"
    __table_args__ = (Index("ix_footprint_keys_kind_value", "kind", "value"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    row: Mapped[int] = mapped_column(ForeignKey("footprints.row"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(400))


class PactEvent(Base):
    """A PACT CloudEvent received by (``direction`` "in") or sent from ("out") an organisation's host."""

    __tablename__ = "pact_events"
    __table_args__ = (UniqueConstraint("org_id", "direction", "source", "event_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    direction: Mapped[str] = mapped_column(String(3))
    type: Mapped[str] = mapped_column(String(100))
    event_id: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(400))
    client_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12))               # received / answered / sent / failed
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=now, index=True)
    org_id: Mapped[str | None] = mapped_column(String(32), index=True, nullable=True)
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(Text, default="")


class Programme(Base):
    """A data space: organisations pool confidential submissions for one purpose; only protected statistics
    leave it. ``rules`` are the disclosure rules (min_contributors, n, k, p); ``until`` the last day its data
    may be used."""

    __tablename__ = "programmes"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    purpose: Mapped[str] = mapped_column(Text)
    region: Mapped[str] = mapped_column(String(8))                   # the economy it studies (e.g. DEU)
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)   # the buyers' sectors it covers
    until: Mapped[date] = mapped_column(Date)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    owner_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("programme_id", "org_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    programme_id: Mapped[str] = mapped_column(ForeignKey("programmes.id"), index=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class Submission(Base):
    """One organisation's confidential rows for a programme, under its usage policy (purpose, ``until``, no
    third-party use). Stored once per idempotency key; deleted after ``until``."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("programme_id", "org_id", "idem_key"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    programme_id: Mapped[str] = mapped_column(ForeignKey("programmes.id"), index=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    idem_key: Mapped[str] = mapped_column(String(100))
    body_sha256: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(Text)
    until: Mapped[date] = mapped_column(Date, index=True)
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    n_rows: Mapped[int] = mapped_column(Integer)
    total: Mapped[float] = mapped_column(Float)
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
