"""Isolation (Art. 40): shut a finding's VLAN subinterface as a job, and restore it.

An isolation is a technical measure the authority approves: the acting user is
``authority`` or ``municipal_operator`` and gives the approval document; both the
request for it and its outcome are audited. It runs as an access :class:`Job`
(``kind`` isolate/restore, ``finding_id`` set) with the access job machinery:
the job row holding the rendered lines exists before any device is touched,
each step is written ahead and redacted by :class:`access.jobs.JobLog`, the
device is held under :func:`access.locks.device_lock`, and any failure after the
checkpoint rolls the device back to it — the device phase is provisioning's own
(:func:`access.devicephase.run`). A process killed mid-job leaves the job
unfinished; :func:`resume` completes it or, with ``rollback=True``, undoes it.

The lines come from the platform's ``isolate`` / ``restore`` templates
(``access.render``). The diff is taken against the running config (an isolated
interface pushes nothing twice); verification reads the device back: the
template's lines are in the running config and the interface is not up
(isolate), or they are gone (restore).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from access import devicephase, diffing
from access.devicephase import PushFailed
from access.jobs import MASK, JobLog, steps_done, unfinished, worker_alive
from access.locks import device_lock
from access.models import Job, JobKind, JobState
from access.render import render_isolate, render_restore
from access.specs import InterfaceSpec
from access.workflow import check_ref
from compliance.models import Finding, FindingState
from compliance.service import get_finding
from govnet import audit
from govnet.auth import Actor, require
from govnet.db import read, transaction
from govnet.errors import Conflict, InvalidInput, WrongState
from govnet.models import AuditEvent, Role, utcnow
from inventory.connect import DeviceRef
from inventory.drivers import Driver
from inventory.service import find_device

ENFORCERS = (Role.authority, Role.municipal_operator)
Progress = Callable[[str], None]  # a job step starting, then the final state
ISOLATABLE = ("unapproved", "conflict", "unfiled_private_network")


@dataclass
class Outcome:
    """What one isolate/restore run did."""

    finding: int
    kind: str
    state: str  # isolated | restored | unchanged | failed
    device: str
    interface: str
    job: int | None = None
    lines: list[str] = field(default_factory=list)
    error: str | None = None
    exit_code: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Work:
    finding: int
    kind: JobKind
    device: DeviceRef
    spec: InterfaceSpec
    isolate_lines: tuple[str, ...]
    restore_lines: tuple[str, ...]
    job: int


def interface_spec(platform: str, finding: Finding) -> InterfaceSpec:
    """The finding's L3 interface as an InterfaceSpec (a VLAN subinterface ``PARENT.VID``)."""
    name = finding.interface
    parent, dot, vid = name.rpartition(".")
    vlan = finding.vlan if finding.vlan is not None else (int(vid) if dot and vid.isdigit()
                                                          else None)
    if not name or vlan is None or not parent:
        raise InvalidInput(f"finding {finding.id}: {name or 'no interface'} is not a VLAN "
                           "subinterface; isolation shuts the unit's subinterface only")
    return InterfaceSpec(platform=platform, parent_interface=parent, vlan=vlan,
                         vrf=finding.vrf or None)


def _prepare(actor: Actor, number: int, kind: JobKind, doc: str | None) -> _Work:
    with transaction() as s:
        require(actor, *ENFORCERS, action=f"{kind.value} compliance findings (Art. 40)")
        finding = get_finding(s, actor, number)
        if kind is JobKind.isolate:
            doc = check_ref(doc, "--doc")
            if finding.type not in ISOLATABLE:
                raise WrongState(f"finding {number} is {finding.type}: only "
                                 f"{', '.join(ISOLATABLE)} findings are isolated")
            if finding.state == FindingState.resolved.value:
                raise WrongState(f"finding {number} is resolved: nothing to isolate")
            if finding.isolated:
                raise WrongState(f"finding {number} is already isolated (job "
                                 f"{finding.isolation_job_id}); 'restore' undoes it")
        elif not finding.isolated:
            raise WrongState(f"finding {number} is not isolated: nothing to restore")
        pending = unfinished(s, finding_id=number)
        if pending is not None:
            raise WrongState(f"finding {number} has an unfinished {pending.kind} job "
                             f"({pending.id}): it is running or was interrupted; see 'govnet "
                             f"access jobs', then 'govnet compliance resume {number}'")
        device = find_device(s, finding.device)
        spec = interface_spec(device.platform, finding)
        iso, back = render_isolate(spec), render_restore(spec)
        rendered, inverse = (iso, back) if kind is JobKind.isolate else (back, iso)
        job = Job(kind=kind.value, finding_id=number, device=device.name, actor=actor.name,
                  rendered="\n".join(rendered), rollback="\n".join(inverse))
        s.add(job)
        s.flush()
        assert job.id is not None
        audit.record(s, actor, f"compliance.{kind.value}.start", "finding", number,
                     after={"job": job.id, "device": device.name, "interface": spec.subinterface,
                            "doc": doc})
        return _Work(number, kind, DeviceRef.of(device), spec, tuple(iso), tuple(back), job.id)


def _wanted(w: _Work, running: str) -> list[str]:
    platform = w.device.platform
    if w.kind is JobKind.isolate:
        return diffing.missing(platform, running, w.isolate_lines)
    return diffing.undo(platform, running, w.isolate_lines, w.restore_lines)


def _problems(drv: Driver, w: _Work, wait: float = 5.0) -> list[str]:
    """Read back: isolate lines present and the interface not up, or the lines gone."""
    platform, name = w.device.platform, w.spec.subinterface
    every = diffing.leaves(platform, w.isolate_lines)
    deadline = time.monotonic() + wait
    while True:
        there = diffing.present(platform, drv.get_running_config(), w.isolate_lines)
        found = []
        if w.kind is JobKind.isolate:
            if len(there) != len(every):
                found.append(f"{name}: the isolation lines are not in the running config")
            info = next((i for i in drv.get_interfaces() if i.name == name), None)
            if info is not None and info.up:
                found.append(f"{name} is still up")
        elif there:
            found.append(f"{name}: the isolation lines are still in the running config")
        if not found or time.monotonic() >= deadline:
            return found
        time.sleep(0.25)


def _change(w: _Work) -> devicephase.Change:
    """Isolate or restore: push what the running config lacks, read the interface back."""
    return devicephase.Change(
        device=w.device, wanted=lambda running: _wanted(w, running),
        problems=lambda drv: _problems(drv, w),
        verified=f"verified: {w.spec.subinterface} "
                 + ("isolated" if w.kind is JobKind.isolate else "restored"))


def _run(actor: Actor, w: _Work, doc: str | None, progress: Progress | None,
         saved: str | None = None) -> Outcome:
    """The device phase under the device lock, then one transaction that settles it
    (``saved``: the checkpoint an interrupted run stored, when resuming)."""
    t0 = time.monotonic()
    log = JobLog(w.job, on_step=progress)
    outcome = Outcome(finding=w.finding, kind=w.kind.value, state="", device=w.device.name,
                      interface=w.spec.subinterface, job=w.job)
    with device_lock(w.device.name):
        log.claim()
        try:
            outcome.lines = devicephase.run(log, _change(w), saved)
        except PushFailed as exc:
            outcome.state, outcome.exit_code = "failed", exc.exit_code
            outcome.error = log.redact(exc.message)
            with transaction() as s:
                log.finish_in(s, JobState.rolled_back if exc.rolled_back else JobState.failed,
                              outcome.error)
                audit.record(s, actor, f"compliance.{w.kind.value}.failed", "finding",
                             w.finding, after={"job": w.job, "error": outcome.error})
        else:
            done = "isolated" if w.kind is JobKind.isolate else "restored"
            outcome.state = done if outcome.lines or saved is not None else "unchanged"
            with transaction() as s:
                finding = s.get(Finding, w.finding)
                assert finding is not None
                if w.kind is JobKind.isolate:
                    finding.isolated, finding.isolation_doc = True, doc
                    finding.isolated_by, finding.isolated_at = actor.name, utcnow()
                    finding.isolation_job_id, finding.restored_at = w.job, None
                else:
                    finding.isolated, finding.restored_at = False, utcnow()
                s.add(finding)
                log.finish_in(s, JobState.committed)
                audit.record(s, actor, f"compliance.{w.kind.value}", "finding", w.finding,
                             after={"job": w.job, "device": w.device.name,
                                    "interface": w.spec.subinterface, "doc": doc,
                                    "lines": len(outcome.lines)})
    outcome.seconds = round(time.monotonic() - t0, 3)
    if progress is not None:
        progress(outcome.state)
    return outcome


def isolate(number: int, actor: Actor, *, doc: str, progress: Progress | None = None
            ) -> Outcome:
    """Shut finding ``number``'s subinterface (Art. 40), with the authority's document.

    Owns its transactions (run it in a worker thread); ``progress(step)`` is called as
    each job step starts, then with the final state. Refusals raise GovnetError before
    anything is written; a device failure comes back as ``Outcome.state == "failed"``.
    """
    return _run(actor, _prepare(actor, number, JobKind.isolate, doc), doc, progress)


def restore(number: int, actor: Actor, *, progress: Progress | None = None) -> Outcome:
    """Undo the isolation of finding ``number`` (same contract as :func:`isolate`)."""
    return _run(actor, _prepare(actor, number, JobKind.restore, None), None, progress)


def start(number: int, actor: Actor, *, kind: str, doc: str | None = None) -> _Work:
    """The checks and the job row of ``isolate`` or ``restore`` (``kind``), no device
    contact yet: the API answers with the job, then runs :func:`finish` in a thread."""
    return _prepare(actor, number, JobKind(kind), doc)


def finish(work: _Work, actor: Actor, *, doc: str | None = None) -> Outcome:
    """The device phase of a started isolate/restore job, then its settling transaction."""
    return _run(actor, work, doc, None)


# -- resume -----------------------------------------------------------------------------

def _doc_of(session: Session, number: int, job_id: int) -> str | None:
    """The approval document an isolate job was started with (its ``.start`` event)."""
    events = session.exec(select(AuditEvent).where(
        AuditEvent.action == "compliance.isolate.start", AuditEvent.object_type == "finding",
        AuditEvent.object_id == str(number)).order_by(col(AuditEvent.seq).desc()))
    for event in events:
        after = event.after or {}
        if after.get("job") == job_id:
            return after.get("doc")
    return None


def resume(number: int, actor: Actor, *, rollback: bool = False,
           progress: Progress | None = None) -> Outcome:
    """Finish (default) or roll back finding ``number``'s interrupted isolate/restore job.

    Completing re-runs the device phase against the checkpoint the interrupted run
    stored (the diff pushes only what is missing) and settles the finding as a fresh
    run would; ``rollback`` puts the device back to that checkpoint and leaves the
    finding as it was. Same contract as :func:`isolate` otherwise.
    """
    with read() as s:
        require(actor, *ENFORCERS, action="resume isolation jobs (Art. 40)")
        finding = get_finding(s, actor, number)
        job = unfinished(s, finding_id=number)
        if job is None or job.id is None:
            raise WrongState(f"finding {number} has no unfinished isolate/restore job to resume")
        if worker_alive(job):
            raise Conflict(f"job {job.id} of finding {number} is still running (process "
                           f"{job.worker_pid} on {job.worker_host}); wait for it")
        kind, device = JobKind(job.kind), DeviceRef.of(find_device(s, job.device))
        planned, inverse = (job.rendered or "").splitlines(), (job.rollback or "").splitlines()
        iso, back = (planned, inverse) if kind is JobKind.isolate else (inverse, planned)
        w = _Work(number, kind, device, interface_spec(device.platform, finding),
                  tuple(iso), tuple(back), job.id)
        doc = _doc_of(s, number, job.id) if kind is JobKind.isolate else None
        steps, saved = steps_done(s, job.id), job.checkpoint
    log = JobLog(w.job)
    with device_lock(device.name, wait=10):
        devicephase.mark_resumed(log, steps, rollback=rollback)
    if not rollback:
        return _run(actor, w, doc, progress, saved=saved)
    return _roll_back(actor, w, log, touched="push" in steps, saved=saved)


def _roll_back(actor: Actor, w: _Work, log: JobLog, *, touched: bool, saved: str | None
               ) -> Outcome:
    """Undo an interrupted job: the device back to its checkpoint; the finding unchanged."""
    error = "interrupted job rolled back by resume --rollback"
    with device_lock(w.device.name, wait=10):
        if touched and saved and MASK in saved:
            raise WrongState(f"finding {w.finding}: the stored checkpoint had the login "
                             "password in it (masked), so it cannot be restored automatically; "
                             f"run 'govnet compliance resume {w.finding}' to complete instead")
        devicephase.roll_back(log, w.device, saved, touched=touched)
        with transaction() as s:
            log.finish_in(s, JobState.rolled_back, error)
            audit.record(s, actor, f"compliance.{w.kind.value}.failed", "finding", w.finding,
                         after={"job": w.job, "error": error})
    return Outcome(finding=w.finding, kind=w.kind.value, state="rolled_back",
                   device=w.device.name, interface=w.spec.subinterface, job=w.job)
