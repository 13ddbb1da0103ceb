"""/api/v1 reads of devices and their config backups, compliance findings and the audit log."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from api.auth import ACTOR
from api.paging import PAGING, Paging
from api.params import NamePath, NumberPath, TextQuery
from api.shapes import AuditEvent, Device, Finding, Page, Snapshot, ok
from compliance import service as compliance
from govnet import audit
from govnet.auth import Actor, require
from govnet.db import read
from inventory import backup
from inventory import service as inventory

router = APIRouter(prefix="/api/v1", tags=["inventory, compliance, audit"])


@router.get("/devices", responses=ok(Page[Device]))
def devices(district: TextQuery = None, paging: Paging = PAGING, actor: Actor = ACTOR
            ) -> dict[str, Any]:
    with read() as s:
        return paging.of(inventory.list_devices(s, actor, district=district),
                         lambda d: inventory.device_dict(s, d))


@router.get("/devices/{name}", responses=ok(Device))
def device(name: NamePath, actor: Actor = ACTOR) -> dict[str, Any]:
    """A device with its ports, VLANs in use, last backup and discovered interfaces."""
    with read() as s:
        return inventory.show(s, actor, name)


@router.get("/devices/{name}/backups", responses=ok(Page[Snapshot]))
def backups(name: NamePath, paging: Paging = PAGING, actor: Actor = ACTOR) -> dict[str, Any]:
    with read() as s:
        snaps = inventory.snapshots(s, inventory.get_device(s, actor, name))
        return paging.of(snaps, inventory.snapshot_dict)


@router.get("/devices/{name}/backups/diff")
def backup_diff(name: NamePath, actor: Actor = ACTOR) -> Response:
    """Unified diff of the last two snapshots (``govnet inventory diff NAME``)."""
    with read() as s:
        return Response(backup.diff(s, actor, name), media_type="text/plain")


@router.get("/findings", responses=ok(Page[Finding]))
def findings(state: TextQuery = None, type: TextQuery = None,  # noqa: A002
             device: TextQuery = None, paging: Paging = PAGING, actor: Actor = ACTOR
             ) -> dict[str, Any]:
    with read() as s:
        return paging.of(compliance.findings(s, actor, state=state, type=type, device=device),
                         lambda f: compliance.finding_dict(s, f))


@router.get("/findings/{number}", responses=ok(Finding))
def finding(number: NumberPath, actor: Actor = ACTOR) -> dict[str, Any]:
    with read() as s:
        return compliance.finding_dict(s, compliance.get_finding(s, actor, number))


@router.get("/audit", responses=ok(Page[AuditEvent]))
def audit_list(action: TextQuery = None, actor_name: TextQuery = None,
               search: TextQuery = None, paging: Paging = PAGING, actor: Actor = ACTOR
               ) -> dict[str, Any]:
    """Audit events, newest first (a scoped user sees only its own)."""
    with read() as s:
        filters: dict[str, Any] = {"action": action, "actor": actor_name, "search": search,
                                   "viewer": actor}
        events = audit.list_events(s, limit=paging.limit, offset=paging.offset, **filters)
        return paging.page(audit.count_events(s, **filters), [audit.event_dict(e) for e in events])


@router.get("/audit/verify")
def audit_verify(head: TextQuery = None, actor: Actor = ACTOR) -> dict[str, Any]:
    """Check the hash chains (and, with ``head``, that nothing before it was rewritten)."""
    with read() as s:
        require(actor, *audit.VERIFIERS, action="verify the audit chain")
        return audit.verify(s, head=head).as_dict()
