"""Longest-match lookup of one address: which prefix holds 10.80.1.5?

One indexed range query per zone (``ix_prefix_range``): the smallest prefix whose
range covers the address, among those the actor may read.
"""

from __future__ import annotations

from netaddr import AddrFormatError, IPAddress
from sqlmodel import Session, col, select

from govnet.auth import Actor
from govnet.errors import InvalidInput, NotFound
from ipam import service, space
from ipam.models import Prefix


def parse_address(text: str) -> IPAddress:
    """An IPv4 or IPv6 address, or InvalidInput.

    >>> str(parse_address(" 10.80.1.5 "))
    '10.80.1.5'
    """
    try:
        return IPAddress(text.strip())
    except (AddrFormatError, ValueError, TypeError):
        raise InvalidInput(f"{text!r} is not a valid IP address") from None


def lookup(session: Session, actor: Actor, address: str, *, vrf: str | None = None
           ) -> list[Prefix]:
    """The innermost visible prefix holding ``address`` in each zone (or in ``vrf``)."""
    ip = parse_address(address)
    zones = [service.get_vrf(session, vrf)] if vrf else service.list_vrfs(session)
    found: list[Prefix] = []
    at = space.key(int(ip))
    for zone in zones:
        rows = session.scalars(
            select(Prefix)
            .where(col(Prefix.vrf_id) == zone.id, col(Prefix.version) == ip.version,
                   col(Prefix.first) <= at, col(Prefix.last) >= at)
            .order_by(col(Prefix.prefixlen).desc()))
        best = next((p for p in rows if service.visible(actor, p)), None)
        if best is not None:
            found.append(best)
    if not found:
        raise NotFound(f"no prefix holds {ip}" + (f" in VRF {vrf}" if vrf else ""))
    return found
