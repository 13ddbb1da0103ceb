"""A read-only document in a dialog (the handover sheet, a rendered config)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Markdown

from tui.screens.base import translate_bindings


class SheetScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q", "close", "nav.close")]

    def __init__(self, title: str, markdown: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.sheet_title, self.markdown = title, markdown

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide"):
            yield Label(self.sheet_title, classes="dialog-title")
            yield Markdown(self.markdown)

    def action_close(self) -> None:
        self.dismiss(None)
