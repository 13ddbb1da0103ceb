"""Storage of the address plan: prefix lookups and the free-block index.

Repository functions: they take a keyword-only ``session`` and never commit
(the service owns the transaction). Every question here is an indexed lookup;
nothing scans a parent's children.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from netaddr import IPNetwork
from sqlalchemy import delete, func, select, update
from sqlmodel import Session, col

from govnet.db import is_postgres
from ipam import space
from ipam.models import PARENT_STATUSES, FreeBlock, Prefix, Status


def net_of(row: Prefix | FreeBlock) -> IPNetwork:
    return space.network_of(row.version, space.unkey(row.first), row.prefixlen)


def range_keys(net: IPNetwork) -> dict[str, object]:
    return {"version": net.version, "prefixlen": net.prefixlen,
            "first": space.key(net.first), "last": space.key(net.last)}


# -- prefixes ---------------------------------------------------------------

def get_prefix(session: Session, *, vrf_id: int, net: IPNetwork) -> Prefix | None:
    return session.scalars(
        select(Prefix).where(Prefix.vrf_id == vrf_id, Prefix.cidr == str(net))
    ).first()


def innermost_parent(session: Session, *, vrf_id: int, net: IPNetwork) -> Prefix | None:
    """The smallest container or delegated prefix that strictly contains ``net``."""
    first, last = space.key(net.first), space.key(net.last)
    return session.scalars(
        select(Prefix)
        .where(Prefix.vrf_id == vrf_id, Prefix.version == net.version,
               col(Prefix.status).in_([s.value for s in PARENT_STATUSES]),
               col(Prefix.first) <= first, col(Prefix.last) >= last,
               Prefix.prefixlen < net.prefixlen)
        .order_by(col(Prefix.prefixlen).desc()).limit(1)
    ).first()


def overlapping_top_level(session: Session, *, vrf_id: int, net: IPNetwork) -> Prefix | None:
    """A pool (top-level prefix) of the VRF that overlaps ``net``."""
    return session.scalars(
        select(Prefix).where(
            Prefix.vrf_id == vrf_id, Prefix.version == net.version,
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
            select(Prefix.id).where(col(Prefix.id).in_(sorted(parent_ids)))
            .order_by(Prefix.id).with_for_update()
        )


def children_count(session: Session, *, parent_id: int) -> int:
    return session.execute(
        select(func.count()).select_from(Prefix).where(Prefix.parent_id == parent_id)
    ).scalar_one()


def expired_quarantine(session: Session, *, parent_ids: Sequence[int], now: datetime
                       ) -> list[Prefix]:
    return list(session.scalars(
        select(Prefix).where(col(Prefix.parent_id).in_(parent_ids),
                             Prefix.status == Status.quarantined.value,
                             col(Prefix.quarantine_until) <= now)
    ))


# -- the free-block index ---------------------------------------------------

def add_free(session: Session, *, parent_id: int, net: IPNetwork) -> None:
    session.add(FreeBlock(parent_id=parent_id, **range_keys(net)))  # type: ignore[arg-type]


def best_fit(session: Session, *, parent_ids: Sequence[int], version: int, prefixlen: int
             ) -> FreeBlock | None:
    """The smallest free block holding a /prefixlen, lowest address among equals.

    Two index seeks per parent: the longest fitting length, then the lowest block of it.
    """
    best: FreeBlock | None = None
    for parent_id in parent_ids:
        length = session.execute(
            select(func.max(FreeBlock.prefixlen)).where(
                FreeBlock.parent_id == parent_id, FreeBlock.version == version,
                FreeBlock.prefixlen <= prefixlen)
        ).scalar_one()
        if length is None:
            continue
        row = session.scalars(
            select(FreeBlock).where(FreeBlock.parent_id == parent_id,
                                    FreeBlock.version == version,
                                    FreeBlock.prefixlen == length)
            .order_by(col(FreeBlock.first)).limit(1)
        ).first()
        if best is None or (row.prefixlen, best.first) > (best.prefixlen, row.first):
            best = row
    return best


def containing_free(session: Session, *, parent_id: int, net: IPNetwork) -> FreeBlock | None:
    """The free block of ``parent_id`` that contains ``net``, if any."""
    row = session.scalars(
        select(FreeBlock).where(FreeBlock.parent_id == parent_id,
                                FreeBlock.version == net.version,
                                col(FreeBlock.first) <= space.key(net.first))
        .order_by(col(FreeBlock.first).desc()).limit(1)
    ).first()
    if row is None or space.unkey(row.last) < net.last:
        return None
    return row


def take_free(session: Session, *, block: FreeBlock, target: IPNetwork) -> None:
    """Remove ``target`` from the free block that holds it; keep the buddies free."""
    parent_id = block.parent_id
    rest = space.carve(net_of(block), target)
    session.execute(delete(FreeBlock).where(FreeBlock.id == block.id))
    for net in rest:
        add_free(session, parent_id=parent_id, net=net)


def give_free(session: Session, *, parent: Prefix, net: IPNetwork) -> None:
    """Return ``net`` to its parent's free space, merging with free buddies."""
    parent_len = parent.prefixlen
    while net.prefixlen > parent_len:
        mate = space.buddy(net)
        gone = session.execute(
            delete(FreeBlock).where(FreeBlock.parent_id == parent.id,
                                    FreeBlock.version == net.version,
                                    FreeBlock.prefixlen == mate.prefixlen,
                                    FreeBlock.first == space.key(mate.first))
        ).rowcount
        if not gone:
            break
        net = space.supernet(net)
    add_free(session, parent_id=parent.id, net=net)  # type: ignore[arg-type]


def free_of(session: Session, *, parent_id: int) -> list[IPNetwork]:
    rows = session.scalars(
        select(FreeBlock).where(FreeBlock.parent_id == parent_id).order_by(col(FreeBlock.first))
    )
    return [net_of(r) for r in rows]


def free_size(session: Session, *, parent_id: int, version: int) -> int:
    """Free addresses of a parent: a count per length, summed in Python (no 128-bit SQL)."""
    counts = session.execute(
        select(FreeBlock.prefixlen, func.count()).where(FreeBlock.parent_id == parent_id)
        .group_by(FreeBlock.prefixlen)
    ).all()
    return sum(n * space.size_of(version, length) for length, n in counts)


def touch(session: Session, prefix: Prefix, now: datetime, **values: object) -> None:
    session.execute(update(Prefix).where(Prefix.id == prefix.id).values(updated_at=now, **values))
    for k, v in values.items():
        setattr(prefix, k, v)
    prefix.updated_at = now
