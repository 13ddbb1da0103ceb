"""What a database failure means, in one line: :func:`explain`.

SQLAlchemy's errors and the drivers' own (statements run by :mod:`govnet.prepared`
reach the driver directly) are classified by the driver's code (SQLite's extended
result code name, PostgreSQL's SQLSTATE) where there is one, by the text of a failed
connection where there is none:

==========================================  ==========================================  ====
what failed                                 error                                       exit
==========================================  ==========================================  ====
PostgreSQL unreachable, refused, lost       :class:`DatabaseUnreachable` (host:port)    5
no such SQLite file / PostgreSQL database   :class:`~govnet.errors.NotFound`            2
disk full                                   :class:`DatabaseFull`                       1
read-only file, directory or transaction    :class:`ReadOnlyDatabase`                   1
schema missing or older than this govnet    :class:`DatabaseError` ("run govnet init")  1
login refused, anything else                :class:`DatabaseError`                      1
==========================================  ==========================================  ====

Only a missing or outdated schema asks for ``govnet init``. A message names the
database by file or ``host:port/name``, never with its password. Driver modules are
looked up in ``sys.modules``, not imported: a command that never loaded one cannot
fail in one.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

from govnet.errors import GovnetError, NotFound


class DatabaseError(GovnetError):
    """The database cannot do what was asked: disk full, read-only, no schema (exit 1)."""


class ReadOnlyDatabase(DatabaseError):
    """The database file, its directory or the server's transaction is read-only."""


class DatabaseFull(DatabaseError):
    """The disk holding the database is full."""


class DatabaseUnreachable(GovnetError):
    """The database server cannot be reached or the connection to it was lost (exit 5, a
    network failure in the CLI contract)."""

    exit_code = 5


# Text of a failed PostgreSQL connection (libpq has no SQLSTATE for these) -> the reason.
_UNREACHABLE = [
    ("connection refused", "connection refused"),
    ("timeout expired", "timed out"), ("timed out", "timed out"),
    ("could not translate host name", "unknown host"),
    ("name or service not known", "unknown host"),
    ("no route to host", "no route to host"), ("network is unreachable", "network unreachable"),
    ("no such file or directory", "no server on that socket"),
]
_LOST = ("server closed the connection", "connection is lost", "connection is closed",
         "terminating connection", "ssl connection has been closed", "consuming input failed")
_SCHEMA = ("no such table", "no such column", "has no column named")


def _kinds() -> tuple[type[BaseException], ...]:
    """The database errors that are the database's condition, not govnet's bug (an
    IntegrityError reaching the top is a bug: it stays an internal error)."""
    return tuple(getattr(sys.modules[m], name) for m in ("sqlalchemy.exc", "sqlite3", "psycopg")
                 if m in sys.modules
                 for name in ("OperationalError", "ProgrammingError", "InternalError"))


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0].strip()


def _where(url: str) -> tuple[str, str, Path | None]:
    """(how the database is named in a message, the server's host:port, the SQLite file)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        from govnet.db import sqlite_path

        path = sqlite_path(url)
        return (str(path) if path else url), "", path
    host = f"{parsed.host or 'local socket'}:{parsed.port or 5432}"
    return f"{host}/{parsed.database or ''}", host, None


def explain(exc: BaseException, url: str | None = None) -> GovnetError | None:
    """The govnet error that says what ``exc``, a database failure, means; None when
    ``exc`` is not a database error (or is one govnet does not classify: a bug)."""
    kinds = _kinds()
    if not kinds or not isinstance(exc, kinds):
        return None
    if url is None:
        from govnet.settings import settings

        url = settings().db_url
    try:
        where, host, path = _where(url)
    except Exception:  # noqa: BLE001 - a URL that does not parse is reported elsewhere
        where, host, path = "", "", None
    orig: Any = getattr(exc, "orig", None) or exc
    line = _first_line(orig)
    password = _password(url)
    if password:
        line = line.replace(password, "***")
    text = line.lower()
    sqlite_code = getattr(orig, "sqlite_errorname", None)
    sqlstate = getattr(orig, "sqlstate", None) or ""
    if sqlite_code is not None or path is not None:
        return _sqlite(sqlite_code or "", line, text, where, path)
    return _postgres(exc, sqlstate, line, text, where, host, url)


def _password(url: str) -> str | None:
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).password  # type: ignore[return-value]
    except Exception:  # noqa: BLE001
        return None


def _schema(where: str, line: str) -> DatabaseError:
    return DatabaseError(f"database {where} has no govnet schema or an older one ({line}): "
                         "run 'govnet init'")


def _full(path: Path | None) -> bool:
    """Whether the disk holding ``path`` is (all but) full: SQLite reports a full disk
    while it grows its WAL index as a mere I/O error (SQLITE_IOERR_SHMSIZE)."""
    try:
        return path is not None and shutil.disk_usage(path.parent).free < 1 << 20
    except OSError:
        return False


def _sqlite(code: str, line: str, text: str, where: str, path: Path | None) -> GovnetError:
    if code == "SQLITE_FULL" or "disk is full" in text or (
            code.startswith("SQLITE_IOERR") and _full(path)):
        return DatabaseFull(f"database {where}: the disk is full; free space on it and run "
                             "the command again (nothing was changed)")
    if code.startswith("SQLITE_READONLY") or "readonly database" in text:
        return ReadOnlyDatabase(f"database {where} is read-only (the file or its directory "
                             "cannot be written): reading works, changes do not")
    if code.startswith("SQLITE_CANTOPEN") or "unable to open database" in text:
        if path is not None and not path.exists():
            from govnet.db import _missing

            return _missing(path)
        return ReadOnlyDatabase(f"database {where} cannot be opened for writing (its directory "
                             "is read-only or not accessible): reading works, changes do not")
    if code.startswith("SQLITE_IOERR"):
        return DatabaseError(f"database {where}: disk I/O error ({line})")
    if any(s in text for s in _SCHEMA):
        return _schema(where, line)
    return DatabaseError(f"database {where}: {line}")


def _postgres(exc: BaseException, sqlstate: str, line: str, text: str, where: str, host: str,
              url: str) -> GovnetError:
    if sqlstate == "53100" or "no space left on device" in text:
        return DatabaseFull(f"database {where}: the server's disk is full; free space on it "
                             "and run the command again (nothing was changed)")
    if sqlstate == "25006":
        return ReadOnlyDatabase(f"database {where} is read-only (a standby or a read-only "
                             "transaction): reading works, changes do not")
    if sqlstate in ("42P01", "42703"):
        return _schema(where, line)
    if sqlstate == "3D000" or ("database" in text and "does not exist" in text):
        return NotFound(f"no such database {where} (GOVNET_DB): check the name; "
                        "'govnet init' sets up a database that exists and is empty")
    if sqlstate.startswith("28") or "authentication failed" in text:
        from sqlalchemy.engine import make_url

        return DatabaseError(f"database server {host} refused the login of user "
                             f"{make_url(url).username!r} ({line})")
    lost = DatabaseUnreachable(f"lost the connection to database server {host} ({line}); "
                               "the command's transaction was not committed unless it was "
                               "lost while committing")
    if sqlstate.startswith("57P") or getattr(exc, "connection_invalidated", False):
        return lost
    for needle, reason in _UNREACHABLE:
        if needle in text:
            return DatabaseUnreachable(f"database server {host} is unreachable ({reason}): "
                                       "is PostgreSQL running there, and GOVNET_DB right?")
    if any(s in text for s in _LOST):
        return lost
    return DatabaseError(f"database {where}: {line}")
