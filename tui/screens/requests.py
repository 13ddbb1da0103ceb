"""Connection requests: the queue with a state filter and search, the detail, and the
actions each role may take (submit/correct/withdraw, return/approve/reject, provision,
disconnect, handover). Every action is one ``access.workflow`` call, as in the CLI.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from sqlmodel import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Input, Select, Static

from access import workflow
from access.models import RequestState
from govnet.auth import Actor
from govnet.db import transaction
from govnet.models import Role
from tui.i18n import status, t
from tui.screens import request_queries as rq
from tui.screens.base import GovnetScreen, io
from tui.screens.dialogs import ConfirmScreen, TextScreen
from tui.screens.request_forms import ApproveForm, RequestForm, ReturnForm
from tui.screens.sheet import SheetScreen
from tui.widgets.request_view import request_view

SUBMITTERS = {Role.admin, Role.applicant, Role.municipal_operator, Role.district_operator}
DECIDERS = {Role.admin, Role.authority}
PROVISIONERS = {Role.admin, Role.municipal_operator, Role.district_operator}
ACTION_ROLES = {"submit": SUBMITTERS, "resubmit": SUBMITTERS, "withdraw": SUBMITTERS,
                "return": DECIDERS, "approve": DECIDERS, "reject": DECIDERS,
                "provision": PROVISIONERS, "disconnect": PROVISIONERS}
Write = Callable[[Session, Actor], str]

class RequestsScreen(GovnetScreen):
    """The connection request queue."""

    TITLE_KEY = "nav.requests"
    MODE = "requests"
    BINDINGS = [
        Binding("slash", "search", "nav.search", key_display="/"),
        Binding("f", "filter", "req.act.filter"),
        Binding("n", "submit", "req.act.submit"),
        Binding("e", "resubmit", "req.act.resubmit"),
        Binding("w", "withdraw", "req.act.withdraw"),
        Binding("t", "return", "req.act.return"),
        Binding("o", "approve", "req.act.approve"),
        Binding("j", "reject", "req.act.reject"),
        Binding("p", "provision", "req.act.provision"),
        Binding("d", "disconnect", "req.act.disconnect"),
        Binding("h", "handover", "req.act.handover"),
        Binding("f5", "refresh", "nav.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []
        self.shown: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield from self.header()
        with Horizontal(classes="filters"):
            yield Select([(status(s.value), s.value) for s in RequestState], id="state",
                         prompt=t("state.all"))
            yield Input(placeholder=t("search.placeholder"), id="search")
        with Horizontal(id="req"):
            yield DataTable(id="requests", cursor_type="row", zebra_stripes=True,
                            classes="list")
            with VerticalScroll(classes="side pane", id="req-side"):
                yield Static(t("req.need"), id="req-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#requests", DataTable)
        for key in ("col.id", "col.unit", "col.district", "col.state", "col.zones", "col.length",
                    "f.submitted_at"):
            table.add_column(t(key), key=key)
        self.query_one("#req-side").border_title = t("req.detail")
        table.focus()
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        roles = ACTION_ROLES.get(action)
        return roles is None or self.actor.role in roles

    # -- loading and showing -------------------------------------------------------
    def reload(self) -> None:
        value = self.query_one("#state", Select).value
        self.load(None if value is Select.NULL else str(value))

    @io("requests")
    def load(self, state: str | None) -> None:
        self.ui(self.show, rq.requests(self.actor, state))

    def show(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.apply_search()

    def apply_search(self) -> None:
        text = self.query_one("#search", Input).value
        table = self.query_one("#requests", DataTable)
        keep = self.current()
        self.shown = [r for r in self.rows if rq.matches(r, text)]
        table.clear()
        for r in self.shown:
            table.add_row(str(r["id"]), r["unit"], r["district"] or "—", status(r["state"]),
                          ", ".join(z["vrf"] for z in r["zones"]), r["size"],
                          (r["submitted_at"] or "")[:10], key=str(r["id"]))
        if keep is not None and any(r["id"] == keep["id"] for r in self.shown):
            table.move_cursor(row=table.get_row_index(str(keep["id"])))
        self.show_detail()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.reload()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            self.apply_search()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#requests", DataTable).focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def current(self) -> dict[str, Any] | None:
        table = self.query_one("#requests", DataTable)
        if not self.shown or not 0 <= table.cursor_row < len(self.shown):
            return None
        return self.shown[table.cursor_row]

    def show_detail(self) -> None:
        r = self.current()
        box = self.query_one("#req-detail", Static)
        box.update(request_view(r) if r else Text(t("req.none" if not self.shown else "req.need"),
                                                  style="dim"))

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_filter(self) -> None:
        self.query_one("#state", Select).focus()

    # -- actions ---------------------------------------------------------------------
    def chosen(self) -> dict[str, Any] | None:
        r = self.current()
        if r is None:
            self.notify(t("req.need"), severity="warning")
        return r

    def action_submit(self) -> None:
        self.with_choices(None)

    def action_resubmit(self) -> None:
        r = self.chosen()
        if r is not None:
            self.with_choices(r)

    @io("choices")
    def with_choices(self, current: dict[str, Any] | None) -> None:
        units, zones = rq.form_choices(self.actor)
        self.ui(self.open_form, units, zones, current)

    def open_form(self, units: list[str], zones: list[str], current: dict[str, Any] | None
                  ) -> None:
        def done(spec: dict[str, Any] | None) -> None:
            if not spec:
                return
            if current is None:
                self.write(lambda s, a: t("req.submitted",
                                          n=workflow.submit(s, a, **spec).id))
            else:
                n = current["id"]
                self.write(lambda s, a: t("req.resubmitted",
                                          n=workflow.resubmit(s, a, n, **spec).id))

        self.app.push_screen(RequestForm(units, zones, current), done)

    def action_withdraw(self) -> None:
        r = self.chosen()
        if r is not None:
            n = r["id"]
            self.app.push_screen(ConfirmScreen(t("req.withdraw_q", n=n, unit=r["unit"])),
                                 lambda yes: yes and self.write(lambda s, a: t(
                                     "req.withdrawn", n=workflow.withdraw(s, a, n).id)))

    def action_return(self) -> None:
        r = self.chosen()
        if r is not None:
            n = r["id"]

            def done(spec: dict[str, Any] | None) -> None:
                if spec:
                    self.write(lambda s, a: t("req.returned", n=n, k=len(
                        workflow.return_request(s, a, n, **spec).returned_items)))

            self.app.push_screen(ReturnForm(n), done)

    def action_approve(self) -> None:
        r = self.chosen()
        if r is not None:
            n = r["id"]
            self.app.push_screen(ApproveForm(n), lambda spec: spec and self.write(
                lambda s, a: t("req.approved", n=n,
                               doc=workflow.approve(s, a, n, **spec).approval_doc)))

    def action_reject(self) -> None:
        r = self.chosen()
        if r is not None:
            n = r["id"]
            self.app.push_screen(TextScreen(t("req.reject_q", n=n), t("form.reason")),
                                 lambda reason: reason and self.write(lambda s, a: t(
                                     "req.rejected", n=workflow.reject(s, a, n,
                                                                       reason=reason).id)))

    def action_provision(self) -> None:
        self.open_job("provision")

    def action_disconnect(self) -> None:
        self.open_job("disconnect")

    def open_job(self, kind: str) -> None:
        r = self.chosen()
        if r is not None:
            from tui.screens.provision import ProvisionScreen

            self.app.push_screen(ProvisionScreen(r["id"], kind), lambda _r: self.reload())

    def action_handover(self) -> None:
        r = self.chosen()
        if r is not None:
            self.load_sheet(r["id"])

    @io("sheet")
    def load_sheet(self, number: int) -> None:
        text = rq.handover_sheet(self.actor, number)
        self.ui(self.app.push_screen, SheetScreen(t("handover.title", n=number), text))

    @io("write")
    def write(self, change: Write) -> None:
        """One workflow call in its own transaction; then the queue is read again."""
        with transaction() as s:
            message = change(s, self.actor)
        self.app.call_from_thread(self.notify, message, title=t("done"))
        self.app.call_from_thread(self.reload)
