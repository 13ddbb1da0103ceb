"""Core tables: districts, units, users, and the audit chain.

Every table model of govnet registers on ``SQLModel.metadata``; importing
``govnet.schema`` imports them all (Alembic and tests use that).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, MetaData, Table, UniqueConstraint
from sqlmodel import Field, SQLModel

from govnet.clock import utcnow as utcnow
from govnet.roles import Role as Role

# One naming convention so Alembic migrations name constraints the same everywhere.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a table model (typed; SQLModel does not declare ``__table__``)."""
    return model.__table__  # type: ignore[attr-defined,no-any-return]


class District(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)
    code: str | None = Field(default=None, unique=True, max_length=16)
    created_at: datetime = Field(default_factory=utcnow)


class Unit(SQLModel, table=True):
    """A government unit; ``district_id`` is None for a city-level unit."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=128)
    district_id: int | None = Field(default=None, foreign_key="district.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class User(SQLModel, table=True):
    """A login with one role; district operators and applicants carry a scope."""

    __tablename__ = "govnet_user"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)
    role: str = Field(max_length=32)
    district_id: int | None = Field(default=None, foreign_key="district.id")
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    created_at: datetime = Field(default_factory=utcnow)
    # The X.509 client certificate that logs this user in to the API ("CN=…", a full
    # RFC 4514 subject, or a SAN entry such as "DNS:…" / "email:…").
    cert_subject: str | None = Field(default=None, unique=True, max_length=255)


class AuditEvent(SQLModel, table=True):
    """One audited change: event number ``seq``, position ``chain_seq`` in chain ``chain``.

    ``hash`` covers every field and ``prev_hash`` (see govnet/audit.py).
    """

    __table_args__ = (UniqueConstraint("chain", "chain_seq"),)
    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True)
    chain: int = 1
    chain_seq: int
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=64)
    action: str = Field(max_length=64, index=True)
    object_type: str = Field(max_length=32)
    object_id: str = Field(max_length=128)
    before: dict | None = Field(default=None, sa_column=Column(JSON))
    after: dict | None = Field(default=None, sa_column=Column(JSON))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """One row per chain (``id``), naming its newest event: detects deletion at the tail too."""

    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    hash: str = Field(default="0" * 64, max_length=64)


class ApiToken(SQLModel, table=True):
    """An API token of a user. Only the SHA-256 of the secret is stored; ``key`` is the
    public part of the token that finds the row (the secret is ``<key>.<random>``)."""

    __tablename__ = "api_token"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=32)
    digest: str = Field(max_length=64)
    user_id: int = Field(foreign_key="govnet_user.id", index=True)
    read_only: bool = False
    description: str = Field(default="", max_length=200)
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
