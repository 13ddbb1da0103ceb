"""The real-router lab, brought up once per session (2 districts) and removed at the end.

Without root, FRR or OpenSSH the lab tests skip, naming what is missing; with
``GOVNET_REQUIRE_LAB=1`` (CI) they fail instead, so a broken CI machine cannot
pass by skipping. The lab is one per machine: while another session's lab is up,
the fixture waits for it to go (``GOVNET_LAB_WAIT`` seconds) and never removes it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from inventory.drivers import ConnectionTarget, get_driver
from inventory.drivers.frr import FrrDriver
from lab import control, state
from lab.sshd import lab_password

ROOT = Path(__file__).resolve().parents[2]
# `lab up` refuses to start without the lab user's password: the test lab's, unless given.
os.environ.setdefault("GOVNET_LAB_PASSWORD", "govlab-test-pass")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test marked ``ends_lab`` takes the session's lab down: it runs after every other
    test, whichever file the others are in."""
    items.sort(key=lambda item: item.get_closest_marker("ends_lab") is not None)


def lab_cli(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """``govnet lab ARGS`` (as ``python -m lab``), from the repository root."""
    proc = subprocess.run([sys.executable, "-m", "lab", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    if check and proc.returncode != 0:
        raise AssertionError(f"lab {' '.join(args)} exit {proc.returncode}: {proc.stderr}")
    return proc


def _unavailable(reason: str) -> None:
    if os.environ.get("GOVNET_REQUIRE_LAB") == "1":
        pytest.fail(f"GOVNET_REQUIRE_LAB=1 but the lab cannot run: {reason}", pytrace=False)
    pytest.skip(f"lab unavailable: {reason}")


class Lab:
    """Handle on the running test lab."""

    def __init__(self) -> None:
        self.is_down = False

    @property
    def state(self) -> state.LabState:
        st = state.load()
        assert st is not None, "lab state file vanished"
        return st

    def target(self, name: str, *, password: str | None = None, host: str | None = None,
               timeout: float = 10.0) -> ConnectionTarget:
        if host is None:
            host = self.state.topology.node(name).mgmt_ip
        return ConnectionTarget(name=name, platform="frr", host=host,
                                username="govlab",
                                password=lab_password() if password is None else password,
                                timeout=timeout)

    @staticmethod
    def cli(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return lab_cli(*args, check=check)

    def ns(self, name: str) -> str:
        return self.state.topology.node(name).netns

    def ip(self, node: str, *args: str) -> str:
        """``ip -n <node's namespace> ARGS`` output."""
        return subprocess.run(["ip", "-n", self.ns(node), *args], capture_output=True,
                              text=True, check=True).stdout


def _lab_busy() -> bool:
    return state.load() is not None or bool(control.netns.lab_namespaces())


@pytest.fixture(scope="session")
def lab() -> Iterator[Lab]:
    """Bring the lab up for this session; wait (``GOVNET_LAB_WAIT`` s, default 600) while
    another session's lab occupies the machine, never touching it."""
    missing = control.missing_prerequisites()
    if missing:
        _unavailable("; ".join(missing))
    deadline = time.monotonic() + float(os.environ.get("GOVNET_LAB_WAIT", "600"))
    while True:
        if not _lab_busy():
            proc = lab_cli("up", "--districts", "2", "--no-register", check=False)
            if proc.returncode == 0:
                break
            if proc.returncode != 4:  # 4: another session won the race; anything else fails
                raise AssertionError(f"lab up failed ({proc.returncode}): {proc.stderr}")
        if time.monotonic() > deadline:
            _unavailable("another lab stayed up on this machine; run `govnet lab down`")
        time.sleep(1)
    handle = Lab()
    try:
        yield handle
    finally:
        if not handle.is_down:
            control.down()


@pytest.fixture
def router(lab: Lab) -> Iterator[Callable[..., FrrDriver]]:
    """Open FRR drivers on lab routers; all are closed at the end of the test."""
    opened: list[FrrDriver] = []

    def connect(name: str, **kwargs: Any) -> FrrDriver:
        driver = cast(FrrDriver, get_driver("frr")(lab.target(name, **kwargs)))
        driver.open()
        opened.append(driver)
        return driver

    yield connect
    for d in opened:
        d.close()


def restore(lab: Lab, router: Callable[..., FrrDriver], checkpoints: dict[str, Any], *,
            default_routes: tuple[list[str], ...] = ()) -> None:
    """Undo what a provisioning test did to the lab: each router back to its checkpoint,
    the unit hosts' VLAN addresses flushed (also when a test stopped half-way), and the
    hosts' default routes of ``default_routes`` (``ip`` family flags: ``[]``, ``["-6"]``)
    removed."""
    for name, checkpoint in checkpoints.items():
        router(name).rollback(checkpoint)
    for host in lab.state.topology.hosts:
        for vid in (100, 101, 102, 103):
            lab.ip(host.name, "addr", "flush", "dev", f"eth0.{vid}", "scope", "global")
        for family in default_routes:
            subprocess.run(["ip", *family, "-n", host.netns, "route", "del", "default"],
                           capture_output=True)
