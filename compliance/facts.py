"""The plain data reconciliation works on: device facts, plan entries, attachments, findings.

Frozen dataclasses with no database or device behind them, so the scan, the
service, the tests and the TUI can build and read them freely.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from netaddr import IPNetwork

SEVERITY = {"unapproved": "high", "conflict": "high", "unfiled_private_network": "high",
            "stale": "medium", "drift": "low"}


@dataclass(frozen=True)
class Iface:
    """One interface as the device showed it (addresses as CIDR with the host part)."""

    name: str
    addresses: tuple[str, ...] = ()
    vrf: str = ""
    vlan: int | None = None
    description: str = ""
    up: bool | None = None
    config: tuple[str, ...] = ()  # its running-config lines, the evidence shown to people


@dataclass(frozen=True)
class Route:
    """A static route (configured or active) of a device."""

    prefix: str
    nexthop: str = ""
    vrf: str = ""
    interface: str = ""
    line: str = ""  # the config line, when it came from the running config


@dataclass(frozen=True)
class DeviceFacts:
    device: str
    platform: str
    district: str | None = None
    interfaces: tuple[Iface, ...] = ()
    routes: tuple[Route, ...] = ()
    running: str = ""  # the running config (drift compares it with the rendered lines)
    #: The routing tables read, as (VRF, IP version); None: every table (vtysh's
    #: ``vrf all``, and evidence stored before tables were recorded).
    route_tables: frozenset[tuple[str, int]] | None = None

    def iface(self, name: str | None) -> Iface | None:
        return next((i for i in self.interfaces if i.name == name), None)

    def read_table(self, vrf: str, version: int) -> bool:
        """Whether the routes of ``vrf``'s IPv``version`` table were collected.

        >>> DeviceFacts("r1", "huawei_vrp", route_tables=frozenset({("", 4)})).read_table("ZW", 4)
        False
        """
        return self.route_tables is None or (vrf, version) in self.route_tables


@dataclass(frozen=True)
class PlanEntry:
    """A prefix of the address plan, keyed by the device VRF its zone maps to."""

    cidr: str
    vrf: str
    status: str
    owner: str | None = None
    district: str | None = None
    purpose: str = "other"


@dataclass(frozen=True)
class Attachment:
    """One zone of a connection request: where it is and what govnet rendered for it."""

    request: int
    state: str
    device: str | None
    interface: str | None
    vrf: str = ""
    address: str | None = None  # the router's address on the interface, with /len
    prefixes: tuple[str, ...] = ()  # what the zone holds (LAN, interconnect)
    routes: tuple[str, ...] = ()  # static routes of the routed model (the LANs)
    rendered: tuple[str, ...] = ()  # this zone's lines of the committed attach job
    unit: str | None = None
    district: str | None = None


@dataclass(frozen=True)
class Found:
    type: str
    device: str
    interface: str
    prefix: str
    detail: str
    evidence: str = ""
    vrf: str = ""
    vlan: int | None = None
    district: str | None = None
    request: int | None = None

    @property
    def severity(self) -> str:
        return SEVERITY[self.type]

    @property
    def fingerprint(self) -> str:
        """Stable identity across scans: type, device, interface, VRF, prefix."""
        key = "|".join((self.type, self.device, self.interface, self.vrf, self.prefix))
        return hashlib.sha256(key.encode()).hexdigest()


def _net(text: str) -> IPNetwork | None:
    try:
        return IPNetwork(text)
    except Exception:  # noqa: BLE001 - a device's odd string is skipped, not fatal
        return None


def scannable(address: str) -> bool:
    """Addresses that say nothing about the extranet: link-local and host loopback.

    >>> scannable("fe80::1/64"), scannable("127.0.0.1/8"), scannable("10.1.1.1/30")
    (False, False, True)
    """
    net = _net(address)
    return net is not None and not (net.ip.is_link_local() or net.ip.is_loopback())
