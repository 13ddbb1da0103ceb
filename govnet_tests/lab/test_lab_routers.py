"""Real FRR routers over real SSH: the FRR driver's transaction, proven in the kernel.

Each test checks what the router's namespace actually holds (``ip -n … addr``,
``ip -n … route``) or what real packets do, not only what the driver reports.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from govnet.errors import AuthenticationFailed, CommandRejected, DeviceUnreachable
from lab import state as lab_state

if TYPE_CHECKING:
    from conftest import Lab  # the session fixture's handle (govnet_tests/lab/conftest.py)

# One lab per machine: run these in one process (`pytest -m lab -p no:xdist`, as `make test`).
pytestmark = pytest.mark.lab

CHANGE = ["interface ethu1.100", " description GOV-UNIT-A", " ip address 10.100.1.1/30",
          "ip route 10.9.0.0/24 10.100.1.2"]


def test_status_json_lists_every_node(lab: Lab) -> None:
    data = json.loads(lab.cli("status", "--json").stdout)
    nodes = {n["name"]: n for n in data["nodes"]}
    assert data["up"] is True and data["converge_seconds"] > 0
    assert set(nodes) == {"core", "agg1", "agg2", "unit-1-1", "unit-1-2", "unit-2-1", "unit-2-2",
                          "unit-1-v", "unit-2-v"}
    core = {"kind": "core", "namespace": "govlab-core", "mgmt_address": "198.18.0.10",
            "loopback": "10.255.0.1"}
    assert {k: nodes["core"][k] for k in core} == core
    assert nodes["agg2"]["kind"] == "aggregation"
    assert nodes["agg2"]["mgmt_address"] == "198.18.0.12"
    assert nodes["agg2"]["loopback"] == "10.255.0.12"
    assert (nodes["unit-2-1"]["kind"], nodes["unit-2-1"]["router"],
            nodes["unit-2-1"]["port"]) == ("unit-host", "agg2", "ethu1")
    for name in ("core", "agg1", "agg2"):
        assert nodes[name]["running"] and nodes[name]["ssh"], nodes[name]
        assert set(nodes[name]["processes"]) == {"zebra", "staticd", "ospfd", "ospf6d", "sshd"}


def test_up_again_is_a_conflict(lab: Lab) -> None:
    proc = lab.cli("up", "--no-register", check=False)
    assert proc.returncode == 4
    assert proc.stderr.startswith("error: lab is already up") and "\n" == proc.stderr[-1]
    assert "Traceback" not in proc.stderr


def test_exec_vtysh_reaches_the_routers_daemons(lab: Lab) -> None:
    out = lab.cli("exec", "agg1", "--", "vtysh", "-c", "show vrf").stdout
    assert "vrf ZWEDU" in out  # this router's zebra (its VRF), not /var/run/frr
    out = lab.cli("exec", "core", "--", "/usr/bin/vtysh", "-c", "show running-config").stdout
    assert "hostname core" in out and "ip address 10.255.0.1/32" in out


def test_exec_passes_the_exit_code_through(lab: Lab) -> None:
    assert lab.cli("exec", "core", "--", "sh", "-c", "exit 7", check=False).returncode == 7
    out = lab.cli("exec", "unit-1-1", "--", "ip", "-br", "link").stdout
    assert "eth0.100" in out and "eth0.103" in out


def test_facts_and_interfaces(router) -> None:
    agg1 = router("agg1")
    facts = agg1.get_facts()
    assert facts["hostname"] == "agg1" and facts["vendor"] == "FRRouting"
    assert facts["os_version"].startswith("8.")
    assert facts["uptime"] is not None and facts["uptime"] >= 0
    assert {"eth-core", "lo", "ethu1", "ethu1.100", "ethu2.103"} <= set(facts["interface_list"])
    ifaces = {i.name: i for i in agg1.get_interfaces()}
    assert ifaces["eth-core"].addresses == ["10.254.1.1/31", "fd47:6f76:fe:1::1/127"]
    assert ifaces["eth-core"].up and ifaces["eth-core"].vrf == ""
    assert ifaces["eth-core"].description == "to-core"
    assert ifaces["lo"].addresses == ["10.255.0.11/32", "fd47:6f76:ff::11/128"]
    assert ifaces["ev-core"].vrf == "ZWEDU" and ifaces["ethv1.100"].vrf == "ZWEDU"
    assert ifaces["ethu1.100"].vlan == 100 and ifaces["ethu1.100"].addresses == []
    assert agg1.verify_interface_up("ethu1.100")
    assert agg1.verify_route("10.255.0.1/32"), "OSPF route to the core loopback"


def test_backup_reads_the_running_config(router) -> None:
    config = router("core").get_running_config()
    assert "hostname core" in config
    assert " network 10.255.0.1/32 area 0" in config
    assert "interface eth-agg2" in config


def test_apply_then_rollback_in_the_kernel(lab: Lab, router) -> None:
    agg1 = router("agg1")
    before = agg1.checkpoint()
    agg1.apply(CHANGE)
    assert "10.100.1.1/30" in lab.ip("agg1", "-4", "addr", "show", "dev", "ethu1.100")
    assert "via 10.100.1.2 dev ethu1.100 proto static" in lab.ip("agg1", "route", "show",
                                                                 "10.9.0.0/24")
    assert agg1.verify_route("10.9.0.0/24")
    assert " description GOV-UNIT-A" in agg1.get_running_config()

    agg1.rollback(before)
    assert "10.100.1.1" not in lab.ip("agg1", "-4", "addr", "show", "dev", "ethu1.100")
    assert "10.9.0.0" not in lab.ip("agg1", "route")
    assert not agg1.verify_route("10.9.0.0/24")
    assert agg1.remediation(agg1.get_running_config(), before.running_config) == []


def test_rejected_line_rolls_back_what_went_before(lab: Lab, router) -> None:
    agg1 = router("agg1")
    before = agg1.get_running_config()
    with pytest.raises(CommandRejected) as err:
        agg1.apply(["ip route 10.8.0.0/24 10.254.1.0", "interface ethu1.101",
                    " ip address 10.100.2.1/30", " ip frobnicate 7"])
    assert err.value.line == "ip frobnicate 7"
    assert "agg1" in err.value.message and "ip frobnicate 7" in err.value.message
    assert "10.8.0.0" not in lab.ip("agg1", "route")
    assert "10.100.2.1" not in lab.ip("agg1", "-4", "addr", "show", "dev", "ethu1.101")
    assert agg1.remediation(agg1.get_running_config(), before) == []
    assert agg1.run("show version").startswith("FRRouting"), "session usable afterwards"


def test_save_writes_the_integrated_config(lab: Lab, router) -> None:
    agg2 = router("agg2")
    agg2.apply(["interface ethu2.102", " description SAVED-BY-TEST"])
    try:
        out = agg2.save()
        assert "Integrated configuration saved" in out
        saved = Path(lab_state.node_dir("agg2"), "etc", "frr.conf").read_text()
        assert "SAVED-BY-TEST" in saved
    finally:
        agg2.apply(["interface ethu2.102", " no description"])
        agg2.save()


def test_wrong_password_is_authentication_failed(router) -> None:
    with pytest.raises(AuthenticationFailed, match=r"agg1 \(198\.18\.0\.11:22\).*govlab"):
        router("agg1", password="not-the-password")


def test_unused_lab_address_is_unreachable(router) -> None:
    # 198.18.0.250 is inside the lab bridge's subnet and unused: nothing leaves the lab.
    t0 = time.monotonic()
    with pytest.raises(DeviceUnreachable, match=r"198\.18\.0\.250"):
        router("ghost", host="198.18.0.250", timeout=2)
    assert time.monotonic() - t0 < 15


def _ping_core(lab: Lab) -> int:
    return lab.cli("exec", "unit-1-1", "--", "ping", "-c1", "-W1", "10.255.0.1",
                   check=False).returncode


def test_unit_host_reaches_the_core_through_ospf(lab: Lab, router) -> None:
    agg1 = router("agg1")
    before = agg1.checkpoint()
    assert _ping_core(lab) != 0, "no path before the unit is attached"
    agg1.apply(["interface ethu1.100", " ip address 10.100.1.1/30", " ip ospf passive",
                "router ospf", " network 10.100.1.0/30 area 0"])
    out = lab.cli("unit-addr", "unit-1-1", "--vlan", "100", "--address", "10.100.1.2/30",
                  "--gateway", "10.100.1.1").stdout
    assert "cabled to agg1 ethu1.100" in out
    try:
        deadline = time.monotonic() + 15  # OSPF with the lab's fast timers: ~1.5 s
        while _ping_core(lab) != 0:
            assert time.monotonic() < deadline, "unit host never reached 10.255.0.1"
        assert router("core").verify_route("10.100.1.0/30")
    finally:
        agg1.rollback(before)
        lab.cli("unit-addr", "unit-1-1", "--vlan", "100", "--clear")
    deadline = time.monotonic() + 10
    while _ping_core(lab) == 0:
        assert time.monotonic() < deadline, "still reachable after rollback"


@pytest.mark.ends_lab
def test_down_removes_everything(lab: Lab, capsys: pytest.CaptureFixture[str]) -> None:
    from lab import control, netns
    from lab.__main__ import main

    pids = [pid for node in lab.state.pids.values() for pid in node.values()]
    with control.lab_lock():  # no other session may bring a lab up while we look
        assert main(["down"]) == 0
        lab.is_down = True
        assert "lab down: removed" in capsys.readouterr().out
        assert main(["exec", "core", "--", "true"]) == 4
        assert "no lab is up" in capsys.readouterr().err
        assert netns.lab_namespaces() == []
        assert not netns.bridge_exists()
        assert [p for p in pids if _alive(p)] == []
        leftovers = [p.name for p in Path("/proc").iterdir() if p.name.isdigit()
                     and b"govnet-lab" in _cmdline(p)]
        assert leftovers == []
        assert not lab_state.lab_dir().exists()


def _alive(pid: int) -> bool:
    """Running, not merely a zombie waiting for PID 1 (which may reap lazily) to collect it."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def _cmdline(proc: Path) -> bytes:
    try:
        return (proc / "cmdline").read_bytes()
    except OSError:
        return b""
