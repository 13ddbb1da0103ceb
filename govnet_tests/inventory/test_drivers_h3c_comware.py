"""H3C Comware driver against the SSH CLI simulator (test double): archive + commit delay."""

from __future__ import annotations

import pytest

from govnet.errors import CommandRejected, DeviceError
from inventory.drivers import get_driver

LINES = ["interface GigabitEthernet1/0/1.100", " vlan-type dot1q vid 100",
         " description GOV-UNIT-A", " ip address 10.1.1.1 255.255.255.252"]
ARCHIVE_SETTING = "archive configuration location flash:/archive filename-prefix govnet"


@pytest.fixture
def sim(simulated):
    return simulated("h3c_comware")


def test_simulated_first_checkpoint_sets_up_the_archive(sim, target_of):
    dev = sim.device
    with get_driver("h3c_comware")(target_of(sim)) as drv:
        first = drv.checkpoint()
        second = drv.checkpoint()
    assert "mkdir flash:/archive" in dev.log
    assert ARCHIVE_SETTING in dev.config_lines()
    assert (first.token, second.token) == ("flash:/archive/govnet_1.cfg",
                                           "flash:/archive/govnet_2.cfg")
    assert set(dev.files) == {first.token, second.token}


def test_simulated_push_is_wrapped_in_a_confirmed_commit_delay(sim, target_of):
    dev = sim.device
    with get_driver("h3c_comware")(target_of(sim)) as drv:
        drv.apply(LINES)
        drv.save()
    pushed = dev.log[dev.log.index("configuration commit delay 10"):]
    assert pushed[1:5] == LINES and pushed[5] == "configuration commit"
    assert dev.commit_delay_snapshot is None  # confirmed: the timer will not fire
    assert " description GOV-UNIT-A" in dev.config_lines()
    assert "save force" in dev.log and dev.saved == dev.running


def test_simulated_rejected_line_replaces_config_from_archive(sim, target_of):
    dev = sim.device
    with get_driver("h3c_comware")(target_of(sim)) as drv:
        drv.checkpoint()  # commissioning: archive location set
        before = dev.config_lines()
        with pytest.raises(CommandRejected) as err:
            drv.apply([*LINES[:2], " bogus command", *LINES[2:]])
    assert "% Unrecognized command found at '^' position." in str(err.value)
    assert "configuration replace file flash:/archive/govnet_2.cfg" in dev.log
    assert dev.log[dev.log.index("configuration replace file flash:/archive/govnet_2.cfg")
                   + 1] == "n"  # do not save the half-applied config
    assert dev.commit_delay_snapshot is None
    assert dev.config_lines() == before


def test_simulated_getters_parse_comware_interface_brief(sim, target_of):
    with get_driver("h3c_comware")(target_of(sim)) as drv:
        rows = drv.parse_table("display interface brief")
    assert {"interface": "GE0/0/0", "link": "UP", "main_ip": "10.255.0.1"}.items() <= \
        rows[0].items()


class QuickComware(get_driver("h3c_comware")):  # type: ignore[misc]
    """The Comware driver, giving up on a silent session after 2 s instead of 30 s."""

    read_timeout = 2.0


def test_simulated_push_that_cuts_the_session_is_left_to_the_commit_delay(simulated,
                                                                          target_of):
    """The pushed line shuts the interface govnet came in on: no confirmation can follow,
    so the device's commit-delay timer is what brings the config back."""
    sim = simulated("h3c_comware", cut_pattern=r"^\s*shutdown$")
    dev = sim.device
    with QuickComware(target_of(sim)) as drv:
        drv.checkpoint()
        before = dev.config_lines()
        with pytest.raises(DeviceError) as err:
            drv.apply(["interface GigabitEthernet0/0/0", " shutdown"])
    assert not isinstance(err.value, CommandRejected)
    assert "shutdown" in dev.running.node(["interface GigabitEthernet0/0/0"]).lines()[-1]
    assert dev.commit_delay_snapshot is not None  # set before the lines, never confirmed
    dev.expire_commit_delay()  # what the device does when the N minutes run out
    assert dev.config_lines() == before


class NoDelayComware(get_driver("h3c_comware")):  # type: ignore[misc]
    commit_delay_minutes = 0


def test_simulated_release_without_commit_delay_still_rolls_back(simulated, target_of):
    sim = simulated("h3c_comware", extra_config=(ARCHIVE_SETTING,))
    dev = sim.device
    before = dev.config_lines()
    with NoDelayComware(target_of(sim)) as drv:
        with pytest.raises(CommandRejected):
            drv.apply([*LINES[:2], " bogus command"])
    assert not any(line.startswith("configuration commit") for line in dev.log)
    assert dev.config_lines() == before


def test_comware_global_lines_do_not_nest_under_the_interface_before_them():
    """Pure: Comware indents global one-liners after '#'; they must stay global."""
    from hier_config import get_hconfig

    from inventory.drivers.h3c_comware import GovnetComwareRules

    config = ("#\n sysname R1\n#\ninterface GigabitEthernet1/0/1\n description A\n#\n"
              " ip route-static 0.0.0.0 0 10.255.0.2\n ip route-static 10.0.0.0 8 10.1.1.2\n"
              "#\nreturn\n")
    tree = get_hconfig(GovnetComwareRules(), config)
    assert [c.text for c in tree.children] == [
        "sysname R1", "interface GigabitEthernet1/0/1", "ip route-static 0.0.0.0 0 10.255.0.2",
        "ip route-static 10.0.0.0 8 10.1.1.2"]
