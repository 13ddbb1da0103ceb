"""govnet's errors as HTTP answers, one shape everywhere: ``{"error": kind, "detail": text}``.

``detail`` is the CLI's one-line message (the text the CLI prints after ``error:``), so a
refusal reads the same in a terminal and in a script. Every answer that is not a success
has this shape, whoever produced it: a service's refusal, a request the edge validation
refused (400, with the per-field list under ``errors``), a body that is not JSON (400),
an unknown route (404), a method the path does not have (405, with an ``Allow`` header
listing every method of the path), or a bug (500, no traceback).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from govnet.errors import Conflict, DeviceError, GovnetError, InvalidInput, NotFound, NotPermitted
from govnet.tokens import TokenRefused

# Most specific first: TokenRefused is a NotPermitted, NotFound an InvalidInput.
STATUS: tuple[tuple[type[GovnetError], int, str], ...] = (
    (TokenRefused, 401, "not_authenticated"),
    (NotFound, 404, "not_found"),
    (InvalidInput, 400, "invalid_input"),
    (NotPermitted, 403, "not_permitted"),
    (Conflict, 409, "conflict"),
    (DeviceError, 502, "device_error"),
)
HTTP_KINDS = {400: "invalid_input", 401: "not_authenticated", 403: "not_permitted",
              404: "not_found", 405: "method_not_allowed", 409: "conflict",
              413: "too_large", 502: "device_error"}


class FieldError(BaseModel):
    loc: list[str | int] = Field(description="Where: body, query or path, then the field.")
    msg: str
    type: str


class Error(BaseModel):
    """Every error answer of the API."""

    error: str = Field(description="The kind: invalid_input, not_authenticated, "
                       "not_permitted, not_found, method_not_allowed, conflict, too_large, "
                       "device_error, error.", examples=["invalid_input"])
    detail: str = Field(description="One line, the CLI's message.")
    errors: list[FieldError] | None = Field(
        None, description="On a refused request: each field's problem.")


_WHAT = {400: "Invalid input: a field out of range, not printable, or refused by the rules.",
         401: "No credential, or a bad one.", 403: "Not permitted for this user or token.",
         404: "No such object (or not visible to the caller).",
         409: "Conflicts with the current state.", 413: "The request is too large.",
         502: "A device did not answer or refused."}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route: each error status it can answer, with :class:`Error`."""
    return {s: {"model": Error, "description": _WHAT[s]} for s in statuses}


def status_of(exc: GovnetError) -> tuple[int, str]:
    for kind, status, name in STATUS:
        if isinstance(exc, kind):
            return status, name
    return 500, "error"


def _answer(status: int, kind: str, detail: str, headers: dict[str, str] | None = None,
            **extra: Any) -> JSONResponse:
    return JSONResponse({"detail": detail, "error": kind, **extra}, status_code=status,
                        headers=headers)


def error_response(exc: GovnetError) -> JSONResponse:
    status, kind = status_of(exc)
    headers = {"WWW-Authenticate": 'Bearer realm="govnet"'} if status == 401 else None
    return _answer(status, kind, exc.message, headers)


def allowed_methods(request: Request, fallback: str = "") -> list[str]:
    """Every method the OpenAPI document gives the request's path (HEAD with GET).

    Starlette's own ``Allow`` names only the first route that matched the path, so a
    path with a GET and a POST route (``available-ips/``) would say ``GET`` alone.
    """
    methods = {m.strip().upper() for m in fallback.split(",") if m.strip()}
    for template, item in request.app.openapi().get("paths", {}).items():
        if _template(template).fullmatch(request.url.path):
            methods |= {m.upper() for m in item}
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


@cache
def _template(path: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)))


def install(app: FastAPI) -> None:
    async def on_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, GovnetError)
        return error_response(exc)

    async def on_invalid(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        if any(e.get("type") == "json_invalid" for e in exc.errors()):
            return _answer(400, "invalid_input", "the body is not valid JSON")
        problems = [f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body') or 'body'}: "
                    f"{e.get('msg', 'invalid')}" for e in exc.errors()]
        return _answer(400, "invalid_input", "; ".join(problems), errors=jsonable_errors(exc))

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request, headers.get("Allow", "")))
            detail = f"{request.method} is not allowed on {request.url.path}"
        elif exc.status_code == 404:
            detail = f"no such path {request.url.path}"
        else:
            detail = str(exc.detail)
        return _answer(exc.status_code, HTTP_KINDS.get(exc.status_code, "error"), detail,
                       headers or None)

    async def on_bug(_request: Request, exc: Exception) -> JSONResponse:
        # Starlette re-raises it after this answer, so the server log has the traceback;
        # the caller gets one line and no internals.
        return _answer(500, "error", "internal error; the server log has the details")

    app.add_exception_handler(GovnetError, on_error)
    app.add_exception_handler(RequestValidationError, on_invalid)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(Exception, on_bug)


def jsonable_errors(exc: RequestValidationError) -> list[dict[str, object]]:
    """The validation errors without the offending input (it may be long, or a secret)."""
    return [{"loc": [p if isinstance(p, int) else str(p) for p in e.get("loc", ())],
             "msg": str(e.get("msg")), "type": str(e.get("type"))} for e in exc.errors()]
