"""Every CLI command has its endpoint (issue 17): the CLI's command tree (every sub-app
loaded through :mod:`govnet.lazygroup`, walked by click introspection) against the
operations of the OpenAPI document.

Each command is mapped explicitly to the operation(s) that do its work, so the test fails
when a command is added without an endpoint, when a mapped operation disappears, or when
a command on :data:`SERVER_ONLY` or :data:`PENDING` is also mapped.
"""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer._click.core import Context
from typer.core import TyperGroup

from govnet.cli import app as cli_app
from govnet.lazygroup import LazyCommand

V1 = "/api/v1"
# command -> the operations doing its work, (method, path)
ENDPOINTS: dict[str, tuple[tuple[str, str], ...]] = {
    "user add": (("post", f"{V1}/users"),),
    "user list": (("get", f"{V1}/users"),),
    "user remove": (("delete", f"{V1}/users/{{name}}"),),
    "user role": (("post", f"{V1}/users/{{name}}/role"),),
    "org list": (("get", f"{V1}/org"),),
    "org district add": (("post", f"{V1}/districts"),),
    "org district rename": (("post", f"{V1}/districts/{{name}}/rename"),),
    "org district remove": (("delete", f"{V1}/districts/{{name}}"),),
    "org unit add": (("post", f"{V1}/units"),),
    "org unit rename": (("post", f"{V1}/units/{{name}}/rename"),),
    "org unit remove": (("delete", f"{V1}/units/{{name}}"),),
    "ipam edit": (("patch", f"{V1}/prefixes/{{prefix_id}}"),),
    "ipam delegate": (("post", f"{V1}/delegations"),),
    "ipam allocate": (("post", f"{V1}/allocations"),),
    "ipam reserve": (("post", f"{V1}/reservations"),),
    "ipam release": (("post", f"{V1}/releases"),),
    "ipam show": (("get", f"{V1}/prefixes/{{prefix_id}}"),),
    "ipam lookup": (("get", f"{V1}/lookup"),),
    "ipam tree": (("get", f"{V1}/tree"),),
    "ipam free": (("get", f"{V1}/prefixes/{{prefix_id}}/free"),),
    "ipam utilization": (("get", f"{V1}/utilization"),),
    "ipam report": (("get", f"{V1}/report"),),
    "ipam apply": (("post", f"{V1}/applications"),),
    "ipam applications": (("get", f"{V1}/applications"),),
    "ipam approve-application": (("post", f"{V1}/applications/{{number}}/approve"),),
    "ipam reject-application": (("post", f"{V1}/applications/{{number}}/reject"),),
    "ipam import": (("post", f"{V1}/imports/csv"), ("post", f"{V1}/imports/devices")),
    "ipam vrf add": (("post", f"{V1}/vrfs"),),
    "ipam vrf list": (("get", f"{V1}/vrfs"),),
    "ipam vrf remove": (("delete", f"{V1}/vrfs/{{name}}"),),
    "ipam pool list": (("get", f"{V1}/pools"),),
    "ipam pool add": (("post", f"{V1}/pools"),),
    "ipam pool remove": (("delete", f"{V1}/pools/{{prefix_id}}"),),
    "access submit": (("post", f"{V1}/requests"),),
    "access list": (("get", f"{V1}/requests"),),
    "access show": (("get", f"{V1}/requests/{{number}}"),),
    "access return": (("post", f"{V1}/requests/{{number}}/return"),),
    "access resubmit": (("post", f"{V1}/requests/{{number}}/resubmit"),),
    "access withdraw": (("post", f"{V1}/requests/{{number}}/withdraw"),),
    "access approve": (("post", f"{V1}/requests/{{number}}/approve"),),
    "access reject": (("post", f"{V1}/requests/{{number}}/reject"),),
    "access handover": (("get", f"{V1}/requests/{{number}}/handover"),),
    "access provision": (("post", f"{V1}/requests/{{number}}/provision"),
                         ("get", f"{V1}/requests/{{number}}/provision/diff")),
    "access disconnect": (("post", f"{V1}/requests/{{number}}/disconnect"),
                          ("get", f"{V1}/requests/{{number}}/disconnect/diff")),
    "access resume": (("post", f"{V1}/requests/{{number}}/resume"),),
    "access jobs": (("get", f"{V1}/jobs"), ("get", f"{V1}/jobs/{{job_id}}")),
    "access cpe-config": (("get", f"{V1}/requests/{{number}}/cpe-config"),),
    "access private-network file": (("post", f"{V1}/private-networks"),),
    "access private-network apply": (("post", f"{V1}/private-networks"),),
    "access private-network approve": (("post", f"{V1}/private-networks/{{number}}/approve"),),
    "access private-network reject": (("post", f"{V1}/private-networks/{{number}}/reject"),),
    "access private-network list": (("get", f"{V1}/private-networks"),),
    "access private-network show": (("get", f"{V1}/private-networks/{{number}}"),),
    "inventory add": (("post", f"{V1}/devices"),),
    "inventory remove": (("delete", f"{V1}/devices/{{name}}"),),
    "inventory list": (("get", f"{V1}/devices"),),
    "inventory show": (("get", f"{V1}/devices/{{name}}"),),
    "inventory import": (("post", f"{V1}/inventory/import"),),
    "inventory export": (("get", f"{V1}/inventory/export"),),
    "inventory check": (("post", f"{V1}/inventory/check"),),
    "inventory backup": (("post", f"{V1}/inventory/backup"),
                         ("get", f"{V1}/devices/{{name}}/backups")),
    "inventory diff": (("get", f"{V1}/devices/{{name}}/backups/diff"),
                       ("get", f"{V1}/devices/{{name}}/backups/live-diff")),
    "inventory discover": (("post", f"{V1}/inventory/discover"),),
    "inventory ports add": (("post", f"{V1}/devices/{{name}}/ports"),),
    "inventory ports list": (("get", f"{V1}/devices/{{name}}/ports"),),
    "compliance scan": (("post", f"{V1}/compliance/scans"),),
    "compliance findings": (("get", f"{V1}/findings"),),
    "compliance show": (("get", f"{V1}/findings/{{number}}"),),
    "compliance acknowledge": (("post", f"{V1}/findings/{{number}}/acknowledge"),),
    "compliance isolate": (("post", f"{V1}/findings/{{number}}/isolate"),),
    "compliance restore": (("post", f"{V1}/findings/{{number}}/restore"),),
    "compliance resume": (("post", f"{V1}/findings/{{number}}/resume"),),
    "audit list": (("get", f"{V1}/audit"),),
    "audit verify": (("get", f"{V1}/audit/verify"),),
    "audit head": (("post", f"{V1}/audit/head"),),
    "token create": (("post", f"{V1}/tokens"),),
    "token list": (("get", f"{V1}/tokens"),),
    "token revoke": (("post", f"{V1}/tokens/{{key}}/revoke"),),
}

# Commands that make sense only on the server itself, and why (by prefix: "lab" is every
# "lab …" command).
SERVER_ONLY: dict[str, str] = {
    "init": "creates or upgrades the database schema: the server's own set-up",
    "serve": "starts the API server itself",
    "demo": "seeds (or wipes) the database the server runs on, and opens the TUI",
    "tui": "the terminal UI on the server's console",
    "lab": "real routers in network namespaces of the machine the command runs on (root)",
    "db": "backs up, restores or moves the server's own database files (Art. 37): an admin "
          "on the server, never over the API it would replace",
}

# Commands that still lack an endpoint (none today). A command listed here that gets an
# endpoint fails the test until it is moved to ENDPOINTS.
PENDING: dict[str, str] = {}


def _commands() -> list[str]:
    """Every leaf command of ``govnet``, as ``"group sub command"``."""
    found: list[str] = []

    def walk(cmd: Any, path: list[str]) -> None:
        if isinstance(cmd, LazyCommand):
            cmd = cmd.load()
        if isinstance(cmd, TyperGroup):
            ctx = Context(cmd)
            for name in cmd.list_commands(ctx):
                walk(cmd.get_command(ctx, name), [*path, name])
        else:
            found.append(" ".join(path))

    walk(typer.main.get_command(cli_app), [])
    return found


def _server_only(command: str) -> bool:
    return any(command == p or command.startswith(p + " ") for p in SERVER_ONLY)


@pytest.fixture(scope="module")
def operations() -> set[tuple[str, str]]:
    from api.app import create_app

    doc = create_app().openapi()
    return {(method, path) for path, item in doc["paths"].items() for method in item}


def test_the_walk_finds_every_sub_app() -> None:
    commands = _commands()
    groups = {c.split()[0] for c in commands}
    assert {"user", "org", "ipam", "access", "inventory", "compliance", "audit", "token",
            "lab", "init", "serve"} <= groups
    assert "access private-network file" in commands and "ipam vrf add" in commands
    assert len(commands) > 80


def _without_endpoint(commands: list[str]) -> list[str]:
    return [c for c in commands if c not in ENDPOINTS and c not in PENDING
            and not _server_only(c)]


def test_the_check_catches_a_new_command() -> None:
    """A command nobody mapped is reported; one under a server-only group is not."""
    assert _without_endpoint(["ipam frobnicate", "lab frobnicate", "ipam allocate",
                              "initialize"]) == ["ipam frobnicate", "initialize"]


def test_every_command_has_an_endpoint_or_a_reason(operations: set[tuple[str, str]]) -> None:
    commands = _commands()
    missing = _without_endpoint(commands)
    assert missing == [], f"commands without an endpoint: {missing}"
    stale = sorted(set(ENDPOINTS) - set(commands))
    assert stale == [], f"mapped commands the CLI no longer has: {stale}"


def test_every_mapped_operation_exists(operations: set[tuple[str, str]]) -> None:
    gone = [(c, op) for c, ops in ENDPOINTS.items() for op in ops if op not in operations]
    assert gone == [], f"mapped operations missing from /api/schema: {gone}"


def test_server_only_and_pending_are_explicit() -> None:
    assert all(reason.strip() for reason in (*SERVER_ONLY.values(), *PENDING.values()))
    both = [c for c in ENDPOINTS if c in PENDING or _server_only(c)]
    assert both == [], f"mapped and also pending or server-only: {both}"
    assert not [c for c in PENDING if c not in _commands()]
