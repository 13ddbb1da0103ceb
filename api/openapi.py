"""The OpenAPI document (/api/schema) and its Swagger UI (/api/docs), served offline.

The document says what the server does: each operation's error statuses with the one
error shape (:class:`api.errors.Error`), the three ways to authenticate as
``securitySchemes`` (so Swagger UI has its Authorize button), and no 422 — the edge
validation answers 400 (:mod:`api.params`). Swagger UI's scripts come from the
``fastapi-offline`` package and are served by govnet itself: an air-gapped extranet
reaches no CDN.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from api.errors import Error

DOCS = "/api/docs"
STATIC = "/api/docs/static"
SECURITY = {
    "bearer": {"type": "http", "scheme": "bearer",
               "description": "An API token: 'Authorization: Bearer TOKEN'."},
    "token": {"type": "apiKey", "in": "header", "name": "Authorization",
              "description": "NetBox's form of an API token: 'Authorization: Token TOKEN'."},
    "mutualTLS": {"type": "mutualTLS",
                  "description": "A client certificate from the configured CA whose subject "
                                 "or SAN names a govnet user (govnet serve --client-ca)."},
}
_STATUS_TEXT = {"400": "Invalid input.", "401": "No credential, or a bad one.",
                "403": "Not permitted for this user or token.",
                "404": "No such object (or not visible to the caller).",
                "409": "Conflicts with the current state.", "413": "The request is too large.",
                "502": "A device did not answer or refused."}
DEVICE_PATHS = ("/provision", "/disconnect", "/resume", "/isolate", "/restore", "/live-diff",
                "/inventory/check", "/inventory/backup", "/inventory/discover",
                "/compliance/scans")
"""Operations that contact a device (so may answer 502)."""
_ERROR_REF = {"$ref": "#/components/schemas/Error"}


def _error_statuses(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    """The error statuses an operation can answer, from what it takes and does."""
    statuses = ["401", "403"]  # every operation needs a credential; a role may be refused
    takes_input = bool(operation.get("parameters") or operation.get("requestBody"))
    if takes_input:  # a parameter out of range, or a name or id that is not there
        statuses += ["400", "404"]
    if method in ("post", "patch", "delete"):  # a write: the state may refuse it (409)
        statuses += ["400", "404", "409"]
        if operation.get("requestBody"):
            statuses.append("413")
    if any(part in path for part in DEVICE_PATHS):  # the object's state (409), the device (502)
        statuses += ["409", "502"]
    return sorted(set(statuses))


def document(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document, made once and kept (``app.openapi``)."""
    if app.openapi_schema:
        return app.openapi_schema
    doc = get_openapi(title=app.title, version=app.version, description=app.description,
                      routes=app.routes)
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    schemas.update(Error.model_json_schema(ref_template="#/components/schemas/{model}")
                   .pop("$defs", {}))
    schemas["Error"] = {k: v for k, v in Error.model_json_schema(
        ref_template="#/components/schemas/{model}").items() if k != "$defs"}
    doc["components"]["securitySchemes"] = SECURITY
    doc["security"] = [{name: []} for name in SECURITY]
    for path, item in doc.get("paths", {}).items():
        for method, operation in item.items():
            answers = operation.setdefault("responses", {})
            answers.pop("422", None)
            for status in _error_statuses(path, method, operation):
                answers.setdefault(status, {"description": _STATUS_TEXT[status]})
                answers[status]["content"] = {"application/json": {"schema": _ERROR_REF}}
    app.openapi_schema = doc
    return doc


def install(app: FastAPI) -> None:
    """The document at ``app.openapi_url`` and Swagger UI at /api/docs, assets local."""
    app.openapi = lambda: document(app)  # type: ignore[method-assign]
    app.mount(STATIC, StaticFiles(directory=str(files("fastapi_offline") / "static")),
              name="docs-static")

    @app.get(DOCS, include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} API",
            swagger_js_url=f"{root}{STATIC}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{STATIC}/swagger-ui.css",
            swagger_favicon_url=f"{root}{STATIC}/favicon.png")
