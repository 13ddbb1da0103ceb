"""The API's front door: the credential is checked before any body is read, and a body
has a size limit.

An ASGI middleware, outermost of the app's own: for every request but the public
documentation (``GET /api/docs…``, ``/api/schema``) it authenticates the caller from
the headers and the TLS connection alone (:func:`api.auth.authenticate`, one database
read in a worker thread) and keeps the caller in the request's state, where the
handlers' ``ACTOR`` dependency and the NetBox hot path take it (no second lookup). A
refused credential is answered at once (401, or 403 for a read-only token's write),
with ``Connection: close`` when a body was announced, so no byte of it is read.

Then the body, if any, is read here up to :data:`MAX_BODY` and handed to the app as
it came; a larger one (by its ``Content-Length``, or as it streams in chunked) is
answered 413 ``{"detail": …, "error": "too_large"}`` and the connection closed.
The header-size and header-time limits live in the HTTP protocol (:mod:`api.tls`),
because they apply before a request reaches any ASGI app.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from govnet.errors import GovnetError

MAX_BODY = 1024 * 1024  # bytes: 1 MiB; a NetBox bulk POST at its cap needs ~0.1 MiB
PUBLIC_PREFIXES = ("/api/docs", "/api/schema")  # the OpenAPI document and its UI


def _public(scope: dict[str, Any]) -> bool:
    return scope["method"] in ("GET", "HEAD") and scope["path"].startswith(PUBLIC_PREFIXES)


def _announced(scope: dict[str, Any]) -> tuple[bool, int | None]:
    """(whether a body is announced, its Content-Length if given)."""
    length: int | None = None
    chunked = False
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                length = int(value)
            except ValueError:
                length = MAX_BODY + 1  # not a length: refused as too large
        elif name == b"transfer-encoding":
            chunked = True
    return chunked or bool(length), length


def too_large() -> JSONResponse:
    return JSONResponse({"detail": f"the request body is larger than {MAX_BODY} bytes "
                         f"({MAX_BODY // 1024} KiB), the API's limit", "error": "too_large"},
                        status_code=413, headers={"Connection": "close"})


class Guard:
    """ASGI middleware: authenticate first, then read a bounded body (see the module)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or _public(scope):
            await self.app(scope, receive, send)
            return
        has_body, length = _announced(scope)
        request = Request(scope)
        try:
            from api.auth import authenticate

            await run_in_threadpool(authenticate, request)  # sets request.state.caller
        except GovnetError as exc:
            from api.errors import error_response

            refused = error_response(exc)
            if has_body:
                refused.headers["Connection"] = "close"
            await refused(scope, receive, send)
            return
        if not has_body:
            await self.app(scope, receive, send)
            return
        if length is not None and length > MAX_BODY:
            await too_large()(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            body += message.get("body", b"")
            if len(body) > MAX_BODY:
                await too_large()(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()  # type: ignore[no-any-return]

        await self.app(scope, replay, send)
