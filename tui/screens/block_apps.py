"""District block applications (Art. 25): the queue, approve (delegate) or reject."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Label

from govnet.db import transaction
from ipam import applications
from tui.i18n import status, t
from tui.screens import queries
from tui.screens.base import io, translate_bindings
from tui.screens.dialogs import TextScreen
from tui.widgets.plain import PlainTable


class BlockApplicationsScreen(ModalScreen[bool]):
    """The applications the actor may see; dismisses True if anything changed."""

    BINDINGS = [Binding("escape", "close", "nav.close"),
                Binding("o", "approve", "apps.approve"),
                Binding("j", "reject", "apps.reject")]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.changed = False
        self.rows: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(t("apps.title"), classes="dialog-title")
            yield PlainTable(id="apps", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key in ("col.id", "col.district", "col.vrf", "col.length", "col.status",
                    "col.applicant", "col.prefix", "col.reason"):
            table.add_column(t(key), key=key)
        table.focus()
        self.load()

    @io("apps")
    def load(self) -> None:
        rows = queries.block_applications(self.app.actor)  # type: ignore[attr-defined]
        self.app.call_from_thread(self.show, rows)

    def show(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        for r in rows:
            table.add_row(str(r["id"]), r["district"], r["vrf"], r["size"], status(r["status"]),
                          r["applicant"], r["prefix"] or "", r["reason"], key=str(r["id"]))

    def current(self) -> dict[str, Any] | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            return None
        row = self.rows[table.cursor_row]
        if row["status"] != "pending":
            self.notify(t("apps.need"), severity="warning")
            return None
        return row

    def action_approve(self) -> None:
        row = self.current()
        if row is not None:
            self.decide(row["id"], None)

    def action_reject(self) -> None:
        row = self.current()
        if row is not None:
            n = row["id"]
            form = TextScreen(t("apps.reject_q", n=n), t("form.reason")).saving(
                lambda s, a, reason: (applications.reject(s, a, n, reason=reason),
                                      t("apps.rejected", n=n))[1])
            self.app.push_screen(form, self.rejected)

    def rejected(self, reason: str | None) -> None:
        if reason:
            self.changed = True
            self.load()

    @io("decide")
    def decide(self, number: int, reason: str | None) -> None:
        actor = self.app.actor  # type: ignore[attr-defined]
        with transaction() as s:
            if reason is None:
                app = applications.approve(s, actor, number)
                message = t("apps.approved", n=number,
                            cidr=applications.application_dict(s, app)["prefix"])
            else:
                applications.reject(s, actor, number, reason=reason)
                message = t("apps.rejected", n=number)
        self.changed = True
        self.app.call_from_thread(self.notify, message, title=t("done"))
        self.app.call_from_thread(self.load)

    def action_close(self) -> None:
        self.dismiss(self.changed)
