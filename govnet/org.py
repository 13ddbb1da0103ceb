"""Districts, units and users: the organisation govnet serves."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, bindparam
from sqlmodel import Session, col, select

from govnet import audit
from govnet.auth import Actor, require
from govnet.errors import AlreadyExists, InvalidInput, NotFound, choice
from govnet.models import District, Role, Unit, User, table_of
from govnet.prepared import Prepared


def find_district(session: Session, name_or_code: str) -> District:
    """A district by name or code; NotFound (exit 2) names what was asked."""
    district = session.exec(
        select(District).where((col(District.name) == name_or_code) | (col(District.code) == name_or_code))
    ).first()
    if district is None:
        raise NotFound(f"unknown district {name_or_code!r}")
    return district


_UNIT_BY_NAME = select(Unit).where(col(Unit.name) == bindparam("name"))
_UNIT_ROW = Prepared(table_of(Unit).select().where(table_of(Unit).c.name == bindparam("name")))


def unit_row(session: Session, name: str) -> Row[Any]:
    """A unit as a read-only row (id, name, district_id): the allocation path's lookup."""
    row = _UNIT_ROW.first(session, {"name": name})
    if row is None:
        raise NotFound(f"unknown unit {name!r}")
    return row


def find_unit(session: Session, name: str) -> Unit:
    unit = session.scalars(_UNIT_BY_NAME, {"name": name}).first()
    if unit is None:
        raise NotFound(f"unknown unit {name!r}")
    return unit


def _check_name(kind: str, name: str, limit: int) -> str:
    name = name.strip()
    if not name or len(name) > limit or any(ord(ch) < 32 for ch in name):
        raise InvalidInput(f"{kind} name must be 1–{limit} printable characters")
    return name


def add_district(session: Session, actor: Actor, name: str, *, code: str | None = None) -> District:
    require(actor, action="add districts")
    name = _check_name("district", name, 64)
    if session.exec(select(District).where(col(District.name) == name)).first():
        raise AlreadyExists(f"district {name!r} exists already")
    if code and session.exec(select(District).where(col(District.code) == code)).first():
        raise AlreadyExists(f"district code {code!r} is taken")
    district = District(name=name, code=code)
    session.add(district)
    session.flush()
    audit.record(session, actor, "org.district.add", "district", district.id,
                 after={"name": name, "code": code})
    return district


def add_unit(session: Session, actor: Actor, name: str, *, district: str | None = None) -> Unit:
    require(actor, Role.municipal_operator, action="add units")
    name = _check_name("unit", name, 128)
    if session.exec(select(Unit).where(col(Unit.name) == name)).first():
        raise AlreadyExists(f"unit {name!r} exists already")
    district_row = find_district(session, district) if district else None
    unit = Unit(name=name, district_id=district_row.id if district_row else None)
    session.add(unit)
    session.flush()
    audit.record(session, actor, "org.unit.add", "unit", unit.id,
                 after={"name": name, "district": district_row.name if district_row else None})
    return unit


def add_user(
    session: Session, actor: Actor | None, name: str, *, role: str,
    district: str | None = None, unit: str | None = None, cert_subject: str | None = None,
) -> User:
    """Add a login. ``actor`` None is the bootstrap of ``govnet init``.

    ``cert_subject`` maps an X.509 client certificate to this user (see govnet.certs)."""
    if actor is not None:
        require(actor, action="add users")
    name = _check_name("user", name, 64)
    role_value = choice(Role, role, "role")
    district_row = find_district(session, district) if district else None
    unit_row = find_unit(session, unit) if unit else None
    if role_value is Role.district_operator and district_row is None:
        raise InvalidInput("a district_operator needs --district")
    if role_value is Role.applicant and unit_row is None:
        raise InvalidInput("an applicant needs --unit")
    if session.exec(select(User).where(col(User.name) == name)).first():
        raise AlreadyExists(f"user {name!r} exists already")
    if cert_subject is not None:
        from govnet.certs import check_subject

        cert_subject = check_subject(cert_subject)
        if session.exec(select(User).where(col(User.cert_subject) == cert_subject)).first():
            raise AlreadyExists(f"another user has the certificate subject {cert_subject!r}")
    user = User(name=name, role=role_value.value,
                district_id=district_row.id if district_row else None,
                unit_id=unit_row.id if unit_row else None, cert_subject=cert_subject)
    session.add(user)
    session.flush()
    audit.record(session, actor or name, "user.add", "user", name,
                 after={"role": role_value.value, "district": district, "unit": unit,
                        **({"cert_subject": cert_subject} if cert_subject else {})})
    return user


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.name))))


def list_districts(session: Session) -> list[District]:
    return list(session.exec(select(District).order_by(col(District.id))))


def list_units(session: Session) -> list[Unit]:
    return list(session.exec(select(Unit).order_by(col(Unit.id))))
