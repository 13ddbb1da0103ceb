"""The lab's plan: nodes, links and addresses, computed without touching the system.

One core router, one aggregation router per district, unit-host namespaces cabled
to aggregation ports. Management lives in 198.18.0.0/24 (RFC 2544 benchmark range,
clearly lab-only) on the bridge ``govlab0``; everything else (loopbacks 10.255.0.x,
core–aggregation /31s in 10.254.i.0) exists only inside the lab's namespaces.
Every router is dual-stack (IPv6 in the lab-only ULA fd47:6f76::/32: loopbacks
/128, links /127).

A second zone: every router also holds the VRF ``vrf`` (default ``ZWEDU``), a
network namespace of its own (``<router ns>-v``) that FRR uses as the VRF
(``zebra -n``: the kernel here has no VRF device). The core and each aggregation
router are linked inside the VRF (10.253.i.0/31, loopbacks 10.255.1.x), and each
aggregation router's port ``ethv1`` lives in the VRF, cabled to unit host
``unit-<i>-v``: a unit of that zone attaches there.

Examples:
    >>> topo = plan(2)
    >>> [n.name for n in topo.routers]
    ['core', 'agg1', 'agg2']
    >>> topo.node("agg2").mgmt_ip, topo.node("agg2").loopback
    ('198.18.0.12', '10.255.0.12')
    >>> topo.node("unit-2-1").uplink
    ('agg2', 'ethu1')
    >>> topo.node("agg1").vrf_netns, topo.node("unit-1-v").uplink
    ('govlab-agg1-v', ('agg1', 'ethv1'))
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from govnet.errors import InvalidInput

NS_PREFIX = "govlab-"
BRIDGE = "govlab0"
MGMT_NET = "198.18.0.0/24"
MGMT_GATEWAY = "198.18.0.1"
MGMT_PREFIXLEN = 24
MGMT_IFACE = "mgmt0"
UNIT_VLANS = (100, 101, 102, 103)
MAX_DISTRICTS = 8
LAB_USER = "govlab"
CREDENTIAL_REF = f"{LAB_USER}@env:GOVNET_LAB_PASSWORD"
LAB_VRF = "ZWEDU"  # the second zone's device VRF name (``ipam vrf add … --device-name``)
VRF_PORT = "ethv1"  # each aggregation router's unit port inside the VRF
ULA = "fd47:6f76"  # the lab's IPv6 space (fd47:6f76::/32, unique local)


@dataclass(frozen=True)
class Link:
    """A router's point-to-point link: its interface, its address, the far end."""

    iface: str
    address: str  # CIDR, e.g. "10.254.1.0/31"
    peer: str
    peer_iface: str
    address6: str = ""  # CIDR, e.g. "fd47:6f76:fe:1::/127"


@dataclass
class Node:
    """One namespace of the lab: a router (core | aggregation) or a unit host."""

    name: str
    kind: str  # "core" | "aggregation" | "unit-host"
    netns: str
    mgmt_ip: str = ""
    loopback: str = ""
    district: int | None = None
    links: list[Link] = field(default_factory=list)
    unit_ports: list[str] = field(default_factory=list)  # aggregation: ethu1, ethu2…
    uplink: tuple[str, str] | None = None  # unit host: (router, port)
    loopback6: str = ""
    vrf: str = ""  # router: the second zone's VRF (a namespace of its own), or ""
    vrf_loopback: str = ""  # the router's loopback inside the VRF (IPv4)
    vrf_loopback6: str = ""
    vrf_links: list[Link] = field(default_factory=list)
    vrf_ports: list[str] = field(default_factory=list)  # aggregation: ethv1

    @property
    def vrf_netns(self) -> str:
        """The namespace FRR uses as the router's VRF (``zebra -n``)."""
        return f"{self.netns}-v"

    @property
    def is_router(self) -> bool:
        return self.kind in ("core", "aggregation")

    @property
    def mgmt_veth(self) -> str:
        """The root-namespace end of the router's management veth (≤ 15 chars)."""
        return f"gl-{self.name}"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["uplink"] = list(self.uplink) if self.uplink else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Node:
        data = dict(data)
        data["links"] = [Link(**link) for link in data.get("links", [])]
        data["vrf_links"] = [Link(**link) for link in data.get("vrf_links", [])]
        up = data.get("uplink")
        data["uplink"] = tuple(up) if up else None
        return cls(**data)


@dataclass
class Topology:
    """All nodes of one lab, routers first."""

    nodes: list[Node]

    @property
    def routers(self) -> list[Node]:
        return [n for n in self.nodes if n.is_router]

    @property
    def hosts(self) -> list[Node]:
        return [n for n in self.nodes if not n.is_router]

    def node(self, name: str) -> Node:
        for n in self.nodes:
            if n.name == name:
                return n
        known = ", ".join(n.name for n in self.nodes)
        raise InvalidInput(f"no lab node {name!r}; nodes: {known}")


def plan(districts: int = 2, units_per_agg: int = 2, vrf: str = LAB_VRF) -> Topology:
    """The lab for ``districts`` aggregation routers with ``units_per_agg`` unit hosts each
    (plus one unit host per aggregation router on its VRF port)."""
    if not 1 <= districts <= MAX_DISTRICTS:
        raise InvalidInput(f"--districts must be 1..{MAX_DISTRICTS}, got {districts}")
    if not 0 <= units_per_agg <= 4:
        raise InvalidInput(f"unit hosts per aggregation router must be 0..4, got {units_per_agg}")
    core = Node("core", "core", NS_PREFIX + "core", mgmt_ip="198.18.0.10", loopback="10.255.0.1",
                loopback6=f"{ULA}:ff::1", vrf=vrf, vrf_loopback="10.255.1.1",
                vrf_loopback6=f"{ULA}:1ff::1")
    nodes = [core]
    hosts: list[Node] = []
    for i in range(1, districts + 1):
        agg = Node(f"agg{i}", "aggregation", f"{NS_PREFIX}agg{i}", mgmt_ip=f"198.18.0.{10 + i}",
                   loopback=f"10.255.0.{10 + i}", district=i, loopback6=f"{ULA}:ff::{10 + i}",
                   vrf=vrf, vrf_loopback=f"10.255.1.{10 + i}",
                   vrf_loopback6=f"{ULA}:1ff::{10 + i}", vrf_ports=[VRF_PORT])
        core.links.append(Link(f"eth-agg{i}", f"10.254.{i}.0/31", agg.name, "eth-core",
                               f"{ULA}:fe:{i}::/127"))
        agg.links.append(Link("eth-core", f"10.254.{i}.1/31", core.name, f"eth-agg{i}",
                              f"{ULA}:fe:{i}::1/127"))
        core.vrf_links.append(Link(f"ev-agg{i}", f"10.253.{i}.0/31", agg.name, "ev-core",
                                   f"{ULA}:1fe:{i}::/127"))
        agg.vrf_links.append(Link("ev-core", f"10.253.{i}.1/31", core.name, f"ev-agg{i}",
                                  f"{ULA}:1fe:{i}::1/127"))
        for j in range(1, units_per_agg + 1):
            port = f"ethu{j}"
            agg.unit_ports.append(port)
            hosts.append(Node(f"unit-{i}-{j}", "unit-host", f"{NS_PREFIX}unit-{i}-{j}",
                              district=i, uplink=(agg.name, port)))
        hosts.append(Node(f"unit-{i}-v", "unit-host", f"{NS_PREFIX}unit-{i}-v", district=i,
                          uplink=(agg.name, VRF_PORT)))
        nodes.append(agg)
    return Topology(nodes + hosts)
