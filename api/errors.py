"""govnet's typed errors as HTTP answers: the contract's kinds, one line each.

The body is ``{"detail": "<the CLI's one-line message>", "error": "<kind>"}``:
the same text the CLI prints after ``error:``, so a refusal reads the same in a
terminal and in a script.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

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


def status_of(exc: GovnetError) -> tuple[int, str]:
    for kind, status, name in STATUS:
        if isinstance(exc, kind):
            return status, name
    return 500, "error"


def error_response(exc: GovnetError) -> JSONResponse:
    status, kind = status_of(exc)
    headers = {"WWW-Authenticate": 'Bearer realm="govnet"'} if status == 401 else None
    return JSONResponse({"detail": exc.message, "error": kind}, status_code=status,
                        headers=headers)


def install(app: FastAPI) -> None:
    async def on_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, GovnetError)
        return error_response(exc)

    async def on_invalid(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        problems = [f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body') or 'body'}: "
                    f"{e.get('msg', 'invalid')}" for e in exc.errors()]
        return JSONResponse({"detail": "; ".join(problems), "error": "invalid_input",
                             "errors": jsonable_errors(exc)}, status_code=422)

    app.add_exception_handler(GovnetError, on_error)
    app.add_exception_handler(RequestValidationError, on_invalid)


def jsonable_errors(exc: RequestValidationError) -> list[dict[str, object]]:
    """The validation errors without the offending input (it may be long, or a secret)."""
    return [{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")}
            for e in exc.errors()]
