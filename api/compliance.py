"""/api/v1 compliance (Art. 40/41): scan, acknowledge, isolate, restore, resume.

The reads (``GET /findings``, ``GET /findings/{number}``) are in :mod:`api.inventory`.
``isolate`` and ``restore`` run as :mod:`api.provision` runs provisioning: the checks and
the job row in the request (a refusal leaves nothing behind), then 202 with the job's URL
while the device phase runs in a thread of the server (``compliance.enforce.finish``).
A scan and a resume contact devices in the request and answer what they did.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field, StrictInt

from api.auth import ACTOR
from api.params import Body, DeviceName, Text
from api.params import NumberPath as FindingPath
from api.provision import POOL, ResumeIn, job_started
from api.shapes import EnforcementOutcome, Finding, JobStarted, ScanReport, ok
from compliance import enforce
from compliance import service as compliance
from govnet.auth import Actor
from govnet.db import transaction
from govnet.errors import DeviceError

router = APIRouter(prefix="/api/v1", tags=["inventory, compliance, audit"])
log = logging.getLogger("govnet.api")


class ScanIn(Body):
    devices: list[DeviceName] = Field(default_factory=list, max_length=1000,
                                      description="Devices (none: all in the caller's scope).")
    workers: Annotated[StrictInt, Field(ge=1, le=64)] = 8


class AcknowledgeIn(Body):
    note: Text = ""


class IsolateIn(Body):
    doc: Text = Field(description="The authority's approval document for the measure (Art. 40).")


@router.post("/compliance/scans", responses=ok(ScanReport))
def scan(body: ScanIn | None = None, actor: Actor = ACTOR) -> dict[str, Any]:
    """Read every device in parallel, reconcile with the plan, requests and filings
    (``govnet compliance scan``); every device failing answers the first one's error."""
    report = compliance.scan(actor, body.devices if body else (),
                             workers=body.workers if body else 8)
    failed = [d for d in report.devices if not d.ok]
    if failed and len(failed) == len(report.devices):
        exc = DeviceError(f"scan {report.scan}: {failed[0].device}: {failed[0].error}")
        exc.exit_code = failed[0].exit_code or DeviceError.exit_code
        raise exc
    return report.as_dict()


@router.post("/findings/{number}/acknowledge", responses=ok(Finding))
def acknowledge(number: FindingPath, body: AcknowledgeIn | None = None, actor: Actor = ACTOR
                ) -> dict[str, Any]:
    with transaction() as s:
        return compliance.finding_dict(s, compliance.acknowledge(
            s, actor, number, note=body.note if body else ""))


def _device_phase(work: Any, actor: Actor, doc: str | None) -> None:
    try:
        enforce.finish(work, actor, doc=doc)
    except Exception:  # the job row says what failed; the server keeps serving
        log.exception("finding %s: device phase ended with an error", work.finding)


def _start(request: Request, number: int, kind: str, actor: Actor, doc: str | None
           ) -> JSONResponse:
    work = enforce.start(number, actor, kind=kind, doc=doc)
    POOL.submit(_device_phase, work, actor, doc)
    return job_started(request, work.job, {"finding": number})


@router.post("/findings/{number}/isolate", status_code=202, responses=ok(JobStarted, 202))
def isolate(number: FindingPath, body: IsolateIn, request: Request, actor: Actor = ACTOR
            ) -> JSONResponse:
    """Shut the finding's subinterface through a verified, rolled-back-on-failure job."""
    return _start(request, number, "isolate", actor, body.doc)


@router.post("/findings/{number}/restore", status_code=202, responses=ok(JobStarted, 202))
def restore(number: FindingPath, request: Request, actor: Actor = ACTOR) -> JSONResponse:
    """Undo an isolation."""
    return _start(request, number, "restore", actor, None)


@router.post("/findings/{number}/resume", responses=ok(EnforcementOutcome))
def resume(number: FindingPath, body: ResumeIn | None = None, actor: Actor = ACTOR
           ) -> dict[str, Any]:
    """Finish (or roll back) an isolate/restore job a killed process left unfinished; runs in
    the request and answers the outcome."""
    return enforce.resume(number, actor, rollback=bool(body and body.rollback)).as_dict()
