"""Lab → inventory registration, on a real migrated database (no routers needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from govnet import db as gdb
from lab import state
from lab.__main__ import main
from lab.register import register_lab
from lab.state import LabState
from lab.topology import plan


def _devices() -> dict[str, dict]:
    from govnet.auth import load_actor
    from inventory import service

    with gdb.read() as s:
        actor = load_actor(s, "admin")
        return {d.name: service.show(s, actor, d.name)
                for d in service.list_devices(s, actor)}


def test_register_lab_adds_routers_and_unit_ports(db: str) -> None:
    from govnet.auth import load_actor

    st = LabState(topology=plan(2))
    for _ in range(2):  # registering again replaces, never duplicates
        with gdb.transaction() as s:
            names = register_lab(s, load_actor(s, "admin"), st)
    assert names == ["core", "agg1", "agg2"]
    devices = _devices()
    assert set(devices) == {"core", "agg1", "agg2"}
    agg2 = devices["agg2"]
    assert (agg2["platform"], agg2["host"], agg2["port"], agg2["role"]) == (
        "frr", "198.18.0.12", 22, "aggregation")
    assert agg2["credential"] == "govlab@env:GOVNET_LAB_PASSWORD"
    assert agg2["demo"] is False
    assert [(p["name"], p["vlans"]) for p in agg2["ports"]] == [("ethu1", "100-103"),
                                                               ("ethu2", "100-103"),
                                                               ("ethv1", "100-103")]
    assert devices["core"]["role"] == "core" and devices["core"]["ports"] == []


def test_register_command_needs_a_running_lab(db: str, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from govnet import console

    monkeypatch.setenv("GOVNET_LAB_DIR", str(tmp_path / "lab"))
    monkeypatch.setattr(console.state, "acting_as", None)  # an earlier `--as` must not leak
    assert main(["register"]) == 4
    assert "no lab is up" in capsys.readouterr().err
    state.save(LabState(topology=plan(1), status="up"))
    assert main(["register"]) == 0
    out = capsys.readouterr().out
    assert "registered in the inventory: core, agg1" in out
    assert "1 aggregation router(s) have no district" in out
    assert set(_devices()) == {"core", "agg1"}
    assert _devices()["agg1"]["district"] is None


def test_register_gives_aggregation_routers_their_districts(
        db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from govnet import console, org
    from govnet.auth import load_actor

    monkeypatch.setenv("GOVNET_LAB_DIR", str(tmp_path / "lab"))
    monkeypatch.setattr(console.state, "acting_as", None)
    with gdb.transaction() as s:
        for name in ("金平区", "龙湖区", "濠江区"):
            org.add_district(s, load_actor(s, "admin"), name)
    state.save(LabState(topology=plan(2), status="up"))
    assert main(["register"]) == 0  # the database's districts, in the order they were made
    assert "districts: agg1 金平区, agg2 龙湖区" in capsys.readouterr().out
    devices = _devices()
    assert (devices["agg1"]["district"], devices["agg2"]["district"]) == ("金平区", "龙湖区")
    assert devices["core"]["district"] is None
    assert main(["register", "--district", "濠江区", "--district", "金平区"]) == 0
    devices = _devices()
    assert (devices["agg1"]["district"], devices["agg2"]["district"]) == ("濠江区", "金平区")
    before = _devices()
    assert main(["register", "--district", "无此区"]) == 2
    assert "无此区" in capsys.readouterr().err
    assert _devices() == before


def test_registration_puts_the_lab_networks_into_each_zones_plan(db: str) -> None:
    """Management network, loopbacks and core links join the plan with their purpose and
    the router interfaces carrying them: the global table's in the default zone, the
    VRF's in the zone whose device VRF name it is; a VRF no zone maps to is named."""
    from govnet.auth import load_actor
    from ipam import service as ipam
    from ipam.models import IpAddress, Prefix
    from lab.register import infrastructure, unplanned

    st = LabState(topology=plan(2))
    with gdb.transaction() as s:
        admin = load_actor(s, "admin")
        ipam.add_vrf(s, admin, "公用网络区")
        register_lab(s, admin, st)
        assert unplanned(s, st.topology) == ["ZWEDU"]
        ipam.add_vrf(s, admin, "专用网络区", device_name="ZWEDU")
        register_lab(s, admin, st)  # again: adds what the new zone lets in, nothing twice
        assert unplanned(s, st.topology) == []
        register_lab(s, admin, st)
    with gdb.read() as s:
        rows = {(p.vrf_id, p.cidr): p for p in s.exec(select(Prefix))}
        zones = {v.name: v.id for v in ipam.list_vrfs(s)}
        want = infrastructure(st.topology)
        for vrf, net, purpose, on in want:
            zone = zones["专用网络区" if vrf else "公用网络区"]
            row = rows[(zone, str(net))]
            assert (row.status, row.purpose) == ("allocated", purpose)
            assert row.description.startswith("govnet lab infrastructure")
            recorded = {(a.address, a.device, a.interface) for a in s.exec(
                select(IpAddress).where(IpAddress.prefix_id == row.id))}
            assert recorded == set(on)
        assert rows[(zones["公用网络区"], "198.18.0.0/24")].purpose == "mgmt"
        assert {(v, p) for v, _, p, _ in want} == {
            ("", "mgmt"), ("", "loopback"), ("", "interconnect"),
            ("ZWEDU", "loopback"), ("ZWEDU", "interconnect")}
        assert len([r for r in rows.values() if r.status == "allocated"]) == len(want)


def test_a_lab_on_an_empty_plan_says_what_to_do(db: str, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from govnet import console

    monkeypatch.setenv("GOVNET_LAB_DIR", str(tmp_path / "lab"))
    monkeypatch.setattr(console.state, "acting_as", None)
    state.save(LabState(topology=plan(1), status="up"))
    assert main(["register"]) == 0
    assert "no zone yet, so the lab's management network" in capsys.readouterr().out
    with gdb.transaction() as s:
        from govnet.auth import load_actor
        from ipam import service as ipam

        ipam.add_vrf(s, load_actor(s, "admin"), "公用网络区")
    assert main(["register"]) == 0
    assert "no zone has the device VRF ZWEDU" in capsys.readouterr().out
    with gdb.transaction() as s:
        ipam.add_vrf(s, load_actor(s, "admin"), "专用网络区", device_name="ZWEDU")
    assert main(["register"]) == 0
    assert "core links are in it" in capsys.readouterr().out


def test_doctests() -> None:
    import doctest

    import lab.register

    result = doctest.testmod(lab.register)
    assert result.failed == 0 and result.attempted > 0
