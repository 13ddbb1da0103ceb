"""``govnet inventory …`` as a user types it: output, JSON, exit codes, nothing changed on error."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text

from govnet.db import get_engine
from govnet_tests.inventory.sshsim import SshSimulator


def dump() -> list[tuple[Any, ...]]:
    """Every inventory and audit row: to show a failed command changed nothing."""
    rows = []
    with get_engine().connect() as conn:
        for table in ("device", "port", "portvlan", "configsnapshot", "discoveredinterface",
                      "auditevent"):
            rows += [(table, *r) for r in conn.execute(text(f"select * from {table}"))]
    return rows


@pytest.fixture
def setup(db: str, cli: Any) -> Any:
    for cmd in ["org district add 金平区 --code jinping", "org district add 龙湖区",
                "user add ops --role municipal_operator",
                "user add jp --role district_operator --district 金平区",
                "user add aud --role auditor", "org unit add 市教育局",
                "user add app --role applicant --unit 市教育局",
                "inventory add jp-agg1 --platform frr --host 10.1.0.1 --role aggregation "
                "--district jinping --site 金平机房 --credential govlab@env:LAB_PW",
                "inventory add lh-agg1 --platform cisco_ios --host 10.2.0.1 --role aggregation "
                "--district 龙湖区",
                "inventory ports add jp-agg1 ethu1 --vlans 100-103"]:
        r = cli(cmd)
        assert r.code == 0, (cmd, r.err)
    return cli


def test_add_list_show_json(setup: Any) -> None:
    cli = setup
    r = cli("inventory add core1 --platform huawei_vrp --host 10.0.0.1 --port 830 --role core "
            "--json", as_="ops")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["name"] == "core1" and data["port"] == 830 and data["credential"] is None
    listed = json.loads(cli("inventory list --json", as_="aud").out)
    assert [d["name"] for d in listed] == ["core1", "jp-agg1", "lh-agg1"]
    assert [d["name"] for d in json.loads(cli("inventory list --json", as_="jp").out)] \
        == ["jp-agg1"]
    shown = json.loads(cli("inventory show jp-agg1 --json", as_="jp").out)
    assert shown["ports"] == [{"name": "ethu1", "vlans": "100-103", "description": "",
                               "in_use": []}]
    assert shown["credential"] == "govlab@env:LAB_PW" and shown["last_backup"] is None
    r = cli("inventory show jp-agg1")
    assert r.code == 0 and "ethu1" in r.out and "100-103" in r.out and "never checked" in r.out
    r = cli("inventory list")
    assert "jp-agg1" in r.out and "金平区" in r.out


BAD = [
    ("inventory add x --platform junos --host 10.0.0.9 --role core", 2, "unknown platform"),
    ("inventory add x --platform frr --host 10.0.0.999 --role core", 2, "neither an IP"),
    ("inventory add x --platform frr --host 10.0.0.9 --role edge", 2, "role 'edge'"),
    ("inventory add x --platform frr --host 10.0.0.9 --role core --port 0", 2, "port 0"),
    ("inventory add x --platform frr --host 10.0.0.9 --role core --district 火星区", 2,
     "unknown district"),
    ("inventory add x --platform frr --host 10.0.0.9 --role core --credential hunter2", 2,
     "credential reference"),
    ("inventory add 'a b' --platform frr --host 10.0.0.9 --role core", 2, "device name"),
    ("inventory add x --host 10.0.0.9 --role core", 2, "--platform"),
    ("inventory add jp-agg1 --platform frr --host 10.0.0.9 --role core", 4, "exists already"),
    ("inventory ports add jp-agg1 ethu2 --vlans 100-5000", 2, "VLAN range"),
    ("inventory ports add jp-agg1 ethu2 --vlans abc", 2, "VLAN range"),
    ("inventory ports add nope ethu2 --vlans 1-2", 2, "unknown device"),
    ("inventory show nope", 2, "unknown device"),
    ("inventory diff jp-agg1", 2, "a diff needs two"),
    ("inventory export --format netbox", 2, "unknown export format"),
    ("inventory import /nonexistent/devices.yaml", 2, "cannot read"),
    ("inventory check nope", 2, "unknown device"),
    ("inventory check jp-agg1", 5, "LAB_PW is not set"),
]


@pytest.mark.parametrize(("command", "code", "message"), BAD)
def test_bad_input_one_line_and_nothing_changed(setup: Any, command: str, code: int,
                                                message: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LAB_PW", raising=False)
    before = dump()
    r = setup(command, as_="ops")
    assert r.code == code, (r.out, r.err)
    assert message in r.err and r.err.startswith("error: ")
    assert len(r.err.strip().splitlines()) == 1 and "Traceback" not in r.err
    assert dump() == before


@pytest.mark.parametrize(("who", "command"), [
    ("jp", "inventory add x --platform frr --host 10.0.0.9 --role core"),
    ("aud", "inventory ports add jp-agg1 ethu9 --vlans 1-2"),
    ("aud", "inventory check jp-agg1"),
    ("app", "inventory list"),
    ("app", "inventory export --format csv"),
    ("jp", "inventory remove jp-agg1"),
])
def test_not_permitted_exit_3(setup: Any, who: str, command: str) -> None:
    before = dump()
    r = setup(command, as_=who)
    assert r.code == 3 and r.err.startswith("error: ") and "may not" in r.err
    assert dump() == before


@pytest.mark.parametrize("command", ["inventory show lh-agg1", "inventory backup lh-agg1",
                                     "inventory diff lh-agg1"])
def test_another_districts_device_reads_as_unknown(setup: Any, command: str) -> None:
    """No existence oracle: the answer is the one for a device that is not there (exit 2)."""
    before = dump()
    other = setup(command, as_="jp")
    missing = setup(command.replace("lh-agg1", "no-such"), as_="jp")
    assert other.code == missing.code == 2, (other.err, missing.err)
    assert other.err == missing.err.replace("no-such", "lh-agg1")
    assert other.err == "error: unknown device 'lh-agg1'\n"
    assert dump() == before


def test_every_change_is_audited(setup: Any) -> None:
    events = json.loads(setup("audit list --json --action inventory").out)
    actions = {e["action"] for e in events}
    assert {"inventory.device.add", "inventory.port.add"} <= actions


def test_remove(setup: Any) -> None:
    assert setup("inventory remove lh-agg1", as_="ops").code == 0
    assert setup("inventory show lh-agg1").code == 2


# -- device commands against the SSH simulator (test double) -----------------------

@pytest.fixture
def sim_device(setup: Any, simulated: Callable[..., SshSimulator],
               monkeypatch: pytest.MonkeyPatch) -> SshSimulator:
    sim = simulated("cisco_ios", hostname="JP-ACC1")
    monkeypatch.setenv("ACC_PW", sim.device.password)
    r = setup(f"inventory add jp-acc1 --platform cisco_ios --host {sim.host} --port {sim.port} "
              f"--role access --district jinping --credential {sim.device.username}@env:ACC_PW")
    assert r.code == 0, r.err
    return sim


def test_check_backup_diff_discover(setup: Any, sim_device: SshSimulator) -> None:
    cli = setup
    r = cli("inventory check jp-acc1", as_="jp")
    assert r.code == 0, r.err
    assert "jp-acc1: reachable" in r.out and "Cisco" in r.out and "hostname" in r.out
    r = cli("inventory backup jp-acc1 --json", as_="jp")
    assert r.code == 0, r.err
    assert json.loads(r.out)[0]["result"] == "stored"
    r = cli("inventory backup jp-acc1", as_="jp")
    assert r.code == 0 and "unchanged" in r.out
    r = cli("inventory diff jp-acc1 --live", as_="jp")
    assert r.code == 0 and "no difference" in r.out
    sim_device.device.running.edit([], "hostname JP-ACC1-NEW")
    r = cli("inventory diff jp-acc1 --live --json", as_="jp")
    assert json.loads(r.out)["changed"] is True and "+hostname JP-ACC1-NEW" in r.out
    assert cli("inventory backup jp-acc1", as_="ops").code == 0
    r = cli("inventory diff jp-acc1", as_="aud")
    assert r.code == 0 and "-hostname JP-ACC1\n" in r.out and "+hostname JP-ACC1-NEW" in r.out
    r = cli("inventory discover jp-acc1 --json", as_="jp")
    assert r.code == 0, r.err
    shown = json.loads(cli("inventory show jp-acc1 --json").out)
    assert shown["last_check_ok"] is True and shown["last_backup"]["by"] == "ops"
    assert "GigabitEthernet0/0/0" in [i["name"] for i in shown["interfaces"]]
    r = cli("inventory show jp-acc1")
    assert "discovered interfaces" in r.out and "10.255.0.1/30" in r.out


def test_backup_all_reports_the_failing_device(setup: Any, sim_device: SshSimulator,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """jp's scope: jp-acc1 (reachable) and jp-agg1 (its credential variable is not set)."""
    monkeypatch.delenv("LAB_PW", raising=False)
    r = setup("inventory backup --json", as_="jp")
    assert r.code == 5
    results = {d["device"]: d for d in json.loads(r.out)}
    assert results["jp-acc1"]["result"] == "stored" and not results["jp-agg1"]["ok"]
    assert r.err.count("\n") == 1 and "jp-agg1" in r.err and "LAB_PW" in r.err


def test_demo_device_exit_5_and_no_connection(setup: Any) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        listener.settimeout(0.5)
        port = listener.getsockname()[1]
        r = setup(f"inventory add demo1 --platform huawei_vrp --host 127.0.0.1 --port {port} "
                  "--role access --credential u@env:DEMO_PW --demo")
        assert r.code == 0 and "(demo)" in r.out
        for command in ("check demo1", "backup demo1", "discover demo1", "diff demo1 --live"):
            r = setup(f"inventory {command}")
            assert r.code == 5, (command, r.err)
            assert r.err == "error: demo1 is a demo device: govnet never connects to it " \
                            "(the lab is where devices are real)\n"
        with pytest.raises(TimeoutError):
            listener.accept()


def test_list_by_district_and_replace(setup: Any) -> None:
    cli = setup
    r = cli("inventory list --district 龙湖区 --json")
    assert [d["name"] for d in json.loads(r.out)] == ["lh-agg1"]
    r = cli("inventory add lh-agg1 --platform cisco_ios --host 10.2.0.9 --role aggregation "
            "--district 龙湖区 --replace --json", as_="ops")
    assert r.code == 0 and json.loads(r.out)["host"] == "10.2.0.9"
    events = json.loads(cli("audit list --json --action inventory.device.update").out)
    assert events[0]["before"]["host"] == "10.2.0.1" and events[0]["after"]["host"] == "10.2.0.9"


def test_ports_list_and_update(setup: Any) -> None:
    cli = setup
    r = cli("inventory ports add jp-agg1 ethu1 --vlans 100-110 --description 'units 金平' --json",
            as_="ops")
    assert r.code == 0 and json.loads(r.out)["vlans"] == "100-110"
    r = cli("inventory ports list jp-agg1 --json", as_="jp")
    assert json.loads(r.out)[0]["description"] == "units 金平"
