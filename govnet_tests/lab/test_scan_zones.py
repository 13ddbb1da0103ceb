"""Scans on real FRR routers match every zone, and the lab's own networks are in its plan
(issue 21.4).

* A fresh lab, registered, scans clean: its management network, loopbacks and core
  links (IPv4 and IPv6, global table and VRF ZWEDU) joined the plan at registration.
* The README's walk — a dual-stack routed unit in the public zone (request 2) and a
  dual-stack unit in 专用网络区, device VRF ZWEDU, on ``agg1 ethv1`` (request 3) —
  provisioned and played by the unit hosts, then scanned: no finding at all. Before,
  ``ethv1.100 vrf ZWEDU 172.16.0.1/26`` and its /64 were "outside the address plan".
  A hand-made address in the VRF is still found, in the VRF.

Uses the session ``lab`` fixture (govnet_tests/lab/conftest.py); every router goes
back to its config of before the test (``restore``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from netaddr import IPNetwork

from compliance.reconcile import scannable
from compliance.scan import collect
from compliance.service import plan_entries
from govnet import org
from govnet.auth import load_actor
from govnet.db import read, transaction
from govnet_tests.lab.conftest import restore
from govnet_tests.lab.test_compliance import findings, scan, vtysh
from ipam import service as ipam
from lab import unit
from lab.register import infrastructure, register_lab, unplanned
from lab.sshd import lab_password
from lab.topology import LAB_VRF

pytestmark = pytest.mark.lab
PRIVATE = "专用网络区"
ROUTERS = ("core", "agg1", "agg2")


@pytest.fixture
def walk(lab: Any, db: str, monkeypatch: pytest.MonkeyPatch, router: Any) -> Iterator[Any]:
    """The README's set-up: 金平区 and its 教育局, users edu/boss/ops, the public zone and
    专用网络区 (VRF ZWEDU) with IPv4 and IPv6 pools and the district's blocks, then the
    lab registered (``lab up`` does it: the routers, and the lab's networks in the plan)."""
    monkeypatch.setenv("GOVNET_LAB_PASSWORD", lab_password())
    checkpoints = {name: router(name).checkpoint() for name in ROUTERS}
    with transaction() as s:
        admin = load_actor(s, "admin")
        org.add_district(s, admin, "金平区")
        org.add_unit(s, admin, "金平区教育局", district="金平区")
        org.add_user(s, admin, "edu", role="applicant", unit="金平区教育局")
        org.add_user(s, admin, "boss", role="authority")
        org.add_user(s, admin, "ops", role="municipal_operator")
        ipam.add_vrf(s, admin, "公用网络区")
        ipam.add_pool(s, admin, "10.80.0.0/13")
        ipam.delegate(s, admin, district="金平区", size="/16")
        ipam.add_vrf(s, admin, PRIVATE, device_name=LAB_VRF, rd="65000:10", rt="65000:10")
        ipam.add_pool(s, admin, "2001:db8:8000::/36")
        ipam.delegate(s, admin, district="金平区", size="/44", family=6)
        ipam.add_pool(s, admin, "172.16.0.0/12", vrf=PRIVATE)
        ipam.add_pool(s, admin, "2001:db8:f000::/36", vrf=PRIVATE)
        ipam.delegate(s, admin, district="金平区", size="/16", vrf=PRIVATE)
        ipam.delegate(s, admin, district="金平区", size="/44", vrf=PRIVATE, family=6)
        register_lab(s, admin, lab.state, districts=["金平区"])
        assert unplanned(s, lab.state.topology) == []
    yield lab
    restore(lab, router, checkpoints, default_routes=([], ["-6"]))


def test_a_fresh_lab_scans_clean(walk: Any, cli: Any, router: Any) -> None:
    report = scan(cli)
    assert (report["new"], report["open"]) == (0, 0), findings(cli, "open")
    # every network the routers carry (both tables, both families) is in its zone's plan
    with read() as s:
        planned = {(e.vrf, e.cidr): e.purpose for e in plan_entries(s)}
    lab_nets = {(v, str(n)): p for v, n, p, _ in infrastructure(walk.state.topology)}
    assert lab_nets.items() <= planned.items()
    carried = {(i["vrf"], str(IPNetwork(a).cidr)) for name in ROUTERS  # as the scan reads
               for i in collect(router(name))["interfaces"]
               for a in filter(scannable, i["addresses"])}
    assert carried == set(lab_nets)
    # registering again (lab register) adds nothing and still scans clean
    with transaction() as s:
        register_lab(s, load_actor(s, "admin"), walk.state, districts=["金平区"])
    again = scan(cli)
    assert (again["new"], again["open"]) == (0, 0)


def _request(cli: Any, args: str, doc: str) -> int:
    res = cli(f"access submit --unit 金平区教育局 {args} --hosts 50 --site 金砂路1号 "
              f"--contact 张三13800000000 --family dual --application-doc {doc} --json",
              as_="ops")
    assert res.code == 0, res.err
    return int(json.loads(res.out)["id"])


def test_readme_dual_stack_and_second_zone_walk_scans_clean(walk: Any, cli: Any) -> None:
    lab = walk
    public = _request(cli, "--zone 公用网络区 --purpose 办公网接入 --model routed "
                      "--device agg1 --port ethu1", "汕教〔2026〕1号")
    private = _request(cli, f"--zone {PRIVATE} --purpose 专网接入 --device agg1 --port ethv1",
                       "汕教〔2026〕2号")
    for number, doc in ((public, "汕电政核〔2026〕8号"), (private, "汕电政核〔2026〕9号")):
        assert cli(f"access approve {number} --doc {doc}", as_="boss").code == 0
        res = cli(f"access provision {number} --json", as_="ops")
        assert res.code == 0 and json.loads(res.out)[0]["state"] == "connected", res.err
        assert all(unit.unit_up(number)["pinged"].values())
    zone = json.loads(cli(f"access show {private} --json", as_="ops").out)["zones"][0]
    assert (zone["subinterface"], zone["lan"], zone["gateway6"]) == (
        "ethv1.100", "172.16.0.0/26", "2001:db8:f000::1/64")
    looked = json.loads(cli(f"ipam lookup 172.16.0.1 --vrf {PRIVATE} --json", as_="ops").out)
    assert "172.16.0.0/26" in json.dumps(looked)
    try:
        report = scan(cli)
        assert (report["new"], report["open"]) == (0, 0), findings(cli, "open")

        vtysh(lab, "agg1", f"interface ethv1.102 vrf {LAB_VRF}",
              " ip address 172.16.9.1/24", "exit")
        scan(cli)
        [rogue] = findings(cli, "open")
        assert (rogue["type"], rogue["vrf"], rogue["interface"], rogue["prefix"]) == (
            "unapproved", LAB_VRF, "ethv1.102", "172.16.9.0/24")
        assert "inside delegated 172.16.0.0/16" in rogue["detail"]
        vtysh(lab, "agg1", f"interface ethv1.102 vrf {LAB_VRF}",
              " no ip address 172.16.9.1/24", "exit")
        assert scan(cli)["resolved"] == 1
    finally:
        for number in (private, public):
            assert cli(f"access disconnect {number}", as_="ops").code == 0
            unit.unit_down(number)
    with read() as s:
        assert unplanned(s, lab.state.topology) == []
