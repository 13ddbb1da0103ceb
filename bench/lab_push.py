"""Push one 10-line change to the lab's aggregation routers: sequential, threaded, Nornir.

Prints wall times and ratios for:

* govnet sequential: for each router, open the FRR driver, ``apply`` (checkpoint +
  push with error detection), close;
* govnet parallel: the same, one thread per router;
* Nornir 3 + nornir-netmiko ``netmiko_send_config`` (threaded runner, one worker per
  router, same ``error_pattern``, netmiko device_type ``cisco_ios`` since Nornir
  cannot use govnet's vtysh connection class) as the reference;

plus the lab's bring-up time and the resident memory per router. Every round is
undone (rollback, in parallel, untimed) so each starts from the day-0 config.
Needs root, FRR and OpenSSH; reuses a running lab with enough routers, otherwise
brings one up (and takes it down again unless ``--keep``).

    .venv/bin/python bench/lab_push.py [--routers 8] [--rounds 3] [--keep]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from inventory.drivers import ConnectionTarget
from inventory.drivers.frr import FrrDriver
from lab import control, state
from lab.sshd import lab_password
from lab.topology import LAB_USER, Node

CHANGE = [
    "interface ethu2.103",
    " description BENCH-PUSH",
    " ip address 10.203.0.1/30",
    "exit",
    "ip route 10.204.0.0/24 10.203.0.2",
    "ip route 10.204.1.0/24 10.203.0.2",
    "ip route 10.204.2.0/24 10.203.0.2",
    "ip route 10.204.3.0/24 10.203.0.2",
    "ip route 10.204.4.0/24 10.203.0.2",
    "ip route 10.204.5.0/24 10.203.0.2",
]


def target(node: Node) -> ConnectionTarget:
    return ConnectionTarget(name=node.name, platform="frr", host=node.mgmt_ip,
                            username=LAB_USER, password=lab_password())


def push_one(node: Node) -> None:
    """govnet's way: open, apply as a transaction (checkpoint read + checked push), close."""
    with FrrDriver(target(node)) as drv:
        drv.apply(CHANGE)


def push_only(node: Node) -> None:
    """The same push without the checkpoint read: the transport cost alone."""
    drv = FrrDriver(target(node))
    drv.open()
    try:
        drv._send_config(CHANGE)
    finally:
        drv.close()


def push_all(nodes: list[Node]) -> None:
    for node in nodes:
        push_one(node)


def undo(nodes: list[Node]) -> None:
    """Remove the change everywhere (untimed)."""
    def one(node: Node) -> None:
        with FrrDriver(target(node)) as drv:
            lines = [f"no {line}" for line in CHANGE if line.startswith("ip route")]
            drv.apply(lines + ["interface ethu2.103", " no description",
                               " no ip address 10.203.0.1/30"])
    with ThreadPoolExecutor(len(nodes)) as pool:
        list(pool.map(one, nodes))


def nornir_push(nodes: list[Node]) -> float:
    """Nornir + nornir-netmiko reference; returns wall seconds (raises on any failure)."""
    from nornir.core import Nornir
    from nornir.core.inventory import Defaults, Groups, Host, Hosts, Inventory
    from nornir.core.plugins.connections import ConnectionPluginRegister
    from nornir.plugins.runners import ThreadedRunner
    from nornir_netmiko.tasks import netmiko_send_config

    ConnectionPluginRegister.auto_register()  # entry points: nornir_netmiko's "netmiko"
    hosts = Hosts({n.name: Host(name=n.name, hostname=n.mgmt_ip, port=22, username=LAB_USER,
                                password=lab_password(), platform="cisco_ios") for n in nodes})
    nr = Nornir(inventory=Inventory(hosts=hosts, groups=Groups(), defaults=Defaults()),
                runner=ThreadedRunner(num_workers=len(nodes)))
    t0 = time.perf_counter()
    result = nr.run(task=netmiko_send_config, config_commands=CHANGE,
                    error_pattern=FrrDriver.error_pattern)
    elapsed = time.perf_counter() - t0
    nr.close_connections()
    if result.failed:
        raise SystemExit(f"nornir push failed on {sorted(result.failed_hosts)}")
    return elapsed


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--routers", type=int, default=8, help="aggregation routers to push to")
    ap.add_argument("--rounds", type=int, default=3, help="repetitions (median reported)")
    ap.add_argument("--keep", action="store_true", help="leave a lab this run brought up")
    args = ap.parse_args()
    os.environ.setdefault("GOVNET_LAB_PASSWORD", "govlab-bench")  # a throwaway lab's
    control.require_prerequisites()

    st = state.load()
    made = False
    if st is None:
        t0 = time.perf_counter()
        st = control.up(args.routers, units_per_agg=2)
        bringup = time.perf_counter() - t0
        made = True
        time.sleep(2)  # let OSPF settle before measuring memory
    else:
        bringup = st.bringup_seconds
    aggs = [n for n in st.topology.routers if n.kind == "aggregation"][: args.routers]
    if len(aggs) < args.routers:
        print(f"running lab has {len(aggs)} aggregation routers; run `govnet lab down` first")
        return 4
    try:
        seq, par, raw, nor = [], [], [], []
        for _ in range(args.rounds):
            seq.append(timed(lambda: push_all(aggs)))
            undo(aggs)
            with ThreadPoolExecutor(len(aggs)) as pool:
                par.append(timed(lambda: list(pool.map(push_one, aggs))))
            undo(aggs)
            with ThreadPoolExecutor(len(aggs)) as pool:
                raw.append(timed(lambda: list(pool.map(push_only, aggs))))
            undo(aggs)
            nor.append(nornir_push(aggs))
            undo(aggs)
        routers = st.topology.routers
        per_router = [sum(rss_mb(p) for p in pids.values() if Path(f"/proc/{p}").exists())
                      for pids in (st.pids[r.name] for r in routers)]
    finally:
        teardown = 0.0
        if made and not args.keep:
            teardown = timed(control.down)

    s, p, r, n = (statistics.median(x) for x in (seq, par, raw, nor))
    print(f"lab: {len(st.topology.routers)} routers ({len(aggs)} aggregation), "
          f"{len(st.topology.hosts)} unit hosts, subinterfaces={st.subinterfaces}")
    if made:
        print(f"bring-up: {bringup:.2f} s wall = namespaces+FRR+sshd {st.bringup_seconds:.2f} s"
              f" + OSPF convergence {st.converge_seconds:.2f} s; teardown {teardown:.2f} s")
    else:
        print(f"bring-up: {st.bringup_seconds:.2f} s + OSPF convergence "
              f"{st.converge_seconds:.2f} s (recorded by the running lab)")
    print(f"RSS per router (zebra+staticd+ospfd+sshd, idle): mean {statistics.mean(per_router):.1f}"
          f" MB, total {sum(per_router):.0f} MB for {len(per_router)} routers")
    print(f"push {len(CHANGE)} lines to {len(aggs)} routers, median of {args.rounds} rounds:")
    print(f"  govnet sequential : {s:6.2f} s  ({s / len(aggs):.2f} s per router)")
    print(f"  govnet parallel   : {p:6.2f} s  (sequential / parallel = {s / p:.1f}x)")
    print(f"  govnet parallel, push only (no checkpoint read): {r:6.2f} s")
    print(f"  nornir-netmiko (threaded, push only): {n:6.2f} s  "
          f"(nornir / govnet push only = {n / r:.2f}x; nornir / govnet transaction = {n / p:.2f}x)")
    print(f"  rounds (s): seq {[round(x, 2) for x in seq]} par {[round(x, 2) for x in par]} "
          f"push-only {[round(x, 2) for x in raw]} nornir {[round(x, 2) for x in nor]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
