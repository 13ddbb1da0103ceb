"""What govnet learns from devices when asked: facts (``check``) and interfaces (``discover``).

govnet never polls: these run only when a user or a job asks. Like
``inventory.backup`` they own their transactions (read, then SSH with no
transaction open, then one write), record "reachable as this contact found it"
on each device, and audit every contact. Discovered interfaces are replaced
wholesale: the table holds what the last discovery saw, nothing older.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlmodel import Session, col, delete

from govnet.auth import Actor
from govnet.db import read, transaction
from govnet.errors import DeviceError, GovnetError
from govnet.models import utcnow
from inventory import service
from inventory.backup import contact_failed
from inventory.connect import DEFAULT_TIMEOUT, DeviceRef, Outcome, on_devices
from inventory.drivers import Driver, InterfaceInfo
from inventory.models import Device, DiscoveredInterface


@dataclass
class ContactResult:
    """One device's answer to check or discover (``data``: facts or interfaces)."""

    device: str
    ok: bool
    data: Any = None
    error: str | None = None
    exit_code: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    exc: GovnetError | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if k != "exc"}


def replace_interfaces(session: Session, device: Device, found: Sequence[InterfaceInfo]
                       ) -> list[DiscoveredInterface]:
    """Replace the device's discovered interfaces with ``found``."""
    assert device.id is not None
    session.execute(delete(DiscoveredInterface).where(
        col(DiscoveredInterface.device_id) == device.id))
    now = utcnow()
    rows = [DiscoveredInterface(device_id=device.id, name=i.name[:64], up=i.up,
                                description=(i.description or "")[:255], vrf=(i.vrf or "")[:64],
                                addresses=list(i.addresses), vlan=i.vlan, seen_at=now)
            for i in {i.name: i for i in found}.values()]
    session.add_all(rows)
    session.flush()
    return rows


def _contact(actor: Actor, names: Sequence[str], action: str, verb: str,
             work: Any, workers: int, timeout: float) -> list[Outcome[Any]]:
    with read() as s:
        refs = [DeviceRef.of(d) for d in service.devices_to_contact(s, actor, names,
                                                                     action=verb)]
    return on_devices(refs, work, workers=workers, timeout=timeout)


def _interfaces(driver: Driver) -> list[InterfaceInfo]:
    return driver.get_interfaces()


def _facts(driver: Driver) -> dict[str, Any]:
    return driver.get_facts()


def check(actor: Actor, names: Sequence[str], *, workers: int = 8,
          timeout: float = DEFAULT_TIMEOUT) -> list[ContactResult]:
    """Connect, read facts, record reachability."""
    outcomes = _contact(actor, names, "check", "check", _facts, workers, timeout)
    return _record(actor, outcomes, "check", store=None)


def discover(actor: Actor, names: Sequence[str] = (), *, workers: int = 8,
             timeout: float = DEFAULT_TIMEOUT) -> list[ContactResult]:
    """Read interfaces, addresses and state; store them in place of the last discovery."""
    outcomes = _contact(actor, names, "discover", "discover", _interfaces, workers, timeout)
    return _record(actor, outcomes, "discover", store=replace_interfaces)


def _record(actor: Actor, outcomes: list[Outcome[Any]], action: str, store: Any
            ) -> list[ContactResult]:
    results = []
    with transaction() as s:
        for outcome in outcomes:
            device = s.get(Device, outcome.device.id, with_for_update=True)
            if device is None:
                continue
            if outcome.ok:
                data = outcome.value
                details: dict[str, Any] = {}
                if store is not None:
                    store(s, device, data)
                    data = [asdict(i) for i in data or []]
                    details = {"interfaces": len(data)}
                service.record_contact(s, actor, device, ok=True, action=action,
                                       details=details)
                results.append(ContactResult(device.name, True, data, extra=details))
                continue
            err = outcome.error or DeviceError(f"{device.name}: no answer")
            if contact_failed(outcome):
                service.record_contact(s, actor, device, ok=False, error=err.message,
                                       action=action)
            results.append(ContactResult(device.name, False, error=err.message,
                                         exit_code=err.exit_code, exc=err))
    return results
