"""IPAM services on SQLite and PostgreSQL: allocation, the free-block index, quarantine."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from govnet.db import read, transaction
from govnet.errors import NotPermitted, PrefixConflict, SpaceExhausted
from govnet.models import utcnow
from govnet_tests.conftest import actor
from ipam import freespace, report, service, space
from ipam.models import PARENT_STATUSES, Prefix


def _check_index(session) -> None:
    """For every parent, the free-block table equals parent − children (set difference)."""
    for parent in session.scalars(select(Prefix).where(Prefix.status.in_(PARENT_STATUSES))):
        kids = [freespace.net_of(c) for c in session.scalars(
            select(Prefix).where(Prefix.parent_id == parent.id))]
        expected = space.free_blocks(freespace.net_of(parent), kids)
        assert freespace.free_of(session, parent_id=parent.id) == expected, parent.cidr


def test_best_fit_by_hosts_and_size(plan):
    ops = actor("jp-ops")
    with transaction() as s:
        a = service.allocate(s, ops, owner="金平区教育局", hosts=50, district="金平区", vrf="public")
        b = service.allocate(s, ops, owner="金平区教育局", hosts=2, district="金平区", vrf="public")
        c = service.allocate(s, ops, owner="金平区教育局", size="/27", district="金平区",
                             vrf="public")
        d = service.allocate(s, ops, owner="金平区教育局", hosts=10, district="金平区",
                             vrf="public", family=6)
    assert [a.cidr, b.cidr, c.cidr] == ["10.0.0.0/26", "10.0.0.64/30", "10.0.0.96/27"]
    assert d.cidr == "2001:db8::/64"
    with read() as s:
        _check_index(s)


def test_random_allocate_release_keeps_the_index_exact(plan):
    rng = random.Random(7)
    admin = actor()
    live: list[str] = []
    with transaction() as s:
        for _ in range(120):
            if live and rng.random() < 0.35:
                cidr = live.pop(rng.randrange(len(live)))
                service.release(s, admin, cidr, vrf="public", quarantine_days=0)
            else:
                try:
                    p = service.allocate(s, admin, owner="金平区教育局",
                                         size=f"/{rng.randint(24, 32)}", district="金平区",
                                         vrf="public")
                    live.append(p.cidr)
                except SpaceExhausted:
                    pass
    with read() as s:
        _check_index(s)
    with transaction() as s:
        for cidr in live:
            service.release(s, admin, cidr, vrf="public", quarantine_days=0)
    with read() as s:
        block = service.get(s, admin, "10.0.0.0/20", vrf="public")
        assert freespace.free_of(s, parent_id=block.id) == [space.parse_cidr("10.0.0.0/20")]


def test_quarantine_blocks_reuse_until_it_ends(plan):
    admin = actor()
    with transaction() as s:
        first = service.allocate(s, admin, owner="金平区教育局", size="/21", district="金平区",
                                 vrf="public")
        service.allocate(s, admin, owner="金平区教育局", size="/21", district="金平区",
                         vrf="public")
        service.release(s, admin, first.cidr, vrf="public", quarantine_days=30)
    with transaction() as s, pytest.raises(SpaceExhausted):
        service.allocate(s, admin, owner="金平区教育局", size="/24", district="金平区",
                         vrf="public")
    with transaction() as s:  # time passes: the quarantine ends
        s.execute(update(Prefix).where(Prefix.cidr == "10.0.0.0/21", Prefix.status ==
                                       "quarantined").values(
            quarantine_until=utcnow() - timedelta(days=1)))
    with transaction() as s:
        again = service.allocate(s, admin, owner="金平区教育局", size="/24", district="金平区",
                                 vrf="public")
    assert again.cidr == "10.0.0.0/24"
    with read() as s:
        _check_index(s)


def test_reserve_and_delegate_exact_prefixes(plan):
    admin = actor()
    with transaction() as s:
        service.reserve(s, admin, "10.0.1.0/24", reason="core links", vrf="public")
        with pytest.raises(PrefixConflict):
            service.reserve(s, admin, "10.0.1.128/25", reason="again", vrf="public")
    with transaction() as s:
        p = service.allocate(s, admin, owner="金平区教育局", size="/24", district="金平区",
                             vrf="public")
        assert p.cidr == "10.0.0.0/24"
        p = service.allocate(s, admin, owner="金平区教育局", size="/24", district="金平区",
                             vrf="public")
        assert p.cidr == "10.0.2.0/24"


def test_scopes(plan):
    with transaction() as s, pytest.raises(NotPermitted, match="outside its district"):
        service.allocate(s, actor("jp-ops"), owner="龙湖区民政局", size="/28",
                         within="10.0.16.0/20", vrf="public")
    with transaction() as s, pytest.raises(NotPermitted, match="applicant"):
        service.allocate(s, actor("edu"), owner="市教育局", size="/28", district="金平区",
                         vrf="public")
    with transaction() as s:
        service.allocate(s, actor("lh-ops"), owner="龙湖区民政局", size="/28",
                         district="龙湖区", vrf="public")
    with read() as s:
        seen = {n["prefix"] for n in report.tree(s, actor("jp-ops"), vrf="public")[0]["children"]}
        assert seen == {"10.0.0.0/20"}  # 龙湖区's block is not shown to 金平区


def test_database_refuses_overlapping_siblings_on_postgres(plan, any_db):
    if not any_db.startswith("postgresql"):
        pytest.skip("the exclusion constraint is PostgreSQL's")
    from sqlalchemy.exc import IntegrityError

    with read() as s:
        pool = service.get(s, actor(), "10.0.0.0/16", vrf="public")
    net = space.parse_cidr("10.0.8.0/24")  # inside 金平区's /20, a sibling of it: overlap
    with pytest.raises(IntegrityError, match="ex_prefix_siblings_disjoint"):
        with transaction() as s:
            s.add(Prefix(vrf_id=pool.vrf_id, cidr=str(net), parent_id=pool.id,
                         status="allocated", **freespace.range_keys(net)))
            s.flush()
