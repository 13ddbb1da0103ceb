"""The line of screens under the header: number keys and names, the current one lit.

One Static instead of five footer keys: cheap to draw on every screen switch.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.i18n import t

SCREENS = (("dashboard", "nav.dashboard"), ("plan", "nav.plan"), ("requests", "nav.requests"),
           ("devices", "nav.devices"), ("audit", "nav.audit"), ("compliance", "nav.compliance"))


def nav_text(current: str) -> Text:
    text = Text(" ")
    for number, (mode, key) in enumerate(SCREENS, start=1):
        style = "bold reverse" if mode == current else ""
        text.append(f" {number} ", style="bold cyan" if mode != current else style)
        text.append(f"{t(key)} ", style=style)
        text.append("  ")
    text.append("?", style="bold")
    text.append(f" {t('nav.help')}  ")
    text.append("^p", style="bold")
    text.append(f" {t('palette')}")
    return text


class NavBar(Static):
    """Which screen is which key; ``current`` names the screen showing it."""

    def __init__(self, current: str) -> None:
        super().__init__(nav_text(current), classes="navbar")
