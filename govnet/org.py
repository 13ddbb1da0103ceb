"""Districts, units and users: the organisation govnet serves."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from govnet import audit, validate
from govnet.auth import Actor, require, scope_where
from govnet.errors import AlreadyExists, InvalidInput, choice
from govnet.models import District, Role, Unit, User
from govnet.org_rows import district_row, unit_row


def find_district(session: Session, name_or_code: str) -> District:
    """A district by name or code, as its ORM object (found by
    :func:`govnet.org_rows.district_row`: one rule and one NotFound for both)."""
    session.flush()  # the Core lookup reads the database: let it see this session's changes
    district = session.get(District, district_row(session, name_or_code).id)
    assert district is not None
    return district


def find_unit(session: Session, name: str) -> Unit:
    """A unit by name, as its ORM object (found by :func:`govnet.org_rows.unit_row`)."""
    session.flush()
    unit = session.get(Unit, unit_row(session, name).id)
    assert unit is not None
    return unit


def _check_name(kind: str, name: str, limit: int) -> str:
    return validate.name(name, f"{kind} name", limit=limit)


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


def role_scope(session: Session, role: str, district: str | None, unit: str | None
               ) -> tuple[Role, District | None, Unit | None]:
    """A role and its scope, checked: a district operator needs a district, an applicant a unit."""
    role_value = choice(Role, role, "role")
    district_row = find_district(session, district) if district else None
    unit_row = find_unit(session, unit) if unit else None
    if role_value is Role.district_operator and district_row is None:
        raise InvalidInput("a district_operator needs --district")
    if role_value is Role.applicant and unit_row is None:
        raise InvalidInput("an applicant needs --unit")
    return role_value, district_row, unit_row


def add_user(
    session: Session, actor: Actor | None, name: str, *, role: str,
    district: str | None = None, unit: str | None = None, cert_subject: str | None = None,
) -> User:
    """Add a login. ``actor`` None is the bootstrap of ``govnet init``.

    ``cert_subject`` maps an X.509 client certificate to this user (see govnet.certs)."""
    if actor is not None:
        require(actor, action="add users")
    name = _check_name("user", name, 64)
    role_value, district_row, unit_row = role_scope(session, role, district, unit)
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


def list_users(session: Session, actor: Actor) -> list[User]:
    """Users the actor may see: all, its district's (directly or by unit), or its unit's."""
    query = (select(User).join(Unit, col(User.unit_id) == col(Unit.id), isouter=True)
             .where(scope_where(actor, district=func.coalesce(col(User.district_id),
                                                              col(Unit.district_id)),
                                unit=col(User.unit_id)))
             .order_by(col(User.name)))
    return list(session.exec(query))


def list_districts(session: Session, actor: Actor) -> list[District]:
    """Districts the actor may see: all, or the one it (or its unit) belongs to."""
    query = select(District).where(scope_where(actor, district=col(District.id))
                                   | (col(District.id) == actor.home_district_id))
    return list(session.exec(query.order_by(col(District.id))))


def list_units(session: Session, actor: Actor) -> list[Unit]:
    """Units the actor may see: all, its district's, or its own."""
    query = select(Unit).where(scope_where(actor, district=col(Unit.district_id),
                                           unit=col(Unit.id)))
    return list(session.exec(query.order_by(col(Unit.id))))
