"""One lock per device: two jobs never configure the same device at once.

The lock is an exclusive ``flock`` on a per-device file. Threads of one process
and separate govnet processes on this machine exclude each other alike (each
acquisition opens its own file description), and a process killed with SIGKILL
loses its locks with its file descriptors: ``govnet access resume`` can always
take over a crashed job's device. (Across machines sharing one PostgreSQL
database, run provisioning from one host, or put the lock dir on shared storage
that supports flock.)
"""

from __future__ import annotations

import fcntl
import os
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from govnet.errors import Conflict

_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


def lock_dir() -> Path:
    """``$GOVNET_LOCK_DIR``, else ``<tmp>/govnet-locks`` (shared by every local user)."""
    path = Path(os.environ.get("GOVNET_LOCK_DIR") or Path(tempfile.gettempdir(), "govnet-locks"))
    if not path.exists():
        path.mkdir(parents=True, exist_ok=True)
        try:
            os.chmod(path, 0o1777)
        except PermissionError:
            pass
    return path


@contextmanager
def device_lock(device: str, *, wait: float = 600.0) -> Iterator[None]:
    """Hold ``device``'s lock; wait up to ``wait`` seconds, then Conflict (exit 4)."""
    path = lock_dir() / f"{_SAFE.sub('_', device)}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Conflict(f"device {device} is busy with another job "
                                   f"(lock {path}); try again when it has finished") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
