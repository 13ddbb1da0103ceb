"""Provisioning as jobs: attach, detach, resume — device, IPAM and request kept in step.

One run of ``provision N``:

1. **prepare** (one transaction): approved|failed → provisioning (the workflow refuses a
   request without an approval document), port + VLANs + prefixes + addresses
   (``access.attachment``), and the :class:`Job` row holding the rendered lines.
   Nothing has touched a device yet; the job exists before anything else happens.
2. **device phase** (``access.devicephase``) under the device's lock, each step
   written ahead (``access.jobs``): connect, checkpoint (saved in the job), diff (only
   what the running config lacks: a connected request pushes nothing), push, verify, save.
3. **finish** (one transaction): zones verified, request connected, job committed.

On any failure the device is rolled back to the checkpoint, the allocations and
VLANs are released (at once: the addresses never served), the request is marked
failed, and the job says rolled_back — device, IPAM and request agree again. A
process killed mid-job leaves the job unfinished; :func:`resume` completes it (the
diff makes re-running safe) or, with ``rollback=True``, undoes it.
``disconnect`` is the mirror image, ending in quarantine (``ipam.release``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from access import attachment, devicephase, diffing, workflow
from access.attachment import Plan
from access.devicephase import PushFailed
from access.jobs import MASK, JobLog, list_jobs, steps_done, unfinished, worker_alive
from access.locks import device_lock
from access.models import Job, JobKind, JobState, RequestState, ZoneState
from access.verify import problems
from govnet import audit
from govnet.auth import Actor, require
from govnet.db import read, transaction
from govnet.errors import Conflict, GovnetError, WrongState
from inventory.connect import open_driver

Progress = Callable[[int, str], None]  # (request number, step or final state)
S = RequestState


@dataclass
class Outcome:
    """What one provisioning/disconnection/resume run did."""

    request: int
    kind: str
    state: str  # connected | unchanged | failed | disconnected | dry-run | rolled_back
    device: str | None = None
    job: int | None = None
    lines: list[str] = field(default_factory=list)
    diff: str = ""
    error: str | None = None
    exit_code: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class _DryRun(Exception):
    """Carries the plan out of a transaction that must roll back."""

    def __init__(self, plan: Plan | None) -> None:
        self.plan = plan


# -- the device phase (shared by attach, detach and resume) -----------------------

def _wanted(kind: str, plan: Plan, running: str) -> list[str]:
    platform = plan.device.platform
    if kind == JobKind.attach.value:
        return diffing.missing(platform, running, plan.attach_lines)
    # Only the unit's own lines: the zone's VPN instance serves other units and stays.
    return diffing.undo(platform, running, plan.unit_lines, plan.detach_lines)


def _change(plan: Plan, kind: str) -> devicephase.Change:
    """Attach or detach ``plan``: push what the running config lacks, verify the zones."""
    attached = kind == JobKind.attach.value
    return devicephase.Change(
        device=plan.device,
        wanted=lambda running: _wanted(kind, plan, running),
        problems=lambda drv: problems(drv, plan, attached=attached),
        verified="verified: " + ", ".join(f"{z.spec.subinterface}" for z in plan.zones),
        mark="+" if attached else "-")


# -- attach ---------------------------------------------------------------------------

def _new_job(session: Any, actor: Actor, plan: Plan, kind: JobKind) -> int:
    rendered, inverse = ((plan.attach_lines, plan.detach_lines) if kind is JobKind.attach
                         else (plan.detach_lines, plan.attach_lines))
    job = Job(request_id=plan.request_id, kind=kind.value, device=plan.device.name,
              actor=actor.name, rendered="\n".join(rendered), rollback="\n".join(inverse))
    session.add(job)
    session.flush()
    assert job.id is not None
    audit.record(session, actor, f"access.job.{kind.value}", "job", job.id,
                 after={"request": plan.request_id, "device": plan.device.name})
    return job.id


def _prepare_attach(session: Any, actor: Actor, number: int) -> Plan:
    request = workflow.begin_provisioning(session, actor, number)
    attachment.allocate_zones(session, actor, request)
    plan = attachment.plan_of(session, request)
    assert plan is not None
    return plan


@dataclass(frozen=True)
class Started:
    """A job whose records exist and whose device phase has not begun (see :func:`start`)."""

    plan: Plan
    job_id: int
    kind: JobKind
    fresh: bool


def provision(number: int, actor: Actor, *, dry_run: bool = False,
              progress: Progress | None = None) -> Outcome:
    """Provision request ``number`` (see the module docstring); never raises GovnetError
    for a device failure: the Outcome says ``failed`` with the error and exit code."""
    if dry_run:
        return _dry_run(number, actor, JobKind.attach)
    return finish(start(number, actor), actor, progress=progress)


def finish(started: Started, actor: Actor, *, progress: Progress | None = None) -> Outcome:
    """The device phase of a started job, then the transaction that settles it."""
    return _run(started.plan, started.job_id, actor, started.kind, fresh=started.fresh,
                progress=progress)


def start(number: int, actor: Actor) -> Started:
    """Every check and the job row of ``provision`` (one transaction), no device contact
    yet: a refusal raises here; the API answers with the job before the device phase."""
    with read() as s:
        request = workflow.get_request(s, actor, number)
        connected = request.state == S.connected.value
        if request.state in (S.provisioning.value, S.disconnecting.value):
            raise WrongState(f"connection request {number} is {request.state}: a job is "
                             f"running or was interrupted; see 'govnet access jobs {number}', "
                             f"then 'govnet access resume {number}'")
    if connected:  # idempotent: re-check, push only what is missing
        with transaction() as s:
            require(actor, *workflow.PROVISIONERS, action="provision connection requests")
            plan = attachment.plan_of(s, workflow.get_request(s, actor, number))
            assert plan is not None
            job_id = _new_job(s, actor, plan, JobKind.attach)
        return Started(plan, job_id, JobKind.attach, fresh=False)
    with transaction() as s:
        plan = _prepare_attach(s, actor, number)
        job_id = _new_job(s, actor, plan, JobKind.attach)
    return Started(plan, job_id, JobKind.attach, fresh=True)


def _run(plan: Plan, job_id: int, actor: Actor, kind: JobKind, *, fresh: bool,
         progress: Progress | None, saved: str | None = None) -> Outcome:
    """The device phase under the device lock, then one transaction that settles it."""
    number, t0 = plan.request_id, time.monotonic()
    log = JobLog(job_id, on_step=(lambda name: progress(number, name)) if progress else None)
    outcome = Outcome(request=number, kind=kind.value, state="", device=plan.device.name,
                      job=job_id)
    with device_lock(plan.device.name):
        log.claim()
        try:
            outcome.lines = devicephase.run(log, _change(plan, kind.value), saved)
        except PushFailed as exc:
            _settle_failure(log, plan, actor, kind, exc, fresh=fresh)
            outcome.state = "failed" if fresh or kind is JobKind.detach else "unchanged"
            outcome.error, outcome.exit_code = log.redact(exc.message), exc.exit_code
        else:
            outcome.state = _settle_success(log, plan, actor, kind, fresh=fresh)
    outcome.diff = diffing.diff_text(kind.value, outcome.lines)
    outcome.seconds = round(time.monotonic() - t0, 3)
    if progress:
        progress(number, outcome.state)
    return outcome


def _settle_success(log: JobLog, plan: Plan, actor: Actor, kind: JobKind, *, fresh: bool
                    ) -> str:
    number = plan.request_id
    with transaction() as s:
        request = workflow.get_request(s, actor, number)
        if kind is JobKind.attach:
            attachment.mark_zones(s, request, ZoneState.verified)
            if fresh:
                workflow.mark_connected(s, actor, number)
            state = "connected"
        else:
            attachment.release_zones(s, actor, request, quarantine_days=None, forget=False)
            workflow.mark_disconnected(s, actor, number)
            state = "disconnected"
        log.finish_in(s, JobState.committed)
        audit.record(s, actor, "access.job.committed", "job", log.job_id,
                     after={"request": number, "device": plan.device.name, "result": state})
    return state


def _settle_failure(log: JobLog, plan: Plan, actor: Actor, kind: JobKind, exc: PushFailed,
                    *, fresh: bool) -> None:
    number, error = plan.request_id, log.redact(exc.message) or "failed"
    with transaction() as s:
        request = workflow.get_request(s, actor, number)
        if kind is JobKind.attach and fresh:
            # Rolled back: the addresses never served, free them at once. Not rolled
            # back: they may still be configured, so they go into quarantine.
            attachment.release_zones(s, actor, request, forget=exc.rolled_back,
                                     quarantine_days=0 if exc.rolled_back else None)
            if not exc.rolled_back:
                attachment.mark_zones(s, request, ZoneState.failed)
            workflow.mark_failed(s, actor, number, error=error)
        elif kind is JobKind.detach:
            workflow.abort_disconnect(s, actor, number, error=error)
        final = JobState.rolled_back if exc.rolled_back else JobState.failed
        log.finish_in(s, final, error)
        audit.record(s, actor, f"access.job.{final.value}", "job", log.job_id,
                     after={"request": number, "device": plan.device.name, "error": error})


# -- detach -----------------------------------------------------------------------------

def disconnect(number: int, actor: Actor, *, dry_run: bool = False,
               progress: Progress | None = None) -> Outcome:
    """connected → disconnecting → detach pushed and verified → addresses quarantined,
    VLANs released → disconnected. A failed push is rolled back; the unit stays connected."""
    if dry_run:
        return _dry_run(number, actor, JobKind.detach)
    started = start_disconnect(number, actor)
    if isinstance(started, Outcome):
        return started
    return finish(started, actor, progress=progress)


def start_disconnect(number: int, actor: Actor) -> Started | Outcome:
    """Every check and the job row of ``disconnect`` (one transaction), no device contact
    yet; a request that holds nothing is disconnected at once (the Outcome says so)."""
    with transaction() as s:
        request = workflow.begin_disconnect(s, actor, number)
        plan = attachment.plan_of(s, request)
        if plan is None:  # a failed request holds nothing: only the state changes
            workflow.mark_disconnected(s, actor, number)
            return Outcome(request=number, kind="detach", state="disconnected")
        job_id = _new_job(s, actor, plan, JobKind.detach)
    return Started(plan, job_id, JobKind.detach, fresh=True)


# -- dry run ----------------------------------------------------------------------------

def _dry_run(number: int, actor: Actor, kind: JobKind) -> Outcome:
    """What would be pushed, from the device's running config; nothing is written."""
    try:
        with transaction() as s:  # rolled back by _DryRun: no allocation, no job, no audit
            request = workflow.get_request(s, actor, number)
            require(actor, *workflow.PROVISIONERS, action="provision connection requests")
            if kind is JobKind.attach and request.state != S.connected.value:
                raise _DryRun(_prepare_attach(s, actor, number))
            if kind is JobKind.detach:
                workflow.begin_disconnect(s, actor, number)  # the same checks as the real one
            raise _DryRun(attachment.plan_of(s, request))
    except _DryRun as carried:
        plan = carried.plan
    if plan is None:
        return Outcome(request=number, kind=kind.value, state="dry-run")
    if plan.device.demo:
        running, note = "", " (demo device: not contacted; compared with an empty config)"
    else:
        with open_driver(None, plan.device) as drv:
            running, note = drv.get_running_config(), ""
    lines = _wanted(kind.value, plan, running)
    return Outcome(request=number, kind=kind.value, state="dry-run", device=plan.device.name,
                   lines=lines, diff=diffing.diff_text(kind.value, lines), error=note or None)


# -- resume -----------------------------------------------------------------------------

def resume(number: int, actor: Actor, *, rollback: bool = False,
           progress: Progress | None = None) -> Outcome:
    """Finish (default) or roll back the request's interrupted job."""
    with read() as s:
        request = workflow.get_request(s, actor, number)
        require(actor, *workflow.PROVISIONERS, action="resume provisioning jobs")
        job = unfinished(s, number)
        if job is None:
            raise WrongState(f"connection request {number} has no unfinished job to resume "
                             f"(it is {request.state})")
        if worker_alive(job):
            raise Conflict(f"job {job.id} of request {number} is still running (process "
                           f"{job.worker_pid} on {job.worker_host}); wait for it")
        plan = attachment.plan_of(s, request)
        steps = steps_done(s, job.id or 0)
        state, saved, job_id, kind = request.state, job.checkpoint, job.id or 0, JobKind(job.kind)
    fresh = state in (S.provisioning.value, S.disconnecting.value)
    if plan is None:
        raise WrongState(f"connection request {number} holds no allocation to resume")
    log = JobLog(job_id)
    with device_lock(plan.device.name, wait=10):
        devicephase.mark_resumed(log, steps, rollback=rollback)
    if not rollback:
        return _run(plan, job_id, actor, kind, fresh=fresh, progress=progress, saved=saved)
    return _roll_back(plan, log, actor, kind, fresh=fresh, touched="push" in steps,
                      saved=saved)


def _roll_back(plan: Plan, log: JobLog, actor: Actor, kind: JobKind, *, fresh: bool,
               touched: bool, saved: str | None) -> Outcome:
    """Undo an interrupted job: the device back to its checkpoint, then the records."""
    outcome = Outcome(request=plan.request_id, kind=kind.value, state="rolled_back",
                      device=plan.device.name, job=log.job_id)
    error = "interrupted job rolled back by resume --rollback"
    with device_lock(plan.device.name, wait=10):
        if touched and saved and MASK in saved:
            raise WrongState(f"request {plan.request_id}: the stored checkpoint had the login "
                             "password in it (masked), so it cannot be restored automatically; "
                             f"run 'govnet access resume {plan.request_id}' to complete, then "
                             "disconnect")
        devicephase.roll_back(log, plan.device, saved, touched=touched)
        _settle_failure(log, plan, actor, kind,
                        PushFailed(WrongState(error), rolled_back=True), fresh=fresh)
    return outcome


# -- many at once ----------------------------------------------------------------------

def provision_many(numbers: Sequence[int], actor: Actor, *, workers: int = 8,
                   progress: Progress | None = None, kind: str = "attach") -> list[Outcome]:
    """Provision (or disconnect) several requests in parallel threads, one lock per device:
    requests on different devices run side by side, on one device one after another."""
    run = provision if kind == "attach" else disconnect

    def one(number: int) -> Outcome:
        try:
            return run(number, actor, progress=progress)
        except GovnetError as exc:
            if progress:
                progress(number, "refused")
            return Outcome(request=number, kind=kind, state="refused", error=exc.message,
                           exit_code=exc.exit_code)

    if len(numbers) <= 1 or workers <= 1:
        return [one(n) for n in numbers]
    with ThreadPoolExecutor(max_workers=min(workers, len(numbers)),
                            thread_name_prefix="govnet-provision") as pool:
        return list(pool.map(one, numbers))


# -- read-only views (CLI and TUI) --------------------------------------------------------

def cpe_config(number: int, actor: Actor, *, platform: str | None = None,
               interface: str | None = None) -> dict[str, Any]:
    """Day-0 lines for the unit's own router (see ``attachment.cpe_config``)."""
    with read() as s:
        return attachment.cpe_config(s, actor, number, platform=platform, interface=interface)


def jobs(number: int | None, actor: Actor) -> list[dict[str, Any]]:
    """Jobs (of one request, or the newest the actor may see), with their steps."""
    with read() as s:
        return list_jobs(s, actor, number)
