"""collect() through the real Huawei/Comware/IOS drivers over SSH, against the CLI simulator.

The simulator (tests/inventory/sshsim, a test double) answers the drivers' getters
but has no routing table: the collection must then say so in its notes rather than
report "no routes". The reconciliation of what it found is checked on the way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from compliance.reconcile import PlanEntry, reconcile
from compliance.scan import collect, facts_of
from inventory.drivers import get_driver
from tests.inventory.conftest import make_target, simulated  # noqa: F401

ROGUE = {"huawei": ("interface GigabitEthernet0/0/1.101", " dot1q termination vid 101",
                    " description self-built", " ip address 172.16.5.1 255.255.255.0"),
         "ios": ("interface GigabitEthernet0/0/1.101", " encapsulation dot1Q 101",
                 " description self-built", " ip address 172.16.5.1 255.255.255.0")}


@pytest.mark.parametrize("platform", ["huawei_vrp", "h3c_comware", "cisco_ios"])
def test_collect_over_ssh(platform: str, simulated: Callable[..., Any]) -> None:  # noqa: F811
    family = "ios" if platform == "cisco_ios" else "huawei"
    sim = simulated(platform, extra_config=ROGUE[family])
    with get_driver(platform)(make_target(sim)) as drv:
        data = collect(drv)
    ifaces = {i["name"]: i for i in data["interfaces"]}
    rogue = ifaces["GigabitEthernet0/0/1.101"]
    assert rogue["addresses"] == ["172.16.5.1/24"] and rogue["description"] == "self-built"
    assert rogue["vlan"] == 101
    assert " ip address 172.16.5.1 255.255.255.0" in rogue["config"]
    assert data["routes"] == [] and "routes not collected: the device rejected" in data["notes"][0]
    found = reconcile([facts_of("r1", None, data)],
                      [PlanEntry("10.255.0.0/30", "", "allocated", purpose="interconnect")], [])
    assert [(f.type, f.interface, f.prefix) for f in found] == [
        ("unapproved", "GigabitEthernet0/0/1.101", "172.16.5.0/24")]
