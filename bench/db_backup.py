"""Backup and restore of a 100,000-prefix database: time and file size (Art. 37).

Seeds the plan of ``bench/ipam_alloc.py`` (N allocated /30s under one pool, with the
free-block index they leave) plus an audit chain of N events, as N audited allocations
would have left, then times ``govnet.dbcopy.backup`` (anchor + one snapshot + gzip'd
JSON lines) and ``govnet.dbcopy.restore`` into an empty database of the same kind
(checksum pass, insert, sequence fix, full audit verification against the head, commit),
on SQLite and PostgreSQL; and the cross-database move, restoring the SQLite file into
PostgreSQL.

    python bench/db_backup.py [--prefixes 100000] [--no-pg]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ipam_alloc import PG, fresh_db, populate  # noqa: E402
from sqlalchemy import create_engine, insert, text, update  # noqa: E402

from govnet import audit, dbcopy, tables  # noqa: E402
from govnet import db as gdb  # noqa: E402
from govnet.clock import utcnow  # noqa: E402


def seed_events(n: int) -> None:
    """A valid chain of ``n`` allocation events after the ones the setup recorded."""
    with gdb.begin() as conn:
        head = conn.execute(text("SELECT seq, hash FROM audithead WHERE id = 1")).one()
        seq, prev, at, rows = head.seq, head.hash, utcnow(), []
        for i in range(n):
            seq += 1
            fields = dict(seq=seq, chain=1, chain_seq=seq, at=at + timedelta(microseconds=i),
                          actor="bench", action="ipam.allocate", object_type="prefix",
                          object_id=f"v:10.0.0.{i}/30", before=None,
                          after={"status": "allocated", "owner": "unit"}, prev_hash=prev)
            prev = audit.event_hash(**fields)
            rows.append({**fields, "hash": prev})
        for i in range(0, n, 5000):
            conn.execute(insert(tables.auditevent), rows[i:i + 5000])
        conn.execute(update(tables.audithead).where(tables.audithead.c.id == 1)
                     .values(seq=seq, hash=prev))
        if conn.dialect.name == "postgresql":  # event numbers come from a sequence there
            conn.execute(text("SELECT setval('audit_event_number', :n)"), {"n": seq})


def empty_db(kind: str, tmp: Path, name: str) -> str:
    """A database with nothing in it (restore migrates it)."""
    if kind == "sqlite":
        return f"sqlite:///{tmp}/{name}-{time.monotonic_ns()}.db"
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG.rsplit("/", 1)[0] + f"/{name}"


def who(_session: object) -> str:
    return "bench"


def timed_restore(file: Path, url: str) -> tuple[float, dbcopy.Summary]:
    t0 = time.perf_counter()
    done = dbcopy.restore(file, who, url=url)
    return time.perf_counter() - t0, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefixes", type=int, default=100_000)
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    kinds = ["sqlite"] + ([] if args.no_pg else ["postgresql"])
    print(f"{'db':<11}{'rows':>9}{'events':>9}{'backup':>9}{'file MB':>9}{'krows/s':>9}"
          f"{'restore':>9}{'verify':>8}")
    files = {}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        for kind in kinds:
            url = fresh_db(kind, tmp, pg_name="govnet_bench_backup")
            populate(args.prefixes)
            seed_events(args.prefixes)
            file = tmp / f"{kind}.jsonl.gz"
            t0 = time.perf_counter()
            taken = dbcopy.backup(file, who, url=url)
            t_backup = time.perf_counter() - t0
            files[kind] = file
            target = empty_db(kind, tmp, "govnet_bench_restore")
            t_restore, _ = timed_restore(file, target)
            with gdb.read(target) as s:
                v0 = time.perf_counter()
                assert audit.verify(s, head=taken.head).ok
                t_verify = time.perf_counter() - v0
            mb = taken.size / 1e6
            print(f"{kind:<11}{taken.rows:>9}{taken.events:>9}{t_backup:>8.1f}s{mb:>9.1f}"
                  f"{taken.rows / t_backup / 1e3:>9.0f}{t_restore:>8.1f}s{t_verify:>7.1f}s",
                  flush=True)
            gdb.dispose_all()
        if "postgresql" in kinds:
            target = empty_db("postgresql", tmp, "govnet_bench_restore")
            t_move, done = timed_restore(files["sqlite"], target)
            print(f"move: the SQLite file restored into PostgreSQL: {t_move:.1f}s "
                  f"({done.rows} rows)")
            gdb.dispose_all()
    print("(krows/s: thousand rows backed up per second; verify: audit verify --head alone "
          "on the restored database, also part of restore)")


if __name__ == "__main__":
    main()
