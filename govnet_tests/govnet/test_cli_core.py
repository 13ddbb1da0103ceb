"""The contract's init, user and org commands, as typed."""

from __future__ import annotations

import json

import pytest

from govnet import db as gdb
from govnet.settings import settings
from govnet_tests.conftest import db_snapshot


def test_init_is_idempotent_and_makes_the_login_user_admin(tmp_path, monkeypatch, cli):
    monkeypatch.setenv("GOVNET_DB", f"sqlite:///{tmp_path}/fresh.db")
    monkeypatch.setenv("GOVNET_USER", "zhang")
    settings.cache_clear()
    gdb.dispose_all()
    first = json.loads(cli("init --json").out)
    second = json.loads(cli("init --json").out)
    assert first["admin"] == "zhang" and first["admin_created"] is True
    assert second["admin_created"] is False and second["revision"] == first["revision"]
    users = json.loads(cli("user list --json").out)
    assert users == [{"name": "zhang", "role": "admin", "district": None, "unit": None}]


def test_users_and_orgs(db, cli):
    assert cli("org district add 金平区 --code jinping").code == 0
    assert cli("org unit add 金平区教育局 --district jinping").code == 0
    assert cli("org unit add 市教育局").code == 0
    assert cli("user add jp --role district_operator --district 金平区").code == 0
    assert cli("user add edu --role applicant --unit 市教育局").code == 0
    orgs = json.loads(cli("org list --json").out)
    assert {"name": "金平区教育局", "district": "金平区"} in orgs["units"]
    assert {"name": "市教育局", "district": None} in orgs["units"]
    users = {u["name"]: u for u in json.loads(cli("user list --json").out)}
    assert users["jp"]["district"] == "金平区" and users["edu"]["unit"] == "市教育局"


@pytest.mark.parametrize("command,as_,code,message", [
    ("user add x --role wizard", None, 2, "unknown role 'wizard'"),
    ("user add x --role district_operator", None, 2, "a district_operator needs --district"),
    ("user add x --role applicant", None, 2, "an applicant needs --unit"),
    ("user add admin --role auditor", None, 4, "user 'admin' exists already"),
    ("user add y --role auditor", "jp", 3, "may not add users"),
    ("org district add 金平区", None, 4, "district '金平区' exists already"),
    ("org unit add 新单位 --district 火星区", None, 2, "unknown district '火星区'"),
    ("org unit add 新单位", "jp", 3, "may not add units"),
])
def test_refused(db, cli, command, as_, code, message):
    cli("org district add 金平区")
    cli("user add jp --role district_operator --district 金平区")
    before = db_snapshot()
    r = cli(command, as_=as_)
    assert r.code == code and message in r.err and r.err.count("\n") == 1, r.err
    assert db_snapshot() == before


def test_demo_seeds_once(db, cli):
    first = json.loads(cli("demo --no-tui --json").out)
    assert first["seeded"] and first["counts"]["applications"] == 3
    again = json.loads(cli("demo --no-tui --json").out)
    assert again["seeded"] is False
    reset = json.loads(cli("demo --no-tui --reset --json").out)
    assert reset["seeded"] is True
    tree = json.loads(cli("ipam tree --vrf 公用网络区 --depth 1 --json").out)
    blocks = [c for c in tree[0]["children"] if c["status"] == "delegated"]
    assert len(blocks) == 7  # a /16 per district and county
    assert cli("audit verify").code == 0


def test_demo_devices_are_refused_before_any_packet(db, cli):
    cli("demo --no-tui")
    devices = json.loads(cli("inventory list --json").out)
    assert len(devices) == 9 and all(d["demo"] for d in devices)  # core, city agg, 7 districts
    r = cli("inventory check jinping-agg-1")
    assert r.code == 5 and "demo device" in r.err
    states = sorted(r["state"] for r in json.loads(cli("access list --json").out))
    assert states == ["approved", "rejected", "returned", "submitted"]
