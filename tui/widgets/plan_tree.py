"""The address plan as a tree: zone → pools → district blocks → allocations.

The tree only shows; the screen loads. Expanding a node for the first time posts
Textual's ``NodeExpanded``; the screen fetches one page of children in a worker
and hands it down with :meth:`PlanTree.fill`. A page that has more behind it
ends in a "load more" leaf, so a block with 100,000 allocations opens as fast
as one with ten.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tui.i18n import status, t
from tui.screens import queries
from tui.screens.queries import Node
from tui.widgets.bars import bar, level

STATUS_STYLE = {"container": "bold cyan", "delegated": "bold blue", "allocated": "",
                "reserved": "magenta", "quarantined": "dim yellow"}


def label(node: Node) -> Text:
    """One line: CIDR, status, who holds it, and a usage bar for parents."""
    if node.kind == "vrf":
        return Text(node.vrf, style="bold")
    if node.kind == "more":
        return Text(t("plan.more", n=queries.PAGE, shown=node.offset), style="italic dim")
    p = node.prefix
    text = Text(p["prefix"], style=STATUS_STYLE.get(p["status"], ""))
    text.append(f"  {status(p['status'])}", style="dim")
    holder = p.get("owner") or p.get("district")
    if holder:
        text.append(f"  {holder}")
    if node.is_parent:
        text.append("  ")
        text.append_text(bar(node.percent, 10))
        text.append(f" {node.percent:4.1f}%", style=level(node.percent))
    elif p.get("description"):
        text.append(f"  {p['description'][:30]}", style="dim italic")
    return text


class PlanTree(Tree[Node]):
    """A lazily filled tree of the plan; nodes carry :class:`Node` data."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(t("plan.root"), id=id)
        self.show_root = False
        self.guide_depth = 3
        self.loaded: set[int] = set()  # TreeNode ids whose first page is in
        self.by_prefix: dict[int, TreeNode[Node]] = {}

    def show_zones(self, zones: list[Node]) -> None:
        self.clear()
        self.loaded.clear()
        self.by_prefix.clear()
        for zone in zones:
            self.root.add(label(zone), data=zone, allow_expand=True)
        self.root.expand()

    def needs_load(self, node: TreeNode[Node]) -> bool:
        return node.data is not None and node.data.is_parent and node.id not in self.loaded

    def fill(self, node: TreeNode[Node], children: list[Node], more: bool, offset: int) -> None:
        """Add one page of ``node``'s children (replacing its "more" leaf)."""
        self.loaded.add(node.id)
        if offset == 0:  # a first page replaces whatever a concurrent load put there
            self.forget(node)
            self.loaded.add(node.id)
        for old in list(node.children):
            if old.data is not None and old.data.kind == "more":
                old.remove()
        for data in children:
            added = node.add(label(data), data=data, allow_expand=data.is_parent)
            self.by_prefix[data.prefix["id"]] = added
        if more:
            shown = offset + len(children)
            marker = Node("more", node.data.vrf_id if node.data else 0, "",
                          parent_id=node.data.prefix.get("id") if node.data else None,
                          offset=shown)
            node.add_leaf(label(marker), data=marker)

    def forget(self, node: TreeNode[Node]) -> None:
        """Drop ``node``'s children so the next expansion loads them afresh."""
        for child in node.children:
            if child.data is not None and child.data.kind == "prefix":
                self.by_prefix.pop(child.data.prefix["id"], None)
        node.remove_children()
        self.loaded.discard(node.id)

    def relabel(self, node: TreeNode[Node], data: Node) -> None:
        node.data = data
        node.set_label(label(data))
