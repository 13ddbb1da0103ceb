"""Read scope on the demo data, typed as users type it (issue 12).

A district operator sees its district, an applicant its unit; readers of all see
everything. Every read here leaves the database as it was, and a read outside one's
scope is refused with exit 3 (or simply shows nothing that is not in scope).
"""

from __future__ import annotations

import json

import pytest

from govnet_tests.conftest import db_snapshot


@pytest.fixture
def demo(any_db: str, cli):  # type: ignore[no-untyped-def]
    assert cli("demo --no-tui").code == 0
    assert cli("user add jp-applicant --role applicant --unit 金平区教育局").code == 0
    assert cli("user add lh-applicant --role applicant --unit 龙湖区民政局").code == 0
    return cli


def _read(cli, command: str, as_: str):  # type: ignore[no-untyped-def]
    before = db_snapshot()
    result = cli(f"{command} --json", as_=as_)
    assert db_snapshot() == before
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_user_list_is_scoped(demo) -> None:  # type: ignore[no-untyped-def]
    names = {u["name"] for u in _read(demo, "user list", "jinping-ops")}
    assert names == {"jinping-ops", "jp-applicant"}
    assert {u["name"] for u in _read(demo, "user list", "edu-applicant")} == {"edu-applicant"}
    assert {u["name"] for u in _read(demo, "user list", "lh-applicant")} == {"lh-applicant"}
    everyone = {u["name"] for u in _read(demo, "user list", "auditor")}
    assert {"longhu-ops", "jinping-ops", "edu-applicant", "lh-applicant"} <= everyone


def test_org_list_is_scoped(demo) -> None:  # type: ignore[no-untyped-def]
    data = _read(demo, "org list", "jinping-ops")
    assert [d["name"] for d in data["districts"]] == ["金平区"]
    assert {u["district"] for u in data["units"]} == {"金平区"}
    assert len(data["units"]) == 3
    data = _read(demo, "org list", "edu-applicant")
    assert data == {"districts": [], "units": [{"name": "市教育局", "district": None}]}
    data = _read(demo, "org list", "lh-applicant")
    assert data == {"districts": [{"name": "龙湖区", "code": "longhu"}],
                    "units": [{"name": "龙湖区民政局", "district": "龙湖区"}]}
    assert len(_read(demo, "org list", "authority")["districts"]) == 7


def test_access_list_shows_only_own_unit_or_district(demo) -> None:  # type: ignore[no-untyped-def]
    assert {r["unit"] for r in _read(demo, "access list", "edu-applicant")} == {"市教育局"}
    assert {r["district"] for r in _read(demo, "access list", "jinping-ops")} == {"金平区"}
    assert _read(demo, "access list", "lh-applicant") != []
    assert {r["unit"] for r in _read(demo, "access list", "lh-applicant")} == {"龙湖区民政局"}
    assert len(_read(demo, "access list", "auditor")) == 4


@pytest.mark.parametrize(("as_", "command", "message"), [
    ("edu-applicant", "ipam report --district 龙湖区", "may not report the usage of 龙湖区"),
    ("jinping-ops", "ipam report --district 龙湖区", "may not report the usage of 龙湖区"),
    ("lh-applicant", "ipam report --district 龙湖区", "may not report the usage of 龙湖区"),
    ("edu-applicant", "ipam utilization --district 龙湖区", "may not read the usage of 龙湖区"),
    ("jinping-ops", "ipam utilization --district 龙湖区", "may not read the usage of 龙湖区"),
    ("jinping-ops", "ipam show 10.81.0.0/16", "no prefix 10.81.0.0/16"),
    ("jinping-ops", "ipam free 10.81.0.0/16", "no prefix 10.81.0.0/16"),
    ("edu-applicant", "ipam tree 10.81.0.0/16", "no prefix 10.81.0.0/16"),
    ("jinping-ops", "inventory show longhu-agg-1", "may not read device longhu-agg-1"),
    ("edu-applicant", "inventory list", "may not read the inventory"),
    ("edu-applicant", "compliance findings", "may not read compliance findings"),
    ("jinping-ops", "access show 3", "may not see connection request 3"),
    ("edu-applicant", "access show 2", "may not see connection request 2"),
])
def test_reads_outside_scope_are_refused(demo, as_: str, command: str,  # type: ignore[no-untyped-def]
                                         message: str) -> None:
    before = db_snapshot()
    result = demo(f"{command} --json", as_=as_)
    assert db_snapshot() == before
    assert result.code in (2, 3), result
    assert message in result.err and result.err.count("\n") == 1
    assert result.out == ""


def test_ipam_reads_show_only_own_space(demo) -> None:  # type: ignore[no-untyped-def]
    def walk(nodes):  # type: ignore[no-untyped-def]
        for n in nodes:
            yield n
            yield from walk(n.get("children", []))

    seen = list(walk(_read(demo, "ipam tree", "jinping-ops")))
    assert {n["district"] for n in seen if n["status"] != "container"} == {"金平区"}
    assert not any(n["prefix"].startswith("10.81.") for n in seen)
    usage = _read(demo, "ipam utilization", "jinping-ops")
    assert {u["district"] for u in usage if u["status"] != "container"} == {"金平区"}
    assert _read(demo, "ipam utilization", "edu-applicant") == []
    own = list(walk(_read(demo, "ipam tree", "edu-applicant")))
    assert own and {n["owner"] for n in own} == {"市教育局"}
    assert {n["status"] for n in own} == {"allocated"}
    assert _read(demo, "ipam applications", "lh-applicant") == []
    assert {a["district"] for a in _read(demo, "ipam applications", "jinping-ops")} <= {"金平区"}
    assert all(r["district"] == "金平区"
               for r in _read(demo, "inventory list", "jinping-ops"))
    assert {f["district"] for f in _read(demo, "compliance findings", "jinping-ops")} <= {"金平区"}
    assert {e["actor"] for e in _read(demo, "audit list", "jinping-ops")} <= {"jinping-ops"}
    assert {p["owner"] for p in _read(demo, "access private-network list", "edu-applicant")
            } <= {"市教育局"}
