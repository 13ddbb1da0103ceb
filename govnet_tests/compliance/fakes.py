"""A FAKE vtysh: FRR's JSON answers computed from an in-memory running config (no device).

It speaks what ``compliance.scan.collect_frr`` reads (``show interface json``,
``show ip route vrf all json``, the running config) and what the job pipeline
needs (checkpoint, apply, rollback, save). ``stuck_up`` names interfaces whose
link stays up whatever the config says (to make a verification fail).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, ClassVar

from access import diffing
from govnet.errors import DeviceUnreachable
from inventory.drivers import Checkpoint, Driver, InterfaceInfo

KERNEL = ("lo", "mgmt0", "eth-core", "ethu1", "ethu1.100", "ethu1.101", "ethu2", "ethu2.101")
DAY0 = ("frr version 8.4.4\nhostname {name}\n!\ninterface lo\n ip address {lo}/32\nexit\n!\n"
        "interface mgmt0\n ip address {mgmt}/24\nexit\n!\ninterface eth-core\n"
        " ip address {link}/31\nexit\n!\nend\n")


class FakeVtysh(Driver):
    """FAKE ``frr`` driver (tests only)."""

    platform = "frr"
    configs: ClassVar[dict[str, str]] = {}
    stuck_up: ClassVar[set[str]] = set()
    pushed: ClassVar[list[list[str]]] = []

    def _open(self) -> None:
        if self.target.host.startswith("192.0.2."):
            raise DeviceUnreachable(f"{self.target.name} ({self.target.host}:22): cannot "
                                    "connect: timed out")

    def close(self) -> None:
        pass

    def _tree(self) -> Any:
        return diffing.parse("frr", self.get_running_config())

    def run(self, command: str) -> str:
        if command == "show interface json":
            out = {}
            tree = self._tree()
            for name in KERNEL:
                section = tree.get_child(equals=f"interface {name}")
                kids = [c.text for c in section.children] if section else []
                admin = "down" if "shutdown" in kids else "up"
                up = admin == "up" or name in self.stuck_up
                out[name] = {
                    "administrativeStatus": admin, "operationalStatus": "up" if up else "down",
                    "vrfName": "default",
                    "description": next((k[12:] for k in kids if k.startswith("description ")),
                                        ""),
                    "ipAddresses": [{"address": k.split()[2]} for k in kids
                                    if k.startswith("ip address ")]}
            return json.dumps(out)
        if command == "show vrf":
            return "netns-based vrfs\n"  # none here
        if command.endswith("route vrf all json"):
            return "{}"
        raise AssertionError(f"unexpected command {command!r}")

    def run_json(self, command: str) -> Any:
        return json.loads(self.run(command))

    def get_running_config(self) -> str:
        return self.configs[self.target.host]

    def checkpoint(self) -> Checkpoint:
        return Checkpoint("frr", self.get_running_config())

    def apply(self, lines: Sequence[str]) -> str:
        self.pushed.append(list(lines))
        tree = self._tree().future(diffing.parse("frr", lines))
        self.configs[self.target.host] = "\n".join(tree.lines()) + "\n"
        return "\n".join(lines)

    def rollback(self, checkpoint: Checkpoint) -> None:
        self.configs[self.target.host] = checkpoint.running_config

    def save(self) -> str:
        return "Integrated configuration saved"

    def get_facts(self) -> dict[str, Any]:
        return {"hostname": self.target.name}

    def get_interfaces(self) -> list[InterfaceInfo]:
        return [InterfaceInfo(name=n, up=d["operationalStatus"] == "up",
                              description=d["description"],
                              addresses=[a["address"] for a in d["ipAddresses"]])
                for n, d in self.run_json("show interface json").items()]


def set_config(host: str, name: str, i: int, extra: str = "") -> None:
    FakeVtysh.configs[host] = DAY0.format(name=name, lo=f"10.255.0.{10 + i}",
                                          mgmt=f"198.18.0.{10 + i}",
                                          link=f"10.254.{i}.1").replace("end\n", extra + "end\n")
