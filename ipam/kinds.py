"""The address plan's value kinds: prefix status and purpose, application status.

Plain enums with no database code, so the Core allocation path imports them without
the ORM; ``ipam.models`` re-exports them.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    container = "container"      # a municipal pool
    delegated = "delegated"      # a district's block
    allocated = "allocated"
    reserved = "reserved"
    quarantined = "quarantined"  # released; not allocatable until quarantine_until


PARENT_STATUSES = (Status.container, Status.delegated)


class Purpose(StrEnum):
    lan = "lan"
    interconnect = "interconnect"
    loopback = "loopback"
    mgmt = "mgmt"
    other = "other"


class ApplicationStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"
