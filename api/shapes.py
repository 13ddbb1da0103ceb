"""The JSON shapes the routes answer with, for the OpenAPI document.

They describe what the serializers the CLI's ``--json`` uses already return
(``ipam.view.prefix_dict``, ``access.workflow.request_dict``, ``api.netbox``…); the
routes keep returning those dicts, so the shapes document, they do not filter (a key
added to a serializer shows up in the answer, ``additionalProperties`` allows it).
Schemathesis' ``response_schema_conformance`` check holds the two together
(govnet_tests/api/test_fuzz.py).
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


class Shape(BaseModel):
    model_config = ConfigDict(extra="allow")


def ok(model: Any, status: int = 200) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route answering ``model`` with ``status``."""
    return {status: {"model": model, "description": "Success."}}


class Page(Shape, Generic[T]):
    """One page of a list: NetBox's (and Django REST framework's) shape."""

    count: int
    next: str | None
    previous: str | None
    results: list[T]


# -- govnet's own shapes (the CLI's --json) --------------------------------------------------

class Vrf(Shape):
    name: str
    description: str
    device_name: str | None
    rd: str | None
    rt: str | None


class Prefix(Shape):
    id: int
    prefix: str
    vrf: str | None
    status: str
    district: str | None
    owner: str | None
    purpose: str | None
    description: str | None
    quarantine_until: str | None


class Usage(Shape):
    prefix: str
    vrf: str | None
    status: str
    district: str | None
    size: int
    used: int
    free: int
    child_count: int
    percent: float


class PrefixWithUsage(Prefix):
    size: int
    used: int
    free: int
    child_count: int
    percent: float


class Released(Shape):
    prefix: str
    status: str


class Application(Shape):
    id: int
    district: str | None
    vrf: str | None
    size: str
    family: int
    reason: str
    status: str
    applicant: str
    prefix: str | None
    decided_by: str | None
    decision_reason: str | None
    created_at: str


class ConnectionRequest(Shape):
    id: int
    unit: str | None
    district: str | None
    state: str
    zones: list[dict[str, Any]]
    hosts: int | None
    size: str
    site: str
    contact: str
    purpose: str
    submitted_by: str
    returned_items: list[Any]
    return_count: int


class Device(Shape):
    name: str
    platform: str
    host: str
    port: int
    district: str | None
    demo: bool


class Snapshot(Shape):
    id: int
    taken_at: str
    sha256: str
    by: str


class Finding(Shape):
    id: int
    severity: str
    type: str
    state: str
    device: str
    district: str | None


class AuditEvent(Shape):
    seq: int
    at: str
    actor: str
    action: str
    object: str
    before: Any = None
    after: Any = None


class JobStarted(Shape):
    job: int
    request: int
    state: str
    url: str


# -- NetBox's shapes --------------------------------------------------------------------------

class Choice(Shape):
    value: Any
    label: str


class NestedVrf(Shape):
    id: int
    url: str
    display: str | None
    name: str | None
    rd: str | None


class NbVrf(NestedVrf):
    description: str
    custom_fields: dict[str, Any]


class NbTenant(Shape):
    id: int | None
    name: str | None


class NbPrefix(Shape):
    id: int
    url: str
    display: str
    family: Choice
    prefix: str
    vrf: NestedVrf
    tenant: NbTenant | None
    status: Choice
    is_pool: bool
    description: str | None
    custom_fields: dict[str, Any]


class NbIpAddress(Shape):
    id: int
    display: str
    family: Choice
    address: str
    vrf: NestedVrf
    status: Choice
    description: str | None
    custom_fields: dict[str, Any]


class NbAvailablePrefix(Shape):
    family: int
    prefix: str
    vrf: NestedVrf


class NbAvailableIp(Shape):
    family: int
    address: str
    vrf: NestedVrf


# -- users, organization, tokens, audit (govnet user|org|token|audit --json) ------------------

class UserOut(Shape):
    name: str
    role: str
    district: str | None
    unit: str | None


class OrgList(Shape):
    districts: list[dict[str, Any]]
    units: list[dict[str, Any]]


class Renamed(Shape):
    name: str


class ApiToken(Shape):
    id: int
    key: str
    user: str | None
    read_only: bool
    description: str
    state: str
    expires_at: str | None
    revoked_at: str | None


class ApiTokenCreated(ApiToken):
    token: str


class AuditHead(Shape):
    head: str
    seq: int
    chains: Any


class ImportResult(Shape):
    created: list[Any]
    pools: list[Any]
    skipped: list[dict[str, str]]
    addresses: int


class Outcome(Shape):
    """What a provisioning, disconnection or resume run did (``--json`` of those commands)."""

    request: int
    kind: str
    state: str
    device: str | None
    job: int | None
    lines: list[str]
    error: str | None
    exit_code: int


class EnforcementOutcome(Shape):
    """What an isolate/restore/resume of a finding did (Art. 40)."""

    finding: int
    kind: str
    state: str
    device: str
    interface: str
    job: int | None
    lines: list[str]
    error: str | None
    exit_code: int


class PrivateNetwork(Shape):
    id: int
    owner: str | None
    name: str
    prefixes: list[str]
    state: str


class CpeConfig(Shape):
    lines: list[str]


class Port(Shape):
    """A device port (``inventory ports list``: ``name``; ``ports add``: ``port``)."""

    vlans: str


class ContactResult(Shape):
    device: str
    ok: bool
    error: str | None = None


class ScanReport(Shape):
    scan: int
    devices: list[dict[str, Any]]
