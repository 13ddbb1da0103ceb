"""No double allocation under 16 concurrent processes, on SQLite and PostgreSQL.

16 processes × 100 allocations of a /30 from one /21 (512 fit): every request either
succeeds or fails with the "exhausted" error; zero overlaps; the counts add up.
"""

from __future__ import annotations

import os

import pytest
from netaddr import IPNetwork, IPSet
from sqlalchemy import select

from govnet import org
from govnet.db import read, transaction
from govnet_tests.conftest import actor
from govnet_tests.procs import START_TIMEOUT, run_together
from ipam import freespace, service, space
from ipam.models import Prefix

PROCESSES, EACH = 16, 100


def _worker(url: str, barrier) -> tuple[list[str], int, list[str]]:  # type: ignore[no-untyped-def]
    os.environ["GOVNET_DB"] = url
    from govnet.auth import load_actor
    from govnet.db import read as r
    from govnet.db import transaction as t
    from govnet.errors import SpaceExhausted

    with r() as s:
        ops = load_actor(s, "ops")
    got, exhausted, errors = [], 0, []
    barrier.wait(START_TIMEOUT)
    for _ in range(EACH):
        try:
            with t() as s:
                got.append(service.allocate(s, ops, owner="unit", size="/30",
                                            within="10.0.0.0/21", vrf="v").cidr)
        except SpaceExhausted:
            exhausted += 1
        except Exception as exc:  # noqa: BLE001 - reported to the test
            errors.append(f"{type(exc).__name__}: {exc}")
    return got, exhausted, errors


@pytest.mark.slow
def test_sixteen_processes_never_double_allocate(any_db):
    admin = actor()
    with transaction() as s:
        service.add_vrf(s, admin, "v")
        service.add_pool(s, admin, "10.0.0.0/21", vrf="v")
        org.add_unit(s, admin, "unit")
        org.add_user(s, admin, "ops", role="municipal_operator")
    results = run_together(_worker, [any_db], PROCESSES)
    allocated = [c for got, _, _ in results for c in got]
    exhausted = sum(n for _, n, _ in results)
    errors = [e for _, _, errs in results for e in errs]
    assert errors == []
    assert len(allocated) == 512 and exhausted == PROCESSES * EACH - 512
    nets = [IPNetwork(c) for c in allocated]
    assert len(set(nets)) == len(nets)
    assert IPSet(nets).size == sum(n.size for n in nets)  # zero overlaps
    with read() as s:
        rows = s.scalars(select(Prefix).where(Prefix.status == "allocated")).all()
        assert sorted(p.cidr for p in rows) == sorted(allocated)
        pool_row = service.get(s, admin, "10.0.0.0/21", vrf="v")
        assert freespace.free_of(s, parent_id=pool_row.id) == []
    assert IPSet(nets) == IPSet([space.parse_cidr("10.0.0.0/21")])
