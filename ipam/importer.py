"""Brownfield import: build the address plan from what an existing extranet already runs.

Two sources:

* ``from_devices``: every address the devices carry, from the newest compliance
  scan of each device (else its last ``inventory discover``), and the unit LANs
  their static routes point at. Each distinct network becomes an allocation
  (purpose guessed: /32 loopback, /30–/31 interconnect, ``mgmt*`` management,
  else LAN), labelled with the district whose delegated block it lies in (the
  device's district is named in its description), and each address an IP address record
  naming the device and interface. A network outside every pool gets a pool made
  for it (its /16, or /48 for IPv6, shrunk until it overlaps no other pool).
* ``from_csv``: rows ``prefix, vrf, status, district, owner, description`` (optional
  ``purpose``); every row is checked before anything is written, errors name
  their line, and one bad row imports nothing.

Nothing imported has paperwork behind it (no block application, no connection
request): every imported block's description starts with ``imported: no
paperwork`` and each block leaves an ``ipam.import`` audit event saying so, so
the authority can work through them. The caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from netaddr import IPNetwork
from sqlalchemy import select
from sqlmodel import Session, col

from govnet import audit, validate
from govnet.auth import Actor, require
from govnet.errors import AlreadyExists, Conflict, GovnetError, InvalidInput
from govnet.models import District, Role
from govnet.org import find_district, find_unit
from ipam import service, space, store, zones
from ipam.models import Prefix, Purpose, Status, Vrf

MARK = "imported: no paperwork"
CSV_COLUMNS = ("prefix", "vrf", "status", "district", "owner", "description")
IMPORTABLE = (Status.container, Status.delegated, Status.allocated, Status.reserved)


@dataclass(frozen=True)
class Block:
    """One block to import, and where it was seen (a CSV line or device/interface)."""

    net: IPNetwork
    vrf: str | None
    status: Status = Status.allocated
    district: str | None = None
    owner: str | None = None
    purpose: str = Purpose.other.value
    description: str = ""
    source: str = ""
    addresses: tuple[tuple[str, str, str], ...] = ()  # (address, device, interface)


@dataclass
class ImportResult:
    created: list[dict[str, Any]] = field(default_factory=list)
    pools: list[str] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    addresses: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "pools": self.pools, "skipped": self.skipped,
                "addresses": self.addresses}


def guess_purpose(net: IPNetwork, interface: str = "") -> str:
    """Purpose of a network seen on a device.

    >>> guess_purpose(IPNetwork("10.255.0.1/32")), guess_purpose(IPNetwork("10.254.1.0/31"))
    ('loopback', 'interconnect')
    >>> guess_purpose(IPNetwork("198.18.0.0/24"), "mgmt0"), guess_purpose(IPNetwork("10.9.0.0/24"))
    ('mgmt', 'lan')
    """
    host = 32 if net.version == 4 else 128
    if net.prefixlen == host:
        return Purpose.loopback.value
    if net.prefixlen >= host - 2:
        return Purpose.interconnect.value
    if interface.lower().startswith(("mgmt", "management", "meth")):
        return Purpose.mgmt.value
    return Purpose.lan.value


def pool_for(net: IPNetwork, length: int, taken: Iterable[IPNetwork]) -> IPNetwork | None:
    """The pool to make for ``net``: its /length, shrunk until it overlaps none of ``taken``.

    >>> str(pool_for(IPNetwork("10.254.1.0/31"), 16, []))
    '10.254.0.0/16'
    >>> str(pool_for(IPNetwork("10.254.1.0/31"), 16, [IPNetwork("10.254.200.0/24")]))
    '10.254.0.0/17'
    """
    taken = [t for t in taken if t.version == net.version]
    for bits in range(min(length, net.prefixlen - 1), net.prefixlen):
        cand = IPNetwork(f"{net.ip}/{bits}").cidr
        if not any(t.first <= cand.last and cand.first <= t.last for t in taken):
            return cand
    return None


# -- writing ------------------------------------------------------------------------

def _zone(session: Session, actor: Actor, name: str | None) -> Vrf:
    if name is None or session.scalars(select(Vrf).where(col(Vrf.name) == name)).first():
        return service.get_vrf(session, name)
    return service.add_vrf(session, actor, name, description=MARK)


def _described(block: Block, mark: str = MARK) -> str:
    text = f"{mark}; {block.description}" if block.description else mark
    return text[:200]


def _import(session: Session, actor: Actor, block: Block, result: ImportResult,
            pool_length: int | None, mark: str = MARK) -> None:
    zone = _zone(session, actor, block.vrf)
    net = block.net
    if store.get_prefix(session, vrf_id=zone.id, net=net) is not None:  # type: ignore[arg-type]
        result.skipped.append({"prefix": str(net), "reason": "already in the plan",
                               "source": block.source})
        return
    district = find_district(session, block.district) if block.district else None
    owner = find_unit(session, block.owner) if block.owner else None
    if block.status is Status.container:
        if district is not None:
            raise InvalidInput(f"{net}: a pool belongs to no district (delegate a block of it)")
        prefix = service.add_pool(session, actor, str(net), vrf=zone.name,
                                  description=_described(block, mark))
    else:
        parent = store.innermost_parent(session, vrf_id=zone.id, net=net)  # type: ignore[arg-type]
        if parent is None and pool_length is not None:
            taken = [IPNetwork(p.cidr) for p in session.scalars(select(Prefix).where(
                col(Prefix.vrf_id) == zone.id, col(Prefix.parent_id).is_(None)))]
            pool = pool_for(net, pool_length if net.version == 4 else 48, taken)
            if pool is None:
                raise Conflict(f"{net}: no pool can be made for it beside the existing pools")
            service.add_pool(session, actor, str(pool), vrf=zone.name,
                             description=f"{mark}; made for addresses found on devices")
            result.pools.append(str(pool))
        parent = service._parent_for_cidr(session, zone, net)
        if block.status is Status.delegated:
            if parent.status != Status.container.value:
                raise Conflict(f"{net}: a district block goes inside a pool, not {parent.cidr}")
            if district is None:
                raise InvalidInput(f"{net}: a delegated block names its district")
            label: int | None = district.id
        else:
            label = service.district_label(parent, district, net)
        service._carve_exact(session, parent, net)
        prefix = service._new_prefix(
            session, vrf=zone, net=net, parent=parent, status=block.status,
            district_id=label,
            owner_id=owner.id if owner else None, purpose=block.purpose,
            description=_described(block, mark))
    for address, device, interface in block.addresses:
        try:
            service.assign_address(session, actor, prefix, address=address, device=device,
                                   interface=interface, description=mark)
            result.addresses += 1
        except AlreadyExists:
            pass
    label_row = session.get(District, prefix.district_id) if prefix.district_id else None
    data = {"prefix": str(net), "vrf": zone.name, "status": block.status.value,
            "district": label_row.name if label_row else None, "owner": block.owner,
            "purpose": prefix.purpose, "description": prefix.description, "source": block.source}
    result.created.append(data)
    audit.record(session, actor, "ipam.import", "prefix", f"{zone.name}:{net}",
                 after={**data, "paperwork": False})


def import_blocks(session: Session, actor: Actor, blocks: Iterable[Block], *,
                  pool_length: int | None = None, mark: str = MARK) -> ImportResult:
    """Import ``blocks`` (parents before children); a failing block names its source.
    ``mark`` starts each description (a source with its own paperwork names itself)."""
    require(actor, Role.municipal_operator, action="import the address plan")
    result = ImportResult()
    order = sorted(blocks, key=lambda b: (b.net.version, b.net.prefixlen,
                                          IMPORTABLE.index(b.status), b.net.first))
    for block in order:
        try:
            _import(session, actor, block, result, pool_length, mark)
        except GovnetError as exc:
            exc.message = f"{block.source}: {exc.message}" if block.source else exc.message
            exc.args = (exc.message,)
            raise
    return result


# -- sources ------------------------------------------------------------------------

def blocks_from_csv(text: str) -> list[Block]:
    """Parse and check every row; InvalidInput lists each bad line (1-based, header = 1).

    An empty file is no blocks. A prefix given twice (in one VRF) is an error.
    """
    header, records = validate.csv_records(text, "line")
    if not header:
        return []
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise InvalidInput(f"line 1: the header lacks {', '.join(missing)} "
                           f"(expected {','.join(CSV_COLUMNS)}[,purpose])")
    blocks, errors = [], []
    lines: dict[tuple[str, str], int] = {}
    for number, row in records:
        try:
            status = Status(row["status"] or "allocated")
            if status not in IMPORTABLE:
                raise InvalidInput(f"status {status.value!r} is not importable")
            purpose = service.allocator.purpose_of(row.get("purpose") or Purpose.other.value)
            names = {k: validate.text(row[k], k, limit=128) or None
                     for k in ("vrf", "district", "owner")}
            description = validate.text(row["description"], "description",
                                        limit=200 - len(MARK) - 2)
            net = space.parse_cidr(row["prefix"])
            key = (names["vrf"] or "", str(net))
            if key in lines:
                raise InvalidInput(f"{net} is also on line {lines[key]}")
            lines[key] = number
            blocks.append(Block(net, names["vrf"], status, names["district"], names["owner"],
                                purpose, description, source=f"line {number}"))
        except ValueError:
            errors.append(f"line {number}: unknown status {row['status']!r}; one of "
                          f"{', '.join(s.value for s in IMPORTABLE)}")
        except GovnetError as exc:
            errors.append(f"line {number}: {exc.message}")
    if errors:
        raise InvalidInput("; ".join(errors))
    return blocks


def from_csv(session: Session, actor: Actor, text: str, *, skip_existing: bool = False
             ) -> ImportResult:
    """Import a CSV plan. A row already in the plan is refused (exit 4) unless
    ``skip_existing``, when it is skipped and listed in the result."""
    require(actor, Role.municipal_operator, action="import the address plan")
    blocks = blocks_from_csv(text)
    if not skip_existing:
        present = [b for b in blocks if _in_plan(session, b)]
        if present:
            raise AlreadyExists("; ".join(f"{b.source}: {b.net} is already in the plan"
                                          for b in present)
                                + "; nothing imported (--skip-existing skips such rows)")
    return import_blocks(session, actor, blocks)


def _in_plan(session: Session, block: Block) -> bool:
    zone = session.scalars(select(Vrf).where(col(Vrf.name) == block.vrf)).first() \
        if block.vrf else session.scalars(select(Vrf).order_by(col(Vrf.id))).first()
    return zone is not None and store.get_prefix(
        session, vrf_id=zone.id, net=block.net) is not None  # type: ignore[arg-type]


def blocks_from_devices(session: Session) -> list[Block]:
    """One block per distinct network the devices carry (newest scan, else discovery)."""
    from compliance.models import Evidence
    from compliance.reconcile import scannable
    from inventory.models import Device, DiscoveredInterface

    # A device's VRF is its zone's device name (ipam.zones); one no zone carries yet
    # becomes a zone of that name.
    known = {vrf: zone.name for vrf, zone in zones.by_device_name(session).items()}
    seen: dict[tuple[str | None, str], Block] = {}
    for device in session.scalars(select(Device).where(col(Device.demo).is_(False))
                                  .order_by(col(Device.name))):
        # A device's district is no label claim: a block is labelled with the district
        # whose delegated block it lies in (service.district_label); it is named here.
        district = session.get(District, device.district_id) if device.district_id else None
        seen_on = f"{device.name} ({district.name})" if district else device.name
        ev = session.scalars(select(Evidence).where(col(Evidence.device_id) == device.id)
                             .order_by(col(Evidence.id).desc())).first()
        if ev is not None:
            ifaces = [(i["name"], i.get("vrf", ""), i.get("addresses", []))
                      for i in ev.facts.get("interfaces", [])]
            routes = [(r["prefix"], r.get("vrf", "")) for r in ev.facts.get("routes", [])]
        else:
            ifaces = [(i.name, i.vrf, i.addresses) for i in session.scalars(
                select(DiscoveredInterface).where(col(DiscoveredInterface.device_id) == device.id))]
            routes = []
        for name, vrf, addresses in ifaces:
            zone = known.get(vrf or "", vrf or None)
            for address in filter(scannable, addresses):
                ip = IPNetwork(address)
                key = (zone, str(ip.cidr))
                old = seen.get(key)
                found = (str(ip.ip), device.name, name)
                seen[key] = Block(ip.cidr, zone, purpose=guess_purpose(ip.cidr, name),
                                  description=f"seen on {seen_on} {name}",
                                  source=f"{device.name} {name}",
                                  addresses=(old.addresses if old else ()) + (found,))
        for prefix, vrf in routes:
            net = IPNetwork(prefix).cidr
            zone = known.get(vrf or "", vrf or None)
            if net.prefixlen >= 16 and (zone, str(net)) not in seen:
                seen[(zone, str(net))] = Block(
                    net, zone, purpose=Purpose.lan.value,
                    description=f"routed by {seen_on}",
                    source=f"{device.name} static route {net}")
    return [b for b in seen.values() if not _nested(b, seen.values())]


def _nested(block: Block, blocks: Iterable[Block]) -> bool:
    """A network inside another imported one (a secondary subnet): the outer one holds it."""
    return any(o is not block and o.vrf == block.vrf and o.net.version == block.net.version
               and o.net.first <= block.net.first and block.net.last <= o.net.last
               and o.net.prefixlen < block.net.prefixlen for o in blocks)


def from_devices(session: Session, actor: Actor, *, pool_length: int = 16) -> ImportResult:
    return import_blocks(session, actor, blocks_from_devices(session), pool_length=pool_length)
