"""What every govnet screen shares: translated bindings, the actor, I/O workers.

Bindings are declared with catalogue keys as descriptions (``"plan.act.allocate"``)
and translated when the screen is built, so the footer, the help screen and the
command palette all show the current language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from textual import work
from textual.app import ComposeResult
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Header
from textual.worker import get_current_worker

from govnet.auth import Actor
from tui.i18n import t
from tui.widgets.navbar import NavBar

if TYPE_CHECKING:
    from tui.app import GovnetApp

F = TypeVar("F", bound=Callable[..., Any])


def translate_bindings(node: DOMNode) -> None:
    """Replace catalogue keys in ``node``'s binding descriptions by their text."""
    bindings = node._bindings
    bindings.key_to_bindings = {
        key: [replace(b, description=t(b.description)) if b.description else b for b in group]
        for key, group in bindings.key_to_bindings.items()
    }


def io(group: str) -> Callable[[F], F]:
    """Run a method in a thread worker of ``group`` (one at a time per group).

    An exception never kills the app: it goes to the app's one handler
    (``GovnetApp.report``), which shows a notification. (``Worker.StateChanged``
    does not bubble, so the handler is reached from here, not by a message.)
    """
    def decorate(method: F) -> F:
        @wraps(method)
        def run(self: DOMNode, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - every error is shown, none is lost
                report = getattr(self.app, "report", None)
                if report is None or cancelled():
                    raise
                self.app.call_from_thread(report, exc)
                return None

        return work(thread=True, exclusive=True, group=group,  # type: ignore[return-value]
                    exit_on_error=False)(run)

    return decorate


def cancelled() -> bool:
    """True inside a worker that a newer one of its group replaced."""
    return get_current_worker().is_cancelled


class GovnetScreen(Screen[None]):
    """A top-level screen (one per mode) acting as the app's user."""

    TITLE_KEY = "app.title"
    MODE = ""

    def header(self) -> ComposeResult:
        """The header and the line of screens, on top of every screen."""
        yield Header()
        yield NavBar(self.MODE)

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.title = t(self.TITLE_KEY)

    @property
    def govnet(self) -> GovnetApp:
        return self.app  # type: ignore[return-value]

    @property
    def actor(self) -> Actor:
        return self.govnet.actor

    def action_refresh(self) -> None:
        """Reload what the screen shows (F5)."""
        self.reload()

    def reload(self) -> None:  # overridden by screens with data
        """Load the screen's data again."""

    def ui(self, callback: Callable[..., Any], *args: Any) -> None:
        """From a worker: run ``callback`` on the UI thread unless the worker was replaced."""
        if not cancelled():
            self.app.call_from_thread(callback, *args)
