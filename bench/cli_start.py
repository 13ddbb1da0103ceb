"""Command start: what a user waits for before and while one ``govnet`` command runs.

Each row is a whole new process, timed from spawn to exit, median (and min) of N runs:
the interpreter alone, the bare ``import sqlalchemy`` and ``import sqlmodel`` floors,
``govnet --help``, and ``govnet ipam allocate`` end to end (one committed, audited
allocation) on a throwaway SQLite database this script sets up. Targets (issue 11):
``--help`` ≤ 0.25 s, ``ipam allocate`` ≤ 0.5 s on a quiet machine.

    python bench/cli_start.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"govnet --help": 0.25, "govnet ipam allocate": 0.5}


def govnet_command() -> list[str]:
    """The installed console script if there is one beside this interpreter."""
    script = Path(sys.executable).with_name("govnet")
    if script.exists():
        return [sys.executable, str(script)]
    return [sys.executable, "-c", "import sys; from govnet.cli import main; sys.exit(main())"]


def timed(argv: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, check=False)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    govnet = govnet_command()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "GOVNET_DB": f"sqlite:///{tmp}/start.db",
               "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                           os.environ.get("PYTHONPATH")]))}
        env.pop("GOVNET_USER", None)
        for setup in (["init"], ["ipam", "vrf", "add", "v"], ["ipam", "pool", "add", "10.0.0.0/8"],
                      ["org", "unit", "add", "unit"]):
            timed([*govnet, *setup], env)
        rows = {
            "python -c pass": [sys.executable, "-c", "pass"],
            'python -c "import sqlalchemy"': [sys.executable, "-c", "import sqlalchemy"],
            'python -c "import sqlmodel"': [sys.executable, "-c", "import sqlmodel"],
            "govnet --help": [*govnet, "--help"],
            "govnet ipam allocate": [*govnet, "ipam", "allocate", "--size", "/30", "--within",
                                     "10.0.0.0/8", "--owner", "unit", "--json"],
        }
        times: dict[str, list[float]] = {name: [] for name in rows}
        for _ in range(args.runs):  # interleaved, so a burst of load hits every row alike
            for name, argv in rows.items():
                times[name].append(timed(argv, env))
    load = os.getloadavg()[0]
    print(f"{args.runs} runs each, interleaved; load average {load:.2f} at the end")
    print(f"{'process':<32}{'median':>9}{'min':>9}  target")
    for name, values in times.items():
        target = TARGETS.get(name)
        med = statistics.median(values)
        verdict = "" if target is None else (f"≤ {target:.2f} s " +
                                             ("met" if med <= target else "NOT met"))
        print(f"{name:<32}{med:>8.3f}s{min(values):>8.3f}s  {verdict}")


if __name__ == "__main__":
    main()
