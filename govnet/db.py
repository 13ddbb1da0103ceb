"""Engine and transactions.

One engine per database URL. Callers own the transaction::

    with transaction() as session:      # writes; SQLite: BEGIN IMMEDIATE
        ipam.service.allocate(session, actor, ...)
    with read() as session:             # reads only
        ...

Services take the session and never commit. On SQLite the engine runs in WAL
mode with foreign keys on, and a write transaction starts with ``BEGIN
IMMEDIATE`` so two writers never both read the same free block. A SQLite file is
opened, never created (``mode=rw``): a typo in ``GOVNET_DB`` is an error, not a new
empty database; :func:`create` (``govnet init`` / ``govnet demo``) makes the file. A
file in a read-only directory or on a read-only disk is read through a read-only
connection (:func:`read` falls back to it when the WAL's ``-shm`` cannot be created). On PostgreSQL
(``postgresql+psycopg://…``) allocation locks the parent rows and the database
itself refuses overlapping siblings (see the migrations).

The allocation path runs without the ORM (a command's start budget, issue 11)::

    with begin() as conn:               # the same write transaction on a Core connection
        ipam.allocator.allocate(conn, actor, ...)
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.url import URL, make_url
from sqlalchemy.exc import OperationalError

from govnet.errors import InvalidInput, NotFound
from govnet.settings import settings

if TYPE_CHECKING:
    from sqlmodel import Session

_ENGINES: dict[str, Engine] = {}
_WRITERS: dict[str, Engine] = {}
_READERS: dict[str, Engine] = {}  # reads on the normal engine: probed once
_FALLBACKS: dict[str, Engine] = {}  # read-only engines of files whose -shm cannot be made
_SQLITE_WRITER = threading.RLock()


def _sqlite_setup(engine: Engine, *, read_only: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite otherwise defers it).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if not read_only:  # an immutable file cannot change its journal mode
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = "IMMEDIATE" if conn.get_execution_options().get("govnet_write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


def _parse(url: str) -> URL:
    try:
        return make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError with a long text
        raise InvalidInput(f"GOVNET_DB={url!r} is not a database URL") from exc


def shown(url: str) -> str:
    """A database URL as shown to users: its password hidden."""
    return make_url(url).render_as_string(hide_password=True)


def sqlite_path(url: str | None = None) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL, memory or an ``uri=true`` URL)."""
    parsed = _parse(url or settings().db_url)
    if (parsed.get_backend_name() != "sqlite" or not parsed.database
            or parsed.database == ":memory:" or parsed.query.get("uri")):
        return None
    return Path(parsed.database).absolute()


def _sqlite_engine(parsed: URL, path: Path | None, **mode: str) -> Engine:
    """An engine on the SQLite file ``path`` opened as a URI with ``mode`` (mode=rw: the
    file must exist; mode=ro / immutable=1: read-only)."""
    if path is not None:  # sqlite decodes %XX in a URI file name; quote keeps "/"
        parsed = parsed.set(database=f"file:{quote(str(path))}",
                            query={**parsed.query, **mode, "uri": "true"})
    engine = create_engine(parsed, connect_args={"timeout": 30, "check_same_thread": False})
    _sqlite_setup(engine, read_only="rw" not in mode.values())
    return engine


def _missing(path: Path) -> NotFound:
    """The error for a SQLite file that is not there: a typo in GOVNET_DB, or no init yet."""
    if os.environ.get("GOVNET_DB"):
        return NotFound(f"no such database file {path} (GOVNET_DB): check the path; "
                        "'govnet init' creates a new database")
    return NotFound(f"no database yet at {path}: run 'govnet init' to create it")


def create(url: str | None = None) -> None:
    """Make the SQLite file of ``url`` (and its directory) if it is missing: only
    ``govnet init`` and ``govnet demo`` create a database."""
    path = sqlite_path(url)
    if path is not None and not path.exists():
        import sqlite3  # PostgreSQL-only installs never load it

        path.parent.mkdir(parents=True, exist_ok=True)
        sqlite3.connect(path).close()


def get_engine(url: str | None = None) -> Engine:
    """The engine for ``url`` (default: ``GOVNET_DB``), created once; a SQLite file must
    exist (:func:`create` makes it)."""
    url = url or settings().db_url
    engine = _ENGINES.get(url)
    if engine is not None:
        return engine
    parsed = _parse(url)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if path is not None and not path.exists():
            raise _missing(path)
        engine = _sqlite_engine(parsed, path, mode="rw")
    elif parsed.get_backend_name() == "postgresql":
        engine = create_engine(url, pool_pre_ping=True)
    else:
        raise InvalidInput(f"GOVNET_DB: unsupported database {parsed.get_backend_name()!r}")
    _ENGINES[url] = engine
    return engine


def dispose_all() -> None:
    """Close every pooled connection (tests; after fork)."""
    for engine in (*_ENGINES.values(), *_FALLBACKS.values()):
        engine.dispose()
    _ENGINES.clear()
    _WRITERS.clear()
    _READERS.clear()
    _FALLBACKS.clear()


# SQLite's codes for a file that opens but whose WAL index (-shm) cannot be made: a
# read-only directory or disk, a full disk.
_NO_SHM = ("SQLITE_CANTOPEN", "SQLITE_IOERR_SHMSIZE", "SQLITE_IOERR_SHMOPEN", "SQLITE_READONLY")


def _reader(url: str | None) -> Engine:
    """The engine reads use: :func:`get_engine`, unless the SQLite file's WAL index
    (``-shm``) cannot be made (a read-only directory or disk, a full disk), then a
    read-only engine (``mode=ro``, else ``immutable=1``). A healthy file is probed once
    per process; a degraded one at every read, so a long-running server goes back to the
    normal engine once the disk has room again."""
    key = url or settings().db_url
    engine = _READERS.get(key)
    if engine is not None:
        return engine
    engine = get_engine(url)
    path = sqlite_path(url)
    if path is not None:
        try:
            engine.connect().close()
        except OperationalError as exc:
            code = getattr(exc.orig, "sqlite_errorname", "")
            if not code.startswith(_NO_SHM) or not path.exists():
                raise
            fallback = _FALLBACKS.get(key)
            if fallback is None:
                fallback = _FALLBACKS[key] = _read_only(_parse(key), path, exc)
            return fallback
    _READERS[key] = engine
    return engine


def _read_only(parsed: URL, path: Path, why: OperationalError) -> Engine:
    """A read-only engine on ``path``: ``mode=ro`` where the WAL index can be read, else
    ``immutable=1`` (SQLite reads the file as it is, without a -shm) -- only when no WAL
    holds changes not yet in the file, which ``immutable`` would not see (else ``why``)."""
    engine = _sqlite_engine(parsed, path, mode="ro")
    try:
        engine.connect().close()
        return engine
    except OperationalError:
        engine.dispose()
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise why
    return _sqlite_engine(parsed, path, mode="ro", immutable="1")


def _writer(url: str | None) -> Engine:
    key = url or settings().db_url
    engine = _WRITERS.get(key)
    if engine is None:  # the option engine shares the pool; built once per URL
        engine = _WRITERS[key] = get_engine(url).execution_options(govnet_write=True)
    return engine


@contextmanager
def _one_writer(engine: Engine) -> Iterator[None]:
    """SQLite: one writer at a time in this process waits here, woken the moment the
    lock is free, instead of in SQLite's busy handler, which polls in sleeps of up to
    100 ms (8 API threads allocating at once spent most of their time asleep). Other
    processes still meet at SQLite's own lock (BEGIN IMMEDIATE)."""
    if engine.dialect.name != "sqlite":
        yield
        return
    with _SQLITE_WRITER:
        yield


@contextmanager
def transaction(url: str | None = None) -> Iterator[Session]:
    """A write transaction: commits on success, rolls back on any exception."""
    from sqlmodel import Session

    engine = _writer(url)
    with _one_writer(engine), Session(engine, expire_on_commit=False) as session:
        with session.begin():
            yield session


@contextmanager
def begin(url: str | None = None) -> Iterator[Connection]:
    """:func:`transaction` on a Core connection, for code that runs without the ORM."""
    engine = _writer(url)
    with _one_writer(engine), engine.begin() as conn:
        yield conn


@contextmanager
def read(url: str | None = None) -> Iterator[Session]:
    """A read-only unit of work; closing it ends the transaction and keeps loaded objects."""
    from sqlmodel import Session

    with Session(_reader(url), expire_on_commit=False) as session:
        yield session
