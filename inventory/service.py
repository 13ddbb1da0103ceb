"""Inventory operations: devices, ports and the VLANs in use on them.

Every function takes the session (the caller owns the transaction) and the
acting user, checks role and scope before changing anything, records an audit
event, and raises a typed error on bad input or conflict.

Who may do what: ``municipal_operator`` (and ``admin``) manage the inventory;
a ``district_operator`` reads its district's devices and may contact them
(check, back up, discover) and claim VLANs on them for provisioning;
``authority`` and ``auditor`` read everything; ``applicant`` nothing.

Functions that talk to devices live in ``inventory.backup`` and
``inventory.discovery``; they never hold a transaction open across SSH.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from netaddr import AddrFormatError, IPAddress
from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from govnet import audit, validate
from govnet.auth import Actor, require, require_district, require_visible, scope_where
from govnet.errors import AlreadyExists, Conflict, InvalidInput, NotFound, NotPermitted
from govnet.models import District, Role, utcnow
from govnet.org import find_district
from inventory.models import (
    ConfigSnapshot,
    Device,
    DeviceRole,
    DiscoveredInterface,
    Port,
    PortVlan,
)

MANAGERS = (Role.municipal_operator,)
OPERATORS = (Role.municipal_operator, Role.district_operator)

_NAME = re.compile(r"[\w][\w.\-]{0,63}")
_HOSTNAME = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)"
                       r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")


# -- validation (pure: used by add_device and by the importer before it writes) ----

@dataclass
class DeviceSpec:
    """A device as given by a user or a file, validated by :func:`validate_device`."""

    name: str
    platform: str
    host: str
    port: int = 22
    role: str = ""
    district: str | None = None
    site: str | None = None
    credential: str | None = None
    demo: bool = False


def _text(field: str, value: str | None, limit: int) -> str:
    return validate.text(value, field, limit=limit)


def check_host(host: str) -> str:
    """A management address: an IPv4/IPv6 address or a DNS host name."""
    host = (host or "").strip()
    try:
        return str(IPAddress(host.strip("[]"), flags=0))
    except (AddrFormatError, ValueError):
        pass
    if not _HOSTNAME.match(host) or host.replace(".", "").isdigit():
        raise InvalidInput(f"host {host!r} is neither an IP address nor a host name")
    return host.lower()


def parse_vlans(text: str) -> tuple[int, int]:
    """``"100-199"`` or ``"100"`` → (lo, hi), each 1–4094.

    Examples:
        >>> parse_vlans("100-103"), parse_vlans("7")
        ((100, 103), (7, 7))
    """
    parts = str(text).strip().split("-")
    if len(parts) not in (1, 2) or not all(p.strip().isascii() and p.strip().isdigit()
                                           for p in parts):
        raise InvalidInput(f"VLAN range {text!r}: expected A-B in ASCII digits, e.g. 100-199")
    return check_vlans((int(parts[0]), int(parts[-1])))


def check_vlans(vlans: Sequence[int]) -> tuple[int, int]:
    lo, hi = (validate.number(v, "VLAN") for v in vlans)
    if not 1 <= lo <= hi <= 4094:
        raise InvalidInput(f"VLAN range {lo}-{hi}: need 1 ≤ A ≤ B ≤ 4094")
    return lo, hi


def validate_device(session: Session, spec: DeviceSpec) -> dict[str, Any]:
    """Check every field; return the column values of a Device (district as id)."""
    from inventory.drivers import platforms

    name = validate.name(spec.name, "device name")
    if not _NAME.fullmatch(name):
        raise InvalidInput(f"device name {spec.name!r}: 1–64 letters, digits, '.', '-', '_'")
    if spec.platform not in platforms():
        raise InvalidInput(f"unknown platform {spec.platform!r}; known: {', '.join(platforms())}")
    port = validate.number(spec.port, "port", 1, 65535)
    if spec.role not in DeviceRole.__members__:
        raise InvalidInput(f"role {spec.role!r}: one of {', '.join(DeviceRole)}")
    district_id = find_district(session, spec.district).id if spec.district else None
    credential = (spec.credential or "").strip()
    if credential:
        from inventory.credentials import parse as parse_credential

        credential = str(parse_credential(credential))  # InvalidInput if malformed
    return {"name": name, "platform": spec.platform, "host": check_host(spec.host),
            "port": port, "role": spec.role, "district_id": district_id,
            "site": _text("site", spec.site, 128), "credential": credential,
            "demo": bool(spec.demo)}


# -- scope --------------------------------------------------------------------

def require_inventory_reader(actor: Actor) -> None:
    """Readers of everything and district operators read the inventory; nobody else."""
    if not actor.reads_all and actor.role is not Role.district_operator:
        raise NotPermitted(f"{actor.name} ({actor.role.value}) may not read the inventory")


def require_read(actor: Actor, device: Device) -> None:
    """Readers of everything, or the district operator of the device's district; another
    district's device reads as an unknown one (the same NotFound as a missing name)."""
    require_inventory_reader(actor)
    require_visible(actor, district_id=device.district_id, missing=f"unknown device {device.name!r}")


def require_contact(actor: Actor, device: Device, *, action: str) -> None:
    """Contacting a device (check, backup, discover): operators, in their scope (a device
    outside it reads as unknown)."""
    require(actor, *OPERATORS, action=action)
    require_visible(actor, district_id=device.district_id, missing=f"unknown device {device.name!r}")
    require_district(actor, device.district_id, action=f"{action} {device.name}")


# -- devices ------------------------------------------------------------------

def find_device(session: Session, name: str) -> Device:
    device = session.exec(select(Device).where(Device.name == name)).first()
    if device is None:
        raise NotFound(f"unknown device {name!r}")
    return device


def get_device(session: Session, actor: Actor, name: str) -> Device:
    """The named device, if the actor may read it (the role is checked before the name is
    looked up, so a refusal says nothing about which devices exist)."""
    require_inventory_reader(actor)
    device = find_device(session, name)
    require_read(actor, device)
    return device


def list_devices(session: Session, actor: Actor, *, district: str | None = None
                 ) -> list[Device]:
    """Devices the actor may read, by name (a district operator sees its district's)."""
    require_inventory_reader(actor)
    query = select(Device).order_by(col(Device.name))
    if district:
        target = find_district(session, district)
        require_visible(actor, district_id=target.id, missing=f"unknown district {district!r}")
        query = query.where(Device.district_id == target.id)
    query = query.where(scope_where(actor, district=col(Device.district_id)))
    return list(session.exec(query))


def device_dict(session: Session, device: Device) -> dict[str, Any]:
    """The JSON shape of a device (the credential is a reference, never a secret)."""
    district = session.get(District, device.district_id) if device.district_id else None
    return {
        "name": device.name, "platform": device.platform, "host": device.host,
        "port": device.port, "role": device.role,
        "district": district.name if district else None, "site": device.site,
        "credential": device.credential or None, "demo": device.demo,
        "last_check_at": device.last_check_at.isoformat(timespec="seconds")
        if device.last_check_at else None,
        "last_check_ok": device.last_check_ok, "last_error": device.last_error,
    }


def _audit_view(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k not in ("last_check_at", "last_error")}


def add_device(
    session: Session, actor: Actor, *, name: str, platform: str, host: str, port: int = 22,
    role: str, district: str | None = None, site: str | None = None,
    credential: str | None = None, demo: bool = False, replace: bool = False,
) -> Device:
    """Add a device; with ``replace`` an existing device of that name is updated."""
    require(actor, *MANAGERS, action="manage the inventory")
    values = validate_device(session, DeviceSpec(
        name=name, platform=platform, host=host, port=port, role=role, district=district,
        site=site, credential=credential, demo=demo))
    device = session.exec(select(Device).where(Device.name == values["name"])).first()
    if device is not None and not replace:
        raise AlreadyExists(f"device {values['name']!r} exists already")
    if device is None:
        device = Device(**values)
        session.add(device)
        session.flush()
        audit.record(session, actor, "inventory.device.add", "device", device.name,
                     after=_audit_view(values))
        return device
    before = {k: getattr(device, k) for k in values}
    if before == values:
        return device
    for key, value in values.items():
        setattr(device, key, value)
    device.updated_at = utcnow()
    session.add(device)
    session.flush()
    audit.record(session, actor, "inventory.device.update", "device", device.name,
                 before=before, after=values)
    return device


def remove_device(session: Session, actor: Actor, name: str) -> None:
    """Remove a device with its ports, snapshots and discovery; not while VLANs are in use."""
    require(actor, *MANAGERS, action="manage the inventory")
    device = find_device(session, name)
    in_use = session.exec(select(func.count()).select_from(PortVlan).join(Port).where(
        Port.device_id == device.id)).one()
    if in_use:
        raise Conflict(f"device {name} has {in_use} VLAN(s) in use: release them first")
    for model in (DiscoveredInterface, ConfigSnapshot, Port):
        session.execute(delete(model).where(col(model.device_id) == device.id))
    session.delete(device)
    session.flush()
    audit.record(session, actor, "inventory.device.remove", "device", name,
                 before={"platform": device.platform, "host": device.host})


def devices_to_contact(session: Session, actor: Actor, names: Sequence[str], *,
                       action: str) -> list[Device]:
    """The named devices (all in the actor's scope but demo ones, if none named).

    Each named device is checked against the actor's scope: a district operator
    contacts only its district's devices. A named demo device is kept, so the
    caller reports it refused; an unnamed batch simply leaves demo devices out.
    """
    require(actor, *OPERATORS, action=action)
    if names:
        devices = [find_device(session, n) for n in dict.fromkeys(names)]
    else:
        devices = [d for d in list_devices(session, actor) if not d.demo]
    for device in devices:
        require_contact(actor, device, action=action)
    return devices


def record_contact(session: Session, actor: Actor, device: Device, *, ok: bool,
                   error: str | None = None, action: str = "check",
                   details: dict[str, Any] | None = None) -> None:
    """Store "reachable as the last contact found it" and audit the contact (one event)."""
    device.last_check_at = utcnow()
    device.last_check_ok = ok
    device.last_error = (error or "")[:500] or None
    session.add(device)
    session.flush()
    audit.record(session, actor, f"inventory.{action}", "device", device.name,
                 after={"ok": ok, "error": device.last_error, **(details or {})})


# -- ports and VLANs ------------------------------------------------------------

def find_port(session: Session, device: str | Device, name: str) -> Port:
    dev = find_device(session, device) if isinstance(device, str) else device
    port = session.exec(select(Port).where(Port.device_id == dev.id, Port.name == name)).first()
    if port is None:
        raise NotFound(f"device {dev.name} has no port {name!r} in the inventory")
    return port


def list_ports(session: Session, device: Device) -> list[Port]:
    return list(session.exec(select(Port).where(Port.device_id == device.id)
                             .order_by(col(Port.name))))


def add_port(session: Session, actor: Actor, *, device: str, name: str,
             vlans: Sequence[int] = (1, 4094), description: str | None = None) -> Port:
    """Make a port attachable with a VLAN range; an existing port gets the new range.

    ``description`` None keeps an existing port's description. Narrowing the
    range so that a VLAN in use falls outside it is a conflict.
    """
    require(actor, *MANAGERS, action="manage the inventory")
    dev = find_device(session, device)
    validate.interface(name)
    lo, hi = check_vlans(vlans)
    port = session.exec(select(Port).where(Port.device_id == dev.id, Port.name == name)).first()
    if description is None:
        description = port.description if port else ""
    description = _text("description", description, 200)
    if port is None:
        assert dev.id is not None
        port = Port(device_id=dev.id, name=name, vlan_lo=lo, vlan_hi=hi, description=description)
        session.add(port)
        session.flush()
        audit.record(session, actor, "inventory.port.add", "port", f"{dev.name}:{name}",
                     after={"vlans": [lo, hi], "description": description})
        return port
    before = {"vlans": [port.vlan_lo, port.vlan_hi], "description": port.description}
    after = {"vlans": [lo, hi], "description": description}
    if before == after:
        return port
    outside = [v for v in used_vlans(session, port) if not lo <= v <= hi]
    if outside:
        raise Conflict(f"port {dev.name}:{name} has VLAN(s) {outside} in use outside {lo}-{hi}")
    port.vlan_lo, port.vlan_hi, port.description = lo, hi, description
    session.add(port)
    session.flush()
    audit.record(session, actor, "inventory.port.update", "port", f"{dev.name}:{name}",
                 before=before, after=after)
    return port


def vlan_claims(session: Session, port: Port) -> list[PortVlan]:
    """The VLANs in use on ``port``, with their owners."""
    return list(session.exec(select(PortVlan).where(PortVlan.port_id == port.id)
                             .order_by(col(PortVlan.vlan))))


def used_vlans(session: Session, port: Port) -> list[int]:
    return [c.vlan for c in vlan_claims(session, port)]


def free_vlans(session: Session, port: Port) -> list[int]:
    """The VLANs of the port's range not in use, ascending."""
    used = set(used_vlans(session, port))
    return [v for v in range(port.vlan_lo, port.vlan_hi + 1) if v not in used]


def claim_vlan(session: Session, actor: Actor, port: Port, vlan: int | None = None, *,
               owner: str) -> PortVlan:
    """Take ``vlan`` (or the lowest free one) on ``port`` for ``owner`` (e.g. ``request:12``).

    The port row is locked while the VLAN is chosen, so concurrent claims on one port
    take the next free VLAN each; the unique (port, vlan) constraint still makes double
    use impossible (a loser there gets a Conflict, exit 4).
    """
    device = session.get(Device, port.device_id)
    assert device is not None
    require_contact(actor, device, action="claim VLANs on")
    owner = _text("owner", owner, 128)
    if not owner:
        raise InvalidInput("a VLAN claim needs an owner (e.g. request:12)")
    where = f"{device.name}:{port.name}"
    # Claims on one port queue behind its row (PostgreSQL; SQLite writes are serial
    # already), so a concurrent writer's lowest free VLAN is seen, not raced for.
    session.exec(select(Port.id).where(Port.id == port.id).with_for_update()).first()
    if vlan is None:
        free = free_vlans(session, port)
        if not free:
            raise Conflict(f"no free VLAN left on {where} ({port.vlan_lo}-{port.vlan_hi})")
        vlan = free[0]
    elif not port.vlan_lo <= vlan <= port.vlan_hi:
        raise InvalidInput(f"VLAN {vlan} is outside {where}'s range "
                           f"{port.vlan_lo}-{port.vlan_hi}")
    assert port.id is not None
    claim = PortVlan(port_id=port.id, vlan=vlan, owner=owner, claimed_by=actor.name)
    try:
        with session.begin_nested():
            session.add(claim)
            session.flush()
    except IntegrityError:
        holder = session.exec(select(PortVlan.owner).where(
            PortVlan.port_id == port.id, PortVlan.vlan == vlan)).first()
        raise Conflict(f"VLAN {vlan} on {where} is in use by {holder or 'another request'}"
                       ) from None
    audit.record(session, actor, "inventory.vlan.claim", "port", where,
                 after={"vlan": vlan, "owner": owner})
    return claim


def release_vlan(session: Session, actor: Actor, port: Port, vlan: int, *,
                 owner: str | None = None) -> None:
    """Give ``vlan`` back; with ``owner``, only if that owner holds it."""
    device = session.get(Device, port.device_id)
    assert device is not None
    require_contact(actor, device, action="release VLANs on")
    where = f"{device.name}:{port.name}"
    claim = session.exec(select(PortVlan).where(PortVlan.port_id == port.id,
                                                PortVlan.vlan == vlan)).first()
    if claim is None:
        raise NotFound(f"VLAN {vlan} is not in use on {where}")
    if owner is not None and claim.owner != owner:
        raise Conflict(f"VLAN {vlan} on {where} is held by {claim.owner}, not {owner}")
    session.delete(claim)
    session.flush()
    audit.record(session, actor, "inventory.vlan.release", "port", where,
                 before={"vlan": vlan, "owner": claim.owner})


# -- what show needs -----------------------------------------------------------

def snapshots(session: Session, device: Device, *, limit: int | None = None
              ) -> list[ConfigSnapshot]:
    """The device's config snapshots, newest first."""
    query = select(ConfigSnapshot).where(ConfigSnapshot.device_id == device.id).order_by(
        col(ConfigSnapshot.taken_at).desc(), col(ConfigSnapshot.id).desc())
    return list(session.exec(query.limit(limit) if limit else query))


def snapshot_dict(snap: ConfigSnapshot) -> dict[str, Any]:
    """A config snapshot's record (not its text) as JSON-ready data."""
    return {"id": snap.id, "taken_at": snap.taken_at.isoformat(timespec="seconds"),
            "sha256": snap.sha256, "by": snap.taken_by}


def interfaces(session: Session, device: Device) -> list[DiscoveredInterface]:
    return list(session.exec(select(DiscoveredInterface).where(
        DiscoveredInterface.device_id == device.id).order_by(col(DiscoveredInterface.name))))


def show(session: Session, actor: Actor, name: str) -> dict[str, Any]:
    """A device with its ports, VLANs in use, last backup and discovered interfaces."""
    device = get_device(session, actor, name)
    last = snapshots(session, device, limit=1)
    return device_dict(session, device) | {
        "ports": [{"name": p.name, "vlans": f"{p.vlan_lo}-{p.vlan_hi}",
                   "description": p.description,
                   "in_use": [{"vlan": c.vlan, "owner": c.owner}
                              for c in vlan_claims(session, p)]}
                  for p in list_ports(session, device)],
        "last_backup": snapshot_dict(last[0]) if last else None,
        "interfaces": [{"name": i.name, "up": i.up, "description": i.description,
                        "vrf": i.vrf, "addresses": i.addresses, "vlan": i.vlan,
                        "seen_at": i.seen_at.isoformat(timespec="seconds")}
                       for i in interfaces(session, device)],
    }
