"""The FRR templates on a real FRR (zebra + staticd) in a scratch network namespace.

Attach lines must be accepted and show up in the running config (routes installed
where the next hop is connected); detach must bring the running config back to
what it was before, byte for byte. Needs root, ``ip netns`` and FRR's daemons; skips
otherwise (fails with ``GOVNET_REQUIRE_LAB=1``). The namespace and daemons are this
module's own (``govrt-<pid>``), never the lab's.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from access.render import render_attach, render_detach
from govnet_tests.access.test_render_golden import PAIRS, sample

pytestmark = pytest.mark.lab

FRR_BIN = Path("/usr/lib/frr")
PORTS = ("ethu1.100", "ethu1.101", "ethu1.102", "ethu1.103")  # veths named like the
# subinterfaces of the sample specs (IPv4, dual-stack, IPv6-only), as the lab does


def _missing() -> str | None:
    if os.geteuid() != 0:
        return "not root"
    for tool in (FRR_BIN / "zebra", FRR_BIN / "staticd"):
        if not tool.exists():
            return f"{tool} not installed"
    if shutil.which("vtysh") is None or shutil.which("ip") is None:
        return "vtysh or ip not installed"
    return None


def _sh(*argv: str) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: {done.stderr.strip()}")
    return done.stdout


class Router:
    """zebra + staticd in namespace ``ns`` with every path under ``base``."""

    def __init__(self, ns: str, base: Path) -> None:
        self.ns, self.base = ns, base

    def start(self) -> None:
        _sh("ip", "netns", "add", self.ns)
        for port in PORTS:
            _sh("ip", "-n", self.ns, "link", "add", port, "type", "veth", "peer", "name",
                "p" + port.rsplit(".", 1)[1])
        for link in ("lo", *PORTS, *("p" + port.rsplit(".", 1)[1] for port in PORTS)):
            _sh("ip", "-n", self.ns, "link", "set", link, "up")
        (self.base / "frr.conf").write_text("frr defaults traditional\nhostname rt\n")
        (self.base / "vtysh.conf").write_text("service integrated-vtysh-config\n")
        shutil.chown(self.base, "frr", "frr")
        for daemon in ("zebra", "staticd"):
            _sh("ip", "netns", "exec", self.ns, str(FRR_BIN / daemon), "-d",
                "-f", str(self.base / "frr.conf"), "-i", str(self.base / f"{daemon}.pid"),
                "-z", str(self.base / "zserv.api"), "--vty_socket", str(self.base),
                "-u", "frr", "-g", "frr", "-P", "0", "--log", f"file:{self.base}/{daemon}.log")
            for _ in range(50):
                if (self.base / f"{daemon}.vty").exists():
                    break
                time.sleep(0.1)

    def vtysh(self, *commands: str) -> str:
        argv = ["ip", "netns", "exec", self.ns, "vtysh", "--vty_socket", str(self.base),
                "--config_dir", str(self.base), "-H", "/dev/null"]
        for command in commands:
            argv += ["-c", command]
        return _sh(*argv)

    def push(self, lines: list[str]) -> str:
        return self.vtysh("configure terminal", *lines)

    def running(self) -> str:
        return self.vtysh("show running-config")

    def stop(self) -> None:
        for daemon in ("staticd", "zebra"):
            pidfile = self.base / f"{daemon}.pid"
            if pidfile.exists():
                try:
                    os.kill(int(pidfile.read_text().strip()), signal.SIGTERM)
                except (ProcessLookupError, ValueError):
                    pass
        subprocess.run(["ip", "netns", "del", self.ns], capture_output=True, check=False)


@pytest.fixture(scope="module")
def router() -> Iterator[Router]:
    problem = _missing()
    if problem:
        if os.environ.get("GOVNET_REQUIRE_LAB") == "1":
            pytest.fail(f"GOVNET_REQUIRE_LAB=1 but FRR cannot run: {problem}", pytrace=False)
        pytest.skip(f"real FRR unavailable: {problem}")
    base = Path(tempfile.mkdtemp(prefix="govnet-render-"))
    base.chmod(0o755)
    rt = Router(f"govrt-{os.getpid()}", base)
    try:
        rt.start()
        yield rt
    finally:
        rt.stop()
        time.sleep(0.2)
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize("case", [c for p, c in PAIRS if p == "frr"])
def test_attach_applies_and_detach_restores(router: Router, case: str) -> None:
    spec = sample("frr", case)
    before = router.running()
    output = router.push(render_attach(spec))
    assert "% " not in output, output
    running = router.running().splitlines()
    for line in render_attach(spec):
        if not line.startswith(("interface ", "exit")):
            assert line in running, f"{line!r} not in running config"
    if case == "routed_public":  # global table: the routes are really installed
        routes = router.vtysh("show ip route static")
        assert "S>* 192.168.21.0/24" in routes and "S>* 10.30.0.0/16" in routes, routes
    output = router.push(render_detach(spec))
    assert "% " not in output, output
    assert router.running() == before
