"""How fast the TUI opens on a plan of 100,000 prefixes.

The database is the Shantou demo (``govnet demo``: districts, zones, pools, district
blocks, units, users) plus /30 allocations bulk-loaded into the seven districts'
IPv4 blocks until the plan holds 100,000 prefixes. The bulk load writes prefix rows
and rebuilds each block's free-block index from them (``ipam.space.free_blocks``,
the same function the service's index is defined by) — the state 100,000 calls of
``ipam.service.allocate`` would leave, minus their audit events. One real
``service.allocate`` at the end proves the index consistent. The file is cached in
the temp dir (``--rebuild`` builds it again).

Measured, as median of ``--runs`` (default 5):

* **ready**: ``App.run_test()`` from constructing the app to its first paint;
* **dashboard**: until the dashboard's figures are on screen (its workers done);
* **plan**: switch to the address plan and open the largest district block
  (first page of its ~14,000 children);
* **cold process**: a fresh ``python`` (interpreter and imports included) to the
  filled dashboard.

The same runs on the bare demo (about 100 prefixes), interleaved with the large
ones so machine load hits both alike, show what the plan's size costs.

    python bench/tui_startup.py [--runs 5] [--rebuild]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select, text  # noqa: E402

from govnet import db as gdb  # noqa: E402
from govnet.settings import settings  # noqa: E402

TARGET = 100_000
CACHE = Path(tempfile.gettempdir()) / "govnet-tui-bench-100k.db"
SMALL = Path(tempfile.gettempdir()) / "govnet-tui-bench-demo.db"


def _use(path: Path) -> str:
    url = f"sqlite:///{path}"
    os.environ["GOVNET_DB"] = url
    settings.cache_clear()
    gdb.dispose_all()
    return url


def build(path: Path, target: int = TARGET) -> float:
    """The demo plus bulk /30 allocations up to ``target`` prefixes; returns seconds taken."""
    from govnet import demo
    from govnet.auth import load_actor
    from govnet.migrate import upgrade
    from govnet.models import Unit
    from ipam import freespace, service, space
    from ipam.models import FreeBlock, Prefix, Status

    t0 = time.perf_counter()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = _use(path)
    upgrade(url)
    with gdb.transaction() as s:
        demo.seed(s, admin="bench")
    with gdb.transaction() as s:
        existing = s.execute(select(func.count()).select_from(Prefix)).scalar_one()
        blocks = list(s.scalars(select(Prefix).where(
            Prefix.status == Status.delegated.value, Prefix.version == 4).order_by(Prefix.id)))
        units = {d: [u.id for u in s.scalars(select(Unit).where(Unit.district_id == d))]
                 for d in {b.district_id for b in blocks}}
        todo = max(0, target - existing)
        share = [todo // len(blocks) + (1 if i < todo % len(blocks) else 0)
                 for i in range(len(blocks))]
        for block, n in zip(blocks, share, strict=True):
            net = freespace.net_of(block)
            taken = [freespace.net_of(p) for p in s.scalars(
                select(Prefix).where(Prefix.parent_id == block.id))]
            free = sorted(freespace.free_of(s, parent_id=block.id))  # type: ignore[arg-type]
            new = []
            for hole in free:  # tile /30s into the free space, lowest address first
                for sub in hole.subnet(30):
                    if len(new) == n:
                        break
                    new.append(sub)
            owners = units[block.district_id] or [None]
            rows = [dict(vrf_id=block.vrf_id, cidr=str(c), parent_id=block.id,
                         status=Status.allocated.value, purpose="lan",
                         description=f"bench {i}", owner_id=owners[i % len(owners)],
                         district_id=block.district_id, created_at=block.created_at,
                         updated_at=block.created_at, **freespace.range_keys(c))
                    for i, c in enumerate(new)]
            for i in range(0, len(rows), 5000):
                s.execute(insert(Prefix), rows[i:i + 5000])
            s.execute(text("DELETE FROM freeblock WHERE parent_id = :p"), {"p": block.id})
            rest = space.free_blocks(net, taken + new)
            if rest:
                s.execute(insert(FreeBlock), [dict(parent_id=block.id, **freespace.range_keys(b))
                                              for b in rest])
    with gdb.transaction() as s:  # the index is what the service expects: allocate once
        actor = load_actor(s, "bench")
        got = service.allocate(s, actor, owner="金平区教育局", size="/30", district="金平区",
                               vrf="公用网络区")
        print(f"  check: service.allocate gave {got.cidr} in the bulk-loaded block")
    gdb.dispose_all()
    return time.perf_counter() - t0


async def measure(lang: str) -> dict[str, float]:
    from govnet.auth import load_actor
    from tui.app import GovnetApp
    from tui.screens.dashboard import DashboardScreen
    from tui.widgets.plan_tree import PlanTree

    with gdb.read() as s:
        actor = load_actor(s, "bench")
    t0 = time.perf_counter()
    app = GovnetApp(actor, lang=lang)
    times: dict[str, float] = {}
    async with app.run_test(size=(140, 40)) as pilot:
        times["ready"] = time.perf_counter() - t0
        assert isinstance(app.screen, DashboardScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        times["dashboard"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        await pilot.press("2")
        tree = app.screen.query_one(PlanTree)
        for path in ("公用网络区", "10.80.0.0/13", "10.80.0.0/16"):
            await app.workers.wait_for_complete()
            await pilot.pause()
            node = next(c for c in (tree.cursor_node.children if path != "公用网络区"
                                    else tree.root.children) if str(c.label).startswith(path))
            tree.move_cursor(node)
            node.expand()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert node.children  # (on the 100k plan: a page of 200 and its "more" leaf)
        times["plan"] = time.perf_counter() - t1
    return times


def child(spawned: float) -> None:
    """Cold process: print seconds from spawn to the filled dashboard."""
    async def run() -> float:
        from govnet.auth import load_actor
        from tui.app import GovnetApp

        with gdb.read() as s:
            actor = load_actor(s, "bench")
        app = GovnetApp(actor, lang="zh_CN")
        async with app.run_test(size=(140, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            return time.time() - spawned

    print(f"{asyncio.run(run()):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _use(CACHE)
        child(args.child)
        return
    if args.rebuild or not CACHE.exists():
        print(f"building {CACHE} …")
        print(f"  built in {build(CACHE):.1f} s")
    if args.rebuild or not SMALL.exists():
        build(SMALL, target=0)
    for path in (CACHE, SMALL):
        _use(path)
        with gdb.read() as s:
            count = s.execute(text("SELECT count(*) FROM prefix")).scalar_one()
            biggest = s.execute(text("SELECT max(n) FROM (SELECT count(*) n FROM prefix "
                                     "GROUP BY parent_id)")).scalar_one()
        print(f"{path.name}: {count:,} prefixes (largest parent holds {biggest:,})")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    runs: dict[Path, list[dict[str, float]]] = {CACHE: [], SMALL: []}
    for i in range(args.runs):
        for path in (CACHE, SMALL):
            _use(path)
            runs[path].append(asyncio.run(measure("zh_CN" if i % 2 else "en")))
    print(f"{'':45s} {'100k prefixes':>22s}   {'demo (~100)':>12s}")
    for key, label in (("ready", "first paint (App.run_test ready)"),
                       ("dashboard", "dashboard filled"),
                       ("plan", "plan: open the largest block (first page)")):
        big = sorted(r[key] for r in runs[CACHE])
        small = sorted(r[key] for r in runs[SMALL])
        print(f"{label:45s} median {statistics.median(big) * 1000:5.0f} ms "
              f"(min {big[0] * 1000:4.0f})   median {statistics.median(small) * 1000:5.0f} ms")
    _use(CACHE)
    cold = []
    for _ in range(max(1, args.runs // 2)):
        out = subprocess.run([sys.executable, __file__, "--child", repr(time.time())],
                             capture_output=True, text=True, check=True)
        cold.append(float(out.stdout.strip().splitlines()[-1]))
    print(f"{'cold process to filled dashboard':45s} median "
          f"{statistics.median(cold) * 1000:7.0f} ms   (interpreter and imports included)")


if __name__ == "__main__":
    main()
