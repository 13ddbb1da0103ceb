"""Scans, findings, acknowledgement, isolate/restore — over the FAKE vtysh, on SQLite and PostgreSQL.

The real routers are in govnet_tests/lab/test_compliance.py; here the database side is
checked exhaustively: findings kept once, resolved and reopened, a failed device
reported without stopping the scan, scopes and roles, the isolation job's steps,
verification failure rolled back, refusals that change nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import col, select

from access.jobs import CRASH_ENV
from access.models import Job
from compliance import enforce, service
from compliance.models import Finding
from govnet import org
from govnet.auth import load_actor
from govnet.db import read, transaction
from govnet_tests.compliance.fakes import FakeVtysh, set_config
from govnet_tests.conftest import actor, db_snapshot
from inventory import drivers
from inventory import service as inventory
from ipam import importer
from ipam import service as ipam

ROGUE = "interface ethu2.101\n description self-built\n ip address 172.16.5.1/24\nexit\n"
DOC = "汕电政核〔2026〕99号"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, any_db: str, tmp_path: Path) -> Iterator[type[FakeVtysh]]:
    drivers.platforms()
    monkeypatch.setitem(drivers._REGISTRY, "frr", FakeVtysh)
    monkeypatch.setenv("GOVNET_FAKE_PW", "pw")
    monkeypatch.setenv("GOVNET_LOCK_DIR", str(tmp_path))
    FakeVtysh.configs, FakeVtysh.stuck_up, FakeVtysh.pushed = {}, set(), []
    set_config("198.18.0.11", "agg1", 1)
    set_config("198.18.0.12", "agg2", 2)
    with transaction() as s:
        admin = load_actor(s, "admin")
        for district in ("金平区", "龙湖区"):
            org.add_district(s, admin, district)
        org.add_unit(s, admin, "金平区教育局", district="金平区")
        org.add_user(s, admin, "boss", role="authority")
        org.add_user(s, admin, "ops", role="municipal_operator")
        org.add_user(s, admin, "jp", role="district_operator", district="金平区")
        org.add_user(s, admin, "lh", role="district_operator", district="龙湖区")
        org.add_user(s, admin, "edu", role="applicant", unit="金平区教育局")
        org.add_user(s, admin, "audit", role="auditor")
        ipam.add_vrf(s, admin, "公用网络区")
        ipam.add_pool(s, admin, "10.80.0.0/13")
        for i, district in enumerate(("金平区", "龙湖区"), 1):
            inventory.add_device(s, admin, name=f"agg{i}", platform="frr",
                                 host=f"198.18.0.{10 + i}", role="aggregation",
                                 district=district, credential="ops@env:GOVNET_FAKE_PW")
    yield FakeVtysh


def adopt() -> None:
    """First scan, then import what the devices carry: the infrastructure is in the plan."""
    service.scan(actor("ops"))
    with transaction() as s:
        importer.from_devices(s, load_actor(s, "ops"))


def open_findings() -> list[Finding]:
    with read() as s:
        return service.findings(s, actor("ops"), state="open")


def test_scan_keeps_each_finding_once_resolves_and_reopens(fake: type[FakeVtysh]) -> None:
    first = service.scan(actor("ops"))
    assert first.new == 6 and first.open == 6  # loopback, mgmt, core link on each router
    with transaction() as s:
        result = importer.from_devices(s, load_actor(s, "ops"))
    assert sorted(result.pools) == ["10.254.0.0/16", "10.255.0.0/16", "198.18.0.0/16"]
    assert service.scan(actor("ops")).resolved == 6 and open_findings() == []

    set_config("198.18.0.11", "agg1", 1, ROGUE)
    report = service.scan(actor("ops"))
    assert (report.new, report.open) == (1, 1)
    [rogue] = open_findings()
    assert (rogue.type, rogue.device, rogue.interface, rogue.prefix, rogue.vlan) == (
        "unapproved", "agg1", "ethu2.101", "172.16.5.0/24", 101)
    assert "ip address 172.16.5.1/24" in rogue.evidence
    seen = service.scan(actor("ops"))
    assert (seen.new, seen.seen) == (0, 1)
    with read() as s:
        assert len(s.exec(__import__("sqlmodel").select(Finding)).all()) == 7

    set_config("198.18.0.11", "agg1", 1)
    assert service.scan(actor("ops")).resolved == 1
    set_config("198.18.0.11", "agg1", 1, ROGUE)
    again = service.scan(actor("ops"))
    assert (again.new, again.reopened) == (0, 1)
    assert open_findings()[0].id == rogue.id


def test_a_failed_device_is_an_error_line_and_keeps_its_findings(fake: type[FakeVtysh],
                                                                 cli: object) -> None:
    set_config("198.18.0.12", "agg2", 2, ROGUE)
    service.scan(actor("ops"))
    before = {f.fingerprint for f in open_findings() if f.device == "agg2"}
    with transaction() as s:
        inventory.add_device(s, load_actor(s, "admin"), name="agg2", platform="frr",
                             host="192.0.2.12", role="aggregation", district="龙湖区",
                             credential="ops@env:GOVNET_FAKE_PW", replace=True)
    res = cli("compliance scan --json", as_="ops")  # type: ignore[operator]
    assert res.code == 0, res.err
    data = json.loads(res.out)
    assert [(d["device"], d["ok"]) for d in data["devices"]] == [("agg1", True), ("agg2", False)]
    assert res.err.strip() == "error: agg2: agg2 (192.0.2.12:22): cannot connect: timed out"
    assert {f.fingerprint for f in open_findings() if f.device == "agg2"} == before
    only = cli("compliance scan agg2", as_="ops")  # type: ignore[operator]
    assert only.code == 5 and "cannot connect" in only.err


def test_scopes_filters_and_acknowledge(fake: type[FakeVtysh], cli: object) -> None:
    adopt()
    set_config("198.18.0.11", "agg1", 1, ROGUE)
    set_config("198.18.0.12", "agg2", 2, ROGUE.replace("172.16.5.1", "172.16.6.1"))
    assert cli("compliance scan agg2", as_="jp").code == 2  # type: ignore[operator]  # unseen
    res = cli("compliance scan agg1 --json", as_="jp")  # type: ignore[operator]
    assert res.code == 0, res.err
    service.scan(actor("ops"), ["agg2"])
    mine = json.loads(cli("compliance findings --state open --json", as_="jp").out)  # type: ignore[operator]
    assert [(f["device"], f["district"]) for f in mine] == [("agg1", "金平区")]
    assert len(json.loads(cli("compliance findings --state open --json", as_="audit").out)) == 2  # type: ignore[operator]
    assert cli("compliance findings", as_="edu").code == 3  # type: ignore[operator]
    assert cli("compliance findings --type bogus", as_="ops").code == 2  # type: ignore[operator]
    assert json.loads(cli("compliance findings --type stale --json", as_="ops").out) == []  # type: ignore[operator]

    number = mine[0]["id"]
    other = next(f.id for f in open_findings() if f.device == "agg2")
    assert cli(f"compliance acknowledge {other}", as_="jp").code == 2  # not visible to it
    assert cli(f"compliance acknowledge {number}", as_="audit").code == 3  # type: ignore[operator]
    res = cli(f"compliance acknowledge {number} --json", as_="jp")  # type: ignore[operator]
    assert res.code == 0 and json.loads(res.out)["state"] == "acknowledged"
    assert cli(f"compliance acknowledge {number}", as_="jp").code == 4  # type: ignore[operator]
    service.scan(actor("ops"))  # still there: stays acknowledged, not duplicated
    with read() as s:
        assert service.get_finding(s, actor("ops"), number).state == "acknowledged"


def test_isolate_then_restore_as_jobs(fake: type[FakeVtysh], cli: object) -> None:
    adopt()
    set_config("198.18.0.11", "agg1", 1, ROGUE)
    service.scan(actor("ops"))
    [rogue] = open_findings()
    res = cli(f"compliance isolate {rogue.id} --doc {DOC} --json", as_="boss")  # type: ignore[operator]
    assert res.code == 0, res.err
    out = json.loads(res.out)
    assert (out["state"], out["lines"]) == ("isolated", ["interface ethu2.101", " shutdown", "exit"])
    assert " shutdown" in FakeVtysh.configs["198.18.0.11"]
    with read() as s:
        job = s.get(Job, out["job"])
        assert job is not None and (job.kind, job.state, job.finding_id) == (
            "isolate", "committed", rogue.id)
        finding = service.get_finding(s, actor("ops"), rogue.id or 0)
        assert finding.isolated and finding.isolation_doc == DOC and finding.isolated_by == "boss"
    steps = json.loads(cli("access jobs --json", as_="ops").out)[0]["steps"]  # type: ignore[operator]
    assert [(s["name"], s["state"]) for s in steps] == [
        ("connect", "ok"), ("checkpoint", "ok"), ("diff", "ok"), ("push", "ok"),
        ("verify", "ok"), ("save", "ok")]
    assert cli(f"compliance isolate {rogue.id} --doc {DOC}", as_="boss").code == 4  # type: ignore[operator]

    res = cli(f"compliance restore {rogue.id} --json", as_="ops")  # type: ignore[operator]
    assert res.code == 0 and json.loads(res.out)["state"] == "restored", res.err
    assert " shutdown" not in FakeVtysh.configs["198.18.0.11"]
    assert cli(f"compliance restore {rogue.id}", as_="ops").code == 4  # type: ignore[operator]
    with read() as s:
        actions = [e.action for e in __import__("govnet.audit", fromlist=["x"]).list_events(
            s, action="compliance.")]
    assert {"compliance.isolate.start", "compliance.isolate", "compliance.restore"} <= set(actions)


@pytest.mark.parametrize(("user", "extra", "code"), [
    ("edu", f"--doc {DOC}", 3), ("jp", f"--doc {DOC}", 3), ("audit", f"--doc {DOC}", 3),
    ("boss", "", 2), ("boss", "--doc ''", 2),
])
def test_isolate_refusals_change_nothing(fake: type[FakeVtysh], cli: object, user: str,
                                         extra: str, code: int) -> None:
    adopt()
    set_config("198.18.0.11", "agg1", 1, ROGUE)
    service.scan(actor("ops"))
    [rogue] = open_findings()
    before, config = db_snapshot(), FakeVtysh.configs["198.18.0.11"]
    res = cli(f"compliance isolate {rogue.id} {extra}", as_=user)  # type: ignore[operator]
    assert res.code == code and res.err.startswith("error:"), res.err
    assert db_snapshot() == before and FakeVtysh.configs["198.18.0.11"] == config


def test_isolation_needs_a_vlan_subinterface(fake: type[FakeVtysh], cli: object) -> None:
    service.scan(actor("ops"))  # nothing imported: the loopback is unapproved
    lo = next(f for f in open_findings() if f.interface == "lo" and f.device == "agg1")
    res = cli(f"compliance isolate {lo.id} --doc {DOC}", as_="boss")  # type: ignore[operator]
    assert res.code == 2 and "not a VLAN subinterface" in res.err


def test_failed_verification_rolls_the_device_back(fake: type[FakeVtysh], cli: object) -> None:
    adopt()
    set_config("198.18.0.11", "agg1", 1, ROGUE)
    service.scan(actor("ops"))
    [rogue] = open_findings()
    before = FakeVtysh.configs["198.18.0.11"]
    FakeVtysh.stuck_up.add("ethu2.101")
    enforce_wait = enforce._problems.__defaults__
    enforce._problems.__defaults__ = (0.0,)
    try:
        res = cli(f"compliance isolate {rogue.id} --doc {DOC} --json", as_="boss")  # type: ignore[operator]
    finally:
        enforce._problems.__defaults__ = enforce_wait
    assert res.code == 5 and "ethu2.101 is still up" in res.err, res.err
    assert FakeVtysh.configs["198.18.0.11"] == before
    out = json.loads(res.out)
    with read() as s:
        job = s.get(Job, out["job"])
        assert job is not None and job.state == "rolled_back"
        assert not service.get_finding(s, actor("ops"), rogue.id or 0).isolated
    steps = json.loads(cli("access jobs --json", as_="ops").out)[0]["steps"]  # type: ignore[operator]
    assert [s["name"] for s in steps][-2:] == ["verify", "rollback"]


def test_unfiled_private_network_until_it_is_filed(fake: type[FakeVtysh]) -> None:
    """Art. 23: a static route to space outside the plan is a finding until a filing covers it."""
    adopt()
    route = "ip route 172.20.0.0/16 10.254.1.0\n!\n"
    set_config("198.18.0.11", "agg1", 1, route)
    service.scan(actor("ops"))
    [unfiled] = open_findings()
    assert (unfiled.type, unfiled.prefix, unfiled.interface, unfiled.severity) == (
        "unfiled_private_network", "172.20.0.0/16", "eth-core", "high")
    assert unfiled.evidence == "ip route 172.20.0.0/16 10.254.1.0"
    with transaction() as s:
        from access import privnet

        privnet.file_network(s, load_actor(s, "ops"), owner="金平区教育局", name="教育城域网",
                             prefixes=["172.16.0.0/12"], interconnection="agg1 eth-core",
                             zone="公用网络区")
    report = service.scan(actor("ops"))
    assert (report.resolved, report.open) == (1, 0)


def test_isolate_reports_progress_for_a_screen(fake: type[FakeVtysh]) -> None:
    """The TUI's call: isolate/restore in a worker, each step reported as it starts."""
    adopt()
    set_config("198.18.0.11", "agg1", 1, ROGUE)
    service.scan(actor("ops"))
    [rogue] = open_findings()
    steps: list[str] = []
    outcome = enforce.isolate(rogue.id or 0, actor("boss"), doc=DOC, progress=steps.append)
    assert outcome.state == "isolated" and outcome.exit_code == 0
    assert steps == ["connect", "checkpoint", "diff", "push", "verify", "save", "isolated"]
    steps.clear()
    assert enforce.restore(rogue.id or 0, actor("ops"), progress=steps.append).state == "restored"
    assert steps[-1] == "restored"


class _Killed(BaseException):
    """Stands in for SIGKILL inside this process (as in govnet_tests/access/test_provisioning.py)."""


def _killed_isolating(monkeypatch: pytest.MonkeyPatch, point: str) -> int:
    """A rogue subinterface found, then an isolation whose process dies at ``point``."""
    adopt()
    set_config("198.18.0.11", "agg1", 1, ROGUE)
    service.scan(actor("ops"))
    [rogue] = open_findings()
    monkeypatch.setenv(CRASH_ENV, point)
    monkeypatch.setattr("access.jobs.os.kill", lambda pid, sig: (_ for _ in ()).throw(_Killed))
    with pytest.raises(_Killed):
        enforce.isolate(rogue.id or 0, actor("boss"), doc=DOC)
    monkeypatch.delenv(CRASH_ENV)
    return rogue.id or 0


def _job_of(number: int) -> Job:
    with read() as s:
        job = s.exec(select(Job).where(Job.finding_id == number)
                     .order_by(col(Job.id).desc())).first()
        assert job is not None
        return job


@pytest.mark.parametrize("point", ["connect", "checkpoint", "diff", "push:start", "push",
                                   "verify", "save"])
def test_killed_isolation_is_resumed(fake: type[FakeVtysh], cli: object, point: str,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The isolation job leaves provisioning's write-ahead trail; resume completes it."""
    number = _killed_isolating(monkeypatch, point)
    assert _job_of(number).state not in ("committed", "rolled_back", "failed")
    res = cli(f"compliance isolate {number} --doc {DOC}", as_="boss")  # type: ignore[operator]
    assert res.code == 4 and "compliance resume" in res.err, res.err  # not a second job
    res = cli(f"compliance resume {number} --json", as_="boss")  # type: ignore[operator]
    assert res.code == 0, res.err
    out = json.loads(res.out)
    assert (out["state"], out["kind"], out["job"]) == ("isolated", "isolate", _job_of(number).id)
    assert " shutdown" in FakeVtysh.configs["198.18.0.11"]
    with read() as s:
        finding = service.get_finding(s, actor("ops"), number)
        assert finding.isolated and finding.isolation_doc == DOC
        assert finding.isolation_job_id == out["job"]
    assert _job_of(number).state == "committed"
    steps = [st["name"] for st in json.loads(
        cli("access jobs --json", as_="ops").out)[0]["steps"]]  # type: ignore[operator]
    assert steps[steps.index("resume"):] == ["resume", "connect", "checkpoint", "diff", "push",
                                             "verify", "save"]
    res = cli(f"compliance resume {number}", as_="boss")  # type: ignore[operator]
    assert res.code == 4 and "no unfinished" in res.err


def test_killed_isolation_is_rolled_back_on_request(fake: type[FakeVtysh], cli: object,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    number = _killed_isolating(monkeypatch, "push")
    assert " shutdown" in FakeVtysh.configs["198.18.0.11"]
    before = _job_of(number).checkpoint
    res = cli(f"compliance resume {number} --rollback --json", as_="ops")  # type: ignore[operator]
    assert res.code == 0 and json.loads(res.out)["state"] == "rolled_back", res.err
    assert FakeVtysh.configs["198.18.0.11"] == before and " shutdown" not in before
    assert _job_of(number).state == "rolled_back"
    with read() as s:
        assert not service.get_finding(s, actor("ops"), number).isolated
    res = cli(f"compliance isolate {number} --doc {DOC} --json", as_="boss")  # type: ignore[operator]
    assert res.code == 0 and json.loads(res.out)["state"] == "isolated", res.err


def test_resume_is_for_enforcers(fake: type[FakeVtysh], cli: object,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    number = _killed_isolating(monkeypatch, "push")
    before = db_snapshot()
    assert cli(f"compliance resume {number}", as_="jp").code == 3  # type: ignore[operator]
    assert db_snapshot() == before


def test_killed_restore_is_resumed(fake: type[FakeVtysh], cli: object,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    adopt()
    set_config("198.18.0.11", "agg1", 1, ROGUE)
    service.scan(actor("ops"))
    [rogue] = open_findings()
    number = rogue.id or 0
    assert enforce.isolate(number, actor("boss"), doc=DOC).state == "isolated"
    monkeypatch.setenv(CRASH_ENV, "push")
    monkeypatch.setattr("access.jobs.os.kill", lambda pid, sig: (_ for _ in ()).throw(_Killed))
    with pytest.raises(_Killed):
        enforce.restore(number, actor("ops"))
    monkeypatch.delenv(CRASH_ENV)
    assert " shutdown" not in FakeVtysh.configs["198.18.0.11"]
    assert cli(f"compliance restore {number}", as_="ops").code == 4  # type: ignore[operator]
    steps: list[str] = []
    outcome = enforce.resume(number, actor("ops"), progress=steps.append)
    assert (outcome.kind, outcome.state, outcome.lines) == ("restore", "restored", [])
    assert steps == ["connect", "checkpoint", "diff", "verify", "save", "restored"]
    assert _job_of(number).state == "committed"
    with read() as s:
        assert not service.get_finding(s, actor("ops"), number).isolated
