"""reconcile(): tables of device facts, plan, requests and filings → findings. No devices, no DB."""

from __future__ import annotations

import pytest
from netaddr import IPNetwork

from compliance.reconcile import (
    Attachment,
    DeviceFacts,
    Found,
    Iface,
    PlanEntry,
    PlanIndex,
    Route,
    config_drift,
    reconcile,
)

INFRA = [
    PlanEntry("198.18.0.0/16", "", "container"),
    PlanEntry("198.18.0.0/24", "", "allocated", purpose="mgmt"),
    PlanEntry("10.254.0.0/16", "", "container"),
    PlanEntry("10.254.1.0/31", "", "allocated", purpose="interconnect"),
    PlanEntry("10.255.0.0/16", "", "container"),
    PlanEntry("10.255.0.11/32", "", "allocated", purpose="loopback"),
]
PLAN = INFRA + [
    PlanEntry("10.80.0.0/13", "", "container"),
    PlanEntry("10.80.0.0/16", "", "delegated", district="金平区"),
    PlanEntry("10.80.0.0/26", "", "allocated", owner="金平区教育局", district="金平区", purpose="lan"),
    PlanEntry("10.80.1.0/30", "", "allocated", owner="金平区教育局", district="金平区",
              purpose="interconnect"),
    PlanEntry("10.80.2.0/26", "", "allocated", owner="金平区卫健局", district="金平区", purpose="lan"),
    PlanEntry("10.80.3.0/24", "", "quarantined", owner="旧单位", district="金平区"),
]
RENDERED = ("interface ethu1.100", " description GOV-R1 金平区教育局",
            " ip address 10.80.1.1/30", "ip route 10.80.0.0/26 10.80.1.2")
RUNNING = ("interface ethu1.100\n description GOV-R1 金平区教育局\n ip address 10.80.1.1/30\n"
           "exit\n!\nip route 10.80.0.0/26 10.80.1.2\n")


def infra_ifaces() -> tuple[Iface, ...]:
    return (Iface("mgmt0", ("198.18.0.11/24",)), Iface("lo", ("10.255.0.11/32", "127.0.0.1/8",
                                                           "::1/128")),
            Iface("eth-core", ("10.254.1.1/31", "fe80::1/64")))


def agg1(*extra: Iface, routes: tuple[Route, ...] = (), running: str = "") -> DeviceFacts:
    return DeviceFacts("agg1", "frr", "金平区", interfaces=infra_ifaces() + extra,
                       routes=routes, running=running)


def request(state: str = "connected", **kw: object) -> Attachment:
    data: dict[str, object] = dict(request=1, state=state, device="agg1",
                                   interface="ethu1.100", address="10.80.1.1/30",
                                   prefixes=("10.80.0.0/26", "10.80.1.0/30"),
                                   routes=("10.80.0.0/26",), rendered=RENDERED,
                                   unit="金平区教育局", district="金平区")
    data.update(kw)
    return Attachment(**data)  # type: ignore[arg-type]


CONNECTED = Iface("ethu1.100", ("10.80.1.1/30",), vlan=100, description="GOV-R1 金平区教育局")
ROUTE = Route("10.80.0.0/26", "10.80.1.2", line="ip route 10.80.0.0/26 10.80.1.2")


def kinds(found: list[Found]) -> list[tuple[str, str, str, str]]:
    return [(f.type, f.device, f.interface, f.prefix) for f in found]


def test_clean_network_has_no_findings() -> None:
    assert reconcile([agg1(CONNECTED, routes=(ROUTE,), running=RUNNING)], PLAN, [request()]) == []


def test_infrastructure_unknown_to_the_plan_is_reported() -> None:
    """Nothing is ignored by name: without the plan holding them, infra addresses show up."""
    found = reconcile([agg1()], [], [])
    assert {f.prefix for f in found} == {"198.18.0.0/24", "10.255.0.11/32", "10.254.1.0/31"}
    assert {f.type for f in found} == {"unapproved"}


@pytest.mark.parametrize(("iface", "expected", "words"), [
    (Iface("ethu2.101", ("10.80.9.1/24",), vlan=101), ("unapproved", "10.80.9.0/24"),
     "inside delegated 10.80.0.0/16 but never allocated"),
    (Iface("ethu2.101", ("172.16.5.1/24",), vlan=101), ("unapproved", "172.16.5.0/24"),
     "outside the address plan"),
    (Iface("ethu2.101", ("10.80.3.1/24",), vlan=101), ("unapproved", "10.80.3.0/24"),
     "quarantined"),
    (Iface("ethu2.101", ("10.80.0.0/16",), vlan=101), ("unapproved", "10.80.0.0/16"),
     "whole delegated block"),
    (Iface("ethu2.101", ("10.80.2.1/23",), vlan=101), ("conflict", "10.80.2.0/23"),
     "overlaps allocation 10.80.2.0/26 of 金平区卫健局"),
    (Iface("ethu2.101", ("10.80.2.65/27",), vlan=101), ("unapproved", "10.80.2.64/27"),
     "never allocated"),
])
def test_addresses_without_allocation(iface: Iface, expected: tuple[str, str], words: str) -> None:
    found = reconcile([agg1(CONNECTED, iface, routes=(ROUTE,), running=RUNNING)], PLAN,
                      [request()])
    assert [(f.type, f.prefix) for f in found] == [expected]
    assert words in found[0].detail
    assert found[0].interface == "ethu2.101" and found[0].vlan == 101
    assert found[0].district == "金平区"


@pytest.mark.parametrize("state", ["submitted", "approved", "failed", "disconnected", "withdrawn"])
def test_allocation_of_a_request_that_is_not_connected(state: str) -> None:
    """Art. 41 (4): allocated, but the request is not approved and connected."""
    found = reconcile([agg1(CONNECTED, routes=(ROUTE,))], PLAN, [request(state)])
    assert kinds(found) == [("unapproved", "agg1", "ethu1.100", "10.80.0.0/26"),
                            ("unapproved", "agg1", "ethu1.100", "10.80.1.0/30")]
    assert all(f"request 1, which is {state}" in f.detail for f in found)
    assert all(f.request == 1 and f.severity == "high" for f in found)


def test_same_address_on_two_devices_is_a_conflict_on_both() -> None:
    other = DeviceFacts("agg2", "frr", "龙湖区", interfaces=(
        Iface("mgmt0", ("198.18.0.12/24",)),
        Iface("ethu1.100", ("10.80.1.1/30",), vlan=100)))
    found = reconcile([agg1(CONNECTED, routes=(ROUTE,), running=RUNNING), other], PLAN,
                      [request()])
    assert ("conflict", "agg2", "ethu1.100", "10.80.1.0/30") in kinds(found)
    assert ("conflict", "agg1", "ethu1.100", "10.80.1.0/30") in kinds(found)
    here = next(f for f in found if f.device == "agg1")
    assert "also configured on agg2 ethu1.100" in here.detail


def test_request_prefix_on_another_device() -> None:
    other = DeviceFacts("agg2", "frr", interfaces=(Iface("ethu3.102", ("10.80.1.2/30",),
                                                         vlan=102),))
    found = reconcile([agg1(CONNECTED, routes=(ROUTE,), running=RUNNING), other], PLAN,
                      [request()])
    assert kinds(found) == [("conflict", "agg2", "ethu3.102", "10.80.1.0/30")]
    assert "attached on agg1" in found[0].detail


def test_lan_configured_on_two_devices() -> None:
    plan = PLAN + [PlanEntry("10.80.4.0/24", "", "allocated", owner="x", purpose="lan")]
    a = agg1(Iface("ethu2.100", ("10.80.4.1/24",), vlan=100))
    b = DeviceFacts("agg2", "frr", interfaces=(Iface("ethu1.100", ("10.80.4.254/24",), vlan=100),))
    assert kinds(reconcile([a, b], plan, [])) == [
        ("conflict", "agg1", "ethu2.100", "10.80.4.0/24"),
        ("conflict", "agg2", "ethu1.100", "10.80.4.0/24")]


def test_connected_request_missing_on_device_is_stale() -> None:
    found = reconcile([agg1(running="")], PLAN, [request()])
    assert kinds(found) == [("stale", "agg1", "ethu1.100", "10.80.0.0/26")]
    assert "interface ethu1.100 is gone" in found[0].detail
    assert "route 10.80.0.0/26 is missing" in found[0].detail
    assert found[0].severity == "medium"


def test_address_removed_by_hand_is_stale() -> None:
    bare = Iface("ethu1.100", (), vlan=100)
    found = reconcile([agg1(bare, routes=(ROUTE,))], PLAN, [request()])
    assert [f.type for f in found] == ["stale"]
    assert "10.80.1.1/30 is not on ethu1.100" in found[0].detail


def test_changed_description_is_drift_with_the_differing_lines() -> None:
    running = RUNNING.replace("GOV-R1 金平区教育局", "hacked by hand")
    found = reconcile([agg1(CONNECTED, routes=(ROUTE,), running=running)], PLAN, [request()])
    assert kinds(found) == [("drift", "agg1", "ethu1.100", "10.80.0.0/26")]
    assert found[0].evidence.splitlines() == [
        "- interface ethu1.100 / description GOV-R1 金平区教育局",
        "+ interface ethu1.100 / description hacked by hand"]
    assert found[0].severity == "low"


def test_only_connected_requests_are_checked_for_stale_or_drift() -> None:
    assert reconcile([agg1()], PLAN, [request("disconnected")]) == []


@pytest.mark.parametrize(("route", "filings", "expected"), [
    (Route("172.20.0.0/16", "10.80.1.2"), {}, [("unfiled_private_network", "172.20.0.0/16")]),
    (Route("172.20.0.0/16", "10.80.1.2"), {"172.20.0.0/14": "private network 1 市公安专网"}, []),
    (Route("10.80.7.0/24", "10.80.1.2"), {}, [("unapproved", "10.80.7.0/24")]),
    (Route("10.80.0.0/13", "", interface="Null0"), {}, []),  # a summary towards plan space
    (Route("0.0.0.0/0", "10.254.1.0"), {}, []),  # a default route names nobody's space
    (Route("10.80.2.0/26", "10.80.1.2"), {}, []),  # an allocation without request
])
def test_static_routes(route: Route, filings: dict[str, str],
                       expected: list[tuple[str, str]]) -> None:
    def filed(vrf: str, net: IPNetwork) -> str | None:
        return next((label for block, label in filings.items() if net in IPNetwork(block)), None)

    found = reconcile([agg1(CONNECTED, routes=(ROUTE, route), running=RUNNING)], PLAN,
                      [request()], filed)
    assert [(f.type, f.prefix) for f in found] == expected
    if expected:
        assert found[0].interface == "ethu1.100"  # the route leaves through the unit's port


def test_filed_private_network_interconnection_address_is_not_a_finding() -> None:
    iface = Iface("ethu2.103", ("172.31.0.1/30",), vlan=103)
    found = reconcile([agg1(iface)], INFRA, [],
                      lambda vrf, net: "pn 2" if net in IPNetwork("172.31.0.0/16") else None)
    assert found == []


def test_vrfs_keep_address_spaces_apart() -> None:
    plan = INFRA + [PlanEntry("10.0.0.0/8", "ZW", "container"),
                    PlanEntry("10.1.0.0/24", "ZW", "allocated", purpose="lan")]
    in_vrf = Iface("ethu1.101", ("10.1.0.1/24",), vrf="ZW", vlan=101)
    global_ = Iface("ethu1.102", ("10.1.0.1/24",), vlan=102)
    found = reconcile([agg1(in_vrf, global_)], plan, [])
    assert kinds(found) == [("unapproved", "agg1", "ethu1.102", "10.1.0.0/24")]


def test_fingerprint_is_stable_and_distinguishes() -> None:
    iface = Iface("ethu2.101", ("172.16.5.1/24",), vlan=101)
    a = reconcile([agg1(iface)], INFRA, [])[0]
    b = reconcile([agg1(iface, Iface("x", ()))], INFRA, [])[0]
    assert a.fingerprint == b.fingerprint
    moved = reconcile([agg1(Iface("ethu2.102", ("172.16.5.1/24",), vlan=102))], INFRA, [])[0]
    assert moved.fingerprint != a.fingerprint


def test_plan_index_lookups() -> None:
    index = PlanIndex.of(PLAN)
    net = IPNetwork("10.80.2.0/27")
    assert [e.cidr for e in index.containing("", net)] == ["10.80.2.0/26", "10.80.0.0/16",
                                                            "10.80.0.0/13"]
    assert [e.cidr for e in index.inside("", IPNetwork("10.80.0.0/22"))] == [
        "10.80.0.0/26", "10.80.1.0/30", "10.80.2.0/26", "10.80.3.0/24"]
    assert index.get("ZW", IPNetwork("10.80.0.0/26")) is None


def test_config_drift_reports_extra_lines_in_the_attachment_section() -> None:
    running = RUNNING.replace(" ip address 10.80.1.1/30\n",
                              " ip address 10.80.1.1/30\n ip address 192.0.2.1/24\n")
    dev = agg1(running=running)
    assert config_drift(dev, request()) == ["+ interface ethu1.100 / ip address 192.0.2.1/24"]
    assert config_drift(agg1(running=RUNNING), request()) == []
