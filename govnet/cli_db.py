"""``govnet db …``: back up, restore and move govnet's own database (Art. 37).

Local commands only (never over the API or ``--remote``), for an admin. Exit codes:
2 the file is not a complete, intact govnet backup (missing, truncated, checksum, audit
chain, other schema revision) or the URL is bad; 3 not an admin; 4 the target database
is not empty (add ``--force``) or the source is not at this govnet's schema. A refused
restore or move changes nothing in the target's data.
"""

from __future__ import annotations

from pathlib import Path

import typer

from govnet import dbcopy
from govnet.console import JSON_OPTION, acting_name, emit

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Back up, restore and move govnet's own database (Art. 37).")

FORCE = typer.Option(False, "--force", help="Replace everything in a non-empty target.")


def _rows(summary: dbcopy.Summary) -> str:
    tables = sum(1 for n in summary.counts.values() if n)
    return f"{summary.rows} rows in {tables} tables ({summary.events} audit events)"


@app.command("backup")
def db_backup(file: Path = typer.Argument(..., help="The backup file to write (gzip'd JSON lines)."),
              json_: bool = JSON_OPTION) -> None:
    """Write a consistent backup of GOVNET_DB to FILE while others keep working; print the
    audit head it sealed (keep it somewhere other than this server)."""
    s = dbcopy.backup(file, acting_name)
    emit(s.as_dict(), json_, lambda: (
        f"wrote {s.path} ({s.size:,} bytes): {_rows(s)} from {s.database}, "
        f"schema {s.revision}\nhead {s.head}\n(keep this head elsewhere; after a restore, "
        f"'govnet audit verify --head {s.head}' proves the history up to this backup)"))


@app.command("restore")
def db_restore(file: Path = typer.Argument(..., help="A file written by 'govnet db backup'."),
               force: bool = FORCE,
               head: str | None = typer.Option(None, "--head", help="An audit head kept "
                                               "elsewhere: refuse the file unless its history "
                                               "holds it unchanged."),
               json_: bool = JSON_OPTION) -> None:
    """Restore FILE into GOVNET_DB (migrated first), in one transaction; refuse a damaged or
    edited file, and a non-empty database without --force."""
    s = dbcopy.restore(file, acting_name, force=force, head=head)
    emit(s.as_dict(), json_, lambda: (
        f"restored {s.path} into {s.database}: {_rows(s)}, backed up from {s.source} at "
        f"{s.created_at}\nhead {s.head} (audit chain verified)"))


@app.command("move")
def db_move(to: str = typer.Option(..., "--to", help="The target database URL, e.g. "
                                   "postgresql+psycopg://govnet@db/govnet or sqlite:///path."),
            force: bool = FORCE, json_: bool = JSON_OPTION) -> None:
    """Copy GOVNET_DB into another database (SQLite ⇄ PostgreSQL) with every row and the
    audit chain; then point GOVNET_DB at it."""
    s = dbcopy.move(to, acting_name, force=force)
    emit(s.as_dict(), json_, lambda: (
        f"moved {s.extra['from']} to {s.database}: {_rows(s)}\nhead {s.head} (audit chain "
        f"verified)\nnow set GOVNET_DB={s.database}"))
