"""Provisioning throughput on the lab: requests per minute, sequential vs parallel.

Each request runs the whole pipeline of ``govnet access provision`` against real FRR
routers over SSH: allocation transaction, job, connect, checkpoint, diff, push,
verify (interface, address, installed route), ``write memory``, settle. The
same number of requests is provisioned one after another (``workers=1``) and then in
parallel (one lock per device, a thread per request), spread evenly over the lab's
aggregation routers; everything is disconnected between rounds (untimed). This is
done for each kind of request: IPv4 in the public zone, dual-stack (IPv4 + IPv6) in
the public zone, and dual-stack in the second zone (专用网络区, the lab's VRF on port
``ethv1``).

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


KINDS = (("ipv4", "公用网络区", "ethu1"), ("dual", "公用网络区", "ethu1"),
         ("dual", "专用网络区", "ethv1"))


def _world(routers: int, per_router: int) -> dict[tuple[str, str], tuple[list[int], list[int]]]:
    """Districts, units, users, pools (IPv4 and IPv6, two zones), the lab registered, and
    per kind of request two sets of approved requests (sequential, parallel)."""
    from access import workflow
    from govnet import org
    from govnet.auth import load_actor
    from govnet.db import transaction
    from ipam import service as ipam
    from lab import state
    from lab.register import register_lab
    from lab.topology import LAB_VRF

    districts = [f"区{i}" for i in range(1, routers + 1)]
    with transaction() as s:
        admin = load_actor(s, "admin")
        for d in districts:
            org.add_district(s, admin, d)
        org.add_user(s, admin, "boss", role="authority")
        ipam.add_vrf(s, admin, "公用网络区")
        ipam.add_vrf(s, admin, "专用网络区", device_name=LAB_VRF, rd="65000:10")
        for zone, v4, v6 in (("公用网络区", "10.80.0.0/13", "2001:db8:8000::/36"),
                             ("专用网络区", "172.16.0.0/12", "2001:db8:f000::/36")):
            ipam.add_pool(s, admin, v4, vrf=zone)
            ipam.add_pool(s, admin, v6, vrf=zone)
            for d in districts:
                ipam.delegate(s, admin, district=d, size="/16", vrf=zone)
                ipam.delegate(s, admin, district=d, size="/44", vrf=zone, family=6)
        st = state.load()
        assert st is not None
        register_lab(s, admin, st, districts=districts)
    sets: dict[tuple[str, str], tuple[list[int], list[int]]] = {}
    for families, zone, port in KINDS:
        rounds: list[list[int]] = [[], []]
        for rnd in range(2):
            for j in range(per_router):
                for i, d in enumerate(districts, 1):
                    with transaction() as s:
                        unit = f"单位{families}{zone[:2]}{rnd}-{i}-{j}"
                        org.add_unit(s, load_actor(s, "admin"), unit, district=d)
                        req = workflow.submit(
                            s, load_actor(s, "admin"), unit=unit, zones=[zone], hosts=20,
                            site="lab", contact="bench", purpose="bench", model="routed",
                            families=families, device=f"agg{i}", port=port,
                            application_doc="BENCH-1")
                        workflow.approve(s, load_actor(s, "boss"), req.id or 0, doc="BENCH-OK")
                        rounds[rnd].append(req.id or 0)
        sets[(families, zone)] = (rounds[0], rounds[1])
    return sets


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
    results = []
    try:
        for kind, (seq, par) in _world(args.routers, args.per_router).items():
            seq_wall, seq_each = _round(seq, workers=1)
            par_wall, par_each = _round(par, workers=len(par))
            results.append((kind, len(seq), seq_wall, seq_each, par_wall, par_each))
    finally:
        if not args.keep:
            control.down()
    for (families, zone), n, seq_wall, seq_each, par_wall, par_each in results:
        print(f"{families} in {zone}: {n} requests over {args.routers} routers "
              f"({args.per_router} per router), routed model, full pipeline incl. verify and "
              "write memory")
        print(f"  sequential: {seq_wall:6.2f} s  {60 * n / seq_wall:6.1f} requests/min  "
              f"(median job {statistics.median(seq_each):.2f} s)")
        print(f"  parallel:   {par_wall:6.2f} s  {60 * n / par_wall:6.1f} requests/min  "
              f"(median job {statistics.median(par_each):.2f} s, slowest "
              f"{max(par_each):.2f} s)")
        print(f"  speed-up {seq_wall / par_wall:.1f}x; parallel wall / one device's share "
              f"({args.per_router} jobs x median sequential job): "
              f"{par_wall / (args.per_router * statistics.median(seq_each)):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
