"""Devices (placeholder until inventory.service lands)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer, Static

from tui.i18n import t
from tui.screens.base import GovnetScreen


class DevicesScreen(GovnetScreen):
    TITLE_KEY = "nav.devices"
    MODE = "devices"

    def compose(self) -> ComposeResult:
        yield from self.header()
        yield Static(t("not_available", what=t("nav.devices")), classes="placeholder")
        yield Footer()
