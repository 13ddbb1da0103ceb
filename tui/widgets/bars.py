"""Utilization bars: a name, a bar drawn in eighth blocks, the percentage and counts.

Rich measures cell width, so Chinese names (two cells a character) line up
with Latin ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import RenderableType
from rich.text import Text
from textual.widgets import Static

from ipam import space
from tui.i18n import t
from tui.widgets.plain import PlainGrid

EIGHTHS = " ▏▎▍▌▋▊▉"


def level(percent: float) -> str:
    """The style of a utilization level: calm, filling up, nearly full."""
    return "green" if percent < 70 else "yellow" if percent < 90 else "red"


def bar(percent: float, width: int = 20) -> Text:
    """A horizontal bar of ``width`` cells filled to ``percent``."""
    percent = max(0.0, min(100.0, percent))
    eighths = round(percent / 100 * width * 8)
    full, part = divmod(eighths, 8)
    body = "█" * full + (EIGHTHS[part] if part else "")
    text = Text(body, style=level(percent))
    text.append("·" * (width - len(body)), style="grey35")
    return text


def compact(n: int) -> str:
    """A large count in few cells: 1.2K, 3.4M, 1.8e+19."""
    if n < 10_000:
        return str(n)
    for unit, size in (("K", 10**3), ("M", 10**6), ("G", 10**9), ("T", 10**12)):
        if n < size * 10_000:
            return f"{n / size:.1f}{unit}"
    return f"{n:.1e}"


@dataclass(frozen=True)
class UsageRow:
    """One bar: what it measures and how much of it is used."""

    label: str
    used: int
    size: int
    version: int = 4

    @property
    def percent(self) -> float:
        return 100.0 * self.used / self.size if self.size else 0.0


def usage_table(rows: list[UsageRow], width: int = 20) -> RenderableType:
    if not rows:
        return Text(t("dash.no_data"), style="dim")
    table = PlainGrid.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(justify="right", style="dim", no_wrap=True)
    for row in rows:
        table.add_row(row.label, bar(row.percent, width), f"{row.percent:5.1f}%",
                      space.usage_text(row.version, row.used, row.size))
    return table


class UsageBars(Static):
    """A titled list of utilization bars; ``rows`` come down from the screen."""

    def __init__(self, *, id: str | None = None, width: int = 20) -> None:
        super().__init__(Text(t("loading"), style="dim"), id=id)
        self.bar_width = width

    def show(self, rows: list[UsageRow]) -> None:
        self.update(usage_table(rows, self.bar_width))
