"""NetBox-shaped IPAM endpoints, so automation written for NetBox (pynetbox, Ansible's
netbox modules, scripts) allocates from govnet unchanged.

``/api/status/``, ``/api/ipam/vrfs/``, ``/api/ipam/prefixes/`` (filters ``prefix``,
``vrf_id``, ``within``, ``within_include``), ``/api/ipam/prefixes/{id}/`` and
``GET/POST /api/ipam/prefixes/{id}/available-prefixes/`` and ``…/available-ips/``.
The objects carry NetBox's field names; govnet's own facts (district, owner unit,
its status) ride in ``custom_fields``. Statuses map onto NetBox's: a pool or a
district block is a ``container``, an allocation ``active``, a quarantined block
``deprecated``. A unit is a NetBox tenant (same id). Allocation is
``ipam.service.allocate`` inside the prefix, with the same roles and scopes as
everywhere else; a list posted is allocated all or nothing, as NetBox does.
"""

from __future__ import annotations

import platform
from typing import Any

from fastapi import APIRouter, Body, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from api.auth import ACTOR, caller_in
from api.paging import PAGING, Paging
from api.params import (
    ID_MAX,
    CountQuery,
    DeviceName,
    IdPath,
    IdQuery,
    Interface,
    Name,
    PrefixLength,
    StrictId,
    Text,
    TextQuery,
    VrfIdQuery,
)
from api.shapes import NbAvailableIp, NbAvailablePrefix, NbIpAddress, NbPrefix, NbVrf, Page, ok
from govnet.auth import Actor
from govnet.db import read, transaction
from govnet.errors import InvalidInput, NotFound
from govnet.models import Unit
from ipam import freespace, query, service
from ipam.models import IpAddress, Prefix, Status, Vrf
from ipam.view import Names

router = APIRouter(prefix="/api", tags=["NetBox-shaped IPAM"])
API_VERSION = "4.4"
STATUS = {Status.container: "container", Status.delegated: "container",
          Status.allocated: "active", Status.reserved: "reserved",
          Status.quarantined: "deprecated"}
LABEL = {"container": "Container", "active": "Active", "reserved": "Reserved",
         "deprecated": "Deprecated"}


class _NetBoxBody(BaseModel):
    """A NetBox body: fields govnet does not use (status, tags, vrf…) are ignored, as
    NetBox clients send them; the fields it uses are checked like every other input."""

    model_config = ConfigDict(extra="ignore")


class TenantRef(_NetBoxBody):
    id: StrictId | None = None
    name: Name | None = None


class PrefixFields(_NetBoxBody):
    owner: Name | None = None
    purpose: Name | None = None


class AvailablePrefixIn(_NetBoxBody):
    prefix_length: PrefixLength
    tenant: StrictId | Name | TenantRef | None = Field(
        None, description="The owner unit: its id, its name, or {id} / {name}.")
    description: Text = ""
    custom_fields: PrefixFields | None = None


class AddressFields(_NetBoxBody):
    device: DeviceName | None = None
    interface: Interface | None = None


class AvailableIpIn(_NetBoxBody):
    description: Text = ""
    custom_fields: AddressFields | None = None


def _family(version: int) -> dict[str, Any]:
    return {"value": version, "label": f"IPv{version}"}


def _url(request: Request, path: str) -> str:
    """An absolute URL under this server (cheaper than ``url_for``, which walks the routes)."""
    return f"{request.base_url}api/{path}"


def _nested_vrf(request: Request, vrf_id: int, name: str | None) -> dict[str, Any]:
    return {"id": vrf_id, "url": _url(request, f"ipam/vrfs/{vrf_id}/"),
            "display": name, "name": name, "rd": None}


def vrf_object(request: Request, vrf: Vrf) -> dict[str, Any]:
    assert vrf.id is not None
    return _nested_vrf(request, vrf.id, vrf.name) | {
        "tenant": None, "enforce_unique": True, "description": vrf.description, "comments": "",
        "tags": [], "custom_fields": {}, "created": vrf.created_at.isoformat(),
        "last_updated": vrf.created_at.isoformat()}


def prefix_object(request: Request, p: Prefix, names: Names) -> dict[str, Any]:
    """A govnet prefix in NetBox's shape."""
    status = STATUS[Status(p.status)]
    owner = names.units.get(p.owner_id) if p.owner_id else None
    return {
        "id": p.id, "url": _url(request, f"ipam/prefixes/{p.id}/"),
        "display": p.cidr, "family": _family(p.version), "prefix": p.cidr,
        "vrf": _nested_vrf(request, p.vrf_id, names.vrfs.get(p.vrf_id)),
        "scope_type": None, "scope_id": None, "scope": None,
        "tenant": {"id": p.owner_id, "name": owner, "display": owner} if owner else None,
        "vlan": None, "status": {"value": status, "label": LABEL[status]}, "role": None,
        "is_pool": p.status in (Status.container.value, Status.delegated.value),
        "mark_utilized": False, "description": p.description, "comments": "", "tags": [],
        "custom_fields": {"govnet_status": p.status, "purpose": p.purpose, "owner": owner,
                          "district": names.districts.get(p.district_id)
                          if p.district_id else None},
        "created": p.created_at.isoformat(), "last_updated": p.updated_at.isoformat(),
    }


def _ip_object(request: Request, row: IpAddress, prefixlen: int, version: int,
               names: Names) -> dict[str, Any]:
    return {"id": row.id, "display": f"{row.address}/{prefixlen}", "family": _family(version),
            "address": f"{row.address}/{prefixlen}",
            "vrf": _nested_vrf(request, row.vrf_id, names.vrfs.get(row.vrf_id)),
            "tenant": None, "status": {"value": "active", "label": "Active"}, "role": None,
            "dns_name": "", "description": row.description, "tags": [],
            "custom_fields": {"device": row.device or None, "interface": row.interface or None}}


# -- status and VRFs -------------------------------------------------------------------

@router.get("/", include_in_schema=False)
def root(request: Request, actor: Actor = ACTOR) -> JSONResponse:
    base = str(request.url_for("netbox_status")).rsplit("status/", 1)[0]
    return JSONResponse({"ipam": f"{base}ipam/", "status": f"{base}status/"},
                        headers={"API-Version": API_VERSION})


@router.get("/status/", name="netbox_status")
def status(actor: Actor = ACTOR) -> JSONResponse:
    from importlib.metadata import PackageNotFoundError, version

    try:
        ours = version("govnet")
    except PackageNotFoundError:
        ours = "unknown"
    return JSONResponse({"netbox-version": f"{API_VERSION}.0 (govnet {ours})",
                         "govnet-version": ours, "python-version": platform.python_version(),
                         "django-version": None, "installed-apps": {}, "plugins": {},
                         "rq-workers-running": 0}, headers={"API-Version": API_VERSION})


@router.get("/ipam/vrfs/", responses=ok(Page[NbVrf]))
def vrfs(request: Request, name: TextQuery = None, paging: Paging = PAGING,
         actor: Actor = ACTOR) -> dict[str, Any]:
    with read() as s:
        rows = [v for v in service.list_vrfs(s) if name is None or v.name == name]
        return paging.of(rows, lambda v: vrf_object(request, v))


@router.get("/ipam/vrfs/{vrf_id}/", name="netbox_vrf", responses=ok(NbVrf))
def vrf(request: Request, vrf_id: IdPath, actor: Actor = ACTOR) -> dict[str, Any]:
    with read() as s:
        row = s.get(Vrf, vrf_id)
        if row is None:
            raise NotFound(f"no VRF {vrf_id}")
        return vrf_object(request, row)


# -- prefixes --------------------------------------------------------------------------

@router.get("/ipam/prefixes/", responses=ok(Page[NbPrefix]))
def prefixes(request: Request, prefix: TextQuery = None, vrf_id: VrfIdQuery = None,
             within: TextQuery = None, within_include: TextQuery = None,
             id: IdQuery = None,  # noqa: A002 - NetBox's filter name
             paging: Paging = PAGING, actor: Actor = ACTOR) -> dict[str, Any]:
    if vrf_id == "null":  # every govnet prefix is in a VRF
        return paging.page(0, [])
    vrf = int(vrf_id) if vrf_id is not None else None
    if vrf is not None and not 1 <= vrf <= ID_MAX:
        raise InvalidInput(f"vrf_id {vrf_id!r} is not a VRF id")
    with read() as s:
        if id is not None:  # a prefix the caller may not read is filtered out like a missing one
            row = s.get(Prefix, id)
            found = [row] if row is not None and service.visible(actor, row) else []
            names = Names.of(s, found)
            return paging.page(len(found), [prefix_object(request, p, names) for p in found])
        count, rows = query.find(s, actor, vrf_id=vrf, prefix=prefix,
                                 within=within or within_include,
                                 within_include=within is None and within_include is not None,
                                 limit=paging.limit, offset=paging.offset)
        names = Names.of(s, rows)
        return paging.page(count, [prefix_object(request, p, names) for p in rows])


@router.get("/ipam/prefixes/{prefix_id}/", name="netbox_prefix", responses=ok(NbPrefix))
def prefix_detail(request: Request, prefix_id: IdPath, actor: Actor = ACTOR) -> dict[str, Any]:
    with read() as s:
        p = query.get_by_id(s, actor, prefix_id)
        return prefix_object(request, p, Names.of(s, [p]))


@router.get("/ipam/prefixes/{prefix_id}/available-prefixes/",
            responses=ok(list[NbAvailablePrefix]))
def available_prefixes(request: Request, prefix_id: IdPath, actor: Actor = ACTOR
                       ) -> list[dict[str, Any]]:
    """The free blocks of a pool or district block (``govnet ipam free``)."""
    with read() as s:
        parent = query.get_by_id(s, actor, prefix_id)
        names = Names.of(s, [parent])
        if parent.status not in (Status.container.value, Status.delegated.value):
            return []
        vrf = _nested_vrf(request, parent.vrf_id, names.vrfs.get(parent.vrf_id))
        return [{"family": n.version, "prefix": str(n), "vrf": vrf}
                for n in freespace.free_of(s, parent_id=prefix_id)]


def _owner(session: Session, item: AvailablePrefixIn) -> str | None:
    """The unit a NetBox-style body names: ``tenant`` (id, name, {id} or {name}) or
    custom_fields.owner."""
    tenant: int | str | None = (item.tenant.name or item.tenant.id
                                if isinstance(item.tenant, TenantRef) else item.tenant)
    if isinstance(tenant, int):
        unit = session.get(Unit, tenant)
        if unit is None:
            raise NotFound(f"no tenant (unit) {tenant}")
        return unit.name
    if tenant:
        return tenant
    return item.custom_fields.owner if item.custom_fields else None


MAX_BULK = 1000  # objects in one list POST (NetBox's own default MAX_PAGE_SIZE)


def _items(body: Any) -> tuple[list[Any], bool]:
    """The objects of a body; a list is capped at :data:`MAX_BULK`, so the one atomic
    transaction it is allocated in holds the write lock for a bounded time."""
    items = body if isinstance(body, list) else [body]
    if not items or any(i is None for i in items):
        raise InvalidInput("the body must be an object or a list of objects")
    if len(items) > MAX_BULK:
        raise InvalidInput(f"at most {MAX_BULK} objects in one request, not {len(items)}: "
                           "send the rest in further requests")
    return items, isinstance(body, list)


@router.post("/ipam/prefixes/{prefix_id}/available-prefixes/", status_code=201,
             responses=ok(NbPrefix | list[NbPrefix], 201))
def create_available_prefixes(request: Request, prefix_id: IdPath,
                              body: AvailablePrefixIn | list[AvailablePrefixIn] = Body(
                                  examples=[{"prefix_length": 29}])) -> JSONResponse:
    """Allocate the best-fitting free block(s) of ``prefix_length`` inside the prefix.

    The hot path of NetBox automation, so it costs one worker-thread hand-off: the
    caller is authenticated inside this handler's transaction (not by the ``ACTOR``
    dependency, a second hand-off), and the answer is a ready JSON response (no
    response-model validation or ``jsonable_encoder`` walk of the objects).
    """
    items, many = _items(body)  # before the transaction: a refused list takes no lock
    with transaction() as s:
        actor = caller_in(s, request).actor
        parent = query.get_by_id(s, actor, prefix_id)
        vrf = Names.of(s, [parent]).vrfs[parent.vrf_id]
        made = []
        for item in items:
            made.append(service.allocate(
                s, actor, owner=_owner(s, item), size=f"/{item.prefix_length}",
                within=parent.cidr, vrf=vrf,
                purpose=(item.custom_fields.purpose if item.custom_fields else None) or "lan",
                description=item.description))
        names = Names.of(s, made)
        out = [prefix_object(request, p, names) for p in made]
    return JSONResponse(out if many else out[0], status_code=201)


@router.get("/ipam/prefixes/{prefix_id}/available-ips/", responses=ok(list[NbAvailableIp]))
def available_ips(request: Request, prefix_id: IdPath,
                  limit: CountQuery = 50, actor: Actor = ACTOR
                  ) -> list[dict[str, Any]]:
    with read() as s:
        p = query.get_by_id(s, actor, prefix_id)
        vrf = _nested_vrf(request, p.vrf_id, Names.of(s, [p]).vrfs.get(p.vrf_id))
        return [{"family": p.version, "address": f"{ip}/{p.prefixlen}", "vrf": vrf}
                for ip in query.free_addresses(s, p, limit=limit)]


@router.post("/ipam/prefixes/{prefix_id}/available-ips/", status_code=201,
             responses=ok(NbIpAddress | list[NbIpAddress], 201))
def create_available_ips(request: Request, prefix_id: IdPath,
                         body: AvailableIpIn | list[AvailableIpIn] | None = Body(None),
                         actor: Actor = ACTOR) -> Any:
    """Assign the next free address(es) of an allocated prefix."""
    items, many = _items(AvailableIpIn() if body is None else body)
    with transaction() as s:
        p = query.get_by_id(s, actor, prefix_id)
        names = Names.of(s, [p])
        out = [_ip_object(request, service.assign_address(
            s, actor, p, description=i.description,
            device=(i.custom_fields.device if i.custom_fields else None) or "",
            interface=(i.custom_fields.interface if i.custom_fields else None) or ""),
            p.prefixlen, p.version, names) for i in items]
    return out if many else out[0]
