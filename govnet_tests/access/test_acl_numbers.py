"""ACLs are per device, VLANs per port (issue 21.5): two units on VLAN 100 of two ports of
one device get two ACLs, and a detach undoes the very ACL its attach created.

Before the fix both rendered ``acl number 3100`` (or ``GOV-V100-IN``): the second
request's rules merged into the first unit's filter.
"""

from __future__ import annotations

import re

import pytest

from access import attachment, provisioning, workflow
from access.models import Job
from govnet import org
from govnet.auth import load_actor
from govnet.db import read, transaction
from inventory import service as inventory
from ipam import service as ipam

# platform: (two ports, the attach's ACL definition, its use on the interface, detach's undo)
CASES = {
    "huawei_vrp": (("GigabitEthernet0/0/1", "GigabitEthernet0/0/2"), r"acl number (\S+)",
                   r" traffic-filter inbound acl (\S+)", r"undo acl (\S+)"),
    "h3c_comware": (("GigabitEthernet1/0/1", "GigabitEthernet1/0/2"), r"acl advanced (\S+)",
                    r" packet-filter (\S+) inbound", r"undo acl advanced (\S+)"),
    "cisco_ios": (("GigabitEthernet0/0/1", "GigabitEthernet0/0/2"),
                  r"ip access-list extended (\S+)", r" ip access-group (\S+) in",
                  r"no ip access-list extended (\S+)"),
}


def _world(platform: str, ports: tuple[str, ...]) -> None:
    with transaction() as s:
        admin = load_actor(s, "admin")
        org.add_district(s, admin, "金平区")
        for unit in ("单位1", "单位2", "单位3"):
            org.add_unit(s, admin, unit, district="金平区")
        org.add_user(s, admin, "boss", role="authority")
        org.add_user(s, admin, "ops", role="municipal_operator")
        ipam.add_vrf(s, admin, "公用网络区")
        ipam.add_pool(s, admin, "10.80.0.0/13")
        ipam.delegate(s, admin, district="金平区", size="/16")
        inventory.add_device(s, admin, name="agg1", platform=platform, host="192.0.2.11",
                             role="aggregation", district="金平区", demo=True)
        for port in ports:
            inventory.add_port(s, admin, device="agg1", name=port, vlans=(100, 103))


def _provisioned(unit: str, port: str) -> tuple[list[str], list[str]]:
    """Approve and start provisioning a request on ``port``: the job's rendered lines,
    and the detach lines a later disconnection reads back from the database."""
    with transaction() as s:
        req = workflow.submit(s, load_actor(s, "ops"), unit=unit, zones=["公用网络区"],
                              hosts=50, site="金砂路 1 号", contact="张三 13800000000",
                              purpose="办公网接入", model="routed", device="agg1", port=port,
                              application_doc="汕政电〔2026〕1号")
        number = req.id
        assert number is not None
        workflow.approve(s, load_actor(s, "boss"), number, doc="汕电政核〔2026〕7号")
    with read() as s:
        ops = load_actor(s, "ops")
    started = provisioning.start(number, ops)
    with read() as s:
        job = s.get(Job, started.job_id)
        assert job is not None and job.rendered
        plan = attachment.plan_of(s, workflow.get_request(s, ops, number))
        assert plan is not None
        return job.rendered.splitlines(), plan.detach_lines


def _matches(pattern: str, lines: list[str]) -> list[str]:
    return [m[1] for line in lines if (m := re.fullmatch(pattern, line))]


@pytest.mark.parametrize("platform", sorted(CASES))
def test_same_vlan_on_two_ports_of_one_device_gets_two_acls(any_db: str, platform: str
                                                            ) -> None:
    ports, define, apply, undo = CASES[platform]
    _world(platform, ports)
    first, first_detach = _provisioned("单位1", ports[0])
    second, second_detach = _provisioned("单位2", ports[1])
    assert f"interface {ports[0]}.100" in first and f"interface {ports[1]}.100" in second

    acl1, acl2 = _matches(define, first), _matches(define, second)
    assert len(acl1) == 1 and len(acl2) == 1 and acl1 != acl2
    if platform != "cisco_ios":
        assert acl1 == ["3100"]  # the VLAN's own number while it is free
        assert 3000 <= int(acl2[0]) <= 3999
    # Each interface filters with its own ACL, and each detach removes that one only.
    assert _matches(apply, first) == acl1 and _matches(apply, second) == acl2
    assert _matches(undo, first_detach) == acl1 and _matches(undo, second_detach) == acl2


def test_a_released_acl_number_is_free_again(any_db: str) -> None:
    ports = CASES["huawei_vrp"][0]
    _world("huawei_vrp", ports)
    _provisioned("单位1", ports[0])
    second, _ = _provisioned("单位2", ports[1])
    with transaction() as s:
        ops = load_actor(s, "ops")
        request = workflow.get_request(s, ops, 1)
        attachment.release_zones(s, ops, request, quarantine_days=0, forget=True)
    # Request 1's VLAN 100 on the first port and its ACL 3100 are free again: the next
    # request there gets both back, and request 2's ACL stays its own.
    third, _ = _provisioned("单位3", ports[0])
    assert _matches(r"acl number (\S+)", third) == ["3100"]
    assert _matches(r"acl number (\S+)", second) != ["3100"]


def test_concurrent_provisioning_on_one_device_takes_distinct_acls(any_db: str) -> None:
    """Four requests on VLAN 100-101 of two ports, started at once (the device row is held
    while each picks): four different ACL numbers."""
    import threading

    ports = CASES["huawei_vrp"][0]
    _world("huawei_vrp", ports)
    numbers = []
    with transaction() as s:
        for unit, port in (("单位1", ports[0]), ("单位2", ports[1]),
                           ("单位3", ports[0]), ("单位1", ports[1])):
            req = workflow.submit(s, load_actor(s, "ops"), unit=unit, zones=["公用网络区"],
                                  hosts=50, site="金砂路 1 号", contact="张三 13800000000",
                                  purpose="办公网接入", device="agg1", port=port,
                                  application_doc="汕政电〔2026〕1号")
            assert req.id is not None
            workflow.approve(s, load_actor(s, "boss"), req.id, doc="汕电政核〔2026〕7号")
            numbers.append(req.id)
    with read() as s:
        ops = load_actor(s, "ops")
    barrier = threading.Barrier(len(numbers))
    jobs: dict[int, int] = {}
    errors: list[BaseException] = []

    def one(number: int) -> None:
        try:
            barrier.wait(timeout=30)
            jobs[number] = provisioning.start(number, ops).job_id
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(n,)) for n in numbers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    with read() as s:
        acls = [_matches(r"acl number (\S+)", (s.get(Job, jobs[n]).rendered or "").splitlines())  # type: ignore[union-attr]
                for n in numbers]
    assert all(len(a) == 1 for a in acls) and len({a[0] for a in acls}) == len(numbers), acls
