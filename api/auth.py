"""Who is calling: an API token, or a client certificate the TLS handshake verified.

Order: an ``Authorization`` header (``Bearer <token>`` or NetBox's ``Token <token>``)
decides; else the verified client certificate of the connection (the ASGI TLS
extension, see :mod:`api.tls`); else, only when the operator configured it, a
certificate forwarded by a trusted TLS-terminating proxy. Nothing → 401.
A read-only token is refused (403) on any method that is not a read.

The acting user reaches the handlers as the same :class:`govnet.auth.Actor` the CLI
uses, so the services apply one set of role and scope rules to both.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import unquote

from cryptography import x509
from fastapi import Depends, Request
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from govnet import certs, tokens
from govnet.auth import Actor
from govnet.db import read, transaction
from govnet.errors import NotPermitted
from govnet.tokens import TokenRefused

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PROXY_HEADER_ENV = "GOVNET_API_PROXY_CERT_HEADER"
TRUSTED_PROXIES_ENV = "GOVNET_API_TRUSTED_PROXIES"


@dataclass(frozen=True)
class ApiConfig:
    """Set by ``govnet serve`` in the environment (so every worker process reads it)."""

    proxy_cert_header: str | None
    trusted_proxies: frozenset[str]


@cache
def config() -> ApiConfig:
    header = (os.environ.get(PROXY_HEADER_ENV) or "").strip().lower() or None
    proxies = frozenset(p.strip() for p in (os.environ.get(TRUSTED_PROXIES_ENV) or "").split(",")
                        if p.strip())
    return ApiConfig(header if proxies else None, proxies)


@dataclass(frozen=True)
class Caller:
    """The authenticated caller of one request."""

    actor: Actor
    via: str  # "token" or "certificate"
    token_id: int | None = None
    read_only: bool = False
    last_used_at: Any = None


def _tls_certificate(request: Request) -> x509.Certificate | None:
    tls = request.scope.get("extensions", {}).get("tls")
    chain = tls.get("client_cert_chain") if tls else None
    if chain:
        return certs.load_pem(chain[0])
    cfg = config()
    client = request.client.host if request.client else None
    if cfg.proxy_cert_header and client in cfg.trusted_proxies:
        forwarded = request.headers.get(cfg.proxy_cert_header)
        if forwarded:
            try:
                return certs.load_pem(unquote(forwarded))
            except ValueError as exc:
                raise TokenRefused("the proxy's client-certificate header is not a PEM "
                                   "certificate") from exc
    return None


def authenticate(request: Request) -> Caller:
    """The caller of ``request``, or TokenRefused (401)."""
    known: Caller | None = getattr(request.state, "caller", None)
    if known is not None:  # api.guard authenticated this request before its body was read
        return known
    with read() as s:
        return caller_in(s, request)


def caller_in(session: Session, request: Request) -> Caller:
    """:func:`authenticate` inside a session the handler already holds.

    A hot handler calls this from its own worker thread instead of depending on
    :data:`ACTOR`, so a request costs one thread hand-off, not two; the token row is
    still read on every request, so a revoked token is refused from the next one on.
    (:mod:`api.guard` reads it before the body; then this returns that caller.)
    """
    known: Caller | None = getattr(request.state, "caller", None)
    if known is not None:
        return known
    header = request.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() not in ("bearer", "token") or not value.strip():
            raise TokenRefused("Authorization must be 'Bearer TOKEN' or 'Token TOKEN'")
        found = tokens.authenticate(session, value)
        caller = Caller(found.actor, "token", found.token_id, found.read_only,
                        found.last_used_at)
    else:
        cert = _tls_certificate(request)
        if cert is None:
            raise TokenRefused("authentication required: send 'Authorization: Bearer "
                               "TOKEN' or a client certificate")
        caller = Caller(certs.actor_for(session, cert), "certificate")
    if caller.read_only and request.method not in SAFE_METHODS:
        raise NotPermitted(f"{caller.actor.name}: this API token is read-only; it may not "
                           f"{request.method} {request.url.path}")
    request.state.caller = caller
    return caller


async def current_actor(request: Request) -> Actor:
    """The actor :mod:`api.guard` authenticated (async: no thread hop to read it)."""
    caller: Caller | None = getattr(request.state, "caller", None)
    if caller is None:  # an app without the guard in front (not what create_app builds)
        caller = await run_in_threadpool(authenticate, request)
    return caller.actor


ACTOR = Depends(current_actor)


def use_due(request: Request, status: int) -> Caller | None:
    """The caller whose token use is to be recorded after this answer, if any.

    Refused requests record nothing, so a refusal changes nothing in the database.
    """
    caller: Caller | None = getattr(request.state, "caller", None)
    if caller is None or caller.token_id is None or status >= 400:
        return None
    return caller if tokens.use_due(caller.last_used_at) else None


def record_use(caller: Caller) -> None:
    """Note the token's last use (at most once a minute, see ``govnet.tokens.use_due``)."""
    assert caller.token_id is not None
    with transaction() as s:
        tokens.record_use(s, caller.token_id, caller.last_used_at)
