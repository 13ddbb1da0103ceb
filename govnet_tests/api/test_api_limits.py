"""The front door under abuse (issue 16, items 3 and 5), as raw TLS sockets and httpx
against a running ``govnet serve`` on loopback: the credential before the body, body
and header size limits, a header read timeout, and no token in the access log.
Every socket has a deadline, so no test waits for good."""

from __future__ import annotations

import socket
import ssl
import time
from urllib.parse import urlsplit

import pytest

from api.guard import MAX_BODY
from api.tls import HEADER_TIMEOUT, MAX_HEADER_BYTES
from govnet_tests.api.conftest import Server
from govnet_tests.conftest import db_snapshot


def _connect(api: Server, cert: str = "robot") -> ssl.SSLSocket:
    """A TLS connection with ``cert``'s client certificate ("robot" maps to nobody)."""
    ctx = ssl.create_default_context(cafile=api.pki.ca)
    ctx.load_cert_chain(*api.pki.pair(cert))
    url = urlsplit(api.url)
    raw = socket.create_connection((url.hostname, url.port), timeout=10)
    return ctx.wrap_socket(raw, server_hostname="127.0.0.1")


def _head(method: str, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _read_answer(sock: ssl.SSLSocket, deadline: float) -> bytes:
    """What the server sends until it closes the connection (or the deadline)."""
    got = b""
    while time.monotonic() < deadline:
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except (TimeoutError, ssl.SSLError, ConnectionError):
            break
        if not chunk:
            return got + b"<closed>"
        got += chunk
    return got


def _push(sock: ssl.SSLSocket, total: int, *, per_second: int = 8 * 1024 * 1024,
          within: float = 8.0) -> tuple[int, float | None]:
    """Send up to ``total`` bytes at about ``per_second`` (a WAN client's pace, not
    loopback's); returns (bytes sent, seconds until the server dropped us, or None)."""
    start, sent, chunk = time.monotonic(), 0, 64 * 1024
    sock.settimeout(2)
    while sent < total and time.monotonic() - start < within:
        try:
            sock.sendall(b"A" * chunk)
        except OSError:
            return sent, time.monotonic() - start
        sent += chunk
        time.sleep(max(0.0, start + sent / per_second - time.monotonic()))
    return sent, None


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def test_no_credential_and_bad_json_is_401_not_422(api: Server) -> None:
    before = db_snapshot()
    with api.client("robot") as c:  # a trusted certificate that maps to nobody, no token
        r = c.post("/api/v1/vrfs", content=b"{not json",
                   headers={"Content-Type": "application/json"})
    assert r.status_code == 401 and r.json()["error"] == "not_authenticated", r.text
    with api.client(token=api.tokens["reader"]) as c:  # read-only: refused before the body
        r = c.post("/api/v1/vrfs", content=b"{not json",
                   headers={"Content-Type": "application/json"})
    assert r.status_code == 403 and "read-only" in r.json()["detail"]
    assert db_snapshot() == before


def test_an_unauthenticated_100_mb_body_is_not_read(api: Server) -> None:
    size = 100 * 1024 * 1024
    with _connect(api) as sock:
        start = time.monotonic()
        sock.sendall(_head("POST", "/api/v1/vrfs", {"Content-Type": "application/json",
                                                    "Content-Length": str(size)}))
        sock.sendall(b"x" * 65536)
        answer = _read_answer(sock, start + 5)
        assert _status(answer) == 401 and b'"not_authenticated"' in answer, answer[:300]
        assert b"connection: close" in answer.lower() and answer.endswith(b"<closed>")
        assert time.monotonic() - start < 3
        sent, dropped = _push(sock, size)  # the rest of the body finds no reader
    assert dropped is not None and dropped < 4 and sent < size // 2, (sent, dropped)


@pytest.mark.parametrize("chunked", [False, True])
def test_an_authenticated_body_over_the_limit_is_413(api: Server, chunked: bool) -> None:
    before = db_snapshot()
    body = b'{"name": "' + b"x" * (MAX_BODY + 10) + b'"}'
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {api.tokens['admin']}"}
    with _connect(api) as sock:
        start = time.monotonic()
        if chunked:
            sock.sendall(_head("POST", "/api/v1/vrfs", headers | {"Transfer-Encoding": "chunked"}))
            for i in range(0, len(body), 65536):
                part = body[i:i + 65536]
                try:
                    sock.sendall(f"{len(part):x}\r\n".encode() + part + b"\r\n")
                except OSError:
                    break
        else:
            sock.sendall(_head("POST", "/api/v1/vrfs", headers | {"Content-Length": str(len(body))}))
        answer = _read_answer(sock, start + 10)
    assert _status(answer) == 413, answer[:300]
    assert b'"error":"too_large"' in answer and b"connection: close" in answer.lower()
    assert db_snapshot() == before
    with api.client(token=api.tokens["admin"]) as c:  # under the limit: the normal answer
        r = c.post("/api/v1/vrfs", content=b'{"name": "' + b"x" * 1000 + b'"}',
                   headers={"Content-Type": "application/json"})
        assert r.status_code == 400 and r.json()["error"] == "invalid_input", r.text


def test_a_64_mb_authorization_header_is_refused_at_once(api: Server) -> None:
    size = 64 * 1024 * 1024
    with _connect(api) as sock:
        sock.sendall(b"GET /api/v1/vrfs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ")
        sent, dropped = _push(sock, size)
    assert dropped is not None and dropped < 4 and sent < size // 2, (sent, dropped)
    with _connect(api) as sock:  # the answer, for a client that stops at the limit
        sock.sendall(b"GET /api/v1/vrfs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                     + b"A" * (MAX_HEADER_BYTES + 1))
        answer = _read_answer(sock, time.monotonic() + 5)
    assert _status(answer) == 431 and b'"too_large"' in answer and answer.endswith(b"<closed>")


@pytest.mark.slow
def test_slow_headers_are_cut_off(api: Server) -> None:
    socks = [_connect(api) for _ in range(5)]
    start = time.monotonic()
    closed_at: dict[int, float] = {}
    try:
        for s in socks:
            s.sendall(b"GET /api/v1/vrfs HTTP/1.1\r\n")
            s.setblocking(False)
        while len(closed_at) < len(socks) and time.monotonic() - start < HEADER_TIMEOUT + 8:
            for i, s in enumerate(socks):
                if i in closed_at:
                    continue
                try:
                    s.sendall(b"X")  # one byte a second: keep-alive timers never fire
                    data = s.recv(65536)
                    if data == b"" or b"408" in data:
                        closed_at[i] = time.monotonic() - start
                except ssl.SSLWantReadError:
                    pass
                except OSError:
                    closed_at[i] = time.monotonic() - start
            time.sleep(1)
    finally:
        for s in socks:
            s.close()
    assert len(closed_at) == len(socks), closed_at
    assert all(HEADER_TIMEOUT - 1 <= t <= HEADER_TIMEOUT + 4 for t in closed_at.values()), closed_at
    with api.client(token=api.tokens["admin"]) as c:  # the server serves on
        assert c.get("/api/v1/vrfs").status_code == 200


def test_a_token_in_the_query_string_never_reaches_the_log(api: Server) -> None:
    secret = api.tokens["admin"]
    with api.client(token=api.tokens["city-ops"]) as c:
        for name in ("token", "key", "access_token", "api_key", "whatever"):
            c.get("/api/v1/vrfs", params={name: secret, "limit": 5})
        c.get(f"/api/v1/devices/{secret}")
        c.get("/api/v1/vrfs", params={"q": f"Bearer {secret}"})
    with api.client("robot") as c:  # refused requests are logged too
        c.get("/api/v1/vrfs", params={"token": secret})
    deadline = time.monotonic() + 5
    while "whatever=" not in api.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    log = api.log.read_text()
    assert secret.split(".", 1)[1] not in log and secret not in log
    assert "token=[REDACTED]" in log and "access_token=[REDACTED]" in log
    assert "/api/v1/devices/[REDACTED]" in log and "whatever=[REDACTED]" in log


@pytest.mark.parametrize("endpoint", ["available-prefixes", "available-ips"])
def test_a_netbox_list_over_the_cap_is_400_and_changes_nothing(api: Server, endpoint: str) -> None:
    from api.netbox import MAX_BULK

    with api.client(token=api.tokens["admin"]) as c:
        pools = c.get("/api/v1/prefixes", params={"status": "allocated", "limit": 1}).json()
        target = pools["results"][0]["id"] if endpoint == "available-ips" else \
            c.get("/api/v1/pools").json()["results"][0]["id"]
        item = {"prefix_length": 32} if endpoint == "available-prefixes" else {}
        before = db_snapshot()
        r = c.post(f"/api/ipam/prefixes/{target}/{endpoint}/", json=[item] * (MAX_BULK + 1))
        assert r.status_code == 400 and r.json()["error"] == "invalid_input", r.text
        assert f"at most {MAX_BULK}" in r.json()["detail"]
        assert db_snapshot() == before


@pytest.mark.slow
def test_a_netbox_list_at_the_cap_is_one_short_transaction(api: Server) -> None:
    """The write lock a list at the cap holds on SQLite (the figure in the README)."""
    from api.netbox import MAX_BULK

    with api.client(token=api.tokens["admin"]) as c:
        pool = c.post("/api/v1/pools", json={"prefix": "100.80.0.0/16", "vrf": "公用网络区"}).json()
        start = time.monotonic()
        r = c.post(f"/api/ipam/prefixes/{pool['id']}/available-prefixes/",
                   json=[{"prefix_length": 30, "tenant": {"name": "市教育局"}}] * MAX_BULK)
        took = time.monotonic() - start
    assert r.status_code == 201 and len(r.json()) == MAX_BULK, r.text[:300]
    print(f"{MAX_BULK} allocations in one request: {took:.2f} s")
    if api.db_url.startswith("sqlite"):  # the database-wide write lock the cap bounds
        assert took < 10
    # (PostgreSQL locks only the parent row; its figure depends on the machine's load)
