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

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import JSONResponse
from sqlmodel import Session

from api.auth import ACTOR, caller_in
from api.paging import PAGING, Paging
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


@router.get("/ipam/vrfs/")
def vrfs(request: Request, name: str | None = None, paging: Paging = PAGING,
         actor: Actor = ACTOR) -> dict[str, Any]:
    with read() as s:
        rows = [v for v in service.list_vrfs(s) if name is None or v.name == name]
        return paging.of(rows, lambda v: vrf_object(request, v))


@router.get("/ipam/vrfs/{vrf_id}/", name="netbox_vrf")
def vrf(request: Request, vrf_id: int, actor: Actor = ACTOR) -> dict[str, Any]:
    with read() as s:
        row = s.get(Vrf, vrf_id)
        if row is None:
            raise NotFound(f"no VRF {vrf_id}")
        return vrf_object(request, row)


# -- prefixes --------------------------------------------------------------------------

@router.get("/ipam/prefixes/")
def prefixes(request: Request, prefix: str | None = None,
             vrf_id: str | None = Query(None, description="A VRF id (or 'null')."),
             within: str | None = None, within_include: str | None = None,
             id: int | None = None,  # noqa: A002 - NetBox's filter name
             paging: Paging = PAGING, actor: Actor = ACTOR) -> dict[str, Any]:
    if vrf_id == "null":  # every govnet prefix is in a VRF
        return paging.page(0, [])
    try:
        vrf = int(vrf_id) if vrf_id is not None else None
    except ValueError:
        raise InvalidInput(f"vrf_id {vrf_id!r} is not a VRF id") from None
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


@router.get("/ipam/prefixes/{prefix_id}/", name="netbox_prefix")
def prefix_detail(request: Request, prefix_id: int, actor: Actor = ACTOR) -> dict[str, Any]:
    with read() as s:
        p = query.get_by_id(s, actor, prefix_id)
        return prefix_object(request, p, Names.of(s, [p]))


@router.get("/ipam/prefixes/{prefix_id}/available-prefixes/")
def available_prefixes(request: Request, prefix_id: int, actor: Actor = ACTOR
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


def _owner(session: Session, item: dict[str, Any]) -> str | None:
    """The unit a NetBox-style body names: ``tenant`` (id or {"name"}) or custom_fields.owner."""
    tenant = item.get("tenant")
    if isinstance(tenant, dict):
        tenant = tenant.get("name") or tenant.get("id")
    if isinstance(tenant, int):
        unit = session.get(Unit, tenant)
        if unit is None:
            raise NotFound(f"no tenant (unit) {tenant}")
        return unit.name
    if isinstance(tenant, str):
        return tenant
    owner = (item.get("custom_fields") or {}).get("owner")
    return str(owner) if owner else None


MAX_BULK = 1000  # objects in one list POST (NetBox's own default MAX_PAGE_SIZE)


def _items(body: Any) -> tuple[list[dict[str, Any]], bool]:
    """The objects of a body; a list is capped at :data:`MAX_BULK`, so the one atomic
    transaction it is allocated in holds the write lock for a bounded time."""
    items = body if isinstance(body, list) else [body or {}]
    if not items or not all(isinstance(i, dict) for i in items):
        raise InvalidInput("the body must be an object or a list of objects")
    if len(items) > MAX_BULK:
        raise InvalidInput(f"at most {MAX_BULK} objects in one request, not {len(items)}: "
                           "send the rest in further requests")
    return items, isinstance(body, list)


@router.post("/ipam/prefixes/{prefix_id}/available-prefixes/", status_code=201)
def create_available_prefixes(request: Request, prefix_id: int,
                              body: Any = Body(None, examples=[{"prefix_length": 29}])
                              ) -> JSONResponse:
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
            length = item.get("prefix_length")
            if not isinstance(length, int) or isinstance(length, bool):
                raise InvalidInput("prefix_length: give the length of the prefix to allocate")
            made.append(service.allocate(
                s, actor, owner=_owner(s, item), size=f"/{length}", within=parent.cidr,
                vrf=vrf,
                purpose=(item.get("custom_fields") or {}).get("purpose") or "lan",
                description=str(item.get("description") or "")))
        names = Names.of(s, made)
        out = [prefix_object(request, p, names) for p in made]
    return JSONResponse(out if many else out[0], status_code=201)


@router.get("/ipam/prefixes/{prefix_id}/available-ips/")
def available_ips(request: Request, prefix_id: int,
                  limit: int = Query(50, ge=1, le=1000), actor: Actor = ACTOR
                  ) -> list[dict[str, Any]]:
    with read() as s:
        p = query.get_by_id(s, actor, prefix_id)
        vrf = _nested_vrf(request, p.vrf_id, Names.of(s, [p]).vrfs.get(p.vrf_id))
        return [{"family": p.version, "address": f"{ip}/{p.prefixlen}", "vrf": vrf}
                for ip in query.free_addresses(s, p, limit=limit)]


@router.post("/ipam/prefixes/{prefix_id}/available-ips/", status_code=201)
def create_available_ips(request: Request, prefix_id: int, body: Any = Body(None),
                         actor: Actor = ACTOR) -> Any:
    """Assign the next free address(es) of an allocated prefix."""
    items, many = _items(body)
    with transaction() as s:
        p = query.get_by_id(s, actor, prefix_id)
        names = Names.of(s, [p])
        out = [_ip_object(request, service.assign_address(
            s, actor, p, description=str(i.get("description") or ""),
            device=str((i.get("custom_fields") or {}).get("device") or ""),
            interface=str((i.get("custom_fields") or {}).get("interface") or "")),
            p.prefixlen, p.version, names) for i in items]
    return out if many else out[0]
