"""``govnet demo``: seeds only an empty database, and a reset never erases real data or the
audit chain without being told to."""

from __future__ import annotations

import json

from govnet_tests.conftest import db_snapshot


def _events(cli, action: str) -> list[dict]:  # type: ignore[no-untyped-def]
    where = f" --action {action}" if action else ""
    return json.loads(cli(f"audit list{where} --limit 1000 --json").out)


def test_demo_seeds_an_empty_database_and_reset_keeps_the_chain(any_db, cli):
    first = json.loads(cli("demo --no-tui --json").out)
    assert first["seeded"] and first["found"] == "empty"
    again = cli("demo --no-tui --json")
    data = json.loads(again.out)
    assert again.code == 0 and data["seeded"] is False and data["found"] == "demo"
    assert "unchanged since the demo was seeded" in cli("demo --no-tui").out
    seeded_events = len(_events(cli, ""))
    reset = json.loads(cli("demo --no-tui --reset --json").out)
    assert reset["seeded"] and reset["wiped"]["device"] == 9
    assert len(_events(cli, "")) > seeded_events  # appended to, never erased
    [wiped] = _events(cli, "demo.reset")
    assert wiped["actor"] == "admin" and wiped["before"]["forced"] is False
    assert wiped["before"]["tables"]["prefix"] > 0 and wiped["before"]["changes_since_seed"] == 0
    assert len(_events(cli, "demo.seed")) == 2
    assert _events(cli, "user.add")[-1]["object"] == "user:admin"  # the bootstrap survives
    assert cli("audit verify").code == 0


def test_demo_refuses_a_database_holding_other_data(any_db, cli):
    assert cli("org district add 某区").code == 0
    assert cli("user add ops --role municipal_operator").code == 0
    before = db_snapshot()
    for command, as_, code, message in [
        ("demo --no-tui", None, 4, "holds data the demo did not create (district ×1, "
                                   "user ×2): the demo seeds only an empty database"),
        ("demo --no-tui --reset", None, 4, "'govnet demo --reset --force' wipes it"),
        ("demo --no-tui --force", None, 2, "--force goes with --reset"),
        ("demo --no-tui --reset --force", "ops", 3, "may not seed or reset the demo data"),
    ]:
        r = cli(command, as_=as_)
        assert r.code == code and message in r.err and r.err.count("\n") == 1, (command, r.err)
        assert db_snapshot() == before
    r = cli("demo --no-tui --reset --force --json")
    assert r.code == 0 and json.loads(r.out)["found"] == "other"
    [wiped] = _events(cli, "demo.reset")
    assert wiped["before"]["forced"] is True and wiped["before"]["tables"]["district"] == 1
    assert [e["object"] for e in _events(cli, "org.district.add")][-1] == "district:1"
    assert cli("audit verify").code == 0


def test_reset_of_a_database_holding_only_admins_keeps_them(db, cli):
    assert cli("user add boss --role admin").code == 0
    r = cli("demo --no-tui --reset --json")
    assert r.code == 0 and json.loads(r.out)["wiped"] == {}
    assert {"admin", "boss"} <= {u["name"] for u in json.loads(cli("user list --json").out)}
    assert _events(cli, "demo.reset") == []  # nothing was wiped


def test_a_played_demo_resets_only_with_force(db, cli):
    cli("demo --no-tui")
    assert cli("ipam release 10.87.255.0/24 --quarantine-days 0").code == 0
    said = cli("demo --no-tui")
    assert said.code == 0 and "1 change(s) since the demo was seeded" in said.out
    assert "ipam.release by admin" in said.out and "--reset --force' seeds it again" in said.out
    before = db_snapshot()
    r = cli("demo --no-tui --reset")
    assert r.code == 4 and "1 change(s) since the demo was seeded" in r.err
    assert db_snapshot() == before
    assert cli("demo --no-tui --reset --force").code == 0
    shown = json.loads(cli("ipam show 10.87.255.0/24 --json").out)
    assert shown["status"] == "reserved"  # seeded again
    [wiped] = _events(cli, "demo.reset")
    assert wiped["before"]["changes_since_seed"] == 1
    assert _events(cli, "ipam.release")  # what was done before the reset stays on record
