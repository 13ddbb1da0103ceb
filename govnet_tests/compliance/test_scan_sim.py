"""collect() through the real Huawei/Comware/IOS drivers over SSH, against the CLI simulator.

The simulator (govnet_tests/inventory/sshsim, a **test double**, not a device) prints its
routing tables from its configuration in each platform's layout: the global IPv4
and IPv6 tables and one per VPN instance / VRF it defines. The collection must
read every one of them, keep each static route with its VRF, and say in its notes
which table a device refused, rather than report "no routes". The reconciliation of
what it found is checked on the way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from compliance.reconcile import Attachment, PlanEntry, reconcile
from compliance.scan import collect, facts_of
from govnet_tests.inventory.conftest import make_target, simulated  # noqa: F401
from inventory.drivers import get_driver

SUBIF = "GigabitEthernet0/0/1.100"
ROGUE = {"huawei": ("interface GigabitEthernet0/0/1.101", " dot1q termination vid 101",
                    " description self-built", " ip address 172.16.5.1 255.255.255.0"),
         "ios": ("interface GigabitEthernet0/0/1.101", " encapsulation dot1Q 101",
                 " description self-built", " ip address 172.16.5.1 255.255.255.0")}
#: A routed unit in VPN instance / VRF ZW (VENDORS.md's example), plus a global IPv6 route.
UNIT = {
    "huawei_vrp": ("ip vpn-instance ZW", " ipv4-family", "  route-distinguisher 65000:100",
                   " ipv6-family", "  route-distinguisher 65000:100",
                   f"interface {SUBIF}", " dot1q termination vid 100",
                   " ip binding vpn-instance ZW", " ip address 10.1.1.1 255.255.255.252",
                   " ipv6 enable", " ipv6 address 2001:db8:1::1/126",
                   "ip route-static vpn-instance ZW 192.168.20.0 24 10.1.1.2 description GOV-A",
                   "ipv6 route-static vpn-instance ZW 2001:db8:20:: 48 2001:db8:1::2",
                   "ipv6 route-static 2001:db8:30:: 48 2001:db8:ff::2"),
    "h3c_comware": ("ip vpn-instance ZW", " route-distinguisher 65000:100",
                    f"interface {SUBIF}", " ip binding vpn-instance ZW",
                    " ip address 10.1.1.1 255.255.255.252", " ipv6 address 2001:db8:1::1/126",
                    " vlan-type dot1q vid 100",
                    "ip route-static vpn-instance ZW 192.168.20.0 24 10.1.1.2",
                    "ipv6 route-static vpn-instance ZW 2001:db8:20:: 48 2001:db8:1::2",
                    "ipv6 route-static 2001:db8:30:: 48 2001:db8:ff::2"),
    "cisco_ios": ("vrf definition ZW", " rd 65000:100", " address-family ipv4",
                  " address-family ipv6", f"interface {SUBIF}", " encapsulation dot1Q 100",
                  " vrf forwarding ZW", " ip address 10.1.1.1 255.255.255.252",
                  " ipv6 address 2001:DB8:1::1/126",
                  "ip route vrf ZW 192.168.20.0 255.255.255.0 10.1.1.2 name GOV-A",
                  "ipv6 route vrf ZW 2001:DB8:20::/48 2001:DB8:1::2",
                  "ipv6 route 2001:DB8:30::/48 2001:DB8:FF::2"),
}
PLAN = [PlanEntry("10.255.0.0/30", "", "allocated", purpose="interconnect"),
        PlanEntry("10.1.1.0/30", "ZW", "allocated", "A", purpose="interconnect"),
        PlanEntry("2001:db8:1::/126", "ZW", "allocated", "A", purpose="interconnect"),
        PlanEntry("192.168.20.0/24", "ZW", "allocated", "A", purpose="lan"),
        PlanEntry("2001:db8:20::/48", "ZW", "allocated", "A", purpose="lan")]
CONNECTED = Attachment(1, "connected", "r1", SUBIF, "ZW", "10.1.1.1/30",
                       prefixes=("10.1.1.0/30", "2001:db8:1::/126"),
                       routes=("192.168.20.0/24", "2001:db8:20::/48"))


def _collect(start: Callable[..., Any], platform: str, **device: Any) -> dict[str, Any]:
    family = "ios" if platform == "cisco_ios" else "huawei"
    sim = start(platform, extra_config=ROGUE[family] + UNIT[platform], **device)
    with get_driver(platform)(make_target(sim)) as drv:
        return collect(drv)


@pytest.mark.parametrize("platform", ["huawei_vrp", "h3c_comware", "cisco_ios"])
def test_collect_over_ssh_reads_vrf_and_ipv6_tables(platform: str,
                                                    simulated: Callable[..., Any]) -> None:  # noqa: F811
    data = _collect(simulated, platform)
    ifaces = {i["name"]: i for i in data["interfaces"]}
    rogue = ifaces["GigabitEthernet0/0/1.101"]
    assert rogue["addresses"] == ["172.16.5.1/24"] and rogue["description"] == "self-built"
    assert rogue["vlan"] == 101
    assert " ip address 172.16.5.1 255.255.255.0" in rogue["config"]
    assert data["notes"] == []
    assert sorted(map(tuple, data["tables"])) == [("", 4), ("", 6), ("ZW", 4), ("ZW", 6)]
    statics = sorted((r["vrf"], r["prefix"].lower(), r["nexthop"].lower()) for r in data["routes"])
    assert statics == [("", "0.0.0.0/0", "10.255.0.2"),
                       ("", "2001:db8:30::/48", "2001:db8:ff::2"),
                       ("ZW", "192.168.20.0/24", "10.1.1.2"),
                       ("ZW", "2001:db8:20::/48", "2001:db8:1::2")]
    found = reconcile([facts_of("r1", None, data)], PLAN, [CONNECTED])
    # the unit in ZW is neither stale nor unapproved; the global IPv6 route is seen
    assert [(f.type, f.vrf, f.prefix) for f in found] == [
        ("unapproved", "", "172.16.5.0/24"),
        ("unfiled_private_network", "", "2001:db8:30::/48")]


@pytest.mark.parametrize("platform", ["huawei_vrp", "h3c_comware", "cisco_ios"])
def test_refused_ipv6_tables_are_notes_not_missing_routes(
        platform: str, simulated: Callable[..., Any]) -> None:  # noqa: F811
    data = _collect(simulated, platform, unknown_commands=r"ipv6")
    assert sorted(map(tuple, data["tables"])) == [("", 4), ("ZW", 4)]
    assert len(data["notes"]) == 2 and all(
        n.startswith("IPv6 routes of ") and "the device rejected" in n for n in data["notes"])
    assert "VPN instance/VRF ZW" in data["notes"][1]
    found = reconcile([facts_of("r1", None, data)], PLAN, [CONNECTED])
    assert [f.type for f in found] == ["unapproved"]  # no "route 2001:db8:20::/48 is missing"


def test_a_missing_ipv4_route_in_a_vrf_is_still_stale(simulated: Callable[..., Any]) -> None:  # noqa: F811
    sim = simulated("huawei_vrp", extra_config=UNIT["huawei_vrp"][:-3])  # no static routes
    with get_driver("huawei_vrp")(make_target(sim)) as drv:
        data = collect(drv)
    found = reconcile([facts_of("r1", None, data)], PLAN, [CONNECTED])
    assert [(f.type, f.detail) for f in found] == [
        ("stale", "request 1 is recorded connected but route 192.168.20.0/24 is missing; "
                  "route 2001:db8:20::/48 is missing")]
