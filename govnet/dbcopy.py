"""Back up, restore and move govnet's own database (Art. 37 disaster recovery).

One portable file serves all three: gzip'd JSON lines, written from one consistent
snapshot and readable into SQLite or PostgreSQL alike, so ``move`` is a backup from one
database restored into the other rather than a second code path.

File layout (UTF-8 JSON, one value per line, inside gzip)::

    {"format": "govnet-backup", "version": 1, "revision": …, "created_at": …,
     "source": "sqlite", "tables": {"prefix": ["id", "vrf_id", …], …}}
    ["prefix", [1, 1, 4, …]]                        one line per row, parents first
    {"end": true, "counts": {…}, "head": H, "events": N, "sha256": …}

``sha256`` covers every byte before the end line: a truncated file has no end line, a
damaged or edited one fails the checksum. ``head`` is an audit anchor
(:func:`govnet.audit.checkpoint`) taken just before the snapshot; a restore walks the
restored chains and proves the history that anchor sealed is there, unchanged, so an
edit of the history with a recomputed checksum is refused too. Keep H elsewhere (it is
printed): ``govnet audit verify --head H`` proves a restored database against it.

Why not ``pg_dump`` or SQLite's ``.backup``: each writes a format only its own
database reads (so no SQLite → PostgreSQL move), ``pg_dump`` must be installed and at
least as new as the server, and neither file carries the audit head or a checksum of
its content. The snapshot they rely on is the same one used here: on PostgreSQL a
``REPEATABLE READ READ ONLY`` transaction (what ``pg_dump`` itself uses), on SQLite a
read transaction in WAL mode (what the online backup API holds while it copies). Both
see one committed state of every table while writers go on; nothing waits for the
backup.

Secrets: none are stored in the database (credential references name environment
variables, keyring entries or key files; API tokens keep only a SHA-256 of the token),
so a backup holds none either. The file still holds every row: it is created 0600.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import (
    Column,
    LargeBinary,
    MetaData,
    Table,
    bindparam,
    delete,
    func,
    insert,
    literal,
    select,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.engine.url import make_url
from sqlalchemy.types import DateTime

from govnet import audit, identity, tables
from govnet.auth import Actor, load_actor, require
from govnet.clock import utcnow
from govnet.db import begin, get_engine, shown
from govnet.errors import Conflict, InvalidInput
from govnet.migrate import MIGRATIONS, current_revision, upgrade
from govnet.prepared import Bind, Prepared

FORMAT = "govnet-backup"
VERSION = 1
BATCH = 2000  # rows per INSERT … VALUES batch on restore

#: Resolves the acting user's name on a database (the CLI passes govnet.console.acting_name).
Who = Callable[[Bind], str]


@dataclass
class Summary:
    """What a backup, restore or move did (the command prints it; --json emits it)."""

    path: str
    database: str
    source: str
    revision: str | None
    created_at: str
    counts: dict[str, int]
    head: str
    events: int
    sha256: str
    size: int = 0
    restored_by: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("extra")
        return {**data, "rows": self.rows, **self.extra}


def _metadata() -> MetaData:
    from govnet.schema import load_models

    return load_models().metadata


def _tables() -> list[Table]:
    """Every table of the schema, each after the tables it refers to."""
    return list(_metadata().sorted_tables)


# -- values: JSON for every column type the schema uses ----------------------------------

def _is_binary(column: Column[Any]) -> bool:
    return isinstance(column.type, LargeBinary)


def _is_datetime(column: Column[Any]) -> bool:
    kind = column.type
    return isinstance(kind, DateTime) or isinstance(getattr(kind, "impl", None), DateTime)


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    return value


def _decoders(table: Table, names: list[str]) -> list[Callable[[Any], Any]]:
    def binary(v: Any) -> Any:
        return None if v is None else bytes.fromhex(v)

    def moment(v: Any) -> Any:
        return None if v is None else datetime.fromisoformat(v)

    def same(v: Any) -> Any:
        return v

    out: list[Callable[[Any], Any]] = []
    for name in names:
        column = table.c[name]
        out.append(binary if _is_binary(column) else moment if _is_datetime(column) else same)
    return out


# -- reading a snapshot -------------------------------------------------------------------

def _self_parent(table: Table) -> str | None:
    """The column of ``table`` that refers to ``table`` itself (prefix.parent_id), if any."""
    for fk in table.foreign_keys:
        if fk.column.table is table:
            return fk.parent.name
    return None


def _parents_first(rows: list[Any], key: str, parent: str) -> list[Any]:
    """Rows ordered so each row's parent comes before it (a prefix made later may contain
    older ones, so id order is not enough for the foreign key)."""
    by_id = {r._mapping[key]: r for r in rows}
    done: set[Any] = set()
    out: list[Any] = []
    for row in rows:
        chain = []
        node = row
        while node is not None and node._mapping[key] not in done:
            chain.append(node)
            done.add(node._mapping[key])
            node = by_id.get(node._mapping[parent])
        out.extend(reversed(chain))
    return out


def _rows(conn: Connection, table: Table) -> Iterable[Any]:
    order = list(table.primary_key.columns)
    query = select(*table.columns).order_by(*order)
    parent = _self_parent(table)
    if parent is not None and len(order) == 1:
        return _parents_first(list(conn.execute(query)), order[0].name, parent)
    return conn.execution_options(stream_results=True, yield_per=BATCH).execute(query)


@dataclass
class _Hashed:
    """A text sink that gzips what it is given and hashes it (uncompressed)."""

    raw: IO[bytes]
    digest: Any = field(default_factory=hashlib.sha256)

    def __post_init__(self) -> None:
        self.gz = gzip.GzipFile(fileobj=self.raw, mode="wb", compresslevel=6)

    def line(self, value: Any, *, hashed: bool = True) -> None:
        data = (json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
                + "\n").encode()
        if hashed:
            self.digest.update(data)
        self.gz.write(data)


def _snapshot(conn: Connection, out: _Hashed, *, source: str, revision: str | None
              ) -> tuple[str, dict[str, int]]:
    """Write the header and every row; returns the creation time and the row counts."""
    created = utcnow().isoformat(timespec="seconds")
    schema = _tables()
    out.line({"format": FORMAT, "version": VERSION, "revision": revision,
              "created_at": created, "source": source,
              "tables": {t.name: [c.name for c in t.columns] for t in schema}})
    counts: dict[str, int] = {}
    for table in schema:
        n = 0
        for row in _rows(conn, table):
            out.line([table.name, [_encode(v) for v in row]])
            n += 1
        counts[table.name] = n
    return created, counts


def _snapshot_connection(url: str) -> Connection:
    """A connection whose next transaction sees one committed state of every table."""
    conn = get_engine(url).connect()
    if conn.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ",
                                      postgresql_readonly=True)
    return conn


def head_revision() -> str | None:
    """This govnet's schema revision (read from the migration scripts; no database opened,
    so a restore target that does not exist yet is not needed to know it)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def _require_head_revision(url: str) -> str | None:
    revision, head = current_revision(url), head_revision()
    if revision != head:
        raise Conflict(f"{shown(url)} is at schema revision {revision}, this govnet at {head}: "
                       "run 'govnet init' to upgrade it first")
    return revision


def _admin(conn: Bind, who: Who, action: str) -> Actor:
    actor = load_actor(conn, who(conn))
    require(actor, action=action)
    return actor


def backup(path: Path, who: Who, *, url: str | None = None) -> Summary:
    """Write a consistent backup of ``url`` (default GOVNET_DB) to ``path``; admin only.

    An anchor of the audit chain is recorded first (with a ``db.backup`` event), then
    every table is read in one snapshot and written to a temporary file beside
    ``path``, which replaces ``path`` only when complete.
    """
    from govnet.settings import settings

    url = url or settings().db_url
    revision = _require_head_revision(url)
    path = Path(path)
    if path.is_dir():
        raise InvalidInput(f"{path} is a directory: give the backup file's name")
    if not path.parent.is_dir():
        raise InvalidInput(f"{path.parent} does not exist")
    with begin(url) as conn:
        actor = _admin(conn, who, "back up the database")
        audit.record(conn, actor, "db.backup", "database", shown(url)[:128],  # column width
                     after={"file": path.name})
        anchor = audit.checkpoint(conn, actor)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as raw:
            out = _Hashed(raw)
            with _snapshot_connection(url) as conn, conn.begin():
                created, counts = _snapshot(conn, out, source=conn.dialect.name,
                                            revision=revision)
            sha, events = out.digest.hexdigest(), counts.get(tables.auditevent.name, 0)
            out.line({"end": True, "counts": counts, "head": anchor.hash, "events": events,
                      "sha256": sha}, hashed=False)
            out.gz.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Summary(path=str(path), database=shown(url), source=get_engine(url).dialect.name,
                   revision=revision, created_at=created, counts=counts, head=anchor.hash,
                   events=events, sha256=sha, size=path.stat().st_size)


# -- reading a file ------------------------------------------------------------------------

def _lines(path: Path) -> Iterator[bytes]:
    try:
        with gzip.open(path, "rb") as f:
            yield from f
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path} is a directory, not a backup file") from None
    except (OSError, EOFError, zlib.error) as exc:  # not gzip, or cut short
        raise InvalidInput(f"{path} is damaged or truncated ({exc}): nothing was restored"
                           ) from None


def _parse(path: Path, raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        raise InvalidInput(f"{path} holds a line that is not JSON: the file is damaged; "
                           "nothing was restored") from None


def _check_header(path: Path, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or value.get("format") != FORMAT:
        raise InvalidInput(f"{path} is not a govnet backup")
    if value.get("version") != VERSION:
        raise InvalidInput(f"{path} is a govnet backup of format version "
                           f"{value.get('version')}; this govnet reads {VERSION}")
    return value


class _Reader:
    """One pass over a backup file: :meth:`rows` yields each row, checked for shape, and
    at the end checks the end record (present, counts, checksum). Any problem raises
    InvalidInput; ``header`` and ``end`` are set as they are read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.header: dict[str, Any] = {}
        self.end: dict[str, Any] = {}

    def _damaged(self, what: str) -> InvalidInput:
        return InvalidInput(f"{self.path} {what}: nothing was restored")

    def rows(self) -> Iterator[tuple[str, list[Any]]]:
        path, digest, counts = self.path, hashlib.sha256(), dict[str, int]()
        tables: dict[str, list[str]] = {}
        for raw in _lines(path):
            if self.end:
                raise self._damaged("has data after its end record")
            value = _parse(path, raw)
            if not self.header:
                self.header = _check_header(path, value)
                tables = self.header.get("tables") or {}
                digest.update(raw)
                continue
            if isinstance(value, dict) and value.get("end") is True:
                self.end = value
                continue
            digest.update(raw)
            if (not isinstance(value, list) or len(value) != 2 or value[0] not in tables
                    or not isinstance(value[1], list) or len(value[1]) != len(tables[value[0]])):
                raise self._damaged("holds a row that does not fit its tables (damaged)")
            counts[value[0]] = counts.get(value[0], 0) + 1
            yield value[0], value[1]
        self.check_end(digest.hexdigest(), counts)

    def check_end(self, sha256: str, counts: dict[str, int]) -> None:
        if not self.header:
            raise InvalidInput(f"{self.path} is empty: not a govnet backup")
        if not self.end:
            raise self._damaged("is truncated (it has no end record)")
        if sha256 != self.end.get("sha256"):
            raise self._damaged("fails its checksum: it was changed or damaged after it was "
                                "written")
        if counts != {t: n for t, n in (self.end.get("counts") or {}).items() if n}:
            raise self._damaged("holds other row counts than its end record says")
        if not _is_hash(str(self.end.get("head"))):
            raise self._damaged("records no audit head")


def check_file(path: Path) -> _Reader:
    """Check the whole file before anything is touched: format, end record, counts and
    checksum. Rows are hashed as bytes, not parsed; their shape is checked as they are
    inserted, by a :class:`_Reader` pass that checks all of this again."""
    reader, digest, counts = _Reader(path), hashlib.sha256(), dict[str, int]()
    previous: bytes | None = None  # hashed once a later line shows it is not the end record
    for raw in _lines(path):
        if not reader.header:
            reader.header = _check_header(path, _parse(path, raw))
            digest.update(raw)
            continue
        if previous is not None:
            digest.update(previous)
            name = previous[2:previous.find(b'"', 2)].decode(errors="replace")
            counts[name] = counts.get(name, 0) + 1
        previous = raw
    if previous is not None:
        end = _parse(path, previous)
        if isinstance(end, dict) and end.get("end") is True:
            reader.end = end
    reader.check_end(digest.hexdigest(), counts)
    return reader


# -- restoring -----------------------------------------------------------------------------

def _occupied(conn: Connection) -> list[str]:
    """The tables of the target that hold a row."""
    return [t.name for t in _tables()
            if conn.execute(select(literal(1)).select_from(t).limit(1)).first() is not None]


def _wipe(conn: Connection) -> None:
    for table in reversed(_tables()):
        conn.execute(delete(table))


def _fix_sequences(conn: Connection) -> None:
    """PostgreSQL: every sequence owned by a column (serial ids, the audit event number)
    continues after the largest value restored, so the next insert takes a new one."""
    for table in _tables():
        for column in table.columns:
            seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                               {"t": table.name, "c": column.name}).scalar_one()
            if seq is None:
                continue
            top = conn.execute(select(func.max(column))).scalar_one()
            conn.execute(text("SELECT setval(CAST(:s AS regclass), :v, :called)"),
                         {"s": seq, "v": top or 1, "called": top is not None})


def _insert(conn: Connection, path: Path, header: dict[str, Any]) -> dict[str, int]:
    tables = {t.name: t for t in _tables()}
    missing = sorted(set(header["tables"]) - set(tables))
    if missing:
        raise InvalidInput(f"{path} holds tables this govnet does not have: {', '.join(missing)}")
    decoders = {name: _decoders(tables[name], cols) for name, cols in header["tables"].items()}
    counts: dict[str, int] = {}
    batch: list[list[Any]] = []
    current: str | None = None
    write = _copy if conn.dialect.name == "postgresql" else _insert_many

    for name, values in _Reader(path).rows():  # checked again as it is inserted
        if name != current or len(batch) >= BATCH:
            if batch and current is not None:
                write(conn, tables[current], header["tables"][current], batch)
            batch, current = [], name
        batch.append([d(v) for d, v in zip(decoders[name], values, strict=True)])
        counts[name] = counts.get(name, 0) + 1
    if batch and current is not None:
        write(conn, tables[current], header["tables"][current], batch)
    return counts


def _insert_many(conn: Connection, table: Table, cols: list[str], rows: list[list[Any]]) -> None:
    """The driver's executemany, with the column types' bind processing (SQLite)."""
    statement = Prepared(insert(table).values({c: bindparam(c, type_=table.c[c].type)
                                               for c in cols}))
    statement.run(conn, [dict(zip(cols, row, strict=True)) for row in rows])


def _copy(conn: Connection, table: Table, cols: list[str], rows: list[list[Any]]) -> None:
    """PostgreSQL: ``COPY … FROM STDIN`` (psycopg), many times faster than INSERTs; values
    go through the column types' bind processing first (UTC datetimes, JSON text)."""
    dialect = conn.dialect
    procs = [table.c[c].type._cached_bind_processor(dialect) for c in cols]
    quote = dialect.identifier_preparer.quote
    sql = f"COPY {quote(table.name)} ({', '.join(quote(c) for c in cols)}) FROM STDIN"
    raw = conn.connection.driver_connection
    assert raw is not None  # an open connection in a transaction
    with raw.cursor() as cur, cur.copy(sql) as copy:
        for row in rows:
            copy.write_row([p(v) if p is not None else v for p, v in zip(procs, row, strict=True)])


def restore(path: Path, who: Who, *, url: str | None = None, force: bool = False,
            head: str | None = None, action: str = "db.restore") -> Summary:
    """Restore ``path`` into ``url`` (default GOVNET_DB), in one transaction.

    Refused (and nothing changes) if the file is not a complete govnet backup, fails
    its checksum, was written at another schema revision, or its restored audit chain
    fails verification against the head it records (and ``head``, if given); refused
    on a non-empty database without ``force``. The target is migrated to this govnet's
    schema first. A ``db.restore`` event naming the file and its head is appended to the
    restored chain. Who may: an admin of the database being replaced, or, on an empty
    one, an admin of the restored data.
    """
    from govnet.settings import settings

    url = url or settings().db_url
    path = Path(path)
    if head is not None:  # typed input first, then the file
        head = audit.parse_head(head)
    meta = check_file(path)
    header, end = meta.header, meta.end
    ours = head_revision()
    if header.get("revision") != ours:
        raise InvalidInput(
            f"{path} was written at schema revision {header.get('revision')}, this govnet is at "
            f"{ours}: restore it with the govnet version that wrote it, then run 'govnet init' "
            "to upgrade")
    upgrade(url)
    with begin(url) as conn:
        occupied = _occupied(conn)
        name = _admin(conn, who, "replace the database").name if identity.has_users(conn) \
            else None
        if occupied:
            if not force:
                raise Conflict(f"{shown(url)} is not empty ({', '.join(occupied[:4])}"
                               f"{' …' if len(occupied) > 4 else ''}): restore into an empty "
                               "database, or add --force to replace everything in it")
            _wipe(conn)
        counts = _insert(conn, path, header)
        if conn.dialect.name == "postgresql":
            _fix_sequences(conn)
        if name is None:  # the target had no users: the restored data must make us admin
            name = _admin(conn, who, "restore a database").name
        for anchor in dict.fromkeys(h for h in (end["head"], head) if h):
            result = audit.verify(conn, head=anchor)
            if not result.ok:
                raise InvalidInput(f"{path}: the restored audit chain fails verification "
                                   f"({result.problem}); nothing was restored")
        audit.record(conn, name, action, "database", shown(url)[:128],
                     after={"file": path.name, "head": end["head"], "source": header["source"],
                            "created_at": header["created_at"], "rows": sum(counts.values())})
    return Summary(path=str(path), database=shown(url), source=header["source"],
                   revision=header["revision"], created_at=header["created_at"],
                   counts={t: counts.get(t, 0) for t in end["counts"]}, head=end["head"],
                   events=end["events"], sha256=end["sha256"], size=path.stat().st_size,
                   restored_by=name, extra={"replaced": occupied})


def _is_hash(value: str) -> bool:
    v = value.strip().lower()
    return len(v) == 64 and all(c in "0123456789abcdef" for c in v)


def move(to_url: str, who: Who, *, force: bool = False, url: str | None = None) -> Summary:
    """Copy GOVNET_DB (or ``url``) into ``to_url``: a backup restored there, so every row
    and the audit chain arrive intact and verified (the file is temporary)."""
    from govnet.settings import settings

    url = url or settings().db_url
    try:  # a malformed or unsupported URL is refused before anything runs
        target = make_url(to_url)
    except Exception:  # noqa: BLE001 - sqlalchemy raises ArgumentError with a long text
        raise InvalidInput(f"--to {to_url!r} is not a database URL") from None
    if target.get_backend_name() not in ("sqlite", "postgresql"):
        raise InvalidInput(f"--to: unsupported database {target.get_backend_name()!r} "
                           "(sqlite or postgresql)")
    if target == make_url(url):
        raise InvalidInput(f"--to {shown(to_url)} is the database being moved (GOVNET_DB)")
    with tempfile.TemporaryDirectory(prefix="govnet-move-") as tmp:
        taken = backup(Path(tmp) / "move.jsonl.gz", who, url=url)
        done = restore(Path(taken.path), who, url=to_url, force=force, action="db.move")
    done.path = ""
    done.database = shown(to_url)
    done.extra["from"] = shown(url)
    return done
