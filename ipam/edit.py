"""Everyday edits of the address plan: list and remove pools, remove zones (VRFs), and
change an allocation's owner or description.

Each edit is audited with before and after and refused (exit 4) when it would orphan
data: a pool with anything inside it, a VRF that holds prefixes or serves requests, an
owner change under a connection request. Roles are those of the matching ``add``.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlmodel import Session, col

from govnet import audit
from govnet.auth import Actor, require
from govnet.errors import InvalidInput, NotFound, NotPermitted, WrongState
from govnet.models import Role, utcnow
from govnet.org_rows import unit_row
from govnet.references import referrers, refuse_if_referred
from ipam import freespace, service, space, store
from ipam.models import FreeBlock, Prefix, Status, Vrf
from ipam.view import prefix_dict


def list_pools(session: Session, actor: Actor, *, vrf: str | None = None) -> list[Prefix]:
    """The municipal pools (of one VRF, or all), in the order they were added."""
    query = select(Prefix).where(col(Prefix.status) == Status.container.value)
    if vrf is not None:
        query = query.where(col(Prefix.vrf_id) == service.get_vrf(session, vrf).id)
    return [p for p in session.scalars(query.order_by(col(Prefix.vrf_id), col(Prefix.id)))
            if service.visible(actor, p)]


def remove_pool(session: Session, actor: Actor, cidr: str, *, vrf: str | None = None
                ) -> dict[str, object]:
    """Remove an empty pool; refused while any block, allocation or quarantine is inside."""
    require(actor, Role.municipal_operator, action="remove pools")
    zone = service.get_vrf(session, vrf)
    net = space.parse_cidr(cidr)
    pool = store.get_prefix(session, vrf_id=zone.id, net=net)  # type: ignore[arg-type]
    if pool is None or pool.status != Status.container.value:
        raise NotFound(f"no pool {net} in VRF {zone.name}" if pool is None else
                       f"{net} is {pool.status}, not a pool: release it instead")
    freespace.lock_parents(session, [pool.id])  # type: ignore[list-item]
    refuse_if_referred(session, Prefix, pool.id, f"pool {net}",  # type: ignore[arg-type]
                       ignore=("freeblock",), hint="release or remove what is inside first")
    before = prefix_dict(session, pool)
    session.execute(delete(FreeBlock).where(col(FreeBlock.parent_id) == pool.id))
    session.execute(delete(Prefix).where(col(Prefix.id) == pool.id))
    session.expunge(pool)
    audit.record(session, actor, "ipam.pool.remove", "prefix", f"{zone.name}:{net}",
                 before=before)
    return before


def remove_vrf(session: Session, actor: Actor, name: str) -> dict[str, str]:
    """Remove a zone that holds no prefix and that no request or network refers to."""
    require(actor, Role.municipal_operator, action="remove VRFs")
    zone = session.scalars(select(Vrf).where(col(Vrf.name) == name)).first()
    if zone is None:
        raise NotFound(f"unknown VRF {name!r}")
    refuse_if_referred(session, Vrf, zone.id, f"VRF {zone.name}")  # type: ignore[arg-type]
    before = {"name": zone.name, "description": zone.description}
    session.delete(zone)
    session.flush()
    audit.record(session, actor, "ipam.vrf.remove", "vrf", zone.name, before=before)
    return before


def edit(session: Session, actor: Actor, cidr: str, *, vrf: str | None = None,
         owner: str | None = None, description: str | None = None) -> Prefix:
    """Change a prefix's owner (allocations only) or description; audited before → after.

    A district operator edits only inside its district's blocks and gives them only to its
    district's units (as when allocating). The owner of an allocation a connection request
    uses follows the request: changing it here is refused.
    """
    require(actor, *service.ALLOCATORS, action="edit prefixes")
    if owner is None and description is None:
        raise InvalidInput("give --owner U or --description T")
    prefix = service.get(session, actor, cidr, vrf=vrf)
    parent = session.get(Prefix, prefix.parent_id) if prefix.parent_id else None
    new_unit = unit_row(session, owner) if owner is not None else None
    if actor.role is Role.district_operator and parent is None:
        raise NotPermitted(f"{actor.name} (district_operator) may not edit pool {prefix.cidr}")
    if parent is not None:
        service.check_scope(actor, [parent], new_unit)
    values: dict[str, object] = {}
    if new_unit is not None and new_unit.id != prefix.owner_id:
        if prefix.status != Status.allocated.value:
            raise WrongState(f"{prefix.cidr} is {prefix.status}: only allocations have an owner")
        used = referrers(session, Prefix, prefix.id, ignore=("freeblock", "ipaddress",  # type: ignore[arg-type]
                                                             "prefix"))
        if used:
            raise WrongState(f"{prefix.cidr} serves a connection request of its owner: the "
                             "owner follows the request (disconnect it first)")
        values["owner_id"] = new_unit.id
    if description is not None:
        text = service.text(description, "--description")
        if not text and prefix.status == Status.reserved.value:
            raise InvalidInput(f"{prefix.cidr} is reserved: its description is the reason and "
                               "stays")
        if text != prefix.description:
            values["description"] = text
    if not values:
        return prefix
    before = prefix_dict(session, prefix)
    store.touch(session, prefix, utcnow(), **values)
    after = prefix_dict(session, prefix)
    changed = [k for k in ("owner", "description") if before[k] != after[k]]
    audit.record(session, actor, "ipam.edit", "prefix", f"{after['vrf']}:{prefix.cidr}",
                 before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    return prefix
