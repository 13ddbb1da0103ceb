"""ipam.query: its SQL visibility is ipam.service.visible, for every role of the demo."""

from __future__ import annotations

from sqlalchemy import select

from govnet.demo import USERS, seed
from govnet_tests.conftest import actor
from ipam import query, service
from ipam.models import Prefix


def test_visible_clause_agrees_with_visible(db: str) -> None:
    from govnet import db as gdb

    with gdb.transaction() as s:
        seed(s, admin="admin2", operations=False)
    for name in ["admin", *(u[0] for u in USERS)]:
        who = actor(name)
        with gdb.read() as s:
            every = list(s.scalars(select(Prefix)))
            count, rows = query.find(s, who, limit=10_000)
            assert {p.id for p in rows} == {p.id for p in every if service.visible(who, p)}
            assert count == len(rows)


def test_find_pages_and_filters(db: str) -> None:
    from govnet import db as gdb

    with gdb.transaction() as s:
        seed(s, admin="admin2", operations=False)
    with gdb.read() as s:
        count, first = query.find(s, actor(), within="10.80.0.0/13", limit=3)
        _, second = query.find(s, actor(), within="10.80.0.0/13", limit=3, offset=3)
        assert count > 6 and len(first) == 3 and not {p.id for p in first} & {p.id for p in second}
        assert all(p.cidr != "10.80.0.0/13" for p in first)
        count, same = query.find(s, actor(), within="10.80.0.0/13", within_include=True, limit=1)
        assert same[0].cidr == "10.80.0.0/13"
        assert query.find(s, actor(), prefix="10.80.0.0/13")[0] == 1


