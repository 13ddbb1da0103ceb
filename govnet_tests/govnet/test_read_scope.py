"""Read scope on the demo data, typed as users type it (issue 12).

A district operator sees its district, an applicant its unit; readers of all see
everything. Every read here leaves the database as it was, and a read outside one's
scope reads as a missing object (exit 2, the same message), a role that may not read
a kind of object is refused with exit 3, and lists simply show nothing out of scope.
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


@pytest.mark.parametrize(("as_", "command", "code", "message"), [
    # a role that may not read a kind of object is refused, whatever the name (exit 3)
    ("edu-applicant", "ipam report --district 龙湖区", 3, "may not report a district's usage"),
    ("lh-applicant", "ipam report --district 龙湖区", 3, "may not report a district's usage"),
    ("edu-applicant", "ipam utilization --district 龙湖区", 3,
     "may not read a district's usage"),
    ("edu-applicant", "inventory list", 3, "may not read the inventory"),
    ("edu-applicant", "inventory show jinping-agg-1", 3, "may not read the inventory"),
    ("edu-applicant", "compliance findings", 3, "may not read compliance findings"),
    # an object outside one's scope reads as a missing one (exit 2, the same message)
    ("jinping-ops", "ipam report --district 龙湖区", 2, "unknown district '龙湖区'"),
    ("jinping-ops", "ipam utilization --district 龙湖区", 2, "unknown district '龙湖区'"),
    ("jinping-ops", "ipam show 10.81.0.0/16", 2, "no prefix 10.81.0.0/16"),
    ("jinping-ops", "ipam free 10.81.0.0/16", 2, "no prefix 10.81.0.0/16"),
    ("edu-applicant", "ipam tree 10.81.0.0/16", 2, "no prefix 10.81.0.0/16"),
    ("jinping-ops", "inventory show longhu-agg-1", 2, "unknown device 'longhu-agg-1'"),
    ("jinping-ops", "inventory show no-such-agg", 2, "unknown device 'no-such-agg'"),
    ("jinping-ops", "access show 3", 2, "no connection request 3"),
    ("edu-applicant", "access show 2", 2, "no connection request 2"),
    ("edu-applicant", "access show 999", 2, "no connection request 999"),
])
def test_reads_outside_scope_are_refused(demo, as_: str, command: str,  # type: ignore[no-untyped-def]
                                         code: int, message: str) -> None:
    before = db_snapshot()
    result = demo(f"{command} --json", as_=as_)
    assert db_snapshot() == before
    assert result.code == code, result
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
