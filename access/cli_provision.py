"""``govnet access provision|disconnect|resume|jobs|cpe-config``: provisioning from the CLI.

Several request numbers run in parallel (one lock per device) with a Rich progress
display on stderr; stdout carries the result table, or JSON with ``--json``. A
failed request prints ``error: request N: …`` on stderr and the command exits
with that error's code (5 for a device failure), after the rollback.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from access import provisioning
from access.provisioning import Outcome
from govnet.console import (
    JSON_OPTION,
    acting,
    emit,
    err,
    number_argument,
    number_option,
    out,
    table,
)
from govnet.db import read

NUMBERS = number_argument(..., "request number", metavar="NUMBER…",
                          help="Request number(s); several run in parallel.")
DRY_RUN = typer.Option(False, "--dry-run", help="Show the diff; change nothing.")
WORKERS = number_option(8, "--workers", hi=64, help="Parallel jobs (one per device).")


def _actor() -> Any:
    with read() as s:
        return acting(s)


@contextmanager
def _progress(numbers: list[int], quiet: bool) -> Iterator[Any]:
    """A Rich progress line per request on stderr (thread-safe callback), on a terminal."""
    if quiet or not err.is_terminal:
        yield None
        return
    lock = threading.Lock()
    with Progress(SpinnerColumn(), TextColumn("request {task.fields[n]}", markup=False),
                  TextColumn("{task.description}", style="bold", markup=False), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        tasks = {n: bar.add_task("waiting", n=n, total=None) for n in numbers}

        def update(number: int, step: str) -> None:
            with lock:
                bar.update(tasks[number], description=step)

        yield update


def _report(outcomes: list[Outcome], json_: bool) -> None:
    data = [o.as_dict() for o in outcomes]

    def render() -> Any:
        if len(outcomes) == 1:
            o = outcomes[0]
            head = (f"request {o.request}: {o.state}" + (f" on {o.device}" if o.device else "")
                    + (f" (job {o.job}, {len(o.lines)} line(s) pushed, {o.seconds:.1f} s)"
                       if o.job else ""))
            if o.state == "dry-run":
                head = (f"request {o.request}: dry run on {o.device}: {len(o.lines)} line(s) "
                        "would be pushed" + (o.error or ""))
            return head + ("\n" + o.diff if o.diff else "")
        return table("provisioning", ("request", "device", "state", "lines", "seconds", "job"),
                     ([o.request, o.device, o.state, len(o.lines), f"{o.seconds:.1f}", o.job]
                      for o in outcomes))

    emit(data, json_, render)
    failed = [o for o in outcomes if o.exit_code]
    for o in failed:
        if o.state != "dry-run":
            err.print(f"error: request {o.request}: {o.error}", markup=False)
    if failed:
        raise typer.Exit(failed[0].exit_code)


def _many(numbers: list[int], kind: str, dry_run: bool, workers: int, json_: bool) -> None:
    actor = _actor()
    if dry_run:
        run = provisioning.provision if kind == "attach" else provisioning.disconnect
        _report([run(n, actor, dry_run=True) for n in numbers], json_)
        return
    with _progress(numbers, quiet=json_) as update:
        outcomes = provisioning.provision_many(numbers, actor, workers=workers,
                                               progress=update, kind=kind)
    _report(outcomes, json_)


def provision(numbers: list[int] = NUMBERS, dry_run: bool = DRY_RUN, workers: int = WORKERS,
              json_: bool = JSON_OPTION) -> None:
    """Allocate, render, push, verify and save an approved request (a connected one is
    re-checked: only what is missing is pushed). Rolls back on any failure."""
    _many(numbers, "attach", dry_run, workers, json_)


def disconnect(numbers: list[int] = NUMBERS, dry_run: bool = DRY_RUN,
               workers: int = WORKERS, json_: bool = JSON_OPTION) -> None:
    """Remove a connected unit's configuration, quarantine its addresses, free its VLANs."""
    _many(numbers, "detach", dry_run, workers, json_)


def resume(number: int = number_argument(..., "request number"),
           rollback: bool = typer.Option(False, "--rollback",
                                         help="Undo the interrupted job instead of finishing it."),
           json_: bool = JSON_OPTION) -> None:
    """Finish (or --rollback) a job whose govnet process died mid-way."""
    with _progress([number], quiet=json_) as update:
        outcome = provisioning.resume(number, _actor(), rollback=rollback, progress=update)
    _report([outcome], json_)


def jobs(number: int | None = number_argument(None, "request number",
                                              help="Only this request's jobs."),
         json_: bool = JSON_OPTION) -> None:
    """Provisioning jobs, newest first; with a request number, each step and its output."""
    data = provisioning.jobs(number, _actor())

    def render() -> Any:
        rows = table("jobs", ("job", "request", "kind", "device", "state", "actor", "created",
                              "error"),
                     ([j["id"], j["request"], j["kind"], j["device"], j["state"], j["actor"],
                       str(j["created_at"])[:19], (j["error"] or "")[:60]] for j in data))
        if number is None:
            return rows
        out.print(rows)
        for j in data:
            out.print(table(f"job {j['id']} steps", ("seq", "step", "state", "output"),
                            ([st["seq"], st["name"], st["state"], st["output"] or ""]
                             for st in j["steps"])))
        return None

    emit(data, json_, render)


def cpe_config(number: int = number_argument(..., "request number"),
               platform: str | None = typer.Option(
                   None, "--platform", help="The unit router's platform (default: the "
                   "aggregation device's)."),
               interface: str | None = typer.Option(None, "--interface",
                                                    help="The unit router's uplink port."),
               json_: bool = JSON_OPTION) -> None:
    """Day-0 config for the unit's own router: its addresses and the default route."""
    data = provisioning.cpe_config(number, _actor(), platform=platform, interface=interface)
    emit(data, json_, lambda: "\n".join(data["lines"]))


def add_commands(app: typer.Typer) -> None:
    """Mount the provisioning commands on ``govnet access``."""
    app.command("provision")(provision)
    app.command("disconnect")(disconnect)
    app.command("resume")(resume)
    app.command("jobs")(jobs)
    app.command("cpe-config")(cpe_config)
