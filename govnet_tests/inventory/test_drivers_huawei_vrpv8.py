"""Huawei VRP8 driver against the SSH CLI simulator (test double): two-stage commit."""

from __future__ import annotations

import pytest

from govnet.errors import CommandRejected
from inventory.drivers import get_driver

LINES = ["interface GigabitEthernet0/0/1.100", " dot1q termination vid 100",
         " description GOV-UNIT-A", " ip address 10.1.1.1 255.255.255.252"]


@pytest.fixture
def sim(simulated):
    return simulated("huawei_vrpv8")


def test_simulated_apply_commits_once_and_save_confirms(sim, target_of):
    dev = sim.device
    with get_driver("huawei_vrpv8")(target_of(sim)) as drv:
        checkpoint = drv.checkpoint()
        assert checkpoint.token == "1000000001"
        drv.apply(LINES)
        assert [cid for cid, _ in dev.commits] == ["1000000001", "1000000002"]
        assert " description GOV-UNIT-A" in dev.config_lines()
        drv.save()
    assert dev.log.count("commit") == 1
    assert dev.log[dev.log.index("save") + 1] == "y"
    assert dev.saved == dev.running


def test_simulated_rejected_line_clears_candidate_and_commits_nothing(sim, target_of):
    dev = sim.device
    before = dev.config_lines()
    with get_driver("huawei_vrpv8")(target_of(sim)) as drv:
        with pytest.raises(CommandRejected, match="bogus"):
            drv.apply([*LINES[:2], " bogus command", *LINES[2:]])
    assert dev.config_lines() == before
    assert len(dev.commits) == 1 and "commit" not in dev.log
    assert "clear configuration candidate" in dev.log
    assert "Y" not in dev.log and "y" not in dev.log  # never committed on the way out


def test_simulated_rollback_uses_commit_id(sim, target_of):
    dev = sim.device
    before = dev.config_lines()
    with get_driver("huawei_vrpv8")(target_of(sim)) as drv:
        checkpoint = drv.checkpoint()
        drv.apply(LINES)
        drv.rollback(checkpoint)
    assert "rollback configuration to commit-id 1000000001" in dev.log
    assert dev.config_lines() == before


def test_simulated_uncommitted_exit_question_is_answered_no(sim, target_of):
    """netmiko #2625: leaving with uncommitted changes asks [Y/N/C]; govnet says N."""
    dev = sim.device
    before = dev.config_lines()
    with get_driver("huawei_vrpv8")(target_of(sim)) as drv:
        drv._send_config(LINES, exit_config=False)
        drv._exit_config()
        assert drv.run("display current-configuration")  # back in user view, usable
    assert dev.log[dev.log.index("return") + 1] == "N"
    assert dev.config_lines() == before


def test_simulated_commit_refused_discards_the_candidate(sim, target_of):
    """A line VRP8 accepts while typing but refuses at commit: nothing is applied."""
    dev = sim.device
    before = dev.config_lines()
    with get_driver("huawei_vrpv8")(target_of(sim)) as drv:
        with pytest.raises(CommandRejected) as err:
            drv.apply([LINES[0], " ip address 10.255.0.1 255.255.255.252"])
    assert err.value.line == "commit"
    assert "Error: The address conflicts" in str(err.value)
    assert "clear configuration candidate" in dev.log and len(dev.commits) == 1
    assert dev.config_lines() == before
