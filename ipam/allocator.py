"""Allocation: the best-fitting free block, in SQLAlchemy Core.

``govnet ipam allocate`` runs this on a Core connection and imports no ORM (a
command's start budget, issue 11); :func:`ipam.service.allocate` (TUI, API,
provisioning) runs the same function on its session's connection and hands back the
ORM object. Role and scope checks, size rules, quarantine expiry, best fit on the
free-block index and the audit event are all here, once.
"""

from __future__ import annotations

from typing import Any

from netaddr import IPNetwork
from sqlalchemy import Row, bindparam, insert, select

from govnet import audit, tables, validate
from govnet.auth import Actor, require, require_district
from govnet.clock import utcnow
from govnet.errors import InvalidInput, NotFound, NotPermitted, PrefixConflict, SpaceExhausted, choice
from govnet.org_rows import district_row, unit_row
from govnet.prepared import Bind, Prepared
from govnet.roles import Role
from govnet.settings import settings
from ipam import freespace, space
from ipam.kinds import PARENT_STATUSES, Purpose, Status

ALLOCATORS = (Role.municipal_operator, Role.district_operator)

_VT, _PX = tables.vrf, tables.prefix
_VRF_ROW = Prepared(select(_VT.c.id, _VT.c.name).where(_VT.c.name == bindparam("name")))
_FIRST_VRF_ROW = Prepared(select(_VT.c.id, _VT.c.name).order_by(_VT.c.id).limit(1))
_DISTRICT_BLOCKS = Prepared(select(_PX).where(
    _PX.c.vrf_id == bindparam("vrf"), _PX.c.version == bindparam("version"),
    _PX.c.district_id == bindparam("district"), _PX.c.status == Status.delegated.value,
).order_by(_PX.c.id))
_INSERT_PREFIX = Prepared(insert(_PX).values(  # every column but the id it returns
    {c.name: bindparam(c.name, type_=c.type) for c in _PX.columns if c.name != "id"}
).returning(_PX.c.id))


def vrf_row(session: Bind, name: str | None) -> Row[Any]:
    """A zone as an (id, name) row; without a name, the first one created (the default)."""
    row = (_FIRST_VRF_ROW.first(session) if name is None
           else _VRF_ROW.first(session, {"name": name}))
    if row is None:
        raise NotFound("no VRF yet: add one with 'govnet ipam vrf add NAME'" if name is None
                       else f"unknown VRF {name!r}")
    return row


def text(value: str, field: str, limit: int = 200) -> str:
    return validate.text(value, field, limit=limit)


def purpose_of(value: str) -> str:
    return choice(Purpose, value, "purpose").value


def family_of(within: IPNetwork | None, family: int | None) -> int:
    if within is not None:
        if family is not None and family != within.version:
            raise InvalidInput(f"IPv{family} asked of {within}, an IPv{within.version} prefix")
        return within.version
    return family or 4


def length_of(size: str | None, hosts: int | None, version: int, purpose: str) -> int:
    if size is not None and hosts is not None:
        raise InvalidInput("give --size or --hosts, not both")
    if size is not None:
        return space.parse_size(size, version)
    if hosts is not None:
        return space.hosts_to_prefixlen(hosts, version)
    if purpose == Purpose.loopback.value:
        return space.BITS[version]
    if purpose == Purpose.interconnect.value:
        return (settings().interconnect_prefixlen if version == 4
                else settings().interconnect6_prefixlen)
    raise InvalidInput("give --size /N or --hosts N")


def check_scope(actor: Actor, parents: list[Any], unit: Any) -> None:
    """District operators act only inside their own district's delegated blocks; and for
    anyone, a unit's addresses come from its own district's blocks (or city pools), never
    from another district's block (Art. 25: a district allocates inside its block)."""
    if actor.role is Role.district_operator:
        for parent in parents:
            if parent.status != Status.delegated.value:
                raise NotPermitted(f"{actor.name} (district_operator) may allocate only inside "
                                   f"its district's blocks, not in pool {parent.cidr}")
            require_district(actor, parent.district_id, action=f"allocate in {parent.cidr}")
        if unit is not None and unit.district_id != actor.district_id:
            raise NotPermitted(f"{actor.name} (district_operator of {actor.district_name}) may "
                               f"not allocate to {unit.name}, a unit outside its district")
    if unit is None:
        return
    for parent in parents:
        if parent.status == Status.delegated.value and parent.district_id != unit.district_id:
            raise PrefixConflict(f"{parent.cidr} is another district's block than {unit.name}'s: "
                                 "a unit's addresses come from its own district's blocks or a "
                                 "city pool")


def district_label(parent: Any, claimed: Any | None, net: IPNetwork) -> int | None:
    """The district a prefix inside ``parent`` carries: that of the district block it lies
    in, else none (city space, even when the owner is a district's unit).

    A ``claimed`` district (an import row's) must be that block's district, else Conflict:
    a district's label never lies outside its delegated space.
    """
    label = parent.district_id if parent.status == Status.delegated.value else None
    if claimed is not None and claimed.id != label:
        raise PrefixConflict(f"{net} is labelled {claimed.name} but lies in {parent.cidr}, "
                             f"outside {claimed.name}'s blocks")
    return label


def take(session: Bind, parents: list[Any], version: int, length: int
         ) -> tuple[IPNetwork, Any]:
    """Best fit over ``parents``' free space; lock, expire quarantine, take."""
    if length > space.BITS[version]:
        raise InvalidInput(f"/{length} is not an IPv{version} prefix length")
    # A child is strictly smaller than its parent (prefixes are unique in a VRF).
    fitting = [p for p in parents if p.prefixlen < length]
    if not fitting:
        raise InvalidInput(f"a /{length} does not fit inside {parents[0].cidr}"
                           if len(parents) == 1 else f"a /{length} does not fit inside any of "
                           f"{len(parents)} blocks")
    parents = fitting
    ids = [p.id for p in parents]
    freespace.lock_parents(session, ids)
    expire_quarantine(session, parents)
    block = freespace.best_fit(session, parent_ids=ids, version=version, prefixlen=length)
    if block is None:
        where = parents[0].cidr if len(parents) == 1 else f"{len(parents)} blocks"
        raise SpaceExhausted(f"no free /{length} left in {where}")
    net = space.take(freespace.net_of(block), length)
    parent = next(p for p in parents if p.id == block.parent_id)
    freespace.take_free(session, block=block, target=net)
    return net, parent


def expire_quarantine(session: Bind, parents: list[Any]) -> None:
    by_id = {p.id: p for p in parents}
    for gone in freespace.expired_quarantine(session, parent_ids=list(by_id), now=utcnow()):
        free(session, gone, by_id[gone.parent_id])


def free(session: Bind, prefix: Any, parent: Any) -> None:
    """Delete ``prefix`` and give its space back to ``parent``."""
    net = freespace.net_of(prefix)
    freespace.delete_prefix(session, prefix.id)
    freespace.give_free(session, parent=parent, net=net)


def insert_prefix(session: Bind, *, vrf_id: int, net: IPNetwork, parent_id: int | None,
                  status: Status, district_id: int | None = None, owner_id: int | None = None,
                  purpose: str = Purpose.other.value, description: str = "") -> dict[str, Any]:
    """Insert a prefix (one prebuilt statement); a pool or a district block gets its free
    space. Returns the row's values with its ``id``."""
    now = utcnow()
    values: dict[str, Any] = dict(
        vrf_id=vrf_id, cidr=str(net), parent_id=parent_id, status=status.value,
        district_id=district_id, owner_id=owner_id, purpose=purpose, description=description,
        quarantine_until=None, created_at=now, updated_at=now, **freespace.range_keys(net))
    values["id"] = _INSERT_PREFIX.first(session, values)[0]
    if status in PARENT_STATUSES:
        freespace.add_free(session, parent_id=values["id"], net=net)
    return values


def allocate(session: Bind, actor: Actor, *, owner: str | None, size: str | None = None,
             hosts: int | None = None, district: str | None = None, within: str | None = None,
             vrf: str | None = None, purpose: str = "lan", description: str = "",
             family: int | None = None) -> dict[str, Any]:
    """Allocate the best-fitting free block for a unit, from a district's blocks or a parent;
    returns the new prefix's values (``id`` included).

    ``owner`` None (the NetBox-shaped API, whose clients name no unit) leaves it unowned."""
    require(actor, *ALLOCATORS, action="allocate addresses")
    if district is not None and within is not None:
        raise InvalidInput("give --district D or --within CIDR, not both (a district's "
                           "allocations come from its blocks: --within one of them)")
    # the names first: an unknown unit is the error, whatever else is missing
    unit = unit_row(session, owner) if owner is not None else None
    if district is None and within is None:
        raise InvalidInput("give --district D or --within CIDR")
    purpose = purpose_of(purpose)
    zone = vrf_row(session, vrf)
    source = space.parse_cidr(within) if within else None
    version = family_of(source, family)
    length = length_of(size, hosts, version, purpose)
    parents: list[Any]  # rows or Prefix objects: both carry the columns read below
    if source is not None:
        row = freespace.prefix_row(session, vrf_id=zone.id, net=source)
        if row is None:
            raise NotFound(f"no prefix {source} in VRF {zone.name}")
        if row.status not in PARENT_STATUSES:
            raise InvalidInput(f"{source} is {row.status}: allocate inside a pool or a "
                               "district block")
        parents = [row]
    else:
        target = district_row(session, district or "")
        parents = _DISTRICT_BLOCKS.rows(session, {"vrf": zone.id, "version": version,
                                                  "district": target.id})
        if not parents:
            raise SpaceExhausted(f"district {target.name} has no IPv{version} block in VRF "
                                 f"{zone.name}: apply for one with 'govnet ipam apply'")
    check_scope(actor, parents, unit)
    net, parent = take(session, parents, version, length)
    prefix = insert_prefix(session, vrf_id=zone.id, net=net, parent_id=parent.id,
                           status=Status.allocated,
                           district_id=district_label(parent, None, net),
                           owner_id=unit.id if unit is not None else None,
                           purpose=purpose, description=text(description, "description"))
    audit.record(session, actor, "ipam.allocate", "prefix", f"{zone.name}:{net}",
                 after={"prefix": str(net), "owner": unit.name if unit is not None else None,
                        "purpose": purpose, "parent": parent.cidr})
    return prefix
