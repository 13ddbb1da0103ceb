"""Small typed dialogs: confirm (bool), one line of text (str | None), and the form base."""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from tui.i18n import t
from tui.screens.base import translate_bindings
from tui.widgets.form import Choice, Field, TextValidator

T = TypeVar("T")


class ConfirmScreen(ModalScreen[bool]):
    """Ask a yes/no question; dismisses True only on an explicit yes."""

    BINDINGS = [Binding("escape", "no", "cancel"), Binding("y", "yes", "yes"),
                Binding("n", "no", "no")]

    def __init__(self, question: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="question")
            with Horizontal(classes="buttons"):
                yield Button(t("yes"), id="yes", variant="error")
                yield Button(t("no"), id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


class FormScreen(ModalScreen[T], Generic[T]):
    """A titled form of fields; ``result()`` builds the typed value from valid fields."""

    BINDINGS = [Binding("escape", "cancel", "cancel"), Binding("ctrl+s", "submit", "form.submit")]
    TITLE_KEY = ""

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def fields(self) -> ComposeResult:  # overridden: the form's Field and Choice widgets
        yield from ()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Label(t(self.TITLE_KEY), classes="dialog-title")
            with VerticalScroll() as scroll:
                scroll.can_focus = False  # the first field takes the focus, not the frame
                yield from self.fields()
            yield Static("", id="form-error", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button(t("form.submit"), id="submit", variant="primary")
                yield Button(t("cancel"), id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "submit":
            self.action_submit()
        else:
            self.dismiss(None)  # type: ignore[arg-type]

    def on_input_submitted(self) -> None:
        self.action_submit()

    def action_cancel(self) -> None:
        self.dismiss(None)  # type: ignore[arg-type]

    def problem(self) -> str | None:
        """A complaint about the fields together (not one field), or None."""
        return None

    def action_submit(self) -> None:
        checks = [f.check() for f in self.query(Field)] + [c.check() for c in self.query(Choice)]
        problem = self.problem() if all(checks) else t("form.fix")
        self.query_one("#form-error", Static).update(problem or "")
        if problem is None:
            self.dismiss(self.result())

    def result(self) -> T:
        raise NotImplementedError

    def value(self, id: str) -> str:
        return self.query_one(f"#{id}-field", Field).value

    def choice(self, id: str) -> str | None:
        return self.query_one(f"#{id}-field", Choice).value


class TextScreen(FormScreen[str]):
    """One required line of text (a reason, a document number)."""

    def __init__(self, title: str, label: str, *, limit: int = 500) -> None:
        self.title_text, self.label, self.limit = title, label, limit
        super().__init__()

    def on_mount(self) -> None:
        self.query_one(".dialog-title", Label).update(self.title_text)

    def fields(self) -> ComposeResult:
        yield Field(self.label, id="text", validators=[TextValidator(self.limit, required=True)])

    def result(self) -> str:
        return self.value("text")
