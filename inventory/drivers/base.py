"""The one small interface every platform driver implements.

A driver is opened on a :class:`ConnectionTarget` (secrets already resolved by
``inventory.credentials`` at connect time; never stored), and offers:

* ``run(command)``: an exec-mode command (verification, show commands);
* ``get_running_config()``;
* ``checkpoint()`` / ``rollback(checkpoint)``: the platform's own way to get back
  to a known configuration (VRP8 commit id, Comware archive, IOS archive, FRR
  inverse lines computed from the saved running config);
* ``apply(lines)``: push configuration lines as one transaction: a rejected
  line raises :class:`govnet.errors.CommandRejected` naming it, *after* the
  device has been put back where it was before ``apply``;
* ``save()``: write the running config to startup, answering the platform's
  confirmation prompt;
* getters: ``get_facts()``, ``get_interfaces()`` (NAPALM where it works,
  else parsed show output).

Drivers register themselves by platform slug (the same slug names the template
folder ``configs/<slug>/`` and the golden-file folder in tests).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from govnet.errors import DemoDeviceRefused


@dataclass(frozen=True, repr=False)
class ConnectionTarget:
    """Where and how to reach one device. Built at connect time only."""

    name: str
    platform: str
    host: str
    port: int = 22
    username: str = ""
    password: str | None = None
    key_file: str | None = None
    demo: bool = False
    timeout: float = 10.0

    def __repr__(self) -> str:  # never show the password
        return (
            f"ConnectionTarget(name={self.name!r}, platform={self.platform!r}, "
            f"host={self.host!r}, port={self.port}, username={self.username!r})"
        )


@dataclass(frozen=True)
class Checkpoint:
    """A point the device can be rolled back to."""

    platform: str
    running_config: str
    token: str | None = None  # commit id, archive file name…


@dataclass
class InterfaceInfo:
    """What discovery learns about one interface."""

    name: str
    up: bool | None = None
    description: str = ""
    vrf: str = ""
    addresses: list[str] = field(default_factory=list)  # CIDR strings, e.g. "10.1.1.1/30"
    vlan: int | None = None


class Driver(ABC):
    """Base of all platform drivers."""

    platform: ClassVar[str]

    def __init__(self, target: ConnectionTarget) -> None:
        self.target = target

    # -- session -----------------------------------------------------------
    def open(self) -> None:
        """Connect. Demo devices are refused here, before any packet leaves."""
        if self.target.demo:
            raise DemoDeviceRefused(
                f"{self.target.name} is a demo device: govnet never connects to it"
            )
        self._open()

    @abstractmethod
    def _open(self) -> None: ...

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Driver:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- operations --------------------------------------------------------
    @abstractmethod
    def run(self, command: str) -> str: ...

    @abstractmethod
    def get_running_config(self) -> str: ...

    @abstractmethod
    def checkpoint(self) -> Checkpoint: ...

    @abstractmethod
    def apply(self, lines: Sequence[str]) -> str: ...

    @abstractmethod
    def rollback(self, checkpoint: Checkpoint) -> None: ...

    @abstractmethod
    def save(self) -> str: ...

    @abstractmethod
    def get_facts(self) -> dict[str, Any]: ...

    @abstractmethod
    def get_interfaces(self) -> list[InterfaceInfo]: ...
