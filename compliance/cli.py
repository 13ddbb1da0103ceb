"""``govnet compliance scan|findings|show|acknowledge|isolate|restore|resume`` (DESIGN.md's contract)."""

from __future__ import annotations

from typing import Any

import typer

from compliance import enforce, service
from govnet.console import JSON_OPTION, acting, emit, err, number_argument, number_option, table
from govnet.db import read, transaction

FINDING = number_argument(..., "finding number", help="The finding's number.")

app = typer.Typer(
    add_completion=False, no_args_is_help=True,
    help="Compliance: find what is on the network without approval (Art. 41), isolate it "
         "(Art. 40).")

COLUMNS = ("id", "severity", "type", "state", "device", "interface", "prefix", "district",
           "first_seen", "last_seen", "detail")


def _actor() -> Any:
    with read() as s:
        return acting(s)


def _short(value: Any) -> Any:
    return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else value


@app.command()
def scan(devices: list[str] | None = typer.Argument(None, help="Devices (default: all in scope)."),
         workers: int = number_option(8, "--workers", hi=64),
         json_: bool = JSON_OPTION) -> None:
    """Read every device in parallel, reconcile with the plan, requests and filings."""
    report = service.scan(_actor(), devices or (), workers=workers)
    data = report.as_dict()

    def render() -> Any:
        return table(f"scan {report.scan}: {report.new} new, {report.reopened} reopened, "
                     f"{report.resolved} resolved, {report.open} open",
                     ("device", "ok", "findings", "error / notes"),
                     ([d.device, "yes" if d.ok else "NO", d.findings,
                       d.error or "; ".join(d.notes)] for d in report.devices))

    emit(data, json_, render)
    failed = [d for d in report.devices if not d.ok]
    for d in failed:
        err.print(f"error: {d.device}: {d.error}", markup=False)
    if failed and len(failed) == len(report.devices):
        raise typer.Exit(failed[0].exit_code)


@app.command()
def findings(state: str | None = typer.Option(None, "--state", help="open, acknowledged, resolved"),
             type_: str | None = typer.Option(None, "--type", help="unapproved, stale, conflict, "
                                              "drift, unfiled_private_network"),
             device: str | None = typer.Option(None, "--device"),
             evidence: bool = typer.Option(True, "--evidence/--no-evidence",
                                           help="Show each one's evidence (config lines, facts)."),
             json_: bool = JSON_OPTION) -> None:
    """Findings, newest first."""
    with read() as s:
        actor = acting(s)
        data = [service.finding_dict(s, f) for f in service.findings(
            s, actor, state=state, type=type_, device=device)]

    def render() -> Any:
        rows = ([_short(d[c]) for c in COLUMNS] + ([d["evidence"]] if evidence else [])
                for d in data)
        return table("compliance findings", COLUMNS + (("evidence",) if evidence else ()), rows)

    emit(data, json_, render)


@app.command()
def show(finding: int = FINDING, json_: bool = JSON_OPTION) -> None:
    """One finding with its evidence."""
    with read() as s:
        data = service.finding_dict(s, service.get_finding(s, acting(s), finding))
    emit(data, json_, lambda: table(None, ("field", "value"),
                                    ((k, _short(v)) for k, v in data.items())))


@app.command()
def acknowledge(finding: int = FINDING, note: str = typer.Option("", "--note"),
                json_: bool = JSON_OPTION) -> None:
    """Mark an open finding as seen and being handled."""
    with transaction() as s:
        data = service.finding_dict(s, service.acknowledge(s, acting(s), finding, note=note))
    emit(data, json_, lambda: f"finding {finding} acknowledged")


def _outcome(o: enforce.Outcome, json_: bool) -> None:
    emit(o.as_dict(), json_, lambda: (
        f"finding {o.finding}: {o.state} {o.device} {o.interface} (job {o.job}, "
        f"{len(o.lines)} line(s) pushed, {o.seconds:.1f} s)"
        + ("\n" + "\n".join(o.lines) if o.lines else "")))
    if o.exit_code:
        err.print(f"error: finding {o.finding}: {o.error}", markup=False)
        raise typer.Exit(o.exit_code)


@app.command()
def isolate(finding: int = FINDING, doc: str = typer.Option(..., "--doc", help="The authority's approval "
                                                  "document for the measure (Art. 40)."),
            json_: bool = JSON_OPTION) -> None:
    """Shut the finding's subinterface through a verified, rolled-back-on-failure job."""
    _outcome(enforce.isolate(finding, _actor(), doc=doc), json_)


@app.command()
def restore(finding: int = FINDING, json_: bool = JSON_OPTION) -> None:
    """Undo an isolation."""
    _outcome(enforce.restore(finding, _actor()), json_)


@app.command()
def resume(finding: int = FINDING, rollback: bool = typer.Option(False, "--rollback", help="Undo the "
                                                         "interrupted job instead of finishing it."),
           json_: bool = JSON_OPTION) -> None:
    """Finish (or roll back) an isolate/restore job a killed process left unfinished."""
    _outcome(enforce.resume(finding, _actor(), rollback=rollback), json_)
