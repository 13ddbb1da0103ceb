"""The lab's pure parts (plan, rendered configs, ip batches) and its refusal messages.

No root needed: these run everywhere and pin down what the lab builds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from govnet.errors import InvalidInput
from lab import control, netns, sshd
from lab import frr as lab_frr
from lab.__main__ import main
from lab.topology import plan

ROOT = Path(__file__).resolve().parents[2]


def test_plan_addresses_and_cabling() -> None:
    topo = plan(3, units_per_agg=2)
    assert [r.name for r in topo.routers] == ["core", "agg1", "agg2", "agg3"]
    assert [r.mgmt_ip for r in topo.routers] == ["198.18.0.10", "198.18.0.11", "198.18.0.12",
                                                 "198.18.0.13"]
    assert topo.node("agg3").loopback == "10.255.0.13"
    core_links = {lk.iface: lk.address for lk in topo.node("core").links}
    assert core_links == {"eth-agg1": "10.254.1.0/31", "eth-agg2": "10.254.2.0/31",
                          "eth-agg3": "10.254.3.0/31"}
    assert [lk.address for lk in topo.node("agg2").links] == ["10.254.2.1/31"]
    assert [(h.name, h.uplink) for h in topo.hosts][:2] == [
        ("unit-1-1", ("agg1", "ethu1")), ("unit-1-2", ("agg1", "ethu2"))]
    assert all(n.netns.startswith("govlab-") and len(n.mgmt_veth) <= 15 for n in topo.nodes)


@pytest.mark.parametrize("districts", [0, 9, -1])
def test_plan_refuses_out_of_range(districts: int) -> None:
    with pytest.raises(InvalidInput, match="--districts must be 1..8"):
        plan(districts)


def test_unknown_node_names_the_known_ones() -> None:
    with pytest.raises(InvalidInput, match="no lab node 'agg9'.*core, agg1"):
        plan(1).node("agg9")


@pytest.mark.parametrize("dot1q", [True, False])
def test_unit_ports_get_vlan_subinterfaces(dot1q: bool) -> None:
    topo = plan(1, units_per_agg=1)
    root = "\n".join(netns.root_commands(topo, dot1q))
    agg = "\n".join(netns.node_commands(topo.node("agg1"), dot1q))
    host = "\n".join(netns.node_commands(topo.node("unit-1-1"), dot1q))
    assert "link add ethu1 netns govlab-agg1 type veth peer name eth0 netns govlab-unit-1-1" in root
    for vid in (100, 101, 102, 103):
        assert f"link set ethu1.{vid} up" in agg and f"link set eth0.{vid} up" in host
        vlan = f"link add link ethu1 name ethu1.{vid} type vlan id {vid}"
        pair = f"link add ethu1.{vid} netns govlab-agg1 type veth peer name eth0.{vid}"
        assert (vlan in agg) is dot1q and (pair in root) is not dot1q
    assert "addr add 198.18.0.1/24 dev govlab0" in root
    assert "addr" not in host  # unit hosts start with no addresses


def test_day0_frr_config_uses_network_statements_and_fast_ospf() -> None:
    conf = lab_frr.render_frr_conf(plan(2).node("core"))
    assert "hostname core" in conf
    assert " network 10.255.0.1/32 area 0" in conf and " network 10.254.2.0/31 area 0" in conf
    assert "redistribute connected" not in conf
    assert conf.count(" ip ospf network point-to-point") == 2
    assert conf.count(" ipv6 ospf6 network point-to-point") == 2
    vrf = lab_frr.render_vrf_conf(plan(2).node("core"))
    assert "router ospf vrf ZWEDU" in vrf and "interface ev-agg1 vrf ZWEDU" in vrf
    assert " ipv6 address fd47:6f76:ff::1/128" in conf
    assert " timers throttle spf 0 50 500" in conf and " ip ospf dead-interval 3" in conf


def test_sshd_config_forces_vtysh_on_the_mgmt_address() -> None:
    conf = sshd.render_config(plan(1).node("agg1"))
    assert "ListenAddress 198.18.0.11:22" in conf
    assert "AllowUsers govlab" in conf and "PermitRootLogin no" in conf
    force = next(line for line in conf.splitlines() if "ForceCommand" in line)
    assert "/usr/bin/vtysh --vty_socket" in force and "/agg1/run" in force
    assert "--config_dir" in force and "/agg1/etc" in force


def test_lab_password_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVNET_LAB_PASSWORD", "s3cret")
    assert sshd.lab_password() == "s3cret"
    monkeypatch.delenv("GOVNET_LAB_PASSWORD")
    with pytest.raises(InvalidInput, match="GOVNET_LAB_PASSWORD is not set: export"):
        sshd.lab_password()


def test_lab_up_without_password_is_refused_before_anything_is_made(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GOVNET_LAB_PASSWORD", raising=False)
    monkeypatch.setenv("GOVNET_LAB_DIR", str(tmp_path / "lab"))
    proc = subprocess.run([sys.executable, "-m", "lab", "up"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env=os.environ.copy())
    assert proc.returncode in (2, 5), proc.stderr  # 5: no root/FRR here (checked first)
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: ")
    if proc.returncode == 2:
        assert "GOVNET_LAB_PASSWORD is not set" in proc.stderr
    assert not (tmp_path / "lab").exists()


def test_missing_frr_stops_with_the_install_line(monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(lab_frr, "FRR_BIN", tmp_path / "no-frr")
    monkeypatch.setattr(sshd, "SSHD", tmp_path / "no-sshd")
    monkeypatch.setattr(control.os, "geteuid", lambda: 1000)
    assert main(["up"]) == 5
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: lab needs root")
    assert "FRR" in err and "OpenSSH server" in err
    assert "apt-get install frr openssh-server" in err


def test_unit_host_lookup_and_refusals() -> None:
    from lab import units
    from lab.state import LabState

    st = LabState(topology=plan(2))
    host = units.host_on(st, "agg2", "ethu2")
    assert host.name == "unit-2-2"
    with pytest.raises(InvalidInput, match="no unit host is cabled to agg2 ethu9"):
        units.host_on(st, "agg2", "ethu9")
    with pytest.raises(InvalidInput, match="VLAN 99 is not provisioned"):
        units.configure(host, 99, "10.1.1.2/30")
    with pytest.raises(InvalidInput, match="gateway 10.9.9.9 is not in 10.1.1.0/30"):
        units.configure(host, 100, "10.1.1.2/30", "10.9.9.9")
    with pytest.raises(InvalidInput, match="bad address"):
        units.configure(host, 100, "10.1.1.300/30")


@pytest.mark.parametrize(("forced", "dot1q"), [("dot1q", True), ("veth", False)])
def test_subinterface_kind_can_be_forced(forced: str, dot1q: bool,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVNET_LAB_SUBIF", forced)
    monkeypatch.setattr(netns, "sh", lambda *a, **k: pytest.fail("forced: no probe"))
    assert netns.dot1q_supported() is dot1q
