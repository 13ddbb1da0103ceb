"""Inventory tables: devices, attachable ports and the VLANs taken on them,
config snapshots, and what discovery last found on each device.

A device row holds a *credential reference* (``user@env:VAR``, ``keyring:…``,
``user@key:PATH``), never a secret: ``inventory.connect`` resolves it at connect
time only. Reachability is "as the last check found it": govnet never polls.

``portvlan`` is the one record of a VLAN in use on a port. Its unique
constraint on (port, vlan) makes double use impossible even for two writers at
once; access provisioning claims and releases through ``inventory.service``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from govnet.models import utcnow


class DeviceRole(StrEnum):
    core = "core"
    aggregation = "aggregation"
    access = "access"


def _device_fk(*, index: bool = True) -> Column:
    return Column(Integer, ForeignKey("device.id", ondelete="CASCADE"), nullable=False,
                  index=index)


class Device(SQLModel, table=True):
    """A managed router or switch, reached over SSH at ``host:port``."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)
    platform: str = Field(max_length=32)
    host: str = Field(max_length=255)
    port: int = 22
    role: str = Field(max_length=16)
    district_id: int | None = Field(default=None, foreign_key="district.id", index=True)
    site: str = Field(default="", max_length=128)
    credential: str = Field(default="", max_length=255)  # a reference, never a secret
    demo: bool = False
    last_check_at: datetime | None = None
    last_check_ok: bool | None = None
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Port(SQLModel, table=True):
    """An attachable port and the VLAN range units may be given on it."""

    __table_args__ = (
        UniqueConstraint("device_id", "name", name="uq_port_device_name"),
        CheckConstraint("vlan_lo >= 1 AND vlan_lo <= vlan_hi AND vlan_hi <= 4094",
                        name="vlan_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(sa_column=_device_fk(index=False))
    name: str = Field(max_length=64)
    vlan_lo: int
    vlan_hi: int
    description: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)


class PortVlan(SQLModel, table=True):
    """One VLAN in use on a port, and who holds it (e.g. ``request:12``)."""

    __table_args__ = (UniqueConstraint("port_id", "vlan", name="uq_portvlan_port_vlan"),)

    id: int | None = Field(default=None, primary_key=True)
    port_id: int = Field(
        sa_column=Column(Integer, ForeignKey("port.id", ondelete="RESTRICT"), nullable=False)
    )
    vlan: int
    owner: str = Field(max_length=128, index=True)
    claimed_by: str = Field(max_length=64)
    claimed_at: datetime = Field(default_factory=utcnow)


class ConfigSnapshot(SQLModel, table=True):
    """A running configuration as fetched; an unchanged config is not stored twice."""

    __table_args__ = (Index("ix_configsnapshot_device_taken", "device_id", "taken_at"),)

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(sa_column=_device_fk(index=False))
    taken_at: datetime = Field(default_factory=utcnow)
    taken_by: str = Field(max_length=64)
    sha256: str = Field(max_length=64)
    text: str = Field(sa_column=Column(Text, nullable=False))


class DiscoveredInterface(SQLModel, table=True):
    """One interface as the last discovery saw it (replaced wholesale each time)."""

    __table_args__ = (
        UniqueConstraint("device_id", "name", name="uq_discoveredinterface_device_name"),
    )

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(sa_column=_device_fk(index=False))
    name: str = Field(max_length=64)
    up: bool | None = None
    description: str = Field(default="", max_length=255)
    vrf: str = Field(default="", max_length=64)
    addresses: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    vlan: int | None = None
    seen_at: datetime = Field(default_factory=utcnow)
