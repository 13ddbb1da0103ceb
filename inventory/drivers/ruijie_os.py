"""Ruijie RGOS (``ruijie_os``): IOS-style CLI, ``write`` to save.

RGOS has no whole-config replace govnet can rely on, so it is handled like
VRP5: checkpoint = running config text, rollback = the remediation computed by
hier_config's ``cisco_ios`` platform. That platform numbers extended-ACL entries
(``10 permit …``) on load, which RGOS does not print back; govnet drops that
callback so a remediation reads ``no permit ip host … any``, which RGOS accepts.

ntc-templates has no Ruijie templates: interface status comes from govnet's
own TextFSM template for ``show ip interface brief``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from hier_config.platforms.cisco_ios.driver import HConfigDriverCiscoIOS
from hier_config.platforms.driver_base import HConfigDriverRules

from inventory.drivers import hconfig, register
from inventory.drivers.cisco_ios import IosStyleDriver


class GovnetRgosRules(HConfigDriverCiscoIOS):
    """hier_config's IOS rules without ACL sequence numbering, plus govnet's RGOS
    rules (``hconfig.RUIJIE_OS``: ``vlan range``, ``allowed vlan only``)."""

    @staticmethod
    def _instantiate_rules() -> HConfigDriverRules:
        rules = HConfigDriverCiscoIOS._instantiate_rules()
        rules.post_load_callbacks[:] = [cb for cb in rules.post_load_callbacks
                                        if cb.__name__ != "_add_acl_sequence_numbers"]
        return hconfig.extend(rules, hconfig.RUIJIE_OS)


#: ``show ip interface brief`` on RGOS 11 (names may contain a space: "GigabitEthernet 0/1").
SHOW_IP_INTERFACE_BRIEF = r"""Value INTERFACE (\S+(?: \d\S*)?)
Value IP_ADDRESS (\S+/\d+|no address)
Value SECONDARY (\S+/\d+|no address)
Value STATUS (up|down|administratively down)
Value PROTOCOL (up|down)

Start
  ^Interface\s+IP-Address
  ^${INTERFACE}\s+${IP_ADDRESS}\s+${SECONDARY}\s+${STATUS}\s+${PROTOCOL}\s*$$ -> Record
  ^\s*$$
"""


@register
class RuijieOsDriver(IosStyleDriver):
    """Ruijie RGOS routers and switches."""

    platform: ClassVar[str] = "ruijie_os"
    device_type: ClassVar[str] = "ruijie_os"
    status_command: ClassVar[str] = "show ip interface brief"
    status_template: ClassVar[str] = SHOW_IP_INTERFACE_BRIEF
    status_columns: ClassVar[tuple[str, str]] = ("interface", "protocol")

    config_rules: ClassVar[hconfig.ConfigRules] = hconfig.RUIJIE_OS

    @classmethod
    def _make_hconfig_driver(cls) -> Any:
        return GovnetRgosRules()
