"""Devices: the inventory with reachability as last checked, a device's ports and VLANs
in use, its backups, and a highlighted diff between its last two snapshots.

Nothing here contacts a device unless the user asks (check, backup).
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from govnet.models import Role
from tui.i18n import t
from tui.screens import device_queries as dq
from tui.screens.base import io
from tui.screens.listing import ListScreen
from tui.widgets.diffview import highlight_diff
from tui.widgets.plain import PlainGrid

READERS = {Role.admin, Role.authority, Role.municipal_operator, Role.auditor,
           Role.district_operator}
OPERATORS = {Role.admin, Role.municipal_operator, Role.district_operator}


def when(value: str | None) -> str | None:
    """An ISO timestamp as people read it: 2026-03-01 09:30:00."""
    return value[:19].replace("T", " ") if value else None


def reach(d: dict[str, Any]) -> Text:
    """Reachability as the last check found it (a demo device is never contacted)."""
    ok = d["last_check_ok"]
    if ok is None:
        text = Text(t("dev.demo" if d["demo"] else "dash.unchecked"), style="dim")
    else:
        text = Text("✔ " + t("dash.reachable"), style="green") if ok else \
            Text("✘ " + t("dash.unreachable"), style="red")
    return text


def device_view(d: dict[str, Any]) -> Group:
    head = PlainGrid.grid(padding=(0, 2))
    head.add_column(style="bold", no_wrap=True)
    head.add_column()
    for key, value in (("col.device", d["name"]), ("col.platform", d["platform"]),
                       ("col.host", f"{d['host']}:{d['port']}"), ("col.role", d["role"]),
                       ("col.district", d["district"]), ("col.site", d["site"]),
                       ("col.reach", reach(d)), ("col.checked", when(d["last_check_at"])),
                       ("f.last_error", d["last_error"])):
        if value:
            head.add_row(t(key), value)
    ports = PlainGrid(title=t("dev.ports"), title_justify="left", expand=True, show_edge=False,
                  box=box.SIMPLE_HEAD)
    ports.add_column(t("col.port"), no_wrap=True)
    ports.add_column(t("col.vlans"), no_wrap=True)
    ports.add_column(t("dev.in_use"))
    for p in d["ports"]:
        used = ", ".join(f"{c['vlan']} {c['owner']}" for c in p["in_use"]) or "—"
        ports.add_row(p["name"], p["vlans"], used)
    snaps = PlainGrid(title=t("dev.backups"), title_justify="left", expand=True, show_edge=False,
                  box=box.SIMPLE_HEAD)
    for key in ("col.time", "col.hash", "col.actor"):
        snaps.add_column(t(key))
    for snap in d["snapshots"]:
        snaps.add_row(snap["taken_at"], snap["sha256"][:12], snap["by"])
    if not d["snapshots"]:
        snaps.add_row(Text(t("dev.no_backup"), style="dim"), "", "")
    return Group(head, Text(""), ports, Text(""), snaps, Text(""))


class DevicesScreen(ListScreen):
    TITLE_KEY = "nav.devices"
    MODE = "devices"
    BINDINGS = [
        Binding("slash", "search", "nav.search", key_display="/"),
        Binding("c", "check", "dev.act.check"),
        Binding("b", "backup", "dev.act.backup"),
        Binding("d", "diff", "dev.act.diff"),
        Binding("f5", "refresh", "nav.refresh"),
    ]
    LIST_ID = "devices"
    PANE = "dev"
    COLUMNS = ("col.device", "col.platform", "col.host", "col.role", "col.district",
               "col.reach")
    DETAIL_TITLE = "dev.detail"
    EMPTY_KEY = "dev.none"
    SEARCH_KEYS = ("name", "host", "platform", "district", "site")

    def side(self) -> ComposeResult:
        yield Static("", id="dev-detail")
        yield Static("", id="dev-diff")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("check", "backup"):
            return self.actor.role in OPERATORS
        return True

    def readable(self) -> bool:
        return self.actor.role in READERS

    @io("devices")
    def load(self, state: str | None) -> None:  # no state filter
        self.ui(self.show, dq.devices(self.actor))

    def cells(self, d: dict[str, Any]) -> tuple[Any, ...]:
        return d["name"], d["platform"], d["host"], d["role"], d["district"] or "—", reach(d)

    def row_key(self, d: dict[str, Any]) -> str:
        return str(d["name"])

    def show_detail(self) -> None:
        """After filling the list: the detail follows the highlight (a worker reads it)."""
        if not self.shown:
            self.detail_box.update(self.empty_detail())

    def highlighted(self) -> None:
        d = self.current()
        if d and d["name"]:
            self.query_one("#dev-diff", Static).update("")
            self.load_device(str(d["name"]))

    @io("device")
    def load_device(self, name: str) -> None:
        self.ui(self.query_one("#dev-detail", Static).update, device_view(dq.device(self.actor,
                                                                                     name)))

    def chosen(self) -> str | None:
        d = self.current()
        name = None if d is None else str(d["name"])
        if name is None:
            self.notify(t("dev.need"), severity="warning")
        return name

    def action_diff(self) -> None:
        name = self.chosen()
        if name:
            self.load_diff(name)

    @io("diff")
    def load_diff(self, name: str) -> None:
        text = dq.diff(self.actor, name)
        body = highlight_diff(text) if text else Text(t("dev.no_diff"), style="dim")
        title = Text(t("dev.diff") + "\n", style="bold underline")
        self.ui(self.query_one("#dev-diff", Static).update, title + body)

    def action_check(self) -> None:
        name = self.chosen()
        if name:
            self.notify(t("dev.working", name=name))
            self.contact(name, "check")

    def action_backup(self) -> None:
        name = self.chosen()
        if name:
            self.notify(t("dev.working", name=name))
            self.contact(name, "backup")

    @io("contact")
    def contact(self, name: str, what: str) -> None:
        """Talk to the device (the user asked); record what it said; show it."""
        try:
            if what == "check":
                dq.check(self.actor, name)
                message = t("dev.checked", name=name, result=t("dash.reachable"))
            else:
                changed = dq.take_backup(self.actor, name)
                message = t("dev.backed_up", name=name,
                            what=t("dev.changed" if changed else "dev.unchanged"))
            self.app.call_from_thread(self.notify, message, title=t("done"))
        finally:  # a failed contact is recorded too: show what it found
            self.app.call_from_thread(self.reload)
            self.app.call_from_thread(self.load_device, name)
