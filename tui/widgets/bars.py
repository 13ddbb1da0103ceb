"""Utilization bars: a name, a bar drawn in eighth blocks, the percentage and counts.

Rich measures cell width, so Chinese names (two cells a character) line up
with Latin ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
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


def usage_table(rows: list[UsageRow], width: int = 20, *, counts: bool = True
                ) -> RenderableType:
    """Name, bar of ``width`` cells, percentage and (``counts``) used/size per row."""
    if not rows:
        return Text(t("dash.no_data"), style="dim")
    table = PlainGrid.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    if counts:
        table.add_column(justify="right", style="dim", no_wrap=True)
    for row in rows:
        cells: list[RenderableType] = [row.label, bar(row.percent, width),
                                       f"{row.percent:5.1f}%"]
        if counts:
            cells.append(space.usage_text(row.version, row.used, row.size))
        table.add_row(*cells)
    return table


MIN_BAR = 5


class FittingUsage:
    """:func:`usage_table` in the form that fits the width it is drawn in: the full bar,
    a shorter bar, then without the counts column (80 columns: two panels of ~34
    cells), so names and percentages are never cut while there is room for them."""

    def __init__(self, rows: list[UsageRow], widest: int = 20) -> None:
        self.rows, self.widest = rows, widest

    def fitting(self, console: Console, options: ConsoleOptions) -> RenderableType:
        width = options.max_width
        for counts in (True, False):
            fixed = Measurement.get(console, options.update_width(10_000),
                                    usage_table(self.rows, 0, counts=counts)).maximum
            bar_width = min(self.widest, width - fixed)
            if bar_width >= MIN_BAR:
                return usage_table(self.rows, bar_width, counts=counts)
        return usage_table(self.rows, MIN_BAR, counts=False)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.fitting(console, options)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.fitting(console, options))


class UsageBars(Static):
    """A titled list of utilization bars; ``rows`` come down from the screen."""

    def __init__(self, *, id: str | None = None, width: int = 20) -> None:
        super().__init__(Text(t("loading"), style="dim"), id=id)
        self.bar_width = width

    def show(self, rows: list[UsageRow]) -> None:
        self.update(FittingUsage(rows, self.bar_width) if rows else usage_table(rows))
