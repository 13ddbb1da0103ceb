"""No secret in the database, the logs, the output or the audit rows.

A device's credential is ``netops@env:VAR`` with a distinctive password; govnet
checks, backs up, discovers and diffs it over real SSH (the SSH simulator, a test
double), with every logger at DEBUG. Then a full SQL dump of the database and
everything logged or printed are searched for the password.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import Any

import pytest

from govnet.db import read
from govnet_tests.inventory.sshsim import SshSimulator
from inventory import backup
from inventory.connect import open_driver, target_for
from inventory.service import find_device

PASSWORD = "Zq7-govnet-SECRET-5d1e!"


def sqlite_dump(url: str) -> str:
    """The whole database as SQL text (SQLite ``iterdump``)."""
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def secret_device(db: str, cli: Any, simulated: Callable[..., SshSimulator],
                  monkeypatch: pytest.MonkeyPatch) -> SshSimulator:
    sim = simulated("huawei_vrp", hostname="SECRET-R1", username="netops", password=PASSWORD)
    monkeypatch.setenv("SECRET_R1_PW", PASSWORD)
    r = cli(f"inventory add r1 --platform huawei_vrp --host {sim.host} --port {sim.port} "
            "--role core --credential netops@env:SECRET_R1_PW")
    assert r.code == 0, r.err
    return sim


def test_password_never_stored_logged_or_printed(db: str, cli: Any, secret_device: Any,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # root: paramiko, netmiko, asyncssh, govnet
    for name in ("paramiko", "netmiko", "paramiko.transport"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    printed = []
    for command in ("check r1", "backup r1", "discover r1", "diff r1 --live", "show r1",
                    "list", "export --format nornir", "export --format ansible",
                    "export --format csv", "audit list --json --limit 500"):
        r = cli(f"inventory {command}" if not command.startswith("audit") else command)
        assert r.code == 0, (command, r.err)
        printed += [r.out, r.err]
    secret_device.device.running.edit([], "sysname SECRET-R2")
    assert cli("inventory backup r1").code == 0
    assert cli("inventory diff r1").code == 0

    assert any("paramiko" in rec.name for rec in caplog.records), "SSH logging was captured"
    dump = sqlite_dump(db)
    assert "netops@env:SECRET_R1_PW" in dump and "SECRET-R2" in dump  # the dump is complete
    assert PASSWORD not in dump
    assert PASSWORD not in caplog.text
    assert all(PASSWORD not in rec.getMessage() and PASSWORD not in str(rec.args)
               for rec in caplog.records)
    assert not any(PASSWORD in text for text in printed)


def test_failed_logins_do_not_leak_the_password(db: str, cli: Any, secret_device: Any,
                                                monkeypatch: pytest.MonkeyPatch,
                                                caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "Wrong-" + PASSWORD
    monkeypatch.setenv("SECRET_R1_PW", wrong)
    r = cli("inventory check r1 --timeout 5")
    assert r.code == 5 and "authentication failed" in r.err
    r = cli("inventory backup r1 --timeout 5 --json")
    assert r.code == 5
    for text in (r.out, r.err, caplog.text, sqlite_dump(db)):
        assert wrong not in text and PASSWORD not in text
    with read() as s:
        assert find_device(s, "r1").last_error and "authentication" in find_device(
            s, "r1").last_error


def test_netmiko_session_log_is_off(db: str, secret_device: Any) -> None:
    with read() as s:
        device = find_device(s, "r1")
    target = target_for(device)
    assert "password" not in repr(target) and PASSWORD not in repr(target)
    with open_driver(None, device) as driver:
        params = driver.netmiko_params()  # type: ignore[attr-defined]
        assert not params.get("session_log")
        assert driver.conn.session_log is None  # type: ignore[attr-defined]


def test_a_password_in_a_driver_error_is_masked(db: str, secret_device: Any,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Belt and braces: whatever a driver puts in an error, the password is masked."""
    from govnet.errors import DeviceError
    from inventory.drivers import get_driver

    def leaky_open(self: Any) -> None:
        raise DeviceError(f"login as netops/{self.target.password} refused")

    monkeypatch.setattr(get_driver("huawei_vrp"), "_open", leaky_open)
    [result] = backup.backup(_admin(), ["r1"])
    assert result.error == "login as netops/*** refused"


def _admin() -> Any:
    from govnet_tests.conftest import actor

    return actor("admin")


# -- secrets in device configs ------------------------------------------------------
# The fragments are written in each platform's documented syntax (secret_configs.py
# says why); they reach govnet as the running config a simulated device prints over
# SSH. FRR has no simulator dialect of its own: vtysh speaks IOS, so the IOS dialect
# serves the ``frr`` driver.

SIM_DIALECT = {"frr": "cisco_ios"}


def _rows(url: str, *tables: str) -> str:
    """Every column of every row of ``tables`` (default: all) as one text, on either database."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            names = tables or tuple(inspect(conn).get_table_names())
            rows = [row for name in names
                    for row in conn.execute(text(f'SELECT * FROM "{name}"')).all()]
    finally:
        engine.dispose()
    return "\n".join(" | ".join(str(v) for v in row) for row in rows)


def _config_device(cli: Any, simulated: Callable[..., SshSimulator],
                   monkeypatch: pytest.MonkeyPatch, platform: str) -> SshSimulator:
    from govnet_tests.inventory.secret_configs import FRAGMENTS

    lines, _ = FRAGMENTS[platform]
    sim = simulated(SIM_DIALECT.get(platform, platform), hostname="SEC-R1",
                    extra_config=tuple(lines))
    monkeypatch.setenv("SEC_R1_PW", sim.device.password)
    r = cli(f"inventory add r1 --platform {platform} --host {sim.host} --port {sim.port} "
            f"--role core --credential {sim.device.username}@env:SEC_R1_PW")
    assert r.code == 0, r.err
    return sim


def _secret_line(platform: str) -> tuple[str, str]:
    """A top-level line of the fragment holding a secret, and the secret's marker."""
    from govnet_tests.inventory.secret_configs import FRAGMENTS

    lines, secrets = FRAGMENTS[platform]
    for line in lines:
        for marker in secrets:
            if marker in line and not line.startswith(" "):
                return line, marker
    raise AssertionError(f"{platform}: no top-level secret line")


@pytest.mark.parametrize("platform", ["huawei_vrp", "huawei_vrpv8", "huawei_ce", "h3c_comware",
                                      "cisco_ios", "ruijie_os", "frr"])
def test_no_config_secret_reaches_the_database(any_db: str, cli: Any,
                                               simulated: Callable[..., SshSimulator],
                                               monkeypatch: pytest.MonkeyPatch,
                                               platform: str) -> None:
    """Backups store every platform's config with its secrets masked, a secret-only
    change is still a change, and neither the diff nor the output shows a secret."""
    import json

    from govnet_tests.inventory.secret_configs import FRAGMENTS

    _, secrets = FRAGMENTS[platform]
    sim = _config_device(cli, simulated, monkeypatch, platform)
    assert secrets[0] in sim.device.running_config()  # the device really holds them
    first = cli("inventory backup r1 --json")
    assert first.code == 0, first.err
    assert json.loads(first.out)[0]["stored"] is True
    again = cli("inventory backup r1 --json")
    assert json.loads(again.out)[0]["stored"] is False  # unchanged: not stored twice

    line, marker = _secret_line(platform)
    negation = sim.device.dialect.grammar.negation
    sim.device.running.edit([], negation + line)
    sim.device.running.edit([], line.replace(marker, "NewSecret9q"))
    changed = cli("inventory backup r1 --json")
    assert json.loads(changed.out)[0]["stored"] is True  # a changed secret is a change
    diff = cli("inventory diff r1")
    live = cli("inventory diff r1 --live")
    assert diff.code == 0 and live.code == 0
    assert "***" in diff.out or "differ only in secret values" in diff.out

    assert _rows(any_db, "configsnapshot").count("***") >= 2 * len(secrets)
    everything = _rows(any_db)
    assert "SEC-R1" in everything  # the snapshots are in what was read
    leaks = [s for s in [*secrets, "NewSecret9q"]
             if s in everything
             or any(s in t for t in (first.out, changed.out, diff.out, live.out))]
    assert leaks == []
