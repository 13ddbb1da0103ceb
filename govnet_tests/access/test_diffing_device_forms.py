"""``access.diffing`` and the drivers' remediation against configurations in the forms
real devices print (pure: no device, no simulator, no database).

The fixtures in ``govnet_tests/access/fixtures/`` are written in the printed forms documented
by the vendors and seen in public configurations: VRP ``vlan batch 100 1307 to 1312``
and ``port trunk allow-pass vlan …`` merged on one line, Comware ``vlan 1307 to 1312``
and ``port trunk permit vlan 1 100 1307 to 1310`` continued on a second line, IOS
``switchport trunk allowed vlan 1,100,…`` continued with ``… add …``, IOS-XE's
``exit-address-family``, ``exit-af-interface``, bare `` exit`` (SD-WAN ``sdwan``
sections, ``line vty``) and certificate ``quit`` lines, RGOS ``vlan
range 1,100,…`` and ``switchport trunk allowed vlan only …``. ``*_before`` is the
switch before unit A was attached, ``*_after`` with it (the attach and detach lines
are the golden renders of the switch form).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from access import diffing
from govnet.errors import DeviceError
from inventory.drivers import get_driver
from inventory.drivers.base import ConnectionTarget

HERE = Path(__file__).parent
SWITCHES = ["huawei_vrp", "h3c_comware", "cisco_ios", "ruijie_os"]
#: The one line each platform pushes to put VLAN 100 on the trunk / take it off.
TRUNK = {
    "huawei_vrp": ("port trunk allow-pass vlan 100", "undo port trunk allow-pass vlan 100"),
    "h3c_comware": ("port trunk permit vlan 100", "undo port trunk permit vlan 100"),
    "cisco_ios": ("switchport trunk allowed vlan add 100",
                  "switchport trunk allowed vlan remove 100"),
    "ruijie_os": ("switchport trunk allowed vlan add 100",
                  "switchport trunk allowed vlan remove 100"),
}
OTHER_UNITS = re.compile(r"\b13(0[7-9]|1[0-2])\b")  # VLANs 1307–1312 of other units


def _fixture(name: str) -> str:
    return (HERE / "fixtures" / name).read_text(encoding="utf-8")


def _golden(platform: str, name: str) -> list[str]:
    return (HERE / "golden" / platform / name).read_text(encoding="utf-8").splitlines()


def _driver(platform: str):
    return get_driver(platform)(ConnectionTarget("sw", platform, "127.0.0.1"))


@pytest.mark.parametrize("platform", SWITCHES)
def test_attached_unit_on_a_merged_trunk_is_idempotent(platform: str) -> None:
    """Issue 9 item 11: the second pass pushed the VLAN lines again, every time."""
    after = _fixture(f"{platform}_switch_after.txt")
    assert diffing.missing(platform, after, _golden(platform, "attach_gateway_switch.txt")) == []


@pytest.mark.parametrize("platform", SWITCHES)
def test_attach_adds_exactly_one_vlan_to_a_merged_trunk(platform: str) -> None:
    before = _fixture(f"{platform}_switch_before.txt")
    lines = diffing.missing(platform, before, _golden(platform, "attach_gateway_switch.txt"))
    assert f" {TRUNK[platform][0]}" in lines
    assert not any(OTHER_UNITS.search(line) for line in lines)


@pytest.mark.parametrize("platform", SWITCHES)
def test_detach_from_a_merged_trunk_is_the_detach_template(platform: str) -> None:
    """All of the attachment is there (merged): the detach template, VLAN 100 only."""
    after = _fixture(f"{platform}_switch_after.txt")
    detach = _golden(platform, "detach_gateway_switch.txt")
    attach = _golden(platform, "attach_gateway_switch.txt")
    assert diffing.undo(platform, after, attach, detach) == detach


@pytest.mark.parametrize("platform", SWITCHES)
def test_partial_detach_removes_only_vlan_100_from_the_trunk(platform: str) -> None:
    """Half-attached (no L3 interface yet): the VLAN leaves the trunk, nothing else does."""
    after = _fixture(f"{platform}_switch_after.txt")
    l3 = {"huawei_vrp": "interface Vlanif100", "h3c_comware": "interface Vlan-interface100",
          "cisco_ios": "interface Vlan100", "ruijie_os": "interface VLAN 100"}[platform]
    tree = diffing.parse(platform, after)
    tree.get_child(equals=l3).delete()
    half = "\n".join(tree.dump_simple())
    lines = diffing.undo(platform, half, _golden(platform, "attach_gateway_switch.txt"),
                         ["never used: only part is there"])
    assert f" {TRUNK[platform][1]}" in lines
    assert not any(OTHER_UNITS.search(line) for line in lines), lines


# -- rollback remediation on the platforms without a native rollback (VRP5, RGOS) ----

ROLLBACK_ORDER = {
    # the reverse of attach.j2 = the order of detach.j2: dependents first
    "huawei_vrp": ["undo traffic-filter vlan 100 inbound acl 3100", "undo interface Vlanif100",
                   "undo port trunk allow-pass vlan 100", "undo vlan batch 100",
                   "undo acl number 3100"],
    "ruijie_os": ["no interface VLAN 100", "switchport trunk allowed vlan remove 100",
                  "no vlan range 100", "no ip access-list extended GOV-A-IN"],
}


@pytest.mark.parametrize("platform", sorted(ROLLBACK_ORDER))
def test_rollback_removes_dependents_first_and_one_vlan_only(platform: str) -> None:
    """Issue 9 items 11 and 12: VRP5 negated the merged trunk line (cutting 1307–1312
    off) and removed the ACLs and the VLAN before the interface using them."""
    after = _fixture(f"{platform}_switch_after.txt")
    before = _fixture(f"{platform}_switch_before.txt")
    lines = [line.strip() for line in _driver(platform).remediation(after, before)]
    assert not any(OTHER_UNITS.search(line) for line in lines), lines
    positions = [lines.index(expected) for expected in ROLLBACK_ORDER[platform]]
    assert positions == sorted(positions), lines


def test_remediation_of_vlan_sets_uses_ranges_and_platform_forms() -> None:
    """Pure: a trunk whose list changed in both directions gets one add and one remove."""
    drv = _driver("huawei_vrp")
    current = "interface GigabitEthernet0/0/1\n port trunk allow-pass vlan 100 1307 to 1312\n"
    intended = "interface GigabitEthernet0/0/1\n port trunk allow-pass vlan 1307 to 1320\n"
    assert drv.remediation(current, intended) == [
        "interface GigabitEthernet0/0/1", "  undo port trunk allow-pass vlan 100",
        "  port trunk allow-pass vlan 1313 to 1320", "  quit"]


# -- one rule set, readable configs --------------------------------------------------

def test_ios_xe_exit_lines_parse_for_the_driver_and_the_diff() -> None:
    """Issue 9 item 13: ``DuplicateChildError ('exit',)`` broke verify on IOS-XE."""
    config = _fixture("cisco_ios_switch_after.txt")
    drv = _driver("cisco_ios")
    from inventory.drivers.netmiko_common import interfaces_from_config

    found = {i.name: i for i in interfaces_from_config(drv.hconfig_driver(), config,
                                                       drv.iface_keywords)}
    assert found["Vlan100"].vrf == "ZWWW"
    assert found["Vlan100"].addresses == ["192.168.20.1/24", "2001:db8:20::1/64"]
    bgp = diffing.parse("cisco_ios", config).get_child(equals="router bgp 65000")
    assert [c.text for c in bgp.children] == [
        "bgp log-neighbor-changes", "address-family ipv4 vrf ZWWW",
        "address-family ipv4 vrf ZOTHER"]
    sdwan = diffing.parse("cisco_ios", config).get_child(equals="sdwan")  # ` exit` twice
    assert [c.text for c in sdwan.children] == ["interface GigabitEthernet0/0/0",
                                                "interface GigabitEthernet0/0/2"]
    eigrp = diffing.parse("cisco_ios", config).get_child(equals="router eigrp GOVNET")
    family = eigrp.get_child(startswith="address-family ")
    assert [c.text for c in family.children] == [  # each `exit-af-interface` was a duplicate
        "af-interface Vlan100", "af-interface Vlan1307", "topology base",
        "network 192.168.0.0 0.0.255.255"]


@pytest.mark.parametrize(("platform", "config"), [
    ("huawei_vrp", "interface Vlanif100\n ip address 10.1.1.1 255.255.255.0\n"
                   "interface Vlanif101\nip address 10.1.2.1 255.255.255.0\n"
                   "ip address 10.1.2.1 255.255.255.0\n"),
    ("cisco_ios", "banner motd ^C\nunterminated banner\n"),
])
def test_unreadable_config_is_a_device_error_naming_the_problem(platform: str,
                                                                config: str) -> None:
    with pytest.raises(DeviceError, match=f"cannot read the {platform} configuration"):
        diffing.parse(platform, config)


@pytest.mark.parametrize("platform", [*SWITCHES, "huawei_vrpv8", "huawei_ce", "frr"])
def test_diff_and_driver_share_one_rule_set(platform: str) -> None:
    """Issue 9 item 13: Comware diffed with HP_COMWARE5 rules while its driver used
    Huawei's; Ruijie's diff numbered ACL entries while its driver did not."""
    from inventory.drivers import rules_driver

    cls = rules_driver(platform)
    assert cls is get_driver(platform)  # the built-in driver, no fake registered here
    assert diffing.rules(platform) is cls.config_rules
    assert diffing.parse(platform, "").driver is cls.hconfig_driver()


def test_ruijie_acl_entries_are_not_numbered_in_the_diff() -> None:
    tree = diffing.parse("ruijie_os", _fixture("ruijie_os_switch_after.txt"))
    acl = tree.get_child(equals="ip access-list extended GOV-A-IN")
    assert [c.text for c in acl.children] == ["permit ip 192.168.20.0 0.0.0.255 any",
                                              "deny ip any any"]


def test_docstring_examples_hold() -> None:
    import doctest

    from inventory.drivers import hconfig

    for module in (hconfig, diffing):
        result = doctest.testmod(module)
        assert result.attempted >= 1 and result.failed == 0, module.__name__


@pytest.mark.parametrize("platform", ["cisco_ios", "ruijie_os"])
def test_ios_style_trunk_without_a_list_allows_every_vlan(platform: str) -> None:
    """IOS and RGOS trunks carry all VLANs until a list is set: nothing to add, and a
    remediation never turns that default into a list."""
    port = "GigabitEthernet0/0/1" if platform == "cisco_ios" else "GigabitEthernet 0/1"
    running = f"interface {port}\n switchport mode trunk\n"
    wanted = [f"interface {port}", " switchport trunk allowed vlan add 100", "exit"]
    assert diffing.missing(platform, running, wanted) == []
    assert _driver(platform).remediation(running, running) == []
