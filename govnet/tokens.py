"""API tokens: created by an admin for a user, shown once, stored only as a hash.

A token is ``govnet_<key>.<secret>``: ``key`` (public, unique) finds the row and
only the SHA-256 of the whole token is stored, so neither a database dump nor a
log line that shows the key can be turned back into a credential. The secret has
256 random bits, so one SHA-256 is enough (no password-style stretching needed).
``authenticate`` is what the API calls for every request; a refused token says
why (unknown, revoked, expired) in one line.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from govnet import audit
from govnet.auth import Actor, require
from govnet.errors import InvalidInput, NotFound, NotPermitted, WrongState
from govnet.models import ApiToken, District, Role, Unit, User, utcnow
from govnet.prepared import Prepared

PREFIX = "govnet_"
_TOKEN = re.compile(r"^govnet_([0-9a-f]{12})\.([A-Za-z0-9_-]{43})$")
_EXPIRY = re.compile(r"^(\d{1,5})([hdw])$")
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
LAST_USE_EVERY = timedelta(seconds=60)  # last use is recorded at most once a minute


class TokenRefused(NotPermitted):
    """The credential itself is not good (unknown, revoked, expired): HTTP 401."""


@dataclass(frozen=True)
class Authenticated:
    """A token that was accepted: who it acts as and what it may do."""

    actor: Actor
    token_id: int
    read_only: bool
    last_used_at: datetime | None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse_expiry(text: str | None) -> timedelta | None:
    """``90d``, ``12h``, ``4w`` → a timedelta; None or ``never`` → no expiry.

    >>> parse_expiry("90d").days
    90
    >>> parse_expiry("never") is None
    True
    """
    if text is None or text.strip().lower() in ("", "never"):
        return None
    m = _EXPIRY.match(text.strip().lower())
    if m is None or int(m[1]) == 0:
        raise InvalidInput(f"--expires {text!r}: give a count and h, d or w (e.g. 90d), or never")
    return int(m[1]) * _UNITS[m[2]]


def _user(session: Session, name: str) -> User:
    user = session.exec(select(User).where(col(User.name) == name)).first()
    if user is None:
        raise NotFound(f"unknown user {name!r}")
    return user


def create(session: Session, actor: Actor, user: str, *, expires: str | None = None,
           read_only: bool = False, description: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the secret (shown once, never stored)."""
    require(actor, action="create API tokens")
    lifetime = parse_expiry(expires)
    description = description.strip()
    if len(description) > 200 or any(ord(c) < 32 for c in description):
        raise InvalidInput("--description must be at most 200 printable characters")
    owner = _user(session, user)
    key = secrets.token_hex(6)
    secret = f"{PREFIX}{key}.{secrets.token_urlsafe(32)}"
    now = utcnow()
    row = ApiToken(key=key, digest=digest(secret), user_id=owner.id,  # type: ignore[arg-type]
                   read_only=read_only, description=description, created_by=actor.name,
                   created_at=now, expires_at=now + lifetime if lifetime else None)
    session.add(row)
    session.flush()
    audit.record(session, actor, "token.create", "api_token", key,
                 after={"user": owner.name, "read_only": read_only,
                        "expires_at": row.expires_at.isoformat() if row.expires_at else None})
    return row, secret


def _find(session: Session, ref: str) -> ApiToken:
    ref = ref.strip()
    m = _TOKEN.match(ref)
    key = m[1] if m else ref
    row = session.exec(select(ApiToken).where(col(ApiToken.key) == key)).first()
    if row is None and ref.isdigit():
        row = session.get(ApiToken, int(ref))
    if row is None:
        raise NotFound(f"no API token {key!r}")
    return row


def revoke(session: Session, actor: Actor, ref: str) -> ApiToken:
    """Revoke a token (by key or id); it is refused from the next request on."""
    require(actor, action="revoke API tokens")
    row = _find(session, ref)
    if row.revoked_at is not None:
        raise WrongState(f"API token {row.key} is already revoked")
    row.revoked_at = utcnow()
    session.add(row)
    session.flush()
    audit.record(session, actor, "token.revoke", "api_token", row.key)
    return row


def list_tokens(session: Session, actor: Actor, *, user: str | None = None) -> list[ApiToken]:
    """Every token (admin and auditor), or only the actor's own."""
    query = select(ApiToken).order_by(col(ApiToken.id))
    if user is not None:
        query = query.where(col(ApiToken.user_id) == _user(session, user).id)
    if not actor.is_(Role.admin, Role.auditor):
        query = query.where(col(ApiToken.user_id) == _user(session, actor.name).id)
    return list(session.exec(query))


def token_dict(session: Session, row: ApiToken) -> dict[str, Any]:
    """A token as JSON-ready data: never the secret, never its hash."""
    owner = session.get(User, row.user_id)

    def when(value: datetime | None) -> str | None:
        return value.isoformat(timespec="seconds") if value else None

    return {"id": row.id, "key": row.key, "user": owner.name if owner else None,
            "read_only": row.read_only, "description": row.description,
            "created_by": row.created_by, "created_at": when(row.created_at),
            "expires_at": when(row.expires_at), "last_used_at": when(row.last_used_at),
            "revoked_at": when(row.revoked_at), "state": state_of(row)}


def state_of(row: ApiToken, now: datetime | None = None) -> str:
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at is not None and _aware(row.expires_at) <= (now or utcnow()):
        return "expired"
    return "active"


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


_T, _U = ApiToken.__table__, User.__table__  # type: ignore[attr-defined]
_D, _N = District.__table__.alias("d"), Unit.__table__.alias("n")  # type: ignore[attr-defined]
# Every request's lookup in one statement (token, its user, the user's district and
# unit), read afresh each time: a revoked or expired token, or a changed role, counts
# from the next request on.
_PRESENTED = Prepared(
    sa_select(_T.c.id, _T.c.digest, _T.c.read_only, _T.c.expires_at, _T.c.revoked_at,
              _T.c.last_used_at, _U.c.name, _U.c.role, _U.c.district_id, _U.c.unit_id,
              _D.c.name.label("district_name"), _N.c.name.label("unit_name"),
              _N.c.district_id.label("unit_district_id"))
    .select_from(_T.join(_U, _U.c.id == _T.c.user_id)
                 .outerjoin(_D, _D.c.id == _U.c.district_id)
                 .outerjoin(_N, _N.c.id == _U.c.unit_id))
    .where(_T.c.key == bindparam("key")))


def _datetime(value: Any) -> datetime | None:
    """A timestamp as the driver returns it (SQLite: text) as a datetime."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def authenticate(session: Session, token: str) -> Authenticated:
    """The actor a presented token acts as; TokenRefused if it is not a good token."""
    m = _TOKEN.match(token.strip())
    if m is None:
        raise TokenRefused("not a govnet API token")
    row = _PRESENTED.first(session, {"key": m[1]})
    if row is None or not hmac.compare_digest(row.digest, digest(token.strip())):
        raise TokenRefused("unknown API token")
    if row.revoked_at is not None:
        raise TokenRefused(f"API token {m[1]} is revoked")
    expires = _datetime(row.expires_at)
    if expires is not None and _aware(expires) <= utcnow():
        raise TokenRefused(f"API token {m[1]} is expired")
    actor = Actor(name=row.name, role=Role(row.role), district_id=row.district_id,
                  unit_id=row.unit_id, district_name=row.district_name,
                  unit_name=row.unit_name, unit_district_id=row.unit_district_id)
    return Authenticated(actor, row.id, bool(row.read_only), _datetime(row.last_used_at))


def use_due(last_used_at: datetime | None) -> bool:
    """Whether a use is worth recording: at most once a minute (no write per request)."""
    return last_used_at is None or utcnow() - _aware(last_used_at) >= LAST_USE_EVERY


def record_use(session: Session, token_id: int, last_used_at: datetime | None) -> bool:
    """Note the token's last use (see :func:`use_due`); returns whether it wrote."""
    if not use_due(last_used_at):
        return False
    session.execute(update(ApiToken).where(col(ApiToken.id) == token_id)
                    .values(last_used_at=utcnow()))
    return True

