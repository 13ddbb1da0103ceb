"""Engine and transactions.

One engine per database URL. Callers own the transaction::

    with transaction() as session:      # writes; SQLite: BEGIN IMMEDIATE
        ipam.service.allocate(session, actor, ...)
    with read() as session:             # reads only
        ...

Services take the session and never commit. On SQLite the engine runs in WAL
mode with foreign keys on, and a write transaction starts with ``BEGIN
IMMEDIATE`` so two writers never both read the same free block. On PostgreSQL
(``postgresql+psycopg://…``) allocation locks the parent rows and the database
itself refuses overlapping siblings (see the migrations).

The allocation path runs without the ORM (a command's start budget, issue 11)::

    with begin() as conn:               # the same write transaction on a Core connection
        ipam.allocator.allocate(conn, actor, ...)
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.url import make_url

from govnet.errors import InvalidInput
from govnet.settings import settings

if TYPE_CHECKING:
    from sqlmodel import Session

_ENGINES: dict[str, Engine] = {}
_WRITERS: dict[str, Engine] = {}
_SQLITE_WRITER = threading.RLock()


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite otherwise defers it).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = "IMMEDIATE" if conn.get_execution_options().get("govnet_write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


def get_engine(url: str | None = None) -> Engine:
    """The engine for ``url`` (default: ``GOVNET_DB``), created once."""
    url = url or settings().db_url
    engine = _ENGINES.get(url)
    if engine is not None:
        return engine
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError with a long text
        raise InvalidInput(f"GOVNET_DB={url!r} is not a database URL") from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _sqlite_setup(engine)
    elif parsed.get_backend_name() == "postgresql":
        engine = create_engine(url, pool_pre_ping=True)
    else:
        raise InvalidInput(f"GOVNET_DB: unsupported database {parsed.get_backend_name()!r}")
    _ENGINES[url] = engine
    return engine


def dispose_all() -> None:
    """Close every pooled connection (tests; after fork)."""
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()
    _WRITERS.clear()


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

    with Session(get_engine(url), expire_on_commit=False) as session:
        yield session
