"""IPAM operations: the address plan's rules, roles and audit in one place.

Every function takes the session (the caller owns the transaction) and the
acting user, checks role and scope before it changes anything, records an
audit event, and raises a typed error on bad input or conflict. The CLI and
the TUI call these and nothing else.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from netaddr import IPNetwork
from sqlalchemy import ColumnElement, Row, bindparam, delete, insert, select
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, col

from govnet import audit, validate
from govnet.auth import Actor, require, require_district, scope_where, sees
from govnet.confignames import check_identifier, check_rd
from govnet.errors import (
    AlreadyExists,
    InvalidInput,
    NotFound,
    NotPermitted,
    PrefixConflict,
    SpaceExhausted,
    WrongState,
    choice,
)
from govnet.models import Role, table_of, utcnow
from govnet.org import find_district, unit_row
from govnet.prepared import Prepared
from govnet.settings import settings
from ipam import space, store
from ipam.models import PARENT_STATUSES, IpAddress, Prefix, Purpose, Status, Vrf
from ipam.view import prefix_dict, vrf_dict

ALLOCATORS = (Role.municipal_operator, Role.district_operator)


# -- zones ------------------------------------------------------------------

def add_vrf(session: Session, actor: Actor, name: str, *, description: str = "",
            device_name: str | None = None, rd: str | None = None,
            rt: str | None = None) -> Vrf:
    """A zone; ``device_name`` (the VPN instance / VRF name on devices), ``rd`` and ``rt``
    (``ASN:NN``; rt defaults to rd) let provisioning define the instance where missing."""
    require(actor, Role.municipal_operator, action="add VRFs")
    name = validate.name(name, "VRF name")
    description = _text(description, "description")
    if device_name is not None:
        device_name = check_identifier(device_name.strip(), "--device-name")
    rd = check_rd(rd.strip(), "--rd") if rd is not None else None
    rt = check_rd(rt.strip(), "--rt") if rt is not None else None
    if rt is not None and rd is None:
        raise InvalidInput("--rt needs --rd (a route target without a route distinguisher)")
    if session.scalars(select(Vrf).where(col(Vrf.name) == name)).first():
        raise AlreadyExists(f"VRF {name!r} exists already")
    if device_name is not None and session.scalars(
            select(Vrf).where(col(Vrf.device_name) == device_name)).first():
        raise AlreadyExists(f"device VRF name {device_name!r} is used by another zone")
    vrf = Vrf(name=name, description=description, device_name=device_name, rd=rd,
              rt=rt or rd)
    session.add(vrf)
    session.flush()
    after = {"description": description} | {  # the device fields only when given
        k: v for k, v in vrf_dict(vrf).items() if k in ("device_name", "rd", "rt") and v}
    audit.record(session, actor, "ipam.vrf.add", "vrf", name, after=after)
    return vrf


_FIRST_VRF = select(Vrf).order_by(col(Vrf.id)).limit(1)
_VRF_BY_NAME = select(Vrf).where(col(Vrf.name) == bindparam("name"))
_VT = table_of(Vrf)
_VRF_ROW = Prepared(select(_VT.c.id, _VT.c.name).where(_VT.c.name == bindparam("name")))
_FIRST_VRF_ROW = Prepared(select(_VT.c.id, _VT.c.name).order_by(_VT.c.id).limit(1))


def vrf_row(session: Session, name: str | None) -> Row[Any]:
    """Like :func:`get_vrf`, as a read-only (id, name) row: the allocation path's lookup."""
    row = (_FIRST_VRF_ROW.first(session) if name is None
           else _VRF_ROW.first(session, {"name": name}))
    if row is None:
        raise NotFound("no VRF yet: add one with 'govnet ipam vrf add NAME'" if name is None
                       else f"unknown VRF {name!r}")
    return row


def get_vrf(session: Session, name: str | None) -> Vrf:
    """The named VRF; without a name, the first one created (the default zone)."""
    vrf = (session.scalars(_FIRST_VRF) if name is None
           else session.scalars(_VRF_BY_NAME, {"name": name})).first()
    if vrf is None:
        if name is None:
            raise NotFound("no VRF yet: add one with 'govnet ipam vrf add NAME'")
        raise NotFound(f"unknown VRF {name!r}")
    return vrf


def list_vrfs(session: Session) -> list[Vrf]:
    return list(session.scalars(select(Vrf).order_by(col(Vrf.id))))


# -- pools and delegation -----------------------------------------------------

_PREFIX_COLUMNS = ("vrf_id", "cidr", "parent_id", "status", "district_id", "owner_id", "purpose",
                   "description", "quarantine_until", "created_at", "updated_at", "version",
                   "prefixlen", "first", "last")
_INSERT_PREFIX = Prepared(insert(table_of(Prefix)).values(
    {c: bindparam(c, type_=table_of(Prefix).c[c].type) for c in _PREFIX_COLUMNS}
).returning(table_of(Prefix).c.id))


def _new_prefix(session: Session, *, vrf: Any, net: IPNetwork, parent: Prefix | None,
                status: Status, district_id: int | None = None, owner_id: int | None = None,
                purpose: str = Purpose.other.value, description: str = "") -> Prefix:
    """Insert a prefix (one prebuilt statement) and hand back its persistent object."""
    now = utcnow()
    values = dict(vrf_id=vrf.id, cidr=str(net), parent_id=parent.id if parent else None,
                  status=status.value, district_id=district_id, owner_id=owner_id,
                  purpose=purpose, description=description, quarantine_until=None,
                  created_at=now, updated_at=now, **store.range_keys(net))
    new_id = _INSERT_PREFIX.first(session, values)[0]
    prefix = Prefix(id=new_id, **values)
    make_transient_to_detached(prefix)
    session.add(prefix)
    if status in PARENT_STATUSES:
        store.add_free(session, parent_id=new_id, net=net)
    return prefix


def add_pool(session: Session, actor: Actor, cidr: str, *, vrf: str | None = None,
             description: str = "") -> Prefix:
    """A municipal pool: a top-level container of a VRF."""
    require(actor, Role.municipal_operator, action="add pools")
    net = space.parse_cidr(cidr)
    zone = get_vrf(session, vrf)
    clash = store.overlapping_top_level(session, vrf_id=zone.id, net=net)  # type: ignore[arg-type]
    if clash is not None:
        if clash.cidr == str(net):
            raise AlreadyExists(f"pool {net} exists already in VRF {zone.name}")
        raise PrefixConflict(f"{net} overlaps pool {clash.cidr} in VRF {zone.name}")
    pool = _new_prefix(session, vrf=zone, net=net, parent=None, status=Status.container,
                       description=_text(description, "description"))
    audit.record(session, actor, "ipam.pool.add", "prefix", f"{zone.name}:{net}",
                 after=prefix_dict(session, pool))
    return pool


def _text(value: str, field: str, limit: int = 200) -> str:
    return validate.text(value, field, limit=limit)


def _parent_for_cidr(session: Session, zone: Vrf, net: IPNetwork) -> Prefix:
    existing = store.get_prefix(session, vrf_id=zone.id, net=net)  # type: ignore[arg-type]
    if existing is not None:
        raise PrefixConflict(f"{net} already exists in VRF {zone.name} ({existing.status})")
    parent = store.innermost_parent(session, vrf_id=zone.id, net=net)  # type: ignore[arg-type]
    if parent is None:
        raise InvalidInput(f"{net} is outside every pool of VRF {zone.name}")
    return parent


def _carve_exact(session: Session, parent: Prefix, net: IPNetwork) -> None:
    """Take exactly ``net`` out of ``parent``'s free space, or say what is in the way."""
    store.lock_parents(session, [parent.id])  # type: ignore[list-item]
    block = store.containing_free(session, parent_id=parent.id, net=net)  # type: ignore[arg-type]
    if block is None:
        taken = store.get_prefix(session, vrf_id=parent.vrf_id, net=net)
        if taken is not None:
            raise PrefixConflict(f"{net} is already {taken.status} in VRF")
        raise PrefixConflict(f"{net} overlaps an existing prefix inside {parent.cidr}")
    store.take_free(session, block=block, target=net)


def _family_of(within: IPNetwork | None, family: int | None) -> int:
    if within is not None:
        if family is not None and family != within.version:
            raise InvalidInput(f"IPv{family} asked of {within}, an IPv{within.version} prefix")
        return within.version
    return family or 4


def _length(size: str | None, hosts: int | None, version: int, purpose: str) -> int:
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


def delegate(session: Session, actor: Actor, *, district: str, size: str | None = None,
             prefix: str | None = None, vrf: str | None = None, from_cidr: str | None = None,
             family: int | None = None, description: str = "") -> Prefix:
    """Delegate a block of a municipal pool to a district (Art. 25)."""
    require(actor, Role.municipal_operator, action="delegate blocks")
    if (size is None) == (prefix is None):
        raise InvalidInput("give --size /N or --prefix CIDR")
    zone = get_vrf(session, vrf)
    target = find_district(session, district)
    source = space.parse_cidr(from_cidr) if from_cidr else None
    if prefix is not None:
        net = space.parse_cidr(prefix)
        parent = _parent_for_cidr(session, zone, net)
        if parent.status != Status.container.value:
            raise PrefixConflict(f"{net} lies inside {parent.cidr}, which is {parent.status}, "
                                 "not a municipal pool")
        _carve_exact(session, parent, net)
    else:
        version = _family_of(source, family)
        length = space.parse_size(size or "", version)
        parents = _containers(session, zone, version, source)
        net, parent = _allocate_from(session, parents, version, length)
    block = _new_prefix(session, vrf=zone, net=net, parent=parent, status=Status.delegated,
                        district_id=target.id, description=_text(description, "description"))
    audit.record(session, actor, "ipam.delegate", "prefix", f"{zone.name}:{net}",
                 after=prefix_dict(session, block))
    return block


def _containers(session: Session, zone: Vrf, version: int, source: IPNetwork | None
                ) -> list[Prefix]:
    if source is not None:
        pool = store.get_prefix(session, vrf_id=zone.id, net=source)  # type: ignore[arg-type]
        if pool is None:
            raise NotFound(f"no prefix {source} in VRF {zone.name}")
        if pool.status != Status.container.value:
            raise InvalidInput(f"{source} is {pool.status}, not a municipal pool")
        return [pool]
    pools = list(session.scalars(select(Prefix).where(
        col(Prefix.vrf_id) == zone.id, col(Prefix.version) == version,
        col(Prefix.status) == Status.container.value).order_by(col(Prefix.id))))
    if not pools:
        raise SpaceExhausted(f"VRF {zone.name} has no IPv{version} pool")
    return pools


def _allocate_from(session: Session, parents: list[Any], version: int, length: int
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
    store.lock_parents(session, ids)  # type: ignore[arg-type]
    _expire_quarantine(session, parents)
    block = store.best_fit(session, parent_ids=ids, version=version, prefixlen=length)  # type: ignore[arg-type]
    if block is None:
        where = parents[0].cidr if len(parents) == 1 else f"{len(parents)} blocks"
        raise SpaceExhausted(f"no free /{length} left in {where}")
    net = space.take(store.net_of(block), length)
    parent = next(p for p in parents if p.id == block.parent_id)
    store.take_free(session, block=block, target=net)
    return net, parent


def _expire_quarantine(session: Session, parents: list[Prefix]) -> None:
    now = utcnow()
    by_id = {p.id: p for p in parents}
    for gone in store.expired_quarantine(session, parent_ids=list(by_id), now=now):  # type: ignore[arg-type]
        _free(session, gone, by_id[gone.parent_id])


def _free(session: Session, prefix: Any, parent: Any) -> None:
    net = store.net_of(prefix)
    session.execute(delete(Prefix).where(col(Prefix.id) == prefix.id))
    store.give_free(session, parent=parent, net=net)


# -- allocation ---------------------------------------------------------------

def allocate(session: Session, actor: Actor, *, owner: str | None, size: str | None = None,
             hosts: int | None = None, district: str | None = None, within: str | None = None,
             vrf: str | None = None, purpose: str = "lan", description: str = "",
             family: int | None = None) -> Prefix:
    """Allocate the best-fitting free block for a unit, from a district's blocks or a parent.

    ``owner`` None (the NetBox-shaped API, whose clients name no unit) leaves it unowned."""
    require(actor, *ALLOCATORS, action="allocate addresses")
    if district is not None and within is not None:
        raise InvalidInput("give --district D or --within CIDR, not both (a district's "
                           "allocations come from its blocks: --within one of them)")
    if district is None and within is None:
        raise InvalidInput("give --district D or --within CIDR")
    purpose = _purpose(purpose)
    zone = vrf_row(session, vrf)
    unit = unit_row(session, owner) if owner is not None else None
    source = space.parse_cidr(within) if within else None
    version = _family_of(source, family)
    length = _length(size, hosts, version, purpose)
    parents: list[Any]  # rows or Prefix objects: both carry the columns read below
    if source is not None:
        row = store.prefix_row(session, vrf_id=zone.id, net=source)
        if row is None:
            raise NotFound(f"no prefix {source} in VRF {zone.name}")
        if row.status not in PARENT_STATUSES:
            raise InvalidInput(f"{source} is {row.status}: allocate inside a pool or a "
                               "district block")
        parents = [row]
    else:
        target = find_district(session, district or "")
        parents = list(session.scalars(select(Prefix).where(
            col(Prefix.vrf_id) == zone.id, col(Prefix.version) == version,
            col(Prefix.district_id) == target.id, col(Prefix.status) == Status.delegated.value,
        ).order_by(col(Prefix.id))))
        if not parents:
            raise SpaceExhausted(f"district {target.name} has no IPv{version} block in VRF "
                                 f"{zone.name}: apply for one with 'govnet ipam apply'")
    _check_scope(actor, parents, unit)
    net, parent = _allocate_from(session, parents, version, length)
    prefix = _new_prefix(session, vrf=zone, net=net, parent=parent, status=Status.allocated,
                         district_id=district_label(parent, None, net),
                         owner_id=unit.id if unit is not None else None,
                         purpose=purpose,
                         description=_text(description, "description"))
    audit.record(session, actor, "ipam.allocate", "prefix", f"{zone.name}:{net}",
                 after={"prefix": str(net), "owner": unit.name if unit is not None else None,
                        "purpose": purpose,
                        "parent": parent.cidr})
    return prefix


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


def _purpose(value: str) -> str:
    return choice(Purpose, value, "purpose").value


def _check_scope(actor: Actor, parents: list[Any], unit: Any) -> None:
    """District operators act only inside their own district's delegated blocks."""
    if actor.role is not Role.district_operator:
        return
    for parent in parents:
        if parent.status != Status.delegated.value:
            raise NotPermitted(f"{actor.name} (district_operator) may allocate only inside "
                               f"its district's blocks, not in pool {parent.cidr}")
        require_district(actor, parent.district_id, action=f"allocate in {parent.cidr}")
    if unit is not None and unit.district_id != actor.district_id:
        raise NotPermitted(f"{actor.name} (district_operator of {actor.district_name}) may not "
                           f"allocate to {unit.name}, a unit outside its district")


def reserve(session: Session, actor: Actor, cidr: str, *, reason: str,
            vrf: str | None = None) -> Prefix:
    """Hold a specific block so nothing allocates it."""
    require(actor, *ALLOCATORS, action="reserve addresses")
    reason = _text(reason, "--reason")
    if not reason:
        raise InvalidInput("--reason is required")
    zone = get_vrf(session, vrf)
    net = space.parse_cidr(cidr)
    parent = _parent_for_cidr(session, zone, net)
    _check_scope(actor, [parent], None)
    _carve_exact(session, parent, net)
    prefix = _new_prefix(session, vrf=zone, net=net, parent=parent, status=Status.reserved,
                         district_id=district_label(parent, None, net), description=reason)
    audit.record(session, actor, "ipam.reserve", "prefix", f"{zone.name}:{net}",
                 after={"prefix": str(net), "reason": reason})
    return prefix


def release(session: Session, actor: Actor, cidr: str, *, vrf: str | None = None,
            quarantine_days: int | None = None) -> Prefix | None:
    """Release an allocated, reserved or delegated block into quarantine (or free it at once).

    Returns the quarantined prefix, or None when ``quarantine_days`` is 0.
    """
    require(actor, *ALLOCATORS, action="release addresses")
    days = settings().quarantine_days if quarantine_days is None else quarantine_days
    if not 0 <= days <= 3650:
        raise InvalidInput("--quarantine-days must be between 0 and 3650")
    zone = get_vrf(session, vrf)
    net = space.parse_cidr(cidr)
    prefix = store.get_prefix(session, vrf_id=zone.id, net=net)  # type: ignore[arg-type]
    if prefix is None:
        raise NotFound(f"{net} is not allocated in VRF {zone.name}: nothing to release")
    if prefix.status == Status.container.value:
        raise WrongState(f"{net} is a municipal pool; pools are not released")
    if prefix.status == Status.quarantined.value:
        raise WrongState(f"{net} is already quarantined until {prefix.quarantine_until:%Y-%m-%d}")
    parent = session.get(Prefix, prefix.parent_id)
    assert parent is not None  # every non-pool prefix has a parent
    if actor.role is Role.district_operator:
        _check_scope(actor, [parent], None)
    if prefix.status == Status.delegated.value and store.children_count(
            session, parent_id=prefix.id) > 0:  # type: ignore[arg-type]
        raise WrongState(f"{net} still holds allocations: release them first")
    before = prefix_dict(session, prefix)
    store.lock_parents(session, [parent.id])  # type: ignore[list-item]
    if days == 0:
        _free(session, prefix, parent)
        result = None
    else:
        store.touch(session, prefix, utcnow(), status=Status.quarantined.value,
                    quarantine_until=utcnow() + timedelta(days=days))
        result = prefix
    audit.record(session, actor, "ipam.release", "prefix", f"{zone.name}:{net}", before=before,
                 after={"status": "quarantined" if result else "free", "days": days})
    return result


def get(session: Session, actor: Actor, cidr: str, *, vrf: str | None = None) -> Prefix:
    zone = get_vrf(session, vrf)
    net = space.parse_cidr(cidr)
    prefix = store.get_prefix(session, vrf_id=zone.id, net=net)  # type: ignore[arg-type]
    if prefix is None or not visible(actor, prefix):
        raise NotFound(f"no prefix {net} in VRF {zone.name}")
    return prefix


def visible(actor: Actor, prefix: Prefix) -> bool:
    """What a user may read: everything, its district's space, or its unit's prefixes."""
    if actor.role is Role.district_operator and prefix.status == Status.container.value:
        return True  # the municipal pools its blocks come from
    return sees(actor, district_id=prefix.district_id, unit_id=prefix.owner_id)


def visible_where(actor: Actor) -> ColumnElement[bool]:
    """:func:`visible` as a SQL condition (so limit/offset count only what the actor sees)."""
    scoped = scope_where(actor, district=col(Prefix.district_id), unit=col(Prefix.owner_id))
    if actor.role is Role.district_operator:
        return scoped | (col(Prefix.status) == Status.container.value)
    return scoped



# -- single addresses ----------------------------------------------------------

def assign_address(session: Session, actor: Actor, prefix: Prefix, *, address: str | None = None,
                   device: str = "", interface: str = "", description: str = "") -> IpAddress:
    """Record one address of an allocated prefix (gateway, interconnect end, loopback).

    Without ``address``, the lowest free usable host is taken (IPv4 skips the network
    and broadcast addresses of prefixes shorter than /31).
    """
    require(actor, *ALLOCATORS, action="assign addresses")
    if prefix.status != Status.allocated.value:
        raise WrongState(f"{prefix.cidr} is {prefix.status}; addresses go in allocated prefixes")
    net = store.net_of(prefix)
    taken = set(session.scalars(select(col(IpAddress.address)).where(
        col(IpAddress.prefix_id) == prefix.id)))
    if address is not None:
        ip = space.parse_address(address)
        if ip not in net:
            raise InvalidInput(f"{ip} is not inside {net}")
        if str(ip) in taken:
            raise AlreadyExists(f"{ip} is already assigned")
    else:
        hosts = net if net.version == 6 or net.prefixlen >= 31 else net.iter_hosts()
        ip = next((h for h in hosts if str(h) not in taken
                   and not (net.version == 6 and net.prefixlen < 127
                                 and h == net.network)), None)
        if ip is None:
            raise SpaceExhausted(f"no free address left in {net}")
    row = IpAddress(prefix_id=prefix.id, vrf_id=prefix.vrf_id, address=str(ip),  # type: ignore[arg-type]
                    device=device, interface=interface, description=_text(description,
                                                                          "description"))
    session.add(row)
    session.flush()
    audit.record(session, actor, "ipam.address.assign", "ipaddress", str(ip),
                 after={"prefix": prefix.cidr, "device": device, "interface": interface})
    return row
