"""Connection requests: a unit's written application, its review and its life (Art. 10, 24).

States (DESIGN.md)::

    draft → submitted ⇄ returned (missing items listed; resubmit)
    submitted → approved (approval doc no.) | rejected (reason) | withdrawn
    approved → provisioning → connected | failed (retry, or roll back)
    connected → disconnecting → disconnected (addresses quarantined)

Every function takes the caller's session and the acting user, checks state,
role, scope and required fields *before* it changes anything, and records one
audit event; a refused call raises a typed error and changes nothing. Art. 10:
an incomplete application is returned once, with the complete list of what is
missing and a date to correct it by; after that the authority approves or rejects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from access.models import AttachModel, ConnectionRequest, Families, RequestState, RequestZone
from govnet import audit, validate
from govnet.auth import Actor, require, scope_where, sees
from govnet.errors import InvalidInput, NotFound, NotPermitted, WrongState, choice
from govnet.models import District, Role, Unit, utcnow
from govnet.org import find_unit
from inventory.models import Device, Port
from ipam import space
from ipam.models import Prefix, Status, Vrf
from ipam.service import get_vrf

S = RequestState
SUBMITTERS = (Role.applicant, Role.municipal_operator, Role.district_operator)
PROVISIONERS = (Role.municipal_operator, Role.district_operator)
CORRECTION_DAYS = 15  # default period to correct a returned application (Art. 10 "規定時限")
MAX_MISSING = 30
FIELDS = ("zones", "families", "hosts", "size", "site", "contact", "purpose", "model", "device", "port",
          "application_doc", "security_plan")
# Sane unit LAN lengths per (family, model): a gateway LAN holds the gateway and a host.
LENGTHS = {(4, "gateway"): (16, 30), (4, "routed"): (16, 32),
           (6, "gateway"): (64, 64), (6, "routed"): (48, 64)}
IPV6_LAN = 64  # every IPv6 unit LAN (gateway model, or the routed LAN beside IPv4)
APPLICATION_GAP = "书面申请 written application (--application-doc)"


# -- input checks ----------------------------------------------------------------

def check_text(value: object, field: str, limit: int) -> str:
    """Non-empty printable text of at most ``limit`` characters (stripped)."""
    return validate.text(value if isinstance(value, str) else "", field, limit=limit,
                         required=True)


def check_ref(value: object, field: str) -> str:
    """A document reference (application, plan, approval number): 1–128 printable."""
    return check_text(value, field, 128)


@dataclass(frozen=True)
class Checked:
    """Validated request fields, ready for the row."""

    vrfs: tuple[Vrf, ...]
    hosts: int | None
    prefixlen: int
    family: int
    families: str
    site: str
    contact: str
    purpose: str
    model: str
    device: str | None
    port: str | None
    application_doc: str | None
    security_plan: str | None


def _zone_families(session: Session, vrfs: Sequence[Vrf], families: str | None) -> Families:
    """The request's families: as asked (each zone must have a pool of each), or by
    default IPv4 where every zone has IPv4 space, else IPv6 where every zone has it."""
    pools = []
    for zone in vrfs:
        versions = set(session.exec(select(Prefix.version).where(
            col(Prefix.vrf_id) == zone.id, col(Prefix.parent_id).is_(None),
            col(Prefix.status) == Status.container.value)))
        if not versions:
            raise InvalidInput(f"zone {zone.name} has no address pool yet: add one with "
                               f"'govnet ipam pool add CIDR --vrf {zone.name}'")
        pools.append((zone, versions))
    if families is not None:
        wanted = choice(Families, families, "--family")
        for zone, versions in pools:
            for version in wanted.versions:
                if version not in versions:
                    raise InvalidInput(f"--family {wanted.value}: zone {zone.name} has no "
                                       f"IPv{version} pool (add one with 'govnet ipam pool "
                                       f"add CIDR --vrf {zone.name}')")
        return wanted
    for default in (Families.ipv4, Families.ipv6):
        if all(default.versions[0] in versions for _, versions in pools):
            return default
    raise InvalidInput("the zones have no address family in common (IPv4 in some, "
                       "IPv6 in others): submit one request per family")


def _check_attachment(session: Session, unit: Unit, device: str | None, port: str | None
                      ) -> tuple[str | None, str | None]:
    if device is None and port is None:
        return None, None
    if device is None or port is None:
        raise InvalidInput("give --device and --port together (or neither: govnet chooses)")
    row = session.exec(select(Device).where(col(Device.name) == device.strip())).first()
    if row is None:
        raise NotFound(f"unknown device {device!r}")
    if row.district_id is not None and unit.district_id is not None \
            and row.district_id != unit.district_id:
        raise InvalidInput(f"device {row.name} serves another district than {unit.name}")
    found = session.exec(select(Port).where(col(Port.device_id) == row.id,
                                            col(Port.name) == port.strip())).first()
    if found is None:
        raise NotFound(f"device {row.name} has no attachable port {port!r} (add it with "
                       f"'govnet inventory ports add {row.name} PORT')")
    return row.name, found.name


def check_fields(session: Session, unit: Unit, *, zones: Sequence[str], hosts: int | None,
                 size: str | None, families: str | None = None, site: str, contact: str,
                 purpose: str, model: str,
                 device: str | None, port: str | None, application_doc: str | None,
                 security_plan: str | None) -> Checked:
    """Validate every field of a request; InvalidInput (exit 2) names the first bad one."""
    if not zones:
        raise InvalidInput("--zone is required: name at least one zone (VRF)")
    names = [z.strip() for z in zones]
    if len(set(names)) != len(names):
        raise InvalidInput("--zone: each zone once")
    vrfs = tuple(get_vrf(session, name) for name in names)
    if model not in {m.value for m in AttachModel}:
        raise InvalidInput(f"--model: {model!r} is not one of gateway, routed")
    if (hosts is None) == (size is None):
        raise InvalidInput("give --hosts N or --size /N (one of them)")
    chosen = _zone_families(session, vrfs, families)
    family = chosen.versions[0]  # the family of --hosts/--size; an IPv6 LAN beside it is /64
    if family == 6 and hosts is not None:
        length = IPV6_LAN  # any host count fits a /64
    else:
        length = space.hosts_to_prefixlen(hosts, family) if hosts is not None \
            else space.parse_size(size or "", family)
    low, high = LENGTHS[(family, model)]
    if not low <= length <= high:
        raise InvalidInput(f"a {model} unit LAN of /{length} is not sane for IPv{family}: "
                           f"between /{low} and /{high}")
    device, port = _check_attachment(session, unit, device, port)
    return Checked(
        vrfs=vrfs, hosts=hosts, prefixlen=length, family=family, families=chosen.value,
        site=check_text(site, "--site", 200), contact=check_text(contact, "--contact", 200),
        purpose=check_text(purpose, "--purpose", 500), model=model, device=device, port=port,
        application_doc=check_ref(application_doc, "--application-doc")
        if application_doc is not None else None,
        security_plan=check_ref(security_plan, "--security-plan")
        if security_plan is not None else None)


def _fields_of(session: Session, request: ConnectionRequest) -> dict[str, Any]:
    """The request's current fields in :func:`submit`'s terms (for resubmit)."""
    names = _vrf_names(session)
    return {
        "zones": [names[z.vrf_id] for z in zones_of(session, request)],
        "families": request.families,
        "hosts": request.hosts,
        "size": None if request.hosts is not None else f"/{request.prefixlen}",
        "site": request.site, "contact": request.contact, "purpose": request.purpose,
        "model": request.model, "device": request.device, "port": request.port,
        "application_doc": request.application_doc, "security_plan": request.security_plan,
    }


# -- reading ------------------------------------------------------------------

def visible(actor: Actor, request: ConnectionRequest) -> bool:
    """Readers of all; a district operator its district's; an applicant its unit's."""
    return sees(actor, district_id=request.district_id, unit_id=request.unit_id)


def get_request(session: Session, actor: Actor, number: int, *, lock: bool = False
                ) -> ConnectionRequest:
    """Request ``number`` if it exists and the actor may read it."""
    query = select(ConnectionRequest).where(col(ConnectionRequest.id) == number)
    if lock:
        query = query.with_for_update()
    request = session.exec(query).first()
    if request is None or not visible(actor, request):  # another's reads as missing
        raise NotFound(f"no connection request {number}")
    return request


def list_requests(session: Session, actor: Actor, *, status: str | None = None
                  ) -> list[ConnectionRequest]:
    """The requests the actor may read, oldest first, optionally in one state."""
    query = select(ConnectionRequest).order_by(col(ConnectionRequest.id))
    if status is not None:
        choice(S, status, "status")
        query = query.where(col(ConnectionRequest.state) == status)
    query = query.where(scope_where(actor, district=col(ConnectionRequest.district_id),
                                    unit=col(ConnectionRequest.unit_id)))
    return list(session.exec(query))


def zones_of(session: Session, request: ConnectionRequest) -> list[RequestZone]:
    """The request's zones in the order they were asked for."""
    return list(session.exec(select(RequestZone).where(col(RequestZone.request_id) == request.id)
                             .order_by(col(RequestZone.position), col(RequestZone.id))))


def _vrf_names(session: Session) -> dict[int, str]:
    return {i: n for i, n in session.exec(select(Vrf.id, Vrf.name)) if i is not None}


# Zone columns as the views name them.
ZONE_VIEW = {"vrf": None, "state": "state", "device": "device", "port": "port", "vlan": "vlan",
             "subinterface": "subinterface", "lan": "lan_cidr", "lan6": "lan6_cidr",
             "interconnect": "interconnect_cidr", "interconnect6": "interconnect6_cidr",
             "gateway4": "gateway4", "gateway6": "gateway6", "local4": "local4",
             "local6": "local6", "peer4": "peer4", "peer6": "peer6", "acl": "acl"}


def request_dict(session: Session, request: ConnectionRequest) -> dict[str, Any]:
    """The plain-data view of a request (JSON, tables, the TUI, audit)."""
    unit = session.get(Unit, request.unit_id)
    district = session.get(District, request.district_id) if request.district_id else None
    vrfs = _vrf_names(session)

    def when(value: Any) -> str | None:
        return value.isoformat(timespec="seconds") if value else None

    zones = [{key: getattr(z, column) if column else vrfs.get(z.vrf_id)
              for key, column in ZONE_VIEW.items()} for z in zones_of(session, request)]
    return {
        "id": request.id, "unit": unit.name if unit else None,
        "district": district.name if district else None, "state": request.state,
        "zones": zones, "hosts": request.hosts, "size": f"/{request.prefixlen}",
        "family": request.family, "families": request.families, "model": request.model, "site": request.site,
        "contact": request.contact, "purpose": request.purpose, "device": request.device,
        "port": request.port, "application_doc": request.application_doc,
        "security_plan": request.security_plan, "submitted_by": request.submitted_by,
        "returned_items": list(request.returned_items or []),
        "return_count": request.return_count, "returned_by": request.returned_by,
        "correct_by": when(request.correct_by), "approval_doc": request.approval_doc,
        "approver": request.approver, "decided_by": request.decided_by,
        "reject_reason": request.reject_reason, "last_error": request.last_error,
        "created_at": when(request.created_at), "submitted_at": when(request.submitted_at),
        "returned_at": when(request.returned_at), "decided_at": when(request.decided_at),
        "connected_at": when(request.connected_at),
        "disconnected_at": when(request.disconnected_at),
    }


# -- checks shared by every transition ------------------------------------------

def _require_scope(actor: Actor, request: ConnectionRequest, *, action: str) -> None:
    """Applicants act for their unit, district operators (and a district-level
    authority) for their district; everyone else by role alone."""
    number = request.id
    if actor.role is Role.applicant and request.unit_id != actor.unit_id:
        raise NotPermitted(f"{actor.name} (applicant of {actor.unit_name}) may not {action} "
                           f"connection request {number} of another unit")
    if actor.role in (Role.district_operator, Role.authority) and actor.district_id is not None \
            and request.district_id != actor.district_id:
        raise NotPermitted(f"{actor.name} ({actor.role.value} of {actor.district_name}) may not "
                           f"{action} connection request {number} outside its district")


def _require_state(request: ConnectionRequest, allowed: Sequence[S], *, action: str,
                   hint: str = "") -> None:
    if request.state not in {s.value for s in allowed}:
        wanted = " or ".join(s.value for s in allowed)
        raise WrongState(f"connection request {request.id} is {request.state}, not {wanted}: "
                         f"cannot {action}{hint}")


def _transition(session: Session, actor: Actor, request: ConnectionRequest, to: S, *,
                action: str, **changes: Any) -> ConnectionRequest:
    """Apply a checked transition: set the state and ``changes``, audit before/after."""
    before = {"state": request.state} | {k: getattr(request, k) for k in changes}
    request.state = to.value
    for key, value in changes.items():
        setattr(request, key, value)
    request.updated_at = utcnow()
    session.add(request)
    session.flush()
    after = {"state": request.state} | {k: getattr(request, k) for k in changes}
    audit.record(session, actor, f"access.request.{action}", "connection_request", request.id,
                 before=before, after=after)
    return request


def _check_unit_scope(actor: Actor, unit: Unit, *, action: str) -> None:
    if actor.role is Role.applicant and unit.id != actor.unit_id:
        raise NotPermitted(f"{actor.name} (applicant of {actor.unit_name}) may not {action} "
                           f"for {unit.name}")
    if actor.role is Role.district_operator and unit.district_id != actor.district_id:
        raise NotPermitted(f"{actor.name} (district_operator of {actor.district_name}) may not "
                           f"{action} for {unit.name}, a unit outside its district")


def _set_zones(session: Session, request: ConnectionRequest, zones: Sequence[Vrf]) -> None:
    session.execute(delete(RequestZone).where(col(RequestZone.request_id) == request.id))
    for position, zone in enumerate(zones):
        session.add(RequestZone(request_id=request.id, vrf_id=zone.id,  # type: ignore[arg-type]
                                position=position))
    session.flush()


# -- the applicant's side -------------------------------------------------------

def submit(session: Session, actor: Actor, *, unit: str, zones: Sequence[str],
           hosts: int | None = None, size: str | None = None, site: str, contact: str,
           purpose: str, model: str = "gateway", families: str | None = None, device: str | None = None,
           port: str | None = None, application_doc: str | None = None,
           security_plan: str | None = None) -> ConnectionRequest:
    """A unit's written application to connect; applicants for their own unit,
    operators on its behalf. A missing ``application_doc`` is allowed here: the
    authority's return lists it."""
    require(actor, *SUBMITTERS, action="submit connection requests")
    unit_row = find_unit(session, unit)
    _check_unit_scope(actor, unit_row, action="submit connection requests")
    fields = check_fields(session, unit_row, zones=zones, hosts=hosts, size=size,
                          families=families, site=site, contact=contact, purpose=purpose,
                          model=model, device=device, port=port, application_doc=application_doc,
                          security_plan=security_plan)
    now = utcnow()
    request = ConnectionRequest(
        unit_id=unit_row.id, district_id=unit_row.district_id,  # type: ignore[arg-type]
        contact=fields.contact, purpose=fields.purpose, site=fields.site, hosts=fields.hosts,
        prefixlen=fields.prefixlen, family=fields.family, families=fields.families,
        model=fields.model,
        device=fields.device, port=fields.port, application_doc=fields.application_doc,
        security_plan=fields.security_plan, state=S.submitted.value,
        submitted_by=actor.name, submitted_at=now, created_at=now, updated_at=now)
    session.add(request)
    session.flush()
    _set_zones(session, request, fields.vrfs)
    audit.record(session, actor, "access.request.submit", "connection_request", request.id,
                 after=request_dict(session, request))
    return request


def resubmit(session: Session, actor: Actor, number: int, **corrections: Any
             ) -> ConnectionRequest:
    """The applicant's corrections to a returned request; back to submitted.

    ``corrections`` are the fields of :func:`submit` (``zones``, ``families``, ``hosts``, ``size``,
    ``site``, ``contact``, ``purpose``, ``model``, ``device``, ``port``,
    ``application_doc``, ``security_plan``); ``None`` leaves a field as it was.
    """
    require(actor, *SUBMITTERS, action="resubmit connection requests")
    request = get_request(session, actor, number, lock=True)
    _require_scope(actor, request, action="resubmit")
    _require_state(request, [S.returned], action="resubmit")
    if request.correct_by is not None and utcnow() > request.correct_by:
        raise WrongState(f"connection request {number}: the correction period ended on "
                         f"{request.correct_by:%Y-%m-%d} (Art. 10); the authority rejects it")
    unknown = set(corrections) - set(FIELDS)
    if unknown:
        raise InvalidInput(f"resubmit: unknown field(s) {', '.join(sorted(unknown))}")
    given = {k: v for k, v in corrections.items() if v is not None}
    merged = _fields_of(session, request)
    if "hosts" in given or "size" in given:  # a new size replaces the old one whole
        merged |= {"hosts": None, "size": None}
    unit_row = session.get(Unit, request.unit_id)
    assert unit_row is not None
    fields = check_fields(session, unit_row, **(merged | given))
    columns = ("site", "contact", "purpose", "hosts", "prefixlen", "family", "families", "model",
               "device",
               "port", "application_doc", "security_plan")
    changes = {k: getattr(fields, k) for k in columns if getattr(fields, k) != getattr(request, k)}
    zones_before = merged["zones"]
    if "zones" in given:
        _set_zones(session, request, fields.vrfs)
    _transition(session, actor, request, S.submitted, action="resubmit",
                submitted_at=utcnow(), **changes)
    zones_after = [z.name for z in fields.vrfs]
    if zones_after != zones_before:
        audit.record(session, actor, "access.request.zones", "connection_request", number,
                     before={"zones": zones_before}, after={"zones": zones_after})
    return request


def withdraw(session: Session, actor: Actor, number: int) -> ConnectionRequest:
    """The applicant (or the operator who submitted for it) withdraws before approval."""
    require(actor, *SUBMITTERS, action="withdraw connection requests")
    request = get_request(session, actor, number, lock=True)
    _require_scope(actor, request, action="withdraw")
    _require_state(request, [S.draft, S.submitted, S.returned], action="withdraw",
                   hint=" (only before approval)")
    return _transition(session, actor, request, S.withdrawn, action="withdraw",
                       decided_by=actor.name, decided_at=utcnow())


# -- the authority's side -------------------------------------------------------

def return_request(session: Session, actor: Actor, number: int, *, missing: Sequence[str],
                   days: int = CORRECTION_DAYS) -> ConnectionRequest:
    """Return an incomplete application once, with the complete list of what is missing.

    Gaps govnet can see itself (no written-application reference) are added to the
    list, so the one return really is complete. A second return is refused.
    """
    require(actor, Role.authority, action="return connection requests")
    request = get_request(session, actor, number, lock=True)
    _require_scope(actor, request, action="return")
    _require_state(request, [S.submitted], action="return it")
    if request.return_count >= 1:
        raise WrongState(f"connection request {number} was returned once already (Art. 10: "
                         "one return with the complete list); approve or reject it")
    items: list[str] = []
    for raw in missing:
        item = check_text(raw, "--missing", 200)
        if item not in items:
            items.append(item)
    if not items:
        raise InvalidInput("--missing is required: list every missing item at once (Art. 10)")
    if not request.application_doc and not any(
            "application" in item.lower() or "申请" in item for item in items):
        items.append(APPLICATION_GAP)  # a gap govnet sees itself belongs on the one list
    if len(items) > MAX_MISSING:
        raise InvalidInput(f"--missing: at most {MAX_MISSING} items")
    if not 1 <= days <= 365:
        raise InvalidInput(f"--days must be 1–365, not {days}")
    now = utcnow()
    return _transition(session, actor, request, S.returned, action="return",
                       returned_items=items, return_count=request.return_count + 1,
                       returned_by=actor.name, returned_at=now,
                       correct_by=now + timedelta(days=days))


def approve(session: Session, actor: Actor, number: int, *, doc: str) -> ConnectionRequest:
    """Approve with the approval document's number (核准文件); provisioning needs it."""
    require(actor, Role.authority, action="approve connection requests")
    doc = check_ref(doc, "--doc")
    request = get_request(session, actor, number, lock=True)
    _require_scope(actor, request, action="approve")
    _require_state(request, [S.submitted], action="approve it")
    if not request.application_doc:
        raise WrongState(f"connection request {number} has no written application reference "
                         "(Art. 24); return it listing the application, or reject it")
    now = utcnow()
    return _transition(session, actor, request, S.approved, action="approve",
                       approval_doc=doc, approver=actor.name, decided_by=actor.name,
                       decided_at=now)


def reject(session: Session, actor: Actor, number: int, *, reason: str) -> ConnectionRequest:
    """Reject (not accepted) with a reason."""
    require(actor, Role.authority, action="reject connection requests")
    reason = check_text(reason, "--reason", 500)
    request = get_request(session, actor, number, lock=True)
    _require_scope(actor, request, action="reject")
    _require_state(request, [S.submitted, S.returned], action="reject it")
    if request.state == S.returned.value and request.correct_by is not None \
            and utcnow() <= request.correct_by:
        raise WrongState(f"connection request {number} was returned; the unit has until "
                         f"{request.correct_by:%Y-%m-%d} to correct it (Art. 10)")
    return _transition(session, actor, request, S.rejected, action="reject",
                       reject_reason=reason, decided_by=actor.name, decided_at=utcnow())


# -- the provisioning side (called by access.provisioning) ----------------------

def _provisioner(session: Session, actor: Actor, number: int, action: str
                 ) -> ConnectionRequest:
    require(actor, *PROVISIONERS, action=f"{action} connection requests")
    request = get_request(session, actor, number, lock=True)
    _require_scope(actor, request, action=action)
    return request


def require_approval(request: ConnectionRequest) -> None:
    """Provisioning refuses a request without an approval document (Art. 24)."""
    if not request.approval_doc:
        raise WrongState(f"connection request {request.id} has no approval document "
                         "(核准文件); the authority approves it with --doc first")


def begin_provisioning(session: Session, actor: Actor, number: int) -> ConnectionRequest:
    """approved (or failed, to retry) → provisioning."""
    request = _provisioner(session, actor, number, "provision")
    _require_state(request, [S.approved, S.failed], action="provision it")
    require_approval(request)
    return _transition(session, actor, request, S.provisioning, action="provision",
                       last_error=None)


def mark_connected(session: Session, actor: Actor, number: int) -> ConnectionRequest:
    """provisioning → connected (every zone verified)."""
    request = _provisioner(session, actor, number, "connect")
    _require_state(request, [S.provisioning], action="mark it connected")
    return _transition(session, actor, request, S.connected, action="connected",
                       connected_at=utcnow(), last_error=None)


def mark_failed(session: Session, actor: Actor, number: int, *, error: str
                ) -> ConnectionRequest:
    """provisioning → failed, with what went wrong (retry with begin_provisioning)."""
    request = _provisioner(session, actor, number, "fail")
    _require_state(request, [S.provisioning], action="mark it failed")
    text = (error or "").strip() or "provisioning failed"
    return _transition(session, actor, request, S.failed, action="failed", last_error=text)


def begin_disconnect(session: Session, actor: Actor, number: int) -> ConnectionRequest:
    """connected → disconnecting; a failed request may be cleaned up the same way."""
    request = _provisioner(session, actor, number, "disconnect")
    _require_state(request, [S.connected, S.failed], action="disconnect it")
    return _transition(session, actor, request, S.disconnecting, action="disconnect")


def abort_disconnect(session: Session, actor: Actor, number: int, *, error: str
                     ) -> ConnectionRequest:
    """disconnecting → connected: the detach was rolled back, the unit stays connected."""
    request = _provisioner(session, actor, number, "disconnect")
    _require_state(request, [S.disconnecting], action="abort its disconnection")
    text = (error or "").strip() or "disconnection rolled back"
    return _transition(session, actor, request, S.connected, action="disconnect-aborted",
                       last_error=text)


def mark_disconnected(session: Session, actor: Actor, number: int) -> ConnectionRequest:
    """disconnecting → disconnected (addresses released into quarantine by the caller)."""
    request = _provisioner(session, actor, number, "disconnect")
    _require_state(request, [S.disconnecting], action="mark it disconnected")
    return _transition(session, actor, request, S.disconnected, action="disconnected",
                       disconnected_at=utcnow())
