"""Collection parsing: FRR's JSON and config, ntc-templates routing tables per platform."""

from __future__ import annotations

import doctest
import json
from pathlib import Path
from typing import Any

import pytest

import compliance.reconcile
import compliance.scan
import ipam.importer
from compliance.scan import (
    _frr_config_routes,
    _frr_table_routes,
    _ntc_routes,
    collect_frr,
    facts_of,
)

FIXTURES = Path(__file__).parent / "fixtures"
RUNNING = """frr version 8.4.4
hostname agg1
!
ip route 172.20.0.0/16 172.16.5.2
ip route 10.80.9.0/24 Null0
!
vrf ZW
 ip route 10.1.0.0/24 10.8.8.2
exit-vrf
!
interface ethu1.101
 description self-built
 ip address 172.16.5.1/24
 shutdown
exit
!
end
"""
STATIC = {"prefix": "172.20.0.0/16", "prefixLen": 16, "protocol": "static", "vrfName": "default",
          "selected": True, "installed": True,
          "nexthops": [{"ip": "172.16.5.2", "interfaceName": "ethu1.101", "active": True}]}
CONNECTED = {"prefix": "172.16.5.0/24", "protocol": "connected", "vrfName": "default",
             "nexthops": [{"directlyConnected": True, "interfaceName": "ethu1.101"}]}


def test_frr_config_routes_top_level_and_in_vrfs() -> None:
    assert _frr_config_routes(RUNNING) == [
        {"prefix": "172.20.0.0/16", "nexthop": "172.16.5.2", "interface": "", "vrf": "",
         "line": "ip route 172.20.0.0/16 172.16.5.2"},
        {"prefix": "10.80.9.0/24", "nexthop": "", "interface": "Null0", "vrf": "",
         "line": "ip route 10.80.9.0/24 Null0"},
        {"prefix": "10.1.0.0/24", "nexthop": "10.8.8.2", "interface": "", "vrf": "ZW",
         "line": "ip route 10.1.0.0/24 10.8.8.2"}]


@pytest.mark.parametrize("table", [
    {"172.20.0.0/16": [STATIC], "172.16.5.0/24": [CONNECTED]},  # one VRF: flat
    {"default": {"172.20.0.0/16": [STATIC], "172.16.5.0/24": [CONNECTED]}, "ZW": {}},
])
def test_frr_route_table_keeps_static_routes_only(table: dict[str, Any]) -> None:
    assert _frr_table_routes(table) == [{"prefix": "172.20.0.0/16", "nexthop": "172.16.5.2",
                                         "interface": "ethu1.101", "vrf": "", "line": ""}]


class Vtysh:
    platform = "frr"

    def get_running_config(self) -> str:
        return RUNNING

    def run_json(self, command: str) -> Any:
        if command == "show interface json":
            return {"ethu1.101": {"administrativeStatus": "down", "vrfName": "default",
                                  "description": "self-built",
                                  "ipAddresses": [{"address": "172.16.5.1/24"}]},
                    "lo": {"administrativeStatus": "up", "operationalStatus": "up",
                           "vrfName": "default", "ipAddresses": [{"address": "10.255.0.11/32"}]}}
        if command == "show ip route vrf all json":
            return {"172.16.5.0/24": [CONNECTED]}
        return {}


def test_collect_frr_interfaces_config_lines_and_inactive_static_routes() -> None:
    data = collect_frr(Vtysh())
    json.dumps(data)  # stored as evidence: plain JSON
    rogue = data["interfaces"][0]
    assert (rogue["name"], rogue["vlan"], rogue["up"], rogue["admin_down"]) == (
        "ethu1.101", 101, False, True)
    assert rogue["config"] == ["interface ethu1.101", " description self-built",
                               " ip address 172.16.5.1/24", " shutdown"]
    # the route is held back by zebra (its next hop is on a shut interface): the config has it
    assert [r["prefix"] for r in data["routes"]] == ["172.20.0.0/16", "10.80.9.0/24",
                                                     "10.1.0.0/24"]
    facts = facts_of("agg1", "金平区", data)
    assert facts.iface("lo") is not None and facts.running == RUNNING
    assert facts.routes[2].vrf == "ZW"


class Cli:
    def __init__(self, platform: str, fixture: str) -> None:
        self.platform, self.text = platform, (FIXTURES / fixture).read_text()

    def run(self, command: str) -> str:
        return self.text


@pytest.mark.parametrize(("platform", "fixture", "expected"), [
    ("h3c_comware", "h3c_comware_routes.txt",
     [("0.0.0.0/0", "10.254.1.0", "GE1/0/48"), ("192.168.20.0/24", "10.1.1.2", "GE1/0/1.100")]),
    ("cisco_ios", "cisco_ios_routes.txt", [("192.168.20.0/24", "10.1.1.2", "")]),
    ("huawei_vrp", "huawei_vrp_routes.txt",
     [("192.168.20.0/24", "10.1.1.2", "GigabitEthernet0/0/1.100")]),
    ("huawei_vrpv8", "huawei_vrp_routes.txt",
     [("192.168.20.0/24", "10.1.1.2", "GigabitEthernet0/0/1.100")]),
])
def test_ntc_templates_routing_tables(platform: str, fixture: str,
                                      expected: list[tuple[str, str, str]]) -> None:
    routes, notes = _ntc_routes(Cli(platform, fixture), platform)
    assert [(r["prefix"], r["nexthop"], r["interface"]) for r in routes] == expected
    assert notes == []


def test_platform_without_a_route_template_says_so() -> None:
    routes, notes = _ntc_routes(Cli("ruijie_os", "cisco_ios_routes.txt"), "ruijie_os")
    assert routes == [] and "no routing-table template for ruijie_os" in notes[0]


def test_unparsable_table_is_a_note_not_a_crash() -> None:
    class Garbled(Cli):
        def run(self, command: str) -> str:
            return "Destination/Mask    Proto\n%%% garbled %%%\n"

    routes, notes = _ntc_routes(Garbled("h3c_comware", "h3c_comware_routes.txt"), "h3c_comware")
    assert routes == [] and "did not parse" in notes[0]


@pytest.mark.parametrize("module", [compliance.reconcile, compliance.scan, ipam.importer])
def test_doctests(module: Any) -> None:
    result = doctest.testmod(module)
    assert result.failed == 0
    if module is not compliance.scan:
        assert result.attempted > 0
