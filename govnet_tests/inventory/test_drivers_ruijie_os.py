"""Ruijie RGOS driver against the SSH CLI simulator (test double): IOS-style
dialogue, remediation rollback, ``write``."""

from __future__ import annotations

import pytest

from govnet.errors import CommandRejected
from inventory.drivers import get_driver


@pytest.fixture
def sim(simulated):
    return simulated("ruijie_os")


def test_simulated_rollback_removes_acl_entry_without_sequence_number(sim, target_of):
    """hier_config's IOS rules number ACL entries; RGOS prints none, so govnet drops that."""
    dev = sim.device
    before = dev.config_lines()
    with get_driver("ruijie_os")(target_of(sim)) as drv:
        checkpoint = drv.checkpoint()
        drv.apply(["ip access-list extended MGMT-IN", " permit ip host 10.1.1.2 any",
                   "interface GigabitEthernet0/0/1", " description GOV-UNIT-A"])
        drv.save()
        assert dev.saved == dev.running and "write" in dev.log
        drv.rollback(checkpoint)
    assert "no permit ip host 10.1.1.2 any" in [line.strip() for line in dev.log]
    assert dev.config_lines() == before


def test_simulated_rejected_line_in_a_section_is_undone(sim, target_of):
    dev = sim.device
    before = dev.config_lines()
    with get_driver("ruijie_os")(target_of(sim)) as drv:
        with pytest.raises(CommandRejected, match="Invalid input detected"):
            drv.apply(["interface GigabitEthernet0/0/1.200", " description X", " bogus"])
    assert dev.config_lines() == before
