"""Bring the lab up, tear it down, report on it.

``up`` records its plan in the state file before creating anything, then builds
the kernel side in one ``ip -batch``, and starts FRR + sshd on every router in
parallel threads. ``down`` works from the state file *and* from what exists
(``govlab-*`` namespaces, the bridge), so it also cleans up a half-made lab.
Missing prerequisites raise :class:`Prerequisite` (a DeviceError: exit 5).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import stat
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from govnet.confignames import check_identifier
from govnet.errors import Conflict, DeviceError
from lab import frr, netns, sshd, state
from lab.state import LabState
from lab.topology import LAB_VRF, Node, plan

INSTALL_HINT = "install it with: apt-get install frr openssh-server iproute2"


class Prerequisite(DeviceError):
    """The machine lacks something the lab needs (root, FRR, OpenSSH, iproute2)."""


def missing_prerequisites() -> list[str]:
    """What is missing to run the lab, as short phrases (empty when all is there)."""
    missing = []
    if os.geteuid() != 0:
        missing.append("root (run as root: the lab creates network namespaces)")
    if not (frr.FRR_BIN / "zebra").exists():
        missing.append(f"FRR ({frr.FRR_BIN / 'zebra'} not found; {INSTALL_HINT})")
    if not sshd.SSHD.exists():
        missing.append(f"OpenSSH server ({sshd.SSHD} not found; {INSTALL_HINT})")
    if shutil.which("ip") is None:
        missing.append(f"iproute2 (no `ip` command; {INSTALL_HINT})")
    return missing


def require_prerequisites() -> None:
    missing = missing_prerequisites()
    if missing:
        raise Prerequisite("lab needs " + "; ".join(missing))


def _check_lab_dir(path: Path) -> None:
    """The frr user must reach its files: every parent of the lab dir must be searchable.

    The path must also be short: Unix socket paths (``…/agg8/run/zserv.api``, vty
    sockets) are limited to 107 bytes.
    """
    if len(str(path.resolve())) > 64:
        raise Prerequisite(f"lab directory {path} is too long for FRR's Unix sockets "
                           "(keep GOVNET_LAB_DIR under 64 characters)")
    for parent in path.resolve().parents:
        if parent.exists() and not parent.stat().st_mode & stat.S_IXOTH:
            raise Prerequisite(f"lab directory {path}: {parent} is not searchable by the frr "
                               "user; set GOVNET_LAB_DIR elsewhere (default /run/govnet-lab)")


def _start_router(node: Node) -> dict[str, int]:
    frr.prepare(node)
    pids = frr.start(node)
    pids["sshd"] = sshd.start(node)
    return pids


_lock_depth = threading.local()


@contextmanager
def lab_lock() -> Iterator[None]:
    """Hold the machine-wide lab lock (``<lab dir>.lock``, flock): one up/down at a time.

    Reentrant within a thread, so a caller may hold it around ``down()`` and then
    look at the machine before any other session can bring a lab up.
    """
    depth = getattr(_lock_depth, "n", 0)
    if depth:
        _lock_depth.n = depth + 1
        try:
            yield
        finally:
            _lock_depth.n -= 1
        return
    path = Path(f"{state.lab_dir()}.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        _lock_depth.n = 1
        try:
            yield
        finally:
            _lock_depth.n = 0
            fcntl.flock(fh, fcntl.LOCK_UN)


def up(districts: int = 2, units_per_agg: int = 2, vrf: str = LAB_VRF) -> LabState:
    """Build the lab (see :func:`_up`), holding the machine-wide lab lock.

    Refused up front (exit 2) while ``GOVNET_LAB_PASSWORD`` is unset: the lab user's
    password is that variable, and the inventory's credential reference reads the
    same variable whenever govnet provisions a lab router, so a lab built without it
    would come up and then fail on its first push."""
    require_prerequisites()
    sshd.lab_password()
    check_identifier(vrf, "--vrf")
    with lab_lock():
        return _up(districts, units_per_agg, vrf)


def down() -> list[str]:
    """Remove the lab (see :func:`_down`), holding the machine-wide lab lock."""
    require_prerequisites()
    with lab_lock():
        return _down()


def _up(districts: int, units_per_agg: int, vrf: str = LAB_VRF) -> LabState:
    """Build the lab; Conflict (exit 4) if one is already recorded or present.

    On any failure the half-made lab is removed again before the error propagates.
    """
    current = state.load()
    if current is not None or netns.lab_namespaces() or netns.bridge_exists():
        what = f"{len(current.topology.routers)} routers" if current else "leftovers"
        raise Conflict(f"lab is already up ({what}, state in {state.lab_dir()}); "
                       "run `govnet lab down` first")
    topo = plan(districts, units_per_agg, vrf)
    _check_lab_dir(state.lab_dir())
    st = LabState(topology=topo, started_at=time.time())
    t0 = time.monotonic()
    state.lab_dir().mkdir(parents=True, exist_ok=True)
    os.chmod(state.lab_dir(), 0o755)
    state.save(st)  # recorded before anything exists: `down` can always clean up
    try:
        st.user_created = sshd.ensure_user()
        st.sshd_rundir_created = sshd.ensure_rundir()
        frr_run = Path("/run/frr")  # ospfd writes ospfd-gr.json there regardless of -i/-z
        if not frr_run.exists():
            frr_run.mkdir(mode=0o755)
            shutil.chown(frr_run, "frr", "frr")
            st.frr_rundir_created = True
        state.save(st)
        st.subinterfaces = "dot1q" if netns.dot1q_supported() else "veth"
        state.save(st)
        netns.build(topo, st.subinterfaces == "dot1q")
        with ThreadPoolExecutor(max_workers=len(topo.routers)) as pool:
            for node, pids in zip(topo.routers, pool.map(_start_router, topo.routers),
                                  strict=True):
                st.pids[node.name] = pids
        st.bringup_seconds = round(time.monotonic() - t0, 3)
        st.converge_seconds = round(netns.wait_converged(topo), 3)
        st.status = "up"
        state.save(st)
    except BaseException:
        state.save(st)
        _down()  # a failed command changes nothing: remove what was made so far
        raise
    return st


def _down() -> list[str]:
    """Remove everything the lab made; return what was removed (empty: nothing there)."""
    st = state.load()
    removed: list[str] = []
    if st is not None:
        for node_pids in st.pids.values():  # recorded PIDs first; then whatever is in the ns
            for pid in node_pids.values():
                if _is_lab_process(pid):
                    try:
                        os.kill(pid, 15)
                    except ProcessLookupError:
                        pass
    if state.lab_dir().exists():  # VRF views first: a bind mount keeps a namespace alive
        removed += frr.unmount_views(state.lab_dir())
    names = set(netns.lab_namespaces())
    if st is not None:
        names |= {n.netns for n in st.topology.nodes if Path(f"/run/netns/{n.netns}").exists()}
    if names or netns.bridge_exists():
        netns.destroy(sorted(names))
        removed += sorted(names) + ["bridge govlab0"]
    if st is not None:
        if st.user_created:
            sshd.remove_user()
            removed.append("user govlab")
        for flag, path in ((st.frr_rundir_created, Path("/run/frr")),
                           (st.sshd_rundir_created, Path("/run/sshd"))):
            if flag:
                shutil.rmtree(path, ignore_errors=True)
    if state.lab_dir().exists():
        shutil.rmtree(state.lab_dir(), ignore_errors=True)
        removed.append(str(state.lab_dir()))
    return removed


def _is_lab_process(pid: int) -> bool:
    """True when ``pid`` still runs one of this lab's daemons (not a recycled PID).

    Every lab daemon was started with paths under the lab directory, so its
    command line names that directory; nothing else on the machine does.
    """
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return False
    return f"{state.lab_dir()}/" in cmd


def _ssh_open(host: str) -> bool:
    try:
        with socket.create_connection((host, 22), timeout=0.5):
            return True
    except OSError:
        return False


def status() -> dict[str, Any]:
    """Every node of the recorded lab with its addresses, cabling and processes."""
    st = state.load()
    if st is None:
        return {"up": False, "lab_dir": str(state.lab_dir()), "nodes": []}
    nodes = []
    present = set(netns.lab_namespaces())
    for n in st.topology.nodes:
        procs = {name: {"pid": pid, "running": _is_lab_process(pid)}
                 for name, pid in st.pids.get(n.name, {}).items()}
        entry: dict[str, Any] = {
            "name": n.name, "kind": n.kind, "namespace": n.netns,
            "namespace_present": n.netns in present,
            "mgmt_address": n.mgmt_ip or None, "loopback": n.loopback or None,
            "district": n.district, "processes": procs,
        }
        if n.is_router:
            entry["ssh"] = _ssh_open(n.mgmt_ip) if n.netns in present else False
            entry["unit_ports"] = n.unit_ports
            entry["links"] = [{"iface": lk.iface, "address": lk.address, "peer": lk.peer}
                              for lk in n.links]
            entry["running"] = bool(procs) and all(p["running"] for p in procs.values())
        else:
            assert n.uplink is not None
            entry["router"], entry["port"] = n.uplink
            entry["running"] = n.netns in present
        nodes.append(entry)
    return {"up": st.status == "up", "status": st.status, "lab_dir": str(state.lab_dir()),
            "bringup_seconds": st.bringup_seconds, "converge_seconds": st.converge_seconds,
            "subinterfaces": st.subinterfaces,
            "nodes": nodes}


def exec_argv(node: Node, argv: list[str]) -> list[str]:
    """``argv`` as run in the node: ``vtysh`` on a router is bound to that router's daemons
    (their vty sockets are per router, not in /var/run/frr)."""
    if node.is_router and argv and Path(argv[0]).name == "vtysh":
        return [*frr.vtysh_argv(node), *argv[1:]]
    return argv


def exec_node(name: str, argv: list[str]) -> int:
    """Run ``argv`` inside a node's namespace and return its exit code."""
    require_prerequisites()
    st = state.load()
    if st is None:
        raise Conflict("no lab is up; run `govnet lab up` first")
    node = st.topology.node(name)
    return netns.exec_in(node.netns, exec_argv(node, argv))
