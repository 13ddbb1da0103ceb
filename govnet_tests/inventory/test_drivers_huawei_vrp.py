"""Huawei VRP5 driver against the SSH CLI simulator (test double)."""

from __future__ import annotations

import pytest

from govnet.errors import CommandRejected
from inventory.drivers import get_driver

ATTACH = [
    "acl number 3100",
    " rule 5 permit ip source 192.168.20.0 0.0.0.255",
    " rule 100 deny ip",
    "interface GigabitEthernet0/0/1.100",
    " dot1q termination vid 100",
    " description GOV-UNIT-A",
    " ip address 10.1.1.1 255.255.255.252",
    " traffic-filter inbound acl 3100",
    "ip route-static vpn-instance ZWWW 192.168.20.0 24 10.1.1.2 description GOV-UNIT-A",
]


@pytest.fixture
def sim(simulated):
    return simulated("huawei_vrp")


def test_simulated_apply_save_and_rollback_dialogue(sim, target_of):
    dev = sim.device
    before = dev.config_lines()
    with get_driver("huawei_vrp")(target_of(sim)) as drv:
        checkpoint = drv.checkpoint()
        drv.apply(ATTACH)
        assert "interface GigabitEthernet0/0/1.100" in dev.config_lines()
        assert " rule 100 deny ip" in dev.config_lines()
        drv.save()
        assert dev.saved == dev.running
        assert dev.log[dev.log.index("save") + 1] == "y"  # answered "Continue?"
        drv.rollback(checkpoint)
    assert dev.config_lines() == before
    # the remediation's route negation drops the description, as VRP requires
    assert "undo ip route-static vpn-instance ZWWW 192.168.20.0 24 10.1.1.2" in dev.log


def test_simulated_rollback_undoes_a_rule_by_number(sim, target_of):
    """hier_config would send `undo rule 10 permit …`, which VRP (and the double) reject."""
    dev = sim.device
    before = dev.config_lines()
    with get_driver("huawei_vrp")(target_of(sim)) as drv:
        checkpoint = drv.checkpoint()
        drv.apply(["acl number 3001", " rule 10 permit ip source 10.9.9.0 0.0.0.255"])
        assert " rule 10 permit ip source 10.9.9.0 0.0.0.255" in dev.config_lines()
        drv.rollback(checkpoint)
    assert dev.config_lines() == before
    assert "undo rule 10" in [line.strip() for line in dev.log]


def test_simulated_rejected_line_leaves_running_config_as_before(sim, target_of):
    dev = sim.device
    before = dev.config_lines()
    with get_driver("huawei_vrp")(target_of(sim)) as drv:
        with pytest.raises(CommandRejected) as err:
            drv.apply([*ATTACH[:6], " bogus command", *ATTACH[6:]])
        assert err.value.line == "bogus command"
        assert "Error: Unrecognized command" in str(err.value)
        assert drv.run("display current-configuration")  # still usable, in user view
    assert dev.config_lines() == before


def test_simulated_facts_from_display_version_template(sim, target_of):
    with get_driver("huawei_vrp")(target_of(sim)) as drv:
        facts = drv.get_facts()
    assert (facts["vendor"], facts["model"], facts["os_version"]) == ("Huawei", "AR2240", "5.160")
    assert facts["interface_list"] == ["GigabitEthernet0/0/0", "GigabitEthernet0/0/1"]


def test_simulated_dual_mpu_save_answers_both_questions(simulated, target_of):
    sim = simulated("huawei_vrp", dual_mpu=True)
    with get_driver("huawei_vrp")(target_of(sim)) as drv:
        drv.save()
        assert drv.run("display current-configuration")  # back at the prompt
    log = sim.device.log
    assert log[log.index("save"):log.index("save") + 3] == ["save", "y", "y"]
    assert sim.device.saved == sim.device.running


def test_remediation_corrects_hier_config_negations():
    """Pure: no device. The two VRP forms hier_config gets wrong, as VRP wants them."""
    from inventory.drivers.base import ConnectionTarget

    drv = get_driver("huawei_vrp")(ConnectionTarget("r", "huawei_vrp", "127.0.0.1"))
    intended = "acl number 3100\n rule 5 permit ip source 192.168.20.0 0.0.0.255\n#\nreturn"
    current = (intended.replace("#\nreturn", "") + " rule 10 permit ip source 10.1.1.2 0\n#\n"
               "ip route-static vpn-instance ZWWW 192.168.20.0 24 10.1.1.2 description A\n")
    assert drv.remediation(current, intended) == [  # section edits, then removals
        "acl number 3100", "  undo rule 10", "  quit",
        "undo ip route-static vpn-instance ZWWW 192.168.20.0 24 10.1.1.2",
    ]


def test_remediation_undoes_a_changed_rule_before_redefining_it():
    """Pure: redefining a VRP rule id merges fields, so `undo rule N` must come first."""
    from inventory.drivers.base import ConnectionTarget

    drv = get_driver("huawei_vrp")(ConnectionTarget("r", "huawei_vrp", "127.0.0.1"))
    current = "acl number 3100\n rule 5 permit ip source 10.0.0.0 0.0.0.255\n#\nreturn"
    intended = current.replace("10.0.0.0", "192.168.0.0")
    assert drv.remediation(current, intended) == [
        "acl number 3100", "  undo rule 5", "  rule 5 permit ip source 192.168.0.0 0.0.0.255",
        "  quit"]


def test_simulated_rollback_of_a_switch_attach_removes_dependents_first(sim, target_of):
    """Issue 9 item 12, over SSH to the simulator (test double): VRP5 has no candidate,
    so the rollback is remediation, typed in the detach template's order."""
    from pathlib import Path

    golden = Path(__file__).parents[1] / "access" / "golden" / "huawei_vrp"
    attach = (golden / "attach_gateway_switch.txt").read_text(encoding="utf-8").splitlines()
    dev = sim.device
    before = dev.config_lines()
    with get_driver("huawei_vrp")(target_of(sim)) as drv:
        checkpoint = drv.checkpoint()
        drv.apply(attach)
        start = len(dev.log)
        drv.rollback(checkpoint)
    assert dev.config_lines() == before
    typed = [line.strip() for line in dev.log[start:]]
    order = ["undo traffic-filter vlan 100 inbound acl 3100", "undo interface Vlanif100",
             "undo port trunk allow-pass vlan 100", "undo vlan batch 100",
             "undo acl number 3100"]
    assert [typed.index(line) for line in order] == sorted(typed.index(line) for line in order)
