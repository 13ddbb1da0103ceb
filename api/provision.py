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

from access import jobs, provisioning
from access.provisioning import Started
from api.auth import ACTOR
from api.paging import PAGING, Paging
from api.params import IdPath, IdQuery, NumberPath
from api.shapes import JobStarted, ok
from govnet.auth import Actor
from govnet.db import read

router = APIRouter(prefix="/api/v1", tags=["provisioning"])
log = logging.getLogger("govnet.api")
_POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="govnet-api-job")


def _device_phase(started: Started, actor: Actor) -> None:
    try:
        provisioning.finish(started, actor)
    except Exception:  # the job row says what failed; the server keeps serving
        log.exception("job %s: device phase ended with an error", started.job_id)


@router.post("/requests/{number}/provision", status_code=202, responses=ok(JobStarted, 202))
def provision(number: NumberPath, request: Request, actor: Actor = ACTOR) -> JSONResponse:
    started = provisioning.start(number, actor)
    _POOL.submit(_device_phase, started, actor)
    url = str(request.url_for("job", job_id=started.job_id))
    return JSONResponse({"job": started.job_id, "request": number, "state": "pending",
                         "url": url}, status_code=202, headers={"Location": url})


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
