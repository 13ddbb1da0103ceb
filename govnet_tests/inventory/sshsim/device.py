"""State of one simulated device (test double), shared by its SSH sessions.

Holds the running configuration, and what each platform's checkpoint
mechanism keeps: VRP8 commits, IOS flash files, the Comware archive and a
pending Comware ``configuration commit delay``. ``log`` records every line
received, so tests can check what a driver actually typed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from .config import ConfigTree
from .dialects import DIALECTS, Dialect

_EPOCH = datetime(2026, 11, 28, 6, 0, 0, tzinfo=UTC)

#: Starting configuration per dialect: an uplink, a filter and a static route.
INITIAL: dict[str, list[str]] = {
    "huawei": [
        "sysname {host}",
        "acl number 3001", " rule 5 permit ip source 10.0.0.0 0.0.0.255",
        "interface GigabitEthernet0/0/0", " description UPLINK",
        " ip address 10.255.0.1 255.255.255.252",
        "interface GigabitEthernet0/0/1",
        "ip route-static 0.0.0.0 0 10.255.0.2",
    ],
    "ios": [
        "hostname {host}",
        "ip access-list extended MGMT-IN", " permit ip 10.0.0.0 0.0.0.255 any",
        "interface GigabitEthernet0/0/0", " description UPLINK",
        " ip address 10.255.0.1 255.255.255.252",
        "interface GigabitEthernet0/0/1", " no ip address",
        "ip route 0.0.0.0 0.0.0.0 10.255.0.2",
    ],
}
_FAMILY = {"huawei_vrp": "huawei", "huawei_vrpv8": "huawei", "huawei_ce": "huawei",
           "h3c_comware": "huawei",
           "cisco_ios": "ios", "ruijie_os": "ios"}


@dataclass
class SimDevice:
    """One simulated device: dialect, credentials and configuration state."""

    dialect_name: str
    hostname: str = "R1"
    username: str = "govnet"
    password: str = "s3cret-pw"
    authorized_key: str | None = None  # OpenSSH public key text
    bad_pattern: str = r"bogus|^\s*undo rule \d+ \S"  # lines the device rejects
    #: Exec commands the device does not know (e.g. ``ipv6`` on an IPv4-only image):
    #: refused with the dialect's rejection text.
    unknown_commands: str | None = None
    extra_config: tuple[str, ...] = ()  # appended to the starting configuration
    #: VRP8 checks the candidate at commit: a new line matching this is refused then
    #: (by default: reusing the uplink's address on another interface).
    commit_conflict: str = r"^\s*ip address 10\.255\.0\.1 "
    #: A config line matching this is applied, then the session drops (it cut the
    #: management path), as when a push shuts the interface govnet came in on.
    cut_pattern: str | None = None
    dual_mpu: bool = False  # save asks a second question for the slave board
    privileged: bool = True  # IOS-style: False lands the login at "host>"
    enable_secret: str | None = None  # default: the login password
    dialect: Dialect = field(init=False)
    running: ConfigTree = field(init=False)
    saved: ConfigTree | None = None
    commits: list[tuple[str, ConfigTree]] = field(default_factory=list)
    files: dict[str, ConfigTree] = field(default_factory=dict)
    commit_delay_snapshot: ConfigTree | None = None
    changes: int = 0
    connections: int = 0  # TCP connections accepted (a refused demo device has none)
    log: list[str] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        self.dialect = DIALECTS[self.dialect_name]
        lines = [line.format(host=self.hostname) for line in INITIAL[self.family]]
        lines += self.extra_config
        self.running = ConfigTree(self.dialect.grammar, lines)
        if self.dialect.two_stage:
            self.record_commit()

    @property
    def family(self) -> str:
        return _FAMILY[self.dialect_name]

    # -- state changes -------------------------------------------------------
    def set_running(self, tree: ConfigTree) -> None:
        with self.lock:
            if tree != self.running:
                self.changes += 1
            self.running = tree.copy()

    def record_commit(self) -> str:
        commit_id = str(1000000001 + len(self.commits))
        self.commits.append((commit_id, self.running.copy()))
        return commit_id

    def expire_commit_delay(self) -> None:
        """What Comware does when a commit delay runs out unconfirmed: roll back."""
        if self.commit_delay_snapshot is not None:
            self.set_running(self.commit_delay_snapshot)
            self.commit_delay_snapshot = None

    # -- views the tests read --------------------------------------------------
    @property
    def now(self) -> datetime:
        return _EPOCH + timedelta(seconds=self.changes)

    def config_lines(self) -> list[str]:
        """The running configuration as indented lines (no header/footer)."""
        return self.running.lines()

    def running_config(self) -> str:
        """``display current-configuration`` / ``show running-config`` text."""
        d = self.dialect
        body: list[str] = []
        for section in self.running.sections():
            if len(section) == 1 and d.global_indent:
                section = [d.global_indent + section[0]]
            body += [*section, d.separator]
        size = sum(len(line) + 1 for line in body)
        now = self.now.strftime("%H:%M:%S UTC %a %b %d %Y") if self.family == "ios" \
            else self.now.strftime("%Y-%m-%d %H:%M:%S+00:00")
        head = [line.format(now=now, size=size) for line in d.header]
        return "\r\n".join([*head, *body, *d.footer])

    def interfaces(self) -> list[tuple[str, bool, str, str]]:
        """(name, up, first IPv4 "addr mask" or "", description) per interface."""
        rows = []
        for node in self.running.root.children:
            if not node.text.startswith("interface "):
                continue
            texts = [c.text for c in node.children]
            addr = next((t.split(None, 2)[2] for t in texts
                         if t.startswith("ip address ") and len(t.split()) == 4), "")
            desc = next((t.split(None, 1)[1] for t in texts if t.startswith("description ")),
                        "")
            rows.append((node.text.split(None, 1)[1], "shutdown" not in texts, addr, desc))
        return rows
