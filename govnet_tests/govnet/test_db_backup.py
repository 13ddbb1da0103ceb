"""``govnet db backup / restore / move`` (Art. 37), on SQLite and PostgreSQL.

What must hold: a backup taken while others allocate is one consistent point (its chain
verifies, its allocations match its audit events); a restore reproduces every row and
the chain verifies against the head the backup printed; a damaged, truncated or edited
file, or a non-empty target without --force, is refused and changes nothing; a move
SQLite → PostgreSQL → SQLite keeps every row and a verifiable chain; only an admin may.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text

from govnet import audit
from govnet import db as gdb
from govnet.auth import load_actor
from govnet.schema import load_models
from govnet.settings import settings
from govnet_tests.conftest import PG_BASE, _truncate_pg, db_snapshot
from ipam import service

AUDIT = ("auditevent", "audithead")


def _use(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVNET_DB", url)
    settings.cache_clear()
    gdb.dispose_all()


def _rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of ``url``, in primary-key order."""
    out = {}
    with gdb.read(url) as s:
        for table in load_models().metadata.sorted_tables:
            query = select(table).order_by(*table.primary_key.columns)
            out[table.name] = [tuple(r) for r in s.execute(query)]
    return out


def _seed(cli: Callable[..., Any], n: int = 3) -> None:
    for command in ("org district add 金平区", "org unit add 市教育局 --district 金平区",
                    "ipam vrf add 公用网络区", "ipam pool add 10.0.0.0/8 --vrf 公用网络区",
                    "ipam delegate --district 金平区 --size /16 --vrf 公用网络区",
                    "ipam pool add 2001:db8::/32 --vrf 公用网络区"):
        assert cli(command).code == 0, command
    for _ in range(n):
        r = cli("ipam allocate --size /26 --district 金平区 --owner 市教育局 --vrf 公用网络区")
        assert r.code == 0, r.err


@pytest.fixture(scope="module")
def other_pg() -> Iterator[str]:
    """A second migrated PostgreSQL database of this process (a restore or move target)."""
    from govnet.migrate import upgrade
    from govnet_tests.conftest import _pg_available

    problem = _pg_available()
    if problem:
        pytest.skip(f"PostgreSQL not available: {problem}")
    name = f"govnet_test_other_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
    admin = create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_BASE.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    gdb.dispose_all()
    yield url
    gdb.dispose_all()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def target(any_db: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """An empty database of the same kind as ``any_db`` (SQLite: not even created yet)."""
    if any_db.startswith("sqlite"):
        return f"sqlite:///{tmp_path}/target.db"
    url: str = request.getfixturevalue("other_pg")
    _truncate_pg(url)
    return url


def test_backup_during_concurrent_allocations_is_one_consistent_point(any_db, target, cli,
                                                                       tmp_path, monkeypatch):
    _seed(cli)
    with gdb.read() as s:
        actor = load_actor(s, "admin")
    stop, made, errors = threading.Event(), [0], []

    def allocate() -> None:
        try:
            while not stop.is_set():
                with gdb.transaction() as s:
                    service.allocate(s, actor, owner="市教育局", size="/30", district="金平区",
                                     vrf="公用网络区")
                made[0] += 1
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    writers = [threading.Thread(target=allocate) for _ in range(3)]
    for w in writers:
        w.start()
    while made[0] < 20 and not errors:
        stop.wait(0.01)
    before = made[0]
    file = tmp_path / "busy.jsonl.gz"
    try:
        r = cli(f"db backup {file} --json")
        during = made[0] - before
    finally:
        stop.set()
        for w in writers:
            w.join()
    assert not errors, errors
    assert r.code == 0, r.err
    assert during > 0, "the allocations did not go on while the backup ran"
    head = json.loads(r.out)["head"]

    _use(target, monkeypatch)
    r = cli(f"db restore {file} --json")
    assert r.code == 0, r.err
    restored = json.loads(r.out)
    assert restored["head"] == head
    assert cli(f"audit verify --head {head}").code == 0
    with gdb.read() as s:
        allocated = s.execute(text("SELECT count(*) FROM prefix WHERE status = 'allocated'")
                              ).scalar_one()
        events = s.execute(text("SELECT count(*) FROM auditevent WHERE action = 'ipam.allocate'")
                           ).scalar_one()
    assert allocated == events >= 3 + 20  # every allocation in the backup has its event
    assert allocated < 3 + made[0]  # and the backup is a point before the writers stopped
    # ids and sequences continue after what was restored (PostgreSQL: setval)
    assert cli("ipam allocate --size /30 --district 金平区 --owner 市教育局 "
               "--vrf 公用网络区").code == 0


def test_restore_into_a_fresh_database_reproduces_every_row(any_db, target, cli, tmp_path,
                                                            monkeypatch):
    _seed(cli)
    assert cli("user add ops --role municipal_operator").code == 0
    file = tmp_path / "govnet.jsonl.gz"
    r = cli(f"db backup {file}")
    assert r.code == 0, r.err
    assert str(file) in r.out and "rows in" in r.out
    head = r.out.split("head ", 1)[1].split()[0]
    source = _rows(any_db)
    assert oct(file.stat().st_mode & 0o777) == "0o600"

    _use(target, monkeypatch)
    r = cli(f"db restore {file} --json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["head"] == head and data["source"] == any_db.split(":")[0].split("+")[0]
    assert data["counts"] == {t: len(rows) for t, rows in source.items()}
    restored = _rows(target)
    for table, rows in source.items():
        if table not in AUDIT:
            assert restored[table] == rows, table
    # the chain is the backup's, plus one event recording the restore
    assert restored["auditevent"][:-1] == source["auditevent"]
    assert restored["auditevent"][-1][6] == "db.restore"
    assert cli(f"audit verify --head {head}").code == 0
    assert cli("ipam allocate --size /26 --district 金平区 --owner 市教育局 "
               "--vrf 公用网络区").code == 0


def test_rows_are_written_parents_first_whatever_their_ids():
    """A prefix may contain older ones (its id is larger than its children's): the file
    lists each row after the row it refers to, so the foreign key holds on insert."""
    from types import SimpleNamespace

    from govnet.dbcopy import _parents_first

    def row(id_: int, parent: int | None) -> SimpleNamespace:
        return SimpleNamespace(_mapping={"id": id_, "parent_id": parent})

    rows = [row(1, 5), row(2, 1), row(3, None), row(4, 2), row(5, None), row(6, 3)]
    order = [r._mapping["id"] for r in _parents_first(rows, "id", "parent_id")]
    assert sorted(order) == [1, 2, 3, 4, 5, 6]
    for r in rows:
        parent = r._mapping["parent_id"]
        if parent is not None:
            assert order.index(parent) < order.index(r._mapping["id"])


# -- refused files --------------------------------------------------------------------

def _lines(file: Path) -> list[bytes]:
    with gzip.open(file, "rb") as f:
        return f.readlines()


def _write(file: Path, lines: list[bytes], *, rehash: bool) -> None:
    """Write ``lines`` back; with ``rehash`` the end record's checksum is recomputed (what
    someone editing the file on purpose does)."""
    if rehash:
        end = json.loads(lines[-1])
        end["sha256"] = hashlib.sha256(b"".join(lines[:-1])).hexdigest()
        lines = [*lines[:-1], (json.dumps(end) + "\n").encode()]
    with gzip.open(file, "wb") as f:
        f.writelines(lines)


def _edit_row(lines: list[bytes], table: str, change: Callable[[dict[str, Any]], None]
              ) -> list[bytes]:
    """Change the first row of ``table`` whose fields ``change`` edits (by column name)."""
    columns = json.loads(lines[0])["tables"][table]
    out = list(lines)
    for i, raw in enumerate(lines[1:-1], 1):
        name, values = json.loads(raw)
        if name == table:
            row = dict(zip(columns, values, strict=True))
            change(row)
            out[i] = (json.dumps([name, list(row.values())], ensure_ascii=False) + "\n").encode()
            return out
    raise AssertionError(f"no {table} row")


def _set(**fields: Any) -> Callable[[dict[str, Any]], None]:
    return lambda row: row.update(fields)


def _rehash_chain(lines: list[bytes], position: int, **changes: Any) -> list[bytes]:
    """A careful forger: edit the event at ``position`` of chain 1 and re-hash it, its
    successors and the head row, then the end record's head and checksum."""
    header = json.loads(lines[0])
    cols, out = header["tables"]["auditevent"], list(lines)
    from datetime import datetime

    prev = None
    last = None
    hashes: dict[int, str] = {}  # chain 1's new hashes by position
    for i, raw in enumerate(lines[1:-1], 1):
        name, values = json.loads(raw)
        if name != "auditevent":
            continue
        row = dict(zip(cols, values, strict=True))
        if row["chain"] != 1 or row["chain_seq"] < position:
            continue
        if row["chain_seq"] == position:
            row.update(changes)
        else:
            row["prev_hash"] = prev
        if row["action"] == audit.CHECKPOINT:  # an anchor's payload seals the heads too
            row["after"]["heads"] = [[c, n, hashes.get(n, h) if c == 1 else h]
                                     for c, n, h in row["after"]["heads"]]
        fields = {k: row[k] for k in ("seq", "chain", "chain_seq", "actor", "action",
                                      "object_type", "object_id", "before", "after",
                                      "prev_hash")}
        row["hash"] = prev = audit.event_hash(at=datetime.fromisoformat(row["at"]), **fields)
        hashes[row["chain_seq"]] = prev
        last = row
        out[i] = (json.dumps([name, list(row.values())], ensure_ascii=False) + "\n").encode()
    assert last is not None
    for i, raw in enumerate(out[1:-1], 1):
        name, values = json.loads(raw)
        if name == "audithead" and values[0] == 1:
            out[i] = (json.dumps([name, [1, last["chain_seq"], last["hash"]]]) + "\n").encode()
    end = json.loads(out[-1])
    end["head"] = last["hash"]
    out[-1] = (json.dumps(end) + "\n").encode()
    return out


EDITS: dict[str, tuple[Callable[[Path], None], str]] = {
    "cut mid-stream": (lambda f: f.write_bytes(f.read_bytes()[: f.stat().st_size // 2]),
                       "truncated"),
    "cut at a line": (lambda f: _write(f, _lines(f)[:-5], rehash=False), "truncated"),
    "not a backup": (lambda f: f.write_bytes(b"CREATE TABLE prefix (id int);\n"), "damaged"),
    "prefix edited, checksum kept": (
        lambda f: _write(f, _edit_row(_lines(f), "prefix", _set(description="forged")),
                         rehash=False), "fails its checksum"),
    "event edited, checksum recomputed": (
        lambda f: _write(f, _edit_row(_lines(f), "auditevent", _set(actor="mallory")),
                         rehash=True), "fails verification"),
    "event removed, checksum and counts recomputed": (
        lambda f: _write(f, _drop_first_event(_lines(f)), rehash=True), "fails verification"),
    "other schema revision": (
        lambda f: _write(f, [_header(f, revision="0001"), *_lines(f)[1:]], rehash=True),
        "schema revision"),
}


def _drop_first_event(lines: list[bytes]) -> list[bytes]:
    out = [raw for raw in lines if not raw.startswith(b'["auditevent",[1,')]
    end = json.loads(out[-1])
    end["counts"]["auditevent"] -= 1
    out[-1] = (json.dumps(end) + "\n").encode()
    return out


def _header(file: Path, **changes: Any) -> bytes:
    header = json.loads(_lines(file)[0]) | changes
    return (json.dumps(header, ensure_ascii=False) + "\n").encode()


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_damaged_or_edited_backup_is_refused_and_changes_nothing(any_db, cli, tmp_path, edit):
    _seed(cli)
    file = tmp_path / "b.jsonl.gz"
    assert cli(f"db backup {file}").code == 0
    assert cli("org district add 龙湖区").code == 0  # the database differs from the file now
    damage, says = EDITS[edit]
    damage(file)
    before = db_snapshot()
    r = cli(f"db restore {file} --force")
    assert r.code == 2, (r.code, r.err)
    assert says in r.err and r.err.count("\n") == 1
    assert db_snapshot() == before


def test_a_consistently_rewritten_history_is_refused_against_the_head_kept_elsewhere(
        any_db, cli, tmp_path):
    _seed(cli)
    file = tmp_path / "b.jsonl.gz"
    r = cli(f"db backup {file} --json")
    head = json.loads(r.out)["head"]
    _write(file, _rehash_chain(_lines(file), 2, actor="mallory"), rehash=True)
    before = db_snapshot()
    r = cli(f"db restore {file} --force --head {head}")
    assert r.code == 2 and "fails verification" in r.err, r.err
    assert db_snapshot() == before
    # without the head kept elsewhere the forged file is self-consistent: that is what the
    # head is for (README, Art. 37)
    assert cli(f"db restore {file} --force").code == 0
    assert cli(f"audit verify --head {head}").code == 4


def test_a_non_empty_database_is_refused_without_force(any_db, cli, tmp_path):
    _seed(cli)
    file = tmp_path / "b.jsonl.gz"
    assert cli(f"db backup {file}").code == 0
    assert cli("org district add 龙湖区").code == 0
    before = db_snapshot()
    r = cli(f"db restore {file}")
    assert r.code == 4 and "--force" in r.err, r.err
    assert db_snapshot() == before
    r = cli(f"db restore {file} --force --json")
    assert r.code == 0, r.err
    assert "district" in json.loads(r.out)["replaced"]
    assert "龙湖区" not in cli("org list --json").out  # back to the backup's point


def test_only_an_admin_backs_up_or_restores(any_db, cli, tmp_path):
    _seed(cli, n=1)
    assert cli("user add ops --role municipal_operator").code == 0
    assert cli("user add audi --role auditor").code == 0
    file = tmp_path / "b.jsonl.gz"
    for who in ("ops", "audi"):
        r = cli(f"db backup {file}", as_=who)
        assert r.code == 3, r.err
        assert not file.exists() and not list(tmp_path.glob(".b.jsonl.gz*"))
    assert cli(f"db backup {file}").code == 0
    before = db_snapshot()
    r = cli(f"db restore {file} --force", as_="ops")
    assert r.code == 3, r.err
    assert db_snapshot() == before


def test_bad_paths_and_urls_are_invalid_input(db, cli, tmp_path):
    assert cli(f"db backup {tmp_path}/no/such/dir/b.gz").code == 2
    assert cli(f"db restore {tmp_path}/missing.gz").code == 2
    assert cli(f"db backup {tmp_path}").code == 2
    r = cli(f"db move --to {db}")
    assert r.code == 2 and "being moved" in r.err
    assert cli("db move --to mysql://x/y").code == 2
    assert cli("db move --to not-a-url").code == 2
    r = cli(f"db restore {tmp_path}/missing.gz --head 0000")
    assert r.code == 2 and "not an audit head" in r.err, r.err


def test_the_backup_holds_no_token_secret(db, cli, tmp_path):
    r = cli("token create admin --json")
    assert r.code == 0, r.err
    token = json.loads(r.out)["token"]
    file = tmp_path / "b.jsonl.gz"
    assert cli(f"db backup {file}").code == 0
    content = gzip.open(file, "rt").read()
    secret = token.split(".", 1)[1]
    assert secret not in content and token not in content
    assert hashlib.sha256(token.encode()).hexdigest() in content  # only its hash


@pytest.mark.postgres
def test_move_sqlite_to_postgresql_and_back_keeps_every_row(sqlite_db, other_pg, cli, tmp_path,
                                                            monkeypatch):
    _seed(cli)
    assert cli("token create admin").code == 0
    _truncate_pg(other_pg)
    r = cli(f"db move --to {other_pg} --json")
    assert r.code == 0, r.err
    head = json.loads(r.out)["head"]
    original = _rows(sqlite_db)

    _use(other_pg, monkeypatch)
    assert cli(f"audit verify --head {head}").code == 0
    assert cli("ipam allocate --size /26 --district 金平区 --owner 市教育局 "
               "--vrf 公用网络区").code == 0  # PostgreSQL's sequences continue after the ids
    on_pg = _rows(other_pg)
    back = f"sqlite:///{tmp_path}/back.db"
    r = cli(f"db move --to {back} --json")
    assert r.code == 0, r.err
    head2 = json.loads(r.out)["head"]

    _use(back, monkeypatch)
    assert cli(f"audit verify --head {head}").code == 0
    assert cli(f"audit verify --head {head2}").code == 0
    final = _rows(back)
    for table, rows in on_pg.items():
        if table not in AUDIT:
            assert final[table] == rows, table
    # the audit chain: the original's events, then each move's own record, in order
    assert final["auditevent"][:len(original["auditevent"])] == original["auditevent"]
    assert final["auditevent"][:len(on_pg["auditevent"])] == on_pg["auditevent"]
    actions = [e[6] for e in final["auditevent"][len(original["auditevent"]):]]
    assert actions == ["db.move", "ipam.allocate", "db.backup", "audit.head", "db.move"]
    with gdb.read() as s:
        assert s.execute(select(func.count()).select_from(
            load_models().metadata.tables["prefix"])).scalar_one() == len(original["prefix"]) + 1
