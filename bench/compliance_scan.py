"""Compliance scan of every lab router in parallel vs the slowest router scanned alone.

For each router of the lab (core + aggregation routers), ``govnet compliance scan
NAME`` is timed alone (the whole service call: SSH, vtysh JSON and config, evidence
stored, reconciliation, findings settled), then all routers in one parallel scan.
A "collect only" figure (SSH + parsing, no database) separates device time from
the database work. The plan first learns the lab by ``ipam import --from-devices``
so the scans reconcile a realistic plan. Medians over ``--rounds``.

Needs root, FRR and OpenSSH. Reuses a running lab with enough routers (read-only:
a scan changes nothing on a device), otherwise brings one up (and takes it down
again unless ``--keep``). The database is a scratch SQLite file.

    .venv/bin/python bench/compliance_scan.py [--districts 8] [--rounds 3] [--keep]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--districts", type=int, default=8, help="aggregation routers (1-8)")
    ap.add_argument("--rounds", type=int, default=3, help="repetitions (median reported)")
    ap.add_argument("--keep", action="store_true", help="leave a lab this run brought up")
    args = ap.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="govnet-bench-scan-"))
    os.environ["GOVNET_DB"] = f"sqlite:///{scratch / 'govnet.db'}"
    os.environ["GOVNET_LOCK_DIR"] = str(scratch)

    from lab import control, state

    os.environ.setdefault("GOVNET_LAB_PASSWORD", "govlab-bench")  # a throwaway lab's
    control.require_prerequisites()
    st = state.load()
    made = False
    if st is None:
        st = control.up(args.districts, units_per_agg=2)
        made = True
    try:
        return run(st, args.rounds)
    finally:
        if made and not args.keep:
            control.down()


def run(st: object, rounds: int) -> int:
    from compliance import service
    from compliance.scan import collect
    from govnet import org
    from govnet.auth import load_actor
    from govnet.db import read, transaction
    from govnet.migrate import upgrade
    from inventory.connect import on_devices, open_driver
    from inventory.service import find_device
    from ipam import importer
    from ipam import service as ipam
    from lab.register import register_lab

    upgrade()
    with transaction() as s:
        org.add_user(s, None, "admin", role="admin")
        admin = load_actor(s, "admin")
        ipam.add_vrf(s, admin, "公用网络区")
        names = register_lab(s, admin, st)
    service.scan(admin)  # first contact: the plan learns the lab
    with transaction() as s:
        created = importer.from_devices(s, load_actor(s, "admin"))

    def collect_one(name: str) -> None:
        with open_driver(None, next(d for d in devices if d.name == name)) as drv:
            collect(drv)

    with read() as s:
        devices = [find_device(s, n) for n in names]
    single: dict[str, list[float]] = {n: [] for n in names}
    collect_single: dict[str, list[float]] = {n: [] for n in names}
    parallel, collect_parallel = [], []
    for _ in range(rounds):
        for name in names:
            single[name].append(timed(lambda name=name: service.scan(admin, [name])))
            collect_single[name].append(timed(lambda name=name: collect_one(name)))
        t0 = time.perf_counter()
        report = service.scan(admin, workers=len(names))
        parallel.append(time.perf_counter() - t0)
        assert all(d.ok for d in report.devices), report.as_dict()
        collect_parallel.append(timed(lambda: on_devices(devices, collect, workers=len(names))))
    med = {n: statistics.median(v) for n, v in single.items()}
    slowest = max(med, key=med.__getitem__)
    total = sum(med.values())
    par = statistics.median(parallel)
    c_slow = max(statistics.median(v) for v in collect_single.values())
    c_par = statistics.median(collect_parallel)
    print(f"lab: {len(names)} routers ({', '.join(names)}); plan imported from the devices: "
          f"{len(created.created)} blocks, {len(created.pools)} pools; {rounds} rounds, medians")
    print("scan, one router alone (SSH + vtysh JSON/config + evidence + reconcile + findings):")
    for name in names:
        print(f"  {name:<6} {med[name] * 1000:7.0f} ms")
    print(f"slowest single router: {slowest} {med[slowest] * 1000:.0f} ms; sum of singles "
          f"{total * 1000:.0f} ms")
    print(f"all {len(names)} routers in one parallel scan: {par * 1000:.0f} ms = "
          f"{par / med[slowest]:.2f}x the slowest router, {total / par:.1f}x faster than one "
          "after another")
    print(f"collect only (SSH + parsing, no database): slowest router {c_slow * 1000:.0f} ms, "
          f"all in parallel {c_par * 1000:.0f} ms ({c_par / c_slow:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
