"""Access tables: connection requests and their zones, provisioning jobs, private networks.

A :class:`ConnectionRequest` is a unit's written application to connect (Art. 24);
it names one or more zones (:class:`RequestZone`), each of which provisioning
fills with what it allocated and configured (VLAN, device/port, prefixes,
addresses). A :class:`Job` is one provisioning run on one device, with its
:class:`JobStep` log; a crashed worker is detected through ``worker_pid`` /
``worker_host`` / ``heartbeat_at``. A :class:`PrivateNetwork` is a filed
(retained) or applied-for non-classified private network (Art. 23/24).

Devices and ports are referred to by name (the inventory's unique device name
and the port's interface name), so access does not depend on inventory rows
existing for demo or historical requests. Prefix references keep the CIDR text
beside the id: a released prefix row may disappear once its quarantine ends,
but the request keeps the record of what it was given.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from govnet.models import utcnow


class RequestState(StrEnum):
    """DESIGN.md's connection request states."""

    draft = "draft"
    submitted = "submitted"
    returned = "returned"          # incomplete: missing items listed, applicant resubmits
    approved = "approved"          # approval document recorded
    rejected = "rejected"
    withdrawn = "withdrawn"
    provisioning = "provisioning"
    connected = "connected"
    failed = "failed"              # provisioning failed: retry or roll back
    disconnecting = "disconnecting"
    disconnected = "disconnected"  # addresses quarantined


class AttachModel(StrEnum):
    gateway = "gateway"  # the aggregation router is the unit LAN's gateway
    routed = "routed"    # an interconnect /30|/31 plus a route to the unit's LAN


class Families(StrEnum):
    """The address families a request connects with."""

    ipv4 = "ipv4"
    ipv6 = "ipv6"
    dual = "dual"

    @property
    def versions(self) -> tuple[int, ...]:
        return {"ipv4": (4,), "ipv6": (6,), "dual": (4, 6)}[self.value]


class ZoneState(StrEnum):
    planned = "planned"        # nothing allocated yet
    allocated = "allocated"    # prefixes and addresses reserved in IPAM
    configured = "configured"  # pushed to the device
    verified = "verified"      # verification passed; in service
    removed = "removed"        # detached; addresses released into quarantine
    failed = "failed"


class JobKind(StrEnum):
    attach = "attach"
    detach = "detach"
    isolate = "isolate"
    restore = "restore"


class JobState(StrEnum):
    pending = "pending"
    running = "running"
    pushed = "pushed"
    verified = "verified"
    committed = "committed"
    rolled_back = "rolled_back"
    failed = "failed"


JOB_FINAL = frozenset({JobState.committed, JobState.rolled_back, JobState.failed})


class StepState(StrEnum):
    pending = "pending"
    running = "running"
    ok = "ok"
    failed = "failed"
    skipped = "skipped"


class PrivateNetworkKind(StrEnum):
    filed = "filed"      # an existing network kept and filed (备案), Art. 23
    applied = "applied"  # a new one whose technical and security plan needs approval, Art. 24


class PrivateNetworkState(StrEnum):
    filed = "filed"
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


def _text_column() -> Column:
    return Column(Text, nullable=True)


def _prefix_fk() -> Column:
    # A released prefix row may be deleted when its quarantine ends: keep the request.
    return Column(Integer, ForeignKey("prefix.id", ondelete="SET NULL"), nullable=True)


class ConnectionRequest(SQLModel, table=True):
    """A unit's written application to connect to the extranet (Art. 10, 24)."""

    __tablename__ = "connection_request"
    __table_args__ = (Index("ix_connection_request_state_district", "state", "district_id"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    district_id: int | None = Field(default=None, foreign_key="district.id")  # the unit's
    contact: str = Field(max_length=200)
    purpose: str = Field(max_length=500)
    site: str = Field(max_length=200)
    hosts: int | None = None  # as asked (--hosts); prefixlen is what it resolves to
    prefixlen: int            # the unit LAN's length in the zone's primary family
    family: int = 4           # the family of ``prefixlen`` (IPv6 LANs are /64)
    families: str = Field(default="ipv4", max_length=8,  # ipv4 | ipv6 | dual (both)
                          sa_column_kwargs={"server_default": "ipv4"})
    model: str = Field(default=AttachModel.gateway.value, max_length=16)
    device: str | None = Field(default=None, max_length=64)  # requested attachment, optional
    port: str | None = Field(default=None, max_length=64)
    application_doc: str | None = Field(default=None, max_length=128)  # written application
    security_plan: str | None = Field(default=None, max_length=128)
    state: str = Field(default=RequestState.draft.value, max_length=16)
    submitted_by: str = Field(max_length=64)
    returned_items: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    return_count: int = 0
    returned_by: str | None = Field(default=None, max_length=64)
    correct_by: datetime | None = None  # Art. 10: corrections are due by then
    approval_doc: str | None = Field(default=None, max_length=128)  # 核准文件 number
    approver: str | None = Field(default=None, max_length=64)
    decided_by: str | None = Field(default=None, max_length=64)  # approve/reject/withdraw
    reject_reason: str | None = Field(default=None, max_length=500)
    last_error: str | None = Field(default=None, sa_column=_text_column())  # provisioning failure
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    submitted_at: datetime | None = None
    returned_at: datetime | None = None
    decided_at: datetime | None = None
    connected_at: datetime | None = None
    disconnected_at: datetime | None = None


class RequestZone(SQLModel, table=True):
    """One zone of a request: its own VLAN subinterface, addresses and VPN binding."""

    __tablename__ = "request_zone"
    __table_args__ = (UniqueConstraint("request_id", "vrf_id", name="uq_request_zone_request_vrf"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(sa_column=Column(
        Integer, ForeignKey("connection_request.id", ondelete="CASCADE"), nullable=False,
        index=True))
    vrf_id: int = Field(foreign_key="vrf.id")
    position: int = 0  # order given on the command line
    state: str = Field(default=ZoneState.planned.value, max_length=16)
    # Filled by provisioning:
    device: str | None = Field(default=None, max_length=64)
    port: str | None = Field(default=None, max_length=64)  # the parent interface
    vlan: int | None = None
    subinterface: str | None = Field(default=None, max_length=80)
    lan_prefix_id: int | None = Field(default=None, sa_column=_prefix_fk())
    lan_cidr: str | None = Field(default=None, max_length=64)
    lan6_prefix_id: int | None = Field(default=None, sa_column=_prefix_fk())
    lan6_cidr: str | None = Field(default=None, max_length=64)
    interconnect_prefix_id: int | None = Field(default=None, sa_column=_prefix_fk())
    interconnect_cidr: str | None = Field(default=None, max_length=64)
    interconnect6_prefix_id: int | None = Field(default=None, sa_column=_prefix_fk())
    interconnect6_cidr: str | None = Field(default=None, max_length=64)
    gateway4: str | None = Field(default=None, max_length=64)  # router's LAN address, with /len
    gateway6: str | None = Field(default=None, max_length=64)
    local4: str | None = Field(default=None, max_length=64)    # router's interconnect end
    local6: str | None = Field(default=None, max_length=64)
    peer4: str | None = Field(default=None, max_length=64)     # the unit router's end
    peer6: str | None = Field(default=None, max_length=64)
    acl: str | None = Field(default=None, max_length=32)       # number or name as rendered
    updated_at: datetime = Field(default_factory=utcnow)


class Job(SQLModel, table=True):
    """One provisioning, disconnection, isolation or restore run on one device."""

    __table_args__ = (Index("ix_job_request_state", "request_id", "state"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("connection_request.id", ondelete="CASCADE"), nullable=True))
    finding_id: int | None = None  # isolate/restore of a compliance finding
    kind: str = Field(max_length=16)
    device: str = Field(max_length=64)
    state: str = Field(default=JobState.pending.value, max_length=16)
    dry_run: bool = False
    actor: str = Field(max_length=64)  # who started it
    rendered: str | None = Field(default=None, sa_column=_text_column())
    diff: str | None = Field(default=None, sa_column=_text_column())
    rollback: str | None = Field(default=None, sa_column=_text_column())
    checkpoint: str | None = Field(default=None, sa_column=_text_column())
    error: str | None = Field(default=None, sa_column=_text_column())
    worker_pid: int | None = None
    worker_host: str | None = Field(default=None, max_length=255)
    heartbeat_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None


class JobStep(SQLModel, table=True):
    """One step of a job (connect, checkpoint, push, verify, commit, rollback…)."""

    __tablename__ = "job_step"
    __table_args__ = (UniqueConstraint("job_id", "seq", name="uq_job_step_job_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(sa_column=Column(
        Integer, ForeignKey("job.id", ondelete="CASCADE"), nullable=False, index=True))
    seq: int
    name: str = Field(max_length=64)
    state: str = Field(default=StepState.pending.value, max_length=16)
    output: str | None = Field(default=None, sa_column=_text_column())  # secrets redacted
    started_at: datetime | None = None
    finished_at: datetime | None = None


class PrivateNetwork(SQLModel, table=True):
    """A non-classified private network: filed and kept (Art. 23) or applied for (Art. 24)."""

    __tablename__ = "private_network"
    __table_args__ = (UniqueConstraint("owner_id", "name", name="uq_private_network_owner_name"),)

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="unit.id", index=True)
    district_id: int | None = Field(default=None, foreign_key="district.id")  # the owner's
    name: str = Field(max_length=128)
    vrf_id: int | None = Field(default=None, foreign_key="vrf.id")  # zone it interconnects with
    prefixes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    interconnection: str = Field(max_length=200)  # the interconnection point
    kind: str = Field(max_length=16)
    plan_ref: str | None = Field(default=None, max_length=128)  # technical and security plan
    state: str = Field(max_length=16)
    approval_doc: str | None = Field(default=None, max_length=128)
    decided_by: str | None = Field(default=None, max_length=64)
    reason: str | None = Field(default=None, max_length=500)  # rejection reason
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    decided_at: datetime | None = None
