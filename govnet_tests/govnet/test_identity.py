"""The local CLI's identity (issue 10, item 5): the OS login is the acting user;
``--as`` / ``GOVNET_USER`` are honoured only for an admin login or root, and
``govnet init`` never creates or promotes an admin on a database that has users.

The tests run as root, so the login is replaced through ``identity.os_login``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from govnet import db as gdb
from govnet import identity
from govnet.models import User
from govnet.settings import settings
from govnet_tests.conftest import db_snapshot


def login_as(monkeypatch: pytest.MonkeyPatch, name: str, uid: int = 1000) -> None:
    monkeypatch.setattr(identity, "os_login", lambda: identity.Login(name, uid))


@pytest.fixture
def people(db: str, cli):  # type: ignore[no-untyped-def]
    """admin (from conftest), a district operator jp and an auditor."""
    assert cli("org district add 金平区").code == 0
    assert cli("user add jp --role district_operator --district 金平区").code == 0
    assert cli("user add boss --role admin").code == 0
    return cli


def users() -> list[tuple[str, str]]:
    with gdb.read() as s:
        return sorted((u.name, u.role) for u in s.exec(select(User)))


def refused(cli, command: str, says: str, as_: str | None = None) -> None:  # type: ignore[no-untyped-def]
    before = db_snapshot()
    result = cli(command, as_=as_)
    assert result.code == 3, (result.code, result.err)
    assert result.err.count("\n") == 1 and says in result.err, result.err
    assert db_snapshot() == before


def test_init_on_an_existing_database_makes_nobody_admin(people, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    before = db_snapshot()
    for login, uid in (("mallory", 1000), ("jp", 1000), ("root", 0)):
        login_as(monkeypatch, login, uid)
        monkeypatch.setenv("GOVNET_USER", "mallory")
        result = people("init --json")
        assert result.code == 0, result.err
        data = json.loads(result.out)
        assert (data["admin"], data["admin_created"]) == (None, False)
        assert db_snapshot() == before
    assert ("mallory", "admin") not in users()
    assert "nobody was made admin" in people("init").out


def test_a_non_admin_login_may_not_pick_another_user(people, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    login_as(monkeypatch, "jp")
    monkeypatch.delenv("GOVNET_USER")
    says = "jp may not act as 'root': --as and GOVNET_USER are honoured only"
    refused(people, "user add x --role admin", says, as_="root")
    refused(people, "user list", "jp may not act as 'admin'", as_="admin")
    monkeypatch.setenv("GOVNET_USER", "admin")
    refused(people, "user add x --role admin", "jp may not act as 'admin'")
    refused(people, "demo --no-tui --reset", "jp may not act as 'admin'")
    # as itself, the login works within its own role and scope
    monkeypatch.delenv("GOVNET_USER")
    assert [u["name"] for u in json.loads(people("user list --json").out)] == ["jp"]
    assert people("user list --json", as_="jp").code == 0
    refused(people, "user add x --role admin", "jp (district_operator) may not add users")
    refused(people, "demo --no-tui --reset", "may not seed or reset the demo data")


def test_an_admin_login_or_root_may_act_as_another(people, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("GOVNET_USER")
    login_as(monkeypatch, "boss")
    assert [u["name"] for u in json.loads(people("user list --json", as_="jp").out)] == ["jp"]
    monkeypatch.setenv("GOVNET_USER", "jp")
    assert [u["name"] for u in json.loads(people("user list --json").out)] == ["jp"]
    login_as(monkeypatch, "root", 0)
    assert [u["name"] for u in json.loads(people("user list --json").out)] == ["jp"]


def test_an_unknown_login_is_not_permitted(people, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("GOVNET_USER")
    login_as(monkeypatch, "stranger")
    refused(people, "ipam tree", "unknown user 'stranger'")
    refused(people, "user list", "stranger may not act as 'admin'", as_="admin")


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVNET_DB", f"sqlite:///{tmp_path}/fresh.db")
    monkeypatch.delenv("GOVNET_USER", raising=False)
    settings.cache_clear()
    gdb.dispose_all()


def test_init_on_an_empty_database_makes_the_login_admin(fresh, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    login_as(monkeypatch, "zhang")
    monkeypatch.setenv("GOVNET_USER", "mallory")
    result = cli("init")
    assert result.code == 3 and "zhang may not act as 'mallory'" in result.err
    assert users() == []
    monkeypatch.delenv("GOVNET_USER")
    data = json.loads(cli("init --json").out)
    assert (data["admin"], data["admin_created"]) == ("zhang", True)
    assert users() == [("zhang", "admin")]
    login_as(monkeypatch, "li")
    assert json.loads(cli("init --json").out)["admin_created"] is False
    assert users() == [("zhang", "admin")]


def test_demo_on_an_empty_database_makes_the_login_admin(fresh, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    login_as(monkeypatch, "zhang")
    assert cli("demo --no-tui").code == 0
    assert ("zhang", "admin") in users()
    login_as(monkeypatch, "edu-applicant")
    refused(cli, "demo --no-tui --reset", "may not seed or reset the demo data")
