"""Provisioning pipeline against a FAKE device (no SSH, no router): every test here
replaces the ``frr`` driver with :class:`FakeFrr`, an in-memory stand-in that keeps
a running config per host, merges pushed lines with hier_config and rejects lines
for interfaces its "kernel" lacks. Database, IPAM, inventory, workflow, jobs,
diffing, locks and rendering are the real ones. The proof on real FRR routers over
real SSH is ``govnet_tests/lab/test_access_e2e.py``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from access import diffing, provisioning, workflow
from access.jobs import CRASH_ENV
from access.models import Job, RequestState
from govnet import org
from govnet.auth import Actor, load_actor
from govnet.db import read, transaction
from govnet.errors import CommandRejected, Conflict, DeviceError, DeviceUnreachable, WrongState
from govnet.models import utcnow
from inventory import drivers
from inventory import service as inventory
from inventory.drivers import Checkpoint, Driver, InterfaceInfo
from ipam import service as ipam

PASSWORD = "s3cret-Fake-pw"
KERNEL = {f"ethu{p}.{v}" for p in (1, 2) for v in (100, 101, 102, 103)} | {"ethu1", "ethu2"}
DAY0 = "frr version 8.4.4\nhostname {name}\n!\ninterface lo\n ip address {lo}/32\nexit\n!\nend\n"


class FakeFrr(Driver):
    """FAKE ``frr`` driver: running config in memory, per host; chatty output."""

    platform = "frr"
    configs: dict[str, str] = {}
    saved: dict[str, str] = {}
    delay = 0.0
    active: dict[str, int] = {}
    max_active: dict[str, int] = {}
    max_total = 0
    broken_rollback = False
    links_down = False
    guard = threading.Lock()

    def _open(self) -> None:
        if self.target.host.startswith("192.0.2."):
            raise DeviceUnreachable(f"{self.target.name}: cannot connect")
        with self.guard:
            n = self.active.get(self.target.host, 0) + 1
            self.active[self.target.host] = n
            self.max_active[self.target.host] = max(n, self.max_active.get(self.target.host, 0))
            FakeFrr.max_total = max(FakeFrr.max_total, sum(self.active.values()))

    def close(self) -> None:
        with self.guard:
            self.active[self.target.host] -= 1

    def run(self, command: str) -> str:
        return ""

    def get_running_config(self) -> str:
        return self.configs[self.target.host]

    def checkpoint(self) -> Checkpoint:
        return Checkpoint("frr", self.get_running_config())

    def apply(self, lines: Any) -> str:
        before = self.checkpoint()
        for line in lines:
            if line.startswith("interface ") and line.split()[1] not in KERNEL:
                self.rollback(before)
                raise CommandRejected(f"{self.target.name} rejected {line!r}", line=line)
        time.sleep(self.delay)
        tree = diffing.parse("frr", self.get_running_config()).future(diffing.parse("frr", lines))
        self.configs[self.target.host] = "\n".join(tree.lines()) + "\n"
        # A chatty device echoing the login: the job log must never keep it.
        return f"login {self.target.username}/{self.target.password} ok\n" + "\n".join(lines)

    def rollback(self, checkpoint: Checkpoint) -> None:
        if self.broken_rollback:
            raise DeviceError(f"{self.target.name}: rollback did not restore the checkpoint")
        self.configs[self.target.host] = checkpoint.running_config

    def save(self) -> str:
        self.saved[self.target.host] = self.get_running_config()
        return "Integrated configuration saved"

    def get_facts(self) -> dict[str, Any]:
        return {"hostname": self.target.name}

    def get_interfaces(self) -> list[InterfaceInfo]:
        tree = diffing.parse("frr", self.get_running_config())
        result = []
        for name in sorted(KERNEL):
            section = tree.get_child(re_search=rf"^interface {name}( vrf \S+)?$")
            addresses = [c.text.split()[2] for c in (section.children if section else ())
                         if c.text.startswith("ip address ")]
            result.append(InterfaceInfo(name=name, up=not self.links_down, addresses=addresses))
        return result

    def verify_route(self, prefix: str, vrf: str | None = None) -> bool:
        return any(line.startswith(f"ip route {prefix} ")
                   for line in self.get_running_config().splitlines())


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, any_db: str, tmp_path: Path
         ) -> Iterator[type[FakeFrr]]:
    """The FAKE driver in place of ``frr``, on SQLite and on PostgreSQL."""
    drivers.platforms()  # load the real registry first, then replace frr in it
    monkeypatch.setitem(drivers._REGISTRY, "frr", FakeFrr)
    monkeypatch.setenv("GOVNET_FAKE_PW", PASSWORD)
    monkeypatch.setenv("GOVNET_LOCK_DIR", str(tmp_path))
    FakeFrr.configs = {h: DAY0.format(name=n, lo=lo) for h, n, lo in (
        ("198.18.0.11", "agg1", "10.255.0.11"), ("198.18.0.12", "agg2", "10.255.0.12"))}
    FakeFrr.saved, FakeFrr.delay, FakeFrr.active, FakeFrr.max_active = {}, 0.0, {}, {}
    FakeFrr.max_total, FakeFrr.broken_rollback, FakeFrr.links_down = 0, False, False
    _world()
    yield FakeFrr


def _world() -> None:
    with transaction() as s:
        admin = load_actor(s, "admin")
        org.add_district(s, admin, "金平区")
        org.add_district(s, admin, "龙湖区")
        for i, district in enumerate(("金平区", "龙湖区"), 1):
            org.add_unit(s, admin, f"单位{i}", district=district)
            org.add_unit(s, admin, f"单位{i}b", district=district)
        org.add_user(s, admin, "boss", role="authority")
        org.add_user(s, admin, "ops", role="municipal_operator")
        ipam.add_vrf(s, admin, "公用网络区")
        ipam.add_pool(s, admin, "10.80.0.0/13")
        for district in ("金平区", "龙湖区"):
            ipam.delegate(s, admin, district=district, size="/16")
        for i, district in enumerate(("金平区", "龙湖区"), 1):
            inventory.add_device(s, admin, name=f"agg{i}", platform="frr",
                                 host=f"198.18.0.{10 + i}", role="aggregation",
                                 district=district, credential="govlab@env:GOVNET_FAKE_PW")
            for port in ("ethu1", "ethu2", "ethu9"):  # ethu9: in the inventory, not the kernel
                inventory.add_port(s, admin, device=f"agg{i}", name=port, vlans=(100, 103))


def _approved(unit: str = "单位1", *, model: str = "gateway", port: str | None = None,
              device: str = "agg1") -> int:
    with transaction() as s:
        extra = {"device": device, "port": port} if port else {}
        req = workflow.submit(s, load_actor(s, "ops"), unit=unit, zones=["公用网络区"],
                              hosts=50, site="金砂路 1 号", contact="张三 13800000000",
                              purpose="办公网接入", model=model,
                              application_doc="汕政电〔2026〕1号",
                              **extra)
        number = req.id
        workflow.approve(s, load_actor(s, "boss"), number, doc="汕电政核〔2026〕7号")
    assert number is not None
    return number


def ops() -> Actor:
    with read() as s:
        return load_actor(s, "ops")


def _state(number: int) -> str:
    with read() as s:
        return workflow.get_request(s, ops(), number).state


def _ipam_dump() -> dict[str, list[tuple[Any, ...]]]:
    """IPAM and VLAN claims, without ids and times: what "unchanged" means for them."""
    queries = {
        "prefix": "select vrf_id, cidr, status, owner_id, purpose from prefix order by cidr",
        "freeblock": "select parent_id, prefixlen, first from freeblock order by 3, 2",
        "ipaddress": "select address, device, interface from ipaddress order by address",
        "portvlan": "select port_id, vlan, owner from portvlan order by 1, 2",
    }
    with read() as s:
        return {k: [tuple(r) for r in s.execute(text(q))] for k, q in queries.items()}


def _job_text() -> str:
    with read() as s:
        rows = s.execute(text("select rendered, diff, rollback, checkpoint, error from job "
                              "union all select name, state, output, '', '' from job_step"))
        return "\n".join(str(v) for row in rows for v in row)


def test_gateway_attach_allocates_pushes_verifies_and_records(fake: type[FakeFrr]) -> None:
    number = _approved()
    outcome = provisioning.provision(number, ops())
    assert (outcome.state, outcome.device, outcome.exit_code) == ("connected", "agg1", 0)
    assert outcome.lines[0] == "interface ethu1.100"
    with read() as s:
        data = workflow.request_dict(s, workflow.get_request(s, ops(), number))
    zone = data["zones"][0]
    assert data["state"] == "connected" and zone["state"] == "verified"
    assert (zone["port"], zone["vlan"], zone["subinterface"]) == ("ethu1", 100, "ethu1.100")
    assert zone["lan"].endswith("/26") and zone["gateway4"].endswith("/26")
    config = fake.configs["198.18.0.11"]
    assert f"ip address {zone['gateway4']}" in config
    assert fake.saved["198.18.0.11"] == config
    job = provisioning.jobs(number, ops())[0]
    assert job["state"] == "committed"
    assert [(st["name"], st["state"]) for st in job["steps"]] == [
        ("connect", "ok"), ("checkpoint", "ok"), ("diff", "ok"), ("push", "ok"),
        ("verify", "ok"), ("save", "ok")]
    assert "hostname agg1" in _job_text()  # the checkpoint is kept for resume
    assert PASSWORD not in _job_text() and "login govlab/*** ok" in _job_text()


def test_provisioning_a_connected_request_pushes_nothing(fake: type[FakeFrr]) -> None:
    number = _approved()
    provisioning.provision(number, ops())
    before, dump = fake.configs["198.18.0.11"], _ipam_dump()
    again = provisioning.provision(number, ops())
    assert (again.state, again.lines) == ("connected", [])
    assert fake.configs["198.18.0.11"] == before and _ipam_dump() == dump
    steps = {st["name"]: st["state"] for st in provisioning.jobs(number, ops())[0]["steps"]}
    assert steps["push"] == "skipped" and steps["save"] == "skipped"


def test_routed_attach_routes_the_lan_and_cpe_config_per_platform(fake: type[FakeFrr]) -> None:
    number = _approved(model="routed")
    assert provisioning.provision(number, ops()).state == "connected"
    with read() as s:
        zone = workflow.request_dict(s, workflow.get_request(s, ops(), number))["zones"][0]
    assert zone["interconnect"].endswith("/31")
    assert f"ip route {zone['lan']} {zone['peer4']}" in fake.configs["198.18.0.11"]
    frr = provisioning.cpe_config(number, ops())
    assert frr["lines"] == ["interface eth0.100", f" description GOV-R{number} 单位1",
                            f" ip address {zone['peer4']}/31", "exit",
                            f"ip route 0.0.0.0/0 {zone['local4']}"]
    huawei = provisioning.cpe_config(number, ops(), platform="huawei_vrp")
    assert huawei["interface"] == "GigabitEthernet0/0/1"
    assert any(line.startswith("ip route-static 0.0.0.0 0") for line in huawei["lines"])
    default = {"frr": "ip route 0.0.0.0/0", "huawei_vrp": "ip route-static 0.0.0.0 0",
               "huawei_vrpv8": "ip route-static 0.0.0.0 0",
               "huawei_ce": "ip route-static 0.0.0.0 0",
               "h3c_comware": "ip route-static 0.0.0.0 0",
               "cisco_ios": "ip route 0.0.0.0 0.0.0.0", "ruijie_os": "ip route 0.0.0.0 0.0.0.0"}
    for platform, route in default.items():  # every platform's day-0: address, default route
        lines = provisioning.cpe_config(number, ops(), platform=platform)["lines"]
        assert lines[-1] == f"{route} {zone['local4']}", platform
        assert any(zone["peer4"] in line for line in lines), platform


def test_a_port_missing_on_the_router_leaves_device_and_ipam_as_before(
        fake: type[FakeFrr]) -> None:
    number = _approved(port="ethu9")
    config, dump = fake.configs["198.18.0.11"], _ipam_dump()
    outcome = provisioning.provision(number, ops())
    assert (outcome.state, outcome.exit_code) == ("failed", 5)
    assert "ethu9.100" in (outcome.error or "")
    assert fake.configs["198.18.0.11"] == config
    assert _ipam_dump() == dump
    assert _state(number) == "failed"
    job = provisioning.jobs(number, ops())[0]
    assert job["state"] == "rolled_back" and job["steps"][-1]["name"] == "rollback"
    assert [st["state"] for st in job["steps"] if st["name"] == "push"] == ["failed"]


def test_a_failed_rollback_quarantines_instead_of_freeing(fake: type[FakeFrr],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("access.verify.SETTLE_SECONDS", 0.3)
    fake.links_down, fake.broken_rollback = True, True  # verify fails, then rollback fails
    number = _approved()
    outcome = provisioning.provision(number, ops())
    assert outcome.state == "failed" and "rollback failed too" in (outcome.error or "")
    job = provisioning.jobs(number, ops())[0]
    assert job["state"] == "failed"  # not rolled_back: the device may hold the config
    with read() as s:
        zone = workflow.request_dict(s, workflow.get_request(s, ops(), number))["zones"][0]
    assert zone["state"] == "failed" and zone["lan"]
    statuses = {status for _, cidr, status, _, _ in _ipam_dump()["prefix"] if cidr == zone["lan"]}
    assert statuses == {"quarantined"}  # possibly still configured: not reusable at once
    assert _ipam_dump()["portvlan"] == []


def test_an_unreachable_device_fails_before_touching_anything(fake: type[FakeFrr]) -> None:
    number = _approved()
    with transaction() as s:
        inventory.add_device(s, load_actor(s, "admin"), name="agg1", platform="frr",
                             host="192.0.2.1", role="aggregation", district="金平区",
                             credential="govlab@env:GOVNET_FAKE_PW", replace=True)
    dump = _ipam_dump()
    outcome = provisioning.provision(number, ops())
    assert (outcome.state, outcome.exit_code) == ("failed", 5)
    assert _ipam_dump() == dump and _state(number) == "failed"
    # failed → retry once the device is back: a new job, fresh allocations.
    with transaction() as s:
        inventory.add_device(s, load_actor(s, "admin"), name="agg1", platform="frr",
                             host="198.18.0.11", role="aggregation", district="金平区",
                             credential="govlab@env:GOVNET_FAKE_PW", replace=True)
    assert provisioning.provision(number, ops()).state == "connected"


def test_no_approval_document_no_provisioning(fake: type[FakeFrr]) -> None:
    number = _approved()
    with transaction() as s:  # a row that lost its document (e.g. imported by hand)
        s.execute(text("update connection_request set approval_doc = null where id = :n"),
                  {"n": number})
    dump = _ipam_dump()
    with pytest.raises(WrongState, match="approval document"):
        provisioning.provision(number, ops())
    assert _ipam_dump() == dump and _state(number) == "approved"
    assert provisioning.jobs(number, ops()) == []


def test_dry_run_changes_nothing(fake: type[FakeFrr]) -> None:
    number = _approved()
    config, dump = fake.configs["198.18.0.11"], _ipam_dump()
    with read() as s:
        audit_rows = s.execute(text("select count(*) from auditevent")).scalar()
    outcome = provisioning.provision(number, ops(), dry_run=True)
    assert outcome.state == "dry-run" and outcome.diff.startswith("+ interface ethu1.100")
    assert fake.configs["198.18.0.11"] == config and _ipam_dump() == dump
    assert _state(number) == "approved" and provisioning.jobs(number, ops()) == []
    with read() as s:
        assert s.execute(text("select count(*) from auditevent")).scalar() == audit_rows


def test_disconnect_quarantines_and_frees_the_vlan(fake: type[FakeFrr]) -> None:
    number = _approved(model="routed")
    day0 = fake.configs["198.18.0.11"]
    provisioning.provision(number, ops())
    dry = provisioning.disconnect(number, ops(), dry_run=True)
    assert dry.diff.startswith("- no ip route") and _state(number) == "connected"
    outcome = provisioning.disconnect(number, ops())
    assert outcome.state == "disconnected" and _state(number) == "disconnected"
    attach = provisioning.jobs(number, ops())[-1]["rendered"].splitlines()
    assert diffing.present("frr", fake.configs["198.18.0.11"], attach) == []
    assert diffing.missing("frr", fake.configs["198.18.0.11"], day0.splitlines()) == []
    dump = _ipam_dump()
    assert {status for _, _, status, _, purpose in dump["prefix"]
            if purpose in ("lan", "interconnect")} == {"quarantined"}
    assert dump["portvlan"] == []


def test_parallel_across_devices_one_at_a_time_per_device(fake: type[FakeFrr]) -> None:
    fake.delay = 0.5  # the push takes a while: jobs on other devices overlap it
    numbers = [_approved("单位1"), _approved("单位1b"), _approved("单位2", device="agg2"),
               _approved("单位2b", device="agg2")]
    outcomes = provisioning.provision_many(numbers, ops(), workers=4)
    assert [o.state for o in outcomes] == ["connected"] * 4, [o.error for o in outcomes]
    assert [o.device for o in outcomes] == ["agg1", "agg1", "agg2", "agg2"]
    assert fake.max_active == {"198.18.0.11": 1, "198.18.0.12": 1}  # one job per device
    assert fake.max_total >= 2  # ... but the two devices side by side
    vlans = _ipam_dump()["portvlan"]
    assert sorted(v for _, v, _ in vlans) == [100, 100, 101, 101]


def test_two_zones_two_vlans_on_one_port(fake: type[FakeFrr]) -> None:
    with transaction() as s:
        admin = load_actor(s, "admin")
        ipam.add_vrf(s, admin, "ZWZX")  # a department's private zone, a VRF on devices
        ipam.add_pool(s, admin, "172.16.0.0/12", vrf="ZWZX")
        ipam.delegate(s, admin, district="金平区", size="/16", vrf="ZWZX")
        req = workflow.submit(s, load_actor(s, "ops"), unit="单位1",
                              zones=["公用网络区", "ZWZX"], hosts=20, site="x", contact="y",
                              purpose="z", application_doc="A-1")
        workflow.approve(s, load_actor(s, "boss"), req.id or 0, doc="B-2")
    outcome = provisioning.provision(req.id or 0, ops())
    assert outcome.state == "connected", outcome.error
    with read() as s:
        zones = workflow.request_dict(s, workflow.get_request(s, ops(), req.id or 0))["zones"]
    assert [(z["vrf"], z["vlan"]) for z in zones] == [("公用网络区", 100), ("ZWZX", 101)]
    assert zones[1]["lan"].startswith("172.")
    config = fake.configs["198.18.0.11"]
    assert "interface ethu1.100" in config and "interface ethu1.101 vrf ZWZX" in config


class _Killed(BaseException):
    """Stands in for SIGKILL inside this process (the lab test uses the real signal)."""


def test_interrupted_job_is_resumed_to_connected(fake: type[FakeFrr],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    number = _approved()

    def die(name: str) -> None:
        if name == "push":
            raise _Killed

    monkeypatch.setattr("access.jobs.crash_point", die)
    with pytest.raises(_Killed):
        provisioning.provision(number, ops())
    monkeypatch.undo()
    monkeypatch.setitem(drivers._REGISTRY, "frr", FakeFrr)
    monkeypatch.setenv("GOVNET_FAKE_PW", PASSWORD)
    assert _state(number) == "provisioning"
    assert provisioning.jobs(number, ops())[0]["state"] == "running"
    outcome = provisioning.resume(number, ops())
    assert (outcome.state, outcome.lines) == ("connected", [])  # already pushed: nothing left
    assert _state(number) == "connected"
    steps = [st["name"] for st in provisioning.jobs(number, ops())[0]["steps"]]
    assert steps[steps.index("resume"):] == ["resume", "connect", "checkpoint", "diff", "push",
                                             "verify", "save"]


@pytest.mark.parametrize("point", ["connect", "checkpoint", "diff", "push:start", "push",
                                   "verify", "save"])
def test_killed_at_any_step_resume_completes(fake: type[FakeFrr],
                                             monkeypatch: pytest.MonkeyPatch,
                                             point: str) -> None:
    number = _approved()
    monkeypatch.setenv(CRASH_ENV, point)
    monkeypatch.setattr("access.jobs.os.kill", lambda pid, sig: (_ for _ in ()).throw(_Killed))
    with pytest.raises(_Killed):
        provisioning.provision(number, ops())
    monkeypatch.delenv(CRASH_ENV)
    assert _state(number) == "provisioning"
    assert provisioning.resume(number, ops()).state == "connected"
    with read() as s:
        zone = workflow.request_dict(s, workflow.get_request(s, ops(), number))["zones"][0]
    assert f"ip address {zone['gateway4']}" in fake.configs["198.18.0.11"]
    assert fake.saved["198.18.0.11"] == fake.configs["198.18.0.11"]  # saved, even if pushed before
    dump = _ipam_dump()
    assert len(dump["portvlan"]) == 1 and len(dump["ipaddress"]) == 1
    assert provisioning.jobs(number, ops())[0]["state"] == "committed"


def test_interrupted_disconnect_is_resumed(fake: type[FakeFrr],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    number = _approved(model="routed")
    provisioning.provision(number, ops())
    monkeypatch.setenv(CRASH_ENV, "push")
    monkeypatch.setattr("access.jobs.os.kill", lambda pid, sig: (_ for _ in ()).throw(_Killed))
    with pytest.raises(_Killed):
        provisioning.disconnect(number, ops())
    monkeypatch.delenv(CRASH_ENV)
    assert _state(number) == "disconnecting"
    assert provisioning.resume(number, ops()).state == "disconnected"
    assert {status for _, _, status, _, purpose in _ipam_dump()["prefix"]
            if purpose in ("lan", "interconnect")} == {"quarantined"}
    assert _ipam_dump()["portvlan"] == []


def test_a_failed_request_is_disconnected_without_a_job(fake: type[FakeFrr]) -> None:
    number = _approved(port="ethu9")
    assert provisioning.provision(number, ops()).state == "failed"
    outcome = provisioning.disconnect(number, ops())
    assert (outcome.state, outcome.job) == ("disconnected", None)
    assert _state(number) == "disconnected"


def test_resume_refuses_a_job_whose_worker_still_runs(fake: type[FakeFrr]) -> None:
    number = _approved()
    with transaction() as s:  # as if another process on another host were pushing now
        req = workflow.begin_provisioning(s, load_actor(s, "ops"), number)
        s.add(Job(request_id=req.id, kind="attach", device="agg1", actor="ops",
                  state="running", worker_pid=1, worker_host="elsewhere",
                  heartbeat_at=utcnow()))
    with pytest.raises(Conflict, match="still running"):
        provisioning.resume(number, ops())


def test_interrupted_job_rolled_back_on_request(fake: type[FakeFrr],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    number = _approved()
    config, dump = fake.configs["198.18.0.11"], _ipam_dump()
    monkeypatch.setenv(CRASH_ENV, "push")
    monkeypatch.setattr("access.jobs.os.kill", lambda pid, sig: (_ for _ in ()).throw(_Killed))
    with pytest.raises(_Killed):
        provisioning.provision(number, ops())
    monkeypatch.delenv(CRASH_ENV)
    assert fake.configs["198.18.0.11"] != config
    outcome = provisioning.resume(number, ops(), rollback=True)
    assert outcome.state == "rolled_back"
    assert fake.configs["198.18.0.11"] == config and _ipam_dump() == dump
    assert _state(number) == RequestState.failed.value
    with pytest.raises(WrongState, match="no unfinished job"):
        provisioning.resume(number, ops())


def test_cli_provision_jobs_and_cpe_config(fake: type[FakeFrr], cli: Any) -> None:
    number = _approved()
    res = cli(f"access provision {number} --dry-run", as_="ops")
    assert res.code == 0 and "would be pushed" in res.out and "+ interface ethu1.100" in res.out
    res = cli(f"access provision {number}", as_="ops")
    assert res.code == 0 and f"request {number}: connected on agg1" in res.out
    res = cli(f"access jobs {number} --json", as_="ops")
    assert res.code == 0 and PASSWORD not in res.out and '"state": "committed"' in res.out
    res = cli(f"access cpe-config {number} --platform cisco_ios", as_="ops")
    assert res.code == 0 and "ip route 0.0.0.0 0.0.0.0" in res.out
    bad = _approved("单位1b", port="ethu9")
    res = cli(f"access provision {bad}", as_="ops")
    assert res.code == 5 and res.err.startswith(f"error: request {bad}:")
    res = cli(f"access provision {bad}", as_="boss")
    assert res.code == 3 and res.err.startswith("error: ")
