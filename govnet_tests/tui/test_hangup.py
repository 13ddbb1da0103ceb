"""The TUI on a real pseudo-terminal ends when that terminal hangs up, even when no
SIGHUP reaches it (a wrapper such as ``make demo`` holds the session, or ``nohup``).
Without this, Textual's input thread loops on the dead terminal and burns a core."""

from __future__ import annotations

import fcntl
import getpass
import os
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from govnet import db as gdb
from govnet import org

ROOT = Path(__file__).resolve().parents[2]


def _read_until(fd: int, text: bytes, timeout: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while text not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            seen += os.read(fd, 65536)
    return seen


def test_the_tui_ends_when_its_terminal_hangs_up(db):
    login = getpass.getuser()
    if login != "admin":
        with gdb.transaction() as s:
            org.add_user(s, None, login, role="admin")
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = {k: v for k, v in os.environ.items() if k != "GOVNET_USER"} | {
        "TERM": "xterm-256color", "PYTHONPATH": str(ROOT)}
    # A new session with the pty as stdio but not as its controlling terminal: like a
    # process under a wrapper that stays, nobody sends it SIGHUP when the pty goes.
    proc = subprocess.Popen([sys.executable, "-m", "tui"], stdin=slave, stdout=slave,
                            stderr=slave, env=env, cwd=ROOT, start_new_session=True)
    os.close(slave)
    try:
        shown = _read_until(master, b"Dashboard", timeout=30)
        assert b"Dashboard" in shown or "仪表盘".encode() in shown, shown[-500:]
        os.close(master)  # the terminal hangs up
        proc.wait(timeout=15)
        assert proc.returncode is not None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
            raise AssertionError("the TUI kept running on a hung-up terminal")
