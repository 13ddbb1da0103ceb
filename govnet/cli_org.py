"""``govnet user …`` and ``govnet org …``: users with their roles, districts and units."""

from __future__ import annotations

import typer

from govnet import org
from govnet.console import JSON_OPTION, acting, emit, table
from govnet.db import read, transaction
from govnet.models import District

user_app = typer.Typer(help="Users, roles and scopes.", no_args_is_help=True)
org_app = typer.Typer(help="Districts and units.", no_args_is_help=True)
district_app = typer.Typer(help="Districts and counties.", no_args_is_help=True)
unit_app = typer.Typer(help="Government units.", no_args_is_help=True)
org_app.add_typer(district_app, name="district")
org_app.add_typer(unit_app, name="unit")


@user_app.command("add")
def user_add(name: str, role: str = typer.Option(..., "--role"),
             district: str | None = typer.Option(None, "--district"),
             unit: str | None = typer.Option(None, "--unit"), json_: bool = JSON_OPTION) -> None:
    """Add a user with a role (district_operator needs --district, applicant --unit)."""
    with transaction() as s:
        user = org.add_user(s, acting(s), name, role=role, district=district, unit=unit)
        data = {"name": user.name, "role": user.role, "district": district, "unit": unit}
    emit(data, json_, lambda: f"added user {name} ({role})")


@user_app.command("list")
def user_list(json_: bool = JSON_OPTION) -> None:
    """List users with their roles and scopes."""
    with read() as s:
        acting(s)
        districts = {d.id: d.name for d in org.list_districts(s)}
        units = {u.id: u.name for u in org.list_units(s)}
        data = [{"name": u.name, "role": u.role, "district": districts.get(u.district_id),
                 "unit": units.get(u.unit_id)} for u in org.list_users(s)]
    emit(data, json_, lambda: table("users", ("name", "role", "district", "unit"),
                                    ([d["name"], d["role"], d["district"], d["unit"]]
                                     for d in data)))


@district_app.command("add")
def district_add(name: str, code: str | None = typer.Option(None, "--code"),
                 json_: bool = JSON_OPTION) -> None:
    """Add a district or county."""
    with transaction() as s:
        d = org.add_district(s, acting(s), name, code=code)
        data = {"name": d.name, "code": d.code}
    emit(data, json_, lambda: f"added district {name}")


@unit_app.command("add")
def unit_add(name: str, district: str | None = typer.Option(None, "--district"),
             json_: bool = JSON_OPTION) -> None:
    """Add a government unit (city-level without --district)."""
    with transaction() as s:
        u = org.add_unit(s, acting(s), name, district=district)
        data = {"name": u.name, "district": district}
    emit(data, json_, lambda: f"added unit {name}")


@org_app.command("list")
def org_list(json_: bool = JSON_OPTION) -> None:
    """Districts and units."""
    with read() as s:
        acting(s)
        districts: dict[int | None, District] = {d.id: d for d in org.list_districts(s)}
        data = {
            "districts": [{"name": d.name, "code": d.code} for d in districts.values()],
            "units": [{"name": u.name, "district": districts[u.district_id].name
                       if u.district_id else None} for u in org.list_units(s)],
        }
    emit(data, json_, lambda: table(
        "units", ("unit", "district"),
        ([u["name"], u["district"] or "市级 city"] for u in data["units"])))
