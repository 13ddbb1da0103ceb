"""The ``govnet`` command: the CLI root that mounts every package's commands.

Global option ``--as NAME`` picks the acting user (else ``GOVNET_USER``, else the
login name). Every data command takes ``--json``. Errors print one line on
stderr and exit 2 invalid input, 3 not permitted, 4 conflict, 5 device, 1 other.

Sub-apps are rows of :data:`SUBAPPS` and are imported only when invoked
(:mod:`govnet.lazygroup`): ``govnet --help`` imports none of them, ``govnet ipam …``
only the IPAM CLI. Keep this module's imports to typer and :mod:`govnet.console`.
"""

from __future__ import annotations

import os
import sys

import typer

from govnet.console import JSON_OPTION, actor_name, emit, run, state
from govnet.lazygroup import lazy_group

# name -> ("module:attr", help shown by `govnet --help`). One line per sub-app.
SUBAPPS: dict[str, tuple[str, str]] = {
    "user": ("govnet.cli_org:user_app", "Users, roles and scopes."),
    "org": ("govnet.cli_org:org_app", "Districts and units."),
    "ipam": ("ipam.cli:app", "Address plan: pools, district blocks, allocations."),
    "access": ("access.cli:app", "Connection requests, private networks and provisioning."),
    "inventory": ("inventory.cli:app", "Devices, ports, config backups and discovery."),
    "compliance": ("compliance.cli:app", "Compliance: find what is on the network without "
                   "approval (Art. 41), isolate it (Art. 40)."),
    "audit": ("govnet.cli_audit:app", "The hash-chained audit log."),
    "db": ("govnet.cli_db:app", "Back up, restore and move govnet's own database (Art. 37)."),
    "serve": ("api.cli:serve", "Serve the network API (OpenAPI at /api/docs) under uvicorn."),
    "token": ("api.cli:token_app", "API tokens (the secret is shown once; only its hash is kept)."),
    "lab": ("lab.cli:app", "Real-router lab: FRR routers (core + one aggregation per district) "
            "and unit hosts in network namespaces."),
}

app = typer.Typer(
    help="govnet — network operations for the e-government extranet (电子政务外网).",
    no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False,
    cls=lazy_group(SUBAPPS),
)


@app.callback()
def root(as_: str | None = typer.Option(None, "--as", help="Act as this user.")) -> None:
    state.acting_as = as_


@app.command()
def init(json_: bool = JSON_OPTION) -> None:
    """Create or upgrade the database schema; on an empty database the login user becomes
    admin. On a database with users it never creates or promotes anyone."""
    from govnet import identity, org
    from govnet.console import acting_name
    from govnet.db import transaction
    from govnet.migrate import upgrade
    from govnet.models import Role
    from govnet.settings import settings

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
    from govnet import demo as demo_data
    from govnet import identity
    from govnet.auth import load_actor, require
    from govnet.console import acting_name
    from govnet.db import shown, transaction
    from govnet.errors import Conflict, InvalidInput
    from govnet.migrate import upgrade
    from govnet.settings import settings

    if force and not reset:
        raise InvalidInput("--force goes with --reset")
    upgrade()
    where = shown(settings().db_url)
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
    from govnet.errors import GovnetError

    try:
        from tui.app import run as run_tui
    except ImportError as exc:
        raise GovnetError(f"the TUI is not available ({exc})") from exc
    run_tui(actor_name())


def main(argv: list[str] | None = None) -> int:
    # pydantic (under Typer's option parsing and SQLModel) scans every installed
    # distribution for plugins on first use, ~25 ms of each command; govnet uses none.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    return run(app, argv)


if __name__ == "__main__":
    sys.exit(main())
