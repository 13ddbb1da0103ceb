"""Shared netmiko plumbing for every CLI platform driver.

One mechanism, declared per platform as data: a subclass of :class:`NetmikoDriver`
sets ``platform``, ``device_type`` (netmiko's), ``error_pattern`` (the platform's
rejection markers), ``running_config_command`` and ``volatile_lines``, and
overrides only the transaction steps where the platform really differs:

* ``_push(lines)``: send the lines (VRP8 adds ``commit``);
* ``_abandon()``: leave config mode after a rejected line (VRP8 clears the
  candidate first, because leaving with uncommitted changes prompts ``[Y/N/C]``);
* ``checkpoint()`` / ``_restore(checkpoint)``: the platform's way back (default:
  the running config text, restored by pushing hier_config remediation lines
  computed by ``hconfig_driver()``); ``_discard`` drops apply's own checkpoint.

The configuration rules (``config_rules``, ``inventory.drivers.hconfig``) are the
platform's one rule set: ``access.diffing`` reads the same ones.

``apply`` is the same everywhere: checkpoint, push, and on a rejected line
abandon, roll back, verify the running config equals the checkpoint, re-raise.
Config mode is entered and left with explicit prompts (``config_enter`` …),
confirmation questions are answered by ``_ask``. Passwords never appear in
messages: errors name the device and host:port only.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar

from netmiko import ConnectHandler
from netmiko.base_connection import BaseConnection
from netmiko.exceptions import (
    ConfigInvalidException,
    NetmikoAuthenticationException,
    NetmikoTimeoutException,
    ReadException,
)
from paramiko.ssh_exception import SSHException

from govnet.errors import AuthenticationFailed, CommandRejected, DeviceError, DeviceUnreachable
from inventory.drivers import hconfig
from inventory.drivers.base import Checkpoint, Driver, InterfaceInfo


def reason(exc: BaseException) -> str:
    """The first non-empty line of an exception's text (netmiko's run to paragraphs)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


# Matches netmiko's ConfigInvalidException text: "... at command: CMD, matched error: ERR".
_NETMIKO_REJECT = re.compile(r"at command: (?P<line>.*), matched error: (?P<error>.*)$", re.S)


class NetmikoDriver(Driver):
    """A platform driver speaking the device CLI through netmiko."""

    device_type: ClassVar[str]
    #: Regex of the lines with which the platform rejects a configuration command.
    error_pattern: ClassVar[str]
    running_config_command: ClassVar[str]
    #: Entering and leaving config mode, and the prompts that end each mode.
    #: govnet does this itself: netmiko's Huawei/Comware ``check_config_mode``
    #: waits for 2 s of silence on every call.
    config_enter: ClassVar[str]
    config_exit: ClassVar[str]
    config_prompt: ClassVar[str]
    exec_prompt: ClassVar[str]
    logout: ClassVar[str] = "quit"
    #: IOS-style login may land in user exec (``host>``): enter enable mode first.
    needs_enable: ClassVar[bool] = False
    #: Running-config lines that change without a config change (timestamps, banners).
    volatile_lines: ClassVar[str] = r"^$"
    #: Netmiko settings: the simulator and real devices both answer promptly.
    read_timeout: ClassVar[float] = 30.0
    global_delay_factor: ClassVar[float] = 0.1
    #: Extra ConnectHandler arguments for the platform.
    netmiko_extra: ClassVar[dict[str, Any]] = {}
    #: hier_config platform used to parse the running config and compute remediation.
    hconfig_platform: ClassVar[str] = "generic"
    #: govnet's rules for the platform's configuration (shared with access.diffing).
    config_rules: ClassVar[hconfig.ConfigRules] = hconfig.ConfigRules("exit")
    _hconfig_cache: ClassVar[Any] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._conn: BaseConnection | None = None

    # -- session -------------------------------------------------------------
    @property
    def where(self) -> str:
        """``name (host:port)`` for messages; never the credentials."""
        return f"{self.target.name} ({self.target.host}:{self.target.port})"

    def netmiko_params(self) -> dict[str, Any]:
        """The ``ConnectHandler`` keyword arguments for this target."""
        t = self.target
        return {
            "device_type": self.device_type, "host": t.host, "port": t.port,
            "username": t.username, "password": t.password or "",
            "key_file": t.key_file, "use_keys": bool(t.key_file), "allow_agent": False,
            "conn_timeout": t.timeout, "auth_timeout": t.timeout,
            "banner_timeout": t.timeout, "timeout": t.timeout,
            "secret": t.password or "",  # IOS-style enable: the login password
            "fast_cli": True, "global_delay_factor": self.global_delay_factor,
            **self.netmiko_extra,
        }

    def _connect(self, params: dict[str, Any]) -> BaseConnection:
        """Make the netmiko session (override to use another connection class)."""
        return ConnectHandler(**params)

    def _open(self) -> None:
        try:
            self._conn = self._connect(self.netmiko_params())
            if self.needs_enable:
                self._conn.enable()
        except ValueError as exc:  # netmiko's "Failed to enter enable mode"
            self.close()
            raise AuthenticationFailed(
                f"{self.where}: enable refused for user {self.target.username!r} "
                "(govnet uses the login password as enable secret)") from exc
        except NetmikoAuthenticationException as exc:
            raise AuthenticationFailed(
                f"{self.where}: authentication failed for user {self.target.username!r}"
            ) from exc
        except (NetmikoTimeoutException, SSHException, EOFError, OSError) as exc:
            raise DeviceUnreachable(f"{self.where}: cannot connect: {reason(exc)}") from exc

    def close(self) -> None:
        """Log out and disconnect (quietly: the session may already be gone).

        Every operation returns to exec mode, so logging out is one line; netmiko's
        own ``disconnect`` would first probe for config mode (2 s on Huawei).
        """
        if self._conn is not None:
            conn, self._conn = self._conn, None
            try:
                conn.write_channel(self.logout + conn.RETURN)
            except (OSError, EOFError, SSHException):
                pass
            conn.paramiko_cleanup()

    @property
    def conn(self) -> BaseConnection:
        """The open netmiko session."""
        if self._conn is None:
            raise DeviceError(f"{self.where}: not connected (call open() first)")
        return self._conn

    @contextmanager
    def _session(self, action: str) -> Iterator[None]:
        """Turn transport failures during ``action`` into one-line DeviceErrors."""
        try:
            yield
        except (TimeoutError, ReadException, OSError, EOFError, SSHException) as exc:
            raise DeviceError(f"{self.where}: {action} failed: {reason(exc)}") from exc

    # -- CLI primitives --------------------------------------------------------
    def run(self, command: str, read_timeout: float | None = None) -> str:
        """Run an exec-mode command and return its output."""
        with self._session(f"running {command!r}"):
            return str(self.conn.send_command(
                command, read_timeout=read_timeout or self.read_timeout))

    def _dialogue(self, steps: Sequence[tuple[str, str]]) -> str:
        """Send commands, each read until its regex (answers confirmation prompts)."""
        out = ""
        with self._session(f"running {steps[0][0]!r}"):
            for command, expect in steps:
                out += str(self.conn.send_command(
                    command, expect_string=expect, strip_prompt=False,
                    strip_command=False, read_timeout=self.read_timeout))
        return out

    def _ask(self, command: str, done: str, question: str, answer: str, most: int = 3) -> str:
        """Send ``command`` and answer each ``question`` it asks, until ``done`` is read.

        Up to ``most`` questions: dual-MPU Huawei devices ask a second one on save.
        """
        expect = f"{done}|{question}"
        out = step = self._dialogue([(command, expect)])
        for _ in range(most):
            if not re.search(question, step):
                break
            step = self._dialogue([(answer, expect)])
            out += step
        return out

    def find_error(self, output: str) -> str | None:
        """The first line of ``output`` that matches ``error_pattern``, stripped."""
        m = re.search(f"(?:{self.error_pattern}).*$", output, re.M)
        return m.group(0).strip() if m else None

    def get_running_config(self) -> str:
        """The running configuration, as the device prints it (big ones take a while)."""
        return self.run(self.running_config_command, read_timeout=4 * self.read_timeout)

    def _enter_config(self) -> str:
        return self._dialogue([(self.config_enter, self.config_prompt)])

    def _exit_config(self) -> str:
        return self._dialogue([(self.config_exit, self.exec_prompt)])

    def _send_config(self, lines: Sequence[str], *, exit_config: bool = True) -> str:
        """Send lines in config mode; a rejected line raises CommandRejected naming it.

        On rejection the session is left in config mode: the caller decides how
        to get out (``_abandon``) and back (``rollback``).
        """
        out = self._enter_config()
        try:
            with self._session("configuration"):
                out += str(self.conn.send_config_set(
                    list(lines), enter_config_mode=False, exit_config_mode=False,
                    error_pattern=f"(?:{self.error_pattern}).*", read_timeout=self.read_timeout))
        except ConfigInvalidException as exc:
            m = _NETMIKO_REJECT.search(str(exc))
            line, error = (m["line"].strip(), m["error"].strip()) if m else ("", str(exc))
            raise CommandRejected(
                f"{self.where} rejected {line!r}: {error}", line=line, output=str(exc)
            ) from exc
        if exit_config:
            out += self._exit_config()
        return out

    # -- the transaction -------------------------------------------------------
    def apply(self, lines: Sequence[str]) -> str:
        """Push ``lines`` as one transaction; on rejection restore and re-raise."""
        lines = [line for line in lines if line.strip()]
        checkpoint = self.checkpoint()
        try:
            out = self._push(lines)
        except CommandRejected as rejected:
            try:
                self._abandon()
                self.rollback(checkpoint)
            except DeviceError as exc:
                raise DeviceError(f"{rejected}; rolling back failed too: {exc}") from exc
            raise
        self._discard(checkpoint)
        return out

    def _push(self, lines: Sequence[str]) -> str:
        return self._send_config(lines)

    def _abandon(self) -> None:
        """Leave config mode after a rejected line."""
        self._exit_config()

    def _discard(self, checkpoint: Checkpoint) -> None:
        """Drop ``apply``'s own checkpoint once the push succeeded (default: nothing kept)."""

    def checkpoint(self) -> Checkpoint:
        """Default checkpoint: the running configuration text."""
        return Checkpoint(platform=self.platform, running_config=self.get_running_config())

    def rollback(self, checkpoint: Checkpoint) -> None:
        """Return to ``checkpoint`` and check the running config now equals it."""
        if self._differs(checkpoint):
            self._restore(checkpoint)
            if self._differs(checkpoint):
                raise DeviceError(
                    f"{self.where}: rollback did not restore the checkpoint configuration; "
                    "inspect the device by hand"
                )

    def _restore(self, checkpoint: Checkpoint) -> None:
        """Default: push the remediation from the current config to the checkpoint."""
        lines = self.remediation(self.get_running_config(), checkpoint.running_config)
        if lines:
            self._send_config(lines)

    def remediation(self, current: str, intended: str) -> list[str]:
        """Lines that turn ``current`` into ``intended`` (hier_config + platform rules:
        VLAN lists as sets, dependents removed first)."""
        flow = hconfig.remediation(self.config_rules, self.parse(current),
                                   self.parse(intended))
        return list(flow.lines(sectional_exiting=True))

    @classmethod
    def parse(cls, config: str) -> Any:
        """``config`` as an HConfig tree; an unreadable config raises DeviceError."""
        return hconfig.load(cls.hconfig_driver(), config, cls.platform)

    @classmethod
    def hconfig_driver(cls) -> Any:
        """The hier_config driver for this platform (one instance per class)."""
        cached = cls.__dict__.get("_hconfig_cache")
        if cached is None:
            cached = cls._make_hconfig_driver()
            cls._hconfig_cache = cached
        return cached

    @classmethod
    def _make_hconfig_driver(cls) -> Any:
        """Build the hier_config driver (subclasses return theirs, with govnet's rules)."""
        from hier_config import Platform, get_hconfig_driver

        driver = get_hconfig_driver(Platform[cls.hconfig_platform.upper()])
        hconfig.extend(driver.rules, cls.config_rules)
        return driver

    def _differs(self, checkpoint: Checkpoint) -> bool:
        return self.normalized(self.get_running_config()) != self.normalized(
            checkpoint.running_config)

    def normalized(self, config: str) -> list[str]:
        """Config lines without volatile ones and trailing blanks, for comparison."""
        volatile = re.compile(self.volatile_lines)
        lines = (line.rstrip() for line in config.splitlines())
        return [line for line in lines if not volatile.search(line)]

    def save(self) -> str:
        """Write running to startup; netmiko answers the platform's confirmation."""
        with self._session("saving the configuration"):
            return str(self.conn.save_config())

    # -- getters ---------------------------------------------------------------
    #: Exec command whose TextFSM table gives interface status, the ntc-templates
    #: platform key, and the (name, status) columns of that table.
    status_command: ClassVar[str] = ""
    textfsm_platform: ClassVar[str] = ""
    status_columns: ClassVar[tuple[str, str]] = ("interface", "status")
    #: A TextFSM template of govnet's own, for platforms ntc-templates lacks.
    status_template: ClassVar[str] = ""
    #: Config keywords inside an interface section, read from the running config.
    iface_keywords: ClassVar[dict[str, str]] = {}

    def get_facts(self) -> dict[str, Any]:
        """Hostname, platform and the interface names."""
        return {
            "hostname": self.conn.base_prompt,
            "platform": self.platform,
            "interface_list": [i.name for i in self.get_interfaces()],
        }

    def get_interfaces(self) -> list[InterfaceInfo]:
        """Interfaces from the running config, with up/down from the status table."""
        from netutils.interface import canonical_interface_name

        name_col, state_col = self.status_columns
        found = {i.name: i for i in interfaces_from_config(
            self.hconfig_driver(), self.get_running_config(), self.iface_keywords)}
        for row in self.parse_table(self.status_command, self.status_template):
            name = canonical_interface_name(row[name_col])
            found.setdefault(name, InterfaceInfo(name=name)).up = (
                row[state_col].lower().startswith("up"))
        return list(found.values())

    def parse_table(self, command: str, template: str = "") -> list[dict[str, str]]:
        """``command``'s output parsed by ``template`` or its ntc-templates template.

        A missing template or an output the template rejects gives ``[]``: the
        getters then report what the running config says, without status.
        """
        from ntc_templates.parse import ParsingException, parse_output
        from textfsm import TextFSM, TextFSMError

        if not command:
            return []
        output = self.run(command)
        try:
            if template:
                fsm = TextFSM(io.StringIO(template))
                rows = [dict(zip(fsm.header, row, strict=True)) for row in fsm.ParseText(output)]
            else:
                rows = parse_output(platform=self.textfsm_platform, command=command, data=output)
        except (ParsingException, TextFSMError):
            return []
        return [{k.lower(): v for k, v in row.items()} for row in rows]


def interfaces_from_config(hdriver: Any, config: str,
                           keywords: dict[str, str]) -> list[InterfaceInfo]:
    """InterfaceInfo per ``interface`` section of ``config`` (parsed by hier_config).

    ``keywords`` maps an InterfaceInfo field (``description``, ``vrf``, ``vlan``,
    ``ipv4`` as "ADDR MASK" or "ADDR/LEN", ``ipv6``) to the regex of the config
    line that carries it, group 1 being the value.
    """
    from netaddr import IPNetwork

    result = []
    for section in hconfig.load(hdriver, config, "device").get_children(
            startswith="interface "):
        info = InterfaceInfo(name=section.text.split(None, 1)[1])
        for child in section.children:
            for field, pattern in keywords.items():
                m = re.match(pattern, child.text)
                if not m:
                    continue
                value = m.group(1)
                if field in ("ipv4", "ipv6"):
                    info.addresses.append(str(IPNetwork(value.replace(" ", "/"))))
                elif field == "vlan":
                    info.vlan = int(value)
                else:
                    setattr(info, field, value)
        result.append(info)
    return result
