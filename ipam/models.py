"""IPAM tables: zones (VRFs), prefixes, the free-block index, addresses, block applications.

Each prefix stores ``version``, ``prefixlen`` and ``first``/``last`` as 16-byte
big-endian keys, so containment and free-space questions are indexed range
scans on SQLite and PostgreSQL alike. ``freeblock`` holds the free space of
every parent (container or delegated prefix) as maximal aligned blocks: best
fit is one indexed lookup instead of a scan of the parent's children.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, LargeBinary, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from govnet.clock import utcnow
from ipam.kinds import PARENT_STATUSES as PARENT_STATUSES
from ipam.kinds import ApplicationStatus as ApplicationStatus
from ipam.kinds import Purpose as Purpose
from ipam.kinds import Status as Status


def _key_column() -> Column:
    return Column(LargeBinary(16), nullable=False)


class Vrf(SQLModel, table=True):
    """An extranet zone with its own address space (公用网络区, 专用网络区, …)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)
    description: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    # How devices name the zone's VPN instance / VRF (None: the zone's own name), and its
    # route distinguisher / route target: provisioning defines the instance when missing.
    device_name: str | None = Field(default=None, max_length=30)
    rd: str | None = Field(default=None, max_length=32)
    rt: str | None = Field(default=None, max_length=32)


class Prefix(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("vrf_id", "cidr", name="uq_prefix_vrf_cidr"),
        Index("ix_prefix_range", "vrf_id", "version", "first", "last"),
        Index("ix_prefix_parent_status", "parent_id", "status", "quarantine_until"),
    )

    id: int | None = Field(default=None, primary_key=True)
    vrf_id: int = Field(foreign_key="vrf.id")
    version: int
    prefixlen: int
    first: bytes = Field(sa_column=_key_column())
    last: bytes = Field(sa_column=_key_column())
    cidr: str = Field(max_length=64)
    parent_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("prefix.id"), nullable=True)
    )
    status: str = Field(max_length=16)
    district_id: int | None = Field(default=None, foreign_key="district.id", index=True)
    owner_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    purpose: str = Field(default=Purpose.other.value, max_length=16)
    description: str = Field(default="", max_length=200)
    quarantine_until: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class FreeBlock(SQLModel, table=True):
    """One maximal free aligned block inside a parent prefix."""

    __table_args__ = (
        # best fit is one seek: ORDER BY prefixlen DESC, first ASC follows the index
        Index("ix_freeblock_fit", "parent_id", "version", text("prefixlen DESC"), "first"),
        Index("ix_freeblock_first", "parent_id", "first"),
    )

    id: int | None = Field(default=None, primary_key=True)
    parent_id: int = Field(
        sa_column=Column(Integer, ForeignKey("prefix.id", ondelete="CASCADE"), nullable=False)
    )
    version: int
    prefixlen: int
    first: bytes = Field(sa_column=_key_column())
    last: bytes = Field(sa_column=_key_column())


class IpAddress(SQLModel, table=True):
    """A single address inside an allocated prefix (gateway, interconnect end, loopback)."""

    __table_args__ = (UniqueConstraint("vrf_id", "address", name="uq_ipaddress_vrf_address"),)

    id: int | None = Field(default=None, primary_key=True)
    prefix_id: int = Field(
        sa_column=Column(Integer, ForeignKey("prefix.id", ondelete="CASCADE"), nullable=False,
                         index=True)
    )
    vrf_id: int = Field(foreign_key="vrf.id")
    address: str = Field(max_length=64)
    device: str = Field(default="", max_length=64)
    interface: str = Field(default="", max_length=64)
    description: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)


class BlockApplication(SQLModel, table=True):
    """A district's application to the municipal agency for an address block (Art. 25)."""

    id: int | None = Field(default=None, primary_key=True)
    district_id: int = Field(foreign_key="district.id", index=True)
    vrf_id: int = Field(foreign_key="vrf.id")
    version: int = 4
    prefixlen: int
    reason: str = Field(max_length=500)
    status: str = Field(default=ApplicationStatus.pending.value, max_length=16)
    applicant: str = Field(max_length=64)
    prefix_id: int | None = Field(default=None, foreign_key="prefix.id")
    decided_by: str | None = Field(default=None, max_length=64)
    decision_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    decided_at: datetime | None = None
