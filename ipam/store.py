"""Storage of the address plan: prefix lookups and the free-block index.

Repository functions: they take a keyword-only ``session`` and never commit
(the service owns the transaction). Every question here is an indexed lookup;
nothing scans a parent's children.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from netaddr import IPNetwork
from sqlalchemy import Row, bindparam, delete, func, insert, select, update
from sqlmodel import Session, col

from govnet.db import is_postgres
from govnet.models import table_of
from govnet.prepared import Prepared
from ipam import space
from ipam.models import PARENT_STATUSES, FreeBlock, Prefix, Status


def net_of(row: Any) -> IPNetwork:
    """The network of a Prefix or FreeBlock (ORM object or Core row)."""
    return space.network_of(row.version, space.unkey(row.first), row.prefixlen)


def range_keys(net: IPNetwork) -> dict[str, object]:
    return {"version": net.version, "prefixlen": net.prefixlen,
            "first": space.key(net.first), "last": space.key(net.last)}


# -- prefixes ---------------------------------------------------------------

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


def lock_parents(session: Session, parent_ids: Sequence[int]) -> None:
    """PostgreSQL: lock the parent rows (in id order, so two allocators never deadlock).

    SQLite needs nothing: the write transaction began with BEGIN IMMEDIATE.
    """
    if parent_ids and is_postgres(session):
        session.execute(
            select(col(Prefix.id)).where(col(Prefix.id).in_(sorted(parent_ids)))
            .order_by(col(Prefix.id)).with_for_update()
        )


def children_count(session: Session, *, parent_id: int) -> int:
    return session.execute(
        select(func.count()).select_from(Prefix).where(col(Prefix.parent_id) == parent_id)
    ).scalar_one()


_PX = table_of(Prefix)
_EXPIRED = Prepared(select(_PX).where(_PX.c.parent_id == bindparam("parent"),
                                      _PX.c.status == Status.quarantined.value,
                                      _PX.c.quarantine_until <= bindparam("now")))
_PREFIX_ROW = Prepared(select(_PX).where(_PX.c.vrf_id == bindparam("vrf"),
                                         _PX.c.cidr == bindparam("cidr")))


def expired_quarantine(session: Session, *, parent_ids: Sequence[int], now: datetime
                       ) -> list[Row[Any]]:
    """Quarantined children of these parents whose quarantine has ended (usually none)."""
    return [row for parent in parent_ids
            for row in _EXPIRED.rows(session, {"parent": parent, "now": now})]


def prefix_row(session: Session, *, vrf_id: int, net: IPNetwork) -> Row[Any] | None:
    """A prefix as a read-only row (the allocation path's cheap lookup)."""
    return _PREFIX_ROW.first(session, {"vrf": vrf_id, "cidr": str(net)})


# -- the free-block index ---------------------------------------------------
# The allocation path runs these prebuilt Core statements on the session's
# connection: no statement is rebuilt per call and no ORM row is loaded.

_FB = table_of(FreeBlock)
_FIT = Prepared(select(_FB).where(_FB.c.parent_id == bindparam("parent"),
                                   _FB.c.version == bindparam("version"),
                                   _FB.c.prefixlen <= bindparam("length"))
                 .order_by(_FB.c.prefixlen.desc(), _FB.c.first).limit(1))
_CONTAINING = Prepared(select(_FB).where(_FB.c.parent_id == bindparam("parent"),
                                         _FB.c.version == bindparam("version"),
                                         _FB.c.first <= bindparam("first"))
                       .order_by(_FB.c.first.desc()).limit(1))
_FREE_COLUMNS = ("parent_id", "version", "prefixlen", "first", "last")
_INSERT_FREE = Prepared(insert(_FB).values({c: bindparam(c) for c in _FREE_COLUMNS}))
_DELETE_FREE = Prepared(delete(_FB).where(_FB.c.id == bindparam("block_id")))
_DELETE_BUDDY = Prepared(delete(_FB).where(_FB.c.parent_id == bindparam("parent"),
                                           _FB.c.version == bindparam("version"),
                                           _FB.c.prefixlen == bindparam("length"),
                                           _FB.c.first == bindparam("first")))


def add_free(session: Session, *, parent_id: int, net: IPNetwork) -> None:
    _INSERT_FREE.run(session, {"parent_id": parent_id, **range_keys(net)})


def best_fit(session: Session, *, parent_ids: Sequence[int], version: int, prefixlen: int
             ) -> Row[Any] | None:
    """The smallest free block holding a /prefixlen, lowest address among equals.

    One seek per parent on the index (parent_id, version, prefixlen DESC, first).
    """
    best: Any = None
    for parent_id in parent_ids:
        row = _FIT.first(session, {"parent": parent_id, "version": version, "length": prefixlen})
        if row is not None and (best is None or (row.prefixlen, best.first)
                                > (best.prefixlen, row.first)):
            best = row
    return best


def containing_free(session: Session, *, parent_id: int, net: IPNetwork) -> Row[Any] | None:
    """The free block of ``parent_id`` that contains ``net``, if any."""
    row = _CONTAINING.first(session, {"parent": parent_id, "version": net.version,
                                      "first": space.key(net.first)})
    if row is None or space.unkey(row.last) < net.last:
        return None
    return row


def take_free(session: Session, *, block: Row[Any], target: IPNetwork) -> None:
    """Remove ``target`` from the free block that holds it; keep the buddies free."""
    _DELETE_FREE.run(session, {"block_id": block.id})
    rest = space.carve(net_of(block), target)
    if rest:
        _INSERT_FREE.run(session, [{"parent_id": block.parent_id, **range_keys(n)} for n in rest])


def give_free(session: Session, *, parent: Prefix, net: IPNetwork) -> None:
    """Return ``net`` to its parent's free space, merging with free buddies."""
    while net.prefixlen > parent.prefixlen:
        mate = space.buddy(net)
        gone = _DELETE_BUDDY.run(session, {"parent": parent.id, "version": net.version,
                                           "length": mate.prefixlen,
                                           "first": space.key(mate.first)})
        if not gone:
            break
        net = space.supernet(net)
    add_free(session, parent_id=parent.id, net=net)  # type: ignore[arg-type]


def free_of(session: Session, *, parent_id: int) -> list[IPNetwork]:
    rows = session.scalars(
        select(FreeBlock).where(col(FreeBlock.parent_id) == parent_id).order_by(col(FreeBlock.first))
    )
    return [net_of(r) for r in rows]


def free_size(session: Session, *, parent_id: int, version: int) -> int:
    """Free addresses of a parent: a count per length, summed in Python (no 128-bit SQL)."""
    counts = session.execute(
        select(col(FreeBlock.prefixlen), func.count()).where(col(FreeBlock.parent_id) == parent_id)
        .group_by(col(FreeBlock.prefixlen))
    ).all()
    return sum(n * space.size_of(version, length) for length, n in counts)


def touch(session: Session, prefix: Prefix, now: datetime, **values: object) -> None:
    session.execute(update(Prefix).where(col(Prefix.id) == prefix.id).values(updated_at=now, **values))
    for k, v in values.items():
        setattr(prefix, k, v)
    prefix.updated_at = now
