"""Reconciliation: device facts + address plan + requests + filings → findings. Pure.

Nothing here touches a database or a device: the scan gathers the inputs as
plain data (:class:`DeviceFacts`, :class:`PlanEntry`, :class:`Attachment`, a
filing lookup) and :func:`reconcile` returns :class:`Found` items. The rules:

* **unapproved** (Art. 41): an interface address or static route whose network has
  no allocation behind it (inside a pool but unallocated, quarantined, or outside
  the plan with no filing), or whose allocation belongs to a request that is not
  approved and connected.
* **conflict**: one address on two devices; a request's (or a LAN's) prefix on a
  device other than its attachment's; a network overlapping an allocation without
  being it.
* **stale**: a request recorded connected whose address (or route) is missing on
  its device (a route only when its VRF's table of that family was read).
  **drift**: it is there, but the attachment's lines differ from what govnet
  rendered for it (the committed job's lines).
* **unfiled_private_network** (Art. 23): a static route to space outside the plan
  that no filing covers.

Infrastructure is not special-cased: the plan holds it (``ipam import`` or plain
allocations), so an address the plan explains raises nothing.

Examples:
    >>> plan = [PlanEntry("10.0.0.0/8", "", "container"),
    ...         PlanEntry("10.1.0.0/24", "", "allocated", purpose="mgmt")]
    >>> dev = DeviceFacts("r1", "frr", interfaces=(
    ...     Iface("mgmt0", ("10.1.0.5/24",)), Iface("eth1.100", ("10.2.0.1/24",), vlan=100)))
    >>> [(f.type, f.interface, f.prefix) for f in reconcile([dev], plan, [])]
    [('unapproved', 'eth1.100', '10.2.0.0/24')]
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from netaddr import IPNetwork

from compliance.facts import (  # noqa: F401 - the data types are part of this module's API
    SEVERITY,
    Attachment,
    DeviceFacts,
    Found,
    Iface,
    PlanEntry,
    Route,
    _net,
    scannable,
)

PARENTS = frozenset({"container", "delegated"})
LIVE = frozenset({"connected", "provisioning", "disconnecting"})  # a request that may be on a device

Filing = Callable[[str, IPNetwork], str | None]  # (device VRF, network) → filing label or None


@dataclass
class PlanIndex:
    """The plan per VRF: exact lookups, innermost containing entries, ranges inside a network."""

    exact: dict[tuple[str, str], PlanEntry] = field(default_factory=dict)
    ranges: dict[tuple[str, int], list[tuple[int, int, PlanEntry]]] = field(default_factory=dict)

    @classmethod
    def of(cls, entries: Iterable[PlanEntry]) -> PlanIndex:
        index = cls()
        for e in entries:
            net = IPNetwork(e.cidr)
            index.exact[(e.vrf, str(net.cidr))] = e
            index.ranges.setdefault((e.vrf, net.version), []).append((net.first, net.last, e))
        for rows in index.ranges.values():
            rows.sort(key=lambda r: (r[0], -r[1]))
        return index

    def get(self, vrf: str, net: IPNetwork) -> PlanEntry | None:
        return self.exact.get((vrf, str(net.cidr)))

    def containing(self, vrf: str, net: IPNetwork) -> list[PlanEntry]:
        """Entries strictly containing ``net``, innermost first (one lookup per length)."""
        found = []
        for length in range(net.prefixlen - 1, -1, -1):
            hit = self.exact.get((vrf, str(IPNetwork(f"{net.ip}/{length}").cidr)))
            if hit is not None:
                found.append(hit)
        return found

    def inside(self, vrf: str, net: IPNetwork) -> list[PlanEntry]:
        """Entries strictly inside ``net``."""
        rows = self.ranges.get((vrf, net.version), [])
        start = bisect.bisect_left(rows, (net.first, -(2 ** 129)), key=lambda r: (r[0], -r[1]))
        out = []
        for first, last, entry in rows[start:]:
            if first > net.last:
                break
            if last <= net.last and (first, last) != (net.first, net.last):
                out.append(entry)
        return out


def _evidence(iface: Iface | None, extra: str = "") -> str:
    lines = list(iface.config) if iface and iface.config else []
    if iface and not lines:
        lines = [f"interface {iface.name}" + (f" vrf {iface.vrf}" if iface.vrf else ""),
                 *(f" address {a}" for a in iface.addresses),
                 *([f" description {iface.description}"] if iface.description else [])]
    return "\n".join([*lines, *([extra] if extra else [])])


class _Run:
    """One reconciliation's state: inputs indexed once, findings collected once each."""

    def __init__(self, devices: Sequence[DeviceFacts], plan: Iterable[PlanEntry],
                 attachments: Sequence[Attachment], filed: Filing) -> None:
        self.devices, self.plan, self.filed = devices, PlanIndex.of(plan), filed
        self.attachments = attachments
        self.holders: dict[tuple[str, str], list[Attachment]] = defaultdict(list)
        for a in attachments:
            for cidr in (*a.prefixes, *a.routes):
                if (net := _net(cidr)) is not None:
                    self.holders[(a.vrf, str(net.cidr))].append(a)
        self.found: dict[str, Found] = {}

    def add(self, f: Found) -> None:
        self.found.setdefault(f.fingerprint, f)

    def _holder(self, vrf: str, net: IPNetwork) -> Attachment | None:
        """The request holding ``net``: a live one first, else the newest."""
        held = self.holders.get((vrf, str(net.cidr)), [])
        live = [a for a in held if a.state in LIVE]
        return (live or sorted(held, key=lambda a: a.request))[-1] if held else None

    def judge(self, dev: DeviceFacts, net: IPNetwork, vrf: str, iface: Iface | None,
              what: str, evidence: str, route: bool = False) -> None:
        """The verdict on one configured network (an interface's subnet or a static route)."""
        name = iface.name if iface else ""

        def found(kind: str, detail: str, request: int | None = None) -> None:
            self.add(Found(kind, dev.device, name, str(net.cidr), f"{what}: {detail}", evidence,
                           vrf, iface.vlan if iface else None, dev.district, request))

        entry = self.plan.get(vrf, net)
        if entry is not None and entry.status not in PARENTS:
            self._held(entry, net, vrf, dev, found)
            return
        around = [e for e in self.plan.containing(vrf, net) if e.status not in PARENTS]
        if route:
            if entry is not None or (not around and any(
                    e.status not in PARENTS for e in self.plan.inside(vrf, net))):
                return  # a summary route towards plan space
            if around:
                self._held(around[0], IPNetwork(around[0].cidr), vrf, dev, found, same_device=False)
                return
        elif entry is not None:
            found("unapproved", f"is the whole {entry.status} block {entry.cidr}, not an allocation")
            return
        else:
            within = [e for e in self.plan.inside(vrf, net) if e.status not in PARENTS]
            if around or within:
                other = (around or within)[0]
                holder = self._holder(vrf, IPNetwork(other.cidr))
                mine = holder is not None and (holder.device, holder.interface) == (dev.device, name)
                if not mine:
                    owner = f" of {other.owner}" if other.owner else ""
                    found("conflict", f"overlaps allocation {other.cidr}{owner} without being it",
                          holder.request if holder else None)
                return
        pools = self.plan.containing(vrf, net)
        if pools:
            found("unapproved", f"inside {pools[0].status} {pools[0].cidr} but never allocated "
                  "(Art. 41)")
        elif self.filed(vrf, net) is None:
            if route:
                found("unfiled_private_network", "route to space outside the address plan that "
                      "no private-network filing covers (Art. 23)")
            else:
                found("unapproved", "outside the address plan and covered by no filing (Art. 41)")

    def _held(self, entry: PlanEntry, net: IPNetwork, vrf: str, dev: DeviceFacts,
              found: Callable[..., None], same_device: bool = True) -> None:
        """An allocated/reserved/quarantined prefix: is what holds it live, and here?"""
        holder = self._holder(vrf, net)
        if entry.status == "quarantined":
            found("unapproved", "released (quarantined) in the plan but still configured "
                  "(Art. 41)")
        elif holder is not None and holder.state not in LIVE:
            found("unapproved", f"allocated to connection request {holder.request}, which "
                  f"is {holder.state}, not approved and connected (Art. 41)", holder.request)
        elif same_device and holder is not None and holder.device \
                and holder.device != dev.device:
            found("conflict", f"belongs to request {holder.request} attached on "
                  f"{holder.device}, also configured here", holder.request)

    def addresses(self) -> None:
        seen: dict[tuple[str, str], list[tuple[DeviceFacts, Iface]]] = defaultdict(list)
        lans: dict[tuple[str, str], set[str]] = defaultdict(set)
        for dev in self.devices:
            for iface in dev.interfaces:
                for address in filter(scannable, iface.addresses):
                    net = IPNetwork(address)
                    seen[(iface.vrf, str(net.ip))].append((dev, iface))
                    lans[(iface.vrf, str(net.cidr))].add(dev.device)
                    self.judge(dev, net.cidr, iface.vrf, iface, f"address {address}",
                               _evidence(iface))
        for (vrf, ip), where in seen.items():
            if len({d.device for d, _ in where}) < 2:
                continue
            for dev, iface in where:
                others = ", ".join(f"{d.device} {i.name}" for d, i in where if d is not dev)
                net = next(IPNetwork(a) for a in iface.addresses if IPNetwork(a).ip == IPNetwork(ip).ip)
                self.add(Found("conflict", dev.device, iface.name, str(net.cidr),
                               f"address {ip} is also configured on {others}", _evidence(iface),
                               vrf, iface.vlan, dev.district))
        for (vrf, cidr), devices in lans.items():
            entry = self.plan.get(vrf, IPNetwork(cidr))
            if len(devices) > 1 and entry is not None and entry.purpose == "lan":
                for dev in (d for d in self.devices if d.device in devices):
                    for iface in dev.interfaces:
                        if any(str(IPNetwork(a).cidr) == cidr for a in filter(scannable, iface.addresses)):
                            self.add(Found("conflict", dev.device, iface.name, cidr,
                                           f"LAN {cidr} is configured on {len(devices)} devices: "
                                           f"{', '.join(sorted(devices))}", _evidence(iface), vrf,
                                           iface.vlan, dev.district))

    def routes(self) -> None:
        for dev in self.devices:
            for r in dev.routes:
                net = _net(r.prefix)
                if net is None or net.prefixlen == 0:
                    continue  # a default route says nothing about whose space it is
                iface = dev.iface(r.interface) or _towards(dev, r.nexthop)
                line = r.line or f"ip route {r.prefix} {r.nexthop}".rstrip()
                self.judge(dev, net.cidr, r.vrf, iface, f"static route {r.prefix} via "
                           f"{r.nexthop or r.interface}", line, route=True)

    def attachments_present(self, drift: Callable[[DeviceFacts, Attachment], list[str]]) -> None:
        by_name = {d.device: d for d in self.devices}
        for a in self.attachments:
            dev = by_name.get(a.device or "")
            if a.state != "connected" or dev is None or not a.interface:
                continue
            iface = dev.iface(a.interface)
            missing = []
            if iface is None:
                missing.append(f"interface {a.interface} is gone")
            elif a.address and a.address not in iface.addresses:
                missing.append(f"{a.address} is not on {a.interface}")
            statics = {str(IPNetwork(r.prefix).cidr) for r in dev.routes if r.vrf == a.vrf
                       and _net(r.prefix) is not None}
            missing += [f"route {lan} is missing" for lan in a.routes
                        if dev.read_table(a.vrf, IPNetwork(lan).version)  # unread: see notes
                        and str(IPNetwork(lan).cidr) not in statics]
            prefix = (a.prefixes or ("",))[0]
            base = Found("stale", dev.device, a.interface, prefix, "", _evidence(iface), a.vrf,
                         iface.vlan if iface else None, a.district or dev.district, a.request)
            if missing:
                self.add(_with(base, detail=f"request {a.request} is recorded connected but "
                               + "; ".join(missing)))
            elif a.rendered and (diff := drift(dev, a)):
                self.add(_with(base, type="drift", evidence="\n".join(diff),
                               detail=f"request {a.request}: the device differs from the "
                               f"configuration govnet rendered ({len(diff)} lines)"))


def _towards(dev: DeviceFacts, nexthop: str) -> Iface | None:
    """The interface whose subnet holds ``nexthop`` (where a static route leaves)."""
    hop = _net(nexthop)
    if hop is None:
        return None
    for iface in dev.interfaces:
        if any(hop.ip in IPNetwork(a) for a in iface.addresses if scannable(a)):
            return iface
    return None


def _with(f: Found, **changes: object) -> Found:
    data = {k: getattr(f, k) for k in Found.__dataclass_fields__}
    data.update(changes)
    return Found(**data)  # type: ignore[arg-type]


def no_filings(_vrf: str, _net: IPNetwork) -> str | None:
    return None


def reconcile(devices: Sequence[DeviceFacts], plan: Iterable[PlanEntry],
              attachments: Sequence[Attachment], filed: Filing = no_filings,
              drift: Callable[[DeviceFacts, Attachment], list[str]] | None = None
              ) -> list[Found]:
    """Every finding the inputs show, in a stable order (device, type, interface, prefix).

    ``drift(dev, attachment)`` returns the differing lines ("- rendered", "+ device");
    by default :func:`config_drift` (hier_config over the running config).
    """
    run = _Run(devices, plan, attachments, filed)
    run.addresses()
    run.routes()
    run.attachments_present(drift or config_drift)
    return sorted(run.found.values(), key=lambda f: (f.device, f.type, f.interface, f.prefix))


def config_drift(dev: DeviceFacts, a: Attachment) -> list[str]:
    """Rendered lines the device lacks (``-``) and extra lines in the attachment's sections (``+``).

    Examples:
        >>> dev = DeviceFacts("r1", "frr", running="interface e1.100\\n description X\\n"
        ...                   " ip address 10.0.0.1/30\\nexit\\n")
        >>> att = Attachment(1, "connected", "r1", "e1.100", rendered=(
        ...     "interface e1.100", " description GOV-R1", " ip address 10.0.0.1/30", "exit"))
        >>> config_drift(dev, att)
        ['- interface e1.100 / description GOV-R1', '+ interface e1.100 / description X']
    """
    from access import diffing

    if not dev.running:
        return []
    have, want = diffing.parse(dev.platform, dev.running), diffing.parse(dev.platform, a.rendered)
    lacks = [f"- {' / '.join(c.path())}" for c in want.difference(have).all_children()
             if not c.children]
    extra = []
    for section in want.children:
        there = have.get_child(equals=section.text)
        if there is None or not section.children:
            continue
        wanted = {c.text for c in section.children}
        extra += [f"+ {section.text} / {c.text}" for c in there.children if c.text not in wanted]
    return lacks + extra
