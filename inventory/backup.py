"""Config backups: fetch running configs in parallel, store what changed, diff them.

A snapshot is stored only when the configuration changed since the device's
last one. "Changed" is judged on the config without the platform's volatile
lines (``Current configuration : N bytes``, timestamps…), so a clock is not a
change. The stored text is the config as the device printed it with every secret
value masked (``inventory.redact``, the platform's rules); its ``sha256`` is the
digest of the *unredacted* config, so a changed secret is still a change, stored
as a new snapshot whose diff shows only the masked line.

:func:`backup` talks to devices, so it owns its transactions: one short read to
pick the devices and check the actor's scope, the SSH sessions with no
transaction open, then one write transaction storing snapshots, reachability
and audit events. The storing itself (:func:`store_snapshot`) takes a session
like every service.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from govnet.auth import Actor
from govnet.db import read, transaction
from govnet.errors import DeviceError, GovnetError, NotFound
from inventory import service
from inventory.connect import (
    DEFAULT_TIMEOUT,
    DeviceRef,
    Outcome,
    on_devices,
    open_driver,
)
from inventory.drivers import get_driver
from inventory.models import ConfigSnapshot, Device
from inventory.redact import redact_config


def clean_config(text: str) -> str:
    """Line ends normalized, trailing blanks dropped: the text a snapshot stores."""
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip(
        "\n") + "\n"


def config_digest(platform: str, text: str) -> str:
    """SHA-256 of the config (secrets included) without the platform's volatile lines."""
    volatile = re.compile(getattr(get_driver(platform), "volatile_lines", r"^$"))
    kept = [line for line in clean_config(text).splitlines() if not volatile.search(line)]
    return hashlib.sha256("\n".join(kept).encode()).hexdigest()


def store_snapshot(session: Session, actor: Actor, device: Device, text: str
                   ) -> tuple[ConfigSnapshot, bool]:
    """Store ``text`` unless it equals the last snapshot; returns (snapshot, stored)."""
    assert device.id is not None
    digest = config_digest(device.platform, text)
    last = service.snapshots(session, device, limit=1)
    if last and last[0].sha256 == digest:
        return last[0], False
    snap = ConfigSnapshot(device_id=device.id, taken_by=actor.name, sha256=digest,
                          text=redact_config(device.platform, clean_config(text)))
    session.add(snap)
    session.flush()
    return snap, True


@dataclass
class BackupResult:
    """One device's backup: stored (changed), unchanged, or failed."""

    device: str
    ok: bool
    stored: bool = False
    sha256: str | None = None
    error: str | None = None
    exit_code: int = 0
    exc: GovnetError | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if k != "exc"}


def contact_failed(outcome: Outcome[Any]) -> bool:
    """A failure that happened talking to the device (so reachability is known)."""
    return outcome.error is not None and outcome.contacted


def backup(actor: Actor, names: Sequence[str] = (), *, workers: int = 8,
           timeout: float = DEFAULT_TIMEOUT) -> list[BackupResult]:
    """Back up the named devices (or all the actor may, demo ones left out), in parallel."""
    with read() as s:
        refs = [DeviceRef.of(d) for d in service.devices_to_contact(s, actor, names,
                                                                     action="back up")]
    outcomes = on_devices(refs, lambda driver: driver.get_running_config(),
                          workers=workers, timeout=timeout)
    results = []
    with transaction() as s:
        for outcome in outcomes:
            device = s.get(Device, outcome.device.id, with_for_update=True)
            if device is None:  # removed while we were fetching
                continue
            if outcome.ok and outcome.value is not None:
                snap, stored = store_snapshot(s, actor, device, outcome.value)
                service.record_contact(s, actor, device, ok=True, action="backup",
                                       details={"sha256": snap.sha256, "stored": stored})
                results.append(BackupResult(device.name, True, stored, snap.sha256))
                continue
            err = outcome.error or DeviceError(f"{device.name}: no configuration returned")
            if contact_failed(outcome):
                service.record_contact(s, actor, device, ok=False, error=err.message,
                                       action="backup")
            results.append(BackupResult(device.name, False, error=err.message,
                                        exit_code=err.exit_code, exc=err))
    return results


def raise_for_failures(results: Sequence[Any], what: str) -> None:
    """One error for a batch: the device's own if one failed, else a summary (exit 5)."""
    failed = [r for r in results if not r.ok]
    if not failed:
        return
    if len(failed) == 1 and getattr(failed[0], "exc", None) is not None:
        raise failed[0].exc
    detail = "; ".join(f"{r.error}" for r in failed)
    codes = {r.exit_code for r in failed}
    exc = DeviceError(f"{what} failed on {len(failed)} of {len(results)} devices: {detail}")
    if len(codes) == 1:
        exc.exit_code = codes.pop() or DeviceError.exit_code
    raise exc


# -- diffs -----------------------------------------------------------------------

def _unified(old: str, new: str, old_label: str, new_label: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(keepends=True),
                                        new.splitlines(keepends=True), old_label, new_label))


def _label(device: Device, snap: ConfigSnapshot) -> str:
    return f"{device.name}@{snap.taken_at.isoformat(timespec='seconds')}"


def _only_secrets(name: str) -> str:
    return (f"{name}: the configurations differ only in secret values "
            f"(stored masked as ***; the digests differ)\n")


def diff(session: Session, actor: Actor, name: str) -> str:
    """Unified diff of the device's last two snapshots ('' when they are the same).

    Two snapshots whose masked texts are equal but whose digests differ changed a
    secret: the diff says so, in one line that holds no secret.
    """
    device = service.get_device(session, actor, name)
    snaps = service.snapshots(session, device, limit=2)
    if len(snaps) < 2:
        raise NotFound(f"{name} has {len(snaps)} config snapshot(s); a diff needs two: "
                       f"run 'govnet inventory backup {name}' after a change")
    new, old = snaps
    text = _unified(old.text, new.text, _label(device, old), _label(device, new))
    return text or (_only_secrets(name) if new.sha256 != old.sha256 else "")


def live_diff(actor: Actor, name: str, *, timeout: float = DEFAULT_TIMEOUT) -> str:
    """Unified diff of the last snapshot against the device's running config now
    (redacted like a snapshot: a secret shows as ``***`` on both sides)."""
    with read() as s:
        device = service.devices_to_contact(s, actor, [name], action="read the config of")[0]
        snaps = service.snapshots(s, device, limit=1)
        old, old_label = (snaps[0].text, _label(device, snaps[0])) if snaps else ("", "(none)")
        old_digest = snaps[0].sha256 if snaps else None
        ref, platform = DeviceRef.of(device), device.platform
    with open_driver(None, ref, timeout=timeout) as driver:
        raw = driver.get_running_config()
    text = _unified(old, redact_config(platform, clean_config(raw)), old_label, f"{name}@running")
    if not text and old_digest is not None and old_digest != config_digest(platform, raw):
        return _only_secrets(name)
    return text
