"""Reads and device contacts for the Devices screen (inventory services, as the CLI)."""

from __future__ import annotations

from typing import Any

from govnet.auth import Actor
from govnet.db import read
from inventory import backup, discovery, service


def devices(actor: Actor) -> list[dict[str, Any]]:
    with read() as s:
        return [service.device_dict(s, d) for d in service.list_devices(s, actor)]


def device(actor: Actor, name: str) -> dict[str, Any]:
    """The device, its ports and VLANs in use, backups (newest first), interfaces."""
    with read() as s:
        data = service.show(s, actor, name)
        dev = service.get_device(s, actor, name)
        data["snapshots"] = [{"taken_at": snap.taken_at.strftime("%Y-%m-%d %H:%M:%S"),
                              "sha256": snap.sha256, "by": snap.taken_by}
                             for snap in service.snapshots(s, dev, limit=20)]
        return data


def diff(actor: Actor, name: str) -> str:
    with read() as s:
        return backup.diff(s, actor, name)


def check(actor: Actor, name: str) -> bool:
    """Contact the device now (the user asked); raises the device's error if it failed."""
    backup.raise_for_failures(discovery.check(actor, [name]), "check")
    return True


def take_backup(actor: Actor, name: str) -> bool:
    """Back the device up now; True if the config changed since the last backup."""
    results = backup.backup(actor, [name])
    backup.raise_for_failures(results, "backup")
    return any(r.stored for r in results)
