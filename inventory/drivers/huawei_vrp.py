"""Huawei VRP5 (``huawei_vrp``): lines take effect as typed.

VRP5 has no candidate configuration, so a failed push cannot be discarded:
the checkpoint is the running configuration text, and rollback pushes the
remediation from the current configuration back to it, computed by hier_config's
``huawei_vrp`` platform with govnet's corrections of its known faults:

* ``undo rule 5 permit ip …`` is rejected by VRP: the rule goes by its number,
  ``undo rule 5``;
* ``undo ip route-static … description X`` is rejected: the description is not
  part of the route's key;
* the closing ``return`` of a printed config is a command (leave system view),
  never a config line: it is dropped when the config is read (with ``#`` and
  ``quit``, ``inventory.drivers.hconfig.NOT_CONFIG``);
* VLAN lists are sets: a merged ``port trunk allow-pass vlan 100 1307 to 1312`` or
  ``vlan batch …`` line is changed one VLAN at a time, never negated whole;
* removals are pushed dependents first: routes, ``traffic-filter vlan``, the
  interface, the VLAN on the trunk, the VLAN, the ACLs.

After the remediation the running configuration is compared with the
checkpoint (``NetmikoDriver.rollback``), so a remediation gap is reported,
never silently accepted.
"""

from __future__ import annotations

from typing import Any, ClassVar

from hier_config.models import MatchRule, NegationSubRule
from hier_config.platforms.driver_base import HConfigDriverRules
from hier_config.platforms.huawei_vrp.driver import HConfigDriverHuaweiVrp

from govnet.errors import DeviceError
from inventory.drivers import hconfig, register
from inventory.drivers.netmiko_common import NetmikoDriver

#: Negations VRP accepts, where hier_config's own would be rejected.
HUAWEI_NEGATION_FIXES = [
    NegationSubRule(
        match_rules=(MatchRule(startswith="acl "), MatchRule(re_search=r"^rule \d+ ")),
        search=r"^(undo rule \d+) .*$", replace=r"\1"),
    NegationSubRule(
        match_rules=(MatchRule(re_search=r"^ip(?:v6)? route-static .* description "),),
        search=r" description .*$", replace=""),
]


class GovnetHuaweiVrpRules(HConfigDriverHuaweiVrp):
    """hier_config's ``huawei_vrp`` driver plus govnet's negation fixes and rules."""

    @staticmethod
    def _instantiate_rules() -> HConfigDriverRules:
        rules = HConfigDriverHuaweiVrp._instantiate_rules()
        rules.negation_sub.extend(HUAWEI_NEGATION_FIXES)
        return hconfig.extend(rules, hconfig.HUAWEI_VRP)


#: Interface details in a Huawei/Comware running config (see interfaces_from_config).
HUAWEI_IFACE_KEYWORDS = {
    "description": r"description (.+)$",
    "vrf": r"ip binding vpn-instance (\S+)",
    "ipv4": r"ip address (\S+ \S+)",
    "ipv6": r"ipv6 address (\S+/\d+)",
    "vlan": r"(?:dot1q termination vid|vlan-type dot1q vid) (\d+)",
}


@register
class HuaweiVrpDriver(NetmikoDriver):
    """Huawei VRP5 routers and S switches."""

    platform: ClassVar[str] = "huawei_vrp"
    device_type: ClassVar[str] = "huawei"
    error_pattern: ClassVar[str] = r"^\s*Error:"
    running_config_command: ClassVar[str] = "display current-configuration"
    config_enter: ClassVar[str] = "system-view"
    config_exit: ClassVar[str] = "return"
    config_prompt: ClassVar[str] = r"\]\s*$"
    exec_prompt: ClassVar[str] = r">\s*$"
    volatile_lines: ClassVar[str] = r"^!(Software Version|Last configuration was updated)"
    status_command: ClassVar[str] = "display interface brief"
    textfsm_platform: ClassVar[str] = "huawei_vrp"
    status_columns: ClassVar[tuple[str, str]] = ("interface", "phy")
    iface_keywords: ClassVar[dict[str, str]] = HUAWEI_IFACE_KEYWORDS
    confirm_question: ClassVar[str] = r"\[Y/N\]:?\s*$"
    config_rules: ClassVar[hconfig.ConfigRules] = hconfig.HUAWEI_VRP

    @classmethod
    def _make_hconfig_driver(cls) -> Any:
        return GovnetHuaweiVrpRules()

    def save(self) -> str:
        """``save``, answering ``y`` to each "Continue? [Y/N]" (dual-MPU devices ask twice)."""
        out = self._ask("save", self.exec_prompt, self.confirm_question, "y")
        error = self.find_error(out)
        if error:
            raise DeviceError(f"{self.where}: save failed: {error}")
        return out

    def get_facts(self) -> dict[str, Any]:
        """Base facts plus model and VRP version from ``display version`` (ntc-templates)."""
        version = next(iter(self.parse_table("display version")), {})
        return {
            **super().get_facts(),
            "vendor": "Huawei",
            "model": version.get("model", ""),
            "os_version": version.get("vrp_version", ""),
        }
