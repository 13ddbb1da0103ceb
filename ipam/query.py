"""Finding prefixes: by id, by filters a page at a time, and the free addresses of one.

The read side the network API needs beside ``ipam.report``: every query here is
indexed and takes a page (``limit``/``offset``) so a parent with 100,000 children
is never loaded whole. What a user may see is :func:`visible_clause`, the SQL form
of :func:`ipam.service.visible` (tests check that both agree).
"""

from __future__ import annotations

from typing import Any

from netaddr import IPAddress
from sqlalchemy import ColumnElement, false, func, select, true
from sqlmodel import Session, col

from govnet.auth import Actor
from govnet.errors import InvalidInput, NotFound
from govnet.models import Role
from ipam import freespace, space
from ipam.models import IpAddress, Prefix, Status
from ipam.service import visible


def visible_clause(actor: Actor) -> ColumnElement[bool]:
    """SQL of what ``actor`` may read (see :func:`ipam.service.visible`)."""
    if actor.reads_all:
        return true()
    if actor.role is Role.district_operator:
        return (col(Prefix.district_id) == actor.district_id) | (
            col(Prefix.status) == Status.container.value)
    if actor.unit_id is None:
        return false()
    return col(Prefix.owner_id) == actor.unit_id


def get_by_id(session: Session, actor: Actor, prefix_id: int) -> Prefix:
    """Prefix ``prefix_id`` if it exists and the actor may read it (else NotFound)."""
    prefix = session.get(Prefix, prefix_id)
    if prefix is None or not visible(actor, prefix):
        raise NotFound(f"no prefix {prefix_id}")
    return prefix


def find(session: Session, actor: Actor, *, vrf_id: int | None = None, prefix: str | None = None,
         within: str | None = None, within_include: bool = False, status: str | None = None,
         parent_id: int | None = None, limit: int = 50, offset: int = 0
         ) -> tuple[int, list[Prefix]]:
    """(count, one page) of the prefixes the actor may read, in address order.

    ``prefix`` matches one CIDR exactly; ``within`` those strictly inside a CIDR
    (``within_include`` also the CIDR itself); ``parent_id`` the direct children.
    """
    query = select(Prefix).where(visible_clause(actor))
    if vrf_id is not None:
        query = query.where(col(Prefix.vrf_id) == vrf_id)
    if prefix is not None:
        query = query.where(col(Prefix.cidr) == str(space.parse_cidr(prefix)))
    if within is not None:
        net = space.parse_cidr(within)
        query = query.where(col(Prefix.version) == net.version,
                            col(Prefix.first) >= space.key(net.first),
                            col(Prefix.last) <= space.key(net.last))
        if not within_include:
            query = query.where(col(Prefix.prefixlen) > net.prefixlen)
    if status is not None:
        query = query.where(col(Prefix.status) == status)
    if parent_id is not None:
        query = query.where(col(Prefix.parent_id) == parent_id)
    if limit < 0 or offset < 0:
        raise InvalidInput("limit and offset must be 0 or more")
    count = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.scalars(query.order_by(col(Prefix.vrf_id), col(Prefix.version),
                                          col(Prefix.first), col(Prefix.prefixlen))
                           .offset(offset).limit(limit))
    return count, list(rows)


def free_addresses(session: Session, prefix: Prefix, *, limit: int = 50) -> list[IPAddress]:
    """The first ``limit`` addresses of an allocated prefix not yet assigned (as
    ``assign_address`` would take them: IPv4 skips network and broadcast below /31)."""
    if prefix.status != Status.allocated.value:
        return []
    net = freespace.net_of(prefix)
    taken = set(session.scalars(select(col(IpAddress.address)).where(
        col(IpAddress.prefix_id) == prefix.id)))
    hosts: Any = net if net.version == 6 or net.prefixlen >= 31 else net.iter_hosts()
    out: list[IPAddress] = []
    for h in hosts:
        if len(out) >= limit:
            break
        if str(h) not in taken and not (net.version == 6 and h == net.network):
            out.append(h)
    return out
