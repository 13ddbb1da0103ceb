"""Put the lab's routers into the inventory, so govnet provisions them like real devices.

Routers are registered with platform ``frr``, their management address as host,
role ``core``/``aggregation`` and the credential reference
``govlab@env:GOVNET_LAB_PASSWORD`` (the secret stays in the environment). Each
aggregation router's unit ports (``ethu1``…, and ``ethv1`` inside the second zone's
VRF) are attachable with VLANs 100–103, the dot1q subinterfaces the lab
pre-provisions. Aggregation router ``agg<i>`` is registered with the i-th district
given (``lab up`` passes the database's districts in creation order by default).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lab.state import LabState
from lab.topology import CREDENTIAL_REF, UNIT_VLANS


def register_lab(session: Any, actor: Any, state: LabState,
                 districts: Sequence[str] | None = None) -> list[str]:
    """Add (or replace) every lab router and its unit ports; return the device names.

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
    return names
