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
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, col

from govnet import audit, validate
from govnet.auth import Actor, require, scope_where, sees
from govnet.confignames import check_identifier, check_rd
from govnet.errors import (
    AlreadyExists,
    InvalidInput,
    NotFound,
    PrefixConflict,
    SpaceExhausted,
    WrongState,
)
from govnet.models import Role, utcnow
from govnet.org import find_district
from govnet.settings import settings
from ipam import allocator, freespace, space, store, zones
from ipam.allocator import (  # noqa: F401  (ALLOCATORS, district_label, vrf_row: re-exported)
    ALLOCATORS,
    check_scope,
    district_label,
    family_of,
    free,
    take,
    text,
    vrf_row,
)
from ipam.models import IpAddress, Prefix, Purpose, Status, Vrf
from ipam.view import prefix_dict, vrf_dict

# -- zones ------------------------------------------------------------------

def add_vrf(session: Session, actor: Actor, name: str, *, description: str = "",
            device_name: str | None = None, rd: str | None = None,
            rt: str | None = None) -> Vrf:
    """A zone; ``device_name`` (the VPN instance / VRF name on devices), ``rd`` and ``rt``
    (``ASN:NN``; rt defaults to rd) let provisioning define the instance where missing."""
    require(actor, Role.municipal_operator, action="add VRFs")
    name = validate.name(name, "VRF name")
    description = text(description, "description")
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
    # One device VRF, one zone (ipam.zones): a zone's own name may not be another's VRF.
    on_devices = zones.device_name(Vrf(name=name, device_name=device_name), default_id=None)
    taken = zones.by_device_name(session).get(on_devices) if on_devices else None
    if taken is not None:
        raise AlreadyExists(f"device VRF name {on_devices!r} is used by zone {taken.name}")
    vrf = Vrf(name=name, description=description, device_name=device_name, rd=rd,
              rt=rt or rd)
    session.add(vrf)
    session.flush()
    after = {"description": description} | {  # the device fields only when given
        k: v for k, v in vrf_dict(vrf).items() if k in ("device_name", "rd", "rt") and v}
    audit.record(session, actor, "ipam.vrf.add", "vrf", name, after=after)
    return vrf


def get_vrf(session: Session, name: str | None) -> Vrf:
    """The named VRF as its ORM object; without a name, the first one created (the
    default zone). Found by :func:`ipam.allocator.vrf_row`: one rule for both."""
    session.flush()  # the Core lookup reads the database: let it see this session's changes
    vrf = session.get(Vrf, vrf_row(session, name).id)
    assert vrf is not None
    return vrf


def list_vrfs(session: Session) -> list[Vrf]:
    return list(session.scalars(select(Vrf).order_by(col(Vrf.id))))


# -- pools and delegation -----------------------------------------------------

def _new_prefix(session: Session, *, vrf: Any, net: IPNetwork, parent: Any | None,
                status: Status, district_id: int | None = None, owner_id: int | None = None,
                purpose: str = Purpose.other.value, description: str = "") -> Prefix:
    """Insert a prefix (one prebuilt statement) and hand back its persistent object."""
    return _attached(session, allocator.insert_prefix(
        session, vrf_id=vrf.id, net=net, parent_id=parent.id if parent else None,
        status=status, district_id=district_id, owner_id=owner_id, purpose=purpose,
        description=description))


def _attached(session: Session, values: dict[str, Any]) -> Prefix:
    """The ORM object of a row just inserted, in the session without reading it back.

    The row may reuse the id of one deleted in Core in this transaction (SQLite does,
    e.g. after a quarantine expired): that row's stale object leaves the session."""
    stale = session.identity_map.get(session.identity_key(Prefix, values["id"]))
    if stale is not None:
        session.expunge(stale)
    prefix = Prefix(**values)
    make_transient_to_detached(prefix)
    session.add(prefix)
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
                       description=text(description, "description"))
    audit.record(session, actor, "ipam.pool.add", "prefix", f"{zone.name}:{net}",
                 after=prefix_dict(session, pool))
    return pool


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
    freespace.lock_parents(session, [parent.id])  # type: ignore[list-item]
    block = freespace.containing_free(session, parent_id=parent.id, net=net)  # type: ignore[arg-type]
    if block is None:
        taken = store.get_prefix(session, vrf_id=parent.vrf_id, net=net)
        if taken is not None:
            raise PrefixConflict(f"{net} is already {taken.status} in VRF")
        raise PrefixConflict(f"{net} overlaps an existing prefix inside {parent.cidr}")
    freespace.take_free(session, block=block, target=net)


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
        version = family_of(source, family)
        length = space.parse_size(size or "", version)
        parents = _containers(session, zone, version, source)
        net, parent = take(session, parents, version, length)
    block = _new_prefix(session, vrf=zone, net=net, parent=parent, status=Status.delegated,
                        district_id=target.id, description=text(description, "description"))
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


# -- allocation ---------------------------------------------------------------

def allocate(session: Session, actor: Actor, *, owner: str | None, size: str | None = None,
             hosts: int | None = None, district: str | None = None, within: str | None = None,
             vrf: str | None = None, purpose: str = "lan", description: str = "",
             family: int | None = None) -> Prefix:
    """:func:`ipam.allocator.allocate` in this session: the new prefix as its ORM object."""
    return _attached(session, allocator.allocate(
        session, actor, owner=owner, size=size, hosts=hosts, district=district, within=within,
        vrf=vrf, purpose=purpose, description=description, family=family))


def reserve(session: Session, actor: Actor, cidr: str, *, reason: str,
            vrf: str | None = None) -> Prefix:
    """Hold a specific block so nothing allocates it."""
    require(actor, *ALLOCATORS, action="reserve addresses")
    reason = text(reason, "--reason")
    if not reason:
        raise InvalidInput("--reason is required")
    zone = get_vrf(session, vrf)
    net = space.parse_cidr(cidr)
    parent = _parent_for_cidr(session, zone, net)
    check_scope(actor, [parent], None)
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
        check_scope(actor, [parent], None)
    if prefix.status == Status.delegated.value and store.children_count(
            session, parent_id=prefix.id) > 0:  # type: ignore[arg-type]
        raise WrongState(f"{net} still holds allocations: release them first")
    before = prefix_dict(session, prefix)
    freespace.lock_parents(session, [parent.id])  # type: ignore[list-item]
    if days == 0:
        free(session, prefix, parent)
        session.expunge(prefix)  # deleted in Core: the session must not keep it
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
    net = freespace.net_of(prefix)
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
                    device=device, interface=interface, description=text(description,
                                                                          "description"))
    session.add(row)
    session.flush()
    audit.record(session, actor, "ipam.address.assign", "ipaddress", str(ip),
                 after={"prefix": prefix.cidr, "device": device, "interface": interface})
    return row
