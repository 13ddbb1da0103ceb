"""Compliance on real FRR routers: hand-made config is found, isolated with real packets, restored.

Config is changed "by hand" the way a field engineer would: vtysh run inside the
router's namespace, outside govnet. The plan learns the lab's infrastructure
honestly, by ``govnet ipam import --from-devices`` after a first scan (the
brownfield path), never from a hard-coded list. Every test puts the routers back
as it found them. Uses the session ``lab`` fixture through ``test_access_e2e``'s
``world`` (which waits for another engineer's lab to go away first).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from netaddr import IPNetwork

from compliance.reconcile import scannable
from compliance.scan import collect
from govnet import org
from govnet.auth import load_actor
from govnet.db import transaction
from govnet_tests.lab.conftest import restore
from ipam import service as ipam
from lab import frr, units
from lab.register import register_lab
from lab.sshd import lab_password

pytestmark = pytest.mark.lab
DOC = "汕电政核〔2026〕99号"
DISTRICTS = ["金平区", "龙湖区"]
ROUTERS = ("core", "agg1", "agg2")


@pytest.fixture
def world(lab: Any, db: str, monkeypatch: pytest.MonkeyPatch, router: Any) -> Iterator[Any]:
    """Districts, a unit, users, the public zone with one pool, the lab routers registered.

    Every router is rolled back to its config of before the test at the end, and the
    unit hosts lose their addresses, whatever the test did.
    """
    monkeypatch.setenv("GOVNET_LAB_PASSWORD", lab_password())
    checkpoints = {name: router(name).checkpoint() for name in ROUTERS}
    with transaction() as s:
        admin = load_actor(s, "admin")
        for district in DISTRICTS:
            org.add_district(s, admin, district)
        org.add_unit(s, admin, "金平区教育局", district="金平区")
        org.add_user(s, admin, "edu", role="applicant", unit="金平区教育局")
        org.add_user(s, admin, "boss", role="authority")
        org.add_user(s, admin, "ops", role="municipal_operator")
        org.add_user(s, admin, "jp", role="district_operator", district="金平区")
        ipam.add_vrf(s, admin, "公用网络区")
        ipam.add_pool(s, admin, "10.80.0.0/13")
        for district in DISTRICTS:
            ipam.delegate(s, admin, district=district, size="/16")
        # The brownfield path: the routers without the lab's networks in the plan, which
        # the import learns from the devices (test_scan_zones: registered with its plan).
        register_lab(s, admin, lab.state, districts=DISTRICTS, plan=False)
    yield lab
    restore(lab, router, checkpoints)


def _approved(cli: Any) -> int:
    res = cli("access submit --unit 金平区教育局 --zone 公用网络区 --hosts 50 --site 金平区金砂路1号 "
              "--contact 张三13800000000 --purpose 办公网接入 --model routed "
              "--application-doc 汕教〔2026〕1号 --json", as_="ops")
    assert res.code == 0, res.err
    number = int(json.loads(res.out)["id"])
    assert cli(f"access approve {number} --doc 汕电政核〔2026〕7号", as_="boss").code == 0
    return number


def _request(cli: Any, number: int) -> dict[str, Any]:
    res = cli(f"access show {number} --json", as_="ops")
    assert res.code == 0, res.err
    return dict(json.loads(res.out))


def vtysh(lab: Any, node: str, *lines: str, check: bool = True) -> None:
    """Configure a router by hand (vtysh in its namespace; govnet is not involved)."""
    argv = frr.vtysh_argv(lab.state.topology.node(node))
    commands = [x for line in ("configure terminal", *lines, "end") for x in ("-c", line)]
    lab.cli("exec", node, "--", *argv, *commands, check=check)


def ping(lab: Any, host: str, address: str) -> bool:
    return lab.cli("exec", host, "--", "ping", "-c1", "-W1", address, check=False).returncode == 0


def wait_ping(lab: Any, host: str, address: str, ok: bool, within: float = 15) -> None:
    deadline = time.monotonic() + within
    while ping(lab, host, address) != ok:
        assert time.monotonic() < deadline, f"ping {host} → {address} never {'worked' if ok else 'failed'}"


def scan(cli: Any) -> dict[str, Any]:
    res = cli("compliance scan --json", as_="ops")
    assert res.code == 0, res.err
    data = json.loads(res.out)
    assert all(d["ok"] for d in data["devices"]), data
    return dict(data)


def findings(cli: Any, state: str | None = None) -> list[dict[str, Any]]:
    res = cli("compliance findings --json" + (f" --state {state}" if state else ""), as_="ops")
    assert res.code == 0, res.err
    return list(json.loads(res.out))


@pytest.fixture
def adopted(world: Any, cli: Any) -> Iterator[Any]:
    """The lab's routers scanned and their existing addresses imported into the plan."""
    first = scan(cli)
    assert first["new"] > 0  # infrastructure the plan does not know yet
    res = cli("ipam import --from-devices --json", as_="ops")
    assert res.code == 0, res.err
    after = scan(cli)
    assert (after["open"], after["resolved"]) == (0, first["new"]), after
    yield world


def test_brownfield_import_matches_the_devices(world: Any, cli: Any, router: Any) -> None:
    lab = world
    vtysh(lab, "agg1", "interface ethu2.102", " ip address 10.80.50.1/24", "exit")
    vtysh(lab, "agg2", "interface ethu2.103", " ip address 172.30.1.1/30", "exit")
    try:
        first = scan(cli)
        open_ = findings(cli, "open")
        assert {(f["type"], f["device"], f["prefix"]) for f in open_} >= {
            ("unapproved", "agg1", "10.80.50.0/24"), ("unapproved", "agg2", "172.30.1.0/30"),
            ("unapproved", "core", "198.18.0.0/24"), ("unapproved", "core", "10.255.0.1/32"),
            ("unapproved", "agg2", "10.254.2.0/31")}
        rogue = next(f for f in open_ if f["prefix"] == "10.80.50.0/24")
        assert "ip address 10.80.50.1/24" in rogue["evidence"] and rogue["district"] == "金平区"

        res = cli("ipam import --from-devices --json", as_="ops")
        assert res.code == 0, res.err
        imported = json.loads(res.out)
        assert all(c["description"].startswith("imported: no paperwork") for c in imported["created"])
        assert {"198.18.0.0/16", "10.254.0.0/16", "10.255.0.0/16", "172.30.0.0/16"} <= set(
            imported["pools"])
        audit = json.loads(cli("audit list --action ipam.import --limit 500 --json").out)
        assert len(audit) == len(imported["created"])  # one "no paperwork" event per block

        # the plan's utilization is what the devices carry, network by network, zone by
        # zone (the VRF's networks, each netns VRF's own lo too, in the zone made for ZWEDU)
        nets: set[tuple[str, IPNetwork]] = set()
        for name in ("core", "agg1", "agg2"):
            for iface in collect(router(name))["interfaces"]:
                nets |= {(iface["vrf"] or "公用网络区", IPNetwork(a).cidr)
                         for a in iface["addresses"] if scannable(a)}
        usage = json.loads(cli("ipam utilization --json", as_="ops").out)
        for row in usage:
            block = IPNetwork(row["prefix"])
            expected = sum(n.size for zone, n in nets if n in block and zone == row["vrf"])
            children = [u for u in usage if u is not row and IPNetwork(u["prefix"]) in block
                        and u["vrf"] == row["vrf"]]
            if not children:
                assert row["used"] == expected, (row, sorted(map(str, nets)))
        again = scan(cli)
        assert again["open"] == 0 and again["resolved"] == first["new"], again
    finally:
        vtysh(lab, "agg1", "interface ethu2.102", " no ip address 10.80.50.1/24", "exit",
              check=False)
        vtysh(lab, "agg2", "interface ethu2.103", " no ip address 172.30.1.1/30", "exit",
              check=False)


def test_rogue_unit_found_isolated_and_restored(adopted: Any, cli: Any) -> None:
    lab = adopted
    host = lab.state.topology.node("unit-2-1")  # cabled to agg2 ethu1
    vtysh(lab, "agg2", "interface ethu1.101", " description self-built", " ip address 172.16.5.1/24",
          "exit", "ip route 172.20.0.0/16 172.16.5.2")
    units.configure(host, 101, "172.16.5.2/24")
    try:
        wait_ping(lab, "unit-2-1", "172.16.5.1", True)
        report = scan(cli)
        assert report["new"] == 2
        found = {f["type"]: f for f in findings(cli, "open")}
        rogue = found["unapproved"]
        assert (rogue["device"], rogue["interface"], rogue["prefix"], rogue["vlan"]) == (
            "agg2", "ethu1.101", "172.16.5.0/24", 101)
        assert "outside the address plan" in rogue["detail"]
        route = found["unfiled_private_network"]
        assert (route["prefix"], route["interface"]) == ("172.20.0.0/16", "ethu1.101")
        assert scan(cli)["new"] == 0 and len(findings(cli, "open")) == 2  # no duplicates

        number = rogue["id"]
        assert cli(f"compliance isolate {number}", as_="boss").code == 2  # --doc is required
        assert cli(f"compliance isolate {number} --doc {DOC}", as_="edu").code == 3
        res = cli(f"compliance isolate {number} --doc {DOC} --json", as_="boss")
        assert res.code == 0, res.err
        outcome = json.loads(res.out)
        assert outcome["state"] == "isolated" and outcome["lines"] == [
            "interface ethu1.101", " shutdown", "exit"]
        wait_ping(lab, "unit-2-1", "172.16.5.1", False)
        job = json.loads(cli("access jobs --json", as_="ops").out)[0]
        assert job["kind"] == "isolate" and job["state"] == "committed"
        assert [s["name"] for s in job["steps"]] == ["connect", "checkpoint", "diff", "push",
                                                      "verify", "save"]
        assert cli(f"compliance isolate {number} --doc {DOC}", as_="boss").code == 4
        shown = json.loads(cli(f"compliance show {number} --json", as_="ops").out)
        assert shown["isolated"] and shown["isolation_doc"] == DOC
        scan(cli)  # isolated is not fixed: the finding stays open
        assert json.loads(cli(f"compliance show {number} --json", as_="ops").out)["state"] == "open"

        res = cli(f"compliance restore {number} --json", as_="ops")
        assert res.code == 0 and json.loads(res.out)["state"] == "restored", res.err
        wait_ping(lab, "unit-2-1", "172.16.5.1", True)
        events = json.loads(cli("audit list --action compliance --json").out)
        assert {"compliance.isolate", "compliance.restore"} <= {e["action"] for e in events}
    finally:
        vtysh(lab, "agg2", "no ip route 172.20.0.0/16 172.16.5.2", "interface ethu1.101",
              " no ip address 172.16.5.1/24", " no description", " no shutdown", "exit",
              check=False)
        units.clear(host, 101)
    report = scan(cli)
    assert report["resolved"] == 2 and report["open"] == 0, report


def test_connected_request_drift_and_stale(adopted: Any, cli: Any) -> None:
    lab = adopted
    number = _approved(cli)
    res = cli(f"access provision {number} --json", as_="ops")
    assert res.code == 0 and json.loads(res.out)[0]["state"] == "connected", res.err
    zone = _request(cli, number)["zones"][0]
    subif, local = zone["subinterface"], zone["local4"]
    length = IPNetwork(zone["interconnect"]).prefixlen
    try:
        assert scan(cli)["open"] == 0  # a connected request as govnet rendered it is clean

        vtysh(lab, "agg1", f"interface {subif}", " description changed by hand", "exit")
        scan(cli)
        [drift] = findings(cli, "open")
        assert (drift["type"], drift["device"], drift["interface"], drift["request"]) == (
            "drift", "agg1", subif, number)
        assert f"+ interface {subif} / description changed by hand" in drift["evidence"]
        assert cli(f"access provision {number}", as_="ops").code == 0  # pushes what is missing
        assert scan(cli)["resolved"] == 1

        vtysh(lab, "agg1", f"interface {subif}", f" no ip address {local}/{length}", "exit")
        scan(cli)
        [stale] = findings(cli, "open")
        assert stale["type"] == "stale" and f"{local}/{length} is not on {subif}" in stale["detail"]
        assert cli(f"compliance acknowledge {stale['id']}", as_="ops").code == 0
        assert cli(f"compliance isolate {stale['id']} --doc {DOC}", as_="boss").code == 4
        assert cli(f"access provision {number}", as_="ops").code == 0
        report = scan(cli)
        assert report["resolved"] == 1 and report["open"] == 0, report
        assert {f["state"] for f in findings(cli)} == {"resolved"}
    finally:
        assert cli(f"access disconnect {number}", as_="ops").code == 0


def test_same_address_on_two_routers_is_a_conflict(adopted: Any, cli: Any) -> None:
    lab = adopted
    for node in ("agg1", "agg2"):
        vtysh(lab, node, "interface ethu2.102", " ip address 10.80.60.1/24", "exit")
    report = scan(cli)
    assert report["new"] == 4, report
    got = {(f["type"], f["device"], f["prefix"]) for f in findings(cli, "open")}
    assert got == {(kind, node, "10.80.60.0/24") for kind in ("unapproved", "conflict")
                   for node in ("agg1", "agg2")}
    conflict = next(f for f in findings(cli, "open") if f["type"] == "conflict"
                    and f["device"] == "agg1")
    assert "also configured on agg2 ethu2.102" in conflict["detail"]
    for node in ("agg1", "agg2"):
        vtysh(lab, node, "interface ethu2.102", " no ip address 10.80.60.1/24", "exit")
    assert scan(cli)["resolved"] == 4


def test_frr_default_vrf_ipv6_route_is_collected(world: Any, cli: Any, router: Any) -> None:
    """An IPv6 static route added by hand on a real FRR router: vtysh's ``show ipv6 route
    vrf all json`` lists it in the default table, and the scan judges it (IPv6 space
    outside the plan, no filing: unfiled)."""
    from compliance.scan import _frr_table_routes

    lab = world
    vtysh(lab, "agg1", "ipv6 route 2001:db8:77::/48 blackhole")
    try:
        table = _frr_table_routes(router("agg1").run_json("show ipv6 route vrf all json"))
        assert [(r["prefix"], r["vrf"]) for r in table if r["prefix"].startswith("2001:db8:77:")] \
            == [("2001:db8:77::/48", "")]
        scan(cli)
        found = [(f["type"], f["device"], f["vrf"]) for f in findings(cli, "open")
                 if f["prefix"] == "2001:db8:77::/48"]
        assert found == [("unfiled_private_network", "agg1", "")]
    finally:
        vtysh(lab, "agg1", "no ipv6 route 2001:db8:77::/48 blackhole", check=False)
