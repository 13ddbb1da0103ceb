"""SSH CLI simulator: a **test double** for the platform drivers.

It speaks the prompts, modes and dialogues of Huawei VRP5/VRP8, H3C Comware,
Cisco IOS and Ruijie RGOS over real SSH on 127.0.0.1, keeps a small
configuration state (so rollback can be verified) and rejects lines matching
``SimDevice.bad_pattern`` with each platform's real error text. It is not a
device model: it proves the drivers' dialogue, not the vendors' semantics.
"""

from __future__ import annotations

from .device import SimDevice
from .server import SshSimulator

__all__ = ["SimDevice", "SshSimulator"]
