"""Small typed dialogs: confirm (bool), one line of text (str | None), and the form base.

A form given a ``save`` function (:meth:`FormScreen.saving`) runs it itself, in one
transaction in a worker, and closes only when it succeeded: a refusal by the service
is shown in the form (and as a notification) with everything typed kept, so the user
corrects one field instead of typing the form again. A form dismisses exactly once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, Self, TypeVar

from rich.text import Text
from sqlmodel import Session
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from govnet.auth import Actor
from govnet.db import transaction
from tui.i18n import t
from tui.screens.base import translate_bindings
from tui.widgets.form import Choice, Field, TextValidator

T = TypeVar("T")


class ConfirmScreen(ModalScreen[bool]):
    """Ask a yes/no question; dismisses True only on an explicit yes."""

    BINDINGS = [Binding("escape", "no", "cancel"), Binding("y", "yes", "yes"),
                Binding("n", "no", "no")]
    # The keys are on the buttons too: a confirm dialog has no footer.

    def __init__(self, question: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.question), classes="question")  # data, not markup
            with Horizontal(classes="buttons"):
                yield Button(f"{t('yes')} (y)", id="yes", variant="error")
                yield Button(f"{t('no')} (n)", id="no", variant="primary")

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
        self.save: Callable[[Session, Actor, T], str] | None = None
        self.busy = False  # saving, or dismissed: a second Enter does nothing
        self.finished = False

    def saving(self, save: Callable[[Session, Actor, T], str]) -> Self:
        """Run ``save(session, actor, value)`` on submit; close only if it succeeds.

        ``save`` returns the message to show when done."""
        self.save = save
        return self

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
            self.action_cancel()

    def on_input_submitted(self) -> None:
        """Enter in any one-line field submits (a TextArea's Enter is a new line)."""
        self.action_submit()

    def action_cancel(self) -> None:
        self.finish(None)  # type: ignore[arg-type]

    def finish(self, value: T) -> None:
        """Dismiss once; a late second call (double Enter, a click) is ignored."""
        if self.is_attached and not self.finished:
            self.finished = True
            self.busy = True
            self.dismiss(value)

    def problem(self) -> str | None:
        """A complaint about the fields together (not one field), or None."""
        return None

    def action_submit(self) -> None:
        if self.busy:
            return
        checks = [f.check() for f in self.query(Field)] + [c.check() for c in self.query(Choice)]
        problem = self.problem() if all(checks) else t("form.fix")
        self.query_one("#form-error", Static).update(Text(problem or ""))
        if problem is not None:
            return
        value = self.result()
        if self.save is None:
            self.finish(value)
        else:
            self.busy = True
            self.run_save(value)

    @work(exclusive=True, group="form-save", exit_on_error=False)
    async def run_save(self, value: T) -> None:
        """The service call runs in a thread; its outcome is handled here, on the UI loop."""
        save, actor = self.save, self.app.actor  # type: ignore[attr-defined]
        assert save is not None

        def call() -> str:
            with transaction() as s:
                return save(s, actor, value)

        try:
            message = await asyncio.to_thread(call)
        except Exception as exc:  # noqa: BLE001 - shown in the form and notified
            self.refused(exc)
        else:
            self.saved(value, message)

    def refused(self, exc: BaseException) -> None:
        """The service said no: say why here; every field keeps what was typed."""
        self.busy = False
        report = getattr(self.app, "report", None)
        text = report(exc) if report is not None else str(exc)
        self.query_one("#form-error", Static).update(Text(text))

    def saved(self, value: T, message: str) -> None:
        self.app.notify(message, title=t("done"))
        # Closed from the screen's own queue once this worker is over: popping a screen
        # waits for its workers, so dismissing from inside one would wait for itself.
        self.call_later(self.finish, value)

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
