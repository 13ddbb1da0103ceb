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
For each phase it also prints where the time went, to tell writers waiting on each other
from a machine out of CPU: per-allocation wall, client CPU and (PostgreSQL) backend CPU,
the machine's busy %, and pg_stat_activity samples of backends waiting on a Lock; after
1 client, the CPU ceiling for 8 (cores × wall / CPU per allocation).

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
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from netaddr import IPNetwork, IPSet  # noqa: E402
from sqlalchemy import create_engine, insert, select, text  # noqa: E402

from govnet import audit, org  # noqa: E402
from govnet import db as gdb  # noqa: E402
from govnet.auth import load_actor  # noqa: E402
from govnet.migrate import upgrade  # noqa: E402
from govnet.settings import settings  # noqa: E402
from ipam import freespace, service, space  # noqa: E402
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
                     **freespace.range_keys(c)) for c in children]
        for i in range(0, len(rows), 5000):
            s.execute(insert(Prefix), rows[i:i + 5000])
        free = space.free_blocks(PARENT, children) if n else [PARENT]
        s.execute(insert(FreeBlock), [dict(parent_id=pool.id, **freespace.range_keys(b)) for b in free])


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
                         status="allocated", **freespace.range_keys(net)))
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


class ClientRun(NamedTuple):
    """One client's timed loop: monotonic times, CPU seconds, /proc/stat samples."""

    start: float
    end: float
    allocs: int
    cpu: float  # this process, time.process_time()
    backend_cpu: float | None  # its PostgreSQL backend (utime+stime); None: SQLite / pid changed
    machine_start: tuple[int, int]  # (busy, total) jiffies of the whole machine
    machine_end: tuple[int, int]


def _proc_cpu(pid: int) -> float:
    """utime + stime of process ``pid`` in seconds (/proc/<pid>/stat, 1/CLK_TCK resolution)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_cpu() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot; idle and iowait count as not busy."""
    jiffies = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return sum(jiffies) - jiffies[3] - jiffies[4], sum(jiffies)


def _backend_pid(url: str) -> int | None:
    """The PostgreSQL backend of this process's pooled connection (the one allocations use)."""
    if not url.startswith("postgresql"):
        return None
    with gdb.transaction() as s:
        return int(s.execute(text("select pg_backend_pid()")).scalar_one())


def _client(url: str, block: int, count: int, barrier: Any) -> ClientRun:
    os.environ["GOVNET_DB"] = url
    settings.cache_clear()
    gdb.dispose_all()
    with gdb.read() as s:
        actor = load_actor(s, "bench")
    with gdb.transaction() as s:  # warm: connection, compiled statements
        service.allocate(s, actor, owner=f"u{block}", size="/30", within=f"10.{block}.0.0/18",
                         vrf="v")
    pid = _backend_pid(url)
    barrier.wait()
    machine_start = _machine_cpu()
    backend0 = _proc_cpu(pid) if pid else 0.0
    cpu0 = time.process_time()
    start = time.monotonic()  # CLOCK_MONOTONIC: comparable across processes
    for _ in range(count):
        with gdb.transaction() as s:
            service.allocate(s, actor, owner=f"u{block}", size="/30",
                             within=f"10.{block}.0.0/18", vrf="v")
    end = time.monotonic()
    cpu = time.process_time() - cpu0
    backend = _proc_cpu(pid) - backend0 if pid else None
    machine_end = _machine_cpu()
    if pid and _backend_pid(url) != pid:  # the pool reconnected: the reading is another's
        backend = None
    return ClientRun(start, end, count, cpu, backend, machine_start, machine_end)


class WaitSampler(threading.Thread):
    """Polls pg_stat_activity every 10 ms: what each client backend of the database is doing.

    Labels: ``Lock:<event>`` (waiting on another writer's lock), ``Client:ClientRead`` /
    ``idle`` (waiting for its Python client), ``CPU`` (active, no wait event: running or
    runnable), others (``IO:WALSync``, ``LWLock:…``) as PostgreSQL names them.
    """

    QUERY = text("select coalesce(case when state = 'idle' then 'idle' end,"
                 " wait_event_type || ':' || wait_event, 'CPU') from pg_stat_activity"
                 " where datname = current_database() and pid <> pg_backend_pid()"
                 " and backend_type = 'client backend'")

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.samples: list[tuple[float, list[str]]] = []
        self.done = threading.Event()
        self.share = 0.0  # its own CPU (thread + its backend) as a fraction of all cores

    def run(self) -> None:
        # Autocommit: inside one transaction pg_stat_activity would repeat its first snapshot.
        engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        with engine.connect() as c:
            pid = int(c.execute(text("select pg_backend_pid()")).scalar_one())
            start, cpu0, backend0 = time.monotonic(), time.thread_time(), _proc_cpu(pid)
            while not self.done.is_set():
                labels = list(c.execute(self.QUERY).scalars())
                self.samples.append((time.monotonic(), labels))
                self.done.wait(0.01)
            cpu = time.thread_time() - cpu0 + _proc_cpu(pid) - backend0
            self.share = cpu / ((os.cpu_count() or 1) * (time.monotonic() - start))
        engine.dispose()


@dataclass
class Phase:
    """One phase's throughput and where its time went (per-allocation figures in seconds)."""

    rate: float  # allocations/s, barrier to the last client's end
    wall: float  # per allocation, mean over clients (each client's loop time / its count)
    cpu: float  # client CPU per allocation, mean over clients
    backend: float | None  # backend CPU per allocation, mean over clients; None on SQLite
    busy: float  # whole machine, fraction of all cores not idle
    ours: float  # clients + backends CPU / (cores × elapsed)
    lock_samples: int  # samples in which some backend waited on a Lock
    samples: int
    waits: Counter[str]  # backend-samples per label (see WaitSampler)
    sampler: float  # the sampler's own CPU, fraction of all cores while it ran


def throughput(url: str, blocks: list[int], count: int) -> Phase:
    """len(blocks) processes allocating at once, from the barrier to the last one.

    Machine busy is taken from the clients' own /proc/stat samples, the earliest client's
    start and the latest client's end, so it covers exactly the timed window (a reading
    in the parent around the pool would also count the spawned interpreters' imports and
    warm-ups). Wait samples (PostgreSQL) are kept only if taken inside that window.
    """
    sampler = WaitSampler(url) if url.startswith("postgresql") else None
    if sampler:
        sampler.start()
    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(len(blocks))
        with ctx.Pool(len(blocks)) as pool:
            results = pool.starmap(_client, [(url, b, count, barrier) for b in blocks])
    if sampler:
        sampler.done.set()
        sampler.join()
    first = min(results, key=lambda r: r.start)
    last = max(results, key=lambda r: r.end)
    elapsed = last.end - first.start
    busy = ((last.machine_end[0] - first.machine_start[0])
            / max(1, last.machine_end[1] - first.machine_start[1]))
    per_alloc = [r.backend_cpu / r.allocs for r in results if r.backend_cpu is not None]
    backend = statistics.mean(per_alloc) if len(per_alloc) == len(results) else None
    used = sum(r.cpu + (r.backend_cpu or 0.0) for r in results)
    window = [labels for t, labels in (sampler.samples if sampler else [])
              if first.start <= t <= last.end]
    return Phase(
        rate=sum(r.allocs for r in results) / elapsed,
        wall=statistics.mean((r.end - r.start) / r.allocs for r in results),
        cpu=statistics.mean(r.cpu / r.allocs for r in results),
        backend=backend, busy=busy, ours=used / ((os.cpu_count() or 1) * elapsed),
        lock_samples=sum(any(lb.startswith("Lock:") for lb in labels) for labels in window),
        samples=len(window), waits=Counter(lb for labels in window for lb in labels),
        sampler=sampler.share if sampler else 0.0)


def run_concurrency(kinds: list[str], tmp: Path, count: int) -> None:
    cores = os.cpu_count() or 1
    print(f"throughput, allocations/s (each client {count} allocations after one warm-up); "
          f"{cores} cores")
    print("per phase: wall and CPU are ms per allocation, mean over clients; busy = whole\n"
          "machine, ours = clients + backends, both % of all cores from the barrier to the\n"
          "last client's end; lock waits = pg_stat_activity samples (10 ms) with a backend\n"
          "waiting on a Lock / all samples in that window; backend-samples: what the client\n"
          "backends were doing, summed over samples (CPU = active, no wait event)")
    header = (f"{'phase':<15}{'alloc/s':>8}{'ratio':>7}{'wall':>8}{'client CPU':>12}"
              f"{'backend CPU':>13}{'busy':>6}{'ours':>6}{'lock waits':>12}")
    rows = []
    for kind in kinds:
        url = concurrency_db(kind, tmp)
        print(f"\n{kind}\n{header}", flush=True)
        phases: list[Phase] = []
        for name, blocks in [("1 client", [0]), ("8 on 8 blocks", list(range(CLIENT_BLOCKS))),
                             ("8 on 1 block", [1] * CLIENT_BLOCKS)]:
            p = throughput(url, blocks, count)
            phases.append(p)
            backend = "-" if p.backend is None else f"{p.backend * 1e3:.2f}"
            locks = f"{p.lock_samples}/{p.samples}" if kind == "postgresql" else "-"
            print(f"{name:<15}{p.rate:>8.0f}{p.rate / phases[0].rate:>6.1f}×{p.wall * 1e3:>8.2f}"
                  f"{p.cpu * 1e3:>12.2f}{backend:>13}{p.busy:>6.0%}{p.ours:>6.0%}{locks:>12}")
            if p.waits:
                line = f"  sampler CPU {p.sampler:.0%}; backend-samples:"
                for lb, n in p.waits.most_common():
                    if len(line) + len(lb) + 8 > 100:
                        break
                    line += f" {lb} {n},"
                print(line.rstrip(","))
            if len(blocks) == 1:
                n = min(CLIENT_BLOCKS, cores)
                cpu = p.cpu + (p.backend or 0.0)
                print(f"  CPU ceiling for 8 clients: {n} × {p.wall * 1e3:.2f} ms wall / "
                      f"{cpu * 1e3:.2f} ms CPU = {n * p.wall / cpu:.1f}× 1 client\n"
                      f"  (8 clients can at most keep {n} cores busy allocating; "
                      "issue 11's 4× needs this ≥ 4)")
        with gdb.read() as s:
            intact = audit.verify(s)
        print(f"  audit chain: {'intact' if intact.ok else intact.problem} "
              f"({intact.events} events)", flush=True)
        rows.append((kind, phases))
        gdb.dispose_all()
    print(f"\n{'db':<11}{'1 client':>10}{'8 on 8 blocks':>15}{'ratio':>7}{'8 on 1 block':>14}"
          f"{'ratio':>7}")
    for kind, (one, spread, same) in rows:
        print(f"{kind:<11}{one.rate:>10.0f}{spread.rate:>15.0f}{spread.rate / one.rate:>6.1f}×"
              f"{same.rate:>14.0f}{same.rate / one.rate:>6.1f}×")


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
