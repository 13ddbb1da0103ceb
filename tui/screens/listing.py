"""A list screen: a filters row (an optional state ``Select`` and the search ``Input``),
the list ``DataTable`` and a side pane with the highlighted row's detail.

Requests, devices and compliance findings share it; each declares its ids, columns,
state choices and how a row renders, matches the search and shows its detail.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Input, Select, Static

from tui.i18n import status, t
from tui.screens.base import GovnetScreen
from tui.widgets.plain import PlainTable

Row = dict[str, Any]


def contains(row: Row, keys: Iterable[str], text: str) -> bool:
    """True if ``text`` (case-insensitive, trimmed; empty matches all) is in one of ``keys``.

    >>> contains({"name": "Core-1", "site": None}, ("name", "site"), " core ")
    True
    >>> contains({"name": "Core-1", "site": None}, ("site",), "core")
    False
    """
    text = text.strip().lower()
    return not text or any(text in str(row[k] or "").lower() for k in keys)


class ListScreen(GovnetScreen):
    """Rows loaded by ``load``, narrowed by the search, one of them detailed at the side.

    Widget ids come from ``LIST_ID`` (the table) and ``PANE`` (``#PANE`` holds the
    table and ``#PANE-side``, which holds ``#PANE-detail``).
    """

    LIST_ID: ClassVar[str]
    PANE: ClassVar[str]
    COLUMNS: ClassVar[tuple[str, ...]]
    DETAIL_TITLE: ClassVar[str]
    EMPTY_KEY: ClassVar[str]
    """Catalogue key of the dim text shown when there is no row to detail."""
    STATES: ClassVar[type[Enum] | None] = None
    """The choices of the state filter (``#state``), or None for no filter."""
    SEARCH_KEYS: ClassVar[tuple[str, ...]] = ()
    KEEP_CURSOR: ClassVar[bool] = False
    """Keep the cursor on the same row when the list is filled again."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Row] = []
        self.shown: list[Row] = []

    # -- hooks ------------------------------------------------------------------------
    def load(self, state: str | None) -> None:
        """Read the rows (in an ``io`` worker) and hand them to ``show`` on the UI thread."""
        raise NotImplementedError

    def cells(self, row: Row) -> tuple[Any, ...]:
        """The table cells of ``row``, one per column."""
        raise NotImplementedError

    def row_key(self, row: Row) -> str:
        return str(row["id"])

    def matches(self, row: Row, text: str) -> bool:
        """Whether ``row`` matches the search ``text`` (by default: in one of SEARCH_KEYS)."""
        return contains(row, self.SEARCH_KEYS, text)

    def detail(self, row: Row) -> RenderableType:
        """The side pane's view of ``row``."""
        raise NotImplementedError

    def empty_detail(self) -> RenderableType:
        return Text(t(self.EMPTY_KEY), style="dim")

    def readable(self) -> bool:
        """Whether the actor may see the list at all (if not, nothing is loaded)."""
        return True

    def side(self) -> ComposeResult:
        """The contents of the side pane (at least ``#PANE-detail``)."""
        yield Static("", id=f"{self.PANE}-detail")

    def highlighted(self) -> None:
        """A row was highlighted."""
        self.show_detail()

    # -- the screen -------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield from self.header()
        with Horizontal(classes="filters"):
            if self.STATES is not None:
                yield Select([(status(s.value), s.value) for s in self.STATES], id="state",
                             prompt=t("state.all"))
            yield Input(placeholder=t("search.placeholder"), id="search")
        with Horizontal(id=self.PANE):
            yield PlainTable(id=self.LIST_ID, cursor_type="row", zebra_stripes=True,
                            classes="list")
            with VerticalScroll(classes="side pane", id=f"{self.PANE}-side"):
                yield from self.side()
        yield Footer()

    def on_mount(self) -> None:
        table = self.table
        for key in self.COLUMNS:
            table.add_column(t(key), key=key)
        self.query_one(f"#{self.PANE}-side").border_title = t(self.DETAIL_TITLE)
        table.focus()
        self.reload()

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one(f"#{self.LIST_ID}", DataTable)

    @property
    def detail_box(self) -> Static:
        return self.query_one(f"#{self.PANE}-detail", Static)

    def reload(self) -> None:
        if not self.readable():
            self.detail_box.update(self.empty_detail())
            return
        state = None
        if self.STATES is not None:
            value = self.query_one("#state", Select).value
            state = None if value is Select.NULL else str(value)
        self.load(state)

    def show(self, rows: list[Row]) -> None:
        self.rows = rows
        self.apply_search()

    def apply_search(self) -> None:
        text = self.query_one("#search", Input).value
        table = self.table
        keep = self.current() if self.KEEP_CURSOR else None
        self.shown = [r for r in self.rows if self.matches(r, text)]
        table.clear()
        for r in self.shown:
            table.add_row(*self.cells(r), key=self.row_key(r))
        if keep is not None and any(self.row_key(r) == self.row_key(keep) for r in self.shown):
            table.move_cursor(row=table.get_row_index(self.row_key(keep)))
        self.show_detail()

    def current(self) -> Row | None:
        table = self.table
        if not self.shown or not 0 <= table.cursor_row < len(self.shown):
            return None
        return self.shown[table.cursor_row]

    def show_detail(self) -> None:
        row = self.current()
        self.detail_box.update(self.detail(row) if row else self.empty_detail())

    def on_select_changed(self, event: Select.Changed) -> None:
        self.reload()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            self.apply_search()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.table.focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.highlighted()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_filter(self) -> None:
        if self.STATES is not None:
            self.query_one("#state", Select).focus()
