"""``govnet lab unit-up N``: play the unit's side of a connected request on a lab unit host.

The unit host cabled to the request's aggregation port (``lab.units``) gets, on its VLAN
subinterface (``eth0.<vlan>``), the unit end of the attachment — the routed
model's interconnect address plus the first address of its LAN on ``lo``, or,
for the gateway model, the LAN address after the gateway — and a default route
to the aggregation router; it then waits until the host pings the core's loopback
(OSPF takes a second or two). ``unit-down`` removes them again.

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
    "route-map GOVLAB-UNITS permit 10",
    " match ip address prefix-list GOVLAB-UNITS",
    "exit",
    "router ospf",
    " redistribute connected route-map GOVLAB-UNITS",
    " redistribute static route-map GOVLAB-UNITS",
    "exit",
]


@dataclass(frozen=True)
class UnitSide:
    """What the unit host gets for one zone."""

    vlan: int
    ifname: str
    address: str  # CIDR on ifname
    gateway: str
    lan_address: str | None = None  # routed: first LAN address, put on lo


def unit_sides(plan: Any) -> list[UnitSide]:
    """The unit end of each zone of an attachment plan (``access.attachment.Plan``)."""
    sides = []
    for zone in plan.zones:
        v4 = zone.spec.ipv4
        if zone.spec.model == "routed":
            lan = v4.lans[0]
            sides.append(UnitSide(zone.vlan, f"eth0.{zone.vlan}", str(v4.peer), str(v4.local),
                                  f"{IPAddress(lan.first + 1)}/32"))
        else:
            gw = v4.gateway
            sides.append(UnitSide(zone.vlan, f"eth0.{zone.vlan}", f"{IPAddress(gw.ip.value + 1)}/"
                                  f"{gw.prefixlen}", str(gw.ip)))
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

    with open_driver(None, plan.device) as drv:
        lines = diffing.missing(plan.device.platform, drv.get_running_config(), ANNOUNCE)
        if lines:
            drv.apply(lines)
            drv.save()
    return lines


def unit_up(number: int) -> dict[str, Any]:
    """Configure the unit host of request ``number``; return what was done."""
    plan = _plan(number)
    host = _host_for(plan.device.name, plan.port)
    sides = unit_sides(plan)
    for i, side in enumerate(sides):  # the first zone carries the default route
        units.configure(host, side.vlan, side.address,
                        side.gateway if i == 0 else None)
        if side.lan_address:
            sh(["ip", "-n", host.netns, "addr", "replace", side.lan_address, "dev", "lo"])
    pushed = announce(plan)
    return {"request": number, "host": host.name, "device": plan.device.name,
            "port": plan.port, "announced": pushed, "reaches_core": _reaches_core(host),
            "zones": [side.__dict__ for side in sides]}


def _reaches_core(host: Node, within: float = 15.0) -> bool:
    """Wait (OSPF takes a second or two) until the host pings the core's loopback."""
    st = state.load()
    assert st is not None
    core = st.topology.node("core").loopback
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        ping = subprocess.run(["ip", "netns", "exec", host.netns, "ping", "-c1", "-W1", core],
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
        if side.lan_address:
            sh(["ip", "-n", host.netns, "addr", "del", side.lan_address, "dev", "lo"],
               check=False)
    sh(["ip", "-n", host.netns, "route", "del", "default"], check=False)
    return {"request": number, "host": host.name}
