"""Golden files of the access templates, per platform, plus the sample specs.

Regenerate after an intended template change with
``GOVNET_UPDATE_GOLDEN=1 pytest govnet_tests/access/test_render_golden.py`` and review
the diff. The other ``test_render_*`` modules import the samples from here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from access.render import (
    TEMPLATES,
    configs_dir,
    render_attach,
    render_cpe,
    render_detach,
    render_isolate,
    render_restore,
    render_vrf,
    template_platforms,
)
from access.specs import PLATFORMS, AttachSpec, FamilySpec

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("GOVNET_UPDATE_GOLDEN") == "1"

# Per platform: a parent port as the platform names it, and an inbound ACL.
PORTS: dict[str, tuple[str, int | str | None]] = {
    "frr": ("ethu1", None),
    "huawei_vrp": ("GigabitEthernet0/0/1", 3100),
    "huawei_vrpv8": ("GigabitEthernet0/1/0", 3100),
    "huawei_ce": ("10GE1/0/1", 3100),
    "h3c_comware": ("GigabitEthernet1/0/1", 3100),
    "cisco_ios": ("GigabitEthernet0/0/1", "GOV-A-IN"),
    "ruijie_os": ("GigabitEthernet 0/1", "GOV-A-IN"),
}
CASES = ("gateway", "routed", "routed_public", "gateway_switch", "routed_v6only",
         "gateway_v6only")
# Every (platform, case) that exists: FRR has no switch form.
PAIRS = [(p, c) for p in sorted(PLATFORMS) for c in CASES
         if not (c.endswith("_switch") and PLATFORMS[p].vlan_interface is None)]


def sample(platform: str, case: str = "routed", /, **changes: object) -> AttachSpec:
    """The VENDORS.md example unit, as one of three cases, with ``changes`` applied.

    gateway: private zone ZWWW, router is the LAN gateway, IPv4 + IPv6.
    routed: private zone ZWWW, /30 + /126 interconnect, route label, IPv4 + IPv6.
    routed_public: public zone (global table), /31, two LANs, IPv4 only.
    gateway_switch: the gateway case on an L3 switch (VLAN interface, trunk port).
    routed_v6only / gateway_v6only: IPv6 only (no IPv4 family), zone ZWWW, a /127.
    """
    port, acl = PORTS[platform]
    fields: dict[str, object] = dict(
        platform=platform, parent_interface=port, vlan=100, acl=acl,
        description="GOV-UNIT-A 市教育局（信息中心）", vrf="ZWWW", rd="65000:100")
    if case in ("gateway", "gateway_switch"):
        fields.update(model="gateway", switch=case == "gateway_switch",
                      ipv4=FamilySpec(gateway="192.168.20.1/24"),
                      ipv6=FamilySpec(gateway="2001:db8:20::1/64"))
    elif case == "routed":
        fields.update(
            model="routed", label="GOV-UNIT-A",
            ipv4=FamilySpec(interconnect="10.1.1.0/30", local="10.1.1.1",
                            next_hop="10.1.1.2", lans=("192.168.20.0/24",)),
            ipv6=FamilySpec(interconnect="2001:db8:1::/126", local="2001:db8:1::1",
                            next_hop="2001:db8:1::2", lans=("2001:db8:20::/48",)))
    elif case == "routed_public":
        fields.update(
            model="routed", vrf=None, rd=None, vlan=101, description="GOV-UNIT-B",
            acl=3101 if isinstance(acl, int) else None,
            ipv4=FamilySpec(interconnect="10.1.2.0/31", local="10.1.2.0",
                            next_hop="10.1.2.1", lans=("192.168.21.0/24", "10.30.0.0/16")))
    elif case == "routed_v6only":
        fields.update(
            model="routed", vlan=102, description="GOV-UNIT-C", ipv4=None,
            ipv6=FamilySpec(interconnect="2001:db8:2::/127", local="2001:db8:2::",
                            next_hop="2001:db8:2::1", lans=("2001:db8:30::/64",)))
    elif case == "gateway_v6only":
        fields.update(model="gateway", vlan=103, description="GOV-UNIT-D", ipv4=None,
                      ipv6=FamilySpec(gateway="2001:db8:40::1/64"))
    else:
        raise ValueError(case)
    fields.update(changes)
    return AttachSpec(**fields)  # type: ignore[arg-type]


RENDERERS: dict[str, Callable[[AttachSpec], list[str]]] = {
    "attach": render_attach, "detach": render_detach, "cpe": render_cpe,
}
SINGLE: dict[str, Callable[[AttachSpec], list[str]]] = {
    "vrf": render_vrf, "isolate": render_isolate, "restore": render_restore,
}


def golden_cases() -> list[tuple[str, str, Callable[[AttachSpec], list[str]], AttachSpec]]:
    """(platform, golden file name, renderer, spec) for every golden file."""
    out = []
    for platform, case in PAIRS:
        for name, fn in RENDERERS.items():
            out.append((platform, f"{name}_{case}.txt", fn, sample(platform, case)))
    for platform in sorted(PLATFORMS):
        for name, fn in SINGLE.items():
            out.append((platform, f"{name}.txt", fn, sample(platform)))
    return out


@pytest.mark.parametrize(("platform", "filename", "renderer", "spec"), [
    pytest.param(*c, id=f"{c[0]}-{c[1]}") for c in golden_cases()])
def test_golden(platform: str, filename: str, renderer: Callable[[AttachSpec], list[str]],
                spec: AttachSpec) -> None:
    text = "\n".join(renderer(spec)) + "\n"
    path = GOLDEN / platform / filename
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} missing: run with GOVNET_UPDATE_GOLDEN=1 and review"
    assert text == path.read_text(encoding="utf-8")


def test_every_platform_folder_has_every_template() -> None:
    platforms = template_platforms()
    assert set(platforms) == set(PLATFORMS), "template folders and PLATFORMS disagree"
    for platform in platforms:
        present = {p.stem for p in (configs_dir() / platform).glob("*.j2")}
        assert present == set(TEMPLATES), f"{platform}: has {sorted(present)}"


def test_every_golden_file_is_rendered() -> None:
    expected = {(p, f) for p, f, _, _ in golden_cases()}
    found = {(p.parent.name, p.name) for p in GOLDEN.glob("*/*.txt")}
    assert found == expected, "stale or missing golden files"


def test_vendors_example_huawei() -> None:
    """The golden routed case is the VENDORS.md example, line for line where shown."""
    lines = render_attach(sample("huawei_vrp"))
    for line in ("acl number 3100", " rule 5 permit ip source 192.168.20.0 0.0.0.255",
                 " rule 10 permit ip source 10.1.1.2 0", " rule 100 deny ip",
                 "interface GigabitEthernet0/0/1.100", " dot1q termination vid 100",
                 " ip binding vpn-instance ZWWW", " ip address 10.1.1.1 255.255.255.252",
                 " ipv6 address 2001:db8:1::1/126", " arp broadcast enable",
                 " traffic-filter inbound acl 3100",
                 "ipv6 route-static vpn-instance ZWWW 2001:db8:20:: 48 2001:db8:1::2"
                 " description GOV-UNIT-A"):
        assert line in lines
    assert lines.index(" ip binding vpn-instance ZWWW") < lines.index(
        " ip address 10.1.1.1 255.255.255.252") < lines.index(" ipv6 enable")


BINDING = {  # the line that puts the subinterface into the zone's VPN instance / VRF
    "frr": "interface {subinterface} vrf ZWWW",
    "huawei_vrp": " ip binding vpn-instance ZWWW",
    "huawei_vrpv8": " ip binding vpn-instance ZWWW",
    "huawei_ce": " ip binding vpn-instance ZWWW",
    "h3c_comware": " ip binding vpn-instance ZWWW",
    "cisco_ios": " vrf forwarding ZWWW",
    "ruijie_os": " vrf forwarding ZWWW",
}


@pytest.mark.parametrize(("platform", "case"), PAIRS)
def test_vpn_binding_precedes_addresses(platform: str, case: str) -> None:
    spec = sample(platform, case)
    lines = render_attach(spec)
    addresses = [i for i, line in enumerate(lines) if " address " in line]
    assert addresses
    if case == "routed_public":
        assert not any("ZWWW" in line for line in lines), "public zone: global table"
    else:
        binding = BINDING[platform].format(subinterface=spec.subinterface)
        assert lines.index(binding) < min(addresses)


@pytest.mark.parametrize("platform", sorted(p for p, (_, acl) in PORTS.items() if acl))
def test_filter_ends_with_explicit_deny(platform: str) -> None:
    lines = render_attach(sample(platform))
    denies = [line for line in lines if "deny" in line]
    assert len(denies) == 2  # IPv4 and IPv6
    for deny in denies:
        block_end = lines.index(deny) + 1
        assert lines[block_end] in {"quit", "exit"}, "deny must be the filter's last rule"


@pytest.mark.skipif(shutil.which("vtysh") is None, reason="vtysh (FRR) not installed")
@pytest.mark.parametrize("case", [c for p, c in PAIRS if p == "frr"])
@pytest.mark.parametrize("name", ["attach", "detach", "cpe", "vrf", "isolate", "restore"])
def test_frr_output_parses_in_vtysh(tmp_path: Path, case: str, name: str) -> None:
    """FRR's own parser (vtysh --dryrun) accepts every rendered FRR line."""
    spec = sample("frr", case)
    if name == "vrf" and spec.vrf is None:
        pytest.skip("no VRF in the public zone")
    lines = {**RENDERERS, **SINGLE}[name](spec)
    conf = tmp_path / "frr.conf"
    conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = subprocess.run(["vtysh", "-C", "-f", str(conf)], capture_output=True, text=True,
                          timeout=30, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
