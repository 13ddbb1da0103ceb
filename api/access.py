"""/api/v1 connection requests (Art. 24, Art. 10): submit, return, resubmit, decide, withdraw.

One ``access.workflow`` call per handler; answers are ``workflow.request_dict``, the
CLI's ``--json`` shape.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field

from access import workflow
from api.auth import ACTOR
from api.ipam import Body, RejectIn
from api.paging import PAGING, Paging
from govnet.auth import Actor
from govnet.db import read, transaction

router = APIRouter(prefix="/api/v1", tags=["access"])


class RequestIn(Body):
    unit: str
    zones: list[str] = Field(min_length=1)
    hosts: int | None = None
    size: str | None = None
    site: str
    contact: str
    purpose: str
    model: str = "gateway"
    device: str | None = None
    port: str | None = None
    application_doc: str | None = None
    security_plan: str | None = None


class CorrectionIn(Body):
    zones: list[str] | None = None
    hosts: int | None = None
    size: str | None = None
    site: str | None = None
    contact: str | None = None
    purpose: str | None = None
    model: str | None = None
    device: str | None = None
    port: str | None = None
    application_doc: str | None = None
    security_plan: str | None = None


class ReturnIn(Body):
    missing: list[str] = Field(min_length=1)
    days: int = workflow.CORRECTION_DAYS


class ApproveIn(Body):
    doc: str = Field(description="Approval document number (核准文件).")


@router.get("/requests")
def request_list(status: str | None = None, paging: Paging = PAGING, actor: Actor = ACTOR
                 ) -> dict[str, Any]:
    with read() as s:
        return paging.of(workflow.list_requests(s, actor, status=status),
                         lambda r: workflow.request_dict(s, r))


@router.post("/requests", status_code=201)
def submit(body: RequestIn, actor: Actor = ACTOR) -> dict[str, Any]:
    with transaction() as s:
        return workflow.request_dict(s, workflow.submit(s, actor, **body.model_dump()))


@router.get("/requests/{number}")
def show(number: int, actor: Actor = ACTOR) -> dict[str, Any]:
    with read() as s:
        return workflow.request_dict(s, workflow.get_request(s, actor, number))


@router.post("/requests/{number}/return")
def return_request(number: int, body: ReturnIn, actor: Actor = ACTOR) -> dict[str, Any]:
    with transaction() as s:
        return workflow.request_dict(s, workflow.return_request(
            s, actor, number, missing=body.missing, days=body.days))


@router.post("/requests/{number}/resubmit")
def resubmit(number: int, body: CorrectionIn, actor: Actor = ACTOR) -> dict[str, Any]:
    with transaction() as s:
        return workflow.request_dict(s, workflow.resubmit(s, actor, number, **body.model_dump()))


@router.post("/requests/{number}/withdraw")
def withdraw(number: int, actor: Actor = ACTOR) -> dict[str, Any]:
    with transaction() as s:
        return workflow.request_dict(s, workflow.withdraw(s, actor, number))


@router.post("/requests/{number}/approve")
def approve(number: int, body: ApproveIn, actor: Actor = ACTOR) -> dict[str, Any]:
    with transaction() as s:
        return workflow.request_dict(s, workflow.approve(s, actor, number, doc=body.doc))


@router.post("/requests/{number}/reject")
def reject(number: int, body: RejectIn, actor: Actor = ACTOR) -> dict[str, Any]:
    with transaction() as s:
        return workflow.request_dict(s, workflow.reject(s, actor, number, reason=body.reason))
