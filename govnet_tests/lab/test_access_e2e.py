"""Article 24 end to end on real FRR routers over real SSH, proven with real packets.

submit → return → resubmit → approve → provision → the unit host pings the core's
loopback → provisioning again pushes nothing → disconnect → the ping fails and the
addresses are quarantined. A push to a port the router lacks leaves its running
config and IPAM exactly as before. A ``govnet access provision`` process SIGKILLed
mid-job is completed (or rolled back) by ``govnet access resume``.

Uses the lab engineer's session ``lab`` fixture (govnet_tests/lab/conftest.py), which waits
for another session's lab to go away instead of touching it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from access import diffing
from govnet import org
from govnet.auth import load_actor
from govnet.db import read, transaction
from govnet_tests.lab.conftest import restore
from inventory import service as inventory
from ipam import service as ipam
from lab import state as lab_state
from lab import unit
from lab.register import register_lab
from lab.sshd import lab_password

pytestmark = pytest.mark.lab
ROOT = Path(__file__).resolve().parents[2]
DISTRICTS = ["金平区", "龙湖区"]
SUBMIT = ("access submit --unit {unit} --zone 公用网络区 --hosts 50 --site 金平区金砂路1号 "
          "--contact 张三13800000000 --purpose 办公网接入 --model {model} --json")


@pytest.fixture
def world(lab: Any, db: str, monkeypatch: pytest.MonkeyPatch, router: Any) -> Any:
    """Districts, a unit, users, the public zone with a pool, the lab routers registered.

    The aggregation routers are put back to their config of before the test at the end
    (``unit-up`` adds the OSPF announcement), so the lab's own tests find them as made.
    """
    monkeypatch.setenv("GOVNET_LAB_PASSWORD", lab_password())
    checkpoints = {name: router(name).checkpoint() for name in ("agg1", "agg2")}
    yield from _world(lab)
    restore(lab, router, checkpoints, default_routes=([],))


def _world(lab: Any) -> Any:
    with transaction() as s:
        admin = load_actor(s, "admin")
        for district in DISTRICTS:
            org.add_district(s, admin, district)
        org.add_unit(s, admin, "金平区教育局", district="金平区")
        org.add_unit(s, admin, "龙湖区卫健局", district="龙湖区")
        org.add_user(s, admin, "edu", role="applicant", unit="金平区教育局")
        org.add_user(s, admin, "boss", role="authority")
        org.add_user(s, admin, "ops", role="municipal_operator")
        ipam.add_vrf(s, admin, "公用网络区")
        ipam.add_pool(s, admin, "10.80.0.0/13")
        for district in DISTRICTS:
            ipam.delegate(s, admin, district=district, size="/16")
        register_lab(s, admin, lab.state, districts=DISTRICTS)
        inventory.add_port(s, admin, device="agg1", name="ethu9", vlans=(100, 103))
    yield lab


def _approved(cli: Any, unit_name: str = "金平区教育局", extra: str = "",
              model: str = "routed") -> int:
    res = cli(SUBMIT.format(unit=unit_name, model=model) + " --application-doc 汕教〔2026〕1号" + extra,
              as_="ops")
    assert res.code == 0, res.err
    number = json.loads(res.out)["id"]
    assert cli(f"access approve {number} --doc 汕电政核〔2026〕7号", as_="boss").code == 0
    return int(number)


def _running(router: Any, name: str) -> str:
    return str(router(name).get_running_config())


def _ping(lab: Any, host: str, *extra: str) -> int:
    return lab.cli("exec", host, "--", "ping", "-c1", "-W1", *extra, "10.255.0.1",
                   check=False).returncode


def _wait_ping(lab: Any, host: str, ok: bool, *extra: str, within: float = 20) -> None:
    deadline = time.monotonic() + within
    while (_ping(lab, host, *extra) == 0) != ok:
        assert time.monotonic() < deadline, f"ping from {host} never {'worked' if ok else 'failed'}"


def _ipam_dump() -> dict[str, list[tuple[Any, ...]]]:
    queries = {"prefix": "select vrf_id, cidr, status, owner_id from prefix order by cidr",
               "freeblock": "select parent_id, prefixlen, first from freeblock order by 3",
               "ipaddress": "select address, device, interface from ipaddress order by 1",
               "portvlan": "select port_id, vlan, owner from portvlan order by 1, 2"}
    with read() as s:
        return {k: [tuple(r) for r in s.execute(text(q))] for k, q in queries.items()}


def _request(cli: Any, number: int) -> dict[str, Any]:
    res = cli(f"access show {number} --json", as_="ops")
    assert res.code == 0, res.err
    return dict(json.loads(res.out))


def _database_bytes(db: str) -> bytes:
    path = Path(db.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def test_article_24_path(world: Any, db: str, cli: Any, router: Any) -> None:
    lab = world
    res = cli(SUBMIT.format(unit="金平区教育局", model="routed"), as_="edu")  # no written application yet
    assert res.code == 0, res.err
    number = json.loads(res.out)["id"]
    assert cli(f"access return {number} --missing 书面申请", as_="boss").code == 0
    assert cli(f"access resubmit {number} --application-doc 汕教〔2026〕1号", as_="edu").code == 0
    assert cli(f"access provision {number}", as_="ops").code == 4  # not approved yet
    assert cli(f"access approve {number} --doc 汕电政核〔2026〕7号", as_="boss").code == 0

    assert _ping(lab, "unit-1-1") != 0
    res = cli(f"access provision {number} --json", as_="ops")
    assert res.code == 0, res.err
    outcome = json.loads(res.out)[0]
    assert (outcome["state"], outcome["device"]) == ("connected", "agg1") and outcome["lines"]
    zone = _request(cli, number)["zones"][0]
    assert (zone["port"], zone["vlan"], zone["state"]) == ("ethu1", 100, "verified")
    assert router("agg1").verify_route(zone["lan"])

    up = unit.unit_up(number)
    assert up["host"] == "unit-1-1" and up["reaches_core"]
    assert _ping(lab, "unit-1-1") == 0  # OSPF carries the unit's routes to the core
    lan_address = up["zones"][0]["lan_address"].split("/")[0]
    _wait_ping(lab, "unit-1-1", True, "-I", lan_address)  # the LAN, via the static route

    configured = _running(router, "agg1")
    res = cli(f"access provision {number} --json", as_="ops")
    assert res.code == 0 and json.loads(res.out)[0]["lines"] == []
    assert _running(router, "agg1") == configured
    res = cli(f"access jobs {number} --json", as_="ops")
    steps = {st["name"]: st["state"] for st in json.loads(res.out)[0]["steps"]}
    assert steps["push"] == "skipped"
    assert lab_password() not in res.out

    res = cli(f"access disconnect {number} --json", as_="ops")
    assert res.code == 0 and json.loads(res.out)[0]["state"] == "disconnected", res.err
    _wait_ping(lab, "unit-1-1", False, within=10)
    for cidr in (zone["lan"], zone["interconnect"]):
        shown = json.loads(cli(f"ipam show {cidr} --json", as_="ops").out)
        assert shown["status"] == "quarantined", shown
    attach = json.loads(res.out)[0]["lines"]
    assert attach and diffing.present("frr", _running(router, "agg1"),
                                      json.loads(cli(f"access jobs {number} --json",
                                                     as_="ops").out)[-1]["rendered"]
                                      .splitlines()) == []
    assert _request(cli, number)["state"] == "disconnected"
    unit.unit_down(number)
    assert lab_password().encode() not in _database_bytes(db)  # not in jobs, steps, audit


def test_gateway_model_unit_reaches_the_core(world: Any, cli: Any, router: Any) -> None:
    lab = world
    number = _approved(cli, "龙湖区卫健局", " --device agg2 --port ethu2", model="gateway")
    res = cli(f"access provision {number} --json", as_="ops")
    assert res.code == 0 and json.loads(res.out)[0]["state"] == "connected", res.err
    up = unit.unit_up(number)
    assert up["host"] == "unit-2-2" and up["zones"][0]["gateway"].startswith("10.8")
    _wait_ping(lab, "unit-2-2", True)
    assert cli(f"access disconnect {number}", as_="ops").code == 0
    _wait_ping(lab, "unit-2-2", False, within=10)
    unit.unit_down(number)


def test_failed_push_leaves_router_and_ipam_as_before(world: Any, cli: Any,
                                                      router: Any) -> None:
    number = _approved(cli, extra=" --device agg1 --port ethu9")  # in inventory, not on agg1
    before, dump = _running(router, "agg1"), _ipam_dump()
    res = cli(f"access provision {number}", as_="ops")
    assert res.code == 5 and res.err.startswith(f"error: request {number}:"), res.err
    assert _running(router, "agg1") == before
    assert _ipam_dump() == dump
    data = _request(cli, number)
    assert data["state"] == "failed" and data["last_error"]
    job = json.loads(cli(f"access jobs {number} --json", as_="ops").out)[0]
    assert job["state"] == "rolled_back" and job["steps"][-1]["name"] == "rollback"


def _govnet(db: str, *args: str, crash: str | None = None) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"GOVNET_DB": db, "GOVNET_USER": "ops",
                        "GOVNET_LAB_PASSWORD": lab_password()}
    env.pop("GOVNET_TEST_CRASH_AT", None)
    if crash:
        env["GOVNET_TEST_CRASH_AT"] = crash  # test hook: SIGKILL after that step (access.jobs)
    return subprocess.run([sys.executable, "-m", "govnet.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)


def test_sigkill_mid_push_then_resume(world: Any, db: str, cli: Any, router: Any) -> None:
    lab = world
    number = _approved(cli, "龙湖区卫健局")
    before = _running(router, "agg2")
    killed = _govnet(db, "access", "provision", str(number), crash="push")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    data = _request(cli, number)
    assert data["state"] == "provisioning"
    job = json.loads(cli(f"access jobs {number} --json", as_="ops").out)[0]
    assert job["state"] != "committed" and job["steps"][-1]["name"] == "push"
    rendered = job["rendered"].splitlines()
    assert diffing.missing("frr", _running(router, "agg2"), rendered) == []  # pushed, unsaved
    done = _govnet(db, "access", "resume", str(number))
    assert done.returncode == 0, done.stderr
    data = _request(cli, number)
    assert data["state"] == "connected" and data["zones"][0]["state"] == "verified"
    saved = (lab_state.lab_dir() / "agg2" / "etc" / "frr.conf").read_text()
    assert f"ip address {data['zones'][0]['local4']}/31" in saved  # written to startup too
    assert json.loads(cli(f"access jobs {number} --json", as_="ops").out)[0]["state"] == \
        "committed"
    assert unit.unit_up(number)["host"] == "unit-2-1"
    _wait_ping(lab, "unit-2-1", True)
    assert cli(f"access disconnect {number}", as_="ops").code == 0
    unit.unit_down(number)
    assert diffing.present("frr", _running(router, "agg2"), rendered) == []

    # Killed after the push, then rolled back: device, IPAM and request agree again.
    again = _approved(cli, "龙湖区卫健局")
    before, dump = _running(router, "agg2"), _ipam_dump()
    killed = _govnet(db, "access", "provision", str(again), crash="push")
    assert killed.returncode == -signal.SIGKILL
    assert _running(router, "agg2") != before
    undone = _govnet(db, "access", "resume", str(again), "--rollback")
    assert undone.returncode == 0, undone.stderr
    assert _running(router, "agg2") == before
    assert _ipam_dump() == dump
    assert _request(cli, again)["state"] == "failed"
