"""Tables whose text cells show data as typed.

Rich and Textual read a ``str`` cell as markup with emoji codes: the IPv6 prefix
2001:db8:5407:100::/56 showed "💯" for its ":100:" group (":a:", ":b:", ":cd:" … are
emoji too), and a description "[/red] …" stopped the TUI with a MarkupError. Every
table in the TUI is one of these two classes, which take a ``str`` as literal text; a
cell that should be styled is passed as a :class:`~rich.text.Text`.
"""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from rich.style import StyleType
from rich.table import Table
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import CellType, RowKey


def plain(value: Any) -> Any:
    """A ``str`` as literal :class:`Text`; anything else as it is."""
    return Text(value) if isinstance(value, str) else value


class PlainTable(DataTable[Any]):
    """A Textual ``DataTable`` whose ``str`` cells are literal text."""

    def add_row(self, *cells: CellType, height: int | None = 1, key: str | None = None,
                label: Any = None) -> RowKey:
        return super().add_row(*map(plain, cells), height=height, key=key, label=label)


class PlainGrid(Table):
    """A Rich ``Table`` (or ``PlainGrid.grid()``) whose ``str`` cells are literal text."""

    @classmethod
    def grid(cls, *headers: Any, **options: Any) -> PlainGrid:
        made = super().grid(*headers, **options)  # Rich builds it with cls
        assert isinstance(made, PlainGrid)
        return made

    def add_row(self, *renderables: RenderableType | None, style: StyleType | None = None,
                end_section: bool = False) -> None:
        super().add_row(*map(plain, renderables), style=style, end_section=end_section)
