"""Everyday edits of the plan (pool list/remove, VRF remove, ``ipam edit``), typed as a
user types them: audited before → after; refused, changing nothing, when data would be
orphaned."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from govnet import org
from govnet.db import transaction
from govnet_tests.conftest import actor, db_snapshot
from ipam import service

U = "金平区教育局"
U2 = "金平区卫生健康局"  # another unit of the district whose block holds 10.0.0.0/24


@pytest.fixture
def edits(plan):  # type: ignore[no-untyped-def]
    admin = actor()
    with transaction() as s:
        service.allocate(s, admin, owner=U, size="/24", within="10.0.0.0/20", vrf="public")
        service.reserve(s, admin, "10.0.1.0/24", reason="core links", vrf="public")
        service.add_pool(s, admin, "10.9.0.0/16", vrf="public")
        org.add_unit(s, admin, U2, district="金平区")
    return plan


def _last(cli, action: str) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(cli(f"audit list --action {action} --limit 1 --json").out)[0]


def test_pool_list_and_remove(edits, cli):
    pools = json.loads(cli("ipam pool list --json").out)
    assert [p["prefix"] for p in pools] == ["10.0.0.0/16", "2001:db8::/32", "10.9.0.0/16"]
    assert all(p["status"] == "container" and p["vrf"] == "public" for p in pools)
    assert json.loads(cli("ipam pool list --vrf private --json").out) == []
    assert json.loads(cli("ipam pool list --json", as_="edu").out) == []  # an applicant
    r = cli("ipam pool remove 10.9.0.0/16 --vrf public --json", as_="city-ops")
    assert r.code == 0 and json.loads(r.out)["prefix"] == "10.9.0.0/16"
    assert _last(cli, "ipam.pool.remove")["before"]["prefix"] == "10.9.0.0/16"
    assert cli("ipam pool add 10.9.0.0/16 --vrf public").code == 0  # nothing left behind
    made = json.loads(cli("ipam allocate --owner 市教育局 --size /17 --within 10.9.0.0/16 "
                          "--vrf public --json").out)
    assert made["prefix"] == "10.9.0.0/17"  # its free space is whole again


def test_vrf_remove(edits, cli):
    assert cli("ipam vrf remove private --json", as_="city-ops").code == 0
    assert _last(cli, "ipam.vrf.remove")["before"] == {"name": "private", "description": ""}
    assert [v["name"] for v in json.loads(cli("ipam vrf list --json").out)] == ["public"]


def test_edit_owner_and_description(edits, cli):
    r = cli(f"ipam edit 10.0.0.0/24 --vrf public --owner {U2} --description '卫健 新网' --json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert (data["owner"], data["description"], data["district"]) == (U2, "卫健 新网", "金平区")
    event = _last(cli, "ipam.edit")
    assert event["before"] == {"owner": U, "description": ""}
    assert event["after"] == {"owner": U2, "description": "卫健 新网"}
    r = cli(f"ipam edit 10.0.0.0/24 --vrf public --owner {U}", as_="jp-ops")
    assert r.code == 0 and "for 金平区教育局" in r.out  # inside its block, to its unit
    assert cli("ipam edit 10.0.1.0/24 --vrf public --description 核心互联", as_="jp-ops").code == 0
    assert _last(cli, "ipam.edit")["after"] == {"description": "核心互联"}
    seq = _last(cli, "ipam.edit")["seq"]
    assert cli("ipam edit 10.0.1.0/24 --vrf public --description 核心互联").code == 0
    assert _last(cli, "ipam.edit")["seq"] == seq  # nothing changed: nothing recorded
    assert cli("audit verify").code == 0


REFUSED = [
    ("ipam pool remove 10.0.0.0/16 --vrf public", None, 4,
     "pool 10.0.0.0/16 is still referred to by prefix ×2: release or remove what is inside"),
    ("ipam pool remove 10.0.0.0/20 --vrf public", None, 2, "10.0.0.0/20 is delegated, not a pool"),
    ("ipam pool remove 10.8.0.0/16 --vrf public", None, 2, "no pool 10.8.0.0/16 in VRF public"),
    ("ipam pool remove 10.9.0.0/16 --vrf public", "jp-ops", 3, "may not remove pools"),
    ("ipam pool remove 10.9.0.0/16 --vrf nosuch", None, 2, "unknown VRF 'nosuch'"),
    ("ipam vrf remove public", None, 4, "VRF public is still referred to by prefix ×"),
    ("ipam vrf remove nosuch", None, 2, "unknown VRF 'nosuch'"),
    ("ipam vrf remove private", "jp-ops", 3, "may not remove VRFs"),
    ("ipam edit 10.0.0.0/24 --vrf public", None, 2, "give --owner U or --description T"),
    ("ipam edit 10.0.0.0/24 --vrf public --owner 无此单位", None, 2, "unknown unit '无此单位'"),
    ("ipam edit 10.0.0.0/24 --vrf public --owner 龙湖区民政局", "jp-ops", 3,
     "may not allocate to 龙湖区民政局, a unit outside its district"),
    ("ipam edit 10.0.16.0/20 --vrf public --description x", "jp-ops", 2, "no prefix 10.0.16.0/20"),
    ("ipam edit 10.9.0.0/16 --vrf public --description x", "jp-ops", 3, "may not edit pool"),
    ("ipam edit 10.0.0.0/24 --vrf public --description x", "edu", 3, "may not edit prefixes"),
    ("ipam edit 10.0.0.0/20 --vrf public --owner 市教育局", None, 4,
     "10.0.0.0/20 is delegated: only allocations have an owner"),
    ("ipam edit 10.0.1.0/24 --vrf public --description ''", None, 2,
     "is reserved: its description is the reason"),
    ("ipam edit 10.0.0.0/24 --vrf public --description '坏\x07'", None, 2,
     "--description: control character U+0007"),
    ("ipam edit 10.0.7.0/24 --vrf public --description x", None, 2, "no prefix 10.0.7.0/24"),
]


@pytest.mark.parametrize("command,as_,code,message", REFUSED, ids=[c[0] for c in REFUSED])
def test_refused_edits_change_nothing(edits, cli, command, as_, code, message):
    before = db_snapshot()
    r = cli(command, as_=as_)
    assert (r.code, r.out) == (code, ""), r.err
    assert message in r.err and r.err.startswith("error: ") and r.err.count("\n") == 1, r.err
    assert db_snapshot() == before


def test_the_owner_of_a_requested_allocation_follows_the_request(edits, cli):
    from access import workflow
    from access.models import RequestZone
    from ipam.models import Prefix

    with transaction() as s:
        request = workflow.submit(s, actor(), unit=U, zones=["public"], hosts=20, site="金砂路",
                                  contact="林工", purpose="办公网")
        zone = s.exec(select(RequestZone).where(RequestZone.request_id == request.id)).one()
        zone.lan_prefix_id = s.exec(select(Prefix).where(Prefix.cidr == "10.0.0.0/24")).one().id
        s.add(zone)  # as provisioning leaves it
    before = db_snapshot()
    r = cli(f"ipam edit 10.0.0.0/24 --vrf public --owner {U2}")
    assert r.code == 4 and "serves a connection request of its owner" in r.err
    assert db_snapshot() == before
    assert cli("ipam edit 10.0.0.0/24 --vrf public --description 可改").code == 0
    assert cli("ipam vrf remove public").code == 4  # the request uses the zone too
    assert "request zone ×1" in cli("ipam vrf remove public").err
