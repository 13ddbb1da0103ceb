"""The audit log: search, the selected event's before/after, and chain verification."""

from __future__ import annotations

import json

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Input, Static

from govnet.messages import action_name
from tui.i18n import lang, t
from tui.screens import queries
from tui.screens.base import GovnetScreen, io
from tui.widgets.plain import PlainTable


class AuditScreen(GovnetScreen):
    """Newest events first; `/` searches, `v` verifies the hash chain."""

    TITLE_KEY = "nav.audit"
    MODE = "audit"
    BINDINGS = [
        Binding("slash", "search", "nav.search", key_display="/"),
        Binding("v", "verify", "audit.verify"),
        Binding("f5", "refresh", "nav.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.events: list[queries.EventRow] = []

    def compose(self) -> ComposeResult:
        yield from self.header()
        yield Static(Text(t("audit.unverified"), style="dim"), id="verify")
        yield Input(placeholder=t("search.placeholder"), id="search")
        with Horizontal(id="audit"):
            yield PlainTable(id="events", cursor_type="row", zebra_stripes=True)
            with Vertical(id="audit-right"):
                yield Static("", id="event")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#events", DataTable)
        for key in ("col.id", "col.time", "col.actor", "col.action", "col.object"):
            table.add_column(t(key), key=key)
        self.query_one("#event").border_title = t("audit.detail")
        table.focus()
        self.reload()

    def reload(self) -> None:
        self.load(self.query_one("#search", Input).value)

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.load(event.value)
        self.query_one("#events", DataTable).focus()

    @io("events")
    def load(self, search: str) -> None:
        self.ui(self.show, queries.events(self.actor, search.strip()))

    def show(self, events: list[queries.EventRow]) -> None:
        self.events = events
        table = self.query_one("#events", DataTable)
        table.clear()
        for e in events:
            table.add_row(str(e.seq), e.at[5:16], e.actor, action_name(e.action, lang()),
                          e.object)
        table.border_title = t("audit.count", n=len(events))
        self.show_event(0)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_event(event.cursor_row)

    def show_event(self, index: int) -> None:
        box = self.query_one("#event", Static)
        if not 0 <= index < len(self.events):
            box.update("")
            return
        e = self.events[index]
        text = Text()
        text.append(f"#{e.seq}  {e.at}  {e.actor}\n", style="bold")
        text.append(f"{action_name(e.action, lang())}  {e.object}\n\n")
        for key, value in (("audit.before", e.before), ("audit.after", e.after)):
            if value is not None:
                text.append(f"{t(key)}:\n", style="bold")
                text.append(json.dumps(value, ensure_ascii=False, indent=2) + "\n")
        text.append(f"\n{t('col.hash')}: {e.hash[:16]}…", style="dim")
        box.update(text)

    def action_verify(self) -> None:
        self.query_one("#verify", Static).update(Text(t("loading"), style="dim"))
        self.verify()

    @io("verify")
    def verify(self) -> None:
        self.ui(self.show_verify, queries.verify_chain())

    def show_verify(self, result: queries.audit.VerifyResult) -> None:
        box = self.query_one("#verify", Static)
        if result.ok:
            box.update(Text("✔ " + t("audit.ok", n=result.events), style="bold green"))
            self.notify(t("audit.ok", n=result.events))
        else:
            box.update(Text("✘ " + t("audit.broken", problem=result.problem),
                            style="bold red"))
            self.notify(t("audit.broken", problem=result.problem), severity="error")
