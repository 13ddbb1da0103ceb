"""The address plan's prefix lookups that hand back ORM objects (for services that
change them). Repository functions: keyword-only ``session``, never commit. The
free-block index and the allocation path's own lookups are in :mod:`ipam.freespace`.
"""

from __future__ import annotations

from datetime import datetime

from netaddr import IPNetwork
from sqlalchemy import func, select, update
from sqlmodel import Session, col

from ipam import space
from ipam.models import PARENT_STATUSES, Prefix


def get_prefix(session: Session, *, vrf_id: int, net: IPNetwork) -> Prefix | None:
    return session.scalars(
        select(Prefix).where(col(Prefix.vrf_id) == vrf_id, col(Prefix.cidr) == str(net))
    ).first()


def innermost_parent(session: Session, *, vrf_id: int, net: IPNetwork) -> Prefix | None:
    """The smallest container or delegated prefix that strictly contains ``net``."""
    first, last = space.key(net.first), space.key(net.last)
    return session.scalars(
        select(Prefix)
        .where(col(Prefix.vrf_id) == vrf_id, col(Prefix.version) == net.version,
               col(Prefix.status).in_([s.value for s in PARENT_STATUSES]),
               col(Prefix.first) <= first, col(Prefix.last) >= last,
               col(Prefix.prefixlen) < net.prefixlen)
        .order_by(col(Prefix.prefixlen).desc()).limit(1)
    ).first()


def overlapping_top_level(session: Session, *, vrf_id: int, net: IPNetwork) -> Prefix | None:
    """A pool (top-level prefix) of the VRF that overlaps ``net``."""
    return session.scalars(
        select(Prefix).where(
            col(Prefix.vrf_id) == vrf_id, col(Prefix.version) == net.version,
            col(Prefix.parent_id).is_(None),
            col(Prefix.first) <= space.key(net.last), col(Prefix.last) >= space.key(net.first),
        ).limit(1)
    ).first()


def children_count(session: Session, *, parent_id: int) -> int:
    return session.execute(
        select(func.count()).select_from(Prefix).where(col(Prefix.parent_id) == parent_id)
    ).scalar_one()


def touch(session: Session, prefix: Prefix, now: datetime, **values: object) -> None:
    session.execute(update(Prefix).where(col(Prefix.id) == prefix.id).values(updated_at=now, **values))
    for k, v in values.items():
        setattr(prefix, k, v)
    prefix.updated_at = now
