"""/api/v1 provisioning: ``POST …/provision`` starts a job and answers 202 with its URL.

The checks and the job row happen in the request (a refusal answers 4xx and leaves
nothing behind); the device phase then runs in a thread of this server process,
exactly as ``govnet access provision`` runs it (``access.provisioning.start`` /
``finish``), writing each step ahead into the database. So any worker of the server
(or the CLI) reports the job's state, and a server that dies mid-job leaves a job
``govnet access resume`` completes or rolls back.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from access import jobs, provisioning
from access.provisioning import Outcome, Started
from api.auth import ACTOR
from api.paging import PAGING, Paging
from api.params import Body, Flag, IdPath, IdQuery, NumberPath
from api.shapes import JobStarted, ok
from api.shapes import Outcome as OutcomeShape
from govnet.auth import Actor
from govnet.db import read

router = APIRouter(prefix="/api/v1", tags=["provisioning"])
log = logging.getLogger("govnet.api")
POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="govnet-api-job")


def _device_phase(started: Started, actor: Actor) -> None:
    try:
        provisioning.finish(started, actor)
    except Exception:  # the job row says what failed; the server keeps serving
        log.exception("job %s: device phase ended with an error", started.job_id)


@router.post("/requests/{number}/provision", status_code=202, responses=ok(JobStarted, 202))
def provision(number: NumberPath, request: Request, actor: Actor = ACTOR) -> JSONResponse:
    started = provisioning.start(number, actor)
    POOL.submit(_device_phase, started, actor)
    return job_started(request, started.job_id, {"request": number})


def job_started(request: Request, job_id: int, body: dict[str, Any]) -> JSONResponse:
    url = str(request.url_for("job", job_id=job_id))
    return JSONResponse({"job": job_id, **body, "state": "pending", "url": url},
                        status_code=202, headers={"Location": url})


class ResumeIn(Body):
    rollback: Flag = Field(False, description="Undo the interrupted job instead of "
                           "finishing it.")


@router.post("/requests/{number}/disconnect", status_code=202,
             responses=ok(JobStarted, 202) | ok(OutcomeShape))
def disconnect(number: NumberPath, request: Request, actor: Actor = ACTOR) -> JSONResponse:
    """Remove a connected unit's configuration, quarantine its addresses, free its VLANs
    (``govnet access disconnect``): 202 with the job; 200 when nothing was on a device."""
    started = provisioning.start_disconnect(number, actor)
    if isinstance(started, Outcome):
        return JSONResponse(started.as_dict())
    POOL.submit(_device_phase, started, actor)
    return job_started(request, started.job_id, {"request": number})


@router.get("/requests/{number}/disconnect/diff", responses=ok(OutcomeShape))
def disconnect_dry_run(number: NumberPath, actor: Actor = ACTOR) -> dict[str, Any]:
    """What disconnecting would push (``govnet access disconnect N --dry-run``)."""
    return provisioning.disconnect(number, actor, dry_run=True).as_dict()


@router.post("/requests/{number}/resume", responses=ok(OutcomeShape))
def resume(number: NumberPath, body: ResumeIn | None = None, actor: Actor = ACTOR
           ) -> dict[str, Any]:
    """Finish (or roll back) a job whose process died mid-way (``govnet access resume``);
    it runs in the request and answers the outcome (``state`` ``failed`` if the device
    refused)."""
    return provisioning.resume(number, actor, rollback=bool(body and body.rollback)).as_dict()


@router.get("/requests/{number}/provision/diff")
def dry_run(number: NumberPath, actor: Actor = ACTOR) -> dict[str, Any]:
    """What provisioning would push (``govnet access provision N --dry-run``); changes nothing."""
    return provisioning.provision(number, actor, dry_run=True).as_dict()


@router.get("/jobs/{job_id}", name="job")
def job(job_id: IdPath, actor: Actor = ACTOR) -> dict[str, Any]:
    """A job's state and its step log (outputs redacted when written)."""
    with read() as s:
        return jobs.get_job(s, actor, job_id)


@router.get("/jobs")
def job_list(request_number: IdQuery = None, paging: Paging = PAGING,
             actor: Actor = ACTOR) -> dict[str, Any]:
    return paging.of(provisioning.jobs(request_number, actor), lambda j: j)
