"""The address plan: a lazy tree of the plan, the selected node's detail and free
blocks, and the actions on it (allocate, delegate, reserve, release, applications).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from sqlmodel import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Input, Static, Tree
from textual.widgets.tree import TreeNode

from govnet.auth import Actor
from govnet.db import read, transaction
from govnet.models import Role
from ipam import applications, lookup, report, service
from ipam.view import prefix_dict
from tui.i18n import t
from tui.screens import queries
from tui.screens.base import GovnetScreen, io
from tui.screens.block_apps import BlockApplicationsScreen
from tui.screens.dialogs import ConfirmScreen
from tui.screens.plan_forms import AllocateForm, ApplyForm, DelegateForm, ReserveForm
from tui.screens.queries import Node
from tui.screens.sheet import SheetScreen
from tui.widgets.bars import compact
from tui.widgets.plain import PlainTable
from tui.widgets.plan_tree import PlanTree
from tui.widgets.prefix_view import detail_table

MUNICIPAL = {Role.admin, Role.municipal_operator}
ALLOCATORS = MUNICIPAL | {Role.district_operator}
# Which roles see which action (the service checks again and has the last word).
ACTION_ROLES: dict[str, set[Role]] = {
    "allocate": ALLOCATORS, "reserve": ALLOCATORS, "release": ALLOCATORS,
    "delegate": MUNICIPAL, "apply": ALLOCATORS,
    "applications": ALLOCATORS, "report": ALLOCATORS | {Role.authority, Role.auditor},
}

Write = Callable[[Session, Actor], str]


class PlanScreen(GovnetScreen):
    """VRF → pools → district blocks → allocations, and what to do with them."""

    TITLE_KEY = "nav.plan"
    MODE = "plan"
    BINDINGS = [
        Binding("n", "allocate", "plan.act.allocate"),
        Binding("g", "delegate", "plan.act.delegate"),
        Binding("s", "reserve", "plan.act.reserve"),
        Binding("x", "release", "plan.act.release"),
        Binding("b", "applications", "plan.act.applications"),
        Binding("a", "apply", "plan.act.apply"),
        Binding("u", "report", "plan.act.report"),
        Binding("slash", "search", "nav.search", key_display="/"),
        Binding("f5", "refresh", "nav.refresh"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.header()
        with Horizontal(id="plan"):
            with Vertical(id="plan-left"):
                yield Input(placeholder=t("plan.goto"), id="goto")
                yield PlanTree(id="tree")
            with Vertical(id="plan-right"):
                yield Static(t("plan.select"), id="detail")
                yield PlainTable(id="free", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.keep: dict[int, int] = {}  # tree node id → prefix id to put the cursor back on
        self.seek: str | None = None  # what "/" looks for
        self.query_one("#detail").border_title = t("plan.detail")
        free = self.query_one("#free", DataTable)
        free.border_title = t("plan.free")
        free.add_columns(t("col.prefix"), t("col.size"))
        self.query_one(PlanTree).focus()
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        roles = ACTION_ROLES.get(action)
        return roles is None or self.actor.role in roles

    # -- loading ------------------------------------------------------------------
    @property
    def plan_tree(self) -> PlanTree:
        return self.query_one(PlanTree)

    def reload(self) -> None:
        self.load_zones()

    @io("zones")
    def load_zones(self) -> None:
        self.ui(self.plan_tree.show_zones, queries.zones())

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Node]) -> None:
        if self.plan_tree.needs_load(event.node):
            self.load_children(event.node, 0)

    def on_tree_node_selected(self, event: Tree.NodeSelected[Node]) -> None:
        data = event.node.data
        if data is not None and data.kind == "more" and event.node.parent is not None:
            self.load_children(event.node.parent, data.offset)

    @io("children")
    def load_children(self, node: TreeNode[Node], offset: int) -> None:
        data = node.data
        assert data is not None
        parent_id = data.prefix.get("id") if data.kind == "prefix" else None
        children, more = queries.children(self.actor, data.vrf_id, parent_id, offset)
        self.ui(self.filled, node, children, more, offset)

    def filled(self, node: TreeNode[Node], children: list[Node], more: bool, offset: int
               ) -> None:
        """Show a page of children; the row the cursor was on before a refresh gets it back."""
        tree = self.plan_tree
        tree.fill(node, children, more, offset)
        keep = self.keep.pop(node.id, None)
        if keep is not None:
            again = tree.by_prefix.get(keep)
            # a new node has its line once the tree has laid out again
            self.call_after_refresh(tree.move_cursor, again if again is not None else node)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Node]) -> None:
        data = event.node.data
        if data is not None and data.kind == "prefix":
            self.load_detail(data.vrf, data.prefix["prefix"], None)

    @io("detail")
    def load_detail(self, vrf: str | None, cidr: str, node: TreeNode[Node] | None) -> None:
        data, free = queries.detail(self.actor, vrf, cidr)
        self.ui(self.show_detail, data, free, node)

    def show_detail(self, data: Node, free: list[str], node: TreeNode[Node] | None) -> None:
        self.detail_node = data
        self.query_one("#detail", Static).update(detail_table(data))
        table = self.query_one("#free", DataTable)
        table.clear()
        for cidr in free[:2000]:
            length = int(cidr.rsplit("/", 1)[1])
            table.add_row(cidr, compact(2 ** ((32 if ":" not in cidr else 128) - length)))
        if not free:
            table.add_row(Text(t("plan.free_none"), style="dim"), "")
        if node is not None:
            self.plan_tree.relabel(node, data)
        elif self.seek is not None:  # found by "/": point at it if its branch is open
            self.seek = None
            tree = self.plan_tree
            found = tree.by_prefix.get(data.prefix["id"])
            if found is not None and found is not tree.cursor_node \
                    and tree._tree_nodes.get(found.id) is found:
                tree.move_cursor(found)

    # -- what is selected ------------------------------------------------------------
    def selected(self) -> TreeNode[Node] | None:
        node = self.plan_tree.cursor_node
        return node if node is not None and node.data is not None and \
            node.data.kind == "prefix" else None

    def selected_parent(self) -> TreeNode[Node] | None:
        node = self.selected()
        if node is None or not node.data or not node.data.is_parent:
            self.notify(t("plan.need_parent"), severity="warning")
            return None
        return node

    def action_search(self) -> None:
        self.query_one("#goto", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "goto" and event.value.strip():
            node = self.plan_tree.cursor_node
            zone = node.data.vrf if node is not None and node.data else None
            self.seek = event.value.strip()
            self.find(zone, self.seek)
            self.plan_tree.focus()

    @io("detail")
    def find(self, zone: str | None, text: str) -> None:
        """A prefix, or a bare address: the innermost prefix holding it (longest match),
        in the zone of the cursor if it has one there."""
        cidr = text
        if "/" not in text:
            with read() as s:
                found = [prefix_dict(s, p) for p in lookup.lookup(s, self.actor, text)]
            pick = next((f for f in found if f["vrf"] == zone), found[0])
            cidr, zone = pick["prefix"], pick["vrf"]
            self.seek = cidr
        data, free = queries.detail(self.actor, zone, cidr)
        self.ui(self.show_detail, data, free, None)

    # -- actions ----------------------------------------------------------------------
    def action_allocate(self) -> None:
        node = self.selected_parent()
        if node is not None:
            vrf, within = node.data.vrf, node.data.prefix["prefix"]  # type: ignore[union-attr]
            self.with_choices(lambda _d, units: self.app.push_screen(
                AllocateForm(within, units).saving(lambda s, a, spec: t(
                    "plan.allocated", cidr=service.allocate(s, a, vrf=vrf, **spec).cidr,
                    owner=spec["owner"])), lambda spec: self.saved(spec, node)))

    def action_delegate(self) -> None:
        node = self.selected_parent()
        if node is not None:
            vrf, pool = node.data.vrf, node.data.prefix["prefix"]  # type: ignore[union-attr]
            self.with_choices(lambda districts, _u: self.app.push_screen(
                DelegateForm(pool, districts).saving(lambda s, a, spec: t(
                    "plan.delegated", cidr=service.delegate(s, a, vrf=vrf, **spec).cidr,
                    district=spec["district"])), lambda spec: self.saved(spec, node)))

    def action_reserve(self) -> None:
        node = self.selected_parent()
        if node is not None:
            table = self.query_one("#free", DataTable)
            first = str(table.get_row_at(0)[0]) if table.row_count else ""
            vrf = node.data.vrf  # type: ignore[union-attr]
            form = ReserveForm(first if "/" in first else "").saving(lambda s, a, spec: t(
                "plan.reserved", cidr=service.reserve(s, a, vrf=vrf, **spec).cidr))
            self.app.push_screen(form, lambda spec: self.saved(spec, node))

    def saved(self, spec: object, node: TreeNode[Node] | None) -> None:
        """A form closed: refresh ``node`` when it saved something."""
        if spec and node is not None and node.data is not None:
            self.refresh_node(node)

    def action_release(self) -> None:
        node = self.selected()
        if node is None or node.data is None:
            self.notify(t("plan.need_prefix"), severity="warning")
            return
        p, vrf = node.data.prefix, node.data.vrf
        question = t("plan.release_q", cidr=p["prefix"], owner=p["owner"] or p["district"] or "",
                     days=self.govnet_quarantine_days())
        parent = node.parent

        def release(s: Session, a: Actor) -> str:
            service.release(s, a, p["prefix"], vrf=vrf)
            return t("plan.released", cidr=p["prefix"])

        self.app.push_screen(ConfirmScreen(question),
                             lambda yes: yes and self.write(release, parent))

    def govnet_quarantine_days(self) -> int:
        from govnet.settings import settings

        return settings().quarantine_days

    def action_applications(self) -> None:
        def closed(changed: bool | None) -> None:
            if changed:
                self.reload()

        self.app.push_screen(BlockApplicationsScreen(), closed)

    def action_apply(self) -> None:
        self.with_choices(lambda districts, _u: self.app.push_screen(
            ApplyForm(districts).saving(lambda s, a, spec: t(
                "plan.applied", n=applications.apply(s, a, **spec).id))))

    def action_report(self) -> None:
        """The district's usage report to the municipal agency (Art. 25), as Markdown."""
        node = self.selected()
        district = self.actor.district_name or (
            node.data.prefix.get("district") if node is not None and node.data else None)
        if not district:
            self.notify(t("plan.need_district"), severity="warning")
            return
        self.load_report(district)

    @io("report")
    def load_report(self, district: str) -> None:
        with read() as s:
            text = report.report(s, self.actor, district=district, fmt="md")
        self.ui(self.app.push_screen, SheetScreen(t("plan.report_title", district=district),
                                                  text))

    # -- running the services -----------------------------------------------------------
    @io("choices")
    def with_choices(self, then: Callable[[list[str], list[str]], Any]) -> None:
        districts, units = queries.choices(self.actor)
        self.ui(then, districts, units)

    @io("write")
    def write(self, change: Write, node: TreeNode[Node] | None) -> None:
        """Run one service call in its own transaction, then refresh ``node``."""
        with transaction() as s:
            message = change(s, self.actor)
        self.app.call_from_thread(self.notify, message, title=t("done"))
        if node is not None and node.data is not None:
            self.app.call_from_thread(self.refresh_node, node)

    def refresh_node(self, node: TreeNode[Node]) -> None:
        """Reload ``node`` and its open children; the cursor stays on its row, or on ``node``
        while the children load (it never wanders to another prefix)."""
        was_open = node.is_expanded
        cursor = self.plan_tree.cursor_node
        if cursor is not None and cursor.parent is node and cursor.data is not None \
                and cursor.data.kind == "prefix":
            self.keep[node.id] = cursor.data.prefix["id"]
            self.plan_tree.move_cursor(node)
        self.plan_tree.forget(node)
        if node.data is not None and node.data.kind == "prefix":
            self.load_detail(node.data.vrf, node.data.prefix["prefix"], node)
        if was_open:
            self.load_children(node, 0)
