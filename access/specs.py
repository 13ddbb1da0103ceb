"""Typed, validated inputs of access rendering: one zone attachment of a unit.

Every value that reaches a template in ``configs/`` passes through here first:
addresses become netaddr objects and are checked against each other, names are
matched against per-platform patterns, free text is held to a safe character set.
A bad value raises :class:`govnet.errors.InvalidInput` (exit 2) naming the field,
before anything is rendered. Per-platform differences live in ``PLATFORMS``.

Examples:
    >>> spec = AttachSpec(platform="frr", model="routed", parent_interface="ethu1",
    ...     vlan=100, description="市教育局 GOV-UNIT-A",
    ...     ipv4=FamilySpec(interconnect="10.1.1.0/30", local="10.1.1.1",
    ...                     next_hop="10.1.1.2", lans=("192.168.20.0/24",)))
    >>> spec.subinterface, str(spec.ipv4.iface), [str(n) for n in spec.ipv4.permits]
    ('ethu1.100', '10.1.1.1/30', ['192.168.20.0/24', '10.1.1.2/32'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from netaddr import AddrFormatError, IPAddress, IPNetwork

from govnet.confignames import check_identifier, check_rd
from govnet.errors import InvalidInput

MODELS = ("gateway", "routed")
MAX_DESCRIPTION = 80
MAX_LANS = 16  # keeps ACL rule ids (5, 10, … ) below the final deny at rule 100

_NUM = r"\d{1,3}(?:/\d{1,3}){0,3}"


@dataclass(frozen=True)
class PlatformRules:
    """What differs per platform in the inputs (templates hold the syntax)."""

    interface: re.Pattern[str]  # fullmatch; groups ``kind`` and ``num``
    separator: str  # canonical text between kind and number ("GigabitEthernet 0/1")
    acl: Literal["number", "name"] | None  # how the inbound filter is named
    vlan_interface: str | None  # switch form of the unit's L3 interface, or None
    max_ifname: int = 63


PLATFORMS: dict[str, PlatformRules] = {
    "frr": PlatformRules(
        re.compile(r"(?P<kind>[a-z][a-z0-9_-]{0,8}?)(?P<num>\d{0,4})"), "", None, None, 15),
    "huawei_vrp": PlatformRules(re.compile(
        r"(?P<kind>GigabitEthernet|XGigabitEthernet|Ethernet|GE|10GE|25GE|40GE|100GE"
        rf"|Eth-Trunk) ?(?P<num>{_NUM})"), "", "number", "Vlanif{vlan}"),
    "huawei_vrpv8": PlatformRules(re.compile(
        r"(?P<kind>GigabitEthernet|Ethernet|GE|10GE|25GE|40GE|50GE|100GE|200GE|400GE"
        rf"|Eth-Trunk) ?(?P<num>{_NUM})"), "", "number", "Vlanif{vlan}"),
    "huawei_ce": PlatformRules(re.compile(  # CloudEngine port names: 10GE1/0/1, Eth-Trunk1
        rf"(?P<kind>GE|10GE|25GE|40GE|100GE|200GE|400GE|Eth-Trunk) ?(?P<num>{_NUM})"),
        "", "number", "Vlanif{vlan}"),
    "h3c_comware": PlatformRules(re.compile(
        r"(?P<kind>GigabitEthernet|Ten-GigabitEthernet|Twenty-FiveGigE|FortyGigE"
        rf"|HundredGigE|Route-Aggregation|Bridge-Aggregation) ?(?P<num>{_NUM})"), "", "number",
        "Vlan-interface{vlan}"),
    "cisco_ios": PlatformRules(re.compile(
        r"(?P<kind>GigabitEthernet|TenGigabitEthernet|FastEthernet|Ethernet"
        rf"|TwentyFiveGigE|FortyGigabitEthernet|HundredGigE|Port-channel) ?(?P<num>{_NUM})"),
        "", "name", "Vlan{vlan}"),
    "ruijie_os": PlatformRules(re.compile(
        r"(?P<kind>GigabitEthernet|TenGigabitEthernet|FastEthernet|TFGigabitEthernet"
        rf"|FortyGigabitEthernet|HundredGigabitEthernet|AggregatePort) ?(?P<num>{_NUM})"),
        " ", "name", "VLAN {vlan}"),
}


@dataclass(frozen=True)
class FamilyRules:
    """What differs between IPv4 and IPv6 in the checks."""

    links: tuple[int, int]  # interconnect lengths (the longer one is point-to-point)
    longest_lan: int  # a gateway LAN must leave room for hosts
    broadcast: bool  # whether the top address of a subnet is reserved


FAMILIES = {4: FamilyRules((30, 31), 30, True), 6: FamilyRules((126, 127), 126, False)}

# Safe description text: ASCII letters and digits, CJK ideographs, space, a few
# ASCII marks, and CJK punctuation that no CLI parses (and whose NFKC form is safe).
_DESC_MARKS = frozenset(" -_.:/()、。：（）《》【】—·")
_CJK = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x3007, 0x3007))


def description_char_ok(ch: str) -> bool:
    """Whether ``ch`` may appear in a description (the one place the charset lives)."""
    if ch.isascii():
        return ch.isalnum() or ch in _DESC_MARKS
    return ch in _DESC_MARKS or any(lo <= ord(ch) <= hi for lo, hi in _CJK)


def check_description(text: object, field: str = "description") -> str:
    """Return ``text`` if it is safe free text for a config line, else raise InvalidInput.

    >>> check_description("x; reload")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    govnet.errors.InvalidInput: description: character ';' (U+003B) is not allowed; ...
    """
    if not isinstance(text, str) or not text:
        raise InvalidInput(f"{field}: must be non-empty text")
    if len(text) > MAX_DESCRIPTION:
        raise InvalidInput(f"{field}: {len(text)} characters, at most {MAX_DESCRIPTION}")
    for ch in text:
        if not description_char_ok(ch):
            shown = repr(ch) if ch.isprintable() else "a control character"
            raise InvalidInput(
                f"{field}: character {shown} (U+{ord(ch):04X}) is not allowed; use letters, "
                "digits, CJK, space and - _ . : / ( ) 、。：（）《》【】—·")
    if text != text.strip(" ") or "  " in text:
        raise InvalidInput(f"{field}: no leading, trailing or doubled spaces")
    return text


def _network(value: object, version: int, field: str, *, host_ok: bool = False) -> IPNetwork:
    if isinstance(value, str) and "/" not in value:
        raise InvalidInput(f"{field}: {value!r} needs a prefix length (e.g. 10.20.1.0/24)")
    try:
        net = value if isinstance(value, IPNetwork) else IPNetwork(str(value))
    except (AddrFormatError, ValueError, TypeError):
        raise InvalidInput(f"{field}: {value!r} is not an IP network") from None
    if net.version != version:
        raise InvalidInput(f"{field}: {net} is IPv{net.version}, expected IPv{version}")
    if not host_ok and net.ip != net.network:
        raise InvalidInput(f"{field}: {net} has host bits set (did you mean {net.cidr}?)")
    return net


def _address(value: object, version: int, field: str) -> IPAddress:
    try:
        addr = value if isinstance(value, IPAddress) else IPAddress(str(value))
    except (AddrFormatError, ValueError, TypeError):
        raise InvalidInput(f"{field}: {value!r} is not an IP address") from None
    if addr.version != version:
        raise InvalidInput(f"{field}: {addr} is IPv{addr.version}, expected IPv{version}")
    return addr


def _usable(addr: IPAddress, net: IPNetwork, field: str) -> None:
    """``addr`` must be a host address of ``net`` (network/broadcast only on /31, /127)."""
    if addr not in net:
        raise InvalidInput(f"{field}: {addr} is not inside {net.cidr}")
    rules = FAMILIES[net.version]
    reserved = {net.network, net.broadcast} if rules.broadcast else {net.network}
    if net.prefixlen < rules.links[1] and addr in reserved:
        raise InvalidInput(f"{field}: {addr} is the network or broadcast address of {net.cidr}")


@dataclass(frozen=True, kw_only=True)
class FamilySpec:
    """One address family of an attachment (strings are accepted and converted).

    gateway model: ``gateway`` is the router's address on the unit LAN with the
    LAN's length (``10.20.1.1/24``), or the bare address and the LAN as the one
    item of ``lans``. routed model: ``interconnect`` (/30–/31,
    /126–/127), the router's ``local`` end, the unit's ``next_hop`` end, and the
    unit ``lans`` routed behind it.
    """

    gateway: IPNetwork | None = None
    interconnect: IPNetwork | None = None
    local: IPAddress | None = None
    next_hop: IPAddress | None = None
    lans: tuple[IPNetwork, ...] = ()

    @property
    def iface(self) -> IPNetwork:
        """The router's interface address with its prefix length."""
        if self.gateway is not None:
            return self.gateway
        assert self.interconnect is not None and self.local is not None
        return IPNetwork(f"{self.local}/{self.interconnect.prefixlen}")

    @property
    def peer(self) -> IPNetwork:
        """The unit side's interface address (routed) with its prefix length."""
        assert self.interconnect is not None and self.next_hop is not None
        return IPNetwork(f"{self.next_hop}/{self.interconnect.prefixlen}")

    @property
    def sources(self) -> tuple[IPNetwork, ...]:
        """The unit LAN prefixes (what the unit may source traffic from)."""
        return (self.gateway.cidr,) if self.gateway is not None else self.lans

    @property
    def permits(self) -> tuple[IPNetwork, ...]:
        """Anti-spoofing permits: the LANs, then the next hop as a host route."""
        if self.next_hop is None:
            return self.sources
        return (*self.lans, IPNetwork(f"{self.next_hop}/{self.next_hop.netmask_bits()}"))

    def _checked_gateway(self, version: int, field: str) -> IPNetwork:
        """The gateway with its LAN length: ``10.20.1.1/24``, or ``10.20.1.1`` + one LAN."""
        lans = tuple(self.lans) if isinstance(self.lans, (tuple, list)) else (self.lans,)
        if len(lans) > 1:
            raise InvalidInput(f"{field}.lans: the gateway model has one LAN")
        lan = _network(lans[0], version, f"{field}.lans") if lans else None
        raw, name = self.gateway, f"{field}.gateway"
        if raw is None:
            raise InvalidInput(f"{name}: the gateway model needs the gateway address")
        if isinstance(raw, IPAddress) or (isinstance(raw, str) and "/" not in raw):
            if lan is None:
                raise InvalidInput(f"{name}: {raw} needs its LAN length (10.20.1.1/24) or lans")
            gw = IPNetwork(f"{_address(raw, version, name)}/{lan.prefixlen}")
        else:
            gw = _network(raw, version, name, host_ok=True)
        if lan is not None and gw.cidr != lan:
            raise InvalidInput(f"{name}: {gw} is not inside (or not the length of) the LAN {lan}")
        if gw.prefixlen > FAMILIES[version].longest_lan:
            raise InvalidInput(f"{name}: {gw} leaves no room for hosts on the LAN")
        _usable(gw.ip, gw.cidr, name)
        return gw

    def checked(self, model: str, version: int, field: str) -> FamilySpec:
        """A converted copy, or InvalidInput naming ``field.member``."""
        if model == "gateway":
            if any(getattr(self, n) is not None for n in ("interconnect", "local", "next_hop")):
                raise InvalidInput(f"{field}: the gateway model takes 'gateway' "
                                   "(e.g. 10.20.1.1/24) and at most one LAN in 'lans'")
            return FamilySpec(gateway=self._checked_gateway(version, field))
        if self.gateway is not None or None in (self.interconnect, self.local, self.next_hop):
            raise InvalidInput(f"{field}: the routed model takes interconnect, local, "
                               "next_hop and lans")
        link = _network(self.interconnect, version, f"{field}.interconnect")
        lengths = FAMILIES[version].links
        if link.prefixlen not in lengths:
            raise InvalidInput(f"{field}.interconnect: {link} must be a /{lengths[0]} "
                               f"or /{lengths[1]}")
        local = _address(self.local, version, f"{field}.local")
        hop = _address(self.next_hop, version, f"{field}.next_hop")
        _usable(local, link, f"{field}.local")
        _usable(hop, link, f"{field}.next_hop")
        if local == hop:
            raise InvalidInput(f"{field}: local and next_hop are both {local}")
        lans = self.lans if isinstance(self.lans, (tuple, list)) else (self.lans,)
        if not 1 <= len(lans) <= MAX_LANS:
            raise InvalidInput(f"{field}.lans: give 1 to {MAX_LANS} unit LAN prefixes")
        nets = tuple(_network(n, version, f"{field}.lans") for n in lans)
        for i, net in enumerate(nets):
            for other in (link, *nets[:i]):
                if net.first <= other.last and other.first <= net.last:
                    raise InvalidInput(f"{field}.lans: {net} overlaps {other}")
        return FamilySpec(interconnect=link, local=local, next_hop=hop, lans=nets)


@dataclass(frozen=True, kw_only=True)
class InterfaceSpec:
    """The unit's L3 interface on a device: enough to shut it down or bring it back.

    A router terminates the VLAN on a dot1q subinterface of ``parent_interface``;
    with ``switch`` the device is an L3 switch: the VLAN is carried on the
    (trunk) ``parent_interface`` and the L3 interface is the VLAN interface.
    """

    platform: str
    parent_interface: str
    vlan: int
    vrf: str | None = None  # VPN instance / VRF; None = the global table
    switch: bool = False

    def __post_init__(self) -> None:
        rules = platform_rules(self.platform)
        if isinstance(self.vlan, str) and self.vlan.isascii() and self.vlan.isdigit():
            object.__setattr__(self, "vlan", int(self.vlan))
        if type(self.vlan) is not int or not 1 <= self.vlan <= 4094:
            raise InvalidInput(f"vlan: {self.vlan!r} is not a VLAN id (1-4094)")
        m = rules.interface.fullmatch(self.parent_interface) if isinstance(
            self.parent_interface, str) else None
        if not m:
            raise InvalidInput(f"parent_interface: {self.parent_interface!r} is not an "
                               f"interface name on {self.platform}")
        object.__setattr__(self, "parent_interface", m["kind"] + rules.separator + m["num"])
        if len(self.subinterface) > rules.max_ifname:
            raise InvalidInput(f"parent_interface: {self.subinterface!r} is longer than "
                               f"{rules.max_ifname} characters")
        if self.vrf is not None:
            check_identifier(self.vrf, "vrf")
        if type(self.switch) is not bool or (self.switch and rules.vlan_interface is None):
            raise InvalidInput(f"switch: {self.platform} has no VLAN-interface (switch) form"
                               if self.switch is True else "switch: must be true or false")

    @property
    def subinterface(self) -> str:
        """The unit's L3 interface as the platform writes it (``GigabitEthernet0/0/1.100``;
        on a switch ``Vlanif100``, ``Vlan-interface100``, ``Vlan100``, ``VLAN 100``)."""
        form = PLATFORMS[self.platform].vlan_interface
        if self.switch and form is not None:
            return form.format(vlan=self.vlan)
        return f"{self.parent_interface}.{self.vlan}"


@dataclass(frozen=True, kw_only=True)
class AttachSpec(InterfaceSpec):
    """One zone attachment of a unit on an aggregation device, validated on creation.

    ``rd`` / ``route_target`` are used only by the separate VPN-instance template
    (``vrf.j2``); ``acl`` is a number 3000-3999 on Huawei/Comware, a name on
    IOS/Ruijie (default ``GOV-V<vlan>-IN``), ignored on FRR; ``label`` is an
    optional one-word tag written as the static route's description/name.
    """

    model: str
    description: str
    ipv4: FamilySpec | None = None  # at least one of ipv4 / ipv6 (IPv6-only: ipv4 None)
    ipv6: FamilySpec | None = None
    rd: str | None = None
    route_target: str | None = None
    acl: int | str | None = None
    label: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.model not in MODELS:
            raise InvalidInput(f"model: {self.model!r} is not one of {', '.join(MODELS)}")
        check_description(self.description)
        if self.ipv4 is None and self.ipv6 is None:
            raise InvalidInput("ipv4: an attachment needs IPv4, IPv6 or both")
        for name, version in (("ipv4", 4), ("ipv6", 6)):
            family = getattr(self, name)
            if family is None:
                continue
            if not isinstance(family, FamilySpec):
                raise InvalidInput(f"{name}: must be a FamilySpec or None")
            object.__setattr__(self, name, family.checked(self.model, version, name))
        if (self.rd or self.route_target) and self.vrf is None:
            raise InvalidInput("rd: a route distinguisher needs a vrf")
        if self.rd is not None:
            object.__setattr__(self, "rd", check_rd(self.rd, "rd"))
        if self.route_target is not None:
            object.__setattr__(self, "route_target", check_rd(self.route_target,
                                                              "route_target"))
        if self.label is not None:
            check_identifier(self.label, "label")
        object.__setattr__(self, "acl", self._checked_acl())

    def _checked_acl(self) -> int | str | None:
        kind = PLATFORMS[self.platform].acl
        if kind is None:
            return None
        if kind == "name":
            return check_identifier(self.acl or f"GOV-V{self.vlan}-IN", "acl")
        if isinstance(self.acl, str) and self.acl.isascii() and self.acl.isdigit():
            return self._checked_number(int(self.acl))
        return self._checked_number(self.acl)

    def _checked_number(self, acl: object) -> int:
        if type(acl) is not int or not 3000 <= acl <= 3999:
            raise InvalidInput(f"acl: {acl!r} is not an advanced ACL number (3000-3999) "
                               f"as {self.platform} needs")
        return acl

    @property
    def families(self) -> tuple[FamilySpec, ...]:
        """The families present, IPv4 first."""
        return tuple(f for f in (self.ipv4, self.ipv6) if f is not None)

    @property
    def acl6(self) -> int | str | None:
        """The IPv6 filter: same number (own namespace), or the name with a '6'."""
        return f"{self.acl}6" if isinstance(self.acl, str) else self.acl


@dataclass(frozen=True, kw_only=True)
class CpeSpec:
    """The unit's own router (day-0): its platform and uplink port; ``vlan`` tags it."""

    attach: AttachSpec
    platform: str
    interface: str
    vlan: int | None = None

    def __post_init__(self) -> None:
        port = InterfaceSpec(platform=self.platform, parent_interface=self.interface,
                             vlan=1 if self.vlan is None else self.vlan)
        object.__setattr__(self, "interface", port.parent_interface)
        object.__setattr__(self, "vlan", None if self.vlan is None else port.vlan)

    @property
    def ifname(self) -> str:
        """The uplink interface (a subinterface when tagged)."""
        return self.interface if self.vlan is None else f"{self.interface}.{self.vlan}"


def platform_rules(platform: object) -> PlatformRules:
    """The rules of a platform slug, or InvalidInput listing the known ones."""
    if not isinstance(platform, str) or platform not in PLATFORMS:
        raise InvalidInput(f"platform: {platform!r} is not one of {', '.join(PLATFORMS)}")
    return PLATFORMS[platform]


__all__ = ["FAMILIES", "PLATFORMS", "AttachSpec", "CpeSpec", "FamilySpec", "InterfaceSpec",
           "check_description", "check_identifier", "check_rd", "platform_rules"]
