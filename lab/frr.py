"""FRR daemons per router namespace: day-0 configuration and start-up.

Each router gets zebra, staticd, ospfd and ospf6d with explicit per-router paths
(``-f``, ``-i``, ``-z``, ``--vty_socket``, ``--log``), because Unix sockets ignore
namespaces: a daemon left on the default ``/var/run/frr/zserv.api`` would talk to
another router's zebra (or the host's). OSPF (v2 and v3) runs point-to-point with
fast timers so the lab converges in about 1.5 s; IPv4 prefixes are advertised with
``network`` statements, never ``redistribute connected`` (that would leak the
management subnet); IPv6 runs OSPFv3 on the links and the loopback only.

The second zone's VRF is a network namespace (the kernel has no VRF device):
zebra runs with ``-n`` (VRF backend: network namespaces), and every daemon of the
router starts in a mount namespace of its own whose ``/run/netns`` is the router's
``netns/`` directory, holding only that router's VRF (a bind mount of
``<router ns>-v`` named after the VRF). So zebra discovers exactly one VRF, named
like the zone's device VRF, and never the other routers' namespaces.
"""

from __future__ import annotations

import grp
import os
import pwd
import subprocess
import time
from pathlib import Path

from govnet.errors import DeviceError
from lab.netns import sh
from lab.state import node_dir
from lab.topology import Node

FRR_BIN = Path("/usr/lib/frr")
DAEMONS = ("zebra", "staticd", "ospfd", "ospf6d")
OSPF_TIMERS = ("timers throttle spf 0 50 500", "timers lsa min-arrival 0",
               "timers throttle lsa all 0")
OSPF6_TIMERS = ("timers throttle spf 0 50 500", "timers lsa min-arrival 0")
LINK_OSPF = (" ip ospf network point-to-point", " ip ospf hello-interval 1",
             " ip ospf dead-interval 3", " ipv6 ospf6 area 0",
             " ipv6 ospf6 network point-to-point", " ipv6 ospf6 hello-interval 1",
             " ipv6 ospf6 dead-interval 3")


def _routing(node: Node, vrf: str) -> list[str]:
    """Loopback, links and OSPFv2/v3 of the global table (``vrf`` "") or of the VRF."""
    in_vrf = f" vrf {vrf}" if vrf else ""
    lo, lo6 = (node.vrf_loopback, node.vrf_loopback6) if vrf else (node.loopback,
                                                                   node.loopback6)
    links = node.vrf_links if vrf else node.links
    lines = [f"interface lo{in_vrf}", f" ip address {lo}/32"]
    if lo6:
        lines += [f" ipv6 address {lo6}/128", " ipv6 ospf6 area 0", " ipv6 ospf6 passive"]
    lines += ["exit", "!"]
    for link in links:
        lines += [f"interface {link.iface}{in_vrf}", f" description to-{link.peer}",
                  f" ip address {link.address}"]
        if link.address6:
            lines.append(f" ipv6 address {link.address6}")
        lines += [*(LINK_OSPF if link.address6 else LINK_OSPF[:3]), "exit", "!"]
    lines += [f"router ospf{in_vrf}", f" ospf router-id {node.loopback}"]
    lines += [f" {t}" for t in OSPF_TIMERS]
    lines.append(f" network {lo}/32 area 0")
    lines += [f" network {link.address} area 0" for link in links]
    lines += ["exit", "!"]
    if lo6:
        lines += [f"router ospf6{in_vrf}", f" ospf6 router-id {node.loopback}"]
        lines += [f" {t}" for t in OSPF6_TIMERS] + ["exit", "!"]
    return lines


def render_frr_conf(node: Node) -> str:
    """Day-0 ``frr.conf`` of one router (integrated configuration), global table."""
    lines = ["frr defaults traditional", f"hostname {node.name}",
             "service integrated-vtysh-config", "!"]
    lines += _routing(node, "")
    lines += ["line vty", "exit", "!", "end"]
    return "\n".join(lines) + "\n"


def render_vrf_conf(node: Node) -> str:
    """The VRF's day-0 part, applied through vtysh once zebra has found the VRF's namespace
    (read from frr.conf at start-up, ``interface X vrf V`` would land in the default VRF:
    the daemons read their config before zebra discovers the namespace)."""
    if not node.vrf:
        return ""
    return "\n".join([f"vrf {node.vrf}", "exit-vrf", "!", *_routing(node, node.vrf)]) + "\n"


def render_vtysh_conf(node: Node) -> str:
    """vtysh.conf under ``--config_dir``: the prompt's hostname, integrated config."""
    return f"service integrated-vtysh-config\nhostname {node.name}\n"


def paths(node: Node) -> dict[str, Path]:
    """The per-router paths every daemon and vtysh are started with."""
    base = node_dir(node.name)
    return {"base": base, "conf": base / "etc", "run": base / "run", "log": base / "log",
            "netns": base / "netns"}


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
    for key in ("base", "run", "log", "conf", "netns"):
        p[key].mkdir(parents=True, exist_ok=True)
    if node.vrf:  # the router's private /run/netns: its VRF, named as the zone names it
        view = p["netns"] / node.vrf
        if not os.path.ismount(view):
            view.touch()
            sh(["mount", "--bind", f"/run/netns/{node.vrf_netns}", str(view)])
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
    argv = [str(FRR_BIN / daemon), "-d",
            "-f", str(p["conf"] / "frr.conf"), "-i", str(p["run"] / f"{daemon}.pid"),
            "-z", str(p["run"] / "zserv.api"), "--vty_socket", str(p["run"]),
            "-u", "frr", "-g", "frr", "-P", "0", "--log", f"file:{p['log'] / daemon}.log"]
    if daemon == "zebra" and node.vrf:
        argv.append("-n")  # VRF backend: network namespaces
    # `ip netns exec` gives the daemon a mount namespace of its own: see only this
    # router's VRF namespace under /run/netns there.
    view = f"mount --rbind {p['netns']} /run/netns && exec \"$@\""
    return ["ip", "netns", "exec", node.netns, "sh", "-c", view, "sh", *argv]


def unmount_views(base: Path) -> list[str]:
    """Unmount every VRF view under ``base`` (the lab directory); return what was unmounted.

    A bind mount keeps its namespace alive: this comes before ``ip netns del``."""
    prefix = f"{base.resolve()}/"
    mounts = [line.split()[1] for line in Path("/proc/self/mounts").read_text().splitlines()]
    gone = []
    for mount in sorted((m for m in mounts if m.startswith(prefix)), reverse=True):
        sh(["umount", "-l", mount], check=False)
        gone.append(mount)
    return gone


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
    """Start zebra, wait for its zserv socket, then the others; return their PIDs."""
    p = paths(node)
    _spawn(node, ("zebra",))
    _wait_for(p["run"] / "zserv.api", f"zebra's socket on {node.name}")
    _spawn(node, DAEMONS[1:])
    pids = {d: read_pid_file(p["run"] / f"{d}.pid", f"{d} on {node.name}") for d in DAEMONS}
    if node.vrf:
        _configure_vrf(node)
    return pids


def _vtysh(node: Node, *args: str) -> str:
    return sh([*vtysh_argv(node), *args])


def _configure_vrf(node: Node, timeout: float = 15.0) -> None:
    """Wait until zebra has discovered the VRF namespace, then apply the VRF's day-0 part."""
    deadline = time.monotonic() + timeout
    while f"vrf {node.vrf} " not in _vtysh(node, "-c", "show vrf"):
        if time.monotonic() > deadline:
            raise DeviceError(f"lab: zebra on {node.name} did not find VRF {node.vrf} "
                              f"within {timeout:.0f} s")
        time.sleep(0.05)
    conf = paths(node)["run"] / "vrf.conf"
    conf.write_text(render_vrf_conf(node))
    out = _vtysh(node, "-f", str(conf))
    if "%" in out:
        raise DeviceError(f"lab: VRF {node.vrf} day-0 on {node.name} refused: "
                          f"{out.strip().splitlines()[0]}")
