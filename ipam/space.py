"""Pure address-space arithmetic over netaddr objects (no database, no UI).

Free space is kept as maximal, naturally aligned CIDR blocks (buddy style): a
best fit is the smallest free block that holds the asked length, the lowest
among equals; taking a block out of a free block leaves one buddy per level;
freeing a block merges it with its buddy while the buddy is free.

>>> hosts_to_prefixlen(50, 4)
26
>>> [str(n) for n in carve(IPNetwork("10.0.0.0/24"), IPNetwork("10.0.0.64/26"))]
['10.0.0.0/26', '10.0.0.128/25']
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from netaddr import AddrFormatError, IPAddress, IPNetwork, IPSet

from govnet.errors import InvalidInput

BITS = {4: 32, 6: 128}
KEY_BYTES = 16


def parse_cidr(text: str) -> IPNetwork:
    """A CIDR typed by a user: must be a network address (no host bits)."""
    raw = text.strip()
    if "/" not in raw:
        raise InvalidInput(f"{text!r} is not a CIDR prefix (expected e.g. 10.20.0.0/16)")
    try:
        net = IPNetwork(raw)
    except (AddrFormatError, ValueError, TypeError):
        raise InvalidInput(f"{text!r} is not a valid CIDR prefix") from None
    if net.ip != net.network:
        raise InvalidInput(f"{text} has host bits set; did you mean {net.cidr}?")
    return net.cidr


def parse_address(text: str) -> IPAddress:
    try:
        return IPAddress(text.strip())
    except (AddrFormatError, ValueError, TypeError):
        raise InvalidInput(f"{text!r} is not a valid IP address") from None


def parse_size(text: str, version: int) -> int:
    """A prefix length from ``/N``, ``N`` or an IPv4 netmask, checked against ``version``.

    >>> parse_size("/26", 4), parse_size("255.255.255.0", 4), parse_size("64", 6)
    (26, 24, 64)
    """
    raw = text.strip()
    if "." in raw:
        if version == 6:
            raise InvalidInput(f"size {raw} is an IPv4 netmask but the space is IPv6")
        try:
            mask = IPAddress(raw)
        except (AddrFormatError, ValueError):
            raise InvalidInput(f"size {raw!r} is not a netmask") from None
        if not mask.is_netmask():
            raise InvalidInput(f"size {raw} is not a contiguous netmask")
        return mask.netmask_bits()
    if not re.fullmatch(r"/?[0-9]{1,3}", raw, re.ASCII):  # int() takes "２８", "٢٨", "/ 28"
        raise InvalidInput(f"size {raw!r} is not a prefix length like /24")
    length = int(raw.removeprefix("/"))
    bits = BITS[version]
    if not 0 < length <= bits:
        family = "IPv4" if version == 4 else "IPv6"
        raise InvalidInput(f"size /{length} is not an {family} prefix length (1–{bits})")
    return length


def hosts_to_prefixlen(hosts: int, version: int) -> int:
    """The prefix length of a LAN for ``hosts`` hosts.

    IPv4 needs hosts + 2 addresses (network and broadcast); an IPv6 LAN is a /64.

    >>> hosts_to_prefixlen(2, 4), hosts_to_prefixlen(254, 4), hosts_to_prefixlen(255, 4)
    (30, 24, 23)
    >>> hosts_to_prefixlen(1000, 6)
    64
    """
    if hosts < 1:
        raise InvalidInput(f"--hosts must be at least 1, not {hosts}")
    if version == 6:
        return 64
    needed = hosts + 2
    length = 32 - (needed - 1).bit_length()
    if length < 1:
        raise InvalidInput(f"{hosts} hosts do not fit in any IPv4 prefix")
    return length


def key(value: int) -> bytes:
    """A 16-byte big-endian key: range columns that sort like the addresses."""
    return value.to_bytes(KEY_BYTES, "big")


def unkey(raw: bytes) -> int:
    return int.from_bytes(raw, "big")


def network_of(version: int, first: int, prefixlen: int) -> IPNetwork:
    return IPNetwork((first, prefixlen), version=version)


def size_of(version: int, prefixlen: int) -> int:
    return 1 << (BITS[version] - prefixlen)


def best_fit(free: Iterable[IPNetwork], prefixlen: int) -> IPNetwork | None:
    """The smallest free block that can hold a /prefixlen, lowest address among equals."""
    fitting = [b for b in free if b.prefixlen <= prefixlen]
    if not fitting:
        return None
    return min(fitting, key=lambda b: (-b.prefixlen, b.first))


def carve(block: IPNetwork, target: IPNetwork) -> list[IPNetwork]:
    """What stays free of ``block`` once ``target`` (inside it) is taken: one buddy per level.

    >>> [str(n) for n in carve(IPNetwork("10.0.0.0/22"), IPNetwork("10.0.0.0/24"))]
    ['10.0.1.0/24', '10.0.2.0/23']
    """
    if target not in block:
        raise ValueError(f"{target} is not inside {block}")
    rest: list[IPNetwork] = []
    current = block
    while current.prefixlen < target.prefixlen:
        low, high = current.subnet(current.prefixlen + 1)
        if target in low:
            rest.append(high)
            current = low
        else:
            rest.append(low)
            current = high
    return sorted(rest, key=lambda n: n.first)


def buddy(net: IPNetwork) -> IPNetwork:
    """The other half of ``net``'s supernet."""
    return network_of(net.version, net.first ^ net.size, net.prefixlen)


def supernet(net: IPNetwork) -> IPNetwork:
    return net.supernet(net.prefixlen - 1)[-1]


def free_blocks(parent: IPNetwork, children: Iterable[IPNetwork]) -> list[IPNetwork]:
    """The set-difference method: every free CIDR block of ``parent``.

    This is what NetBox computes on each request; govnet keeps the result in a
    table instead and uses this only to build that table and as a reference.
    """
    return list((IPSet([parent]) - IPSet(children)).iter_cidrs())


def reference_allocate(parent: IPNetwork, children: Iterable[IPNetwork], prefixlen: int
                       ) -> IPNetwork | None:
    """Best fit by set difference over all children (for tests and the benchmark)."""
    block = best_fit(free_blocks(parent, children), prefixlen)
    return None if block is None else take(block, prefixlen)


def take(block: IPNetwork, prefixlen: int) -> IPNetwork:
    """The lowest /prefixlen inside a free block."""
    return network_of(block.version, block.first, prefixlen)


def usage_text(version: int, used: int, size: int) -> str:
    """``used/size`` for people: IPv4 in addresses, IPv6 in /64 subnets (in /48 sites
    when a block holds more than 65,536 /64s), counting a partly used unit as used.

    >>> usage_text(4, 480, 65536)
    '480/65,536'
    >>> usage_text(6, 3 * 2**64, 2**80)
    '3/65,536 ×/64'
    >>> usage_text(6, 2**64 + 1, 2**88)
    '1/256 ×/48'
    """
    if version == 4:
        return f"{used:,}/{size:,}"
    unit = 64 if size <= 2**16 * 2**64 else 48
    per = 2 ** (128 - unit)
    return f"{-(-used // per):,}/{-(-size // per):,} ×/{unit}"
