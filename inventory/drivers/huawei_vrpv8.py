"""Huawei VRP8 (``huawei_vrpv8``): two-stage configuration, lines then ``commit``.

Lines go into the session's candidate; only ``commit`` makes them run. A
rejected line therefore never reaches the running configuration: govnet clears
the candidate (``clear configuration candidate``) and leaves config mode. It
never leaves with uncommitted changes: VRP8 would ask ``[Y(yes)/N(no)/C(cancel)]``,
which netmiko does not answer (netmiko #2625); if the question comes anyway,
govnet answers ``N`` (discard), never ``Y``.

Checkpoint = the latest commit id (``display configuration commit list``);
rollback = ``rollback configuration to commit-id X``, then the running config is
compared with the checkpoint's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from govnet.errors import CommandRejected, DeviceError
from inventory.drivers import register
from inventory.drivers.base import Checkpoint
from inventory.drivers.huawei_vrp import HuaweiVrpDriver

#: First data row of ``display configuration commit list`` (newest first): No. CommitId …
_LATEST_COMMIT = re.compile(r"^\s*\d+\s+(\d{6,})\s", re.M)


@register
class HuaweiVrpV8Driver(HuaweiVrpDriver):
    """Huawei VRP8 routers (NE40E/NE8000/CX); CloudEngine switches are ``huawei_ce``."""

    platform: ClassVar[str] = "huawei_vrpv8"
    device_type: ClassVar[str] = "huawei_vrpv8"
    uncommitted_question: ClassVar[str] = r"\[Y\(yes\)/N\(no\)/C\(cancel\)\]|\[Y/N/C\]"

    def _push(self, lines: Sequence[str]) -> str:
        out = self._send_config(lines, exit_config=False)
        commit = self._dialogue([("commit", self.config_prompt)])
        error = self.find_error(commit)
        if error:
            raise CommandRejected(f"{self.where} refused to commit: {error}",
                                  line="commit", output=commit)
        return out + commit + self._exit_config()

    def _abandon(self) -> None:
        """Drop the candidate, then leave config mode."""
        self._dialogue([("clear configuration candidate", self.config_prompt)])
        self._exit_config()

    def _exit_config(self) -> str:
        return self._ask(self.config_exit, self.exec_prompt, self.uncommitted_question, "N")

    def checkpoint(self) -> Checkpoint:
        listing = self.run("display configuration commit list")
        m = _LATEST_COMMIT.search(listing)
        if m is None:
            raise DeviceError(f"{self.where}: no commit id in 'display configuration commit "
                              "list'; cannot take a checkpoint")
        return Checkpoint(platform=self.platform, running_config=self.get_running_config(),
                          token=m.group(1))

    def _restore(self, checkpoint: Checkpoint) -> None:
        command = f"rollback configuration to commit-id {checkpoint.token}"
        out = self._ask(command, self.exec_prompt, self.confirm_question, "y")
        error = self.find_error(out)
        if error:
            raise DeviceError(f"{self.where}: {command!r} failed: {error}")
