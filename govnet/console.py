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
from functools import partial
from typing import TYPE_CHECKING, Any, cast

import typer

from govnet import validate
from govnet.errors import GovnetError
from govnet.messages import localize

if TYPE_CHECKING:  # the database layer is imported by the commands that use it
    from rich.console import Console
    from rich.table import Table

    from govnet.auth import Actor
    from govnet.prepared import Bind


class _Deferred:
    """A Rich console made on first use: a ``--json`` command never imports Rich (a
    tenth of an allocation command's start, issue 11)."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Any = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            from rich.console import Console

            options = {k: v() if callable(v) else v for k, v in self._options.items()}
            self._console = Console(**options)
        return getattr(self._console, name)


# Piped output is read by scripts: never truncate it to a guessed terminal width. What is
# printed is data (prefixes, names, descriptions), never Rich markup or emoji codes: an
# IPv6 prefix such as 2001:db8:a:100::/64 holds ":a:" and ":100:", and a description may
# hold "[/red]". Styling is done with Text objects.
_PLAIN = {"soft_wrap": True, "markup": False, "emoji": False}
out = cast("Console", _Deferred(**_PLAIN, width=lambda: None if sys.stdout.isatty() else 400))
err = cast("Console", _Deferred(**_PLAIN, stderr=True, highlight=False))

JSON_OPTION = typer.Option(False, "--json", help="Print machine-readable JSON on stdout.")


# Every whole-number option and argument of the CLI parses with validate.number: ASCII
# digits only ("５０" is refused, as in files), a range, and a govnet error line (exit 2)
# instead of the parser's own text. The parser raises InvalidInput, which Typer's
# validation does not catch, so run() prints it like any other.
def number_option(default: Any, *names: str, lo: int | None = 1, hi: int | None = None,
                  allowed: tuple[int, ...] = (), help: str | None = None) -> Any:
    """A ``typer.Option`` taking a whole number within ``lo``–``hi`` (or one of ``allowed``)."""
    return typer.Option(default, *names, help=help, metavar="N", parser=partial(
        validate.number, field=names[0], lo=lo, hi=hi, allowed=allowed))


def number_argument(default: Any, what: str, *, lo: int | None = 1, hi: int | None = None,
                    help: str | None = None, metavar: str = "NUMBER") -> Any:
    """A ``typer.Argument`` taking a whole number (a request, finding or application
    number: at least 1); ``what`` names it in an error."""
    return typer.Argument(default, help=help, metavar=metavar, parser=partial(
        validate.number, field=what, lo=lo, hi=hi))


class _State:
    acting_as: str | None = None


state = _State()


def acting_name(session: Bind) -> str:
    """The user this run acts as: the OS login, or ``--as`` / ``GOVNET_USER`` when the
    login may choose (an admin login, or root; see :mod:`govnet.identity`)."""
    from govnet import identity

    return identity.resolve(session, identity.requested(state.acting_as))


def actor_name() -> str:
    """:func:`acting_name` in a read of its own (for the TUI and the demo)."""
    from govnet.db import read

    with read() as s:
        return acting_name(s)


def acting(session: Bind) -> Actor:
    """The Actor this run acts as (see :func:`acting_name`)."""
    from govnet.auth import load_actor

    return load_actor(session, acting_name(session))


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    from rich.table import Table

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


EXCEL_BOM = "\ufeff"


def for_excel(csv_text: str) -> str:
    """CSV text with a UTF-8 byte order mark: without one, Excel on Chinese Windows reads
    a CSV in the ANSI code page (GBK) and shows mojibake. Python reads it back with
    ``encoding="utf-8-sig"``; govnet's own CSV importers skip the mark."""
    return csv_text if csv_text.startswith(EXCEL_BOM) else EXCEL_BOM + csv_text


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
    except KeyboardInterrupt:
        err.print("interrupted")
        return 130
    except Exception as exc:
        from govnet.dberrors import explain  # no database import: it looks drivers up

        database = explain(exc)
        if database is not None:
            return fail(database)
        # a bug: still one line, the traceback only on request
        if os.environ.get("GOVNET_DEBUG"):
            raise
        err.print(f"error: internal error ({type(exc).__name__}: {exc}); "
                  "run with GOVNET_DEBUG=1 for the traceback", markup=False)
        return 1
    return rv if isinstance(rv, int) else 0
