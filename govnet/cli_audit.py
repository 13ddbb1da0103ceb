"""``govnet audit …``: read and verify the hash-chained audit log."""

from __future__ import annotations

import typer

from govnet import audit
from govnet.auth import require
from govnet.console import JSON_OPTION, acting, emit, err, number_option, table
from govnet.db import read, transaction
from govnet.dberrors import DatabaseFull, ReadOnlyDatabase, explain
from govnet.errors import GovnetError
from govnet.messages import action_name, localize

app = typer.Typer(add_completion=False, help="The hash-chained audit log.", no_args_is_help=True)


@app.command("list")
def audit_list(limit: int = number_option(50, "--limit"),
               action: str | None = typer.Option(None, "--action"),
               actor: str | None = typer.Option(None, "--actor"),
               search: str | None = typer.Option(None, "--search"),
               json_: bool = JSON_OPTION) -> None:
    """The newest audit events first."""
    with read() as s:
        viewer = acting(s)
        data = [audit.event_dict(e) for e in audit.list_events(
            s, limit=limit, action=action, actor=actor, search=search, viewer=viewer)]
    emit(data, json_, lambda: table("audit", ("seq", "at", "actor", "action", "object"),
                                    ([d["seq"], d["at"], d["actor"],
                                      action_name(str(d["action"])), d["object"]]
                                     for d in data)))


@app.command("verify")
def audit_verify(head: str | None = typer.Option(
        None, "--head", help="An anchor from 'govnet audit head': also prove nothing before it "
        "was rewritten."), json_: bool = JSON_OPTION) -> None:
    """Check the hash chains; exit 4 if any event was edited or removed."""
    with read() as s:
        require(acting(s), *audit.VERIFIERS, action="verify the audit chain")
        result = audit.verify(s, head=head)
    anchored = f", and head {head} seals the history before it" if head else ""
    emit(result.as_dict(), json_, lambda: f"audit chain intact: {result.events} events{anchored}"
         if result.ok else f"audit chain BROKEN: {result.problem}")
    if not result.ok:
        raise typer.Exit(4)


@app.command("head")
def audit_head(json_: bool = JSON_OPTION) -> None:
    """Seal the current head of every chain into one hash; record it outside govnet.

    The anchor is recorded as an event when the database can be written. On a read-only
    database or a full disk the newest event of each chain is shown instead (a note on
    stderr says it was not recorded); ``audit verify --head`` accepts either."""
    try:
        with transaction() as s:
            anchors = [audit.checkpoint(s, acting(s))]
        recorded = True
    except Exception as exc:
        problem = explain(exc)
        if not isinstance(problem, ReadOnlyDatabase | DatabaseFull):
            raise
        with read() as s:
            anchors = audit.chain_heads(s, acting(s))
        recorded = False
        err.print(f"note: {localize(problem.message)}; this head was not recorded as an event",
                  markup=False)
    if not anchors:
        raise GovnetError("the audit log has no events yet: there is no head to record")
    data = {"head": anchors[0].hash, "seq": anchors[0].seq, "chains": anchors[0].chains,
            "recorded": recorded, "heads": [a.hash for a in anchors]}
    these = "this hash" if len(anchors) == 1 else "these hashes (one per chain)"
    emit(data, json_, lambda: "\n".join(a.hash for a in anchors)
         + f"\n(event {', '.join(str(a.seq) for a in anchors)}; record {these} elsewhere "
         f"and check it later with 'govnet audit verify --head {anchors[0].hash}')")
