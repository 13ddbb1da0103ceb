"""The ASGI TLS extension for uvicorn: the verified client certificate reaches the app.

uvicorn (0.55 here) does not fill ``scope["extensions"]["tls"]`` yet: its pull
requests for the ASGI TLS extension (#1119, #2586, #3043, #3132, #3133) are open or
closed unmerged. It does take the HTTP protocol class as a setting
(``uvicorn.Config(http=…)``, ``--http module:Class``), and asyncio calls a protocol's
``connection_made`` once the TLS handshake is complete, with the SSL object on the
transport. So these protocol classes are uvicorn's own (httptools or h11) plus one
step: on each TLS connection they read the peer certificate the handshake verified
(``ssl.CERT_REQUIRED`` against ``--client-ca``) and hand every request of that
connection a scope carrying the extension as the ASGI spec words it
(``client_cert_chain`` — PEM, the leaf first —, ``client_cert_name``,
``tls_version``, ``cipher_suite``). When uvicorn ships the extension, these
classes can go and :mod:`api.auth` stays as it is.

The httptools class also bounds a request's headers in size and time
(:class:`_HeaderLimits`); ``govnet serve`` uses it with and without TLS.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from typing import Any

from cryptography import x509
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_TLS_VERSIONS = {"TLSv1.2": 0x0303, "TLSv1.3": 0x0304}


def tls_extension(ssl_object: Any) -> dict[str, Any]:
    """The ASGI TLS extension's dict for one connection's SSL object."""
    der = ssl_object.getpeercert(binary_form=True)
    name = x509.load_der_x509_certificate(der).subject.rfc4514_string() if der else None
    cipher = ssl_object.cipher()
    return {"server_cert": None,
            "client_cert_chain": [ssl.DER_cert_to_PEM_cert(der)] if der else [],
            "client_cert_name": name, "client_cert_error": None,
            "tls_version": _TLS_VERSIONS.get(ssl_object.version() or ""),
            "cipher_suite": cipher[0] if cipher else None}


class _WithTLSExtension:
    app: Any

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        ssl_object = transport.get_extra_info("ssl_object")
        if ssl_object is None:  # plain HTTP: the spec forbids the extension
            return
        tls = tls_extension(ssl_object)
        inner = self.app

        async def app_with_tls(scope: dict[str, Any], receive: Any, send: Any) -> None:
            scope["extensions"] = {**scope.get("extensions", {}), "tls": tls}
            await inner(scope, receive, send)

        self.app = app_with_tls


MAX_HEADER_BYTES = 64 * 1024  # request line and headers of one request
HEADER_TIMEOUT = 10.0  # seconds from a request's first byte (or the connection) to its last header
CLOSE_GRACE = 0.5  # seconds a refused connection has to flush its answer before it is dropped


def _refusal(status: bytes, detail: str, error: str) -> bytes:
    body = json.dumps({"detail": detail, "error": error}).encode()
    return (b"HTTP/1.1 " + status + b"\r\ncontent-type: application/json\r\nconnection: close\r\n"
            b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


class _HeaderLimits:
    """A request's headers must arrive within :data:`MAX_HEADER_BYTES` and
    :data:`HEADER_TIMEOUT`, else the connection is answered (431 / 408) and closed.

    uvicorn has neither for httptools (llhttp sets no header size; ``h11`` has
    ``h11_max_incomplete_event_size``, no header timer) and its ``timeout_keep_alive``
    stops at a connection's first byte, so a client dribbling header bytes (slowloris)
    or sending a 64 MB ``Authorization`` would otherwise hold the connection and the
    memory for good. The checks sit on the protocol's own hooks: bytes are counted in
    ``data_received`` while a request's headers are incomplete, and a timer runs from
    the connection (or the request's first byte) to ``on_headers_complete``.
    """

    transport: Any
    loop: Any

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self._header_bytes = 0
        self._in_headers = True
        self._header_timer: Any = None
        self._start_header_timer()

    def _start_header_timer(self) -> None:
        if self._header_timer is None:
            self._header_timer = asyncio.get_running_loop().call_later(
                HEADER_TIMEOUT, self._header_timeout)

    def _stop_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _refuse(self, status: bytes, detail: str, error: str) -> None:
        self._stop_header_timer()
        if not self.transport.is_closing():
            self.transport.write(_refusal(status, detail, error))
            self.transport.close()
            self._abort_soon()

    def _abort_soon(self) -> None:
        """Drop a closing connection after :data:`CLOSE_GRACE`: a TLS close waits for the
        peer's close_notify (30 s) and reads, decrypts and discards whatever the peer
        still sends meanwhile — an unread body or header would be read after all. The
        short grace (a lingering close) lets the client take the answer: dropping at
        once, with its bytes unread, would reset the connection and lose the answer."""
        asyncio.get_running_loop().call_later(CLOSE_GRACE, self.transport.abort)

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        if self.transport.is_closing():  # an answer with "Connection: close" (api.guard)
            self._abort_soon()

    def _header_timeout(self) -> None:
        self._header_timer = None
        if self._in_headers:
            self._refuse(b"408 Request Timeout", f"the request headers did not arrive within "
                         f"{HEADER_TIMEOUT:g} s", "timeout")

    def data_received(self, data: bytes) -> None:
        if self.transport.is_closing():
            return
        if self._in_headers:
            self._header_bytes += len(data)  # one read's worth at most past the limit
        super().data_received(data)  # type: ignore[misc]
        if self._in_headers and self._header_bytes > MAX_HEADER_BYTES:
            self._refuse(b"431 Request Header Fields Too Large", "the request line and "
                         f"headers are larger than {MAX_HEADER_BYTES} bytes", "too_large")

    def on_message_begin(self) -> None:
        self._in_headers = True  # bytes count from the end of the last headers (or connection)
        self._start_header_timer()
        super().on_message_begin()  # type: ignore[misc]

    def on_headers_complete(self) -> None:
        self._in_headers = False
        self._header_bytes = 0
        self._stop_header_timer()
        super().on_headers_complete()  # type: ignore[misc]

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_timer()
        super().connection_lost(exc)  # type: ignore[misc]


class HttpToolsTLSProtocol(_HeaderLimits, _WithTLSExtension, HttpToolsProtocol):
    """uvicorn's httptools protocol with the ASGI TLS extension and header limits."""


class H11TLSProtocol(_WithTLSExtension, H11Protocol):
    """uvicorn's h11 protocol with the ASGI TLS extension."""


PROTOCOL = "api.tls:HttpToolsTLSProtocol"
