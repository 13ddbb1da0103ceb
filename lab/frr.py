"""FRR daemons per router namespace: day-0 configuration and start-up.

Each router gets zebra, staticd and ospfd with explicit per-router paths (``-f``,
``-i``, ``-z``, ``--vty_socket``, ``--log``), because Unix sockets ignore namespaces:
a daemon left on the default ``/var/run/frr/zserv.api`` would talk to another
router's zebra (or the host's). OSPF runs point-to-point with fast timers so the
lab converges in about 1.5 s; prefixes are advertised with ``network`` statements,
never ``redistribute connected`` (that would leak the management subnet).
"""

from __future__ import annotations

import grp
import os
import pwd
import subprocess
import time
from pathlib import Path

from govnet.errors import DeviceError
from lab.state import node_dir
from lab.topology import Node

FRR_BIN = Path("/usr/lib/frr")
DAEMONS = ("zebra", "staticd", "ospfd")
OSPF_TIMERS = ("timers throttle spf 0 50 500", "timers lsa min-arrival 0",
               "timers throttle lsa all 0")


def render_frr_conf(node: Node) -> str:
    """Day-0 ``frr.conf`` of one router (integrated configuration)."""
    lines = ["frr defaults traditional", f"hostname {node.name}",
             "service integrated-vtysh-config", "!",
             "interface lo", f" ip address {node.loopback}/32", "exit", "!"]
    for link in node.links:
        lines += [f"interface {link.iface}", f" description to-{link.peer}",
                  f" ip address {link.address}", " ip ospf network point-to-point",
                  " ip ospf hello-interval 1", " ip ospf dead-interval 3", "exit", "!"]
    lines += ["router ospf", f" ospf router-id {node.loopback}"]
    lines += [f" {t}" for t in OSPF_TIMERS]
    lines.append(f" network {node.loopback}/32 area 0")
    lines += [f" network {link.address} area 0" for link in node.links]
    lines += ["exit", "!", "line vty", "exit", "!", "end"]
    return "\n".join(lines) + "\n"


def render_vtysh_conf(node: Node) -> str:
    """vtysh.conf under ``--config_dir``: the prompt's hostname, integrated config."""
    return f"service integrated-vtysh-config\nhostname {node.name}\n"


def paths(node: Node) -> dict[str, Path]:
    """The per-router paths every daemon and vtysh are started with."""
    base = node_dir(node.name)
    return {"base": base, "conf": base / "etc", "run": base / "run", "log": base / "log"}


def vtysh_argv(node: Node) -> list[str]:
    """vtysh bound to this router's daemons (sshd's ForceCommand, and local use)."""
    p = paths(node)
    return ["/usr/bin/vtysh", "--vty_socket", str(p["run"]), "--config_dir", str(p["conf"]),
            "-H", "/dev/null"]


def prepare(node: Node) -> None:
    """Write configs; make dirs owned by frr (config dir group frrvty, 2775, for ``write``)."""
    p = paths(node)
    uid, gid = pwd.getpwnam("frr").pw_uid, grp.getgrnam("frr").gr_gid
    vty_gid = grp.getgrnam("frrvty").gr_gid
    for key in ("base", "run", "log", "conf"):
        p[key].mkdir(parents=True, exist_ok=True)
    os.chown(p["run"], uid, gid)
    os.chown(p["log"], uid, gid)
    os.chown(p["conf"], uid, vty_gid)
    os.chmod(p["conf"], 0o2775)
    for name, text in (("frr.conf", render_frr_conf(node)),
                       ("vtysh.conf", render_vtysh_conf(node))):
        f = p["conf"] / name
        f.write_text(text)
        os.chown(f, uid, vty_gid)
        os.chmod(f, 0o664)


def _daemon_argv(node: Node, daemon: str) -> list[str]:
    p = paths(node)
    return ["ip", "netns", "exec", node.netns, str(FRR_BIN / daemon), "-d",
            "-f", str(p["conf"] / "frr.conf"), "-i", str(p["run"] / f"{daemon}.pid"),
            "-z", str(p["run"] / "zserv.api"), "--vty_socket", str(p["run"]),
            "-u", "frr", "-g", "frr", "-P", "0", "--log", f"file:{p['log'] / daemon}.log"]


def _spawn(node: Node, daemons: tuple[str, ...]) -> None:
    """Start daemons (each forks into the background once ready) and wait for them."""
    out = paths(node)["log"] / "start.log"
    with out.open("a") as log:
        procs = [(d, subprocess.Popen(_daemon_argv(node, d), stdout=log, stderr=log,
                                      stdin=subprocess.DEVNULL)) for d in daemons]
        for daemon, proc in procs:
            if proc.wait(timeout=30) != 0:
                raise DeviceError(f"lab: {daemon} failed to start on {node.name}; see {out}")


def _wait_for(path: Path, what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise DeviceError(f"lab: {what} did not appear within {timeout:.0f} s ({path})")
        time.sleep(0.02)


def read_pid_file(path: Path, what: str, timeout: float = 15.0) -> int:
    """The PID in ``path`` once the daemon has written it (files appear before their content)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return int(path.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            if time.monotonic() > deadline:
                raise DeviceError(f"lab: {what} wrote no PID within {timeout:.0f} s ({path})"
                                  ) from None
            time.sleep(0.02)


def start(node: Node) -> dict[str, int]:
    """Start zebra, wait for its zserv socket, then staticd and ospfd; return their PIDs."""
    p = paths(node)
    _spawn(node, ("zebra",))
    _wait_for(p["run"] / "zserv.api", f"zebra's socket on {node.name}")
    _spawn(node, DAEMONS[1:])
    return {d: read_pid_file(p["run"] / f"{d}.pid", f"{d} on {node.name}") for d in DAEMONS}
