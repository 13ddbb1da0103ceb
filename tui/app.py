"""The govnet terminal UI: one app for the daily work of the extranet.

``run(actor_name)`` is the entry point (``govnet tui``, ``govnet demo``,
``python -m tui``). The app holds the acting user; screens call the same
services as the CLI under that user's role and scope, in thread workers. Every
failed worker reaches :meth:`GovnetApp.on_worker_state_changed`, the one place
that turns errors into notifications.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
import termios
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen
from textual.widgets import Input, TextArea
from textual.worker import Worker, WorkerState

from govnet.auth import Actor, load_actor
from govnet.db import read
from govnet.dberrors import explain
from govnet.errors import GovnetError
from govnet.messages import localize
from tui.i18n import lang, role, set_lang, t
from tui.screens.base import GovnetScreen, translate_bindings
from tui.screens.dashboard import DashboardScreen
from tui.screens.help import HelpScreen

SCREENS = {"dashboard": "nav.dashboard", "plan": "nav.plan", "requests": "nav.requests",
           "devices": "nav.devices", "audit": "nav.audit", "compliance": "nav.compliance"}


LAZY = {"plan": ("tui.screens.plan", "PlanScreen"),
        "requests": ("tui.screens.requests", "RequestsScreen"),
        "devices": ("tui.screens.devices", "DevicesScreen"),
        "audit": ("tui.screens.audit", "AuditScreen"),
        "compliance": ("tui.screens.compliance", "ComplianceScreen")}


def _lazy(mode: str) -> Callable[[], Screen[None]]:
    """A screen factory that imports its module on first use (the dashboard opens first)."""
    module, name = LAZY[mode]

    def make() -> Screen[None]:
        return getattr(importlib.import_module(module), name)()  # type: ignore[no-any-return]

    return make


class GovnetCommands(Provider):
    """Every screen and every action of the current screen, by name."""

    def _entries(self) -> Iterator[tuple[str, str, object]]:
        app = self.app
        for mode, key in SCREENS.items():
            yield (t("palette.goto", screen=t(key)), mode,
                   partial(app.switch_mode, mode))
        screen = self.screen
        if isinstance(screen, GovnetScreen):
            for _key, binding in screen._bindings:
                if binding.description and binding.action != "refresh":
                    yield (t("palette.screen_action", screen=screen.title,
                             action=binding.description), binding.action,
                           partial(app.call_next, screen.run_action, binding.action))
        yield (t("nav.help"), "help", partial(app.run_action, "help"))

    async def discover(self) -> Hits:
        for title, help_, command in self._entries():
            yield DiscoveryHit(title, command, help=help_)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_, command in self._entries():
            score = max(matcher.match(title), matcher.match(help_))  # words or action name
            if score > 0:
                yield Hit(score, matcher.highlight(title), command, help=help_)  # type: ignore[arg-type]


def _leave_if_hung_up(fd: int) -> None:
    """End the process as a hangup would once the terminal is gone.

    A terminal that hangs up sends SIGHUP to its session's leader; when that is a wrapper
    that stays (``make demo``) or the signal is ignored (``nohup``), no signal comes, and
    Textual's input thread then loops on the dead terminal, burning a core for good. The
    terminal's attributes cannot be read once it is hung up: that is the sign.
    """
    try:
        termios.tcgetattr(fd)
    except (termios.error, OSError):
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGHUP)


class GovnetApp(App[None]):
    """The extranet operations app, acting as ``actor``."""

    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {GovnetCommands}
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        "dashboard": DashboardScreen, **{mode: _lazy(mode) for mode in LAZY}}
    BINDINGS = [
        Binding("1", "switch_mode('dashboard')", "nav.dashboard", show=False),
        Binding("2", "switch_mode('plan')", "nav.plan", show=False),
        Binding("3", "switch_mode('requests')", "nav.requests", show=False),
        Binding("4", "switch_mode('devices')", "nav.devices", show=False),
        Binding("5", "switch_mode('audit')", "nav.audit", show=False),
        Binding("6", "switch_mode('compliance')", "nav.compliance", show=False),
        Binding("question_mark", "help", "nav.help", key_display="?"),
    ]

    def __init__(self, actor: Actor, *, lang: str | None = None) -> None:
        set_lang(lang)
        super().__init__()
        translate_bindings(self)
        self.actor = actor
        self.title = t("app.title")
        scope = actor.district_name or actor.unit_name
        self.sub_title = t("app.subtitle", user=actor.name, role=role(actor.role.value),
                           scope=f" · {scope}" if scope else "")

    def on_mount(self) -> None:
        self.switch_mode("dashboard")
        self.call_after_refresh(self.preload)
        if not self.is_headless and sys.__stdin__ is not None and sys.__stdin__.isatty():
            self.set_interval(2, partial(_leave_if_hung_up, sys.__stdin__.fileno()))

    @work(thread=True, group="preload", exit_on_error=False)
    def preload(self) -> None:
        """After the first paint, import the other screens so switching to them is quick."""
        for module, _name in LAZY.values():
            importlib.import_module(module)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The screen keys 1–6 are typing while a text field has the focus."""
        if action == "switch_mode" and isinstance(self.focused, (Input, TextArea)):
            return False
        return True

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one error handler: a failed worker becomes an error notification."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.report(event.worker.error)

    def notify(self, message: str, *, title: str = "", severity: Any = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every notification carries data (prefixes, names, reasons), never markup: a
        text with "[/red]" in it is shown as typed, not refused by the markup parser.
        Screens' ``notify`` passes ``markup=True`` by default; it is ignored here."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def report(self, exc: BaseException) -> str:
        """Notify ``exc`` as an error; returns the text shown (a form shows it too)."""
        database = explain(exc) if isinstance(exc, Exception) else None
        if isinstance(exc, GovnetError):
            text = localize(exc.message, lang())
        elif database is not None:  # disk full, read-only, server gone, no schema...
            text = localize(database.message, lang())
        else:
            self.log.error(exc)
            text = t("internal_error", kind=type(exc).__name__, text=exc)
        self.notify(text, title=t("error"), severity="error", timeout=10)
        return text


def run(actor_name: str) -> int:
    """Open the TUI as ``actor_name``; an unknown user is refused before it opens."""
    with read() as s:
        actor = load_actor(s, actor_name)
    GovnetApp(actor).run()
    return 0
