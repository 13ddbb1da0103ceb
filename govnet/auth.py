"""The acting user and the role/scope checks every service applies.

Authorization lives in the services: each service call takes an :class:`Actor`
and calls :func:`require` (role) and the scope helpers before changing
anything, so the CLI and the TUI cannot differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, bindparam, false, select, true

from govnet import tables
from govnet.errors import NotFound, NotPermitted
from govnet.prepared import Bind, Prepared
from govnet.roles import Role

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
    unit_district_id: int | None = None

    def is_(self, *roles: Role) -> bool:
        return self.role in roles

    @property
    def reads_all(self) -> bool:
        return self.role in READ_ALL

    @property
    def home_district_id(self) -> int | None:
        """The district the actor works in: its own, or its unit's (None: city level)."""
        return self.district_id if self.district_id is not None else self.unit_district_id


_U, _D, _N = tables.govnet_user, tables.district, tables.unit
_ACTOR = Prepared(  # the user with its district and unit names, in one round trip
    select(_U.c.name, _U.c.role, _U.c.district_id, _U.c.unit_id,
           _D.c.name.label("district_name"), _N.c.name.label("unit_name"),
           _N.c.district_id.label("unit_district_id"))
    .select_from(_U.outerjoin(_D, _D.c.id == _U.c.district_id)
                 .outerjoin(_N, _N.c.id == _U.c.unit_id))
    .where(_U.c.name == bindparam("name")))


def load_actor(session: Bind, name: str) -> Actor:
    """The actor for user ``name``; an unknown user is not permitted anything."""
    user = _ACTOR.first(session, {"name": name})
    if user is None:
        raise NotPermitted(
            f"unknown user {name!r}: an admin adds it with "
            f"'govnet user add {name} --role ROLE' (or run 'govnet init' once)"
        )
    return Actor(name=user.name, role=Role(user.role), district_id=user.district_id,
                 unit_id=user.unit_id, district_name=user.district_name,
                 unit_name=user.unit_name, unit_district_id=user.unit_district_id)


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


# -- read scope: the one rule every listing and lookup applies ----------------------
#
# Readers of all (admin, authority, municipal_operator, auditor) see everything; a
# district_operator sees what belongs to its district; an applicant what belongs to
# its unit. An object is described by the district and the unit it belongs to (either
# may be None); services pass both and never test roles for reading themselves.

def sees(actor: Actor, *, district_id: int | None = None, unit_id: int | None = None) -> bool:
    """Whether ``actor`` may read an object of ``district_id`` / ``unit_id``."""
    if actor.reads_all:
        return True
    if actor.role is Role.district_operator:
        return district_id is not None and district_id == actor.district_id
    if actor.role is Role.applicant:
        return unit_id is not None and unit_id == actor.unit_id
    return False


def scope_where(actor: Actor, *, district: Any = None, unit: Any = None) -> ColumnElement[bool]:
    """:func:`sees` as a SQL condition on the object's district and unit columns."""
    if actor.reads_all:
        return true()
    if actor.role is Role.district_operator and district is not None:
        return district == actor.district_id  # type: ignore[no-any-return]
    if actor.role is Role.applicant and unit is not None:
        return unit == actor.unit_id  # type: ignore[no-any-return]
    return false()


def require_visible(actor: Actor, *, district_id: int | None = None, unit_id: int | None = None,
                    missing: str) -> None:
    """Raise NotFound(``missing``) unless :func:`sees` allows the object.

    ``missing`` is the very message a lookup of a missing object gives, so an object
    outside the actor's scope reads exactly as one that does not exist: no answer
    tells a district operator or an applicant what another district or unit has.
    """
    if not sees(actor, district_id=district_id, unit_id=unit_id):
        raise NotFound(missing)
