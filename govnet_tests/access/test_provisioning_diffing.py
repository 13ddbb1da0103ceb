"""``access.diffing`` (what provisioning pushes) and ``access.jobs.redact``: pure tables,
no device and no database."""

from __future__ import annotations

import pytest

from access import diffing
from access.jobs import redact

FRR_RUNNING = """frr version 8.4.4
hostname agg1
!
ip route 192.168.21.0/24 10.1.2.1
!
interface ethu1.101
 description GOV-UNIT-B
 ip address 10.1.2.0/31
exit
!
end
"""
FRR_ATTACH = ["interface ethu1.101", " description GOV-UNIT-B", " ip address 10.1.2.0/31",
              "exit", "ip route 192.168.21.0/24 10.1.2.1", "ip route 10.30.0.0/16 10.1.2.1"]
FRR_DETACH = ["no ip route 192.168.21.0/24 10.1.2.1", "no ip route 10.30.0.0/16 10.1.2.1",
              "interface ethu1.101", " no ip address 10.1.2.0/31", " no description", "exit"]


@pytest.mark.parametrize(("platform", "running", "wanted", "expected"), [
    # nothing there yet: everything, sections closed the platform's way
    ("frr", "hostname agg1\n", FRR_ATTACH[:4],
     ["interface ethu1.101", " description GOV-UNIT-B", " ip address 10.1.2.0/31", "exit"]),
    # all there: nothing (an already connected request pushes nothing)
    ("frr", FRR_RUNNING + "ip route 10.30.0.0/16 10.1.2.1\n", FRR_ATTACH, []),
    # half there (an interrupted push): only the rest
    ("frr", FRR_RUNNING, FRR_ATTACH, ["ip route 10.30.0.0/16 10.1.2.1"]),
    # Huawei: a redefined ACL rule id is undone first (its fields would merge)
    ("huawei_vrp", "acl number 3100\n rule 5 permit ip source 1.1.1.0 0.0.0.255\n#\n",
     ["acl number 3100", " rule 5 permit ip source 2.2.2.0 0.0.0.255", " rule 100 deny ip",
      "quit"],
     ["acl number 3100", " undo rule 5", " rule 5 permit ip source 2.2.2.0 0.0.0.255",
      " rule 100 deny ip", "quit"]),
    # Huawei: binding the VPN instance clears the addresses: push them again, after it
    ("huawei_vrp", "interface GigabitEthernet0/0/1.100\n ip address 10.1.1.1 255.255.255.252\n#\n",
     ["interface GigabitEthernet0/0/1.100", " ip binding vpn-instance ZWWW",
      " ip address 10.1.1.1 255.255.255.252", "quit"],
     ["interface GigabitEthernet0/0/1.100", " ip binding vpn-instance ZWWW",
      " ip address 10.1.1.1 255.255.255.252", "quit"]),
    # IOS: the same for `vrf forwarding`
    ("cisco_ios", "interface GigabitEthernet0/0/1.100\n ip address 10.1.1.1 255.255.255.252\n!\n",
     ["interface GigabitEthernet0/0/1.100", " vrf forwarding ZWWW",
      " ip address 10.1.1.1 255.255.255.252", "exit"],
     ["interface GigabitEthernet0/0/1.100", " vrf forwarding ZWWW",
      " ip address 10.1.1.1 255.255.255.252", "exit"]),
    # Comware: one-space-indented global blocks after '#' are read as global lines
    ("h3c_comware", "#\n version 7.1.064\n sysname agg1\n#\ninterface GigabitEthernet1/0/1.100\n"
     " description A\n#\n", ["sysname agg1", "interface GigabitEthernet1/0/1.100",
                             " description A", " ip address 1.1.1.1 255.255.255.0", "quit"],
     ["interface GigabitEthernet1/0/1.100", " ip address 1.1.1.1 255.255.255.0", "quit"]),
])
def test_missing(platform: str, running: str, wanted: list[str], expected: list[str]) -> None:
    assert diffing.missing(platform, running, wanted) == expected


def test_undo_all_none_or_part() -> None:
    full = FRR_RUNNING + "ip route 10.30.0.0/16 10.1.2.1\n"
    assert diffing.undo("frr", full, FRR_ATTACH, FRR_DETACH) == FRR_DETACH
    assert diffing.undo("frr", "hostname agg1\n", FRR_ATTACH, FRR_DETACH) == []
    partial = diffing.undo("frr", FRR_RUNNING, FRR_ATTACH, FRR_DETACH)
    assert "no ip route 192.168.21.0/24 10.1.2.1" in partial
    assert "no ip route 10.30.0.0/16 10.1.2.1" not in partial  # never there: not undone


def test_partial_undo_fixes_huawei_negations() -> None:
    running = ("acl number 3100\n rule 5 permit ip source 2.2.2.0 0.0.0.255\n rule 100 deny ip\n"
               "#\ninterface GigabitEthernet0/0/1.100\n description OLD\n#\n")
    attach = ["acl number 3100", " rule 5 permit ip source 2.2.2.0 0.0.0.255",
              " rule 100 deny ip", "quit", "interface GigabitEthernet0/0/1.100",
              " description OLD", " ip address 10.1.1.1 255.255.255.252", "quit"]
    lines = diffing.undo("huawei_vrp", running, attach, ["undo interface x"])
    assert " undo rule 5" in lines and " undo description" in lines
    assert not any(line.startswith(" undo rule 5 ") for line in lines)


def test_unknown_platform_is_invalid_input() -> None:
    from govnet.errors import InvalidInput

    with pytest.raises(InvalidInput, match="unknown platform 'junos'"):
        diffing.missing("junos", "", ["set system host-name x"])


@pytest.mark.parametrize(("text", "secrets", "expected"), [
    ("login govlab/hunter2 ok", ["hunter2"], "login govlab/*** ok"),
    (" local-user admin password irreversible-cipher $1a$xyz", [],
     " local-user admin password ***"),
    ("snmp-agent community read cipher %^%#abc", [], "snmp-agent community ***"),
    ("interface eth0\n description secret-free\n", [], "interface eth0\n description secret-free\n"),
])
def test_redact(text: str, secrets: list[str], expected: str) -> None:
    assert redact(text, secrets) == expected


def test_checkpoint_keeps_config_keywords_but_never_the_login_password() -> None:
    config = "hostname r1\nusername govlab password hunter2\n"
    assert redact(config, ["hunter2"], keywords=False) == "hostname r1\nusername govlab password ***\n"
