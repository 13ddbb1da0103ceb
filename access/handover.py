"""The network-opening confirmation sheet (网络开通确认单) of a connected request.

What the technical agency hands the unit when its connection works: the unit,
the approval document it was connected on (Art. 24), and per zone the VLAN,
device and port, prefixes, gateway and interconnect addresses, and the date.
Chinese labels with English beside them; Markdown for the record, and a
printable HTML page (inline CSS, ``@media print``). Rendered with Jinja2 from
``access/templates/``; HTML autoescapes every value, Markdown escapes table cells.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from netaddr import IPNetwork
from sqlmodel import Session

from access.models import RequestState
from access.workflow import get_request, request_dict
from govnet.auth import Actor
from govnet.errors import InvalidInput, WrongState
from govnet.models import utcnow

FORMATS = ("md", "html")
TEMPLATES = Path(__file__).resolve().parent / "templates"
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def md_cell(value: object) -> str:
    """Text safe inside a Markdown table cell: one line, special marks escaped.

    >>> md_cell("a|b\\n<i>")
    'a\\\\|b \\\\<i\\\\>'
    """
    if value is None or value == "":
        return "—"
    text = " ".join(str(value).split())
    return _MD_SPECIAL.sub(r"\\\1", text)


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2")),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)
    env.filters["md"] = md_cell
    return env


def handover_data(session: Session, actor: Actor, number: int) -> dict[str, Any]:
    """The sheet's content; WrongState unless the request is connected."""
    request = get_request(session, actor, number)
    if request.state != RequestState.connected.value:
        raise WrongState(f"connection request {number} is {request.state}, not connected: "
                         "the confirmation sheet is issued once the unit is connected")
    data = request_dict(session, request)
    data["connected_date"] = request.connected_at.strftime("%Y-%m-%d") \
        if request.connected_at else None
    data["printed_at"] = utcnow().strftime("%Y-%m-%d %H:%M UTC")
    data["printed_by"] = actor.name
    data["zones"] = [_zone_view(z, request.model) for z in data["zones"]]
    data["model_label"] = {"gateway": "网关接入 gateway (the router is the LAN gateway)",
                           "routed": "路由接入 routed (interconnect and static route)"
                           }.get(request.model, request.model)
    return data


def _zone_view(zone: dict[str, Any], model: str) -> dict[str, Any]:
    """A zone with what the unit configures on its side worked out."""
    view = dict(zone, netmask=None, hosts_range=None)
    lan = IPNetwork(zone["lan"]) if zone.get("lan") else None
    if lan is not None and lan.version == 4:
        view["netmask"] = str(lan.netmask)
        gateway = zone.get("gateway4")
        if lan.prefixlen <= 30:  # the unit's hosts: the LAN's usable range less the gateway
            first, last = lan[1], lan[-2]
            gw = IPNetwork(gateway).ip if gateway else None
            first, last = (first + 1, last) if gw == first else (first, last - 1) \
                if gw == last else (first, last)
            view["hosts_range"] = f"{first} – {last}" if first <= last else None
    gateway = zone.get("gateway4")
    view["next_hop4"] = (gateway.split("/")[0] if gateway else None) if model == "gateway" \
        else zone.get("local4")
    gateway6 = zone.get("gateway6")
    view["next_hop6"] = (gateway6.split("/")[0] if gateway6 else None) if model == "gateway" \
        else zone.get("local6")
    return view


def render_handover(session: Session, actor: Actor, number: int, fmt: str = "md") -> str:
    """The sheet as Markdown (``md``) or a printable HTML page (``html``)."""
    if fmt not in FORMATS:
        raise InvalidInput(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
    data = handover_data(session, actor, number)
    return _environment().get_template(f"handover.{fmt}.j2").render(r=data)
