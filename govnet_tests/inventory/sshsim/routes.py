"""Routing tables of a simulated device (test double), printed in each platform's layout.

The table is derived from the configuration, not computed by a routing engine:
connected routes of the interfaces bound to the VPN instance / VRF, and every
static route the configuration holds for it, installed whether or not its next
hop is reachable. Layouts follow real outputs (ntc-templates' test captures of
VRP verbose, Comware and IOS tables) and H3C's command reference (Comware IPv6),
so ntc-templates and govnet's own templates parse them.
A VPN instance / VRF the configuration does not define is refused with the
dialect's rejection text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from netaddr import IPAddress, IPNetwork

from .device import SimDevice

CRLF = "\r\n"


@dataclass(frozen=True)
class SimRoute:
    prefix: IPNetwork
    static: bool
    nexthop: str  # "" for a connected route
    interface: str


#: Per family: static route lines (VRF, network, mask or length, next hop), interface
#: VRF binding and address lines, VRF definitions.
_SYNTAX = {
    "huawei": {
        "static4": r"ip route-static (?:vpn-instance (\S+) )?(\S+) (\S+) (\S+)",
        "static6": r"ipv6 route-static (?:vpn-instance (\S+) )?(\S+) (\d+) (\S+)",
        "bind": r"ip binding vpn-instance (\S+)", "vrf": r"ip vpn-instance (\S+)$",
    },
    "ios": {
        "static4": r"ip route (?:vrf (\S+) )?(\S+) (\S+) (\S+)",
        "static6": r"ipv6 route (?:vrf (\S+) )?(\S+)/(\d+) (\S+)",
        "bind": r"(?:ip )?vrf forwarding (\S+)", "vrf": r"(?:vrf definition|ip vrf) (\S+)$",
    },
}


def vrfs(dev: SimDevice) -> set[str]:
    pattern = _SYNTAX[dev.family]["vrf"]
    return {m[1] for n in dev.running.root.children if (m := re.match(pattern, n.text))}


def table(dev: SimDevice, family: int, vrf: str) -> list[SimRoute]:
    syntax = _SYNTAX[dev.family]
    connected: list[tuple[IPNetwork, str]] = []
    for node in dev.running.root.children:
        if not node.text.startswith("interface "):
            continue
        texts = [c.text for c in node.children]
        bound = next((m[1] for t in texts if (m := re.fullmatch(syntax["bind"], t))), "")
        if bound != vrf or "shutdown" in texts:
            continue
        for t in texts:
            words = t.split()
            if family == 4 and words[:2] == ["ip", "address"] and len(words) == 4:
                connected.append((IPNetwork(f"{words[2]}/{words[3]}"), node.text.split()[1]))
            elif family == 6 and words[:2] == ["ipv6", "address"] and "/" in words[-1]:
                connected.append((IPNetwork(words[2]), node.text.split()[1]))
    routes = [SimRoute(net.cidr, False, "", name) for net, name in connected]
    for node in dev.running.root.children:
        m = re.match(syntax[f"static{family}"], node.text)
        if m and (m[1] or "") == vrf:
            prefix = IPNetwork(f"{m[2]}/{m[3]}").cidr
            if not re.fullmatch(r"[\d.]+|[\da-fA-F:]+", m[4]):  # an interface, no next hop
                routes.append(SimRoute(prefix, True, "", m[4]))
                continue
            hop = IPAddress(m[4])
            out = next((name for net, name in connected if hop in net), "NULL0")
            routes.append(SimRoute(prefix, True, m[4], out))
    return routes


def render(dev: SimDevice, ip: str, vrf: str | None) -> str:
    """The output of the dialect's routing-table command for ``ip`` ("ip"/"ipv6")."""
    if vrf and vrf not in vrfs(dev):
        return dev.dialect.reject
    family = 6 if ip == "ipv6" else 4
    routes = table(dev, family, vrf or "")
    name = dev.dialect_name
    if name in ("huawei_vrp", "huawei_vrpv8", "huawei_ce"):  # CloudEngine prints VRP8's layout
        return (_huawei6 if family == 6 else _huawei4)(routes, vrf)
    if name == "h3c_comware":
        return (_comware6 if family == 6 else _comware4)(routes)
    return (_ios6 if family == 6 else _ios4)(routes, vrf)


def _huawei4(routes: list[SimRoute], vrf: str | None) -> str:
    rows = ["Route Flags: R - relay, D - download to fib", "-" * 78,
            f"Routing Table : {vrf}" if vrf else "Routing Tables: Public",
            f"         Destinations : {len(routes)}        Routes : {len(routes)}", ""]
    for r in routes:
        proto, pre, hop = ("Static", 60, r.nexthop) if r.static else ("Direct", 0,
                                                                      str(r.prefix.ip + 1))
        rows += [f"Destination: {r.prefix}",
                 f"     Protocol: {proto:<16}Process ID: 0",
                 f"   Preference: {pre:<21}Cost: 0",
                 f"      NextHop: {hop:<17}Neighbour: 0.0.0.0",
                 "        State: Active Adv              Age: 00h10m05s",
                 f"          Tag: 0                 Priority: {'medium' if r.static else 'high'}",
                 "        Label: NULL               QoSInfo: 0x0",
                 "   IndirectID: 0x0",
                 f" RelayNextHop: 0.0.0.0          Interface: {r.interface}",
                 f"     TunnelID: 0x0                  Flags: {'RD' if r.static else ' D'}", ""]
    return CRLF.join(rows)


def _huawei6(routes: list[SimRoute], vrf: str | None) -> str:
    rows = [f"Routing Table : {vrf or 'Public'}",
            f"\tDestinations : {len(routes)}\tRoutes : {len(routes)}", ""]
    for r in routes:
        proto, hop = ("Static", r.nexthop) if r.static else ("Direct", "::")
        rows += [f" Destination  : {str(r.prefix.network).upper():<32}PrefixLength : "
                 f"{r.prefix.prefixlen}",
                 f" NextHop      : {hop.upper():<32}Preference   : {60 if r.static else 0}",
                 " Neighbour    : ::                              ProcessID    : 0",
                 f" Label        : NULL                            Protocol     : {proto}",
                 " State        : Active Adv                      Cost         : 0",
                 " Entry ID     : 0                               EntryFlags   : 0x00000000",
                 " Reference Cnt: 0                               Tag          : 0",
                 " Priority     : medium                          Age          : 605sec",
                 " IndirectID   : 0x0",
                 " RelayNextHop : ::                              TunnelID     : 0x0",
                 f" Interface    : {r.interface:<32}Flags        : D", ""]
    return CRLF.join(rows)


def _comware4(routes: list[SimRoute]) -> str:
    rows = ["", f"Destinations : {len(routes)}        Routes : {len(routes)}", "",
            "Destination/Mask    Proto  Pre  Cost         NextHop         Interface"]
    for r in routes:
        proto, pre, hop = ("Static", 60, r.nexthop) if r.static else ("Direct", 0,
                                                                      str(r.prefix.ip + 1))
        rows.append(f"{str(r.prefix):<20}{proto:<7}{pre:<5}{0:<13}{hop:<16}"
                    f"{r.interface.replace('GigabitEthernet', 'GE')}")
    return CRLF.join(rows)


def _comware6(routes: list[SimRoute]) -> str:
    rows = ["", f"Destinations : {len(routes)}        Routes : {len(routes)}", ""]
    for r in routes:
        proto, hop = ("Static", r.nexthop) if r.static else ("Direct", "::")
        rows += [f"Destination: {str(r.prefix).upper():<41}Protocol  : {proto}",
                 f"NextHop    : {hop.upper():<41}Preference: {60 if r.static else 0}",
                 f"Interface  : {r.interface.replace('GigabitEthernet', 'GE'):<41}Cost      : 0",
                 ""]
    return CRLF.join(rows)


_IOS_CODES = ["Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP",
              "       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area", ""]


def _ios4(routes: list[SimRoute], vrf: str | None) -> str:
    rows = [*([f"Routing Table: {vrf}"] if vrf else []), *_IOS_CODES,
            "Gateway of last resort is not set", ""]
    for r in routes:
        if r.static:
            star = "*" if r.prefix.prefixlen == 0 else " "
            rows.append(f"S{star}    {r.prefix} [1/0] via {r.nexthop}")
        else:
            rows.append(f"C        {r.prefix} is directly connected, {r.interface}")
    return CRLF.join(rows)


def _ios6(routes: list[SimRoute], vrf: str | None) -> str:
    rows = [f"IPv6 Routing Table - {vrf or 'default'} - {len(routes)} entries",
            "Codes: C - Connected, L - Local, S - Static, U - Per-user Static route",
            "       B - BGP, R - RIP, O - OSPF Intra, OI - OSPF Inter"]
    for r in routes:
        if r.static:
            rows += [f"S   {str(r.prefix).upper()} [1/0]", f"     via {r.nexthop.upper()}"]
        else:
            rows += [f"C   {str(r.prefix).upper()} [0/0]",
                     f"     via {r.interface}, directly connected"]
    return CRLF.join(rows)
