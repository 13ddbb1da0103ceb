"""Running config vs intended attachment: what is missing, what is present, what to undo.

Provisioning is idempotent because it never pushes the rendered lines blindly:
``missing`` parses the device's running config and the rendered attach lines
with hier_config and keeps only the rendered lines the device lacks (an already
connected unit gets an empty list: nothing is pushed). ``present`` is the
converse, used by disconnection: all attach lines present → push the detach
template as rendered; none → nothing; some (a half-done push) → hier_config
remediation towards "running without those lines".

The platform's rules are its driver's (``inventory.drivers.hconfig``: one rule set
per platform, used by the driver's rollback remediation too), applied here after
hier_config:

* separator and section-end lines (``#``, ``quit``, ``exit``, ``!``) are dropped
  when parsing; Comware's one-space-indented global blocks are dedented; a config
  that cannot be read is a DeviceError naming the line;
* VLAN lists are sets: a wanted ``port trunk allow-pass vlan 100`` is present when
  the device prints ``port trunk allow-pass vlan 100 1307 to 1312``, and undoing it
  removes VLAN 100 only;
* binding an interface to a VRF clears its addresses (Huawei/Comware ``ip binding
  vpn-instance``, IOS/Ruijie ``vrf forwarding``): if the binding is missing, every
  address line of that interface is pushed again, after the binding;
* redefining a Huawei/Comware ACL rule id merges fields: a changed ``rule N``
  is preceded by ``undo rule N``;
* negations are the driver's (``undo rule 5``, ``undo description``) and removals
  are pushed dependents first.

Examples:
    >>> missing("frr", "interface ethu1.100\\n ip address 10.1.1.1/31\\nexit\\n",
    ...         ["interface ethu1.100", " description A", " ip address 10.1.1.1/31", "exit"])
    ['interface ethu1.100', ' description A', 'exit']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from inventory.drivers import hconfig
from inventory.drivers.hconfig import ConfigRules


def _drivers(platform: str) -> Any:
    from inventory.drivers import rules_driver

    return rules_driver(platform)


def rules(platform: str) -> ConfigRules:
    """The platform's configuration rules (its driver's); InvalidInput if unknown."""
    return _drivers(platform).config_rules  # type: ignore[no-any-return]


def parse(platform: str, config: str | Sequence[str]) -> Any:
    """An HConfig tree of ``config`` (text or lines) with the platform's rules."""
    text = config if isinstance(config, str) else "\n".join(config)
    return _drivers(platform).parse(text)


def _emit(platform: str, nodes: Any, depth: int = 0) -> list[str]:
    """Lines of HConfig children in push order, one space per level, each section closed."""
    end = rules(platform).section_end
    lines: list[str] = []
    for node in sorted(nodes):
        lines.append(" " * depth + node.text)
        if node.children:
            lines += _emit(platform, node.children, depth + 1)
            lines.append(" " * depth + end)
    return lines


def _lacking(r: ConfigRules, have: Any, want: Any) -> Any:
    """``want`` minus ``have``, VLAN-list lines compared as sets."""
    diff = want.difference(have)
    for node in list(diff.all_children()):
        found = hconfig.vlan_rule_of(r, node)
        if found is None:
            continue
        vl, vlans = found
        scope = hconfig.scope_in(have, node)
        if scope is not None and vlans <= hconfig.scope_set(vl, scope, implicit=True):
            parent = node.parent
            node.delete()
            if parent is not diff and not parent.children:
                parent.delete()
    return diff


def missing(platform: str, running: str, wanted: Sequence[str]) -> list[str]:
    """The lines of ``wanted`` that ``running`` lacks, in push order, with govnet's fixes."""
    r = rules(platform)
    have, want = parse(platform, running), parse(platform, wanted)
    diff = _lacking(r, have, want)
    for section in list(diff.children):
        have_section = have.get_child(equals=section.text)
        want_section = want.get_child(equals=section.text)
        if have_section is None or want_section is None:
            continue
        _rebind_addresses(r, section, want_section)
        _undo_redefined_rules(r, section, have_section)
    return _emit(platform, diff.children)


def _rebind_addresses(r: ConfigRules, section: Any, wanted: Any) -> None:
    """A missing VRF binding clears the interface's addresses: push them all again."""
    if not any(c.text.startswith(r.binds_vrf) for c in section.children) or not r.binds_vrf:
        return
    for child in wanted.children:
        if child.text.startswith(r.addresses) and section.get_child(equals=child.text) is None:
            section.add_child(child.text)
    bind = [c for c in section.children if c.text.startswith(r.binds_vrf)]
    rest = [c for c in section.children if not c.text.startswith(r.binds_vrf)]
    before = [c for c in rest if not c.text.startswith(r.addresses)]
    after = [c for c in rest if c.text.startswith(r.addresses)]
    _reorder(section, before + bind + after)


def _undo_redefined_rules(r: ConfigRules, section: Any, have: Any) -> None:
    """``rule N …`` that exists with other fields: undo it first (fields would merge)."""
    if r.acl_rule is None:
        return
    pattern = re.compile(r.acl_rule)
    existing = {m[1] for c in have.children if (m := pattern.match(c.text))}
    order = []
    for child in list(section.children):
        m = pattern.match(child.text)
        if m and m[1] in existing:
            order.append(section.add_child(r.acl_undo.format(id=m[1]), check_if_present=False))
        order.append(child)
    _reorder(section, order)


def _reorder(section: Any, children: list[Any]) -> None:
    texts = [c.text for c in children]
    for child in list(section.children):
        child.delete()
    for text in texts:
        section.add_child(text, check_if_present=False)


def present(platform: str, running: str, wanted: Sequence[str]) -> list[str]:
    """The leaf lines of ``wanted`` that ``running`` already has (section paths joined)."""
    have, want = parse(platform, running), parse(platform, wanted)
    gone = {tuple(c.path()) for c in _lacking(rules(platform), have, want).all_children()
            if not c.children}
    return [" / ".join(c.path()) for c in want.all_children()
            if not c.children and tuple(c.path()) not in gone]


def leaves(platform: str, wanted: Sequence[str]) -> list[str]:
    """Every leaf line of ``wanted`` (same form as :func:`present`)."""
    return [" / ".join(c.path()) for c in parse(platform, wanted).all_children()
            if not c.children]


def undo(platform: str, running: str, attach: Sequence[str], detach: Sequence[str]
         ) -> list[str]:
    """Lines that remove the attachment from ``running``, however much of it is there.

    All of it present: the detach template as rendered (its tested inverse). None:
    nothing. Part of it: hier_config remediation from running to running without
    the present lines, with govnet's negation fixes.
    """
    there, every = present(platform, running, attach), leaves(platform, attach)
    if not there:
        return []
    if len(there) == len(every):
        return list(detach)
    r = rules(platform)
    have = parse(platform, running)
    target = have.deep_copy()
    for child in list(parse(platform, attach).all_children()):
        if child.children:
            continue
        found = hconfig.vlan_rule_of(r, child)
        if found is not None:
            _drop_vlans(target, child, *found)
            continue
        node = _find(target, list(child.path()))
        if node is not None:
            node.delete()
    return _emit(platform, hconfig.remediation(r, have, target).children)


def _drop_vlans(tree: Any, wanted: Any, vl: hconfig.VlanList, vlans: set[int]) -> None:
    """Rewrite ``wanted``'s scope in ``tree`` so its VLAN set lacks ``vlans``."""
    scope = hconfig.scope_in(tree, wanted)
    if scope is None:
        return
    left = hconfig.scope_set(vl, scope, leaves_only=True) - vlans
    for child in [c for c in scope.children if not c.children and vl.match(c.text)]:
        child.delete()
    for text in hconfig.vlan_text(vl.style, left):
        scope.add_child(vl.add.format(vlans=text), check_if_present=False)


def _find(tree: Any, path: list[str]) -> Any:
    node = tree
    for text in path:
        node = node.get_child(equals=text)
        if node is None:
            return None
    return node


def diff_text(kind: str, lines: Sequence[str]) -> str:
    """Lines to push as a diff for people: ``+`` added on attach, the undo lines on detach."""
    mark = "+" if kind == "attach" else "-"
    return "\n".join(f"{mark} {line}" for line in lines)
