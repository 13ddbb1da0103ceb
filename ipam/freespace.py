"""The free-block index and the allocation path's prefix lookups, in SQLAlchemy Core.

Each parent (a pool or a district block) keeps its free space in ``freeblock`` as
maximal aligned blocks, so best fit is one indexed seek and nothing scans a parent's
children. Repository functions: they take a keyword-only ``session`` (an ORM session
or a Core connection, see :mod:`govnet.prepared`) and never commit. They run prebuilt
statements on :mod:`govnet.tables`, so ``govnet ipam allocate`` imports no ORM.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from netaddr import IPNetwork
from sqlalchemy import Row, bindparam, delete, func, insert, select

from govnet import tables
from govnet.prepared import Bind, Prepared, dialect_name
from ipam import space
from ipam.kinds import Status

_PX = tables.prefix
_FB = tables.freeblock


def net_of(row: Any) -> IPNetwork:
    """The network of a Prefix or FreeBlock (ORM object or Core row)."""
    return space.network_of(row.version, space.unkey(row.first), row.prefixlen)


def range_keys(net: IPNetwork) -> dict[str, object]:
    return {"version": net.version, "prefixlen": net.prefixlen,
            "first": space.key(net.first), "last": space.key(net.last)}


# -- prefixes the allocation path reads ----------------------------------------

_PREFIX_ROW = Prepared(select(_PX).where(_PX.c.vrf_id == bindparam("vrf"),
                                         _PX.c.cidr == bindparam("cidr")))
_EXPIRED = Prepared(select(_PX).where(_PX.c.parent_id == bindparam("parent"),
                                      _PX.c.status == Status.quarantined.value,
                                      _PX.c.quarantine_until <= bindparam("now")))
_LOCK = Prepared(select(_PX.c.id).where(_PX.c.id == bindparam("id")).with_for_update())
_DELETE_PREFIX = Prepared(delete(_PX).where(_PX.c.id == bindparam("prefix_id")))


def prefix_row(session: Bind, *, vrf_id: int, net: IPNetwork) -> Row[Any] | None:
    """A prefix as a read-only row (the allocation path's cheap lookup)."""
    return _PREFIX_ROW.first(session, {"vrf": vrf_id, "cidr": str(net)})


def lock_parents(session: Bind, parent_ids: Sequence[int]) -> None:
    """PostgreSQL: lock the parent rows (in id order, so two allocators never deadlock).

    SQLite needs nothing: the write transaction began with BEGIN IMMEDIATE.
    """
    if parent_ids and dialect_name(session) == "postgresql":
        for parent_id in sorted(parent_ids):  # usually one: a prepared lock per row
            _LOCK.rows(session, {"id": parent_id})


def expired_quarantine(session: Bind, *, parent_ids: Sequence[int], now: datetime
                       ) -> list[Row[Any]]:
    """Quarantined children of these parents whose quarantine has ended (usually none)."""
    return [row for parent in parent_ids
            for row in _EXPIRED.rows(session, {"parent": parent, "now": now})]


def delete_prefix(session: Bind, prefix_id: int) -> None:
    _DELETE_PREFIX.run(session, {"prefix_id": prefix_id})


# -- the free-block index -----------------------------------------------------

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


def add_free(session: Bind, *, parent_id: int, net: IPNetwork) -> None:
    _INSERT_FREE.run(session, {"parent_id": parent_id, **range_keys(net)})


def best_fit(session: Bind, *, parent_ids: Sequence[int], version: int, prefixlen: int
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


def containing_free(session: Bind, *, parent_id: int, net: IPNetwork) -> Row[Any] | None:
    """The free block of ``parent_id`` that contains ``net``, if any."""
    row = _CONTAINING.first(session, {"parent": parent_id, "version": net.version,
                                      "first": space.key(net.first)})
    if row is None or space.unkey(row.last) < net.last:
        return None
    return row


def take_free(session: Bind, *, block: Row[Any], target: IPNetwork) -> None:
    """Remove ``target`` from the free block that holds it; keep the buddies free."""
    _DELETE_FREE.run(session, {"block_id": block.id})
    rest = space.carve(net_of(block), target)
    if rest:
        _INSERT_FREE.run(session, [{"parent_id": block.parent_id, **range_keys(n)} for n in rest])


def give_free(session: Bind, *, parent: Any, net: IPNetwork) -> None:
    """Return ``net`` to its parent's free space, merging with free buddies."""
    while net.prefixlen > parent.prefixlen:
        mate = space.buddy(net)
        gone = _DELETE_BUDDY.run(session, {"parent": parent.id, "version": net.version,
                                           "length": mate.prefixlen,
                                           "first": space.key(mate.first)})
        if not gone:
            break
        net = space.supernet(net)
    add_free(session, parent_id=parent.id, net=net)


def free_of(session: Bind, *, parent_id: int) -> list[IPNetwork]:
    rows = session.execute(select(_FB).where(_FB.c.parent_id == parent_id)
                           .order_by(_FB.c.first))
    return [net_of(r) for r in rows]


def free_size(session: Bind, *, parent_id: int, version: int) -> int:
    """Free addresses of a parent: a count per length, summed in Python (no 128-bit SQL)."""
    counts = session.execute(
        select(_FB.c.prefixlen, func.count()).where(_FB.c.parent_id == parent_id)
        .group_by(_FB.c.prefixlen)
    ).all()
    return sum(n * space.size_of(version, length) for length, n in counts)
