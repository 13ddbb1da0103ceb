"""Fixtures for the inventory tests: the SSH CLI simulator (a test double).

``simulated(platform)`` starts a simulated device of that platform on
127.0.0.1 (random port) and returns it; ``target_of(sim)`` builds the
ConnectionTarget a driver would get from the inventory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from govnet_tests.inventory.sshsim import SimDevice, SshSimulator
from inventory.drivers.base import ConnectionTarget


def make_target(sim: SshSimulator, **overrides: Any) -> ConnectionTarget:
    """The target for ``sim``, with its real credentials unless overridden."""
    fields: dict[str, Any] = {
        "name": f"sim-{sim.device.dialect_name}", "platform": sim.device.dialect_name,
        "host": sim.host, "port": sim.port, "username": sim.device.username,
        "password": sim.device.password, "timeout": 5.0,
    }
    fields.update(overrides)
    return ConnectionTarget(**fields)


@pytest.fixture
def simulated() -> Iterator[Callable[..., SshSimulator]]:
    """Factory: ``simulated("huawei_vrp", hostname="R9")`` → a running simulator."""
    started: list[SshSimulator] = []

    def start(platform: str, **device: Any) -> SshSimulator:
        sim = SshSimulator(SimDevice(platform, **device)).start()
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()


@pytest.fixture
def target_of() -> Callable[..., ConnectionTarget]:
    """``target_of(sim, password="wrong")`` → the ConnectionTarget for ``sim``."""
    return make_target
