"""Districts and units as read-only rows, in SQLAlchemy Core: the allocation path's
lookups (it imports no ORM; :mod:`govnet.org` has the ORM forms)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, bindparam, or_, select

from govnet import tables
from govnet.errors import NotFound
from govnet.prepared import Bind, Prepared

_D, _U = tables.district, tables.unit
_UNIT_ROW = Prepared(select(_U).where(_U.c.name == bindparam("name")))
_DISTRICT_ROW = Prepared(select(_D).where(or_(_D.c.name == bindparam("name"),
                                             _D.c.code == bindparam("name"))))


def unit_row(session: Bind, name: str) -> Row[Any]:
    """A unit (id, name, district_id, …) by name."""
    row = _UNIT_ROW.first(session, {"name": name})
    if row is None:
        raise NotFound(f"unknown unit {name!r}")
    return row


def district_row(session: Bind, name_or_code: str) -> Row[Any]:
    """A district by name or code; NotFound (exit 2) names what was asked."""
    row = _DISTRICT_ROW.first(session, {"name": name_or_code})
    if row is None:
        raise NotFound(f"unknown district {name_or_code!r}")
    return row
