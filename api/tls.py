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
"""

from __future__ import annotations

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


class HttpToolsTLSProtocol(_WithTLSExtension, HttpToolsProtocol):
    """uvicorn's httptools protocol with the ASGI TLS extension."""


class H11TLSProtocol(_WithTLSExtension, H11Protocol):
    """uvicorn's h11 protocol with the ASGI TLS extension."""


PROTOCOL = "api.tls:HttpToolsTLSProtocol"
