"""The FastAPI application: govnet's services over HTTP, OpenAPI at /api/schema, Swagger UI at /api/docs.

Handlers are thin: each opens one transaction (or a read), calls the service with
the authenticated :class:`~govnet.auth.Actor`, and answers with the serializer the
CLI's ``--json`` uses. Errors become the contract's HTTP kinds (:mod:`api.errors`).
"""

from __future__ import annotations

import gc
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from api import errors
from api.guard import Guard

VERSION = "1"


class RecordTokenUse:
    """ASGI middleware: on a successful answer, note the token's last use before the
    answer starts, so a client that reads ``token list`` next sees it."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_recorded(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                from api.auth import record_use, use_due

                caller = use_due(Request(scope), message["status"])
                if caller is not None:  # at most once a minute per token
                    await run_in_threadpool(record_use, caller)
            await send(message)

        await self.app(scope, receive, send_recorded)


def create_app() -> FastAPI:
    from api import (
        access,
        audit,
        compliance,
        devices,
        inventory,
        ipam,
        netbox,
        openapi,
        org,
        privnet,
        provision,
        tokens,
    )

    app = FastAPI(title="govnet", version=VERSION,
                  description="Network operations for the e-government extranet: IPAM, "
                  "connection requests, provisioning, inventory, compliance, audit. "
                  "Authenticate with 'Authorization: Bearer TOKEN' (or 'Token TOKEN') or a "
                  "client certificate.",
                  docs_url=None, openapi_url="/api/schema", redoc_url=None)
    errors.install(app)
    openapi.install(app)
    for module in (ipam, access, privnet, provision, devices, inventory, compliance, audit,
                   org, tokens, netbox):
        app.include_router(module.router)
    app.add_middleware(RecordTokenUse)
    app.add_middleware(Guard)  # outermost: the credential before the body (api.guard)
    # What is loaded by now lives as long as the process: keep it out of every
    # garbage-collector pass (a full pass otherwise walks all of SQLAlchemy and pydantic).
    gc.freeze()
    return app
