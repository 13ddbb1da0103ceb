"""Dual stack and a second zone on real FRR routers over real SSH, proved with real packets.

* A dual-stack unit (public zone, routed): after provisioning, the unit host pings the
  core's loopback over IPv4 *and* IPv6 (``ping`` and ``ping -6``), from its interconnect
  address and from its LAN (the static routes); after disconnection neither works.
* A unit in a second zone (专用网络区, device VRF ``ZWEDU``): its subinterface is bound to
  the VRF — an FRR VRF backed by a network namespace per router (``zebra -n``; the kernel
  here has no VRF device) — and the unit host reaches the core's loopback *inside the
  VRF* over both families, but never the core's global loopback.

Uses the session ``lab`` fixture (govnet_tests/lab/conftest.py).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from govnet import org
from govnet.auth import load_actor
from govnet.db import transaction
from govnet_tests.lab.conftest import restore
from inventory import service as inventory
from ipam import service as ipam
from lab import unit
from lab.register import register_lab
from lab.sshd import lab_password
from lab.topology import LAB_VRF

pytestmark = pytest.mark.lab
DISTRICTS = ["金平区", "龙湖区"]
PRIVATE = "专用网络区"
CORE4, CORE6 = "10.255.0.1", "fd47:6f76:ff::1"
CORE_VRF4, CORE_VRF6 = "10.255.1.1", "fd47:6f76:1ff::1"


@pytest.fixture
def world(lab: Any, db: str, monkeypatch: pytest.MonkeyPatch, router: Any) -> Iterator[Any]:
    """Two districts with units; the public zone and 专用网络区 (VRF ZWEDU, RD 65000:10), each
    with IPv4 and IPv6 space delegated to both districts; the lab registered."""
    monkeypatch.setenv("GOVNET_LAB_PASSWORD", lab_password())
    checkpoints = {name: router(name).checkpoint() for name in ("agg1", "agg2")}
    with transaction() as s:
        admin = load_actor(s, "admin")
        for district in DISTRICTS:
            org.add_district(s, admin, district)
        org.add_unit(s, admin, "金平区教育局", district="金平区")
        org.add_unit(s, admin, "龙湖区卫健局", district="龙湖区")
        org.add_user(s, admin, "boss", role="authority")
        org.add_user(s, admin, "ops", role="municipal_operator")
        ipam.add_vrf(s, admin, "公用网络区")
        ipam.add_vrf(s, admin, PRIVATE, device_name=LAB_VRF, rd="65000:10")
        for zone, v4, v6 in (("公用网络区", "10.80.0.0/13", "2001:db8:8000::/36"),
                             (PRIVATE, "172.16.0.0/12", "2001:db8:f000::/36")):
            ipam.add_pool(s, admin, v4, vrf=zone)
            ipam.add_pool(s, admin, v6, vrf=zone)
            for district in DISTRICTS:
                ipam.delegate(s, admin, district=district, size="/16", vrf=zone)
                ipam.delegate(s, admin, district=district, size="/44", vrf=zone, family=6)
        register_lab(s, admin, lab.state, districts=DISTRICTS)
        assert inventory.find_device(s, "agg1").district_id is not None
    yield lab
    restore(lab, router, checkpoints, default_routes=([], ["-6"]))


def _approved(cli: Any, unit_name: str, zone: str, *, model: str, families: str,
              device: str, port: str) -> int:
    res = cli(f"access submit --unit {unit_name} --zone {zone} --hosts 50 --site 金砂路1号 "
              f"--contact 张三13800000000 --purpose 办公网接入 --model {model} "
              f"--family {families} --device {device} --port {port} "
              "--application-doc 汕教〔2026〕1号 --json", as_="ops")
    assert res.code == 0, res.err
    data = json.loads(res.out)
    assert data["families"] == families
    assert cli(f"access approve {data['id']} --doc 汕电政核〔2026〕7号", as_="boss").code == 0
    return int(data["id"])


def _ping(lab: Any, host: str, target: str, *extra: str) -> int:
    family = ["-6"] if ":" in target else []
    return lab.cli("exec", host, "--", "ping", *family, "-c1", "-W1", *extra, target,
                   check=False).returncode


def _wait_ping(lab: Any, host: str, target: str, ok: bool, *extra: str,
               within: float = 20) -> None:
    deadline = time.monotonic() + within
    while (_ping(lab, host, target, *extra) == 0) != ok:
        assert time.monotonic() < deadline, \
            f"ping from {host} to {target} never {'worked' if ok else 'failed'}"


def _provision(cli: Any, number: int) -> dict[str, Any]:
    res = cli(f"access provision {number} --json", as_="ops")
    assert res.code == 0, res.err
    outcome = json.loads(res.out)[0]
    assert outcome["state"] == "connected", outcome
    return dict(outcome)


def test_dual_stack_unit_pings_the_core_over_ipv4_and_ipv6(world: Any, cli: Any,
                                                          router: Any) -> None:
    lab = world
    number = _approved(cli, "金平区教育局", "公用网络区", model="routed", families="dual",
                       device="agg1", port="ethu1")
    assert _ping(lab, "unit-1-1", CORE6) != 0
    outcome = _provision(cli, number)
    zone = json.loads(cli(f"access show {number} --json", as_="ops").out)["zones"][0]
    assert zone["lan6"].endswith("/64") and zone["interconnect6"]
    assert f" ipv6 address {zone['local6']}/127" in outcome["lines"]
    assert router("agg1").verify_route(zone["lan6"]) and router("agg1").verify_route(zone["lan"])

    up = unit.unit_up(number)
    assert up["host"] == "unit-1-1" and up["pinged"] == {CORE4: True, CORE6: True}, up
    _wait_ping(lab, "unit-1-1", CORE4, True)
    _wait_ping(lab, "unit-1-1", CORE6, True)  # ping -6 from the unit host to the core
    lan4 = up["zones"][0]["lan_address"].split("/")[0]
    lan6 = up["zones"][0]["lan_address6"].split("/")[0]
    _wait_ping(lab, "unit-1-1", CORE4, True, "-I", lan4)  # the LANs, via the static routes
    _wait_ping(lab, "unit-1-1", CORE6, True, "-I", lan6)

    res = cli(f"access disconnect {number} --json", as_="ops")
    assert res.code == 0 and json.loads(res.out)[0]["state"] == "disconnected", res.err
    _wait_ping(lab, "unit-1-1", CORE4, False, within=10)
    _wait_ping(lab, "unit-1-1", CORE6, False, within=10)
    unit.unit_down(number)


def test_second_zone_unit_reaches_the_core_only_inside_its_vrf(world: Any, cli: Any,
                                                               router: Any) -> None:
    lab = world
    first = _approved(cli, "金平区教育局", PRIVATE, model="gateway", families="dual",
                      device="agg1", port="ethv1")
    outcome = _provision(cli, first)
    assert f"interface ethv1.100 vrf {LAB_VRF}" in outcome["lines"]
    interfaces = {i.name: i for i in router("agg1").get_interfaces()}
    assert interfaces["ethv1.100"].vrf == LAB_VRF  # the subinterface is in the zone's VRF

    up = unit.unit_up(first)
    assert up["host"] == "unit-1-v" and up["zones"][0]["vrf"] == LAB_VRF
    assert up["pinged"] == {CORE_VRF4: True, CORE_VRF6: True}, up
    _wait_ping(lab, "unit-1-v", CORE_VRF4, True)
    _wait_ping(lab, "unit-1-v", CORE_VRF6, True)
    assert _ping(lab, "unit-1-v", CORE4) != 0  # the global table is another zone
    assert _ping(lab, "unit-1-v", CORE6) != 0

    second = _approved(cli, "龙湖区卫健局", PRIVATE, model="routed", families="ipv4",
                       device="agg2", port="ethv1")
    _provision(cli, second)
    assert unit.unit_up(second)["pinged"] == {CORE_VRF4: True}
    _wait_ping(lab, "unit-2-v", CORE_VRF4, True)

    res = cli(f"access disconnect {first} --json", as_="ops")
    assert res.code == 0, res.err
    _wait_ping(lab, "unit-1-v", CORE_VRF4, False, within=10)
    assert f"vrf {LAB_VRF}" in router("agg1").get_running_config()  # the instance stays
    _wait_ping(lab, "unit-2-v", CORE_VRF4, True)  # the zone's other unit is untouched
    unit.unit_down(first)
    assert cli(f"access disconnect {second}", as_="ops").code == 0
    unit.unit_down(second)
