"""What every CLI command shares: the acting user, output, and error handling.

Commands print data either as a Rich table (wide CJK characters are measured
by Rich, so Chinese names align) or, with ``--json``, as JSON on stdout. Errors
never print a traceback: :func:`run` turns a :class:`GovnetError` into one line
on stderr and the contract's exit code.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlmodel import Session

from govnet.auth import Actor, load_actor
from govnet.errors import GovnetError
from govnet.messages import localize
from govnet.settings import settings

# Piped output is read by scripts: never truncate it to a guessed terminal width.
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 400)
err = Console(stderr=True, soft_wrap=True, highlight=False)

JSON_OPTION = typer.Option(False, "--json", help="Print machine-readable JSON on stdout.")


class _State:
    acting_as: str | None = None


state = _State()


def actor_name() -> str:
    return state.acting_as or settings().user


def acting(session: Session) -> Actor:
    """The Actor for ``--as`` / ``GOVNET_USER`` / the login name."""
    return load_actor(session, actor_name())


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    t = Table(title=title, header_style="bold", show_lines=False)
    for c in columns:
        t.add_column(c, overflow="fold")
    for row in rows:
        t.add_row(*("" if v is None else str(v) for v in row))
    return t


def emit(data: Any, as_json: bool, render: Callable[[], Any]) -> None:
    """JSON of ``data`` with ``--json``; else print what ``render()`` returns."""
    if as_json:
        emit_json(data)
    else:
        result = render()
        if result is not None:
            out.print(result)


def fail(exc: GovnetError) -> int:
    err.print(f"error: {localize(exc.message)}", markup=False)
    return exc.exit_code


def run(app: typer.Typer, argv: list[str] | None = None) -> int:
    """Run the Typer app; map every error to one stderr line and an exit code."""
    state.acting_as = None  # set again by --as; never carried from an earlier run
    try:
        rv = app(args=argv, standalone_mode=False, prog_name="govnet")
    except GovnetError as exc:
        return fail(exc)
    except typer.Abort:
        err.print("aborted")
        return 1
    except typer.Exit as exc:
        return exc.exit_code
    except typer.TyperException as exc:  # usage errors: exit 2, like invalid input
        err.print(f"error: {exc.format_message()}", markup=False)
        return exc.exit_code
    except (OperationalError, ProgrammingError) as exc:
        first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        err.print(f"error: database: {first} (did you run 'govnet init'?)", markup=False)
        return 1
    except KeyboardInterrupt:
        err.print("interrupted")
        return 130
    except Exception as exc:  # a bug: still one line, the traceback only on request
        if os.environ.get("GOVNET_DEBUG"):
            raise
        err.print(f"error: internal error ({type(exc).__name__}: {exc}); "
                  "run with GOVNET_DEBUG=1 for the traceback", markup=False)
        return 1
    return rv if isinstance(rv, int) else 0
