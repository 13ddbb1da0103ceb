"""Dual-stack, IPv6-only and non-public zones through the provisioning pipeline (issue 11.3,
issue 9.15), against the FAKE device of ``test_provisioning`` taught IPv6 and VRF routes.

The real-router proof (ping and ping -6, a unit in a second zone) is
``govnet_tests/lab/test_access_dual.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from access import provisioning, workflow
from govnet.auth import load_actor
from govnet.db import read, transaction
from govnet.settings import settings
from govnet_tests.access import test_provisioning as base
from govnet_tests.conftest import db_snapshot
from inventory import drivers
from inventory.drivers import InterfaceInfo
from ipam import service as ipam

PRIVATE = "专用网络区"


class FakeDual(base.FakeFrr):
    """FAKE ``frr`` driver that also reads IPv6 addresses and routes inside ``vrf`` blocks."""

    def get_interfaces(self) -> list[InterfaceInfo]:
        tree = base.diffing.parse("frr", self.get_running_config())
        result = []
        for name in sorted(base.KERNEL):
            section = tree.get_child(re_search=rf"^interface {name}( vrf \S+)?$")
            addresses = [c.text.split()[2] for c in (section.children if section else ())
                         if c.text.startswith(("ip address ", "ipv6 address "))]
            result.append(InterfaceInfo(name=name, up=True, addresses=addresses))
        return result

    def verify_route(self, prefix: str, vrf: str | None = None) -> bool:
        family = "ipv6" if ":" in prefix else "ip"
        lines = self.get_running_config().splitlines()
        inside: str | None = None
        for line in lines:
            if line.startswith("vrf "):
                inside = line.split()[1]
            elif line.startswith("exit-vrf"):
                inside = None
            elif line.strip().startswith(f"{family} route {prefix} ") and inside == vrf:
                return True
        return False


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, any_db: str, tmp_path: Path
         ) -> Iterator[type[FakeDual]]:
    drivers.platforms()
    monkeypatch.setitem(drivers._REGISTRY, "frr", FakeDual)
    monkeypatch.setenv("GOVNET_FAKE_PW", base.PASSWORD)
    monkeypatch.setenv("GOVNET_LOCK_DIR", str(tmp_path))
    FakeDual.configs = {h: base.DAY0.format(name=n, lo=lo) for h, n, lo in (
        ("198.18.0.11", "agg1", "10.255.0.11"), ("198.18.0.12", "agg2", "10.255.0.12"))}
    FakeDual.saved, FakeDual.active, FakeDual.max_active = {}, {}, {}
    base._world()
    with transaction() as s:
        admin = load_actor(s, "admin")
        ipam.add_pool(s, admin, "2001:db8:8000::/36")
        for district in ("金平区", "龙湖区"):
            ipam.delegate(s, admin, district=district, size="/44", family=6)
        ipam.add_vrf(s, admin, PRIVATE, device_name="ZWEDU", rd="65000:10")
        ipam.add_pool(s, admin, "172.16.0.0/12", vrf=PRIVATE)
        ipam.add_pool(s, admin, "2001:db8:f000::/36", vrf=PRIVATE)
        for district in ("金平区", "龙湖区"):
            ipam.delegate(s, admin, district=district, size="/16", vrf=PRIVATE)
            ipam.delegate(s, admin, district=district, size="/44", vrf=PRIVATE, family=6)
    yield FakeDual


def _approved(*, families: str, model: str = "routed", zone: str = "公用网络区",
              unit: str = "单位1", port: str = "ethu1") -> int:
    with transaction() as s:
        req = workflow.submit(s, load_actor(s, "ops"), unit=unit, zones=[zone], hosts=50,
                              site="金砂路 1 号", contact="张三 13800000000",
                              purpose="办公网接入", model=model, families=families,
                              device="agg1", port=port, application_doc="汕政电〔2026〕1号")
        number = req.id
        assert number is not None
        workflow.approve(s, load_actor(s, "boss"), number, doc="汕电政核〔2026〕7号")
    return number


def _zone(number: int) -> dict[str, Any]:
    with read() as s:
        return dict(workflow.request_dict(s, workflow.get_request(s, base.ops(), number))
                    ["zones"][0])


def test_dual_stack_routed_allocates_both_families_and_provisions(fake: type[FakeDual]) -> None:
    number = _approved(families="dual")
    outcome = provisioning.provision(number, base.ops())
    assert outcome.state == "connected", outcome.error
    zone = _zone(number)
    assert zone["lan"].endswith("/26") and zone["lan6"].endswith("/64")
    assert zone["interconnect"].endswith("/31")
    assert zone["interconnect6"].endswith(f"/{settings().interconnect6_prefixlen}")
    assert zone["local6"] and zone["peer6"] and zone["local6"] != zone["peer6"]
    assert f" ipv6 address {zone['local6']}/127" in outcome.lines
    assert f"ipv6 route {zone['lan6']} {zone['peer6']}" in outcome.lines
    assert f"ip route {zone['lan']} {zone['peer4']}" in outcome.lines
    detached = provisioning.disconnect(number, base.ops())
    assert detached.state == "disconnected", detached.error
    assert zone["local6"] not in fake.configs["198.18.0.11"]


def test_ipv6_only_gateway_has_no_ipv4_line(fake: type[FakeDual]) -> None:
    number = _approved(families="ipv6", model="gateway")
    outcome = provisioning.provision(number, base.ops())
    assert outcome.state == "connected", outcome.error
    zone = _zone(number)
    assert zone["lan"] is None and zone["gateway4"] is None
    assert zone["lan6"].endswith("/64") and zone["gateway6"].endswith("/64")
    assert not any(line.startswith((" ip address", "ip route")) for line in outcome.lines)
    assert f" ipv6 address {zone['gateway6']}" in outcome.lines


def test_interconnect6_length_is_a_setting(fake: type[FakeDual],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVNET_INTERCONNECT6_PREFIXLEN", "126")
    settings.cache_clear()
    try:
        number = _approved(families="ipv6")
        assert provisioning.provision(number, base.ops()).state == "connected"
        assert _zone(number)["interconnect6"].endswith("/126")
    finally:
        monkeypatch.delenv("GOVNET_INTERCONNECT6_PREFIXLEN")
        settings.cache_clear()


def test_private_zone_creates_its_vrf_once_and_detach_keeps_it(fake: type[FakeDual]) -> None:
    first = _approved(families="dual", model="gateway", zone=PRIVATE)
    outcome = provisioning.provision(first, base.ops())
    assert outcome.state == "connected", outcome.error
    assert outcome.lines[:2] == ["vrf ZWEDU", "interface ethu1.100 vrf ZWEDU"]  # created
    with read() as s:
        job = s.get(base.Job, outcome.job)
        assert job is not None and job.rendered.startswith("vrf ZWEDU\nexit-vrf\n")
    second = _approved(families="ipv4", zone=PRIVATE, unit="单位1b", port="ethu2")
    again = provisioning.provision(second, base.ops())
    assert again.state == "connected", again.error
    assert again.lines.count("vrf ZWEDU") == 1  # the routed lines open it for their routes
    assert again.lines[0] == "interface ethu2.100 vrf ZWEDU"  # nothing to define again
    done = provisioning.disconnect(first, base.ops())
    assert done.state == "disconnected", done.error
    running = fake.configs["198.18.0.11"]
    assert "vrf ZWEDU" in running.splitlines()  # the other unit still uses it
    lan = _zone(second)["lan"]
    assert fake(base.drivers.ConnectionTarget(
        name="agg1", platform="frr", host="198.18.0.11", username="u",
        password="p")).verify_route(lan, "ZWEDU")


def test_vrf_lines_are_rendered_per_platform_and_only_with_an_rd(fake: type[FakeDual]) -> None:
    from access.attachment import plan_of

    number = _approved(families="dual", model="gateway", zone=PRIVATE)
    with transaction() as s:
        request = workflow.begin_provisioning(s, base.ops(), number)
        from access.attachment import allocate_zones

        allocate_zones(s, base.ops(), request)
        plan = plan_of(s, request)
        assert plan is not None
        spec = plan.zones[0].spec
        assert (spec.vrf, spec.rd, spec.route_target) == ("ZWEDU", "65000:10", "65000:10")
        from access.render import render_vrf
        from access.specs import AttachSpec, FamilySpec

        huawei = AttachSpec(platform="huawei_vrp", parent_interface="GigabitEthernet0/0/1",
                            vlan=100, vrf=spec.vrf, rd=spec.rd, model="gateway",
                            description="GOV-R1", acl=3100,
                            ipv4=FamilySpec(gateway=str(spec.ipv4.gateway) if spec.ipv4
                                            else None),
                            ipv6=FamilySpec(gateway=str(spec.ipv6.gateway) if spec.ipv6
                                            else None))
        lines = render_vrf(huawei)
        assert lines[0] == "ip vpn-instance ZWEDU" and " ipv6-family" in lines
        s.rollback()


def test_family_refused_where_a_zone_lacks_that_family(fake: type[FakeDual], cli: Any) -> None:
    with transaction() as s:
        ipam.add_vrf(s, load_actor(s, "admin"), "互联网接入区", device_name="ZWNET",
                     rd="65000:20")
        ipam.add_pool(s, load_actor(s, "admin"), "203.0.113.0/24", vrf="互联网接入区")
    before = db_snapshot()
    res = cli("access submit --unit 单位1 --zone 互联网接入区 --hosts 10 --site S --contact C "
              "--purpose P --family dual", as_="ops")
    assert res.code == 2 and "no IPv6 pool" in res.err and res.err.count("\n") == 1
    res = cli("access submit --unit 单位1 --zone 互联网接入区 --hosts 10 --site S --contact C "
              "--purpose P --family both", as_="ops")
    assert res.code == 2 and "--family" in res.err
    assert db_snapshot() == before
    res = cli("access submit --unit 单位1 --zone 公用网络区 --hosts 10 --site S --contact C "
              "--purpose P --family dual --json", as_="ops")
    assert res.code == 0, res.err
    assert json.loads(res.out)["families"] == "dual"


@pytest.mark.parametrize(("args", "says"), [
    ("--rd 65000", "not ASN:NN"),
    ("--rd 65000:10 --device-name 1bad", "not a valid name"),
    ("--rt 65000:10", "--rt needs --rd"),
    ("--device-name ZWEDU", "used by another zone"),
])
def test_vrf_add_validates(fake: type[FakeDual], cli: Any, args: str, says: str) -> None:
    before = db_snapshot()
    res = cli(f"ipam vrf add 新区 {args}", as_="ops")
    assert res.code in (2, 4) and says in res.err, res.err
    assert db_snapshot() == before


def test_vrf_add_keeps_device_name_rd_rt(fake: type[FakeDual], cli: Any) -> None:
    res = cli("ipam vrf add 互联网接入区 --device-name ZWNET --rd 65000:20 --rt 65000:21 --json",
              as_="ops")
    assert res.code == 0, res.err
    assert json.loads(res.out) == {"name": "互联网接入区", "description": "",
                                   "device_name": "ZWNET", "rd": "65000:20", "rt": "65000:21"}
    listed = json.loads(cli("ipam vrf list --json", as_="ops").out)
    assert {"name": PRIVATE, "description": "", "device_name": "ZWEDU", "rd": "65000:10",
            "rt": "65000:10"} in listed
