"""Attach then detach returns the device to where it was, checked by structure.

Each rendered line is read with its context (``"interface X| ip address …"``; top
level lines have an empty context). A per-platform table says, for each object
line attach creates, the line that removes it; ``None`` marks a line that only
opens a context (FRR's interfaces and VRFs belong to the kernel and stay).
Children of a removed object go with it. Detach must remove exactly the objects
attach created, routes before the interface they point through.
"""

from __future__ import annotations

import re

import pytest

from access.render import render_attach, render_detach, render_isolate, render_restore
from access.specs import PLATFORMS
from govnet_tests.access.test_render_golden import PAIRS, sample

Rule = tuple[str, str | None]
_L3_IF = r"(.+\.\d+|Vlanif\d+|Vlan-interface\d+|Vlan\d+|VLAN \d+)"  # the unit's own
_HUAWEI: list[Rule] = [
    (r"^\|acl number (\d+)$", r"|undo acl \1"),
    (r"^\|acl ipv6 number (\d+)$", r"|undo acl ipv6 \1"),
    (rf"^\|interface {_L3_IF}$", r"|undo interface \1"),
    (r"^\|interface (.+)$", None),  # the trunk port stays
    (r"^(interface .+)\| port trunk allow-pass vlan (\d+)$",
     r"\1| undo port trunk allow-pass vlan \2"),
    (r"^\|vlan batch (\d+)$", r"|undo vlan batch \1"),
    (r"^\|(traffic-filter vlan .*)$", r"|undo \1"),
    (r"^\|(ipv6 |ip )(route-static .*?)( description \S+)?$", r"|undo \1\2"),
]
_IOS: list[Rule] = [
    (r"^\|ip access-list extended (\S+)$", r"|no ip access-list extended \1"),
    (r"^\|ipv6 access-list (\S+)$", r"|no ipv6 access-list \1"),
    (rf"^\|interface {_L3_IF}$", r"|no interface \1"),
    (r"^\|interface (.+)$", None),  # the trunk port stays
    (r"^(interface .+)\| switchport trunk allowed vlan add (\d+)$",
     r"\1| switchport trunk allowed vlan remove \2"),
    (r"^\|vlan (\d+)$", r"|no vlan \1"),
    (r"^\|(ipv6 |ip )(route .*?)( name \S+)?$", r"|no \1\2"),
]
UNDO: dict[str, list[Rule]] = {
    "huawei_vrp": _HUAWEI,
    "huawei_vrpv8": _HUAWEI,
    "huawei_ce": _HUAWEI,
    "h3c_comware": [
        (r"^\|acl (ipv6 )?advanced (\d+)$", r"|undo acl \1advanced \2"),
        (rf"^\|interface {_L3_IF}$", r"|undo interface \1"),
        (r"^\|interface (.+)$", None),  # the trunk port stays
        (r"^(interface .+)\| port trunk permit vlan (\d+)$",
         r"\1| undo port trunk permit vlan \2"),
        (r"^\|vlan (\d+)$", r"|undo vlan \1"),
        (r"^\|(ipv6 |ip )(route-static .*?)( description \S+)?$", r"|undo \1\2"),
    ],
    "cisco_ios": _IOS,
    "ruijie_os": _IOS,
    "frr": [
        (r"^\|(interface .+|vrf \S+)$", None),
        (r"^(interface .+)\| description .+$", r"\1| no description"),
        (r"^(interface .+)\| (ipv6 address|ip address) (\S+)$", r"\1| no \2 \3"),
        (r"^(vrf \S+)\| (ipv6 route|ip route) (.+)$", r"\1| no \2 \3"),
        (r"^\|(ipv6 route|ip route) (.+)$", r"|no \1 \2"),
    ],
}
EXITS = {"quit", "exit", "exit-vrf"}


def items(lines: list[str]) -> list[str]:
    """``context|line`` for every line that is not a mode exit."""
    out, context = [], ""
    for line in lines:
        if line.strip() in EXITS:
            continue
        if not line.startswith(" "):
            context = line
            out.append(f"|{line}")
        else:
            out.append(f"{context}|{line}")
    return out


def undo_of(platform: str, item: str) -> tuple[bool, str | None]:
    """(matched, removal item or None for a context line)."""
    for pattern, replacement in UNDO[platform]:
        if re.match(pattern, item):
            return True, None if replacement is None else re.sub(pattern, replacement, item)
    return False, None


@pytest.mark.parametrize(("platform", "case"), PAIRS)
def test_detach_removes_exactly_what_attach_creates(platform: str, case: str) -> None:
    spec = sample(platform, case)
    expected, removed_contexts, contexts = [], set(), set()
    for item in items(render_attach(spec)):
        matched, undo = undo_of(platform, item)
        context = item.split("|", 1)[0]
        if matched and undo is None:
            contexts.add(item)
        elif matched:
            expected.append(undo)
            if not context:
                removed_contexts.add(item[1:])
        else:
            assert context in removed_contexts, f"attach creates {item!r}; detach ignores it"
    actual = [i for i in items(render_detach(spec)) if i not in contexts]
    assert sorted(actual) == sorted(expected)


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_detach_removes_routes_before_their_interface(platform: str) -> None:
    lines = render_detach(sample(platform, "routed"))
    routes = [i for i, line in enumerate(lines) if "route" in line]
    interface = min(i for i, line in enumerate(lines) if "interface" in line)
    assert len(routes) == 2 and max(routes) < interface


@pytest.mark.parametrize(("platform", "case"), PAIRS)
def test_detach_leaves_the_shared_vpn_instance(platform: str, case: str) -> None:
    removals = ("undo ip vpn-instance", "no vrf definition", "no vrf ", "no ip vrf ")
    assert not any(line.startswith(removals) for line in render_detach(sample(platform, case)))


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_restore_undoes_isolate(platform: str) -> None:
    isolate, restore = render_isolate(sample(platform)), render_restore(sample(platform))
    assert len(isolate) == len(restore) == 3
    changed = [(a, b) for a, b in zip(isolate, restore, strict=True) if a != b]
    assert changed == [(" shutdown", restore[1])]
    assert restore[1] in {" undo shutdown", " no shutdown"}
