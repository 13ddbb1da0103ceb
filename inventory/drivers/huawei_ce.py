"""Huawei CloudEngine switches (``huawei_ce``): VRP8 like ``huawei_vrpv8``, CE forms.

VRP8 comes in two families whose access configuration differs, so they are two
platforms with one transaction:

* ``huawei_vrpv8``: NE40E/NE8000/CX routers. A unit's subinterface is a dot1q
  termination subinterface (``dot1q termination vid N``, ``arp broadcast enable``,
  off by default there) with ``traffic-filter inbound acl N``. Devices stored with
  this slug before the split keep exactly these lines.
* ``huawei_ce``: CloudEngine CE6800/CE8800/CE12800 switches. The interface filter
  is ``traffic-filter acl N inbound`` (``traffic-filter ipv6 acl N inbound``), on
  the subinterface or, in the switch form, on the Vlanif (not VRP5's global
  ``traffic-filter vlan``). Templates: ``configs/huawei_ce/`` (the VRP5 templates
  with ``ce`` set).

Both use netmiko's ``huawei_vrpv8`` session, two-stage ``commit`` and commit-id
rollback (:class:`HuaweiVrpV8Driver`), and the Huawei configuration rules.
"""

from __future__ import annotations

from typing import ClassVar

from inventory.drivers import register
from inventory.drivers.huawei_vrpv8 import HuaweiVrpV8Driver


@register
class HuaweiCeDriver(HuaweiVrpV8Driver):
    """Huawei CloudEngine switches (VRP8)."""

    platform: ClassVar[str] = "huawei_ce"
