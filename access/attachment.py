"""What a request is given on the network: port, VLANs, prefixes, addresses, and specs.

``allocate_zones`` chooses the attachment (the requested device/port, or the first
attachable port of the unit's district with enough free VLANs), claims one VLAN
per zone, allocates each zone's LAN (and, for the routed model, an interconnect)
and assigns the router's and the unit's addresses — inside the caller's
transaction, so it all happens or none of it does. ``plan_of`` turns the zone
rows back into validated :class:`AttachSpec` objects (used by provisioning,
disconnection, resume and ``cpe-config`` alike), and ``release_zones`` gives
everything back (at once after a failed push, into quarantine after a
disconnection).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from access.models import AttachModel, ConnectionRequest, RequestZone, ZoneState
from access.render import render_attach, render_cpe, render_detach
from access.specs import (
    PLATFORMS,
    AttachSpec,
    CpeSpec,
    FamilySpec,
    check_description,
    check_identifier,
)
from access.workflow import zones_of
from govnet.auth import Actor
from govnet.errors import Conflict, InvalidInput, NotFound, WrongState
from govnet.models import District, Unit, utcnow
from inventory import service as inventory
from inventory.connect import DeviceRef
from inventory.models import Device, DeviceRole, Port
from ipam import service as ipam
from ipam.models import Prefix, Status, Vrf

PREFIX_FIELDS = ("lan", "lan6", "interconnect", "interconnect6")


@dataclass(frozen=True)
class ZonePlan:
    """One zone's attachment, validated: what is rendered and verified."""

    zone_id: int
    zone: str  # the IPAM VRF (zone) name
    vlan: int
    spec: AttachSpec


@dataclass(frozen=True)
class Plan:
    """A request's attachment on one device (plain data: safe to pass to threads)."""

    request_id: int
    device: DeviceRef
    port: str
    zones: tuple[ZonePlan, ...]

    @property
    def attach_lines(self) -> list[str]:
        return [line for z in self.zones for line in render_attach(z.spec)]

    @property
    def detach_lines(self) -> list[str]:
        return [line for z in reversed(self.zones) for line in render_detach(z.spec)]


def owner_tag(number: int) -> str:
    """The VLAN claim's owner for request ``number``."""
    return f"request:{number}"


def device_vrf(session: Session, vrf: Vrf) -> str | None:
    """The zone's VRF name on devices: the default zone is the global table (None)."""
    if vrf.id == ipam.get_vrf(session, None).id:
        return None
    try:
        return check_identifier(vrf.name, "vrf")
    except InvalidInput:
        raise InvalidInput(f"zone {vrf.name} has no device VRF name (a VRF named in letters, "
                           "digits, '-' or '_'); only the default zone maps to the global "
                           "table") from None


def _candidates(session: Session, request: ConnectionRequest) -> list[tuple[Device, Port]]:
    if request.device and request.port:
        port = inventory.find_port(session, request.device, request.port)
        device = session.get(Device, port.device_id)
        assert device is not None
        return [(device, port)]
    # The unit's district's aggregation devices first, then those serving no district.
    devices = session.exec(select(Device).where(
        Device.role == DeviceRole.aggregation.value,
        or_(col(Device.district_id) == request.district_id, col(Device.district_id).is_(None)))
        .order_by(col(Device.district_id).is_(None), col(Device.demo), col(Device.name)))
    return [(d, p) for d in devices for p in inventory.list_ports(session, d)]


def choose_port(session: Session, request: ConnectionRequest, zones: int) -> tuple[Device, Port]:
    """The requested port, or the first attachable port with ``zones`` free VLANs."""
    candidates = _candidates(session, request)
    for device, port in candidates:
        if len(inventory.free_vlans(session, port)) >= zones:
            return device, port
    district = session.get(District, request.district_id) if request.district_id else None
    where = (f"{request.device}:{request.port}" if request.device else
             f"any aggregation port of {district.name if district else 'the city level'}")
    raise Conflict(f"connection request {request.id}: no free VLAN for {zones} zone(s) on "
                   f"{where}; add ports with 'govnet inventory ports add'")


def _city_pool(session: Session, vrf: Vrf, family: int) -> str:
    pool = session.exec(select(Prefix).where(
        Prefix.vrf_id == vrf.id, Prefix.version == family,
        Prefix.status == Status.container.value).order_by(col(Prefix.id))).first()
    if pool is None:
        raise InvalidInput(f"zone {vrf.name} has no IPv{family} pool")
    return pool.cidr


def allocate_zones(session: Session, actor: Actor, request: ConnectionRequest) -> None:
    """Port, VLANs, prefixes and addresses for every zone (the caller's transaction)."""
    if request.family != 4:
        raise InvalidInput(f"connection request {request.id} asks for IPv{request.family} "
                           "only; attachments need IPv4 (IPv6 is added beside it)")
    zones = zones_of(session, request)
    device, port = choose_port(session, request, len(zones))
    for zone in zones:
        _allocate_zone(session, actor, request, zone, device, port)
    session.flush()


def _allocate_zone(session: Session, actor: Actor, request: ConnectionRequest,
                   zone: RequestZone, device: Device, port: Port) -> None:
    number = request.id or 0
    unit = session.get(Unit, request.unit_id)
    district = session.get(District, request.district_id) if request.district_id else None
    vrf = session.get(Vrf, zone.vrf_id)
    assert unit is not None and vrf is not None
    claim = inventory.claim_vlan(session, actor, port, owner=owner_tag(number))
    subif = f"{port.name}.{claim.vlan}"
    where: dict[str, Any] = ({"district": district.name} if district else
                             {"within": _city_pool(session, vrf, request.family)})

    def take(purpose: str, size: str | None) -> Prefix:
        return ipam.allocate(session, actor, owner=unit.name, size=size, vrf=vrf.name,
                             purpose=purpose, family=request.family,
                             description=f"request {number} {purpose}", **where)

    def assign(prefix: Prefix, what: str, on_router: bool = True) -> str:
        return ipam.assign_address(session, actor, prefix,
                                   device=device.name if on_router else "",
                                   interface=subif if on_router else "",
                                   description=f"request {number} {what}").address

    lan = take("lan", f"/{request.prefixlen}")
    zone.lan_prefix_id, zone.lan_cidr = lan.id, lan.cidr
    if request.model == AttachModel.gateway.value:
        zone.gateway4 = f"{assign(lan, 'gateway')}/{lan.prefixlen}"
    else:
        link = take("interconnect", None)
        zone.interconnect_prefix_id, zone.interconnect_cidr = link.id, link.cidr
        zone.local4 = assign(link, "router end")
        zone.peer4 = assign(link, "unit end", on_router=False)
    acl_kind = PLATFORMS[device.platform].acl if device.platform in PLATFORMS else None
    zone.acl = str(3000 + claim.vlan % 1000) if acl_kind == "number" else None
    zone.device, zone.port, zone.vlan, zone.subinterface = (device.name, port.name,
                                                           claim.vlan, subif)
    zone.state, zone.updated_at = ZoneState.allocated.value, utcnow()
    session.add(zone)


def _description(request: ConnectionRequest, unit: Unit | None) -> str:
    text = f"GOV-R{request.id} {unit.name}" if unit else f"GOV-R{request.id}"
    try:
        return check_description(text[:80].rstrip())
    except InvalidInput:
        return f"GOV-R{request.id}"


def zone_spec(session: Session, request: ConnectionRequest, zone: RequestZone,
              platform: str) -> AttachSpec:
    """The validated AttachSpec of one allocated zone row."""
    vrf = session.get(Vrf, zone.vrf_id)
    assert vrf is not None and zone.port is not None and zone.vlan is not None
    if request.model == AttachModel.gateway.value:
        ipv4 = FamilySpec(gateway=zone.gateway4)
    else:
        ipv4 = FamilySpec(interconnect=zone.interconnect_cidr, local=zone.local4,
                          next_hop=zone.peer4, lans=(zone.lan_cidr,))
    acl: int | str | None = int(zone.acl) if zone.acl and zone.acl.isdigit() else zone.acl
    return AttachSpec(platform=platform, parent_interface=zone.port, vlan=zone.vlan,
                      vrf=device_vrf(session, vrf), model=request.model,
                      description=_description(request, session.get(Unit, request.unit_id)),
                      ipv4=ipv4, acl=acl, label=f"GOV-R{request.id}")


def plan_of(session: Session, request: ConnectionRequest) -> Plan | None:
    """The request's attachment from its zone rows; None when nothing is allocated."""
    zones = [z for z in zones_of(session, request) if z.device and z.vlan is not None]
    if not zones:
        return None
    names = {z.device for z in zones}
    if len(names) != 1:
        raise Conflict(f"connection request {request.id} spans devices {sorted(n or '' for n in names)}")
    device = inventory.find_device(session, zones[0].device or "")
    assert request.id is not None
    return Plan(request_id=request.id, device=DeviceRef.of(device), port=zones[0].port or "",
                zones=tuple(ZonePlan(zone_id=z.id or 0,
                                     zone=(session.get(Vrf, z.vrf_id) or Vrf(name="?")).name,
                                     vlan=z.vlan or 0,
                                     spec=zone_spec(session, request, z, device.platform))
                            for z in zones))


def release_zones(session: Session, actor: Actor, request: ConnectionRequest, *,
                  quarantine_days: int | None, forget: bool) -> list[str]:
    """Release every zone's prefixes and VLAN; return the CIDRs released.

    ``quarantine_days=0`` frees the space at once (a failed push: the addresses
    never served); None uses the default quarantine. ``forget`` clears the zone
    rows back to planned (failure) instead of marking them removed (disconnection).
    """
    released: list[str] = []
    for zone in zones_of(session, request):
        vrf = session.get(Vrf, zone.vrf_id)
        assert vrf is not None
        for name in PREFIX_FIELDS:
            prefix_id = getattr(zone, f"{name}_prefix_id")
            prefix = session.get(Prefix, prefix_id) if prefix_id else None
            if prefix is not None and prefix.status == Status.allocated.value:
                ipam.release(session, actor, prefix.cidr, vrf=vrf.name,
                             quarantine_days=quarantine_days)
                released.append(prefix.cidr)
            if forget:
                setattr(zone, f"{name}_prefix_id", None)
                setattr(zone, f"{name}_cidr", None)
        if zone.device and zone.port and zone.vlan is not None:
            try:
                port = inventory.find_port(session, zone.device, zone.port)
                inventory.release_vlan(session, actor, port, zone.vlan,
                                       owner=owner_tag(request.id or 0))
            except NotFound:
                pass  # already released (a resumed job): nothing to give back
        if forget:
            for name in ("device", "port", "vlan", "subinterface", "gateway4", "gateway6",
                         "local4", "local6", "peer4", "peer6", "acl"):
                setattr(zone, name, None)
            zone.state = ZoneState.planned.value
        else:
            zone.state = ZoneState.removed.value
        zone.updated_at = utcnow()
        session.add(zone)
    session.flush()
    return released


def mark_zones(session: Session, request: ConnectionRequest, state: ZoneState) -> None:
    for zone in zones_of(session, request):
        if zone.device:
            zone.state, zone.updated_at = state.value, utcnow()
            session.add(zone)
    session.flush()


DEFAULT_UPLINK = {"frr": "eth0", "huawei_vrp": "GigabitEthernet0/0/1",
                  "huawei_vrpv8": "GigabitEthernet0/0/1", "huawei_ce": "10GE1/0/1",
                  "h3c_comware": "GigabitEthernet1/0/1",
                  "cisco_ios": "GigabitEthernet0/0/1", "ruijie_os": "GigabitEthernet 0/1"}


def cpe_config(session: Session, actor: Actor, number: int, *, platform: str | None = None,
               interface: str | None = None) -> dict[str, Any]:
    """Day-0 lines for the unit's own router: each zone on its VLAN of the uplink."""
    from access.workflow import get_request

    request = get_request(session, actor, number)
    plan = plan_of(session, request)
    if plan is None:
        raise WrongState(f"connection request {number} has no addresses yet (it is "
                         f"{request.state}): provision it first")
    platform = platform or plan.device.platform
    uplink = interface or DEFAULT_UPLINK.get(platform, "")
    lines = [line for z in plan.zones for line in render_cpe(
        CpeSpec(attach=z.spec, platform=platform, interface=uplink, vlan=z.vlan))]
    return {"request": number, "platform": platform, "interface": uplink,
            "model": request.model, "lines": lines}


__all__ = ["DEFAULT_UPLINK", "Plan", "ZonePlan", "allocate_zones",
           "choose_port", "cpe_config", "device_vrf", "mark_zones", "owner_tag", "plan_of",
           "release_zones", "zone_spec"]
