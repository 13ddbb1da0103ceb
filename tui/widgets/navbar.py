"""The line of screens under the header: number keys and names, the current one lit.

One widget instead of five footer keys: cheap to draw on every screen switch. On a
narrow terminal (80 or 100 columns) the line tightens its spacing, then leaves out the
help and command-palette hints (the footer shows both), so no screen name is cut.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from tui.i18n import t

SCREENS = (("dashboard", "nav.dashboard"), ("plan", "nav.plan"), ("requests", "nav.requests"),
           ("devices", "nav.devices"), ("audit", "nav.audit"), ("compliance", "nav.compliance"))


def nav_text(current: str, *, gap: int = 2, hints: bool = True) -> Text:
    """The line: `` N name `` per screen, ``gap`` cells apart, then (``hints``) the help
    and palette keys."""
    text = Text(" ")
    for number, (mode, key) in enumerate(SCREENS, start=1):
        style = "bold reverse" if mode == current else ""
        text.append(f" {number} ", style="bold cyan" if mode != current else style)
        text.append(f"{t(key)} ", style=style)
        text.append(" " * gap)
    if hints:
        text.append(" " * max(0, 1 - gap))  # the hints stand apart from the last name
        text.append("?", style="bold")
        text.append(f" {t('nav.help')}  ")
        text.append("^p", style="bold")
        text.append(f" {t('palette')}")
    text.rstrip()
    return text


def fitting_nav_text(current: str, width: int) -> Text:
    """The widest form of :func:`nav_text` that fits ``width`` cells."""
    forms = [nav_text(current, gap=gap, hints=hints)
             for hints in (True, False) for gap in (2, 0)]
    return next((form for form in forms if form.cell_len <= width), forms[-1])


class NavBar(Widget):
    """Which screen is which key; ``current`` names the screen showing it."""

    DEFAULT_CSS = "NavBar { height: 1; }"

    def __init__(self, current: str) -> None:
        super().__init__(classes="navbar")
        self.current = current

    def render(self) -> Text:
        return fitting_nav_text(self.current, self.content_size.width or 10_000)
