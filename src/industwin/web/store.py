"""What the web application keeps: jobs and their results, uploaded files, scenarios, consultation answers.

Storage through SQLAlchemy 2: an embedded SQLite file by default (no set-up; WAL journal so that pages read
while jobs write), any SQLAlchemy URL (``postgresql+psycopg://…``) for a shared server. Every stored object
records who created it (``created_by``). The schema is made and changed by Alembic migrations
(:func:`migrate`, run when a Store opens). Large
things (result tables, pages, PDFs, uploaded files) live as files in the server's home folder; the database
holds their names and checksums.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    Integer,
    String,
    Text,
    create_engine,
    event,
    func,
    inspect,
    select,
    text,
    true,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from industwin.errors import DataError

__all__ = ["TERMINAL", "Answer", "Base", "Job", "Scenario", "Store", "StoredFile", "migrate", "new_id", "now"]

MIGRATIONS = Path(__file__).parent / "migrations"
BASELINE = "0001"            # the tables of databases made before migrations existed

TERMINAL = ("done", "failed", "cancelled")


def new_id() -> str:
    return uuid.uuid4().hex


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON}


class Job(Base):
    """One run of a lens: its inputs, status and progress, and (when done) its result's blocks and files."""

    __tablename__ = "jobs"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    lens: Mapped[str] = mapped_column(String(40), index=True)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    key: Mapped[str] = mapped_column(String(64), index=True)          # identical inputs → identical key
    status: Mapped[str] = mapped_column(String(12), index=True, default="queued")
    step: Mapped[str] = mapped_column(Text, default="")
    done: Mapped[float] = mapped_column(Float, default=0.0)
    total: Mapped[float | None] = mapped_column(Float, nullable=True)
    message: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
    created_by: Mapped[str] = mapped_column(String(80))
    org_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)   # owner (None: open server)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now, index=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    @property
    def seconds(self) -> float | None:
        if self.started_at is None:
            return None
        return ((self.finished_at or now()) - self.started_at).total_seconds()


class StoredFile(Base):
    """A file a user brought, accepted by the input layer's reader of its kind."""

    __tablename__ = "files"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(Text)                           # relative to the home folder
    summary: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(80))
    org_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)   # owner (None: open server)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class Scenario(Base):
    """A disruption scenario written with the scenario builder (validated YAML)."""

    __tablename__ = "scenarios"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    yaml: Mapped[str] = mapped_column(Text)
    file_id: Mapped[str] = mapped_column(String(32))                  # the StoredFile the runs read
    created_by: Mapped[str] = mapped_column(String(80))
    org_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)   # owner (None: open server)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class Answer(Base):
    """One consultation answer: a respondent's score (1–5) of one priority, for one economy's strategy."""

    __tablename__ = "answers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    economy: Mapped[str] = mapped_column(String(8), index=True)
    respondent: Mapped[str] = mapped_column(String(120))
    group: Mapped[str] = mapped_column(String(40))
    priority: Mapped[str] = mapped_column(String(40))
    score: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(80))
    org_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)   # owner (None: open server)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class SelfAssessment(Base):
    """One company's readiness self-assessment, entered on the readiness page for one economy's strategy: the band
    (0–5) of each of the model's dimensions (``bands``: dimension id → band)."""

    __tablename__ = "assessments"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    economy: Mapped[str] = mapped_column(String(8), index=True)
    company: Mapped[str] = mapped_column(String(120))
    sector: Mapped[str] = mapped_column(String(16))
    size_class: Mapped[str] = mapped_column(String(8))
    nuts2: Mapped[str | None] = mapped_column(String(8), nullable=True)
    bands: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(80))
    org_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class Target(Base):
    """One target of an economy's strategy, kept with it for monitoring: the target's record as the monitoring
    file holds it (``body``: indicator, baseline and target years and values, programme metrics)."""

    __tablename__ = "targets"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    economy: Mapped[str] = mapped_column(String(8), index=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(80))
    org_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now)


def migrate(engine) -> str:
    """Bring the database to the newest schema with the Alembic migrations in ``web/migrations``; a database
    made before migrations existed (tables, no version) is stamped at the baseline first. On PostgreSQL an
    advisory lock keeps two servers starting at once from migrating together. Returns the revision."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    with engine.connect() as conn:
        if MigrationContext.configure(conn).get_current_revision() == head:
            return head
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(4815162342)"))
        cfg.attributes["connection"] = conn
        insp = inspect(conn)
        if insp.has_table("jobs") and not insp.has_table("alembic_version"):
            command.stamp(cfg, BASELINE)
        command.upgrade(cfg, "head")
    return head


EVERY = "*"                   # ``org`` of the server's own reads (the job queue): every owner's objects


def owned(cls, org: str | None):
    """The SQL condition "belongs to ``org``" (None: to no organisation, the open server's objects;
    :data:`EVERY`: to anyone)."""
    if org == EVERY:
        return true()
    return cls.org_id.is_(None) if org is None else cls.org_id == org


class Store:
    """The database: ``url`` any SQLAlchemy URL; tables are created when missing."""

    def __init__(self, url: str):
        self.url = url
        try:
            shown = make_url(url).render_as_string(hide_password=True)
        except ArgumentError:
            raise DataError(f"--db {url!r}: not a database URL. Fix: e.g. sqlite:///industwin.db or "
                            "postgresql+psycopg://user@host/industwin") from None
        try:
            self._open(url)
        except (ArgumentError, NoSuchModuleError, ModuleNotFoundError, OperationalError) as e:
            reason = " ".join(str(getattr(e, "orig", None) or e).split())[:160]
            raise DataError(f"--db {shown}: the database cannot be opened ({reason}). Fix: check the URL, that the "
                            "server runs and accepts you, and that its driver is installed (PostgreSQL: pip install "
                            "'industwin[postgres]')") from None

    def _open(self, url: str) -> None:
        sqlite = url.startswith("sqlite")
        self.engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30} if sqlite else {},
                                    json_serializer=lambda o: json.dumps(o, default=str), pool_pre_ping=not sqlite)
        if sqlite:
            @event.listens_for(self.engine, "connect")
            def _pragmas(conn, _):                              # readers never wait for the one writer
                cur = conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.close()
        migrate(self.engine)
        self.session = sessionmaker(self.engine, expire_on_commit=False)

    def get(self, cls, id_: str):
        with self.session() as s:
            return s.get(cls, id_)

    def add(self, obj):
        with self.session() as s, s.begin():
            s.add(obj)
        return obj

    def update_job(self, job_id: str, **values) -> None:
        with self.session() as s, s.begin():
            job = s.get(Job, job_id)
            if job is not None:
                for k, v in values.items():
                    setattr(job, k, v)

    def jobs(self, status: tuple[str, ...] | None = None, lens: str | None = None, limit: int = 200,
             org: str | None = None) -> list[Job]:
        """Jobs of one owner (``org``; None: the open server's, which belong to no organisation)."""
        q = select(Job).where(owned(Job, org)).order_by(Job.created_at.desc()).limit(limit)
        if status:
            q = q.where(Job.status.in_(status))
        if lens:
            q = q.where(Job.lens == lens)
        with self.session() as s:
            return list(s.scalars(q))

    def queued(self, limit: int) -> list[Job]:
        with self.session() as s:
            return list(s.scalars(select(Job).where(Job.status == "queued").order_by(Job.created_at).limit(limit)))

    def count_queued(self) -> int:
        with self.session() as s:
            return s.scalar(select(func.count()).select_from(Job).where(Job.status == "queued")) or 0

    def queue_position(self, job_id: str) -> int | None:
        """1 for the next job to run; None when the job is not queued."""
        with self.session() as s:
            job = s.get(Job, job_id)
            if job is None or job.status != "queued":
                return None
            return 1 + (s.scalar(select(func.count()).select_from(Job).where(
                Job.status == "queued", Job.created_at < job.created_at)) or 0)

    def finished_with_key(self, key: str) -> Job | None:
        with self.session() as s:
            return s.scalars(select(Job).where(Job.key == key, Job.status.in_(("done", "queued", "running")))
                             .order_by(Job.created_at.desc()).limit(1)).first()

    def files(self, kind: str | None = None, org: str | None = None) -> list[StoredFile]:
        q = select(StoredFile).where(owned(StoredFile, org)).order_by(StoredFile.created_at.desc())
        if kind:
            q = q.where(StoredFile.kind == kind)
        with self.session() as s:
            return list(s.scalars(q))

    def file_with(self, kind: str, sha256: str, org: str | None = None) -> StoredFile | None:
        """A stored file of that kind and content, if the owner keeps one."""
        with self.session() as s:
            return s.scalars(select(StoredFile).where(StoredFile.kind == kind, StoredFile.sha256 == sha256,
                                                      owned(StoredFile, org)).limit(1)).first()

    def owned_by(self, cls, id_: str, org: str | None):
        """The object when it exists and belongs to ``org``; None otherwise (the caller answers "not found")."""
        if not isinstance(id_, str) or not re.fullmatch(r"[0-9a-f]{32}", id_):
            return None
        obj = self.get(cls, id_)
        return obj if obj is not None and obj.org_id == org else None

    def assessments(self, economy: str, org: str | None = None) -> list[SelfAssessment]:
        """The readiness self-assessments entered for one economy by one owner, oldest first."""
        with self.session() as s:
            return list(s.scalars(select(SelfAssessment).where(SelfAssessment.economy == economy,
                                                               owned(SelfAssessment, org))
                                  .order_by(SelfAssessment.created_at, SelfAssessment.id)))

    def targets(self, economy: str, org: str | None = None) -> list[Target]:
        """The targets kept with one economy's strategy by one owner, oldest first."""
        with self.session() as s:
            return list(s.scalars(select(Target).where(Target.economy == economy, owned(Target, org))
                                  .order_by(Target.created_at, Target.id)))

    def delete_owned(self, cls, id_: str, org: str | None) -> bool:
        """Delete the object when it belongs to ``org``; False when there is none such."""
        obj = self.owned_by(cls, id_, org)
        if obj is None:
            return False
        with self.session() as s, s.begin():
            s.delete(s.get(cls, id_))
        return True

    def scenarios(self, org: str | None = None) -> list[Scenario]:
        with self.session() as s:
            return list(s.scalars(select(Scenario).where(owned(Scenario, org)).order_by(Scenario.created_at.desc())))

    def answers(self, economy: str, org: str | None = None) -> list[Answer]:
        with self.session() as s:
            return list(s.scalars(select(Answer).where(Answer.economy == economy, owned(Answer, org))
                                  .order_by(Answer.id)))

    def add_answers(self, answers: list[Answer]) -> None:
        with self.session() as s, s.begin():
            s.add_all(answers)
