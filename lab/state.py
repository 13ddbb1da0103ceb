"""Where the lab keeps its files, and the JSON state file that records what it made.

The state file is written *before* anything is created and updated as bring-up
proceeds, so ``lab down`` can clean up after a half-made lab.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lab.topology import Node, Topology

DEFAULT_LAB_DIR = "/run/govnet-lab"


def lab_dir() -> Path:
    """The lab directory: ``$GOVNET_LAB_DIR`` or ``/run/govnet-lab``."""
    return Path(os.environ.get("GOVNET_LAB_DIR") or DEFAULT_LAB_DIR)


def state_path() -> Path:
    return lab_dir() / "state.json"


def node_dir(name: str) -> Path:
    """Per-router directory: frr.conf, vtysh.conf, sockets, pid files, sshd files."""
    return lab_dir() / name


@dataclass
class LabState:
    """What a lab is made of: its plan plus what bring-up created."""

    topology: Topology
    status: str = "building"  # building | up
    pids: dict[str, dict[str, int]] = field(default_factory=dict)  # node -> daemon -> pid
    user_created: bool = False
    frr_rundir_created: bool = False
    sshd_rundir_created: bool = False
    subinterfaces: str = "dot1q"  # dot1q | veth (kernel without 802.1Q: one veth per VLAN)
    started_at: float = 0.0
    bringup_seconds: float = 0.0  # namespaces + FRR + sshd running
    converge_seconds: float = 0.0  # then until OSPF routes reach every loopback

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "nodes": [n.to_dict() for n in self.topology.nodes],
            "pids": self.pids,
            "user_created": self.user_created,
            "frr_rundir_created": self.frr_rundir_created,
            "sshd_rundir_created": self.sshd_rundir_created,
            "subinterfaces": self.subinterfaces,
            "started_at": self.started_at,
            "bringup_seconds": self.bringup_seconds,
            "converge_seconds": self.converge_seconds,
            "lab_dir": str(lab_dir()),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LabState:
        return cls(
            topology=Topology([Node.from_dict(n) for n in data["nodes"]]),
            status=data.get("status", "building"),
            pids={k: dict(v) for k, v in data.get("pids", {}).items()},
            user_created=bool(data.get("user_created")),
            frr_rundir_created=bool(data.get("frr_rundir_created")),
            sshd_rundir_created=bool(data.get("sshd_rundir_created")),
            subinterfaces=data.get("subinterfaces", "dot1q"),
            started_at=float(data.get("started_at", 0.0)),
            bringup_seconds=float(data.get("bringup_seconds", 0.0)),
            converge_seconds=float(data.get("converge_seconds", 0.0)),
        )


def save(state: LabState) -> None:
    """Write the state file atomically (root-only readable directory)."""
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state.to_dict(), indent=2))
    tmp.replace(path)


def load() -> LabState | None:
    """The recorded lab, or None when there is none."""
    path = state_path()
    if not path.exists():
        return None
    return LabState.from_dict(json.loads(path.read_text()))
