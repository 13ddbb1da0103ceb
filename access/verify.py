"""Verification after a push, read back from the device itself.

Attached: each zone's subinterface exists, is up and carries the router's address;
for the routed model each unit LAN's static route is selected and installed (where
the driver can tell: ``verify_route``). Detached: the address and the routes are
gone. Routes may take a moment to settle, so the checks are retried briefly.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from inventory.drivers import Driver

if TYPE_CHECKING:
    from access.attachment import Plan


def _check(drv: Driver, plan: Plan, attached: bool) -> list[str]:
    found: list[str] = []
    ifaces = {i.name: i for i in drv.get_interfaces()}
    verify_route = getattr(drv, "verify_route", None)
    for zone in plan.zones:
        spec = zone.spec
        name = spec.subinterface
        info = ifaces.get(name)
        if attached and info is None:
            found.append(f"{name} does not exist on the device")
            continue
        if attached and info is not None and info.up is False:
            found.append(f"{name} is down")
        for family in spec.families:
            want = str(family.iface)
            has_address = info is not None and want.lower() in {
                a.lower() for a in info.addresses}
            if attached and not has_address:
                found.append(f"{name} does not carry {want}")
            elif not attached and has_address:
                found.append(f"{name} still carries {want}")
            if verify_route is None or spec.model != "routed":
                continue
            for lan in family.lans:
                installed = verify_route(str(lan), spec.vrf)
                if attached and not installed:
                    found.append(f"route {lan} via {family.next_hop} is not installed")
                elif not attached and installed:
                    found.append(f"route {lan} is still installed")
    return found


SETTLE_SECONDS = 5.0  # how long a route or address may take to appear (or go)


def problems(drv: Driver, plan: Plan, *, attached: bool, wait: float | None = None
             ) -> list[str]:
    """What is wrong on the device (empty: verified), retried for up to ``wait`` seconds."""
    deadline = time.monotonic() + (SETTLE_SECONDS if wait is None else wait)
    while True:
        found = _check(drv, plan, attached)
        if not found or time.monotonic() >= deadline:
            return found
        time.sleep(0.25)
