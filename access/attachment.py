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

from access.models import AttachModel, ConnectionRequest, Families, RequestZone, ZoneState
from access.render import render_attach, render_cpe, render_detach, render_vrf
from access.specs import (
    PLATFORMS,
    AttachSpec,
    CpeSpec,
    FamilySpec,
    check_description,
)
from access.workflow import IPV6_LAN, zones_of
from govnet.auth import Actor
from govnet.errors import Conflict, InvalidInput, NotFound, WrongState
from govnet.models import District, Unit, utcnow
from inventory import service as inventory
from inventory.connect import DeviceRef
from inventory.models import Device, DeviceRole, Port
from ipam import service as ipam
from ipam import zones as zone_names
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
    def vrf_lines(self) -> list[str]:
        """Each zone's VPN instance / VRF definition (once per instance), where the zone
        has a route distinguisher: the diff pushes it only to a device that lacks it."""
        seen: dict[str, list[str]] = {}
        opened = set(self.unit_lines)  # FRR: the routed lines open `vrf X` themselves
        for z in self.zones:
            if z.spec.vrf is not None and z.spec.rd is not None and z.spec.vrf not in seen:
                lines = render_vrf(z.spec)
                seen[z.spec.vrf] = [] if lines[0] in opened else lines
        return [line for lines in seen.values() for line in lines]

    @property
    def attach_lines(self) -> list[str]:
        """What provisioning wants on the device: the instances, then each attachment.

        Detach never removes an instance: other units of the zone use it too."""
        return self.vrf_lines + self.unit_lines

    @property
    def unit_lines(self) -> list[str]:
        """The attachments alone (what detach undoes)."""
        return [line for z in self.zones for line in render_attach(z.spec)]

    @property
    def detach_lines(self) -> list[str]:
        """The inverse of :attr:`unit_lines` (instances stay)."""
        return [line for z in reversed(self.zones) for line in render_detach(z.spec)]


def owner_tag(number: int) -> str:
    """The VLAN claim's owner for request ``number``."""
    return f"request:{number}"


def device_vrf(session: Session, vrf: Vrf) -> str | None:
    """The zone's VRF name on devices (:mod:`ipam.zones`, the rule the scan matches by):
    None for the default zone (the global table); an error when no device can carry it."""
    name = zone_names.device_name(vrf, default_id=ipam.get_vrf(session, None).id)
    if name is None:
        raise InvalidInput(f"zone {vrf.name} has no device VRF name: give it one (letters, "
                           "digits, '-' or '_') with 'govnet ipam vrf add … --device-name X'; "
                           "only the default zone maps to the global table")
    return name or None


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
    zones = zones_of(session, request)
    device, port = choose_port(session, request, len(zones))
    # The device row is held until commit, so concurrent allocations on one device pick
    # their ACLs in turn (PostgreSQL; SQLite writes are serial already): see free_acl.
    session.exec(select(Device.id).where(Device.id == device.id).with_for_update()).first()
    for zone in zones:
        _allocate_zone(session, actor, request, zone, device, port)
    session.flush()


def _lan_length(request: ConnectionRequest, family: int) -> int:
    """The unit LAN's length in ``family``: as asked, or /64 for IPv6 beside IPv4."""
    return request.prefixlen if family == request.family else IPV6_LAN


def _allocate_zone(session: Session, actor: Actor, request: ConnectionRequest,
                   zone: RequestZone, device: Device, port: Port) -> None:
    number = request.id or 0
    unit = session.get(Unit, request.unit_id)
    district = session.get(District, request.district_id) if request.district_id else None
    vrf = session.get(Vrf, zone.vrf_id)
    assert unit is not None and vrf is not None
    claim = inventory.claim_vlan(session, actor, port, owner=owner_tag(number))
    subif = f"{port.name}.{claim.vlan}"

    def take(purpose: str, size: str | None, family: int) -> Prefix:
        where: dict[str, Any] = ({"district": district.name} if district else
                                 {"within": _city_pool(session, vrf, family)})
        return ipam.allocate(session, actor, owner=unit.name, size=size, vrf=vrf.name,
                             purpose=purpose, family=family,
                             description=f"request {number} {purpose}", **where)

    def assign(prefix: Prefix, what: str, on_router: bool = True) -> str:
        return ipam.assign_address(session, actor, prefix,
                                   device=device.name if on_router else "",
                                   interface=subif if on_router else "",
                                   description=f"request {number} {what}").address

    for family in Families(request.families).versions:
        six = "6" if family == 6 else ""
        lan = take("lan", f"/{_lan_length(request, family)}", family)
        setattr(zone, f"lan{six}_prefix_id", lan.id)
        setattr(zone, f"lan{six}_cidr", lan.cidr)
        if request.model == AttachModel.gateway.value:
            setattr(zone, f"gateway{family}", f"{assign(lan, 'gateway')}/{lan.prefixlen}")
        else:
            link = take("interconnect", None, family)
            setattr(zone, f"interconnect{six}_prefix_id", link.id)
            setattr(zone, f"interconnect{six}_cidr", link.cidr)
            setattr(zone, f"local{family}", assign(link, "router end"))
            setattr(zone, f"peer{family}", assign(link, "unit end", on_router=False))
    zone.acl = free_acl(session, device, number, claim.vlan)
    zone.device, zone.port, zone.vlan, zone.subinterface = (device.name, port.name,
                                                           claim.vlan, subif)
    zone.state, zone.updated_at = ZoneState.allocated.value, utcnow()
    session.add(zone)


ACL_NUMBERS = range(3000, 4000)  # Huawei VRP/CE and Comware advanced ACLs


def free_acl(session: Session, device: Device, number: int, vlan: int) -> str | None:
    """The inbound filter's ACL for request ``number``'s zone on ``vlan`` of ``device``.

    ACL numbers and names are per device (every VRF and both families share them, IPv6
    ACLs reuse the number in their own namespace), while VLANs are claimed per port: two
    ports of one device may carry the same VLAN. A number platform gets ``3000 + VLAN %
    1000`` when no live zone of the device holds it, else the lowest free number of
    3000-3999; a name platform gets ``GOV-R<request>-V<vlan>-IN`` (a request has one
    VLAN per zone, so the name is unique on the device). The choice is stored on the
    zone row, so detach undoes the very ACL attach created. The caller holds the device
    row (see allocate_zones). An ACL the device has outside govnet is not seen here.
    """
    kind = PLATFORMS[device.platform].acl if device.platform in PLATFORMS else None
    if kind == "name":
        return f"GOV-R{number}-V{vlan}-IN"
    if kind != "number":
        return None
    taken = set(session.exec(select(RequestZone.acl).where(
        RequestZone.device == device.name, RequestZone.state != ZoneState.removed.value,
        col(RequestZone.acl).is_not(None))))
    for acl in (3000 + vlan % 1000, *ACL_NUMBERS):
        if str(acl) not in taken:
            return str(acl)
    raise Conflict(f"no free ACL number ({ACL_NUMBERS.start}-{ACL_NUMBERS.stop - 1}) left "
                   f"on {device.name}: disconnect a unit or attach to another device")


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
    families: dict[int, FamilySpec] = {}
    for family in Families(request.families).versions:
        six = "6" if family == 6 else ""
        if request.model == AttachModel.gateway.value:
            families[family] = FamilySpec(gateway=getattr(zone, f"gateway{family}"))
        else:
            families[family] = FamilySpec(
                interconnect=getattr(zone, f"interconnect{six}_cidr"),
                local=getattr(zone, f"local{family}"), next_hop=getattr(zone, f"peer{family}"),
                lans=(getattr(zone, f"lan{six}_cidr"),))
    acl: int | str | None = int(zone.acl) if zone.acl and zone.acl.isdigit() else zone.acl
    name = device_vrf(session, vrf)
    return AttachSpec(platform=platform, parent_interface=zone.port, vlan=zone.vlan,
                      vrf=name, model=request.model,
                      description=_description(request, session.get(Unit, request.unit_id)),
                      ipv4=families.get(4), ipv6=families.get(6), acl=acl,
                      rd=vrf.rd if name else None, route_target=vrf.rt if name else None,
                      label=f"GOV-R{request.id}")


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


__all__ = ["ACL_NUMBERS", "DEFAULT_UPLINK", "Plan", "ZonePlan", "allocate_zones",
           "choose_port", "cpe_config", "device_vrf", "free_acl", "mark_zones", "owner_tag", "plan_of",
           "release_zones", "zone_spec"]
