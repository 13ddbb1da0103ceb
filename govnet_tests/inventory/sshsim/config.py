"""Configuration state of a simulated device (test double).

A tree of lines, edited the way the CLI edits it: a line opening a section
(``interface …``, ``acl number …``) enters it; other lines go into the current
section unless they are global (``ip route-static …``); a negated line
(``undo X`` / ``no X``) removes the entry equal to ``X`` or starting with ``X ``.
Indentation is ignored, as on the devices.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field


@dataclass
class Node:
    """One configuration line and the lines nested under it."""

    text: str
    children: list[Node] = field(default_factory=list)

    def find(self, text: str) -> Node | None:
        return next((c for c in self.children if c.text == text), None)

    def lines(self, depth: int = 0, indent: str = " ") -> list[str]:
        out = [indent * depth + self.text]
        for child in self.children:
            out += child.lines(depth + 1, indent)
        return out


@dataclass(frozen=True)
class Grammar:
    """How a dialect's configuration lines nest (regexes on the stripped line)."""

    negation: str  # "undo " or "no "
    top_openers: str  # sections opened at the top level
    nested_openers: str  # sections opened inside the current one
    global_lines: str  # lines that always belong to the top level
    single_valued: str  # keywords of which a section holds one (description, …)


class ConfigTree:
    """The configuration of one device and the edits a session makes to it."""

    def __init__(self, grammar: Grammar, lines: list[str]) -> None:
        self.grammar = grammar
        self.root = Node("")
        view: list[str] = []
        for line in lines:
            view = self.edit(view, line)

    def copy(self) -> ConfigTree:
        return copy.deepcopy(self)

    def node(self, view: list[str]) -> Node:
        node = self.root
        for text in view:
            found = node.find(text)
            if found is None:
                return self.root
            node = found
        return node

    def edit(self, view: list[str], line: str) -> list[str]:
        """Apply one config line in ``view``; return the view after it."""
        g = self.grammar
        text = line.strip()
        negated = text.startswith(g.negation)
        body = text[len(g.negation):] if negated else text
        if re.match(g.top_openers, body) or re.match(g.global_lines, body):
            view = []
        elif view and re.match(g.nested_openers, body) and re.match(g.nested_openers, view[-1]):
            view = view[:-1]  # a sibling family/address-family view: the CLI climbs one up
        parent = self.node(view)
        if negated:
            parent.children = [c for c in parent.children
                               if not (c.text == body or c.text.startswith(body + " "))]
            return view
        opener = re.match(g.top_openers, body) or re.match(g.nested_openers, body)
        existing = parent.find(body)
        if existing is None:
            key = re.match(g.single_valued, body)
            if key:
                parent.children = [c for c in parent.children
                                   if not c.text.startswith(key.group(0))]
            parent.children.append(Node(body))
        return [*view, body] if opener else view

    def lines(self) -> list[str]:
        """Top-level sections, each as its lines (indented one space per level)."""
        return [line for node in self.root.children for line in node.lines()]

    def sections(self) -> list[list[str]]:
        return [node.lines() for node in self.root.children]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ConfigTree) and self.lines() == other.lines()
