"""The driver registry (no device, no simulator): parallel first use in a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

#: Run in a new interpreter, so the registry is really empty when the threads start.
_PARALLEL_FIRST_USE = r"""
import json, sys, threading
from inventory.drivers import get_driver

platforms = sys.argv[1:]
barrier = threading.Barrier(len(platforms))
results = {}

def use(platform):
    barrier.wait()
    try:
        results[platform] = get_driver(platform).platform
    except Exception as exc:
        results[platform] = f"{type(exc).__name__}: {exc}"

threads = [threading.Thread(target=use, args=(p,)) for p in platforms]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(json.dumps(results))
"""


def test_parallel_first_use_across_platforms_in_a_fresh_process() -> None:
    """Issue 9 item 9: the second thread used to see an empty registry
    (``unknown platform 'cisco_ios'; known: ``) while the first was importing."""
    platforms = ["cisco_ios", "huawei_vrp", "h3c_comware", "ruijie_os", "huawei_vrpv8", "huawei_ce",
                 "frr", "cisco_ios", "huawei_vrp"]
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", _PARALLEL_FIRST_USE, *platforms],
                             capture_output=True, text=True, env=env, cwd=root, check=True)
        results = json.loads(out.stdout)
        assert results == {p: p for p in platforms}
