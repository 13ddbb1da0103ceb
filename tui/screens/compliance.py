"""Compliance (Art. 40–41): findings from the last scans, their evidence, and what
the role may do — scan, acknowledge, isolate with the authority's document, restore.

Scans and isolation contact devices: they run in workers, only when asked.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.text import Text
from textual.binding import Binding

from compliance import enforce, service
from compliance.models import FindingState
from govnet.db import read, transaction
from govnet.models import Role
from tui.i18n import status, t
from tui.screens.base import io
from tui.screens.dialogs import ConfirmScreen, TextScreen
from tui.screens.listing import ListScreen
from tui.widgets.plain import PlainGrid

READERS = {Role.admin, Role.authority, Role.municipal_operator, Role.auditor,
           Role.district_operator}
HANDLERS = {Role.admin, Role.authority, Role.municipal_operator, Role.district_operator}
SEVERITY = {"high": "bold red", "medium": "yellow", "low": "dim"}


def severity(value: str) -> Text:
    return Text(t(f"sev.{value}"), style=SEVERITY.get(value, ""))


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def finding_view(f: dict[str, Any]) -> Group:
    head = PlainGrid.grid(padding=(0, 2))
    head.add_column(style="bold", no_wrap=True)
    head.add_column()
    rows = [("#", str(f["id"])), ("col.severity", severity(f["severity"])),
            ("col.type", t(f"type.{f['type']}")), ("col.state", status(f["state"])),
            ("col.device", f["device"]), ("col.interface", f["interface"]),
            ("col.vlans", str(f["vlan"] or "")), ("col.vrf", f["vrf"]),
            ("col.prefix", f["prefix"]), ("col.district", f["district"]),
            ("col.description", f["detail"]), ("col.last_seen", _when(f["last_seen"])),
            ("f.approval_doc", f["isolation_doc"])]
    for key, value in rows:
        if value:
            head.add_row(t(key), value)
    evidence = Text(f["evidence"] or "", style="dim")
    return Group(head, Text(""), Text(t("cmp.evidence"), style="bold underline"), evidence)


class ComplianceScreen(ListScreen):
    TITLE_KEY = "nav.compliance"
    MODE = "compliance"
    BINDINGS = [
        Binding("slash", "search", "nav.search", key_display="/"),
        Binding("f", "filter", "req.act.filter"),
        Binding("s", "scan", "cmp.act.scan"),
        Binding("a", "acknowledge", "cmp.act.ack"),
        Binding("i", "isolate", "cmp.act.isolate"),
        Binding("r", "restore", "cmp.act.restore"),
        Binding("f5", "refresh", "nav.refresh"),
    ]
    LIST_ID = "findings"
    PANE = "cmp"
    COLUMNS = ("col.id", "col.severity", "col.type", "col.state", "col.device",
               "col.interface", "col.prefix", "col.last_seen")
    DETAIL_TITLE = "cmp.detail"
    EMPTY_KEY = "cmp.none"
    STATES = FindingState
    SEARCH_KEYS = ("device", "interface", "prefix", "detail", "district", "type")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("scan", "acknowledge", "isolate", "restore"):
            return self.actor.role in HANDLERS
        return True

    def readable(self) -> bool:
        return self.actor.role in READERS

    @io("findings")
    def load(self, state: str | None) -> None:
        with read() as s:
            rows = [service.finding_dict(s, f)
                    for f in service.findings(s, self.actor, state=state, limit=2000)]
        self.ui(self.show, rows)

    def cells(self, f: dict[str, Any]) -> tuple[Any, ...]:
        return (str(f["id"]), severity(f["severity"]), t(f"type.{f['type']}"),
                status(f["state"]), f["device"], f["interface"], f["prefix"],
                _when(f["last_seen"]))

    def detail(self, f: dict[str, Any]) -> Group:
        return finding_view(f)

    def chosen(self) -> dict[str, Any] | None:
        f = self.current()
        if f is None:
            self.notify(t("cmp.need"), severity="warning")
        return f

    # -- actions ----------------------------------------------------------------------
    def action_scan(self) -> None:
        self.notify(t("cmp.scanning"))
        self.scan()

    @io("scan")
    def scan(self) -> None:
        report = service.scan(self.actor)
        failed = [d.device for d in report.devices if not d.ok]
        self.app.call_from_thread(self.notify, t("cmp.scanned", n=report.scan, new=report.new,
                                                 resolved=report.resolved, open=report.open),
                                  title=t("done"))
        if failed:
            self.app.call_from_thread(self.notify, t("cmp.scan_errors",
                                                     devices=", ".join(failed)),
                                      severity="warning")
        self.app.call_from_thread(self.reload)

    def action_acknowledge(self) -> None:
        f = self.chosen()
        if f is not None:
            n = f["id"]
            self.app.push_screen(ConfirmScreen(t("cmp.ack_q", n=n)),
                                 lambda yes: self.acknowledge(n) if yes else None)

    @io("write")
    def acknowledge(self, number: int) -> None:
        with transaction() as s:
            service.acknowledge(s, self.actor, number)
        self.app.call_from_thread(self.notify, t("cmp.acked", n=number), title=t("done"))
        self.app.call_from_thread(self.reload)

    def action_isolate(self) -> None:
        f = self.chosen()
        if f is not None:
            n = f["id"]
            ask = TextScreen(t("cmp.isolate_q", n=n, device=f["device"],
                               interface=f["interface"]), t("req.doc"), limit=128)
            self.app.push_screen(ask, lambda doc: self.enforce(n, "isolate", doc) if doc
                                 else None)

    def action_restore(self) -> None:
        f = self.chosen()
        if f is not None:
            n = f["id"]
            ask = ConfirmScreen(t("cmp.restore_q", n=n, device=f["device"],
                                  interface=f["interface"]))
            self.app.push_screen(ask, lambda yes: self.enforce(n, "restore", None) if yes
                                 else None)

    @io("enforce")
    def enforce(self, number: int, kind: str, doc: str | None) -> None:
        """Push the isolation (or its undo) to the device: a job, like provisioning."""
        outcome = enforce.isolate(number, self.actor, doc=doc or "") if kind == "isolate" \
            else enforce.restore(number, self.actor)
        ok = outcome.state != "failed"
        text = t("cmp.outcome", n=number, state=outcome.state)
        if outcome.error:
            text += f": {outcome.error}"
        self.app.call_from_thread(self.notify, text, title=t("done" if ok else "error"),
                                  severity="information" if ok else "error")
        self.app.call_from_thread(self.reload)
