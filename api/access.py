"""/api/v1 connection requests (Art. 24, Art. 10): submit, return, resubmit, decide, withdraw.

One ``access.workflow`` call per handler; answers are ``workflow.request_dict``, the
CLI's ``--json`` shape.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from fastapi import APIRouter, Response
from pydantic import Field

from access import handover, provisioning, workflow
from api import errors
from api.auth import ACTOR
from api.ipam import RejectIn
from api.paging import PAGING, Paging
from api.params import Body, Days, Hosts, Name, NumberPath, Size, Text, TextQuery
from api.shapes import ConnectionRequest, CpeConfig, Page, ok
from govnet.auth import Actor
from govnet.db import read, transaction

router = APIRouter(prefix="/api/v1", tags=["access"])


class RequestIn(Body):
    unit: Name
    zones: list[Name] = Field(min_length=1, max_length=16)
    hosts: Hosts | None = None
    size: Size | None = None
    site: Text
    contact: Text
    purpose: Text
    model: Name = "gateway"
    device: Name | None = None
    port: Name | None = None
    application_doc: Text | None = None
    security_plan: Text | None = None


class CorrectionIn(Body):
    zones: list[Name] | None = Field(None, max_length=16)
    hosts: Hosts | None = None
    size: Size | None = None
    site: Text | None = None
    contact: Text | None = None
    purpose: Text | None = None
    model: Name | None = None
    device: Name | None = None
    port: Name | None = None
    application_doc: Text | None = None
    security_plan: Text | None = None


class ReturnIn(Body):
    missing: list[Text] = Field(min_length=1, max_length=32)
    days: Days = workflow.CORRECTION_DAYS


class ApproveIn(Body):
    doc: Text = Field(description="Approval document number (核准文件).")


@router.get("/requests", responses=ok(Page[ConnectionRequest]))
def request_list(status: TextQuery = None, paging: Paging = PAGING, actor: Actor = ACTOR
                 ) -> dict[str, Any]:
    with read() as s:
        return paging.of(workflow.list_requests(s, actor, status=status),
                         lambda r: workflow.request_dict(s, r))


@router.post("/requests", status_code=201, responses=ok(ConnectionRequest, 201))
def submit(body: RequestIn, actor: Actor = ACTOR) -> dict[str, Any]:
    with transaction() as s:
        return workflow.request_dict(s, workflow.submit(s, actor, **body.model_dump()))


@router.get("/requests/{number}", responses=ok(ConnectionRequest))
def show(number: NumberPath, actor: Actor = ACTOR) -> dict[str, Any]:
    with read() as s:
        return workflow.request_dict(s, workflow.get_request(s, actor, number))


@router.post("/requests/{number}/return", responses=ok(ConnectionRequest))
def return_request(number: NumberPath, body: ReturnIn, actor: Actor = ACTOR) -> dict[str, Any]:
    with transaction() as s:
        return workflow.request_dict(s, workflow.return_request(
            s, actor, number, missing=body.missing, days=body.days))


@router.post("/requests/{number}/resubmit", responses=ok(ConnectionRequest))
def resubmit(number: NumberPath, body: CorrectionIn, actor: Actor = ACTOR) -> dict[str, Any]:
    with transaction() as s:
        return workflow.request_dict(s, workflow.resubmit(s, actor, number, **body.model_dump()))


@router.post("/requests/{number}/withdraw", responses=ok(ConnectionRequest))
def withdraw(number: NumberPath, actor: Actor = ACTOR) -> dict[str, Any]:
    with transaction() as s:
        return workflow.request_dict(s, workflow.withdraw(s, actor, number))


@router.post("/requests/{number}/approve", responses=ok(ConnectionRequest))
def approve(number: NumberPath, body: ApproveIn, actor: Actor = ACTOR) -> dict[str, Any]:
    with transaction() as s:
        return workflow.request_dict(s, workflow.approve(s, actor, number, doc=body.doc))


@router.post("/requests/{number}/reject", responses=ok(ConnectionRequest))
def reject(number: NumberPath, body: RejectIn, actor: Actor = ACTOR) -> dict[str, Any]:
    with transaction() as s:
        return workflow.request_dict(s, workflow.reject(s, actor, number, reason=body.reason))


# -- the handover sheet and the unit router's day-0 config ------------------------------

_SHEET: dict[int | str, dict[str, Any]] = {200: {"description": "The sheet.", "content": {
    "application/json": {}, "text/markdown": {}, "text/html": {}}}}


@router.get("/requests/{number}/handover", responses=_SHEET | errors.responses(409))
def handover_sheet(number: NumberPath,
                   format: Literal["json", "md", "html"] = "md",  # noqa: A002
                   actor: Actor = ACTOR) -> Response:
    """The network-opening confirmation sheet (网络开通确认单) of a connected request:
    Markdown or HTML as text, or its data as JSON (``govnet access handover``)."""
    with read() as s:
        if format == "json":  # encoded as the CLI's --json encodes it
            return Response(json.dumps(handover.handover_data(s, actor, number),
                                       ensure_ascii=False, default=str),
                            media_type="application/json")
        text = handover.render_handover(s, actor, number, format)
    return Response(text, media_type="text/html" if format == "html" else "text/markdown")


@router.get("/requests/{number}/cpe-config", responses=ok(CpeConfig) | errors.responses(409))
def cpe_config(number: NumberPath, platform: TextQuery = None, interface: TextQuery = None,
               actor: Actor = ACTOR) -> dict[str, Any]:
    """Day-0 config for the unit's own router: its addresses and the default route."""
    return provisioning.cpe_config(number, actor, platform=platform, interface=interface)
