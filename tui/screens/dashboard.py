"""The dashboard: utilization bars, queues by state, device reachability, latest events.

Everything comes from the database as last recorded; no device is contacted.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.widgets import DataTable, Footer, Static

from tui.i18n import status, t
from tui.screens import queries
from tui.screens.base import GovnetScreen, io
from tui.widgets.bars import UsageBars
from tui.widgets.plain import PlainGrid, PlainTable


def _counts(counts: dict[str, int] | None, what: str) -> Text | PlainGrid:
    if counts is None:
        return Text(t("not_available", what=what), style="dim")
    if not counts:
        return Text(t("dash.no_data"), style="dim")
    table = PlainGrid.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(justify="right")
    for key, n in counts.items():
        table.add_row(status(key), str(n))
    table.add_row(Text(t("dash.total"), style="bold"), Text(str(sum(counts.values())),
                                                            style="bold"))
    return table


def _devices(counts: dict[str, int] | None) -> Text | PlainGrid:
    if counts is None:
        return Text(t("not_available", what=t("nav.devices")), style="dim")
    table = PlainGrid.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(justify="right")
    styles = {"reachable": "green", "unreachable": "red", "unchecked": "dim"}
    for key in ("reachable", "unreachable", "unchecked"):
        table.add_row(Text(t(f"dash.{key}"), style=styles[key]), str(counts.get(key, 0)))
    return table


class DashboardScreen(GovnetScreen):
    """The first screen: how full the plan is and what waits for whom."""

    TITLE_KEY = "nav.dashboard"
    MODE = "dashboard"
    BINDINGS = [Binding("f5", "refresh", "nav.refresh")]

    def __init__(self) -> None:
        super().__init__()
        self.data = queries.Dashboard()
        self.queues_loaded = False

    def compose(self) -> ComposeResult:
        yield from self.header()
        with Grid(id="dash"):
            yield UsageBars(id="by-district")
            yield UsageBars(id="by-zone")
            yield Static(t("loading"), id="requests")
            yield Static(t("loading"), id="devices")
            yield PlainTable(id="events", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        titles = {"by-district": "dash.by_district", "by-zone": "dash.by_zone",
                  "requests": "dash.requests", "devices": "dash.devices", "events": "dash.audit"}
        for wid, key in titles.items():
            self.query_one(f"#{wid}").border_title = t(key)
        table = self.query_one("#events", DataTable)
        for key in ("col.id", "col.time", "col.actor", "col.action", "col.object"):
            table.add_column(t(key), key=key)
        self.reload()

    def reload(self) -> None:
        self.load()

    def load(self) -> None:
        self.load_plan()
        self.load_queues()

    @io("dashboard")
    def load_plan(self) -> None:
        self.ui(self.show, queries.dashboard(self.actor))

    @io("queues")
    def load_queues(self) -> None:
        self.ui(self.show_queues, *queries.queues(self.actor))

    def show_queues(self, requests: dict[str, int] | None, devices: dict[str, int] | None
                    ) -> None:
        self.data.requests, self.data.devices = requests, devices
        self.queues_loaded = True
        self.show_counts()

    def show_counts(self) -> None:
        data = self.data
        block = PlainGrid.grid(padding=(0, 4))
        loading = Text(t("loading"), style="dim")
        block.add_row(_counts(data.requests, t("nav.requests")) if self.queues_loaded
                      else loading,
                      _titled(t("dash.blocks"), _counts(data.applications, "")))
        self.query_one("#requests", Static).update(block)
        self.query_one("#devices", Static).update(_devices(data.devices) if self.queues_loaded
                                                  else loading)

    def show(self, data: queries.Dashboard) -> None:
        data.requests, data.devices = self.data.requests, self.data.devices
        self.data = data
        self.query_one("#by-district", UsageBars).show(data.districts)
        self.query_one("#by-zone", UsageBars).show(data.zones)
        self.show_counts()
        table = self.query_one("#events", DataTable)
        table.clear()
        for e in data.events:
            table.add_row(str(e.seq), e.at, e.actor, e.action, e.object)


def _titled(title: str, body: Text | PlainGrid) -> PlainGrid:
    table = PlainGrid.grid()
    table.add_row(Text(title, style="bold"))
    table.add_row(body)
    return table
