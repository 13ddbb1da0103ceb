"""govnet's configuration rules, one set per platform, shared by drivers and diffs.

A driver class declares its :class:`ConfigRules` (data) and builds its hier_config
driver with them (:func:`extend`); ``access.diffing`` asks the driver for both, so
what provisioning pushes, what disconnection undoes and what a rollback remediates
are computed by the same rules. What the rules hold:

* **lines that are not configuration**: separators (``#``, ``!``) and section ends
  (``quit``, ``return``, ``end``, IOS-XE's ``exit`` and ``exit-address-family``…)
  are dropped when a config is read; a config that still cannot be read raises a
  :class:`~govnet.errors.DeviceError` naming the line (:func:`load`), never a
  hier_config exception;
* **VLAN lists as sets** (:class:`VlanList`): devices print a trunk's VLANs merged
  (``port trunk allow-pass vlan 100 1307 to 1312``, ``port trunk permit vlan 1 100``,
  ``switchport trunk allowed vlan 1,100,200-210``) and a VLAN batch likewise.
  Membership is by set, and a remediation adds or removes exactly the VLANs that
  differ, in the platform's add/remove form: it never negates the merged line (that
  would cut every other VLAN off the trunk);
* **removal order** (``removal_order``): negations of top-level objects are pushed
  dependents first, the reverse of the attach order (routes, VLAN filters, the
  interface, the VLAN on the trunk, the VLAN, the ACLs);
* the post-processing ``access.diffing`` applies (VRF binding clears addresses,
  ACL rule ids merge) and how a pushed section ends (``section_end``).

Examples:
    >>> sorted(vlan_set("huawei", "100 1307 to 1309"))
    [100, 1307, 1308, 1309]
    >>> vlan_text("cisco", {1, 100, 200, 201, 202}), vlan_text("huawei", {1, 100, 200, 201})
    (['1,100,200-202'], ['1 100 200 to 201'])
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from govnet.errors import DeviceError

#: Lines that separate or close sections when a config is printed or pushed.
NOT_CONFIG = (r"^\s*[#!].*$", r"^\s*(?:exit(?:-[\w-]+)?|quit|return|end)\s*$")

ALL_VLANS = frozenset(range(1, 4095))
#: VRP and Comware accept at most 10 items (a VLAN or an ``A to B`` range) per line.
HUAWEI_ITEMS_PER_LINE = 10

Style = Literal["huawei", "cisco"]


@dataclass(frozen=True)
class VlanList:
    """A config line whose argument is a set of VLANs, printed merged by the device.

    ``line`` matches the printed line (and the push forms): group ``list`` is the VLAN
    list, optional group ``kw`` an IOS-style keyword (``add``, ``remove``, ``except``,
    ``only``). ``section`` is the regex of the section it lives in (``None``: top
    level). ``add`` / ``remove`` are the push forms for a set of VLANs (``{vlans}``).
    Removals are pushed right after the top-level negations starting ``after``.
    ``all_unless_listed``: a sibling line (regex) that makes a scope without any list
    line hold every VLAN (an IOS/RGOS trunk allows all VLANs until told otherwise);
    used for membership only, never to compute removals.
    """

    line: str
    add: str
    remove: str
    style: Style
    section: str | None = None
    after: str = ""
    all_unless_listed: str | None = None

    def scope_matches(self, parent_text: str | None) -> bool:
        if self.section is None:
            return parent_text is None
        return parent_text is not None and re.match(self.section, parent_text) is not None

    def match(self, text: str) -> re.Match[str] | None:
        return re.fullmatch(self.line, text)


@dataclass(frozen=True)
class ConfigRules:
    """govnet's rules for one platform's configuration (see the module docstring)."""

    section_end: str  # the line that leaves a section when pushing
    binds_vrf: tuple[str, ...] = ()  # interface lines that clear the addresses
    addresses: tuple[str, ...] = ("ip address ", "ipv6 address ")
    acl_rule: str | None = None  # ACL child whose id must be undone before redefinition
    acl_undo: str = "undo rule {id}"
    vlan_lists: tuple[VlanList, ...] = ()
    removal_order: tuple[str, ...] = ()  # top-level negation prefixes, in push order
    drop: tuple[str, ...] = NOT_CONFIG

    def weight(self, prefix: str) -> int:
        """The order weight of top-level negations starting with ``prefix``."""
        return 500 + 10 * self.removal_order.index(prefix) if prefix in self.removal_order \
            else 0


def extend(hier_rules: Any, rules: ConfigRules) -> Any:
    """Add ``rules``' line drops and removal order to hier_config driver rules."""
    from hier_config.models import MatchRule, OrderingRule, PerLineSubRule

    hier_rules.per_line_sub.extend(PerLineSubRule(search=p, replace="") for p in rules.drop)
    hier_rules.ordering.extend(
        OrderingRule(match_rules=(MatchRule(startswith=prefix),), weight=rules.weight(prefix))
        for prefix in rules.removal_order)
    return hier_rules


# -- VLAN lists ------------------------------------------------------------------------

def vlan_set(style: Style, text: str) -> set[int]:
    """The VLANs of a printed list: ``10 20 to 22`` (huawei), ``10,20-22`` (cisco), ``all``."""
    text = text.strip()
    if text == "all":
        return set(ALL_VLANS)
    if text == "none":
        return set()
    vlans: set[int] = set()
    if style == "huawei":
        tokens = text.split()
        i = 0
        while i < len(tokens):
            if i + 2 < len(tokens) and tokens[i + 1] == "to":
                vlans.update(range(int(tokens[i]), int(tokens[i + 2]) + 1))
                i += 3
            else:
                vlans.add(int(tokens[i]))
                i += 1
    else:
        for item in text.split(","):
            lo, _, hi = item.partition("-")
            vlans.update(range(int(lo), int(hi or lo) + 1))
    return vlans


def _ranges(vlans: Iterable[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for v in sorted(vlans):
        if out and v == out[-1][1] + 1:
            out[-1] = (out[-1][0], v)
        else:
            out.append((v, v))
    return out


def vlan_text(style: Style, vlans: Iterable[int]) -> list[str]:
    """``vlans`` as the device writes them, one string per pushable line."""
    ranges = _ranges(vlans)
    if style == "cisco":
        return [",".join(f"{a}" if a == b else f"{a}-{b}" for a, b in ranges)] if ranges else []
    items = [f"{a}" if a == b else f"{a} to {b}" for a, b in ranges]
    return [" ".join(items[i:i + HUAWEI_ITEMS_PER_LINE])
            for i in range(0, len(items), HUAWEI_ITEMS_PER_LINE)]


def apply_line(vl: VlanList, current: set[int] | None, m: re.Match[str]) -> set[int]:
    """The set after one printed line (IOS keywords ``add``/``remove``/``except``)."""
    vlans = vlan_set(vl.style, m["list"])
    kw = m.groupdict().get("kw")
    base = set() if current is None else current
    if kw == "remove":
        return (set(ALL_VLANS) if current is None else base) - vlans
    if kw == "except":
        return set(ALL_VLANS) - vlans
    if kw == "only":
        return vlans
    return base | vlans


def scope_set(vl: VlanList, node: Any, *, leaves_only: bool = False,
              implicit: bool = False) -> set[int]:
    """The VLANs ``node``'s children (root or section) hold under ``vl``; with
    ``implicit``, a scope the platform defaults to all VLANs (``all_unless_listed``)."""
    result: set[int] | None = None
    for child in node.children:
        if leaves_only and child.children:
            continue
        m = vl.match(child.text)
        if m:
            result = apply_line(vl, result, m)
    if result is None and implicit and vl.all_unless_listed and any(
            re.fullmatch(vl.all_unless_listed, c.text) for c in node.children):
        return set(ALL_VLANS)
    return result or set()


def _parent_text(node: Any) -> str | None:
    parent = node.parent
    return getattr(parent, "text", None) if parent is not None and parent.depth() else None


def vlan_rule_of(rules: ConfigRules, node: Any) -> tuple[VlanList, set[int]] | None:
    """The VLAN-list rule a leaf line falls under, with the VLANs it adds (else None)."""
    if node.children:
        return None
    parent = _parent_text(node)
    for vl in rules.vlan_lists:
        m = vl.match(node.text)
        if m and vl.scope_matches(parent) and m.groupdict().get("kw") in (None, "add", "only"):
            return vl, vlan_set(vl.style, m["list"])
    return None


def scope_in(tree: Any, node: Any) -> Any:
    """The node of ``tree`` holding the same scope as ``node``'s parent (or None)."""
    parent = _parent_text(node)
    return tree if parent is None else tree.get_child(equals=parent)


# -- reading and remediation -------------------------------------------------------

def load(hdriver: Any, text: str, platform: str) -> Any:
    """``text`` parsed by ``hdriver``; unreadable config is a one-line DeviceError."""
    from hier_config import get_hconfig
    from hier_config.exceptions import DuplicateChildError

    try:
        return get_hconfig(hdriver, text)
    except DuplicateChildError as exc:
        raise DeviceError(
            f"cannot read the {platform} configuration: {exc} (a line repeated in one "
            "section: mis-indented, or a section end govnet does not know)") from exc
    except (ValueError, TypeError, IndexError) as exc:
        raise DeviceError(f"cannot read the {platform} configuration: {exc}") from exc


def remediation(rules: ConfigRules, current: Any, intended: Any) -> Any:
    """hier_config remediation from ``current`` to ``intended`` (HConfig trees), with
    VLAN lists handled as sets and removals ordered dependents first.

    Returns the remediation HConfig (its ``lines()`` / sorted children are the order
    to push).
    """
    from hier_config import WorkflowRemediation

    current, intended = current.deep_copy(), intended.deep_copy()
    changes: list[tuple[str | None, VlanList, set[int], set[int]]] = []
    for vl in rules.vlan_lists:
        scopes: list[tuple[str | None, Any, Any]] = [(None, current, intended)] \
            if vl.section is None else [
                (c.text, c, intended.get_child(equals=c.text)) for c in current.children
                if vl.scope_matches(c.text) and intended.get_child(equals=c.text) is not None]
        for name, have, want in scopes:
            before, after = scope_set(vl, have, leaves_only=True), scope_set(
                vl, want, leaves_only=True)
            for node in (have, want):
                for child in [c for c in node.children if not c.children and vl.match(c.text)]:
                    child.delete()
            if before != after:
                changes.append((name, vl, after - before, before - after))
    delta = WorkflowRemediation(current, intended).remediation_config
    for name, vl, added, removed in changes:
        scope = delta if name is None else (delta.get_child(equals=name)
                                            or delta.add_child(name))
        lines = [vl.remove.format(vlans=t) for t in vlan_text(vl.style, removed)]
        lines += [vl.add.format(vlans=t) for t in vlan_text(vl.style, added)]
        for line in lines:
            scope.add_child(line, check_if_present=False)
    delta.set_order_weight()
    for name, vl, added, removed in changes:
        section = delta.get_child(equals=name) if name is not None else None
        if section is not None and removed and not added and vl.after:
            section.order_weight = rules.weight(vl.after) + 5
    return delta


# -- the platforms' rule sets --------------------------------------------------------

_HUAWEI_LIST = r"\d+(?: to \d+)?(?: \d+(?: to \d+)?)*"
_HUAWEI_TRUNK = rf"port trunk allow-pass vlan (?P<list>all|{_HUAWEI_LIST})"
_IOS_TRUNK = r"switchport trunk allowed vlan (?:(?P<kw>add|remove|except|only) )?" \
    r"(?P<list>all|none|[\d,-]+)"

HUAWEI_VRP = ConfigRules(
    "quit", binds_vrf=("ip binding vpn-instance ",), acl_rule=r"^rule (\d+) ",
    vlan_lists=(
        VlanList(_HUAWEI_TRUNK, "port trunk allow-pass vlan {vlans}",
                 "undo port trunk allow-pass vlan {vlans}", "huawei",
                 section=r"interface ", after="undo interface "),
        VlanList(rf"vlan batch (?P<list>{_HUAWEI_LIST})", "vlan batch {vlans}",
                 "undo vlan batch {vlans}", "huawei"),
    ),
    removal_order=("undo ip route-static ", "undo ipv6 route-static ",
                   "undo traffic-filter vlan ", "undo interface ", "undo vlan ", "undo acl "))

H3C_COMWARE = ConfigRules(
    "quit", binds_vrf=("ip binding vpn-instance ",), acl_rule=r"^rule (\d+) ",
    vlan_lists=(
        VlanList(rf"port trunk permit vlan (?P<list>all|{_HUAWEI_LIST})",
                 "port trunk permit vlan {vlans}", "undo port trunk permit vlan {vlans}",
                 "huawei", section=r"interface ", after="undo interface "),
        VlanList(rf"vlan (?P<list>{_HUAWEI_LIST})", "vlan {vlans}", "undo vlan {vlans}", "huawei"),
    ),
    removal_order=("undo ip route-static ", "undo ipv6 route-static ", "undo interface ",
                   "undo vlan ", "undo acl "))

CISCO_IOS = ConfigRules(
    "exit", binds_vrf=("vrf forwarding ",),
    vlan_lists=(
        VlanList(_IOS_TRUNK, "switchport trunk allowed vlan add {vlans}",
                 "switchport trunk allowed vlan remove {vlans}", "cisco",
                 section=r"interface ", after="no interface ",
                 all_unless_listed=r"switchport mode trunk"),
        VlanList(r"vlan (?P<list>\d[\d,-]*)", "vlan {vlans}", "no vlan {vlans}", "cisco"),
    ),
    removal_order=("no ip route ", "no ipv6 route ", "no interface ", "no vlan ",
                   "no ip access-list ", "no ipv6 access-list "))

RUIJIE_OS = ConfigRules(
    "exit", binds_vrf=("vrf forwarding ", "ip vrf forwarding "),
    vlan_lists=(
        VlanList(_IOS_TRUNK, "switchport trunk allowed vlan add {vlans}",
                 "switchport trunk allowed vlan remove {vlans}", "cisco",
                 section=r"interface ", after="no interface ",
                 all_unless_listed=r"switchport mode trunk"),
        VlanList(r"vlan (?:range )?(?P<list>\d[\d,-]*)", "vlan range {vlans}",
                 "no vlan range {vlans}", "cisco"),
    ),
    removal_order=CISCO_IOS.removal_order)

FRR = ConfigRules("exit", drop=())  # FRR's own drops live in frr_hconfig_driver
