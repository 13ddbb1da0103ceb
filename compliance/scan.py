"""Collection: what each device shows, read through its driver and parsed by kept parsers.

Per platform (the same slug as the drivers):

* ``frr``: vtysh's JSON — ``show interface json`` (addresses, VRF, description,
  admin state) and ``show ip route vrf all json`` / ``show ipv6 route vrf all json``
  (active static routes with their outgoing interface) — plus the static routes the
  running config holds but zebra does not install (a next hop on a shut interface
  is silently dropped from ``show ip route``), read from the config parsed by
  hier_config;
* ``huawei_vrp``, ``huawei_vrpv8``, ``h3c_comware``, ``cisco_ios``: the driver's
  ``get_interfaces()`` (running config parsed by hier_config + the ntc-templates
  status table) and the routing table through its ntc-templates template
  (``display ip routing-table verbose`` on Huawei, ``display ip routing-table``
  on Comware, ``show ip route`` on IOS); ``ruijie_os`` has no route template, so
  its routes are not collected (the evidence says so).

Every device's interface sections of the running config are kept as evidence
lines. :func:`collect` runs inside a device thread and returns plain JSON data;
:func:`facts_of` turns stored data back into :class:`reconcile.DeviceFacts`.
"""

from __future__ import annotations

import re
from typing import Any

from netaddr import IPNetwork

from compliance.reconcile import DeviceFacts, Iface, Route
from inventory.drivers import Driver

ROUTE_TEMPLATES: dict[str, tuple[str, str]] = {  # platform → (ntc platform, command)
    "huawei_vrp": ("huawei_vrp", "display ip routing-table verbose"),
    "huawei_vrpv8": ("huawei_vrp", "display ip routing-table verbose"),
    "huawei_ce": ("huawei_vrp", "display ip routing-table verbose"),
    "h3c_comware": ("hp_comware", "display ip routing-table"),
    "cisco_ios": ("cisco_ios", "show ip route"),
}
STATIC = {"static", "s"}
_VLAN_SUFFIX = re.compile(r"\.(\d{1,4})$")


def _sections(platform: str, running: str) -> dict[str, list[str]]:
    """``interface`` sections of the running config, by interface name (hier_config)."""
    from access import diffing

    out: dict[str, list[str]] = {}
    for section in diffing.parse(platform, running).get_children(startswith="interface "):
        name = section.text.split()[1]
        out[name] = [section.text, *(f" {c.text}" for c in section.children)]
    return out


def _frr_config_routes(running: str) -> list[dict[str, Any]]:
    """Static routes in FRR's running config: top level and inside ``vrf NAME`` sections."""
    from access import diffing

    tree = diffing.parse("frr", running)
    found = []
    for vrf, nodes in [("", tree.children), *((s.text.split()[1], s.children)
                                              for s in tree.get_children(startswith="vrf "))]:
        for node in nodes:
            words = node.text.split()
            if len(words) >= 4 and words[0] in ("ip", "ipv6") and words[1] == "route":
                hop = words[3]
                is_ip = _is_ip(hop)
                found.append({"prefix": words[2], "nexthop": hop if is_ip else "",
                              "interface": "" if is_ip else hop, "vrf": vrf,
                              "line": node.text})
    return found


def _is_ip(text: str) -> bool:
    try:
        IPNetwork(text)
        return True
    except Exception:  # noqa: BLE001
        return False


def _frr_table_routes(table: dict[str, Any]) -> list[dict[str, Any]]:
    """Active static routes from ``show ip route vrf all json`` (keyed by VRF when several)."""
    per_vrf: list[tuple[str, dict[str, Any]]] = (
        list(table.items()) if table and all(isinstance(v, dict) for v in table.values())
        else [("", table)])
    found = []
    for vrf, routes in per_vrf:
        for prefix, entries in routes.items():
            for entry in entries if isinstance(entries, list) else []:
                if entry.get("protocol") != "static":
                    continue
                name = entry.get("vrfName", vrf)
                for hop in entry.get("nexthops", []):
                    found.append({"prefix": prefix, "nexthop": hop.get("ip", ""),
                                  "interface": hop.get("interfaceName", ""),
                                  "vrf": "" if name in ("default", "") else name, "line": ""})
    return found


def _vlan_of(name: str) -> int | None:
    """The VLAN of a dot1q subinterface named ``PORT.VID`` (the naming every platform uses)."""
    m = _VLAN_SUFFIX.search(name)
    return int(m[1]) if m else None


def collect_frr(drv: Any) -> dict[str, Any]:
    running = drv.get_running_config()
    sections = _sections("frr", running)
    interfaces = []
    for name, data in sorted(drv.run_json("show interface json").items()):
        vrf = data.get("vrfName", "default")
        interfaces.append({
            "name": name, "vrf": "" if vrf == "default" else vrf,
            "addresses": [a["address"] for a in data.get("ipAddresses", [])],
            "vlan": data.get("vlanId") or _vlan_of(name),
            "description": data.get("description", ""),
            "up": data.get("administrativeStatus", "up") == "up"
            and data.get("operationalStatus") == "up",
            "admin_down": data.get("administrativeStatus") == "down",
            "config": sections.get(name, []),
        })
    active = [*_frr_table_routes(drv.run_json("show ip route vrf all json")),
              *_frr_table_routes(drv.run_json("show ipv6 route vrf all json"))]
    configured = _frr_config_routes(running)
    keys = {(r["vrf"], r["prefix"], r["nexthop"]) for r in configured}
    routes = configured + [r for r in active if (r["vrf"], r["prefix"], r["nexthop"]) not in keys]
    return {"platform": "frr", "interfaces": interfaces, "routes": routes, "running": running,
            "notes": []}


def _ntc_routes(drv: Any, platform: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Static routes from the platform's ntc-templates routing-table template."""
    if platform not in ROUTE_TEMPLATES:
        return [], [f"routes not collected: ntc-templates has no routing-table template for "
                    f"{platform}"]
    from ntc_templates.parse import ParsingException, parse_output
    from textfsm import TextFSMError

    ntc, command = ROUTE_TEMPLATES[platform]
    output = drv.run(command)
    rejected = drv.find_error(output) if hasattr(drv, "find_error") else None
    if rejected:
        return [], [f"routes not collected: the device rejected {command!r} ({rejected})"]
    try:
        rows = parse_output(platform=ntc, command=command, data=output)
    except (ParsingException, TextFSMError) as exc:
        return [], [f"routes not collected: {command!r} did not parse ({exc})"]
    routes = []
    for row in ({k.lower(): v for k, v in r.items()} for r in rows):
        if str(row.get("protocol", "")).lower() not in STATIC:
            continue
        network = row.get("network") or row.get("destination") or ""
        length = row.get("prefix_length") or row.get("mask") or ""
        hop = row.get("nexthop_ip") or row.get("next_hop") or ""
        iface = row.get("nexthop_if") or row.get("interface") or ""
        vrf = row.get("vrf", "") or ""
        prefix = network if "/" in network or not length else f"{network}/{length}"
        routes.append({"prefix": prefix, "nexthop": hop, "interface": iface,
                       "vrf": "" if vrf in ("default", "Public") else vrf, "line": ""})
    return routes, []


def collect_generic(drv: Any) -> dict[str, Any]:
    platform = drv.platform
    running = drv.get_running_config()
    sections = _sections(platform, running)
    interfaces = [{"name": i.name, "vrf": i.vrf or "", "addresses": list(i.addresses),
                   "vlan": i.vlan or _vlan_of(i.name), "description": i.description or "",
                   "up": i.up,
                   "admin_down": None, "config": sections.get(i.name, [])}
                  for i in drv.get_interfaces()]
    routes, notes = _ntc_routes(drv, platform)
    return {"platform": platform, "interfaces": interfaces, "routes": routes,
            "running": running, "notes": notes}


def collect(drv: Driver) -> dict[str, Any]:
    """Everything a scan needs from one open driver, as JSON-ready data."""
    if drv.platform == "frr":
        return collect_frr(drv)
    return collect_generic(drv)


def facts_of(device: str, district: str | None, data: dict[str, Any],
             running: str | None = None) -> DeviceFacts:
    """Stored (or fresh) collection data as reconcile's DeviceFacts."""
    return DeviceFacts(
        device=device, platform=data.get("platform", ""), district=district,
        interfaces=tuple(Iface(name=i["name"], addresses=tuple(i.get("addresses", ())),
                               vrf=i.get("vrf", ""), vlan=i.get("vlan"),
                               description=i.get("description", ""), up=i.get("up"),
                               config=tuple(i.get("config", ())))
                         for i in data.get("interfaces", [])),
        routes=tuple(Route(prefix=r["prefix"], nexthop=r.get("nexthop", ""),
                           vrf=r.get("vrf", ""), interface=r.get("interface", ""),
                           line=r.get("line", "")) for r in data.get("routes", [])),
        running=running if running is not None else data.get("running", ""),
    )
