"""/api/v1 users, districts and units (``govnet user …``, ``govnet org …``).

The services (:mod:`govnet.org`, :mod:`govnet.org_edit`) decide who may do what: an
admin writes, a district agency lists its own district's units. The answers are the
CLI's ``--json`` shapes (the dicts ``govnet.cli_org`` prints).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.auth import ACTOR
from api.params import Body, Name, NamePath
from api.shapes import OrgList, Renamed, UserOut, ok
from govnet import org, org_edit
from govnet.auth import Actor
from govnet.db import read, transaction
from govnet.models import District

router = APIRouter(prefix="/api/v1", tags=["users and organization"])


class UserIn(Body):
    name: Name
    role: Name
    district: Name | None = None
    unit: Name | None = None
    cert_subject: Name | None = None


class RoleIn(Body):
    role: Name
    district: Name | None = None
    unit: Name | None = None


class DistrictIn(Body):
    name: Name
    code: Name | None = None


class UnitIn(Body):
    name: Name
    district: Name | None = None


class RenameIn(Body):
    name: Name


@router.get("/users", responses=ok(list[UserOut]))
def users(actor: Actor = ACTOR) -> list[dict[str, Any]]:
    """Users with their roles and scopes (``govnet user list``)."""
    with read() as s:
        districts = {d.id: d.name for d in org.list_districts(s, actor)}
        units = {u.id: u.name for u in org.list_units(s, actor)}
        return [{"name": u.name, "role": u.role, "district": districts.get(u.district_id),
                 "unit": units.get(u.unit_id)} for u in org.list_users(s, actor)]


@router.post("/users", status_code=201, responses=ok(UserOut, 201))
def user_add(body: UserIn, actor: Actor = ACTOR) -> dict[str, Any]:
    with transaction() as s:
        user = org.add_user(s, actor, body.name, role=body.role, district=body.district,
                            unit=body.unit, cert_subject=body.cert_subject)
        return {"name": user.name, "role": user.role, "district": body.district,
                "unit": body.unit, "cert_subject": user.cert_subject}


@router.delete("/users/{name}", responses=ok(UserOut))
def user_remove(name: NamePath, actor: Actor = ACTOR) -> dict[str, Any]:
    """Remove a user (admin; never yourself or the last admin)."""
    with transaction() as s:
        return {"name": name, **org_edit.remove_user(s, actor, name)}


@router.post("/users/{name}/role", responses=ok(UserOut))
def user_role(name: NamePath, body: RoleIn, actor: Actor = ACTOR) -> dict[str, Any]:
    """Change a user's role and scope (admin; never your own)."""
    with transaction() as s:
        return {"name": name, **org_edit.set_role(s, actor, name, role=body.role,
                                                  district=body.district, unit=body.unit)}


@router.get("/org", responses=ok(OrgList))
def org_list(actor: Actor = ACTOR) -> dict[str, Any]:
    """Districts and units the caller sees (``govnet org list``)."""
    with read() as s:
        districts: dict[int | None, District] = {d.id: d for d in org.list_districts(s, actor)}
        return {"districts": [{"name": d.name, "code": d.code} for d in districts.values()],
                "units": [{"name": u.name, "district": districts[u.district_id].name
                           if u.district_id in districts else None}
                          for u in org.list_units(s, actor)]}


@router.post("/districts", status_code=201, responses=ok(Renamed, 201))
def district_add(body: DistrictIn, actor: Actor = ACTOR) -> dict[str, Any]:
    with transaction() as s:
        d = org.add_district(s, actor, body.name, code=body.code)
        return {"name": d.name, "code": d.code}


@router.post("/districts/{name}/rename", responses=ok(Renamed))
def district_rename(name: NamePath, body: RenameIn, actor: Actor = ACTOR) -> dict[str, Any]:
    """Rename a district (by name or code)."""
    with transaction() as s:
        d = org_edit.rename_district(s, actor, name, body.name)
        return {"name": d.name, "code": d.code, "was": name}


@router.delete("/districts/{name}", responses=ok(Renamed))
def district_remove(name: NamePath, actor: Actor = ACTOR) -> dict[str, Any]:
    """Remove a district nothing refers to."""
    with transaction() as s:
        d = org_edit.remove_district(s, actor, name)
        return {"name": d.name, "code": d.code}


@router.post("/units", status_code=201, responses=ok(Renamed, 201))
def unit_add(body: UnitIn, actor: Actor = ACTOR) -> dict[str, Any]:
    """Add a government unit (city-level without ``district``)."""
    with transaction() as s:
        u = org.add_unit(s, actor, body.name, district=body.district)
        return {"name": u.name, "district": body.district}


@router.post("/units/{name}/rename", responses=ok(Renamed))
def unit_rename(name: NamePath, body: RenameIn, actor: Actor = ACTOR) -> dict[str, Any]:
    with transaction() as s:
        return {"name": org_edit.rename_unit(s, actor, name, body.name).name, "was": name}


@router.delete("/units/{name}", responses=ok(Renamed))
def unit_remove(name: NamePath, actor: Actor = ACTOR) -> dict[str, Any]:
    """Remove a unit nothing refers to."""
    with transaction() as s:
        return {"name": org_edit.remove_unit(s, actor, name).name}
