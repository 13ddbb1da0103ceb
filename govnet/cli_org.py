"""``govnet user …`` and ``govnet org …``: users with their roles, districts and units."""

from __future__ import annotations

import typer

from govnet import org
from govnet.console import JSON_OPTION, acting, emit, table
from govnet.db import read, transaction
from govnet.models import District

user_app = typer.Typer(add_completion=False, help="Users, roles and scopes.", no_args_is_help=True)
org_app = typer.Typer(add_completion=False, help="Districts and units.", no_args_is_help=True)
district_app = typer.Typer(help="Districts and counties.", no_args_is_help=True)
unit_app = typer.Typer(help="Government units.", no_args_is_help=True)
org_app.add_typer(district_app, name="district")
org_app.add_typer(unit_app, name="unit")


@user_app.command("add")
def user_add(name: str, role: str = typer.Option(..., "--role"),
             district: str | None = typer.Option(None, "--district"),
             unit: str | None = typer.Option(None, "--unit"),
             cert_subject: str | None = typer.Option(
                 None, "--cert-subject", help="API login by client certificate: \"CN=…\"."),
             json_: bool = JSON_OPTION) -> None:
    """Add a user with a role (district_operator needs --district, applicant --unit)."""
    with transaction() as s:
        user = org.add_user(s, acting(s), name, role=role, district=district, unit=unit,
                            cert_subject=cert_subject)
        data = {"name": user.name, "role": user.role, "district": district, "unit": unit,
                "cert_subject": user.cert_subject}
    emit(data, json_, lambda: f"added user {name} ({role})")


@user_app.command("list")
def user_list(json_: bool = JSON_OPTION) -> None:
    """List users with their roles and scopes."""
    with read() as s:
        viewer = acting(s)
        districts = {d.id: d.name for d in org.list_districts(s, viewer)}
        units = {u.id: u.name for u in org.list_units(s, viewer)}
        data = [{"name": u.name, "role": u.role, "district": districts.get(u.district_id),
                 "unit": units.get(u.unit_id)} for u in org.list_users(s, viewer)]
    emit(data, json_, lambda: table("users", ("name", "role", "district", "unit"),
                                    ([d["name"], d["role"], d["district"], d["unit"]]
                                     for d in data)))


@user_app.command("remove")
def user_remove(name: str, json_: bool = JSON_OPTION) -> None:
    """Remove a user (admin; never yourself or the last admin)."""
    from govnet import org_edit

    with transaction() as s:
        data = {"name": name, **org_edit.remove_user(s, acting(s), name)}
    emit(data, json_, lambda: f"removed user {name} ({data['role']})")


@user_app.command("role")
def user_role(name: str, role: str = typer.Option(..., "--role"),
              district: str | None = typer.Option(None, "--district"),
              unit: str | None = typer.Option(None, "--unit"), json_: bool = JSON_OPTION) -> None:
    """Change a user's role and scope (admin; never your own)."""
    from govnet import org_edit

    with transaction() as s:
        data = {"name": name, **org_edit.set_role(s, acting(s), name, role=role,
                                                  district=district, unit=unit)}
    emit(data, json_, lambda: f"{name} is now {data['role']}"
         + "".join(f" of {data[k]}" for k in ("district", "unit") if data[k]))


@district_app.command("add")
def district_add(name: str, code: str | None = typer.Option(None, "--code"),
                 json_: bool = JSON_OPTION) -> None:
    """Add a district or county."""
    with transaction() as s:
        d = org.add_district(s, acting(s), name, code=code)
        data = {"name": d.name, "code": d.code}
    emit(data, json_, lambda: f"added district {name}")


@district_app.command("rename")
def district_rename(old: str, new: str, json_: bool = JSON_OPTION) -> None:
    """Rename a district (by name or code)."""
    from govnet import org_edit

    with transaction() as s:
        d = org_edit.rename_district(s, acting(s), old, new)
        data = {"name": d.name, "code": d.code, "was": old}
    emit(data, json_, lambda: f"renamed district {old} to {data['name']}")


@district_app.command("remove")
def district_remove(name: str, json_: bool = JSON_OPTION) -> None:
    """Remove a district nothing refers to (no unit, user, block, device…)."""
    from govnet import org_edit

    with transaction() as s:
        d = org_edit.remove_district(s, acting(s), name)
        data = {"name": d.name, "code": d.code}
    emit(data, json_, lambda: f"removed district {data['name']}")


@unit_app.command("add")
def unit_add(name: str, district: str | None = typer.Option(None, "--district"),
             json_: bool = JSON_OPTION) -> None:
    """Add a government unit (city-level without --district)."""
    with transaction() as s:
        u = org.add_unit(s, acting(s), name, district=district)
        data = {"name": u.name, "district": district}
    emit(data, json_, lambda: f"added unit {name}")


@unit_app.command("rename")
def unit_rename(old: str, new: str, json_: bool = JSON_OPTION) -> None:
    """Rename a government unit."""
    from govnet import org_edit

    with transaction() as s:
        data = {"name": org_edit.rename_unit(s, acting(s), old, new).name, "was": old}
    emit(data, json_, lambda: f"renamed unit {old} to {data['name']}")


@unit_app.command("remove")
def unit_remove(name: str, json_: bool = JSON_OPTION) -> None:
    """Remove a unit nothing refers to (no request, prefix, user…)."""
    from govnet import org_edit

    with transaction() as s:
        data = {"name": org_edit.remove_unit(s, acting(s), name).name}
    emit(data, json_, lambda: f"removed unit {data['name']}")


@org_app.command("list")
def org_list(json_: bool = JSON_OPTION) -> None:
    """Districts and units."""
    with read() as s:
        viewer = acting(s)
        districts: dict[int | None, District] = {d.id: d for d in org.list_districts(s, viewer)}
        data = {
            "districts": [{"name": d.name, "code": d.code} for d in districts.values()],
            "units": [{"name": u.name, "district": districts[u.district_id].name
                       if u.district_id else None} for u in org.list_units(s, viewer)],
        }
    emit(data, json_, lambda: table(
        "units", ("unit", "district"),
        ([u["name"], u["district"] or "市级 city"] for u in data["units"])))
