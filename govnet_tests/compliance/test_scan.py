"""Collection parsing: FRR's JSON and config, ntc-templates routing tables per platform."""

from __future__ import annotations

import doctest
import json
import os
from pathlib import Path
from typing import Any

import pytest

import compliance.facts
import compliance.reconcile
import compliance.routes
import compliance.scan
import ipam.importer
import ipam.zones
from compliance import routes
from compliance.scan import (
    _frr_config_routes,
    _frr_table_routes,
    collect_frr,
    facts_of,
    route_platform,
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

    def run(self, command: str) -> str:
        assert command == "show vrf"
        return "netns-based vrfs\n"

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


class NetnsVrfVtysh(Vtysh):
    """vtysh of a router with netns VRF ZWEDU (the lab's): ``show interface json`` lists
    every VRF's interfaces but one per name — the VRF's own ``lo`` is hidden there."""

    def run(self, command: str) -> str:
        assert command == "show vrf"
        return "netns-based vrfs\nvrf ZWEDU id 1 netns /run/netns/ZWEDU (configured)\n"

    def run_json(self, command: str) -> Any:
        lo = {"operationalStatus": "up", "vrfName": "default",
              "ipAddresses": [{"address": "10.255.0.11/32"}]}
        ev = {"operationalStatus": "up", "vrfName": "ZWEDU",
              "ipAddresses": [{"address": "10.253.1.1/31"}]}
        if command == "show interface json":
            return {"lo": lo, "ev-core": ev}
        if command == "show interface vrf ZWEDU json":
            return {"ev-core": ev, "lo": {"operationalStatus": "up", "vrfName": "ZWEDU",
                                          "ipAddresses": [{"address": "10.255.1.11/32"}]}}
        return {}


def test_collect_frr_reads_each_vrfs_own_loopback() -> None:
    from inventory.drivers.frr import FrrDriver

    data = collect_frr(NetnsVrfVtysh())
    assert [(i["vrf"], i["name"], i["addresses"]) for i in data["interfaces"]] == [
        ("", "lo", ["10.255.0.11/32"]), ("ZWEDU", "ev-core", ["10.253.1.1/31"]),
        ("ZWEDU", "lo", ["10.255.1.11/32"])]
    # the driver's interface list stays one per name (the inventory keys them by name)
    infos = FrrDriver.get_interfaces(NetnsVrfVtysh())  # type: ignore[arg-type]
    assert [(i.name, i.vrf) for i in infos] == [("lo", ""), ("ev-core", "ZWEDU")]


class Cli:
    """A driver double answering every command with one fixture's text."""

    def __init__(self, platform: str, fixture: str) -> None:
        self.platform, self.text = platform, (FIXTURES / fixture).read_text()
        self.commands: list[str] = []

    def run(self, command: str) -> str:
        self.commands.append(command)
        return self.text


def _table(platform: str, family: int) -> routes.Table:
    return next(t for t in routes.tables_of(platform) if t.family == family)


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
    found, why = routes.read_table(Cli(platform, fixture), _table(platform, 4))
    assert found is not None and why == ""
    assert [(r["prefix"], r["nexthop"], r["interface"]) for r in found] == expected


@pytest.mark.parametrize(("platform", "family", "fixture", "vrf", "expected"), [
    ("cisco_ios", 4, "cisco_ios_vrf_routes.txt", "ZW",
     [("0.0.0.0/0", "10.1.9.1", ""), ("192.168.20.0/24", "10.1.1.2", ""),
      ("192.168.21.0/24", "10.1.1.2", ""), ("192.168.21.0/24", "10.1.1.6", "")]),
    ("cisco_ios", 6, "cisco_ios_ipv6_routes.txt", "ZW",
     [("2001:DB8:20::/48", "2001:DB8:1::2", ""), ("2001:DB8:21::/48", "2001:DB8:1::2", ""),
      ("2001:DB8:21::/48", "2001:DB8:1::6", "GigabitEthernet0/0/1.100"),
      ("2001:DB8:99::/48", "", "Null0")]),
    ("huawei_vrp", 6, "huawei_vrp_ipv6_routes.txt", "",
     [("2001:DB8:20::/48", "2001:DB8:1::2", "GigabitEthernet0/0/1.100")]),
    # VRP8 (NE40E layout of Huawei's documentation): VPN header, IndirectID/Instance columns
    ("huawei_vrpv8", 4, "huawei_vrpv8_vrf_routes.txt", "ZW",
     [("192.168.20.0/24", "10.1.1.2", "GigabitEthernet0/1/0.100")]),
    ("h3c_comware", 4, "h3c_comware_vrf_routes.txt", "ZW",
     [("192.168.20.0/24", "10.1.1.2", "GE1/0/1.100"), ("192.168.21.0/24", "10.1.1.2", "GE1/0/1.100"),
      ("192.168.21.0/24", "10.1.1.6", "GE1/0/2.100")]),  # ECMP next hops, one row each
    # Comware IPv6: no ntc-templates template, govnet's own
    ("h3c_comware", 6, "h3c_comware_ipv6_routes.txt", "ZW",
     [("2001:DB8:20::/48", "2001:DB8:1::2", "GE1/0/1.100")]),
])
def test_routing_tables_per_family_and_vrf(platform: str, family: int, fixture: str,
                                           vrf: str, expected: list[tuple[str, str, str]]) -> None:
    """Fixtures composed for govnet in the layouts of real outputs (ntc-templates' test
    captures of these commands; H3C's command reference for Comware IPv6): connected,
    BGP and local rows are skipped, ECMP next hops are one row each, the VRF is the
    one asked for."""
    cli = Cli(platform, fixture)
    found, why = routes.read_table(cli, _table(platform, family), vrf)
    assert why == "" and found is not None
    assert [(r["prefix"], r["nexthop"], r["interface"]) for r in found] == expected
    assert all(r["vrf"] == vrf for r in found)
    assert cli.commands == [_table(platform, family).vrf_command.format(vrf=vrf) if vrf
                            else _table(platform, family).command]


#: Real device outputs: ntc-templates' own test fixtures (Apache-2.0, tests/<platform>/
#: <command>/*.raw of github.com/networktocode/ntc-templates), read unmodified from
#: shared/real-outputs/ntc-templates beside the repository when that folder is there
#: (GOVNET_REAL_OUTPUTS overrides); this repository does not carry copies of them.
REAL = Path(os.environ.get("GOVNET_REAL_OUTPUTS", Path(__file__).parents[3] / "shared"
                           / "real-outputs" / "ntc-templates"))


@pytest.mark.parametrize(("platform", "family", "raw", "expected"), [
    ("cisco_ios", 4, "cisco_ios_show_ip_route_vrf.raw", []),  # BGP and connected only
    ("cisco_ios", 6, "cisco_ios_show_ipv6_route.raw",
     [("5555:4444::4/128", "2A05:C100:2A::56", ""), ("5555:4444::4/128", "2A05:C100:2A::5765", ""),
      ("5555:4444::4/128", "2A05:C100:2A::3:344", "Vlan1"), ("5555:4444::4/128", "", "Vlan1")]),
    ("huawei_vrp", 4, "huawei_vrp_display_ip_routing-table_verbose_ipv4.raw",
     [("0.0.0.0/0", "192.214.198.156", "Dialer1")]),
    ("huawei_vrp", 6, "huawei_vrp_display_ip_routing-table_verbose_ipv6.raw", []),
    ("h3c_comware", 4, "hp_comware_display_ip_routing-table.raw",
     [("10.1.14.0/24", "172.16.39.2", "Vlan1920"), ("0.0.0.0/0", "192.168.56.1", "GE0/1"),
      ("1.1.1.0/24", "192.168.56.1", "GE0/1"), ("1.1.1.0/24", "192.168.56.2", "GE0/2"),
      ("1.1.1.0/24", "192.168.56.3", "GE0/3")]),
])
def test_real_device_routing_tables(platform: str, family: int, raw: str,
                                    expected: list[tuple[str, str, str]]) -> None:
    if not (REAL / raw).is_file():
        pytest.skip(f"real output {raw} not in {REAL}")
    table = _table(platform, family)
    text = (REAL / raw).read_text()
    assert routes.parse_table(table, text)  # it parses, and has rows
    rows = routes.static_routes(routes.parse_table(table, text), "")
    assert [(r["prefix"], r["nexthop"], r["interface"]) for r in rows] == expected


def test_huawei_vpn_instance_header_is_accepted() -> None:
    """ntc-templates' VRP template accepts only the "Public" header; a VPN instance's table
    prints its name there (the header of VRP's documented example output): govnet's
    template reads it."""
    text = (FIXTURES / "huawei_vrp_routes.txt").read_text().replace(
        "Routing Table : Public", "Routing Table : vpna")
    cli = Cli("huawei_vrp", "huawei_vrp_routes.txt")
    cli.text = text
    found, _ = routes.read_table(cli, _table("huawei_vrp", 4), "vpna")
    assert cli.commands == ["display ip routing-table vpn-instance vpna verbose"]
    assert found == [{"prefix": "192.168.20.0/24", "nexthop": "10.1.1.2",
                      "interface": "GigabitEthernet0/0/1.100", "vrf": "vpna", "line": ""}]


def test_vrfs_come_from_the_running_config() -> None:
    comware = "#\nip vpn-instance ZW\n route-distinguisher 65000:100\n#\n"
    assert routes.vrf_families("h3c_comware", comware) == {"ZW": (4, 6)}
    assert routes.vrf_families("ruijie_os", "vrf definition X\n") == {}


def test_platform_without_a_route_parser_says_so() -> None:
    found, tables, notes = routes.collect_routes(Cli("ruijie_os", "cisco_ios_routes.txt"),
                                                 "ruijie_os", "")
    assert found == [] and tables == [] and "no routing-table parser for ruijie_os" in notes[0]


def test_unparsable_table_is_a_note_not_a_crash() -> None:
    class Garbled(Cli):
        def run(self, command: str) -> str:
            return "Destination/Mask    Proto\n%%% garbled %%%\n"

    found, tables, notes = routes.collect_routes(
        Garbled("h3c_comware", "h3c_comware_routes.txt"), "h3c_comware", "")
    assert found == [] and tables == []
    assert [n.split(":")[0] for n in notes] == ["IPv4 routes of the global table not collected",
                                                "IPv6 routes of the global table not collected"]
    assert all("did not parse" in n for n in notes)


def test_a_new_driver_family_reads_its_parents_tables() -> None:
    from inventory.drivers.huawei_vrpv8 import HuaweiVrpV8Driver

    class Family(HuaweiVrpV8Driver):
        platform = "huawei_vrpv8_new_family"

    assert route_platform(Family.__new__(Family)) == "huawei_vrpv8"


@pytest.mark.parametrize("module", [compliance.reconcile, compliance.scan, compliance.routes,
                                    compliance.facts, ipam.importer, ipam.zones])
def test_doctests(module: Any) -> None:
    result = doctest.testmod(module)
    assert result.failed == 0
    if module is not compliance.scan:
        assert result.attempted > 0
