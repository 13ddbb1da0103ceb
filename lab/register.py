"""Put the lab's routers into the inventory, so govnet provisions them like real devices.

Routers are registered with platform ``frr``, their management address as host,
role ``core``/``aggregation`` and the credential reference
``govlab@env:GOVNET_LAB_PASSWORD`` (the secret stays in the environment). Each
aggregation router's unit ports (``ethu1``…, and ``ethv1`` inside the second zone's
VRF) are attachable with VLANs 100–103, the dot1q subinterfaces the lab
pre-provisions. Aggregation router ``agg<i>`` is registered with the i-th district
given (``lab up`` passes the database's districts in creation order by default).

The lab's own infrastructure joins the address plan at the same time, so a scan of
a fresh lab is clean: the management network (purpose ``mgmt``), every loopback
(``loopback``) and every core link (``interconnect``), IPv4 and IPv6, each address
recorded on its router and interface — the global table's in the default zone, the
VRF's in the zone whose device VRF name it is (:mod:`ipam.zones`). A pool is made
where no pool holds them. A VRF no zone maps to yet is left out and named by
:func:`unplanned`: add the zone (``ipam vrf add NAME --device-name ZWEDU``), then
register again. Registering again adds only what is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from netaddr import IPNetwork

from lab.state import LabState
from lab.topology import CREDENTIAL_REF, MGMT_IFACE, MGMT_NET, UNIT_VLANS, Topology

MARK = "govnet lab infrastructure"


def register_lab(session: Any, actor: Any, state: LabState,
                 districts: Sequence[str] | None = None, *, plan: bool = True) -> list[str]:
    """Add (or replace) every lab router and its unit ports, and (``plan``) put the lab's
    infrastructure into the address plan; return the device names.

    ``districts`` optionally names the inventory district of aggregation router
    ``agg<i>`` (``districts[i-1]``); without it the routers carry no district.
    The caller owns the transaction (the service functions never commit).
    """
    from inventory import service

    names = []
    for node in state.topology.routers:
        district = None
        if districts and node.district is not None and node.district <= len(districts):
            district = districts[node.district - 1]
        service.add_device(session, actor, name=node.name, platform="frr", host=node.mgmt_ip,
                           port=22, role=node.kind, district=district, site="govnet-lab",
                           credential=CREDENTIAL_REF, demo=False, replace=True)
        for port in [*node.unit_ports, *node.vrf_ports]:
            service.add_port(session, actor, device=node.name, name=port,
                             vlans=(min(UNIT_VLANS), max(UNIT_VLANS)))
        names.append(node.name)
    if plan:
        plan_infrastructure(session, actor, state.topology)
    return names


def infrastructure(topology: Topology) -> list[tuple[str, IPNetwork, str, list[tuple[str, ...]]]]:
    """The lab's own networks: (device VRF, network, purpose, [(address, router, interface)…]),
    each network once, with every router interface that carries it.

    >>> rows = infrastructure(__import__("lab.topology").topology.plan(1))
    >>> [(v, str(n), p, len(on)) for v, n, p, on in rows][:2]
    [('', '198.18.0.0/24', 'mgmt', 2), ('', '10.255.0.1/32', 'loopback', 1)]
    >>> sorted({(v, p) for v, _, p, _ in rows})  # doctest: +NORMALIZE_WHITESPACE
    [('', 'interconnect'), ('', 'loopback'), ('', 'mgmt'), ('ZWEDU', 'interconnect'),
     ('ZWEDU', 'loopback')]
    """
    found: dict[tuple[str, str], tuple[str, IPNetwork, str, list[tuple[str, ...]]]] = {}

    def add(vrf: str, address: str, purpose: str, router: str, iface: str) -> None:
        net = IPNetwork(address)
        row = found.setdefault((vrf, str(net.cidr)), (vrf, net.cidr, purpose, []))
        row[3].append((str(net.ip), router, iface))

    for node in topology.routers:
        add("", f"{node.mgmt_ip}/{IPNetwork(MGMT_NET).prefixlen}", "mgmt", node.name, MGMT_IFACE)
        sides = [("", node.loopback, node.loopback6, node.links)]
        if node.vrf:
            sides.append((node.vrf, node.vrf_loopback, node.vrf_loopback6, node.vrf_links))
        for vrf, lo, lo6, links in sides:
            for address, length in ((lo, 32), (lo6, 128)):
                if address:
                    add(vrf, f"{address}/{length}", "loopback", node.name, "lo")
            for link in links:
                for address in (link.address, link.address6):
                    if address:
                        add(vrf, address, "interconnect", node.name, link.iface)
    return list(found.values())


def unplanned(session: Any, topology: Topology) -> list[str]:
    """Device VRFs of the lab that no zone maps to (their networks are not in the plan);
    ``""`` (the global table) when there is no zone at all."""
    from ipam import zones

    known = zones.by_device_name(session)
    return sorted({vrf for vrf, *_ in infrastructure(topology) if vrf not in known})


def plan_infrastructure(session: Any, actor: Any, topology: Topology) -> list[str]:
    """Put the lab's infrastructure into the plan (what is there already is kept);
    return the networks added."""
    from ipam import importer, zones

    known = zones.by_device_name(session)
    blocks = []
    for vrf, net, purpose, on in infrastructure(topology):
        zone = known.get(vrf)
        if zone is None:
            continue  # unplanned(): said by the caller
        routers = ", ".join(f"{router} {iface}" for _, router, iface in on)
        blocks.append(importer.Block(
            net, zone.name, purpose=purpose, description=f"{purpose}: {routers}"[:150],
            source=f"lab {routers}"[:100],
            addresses=tuple((ip, router, iface) for ip, router, iface in on)))
    result = importer.import_blocks(session, actor, blocks, pool_length=16, mark=MARK)
    return [row["prefix"] for row in result.created]
