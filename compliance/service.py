"""Compliance services: run a scan, keep findings, list and acknowledge them.

:func:`scan` talks to devices, so it owns its transactions (like
``inventory.backup``): one short read to pick the devices and check the actor's
scope, the SSH sessions in parallel threads with no transaction open, then one
write transaction that stores the evidence, reconciles and settles the findings.
The other functions take ``(session, actor, …)`` and never commit — the TUI and
the CLI call them inside their own ``read()`` / ``transaction()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from netaddr import IPNetwork
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from access.models import ConnectionRequest, Job, JobKind, JobState, RequestZone
from access.privnet import covering_filing
from compliance.models import Evidence, Finding, FindingState, FindingType, Scan
from compliance.reconcile import Attachment, DeviceFacts, Found, PlanEntry, reconcile
from compliance.scan import collect, facts_of
from govnet import audit
from govnet.auth import Actor, require, require_district, scope_where, sees
from govnet.db import read, transaction
from govnet.errors import DeviceError, GovnetError, NotFound, NotPermitted, choice
from govnet.models import District, Role, Unit, utcnow
from inventory import service as inventory
from inventory.backup import contact_failed, store_snapshot
from inventory.connect import DEFAULT_TIMEOUT, DeviceRef, on_devices
from inventory.models import ConfigSnapshot, Device
from ipam import zones
from ipam.models import Prefix

HANDLERS = (Role.authority, Role.municipal_operator, Role.district_operator)


@dataclass
class DeviceResult:
    device: str
    ok: bool
    error: str | None = None
    exit_code: int = 0
    findings: int = 0
    notes: list[str] = field(default_factory=list)  # what could not be collected, and why

    def as_dict(self) -> dict[str, Any]:
        return vars(self).copy()


@dataclass
class ScanReport:
    """What a scan did: per-device results and the findings opened, kept and resolved."""

    scan: int
    devices: list[DeviceResult] = field(default_factory=list)
    new: int = 0
    seen: int = 0
    reopened: int = 0
    resolved: int = 0
    open: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"scan": self.scan, "devices": [d.as_dict() for d in self.devices],
                "new": self.new, "seen": self.seen, "reopened": self.reopened,
                "resolved": self.resolved, "open": self.open}


# -- inputs of reconciliation --------------------------------------------------------

def device_vrf_names(session: Session) -> dict[int, str]:
    """Zone id → the VRF name on devices (the default zone is the global table, ""): the
    renderer's own rule (:mod:`ipam.zones`), so a zone matches the VRF govnet pushed."""
    return zones.device_names(session)


def plan_entries(session: Session) -> list[PlanEntry]:
    """The plan keyed by device VRF; a zone no device can carry has nothing to match."""
    names = device_vrf_names(session)
    units = dict(session.exec(select(Unit.id, Unit.name)).all())
    districts = dict(session.exec(select(District.id, District.name)).all())
    rows = session.execute(sa_select(Prefix.vrf_id, Prefix.cidr, Prefix.status,  # type: ignore[call-overload]
                                     Prefix.owner_id, Prefix.district_id, Prefix.purpose))
    return [PlanEntry(cidr, names[vrf_id], status, units.get(owner),
                      districts.get(district), purpose)
            for vrf_id, cidr, status, owner, district, purpose in rows if vrf_id in names]


def _zone_lines(platform: str, rendered: str, subif: str, lans: Sequence[str]) -> tuple[str, ...]:
    """The lines of a request's rendered config that belong to one zone."""
    from access import diffing

    keep: list[str] = []
    for node in diffing.parse(platform, rendered).children:
        words = node.text.split()
        if node.text.startswith("interface ") and len(words) > 1 and words[1] == subif:
            keep += [node.text, *(f" {c.text}" for c in node.children)]
        elif not node.children and any(lan in words for lan in lans):
            keep.append(node.text)
        elif node.children and any(lan in c.text.split() for c in node.children
                                   for lan in lans):
            # The whole section (a zone's ACL, its VRF's routes): every line of it is this
            # request's, and a section kept in part makes the rest look like drift.
            keep += [node.text, *(f" {c.text}" for c in node.children)]
    return tuple(keep)


def attachments(session: Session) -> list[Attachment]:
    names = device_vrf_names(session)
    units = dict(session.exec(select(Unit.id, Unit.name)).all())
    districts = dict(session.exec(select(District.id, District.name)).all())
    platforms = dict(session.exec(select(Device.name, Device.platform)).all())
    rendered: dict[int, str] = {}
    for job in session.exec(select(Job).where(Job.kind == JobKind.attach.value,
                                              Job.state == JobState.committed.value)
                            .order_by(col(Job.id))):
        if job.request_id is not None and job.rendered:
            rendered[job.request_id] = job.rendered  # the newest committed attach wins
    out = []
    for zone, req in session.exec(select(RequestZone, ConnectionRequest).where(
            RequestZone.request_id == ConnectionRequest.id,
            col(RequestZone.device).is_not(None))):
        address = zone.gateway4
        if not address and zone.local4 and zone.interconnect_cidr:
            address = f"{zone.local4}/{IPNetwork(zone.interconnect_cidr).prefixlen}"
        prefixes = tuple(p for p in (zone.lan_cidr, zone.interconnect_cidr, zone.lan6_cidr,
                                     zone.interconnect6_cidr) if p)
        lans = tuple(p for p in (zone.lan_cidr, zone.lan6_cidr) if p) \
            if req.model == "routed" else ()
        text = rendered.get(req.id or 0, "")
        platform = platforms.get(zone.device or "", "")
        lines = _zone_lines(platform, text, zone.subinterface or "", lans) \
            if text and platform else ()
        out.append(Attachment(
            request=req.id or 0, state=req.state, device=zone.device,
            interface=zone.subinterface, vrf=names.get(zone.vrf_id, "?"), address=address,
            prefixes=prefixes, routes=lans, rendered=lines, unit=units.get(req.unit_id),
            district=districts.get(req.district_id) if req.district_id else None))
    return out


def filing_lookup(session: Session) -> Any:
    """``(device VRF, network) → filing label``: the private-network register's answer."""
    by_name = zones.by_device_name(session)

    def filed(vrf: str, net: IPNetwork) -> str | None:
        network = covering_filing(session, by_name.get(vrf), net)
        return f"private network {network.id} {network.name}" if network else None

    return filed


def stored_facts(session: Session, exclude: set[str]) -> list[DeviceFacts]:
    """The newest evidence of every device not scanned now (for cross-device conflicts)."""
    districts = dict(session.exec(select(District.id, District.name)).all())
    facts = []
    for device in session.exec(select(Device).where(col(Device.name).not_in(exclude))):
        ev = session.exec(select(Evidence).where(Evidence.device_id == device.id)
                          .order_by(col(Evidence.id).desc())).first()
        if ev is None:
            continue
        snap = session.get(ConfigSnapshot, ev.snapshot_id) if ev.snapshot_id else None
        facts.append(facts_of(device.name, districts.get(device.district_id or 0), ev.facts,
                              snap.text if snap else ""))
    return facts


# -- the scan -----------------------------------------------------------------------

def scan(actor: Actor, names: Sequence[str] = (), *, workers: int = 8,
         timeout: float = DEFAULT_TIMEOUT) -> ScanReport:
    """Collect from the devices in parallel, reconcile, and settle the findings."""
    with read() as s:
        refs = [DeviceRef.of(d) for d in inventory.devices_to_contact(s, actor, names,
                                                                      action="scan")]
    outcomes = on_devices(refs, collect, workers=workers, timeout=timeout)
    with transaction() as s:
        row = Scan(actor=actor.name, devices=[r.name for r in refs])
        s.add(row)
        s.flush()
        assert row.id is not None
        report = ScanReport(scan=row.id)
        districts = dict(s.exec(select(District.id, District.name)).all())
        fresh, results = [], {}
        for outcome in outcomes:
            device = s.get(Device, outcome.device.id)
            if device is None:
                continue
            if outcome.ok and outcome.value is not None:
                data = dict(outcome.value)
                running = data.pop("running", "")
                snap, _ = store_snapshot(s, actor, device, running) if running else (None, False)
                s.add(Evidence(scan_id=row.id, device_id=device.id or 0, device=device.name,
                               facts=data, snapshot_id=snap.id if snap else None))
                fresh.append(facts_of(device.name, districts.get(device.district_id or 0), data,
                                      running))
                inventory.record_contact(s, actor, device, ok=True, action="scan")
                results[device.name] = DeviceResult(device.name, True,
                                                    notes=list(data.get("notes", [])))
                continue
            err = outcome.error or DeviceError(f"{device.name}: no answer")
            if contact_failed(outcome):
                inventory.record_contact(s, actor, device, ok=False, error=err.message,
                                         action="scan")
            results[device.name] = DeviceResult(device.name, False, err.message, err.exit_code)
        scanned = {f.device for f in fresh}
        everything = fresh + stored_facts(s, scanned)
        found = reconcile(everything, plan_entries(s), attachments(s), filing_lookup(s))
        _settle(s, row.id, [f for f in found if f.device in scanned], scanned, report)
        for f in found:
            if f.device in results:
                results[f.device].findings += 1
        report.devices = [results[r.name] for r in refs if r.name in results]
        row.finished_at = utcnow()
        row.errors = {d.device: d.error or "" for d in report.devices if not d.ok}
        row.counts = {k: v for k, v in report.as_dict().items() if isinstance(v, int)}
        s.add(row)
        audit.record(s, actor, "compliance.scan", "scan", row.id,
                     after={"devices": row.devices, "errors": row.errors, **row.counts})
    return report


def _settle(session: Session, scan_id: int, found: list[Found], scanned: set[str],
            report: ScanReport) -> None:
    """New findings in, seen ones touched, vanished ones resolved (scanned devices only)."""
    now = utcnow()
    ids = {name: i for i, name in session.exec(select(District.id, District.name)).all()}
    existing = {f.fingerprint: f for f in session.exec(
        select(Finding).where(col(Finding.device).in_(scanned)))}
    for f in found:
        row = existing.pop(f.fingerprint, None)
        if row is None:
            row = Finding(fingerprint=f.fingerprint, type=f.type, severity=f.severity,
                          device=f.device, interface=f.interface, vlan=f.vlan, vrf=f.vrf,
                          prefix=f.prefix, first_seen=now, district_id=ids.get(f.district or ""),
                          request_id=f.request, detail="", evidence="")
            report.new += 1
        elif row.state == FindingState.resolved.value:
            row.state, row.resolved_at = FindingState.open.value, None
            report.reopened += 1
        else:
            report.seen += 1
        row.detail, row.evidence = f.detail[:500], f.evidence
        row.last_seen, row.last_scan_id, row.vlan = now, scan_id, f.vlan
        session.add(row)
    for row in existing.values():
        if row.state != FindingState.resolved.value:
            row.state, row.resolved_at, row.last_scan_id = FindingState.resolved.value, now, scan_id
            session.add(row)
            report.resolved += 1
    session.flush()
    report.open = len(session.exec(select(Finding.id).where(
        Finding.state != FindingState.resolved.value)).all())


# -- reading and acknowledging findings -----------------------------------------------

def _visible(actor: Actor, finding: Finding) -> bool:
    return sees(actor, district_id=finding.district_id)


def findings(session: Session, actor: Actor, *, state: str | None = None,
             type: str | None = None, device: str | None = None,  # noqa: A002
             limit: int | None = None) -> list[Finding]:
    """Findings the actor may read, newest first; filters by state, type and device."""
    if not actor.reads_all and actor.role is not Role.district_operator:
        raise NotPermitted(f"{actor.name} ({actor.role.value}) may not read compliance findings")
    query = select(Finding).order_by(col(Finding.last_seen).desc(), col(Finding.id).desc())
    if state is not None:
        query = query.where(Finding.state == _enum(FindingState, state, "--state"))
    if type is not None:
        query = query.where(Finding.type == _enum(FindingType, type, "--type"))
    if device is not None:
        query = query.where(Finding.device == device)
    query = query.where(scope_where(actor, district=col(Finding.district_id)))
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query))


def _enum(kind: Any, value: str, option: str) -> str:
    return str(choice(kind, value, f"{option} value").value)


def get_finding(session: Session, actor: Actor, number: int) -> Finding:
    finding = session.get(Finding, number)
    if finding is None or not _visible(actor, finding):
        raise NotFound(f"no compliance finding {number}")
    return finding


def acknowledge(session: Session, actor: Actor, number: int, *, note: str = "") -> Finding:
    """An open finding seen and owned by someone (it stays until a scan resolves it)."""
    require(actor, *HANDLERS, action="acknowledge compliance findings")
    finding = get_finding(session, actor, number)
    require_district(actor, finding.district_id, action=f"acknowledge finding {number}")
    if finding.state != FindingState.open.value:
        from govnet.errors import WrongState

        raise WrongState(f"finding {number} is {finding.state}; only open findings are "
                         "acknowledged")
    finding.state = FindingState.acknowledged.value
    finding.acknowledged_by, finding.acknowledged_at = actor.name, utcnow()
    session.add(finding)
    session.flush()
    audit.record(session, actor, "compliance.acknowledge", "finding", number,
                 after={"type": finding.type, "device": finding.device, "note": note[:200]})
    return finding


def finding_dict(session: Session, finding: Finding) -> dict[str, Any]:
    """A finding as JSON-ready data (the CLI's and the TUI's shape)."""
    district = session.get(District, finding.district_id) if finding.district_id else None
    return {
        "id": finding.id, "severity": finding.severity, "type": finding.type,
        "state": finding.state, "device": finding.device, "interface": finding.interface,
        "vlan": finding.vlan, "vrf": finding.vrf, "prefix": finding.prefix,
        "detail": finding.detail, "evidence": finding.evidence,
        "district": district.name if district else None, "request": finding.request_id,
        "first_seen": finding.first_seen, "last_seen": finding.last_seen,
        "resolved_at": finding.resolved_at, "acknowledged_by": finding.acknowledged_by,
        "isolated": finding.isolated, "isolation_doc": finding.isolation_doc,
        "isolation_job": finding.isolation_job_id,
    }


__all__ = ["DeviceResult", "GovnetError", "ScanReport", "acknowledge", "attachments",
           "finding_dict", "findings", "get_finding", "plan_entries", "scan"]
