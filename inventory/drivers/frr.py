"""FRRouting over SSH into vtysh (platform ``frr``): what the lab runs, and what proves a push.

vtysh speaks an IOS-like dialect, so the transport is netmiko's Cisco base with
two FRR fixes: ``check_config_mode`` matches ``[>#]`` (the IOS default waits for
2 s of silence on every check) and no ``terminal width`` (vtysh rejects it).
vtysh applies each line at once; the transaction is the shared one of
:class:`NetmikoDriver`: checkpoint = running config text, rollback = hier_config
remediation from the current config back to it, with FRR rules (``exit`` lines,
additive ``ip address``, interfaces that must be emptied rather than deleted).
Getters read vtysh's JSON (``show interface json``, ``show ip route … json``).
"""

from __future__ import annotations

import json
import re
from typing import Any, ClassVar

from netmiko.base_connection import BaseConnection
from netmiko.cisco_base_connection import CiscoBaseConnection

from govnet.errors import DeviceError
from inventory.drivers import hconfig, register
from inventory.drivers.base import Checkpoint, InterfaceInfo
from inventory.drivers.netmiko_common import NetmikoDriver


class FrrVtyshConnection(CiscoBaseConnection):
    """netmiko session on vtysh (login lands in enable mode, ``hostname#``)."""

    def session_preparation(self) -> None:
        self._test_channel_read(pattern=r"[>#]")
        self.set_base_prompt()
        self.disable_paging(command="terminal length 0")

    def check_config_mode(self, check_string: str = ")#", pattern: str = r"[>#]",
                          force_regex: bool = False) -> bool:
        return super().check_config_mode(check_string=check_string, pattern=pattern,
                                         force_regex=force_regex)


def frr_hconfig_driver() -> Any:
    """hier_config rules for FRR's running config (generic base, IOS-like but not IOS).

    Not the ``cisco_ios`` rules: they make ``ip address`` idempotent (IOS replaces the
    primary address; FRR adds one more) and keep FRR's ``exit`` lines as commands.
    """
    from hier_config.models import (
        IdempotentCommandsRule,
        MatchRule,
        NegationDefaultWithRule,
        PerLineSubRule,
    )
    from hier_config.platforms.driver_base import HConfigDriverRules
    from hier_config.platforms.generic.driver import HConfigDriverGeneric

    def idem(*starts: str) -> IdempotentCommandsRule:
        return IdempotentCommandsRule(match_rules=tuple(MatchRule(startswith=s) for s in starts))

    class HConfigDriverFRR(HConfigDriverGeneric):
        @staticmethod
        def _instantiate_rules() -> HConfigDriverRules:
            drop = (r"^Building configuration.*", r"^Current configuration.*",
                    r"^frr version .*", r"^frr defaults .*", r"^end$", r"^\s*!.*",
                    r"^\s*exit(-address-family|-vrf|-vni)?$")
            return HConfigDriverRules(
                per_line_sub=[PerLineSubRule(search=p, replace="") for p in drop],
                negate_with=[NegationDefaultWithRule(  # `no description TEXT` is rejected
                    match_rules=(MatchRule(startswith="interface "),
                                 MatchRule(startswith="description ")),
                    use="no description")],
                idempotent_commands=[
                    idem("hostname "),
                    idem("interface ", "description "),
                    idem("interface ", "ip ospf network "),
                    idem("interface ", "ip ospf hello-interval "),
                    idem("interface ", "ip ospf dead-interval "),
                    idem("interface ", "ip ospf cost "),
                    idem("router ospf", "ospf router-id "),
                    idem("router ospf", "timers throttle spf "),
                    idem("router bgp ", "bgp router-id "),
                ],
            )

    return HConfigDriverFRR()


_CONNECT_TIME = re.compile(r"^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")


def frr_interval_seconds(text: str) -> int | None:
    """Seconds in an FRR uptime (``HH:MM:SS``, ``1d02h03m``, ``2w3d04h``).

    Examples:
        >>> frr_interval_seconds("00:01:05"), frr_interval_seconds("1d02h03m")
        (65, 93780)
    """
    if ":" in text:
        h, m, s = (int(x) for x in text.split(":"))
        return h * 3600 + m * 60 + s
    match = _CONNECT_TIME.match(text)
    if not match or not text:
        return None
    w, d, h, m = (int(x or 0) for x in match.groups())
    return ((w * 7 + d) * 24 + h) * 3600 + m * 60


@register
class FrrDriver(NetmikoDriver):
    """FRRouting 8.x, SSH login whose ForceCommand is vtysh."""

    platform = "frr"
    device_type = "cisco_ios"
    # vtysh prints every error as a line starting "% " (Unknown command, Command
    # incomplete, Ambiguous command, Malformed address, Configuration failed…).
    error_pattern = r"^% .*$"
    running_config_command = "show running-config"
    config_enter = "configure terminal"
    config_exit = "end"
    config_prompt = r"\(config\)#"
    exec_prompt = r"[\w.-]#"  # hostname#, never (config)#
    logout = "exit"
    volatile_lines = r"^(Building configuration|Current configuration|frr version|!$|$)"
    global_delay_factor = 0.1
    save_marker: ClassVar[str] = "Integrated configuration saved"

    def _connect(self, params: dict[str, Any]) -> BaseConnection:
        """vtysh's own connection class (the base maps failures to typed errors)."""
        return FrrVtyshConnection(**params)

    config_rules: ClassVar[hconfig.ConfigRules] = hconfig.FRR

    @classmethod
    def _make_hconfig_driver(cls) -> Any:
        return frr_hconfig_driver()

    # -- transaction -----------------------------------------------------------
    def remediation(self, current: str, intended: str) -> list[str]:
        """Lines from ``current`` to ``intended``; interfaces are emptied, never deleted.

        FRR refuses ``no interface X`` for an interface the kernel has ("Only inactive
        interfaces can be deleted"), so an interface section missing from ``intended``
        is added there empty: hier_config then negates its lines one by one.
        """
        running, wanted = self.parse(current), self.parse(intended)
        for section in running.get_children(startswith="interface "):
            if wanted.get_child(equals=section.text) is None:
                wanted.add_child(section.text)
        flow = hconfig.remediation(self.config_rules, running, wanted)
        return list(flow.lines(sectional_exiting=True))

    def _differs(self, checkpoint: Checkpoint) -> bool:
        # FRR may print re-added lines in another order: compare meaning, not text.
        return bool(self.remediation(self.get_running_config(), checkpoint.running_config))

    def save(self) -> str:
        """``write memory`` from exec mode; a failed write does not raise in vtysh, so check."""
        with self._session("saving the configuration"):
            if self.conn.check_config_mode():
                self.conn.exit_config_mode()
            out = str(self.conn.send_command("write memory", read_timeout=self.read_timeout))
        if self.save_marker not in out:
            last = out.strip().splitlines()[-1] if out.strip() else "no output"
            raise DeviceError(f"{self.where}: write memory failed: {last}")
        return out

    # -- getters ---------------------------------------------------------------
    def run_json(self, command: str) -> Any:
        """A vtysh ``… json`` command, decoded.

        ``… vrf all json`` prints one JSON object per VRF, one after another: they are
        merged into one, lists under the same key joined (a route table's entries for
        one prefix in two VRFs both stay; each names its ``vrfName``)."""
        out = self.run(command)
        try:
            return _json_merged(out) if out.strip() else {}
        except json.JSONDecodeError as exc:
            first = out.strip().splitlines()[0] if out.strip() else ""
            raise DeviceError(f"{self.where}: {command!r} gave no JSON: {first}") from exc

    def get_facts(self) -> dict[str, Any]:
        """NAPALM-style facts; uptime = time since the routing daemons joined zebra."""
        version = self.run("show version").splitlines()[0]
        m = re.match(r"FRRouting (\S+) \((\S+)\) on (.*)\.$", version.strip())
        uptimes = [frr_interval_seconds(row.split()[1])
                   for row in self.run("show zebra client summary").splitlines()[2:]
                   if len(row.split()) > 2]
        known = [u for u in uptimes if u is not None]
        return {
            "hostname": m[2] if m else self.conn.base_prompt,
            "fqdn": m[2] if m else self.conn.base_prompt,
            "vendor": "FRRouting",
            "model": f"FRRouting on {m[3]}" if m else "FRRouting",
            "os_version": m[1] if m else version,
            "serial_number": "",
            "uptime": max(known) if known else None,
            "interface_list": sorted(self.run_json("show interface json")),
        }

    def get_interfaces(self) -> list[InterfaceInfo]:
        """Every interface zebra knows (:func:`interfaces_json`), one per name (a name in
        several VRFs, such as ``lo``, is the default VRF's: the inventory keys interfaces
        by name; the scan reads them all), without link-local addresses."""
        result: list[InterfaceInfo] = []
        for vrf, name, data in interfaces_json(self):
            if any(i.name == name for i in result):
                continue
            vlan = data.get("vlanId")
            if vlan is None and (m := re.search(r"\.(\d+)$", name)):
                vlan = int(m[1])  # subinterface naming convention (port.vid)
            result.append(InterfaceInfo(
                name=name,
                up=data.get("operationalStatus") == "up",
                description=data.get("description", ""),
                vrf="" if vrf == "default" else vrf,
                addresses=[a["address"] for a in data.get("ipAddresses", [])
                           if not a["address"].lower().startswith("fe80:")],
                vlan=vlan,
            ))
        return result

    def verify_route(self, prefix: str, vrf: str | None = None) -> bool:
        """True when ``prefix`` (exact, IPv4 or IPv6) is selected and installed in the FIB."""
        family = "ipv6" if ":" in prefix else "ip"
        where = f" vrf {vrf}" if vrf else ""
        data = self.run_json(f"show {family} route{where} {prefix} json")
        return any(entry.get("selected") and entry.get("installed")
                   for entry in data.get(prefix, []))

    def verify_interface_up(self, name: str) -> bool:
        """True when the interface exists and is operationally up."""
        data = self.run_json(f"show interface {name} json")
        entry = data.get(name, data)
        return entry.get("operationalStatus") == "up"


_VRF_LINE = re.compile(r"^vrf (\S+) ", re.M)


def interfaces_json(drv: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """(VRF, interface, vtysh's JSON entry) for every interface of every VRF, VRF
    ``default`` first.

    ``show interface json`` lists the interfaces of every VRF but one per name, so a
    name in two VRFs (each netns VRF's own ``lo``, with its loopback addresses) shows
    only the default VRF's; ``vrf all`` merges them the same way. Each VRF that
    ``show vrf`` names is therefore also listed on its own (``show interface vrf X json``).
    """
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for name, data in drv.run_json("show interface json").items():
        found[(data.get("vrfName", "default"), name)] = data
    for vrf in _VRF_LINE.findall(drv.run("show vrf")):
        for name, data in drv.run_json(f"show interface vrf {vrf} json").items():
            found.setdefault((data.get("vrfName", vrf), name), data)
    return sorted(((vrf, name, data) for (vrf, name), data in found.items()),
                  key=lambda row: (row[0] != "default", row[0], row[1]))


def _json_merged(text: str) -> Any:
    """One JSON value, or several objects in a row merged (lists under one key joined).

    >>> _json_merged('{"a": [1]} {"a": [2], "b": 3}')
    {'a': [1, 2], 'b': 3}
    """
    decoder, values, at = json.JSONDecoder(), [], 0
    text = text.strip()
    while at < len(text):
        value, at = decoder.raw_decode(text, at)
        values.append(value)
        while at < len(text) and text[at].isspace():
            at += 1
    if len(values) == 1 or not all(isinstance(v, dict) for v in values):
        if len(values) != 1:
            raise json.JSONDecodeError("several JSON values that are not objects", text, 0)
        return values[0]
    merged: dict[str, Any] = {}
    for value in values:
        for key, item in value.items():
            if isinstance(merged.get(key), list) and isinstance(item, list):
                merged[key] = merged[key] + item
            else:
                merged.setdefault(key, item)
    return merged
