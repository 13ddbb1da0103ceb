"""Database failures as a user meets them (issue 21): each says what is wrong in one line,
with the contract's exit code, and only a missing schema asks for ``govnet init``.

Read-only and full disks are real mounts: the tests run as root, for whom a chmod'ed
file is still writable, so a read-only directory is a read-only bind mount of it and a
full disk a small tmpfs filled to the last byte. Where mount(8) is refused (no
CAP_SYS_ADMIN) those tests skip, saying so.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from govnet import db as gdb
from govnet.settings import settings
from govnet_tests.conftest import PG_BASE, db_snapshot

HEX64 = re.compile(r"^[0-9a-f]{64}$", re.M)
_PG = make_url(PG_BASE)
PG_HOST = f"{_PG.host}:{_PG.port or 5432}"  # how an error names the test server


def use(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVNET_DB", url)
    monkeypatch.setenv("GOVNET_USER", "admin")
    monkeypatch.delenv("GOVNET_LANG", raising=False)
    settings.cache_clear()
    gdb.dispose_all()


def one_line(result, code: int, *says: str) -> None:  # type: ignore[no-untyped-def]
    assert result.code == code, (result.code, result.err)
    assert result.err.count("\n") == 1, result.err
    assert "internal error" not in result.err and "did you run" not in result.err
    for s in says:
        assert s in result.err, result.err


@pytest.fixture
def mount(tmp_path: Path) -> Iterator[Callable[..., None]]:
    """``mount(args..., target)``; every mount is undone (lazily) at the end."""
    done: list[str] = []

    def run(*args: str) -> None:
        r = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
        if r.returncode != 0:
            pytest.skip(f"needs root with mount(8) (CI runs as root): {r.stderr.strip()}")
        done.append(args[-1])

    yield run
    gdb.dispose_all()
    for target in reversed(done):
        subprocess.run(["umount", "-l", target], check=False)


def seeded(cli, monkeypatch: pytest.MonkeyPatch, path: Path) -> str:  # type: ignore[no-untyped-def]
    """The demo seeded into ``path``; every connection closed afterwards."""
    url = f"sqlite:///{path}"
    use(url, monkeypatch)
    assert cli("demo --no-tui").code == 0
    gdb.dispose_all()
    return url


# -- no such file: nothing is created but by init / demo --------------------------------

def test_a_typo_in_the_sqlite_path_creates_nothing(tmp_path: Path, monkeypatch, cli) -> None:  # type: ignore[no-untyped-def]
    typo = tmp_path / "govent" / "govnet.db"
    use(f"sqlite:///{typo}", monkeypatch)
    for command in ("ipam vrf list", "org district add 金平区", "audit head"):
        one_line(cli(command), 2, f"no such database file {typo} (GOVNET_DB)")
    assert not typo.exists() and not typo.parent.exists()
    assert cli("init").code == 0 and typo.exists()  # init is what creates a database
    assert cli("ipam vrf list --json").out.strip() == "[]"


def test_no_database_yet_at_the_default_place_asks_for_init(tmp_path: Path, monkeypatch,  # type: ignore[no-untyped-def]
                                                            cli) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("GOVNET_DB", raising=False)
    settings.cache_clear()
    gdb.dispose_all()
    one_line(cli("user list"), 2, "no database yet at", "run 'govnet init' to create it")
    assert not (tmp_path / "data").exists()


# -- read-only directory ----------------------------------------------------------------

def test_a_read_only_directory_is_read_and_refuses_changes(tmp_path: Path, monkeypatch,  # type: ignore[no-untyped-def]
                                                           cli, mount) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "govnet.db"
    seeded(cli, monkeypatch, path)
    before = db_snapshot()
    gdb.dispose_all()
    assert not Path(f"{path}-shm").exists()  # a clean close: SQLite must make it anew
    mount("--bind", str(folder), str(folder))
    mount("-o", "remount,bind,ro", str(folder))

    r = cli("ipam vrf list --json")
    assert r.code == 0 and "公用网络区" in r.out, r.err
    for command in ("org district add 测试区", "ipam allocate --owner 市教育局 --hosts 20 "
                    "--district 金平区"):
        one_line(cli(command), 1, f"database {path}", "reading works, changes do not")
    head = cli("audit head")
    assert head.code == 0 and HEX64.search(head.out), head.err
    assert "was not recorded" in head.err and head.err.count("\n") == 1
    verify = cli(f"audit verify --head {HEX64.search(head.out).group(0)}")  # type: ignore[union-attr]
    assert verify.code == 0 and "intact" in verify.out
    assert db_snapshot() == before


# -- full disk --------------------------------------------------------------------------

def fill(folder: Path) -> None:
    """Take every free byte of the file system holding ``folder``."""
    with open(folder / "filler", "wb", buffering=0) as f:
        for chunk in (65536, 512):
            try:
                while True:
                    f.write(b"\0" * chunk)
            except OSError:
                pass


def test_a_full_disk_says_so_and_still_reads(tmp_path: Path, monkeypatch, cli, mount) -> None:  # type: ignore[no-untyped-def]
    disk = tmp_path / "disk"
    disk.mkdir()
    mount("-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk))
    path = disk / "govnet.db"
    seeded(cli, monkeypatch, path)
    head = cli("audit head --json")
    assert head.code == 0
    before = db_snapshot()
    gdb.dispose_all()
    fill(disk)
    assert shutil.disk_usage(disk).free < 1 << 20

    big = "x" * 20000  # more than the free bytes left: the write needs new pages
    one_line(cli(f"ipam allocate --owner 市教育局 --hosts 20 --district 金平区 --description {big}"),
             1, f"database {path}: the disk is full")
    assert cli("ipam vrf list --json").code == 0
    r = cli("audit head")
    assert r.code == 0 and HEX64.search(r.out), r.err
    assert "the disk is full" in r.err and "was not recorded" in r.err
    assert cli(f"audit verify --head {HEX64.search(r.out).group(0)}").code == 0  # type: ignore[union-attr]
    assert db_snapshot() == before

    (disk / "filler").unlink()  # room again: the same process writes and reads it back
    r = cli("ipam allocate --owner 金平区教育局 --hosts 20 --district 金平区 --json")
    assert r.code == 0, r.err
    shown = cli(f"ipam show {json.loads(r.out)['prefix']} --vrf 公用网络区 --json")
    assert shown.code == 0 and "金平区教育局" in shown.out, shown.err


def test_zh_cn_says_it_in_chinese(tmp_path: Path, monkeypatch, cli) -> None:  # type: ignore[no-untyped-def]
    typo = tmp_path / "typo.db"
    use(f"sqlite:///{typo}", monkeypatch)
    monkeypatch.setenv("GOVNET_LANG", "zh_CN")
    settings.cache_clear()
    one_line(cli("ipam vrf list"), 2, f"数据库文件 {typo} 不存在")


# -- PostgreSQL -------------------------------------------------------------------------

def test_an_unreachable_server_is_a_network_failure_without_the_password(monkeypatch, cli  # type: ignore[no-untyped-def]
                                                                         ) -> None:
    use("postgresql+psycopg://govnet:s3cr3t-pw@127.0.0.1:1/govnet", monkeypatch)
    for command in ("ipam vrf list", "org district add 金平区", "audit head"):
        r = cli(command)
        one_line(r, 5, "database server 127.0.0.1:1 is unreachable (connection refused)")
        assert "s3cr3t-pw" not in r.err + r.out


@pytest.mark.postgres
def test_no_such_postgres_database(pg_url: str, monkeypatch, cli) -> None:  # type: ignore[no-untyped-def]
    use(PG_BASE.rsplit("/", 1)[0] + "/govnet_no_such_db", monkeypatch)
    one_line(cli("ipam vrf list"), 2, f"no such database {PG_HOST}/govnet_no_such_db")


@pytest.mark.postgres
def test_a_lost_connection_is_a_network_failure(pg_db: str, monkeypatch, cli) -> None:  # type: ignore[no-untyped-def]
    """The server drops the command's connection mid-command (as on a restart)."""
    from govnet import audit

    listed = audit.list_events

    def dropped(session, **kw):  # type: ignore[no-untyped-def]
        session.execute(text("select pg_terminate_backend(pg_backend_pid())"))
        return listed(session, **kw)

    monkeypatch.setattr(audit, "list_events", dropped)
    one_line(cli("audit list"), 5, f"lost the connection to database server {PG_HOST}")


@pytest.mark.postgres
def test_a_read_only_postgres_database_reads_and_shows_the_head(pg_db: str, monkeypatch,  # type: ignore[no-untyped-def]
                                                                cli) -> None:
    """A standby or a database set read-only: changes refused (exit 1), reads and
    ``audit head`` (not recorded) work."""
    assert cli("org district add 金平区").code == 0
    name = pg_db.rsplit("/", 1)[1]
    admin = create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    gdb.dispose_all()
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
    try:
        before = db_snapshot()
        one_line(cli("org district add 龙湖区"), 1, "is read-only", "reading works")
        assert "金平区" in cli("org list --json").out
        r = cli("audit head --json")
        assert r.code == 0 and "was not recorded" in r.err, r.err
        assert cli(f"audit verify --head {json.loads(r.out)['head']}").code == 0
        assert db_snapshot() == before
    finally:
        gdb.dispose_all()
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" RESET default_transaction_read_only'))
        admin.dispose()
