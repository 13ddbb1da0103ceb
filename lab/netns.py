"""Kernel side of the lab: namespaces, veths, the management bridge, VLAN subinterfaces.

Everything goes through ``ip -batch`` (one process for the root namespace, one per
node namespace, run in parallel), which keeps bring-up well under a second.
Traffic never leaves the lab: the only root-namespace address is 198.18.0.1 on
the bridge ``govlab0``, and the rest lives inside ``govlab-*`` namespaces.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor

from govnet.errors import DeviceError
from lab.topology import (
    BRIDGE,
    MGMT_GATEWAY,
    MGMT_IFACE,
    MGMT_PREFIXLEN,
    NS_PREFIX,
    UNIT_VLANS,
    Node,
    Topology,
)


def sh(argv: Sequence[str], *, stdin: str | None = None, check: bool = True) -> str:
    """Run a command, return stdout; a failure raises DeviceError with its stderr."""
    proc = subprocess.run(list(argv), input=stdin, capture_output=True, text=True)
    if check and proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise DeviceError(f"lab: {' '.join(argv[:4])}… failed: {' / '.join(detail) or '?'}")
    return proc.stdout


def ip_batch(commands: Iterable[str], netns: str | None = None) -> None:
    """Run ``ip`` commands in one process (in ``netns`` when given)."""
    argv = ["ip"] + (["-n", netns] if netns else []) + ["-batch", "-"]
    sh(argv, stdin="\n".join(commands) + "\n")


def lab_namespaces() -> list[str]:
    """Every ``govlab-*`` namespace that exists now (made by this lab, or a half-made one)."""
    out = sh(["ip", "netns", "list"], check=False)
    return sorted(line.split()[0] for line in out.splitlines()
                  if line.startswith(NS_PREFIX))


def dot1q_supported() -> bool:
    """Whether the kernel can make 802.1Q interfaces (probed on a veth in a scratch namespace).

    Some kernels (minimal VM kernels without CONFIG_VLAN_8021Q) cannot; the lab then
    emulates each dot1q subinterface with a veth pair of its own, named exactly like
    the subinterface (``ethu1.100`` on the router, ``eth0.100`` on the unit host), which
    is the same thing at layer 3: FRR sees the same interface names either way.
    ``GOVNET_LAB_SUBIF=dot1q|veth`` forces one or the other.
    """
    forced = os.environ.get("GOVNET_LAB_SUBIF", "auto")
    if forced in ("dot1q", "veth"):
        return forced == "dot1q"
    probe = NS_PREFIX + "probe"
    sh(["ip", "netns", "add", probe])
    try:
        ip_batch(["link add p0 type veth peer name p1"], probe)
        out = subprocess.run(["ip", "-n", probe, "link", "add", "link", "p0", "name", "p0.100",
                              "type", "vlan", "id", "100"], capture_output=True)
        return out.returncode == 0
    finally:
        sh(["ip", "netns", "del", probe], check=False)


def _uplink_netns(topo: Topology, host: Node) -> str:
    """The namespace holding the router end of a unit host's cable (the VRF's for ethv1)."""
    assert host.uplink is not None
    router = topo.node(host.uplink[0])
    return router.vrf_netns if host.uplink[1] in router.vrf_ports else router.netns


def root_commands(topo: Topology, dot1q: bool = True) -> list[str]:
    """Root-namespace batch: namespaces, bridge, and every veth created straight into place."""
    cmds = [f"netns add {n.netns}" for n in topo.nodes]
    cmds += [f"netns add {r.vrf_netns}" for r in topo.routers if r.vrf]
    cmds += [f"link add {BRIDGE} type bridge",
             f"addr add {MGMT_GATEWAY}/{MGMT_PREFIXLEN} dev {BRIDGE}", f"link set {BRIDGE} up"]
    for r in topo.routers:
        cmds.append(f"link add {r.mgmt_veth} type veth peer name {MGMT_IFACE} netns {r.netns}")
        cmds.append(f"link set {r.mgmt_veth} master {BRIDGE} up")
    core = topo.routers[0]
    for link in core.links:
        peer = topo.node(link.peer)
        cmds.append(f"link add {link.iface} netns {core.netns} type veth "
                    f"peer name {link.peer_iface} netns {peer.netns}")
    for link in core.vrf_links:
        peer = topo.node(link.peer)
        cmds.append(f"link add {link.iface} netns {core.vrf_netns} type veth "
                    f"peer name {link.peer_iface} netns {peer.vrf_netns}")
    for h in topo.hosts:
        assert h.uplink is not None
        where = _uplink_netns(topo, h)
        cmds.append(f"link add {h.uplink[1]} netns {where} type veth "
                    f"peer name eth0 netns {h.netns}")
        if not dot1q:  # one veth pair per VLAN stands in for the dot1q subinterfaces
            cmds += [f"link add {h.uplink[1]}.{vid} netns {where} type veth "
                     f"peer name eth0.{vid} netns {h.netns}" for vid in UNIT_VLANS]
    return cmds


def _port_commands(ports: Iterable[str], dot1q: bool) -> list[str]:
    cmds = []
    for port in ports:
        cmds.append(f"link set {port} up")
        for vid in UNIT_VLANS:
            if dot1q:
                cmds.append(f"link add link {port} name {port}.{vid} type vlan id {vid}")
            cmds.append(f"link set {port}.{vid} up")
    return cmds


def node_commands(node: Node, dot1q: bool = True) -> list[str]:
    """Per-namespace batch: links up, management address, VLAN subinterfaces (no addresses)."""
    cmds = ["link set lo up"]
    if node.is_router:
        cmds += [f"addr add {node.mgmt_ip}/{MGMT_PREFIXLEN} dev {MGMT_IFACE}",
                 f"link set {MGMT_IFACE} up"]
        cmds += [f"link set {link.iface} up" for link in node.links]
    return cmds + _port_commands(node.unit_ports if node.is_router else ["eth0"], dot1q)


def vrf_commands(node: Node, dot1q: bool = True) -> list[str]:
    """The router's VRF namespace: its links and VRF ports up, their VLAN subinterfaces."""
    cmds = ["link set lo up"] + [f"link set {link.iface} up" for link in node.vrf_links]
    return cmds + _port_commands(node.vrf_ports, dot1q)


FORWARDING = ("net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1")


def _configure_node(node: Node, dot1q: bool) -> None:
    ip_batch(node_commands(node, dot1q), node.netns)
    if node.is_router:  # a new namespace copies the host's forwarding setting
        sh(["ip", "netns", "exec", node.netns, "sysctl", "-qw", *FORWARDING])
    if node.is_router and node.vrf:
        ip_batch(vrf_commands(node, dot1q), node.vrf_netns)
        sh(["ip", "netns", "exec", node.vrf_netns, "sysctl", "-qw", *FORWARDING])


def build(topo: Topology, dot1q: bool) -> None:
    """Create namespaces, bridge and links, then configure each namespace in parallel."""
    ip_batch(root_commands(topo, dot1q))
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda n: _configure_node(n, dot1q), topo.nodes))


def kill_namespace_processes(netns: str, grace: float = 2.0) -> None:
    """Stop every process inside ``netns`` by PID (SIGTERM, then SIGKILL after ``grace``)."""
    pids = [int(p) for p in sh(["ip", "netns", "pids", netns], check=False).split()]
    for pid in pids:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while pids and time.monotonic() < deadline:
        pids = [p for p in pids if os.path.exists(f"/proc/{p}")]
        time.sleep(0.05)
    for pid in pids:
        _signal(pid, signal.SIGKILL)


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def destroy(namespaces: Iterable[str]) -> None:
    """Remove the namespaces (their veths go with them) and the management bridge."""
    namespaces = list(namespaces)
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(kill_namespace_processes, namespaces))
    for ns in namespaces:
        sh(["ip", "netns", "del", ns], check=False)
    sh(["ip", "link", "del", BRIDGE], check=False)


def ospf_routes(netns: str, *family: str) -> set[str]:
    """Destinations the kernel of ``netns`` reaches through a gateway (the lab has no static
    routes at day 0, so these are OSPF's: IPv4 shows ``proto ospf``, IPv6 routes with
    link-local next hops may show none)."""
    out = sh(["ip", *family, "-n", netns, "route", "show"], check=False)
    return {line.split()[0] for line in out.splitlines() if " via " in line}


def wait_converged(topo: Topology, timeout: float = 20.0) -> float:
    """Wait until every router's kernel has an OSPF route (OSPFv2 and OSPFv3) to every other
    loopback, in the global table and in the VRF.

    Returns the seconds waited; raises DeviceError naming the routers still missing some.
    """
    t0 = time.monotonic()

    def wanted(r: Node) -> list[tuple[str, list[str], set[str]]]:
        others = [n for n in topo.routers if n.name != r.name]
        checks = [(r.netns, [], {n.loopback for n in others}),
                  (r.netns, ["-6"], {n.loopback6 for n in others if n.loopback6})]
        if r.vrf:
            checks += [(r.vrf_netns, [], {n.vrf_loopback for n in others if n.vrf}),
                       (r.vrf_netns, ["-6"], {n.vrf_loopback6 for n in others if n.vrf})]
        return checks

    pending = list(topo.routers)
    while pending:
        pending = [r for r in pending if any(
            not want <= {d.split("/")[0] for d in ospf_routes(ns, *family)}
            for ns, family, want in wanted(r))]
        if not pending:
            break
        if time.monotonic() - t0 > timeout:
            names = ", ".join(r.name for r in pending)
            raise DeviceError(f"lab: OSPF did not converge within {timeout:.0f} s on {names}")
        time.sleep(0.1)
    return time.monotonic() - t0


def bridge_exists() -> bool:
    return subprocess.run(["ip", "link", "show", BRIDGE], capture_output=True).returncode == 0


def exec_in(netns: str, argv: Sequence[str]) -> int:
    """Run ``argv`` inside ``netns`` with the caller's terminal; return its exit code."""
    return subprocess.run(["ip", "netns", "exec", netns, *argv]).returncode
