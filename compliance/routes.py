"""Routing tables of the CLI platforms: which tables, the commands, and their parsers.

A device holds one routing table per address family and VPN instance / VRF. The
scan reads the global IPv4 and IPv6 tables and, for every VPN instance / VRF the
running config defines (``ip vpn-instance X`` on Huawei and Comware, ``vrf
definition X`` / ``ip vrf X`` on IOS), that instance's table of each family it
has, and keeps the static routes with the VRF they are in.

:data:`ROUTE_TABLES` is the one table of commands, per platform slug and family:
the global command, the per-VRF command, and the parser — an ntc-templates
template (named by the command it is indexed under, since the per-VRF commands are
not in ntc-templates' index but print the same layout) or, where ntc-templates
has none (Comware IPv6) or one that fails on real layouts (Huawei verbose: VPN
instance headers, VRP8 columns; IOS IPv6: subinterface names), govnet's own
TextFSM template. A platform missing here has its routes
not collected, which the notes say; a driver subclass (a new family of a platform)
inherits its parent's row.

Each table is read or explained: a command the device rejects, or an output
that does not parse, is a note and the table counts as not read, so reconciliation
never takes "not read" for "no routes".

Examples:
    >>> vrf_families("huawei_vrp", "ip vpn-instance ZW\\n ipv4-family\\n  route-distinguisher 1:1\\n"
    ...              "ip vpn-instance V6\\n ipv6-family\\n")
    {'ZW': (4,), 'V6': (6,)}
    >>> vrf_families("cisco_ios", "vrf definition ZW\\n address-family ipv4\\n exit-address-family\\n"
    ...              " address-family ipv6\\n exit-address-family\\nip vrf OLD\\n rd 1:1\\n")
    {'ZW': (4, 6), 'OLD': (4,)}
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

STATIC = {"static", "s"}


@dataclass(frozen=True)
class Table:
    """How one platform prints the routing table of one address family."""

    family: int  # 4 or 6
    command: str  # the global table
    vrf_command: str  # one VPN instance / VRF: format with vrf=
    ntc_platform: str = ""  # ntc-templates platform key ...
    ntc_command: str = ""  # ... and the command its template is indexed under
    template: str = ""  # else govnet's own TextFSM template


#: ``display ipv6 routing-table [vpn-instance X]`` on Comware 5/7, which ntc-templates
#: lacks: one block of three two-column lines per route (layout of H3C's command
#: reference), ``Routing Table`` / ``Destinations`` headers skipped.
COMWARE_IPV6_ROUTES = r"""Value NETWORK (\S+/\d+)
Value PROTOCOL (\S+)
Value NEXTHOP_IP (\S+)
Value DISTANCE (\d+)
Value NEXTHOP_IF (\S+)
Value METRIC (\d+)

Start
  ^\s*Destination\s*:\s*${NETWORK}\s+Protocol\s*:\s*${PROTOCOL}\s*$$
  ^\s*NextHop\s*:\s*${NEXTHOP_IP}\s+Preference\s*:\s*${DISTANCE}\s*$$
  ^\s*Interface\s*:\s*${NEXTHOP_IF}\s+Cost\s*:\s*${METRIC}\s*$$ -> Record
  ^\s*(Routing\s+Tables?|Destinations|VPN\s+instance|Summary\s+Count)\b
  ^\s*$$
  ^. -> Error
"""

#: ``show ipv6 route [vrf X]`` on IOS. ntc-templates has a template, but its interface
#: value stops at a dot (``GigabitEthernet0/0/1.100`` is read as the parent port), and
#: govnet's units sit on dot1q subinterfaces: this one keeps the whole name.
IOS_IPV6_ROUTES = r"""Value Filldown PROTOCOL (\S+)
Value Filldown NETWORK ([0-9A-Fa-f:]+/\d{1,3})
Value NEXTHOP_IP ([0-9A-Fa-f]*:[0-9A-Fa-f:]*)
Value NEXTHOP_IF ([A-Za-z][\w./:-]*)

Start
  ^\s+via\s+${NEXTHOP_IP}(,\s+${NEXTHOP_IF})?.*$$ -> Record
  ^\s+via\s+${NEXTHOP_IF}.*$$ -> Record
  ^${PROTOCOL}\s+${NETWORK}\s+\[\d+/\d+\]\s*$$
  ^IPv6\s+Routing\s+Table\b
  ^Codes:
  ^\s{6,}\S
  ^\s*$$
  ^. -> Error

EOF
"""

#: ``display ip[v6] routing-table [vpn-instance X] verbose`` on VRP5 and VRP8. ntc-templates
#: has a template, but it errors on any header but ``Routing Table : Public`` (a VPN
#: instance prints its name; VRP8 prints ``_public_``) and on VRP8's extra columns
#: (``IndirectID: … Instance:``): this one reads the fields govnet needs from each
#: ``Destination`` block, IPv4 and IPv6 layouts, and passes over the rest.
HUAWEI_VERBOSE_ROUTES = r"""Value NETWORK (\S+)
Value PREFIX_LENGTH (\d+)
Value PROTOCOL (\S+)
Value NEXTHOP_IP (\S+)
Value NEXTHOP_IF (\S+(?: \S+)*)

Start
  ^\s*Destination\s*: -> Continue.Record
  ^\s*Destination\s*:\s*${NETWORK}(\s+PrefixLength\s*:\s*${PREFIX_LENGTH})?\s*$$
  ^\s*Protocol\s*:\s*${PROTOCOL}\s
  ^.*\sProtocol\s*:\s*${PROTOCOL}\s*$$
  ^\s*NextHop\s*:\s*${NEXTHOP_IP}\s
  ^\s*RelayNextHop\s*:\s*\S+\s+Interface\s*:\s*${NEXTHOP_IF}\s*$$
  ^\s*Interface\s*:\s*${NEXTHOP_IF}\s+Flags\s*:
  ^.*$$
"""

_HUAWEI = (
    Table(4, "display ip routing-table verbose",
          "display ip routing-table vpn-instance {vrf} verbose", template=HUAWEI_VERBOSE_ROUTES),
    Table(6, "display ipv6 routing-table verbose",
          "display ipv6 routing-table vpn-instance {vrf} verbose",
          template=HUAWEI_VERBOSE_ROUTES),
)

#: Platform slug → its routing tables (one row per family).
ROUTE_TABLES: dict[str, tuple[Table, ...]] = {
    "huawei_vrp": _HUAWEI,
    "huawei_vrpv8": _HUAWEI,
    "h3c_comware": (
        Table(4, "display ip routing-table", "display ip routing-table vpn-instance {vrf}",
              "hp_comware", "display ip routing-table"),
        Table(6, "display ipv6 routing-table", "display ipv6 routing-table vpn-instance {vrf}",
              template=COMWARE_IPV6_ROUTES),
    ),
    "cisco_ios": (
        Table(4, "show ip route", "show ip route vrf {vrf}", "cisco_ios", "show ip route"),
        Table(6, "show ipv6 route", "show ipv6 route vrf {vrf}", template=IOS_IPV6_ROUTES),
    ),
}

#: How a VPN instance / VRF section names its address families, and the families it
#: has when it names none (VRP5's old style and ``ip vrf`` are IPv4 only; a Comware
#: instance has both tables).
_VRF_SECTIONS = {
    "huawei": (r"ip vpn-instance (\S+)$", {"ipv4-family": 4, "ipv6-family": 6}, (4,)),
    "comware": (r"ip vpn-instance (\S+)$", {"address-family ipv4": 4, "address-family ipv6": 6},
                (4, 6)),
    "ios": (r"(?:vrf definition|ip vrf) (\S+)$",
            {"address-family ipv4": 4, "address-family ipv6": 6}, (4,)),
}
_STYLE = {"huawei_vrp": "huawei", "huawei_vrpv8": "huawei", "h3c_comware": "comware",
          "cisco_ios": "ios"}


def tables_of(platform: str) -> tuple[Table, ...]:
    return ROUTE_TABLES.get(platform, ())


def vrf_families(platform: str, running: str) -> dict[str, tuple[int, ...]]:
    """VPN instance / VRF name → address families, from the running config (hier_config)."""
    from access import diffing

    style = _STYLE.get(platform)
    if style is None or not running:
        return {}
    opener, families, default = _VRF_SECTIONS[style]
    found: dict[str, tuple[int, ...]] = {}
    for node in diffing.parse(platform, running).children:
        m = re.match(opener, node.text)
        if m:
            named = {families[c.text.strip()] for c in node.children
                     if c.text.strip() in families}
            found[m[1]] = tuple(sorted(named)) or default
    return found


def parse_table(table: Table, output: str) -> list[dict[str, str]]:
    """Rows of one routing-table output (lower-case keys); TextFSMError/ParsingException
    when it does not parse."""
    from textfsm import TextFSM

    if table.template:
        fsm = TextFSM(io.StringIO(table.template))
        rows = [dict(zip(fsm.header, row, strict=True)) for row in fsm.ParseText(output)]
    else:
        from ntc_templates.parse import parse_output

        rows = parse_output(platform=table.ntc_platform, command=table.ntc_command, data=output)
    return [{k.lower(): v for k, v in row.items()} for row in rows]


def static_routes(rows: list[dict[str, str]], vrf: str) -> list[dict[str, Any]]:
    """The static routes among parsed rows, as the scan stores them (``vrf`` from the
    command: the table the rows came from)."""
    routes = []
    for row in rows:
        if str(row.get("protocol", "")).lower() not in STATIC:
            continue
        network = row.get("network") or row.get("destination") or ""
        length = row.get("prefix_length") or row.get("mask") or ""
        hop = row.get("nexthop_ip") or row.get("next_hop") or ""
        iface = (row.get("nexthop_if") or row.get("interface") or "").strip()
        prefix = network if "/" in network or not length else f"{network}/{length}"
        routes.append({"prefix": prefix, "nexthop": hop, "interface": iface, "vrf": vrf,
                       "line": ""})
    return routes


def read_table(drv: Any, table: Table, vrf: str = "") -> tuple[list[dict[str, Any]] | None, str]:
    """(static routes, "") for one table, or (None, why) when it could not be read."""
    from ntc_templates.parse import ParsingException
    from textfsm import TextFSMError

    command = table.vrf_command.format(vrf=vrf) if vrf else table.command
    output = drv.run(command)
    rejected = drv.find_error(output) if hasattr(drv, "find_error") else None
    if rejected:
        return None, f"the device rejected {command!r} ({rejected})"
    try:
        rows = parse_table(table, output)
    except (ParsingException, TextFSMError) as exc:
        return None, f"{command!r} did not parse ({exc})"
    return static_routes(rows, vrf), ""


def collect_routes(drv: Any, platform: str, running: str
                   ) -> tuple[list[dict[str, Any]], list[list[Any]], list[str]]:
    """Static routes of every table, the tables read (``[vrf, family]``), and notes."""
    tables = tables_of(platform)
    if not tables:
        return [], [], [f"routes not collected: govnet has no routing-table parser for "
                        f"{platform}"]
    vrfs = vrf_families(platform, running)
    routes: list[dict[str, Any]] = []
    read: list[list[Any]] = []
    notes: list[str] = []
    for table in tables:
        for vrf in ["", *(v for v, fams in vrfs.items() if table.family in fams)]:
            found, why = read_table(drv, table, vrf)
            if found is None:
                where = f"VPN instance/VRF {vrf}" if vrf else "the global table"
                notes.append(f"IPv{table.family} routes of {where} not collected: {why}")
                continue
            routes += found
            read.append([vrf, table.family])
    return routes, read, notes
