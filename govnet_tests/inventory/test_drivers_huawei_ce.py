"""Huawei CloudEngine driver (``huawei_ce``) against the SSH CLI simulator (test double):
VRP8's two-stage commit and commit-id rollback, with CloudEngine's interface filter form."""

from __future__ import annotations

from inventory.drivers import get_driver
from inventory.drivers.huawei_vrpv8 import HuaweiVrpV8Driver

LINES = ["acl number 3100", " rule 5 permit ip source 192.168.20.0 0.0.0.255",
         " rule 100 deny ip", "interface 10GE1/0/1.100", " dot1q termination vid 100",
         " description GOV-UNIT-A", " ip address 10.1.1.1 255.255.255.252",
         " traffic-filter acl 3100 inbound"]


def test_ce_is_a_vrp8_platform_of_its_own() -> None:
    cls = get_driver("huawei_ce")
    assert cls.platform == "huawei_ce" and issubclass(cls, HuaweiVrpV8Driver)
    assert cls.device_type == "huawei_vrpv8"  # netmiko's VRP8 session
    assert get_driver("huawei_vrpv8").platform == "huawei_vrpv8"  # stored devices: unchanged


def test_simulated_ce_apply_commits_and_rollback_uses_commit_id(simulated, target_of):
    sim = simulated("huawei_ce")
    dev = sim.device
    before = dev.config_lines()
    with get_driver("huawei_ce")(target_of(sim)) as drv:
        checkpoint = drv.checkpoint()
        drv.apply(LINES)
        assert " traffic-filter acl 3100 inbound" in dev.config_lines()
        assert dev.log.count("commit") == 1
        drv.rollback(checkpoint)
    assert f"rollback configuration to commit-id {checkpoint.token}" in dev.log
    assert dev.config_lines() == before
