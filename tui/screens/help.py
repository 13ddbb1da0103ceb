"""`?`: every key of the app and of the screen underneath, in the current language."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from tui.i18n import t
from tui.screens.base import translate_bindings
from tui.widgets.plain import PlainGrid


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "nav.close")]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        translate_bindings(self)
        self.under = under

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide"):
            yield Label(t("help.title"), classes="dialog-title")
            yield Static(Text(t("help.intro"), style="italic"))
            yield Static(self.keys())

    def keys(self) -> PlainGrid:
        table = PlainGrid.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        def section(title: str, bindings: list[Binding]) -> None:
            table.add_row("", "")
            table.add_row(Text(title, style="bold underline"), "")
            for b in bindings:
                if b.description:
                    table.add_row(b.key_display or self.app.get_key_display(b), b.description)

        def own(node: object) -> list[Binding]:
            """The bindings govnet declared (not Textual's focus and copy keys)."""
            keys = {b.key for b in getattr(type(node), "BINDINGS", []) if isinstance(b, Binding)}
            return [b for k, b in node._bindings  # type: ignore[attr-defined]
                    if k in keys or b.action.split(".")[-1] in ("quit", "command_palette")]

        section(t("help.global"), own(self.app))
        section(f"{t('help.screen')} · {self.under.title or ''}", own(self.under))
        return table

    def action_close(self) -> None:
        self.dismiss(None)
