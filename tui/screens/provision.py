"""Provisioning and disconnection (waits for access.provisioning)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from tui.i18n import t
from tui.screens.base import translate_bindings


class ProvisionScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "nav.close")]

    def __init__(self, number: int, kind: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.number, self.kind = number, kind

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(t("not_available", what="access.provisioning"))

    def action_close(self) -> None:
        self.dismiss(None)
