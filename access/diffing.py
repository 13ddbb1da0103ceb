"""Running config vs intended attachment: what is missing, what is present, what to undo.

Provisioning is idempotent because it never pushes the rendered lines blindly:
``missing`` parses the device's running config and the rendered attach lines
with hier_config and keeps only the rendered lines the device lacks (an already
connected unit gets an empty list: nothing is pushed). ``present`` is the
converse, used by disconnection: all attach lines present → push the detach
template as rendered; none → nothing; some (a half-done push) → hier_config
remediation towards "running without those lines".

hier_config's platform rules fall short in known places (VENDORS.md); govnet's
own rules are data in :data:`RULES`, applied after hier_config:

* separator and section-end lines (``#``, ``quit``, ``exit``, ``!``) are dropped
  before parsing; Comware's one-space-indented global blocks are dedented;
* binding an interface to a VRF clears its addresses (Huawei/Comware ``ip binding
  vpn-instance``, IOS/Ruijie ``vrf forwarding``): if the binding is missing, every
  address line of that interface is pushed again, after the binding;
* redefining a Huawei/Comware ACL rule id merges fields: a changed ``rule N``
  is preceded by ``undo rule N``;
* negations hier_config gets wrong are rewritten (``undo rule 5 permit …`` →
  ``undo rule 5``; ``undo description OLD`` → ``undo description``).

Examples:
    >>> missing("frr", "interface ethu1.100\\n ip address 10.1.1.1/31\\nexit\\n",
    ...         ["interface ethu1.100", " description A", " ip address 10.1.1.1/31", "exit"])
    ['interface ethu1.100', ' description A', 'exit']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from govnet.errors import InvalidInput


@dataclass(frozen=True)
class DiffRules:
    """govnet's additions to hier_config for one platform (data, not code)."""

    hier_platform: str  # hier_config Platform name, or "frr" for the FRR rules
    section_end: str  # the line that leaves a section when pushing
    drop: tuple[str, ...] = (r"^\s*!.*$", r"^\s*#.*$", r"^\s*(exit|quit|return|end)$")
    binds_vrf: tuple[str, ...] = ()  # interface lines that clear the addresses
    addresses: tuple[str, ...] = ("ip address ", "ipv6 address ")
    acl_rule: str | None = None  # ACL child whose id must be undone before redefinition
    acl_undo: str = "undo rule {id}"
    rewrite: tuple[tuple[str, str], ...] = field(default=())  # negation fixes
    dedent_blocks: bool = False  # Comware: one-space-indented global blocks


_HUAWEI_FIXES = ((r"^(\s*)undo rule (\d+) .*$", r"\1undo rule \2"),
                 (r"^(\s*)undo description .*$", r"\1undo description"))

RULES: dict[str, DiffRules] = {
    "frr": DiffRules("frr", "exit"),
    "huawei_vrp": DiffRules("HUAWEI_VRP", "quit", binds_vrf=("ip binding vpn-instance ",),
                            acl_rule=r"^rule (\d+) ", rewrite=_HUAWEI_FIXES),
    "huawei_vrpv8": DiffRules("HUAWEI_VRP", "quit", binds_vrf=("ip binding vpn-instance ",),
                              acl_rule=r"^rule (\d+) ", rewrite=_HUAWEI_FIXES),
    "h3c_comware": DiffRules("HP_COMWARE5", "quit", binds_vrf=("ip binding vpn-instance ",),
                             acl_rule=r"^rule (\d+) ", rewrite=_HUAWEI_FIXES,
                             dedent_blocks=True),
    "cisco_ios": DiffRules("CISCO_IOS", "exit", binds_vrf=("vrf forwarding ",)),
    "ruijie_os": DiffRules("CISCO_IOS", "exit",
                           binds_vrf=("vrf forwarding ", "ip vrf forwarding ")),
}


def rules(platform: str) -> DiffRules:
    try:
        return RULES[platform]
    except KeyError:
        raise InvalidInput(f"no diff rules for platform {platform!r}; known: "
                           f"{', '.join(sorted(RULES))}") from None


@cache
def _driver(platform: str) -> Any:
    """hier_config driver for ``platform`` with govnet's line drops added."""
    from hier_config import Platform, get_hconfig_driver
    from hier_config.models import PerLineSubRule

    r = rules(platform)
    if r.hier_platform == "frr":
        from inventory.drivers.frr import frr_hconfig_driver

        driver = frr_hconfig_driver()
    else:
        driver = get_hconfig_driver(Platform[r.hier_platform])
    driver.rules.per_line_sub.extend(PerLineSubRule(search=p, replace="") for p in r.drop)
    return driver


def _normalize(platform: str, text: str) -> str:
    """Undo platform output quirks hier_config cannot parse (Comware block indentation)."""
    if not rules(platform).dedent_blocks:
        return text
    out: list[str] = []
    block: list[str] = []
    for line in [*text.splitlines(), "#"]:
        if line.strip() == "#":
            if block and block[0].startswith(" ") and not block[0].startswith("  "):
                block = [b[1:] if b.startswith(" ") else b for b in block]
            out += [*block, "#"]
            block = []
        else:
            block.append(line)
    return "\n".join(out[:-1])


def parse(platform: str, config: str | Sequence[str]) -> Any:
    """An HConfig tree of ``config`` (text or lines) with govnet's rules."""
    from hier_config import get_hconfig

    text = config if isinstance(config, str) else "\n".join(config)
    return get_hconfig(_driver(platform), _normalize(platform, text))


def _emit(platform: str, nodes: Any, depth: int = 0) -> list[str]:
    """Lines of HConfig children, one space per level, each section closed."""
    end = rules(platform).section_end
    lines: list[str] = []
    for node in nodes:
        lines.append(" " * depth + node.text)
        if node.children:
            lines += _emit(platform, node.children, depth + 1)
            lines.append(" " * depth + end)
    return lines


def missing(platform: str, running: str, wanted: Sequence[str]) -> list[str]:
    """The lines of ``wanted`` that ``running`` lacks, in push order, with govnet's fixes."""
    r = rules(platform)
    have, want = parse(platform, running), parse(platform, wanted)
    diff = want.difference(have)
    for section in list(diff.children):
        have_section = have.get_child(equals=section.text)
        want_section = want.get_child(equals=section.text)
        if have_section is None or want_section is None:
            continue
        _rebind_addresses(r, section, want_section)
        _undo_redefined_rules(r, section, have_section)
    return _emit(platform, diff.children)


def _rebind_addresses(r: DiffRules, section: Any, wanted: Any) -> None:
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


def _undo_redefined_rules(r: DiffRules, section: Any, have: Any) -> None:
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
    gone = {tuple(c.path()) for c in want.difference(have).all_children() if not c.children}
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
    from hier_config import WorkflowRemediation

    have = parse(platform, running)
    target = have.deep_copy()
    for child in list(parse(platform, attach).all_children()):
        if child.children:
            continue
        node = _find(target, list(child.path()))
        if node is not None:
            node.delete()
    lines = _emit(platform, WorkflowRemediation(have, target).remediation_config.children)
    for search, replace in rules(platform).rewrite:
        lines = [re.sub(search, replace, line) for line in lines]
    return lines


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
