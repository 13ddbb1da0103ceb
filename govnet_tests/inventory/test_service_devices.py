"""Backup, diff, check and discovery against simulated devices over real SSH (the
vendor engineer's SSH simulator, a test double), plus what never leaves: demo devices."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlmodel import func, select

from govnet.db import read, transaction
from govnet.errors import DemoDeviceRefused, DeviceError, NotFound, NotPermitted
from govnet.models import AuditEvent
from govnet_tests.conftest import actor
from govnet_tests.inventory.sshsim import SshSimulator
from inventory import backup, discovery, service
from inventory.connect import open_driver
from inventory.models import ConfigSnapshot, DiscoveredInterface

PLATFORMS = ["cisco_ios", "huawei_vrp", "h3c_comware"]


@pytest.fixture
def add_sim(db: str, simulated: Callable[..., SshSimulator], monkeypatch: pytest.MonkeyPatch
            ) -> Callable[..., SshSimulator]:
    """``add_sim("r1", "cisco_ios")``: a simulator registered in the inventory as ``r1``."""
    def add(name: str, platform: str, **device: Any) -> SshSimulator:
        sim = simulated(platform, hostname=name.upper(), **device)
        var = f"PW_{name.upper().replace('-', '_')}"
        monkeypatch.setenv(var, sim.device.password)
        with transaction() as s:
            service.add_device(s, actor(), name=name, platform=platform, host=sim.host,
                               port=sim.port, role="aggregation",
                               credential=f"{sim.device.username}@env:{var}")
        return sim
    return add


def _snapshots(name: str) -> list[ConfigSnapshot]:
    with read() as s:
        return service.snapshots(s, service.find_device(s, name))


@pytest.mark.parametrize("platform", PLATFORMS)
def test_backup_stores_once_and_again_after_a_change(add_sim: Any, platform: str) -> None:
    sim = add_sim("r1", platform)
    [first] = backup.backup(actor(), ["r1"])
    assert first.ok and first.stored, first.error
    [again] = backup.backup(actor(), ["r1"])
    assert again.ok and not again.stored and again.sha256 == first.sha256
    assert len(_snapshots("r1")) == 1
    with open_driver(None, _device("r1")) as driver:
        driver.apply(["interface GigabitEthernet0/0/1", "description GOVNET-TEST"])
    [changed] = backup.backup(actor(), ["r1"])
    assert changed.stored and changed.sha256 != first.sha256
    snaps = _snapshots("r1")
    assert len(snaps) == 2 and "GOVNET-TEST" in snaps[0].text
    with read() as s:
        text = backup.diff(s, actor(), "r1")
        device = service.find_device(s, "r1")
        assert device.last_check_ok is True and device.last_error is None
    assert "+ description GOVNET-TEST" in text and text.startswith("--- r1@")
    assert sim.device.log  # the simulator really saw the session


def _device(name: str) -> Any:
    with read() as s:
        return service.find_device(s, name)


def test_live_diff_shows_unsaved_change(add_sim: Any) -> None:
    add_sim("r1", "cisco_ios")
    backup.backup(actor(), ["r1"])
    assert backup.live_diff(actor(), "r1") == ""
    with open_driver(None, _device("r1")) as driver:
        driver.apply(["interface GigabitEthernet0/0/1", "description LIVE"])
    assert "+ description LIVE" in backup.live_diff(actor(), "r1")


def test_diff_needs_two_snapshots(add_sim: Any) -> None:
    add_sim("r1", "cisco_ios")
    backup.backup(actor(), ["r1"])
    with read() as s, pytest.raises(Exception, match="a diff needs two"):
        backup.diff(s, actor(), "r1")


def test_backup_in_parallel_takes_about_the_slowest(add_sim: Any) -> None:
    """Four devices in threads: every one stored, each over its own SSH session."""
    sims = [add_sim(f"r{i}", "cisco_ios") for i in range(4)]
    results = backup.backup(actor(), [], workers=4)
    assert [r.device for r in results] == ["r0", "r1", "r2", "r3"]
    assert all(r.ok and r.stored for r in results)
    assert all(sim.device.log for sim in sims)


def test_unreachable_device_is_recorded_and_others_still_backed_up(add_sim: Any) -> None:
    add_sim("good", "cisco_ios")
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    with transaction() as s:
        service.add_device(s, actor(), name="dead", platform="cisco_ios", host="127.0.0.1",
                           port=dead_port, role="access", credential="u@env:PW_GOOD")
    results = {r.device: r for r in backup.backup(actor(), [], timeout=3)}
    assert results["good"].ok and not results["dead"].ok
    assert results["dead"].exit_code == 5 and "dead" in (results["dead"].error or "")
    with read() as s:
        dead = service.find_device(s, "dead")
        assert dead.last_check_ok is False and dead.last_error
    with pytest.raises(DeviceError, match="dead"):
        backup.raise_for_failures(list(results.values()), "backup")


def test_wrong_password_is_reported_without_the_password(add_sim: Any,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    add_sim("r1", "cisco_ios")
    monkeypatch.setenv("PW_R1", "wrong-Pa55-zz")
    [r] = discovery.check(actor(), ["r1"], timeout=5)
    assert not r.ok and r.exit_code == 5 and "authentication failed" in (r.error or "")
    assert "wrong-Pa55-zz" not in (r.error or "")


def test_check_records_facts_and_reachability(add_sim: Any) -> None:
    add_sim("r1", "huawei_vrp")
    [r] = discovery.check(actor(), ["r1"])
    assert r.ok, r.error
    assert r.data["platform"] == "huawei_vrp" and "GigabitEthernet0/0/0" in str(r.data)
    with read() as s:
        assert service.find_device(s, "r1").last_check_ok is True
        ev = s.exec(select(AuditEvent).where(AuditEvent.action == "inventory.check")).one()
    assert ev.after["ok"] is True


@pytest.mark.parametrize("platform", PLATFORMS)
def test_discover_replaces_interfaces_wholesale(add_sim: Any, platform: str) -> None:
    add_sim("r1", platform)
    with transaction() as s:  # a stale interface from an earlier discovery
        s.add(DiscoveredInterface(device_id=service.find_device(s, "r1").id, name="Stale0"))
    [r] = discovery.discover(actor(), ["r1"])
    assert r.ok, r.error
    with read() as s:
        rows = {i.name: i for i in service.interfaces(s, service.find_device(s, "r1"))}
    assert "Stale0" not in rows
    uplink = rows["GigabitEthernet0/0/0"]
    assert uplink.addresses == ["10.255.0.1/30"] and uplink.description == "UPLINK"


def test_district_operator_contacts_only_its_district(add_sim: Any) -> None:
    from govnet import org

    add_sim("r1", "cisco_ios")
    with transaction() as s:
        org.add_district(s, actor(), "金平区")
        org.add_user(s, actor(), "jp", role="district_operator", district="金平区")
        org.add_user(s, actor(), "aud", role="auditor")
    with pytest.raises(NotFound, match="^unknown device 'r1'$"):  # outside its district
        backup.backup(actor("jp"), ["r1"])
    with pytest.raises(NotPermitted):
        discovery.check(actor("aud"), ["r1"])
    assert _snapshots("r1") == []


# -- demo devices: refused before any packet leaves --------------------------------

@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A listening socket that would record any connection made to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.5)
    yield sock
    sock.close()


def _connections(sock: socket.socket) -> int:
    time.sleep(0.2)
    count = 0
    try:
        while True:
            conn, _ = sock.accept()
            conn.close()
            count += 1
    except TimeoutError:
        return count


def test_demo_device_is_refused_before_any_packet(db: str, listener: socket.socket,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_PW", "x")
    with transaction() as s:
        service.add_device(s, actor(), name="demo1", platform="huawei_vrp", host="127.0.0.1",
                           port=listener.getsockname()[1], role="access",
                           credential="u@env:DEMO_PW", demo=True)
    [b] = backup.backup(actor(), ["demo1"])
    [c] = discovery.check(actor(), ["demo1"])
    [d] = discovery.discover(actor(), ["demo1"])
    for r in (b, c, d):
        assert not r.ok and r.exit_code == 5 and "demo device" in (r.error or "")
    with pytest.raises(DemoDeviceRefused), open_driver(None, _device("demo1")):
        pass
    assert _connections(listener) == 0
    with read() as s:  # nothing was learned, so nothing recorded
        assert service.find_device(s, "demo1").last_check_at is None
        assert s.exec(select(func.count()).select_from(ConfigSnapshot)).one() == 0
    assert backup.backup(actor(), []) == []  # an unnamed batch leaves demo devices out
