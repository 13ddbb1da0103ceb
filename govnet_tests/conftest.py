"""Shared fixtures: a migrated database per test (SQLite, and PostgreSQL where asked),
users of each role, and a CLI runner that calls ``govnet`` the way a user types it.

PostgreSQL tests use ``GOVNET_TEST_PG`` (default: the local server, trust auth); each
pytest worker gets its own database. They skip when the server is absent, unless
``GOVNET_REQUIRE_PG=1`` (CI), where its absence fails them.
"""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from govnet import db as gdb
from govnet.auth import Actor, load_actor
from govnet.settings import settings

PG_BASE = os.environ.get("GOVNET_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _reset_process_state(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVNET_DB", url)
    monkeypatch.setenv("GOVNET_USER", "admin")
    monkeypatch.delenv("GOVNET_LANG", raising=False)
    settings.cache_clear()
    gdb.dispose_all()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test (migrations run once)."""
    from govnet.migrate import upgrade

    path = tmp_path_factory.mktemp("template") / "govnet.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    gdb.get_engine(url).dispose()
    gdb.dispose_all()
    return path


def _pg_available() -> str | None:
    try:
        engine = create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        return str(exc).splitlines()[0]


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A migrated PostgreSQL database of this pytest process (dropped at the end)."""
    problem = _pg_available()
    if problem:
        if os.environ.get("GOVNET_REQUIRE_PG") == "1":
            pytest.fail(f"PostgreSQL required (GOVNET_REQUIRE_PG=1) but unavailable: {problem}")
        pytest.skip(f"PostgreSQL not available at {PG_BASE}: {problem}")
    name = f"govnet_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
    admin = create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = PG_BASE.rsplit("/", 1)[0] + f"/{name}"
    from govnet.migrate import upgrade

    upgrade(url)
    gdb.dispose_all()
    yield url
    gdb.dispose_all()
    admin = create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_pg(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = [r[0] for r in conn.execute(text(
            "select tablename from pg_tables where schemaname='public' "
            "and tablename <> 'alembic_version'"))]
        if tables:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                              + " RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
              ) -> Iterator[str]:
    path = tmp_path / "govnet.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    _reset_process_state(url, monkeypatch)
    _bootstrap()
    yield url
    gdb.dispose_all()


@pytest.fixture
def pg_db(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    _truncate_pg(pg_url)
    _reset_process_state(pg_url, monkeypatch)
    _bootstrap()
    yield pg_url
    gdb.dispose_all()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db(request: pytest.FixtureRequest) -> str:
    """Run the test on SQLite and on PostgreSQL."""
    return request.getfixturevalue("sqlite_db" if request.param == "sqlite" else "pg_db")


@pytest.fixture
def db(sqlite_db: str) -> str:
    """The default: a fresh migrated SQLite database with user ``admin``."""
    return sqlite_db


def _bootstrap() -> None:
    from govnet import org

    with gdb.transaction() as s:
        org.add_user(s, None, "admin", role="admin")


def actor(name: str = "admin") -> Actor:
    with gdb.read() as s:
        return load_actor(s, name)


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """``cli("ipam allocate --owner X ...", as_="ops")`` runs govnet like a user would."""
    from govnet.cli import main

    def run(command: str, *, as_: str | None = None) -> CliResult:
        argv = shlex.split(command)
        if as_:
            argv = ["--as", as_, *argv]
        capsys.readouterr()
        code = main(argv)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def db_snapshot() -> dict[str, list[tuple]]:
    """Every row of every table: compare before and after a refused command."""
    from sqlalchemy import select as sa_select

    from govnet.schema import load_models

    snap: dict[str, list[tuple]] = {}
    with gdb.read() as s:
        for table in load_models().metadata.sorted_tables:
            rows = s.execute(sa_select(table)).all()
            snap[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return snap
