"""Hot-path statements: compiled once per dialect, run on the session's DBAPI connection.

SQLAlchemy spends ~45 µs of Python on each execution of even a cached Core statement;
an allocation runs about ten, which alone would exceed its 1 ms budget. A
:class:`Prepared` statement keeps what SQLAlchemy compiled (SQL text, parameter
order, bind processors such as the UTC datetime conversion) and hands it straight to
the driver, inside the same connection and transaction as the ORM session, or on a
Core :class:`~sqlalchemy.engine.Connection` (the allocation path, which imports no
ORM: see :mod:`govnet.tables`). Used only where the allocation path needs it;
everything else stays plain SQLAlchemy.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import Executable

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

#: What the Core paths run on: an ORM session (its connection) or a Core connection.
Bind: TypeAlias = "Session | Connection"


def connection_of(bind: Bind) -> Connection:
    """The Core connection of ``bind`` (a session's, in its transaction)."""
    return bind if isinstance(bind, Connection) else bind.connection()


def dialect_name(bind: Bind) -> str:
    return connection_of(bind).dialect.name


class _Compiled:
    __slots__ = ("sql", "names", "defaults", "processors", "positional", "row")

    def __init__(self, stmt: Any, dialect: Dialect) -> None:
        compiled = stmt.compile(dialect=dialect)
        self.sql = str(compiled)
        self.positional = bool(compiled.positional)
        self.names: Sequence[str] = (compiled.positiontup or []) if self.positional else list(
            compiled.binds)
        self.defaults = dict(compiled.params)  # e.g. LIMIT 1 rendered as a parameter
        self.processors = {name: proc for name, proc in (
            (n, compiled.binds[n].type._cached_bind_processor(dialect)) for n in compiled.binds)
            if proc is not None}
        columns = [c.name for c in getattr(stmt, "selected_columns", [])]
        if not columns and getattr(stmt, "_returning", None):
            columns = [c.name for c in stmt._returning]
        self.row = namedtuple("Row", columns, rename=True) if columns else None  # type: ignore[misc]

    def bind(self, params: Mapping[str, Any]) -> Any:
        values = {**self.defaults, **params}
        for name, proc in self.processors.items():
            if name in values:
                values[name] = proc(values[name])
        if self.positional:
            return tuple(values[n] for n in self.names)
        return values


class Prepared:
    """One Core statement, compiled lazily per dialect."""

    def __init__(self, stmt: Executable) -> None:
        self.stmt = stmt
        self._by_dialect: dict[str, _Compiled] = {}

    def _for(self, session: Bind) -> tuple[_Compiled, Any]:
        conn = connection_of(session)
        dialect = conn.dialect
        compiled = self._by_dialect.get(dialect.name)
        if compiled is None:
            compiled = self._by_dialect[dialect.name] = _Compiled(self.stmt, dialect)
        return compiled, conn.connection.driver_connection

    def rows(self, session: Bind, params: Mapping[str, Any] | None = None) -> list[Any]:
        compiled, raw = self._for(session)
        cur = raw.cursor()
        try:
            cur.execute(compiled.sql, compiled.bind(params or {}))
            # A statement with result columns always returns rows; asking the driver for
            # cur.description builds column objects (psycopg: ~10% of an allocation).
            fetched = cur.fetchall() if compiled.row is not None or cur.description else []
        finally:
            cur.close()
        return [compiled.row(*r) for r in fetched] if compiled.row else list(fetched)

    def first(self, session: Bind, params: Mapping[str, Any] | None = None) -> Any:
        found = self.rows(session, params)
        return found[0] if found else None

    def run(self, session: Bind, params: Mapping[str, Any] | Sequence[Mapping[str, Any]]
            ) -> int:
        """Execute (many, for a list of parameter sets); returns the row count."""
        compiled, raw = self._for(session)
        cur = raw.cursor()
        try:
            if isinstance(params, Mapping):
                cur.execute(compiled.sql, compiled.bind(params))
            else:
                cur.executemany(compiled.sql, [compiled.bind(p) for p in params])
            return cur.rowcount
        finally:
            cur.close()
