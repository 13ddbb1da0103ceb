"""``govnet lab unit-up N``: play the unit's side of a connected request on a lab unit host.

The unit host cabled to the request's aggregation port (``lab.units``) gets, on its VLAN
subinterface (``eth0.<vlan>``), the unit end of the attachment — the routed
model's interconnect address plus the first address of its LAN on ``lo``, or,
for the gateway model, the LAN address after the gateway — and a default route
to the aggregation router; it then waits until the host pings the core's loopback
(OSPF takes a second or two). ``unit-down`` removes them again. Dual-stack zones get both families on the host
(IPv4 and IPv6 default routes); a zone in a VPN instance (the lab's VRF port
``ethv1``) is proved against the core's loopback *inside* that VRF, and the
host must not reach the core's global loopback.

For the core to answer, the aggregation router must announce unit space into
OSPF. A real district's aggregation router does that in its day-0 routing policy;
the lab's day-0 (``lab/frr.py``) advertises only its own links, so ``unit-up``
adds the policy below when it is missing (idempotent: nothing is pushed when it
is there), through the same driver and inventory credential as provisioning.
Only unit-facing space is redistributed: the management network is denied.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from typing import Any

from netaddr import IPAddress

from govnet.errors import Conflict, WrongState
from lab import state, units
from lab.netns import sh
from lab.topology import MGMT_NET, Node

ANNOUNCE = [
    f"ip prefix-list GOVLAB-UNITS seq 5 deny {MGMT_NET} le 32",
    "ip prefix-list GOVLAB-UNITS seq 10 permit 0.0.0.0/0 le 32",
    "ipv6 prefix-list GOVLAB-UNITS6 seq 10 permit ::/0 le 128",
    "route-map GOVLAB-UNITS permit 10",
    " match ip address prefix-list GOVLAB-UNITS",
    "exit",
    "route-map GOVLAB-UNITS6 permit 10",
    " match ipv6 address prefix-list GOVLAB-UNITS6",
    "exit",
]


def announce_lines(vrfs: list[str | None]) -> list[str]:
    """The day-0 stand-in: announce unit space (v4 and v6) in the global table and VRFs."""
    lines = list(ANNOUNCE)
    for vrf in vrfs:
        in_vrf = f" vrf {vrf}" if vrf else ""
        lines += [f"router ospf{in_vrf}", " redistribute connected route-map GOVLAB-UNITS",
                  " redistribute static route-map GOVLAB-UNITS", "exit",
                  f"router ospf6{in_vrf}", " redistribute connected route-map GOVLAB-UNITS6",
                  " redistribute static route-map GOVLAB-UNITS6", "exit"]
    return lines


@dataclass(frozen=True)
class UnitSide:
    """What the unit host gets for one zone (each family it has)."""

    vlan: int
    ifname: str
    address: str | None  # CIDR on ifname (IPv4)
    gateway: str | None
    lan_address: str | None = None  # routed: first LAN address, put on lo
    address6: str | None = None
    gateway6: str | None = None
    lan_address6: str | None = None
    vrf: str | None = None  # the zone's VRF on the router (None: the global table)


def _family_side(family: Any, model: str, six: bool) -> tuple[str | None, ...]:
    """(address, gateway, lan address) of the unit end in one family."""
    if family is None:
        return None, None, None
    host = 128 if six else 32
    if model == "routed":
        lan = family.lans[0]
        return str(family.peer), str(family.local), f"{IPAddress(lan.first + 1)}/{host}"
    gw = family.gateway
    return f"{IPAddress(gw.ip.value + 1)}/{gw.prefixlen}", str(gw.ip), None


def unit_sides(plan: Any) -> list[UnitSide]:
    """The unit end of each zone of an attachment plan (``access.attachment.Plan``)."""
    sides = []
    for zone in plan.zones:
        spec = zone.spec
        v4 = _family_side(spec.ipv4, spec.model, False)
        v6 = _family_side(spec.ipv6, spec.model, True)
        sides.append(UnitSide(zone.vlan, f"eth0.{zone.vlan}", v4[0], v4[1], v4[2],
                              v6[0], v6[1], v6[2], spec.vrf))
    return sides


def _host_for(device: str, port: str) -> Node:
    st = state.load()
    if st is None or st.status != "up":
        raise Conflict("no lab is up; run `govnet lab up` first")
    return units.host_on(st, device, port)


def _plan(number: int) -> Any:
    from access import attachment, workflow
    from govnet.console import acting
    from govnet.db import read

    with read() as s:
        request = workflow.get_request(s, acting(s), number)
        if request.state not in ("connected", "provisioning"):
            raise WrongState(f"connection request {number} is {request.state}: provision it "
                             "before bringing its unit side up")
        plan = attachment.plan_of(s, request)
    if plan is None:
        raise WrongState(f"connection request {number} has no attachment")
    return plan


def announce(plan: Any) -> list[str]:
    """Make the aggregation router announce unit space into OSPF; return the lines pushed."""
    from access import diffing
    from inventory.connect import open_driver

    wanted = announce_lines(sorted({z.spec.vrf for z in plan.zones}, key=lambda v: v or ""))
    with open_driver(None, plan.device) as drv:
        lines = diffing.missing(plan.device.platform, drv.get_running_config(), wanted)
        if lines:
            drv.apply(lines)
            drv.save()
    return lines


def unit_up(number: int) -> dict[str, Any]:
    """Configure the unit host of request ``number``; return what was done."""
    plan = _plan(number)
    host = _host_for(plan.device.name, plan.port)
    sides = unit_sides(plan)
    for i, side in enumerate(sides):  # the first zone carries the default routes
        units.configure(host, side.vlan, side.address, side.gateway if i == 0 else None,
                        address6=side.address6, gateway6=side.gateway6 if i == 0 else None)
        for lan in (side.lan_address, side.lan_address6):
            if lan:
                sh(["ip", "-n", host.netns, "addr", "replace", lan, "dev", "lo"])
    pushed = announce(plan)
    targets = core_targets(sides[0])
    reached = {target: _reaches(host, target) for target in targets}
    return {"request": number, "host": host.name, "device": plan.device.name,
            "port": plan.port, "announced": pushed, "reaches_core": all(reached.values()),
            "pinged": reached, "zones": [side.__dict__ for side in sides]}


def core_targets(side: UnitSide) -> list[str]:
    """The core's loopbacks the unit should reach: in the zone's VRF or the global table,
    for each family the zone has."""
    st = state.load()
    assert st is not None
    core = st.topology.node("core")
    lo, lo6 = (core.vrf_loopback, core.vrf_loopback6) if side.vrf else (core.loopback,
                                                                         core.loopback6)
    return [t for t, have in ((lo, side.address), (lo6, side.address6)) if have and t]


def _reaches(host: Node, target: str, within: float = 15.0) -> bool:
    """Wait (OSPF takes a second or two) until the host pings ``target``."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        ping = subprocess.run(["ip", "netns", "exec", host.netns, "ping", "-c1", "-W1", target],
                              capture_output=True)
        if ping.returncode == 0:
            return True
    return False


def unit_down(number: int) -> dict[str, Any]:
    """Remove the unit side again (addresses and default route)."""
    from access import attachment, workflow
    from govnet.console import acting
    from govnet.db import read

    with read() as s:
        plan = attachment.plan_of(s, workflow.get_request(s, acting(s), number))
    if plan is None:
        raise WrongState(f"connection request {number} has no attachment")
    host = _host_for(plan.device.name, plan.port)
    for side in unit_sides(plan):
        units.clear(host, side.vlan)
        for lan in (side.lan_address, side.lan_address6):
            if lan:
                sh(["ip", "-n", host.netns, "addr", "del", lan, "dev", "lo"], check=False)
    sh(["ip", "-n", host.netns, "route", "del", "default"], check=False)
    sh(["ip", "-6", "-n", host.netns, "route", "del", "default"], check=False)
    return {"request": number, "host": host.name}
