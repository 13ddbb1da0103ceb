"""Run one function in several fresh processes at once, and fail fast when one dies.

The multi-process tests (16 allocators, 16 audit writers) start their workers with
``spawn``, so each worker imports the function by its module name. That name lives in
the ``govnet_tests`` package, which nothing in site-packages can shadow (textfsm 2.1.1
ships a top-level ``tests`` package; a test tree called ``tests`` lost to it and the
pool waited forever).

``concurrent.futures.ProcessPoolExecutor`` raises ``BrokenProcessPool`` as soon as a
worker process dies; the start barrier has a timeout, so workers that never arrive
break it instead of holding the others; and every wait here has a deadline.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

#: Seconds for the whole run; the tests finish in about 10 s on this machine kind.
DEADLINE = 240.0
#: Seconds every worker waits at the start line for the others.
START_TIMEOUT = 60.0


def run_together(fn: Callable[..., Any], args: Sequence[Any], processes: int,
                 *, deadline: float = DEADLINE) -> list[Any]:
    """Call ``fn(*args, barrier)`` in ``processes`` spawned processes that start together.

    ``fn`` must be a module-level function of an importable module and must call
    ``barrier.wait(START_TIMEOUT)`` before its timed part. Returns the results in order;
    raises ``BrokenProcessPool`` if a worker dies, ``TimeoutError`` past the deadline,
    and re-raises a worker's own exception.
    """
    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(processes)
        with ProcessPoolExecutor(processes, mp_context=ctx) as pool:
            futures = [pool.submit(fn, *args, barrier) for _ in range(processes)]
            try:
                return [f.result(timeout=deadline) for f in futures]
            finally:
                barrier.abort()  # a worker still at the start line leaves at once
                for f in futures:
                    f.cancel()
