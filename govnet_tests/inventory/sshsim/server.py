"""The simulator's SSH side (test double): an asyncssh server on 127.0.0.1.

One server per simulated device, on a random port, in a background thread with
its own event loop; password (and optionally public-key) authentication; each
shell gets a :class:`CliSession`. No line editor: the session echoes what it
receives and answers at each line end, as a device's CLI does.
"""

from __future__ import annotations

import asyncio
import threading
from functools import cache

import asyncssh

from .device import SimDevice
from .session import CliSession


@cache
def _host_key() -> asyncssh.SSHKey:
    return asyncssh.generate_private_key("ssh-ed25519")


class _Auth(asyncssh.SSHServer):
    def __init__(self, device: SimDevice, live: set[asyncssh.SSHServerConnection]) -> None:
        self.device = device
        self.live = live
        self.conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        self.live.add(conn)
        self.device.connections += 1

    def connection_lost(self, exc: Exception | None) -> None:
        self.live.discard(self.conn)  # type: ignore[arg-type]

    def begin_auth(self, username: str) -> bool:
        return True  # every user must authenticate

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return username == self.device.username and password == self.device.password

    def public_key_auth_supported(self) -> bool:
        return self.device.authorized_key is not None

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        offered = key.export_public_key().decode().split()[:2]
        wanted = (self.device.authorized_key or "").split()[:2]
        return username == self.device.username and offered == wanted


async def _shell(device: SimDevice, process: asyncssh.SSHServerProcess) -> None:
    session = CliSession(device)
    out = process.stdout
    out.write(session.prompt())
    line, after_cr = "", False
    try:
        while not session.closed:
            data = await process.stdin.read(4096)
            if not data:
                break
            for ch in data:
                if ch == "\n" and after_cr:
                    after_cr = False
                    continue
                after_cr = ch == "\r"
                if ch not in "\r\n":
                    line += ch
                    if not session.hide_input:
                        out.write(ch)  # echo, as the device does (not passwords)
                    continue
                out.write("\r\n")
                reply, line = session.feed(line), ""
                if session.cut:  # the link went down: no goodbye, the TCP connection drops
                    process.get_extra_info("connection").abort()
                    return
                if session.closed:
                    break
                if reply:
                    out.write(reply if session.pending else reply + "\r\n")
                if session.pending is None:
                    out.write(session.prompt())
    except (asyncssh.BreakReceived, asyncssh.TerminalSizeChanged, ConnectionError):
        pass
    finally:
        if not session.cut:
            process.exit(0)


class SshSimulator:
    """A simulated device reachable over real SSH on 127.0.0.1 (test double)."""

    def __init__(self, device: SimDevice) -> None:
        self.device = device
        self.host = "127.0.0.1"
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="sshsim", daemon=True)
        self._ready = threading.Event()
        self._server: asyncssh.SSHAcceptor | None = None
        self._live: set[asyncssh.SSHServerConnection] = set()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncssh.create_server(
            lambda: _Auth(self.device, self._live), self.host, 0, server_host_keys=[_host_key()],
            process_factory=lambda p: _shell(self.device, p), line_editor=False,
            encoding="utf-8"))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    def start(self) -> SshSimulator:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("SSH simulator did not start")
        return self

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for conn in list(self._live):
            conn.close()
            await conn.wait_closed()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def stop(self) -> None:
        """Close the server and every session, then end the thread."""
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    def __enter__(self) -> SshSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
