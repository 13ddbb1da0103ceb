"""The two VRP8 families render their own forms (pure rendering, no device).

``huawei_vrpv8`` (NE40E/CX routers, and every device stored before the split) keeps
the dot1q termination subinterface with ``arp broadcast enable`` and
``traffic-filter inbound acl N``; ``huawei_ce`` (CloudEngine) filters with
``traffic-filter acl N inbound`` on the interface, the Vlanif of the switch form
included, and never with VRP5's global ``traffic-filter vlan``.
"""

from __future__ import annotations

from access.render import render_attach, render_detach
from govnet_tests.access.test_render_golden import sample


def test_ne_routers_keep_the_termination_form() -> None:
    lines = render_attach(sample("huawei_vrpv8", "routed"))
    assert " dot1q termination vid 100" in lines and " arp broadcast enable" in lines
    assert " traffic-filter inbound acl 3100" in lines
    assert " traffic-filter inbound ipv6 acl 3100" in lines


def test_cloudengine_filters_on_the_interface() -> None:
    routed = render_attach(sample("huawei_ce", "routed"))
    assert " traffic-filter acl 3100 inbound" in routed
    assert " traffic-filter ipv6 acl 3100 inbound" in routed
    assert not any("traffic-filter inbound" in line for line in routed)
    switch = render_attach(sample("huawei_ce", "gateway_switch"))
    vlanif = switch.index("interface Vlanif100")
    assert switch.index(" traffic-filter acl 3100 inbound") > vlanif
    assert not any(line.startswith("traffic-filter vlan") for line in switch)
    assert not any("traffic-filter vlan" in line
                   for line in render_detach(sample("huawei_ce", "gateway_switch")))
