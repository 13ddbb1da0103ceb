"""Provision or disconnect one request: the dry-run diff first, then, on the user's
word, the live job with its steps as they happen and the job log at the end.

Both phases call ``access.provisioning`` exactly as ``govnet access provision N
[--dry-run]`` does, in a thread worker; the device is never contacted before the
user has seen the diff and pressed "run" (the dialog opens with "close" focused, so
a stray Enter never pushes).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, ProgressBar, RichLog

from access import provisioning
from tui.i18n import t
from tui.screens.base import io, translate_bindings
from tui.widgets.diffview import highlight_diff

STEPS = ("connect", "checkpoint", "diff", "push", "verify", "save")


class ProvisionScreen(ModalScreen[str | None]):
    """Dismisses the final state of the live run, or None if it was not run."""

    BINDINGS = [Binding("escape", "close", "nav.close"), Binding("r", "run", "job.run")]

    def __init__(self, number: int, kind: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.number, self.kind = number, kind  # kind: "provision" | "disconnect"
        self.ready = False
        self.final: str | None = None
        self.transcript: list[str] = []  # what the log shows, as plain text

    def say(self, text: Text) -> None:
        self.query_one("#job-log", RichLog).write(text)
        self.transcript.append(text.plain)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(t(f"job.{self.kind}", n=self.number), classes="dialog-title")
            yield ProgressBar(total=len(STEPS), show_eta=False, id="progress")
            yield RichLog(id="job-log", wrap=True, markup=False, highlight=False)
            with Horizontal(classes="buttons"):
                yield Button(t("job.run"), id="run", variant="warning", disabled=True)
                yield Button(t("nav.close"), id="close")

    def on_mount(self) -> None:
        self.say(Text(t("loading"), style="dim"))
        self.dry_run()

    @property
    def service(self) -> Any:
        return provisioning.provision if self.kind == "provision" else provisioning.disconnect

    @io("dry-run")
    def dry_run(self) -> None:
        try:
            outcome = self.service(self.number, self.app.actor, dry_run=True)  # type: ignore[attr-defined]
        except Exception as exc:  # noqa: BLE001 - said in the dialog, and notified
            self.app.call_from_thread(self.show_refusal, exc)
            return
        self.app.call_from_thread(self.show_plan, outcome)

    def show_refusal(self, exc: BaseException) -> None:
        """The dry run itself failed: say why here instead of "Loading…" forever."""
        report = getattr(self.app, "report", None)
        text = report(exc) if report is not None else str(exc)
        self.query_one("#job-log", RichLog).clear()
        self.transcript.clear()
        self.say(Text(t("job.failed", error=text), style="bold red"))
        self.final = None

    def show_plan(self, outcome: provisioning.Outcome) -> None:
        self.query_one("#job-log", RichLog).clear()
        self.transcript.clear()
        self.say(Text(t("job.dry_run", device=outcome.device or "—"), style="bold"))
        if outcome.error:
            self.say(Text(outcome.error.strip(), style="yellow"))
        self.say(highlight_diff(outcome.diff) if outcome.diff else
                 Text(t("job.nothing"), style="dim"))
        self.ready = True
        self.query_one("#run", Button).disabled = False
        # Focus stays off "run": an Enter typed on as the diff appears closes the dialog;
        # the push is a deliberate second step ("r", or moving to the button).
        self.query_one("#close", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "run":
            self.action_run()
        else:
            self.action_close()

    def action_run(self) -> None:
        if not self.ready:
            return
        self.ready = False
        self.query_one("#run", Button).disabled = True
        self.say(Text(t("job.running"), style="bold"))
        self.live()

    def step(self, _number: int, name: str) -> None:
        """Called by the job (in the worker thread) as each step starts."""
        self.app.call_from_thread(self.show_step, name)

    def show_step(self, name: str) -> None:
        if name not in STEPS and name != "rollback":
            return  # the final state: show_outcome says it
        self.say(Text("▶ " + t("job.step", step=name), style="cyan"))
        if name in STEPS:
            self.query_one("#progress", ProgressBar).update(progress=STEPS.index(name) + 1)

    @io("live")
    def live(self) -> None:
        outcome = self.service(self.number, self.app.actor, progress=self.step)  # type: ignore[attr-defined]
        jobs = provisioning.jobs(self.number, self.app.actor)  # type: ignore[attr-defined]
        job = next((j for j in jobs if j["id"] == outcome.job), None)
        self.app.call_from_thread(self.show_outcome, outcome, job)

    def show_outcome(self, outcome: provisioning.Outcome, job: dict[str, Any] | None) -> None:
        self.say(Text(t("job.log"), style="bold underline"))
        for st in (job or {}).get("steps", []):
            self.say(Text(f"[{st['state']}] {st['name']}", style="bold"))
            if st.get("output"):
                self.say(Text(st["output"], style="dim"))
        state = t(f"job.state.{outcome.state}")
        ok = outcome.state in ("connected", "disconnected", "unchanged")
        self.say(Text(t("job.result", state=state), style="bold green" if ok else "bold red"))
        if outcome.error:
            self.say(Text(t("job.failed", error=outcome.error), style="red"))
        if ok:
            self.query_one("#progress", ProgressBar).update(progress=len(STEPS))
        self.final = outcome.state
        self.notify(t("job.done", n=self.number, state=state), title=t("done"),
                    severity="information" if ok else "error")

    def action_close(self) -> None:
        self.dismiss(self.final)
