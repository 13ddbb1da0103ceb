"""Allocation latency as the plan grows: govnet's free-block index vs set difference.

For 0, 1k, 10k and 100k existing prefixes under one parent, on SQLite and on
PostgreSQL, it times one committed, audited allocation through ``ipam.service``
(median and p95), and in the same run the set-difference method that NetBox uses
(read every child of the parent, ``IPSet(parent) − IPSet(children)``, pick the best
fit, insert, commit) as the reference, and prints the ratio. The floor is one bare
SQLite insert + commit. Children are /30s at a stride of /29 (a hole after each),
so the free-block index really holds ~N blocks, not a handful.

``--concurrency`` measures throughput instead: separate processes started together at
a barrier, each allocating /30s through the services (committed, audited) from a
district block: 1 client; 8 clients on 8 blocks in 8 districts; 8 clients on one block.

    python bench/ipam_alloc.py [--sizes 0,1000,10000,100000] [--no-pg] [--concurrency]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from netaddr import IPNetwork, IPSet  # noqa: E402
from sqlalchemy import create_engine, insert, select, text  # noqa: E402

from govnet import audit, org  # noqa: E402
from govnet import db as gdb  # noqa: E402
from govnet.auth import load_actor  # noqa: E402
from govnet.migrate import upgrade  # noqa: E402
from govnet.settings import settings  # noqa: E402
from ipam import service, space, store  # noqa: E402
from ipam.models import FreeBlock, Prefix  # noqa: E402

PARENT = IPNetwork("10.0.0.0/8")
PG = os.environ.get("GOVNET_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def fresh_db(kind: str, tmp: Path, pg_name: str = "govnet_bench") -> str:
    """A migrated database with admin ``bench``, VRF ``v``, the pool and a unit (on
    PostgreSQL the database ``pg_name``, dropped and made again)."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp}/{pg_name}-{time.monotonic_ns()}.db"
    else:
        admin = create_engine(PG, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))
            c.execute(text(f'CREATE DATABASE "{pg_name}"'))
        admin.dispose()
        url = PG.rsplit("/", 1)[0] + f"/{pg_name}"
    os.environ["GOVNET_DB"] = url
    settings.cache_clear()
    gdb.dispose_all()
    upgrade(url)
    with gdb.transaction() as s:
        org.add_user(s, None, "bench", role="admin")
        actor = load_actor(s, "bench")
        service.add_vrf(s, actor, "v")
        service.add_pool(s, actor, str(PARENT), vrf="v")
        org.add_unit(s, actor, "unit")
    return url


def populate(n: int) -> None:
    """n allocated /30s at a /29 stride, with the free-block index they leave."""
    children = [space.network_of(4, PARENT.first + 8 * i, 30) for i in range(n)]
    with gdb.transaction() as s:
        pool = s.scalars(select(Prefix).where(Prefix.cidr == str(PARENT))).one()
        s.execute(text("DELETE FROM freeblock WHERE parent_id = :p"), {"p": pool.id})
        rows = [dict(vrf_id=pool.vrf_id, cidr=str(c), parent_id=pool.id, status="allocated",
                     purpose="lan", description="", owner_id=None, district_id=None,
                     created_at=pool.created_at, updated_at=pool.created_at,
                     **store.range_keys(c)) for c in children]
        for i in range(0, len(rows), 5000):
            s.execute(insert(Prefix), rows[i:i + 5000])
        free = space.free_blocks(PARENT, children) if n else [PARENT]
        s.execute(insert(FreeBlock), [dict(parent_id=pool.id, **store.range_keys(b)) for b in free])


def time_govnet(count: int) -> list[float]:
    with gdb.read() as s:
        actor = load_actor(s, "bench")
    times = []
    for _ in range(count):
        t0 = time.perf_counter()
        with gdb.transaction() as s:
            service.allocate(s, actor, owner="unit", size="/30", within=str(PARENT), vrf="v")
        times.append(time.perf_counter() - t0)
    return times


def time_reference(count: int) -> tuple[list[float], list[float]]:
    """NetBox's way: every request reads all children and takes a set difference.

    Returns the end-to-end times and, separately, the set difference alone.
    """
    times, compute = [], []
    for _ in range(count):
        t0 = time.perf_counter()
        with gdb.transaction() as s:
            pool = s.scalars(select(Prefix).where(Prefix.cidr == str(PARENT))).one()
            kids = s.scalars(select(Prefix.cidr).where(Prefix.parent_id == pool.id)).all()
            c0 = time.perf_counter()
            free = list((IPSet([PARENT]) - IPSet(kids)).iter_cidrs())
            compute.append(time.perf_counter() - c0)
            block = space.best_fit(free, 30)
            assert block is not None
            net = space.take(block, 30)
            s.add(Prefix(vrf_id=pool.vrf_id, cidr=str(net), parent_id=pool.id,
                         status="allocated", **store.range_keys(net)))
        times.append(time.perf_counter() - t0)
    return times, compute


def floor(tmp: Path, count: int = 2000) -> list[float]:
    conn = sqlite3.connect(tmp / "floor.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, cidr TEXT)")
    times = []
    for i in range(count):
        t0 = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (cidr) VALUES (?)", (f"10.0.{i}.0/30",))
        conn.execute("COMMIT")
        times.append(time.perf_counter() - t0)
    return times


CLIENT_BLOCKS = 8  # district blocks (one per district) for the concurrency runs


def concurrency_db(kind: str, tmp: Path) -> str:
    """A fresh database with 8 districts, each with a /18 block and a unit."""
    url = fresh_db(kind, tmp)
    with gdb.transaction() as s:
        actor = load_actor(s, "bench")
        for i in range(CLIENT_BLOCKS):
            org.add_district(s, actor, f"d{i}")
            org.add_unit(s, actor, f"u{i}", district=f"d{i}")
            service.delegate(s, actor, district=f"d{i}", prefix=f"10.{i}.0.0/18", vrf="v")
    gdb.dispose_all()
    return url


def _client(url: str, block: int, count: int, barrier: Any) -> tuple[float, float, int]:
    os.environ["GOVNET_DB"] = url
    settings.cache_clear()
    gdb.dispose_all()
    with gdb.read() as s:
        actor = load_actor(s, "bench")
    with gdb.transaction() as s:  # warm: connection, compiled statements
        service.allocate(s, actor, owner=f"u{block}", size="/30", within=f"10.{block}.0.0/18",
                         vrf="v")
    barrier.wait()
    start = time.monotonic()  # CLOCK_MONOTONIC: comparable across processes
    for _ in range(count):
        with gdb.transaction() as s:
            service.allocate(s, actor, owner=f"u{block}", size="/30",
                             within=f"10.{block}.0.0/18", vrf="v")
    return start, time.monotonic(), count


def throughput(url: str, blocks: list[int], count: int) -> float:
    """Allocations per second of len(blocks) processes, from the barrier to the last one."""
    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(len(blocks))
        with ctx.Pool(len(blocks)) as pool:
            results = pool.starmap(_client, [(url, b, count, barrier) for b in blocks])
    start = min(r[0] for r in results)
    end = max(r[1] for r in results)
    return sum(r[2] for r in results) / (end - start)


def run_concurrency(kinds: list[str], tmp: Path, count: int) -> None:
    print(f"throughput, allocations/s (each client {count} allocations after one warm-up)")
    print(f"{'db':<11}{'1 client':>10}{'8 on 8 blocks':>15}{'ratio':>7}{'8 on 1 block':>14}"
          f"{'ratio':>7}")
    for kind in kinds:
        url = concurrency_db(kind, tmp)
        one = throughput(url, [0], count)
        spread = throughput(url, list(range(CLIENT_BLOCKS)), count)
        same = throughput(url, [1] * CLIENT_BLOCKS, count)
        with gdb.read() as s:
            intact = audit.verify(s)
        print(f"{kind:<11}{one:>10.0f}{spread:>15.0f}{spread / one:>6.1f}×{same:>14.0f}"
              f"{same / one:>6.1f}×   audit chain: {'intact' if intact.ok else intact.problem}"
              f" ({intact.events} events)", flush=True)
        gdb.dispose_all()


def ms(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered) * 1e3, ordered[int(0.95 * (len(ordered) - 1))] * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,1000,10000,100000")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--ref-runs", type=int, default=15)
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--concurrency", action="store_true",
                        help="measure throughput with 1 and 8 clients instead of latency")
    parser.add_argument("--count", type=int, default=150,
                        help="allocations per client in --concurrency")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    kinds = ["sqlite"] + ([] if args.no_pg else ["postgresql"])
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        if args.concurrency:
            run_concurrency(kinds, tmp, args.count)
            return
        fmed, fp95 = ms(floor(tmp))
        print(f"floor: one bare SQLite insert + commit: median {fmed:.3f} ms, p95 {fp95:.3f} ms")
        print(f"{'db':<11}{'children':>9} {'govnet med':>11} {'p95':>8} "
              f"{'set-diff med':>13} {'p95':>9} {'ratio':>8} {'IPSet only':>11}")
        for kind in kinds:
            for n in sizes:
                fresh_db(kind, tmp)
                populate(n)
                g_med, g_p95 = ms(time_govnet(args.runs))
                ref, compute = time_reference(args.ref_runs)
                r_med, r_p95 = ms(ref)
                c_med, _ = ms(compute)
                print(f"{kind:<11}{n:>9} {g_med:>9.3f}ms {g_p95:>6.3f}ms "
                      f"{r_med:>11.2f}ms {r_p95:>7.2f}ms {r_med / g_med:>7.0f}× "
                      f"{c_med:>9.2f}ms", flush=True)
        gdb.dispose_all()


if __name__ == "__main__":
    main()
