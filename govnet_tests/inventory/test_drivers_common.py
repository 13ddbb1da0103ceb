"""What every CLI driver must do, run over real SSH against the simulator (test double):
refuse demo devices before connecting, map login failures to typed errors, and
leave the running config exactly as it was when a line is rejected."""

from __future__ import annotations

import socket

import asyncssh
import pytest

from govnet.errors import (
    AuthenticationFailed,
    CommandRejected,
    DemoDeviceRefused,
    DeviceUnreachable,
)
from inventory.credentials import target_for
from inventory.drivers import get_driver

PLATFORMS = ["huawei_vrp", "huawei_vrpv8", "huawei_ce", "h3c_comware", "cisco_ios",
             "ruijie_os"]

#: A small attach per family, the rejected line in the middle.
ATTACH = {
    "huawei": ["interface GigabitEthernet0/0/1.100", " dot1q termination vid 100",
               " description GOV-UNIT-A", " ip address 10.1.1.1 255.255.255.252",
               "acl number 3001", " rule 10 permit ip source 192.168.20.0 0.0.0.255"],
    "ios": ["interface GigabitEthernet0/0/1.100", " encapsulation dot1Q 100",
            " description GOV-UNIT-A", " ip address 10.1.1.1 255.255.255.252",
            "ip access-list extended MGMT-IN", " permit ip host 10.1.1.2 any"],
}
#: Comware as commissioned: the archive location govnet's checkpoints use is set.
COMMISSIONED = {"h3c_comware": {"extra_config": (
    "archive configuration location flash:/archive filename-prefix govnet",)}}
FAMILY = {"huawei_vrp": "huawei", "huawei_vrpv8": "huawei", "huawei_ce": "huawei",
          "h3c_comware": "huawei",
          "cisco_ios": "ios", "ruijie_os": "ios"}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_simulated_rejected_line_restores_running_config_exactly(platform, simulated,
                                                                 target_of):
    sim = simulated(platform, **COMMISSIONED.get(platform, {}))
    before, before_lines = sim.device.running_config(), sim.device.config_lines()
    lines = ATTACH[FAMILY[platform]]
    with get_driver(platform)(target_of(sim)) as drv:
        with pytest.raises(CommandRejected) as err:
            drv.apply([*lines[:4], " ip bogus-feature on", *lines[4:]])
        after = drv.get_running_config()
    assert err.value.line == "ip bogus-feature on"
    assert sim.device.dialect.reject in str(err.value)
    assert sim.device.config_lines() == before_lines  # the double's own state
    assert drv.normalized(after) == drv.normalized(before)  # what the device prints


@pytest.mark.parametrize("platform", PLATFORMS)
def test_simulated_apply_then_rollback_returns_to_checkpoint(platform, simulated, target_of):
    sim = simulated(platform, **COMMISSIONED.get(platform, {}))
    before = sim.device.config_lines()
    with get_driver(platform)(target_of(sim)) as drv:
        checkpoint = drv.checkpoint()
        drv.apply(ATTACH[FAMILY[platform]])
        assert "interface GigabitEthernet0/0/1.100" in sim.device.config_lines()
        drv.rollback(checkpoint)
    assert sim.device.config_lines() == before


@pytest.mark.parametrize("platform", PLATFORMS)
def test_simulated_wrong_password_is_authentication_failed(platform, simulated, target_of):
    sim = simulated(platform)
    drv = get_driver(platform)(target_of(sim, password="not-the-password"))
    with pytest.raises(AuthenticationFailed) as err:
        drv.open()
    message = str(err.value)
    assert f"127.0.0.1:{sim.port}" in message and "not-the-password" not in message
    assert "\n" not in message


@pytest.mark.parametrize("platform", PLATFORMS)
def test_closed_port_is_device_unreachable(platform, target_of, simulated):
    sim = simulated(platform)
    port = _closed_port()
    drv = get_driver(platform)(target_of(sim, port=port, timeout=2.0))
    with pytest.raises(DeviceUnreachable) as err:
        drv.open()
    assert f"127.0.0.1:{port}" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_simulated_demo_device_is_refused_before_connecting(platform, simulated, target_of):
    sim = simulated(platform)
    with pytest.raises(DemoDeviceRefused):
        get_driver(platform)(target_of(sim, demo=True)).open()
    assert sim.device.connections == 0


def test_simulated_key_file_login_through_a_credential_reference(simulated, tmp_path):
    key = asyncssh.generate_private_key("ssh-ed25519")
    key_file = tmp_path / "id_ed25519"
    key_file.write_bytes(key.export_private_key())
    key_file.chmod(0o600)
    sim = simulated("huawei_vrp", authorized_key=key.export_public_key().decode())
    target = target_for("core-1", "huawei_vrp", sim.host, sim.port,
                        credential=f"govnet@key:{key_file}")
    with get_driver("huawei_vrp")(target) as drv:
        assert "sysname R1" in drv.get_running_config()


@pytest.mark.parametrize("platform", PLATFORMS)
def test_simulated_interfaces_combine_status_table_and_config(platform, simulated, target_of):
    sim = simulated(platform)
    with get_driver(platform)(target_of(sim)) as drv:
        interfaces = {i.name: i for i in drv.get_interfaces()}
        facts = drv.get_facts()
    uplink = interfaces["GigabitEthernet0/0/0"]
    assert uplink.up is True
    assert uplink.description == "UPLINK"
    assert uplink.addresses == ["10.255.0.1/30"]
    assert "GigabitEthernet0/0/0" in facts["interface_list"]
    assert facts["hostname"] == "R1"
