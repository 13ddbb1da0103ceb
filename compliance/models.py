"""Compliance tables: scans, the evidence each device gave, and the findings.

A :class:`Scan` is one ``govnet compliance scan`` run. Each device it reached
leaves one :class:`Evidence` row (the parsed facts as JSON, and the running
config through ``inventory``'s snapshot store, so an unchanged config is kept
once). A :class:`Finding` is identified by its ``fingerprint`` (type, device,
interface, VRF, prefix): a later scan that sees it again only moves
``last_seen``; one that no longer sees it resolves it; one that sees a resolved
finding again reopens it. Isolation (Art. 40) is recorded on the finding with
the authority's document and the job that pushed it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, Text
from sqlmodel import Field, SQLModel

from govnet.models import utcnow


class FindingType(StrEnum):
    unapproved = "unapproved"  # Art. 41: configured with no approval/allocation behind it
    stale = "stale"            # recorded connected, configuration missing on the device
    conflict = "conflict"      # one address/prefix on two devices, or over another's allocation
    drift = "drift"            # differs from what govnet rendered for the attachment
    unfiled_private_network = "unfiled_private_network"  # Art. 23: route outside the plan


class FindingState(StrEnum):
    open = "open"
    acknowledged = "acknowledged"
    resolved = "resolved"


class Severity(StrEnum):
    high = "high"
    medium = "medium"
    low = "low"


class Scan(SQLModel, table=True):
    """One scan run: who, when, which devices, and each failed device's error."""

    __tablename__ = "compliance_scan"

    id: int | None = Field(default=None, primary_key=True)
    actor: str = Field(max_length=64)
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    devices: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    errors: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    counts: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Evidence(SQLModel, table=True):
    """What one device showed in one scan: parsed facts and its config snapshot."""

    __tablename__ = "compliance_evidence"
    __table_args__ = (Index("ix_compliance_evidence_device_taken", "device_id", "taken_at"),)

    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(sa_column=Column(
        Integer, ForeignKey("compliance_scan.id", ondelete="CASCADE"), nullable=False,
        index=True))
    device_id: int = Field(sa_column=Column(
        Integer, ForeignKey("device.id", ondelete="CASCADE"), nullable=False))
    device: str = Field(max_length=64)
    taken_at: datetime = Field(default_factory=utcnow)
    facts: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    snapshot_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("configsnapshot.id", ondelete="SET NULL"), nullable=True))


class Finding(SQLModel, table=True):
    """Something on the network that the plan, the requests or the filings do not explain."""

    __tablename__ = "compliance_finding"
    __table_args__ = (Index("ix_compliance_finding_state_type", "state", "type"),)

    id: int | None = Field(default=None, primary_key=True)
    fingerprint: str = Field(max_length=64, unique=True)
    type: str = Field(max_length=32)
    severity: str = Field(max_length=8)
    device: str = Field(max_length=64, index=True)
    interface: str = Field(default="", max_length=80)
    vlan: int | None = None
    vrf: str = Field(default="", max_length=64)  # device VRF ("" = global table)
    prefix: str = Field(default="", max_length=64)
    detail: str = Field(max_length=500)  # one line: what is wrong
    evidence: str = Field(default="", sa_column=Column(Text, nullable=False))
    district_id: int | None = Field(default=None, foreign_key="district.id", index=True)
    request_id: int | None = None  # the connection request it concerns, if any
    state: str = Field(default=FindingState.open.value, max_length=16)
    first_seen: datetime = Field(default_factory=utcnow)
    last_seen: datetime = Field(default_factory=utcnow)
    last_scan_id: int | None = None
    resolved_at: datetime | None = None
    acknowledged_by: str | None = Field(default=None, max_length=64)
    acknowledged_at: datetime | None = None
    isolated: bool = False
    isolation_doc: str | None = Field(default=None, max_length=128)
    isolated_by: str | None = Field(default=None, max_length=64)
    isolated_at: datetime | None = None
    isolation_job_id: int | None = None
    restored_at: datetime | None = None
