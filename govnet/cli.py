"""The ``govnet`` command: the CLI root that mounts every package's commands.

Global option ``--as NAME`` picks the acting user (else ``GOVNET_USER``, else the
login name). Every data command takes ``--json``. Errors print one line on
stderr and exit 2 invalid input, 3 not permitted, 4 conflict, 5 device, 1 other.
"""

from __future__ import annotations

import sys

import typer

from access.cli import app as access_app
from compliance.cli import app as compliance_app
from govnet import audit, identity, org
from govnet.auth import load_actor, require
from govnet.console import JSON_OPTION, acting, acting_name, actor_name, emit, run, state, table
from govnet.db import read, transaction
from govnet.errors import GovnetError
from govnet.migrate import upgrade
from govnet.models import District, Role
from govnet.settings import settings
from inventory.cli import app as inventory_app
from ipam.cli import app as ipam_app
from lab.cli import app as lab_app

app = typer.Typer(
    help="govnet — network operations for the e-government extranet (电子政务外网).",
    no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False,
)
user_app = typer.Typer(help="Users, roles and scopes.", no_args_is_help=True)
org_app = typer.Typer(help="Districts and units.", no_args_is_help=True)
district_app = typer.Typer(help="Districts and counties.", no_args_is_help=True)
unit_app = typer.Typer(help="Government units.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
org_app.add_typer(district_app, name="district")
org_app.add_typer(unit_app, name="unit")
app.add_typer(user_app, name="user")
app.add_typer(org_app, name="org")
app.add_typer(ipam_app, name="ipam")
app.add_typer(access_app, name="access")
app.add_typer(inventory_app, name="inventory")
app.add_typer(compliance_app, name="compliance")
app.add_typer(audit_app, name="audit")
app.add_typer(lab_app, name="lab")


@app.callback()
def root(as_: str | None = typer.Option(None, "--as", help="Act as this user.")) -> None:
    state.acting_as = as_


@app.command()
def init(json_: bool = JSON_OPTION) -> None:
    """Create or upgrade the database schema; on an empty database the login user becomes
    admin. On a database with users it never creates or promotes anyone."""
    revision = upgrade()
    name: str | None = None
    with transaction() as s:
        if not identity.has_users(s):
            name = acting_name(s)
            org.add_user(s, None, name, role=Role.admin.value)
    data = {"database": settings().db_url, "revision": revision, "admin": name,
            "admin_created": name is not None}
    emit(data, json_, lambda: f"database {data['database']} at revision {revision}; " + (
        f"{name} is now admin" if name else "it has users already: nobody was made admin "
        "(an admin adds users with 'govnet user add')"))


@app.command()
def demo(reset: bool = typer.Option(False, "--reset", help="Wipe the demo and seed it again."),
         force: bool = typer.Option(False, "--force", help="With --reset: wipe data the demo "
                                    "did not create too (the audit chain is kept)."),
         no_tui: bool = typer.Option(False, "--no-tui", help="Seed only; do not open the TUI."),
         json_: bool = JSON_OPTION) -> None:
    """Seed the Shantou demo data set (into GOVNET_DB) and open the TUI on it.

    Seeds only a database holding nothing but admins; --reset wipes a demo (never the
    audit chain, which records the reset) and refuses other data without --force.
    """
    from sqlalchemy.engine import make_url

    from govnet import demo as demo_data
    from govnet.errors import Conflict, InvalidInput

    if force and not reset:
        raise InvalidInput("--force goes with --reset")
    upgrade()
    where = make_url(settings().db_url).render_as_string(hide_password=True)
    with transaction() as s:
        name = acting_name(s)
        if identity.has_users(s):  # only an admin reseeds (or seeds) a database in use
            require(load_actor(s, name), action="seed or reset the demo data")
        found = demo_data.contents(s)
        if reset:
            demo_data.wipe(s, name, found, force=force)
        elif found.kind == "other":
            raise Conflict(f"{where} holds {found.summary()}: the demo seeds only an empty "
                           "database (set GOVNET_DB to another one)")
        counts = demo_data.seed_marked(s, admin=name) if reset or found.kind == "empty" else None
    data = {"database": where, "seeded": counts is not None, "counts": counts, "admin": name,
            "found": found.kind, "wiped": found.counts if reset and found.kind != "empty" else {},
            "changes_since_seed": len(found.changes)}
    emit(data, json_, lambda: (f"seeded the Shantou demo into {where}: {counts}"
                               if counts else f"the Shantou demo is already in {where} "
                               f"({found.summary()}); 'govnet demo --reset"
                               f"{'' if found.pristine else ' --force'}' seeds it again"))
    if not no_tui:
        tui()


@app.command()
def tui() -> None:
    """Open the terminal UI as the acting user."""
    try:
        from tui.app import run as run_tui
    except ImportError as exc:
        raise GovnetError(f"the TUI is not available ({exc})") from exc
    run_tui(actor_name())


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


@audit_app.command("list")
def audit_list(limit: int = typer.Option(50, "--limit"),
               action: str | None = typer.Option(None, "--action"),
               actor: str | None = typer.Option(None, "--actor"),
               search: str | None = typer.Option(None, "--search"),
               json_: bool = JSON_OPTION) -> None:
    """The newest audit events first."""
    with read() as s:
        viewer = acting(s)
        data = [{"seq": e.seq, "at": e.at.isoformat(timespec="seconds"), "actor": e.actor,
                 "action": e.action, "object": f"{e.object_type}:{e.object_id}",
                 "before": e.before, "after": e.after}
                for e in audit.list_events(s, limit=limit, action=action, actor=actor,
                                           search=search, viewer=viewer)]
    emit(data, json_, lambda: table("audit", ("seq", "at", "actor", "action", "object"),
                                    ([d["seq"], d["at"], d["actor"], d["action"], d["object"]]
                                     for d in data)))


@audit_app.command("verify")
def audit_verify(json_: bool = JSON_OPTION) -> None:
    """Check the hash chain; exit 4 if any event was edited or removed."""
    with read() as s:
        require(acting(s), Role.authority, Role.municipal_operator, Role.auditor,
                action="verify the audit chain")
        result = audit.verify(s)
    emit(result.as_dict(), json_, lambda: f"audit chain intact: {result.events} events"
         if result.ok else f"audit chain BROKEN: {result.problem}")
    if not result.ok:
        raise typer.Exit(4)


def main(argv: list[str] | None = None) -> int:
    return run(app, argv)


if __name__ == "__main__":
    sys.exit(main())
