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
from govnet import audit, org
from govnet.auth import require
from govnet.console import JSON_OPTION, acting, actor_name, emit, run, state, table
from govnet.db import read, transaction
from govnet.errors import AlreadyExists, GovnetError
from govnet.messages import action_name
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
    """Create or upgrade the database schema and make the login user an admin."""
    revision = upgrade()
    name = actor_name()
    with transaction() as s:
        try:
            org.add_user(s, None, name, role=Role.admin.value)
            created = True
        except AlreadyExists:
            created = False
    data = {"database": settings().db_url, "revision": revision, "admin": name,
            "admin_created": created}
    emit(data, json_, lambda: f"database {data['database']} at revision {revision}; "
                              f"{name} is {'now ' if created else ''}admin")


@app.command()
def demo(reset: bool = typer.Option(False, "--reset", help="Wipe the database and seed again."),
         no_tui: bool = typer.Option(False, "--no-tui", help="Seed only; do not open the TUI."),
         json_: bool = JSON_OPTION) -> None:
    """Seed the Shantou demo data set (into GOVNET_DB) and open the TUI on it."""
    from govnet import demo as demo_data

    upgrade()
    name = actor_name()
    with transaction() as s:
        if reset:
            demo_data.wipe(s)
        counts = demo_data.seed(s, admin=name) if reset or not demo_data.is_seeded(s) else None
    data = {"database": settings().db_url, "seeded": counts is not None, "counts": counts,
            "admin": name}
    emit(data, json_, lambda: (f"seeded the Shantou demo into {data['database']}: {counts}"
                               if counts else f"demo data already in {data['database']} "
                               "(--reset seeds it again)"))
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
                                    ([d["seq"], d["at"], d["actor"],
                                      action_name(str(d["action"])), d["object"]]
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
