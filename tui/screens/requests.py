"""Connection requests: the queue with a state filter and search, the detail, and the
actions each role may take (submit/correct/withdraw, return/approve/reject, provision,
disconnect, handover). Every action is one ``access.workflow`` call, as in the CLI.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import RenderableType
from rich.text import Text
from sqlmodel import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from access import workflow
from access.models import RequestState
from govnet.auth import Actor
from govnet.db import transaction
from govnet.models import Role
from tui.i18n import status, t
from tui.screens import request_queries as rq
from tui.screens.base import io
from tui.screens.dialogs import ConfirmScreen, TextScreen
from tui.screens.listing import ListScreen
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

class RequestsScreen(ListScreen):
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
    LIST_ID = "requests"
    PANE = "req"
    COLUMNS = ("col.id", "col.unit", "col.district", "col.state", "col.zones", "col.length",
               "f.submitted_at")
    DETAIL_TITLE = "req.detail"
    EMPTY_KEY = "req.none"
    STATES = RequestState
    KEEP_CURSOR = True

    def side(self) -> ComposeResult:
        yield Static(t("req.need"), id="req-detail")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        roles = ACTION_ROLES.get(action)
        return roles is None or self.actor.role in roles

    # -- loading and showing -------------------------------------------------------
    @io("requests")
    def load(self, state: str | None) -> None:
        self.ui(self.show, rq.requests(self.actor, state))

    def cells(self, r: dict[str, Any]) -> tuple[Any, ...]:
        return (str(r["id"]), r["unit"], r["district"] or "—", status(r["state"]),
                ", ".join(z["vrf"] for z in r["zones"]), r["size"],
                (r["submitted_at"] or "")[:10])

    def matches(self, row: dict[str, Any], text: str) -> bool:
        return rq.matches(row, text)

    def detail(self, row: dict[str, Any]) -> RenderableType:
        return request_view(row)

    def empty_detail(self) -> RenderableType:  # none at all, or none highlighted
        return Text(t("req.none" if not self.shown else "req.need"), style="dim")

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
        if current is None:
            form = RequestForm(units, zones).saving(lambda s, a, spec: t(
                "req.submitted", n=workflow.submit(s, a, **spec).id))
        else:
            n = current["id"]
            form = RequestForm(units, zones, current).saving(lambda s, a, spec: t(
                "req.resubmitted", n=workflow.resubmit(s, a, n, **spec).id))
        self.app.push_screen(form, self.saved)

    def saved(self, spec: object) -> None:
        """A form closed: read the queue again when it saved something."""
        if spec:
            self.reload()

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
            self.app.push_screen(ReturnForm(n).saving(lambda s, a, spec: t(
                "req.returned", n=n,
                k=len(workflow.return_request(s, a, n, **spec).returned_items))), self.saved)

    def action_approve(self) -> None:
        r = self.chosen()
        if r is not None:
            n = r["id"]
            self.app.push_screen(ApproveForm(n).saving(lambda s, a, spec: t(
                "req.approved", n=n, doc=workflow.approve(s, a, n, **spec).approval_doc)),
                self.saved)

    def action_reject(self) -> None:
        r = self.chosen()
        if r is not None:
            n = r["id"]
            form = TextScreen(t("req.reject_q", n=n), t("form.reason")).saving(
                lambda s, a, reason: t("req.rejected",
                                       n=workflow.reject(s, a, n, reason=reason).id))
            self.app.push_screen(form, self.saved)

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
