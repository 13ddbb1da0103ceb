"""Everyday edits of the organisation: rename and remove districts and units, remove users
and change their roles. Each is audited with before and after, and refused (exit 4) when
it would orphan data: a row that something still refers to is never removed.
"""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session, col, func, select

from govnet import audit
from govnet.auth import Actor, require
from govnet.errors import AlreadyExists, Conflict, NotFound
from govnet.models import District, Role, Unit, User
from govnet.org import _check_name, find_district, find_unit, role_scope
from govnet.references import refuse_if_referred

_Named = TypeVar("_Named", District, Unit)


def rename_district(session: Session, actor: Actor, old: str, new: str) -> District:
    require(actor, action="rename districts")
    return _rename(session, actor, find_district(session, old), new, "district", limit=64)


def remove_district(session: Session, actor: Actor, name: str) -> District:
    require(actor, action="remove districts")
    district = find_district(session, name)
    refuse_if_referred(session, District, district.id, f"district {district.name}")  # type: ignore[arg-type]
    session.delete(district)
    session.flush()
    audit.record(session, actor, "org.district.remove", "district", district.id,
                 before={"name": district.name, "code": district.code})
    return district


def rename_unit(session: Session, actor: Actor, old: str, new: str) -> Unit:
    require(actor, Role.municipal_operator, action="rename units")
    return _rename(session, actor, find_unit(session, old), new, "unit", limit=128)


def _rename(session: Session, actor: Actor, row: _Named, new: str, kind: str, *,
            limit: int) -> _Named:
    """Rename a district or unit to a free, valid name; audited with before and after."""
    new = _check_name(kind, new, limit)
    if new == row.name:
        return row
    model = type(row)
    if session.exec(select(model).where(col(model.name) == new)).first():
        raise AlreadyExists(f"{kind} {new!r} exists already")
    before = row.name
    row.name = new
    session.add(row)
    session.flush()
    audit.record(session, actor, f"org.{kind}.rename", kind, row.id,
                 before={"name": before}, after={"name": new})
    return row


def remove_unit(session: Session, actor: Actor, name: str) -> Unit:
    require(actor, Role.municipal_operator, action="remove units")
    unit = find_unit(session, name)
    refuse_if_referred(session, Unit, unit.id, f"unit {unit.name}")  # type: ignore[arg-type]
    district = session.get(District, unit.district_id) if unit.district_id else None
    session.delete(unit)
    session.flush()
    audit.record(session, actor, "org.unit.remove", "unit", unit.id,
                 before={"name": unit.name, "district": district.name if district else None})
    return unit


def find_user(session: Session, name: str) -> User:
    user = session.exec(select(User).where(col(User.name) == name)).first()
    if user is None:
        raise NotFound(f"unknown user {name!r}")
    return user


def _scope_of(session: Session, user: User) -> dict[str, str | None]:
    district = session.get(District, user.district_id) if user.district_id else None
    unit = session.get(Unit, user.unit_id) if user.unit_id else None
    return {"role": user.role, "district": district.name if district else None,
            "unit": unit.name if unit else None}


def _keep_an_admin(session: Session, actor: Actor, user: User, doing: str) -> None:
    """Never yourself (another admin does it), never the last admin."""
    if user.name == actor.name:
        raise Conflict(f"{actor.name} may not {doing} itself: another admin does that")
    admins = session.exec(select(func.count()).select_from(User)
                          .where(col(User.role) == Role.admin.value)).one()
    if user.role == Role.admin.value and admins <= 1:
        raise Conflict(f"{user.name} is the last admin: make another user admin first")


def remove_user(session: Session, actor: Actor, name: str) -> dict[str, str | None]:
    """Remove a login; its name stays in the audit chain and on what it did."""
    require(actor, action="remove users")
    user = find_user(session, name)
    _keep_an_admin(session, actor, user, "remove")
    before = _scope_of(session, user)
    session.delete(user)
    session.flush()
    audit.record(session, actor, "user.remove", "user", user.name, before=before)
    return before


def set_role(session: Session, actor: Actor, name: str, *, role: str,
             district: str | None = None, unit: str | None = None) -> dict[str, str | None]:
    """Give a user another role and scope (checked as ``user add`` checks them)."""
    require(actor, action="change roles")
    user = find_user(session, name)
    role_value, district_row, unit_row = role_scope(session, role, district, unit)
    before = _scope_of(session, user)
    if user.name == actor.name or role_value is not Role.admin:
        _keep_an_admin(session, actor, user, "change the role of")
    user.role = role_value.value
    user.district_id = district_row.id if district_row else None
    user.unit_id = unit_row.id if unit_row else None
    session.add(user)
    session.flush()
    after = _scope_of(session, user)
    if after != before:
        audit.record(session, actor, "user.role", "user", user.name, before=before, after=after)
    return after
