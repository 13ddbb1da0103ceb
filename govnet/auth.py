"""The acting user and the role/scope checks every service applies.

Authorization lives in the services: each service call takes an :class:`Actor`
and calls :func:`require` (role) and the scope helpers before changing
anything, so the CLI and the TUI cannot differ.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from govnet.errors import NotPermitted
from govnet.models import District, Role, Unit, User

READ_ALL = frozenset({Role.admin, Role.authority, Role.municipal_operator, Role.auditor})


@dataclass(frozen=True)
class Actor:
    """Who is acting: name, role and (for scoped roles) district or unit."""

    name: str
    role: Role
    district_id: int | None = None
    unit_id: int | None = None
    district_name: str | None = None
    unit_name: str | None = None

    def is_(self, *roles: Role) -> bool:
        return self.role in roles

    @property
    def reads_all(self) -> bool:
        return self.role in READ_ALL


def load_actor(session: Session, name: str) -> Actor:
    """The actor for user ``name``; an unknown user is not permitted anything."""
    user = session.exec(select(User).where(User.name == name)).first()
    if user is None:
        raise NotPermitted(
            f"unknown user {name!r}: an admin adds it with "
            f"'govnet user add {name} --role ROLE' (or run 'govnet init' once)"
        )
    district = session.get(District, user.district_id) if user.district_id else None
    unit = session.get(Unit, user.unit_id) if user.unit_id else None
    return Actor(
        name=user.name,
        role=Role(user.role),
        district_id=user.district_id,
        unit_id=user.unit_id,
        district_name=district.name if district else None,
        unit_name=unit.name if unit else None,
    )


def require(actor: Actor, *roles: Role, action: str) -> None:
    """Raise NotPermitted unless the actor has one of ``roles`` (admin always may)."""
    if actor.role is Role.admin or actor.role in roles:
        return
    raise NotPermitted(f"{actor.name} ({actor.role.value}) may not {action}")


def require_district(actor: Actor, district_id: int | None, *, action: str) -> None:
    """A district operator may act only inside its own district."""
    if actor.role is Role.district_operator and district_id != actor.district_id:
        raise NotPermitted(
            f"{actor.name} (district_operator of {actor.district_name}) may not {action} "
            "outside its district"
        )
