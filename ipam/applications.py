"""A district's application for an address block, and its approval (Art. 25)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from govnet import audit
from govnet.auth import Actor, require, require_district, scope_where
from govnet.errors import InvalidInput, NotFound, WrongState
from govnet.models import District, Role, utcnow
from govnet.org import find_district
from ipam import space
from ipam.models import ApplicationStatus, BlockApplication, Prefix, Vrf
from ipam.service import delegate, get_vrf, text


def apply(session: Session, actor: Actor, *, district: str, size: str | None = None,
          hosts: int | None = None, reason: str, vrf: str | None = None,
          family: int = 4) -> BlockApplication:
    """A district agency applies to the municipal agency for a block."""
    require(actor, Role.district_operator, Role.municipal_operator, action="apply for blocks")
    target = find_district(session, district)
    require_district(actor, target.id, action="apply for blocks")
    reason = text(reason, "--reason", 500)
    if not reason:
        raise InvalidInput("--reason is required: say what the block is for")
    if (size is None) == (hosts is None):
        raise InvalidInput("give --size /N or --hosts N")
    length = space.parse_size(size, family) if size else space.hosts_to_prefixlen(hosts or 0,
                                                                                 family)
    zone = get_vrf(session, vrf)
    app = BlockApplication(district_id=target.id, vrf_id=zone.id, version=family,  # type: ignore[arg-type]
                           prefixlen=length, reason=reason, applicant=actor.name)
    session.add(app)
    session.flush()
    audit.record(session, actor, "ipam.application.submit", "block_application", app.id,
                 after=application_dict(session, app))
    return app


def _pending(session: Session, number: int) -> BlockApplication:
    app = session.get(BlockApplication, number)
    if app is None:
        raise NotFound(f"no block application {number}")
    if app.status != ApplicationStatus.pending.value:
        raise WrongState(f"block application {number} is {app.status}, not pending")
    return app


def approve(session: Session, actor: Actor, number: int, *, prefix: str | None = None
            ) -> BlockApplication:
    """Approve and delegate: the asked size by best fit, or the given prefix."""
    require(actor, Role.municipal_operator, action="approve block applications")
    app = _pending(session, number)
    district = session.get(District, app.district_id)
    zone = session.get(Vrf, app.vrf_id)
    assert district is not None and zone is not None
    if prefix is not None and space.parse_cidr(prefix).prefixlen != app.prefixlen:
        raise InvalidInput(f"{prefix} is not the /{app.prefixlen} that application {number} "
                           "asked for")
    block: Prefix = delegate(session, actor, district=district.name, vrf=zone.name,
                             size=None if prefix else f"/{app.prefixlen}", prefix=prefix,
                             family=app.version, description=f"block application {number}")
    app.status, app.prefix_id = ApplicationStatus.approved.value, block.id
    app.decided_by, app.decided_at = actor.name, utcnow()
    session.add(app)
    session.flush()
    audit.record(session, actor, "ipam.application.approve", "block_application", number,
                 after={"prefix": block.cidr})
    return app


def reject(session: Session, actor: Actor, number: int, *, reason: str) -> BlockApplication:
    require(actor, Role.municipal_operator, action="reject block applications")
    reason = text(reason, "--reason", 500)
    if not reason:
        raise InvalidInput("--reason is required")
    app = _pending(session, number)
    app.status, app.decision_reason = ApplicationStatus.rejected.value, reason
    app.decided_by, app.decided_at = actor.name, utcnow()
    session.add(app)
    session.flush()
    audit.record(session, actor, "ipam.application.reject", "block_application", number,
                 after={"reason": reason})
    return app


def list_applications(session: Session, actor: Actor, *, status: str | None = None
                      ) -> list[BlockApplication]:
    query = select(BlockApplication).order_by(col(BlockApplication.id))
    if status:
        query = query.where(col(BlockApplication.status) == status)
    query = query.where(scope_where(actor, district=col(BlockApplication.district_id)))
    return list(session.scalars(query))


def application_dict(session: Session, app: BlockApplication) -> dict[str, Any]:
    district = session.get(District, app.district_id)
    zone = session.get(Vrf, app.vrf_id)
    block = session.get(Prefix, app.prefix_id) if app.prefix_id else None
    return {"id": app.id, "district": district.name if district else None,
            "vrf": zone.name if zone else None, "size": f"/{app.prefixlen}",
            "family": app.version, "reason": app.reason, "status": app.status,
            "applicant": app.applicant, "prefix": block.cidr if block else None,
            "decided_by": app.decided_by, "decision_reason": app.decision_reason,
            "created_at": app.created_at.isoformat(timespec="seconds")}
