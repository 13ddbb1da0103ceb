"""Allocation over the network API, shaped like NetBox's anchor: a keep-alive HTTP client
POSTing ``/api/ipam/prefixes/{id}/available-prefixes/`` ``{"prefix_length": 29}``.

For 0, 1k, 10k and 100k children under the parent (seeded with bench/ipam_alloc.py's
fast path), on SQLite and PostgreSQL, it starts ``govnet serve`` (its own process,
127.0.0.1, plain HTTP, no access log) and prints the median and p95 latency of one
committed, audited allocation as the client sees it; then the throughput with 1 and
with 8 concurrent clients (each its own keep-alive connection) on the largest size.
NetBox v4.6.8 on this machine kind: 37 ms at 0 children, 113 ms at 8k, 28–32
allocations/s with 8 clients. Targets: ≤ 5 ms median at 100k, ≥ 300/s with 8 clients.

    python bench/api_alloc.py [--sizes 0,1000,10000,100000] [--runs 300] [--no-pg]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import httpx  # noqa: E402
from ipam_alloc import PARENT, populate  # noqa: E402
from ipam_alloc import fresh_db as ipam_fresh_db  # noqa: E402
from sqlalchemy import select  # noqa: E402

from govnet import db as gdb  # noqa: E402
from govnet import tokens  # noqa: E402
from govnet.auth import load_actor  # noqa: E402
from ipam.models import Prefix  # noqa: E402

PG_NAME = "govnet_api_bench"  # its own: bench/ipam_alloc.py drops and makes govnet_bench


def fresh_db(kind: str, tmp: Path) -> str:
    """bench/ipam_alloc.py's world, on PostgreSQL in a database of its own."""
    return ipam_fresh_db(kind, tmp, PG_NAME)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(url: str, workers: int, log: Path) -> tuple[subprocess.Popen, str]:
    port = _port()
    env = {**os.environ, "GOVNET_DB": url, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "govnet.cli", "serve", "--port", str(port),
                             "--workers", str(workers), "--no-access-log"], env=env,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            httpx.get(base + "/api/schema", timeout=1)
            return proc, base
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"govnet serve did not start: {log.read_text()[-2000:]}")


def setup(kind: str, n: int, tmp: Path) -> tuple[str, str, int]:
    url = fresh_db(kind, tmp)
    populate(n)
    with gdb.transaction() as s:
        _row, secret = tokens.create(s, load_actor(s, "bench"), "bench")
        parent = s.scalars(select(Prefix).where(Prefix.cidr == str(PARENT))).one()
    gdb.dispose_all()
    assert parent.id is not None
    return url, secret, parent.id


def allocate(client: httpx.Client, parent: int) -> float:
    t0 = time.perf_counter()
    r = client.post(f"/api/ipam/prefixes/{parent}/available-prefixes/", json={"prefix_length": 29})
    elapsed = time.perf_counter() - t0
    if r.status_code != 201:
        raise SystemExit(f"allocation refused: {r.status_code} {r.text}")
    return elapsed


def latency(base: str, secret: str, parent: int, runs: int) -> list[float]:
    with httpx.Client(base_url=base, headers={"Authorization": f"Token {secret}"}) as c:
        for _ in range(10):  # warm the connection and the server's caches
            allocate(c, parent)
        return [allocate(c, parent) for _ in range(runs)]


def throughput(base: str, secret: str, parent: int, clients: int, each: int) -> float:
    def one(_: int) -> int:
        with httpx.Client(base_url=base, headers={"Authorization": f"Token {secret}"}) as c:
            allocate(c, parent)
            for _ in range(each):
                allocate(c, parent)
        return each

    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        done = sum(pool.map(one, range(clients)))
    return done / (time.perf_counter() - t0)


def ms(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered) * 1e3, ordered[int(0.95 * (len(ordered) - 1))] * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,1000,10000,100000")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--each", type=int, default=150, help="allocations per client")
    parser.add_argument("--pg-workers", type=int, default=2, help="server processes on PostgreSQL")
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    kinds = ["sqlite"] + ([] if args.no_pg else ["postgresql"])
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        print(f"{'db':<11}{'children':>9} {'median':>9} {'p95':>9}   throughput "
              "1 client / 8 clients")
        for kind in kinds:
            for n in sizes:
                url, secret, parent = setup(kind, n, tmp)
                workers = 1 if kind == "sqlite" else args.pg_workers
                proc, base = serve(url, workers, tmp / "serve.log")
                try:
                    med, p95 = ms(latency(base, secret, parent, args.runs))
                    line = f"{kind:<11}{n:>9} {med:>7.2f}ms {p95:>7.2f}ms"
                    if n == sizes[-1]:
                        one = throughput(base, secret, parent, 1, args.each)
                        eight = throughput(base, secret, parent, 8, args.each)
                        line += f"   {one:6.0f}/s / {eight:6.0f}/s ({workers} server process"\
                                f"{'es' if workers > 1 else ''})"
                    print(line, flush=True)
                finally:
                    proc.terminate()
                    proc.wait(timeout=30)


if __name__ == "__main__":
    main()
