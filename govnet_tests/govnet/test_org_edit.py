"""Everyday edits of districts, units and users, typed as a user types them: each audited
before → after, each refused (nothing changed) when it would orphan data or lock admins out."""

from __future__ import annotations

import json

import pytest

from govnet import org
from govnet.auth import Actor, load_actor
from govnet.db import transaction
from govnet.errors import Conflict
from govnet.models import Role
from govnet.org_edit import remove_user
from govnet_tests.conftest import db_snapshot


@pytest.fixture
def world(any_db):  # type: ignore[no-untyped-def]
    from inventory import service as inventory
    from ipam import service as ipam

    with transaction() as s:
        admin = load_actor(s, "admin")
        org.add_district(s, admin, "金平区", code="jinping")
        org.add_district(s, admin, "龙湖区")
        org.add_district(s, admin, "空区")
        org.add_unit(s, admin, "金平区教育局", district="金平区")
        org.add_unit(s, admin, "市教育局")
        org.add_unit(s, admin, "空单位")
        org.add_user(s, admin, "jp", role="district_operator", district="金平区")
        org.add_user(s, admin, "edu", role="applicant", unit="市教育局")
        org.add_user(s, admin, "ops", role="municipal_operator")
        inventory.add_device(s, admin, name="lh-agg", platform="frr", host="198.18.0.9",
                             role="aggregation", district="龙湖区")
        ipam.add_vrf(s, admin, "public")
        ipam.add_pool(s, admin, "10.0.0.0/16")
        ipam.allocate(s, admin, owner="金平区教育局", size="/24", within="10.0.0.0/16")
    return any_db


def _last(cli, action: str) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(cli(f"audit list --action {action} --limit 1 --json").out)[0]


def test_renames_and_removes_are_audited(world, cli):
    r = cli("org district rename jinping 金平 --json")
    assert r.code == 0 and json.loads(r.out) == {"name": "金平", "code": "jinping",
                                                 "was": "jinping"}
    assert _last(cli, "org.district.rename")["before"] == {"name": "金平区"}
    units = {u["name"]: u["district"] for u in json.loads(cli("org list --json").out)["units"]}
    assert units["金平区教育局"] == "金平"  # the same district, renamed
    assert cli("org unit rename 空单位 新单位").code == 0
    assert _last(cli, "org.unit.rename")["after"] == {"name": "新单位"}
    assert cli("org unit remove 新单位 --json").code == 0
    assert _last(cli, "org.unit.remove")["before"] == {"name": "新单位", "district": None}
    assert cli("org district remove 空区").code == 0
    assert _last(cli, "org.district.remove")["before"] == {"name": "空区", "code": None}
    assert "空区" not in [d["name"] for d in json.loads(cli("org list --json").out)["districts"]]

    r = cli("user role edu --role district_operator --district 金平 --json")
    assert r.code == 0 and json.loads(r.out) == {"name": "edu", "role": "district_operator",
                                                 "district": "金平", "unit": None}
    event = _last(cli, "user.role")
    assert event["before"] == {"role": "applicant", "district": None, "unit": "市教育局"}
    assert event["after"]["role"] == "district_operator"
    assert cli("ipam tree", as_="edu").code == 0  # acts in its new role at once
    assert cli("user remove edu").code == 0
    assert _last(cli, "user.remove")["before"]["role"] == "district_operator"
    assert "edu" not in [u["name"] for u in json.loads(cli("user list --json").out)]
    assert cli("org unit remove 市教育局").code == 0  # its last user is gone
    assert cli("audit verify").code == 0


REFUSED = [
    ("org district remove 金平区", None, 4, "district 金平区 is still referred to by unit ×1, "
                                           "user ×1"),
    ("org district remove 龙湖区", None, 4, "district 龙湖区 is still referred to by device ×1"),
    ("org district remove 火星区", None, 2, "unknown district '火星区'"),
    ("org district rename 金平区 龙湖区", None, 4, "district '龙湖区' exists already"),
    ("org district rename 金平区 '坏\x01名'", None, 2, "district name: control character U+0001"),
    ("org district rename 金平区 '  '", None, 2, "district name is required"),
    ("org district rename 金平区 新区", "ops", 3, "ops (municipal_operator) may not rename "
                                             "districts"),
    ("org district remove 空区", "ops", 3, "may not remove districts"),
    ("org unit remove 市教育局", None, 4, "unit 市教育局 is still referred to by user ×1"),
    ("org unit remove 金平区教育局", None, 4, "is still referred to by prefix ×1"),
    ("org unit rename 市教育局 金平区教育局", None, 4, "unit '金平区教育局' exists already"),
    ("org unit rename 无此单位 新", None, 2, "unknown unit '无此单位'"),
    ("org unit rename 市教育局 新", "jp", 3, "may not rename units"),
    ("org unit remove 空单位", "edu", 3, "may not remove units"),
    ("user remove admin", None, 4, "admin may not remove itself"),
    ("user remove nobody", None, 2, "unknown user 'nobody'"),
    ("user remove edu", "ops", 3, "ops (municipal_operator) may not remove users"),
    ("user role admin --role auditor", None, 4, "admin may not change the role of itself"),
    ("user role edu --role applicant", None, 2, "an applicant needs --unit"),
    ("user role edu --role district_operator", None, 2, "a district_operator needs --district"),
    ("user role edu --role wizard", None, 2, "unknown role 'wizard'"),
    ("user role edu --role auditor --district 火星区", None, 2, "unknown district '火星区'"),
    ("user role jp --role auditor", "ops", 3, "may not change roles"),
    ("user role jp", None, 2, "Missing option '--role'"),
]


@pytest.mark.parametrize("command,as_,code,message", REFUSED, ids=[c[0] for c in REFUSED])
def test_refused_edits_change_nothing(world, cli, command, as_, code, message):
    before = db_snapshot()
    r = cli(command, as_=as_)
    assert (r.code, r.out) == (code, ""), r.err
    assert message in r.err and r.err.startswith("error: ") and r.err.count("\n") == 1, r.err
    assert db_snapshot() == before


def test_the_last_admin_stays(world, cli):
    with transaction() as s, pytest.raises(Conflict, match="admin is the last admin"):
        remove_user(s, Actor(name="root", role=Role.admin), "admin")
    assert cli("user add boss --role admin").code == 0
    assert cli("user role admin --role auditor", as_="boss").code == 0
    assert cli("user remove boss", as_="boss").code == 4  # never yourself
    assert cli("user role admin --role admin", as_="boss").code == 0
    assert cli("user remove boss").code == 0
