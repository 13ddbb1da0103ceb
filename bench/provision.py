"""Provisioning throughput on the lab: requests per minute, sequential vs parallel.

Each request runs the whole pipeline of ``govnet access provision`` against real FRR
routers over SSH: allocation transaction, job, connect, checkpoint, diff, push,
verify (interface, address, installed route), ``write memory``, settle. The
same number of requests is provisioned one after another (``workers=1``) and then in
parallel (one lock per device, a thread per request), spread evenly over the lab's
aggregation routers; everything is disconnected between rounds (untimed).

Uses a throw-away SQLite database. Needs root, FRR and OpenSSH; brings a lab up
(``--routers`` aggregation routers) and takes it down again, unless ``--keep``.
If another lab is up, waits for it (``--wait`` seconds) rather than touching it.

    .venv/bin/python bench/provision.py [--routers 4] [--per-router 2] [--keep]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _world(routers: int, per_router: int) -> list[int]:
    """Districts, units, users, a pool, the lab registered, approved requests."""
    from access import workflow
    from govnet import org
    from govnet.auth import load_actor
    from govnet.db import transaction
    from ipam import service as ipam
    from lab import state
    from lab.register import register_lab

    districts = [f"区{i}" for i in range(1, routers + 1)]
    numbers = []
    with transaction() as s:
        admin = load_actor(s, "admin")
        for d in districts:
            org.add_district(s, admin, d)
        org.add_user(s, admin, "boss", role="authority")
        ipam.add_vrf(s, admin, "公用网络区")
        ipam.add_pool(s, admin, "10.80.0.0/13")
        for d in districts:
            ipam.delegate(s, admin, district=d, size="/16")
        st = state.load()
        assert st is not None
        register_lab(s, admin, st, districts=districts)
    for rnd in range(2):
        for j in range(per_router):
            for i, d in enumerate(districts, 1):
                with transaction() as s:
                    unit = f"单位{rnd}-{i}-{j}"
                    org.add_unit(s, load_actor(s, "admin"), unit, district=d)
                    req = workflow.submit(s, load_actor(s, "admin"), unit=unit,
                                          zones=["公用网络区"], hosts=20, site="lab",
                                          contact="bench", purpose="bench", model="routed",
                                          application_doc="BENCH-1")
                    workflow.approve(s, load_actor(s, "boss"), req.id or 0, doc="BENCH-OK")
                    numbers.append(req.id or 0)
    return numbers


def _round(numbers: list[int], workers: int) -> tuple[float, list[float]]:
    from access import provisioning
    from govnet.auth import load_actor
    from govnet.db import read

    with read() as s:
        actor = load_actor(s, "admin")
    t0 = time.monotonic()
    outcomes = provisioning.provision_many(numbers, actor, workers=workers)
    wall = time.monotonic() - t0
    bad = [o for o in outcomes if o.state != "connected"]
    if bad:
        raise SystemExit(f"provisioning failed: {bad[0].request}: {bad[0].error}")
    provisioning.provision_many(numbers, actor, workers=workers, kind="detach")
    return wall, [o.seconds for o in outcomes]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--routers", type=int, default=4, help="aggregation routers (1-8)")
    ap.add_argument("--per-router", type=int, default=2, help="requests per router (1-4)")
    ap.add_argument("--keep", action="store_true", help="leave the lab up")
    ap.add_argument("--wait", type=float, default=600, help="seconds to wait for another lab")
    args = ap.parse_args()

    from govnet.errors import Conflict
    from lab import control

    missing = control.missing_prerequisites()
    if missing:
        print("bench/provision.py needs: " + "; ".join(missing))
        return 2
    tmp = tempfile.mkdtemp(prefix="govnet-bench-")
    os.environ.update(GOVNET_DB=f"sqlite:///{tmp}/govnet.db", GOVNET_USER="admin",
                      GOVNET_LOCK_DIR=tmp)
    os.environ.setdefault("GOVNET_LAB_PASSWORD", "govlab-pass")
    from govnet import org
    from govnet.db import transaction
    from govnet.migrate import upgrade

    upgrade()
    with transaction() as s:
        org.add_user(s, None, "admin", role="admin")
    deadline = time.monotonic() + args.wait
    while True:  # another session's lab: wait for it, never touch it
        t0 = time.monotonic()
        try:
            control.up(args.routers, 2)
            break
        except Conflict:
            if time.monotonic() > deadline:
                print("another lab is still up; not touching it")
                return 4
            time.sleep(2)
    print(f"lab up: {args.routers} aggregation routers in {time.monotonic() - t0:.1f} s")
    try:
        numbers = _world(args.routers, args.per_router)
        half = len(numbers) // 2
        seq_wall, seq_each = _round(numbers[:half], workers=1)
        par_wall, par_each = _round(numbers[half:], workers=len(numbers))
    finally:
        if not args.keep:
            control.down()
    n = half
    print(f"{n} requests over {args.routers} routers ({args.per_router} per router), "
          "routed model, full pipeline incl. verify and write memory")
    print(f"  sequential: {seq_wall:6.2f} s  {60 * n / seq_wall:6.1f} requests/min  "
          f"(median job {statistics.median(seq_each):.2f} s)")
    print(f"  parallel:   {par_wall:6.2f} s  {60 * n / par_wall:6.1f} requests/min  "
          f"(median job {statistics.median(par_each):.2f} s, slowest {max(par_each):.2f} s)")
    print(f"  speed-up {seq_wall / par_wall:.1f}x; parallel wall / one device's share "
          f"({args.per_router} jobs x median sequential job): "
          f"{par_wall / (args.per_router * statistics.median(seq_each)):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
