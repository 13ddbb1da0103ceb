"""Bad inputs to AttachSpec: each fails with InvalidInput (exit 2) naming its field."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest
from jinja2 import UndefinedError
from netaddr import IPAddress, IPNetwork

import access.specs
from access.render import render, render_cpe, render_vrf, template_platforms
from access.specs import AttachSpec, CpeSpec, FamilySpec, InterfaceSpec
from govnet.errors import InvalidInput
from govnet_tests.access.test_render_golden import sample

V4_ROUTED = dict(interconnect="10.1.1.0/30", local="10.1.1.1", next_hop="10.1.1.2",
                 lans=("192.168.20.0/24",))


def v4(**changes: object) -> FamilySpec:
    return FamilySpec(**{**V4_ROUTED, **changes})  # type: ignore[arg-type]


# (id, platform, case, changes, field named in the message)
BAD = [
    ("vlan-0", "huawei_vrp", "routed", dict(vlan=0), "vlan"),
    ("vlan-4095", "cisco_ios", "routed", dict(vlan=4095), "vlan"),
    ("vlan-text", "frr", "routed", dict(vlan="1O0"), "vlan"),
    ("vlan-bool", "frr", "routed", dict(vlan=True), "vlan"),
    ("port-injected", "huawei_vrp", "routed",
     dict(parent_interface="GigabitEthernet0/0/1\nundo acl 3000"), "parent_interface"),
    ("port-abbreviated", "huawei_vrp", "routed", dict(parent_interface="GE0/0/1;"),
     "parent_interface"),
    ("port-other-vendor", "h3c_comware", "routed", dict(parent_interface="Eth-Trunk1"),
     "parent_interface"),
    ("port-ios-short", "cisco_ios", "routed", dict(parent_interface="Gi0/1"),
     "parent_interface"),
    ("port-frr-dotted", "frr", "routed", dict(parent_interface="ethu1.100"), "parent_interface"),
    ("port-frr-too-long", "frr", "routed", dict(parent_interface="enp0s31f6x"),
     "parent_interface"),
    ("vrf-space", "huawei_vrp", "routed", dict(vrf="Z WWW"), "vrf"),
    ("vrf-digit-first", "cisco_ios", "routed", dict(vrf="1ZWWW"), "vrf"),
    ("vrf-newline", "frr", "routed", dict(vrf="ZWWW\n"), "vrf"),
    ("vrf-long", "h3c_comware", "routed", dict(vrf="Z" * 31), "vrf"),
    ("rd-no-colon", "huawei_vrp", "routed", dict(rd="65000"), "rd"),
    ("rd-asn-zero", "huawei_vrp", "routed", dict(rd="0:100"), "rd"),
    ("rd-4byte-big-nn", "cisco_ios", "routed", dict(rd="4200000000:70000"), "rd"),
    ("rd-without-vrf", "cisco_ios", "routed_public", dict(rd="65000:1"), "rd"),
    ("rt-bad", "huawei_vrp", "routed", dict(route_target="65000:x"), "route_target"),
    ("acl-low", "huawei_vrp", "routed", dict(acl=2999), "acl"),
    ("acl-high", "h3c_comware", "routed", dict(acl=4000), "acl"),
    ("acl-missing", "huawei_vrpv8", "routed", dict(acl=None), "acl"),
    ("acl-name-on-huawei", "huawei_vrp", "routed", dict(acl="GOV-A-IN"), "acl"),
    ("acl-name-space", "cisco_ios", "routed", dict(acl="GOV A"), "acl"),
    ("label-space", "cisco_ios", "routed", dict(label="GOV A"), "label"),
    ("model", "frr", "routed", dict(model="bridge"), "model"),
    ("switch-on-frr", "frr", "gateway", dict(switch=True), "switch"),
    ("switch-not-bool", "cisco_ios", "gateway", dict(switch="yes"), "switch"),
    ("platform", "frr", "routed", dict(platform="junos"), "platform"),
    ("lan-host-bits", "frr", "routed", dict(ipv4=v4(lans=("192.168.20.1/24",))), "ipv4.lans"),
    ("lan-no-length", "frr", "routed", dict(ipv4=v4(lans=("192.168.20.0",))), "ipv4.lans"),
    ("lan-overlaps-link", "frr", "routed", dict(ipv4=v4(lans=("10.1.1.0/24",))), "ipv4.lans"),
    ("lan-duplicate", "frr", "routed",
     dict(ipv4=v4(lans=("192.168.20.0/24", "192.168.20.0/25"))), "ipv4.lans"),
    ("lans-empty", "frr", "routed", dict(ipv4=v4(lans=())), "ipv4.lans"),
    ("lans-too-many", "frr", "routed",
     dict(ipv4=v4(lans=tuple(f"172.16.{i}.0/24" for i in range(17)))), "ipv4.lans"),
    ("link-29", "frr", "routed", dict(ipv4=v4(interconnect="10.1.1.0/29")), "ipv4.interconnect"),
    ("link-host-bits", "frr", "routed", dict(ipv4=v4(interconnect="10.1.1.1/30")),
     "ipv4.interconnect"),
    ("local-outside", "frr", "routed", dict(ipv4=v4(local="10.1.1.5")), "ipv4.local"),
    ("local-network", "frr", "routed", dict(ipv4=v4(local="10.1.1.0")), "ipv4.local"),
    ("hop-broadcast", "frr", "routed", dict(ipv4=v4(next_hop="10.1.1.3")), "ipv4.next_hop"),
    ("hop-outside", "frr", "routed", dict(ipv4=v4(next_hop="10.9.9.9")), "ipv4.next_hop"),
    ("hop-is-local", "frr", "routed", dict(ipv4=v4(next_hop="10.1.1.1")), "ipv4"),
    ("hop-garbage", "frr", "routed", dict(ipv4=v4(next_hop="10.1.1.2 reload")),
     "ipv4.next_hop"),
    ("routed-given-gateway", "frr", "routed", dict(ipv4=v4(gateway="10.1.1.1/30")), "ipv4"),
    ("gateway-network", "frr", "gateway", dict(ipv4=FamilySpec(gateway="10.20.1.0/24")),
     "ipv4.gateway"),
    ("gateway-broadcast", "frr", "gateway", dict(ipv4=FamilySpec(gateway="10.20.1.255/24")),
     "ipv4.gateway"),
    ("gateway-outside-lan", "frr", "gateway",
     dict(ipv4=FamilySpec(gateway="10.20.2.1", lans=("10.20.1.0/24",))), "ipv4.gateway"),
    ("gateway-other-length", "frr", "gateway",
     dict(ipv4=FamilySpec(gateway="10.20.1.1/25", lans=("10.20.1.0/24",))), "ipv4.gateway"),
    ("gateway-no-length", "frr", "gateway", dict(ipv4=FamilySpec(gateway="10.20.1.1")),
     "ipv4.gateway"),
    ("gateway-31", "frr", "gateway", dict(ipv4=FamilySpec(gateway="10.20.1.1/31")),
     "ipv4.gateway"),
    ("gateway-given-link", "frr", "gateway",
     dict(ipv4=FamilySpec(gateway="10.20.1.1/24", interconnect="10.1.1.0/30")), "ipv4"),
    ("gateway-two-lans", "frr", "gateway",
     dict(ipv4=FamilySpec(gateway="10.20.1.1", lans=("10.20.1.0/24", "10.20.2.0/24"))),
     "ipv4.lans"),
    ("v4-where-v6", "huawei_vrp", "gateway", dict(ipv6=FamilySpec(gateway="10.20.1.1/24")),
     "ipv6.gateway"),
    ("v6-where-v4", "huawei_vrp", "gateway", dict(ipv4=FamilySpec(gateway="2001:db8::1/64")),
     "ipv4.gateway"),
    ("v4-lan-in-v6", "cisco_ios", "routed", dict(ipv6=FamilySpec(
        interconnect="2001:db8:1::/126", local="2001:db8:1::1", next_hop="2001:db8:1::2",
        lans=("192.168.20.0/24",))), "ipv6.lans"),
    ("v6-link-64", "cisco_ios", "routed", dict(ipv6=FamilySpec(
        interconnect="2001:db8:1::/64", local="2001:db8:1::1", next_hop="2001:db8:1::2",
        lans=("2001:db8:20::/48",))), "ipv6.interconnect"),
    ("v6-subnet-anycast", "cisco_ios", "routed", dict(ipv6=FamilySpec(
        interconnect="2001:db8:1::/126", local="2001:db8:1::", next_hop="2001:db8:1::2",
        lans=("2001:db8:20::/48",))), "ipv6.local"),
    ("ipv4-not-a-spec", "frr", "routed", dict(ipv4="10.1.1.1/30"), "ipv4"),
]


@pytest.mark.parametrize(("platform", "case", "changes", "field"),
                         [pytest.param(*row[1:], id=row[0]) for row in BAD])
def test_bad_input_names_its_field(platform: str, case: str, changes: dict[str, object],
                                   field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        sample(platform, case, **changes)
    assert caught.value.exit_code == 2
    assert str(caught.value).startswith(f"{field}"), str(caught.value)
    assert "\n" not in str(caught.value)


def test_inputs_are_typed_and_normalized() -> None:
    spec = sample("ruijie_os", "routed", vlan="100", parent_interface="GigabitEthernet0/1")
    assert spec.vlan == 100 and spec.subinterface == "GigabitEthernet 0/1.100"
    assert isinstance(spec.ipv4.local, IPAddress) and isinstance(spec.ipv4.lans[0], IPNetwork)
    assert spec.acl6 == "GOV-A-IN6"
    assert sample("ruijie_os", "gateway_switch").subinterface == "VLAN 100"
    assert sample("huawei_vrp", "gateway_switch").subinterface == "Vlanif100"
    assert sample("h3c_comware", acl="3200").acl == 3200
    assert sample("cisco_ios", "gateway", acl=None).acl == "GOV-V100-IN"
    assert sample("frr", acl=3100).acl is None  # FRR has no interface filter
    gw = sample("frr", "gateway", ipv4=FamilySpec(gateway="10.20.1.1", lans=("10.20.1.0/24",)))
    assert str(gw.ipv4.gateway) == "10.20.1.1/24"
    with pytest.raises(AttributeError):
        spec.vlan = 200  # type: ignore[misc]


def test_31_and_127_use_both_ends() -> None:
    spec = sample("cisco_ios", "routed", ipv6=FamilySpec(
        interconnect="2001:db8:1::/127", local="2001:db8:1::", next_hop="2001:db8:1::1",
        lans=("2001:db8:20::/48",)))
    assert str(spec.ipv6.iface) == "2001:db8:1::/127"  # type: ignore[union-attr]


def test_interface_spec_is_enough_to_isolate() -> None:
    ref = InterfaceSpec(platform="h3c_comware", parent_interface="GigabitEthernet1/0/1",
                        vlan=300)
    assert render("h3c_comware", "isolate", ref) == [
        "interface GigabitEthernet1/0/1.300", " shutdown", "quit"]


def test_cpe_of_another_platform_untagged() -> None:
    attach = sample("cisco_ios", "routed")
    lines = render_cpe(CpeSpec(attach=attach, platform="huawei_vrp",
                               interface="GigabitEthernet0/0/0"))
    assert lines[0] == "interface GigabitEthernet0/0/0"
    assert " ip address 10.1.1.2 255.255.255.252" in lines
    assert "ip route-static 0.0.0.0 0 10.1.1.1" in lines
    assert not any("dot1q" in line for line in lines)
    with pytest.raises(InvalidInput, match="parent_interface"):
        CpeSpec(attach=attach, platform="huawei_vrp", interface="Gi0/0/0")
    with pytest.raises(InvalidInput, match="vlan"):
        CpeSpec(attach=attach, platform="frr", interface="eth0", vlan=0)


def test_vrf_definition_needs_rd() -> None:
    with pytest.raises(InvalidInput, match="rd"):
        render_vrf(sample("huawei_vrp", rd=None))
    assert render_vrf(sample("h3c_comware", route_target="65000:200"))[2] == (
        " vpn-target 65000:200")


@pytest.mark.parametrize(("platform", "template"), [
    ("junos", "attach"), ("frr", "../frr/attach"), ("frr", "Attach"), ("frr", "nosuch"),
    ("cisco_ios", "attach")])
def test_render_refuses_unknown_platform_or_template(platform: str, template: str) -> None:
    with pytest.raises(InvalidInput):
        render(platform, template, sample("frr"))


def test_configs_folder_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "frr").mkdir()
    (tmp_path / "frr" / "isolate.j2").write_text(
        "interface {{ spec.subinterface }}\n shutdown\n", encoding="utf-8")
    monkeypatch.setenv("GOVNET_CONFIGS", str(tmp_path))
    assert template_platforms() == ["frr"]
    assert render("frr", "isolate", sample("frr")) == ["interface ethu1.100", " shutdown"]
    with pytest.raises(InvalidInput, match="no 'attach' template"):
        render("frr", "attach", sample("frr"))


def test_undefined_template_variable_is_an_error() -> None:
    """StrictUndefined: a template naming a missing attribute fails loudly."""
    with pytest.raises(UndefinedError, match="has no attribute"):
        render("frr", "attach", object())


def test_specs_equal_and_hashable() -> None:
    assert sample("frr") == sample("frr")
    assert hash(sample("frr")) == hash(sample("frr"))
    assert isinstance(sample("frr"), AttachSpec)


def test_docstring_examples() -> None:
    result = doctest.testmod(access.specs)
    assert result.attempted >= 3 and result.failed == 0
