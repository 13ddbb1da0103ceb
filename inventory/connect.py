"""From a device row to an open driver: the one place govnet connects to devices.

``open_driver`` refuses a demo device before anything else (no credential
lookup, no packet), resolves the credential reference only now, at connect
time, builds the :class:`ConnectionTarget` and opens the platform driver.
Nothing resolved here is stored or logged: error messages name the device and
host:port only, and any message that would carry the password is masked.

``on_devices`` runs one function on several devices in parallel threads (one
SSH session each), so a batch takes about as long as its slowest device.
Threads get :class:`DeviceRef` copies, never ORM rows bound to a session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlmodel import Session

from govnet.errors import DemoDeviceRefused, GovnetError, InvalidInput
from inventory.drivers import ConnectionTarget, Driver, get_driver
from inventory.models import Device

T = TypeVar("T")
DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True)
class DeviceRef:
    """What connecting needs of a device row, safe to hand to another thread."""

    id: int
    name: str
    platform: str
    host: str
    port: int
    credential: str
    demo: bool
    district_id: int | None = None

    @classmethod
    def of(cls, device: Device | DeviceRef) -> DeviceRef:
        if isinstance(device, DeviceRef):
            return device
        assert device.id is not None
        return cls(id=device.id, name=device.name, platform=device.platform,
                   host=device.host, port=device.port, credential=device.credential,
                   demo=device.demo, district_id=device.district_id)


def refuse_demo(device: Device | DeviceRef) -> None:
    """Demo devices are never contacted: refused before any lookup or packet."""
    if device.demo:
        raise DemoDeviceRefused(f"{device.name} is a demo device: govnet never connects to it "
                                "(the lab is where devices are real)")


def target_for(device: Device | DeviceRef, *, timeout: float = DEFAULT_TIMEOUT
               ) -> ConnectionTarget:
    """The ConnectionTarget of a device, its credential resolved now (never stored)."""
    from inventory import credentials

    refuse_demo(device)
    if not device.credential:
        raise InvalidInput(f"{device.name} has no credential reference: set one with "
                           f"'govnet inventory add {device.name} … --credential REF --replace'")
    try:
        return credentials.target_for(device.name, device.platform, device.host, device.port,
                                      device.credential, demo=device.demo, timeout=timeout)
    except GovnetError as exc:  # name the device: in a batch, the reference alone is vague
        exc.message = f"{device.name}: {exc.message}"
        exc.args = (exc.message,)
        raise


@contextmanager
def _opened(target: ConnectionTarget) -> Iterator[Driver]:
    """Open the platform driver on ``target``; mask the password in any error."""
    driver = get_driver(target.platform)(target)
    try:
        driver.open()
        try:
            yield driver
        finally:
            driver.close()
    except GovnetError as exc:
        if target.password and target.password in exc.message:
            exc.message = exc.message.replace(target.password, "***")
            exc.args = (exc.message,)
        raise


@contextmanager
def open_driver(session: Session | None, device: Device | DeviceRef | str, *,
                timeout: float = DEFAULT_TIMEOUT) -> Iterator[Driver]:
    """An open driver for ``device`` (a row, a ref, or a name looked up in ``session``).

    Closed on exit. A GovnetError raised inside never carries the password.
    """
    if isinstance(device, str):
        if session is None:
            raise ValueError("open_driver needs a session to look up a device by name")
        from inventory.service import find_device

        device = find_device(session, device)
    with _opened(target_for(device, timeout=timeout)) as driver:
        yield driver


@dataclass
class Outcome(Generic[T]):
    """What one device gave (``value``), or the error it failed with.

    ``contacted`` tells whether the failure happened talking to the device (so
    its reachability is known) or before any packet left (demo, credentials).
    """

    device: DeviceRef
    value: T | None = None
    error: GovnetError | None = None
    contacted: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None


def on_devices(devices: Sequence[Device | DeviceRef], work: Callable[[Driver], T], *,
               workers: int = 8, timeout: float = DEFAULT_TIMEOUT) -> list[Outcome[T]]:
    """Run ``work(driver)`` on each device in parallel; outcomes in input order.

    Only govnet errors are caught per device (demo refused, unreachable, bad
    credentials…); anything else is a bug and propagates.
    """
    refs = [DeviceRef.of(d) for d in devices]

    def one(ref: DeviceRef) -> Outcome[T]:
        try:
            target = target_for(ref, timeout=timeout)
        except GovnetError as exc:
            return Outcome(ref, error=exc)
        try:
            with _opened(target) as driver:
                return Outcome(ref, value=work(driver), contacted=True)
        except DemoDeviceRefused as exc:
            return Outcome(ref, error=exc)
        except GovnetError as exc:
            return Outcome(ref, error=exc, contacted=True)

    if len(refs) <= 1:
        return [one(r) for r in refs]
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(refs))),
                            thread_name_prefix="govnet-device") as pool:
        return list(pool.map(one, refs))
