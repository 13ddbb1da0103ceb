"""A district label on a prefix means "inside that district's delegated space" (issue 9
item 4): allocations, reservations and imports are labelled by the block they lie in."""

from __future__ import annotations

import json

import pytest

from govnet.db import read, transaction
from govnet_tests.conftest import actor, db_snapshot
from ipam import service

U = "金平区教育局"


def test_labels_follow_the_block_not_the_owner(plan):
    ops = actor("city-ops")
    with transaction() as s:
        in_pool = service.allocate(s, ops, owner=U, size="/24", within="10.0.0.0/16",
                                   vrf="public")
        in_block = service.allocate(s, ops, owner=U, size="/24", within="10.0.0.0/20",
                                    vrf="public")
        by_district = service.allocate(s, ops, owner=U, size="/24", district="金平区",
                                       vrf="public")
        held = service.reserve(s, ops, "10.0.200.0/24", reason="core", vrf="public")
        held_jp = service.reserve(s, ops, "10.0.15.0/24", reason="spare", vrf="public")
        got = {p.cidr: p.district_id for p in (in_pool, in_block, by_district, held, held_jp)}
    with read() as s:
        jinping = s.get(service.Prefix, in_block.parent_id).district_id  # type: ignore[attr-defined]
    assert jinping is not None
    assert got[in_pool.cidr] is None and got[held.cidr] is None  # city space
    assert got[in_block.cidr] == got[by_district.cidr] == got[held_jp.cidr] == jinping
    assert in_pool.cidr.startswith("10.0.") and not in_pool.cidr.startswith("10.0.0.")


def test_the_issue_command_is_refused_and_city_space_is_not_labelled(plan, cli):
    before = db_snapshot()
    r = cli(f"ipam allocate --owner {U} --size /24 --district 金平区 --within 10.0.0.0/16 "
            "--vrf public", as_="city-ops")
    assert r.code == 2 and r.err.count("\n") == 1
    assert "give --district D or --within CIDR, not both" in r.err
    assert db_snapshot() == before
    made = json.loads(cli(f"ipam allocate --owner {U} --size /24 --within 10.0.0.0/16 "
                          "--vrf public --json", as_="city-ops").out)
    assert made["owner"] == U and made["district"] is None
    assert not made["prefix"].startswith(("10.0.0.", "10.0.1"))  # outside both /20 blocks
    shown = cli(f"ipam show {made['prefix']} --vrf public --json", as_="jp-ops")
    assert shown.code == 2  # not 金平区's space: its operator does not see it as its own
    inside = json.loads(cli(f"ipam allocate --owner {U} --size /24 --within 10.0.0.0/20 "
                            "--vrf public --json", as_="city-ops").out)
    assert inside["district"] == "金平区"


@pytest.mark.parametrize("command", [
    "ipam allocate --owner 龙湖区民政局 --size /24 --within 10.0.0.0/20 --vrf public",
    "ipam allocate --owner 市教育局 --size /24 --within 10.0.0.0/20 --vrf public",
    "ipam edit 10.0.0.0/24 --vrf public --owner 龙湖区民政局",
])
def test_a_unit_never_gets_addresses_in_another_districts_block(plan, cli, command):
    """Even an admin: 金平区's block serves 金平区's units; a 龙湖区 unit or a city unit
    gets its addresses from its own district's blocks or a city pool (exit 4, one line,
    nothing changed)."""
    with transaction() as s:
        service.allocate(s, actor(), owner=U, size="/24", within="10.0.0.0/20", vrf="public")
    before = db_snapshot()
    r = cli(command)
    assert (r.code, r.out) == (4, ""), r.err
    assert r.err.startswith("error: 10.0.0.0/20 is another district's block than ")
    assert r.err.count("\n") == 1
    assert db_snapshot() == before


def test_a_city_pool_still_serves_any_unit(plan, cli):
    for unit in ("龙湖区民政局", "市教育局", U):
        r = cli(f"ipam allocate --owner {unit} --size /24 --within 10.0.0.0/16 --vrf public "
                "--json")
        assert r.code == 0, r.err
        assert json.loads(r.out)["district"] is None
