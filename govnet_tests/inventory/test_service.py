"""inventory.service: devices, ports and VLAN claims — rules, roles, scope and audit."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlmodel import func, select

from govnet import org
from govnet.db import read, transaction
from govnet.errors import AlreadyExists, Conflict, InvalidInput, NotFound, NotPermitted
from govnet.models import AuditEvent
from govnet_tests.conftest import actor
from inventory import service
from inventory.models import Device, Port, PortVlan


@pytest.fixture
def people(db: str) -> None:
    """Two districts, a device in each, and one user of every role."""
    with transaction() as s:
        admin = actor_in(s, "admin")
        org.add_district(s, admin, "金平区", code="jinping")
        org.add_district(s, admin, "龙湖区", code="longhu")
        org.add_unit(s, admin, "市教育局")
        for name, role, district, unit in [
            ("ops", "municipal_operator", None, None), ("jp", "district_operator", "金平区", None),
            ("lh", "district_operator", "龙湖区", None), ("aud", "auditor", None, None),
            ("auth", "authority", None, None), ("app", "applicant", None, "市教育局"),
        ]:
            org.add_user(s, admin, name, role=role, district=district, unit=unit)
        service.add_device(s, admin, name="jp-agg1", platform="frr", host="10.1.0.1",
                           role="aggregation", district="金平区")
        service.add_device(s, admin, name="lh-agg1", platform="frr", host="10.2.0.1",
                           role="aggregation", district="龙湖区")
        service.add_port(s, admin, device="jp-agg1", name="ethu1", vlans=(100, 103))


def actor_in(s: Any, name: str) -> Any:
    from govnet.auth import load_actor

    return load_actor(s, name)


def counts() -> tuple[int, int, int, int]:
    with read() as s:
        return tuple(s.exec(select(func.count()).select_from(m)).one()  # type: ignore[return-value]
                     for m in (Device, Port, PortVlan, AuditEvent))


def test_add_device_is_stored_and_audited(people: None) -> None:
    with transaction() as s:
        d = service.add_device(s, actor("ops"), name="core1", platform="frr", host="10.0.0.1",
                               port=2222, role="core", site="市政务中心")
        assert d.id is not None
    with read() as s:
        data = service.device_dict(s, service.find_device(s, "core1"))
        event = s.exec(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()  # type: ignore[attr-defined]
    assert data["port"] == 2222 and data["site"] == "市政务中心" and data["district"] is None
    assert data["last_check_ok"] is None
    assert (event.action, event.object_id, event.actor) == ("inventory.device.add", "core1", "ops")


BAD_DEVICES = [
    ({"name": "bad name"}, "device name"),
    ({"name": ""}, "device name"),
    ({"platform": "junos"}, "unknown platform 'junos'"),
    ({"host": "10.0.0.300"}, "neither an IP address nor a host name"),
    ({"host": "-bad-.example"}, "neither an IP address nor a host name"),
    ({"port": 0}, "port 0 is outside"),
    ({"port": 70000}, "port 70000 is outside"),
    ({"role": "edge"}, "role 'edge'"),
    ({"district": "火星区"}, "unknown district"),
    ({"site": "a\nb"}, "site: control character"),
]


@pytest.mark.parametrize(("change", "message"), BAD_DEVICES)
def test_bad_device_is_refused_and_changes_nothing(people: None, change: dict[str, Any],
                                                   message: str) -> None:
    before = counts()
    fields = dict(name="x1", platform="frr", host="10.0.0.9", role="core") | change
    with pytest.raises(InvalidInput, match=message), transaction() as s:
        service.add_device(s, actor("ops"), **fields)
    assert counts() == before


def test_duplicate_name_conflicts_and_replace_updates(people: None) -> None:
    with pytest.raises(AlreadyExists), transaction() as s:
        service.add_device(s, actor("ops"), name="jp-agg1", platform="frr", host="10.9.9.9",
                           role="core")
    with transaction() as s:
        service.add_device(s, actor("ops"), name="jp-agg1", platform="frr", host="10.9.9.9",
                           role="aggregation", district="金平区", replace=True)
    with read() as s:
        d = service.find_device(s, "jp-agg1")
        assert d.host == "10.9.9.9"
        assert [p.name for p in service.list_ports(s, d)] == ["ethu1"]  # ports kept
        ev = s.exec(select(AuditEvent).where(AuditEvent.action == "inventory.device.update")).one()
    assert ev.before["host"] == "10.1.0.1" and ev.after["host"] == "10.9.9.9"


def test_replace_with_same_values_records_nothing(people: None) -> None:
    before = counts()
    with transaction() as s:
        service.add_device(s, actor("ops"), name="jp-agg1", platform="frr", host="10.1.0.1",
                           role="aggregation", district="金平区", replace=True)
    assert counts() == before


@pytest.mark.parametrize("who", ["jp", "aud", "auth", "app"])
def test_only_managers_add_devices(people: None, who: str) -> None:
    before = counts()
    with pytest.raises(NotPermitted), transaction() as s:
        service.add_device(s, actor(who), name="x", platform="frr", host="10.0.0.9",
                           role="core")
    assert counts() == before


@pytest.mark.parametrize(("who", "seen"), [
    ("ops", ["jp-agg1", "lh-agg1"]), ("aud", ["jp-agg1", "lh-agg1"]),
    ("auth", ["jp-agg1", "lh-agg1"]), ("jp", ["jp-agg1"]), ("lh", ["lh-agg1"]),
])
def test_readers_see_their_scope(people: None, who: str, seen: list[str]) -> None:
    with read() as s:
        assert [d.name for d in service.list_devices(s, actor(who))] == seen


def test_applicant_reads_nothing_and_district_operator_not_other_districts(people: None
                                                                            ) -> None:
    with read() as s, pytest.raises(NotPermitted):
        service.list_devices(s, actor("app"))
    with read() as s, pytest.raises(NotFound, match="^unknown device 'lh-agg1'$"):
        service.show(s, actor("jp"), "lh-agg1")  # another district's reads as missing
    with read() as s:
        assert service.show(s, actor("jp"), "jp-agg1")["name"] == "jp-agg1"


def test_devices_to_contact_scopes_and_skips_demo_when_unnamed(people: None) -> None:
    with transaction() as s:
        service.add_device(s, actor("ops"), name="demo1", platform="frr", host="10.1.0.9",
                           role="access", district="金平区", demo=True)
    with read() as s:
        assert [d.name for d in service.devices_to_contact(s, actor("jp"), [], action="x")] \
            == ["jp-agg1"]
        assert [d.name for d in service.devices_to_contact(s, actor("jp"), ["demo1"],
                                                           action="x")] == ["demo1"]
        with pytest.raises(NotFound, match="^unknown device 'lh-agg1'$"):
            service.devices_to_contact(s, actor("jp"), ["lh-agg1"], action="back up")
        with pytest.raises(NotPermitted):
            service.devices_to_contact(s, actor("aud"), [], action="back up")
        with pytest.raises(NotFound):
            service.devices_to_contact(s, actor("ops"), ["nope"], action="back up")


# -- ports --------------------------------------------------------------------

def test_port_add_update_and_bad_input(people: None) -> None:
    with transaction() as s:
        p = service.add_port(s, actor("ops"), device="jp-agg1", name="ethu1", vlans=(100, 199))
        assert (p.vlan_lo, p.vlan_hi) == (100, 199)
    for kwargs, error in [
        (dict(device="jp-agg1", name="ethu2", vlans=(0, 10)), InvalidInput),
        (dict(device="jp-agg1", name="ethu2", vlans=(200, 100)), InvalidInput),
        (dict(device="jp-agg1", name="ethu2", vlans=(1, 4095)), InvalidInput),
        (dict(device="jp-agg1", name="bad port;", vlans=(1, 2)), InvalidInput),
        (dict(device="nope", name="ethu2", vlans=(1, 2)), NotFound),
    ]:
        before = counts()
        with pytest.raises(error), transaction() as s:
            service.add_port(s, actor("ops"), **kwargs)
        assert counts() == before
    with pytest.raises(NotPermitted), transaction() as s:
        service.add_port(s, actor("jp"), device="jp-agg1", name="ethu2", vlans=(1, 2))


@pytest.mark.parametrize(("text", "expected"), [("100-103", (100, 103)), ("7", (7, 7)),
                                                ("1-4094", (1, 4094))])
def test_parse_vlans(text: str, expected: tuple[int, int]) -> None:
    assert service.parse_vlans(text) == expected


@pytest.mark.parametrize("text", ["", "a-b", "1-2-3", "0-5", "5-4", "4000-5000"])
def test_parse_vlans_rejects(text: str) -> None:
    with pytest.raises(InvalidInput):
        service.parse_vlans(text)


# -- VLAN claims ------------------------------------------------------------------

def _port(s: Any) -> Port:
    return service.find_port(s, "jp-agg1", "ethu1")


def test_claim_lowest_free_then_explicit_then_exhausted(people: None) -> None:
    with transaction() as s:
        assert service.claim_vlan(s, actor("jp"), _port(s), owner="request:1").vlan == 100
        assert service.claim_vlan(s, actor("ops"), _port(s), 102, owner="request:2").vlan == 102
        assert service.free_vlans(s, _port(s)) == [101, 103]
        service.claim_vlan(s, actor("ops"), _port(s), owner="request:3")
        service.claim_vlan(s, actor("ops"), _port(s), owner="request:4")
    with pytest.raises(Conflict, match="no free VLAN"), transaction() as s:
        service.claim_vlan(s, actor("ops"), _port(s), owner="request:5")
    with read() as s:
        assert service.show(s, actor("jp"), "jp-agg1")["ports"][0]["in_use"][0] == {
            "vlan": 100, "owner": "request:1"}


def test_double_use_is_a_conflict_and_changes_nothing(people: None) -> None:
    with transaction() as s:
        service.claim_vlan(s, actor("ops"), _port(s), 101, owner="request:1")
    before = counts()
    with pytest.raises(Conflict, match="in use by request:1"), transaction() as s:
        service.claim_vlan(s, actor("ops"), _port(s), 101, owner="request:2")
    assert counts() == before


def test_claim_checks_range_owner_and_scope(people: None) -> None:
    with pytest.raises(InvalidInput, match="outside"), transaction() as s:
        service.claim_vlan(s, actor("ops"), _port(s), 99, owner="request:1")
    with pytest.raises(InvalidInput, match="owner"), transaction() as s:
        service.claim_vlan(s, actor("ops"), _port(s), owner=" ")
    with pytest.raises(NotFound, match="unknown device"), transaction() as s:
        service.claim_vlan(s, actor("lh"), _port(s), owner="request:1")  # another district's
    with pytest.raises(NotPermitted), transaction() as s:
        service.claim_vlan(s, actor("aud"), _port(s), owner="request:1")


def test_release_and_narrowing_and_removal(people: None) -> None:
    with transaction() as s:
        service.claim_vlan(s, actor("ops"), _port(s), 103, owner="request:7")
    with pytest.raises(Conflict, match=r"\[103\]"), transaction() as s:
        service.add_port(s, actor("ops"), device="jp-agg1", name="ethu1", vlans=(100, 101))
    with pytest.raises(Conflict, match="VLAN"), transaction() as s:
        service.remove_device(s, actor("ops"), "jp-agg1")
    with pytest.raises(Conflict, match="held by request:7"), transaction() as s:
        service.release_vlan(s, actor("ops"), _port(s), 103, owner="request:8")
    with transaction() as s:
        service.release_vlan(s, actor("jp"), _port(s), 103, owner="request:7")
    with pytest.raises(NotFound), transaction() as s:
        service.release_vlan(s, actor("ops"), _port(s), 103)
    with transaction() as s:
        service.remove_device(s, actor("ops"), "jp-agg1")
    with read() as s:
        assert s.exec(select(func.count()).select_from(Port)).one() == 0
        actions = [e.action for e in s.exec(select(AuditEvent))]
    assert {"inventory.vlan.claim", "inventory.vlan.release",
            "inventory.device.remove"} <= set(actions)


def test_concurrent_claims_of_one_vlan_one_wins(any_db: str) -> None:
    """Two writers want VLAN 100 at once: the unique constraint lets exactly one have it."""
    with transaction() as s:
        admin = actor_in(s, "admin")
        service.add_device(s, admin, name="r1", platform="frr", host="10.0.0.1", role="core")
        service.add_port(s, admin, device="r1", name="eth1", vlans=(100, 100))
    barrier, results = threading.Barrier(4), []

    def claim(i: int) -> None:
        barrier.wait()
        try:
            with transaction() as s:
                port = service.find_port(s, "r1", "eth1")
                service.claim_vlan(s, actor("admin"), port, 100, owner=f"request:{i}")
            results.append("ok")
        except Conflict:
            results.append("conflict")

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict"] * 3 + ["ok"]
    with read() as s:
        assert s.exec(select(func.count()).select_from(PortVlan)).one() == 1


def test_port_description_kept_unless_given(people: None) -> None:
    with transaction() as s:
        service.add_port(s, actor("ops"), device="jp-agg1", name="ethu1", vlans=(100, 103),
                         description="units 金平")
        service.add_port(s, actor("ops"), device="jp-agg1", name="ethu1", vlans=(100, 110))
        assert _port(s).description == "units 金平" and _port(s).vlan_hi == 110


# -- snapshots and discovery storage (no device needed) ----------------------------

IOS_CONFIG = ("Building configuration...\n\nCurrent configuration : {size} bytes\n"
              "hostname R1\n!\ninterface Gi0/1\n description {desc}\n!\nend\n")


def test_snapshots_stored_only_on_change(any_db: str) -> None:
    from inventory import backup

    with transaction() as s:
        service.add_device(s, actor(), name="r1", platform="cisco_ios", host="10.0.0.1",
                           role="core")
    versions = [IOS_CONFIG.format(size=100, desc="A"),
                IOS_CONFIG.format(size=101, desc="A").replace("\n", "\r\n"),  # volatile only
                IOS_CONFIG.format(size=100, desc="B")]
    stored = []
    for text in versions:
        with transaction() as s:
            stored.append(backup.store_snapshot(s, actor(), service.find_device(s, "r1"),
                                                text)[1])
    assert stored == [True, False, True]
    with read() as s:
        snaps = service.snapshots(s, service.find_device(s, "r1"))
        assert [("description B" in x.text) for x in snaps] == [True, False]
        assert "\r" not in snaps[0].text
        diff = backup.diff(s, actor(), "r1")
    assert "- description A\n+ description B\n" in diff


def test_discovered_interfaces_replaced(any_db: str) -> None:
    from inventory.discovery import replace_interfaces
    from inventory.drivers import InterfaceInfo

    with transaction() as s:
        service.add_device(s, actor(), name="r1", platform="frr", host="10.0.0.1",
                           role="core")
    with transaction() as s:
        replace_interfaces(s, service.find_device(s, "r1"), [
            InterfaceInfo("eth0", True, "UPLINK", "", ["10.0.0.1/30", "2001:db8::1/126"]),
            InterfaceInfo("eth1.100", False, "", "ZWWW", [], 100)])
    with transaction() as s:
        replace_interfaces(s, service.find_device(s, "r1"), [
            InterfaceInfo("eth0", True, "UPLINK", "", ["10.0.0.1/30"])])
    with read() as s:
        shown = service.show(s, actor(), "r1")["interfaces"]
    assert [(i["name"], i["addresses"]) for i in shown] == [("eth0", ["10.0.0.1/30"])]

