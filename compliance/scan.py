"""Collection: what each device shows, read through its driver and parsed by kept parsers.

Per platform (the same slug as the drivers):

* ``frr``: vtysh's JSON — ``show interface json`` and ``show interface vrf X json``
  for every VRF of ``show vrf`` (addresses, VRF, description, admin state; each netns
  VRF's own ``lo`` too) and ``show ip route vrf all json`` / ``show ipv6 route vrf all
  json`` (active static routes with their outgoing interface) — plus the static routes the
  running config holds but zebra does not install (a next hop on a shut interface
  is silently dropped from ``show ip route``), read from the config parsed by
  hier_config;
* ``huawei_vrp``, ``huawei_vrpv8``, ``h3c_comware``, ``cisco_ios``: the driver's
  ``get_interfaces()`` (running config parsed by hier_config + the ntc-templates
  status table) and the IPv4 and IPv6 routing tables, global and of every VPN
  instance / VRF the running config defines (:mod:`compliance.routes`: ``display
  ip[v6] routing-table [vpn-instance X] verbose`` on Huawei, ``display ip[v6]
  routing-table [vpn-instance X]`` on Comware, ``show ip[v6] route [vrf X]`` on
  IOS); ``ruijie_os`` has no route parser, so its routes are not collected. The
  tables read are kept (``tables``); one not read is a note, never "no routes".

Every device's interface sections of the running config are kept as evidence
lines. :func:`collect` runs inside a device thread and returns plain JSON data;
:func:`facts_of` turns stored data back into :class:`reconcile.DeviceFacts`.
"""

from __future__ import annotations

import re
from typing import Any

from netaddr import IPNetwork

from compliance.reconcile import DeviceFacts, Iface, Route
from compliance.routes import ROUTE_TABLES, collect_routes
from inventory.drivers import Driver
from inventory.drivers.frr import interfaces_json

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
    for vrf, name, data in interfaces_json(drv):  # every VRF's, each VRF's own lo too
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


def route_platform(drv: Any) -> str:
    """The slug whose routing tables ``drv`` reads: its own, else the nearest parent
    driver's (a new family of a platform reads its parent's tables)."""
    for cls in type(drv).__mro__:
        slug = getattr(cls, "platform", None)
        if isinstance(slug, str) and slug in ROUTE_TABLES:
            return slug
    return str(drv.platform)


def collect_generic(drv: Any) -> dict[str, Any]:
    platform = drv.platform
    running = drv.get_running_config()
    sections = _sections(platform, running)
    interfaces = [{"name": i.name, "vrf": i.vrf or "", "addresses": list(i.addresses),
                   "vlan": i.vlan or _vlan_of(i.name), "description": i.description or "",
                   "up": i.up,
                   "admin_down": None, "config": sections.get(i.name, [])}
                  for i in drv.get_interfaces()]
    routes, tables, notes = collect_routes(drv, route_platform(drv), running)
    return {"platform": platform, "interfaces": interfaces, "routes": routes,
            "tables": tables, "running": running, "notes": notes}


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
        route_tables=(frozenset((vrf, family) for vrf, family in data["tables"])
                      if "tables" in data else None),
        running=running if running is not None else data.get("running", ""),
    )
