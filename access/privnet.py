"""The register of non-classified private networks (Art. 23, 24).

Art. 23: a unit's existing private network is merged into the extranet, or, where
it must be kept, interconnected with it and **filed** (备案) with the authority —
:func:`file_network`, state ``filed``. Art. 24: a new one may be opened only after
the authority approves its technical and security plan — :func:`apply_network`
(``--plan`` required, state ``pending``), then :func:`approve` / :func:`reject`.

:func:`covering_filing` answers the compliance scan's question: is there a filing
(or an approved application) behind a prefix seen on a device?
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from netaddr import IPNetwork
from sqlmodel import Session, col, select

from access.models import PrivateNetwork, PrivateNetworkKind, PrivateNetworkState
from access.workflow import check_ref, check_text
from govnet import audit
from govnet.auth import Actor, require, scope_where, sees
from govnet.errors import (
    AlreadyExists,
    InvalidInput,
    NotFound,
    NotPermitted,
    PrefixConflict,
    WrongState,
    choice,
)
from govnet.models import District, Role, Unit, utcnow
from govnet.org import find_unit
from ipam import space
from ipam.models import Prefix, Status, Vrf
from ipam.service import get_vrf

P = PrivateNetworkState
REGISTRANTS = (Role.applicant, Role.municipal_operator, Role.district_operator, Role.authority)
# A filing, or an approved application, covers its prefixes.
COVERING = (P.filed.value, P.approved.value)
ACTIVE = (P.filed.value, P.pending.value, P.approved.value)
MAX_PREFIXES = 64


def _visible(actor: Actor, network: PrivateNetwork) -> bool:
    return sees(actor, district_id=network.district_id, unit_id=network.owner_id)


def _check_owner_scope(actor: Actor, unit: Unit) -> None:
    if actor.role is Role.applicant and unit.id != actor.unit_id:
        raise NotPermitted(f"{actor.name} (applicant of {actor.unit_name}) may not register "
                           f"private networks of {unit.name}")
    if actor.role is Role.district_operator and unit.district_id != actor.district_id:
        raise NotPermitted(f"{actor.name} (district_operator of {actor.district_name}) may not "
                           f"register private networks of {unit.name}, outside its district")


def _parse_prefixes(prefixes: Sequence[str]) -> list[IPNetwork]:
    if not prefixes:
        raise InvalidInput("--prefix is required: give every prefix of the network")
    if len(prefixes) > MAX_PREFIXES:
        raise InvalidInput(f"--prefix: at most {MAX_PREFIXES} prefixes")
    nets = sorted({space.parse_cidr(p) for p in prefixes}, key=lambda n: (n.version, n.first))
    for a, b in zip(nets, nets[1:], strict=False):
        if a.version == b.version and b.first <= a.last:
            raise InvalidInput(f"--prefix: {a} and {b} overlap; give each block once")
    return nets


def _overlaps(a: IPNetwork, b: IPNetwork) -> bool:
    return a.version == b.version and a.first <= b.last and b.first <= a.last


def _plan_overlaps(session: Session, vrf: Vrf | None, nets: Sequence[IPNetwork]
                   ) -> list[tuple[IPNetwork, Prefix]]:
    """Each prefix of the address plan (in ``vrf``, or any zone) that overlaps one of ``nets``."""
    found = []
    for net in nets:
        query = select(Prefix).where(
            col(Prefix.version) == net.version, col(Prefix.first) <= space.key(net.last),
            col(Prefix.last) >= space.key(net.first))
        if vrf is not None:
            query = query.where(col(Prefix.vrf_id) == vrf.id)
        found += [(net, p) for p in session.exec(query.order_by(col(Prefix.prefixlen)))]
    return found


def _held_by_others(prefix: Prefix, unit: Unit) -> bool:
    """Plan space someone else holds: another district's block, another unit's prefix."""
    if prefix.status == Status.container.value or prefix.owner_id == unit.id:
        return False
    if prefix.status == Status.delegated.value:
        return prefix.district_id is None or prefix.district_id != unit.district_id
    return True


def _check_plan(session: Session, vrf: Vrf | None, nets: Sequence[IPNetwork], unit: Unit,
                overlaps_plan: bool) -> list[str]:
    """Refuse a network inside someone else's plan space; inside other plan space (a pool,
    the unit's own district block or allocation) only with ``overlaps_plan``. Returns the
    overlapped plan prefixes, which the audit event records."""
    overlaps = _plan_overlaps(session, vrf, nets)
    for mine, prefix in overlaps:
        if _held_by_others(prefix, unit):
            raise PrefixConflict(
                f"{mine} overlaps {prefix.cidr} of the address plan ({prefix.status}, not "
                f"{unit.name}'s): a private network may not use space held by another")
    if overlaps and not overlaps_plan:
        mine, prefix = overlaps[0]
        raise PrefixConflict(
            f"{mine} overlaps {prefix.cidr} of the address plan ({prefix.status}); give "
            "--overlaps-plan to register it anyway (recorded in the audit log)")
    return sorted({p.cidr for _, p in overlaps})


def _register(session: Session, actor: Actor, *, kind: PrivateNetworkKind, owner: str,
              name: str, prefixes: Sequence[str], interconnection: str, zone: str | None,
              plan: str | None, overlaps_plan: bool = False) -> PrivateNetwork:
    require(actor, *REGISTRANTS, action="register private networks")
    unit = find_unit(session, owner)
    _check_owner_scope(actor, unit)
    name = check_text(name, "--name", 128)
    interconnection = check_text(interconnection, "--interconnection", 200)
    plan_ref = check_ref(plan, "--plan") if plan is not None else None
    if kind is PrivateNetworkKind.applied and plan_ref is None:
        raise InvalidInput("--plan is required: a new private network needs its technical "
                           "and security plan approved first (Art. 24)")
    vrf = get_vrf(session, zone) if zone is not None else None
    nets = _parse_prefixes(prefixes)
    if session.exec(select(PrivateNetwork).where(col(PrivateNetwork.owner_id) == unit.id,
                                                 col(PrivateNetwork.name) == name)).first():
        raise AlreadyExists(f"{unit.name} has a private network named {name!r} already")
    for other in session.exec(select(PrivateNetwork).where(
            col(PrivateNetwork.state).in_(ACTIVE))):
        if vrf is not None and other.vrf_id is not None and other.vrf_id != vrf.id:
            continue
        for mine in nets:
            clash = next((o for o in other.prefixes if _overlaps(mine, IPNetwork(o))), None)
            if clash is not None:
                raise PrefixConflict(f"{mine} overlaps {clash} of private network "
                                     f"{other.id} ({other.name}, {other.state})")
    overlapped = _check_plan(session, vrf, nets, unit, overlaps_plan)
    state = P.filed if kind is PrivateNetworkKind.filed else P.pending
    network = PrivateNetwork(
        owner_id=unit.id, district_id=unit.district_id, name=name,  # type: ignore[arg-type]
        vrf_id=vrf.id if vrf else None, prefixes=[str(n) for n in nets],
        interconnection=interconnection, kind=kind.value, plan_ref=plan_ref,
        state=state.value, created_by=actor.name)
    session.add(network)
    session.flush()
    audit.record(session, actor, f"access.privnet.{'file' if state is P.filed else 'apply'}",
                 "private_network", network.id,
                 after=network_dict(session, network) | ({"overlaps_plan": overlapped}
                                                         if overlapped else {}))
    return network


def file_network(session: Session, actor: Actor, *, owner: str, name: str,
                 prefixes: Sequence[str], interconnection: str, zone: str | None = None,
                 plan: str | None = None, overlaps_plan: bool = False) -> PrivateNetwork:
    """File a retained private network (Art. 23): state ``filed``."""
    return _register(session, actor, kind=PrivateNetworkKind.filed, owner=owner, name=name,
                     prefixes=prefixes, interconnection=interconnection, zone=zone, plan=plan,
                     overlaps_plan=overlaps_plan)


def apply_network(session: Session, actor: Actor, *, owner: str, name: str,
                  prefixes: Sequence[str], interconnection: str, plan: str,
                  zone: str | None = None, overlaps_plan: bool = False) -> PrivateNetwork:
    """Apply for a new private network with its plan (Art. 24): state ``pending``."""
    return _register(session, actor, kind=PrivateNetworkKind.applied, owner=owner, name=name,
                     prefixes=prefixes, interconnection=interconnection, zone=zone, plan=plan,
                     overlaps_plan=overlaps_plan)


def get_network(session: Session, actor: Actor, number: int) -> PrivateNetwork:
    network = session.get(PrivateNetwork, number)
    if network is None or not _visible(actor, network):  # another's reads as missing
        raise NotFound(f"no private network {number}")
    return network


def _pending(session: Session, actor: Actor, number: int, action: str) -> PrivateNetwork:
    require(actor, Role.authority, action=f"{action} private-network applications")
    network = get_network(session, actor, number)
    if actor.role is Role.authority and actor.district_id is not None \
            and network.district_id != actor.district_id:
        raise NotPermitted(f"{actor.name} (authority of {actor.district_name}) may not "
                           f"{action} private network {number} outside its district")
    if network.state != P.pending.value:
        raise WrongState(f"private network {number} is {network.state}, not pending: "
                         f"cannot {action} it")
    return network


def _decide(session: Session, actor: Actor, network: PrivateNetwork, state: P, action: str,
            **changes: Any) -> PrivateNetwork:
    before = {"state": network.state}
    network.state, network.decided_by, network.decided_at = state.value, actor.name, utcnow()
    for key, value in changes.items():
        setattr(network, key, value)
    session.add(network)
    session.flush()
    audit.record(session, actor, f"access.privnet.{action}", "private_network", network.id,
                 before=before, after={"state": network.state, **changes})
    return network


def approve(session: Session, actor: Actor, number: int, *, doc: str) -> PrivateNetwork:
    """The authority approves the plan, with its approval document number."""
    doc = check_ref(doc, "--doc")
    network = _pending(session, actor, number, "approve")
    return _decide(session, actor, network, P.approved, "approve", approval_doc=doc)


def reject(session: Session, actor: Actor, number: int, *, reason: str) -> PrivateNetwork:
    reason = check_text(reason, "--reason", 500)
    network = _pending(session, actor, number, "reject")
    return _decide(session, actor, network, P.rejected, "reject", reason=reason)


def list_networks(session: Session, actor: Actor, *, status: str | None = None
                  ) -> list[PrivateNetwork]:
    query = select(PrivateNetwork).order_by(col(PrivateNetwork.id))
    if status is not None:
        choice(P, status, "status")
        query = query.where(col(PrivateNetwork.state) == status)
    query = query.where(scope_where(actor, district=col(PrivateNetwork.district_id),
                                    unit=col(PrivateNetwork.owner_id)))
    return list(session.exec(query))


def covering_filing(session: Session, vrf: Vrf | str | None, prefix: str | IPNetwork
                    ) -> PrivateNetwork | None:
    """The filed (or approved) private network whose prefixes contain ``prefix``.

    A network registered without a zone covers the prefix in any zone. The
    smallest covering block wins when several do (the most specific filing).
    """
    net = prefix if isinstance(prefix, IPNetwork) else IPNetwork(str(prefix))
    zone = get_vrf(session, vrf) if isinstance(vrf, str) else vrf
    best: tuple[int, PrivateNetwork] | None = None
    for network in session.exec(select(PrivateNetwork).where(
            col(PrivateNetwork.state).in_(COVERING))):
        if zone is not None and network.vrf_id is not None and network.vrf_id != zone.id:
            continue
        for text in network.prefixes:
            block = IPNetwork(text)
            if block.version == net.version and block.first <= net.first \
                    and net.last <= block.last and (best is None or block.prefixlen > best[0]):
                best = (block.prefixlen, network)
    return best[1] if best else None


def network_dict(session: Session, network: PrivateNetwork) -> dict[str, Any]:
    unit = session.get(Unit, network.owner_id)
    district = session.get(District, network.district_id) if network.district_id else None
    vrf = session.get(Vrf, network.vrf_id) if network.vrf_id else None
    return {
        "id": network.id, "owner": unit.name if unit else None,
        "district": district.name if district else None, "name": network.name,
        "zone": vrf.name if vrf else None, "prefixes": list(network.prefixes),
        "interconnection": network.interconnection, "kind": network.kind,
        "plan": network.plan_ref, "state": network.state,
        "approval_doc": network.approval_doc, "decided_by": network.decided_by,
        "reason": network.reason, "created_by": network.created_by,
        "created_at": network.created_at.isoformat(timespec="seconds"),
        "decided_at": network.decided_at.isoformat(timespec="seconds")
        if network.decided_at else None,
    }
