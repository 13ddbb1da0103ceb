"""A connected unit's addresses are matched against its own zone's plan, whatever the
zone is called on the device (issue 21.4).

govnet calls the second zone 专用网络区; devices call it by its device VRF name
``ZWEDU`` (``ip binding vpn-instance ZWEDU`` on Huawei and Comware, ``vrf forwarding
ZWEDU`` on IOS and RGOS, ``interface X vrf ZWEDU`` on FRR). The scan once keyed the plan
by the zone's own name, so a unit govnet itself had connected in the second zone was
"outside the address plan" (high, unapproved: an isolation candidate).

Per platform, end to end: the requests are provisioned through the platform's real
driver over SSH into the CLI simulator (a test double that prints each platform's
running config and routing tables), then ``compliance scan`` reads the same device
back through the same driver and reconciles it with the database. The device's own
uplink is in the plan too, so the scan must be clean — and a hand-made address in the
VRF is still found, in that VRF.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from netaddr import IPNetwork
from sqlmodel import col, select

from access import provisioning, workflow
from access.specs import PLATFORMS
from compliance import service
from compliance.models import Evidence
from compliance.reconcile import DeviceFacts, Iface, reconcile
from govnet import org
from govnet.auth import load_actor
from govnet.db import read, transaction
from govnet.errors import AlreadyExists
from govnet_tests.conftest import actor
from govnet_tests.inventory.conftest import simulated  # noqa: F401
from inventory import service as inventory
from ipam import service as ipam
from ipam import zones

PRIVATE = "专用网络区"
VRF = "ZWEDU"
#: A port of each platform, named as the inventory takes it (CE's 10GE… starts with a digit).
PORTS = {"huawei_vrp": "GigabitEthernet0/0/1", "huawei_vrpv8": "GigabitEthernet0/1/0",
         "huawei_ce": "GE1/0/1", "h3c_comware": "GigabitEthernet1/0/1",
         "cisco_ios": "GigabitEthernet0/0/1", "ruijie_os": "GigabitEthernet0/1"}
VENDORS = sorted(p for p in PLATFORMS if p != "frr")  # FRR: govnet_tests/lab/test_scan_zones.py


@pytest.fixture
def plan(any_db: str) -> None:
    """Two zones (the public one is the global table; 专用网络区 is VRF ZWEDU), IPv4 and
    IPv6 pools in both, a district's blocks, a unit, the simulator's uplink reserved."""
    with transaction() as s:
        admin = load_actor(s, "admin")
        org.add_district(s, admin, "金平区")
        org.add_unit(s, admin, "金平区教育局", district="金平区")
        org.add_user(s, admin, "boss", role="authority")
        org.add_user(s, admin, "ops", role="municipal_operator")
        ipam.add_vrf(s, admin, "公用网络区")
        ipam.add_vrf(s, admin, PRIVATE, device_name=VRF, rd="65000:10")
        for zone, v4, v6 in (("公用网络区", "10.80.0.0/13", "2001:db8:8000::/36"),
                             (PRIVATE, "172.16.0.0/12", "2001:db8:f000::/36")):
            ipam.add_pool(s, admin, v4, vrf=zone)
            ipam.add_pool(s, admin, v6, vrf=zone)
            ipam.delegate(s, admin, district="金平区", size="/16", vrf=zone)
            ipam.delegate(s, admin, district="金平区", size="/44", vrf=zone, family=6)
        ipam.add_pool(s, admin, "10.255.0.0/16", description="uplinks")
        ipam.reserve(s, admin, "10.255.0.0/30", reason="the simulator's uplink")


def _connect(zone: str, model: str, device: str, port: str) -> dict[str, Any]:
    """Submit, approve and provision a dual-stack request; its zone as ``access show``."""
    with transaction() as s:
        req = workflow.submit(s, load_actor(s, "ops"), unit="金平区教育局", zones=[zone],
                              hosts=50, site="金砂路1号", contact="张三 13800000000",
                              purpose="办公网接入", model=model, families="dual",
                              device=device, port=port, application_doc="汕教〔2026〕1号")
        number = req.id
        assert number is not None
        workflow.approve(s, load_actor(s, "boss"), number, doc="汕电政核〔2026〕7号")
    outcome = provisioning.provision(number, actor("ops"))
    assert outcome.state == "connected", outcome.error
    with read() as s:
        return dict(workflow.request_dict(s, workflow.get_request(s, actor("ops"), number))
                    ["zones"][0]) | {"request": number}


@pytest.fixture
def vendor(plan: None, simulated: Callable[..., Any],  # noqa: F811
           monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Callable[[str], Any]]:
    """``vendor(platform)``: a simulated device of that platform in the inventory as agg1."""
    monkeypatch.setenv("GOVNET_LOCK_DIR", str(tmp_path))

    def make(platform: str) -> Any:
        sim = simulated(platform, hostname="AGG1")
        monkeypatch.setenv("GOVNET_SIM_PW", sim.device.password)
        with transaction() as s:
            admin = load_actor(s, "admin")
            inventory.add_device(s, admin, name="agg1", platform=platform, host=sim.host,
                                 port=sim.port, role="aggregation", district="金平区",
                                 credential=f"{sim.device.username}@env:GOVNET_SIM_PW")
            inventory.add_port(s, admin, device="agg1", name=PORTS[platform],
                               vlans=(100, 103))
        return sim

    yield make


@pytest.mark.parametrize("platform", VENDORS)
def test_units_in_both_zones_and_families_scan_clean(platform: str, vendor: Any) -> None:
    sim = vendor(platform)
    port = PORTS[platform]
    public = _connect("公用网络区", "routed", "agg1", port)
    private = _connect(PRIVATE, "gateway", "agg1", port)
    assert private["vrf"] == PRIVATE and private["gateway6"].endswith("/64")

    report = service.scan(actor("ops"), ["agg1"])
    unread = ["routes not collected: govnet has no routing-table parser for ruijie_os"] \
        if platform == "ruijie_os" else []  # README: "Ruijie routes are not read"
    assert [(d.device, d.ok, d.notes) for d in report.devices] == [("agg1", True, unread)]
    with read() as s:
        found = [service.finding_dict(s, f) for f in service.findings(s, actor("ops"))]
    # Both units, both families, both zones: every address explained by its zone's plan.
    assert [(f["type"], f["prefix"]) for f in found if f["severity"] == "high"] == []
    if platform != "ruijie_os":  # RGOS prints "GigabitEthernet 0/1.100": see the report
        assert [(f["type"], f["detail"], f["evidence"]) for f in found] == []

    with read() as s:
        ev = s.exec(select(Evidence).order_by(col(Evidence.id).desc())).first()
        assert ev is not None
    ifaces: dict[str, Any] = {}  # by name without RGOS's space; the entry with addresses
    for i in sorted(ev.facts["interfaces"], key=lambda i: bool(i["addresses"])):
        ifaces[i["name"].replace(" ", "")] = i
    seen = ifaces[private["subinterface"]]
    assert seen["vrf"] == VRF  # the device names the zone by its VRF, not 专用网络区
    assert {str(IPNetwork(a).cidr) for a in seen["addresses"]} == {
        private["lan"], private["lan6"]}
    assert ifaces[public["subinterface"]]["vrf"] == ""

    # A hand-made address in the VRF, inside the zone's pool but never allocated, is found
    # in the VRF; the same network in the global table is outside the public plan.
    tree, view = sim.device.running.copy(), []
    for line in _rogue(platform, port):
        view = tree.edit(view, line)
    sim.device.set_running(tree)
    service.scan(actor("ops"), ["agg1"])
    with read() as s:
        got = {(f.type, f.vrf, f.prefix, f.detail.split(": ", 1)[1][:30])
               for f in service.findings(s, actor("ops"), state="open") if f.severity == "high"}
    assert got == {("unapproved", VRF, "172.16.200.0/24", "inside delegated 172.16.0.0/16"),
                   ("unapproved", "", "172.31.0.0/24", "outside the address plan and c")}


def _rogue(platform: str, port: str) -> list[str]:
    sub, sub2 = f"{port}.102", f"{port}.103"
    if platform.startswith(("huawei", "h3c")):
        return [f"interface {sub}", " dot1q termination vid 102" if platform != "h3c_comware"
                else " vlan-type dot1q vid 102", f" ip binding vpn-instance {VRF}",
                " ip address 172.16.200.1 255.255.255.0", f"interface {sub2}",
                " ip address 172.31.0.1 255.255.255.0"]
    return [f"interface {sub}", " encapsulation dot1Q 102", f" vrf forwarding {VRF}",
            " ip address 172.16.200.1 255.255.255.0", f"interface {sub2}",
            " encapsulation dot1Q 103", " ip address 172.31.0.1 255.255.255.0"]


# -- the mapping itself, on the database ------------------------------------------------

def test_zone_names_map_both_ways(plan: None) -> None:
    with read() as s:
        names = zones.device_names(s)
        by_name = zones.by_device_name(s)
        plan_vrfs = {e.vrf for e in service.plan_entries(s)}
    assert sorted(names.values()) == ["", VRF]
    assert by_name[""].name == "公用网络区" and by_name[VRF].name == PRIVATE
    assert plan_vrfs == {"", VRF}


def test_a_zone_no_device_can_carry_is_left_out_of_the_scan(plan: None) -> None:
    with transaction() as s:
        admin = load_actor(s, "admin")
        ipam.add_vrf(s, admin, "互联网接入区")  # no --device-name: provisioning refuses it
        ipam.add_pool(s, admin, "100.64.0.0/16", vrf="互联网接入区")
        entries = service.plan_entries(s)
    assert "100.64.0.0/16" not in {e.cidr for e in entries}
    assert {e.vrf for e in entries} == {"", VRF}


def test_one_device_vrf_is_one_zone(plan: None) -> None:
    with transaction() as s:
        admin = load_actor(s, "admin")
        with pytest.raises(AlreadyExists, match="'ZWEDU' is used by zone 专用网络区"):
            ipam.add_vrf(s, admin, "ZWEDU")  # its own name would be ZWEDU on devices
        ipam.add_vrf(s, admin, "LAB")
        with pytest.raises(AlreadyExists, match="'LAB' is used by zone LAB"):
            ipam.add_vrf(s, admin, "实验区", device_name="LAB")
        assert zones.zone_of(s, "LAB").name == "LAB"  # type: ignore[union-attr]


#: A second-zone subinterface as each platform's running config binds it to the VRF.
BINDINGS = {
    "huawei_vrp": ("interface GigabitEthernet0/0/1.100", " dot1q termination vid 100",
                   f" ip binding vpn-instance {VRF}", " ip address {gw} {mask}",
                   " ipv6 enable", " ipv6 address {gw6}"),
    "huawei_vrpv8": ("interface GigabitEthernet0/1/0.100", " vlan-type dot1q 100",
                     f" ip binding vpn-instance {VRF}", " ip address {gw} {mask}",
                     " ipv6 enable", " ipv6 address {GW6}"),
    "huawei_ce": ("interface 10GE1/0/1.100", " dot1q termination vid 100",
                  f" ip binding vpn-instance {VRF}", " ip address {gw} {mask}",
                  " ipv6 enable", " ipv6 address {GW6}"),
    "h3c_comware": ("interface GigabitEthernet1/0/1.100", " vlan-type dot1q vid 100",
                    f" ip binding vpn-instance {VRF}", " ip address {gw} {mask}",
                    " ipv6 address {GW6}"),
    "cisco_ios": ("interface GigabitEthernet0/0/1.100", " encapsulation dot1Q 100",
                  f" vrf forwarding {VRF}", " ip address {gw} {mask}", " ipv6 address {GW6}"),
    "ruijie_os": ("interface GigabitEthernet 0/1.100", " encapsulation dot1Q 100",
                  f" ip vrf forwarding {VRF}", " ip address {gw} {mask}",
                  " ipv6 address {gw6}"),
}


def _parsed(platform: str, config: str, vrf_json: dict[str, Any]) -> DeviceFacts:
    """The device facts the platform's own parser reads from ``config`` (FRR: from
    vtysh's JSON, as :func:`compliance.scan.collect_frr` does)."""
    from compliance.scan import _vlan_of, collect_frr, facts_of
    from inventory.drivers import get_driver
    from inventory.drivers.netmiko_common import interfaces_from_config

    if platform == "frr":
        class Vtysh:
            def get_running_config(self) -> str:
                return config

            def run(self, command: str) -> str:
                return f"vrf {VRF} id 1 netns /run/netns/{VRF} (configured)\n"

            def run_json(self, command: str) -> Any:
                return vrf_json if command.startswith("show interface") else {}

        return facts_of("agg1", None, collect_frr(Vtysh()))
    drv: Any = get_driver(platform)
    infos = interfaces_from_config(drv.hconfig_driver(), config, drv.iface_keywords)
    return facts_of("agg1", None, {"platform": platform, "interfaces": [
        {"name": i.name, "vrf": i.vrf or "", "addresses": list(i.addresses),
         "vlan": i.vlan or _vlan_of(i.name)}
        for i in infos]})


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_every_platforms_vrf_naming_meets_the_zone(plan: None, platform: str) -> None:
    """An allocation of the second zone, configured as each platform binds a VRF and read
    by that platform's parser, is explained by the zone's plan, and only there."""
    with transaction() as s:
        ops = load_actor(s, "ops")
        lan = IPNetwork(ipam.allocate(s, ops, owner="金平区教育局", hosts=50, district="金平区",
                                      vrf=PRIVATE).cidr)
        lan6 = IPNetwork(ipam.allocate(s, ops, owner="金平区教育局", size="/64",
                                       district="金平区", vrf=PRIVATE, family=6).cidr)
        plan_entries = service.plan_entries(s)
    values = {"gw": lan[1], "mask": lan.netmask, "gw6": f"{lan6[1]}/64",
              "GW6": f"{str(lan6[1]).upper()}/64"}
    if platform == "frr":
        config = (f"interface ethv1.100 vrf {VRF}\n ip address {lan[1]}/{lan.prefixlen}\n"
                  f" ipv6 address {lan6[1]}/64\nexit\n")
        vrf_json = {"ethv1.100": {"vrfName": VRF, "ipAddresses": [
            {"address": f"{lan[1]}/{lan.prefixlen}"}, {"address": f"{lan6[1]}/64"}]}}
    else:
        config = "\n".join(line.format(**values) for line in BINDINGS[platform]) + "\n"
        vrf_json = {}
    facts = _parsed(platform, config, vrf_json)
    [iface] = [i for i in facts.interfaces if i.addresses]
    assert (iface.vrf, iface.vlan) == (VRF, 100)
    assert {str(IPNetwork(a).cidr) for a in iface.addresses} == {str(lan), str(lan6)}
    assert reconcile([facts], plan_entries, []) == []

    moved = Iface(iface.name, iface.addresses, vrf="", vlan=100)  # the global table
    found = reconcile([DeviceFacts("agg1", platform, interfaces=(moved,))], plan_entries, [])
    assert {(f.type, f.prefix) for f in found} == {("unapproved", str(lan)),
                                                   ("unapproved", str(lan6))}

