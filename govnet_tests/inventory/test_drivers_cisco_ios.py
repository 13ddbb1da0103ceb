"""Cisco IOS driver against the SSH CLI simulator (test double): flash checkpoint,
configure replace, write memory, NAPALM getters over govnet's session."""

from __future__ import annotations

import re

import pytest

from govnet.errors import AuthenticationFailed, CommandRejected
from inventory.drivers import get_driver

LINES = ["vrf definition ZWWW", " rd 65000:100", "interface GigabitEthernet0/0/1.100",
         " encapsulation dot1Q 100", " vrf forwarding ZWWW",
         " ip address 10.1.1.1 255.255.255.252", " description GOV-UNIT-A"]


@pytest.fixture
def sim(simulated):
    return simulated("cisco_ios")


def test_simulated_checkpoint_copies_running_config_to_flash(sim, target_of):
    dev = sim.device
    with get_driver("cisco_ios")(target_of(sim)) as drv:
        checkpoint = drv.checkpoint()
    assert re.fullmatch(r"flash:govnet-\d{8}-\d{6}-[0-9a-f]{4}\.cfg", checkpoint.token or "")
    assert dev.files[checkpoint.token] == dev.running
    assert dev.log[dev.log.index(f"copy running-config {checkpoint.token}") + 1] == ""


def test_simulated_apply_rollback_and_write_memory(sim, target_of):
    dev = sim.device
    before = dev.config_lines()
    with get_driver("cisco_ios")(target_of(sim)) as drv:
        checkpoint = drv.checkpoint()
        drv.apply(LINES)
        assert " vrf forwarding ZWWW" in dev.config_lines()
        interfaces = {i.name: i for i in drv.get_interfaces()}
        drv.save()
        assert dev.saved == dev.running and "write mem" in dev.log
        drv.rollback(checkpoint)
    assert f"configure replace {checkpoint.token} list force" in dev.log
    assert dev.config_lines() == before
    assert list(dev.files) == [checkpoint.token]  # apply deleted its own checkpoint file
    sub = interfaces["GigabitEthernet0/0/1.100"]
    assert (sub.vrf, sub.vlan, sub.addresses) == ("ZWWW", 100, ["10.1.1.1/30"])


def test_simulated_rejected_line_is_named_and_undone(sim, target_of):
    dev = sim.device
    before = dev.config_lines()
    with get_driver("cisco_ios")(target_of(sim)) as drv:
        with pytest.raises(CommandRejected) as err:
            drv.apply([*LINES[:3], " bogus 1", *LINES[3:]])
    assert err.value.line == "bogus 1"
    assert "% Invalid input detected at '^' marker." in str(err.value)
    assert dev.config_lines() == before


def test_simulated_napalm_facts_over_the_driver_session(sim, target_of):
    with get_driver("cisco_ios")(target_of(sim)) as drv:
        facts = drv.get_facts()
    assert facts["vendor"] == "Cisco" and facts["hostname"] == "R1"
    assert facts["serial_number"] == "FDO21520TGH"
    assert facts["fqdn"] == "R1.egov.example"
    assert facts["interface_list"] == ["GigabitEthernet0/0/0", "GigabitEthernet0/0/1"]
    assert sim.device.connections == 1  # NAPALM reused the driver's login


@pytest.mark.parametrize("platform", ["cisco_ios", "ruijie_os"])
def test_simulated_user_exec_login_enters_enable_mode(platform, simulated, target_of):
    sim = simulated(platform, privileged=False)
    with get_driver(platform)(target_of(sim)) as drv:
        drv.apply(["interface GigabitEthernet0/0/1", " description VIA-ENABLE"])
    assert " description VIA-ENABLE" in sim.device.config_lines()
    assert "enable" in sim.device.log and "***" in sim.device.log  # secret not logged
    assert sim.device.password not in sim.device.log


@pytest.mark.parametrize("platform", ["cisco_ios", "ruijie_os"])
def test_simulated_refused_enable_is_authentication_failed(platform, simulated, target_of):
    sim = simulated(platform, privileged=False, enable_secret="another-secret")
    with pytest.raises(AuthenticationFailed, match="enable refused"):
        get_driver(platform)(target_of(sim)).open()
