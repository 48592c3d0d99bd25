"""Who is who: organisations, the people who sign in for them and the machine clients that act for partners.

* **Passwords and client secrets** are hashed with Argon2id (``argon2-cffi``, RFC 9106 parameters) and
  never stored as given; a verification re-hashes when the parameters change.
* **Sign-in sessions** and **access tokens** are 256-bit random strings (``secrets.token_urlsafe``); only their
  SHA-256 is stored, with an expiry. An access token is issued to a client by the OAuth 2.0 client-credentials
  grant (RFC 6749 §4.4) and is good for ``TOKEN_SECONDS``.
* A :class:`Client` is issued by an organisation (the data owner) to a partner; a request made with its token
  acts on the issuing organisation's data, within what that organisation shares over PACT.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from industwin.collab.models import (
    ROLES,
    AccessToken,
    AuditEntry,
    Client,
    Connection,
    Organisation,
    Person,
    SignInSession,
)
from industwin.errors import DataError
from industwin.web.store import Store, new_id, now

__all__ = ["SESSION_SECONDS", "TOKEN_SECONDS", "Directory", "Issued", "TokenProblem", "sha256"]

TOKEN_SECONDS = 3600
SESSION_SECONDS = 8 * 3600
_HASHER = PasswordHasher()
_DUMMY = _HASHER.hash("not a secret anyone has")        # verified against when the name is unknown (same time)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Issued:
    """A new secret, shown once: the client id and secret, or a token and its lifetime."""

    id: str
    secret: str
    seconds: int = 0


class TokenProblem(Exception):
    """A bearer token that is not accepted: ``expired`` or unknown/revoked."""

    def __init__(self, expired: bool):
        super().__init__("token expired" if expired else "invalid token")
        self.expired = expired


def _verify(hash_: str, secret: str) -> bool:
    try:
        return _HASHER.verify(hash_, secret)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


class Directory:
    """Organisations, people, clients, tokens and connections in a :class:`~industwin.web.store.Store`."""

    def __init__(self, store: Store, token_seconds: int = TOKEN_SECONDS):
        self.store, self.token_seconds = store, token_seconds

    # organisations and people -------------------------------------------------------------------------------
    def add_organisation(self, name: str, company_ids: list[str] | None = None) -> Organisation:
        name = " ".join(name.split())
        if not name or len(name) > 200:
            raise DataError("organisation name: 1 to 200 characters. Fix: give its name")
        ids = list(company_ids or [f"urn:industwin:org:{new_id()}"])
        for c in ids:
            if not re.match(r"^[uU][rR][nN]:\S+$", c):
                raise DataError(f"company id {c!r} is not a URN. Fix: e.g. urn:lei:5299009NJQ5DXG6ZEV49")
        try:
            return self.store.add(Organisation(id=new_id(), name=name, company_ids=ids, created_at=now()))
        except IntegrityError:
            raise DataError(f"an organisation named {name!r} exists. Fix: choose another name") from None

    def organisation(self, name_or_id: str) -> Organisation:
        with self.store.session() as s:
            org = s.get(Organisation, name_or_id) or s.scalars(
                select(Organisation).where(Organisation.name == name_or_id)).first()
        if org is None:
            raise DataError(f"no organisation {name_or_id!r}. Fix: add it first (industwin org add)")
        return org

    def organisations(self) -> list[Organisation]:
        with self.store.session() as s:
            return list(s.scalars(select(Organisation).order_by(Organisation.name)))

    def add_person(self, org: Organisation, email: str, name: str, role: str, password: str) -> Person:
        email = email.strip().lower()
        if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email) or len(email) > 254:
            raise DataError(f"e-mail {email!r} is not an address. Fix: e.g. ana@ministry.gov")
        if role not in ROLES:
            raise DataError(f"role {role!r} is not one of {', '.join(ROLES)}. Fix: choose one")
        if len(password) < 12:
            raise DataError("password: at least 12 characters. Fix: choose a longer one (a passphrase)")
        try:
            return self.store.add(Person(id=new_id(), org_id=org.id, email=email, name=name.strip() or email,
                                         role=role, password_hash=_HASHER.hash(password), created_at=now()))
        except IntegrityError:
            raise DataError(f"{email} already has an account. Fix: sign in, or use another address") from None

    def people(self, org_id: str) -> list[Person]:
        with self.store.session() as s:
            return list(s.scalars(select(Person).where(Person.org_id == org_id).order_by(Person.email)))

    def sign_in(self, email: str, password: str) -> tuple[Person, str] | None:
        """A new session token for a correct e-mail and password; None otherwise (same time either way)."""
        with self.store.session() as s:
            p = s.scalars(select(Person).where(Person.email == email.strip().lower())).first() \
                if "\x00" not in email else None
        if p is None:
            _verify(_DUMMY, password)
            return None
        if not _verify(p.password_hash, password):
            return None
        if _HASHER.check_needs_rehash(p.password_hash):
            self._update(Person, p.id, password_hash=_HASHER.hash(password))
        token = secrets.token_urlsafe(32)
        self.store.add(SignInSession(token_sha256=sha256(token), person_id=p.id,
                                     expires_at=now() + timedelta(seconds=SESSION_SECONDS)))
        self.audit(p.org_id, p.email, "sign-in")
        return p, token

    def person_of_session(self, token: str | None) -> Person | None:
        if not token or len(token) > 200:
            return None
        with self.store.session() as s:
            ses = s.get(SignInSession, sha256(token))
            if ses is None or ses.expires_at < now():
                return None
            return s.get(Person, ses.person_id)

    def sign_out(self, token: str | None) -> None:
        if token:
            with self.store.session() as s, s.begin():
                s.execute(delete(SignInSession).where(SignInSession.token_sha256 == sha256(token)))

    # machine clients and tokens -----------------------------------------------------------------------------
    def issue_client(self, org: Organisation, partner: str, callback: Connection | None = None,
                     scope: str = "pact") -> Issued:
        """New client credentials (shown once). ``scope`` "pact": ``org`` gives them to ``partner``, whose
        system reads ``org``'s footprints over PACT (``callback``: the connection through which answers to the
        partner's requests are sent back); "api": ``org``'s own system acts for ``org`` on the data-space API.
        A token of one scope is refused by the other's endpoints."""
        if scope not in ("pact", "api"):
            raise DataError(f"scope {scope!r}: 'pact' or 'api'. Fix: choose one")
        cid, secret = f"iw-{secrets.token_hex(12)}", secrets.token_urlsafe(32)
        self.store.add(Client(id=cid, org_id=org.id, partner=partner.strip()[:200] or "partner",
                              secret_hash=_HASHER.hash(secret), callback_id=callback.id if callback else None,
                              scope=scope, created_at=now()))
        self.audit(org.id, partner, f"{scope} client issued", cid)
        return Issued(cid, secret)

    def set_callback(self, client_id: str, connection: Connection) -> None:
        self._update(Client, client_id, callback_id=connection.id)

    def clients(self, org_id: str) -> list[Client]:
        with self.store.session() as s:
            return list(s.scalars(select(Client).where(Client.org_id == org_id).order_by(Client.created_at)))

    def revoke(self, client_id: str) -> None:
        self._update(Client, client_id, revoked=True)
        with self.store.session() as s, s.begin():
            s.execute(delete(AccessToken).where(AccessToken.client_id == client_id))

    def issue_token(self, client_id: str, secret: str) -> Issued | None:
        """An access token for correct, unrevoked client credentials; None otherwise."""
        with self.store.session() as s:
            c = s.get(Client, client_id) if client_id and len(client_id) <= 64 and "\x00" not in client_id else None
        if c is None or c.revoked:
            _verify(_DUMMY, secret)
            return None
        if not _verify(c.secret_hash, secret):
            return None
        token = secrets.token_urlsafe(32)
        self.store.add(AccessToken(token_sha256=sha256(token), client_id=c.id,
                                   expires_at=now() + timedelta(seconds=self.token_seconds)))
        return Issued(c.id, token, self.token_seconds)

    def client_of_token(self, token: str, scope: str = "pact") -> Client:
        """The client a bearer token was issued to; :class:`TokenProblem` when expired, unknown, revoked or of
        another scope."""
        if not token or len(token) > 200:
            raise TokenProblem(expired=False)
        with self.store.session() as s:
            t = s.get(AccessToken, sha256(token))
            if t is None:
                raise TokenProblem(expired=False)
            if t.expires_at < now():
                raise TokenProblem(expired=True)
            c = s.get(Client, t.client_id)
        if c is None or c.revoked or c.scope != scope:
            raise TokenProblem(expired=False)
        return c

    # connections to partners' hosts -------------------------------------------------------------------------
    def add_connection(self, org: Organisation, name: str, base_url: str, client_id: str, client_secret: str,
                       verify: str = "") -> Connection:
        if not re.match(r"^https?://[^\s/]+(/\S*)?$", base_url or ""):
            raise DataError(f"base URL {base_url!r} is not an http(s) address. Fix: e.g. https://pact.example.com")
        return self.store.add(Connection(id=new_id(), org_id=org.id, name=name.strip()[:200] or base_url,
                                         base_url=base_url.rstrip("/"), client_id=client_id,
                                         client_secret=client_secret, verify=verify, created_at=now()))

    def connection(self, org_id: str, conn_id: str) -> Connection | None:
        """The connection, only if it belongs to ``org_id``."""
        with self.store.session() as s:
            c = s.get(Connection, conn_id)
        return c if c is not None and c.org_id == org_id else None

    def connections(self, org_id: str) -> list[Connection]:
        with self.store.session() as s:
            return list(s.scalars(select(Connection).where(Connection.org_id == org_id)
                                  .order_by(Connection.created_at)))

    def connect(self, a: Organisation, b: Organisation, base_url: str, verify: str = "") -> tuple[Connection,
                                                                                                Connection]:
        """Two organisations on the host at ``base_url`` each issue the other a client and hold a connection
        with it, answers to requests flowing back the same way. Returns (a's connection to b, b's to a)."""
        for_b = self.issue_client(a, b.name)          # a's data, read by b
        for_a = self.issue_client(b, a.name)          # b's data, read by a
        a_to_b = self.add_connection(a, b.name, base_url, for_a.id, for_a.secret, verify)
        b_to_a = self.add_connection(b, a.name, base_url, for_b.id, for_b.secret, verify)
        self.set_callback(for_b.id, a_to_b)           # a answers b's requests on b's host…
        self.set_callback(for_a.id, b_to_a)           # …and b answers a's on a's
        return a_to_b, b_to_a

    # audit ---------------------------------------------------------------------------------------------------
    def audit(self, org_id: str | None, actor: str, action: str, target: str = "") -> None:
        self.store.add(AuditEntry(org_id=org_id, actor=actor.replace("\x00", "")[:254], action=action[:60],
                                  target=target.replace("\x00", ""), at=now()))

    def audit_log(self, org_id: str, limit: int = 200) -> list[AuditEntry]:
        with self.store.session() as s:
            return list(s.scalars(select(AuditEntry).where(AuditEntry.org_id == org_id)
                                  .order_by(AuditEntry.id.desc()).limit(limit)))

    def _update(self, cls, id_, **values) -> None:
        with self.store.session() as s, s.begin():
            obj = s.get(cls, id_)
            for k, v in values.items():
                setattr(obj, k, v)
