"""/api/v1 address plan: zones, pools, prefixes, allocation, block applications (Art. 25).

Each handler is one service call in one transaction; the answers are the CLI's
``--json`` shapes (``ipam.view.prefix_dict``, ``report.Usage.as_dict``,
``applications.application_dict``).
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi import Body as FBody
from pydantic import Field, StrictInt

from api.auth import ACTOR
from api.paging import PAGING, Paging
from api.params import (
    Body,
    Days,
    DepthQuery,
    Family,
    Hosts,
    Id,
    IdPath,
    Name,
    NamePath,
    NameQuery,
    NumberPath,
    Size,
    Str,
    Text,
    TextQuery,
)
from api.shapes import Application, ImportResult, Page, Prefix, PrefixWithUsage, Released, Usage, Vrf, ok
from govnet.auth import Actor
from govnet.db import read, transaction
from govnet.errors import InvalidInput
from ipam import applications, edit, importer, lookup, query, report, service
from ipam.view import Names, prefix_dict, vrf_dict

router = APIRouter(prefix="/api/v1", tags=["ipam"])


class VrfIn(Body):
    name: Name
    description: Text = ""
    device_name: Name | None = Field(None, description="VPN instance / VRF name on devices "
                                     "(letters, digits, - _); default: the zone's name.")
    rd: Name | None = Field(None, description="Route distinguisher ASN:NN.")
    rt: Name | None = Field(None, description="Route target ASN:NN (default: the RD).")


class PoolIn(Body):
    prefix: Name
    vrf: Name | None = None
    description: Text = ""


class DelegationIn(Body):
    district: Name
    size: Size | None = None
    prefix: Name | None = None
    vrf: Name | None = None
    from_: Name | None = Field(None, alias="from", description="The pool to take it from.")
    family: Family | None = None


class AllocationIn(Body):
    owner: Name = Field(description="The unit that gets it.")
    size: Size | None = None
    hosts: Hosts | None = None
    district: Name | None = None
    within: Name | None = None
    vrf: Name | None = None
    purpose: Name = "lan"
    description: Text = ""
    family: Family | None = None


class ReservationIn(Body):
    prefix: Name
    reason: Text
    vrf: Name | None = None


class ReleaseIn(Body):
    prefix: Name
    vrf: Name | None = None
    quarantine_days: Days | None = None


class ApplicationIn(Body):
    district: Name
    size: Size | None = None
    hosts: Hosts | None = None
    reason: Text
    vrf: Name | None = None
    family: Family = 4


class ApproveApplicationIn(Body):
    prefix: Name | None = None


class RejectIn(Body):
    reason: Text


# -- zones and pools ------------------------------------------------------------------

@router.get("/vrfs", responses=ok(Page[Vrf]))
def vrfs(paging: Paging = PAGING, actor: Actor = ACTOR) -> dict[str, Any]:
    with read() as s:
        return paging.of(service.list_vrfs(s), vrf_dict)


@router.post("/vrfs", status_code=201, responses=ok(Vrf, 201))
def vrf_add(body: VrfIn, actor: Actor = ACTOR) -> dict[str, Any]:
    with transaction() as s:
        return vrf_dict(service.add_vrf(s, actor, body.name, description=body.description,
                                        device_name=body.device_name, rd=body.rd, rt=body.rt))


@router.get("/pools", responses=ok(Page[Prefix]))
def pools(vrf: TextQuery = None, paging: Paging = PAGING, actor: Actor = ACTOR
          ) -> dict[str, Any]:
    with read() as s:
        vrf_id = service.get_vrf(s, vrf).id if vrf else None
        count, rows = query.find(s, actor, vrf_id=vrf_id, status="container", limit=paging.limit,
                                 offset=paging.offset)
        names = Names.of(s, rows)
        return paging.page(count, [prefix_dict(s, p, names) for p in rows])


@router.post("/pools", status_code=201, responses=ok(Prefix, 201))
def pool_add(body: PoolIn, actor: Actor = ACTOR) -> dict[str, Any]:
    with transaction() as s:
        return prefix_dict(s, service.add_pool(s, actor, body.prefix, vrf=body.vrf,
                                               description=body.description))


# -- prefixes -------------------------------------------------------------------------

@router.get("/prefixes", responses=ok(Page[Prefix]))
def prefixes(vrf: TextQuery = None, prefix: TextQuery = None,
             within: Annotated[Str | None, Query(description="Strictly inside this CIDR.")] = None,
             status: TextQuery = None,
             parent: Annotated[Id | None, Query(description="Parent id.")] = None,
             paging: Paging = PAGING, actor: Actor = ACTOR) -> dict[str, Any]:
    with read() as s:
        vrf_id = service.get_vrf(s, vrf).id if vrf else None
        count, rows = query.find(s, actor, vrf_id=vrf_id, prefix=prefix, within=within,
                                 status=status, parent_id=parent, limit=paging.limit,
                                 offset=paging.offset)
        names = Names.of(s, rows)
        return paging.page(count, [prefix_dict(s, p, names) for p in rows])


@router.get("/prefixes/{prefix_id}", responses=ok(PrefixWithUsage))
def prefix_show(prefix_id: IdPath, actor: Actor = ACTOR) -> dict[str, Any]:
    """One prefix with its utilization (``govnet ipam show``)."""
    with read() as s:
        p = query.get_by_id(s, actor, prefix_id)
        names = Names.of(s, [p])
        return prefix_dict(s, p, names) | report.usage_of(s, p, names).as_dict()


@router.get("/prefixes/{prefix_id}/free")
def prefix_free(prefix_id: IdPath, actor: Actor = ACTOR) -> list[str]:
    with read() as s:
        p = query.get_by_id(s, actor, prefix_id)
        return report.free(s, actor, p.cidr, vrf=Names.of(s, [p]).vrfs[p.vrf_id])


@router.get("/tree")
def tree(prefix: TextQuery = None, vrf: TextQuery = None,
         depth: DepthQuery = None, actor: Actor = ACTOR) -> list[dict[str, Any]]:
    with read() as s:
        return report.tree(s, actor, prefix, vrf=vrf, depth=depth)


@router.get("/utilization", responses=ok(Page[Usage]))
def utilization(district: TextQuery = None, vrf: TextQuery = None,
                paging: Paging = PAGING, actor: Actor = ACTOR) -> dict[str, Any]:
    with read() as s:
        return paging.of(report.utilization(s, actor, district=district, vrf=vrf),
                         lambda u: u.as_dict())


@router.get("/report", responses={200: {"description": "The report.", "content": {
    "application/json": {}, "text/csv": {}, "text/markdown": {}}}})
def district_report(district: NameQuery,
                    format: Literal["json", "csv", "md"] = "json",  # noqa: A002
                    actor: Actor = ACTOR) -> Response:
    """A district's usage report to the municipal agency (``govnet ipam report``)."""
    with read() as s:
        text = report.report(s, actor, district=district, fmt=format)
    if format == "json":
        return Response(json.dumps(json.loads(text), ensure_ascii=False),
                        media_type="application/json")
    return Response(text, media_type="text/csv" if format == "csv" else "text/markdown")


# -- allocation -----------------------------------------------------------------------

@router.post("/delegations", status_code=201, responses=ok(Prefix, 201))
def delegate(body: DelegationIn, actor: Actor = ACTOR) -> dict[str, Any]:
    with transaction() as s:
        return prefix_dict(s, service.delegate(s, actor, district=body.district, size=body.size,
                                               prefix=body.prefix, vrf=body.vrf,
                                               from_cidr=body.from_, family=body.family))


@router.post("/allocations", status_code=201, responses=ok(Prefix, 201))
def allocate(body: AllocationIn, actor: Actor = ACTOR) -> dict[str, Any]:
    with transaction() as s:
        return prefix_dict(s, service.allocate(
            s, actor, owner=body.owner, size=body.size, hosts=body.hosts, district=body.district,
            within=body.within, vrf=body.vrf, purpose=body.purpose, description=body.description,
            family=body.family))


@router.post("/reservations", status_code=201, responses=ok(Prefix, 201))
def reserve(body: ReservationIn, actor: Actor = ACTOR) -> dict[str, Any]:
    with transaction() as s:
        return prefix_dict(s, service.reserve(s, actor, body.prefix, reason=body.reason,
                                              vrf=body.vrf))


@router.post("/releases", responses=ok(Prefix | Released))
def release(body: ReleaseIn, actor: Actor = ACTOR) -> dict[str, Any]:
    """Release into quarantine (``quarantine_days`` 0 frees it at once)."""
    with transaction() as s:
        result = service.release(s, actor, body.prefix, vrf=body.vrf,
                                 quarantine_days=body.quarantine_days)
        return prefix_dict(s, result) if result else {"prefix": body.prefix, "status": "free"}


# -- block applications ---------------------------------------------------------------

@router.get("/applications", responses=ok(Page[Application]))
def application_list(status: TextQuery = None, paging: Paging = PAGING, actor: Actor = ACTOR
                     ) -> dict[str, Any]:
    with read() as s:
        return paging.of(applications.list_applications(s, actor, status=status),
                         lambda a: applications.application_dict(s, a))


@router.post("/applications", status_code=201, responses=ok(Application, 201))
def apply(body: ApplicationIn, actor: Actor = ACTOR) -> dict[str, Any]:
    with transaction() as s:
        return applications.application_dict(s, applications.apply(
            s, actor, district=body.district, size=body.size, hosts=body.hosts,
            reason=body.reason, vrf=body.vrf, family=body.family))


@router.post("/applications/{number}/approve", responses=ok(Application))
def application_approve(number: NumberPath, body: ApproveApplicationIn | None = None,
                        actor: Actor = ACTOR) -> dict[str, Any]:
    with transaction() as s:
        return applications.application_dict(s, applications.approve(
            s, actor, number, prefix=body.prefix if body else None))


@router.post("/applications/{number}/reject", responses=ok(Application))
def application_reject(number: NumberPath, body: RejectIn, actor: Actor = ACTOR) -> dict[str, Any]:
    with transaction() as s:
        return applications.application_dict(s, applications.reject(s, actor, number,
                                                                    reason=body.reason))


# -- edits, lookups, imports (govnet ipam edit|lookup|import, vrf|pool remove) ----------

class EditIn(Body):
    owner: Name | None = Field(None, description="The unit it now belongs to (allocations).")
    description: Text | None = None


def _cidr_and_vrf(s: Any, actor: Actor, prefix_id: int) -> tuple[str, str]:
    p = query.get_by_id(s, actor, prefix_id)  # outside the caller's scope: 404
    return p.cidr, Names.of(s, [p]).vrfs[p.vrf_id]


@router.patch("/prefixes/{prefix_id}", responses=ok(Prefix))
def prefix_edit(prefix_id: IdPath, body: EditIn, actor: Actor = ACTOR) -> dict[str, Any]:
    """Change an allocation's owner or a prefix's description (``govnet ipam edit``)."""
    with transaction() as s:
        cidr, vrf = _cidr_and_vrf(s, actor, prefix_id)
        return prefix_dict(s, edit.edit(s, actor, cidr, vrf=vrf, owner=body.owner,
                                        description=body.description))


@router.delete("/pools/{prefix_id}", responses=ok(Prefix))
def pool_remove(prefix_id: IdPath, actor: Actor = ACTOR) -> dict[str, Any]:
    """Remove an empty pool (refused, 409, while anything is inside it)."""
    with transaction() as s:
        cidr, vrf = _cidr_and_vrf(s, actor, prefix_id)
        return edit.remove_pool(s, actor, cidr, vrf=vrf)


@router.delete("/vrfs/{name}", responses=ok(Vrf))
def vrf_remove(name: NamePath, actor: Actor = ACTOR) -> dict[str, Any]:
    """Remove a zone that holds no prefix and serves no request."""
    with transaction() as s:
        return edit.remove_vrf(s, actor, name)


@router.get("/lookup", responses=ok(list[Prefix]))
def address_lookup(address: NameQuery, vrf: TextQuery = None, actor: Actor = ACTOR
                   ) -> list[dict[str, Any]]:
    """The innermost prefix holding ``address`` (longest match), in each zone or in ``vrf``."""
    with read() as s:
        found = lookup.lookup(s, actor, address, vrf=vrf)
        names = Names.of(s, found)
        return [prefix_dict(s, p, names) for p in found]


class DeviceImportIn(Body):
    pool_length: Annotated[StrictInt, Field(ge=1, le=31)] = 16


@router.post("/imports/csv", responses=ok(ImportResult))
def import_csv(csv: Annotated[bytes, FBody(media_type="text/csv",
                                           description="prefix,vrf,status,district,owner,"
                                           "description (UTF-8)")],
               skip_existing: bool = False, actor: Actor = ACTOR) -> dict[str, Any]:
    """Adopt an existing plan from a CSV (all or nothing; ``govnet ipam import --from-csv``)."""
    try:
        text = csv.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = csv[:exc.start].count(b"\n") + 1
        raise InvalidInput(f"line {line}: not UTF-8 text (byte 0x{csv[exc.start]:02x})") from None
    with transaction() as s:
        return importer.from_csv(s, actor, text, skip_existing=skip_existing).as_dict()


@router.post("/imports/devices", responses=ok(ImportResult))
def import_devices(body: DeviceImportIn | None = None, actor: Actor = ACTOR) -> dict[str, Any]:
    """Build the plan from the newest scan/discovery of every device (all or nothing)."""
    with transaction() as s:
        return importer.from_devices(s, actor, pool_length=body.pool_length if body else 16
                                     ).as_dict()
