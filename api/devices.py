"""/api/v1 inventory writes and device contact: add, remove, import, export, ports,
check, backup, discover and the live diff (``govnet inventory …``).

The operations on many devices live under ``/inventory/`` (``/devices/NAME`` is one
device). Contacting devices runs in the request (like the CLI, in parallel threads per device)
and answers each device's result; when every named device failed, the answer is the
CLI's error (502 for a device, or the refusal). Reads are in :mod:`api.inventory`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Response
from fastapi import Body as FBody
from pydantic import Field, StrictFloat, StrictInt

from api.auth import ACTOR
from api.params import Body, DeviceName, Flag, Name, NamePath, Text
from api.shapes import ContactResult, Device, Port, ok
from govnet.auth import Actor
from govnet.db import read, transaction
from govnet.errors import InvalidInput
from inventory import backup as backups
from inventory import discovery, io, service

router = APIRouter(prefix="/api/v1", tags=["inventory, compliance, audit"])
Timeout = Annotated[StrictFloat | StrictInt, Field(gt=0, le=600, description="Seconds to wait "
                                                   "for each device.")]
Workers = Annotated[StrictInt, Field(ge=1, le=64, description="Devices contacted at once.")]


class DeviceIn(Body):
    name: Name
    platform: Name = Field(description="Driver slug, e.g. frr, huawei_vrp.")
    host: Name = Field(description="Management address or host name.")
    port: Annotated[StrictInt, Field(ge=1, le=65535)] = 22
    role: Name = Field(description="core, aggregation or access.")
    district: Name | None = None
    site: Text | None = None
    credential: Text | None = Field(None, description="[USER@]env:VAR, keyring:SERVICE/USER "
                                    "or [USER@]key:PATH (a reference; no secret is stored).")
    demo: Flag = False
    replace: Flag = False


class PortIn(Body):
    port: Name
    vlans: Name = Field("1-4094", description="VLAN range A-B.")
    description: Text | None = None


class ContactIn(Body):
    names: list[DeviceName] = Field(default_factory=list, max_length=1000,
                                    description="Devices (none: all the caller may contact).")
    timeout: Timeout = 10.0
    workers: Workers = 8


@router.post("/devices", status_code=201, responses=ok(Device, 201))
def device_add(body: DeviceIn, actor: Actor = ACTOR) -> dict[str, Any]:
    """Add (or with ``replace`` update) a device."""
    with transaction() as s:
        return service.device_dict(s, service.add_device(s, actor, **body.model_dump()))


@router.delete("/devices/{name}")
def device_remove(name: NamePath, actor: Actor = ACTOR) -> dict[str, Any]:
    """Remove a device with its ports and snapshots (refused while VLANs are in use)."""
    with transaction() as s:
        service.remove_device(s, actor, name)
    return {"name": name, "removed": True}


@router.post("/inventory/import", responses=ok(list[Device]))
def device_import(
        file: Annotated[bytes, FBody(media_type="text/csv",
                                     description="The devices as CSV or YAML (UTF-8).")],
        format: Literal["csv", "yaml"] = "csv",  # noqa: A002
        replace: bool = False, actor: Actor = ACTOR) -> list[dict[str, Any]]:
    """Import devices: every row is checked first; all or nothing."""
    try:
        text = file.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"the body is not UTF-8 text (byte 0x{file[exc.start]:02x})") from None
    with transaction() as s:
        devices = io.import_file(s, actor, Path(f"body.{format}"),
                                 replace=replace, text=text)
        return [service.device_dict(s, d) for d in devices]


@router.get("/inventory/export", responses={200: {"description": "The inventory: CSV, or "
            "YAML (Nornir, Ansible).", "content": {"text/csv": {}, "text/yaml": {}}}})
def device_export(format: Literal["nornir", "ansible", "csv"],  # noqa: A002
                  actor: Actor = ACTOR) -> Response:
    """The devices the caller may read as a Nornir hosts file, Ansible inventory or CSV."""
    with read() as s:
        text = io.export(s, actor, format)
    return Response(text, media_type="text/csv" if format == "csv" else "text/yaml")


@router.get("/devices/{name}/ports", responses=ok(list[Port]))
def ports(name: NamePath, actor: Actor = ACTOR) -> list[dict[str, Any]]:
    """A device's ports, VLAN ranges and the VLANs in use."""
    with read() as s:
        return list(service.show(s, actor, name)["ports"])


@router.post("/devices/{name}/ports", status_code=201, responses=ok(Port, 201))
def port_add(name: NamePath, body: PortIn, actor: Actor = ACTOR) -> dict[str, Any]:
    """Make a port attachable with a VLAN range (an existing port gets the new range)."""
    with transaction() as s:
        p = service.add_port(s, actor, device=name, name=body.port,
                             vlans=service.parse_vlans(body.vlans), description=body.description)
        return {"device": name, "port": p.name, "vlans": f"{p.vlan_lo}-{p.vlan_hi}",
                "description": p.description}


def _answer(results: list[Any], what: str, view: Any = None) -> list[dict[str, Any]]:
    if results and not any(r.ok for r in results):
        backups.raise_for_failures(results, what)
    return [view(r) if view else r.as_dict() for r in results]


@router.post("/inventory/check", responses=ok(list[ContactResult]))
def check(body: ContactIn, actor: Actor = ACTOR) -> list[dict[str, Any]]:
    """Connect, read facts and record whether each device was reachable."""
    if not body.names:
        raise InvalidInput("names: give at least one device")
    return _answer(discovery.check(actor, body.names, workers=body.workers,
                                   timeout=body.timeout), "check")


@router.post("/inventory/backup", responses=ok(list[ContactResult]))
def backup(body: ContactIn, actor: Actor = ACTOR) -> list[dict[str, Any]]:
    """Store running-config snapshots (all the caller's non-demo devices if none named)."""
    results = backups.backup(actor, body.names, workers=body.workers, timeout=body.timeout)
    return _answer(results, "backup", lambda r: r.as_dict() | {
        "result": ("stored" if r.stored else "unchanged") if r.ok else "failed"})


@router.post("/inventory/discover", responses=ok(list[ContactResult]))
def discover(body: ContactIn, actor: Actor = ACTOR) -> list[dict[str, Any]]:
    """Read interfaces, addresses and state from devices and store them."""
    return _answer(discovery.discover(actor, body.names, workers=body.workers,
                                      timeout=body.timeout), "discovery")


@router.get("/devices/{name}/backups/live-diff")
def live_diff(name: NamePath, actor: Actor = ACTOR) -> dict[str, Any]:
    """The last snapshot against the device now (``govnet inventory diff NAME --live``)."""
    text = backups.live_diff(actor, name)
    return {"device": name, "live": True, "changed": bool(text), "diff": text}
