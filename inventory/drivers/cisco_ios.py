"""Cisco IOS / IOS-XE (``cisco_ios``).

Checkpoint = ``copy running-config flash:govnet-<time>.cfg``; rollback =
``configure replace flash:… list force``, IOS's own whole-config replacement
(it computes and applies the difference itself, so nothing depends on govnet
negating lines correctly). The file-copy dialogue asks for the destination
name; govnet accepts the proposed one. ``write memory`` saves.

Getters go through NAPALM's ``ios`` driver, run over govnet's netmiko session
(NAPALM's IOS driver is netmiko-based, so no second login); addresses and VRFs
come from the running config.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from typing import Any, ClassVar

from hier_config.platforms.cisco_ios.driver import HConfigDriverCiscoIOS
from hier_config.platforms.driver_base import HConfigDriverRules

from govnet.errors import DeviceError
from inventory.drivers import hconfig, register
from inventory.drivers.base import Checkpoint, InterfaceInfo
from inventory.drivers.netmiko_common import NetmikoDriver, interfaces_from_config

#: Interface details in an IOS-style running config (see interfaces_from_config).
IOS_IFACE_KEYWORDS = {
    "description": r"description (.+)$",
    "vrf": r"(?:vrf forwarding|ip vrf forwarding) (\S+)",
    "ipv4": r"ip address (\d\S+ \S+)",
    "ipv6": r"ipv6 address (\S+/\d+)",
    "vlan": r"encapsulation dot1Q (\d+)",
}


class GovnetIosRules(HConfigDriverCiscoIOS):
    """hier_config's IOS rules plus govnet's (``hconfig.CISCO_IOS``): IOS-XE prints
    ``exit`` and ``exit-…`` lines inside sections (``address-family ipv4 vrf X`` …
    `` exit-address-family``, bare `` exit``); read as lines they would repeat in one
    section, so they are dropped like ``!``."""

    @staticmethod
    def _instantiate_rules() -> HConfigDriverRules:
        return hconfig.extend(HConfigDriverCiscoIOS._instantiate_rules(), hconfig.CISCO_IOS)


class IosStyleDriver(NetmikoDriver):
    """What IOS and its close relatives (Ruijie RGOS) share: modes and prompts."""

    error_pattern: ClassVar[str] = (
        r"^\s*% ?(Invalid input|Incomplete command|Ambiguous command|Unknown command)")
    running_config_command: ClassVar[str] = "show running-config"
    config_enter: ClassVar[str] = "configure terminal"
    config_exit: ClassVar[str] = "end"
    config_prompt: ClassVar[str] = r"\)#\s*$"
    exec_prompt: ClassVar[str] = r"[^)]#\s*$"
    logout: ClassVar[str] = "exit"
    needs_enable: ClassVar[bool] = True
    volatile_lines: ClassVar[str] = (
        r"^(Building configuration|Current configuration :|! Last configuration change|"
        r"! NVRAM config last updated|ntp clock-period)")
    hconfig_platform: ClassVar[str] = "cisco_ios"
    iface_keywords: ClassVar[dict[str, str]] = IOS_IFACE_KEYWORDS
    config_rules: ClassVar[hconfig.ConfigRules] = hconfig.CISCO_IOS

    @classmethod
    def _make_hconfig_driver(cls) -> Any:
        return GovnetIosRules()


@register
class CiscoIosDriver(IosStyleDriver):
    """Cisco IOS and IOS-XE routers and switches."""

    platform: ClassVar[str] = "cisco_ios"
    device_type: ClassVar[str] = "cisco_ios"
    checkpoint_prefix: ClassVar[str] = "flash:govnet-"

    def checkpoint(self) -> Checkpoint:
        """Copy the running config to a new flash file; the token is its name."""
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        name = f"{self.checkpoint_prefix}{stamp}-{secrets.token_hex(2)}.cfg"
        running = self.get_running_config()
        out = self._dialogue([(f"copy running-config {name}", r"Destination filename"),
                              ("", self.exec_prompt)])
        if re.search(r"^%\s*Error", out, re.M) or "bytes copied" not in out:
            raise DeviceError(f"{self.where}: could not save checkpoint {name}: "
                              f"{out.strip().splitlines()[-1]}")
        return Checkpoint(platform=self.platform, running_config=running, token=name)

    def _restore(self, checkpoint: Checkpoint) -> None:
        command = f"configure replace {checkpoint.token} list force"
        out = self._dialogue([(command, self.exec_prompt)])
        if "Rollback Done" not in out:
            raise DeviceError(f"{self.where}: {command!r} failed: "
                              f"{out.strip().splitlines()[-1]}")

    def _discard(self, checkpoint: Checkpoint) -> None:
        """Delete ``apply``'s checkpoint file: flash is small and the push succeeded."""
        self._dialogue([(f"delete /force {checkpoint.token}", self.exec_prompt)])

    def _napalm(self) -> Any:
        from napalm.ios.ios import IOSDriver

        driver = IOSDriver(self.target.host, self.target.username, "",
                           timeout=int(self.target.timeout))
        driver.device = self.conn  # reuse this session: no second login
        return driver

    def get_facts(self) -> dict[str, Any]:
        """NAPALM's ``get_facts`` (vendor, model, os_version, serial, interfaces…)."""
        with self._session("reading facts"):
            return dict(self._napalm().get_facts())

    def get_interfaces(self) -> list[InterfaceInfo]:
        """NAPALM's up/description, plus VRF, VLAN and addresses from the config."""
        with self._session("reading interfaces"):
            state = self._napalm().get_interfaces()
        found = {i.name: i for i in interfaces_from_config(
            self.hconfig_driver(), self.get_running_config(), self.iface_keywords)}
        for name, data in state.items():
            info = found.setdefault(name, InterfaceInfo(name=name))
            info.up = bool(data["is_up"])
            info.description = data["description"] or info.description
        return list(found.values())
