"""H3C Comware 7 (``h3c_comware``, netmiko ``hp_comware``).

Comware applies lines as typed. govnet combines its two safety nets:

* **archive checkpoint** — ``archive configuration`` saves the running config
  to a numbered file; rollback is ``configuration replace file <it>``, an
  immediate, whole-config replacement that also serves provisioning's
  verify-then-roll-back;
* **commit delay** — every push starts with ``configuration commit delay N``
  and ends with ``configuration commit``. If the push cuts govnet's own
  management path, the confirmation never arrives and the device rolls itself
  back after N minutes. The delay alone is not enough: it cannot roll back
  *now* when a line is rejected, hence the archive.

On a rejected line govnet confirms the pending delay first (so the timer cannot
later revert changes made after the restore), then replaces the config from the
archive. The archive directory is created once (``mkdir``) and set with
``archive configuration location … filename-prefix govnet``. ``save force``
writes the startup config without a question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, ClassVar

from hier_config.platforms.driver_base import HConfigDriverRules
from hier_config.platforms.huawei_vrp.driver import HConfigDriverHuaweiVrp

from govnet.errors import DeviceError
from inventory.drivers import hconfig, register
from inventory.drivers.base import Checkpoint
from inventory.drivers.huawei_vrp import HUAWEI_IFACE_KEYWORDS, HUAWEI_NEGATION_FIXES
from inventory.drivers.netmiko_common import NetmikoDriver


class GovnetComwareRules(HConfigDriverHuaweiVrp):
    """Comware configs parsed as Huawei's, with global one-liners un-indented.

    Comware prints global commands one space in (`` ip route-static …``) after a
    ``#``; read as-is they would nest under the preceding section. hier_config's own
    ``hp_comware5`` platform has no rules (VENDORS.md), so Huawei's negations are the
    base, with govnet's Comware rules (``hconfig.H3C_COMWARE``).
    """

    @staticmethod
    def _instantiate_rules() -> HConfigDriverRules:
        rules = HConfigDriverHuaweiVrp._instantiate_rules()
        rules.negation_sub.extend(HUAWEI_NEGATION_FIXES)
        return hconfig.extend(rules, hconfig.H3C_COMWARE)

    @staticmethod
    def config_preprocessor(config_text: str) -> str:
        out, in_globals = [], False
        for line in config_text.splitlines():
            if line.startswith("#"):
                in_globals = True
            elif not line.startswith(" "):
                in_globals = False
            out.append(line[1:] if in_globals and line.startswith(" ") else line)
        return "\n".join(out)


@register
class H3cComwareDriver(NetmikoDriver):
    """H3C Comware 7 routers (MSR) and switches (S5xxx/S6xxx)."""

    platform: ClassVar[str] = "h3c_comware"
    device_type: ClassVar[str] = "hp_comware"
    error_pattern: ClassVar[str] = (
        r"^\s*% ?(Unrecognized command|Incomplete command|Too many parameters|"
        r"Wrong parameter|Ambiguous command)|^\s*Error:")
    running_config_command: ClassVar[str] = "display current-configuration"
    config_enter: ClassVar[str] = "system-view"
    config_exit: ClassVar[str] = "return"
    config_prompt: ClassVar[str] = r"\]\s*$"
    exec_prompt: ClassVar[str] = r">\s*$"
    status_command: ClassVar[str] = "display interface brief"
    textfsm_platform: ClassVar[str] = "hp_comware"
    status_columns: ClassVar[tuple[str, str]] = ("interface", "link")
    iface_keywords: ClassVar[dict[str, str]] = HUAWEI_IFACE_KEYWORDS
    archive_dir: ClassVar[str] = "flash:/archive"
    archive_prefix: ClassVar[str] = "govnet"
    commit_delay_minutes: ClassVar[int] = 10  # 0: no commit delay (older releases)
    question: ClassVar[str] = r"\[Y/N\]:?\s*$"
    #: netmiko turns echo verification off for Comware (no ``terminal width``), and
    #: then waits 2 s of silence after every config line. govnet's lines are far
    #: shorter than the 511-column pty netmiko opens, so the echo arrives whole; if
    #: a device ever wrapped it, the read would time out loudly, never pass silently.
    netmiko_extra: ClassVar[dict[str, Any]] = {"global_cmd_verify": True}

    config_rules: ClassVar[hconfig.ConfigRules] = hconfig.H3C_COMWARE

    @classmethod
    def _make_hconfig_driver(cls) -> Any:
        return GovnetComwareRules()

    def _push(self, lines: Sequence[str]) -> str:
        if not self.commit_delay_minutes:  # releases without commit delay: set it to 0
            return self._send_config(lines)
        return self._send_config([f"configuration commit delay {self.commit_delay_minutes}",
                                  *lines, "configuration commit"])

    def _abandon(self) -> None:
        """Leave config mode, then confirm the pending delay (the restore follows)."""
        self._exit_config()
        if self.commit_delay_minutes:
            self._send_config(["configuration commit"])

    def save(self) -> str:
        """``save force`` from user view (netmiko's save_config runs it from system
        view and stays there)."""
        out = self._dialogue([("save force", self.exec_prompt)])
        error = self.find_error(out)
        if error:
            raise DeviceError(f"{self.where}: save force failed: {error}")
        return out

    def _archive_listing(self) -> str:
        listing = self.run("display archive configuration")
        if f"Location: {self.archive_dir}" not in listing:
            self.run(f"mkdir {self.archive_dir}")  # "already exists" is fine
            self._send_config([f"archive configuration location {self.archive_dir} "
                               f"filename-prefix {self.archive_prefix}"])
            listing = self.run("display archive configuration")
        return listing

    def checkpoint(self) -> Checkpoint:
        """Archive the running config; the token is the archive file's path."""
        m = re.search(r"Next archive file to be saved:\s*(\S+)", self._archive_listing())
        if m is None:
            raise DeviceError(f"{self.where}: 'display archive configuration' names no next "
                              "archive file; cannot take a checkpoint")
        running = self.get_running_config()
        out = self._ask("archive configuration", self.exec_prompt, self.question, "y")
        error = self.find_error(out)
        if error:
            raise DeviceError(f"{self.where}: archive configuration failed: {error}")
        return Checkpoint(platform=self.platform, running_config=running,
                          token=f"{self.archive_dir}/{m.group(1)}")

    def _restore(self, checkpoint: Checkpoint) -> None:
        command = f"configuration replace file {checkpoint.token}"
        self._enter_config()
        # "Current configuration will be lost, save current configuration?" – no
        out = self._ask(command, self.config_prompt, self.question, "n")
        self._exit_config()
        error = self.find_error(out)
        if error:
            raise DeviceError(f"{self.where}: {command!r} failed: {error}")
