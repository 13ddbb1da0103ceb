"""Reads for the screens: each opens one read session, calls the services the CLI
calls, and returns plain data the widgets can show (no rows escape a session).

Workers run these in threads; nothing here touches Textual.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import select

from govnet import audit, org
from govnet.auth import Actor
from govnet.db import read
from ipam import applications, report, service
from ipam.models import PARENT_STATUSES, Prefix, Status
from ipam.view import Names, prefix_dict
from tui.widgets.bars import UsageRow

PAGE = 200  # children loaded per expansion of a tree node


@dataclass
class EventRow:
    seq: int
    at: str
    actor: str
    action: str
    object: str
    before: Any = None
    after: Any = None
    hash: str = ""


def event_row(e: Any) -> EventRow:
    """An audit event (a row of :func:`govnet.audit.list_events`) for the screens."""
    return EventRow(e.seq, e.at.strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.action,
                    f"{e.object_type}:{e.object_id}", e.before, e.after, e.hash)


@dataclass
class Dashboard:
    districts: list[UsageRow] = field(default_factory=list)
    zones: list[UsageRow] = field(default_factory=list)
    requests: dict[str, int] | None = None
    applications: dict[str, int] = field(default_factory=dict)
    devices: dict[str, int] | None = None
    events: list[EventRow] = field(default_factory=list)


def dashboard(actor: Actor) -> Dashboard:
    """Utilization per district and zone, block applications, latest events."""
    data = Dashboard()
    with read() as s:
        usage = report.utilization(s, actor)
        districts: dict[str, list[int]] = {}
        zones: dict[str, list[int]] = {}
        version: dict[str, int] = {}
        for u in usage:  # one bar per family: IPv6 sizes would drown IPv4 ones
            v6 = " v6" if ":" in u.prefix else ""
            bucket = (districts.setdefault(f"{u.district or '?'}{v6}", [0, 0])
                      if u.status == Status.delegated.value
                      else zones.setdefault(f"{u.vrf}{v6}", [0, 0]))
            version[f"{u.district or '?'}{v6}" if u.status == Status.delegated.value
                    else f"{u.vrf}{v6}"] = 6 if v6 else 4
            bucket[0] += u.used
            bucket[1] += u.size
        data.districts = [UsageRow(k, v[0], v[1], version[k]) for k, v in districts.items()]
        data.zones = [UsageRow(k, v[0], v[1], version[k]) for k, v in zones.items()]
        data.applications = dict(Counter(a.status for a in
                                         applications.list_applications(s, actor)))
        data.events = [event_row(e) for e in audit.list_events(s, limit=12, viewer=actor)]
    return data


def queues(actor: Actor) -> tuple[dict[str, int] | None, dict[str, int] | None]:
    """Connection requests by state and devices by reachability (access, inventory)."""
    from tui.screens import extras

    with read() as s:
        return extras.request_counts(s, actor), extras.device_counts(s, actor)


def events(actor: Actor, search: str | None, limit: int = 500) -> list[EventRow]:
    with read() as s:
        return [event_row(e) for e in audit.list_events(s, limit=limit, search=search or None,
                                                        viewer=actor)]


def verify_chain() -> audit.VerifyResult:
    with read() as s:
        return audit.verify(s)


# -- the address plan ------------------------------------------------------------

@dataclass
class Node:
    """One tree node's data: a zone, a prefix with its usage, or a 'more' marker."""

    kind: str  # "vrf" | "prefix" | "more"
    vrf_id: int
    vrf: str
    prefix: dict[str, Any] = field(default_factory=dict)
    used: int = 0
    size: int = 0
    children: int = 0
    parent_id: int | None = None
    offset: int = 0

    @property
    def is_parent(self) -> bool:
        return self.kind == "vrf" or self.prefix.get("status") in {s.value for s in
                                                                    PARENT_STATUSES}

    @property
    def percent(self) -> float:
        return 100.0 * self.used / self.size if self.size else 0.0


def zones() -> list[Node]:
    with read() as s:
        return [Node("vrf", v.id, v.name) for v in service.list_vrfs(s)]  # type: ignore[arg-type]


def _node(s: Any, p: Prefix, names: Names) -> Node:
    u = report.usage_of(s, p, names)
    return Node("prefix", p.vrf_id, names.vrfs.get(p.vrf_id, ""), prefix_dict(s, p, names),
                u.used, u.size, u.child_count, p.parent_id)


def children(actor: Actor, vrf_id: int, parent_id: int | None, offset: int = 0
             ) -> tuple[list[Node], bool]:
    """One page of a node's children, and whether more follow."""
    with read() as s:
        names = Names.load(s)
        query_limit = PAGE + 1
        rows = report.children(s, actor, parent_id, vrf_id=vrf_id, limit=query_limit,
                               offset=offset)
        more = len(rows) > PAGE
        return [_node(s, p, names) for p in rows[:PAGE]], more


def detail(actor: Actor, vrf: str | None, cidr: str) -> tuple[Node, list[str]]:
    """A prefix (as the actor may see it) and its free blocks."""
    with read() as s:
        names = Names.load(s)
        p = service.get(s, actor, cidr, vrf=vrf)
        return _node(s, p, names), report.free(s, actor, cidr, vrf=vrf)


def choices(actor: Actor) -> tuple[list[str], list[str]]:
    """District and unit names the actor may pick in forms (its own, if scoped)."""
    with read() as s:
        districts = org.list_districts(s, actor)
        units = org.list_units(s, actor)
        return [d.name for d in districts], [u.name for u in units]


def block_applications(actor: Actor) -> list[dict[str, Any]]:
    with read() as s:
        return [applications.application_dict(s, a)
                for a in applications.list_applications(s, actor)]


def prefix_count() -> int:
    """How many prefixes the plan holds (the benchmark's sanity check)."""
    from sqlalchemy import func

    with read() as s:
        return s.execute(select(func.count()).select_from(Prefix)).scalar_one()
