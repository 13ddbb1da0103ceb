"""Unit hosts: give the host behind an aggregation port an address on one VLAN, or take it away.

This is the unit's side of an attachment (its own PC or router on VLAN ``vid``),
which govnet does not provision: the lab stands in for it so a ping can prove the
router side. ``host_on(state, "agg1", "ethu1")`` finds the host cabled to a port.
"""

from __future__ import annotations

from netaddr import AddrFormatError, IPAddress, IPNetwork

from govnet.errors import InvalidInput
from lab.netns import ip_batch, sh
from lab.state import LabState
from lab.topology import UNIT_VLANS, Node


def host_on(state: LabState, router: str, port: str) -> Node:
    """The unit host cabled to ``router``'s ``port``."""
    for host in state.topology.hosts:
        if host.uplink == (router, port):
            return host
    raise InvalidInput(f"no unit host is cabled to {router} {port}")


def _check(vid: int) -> str:
    if vid not in UNIT_VLANS:
        raise InvalidInput(f"VLAN {vid} is not provisioned on unit ports "
                           f"({UNIT_VLANS[0]}-{UNIT_VLANS[-1]})")
    return f"eth0.{vid}"


def configure(host: Node, vid: int, address: str | None, gateway: str | None = None, *,
              address6: str | None = None, gateway6: str | None = None) -> None:
    """Put ``address`` and/or ``address6`` (CIDR) on the host's VLAN ``vid`` and, if given,
    default routes (IPv4 ``gateway``, IPv6 ``gateway6``).

    Any address and default route the VLAN had before are replaced.
    """
    dev = _check(vid)
    cmds = [f"addr flush dev {dev} scope global"]
    for cidr, via in ((address, gateway), (address6, gateway6)):
        if cidr is None:
            continue
        try:
            net = IPNetwork(cidr)
            gw = IPAddress(via) if via else None
        except (AddrFormatError, ValueError) as exc:
            raise InvalidInput(f"bad address for {host.name}: {exc}") from None
        if gw is not None and gw not in net:
            raise InvalidInput(f"gateway {gw} is not in {net.cidr}")
        # nodad: the lab's links are point-to-point, and DAD would hold the address back
        cmds.append(f"addr add {net} dev {dev}" + (" nodad" if net.version == 6 else ""))
        if gw is not None:  # ip infers the family from the gateway address
            cmds.append(f"route replace default via {gw} dev {dev}")
    ip_batch(cmds, host.netns)


def clear(host: Node, vid: int) -> None:
    """Remove the host's addresses on VLAN ``vid`` (and so the routes through them)."""
    dev = _check(vid)
    sh(["ip", "-n", host.netns, "addr", "flush", "dev", dev, "scope", "global"])
