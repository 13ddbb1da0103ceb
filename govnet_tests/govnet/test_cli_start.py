"""Command start imports only what a command needs (a regression guard, not a timer).

Each case runs ``govnet`` in a fresh interpreter and reports which packages ended up
in ``sys.modules``: ``--help`` loads no database layer and no sub-app; an IPAM command
loads neither Alembic, nor the templates, devices, provisioning nor the TUI.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from govnet import db as gdb
from govnet import org
from govnet.cli import SUBAPPS
from govnet.db import transaction
from govnet.lazygroup import load_target
from govnet.settings import settings
from govnet_tests.conftest import actor
from ipam import service
from ipam.view import prefix_dict

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("alembic", "jinja2", "netmiko", "textual", "hier_config", "napalm", "access",
         "inventory", "compliance", "lab", "tui")

_PROBE = """
import json, sys
from govnet.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
print(json.dumps({"code": code, "modules": sorted({m.split(".")[0] for m in sys.modules}),
                  "full": sorted(sys.modules)}))
"""


def _run(*argv: str) -> tuple[int, set[str]]:
    code, modules, _full = _run_full(*argv)
    return code, modules


def _run_full(*argv: str) -> tuple[int, set[str], set[str]]:
    done = subprocess.run([sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True,
                          cwd=ROOT, timeout=60, check=False)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["code"], set(report["modules"]), set(report["full"])


@pytest.fixture
def pool(db):  # type: ignore[no-untyped-def]
    """VRF ``v`` with the pool 10.0.0.0/16 and a unit ``unit``: enough to allocate."""
    admin = actor()
    with transaction() as s:
        service.add_vrf(s, admin, "v")
        service.add_pool(s, admin, "10.0.0.0/16", vrf="v")
        org.add_unit(s, admin, "unit")
    return db


def test_help_imports_no_sub_app_and_no_database_layer(db):
    code, modules = _run("--help")
    assert code == 0
    assert modules.isdisjoint({*HEAVY, "ipam", "sqlalchemy", "sqlmodel", "psycopg"})


@pytest.mark.parametrize("argv", [
    ("ipam", "allocate", "--size", "/30", "--within", "10.0.0.0/16", "--owner", "unit",
     "--json"),
    ("ipam", "tree", "--json"),
    ("ipam", "--help"),
])
def test_ipam_commands_import_no_alembic_templates_devices_or_tui(pool, argv):
    code, modules, full = _run_full(*argv)
    assert code == 0
    assert modules.isdisjoint(HEAVY), sorted(modules & set(HEAVY))
    # On SQLite nothing of PostgreSQL: its dialect is built only when a PostgreSQL
    # database is used (govnet.audit's ON CONFLICT insert), its driver never.
    assert "psycopg" not in modules
    assert "sqlalchemy.dialects.postgresql" not in full


def test_ipam_allocate_runs_on_core_without_sqlmodel_or_the_orm(pool):
    """The allocation command's budget (issue 11) leaves no room for SQLModel (with
    pydantic's model machinery) or the ORM: it runs on govnet.tables, and answers what
    the ORM path then reads back."""
    done = subprocess.run([sys.executable, "-c", _PROBE, "ipam", "allocate", "--size", "/30",
                           "--within", "10.0.0.0/16", "--owner", "unit", "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)
    *answer, last = done.stdout.strip().splitlines()
    report = json.loads(last)
    assert report["code"] == 0
    assert "sqlmodel" not in report["modules"]
    assert not [m for m in report["full"] if m.startswith("sqlalchemy.orm")]
    made = json.loads("\n".join(answer))
    with transaction() as s:
        stored = prefix_dict(s, service.get(s, actor(), "10.0.0.0/30", vrf="v"))
    assert made == stored
    assert (made["status"], made["owner"], made["vrf"]) == ("allocated", "unit", "v")


@pytest.mark.parametrize("name", sorted(SUBAPPS))
def test_every_sub_app_loads_and_its_help_starts_with_the_table_text(name):
    target, help_text = SUBAPPS[name]
    command = load_target(target, name)
    assert command.name == name
    assert (command.help or "").startswith(help_text.rstrip("."))


def test_a_lazy_sub_app_runs_and_refuses_like_an_eager_one(db, cli):
    assert cli("org district add 金平区").code == 0
    r = cli("ipam nosuch")
    assert r.code == 2 and "No such command 'nosuch'" in r.err
    assert "Did you mean 'ipam'" in cli("ipm").err
    assert cli("ipam vrf list --json").out.strip() == "[]"


@pytest.mark.parametrize("command", ["user list", "audit head", "ipam allocate --size /30 "
                                     "--within 10.0.0.0/16 --owner unit"])
def test_a_database_without_the_schema_is_one_line_asking_for_init(tmp_path, monkeypatch, cli,
                                                                   command):
    """Errors of the driver itself (statements run by govnet.prepared) are mapped too."""
    import sqlite3

    path = tmp_path / "old.db"
    sqlite3.connect(path).execute("CREATE TABLE govnet_user (id INTEGER PRIMARY KEY)").close()
    monkeypatch.setenv("GOVNET_DB", f"sqlite:///{path}")
    settings.cache_clear()
    gdb.dispose_all()
    r = cli(command)
    assert r.code == 1 and r.err.startswith(f"error: database {path} has no govnet schema")
    assert r.err.rstrip().endswith("run 'govnet init'") and len(r.err.splitlines()) == 1
