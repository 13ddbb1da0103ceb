"""Zones and their names on devices: the one mapping between govnet's zones and device VRFs.

A device knows a zone only by its VPN instance / VRF name (``ip binding vpn-instance
ZWEDU`` on Huawei and Comware, ``vrf forwarding ZWEDU`` on IOS and RGOS, ``interface X
vrf ZWEDU`` on FRR); govnet names the zone 专用网络区. The rule, in one place:

* the default zone (the first one created) is the device's global table, ``""``;
* any other zone is its ``device_name``, else its own name when that is a valid
  config token (a letter, then letters, digits, ``-``, ``_``);
* a zone with neither (a Chinese name and no ``--device-name``) is on no device: ``None``.

Rendering (:func:`access.attachment.device_vrf`), the scan's view of the plan
(:mod:`compliance.service`) and the brownfield import (:mod:`ipam.importer`) all
read it here, so the VRF govnet pushes is the VRF the scan matches against that
zone's plan.

Examples:
    >>> zones = [Vrf(id=1, name="公用网络区"), Vrf(id=2, name="专用网络区", device_name="ZWEDU"),
    ...          Vrf(id=3, name="LAB"), Vrf(id=4, name="互联网接入区")]
    >>> [device_name(z, default_id=1) for z in zones]
    ['', 'ZWEDU', 'LAB', None]
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from govnet.confignames import check_identifier
from govnet.errors import InvalidInput
from ipam.models import Vrf

GLOBAL = ""  # the global routing table's name in device facts (FRR's "default" is read as "")


def device_name(zone: Vrf, *, default_id: int | None) -> str | None:
    """``zone``'s VRF name on devices: ``""`` (global table), a name, or None (on no device)."""
    if zone.id is not None and zone.id == default_id:
        return GLOBAL
    for name in (zone.device_name, zone.name):
        if name:
            try:
                return check_identifier(name, "vrf")
            except InvalidInput:
                continue
    return None


def _zones(session: Session) -> list[Vrf]:
    return list(session.scalars(select(Vrf).order_by(col(Vrf.id))))


def device_names(session: Session) -> dict[int, str]:
    """Zone id → its VRF name on devices, for every zone a device can carry."""
    zones = _zones(session)
    default = zones[0].id if zones else None
    names = {z.id: device_name(z, default_id=default) for z in zones}
    return {vid: name for vid, name in names.items() if vid is not None and name is not None}


def by_device_name(session: Session) -> dict[str, Vrf]:
    """Device VRF name (``""``: the global table) → its zone. An explicit ``device_name``
    wins over another zone whose own name is the same token."""
    zones = _zones(session)
    default = zones[0].id if zones else None
    found: dict[str, Vrf] = {}
    for zone in sorted(zones, key=lambda z: z.device_name is None):
        name = device_name(zone, default_id=default)
        if name is not None:
            found.setdefault(name, zone)
    return found


def zone_of(session: Session, device_vrf: str) -> Vrf | None:
    """The zone a device VRF (``""``: the global table) belongs to, or None."""
    return by_device_name(session).get(device_vrf)
