"""Job and step recording: write-ahead, redacted, resumable.

A :class:`JobLog` writes each step of a job *before* the step acts (state
``running``, committed in its own short transaction), then its outcome and
output. So a process killed at any instant leaves the job showing the last
step it began; ``access.provisioning.resume`` and ``compliance.enforce.resume``
read that to finish or roll back. Every text that reaches a job row passes :func:`redact`: the device
password (and any other secret handed to the log) becomes ``***``, as do the
secret values of every platform's config lines (``inventory.redact``, the rules
config backups use) and whatever follows a secret keyword.

Test hook (documented, for the crash tests only): with
``GOVNET_TEST_CRASH_AT=<step>`` the process SIGKILLs itself right after that
step's outcome is recorded; ``<step>:start`` kills it right after the
write-ahead record, before the step acts.
"""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from access.models import JOB_FINAL, ConnectionRequest, Job, JobState, JobStep, StepState
from govnet.db import transaction
from govnet.models import utcnow
from inventory.redact import MASK, redact_log

CRASH_ENV = "GOVNET_TEST_CRASH_AT"


def redact(text: str | None, secrets: Iterable[str] = (), *, keywords: bool = True
           ) -> str | None:
    """``text`` with every secret (and, with ``keywords``, secret keyword's value) masked.

    Examples:
        >>> redact("login as govlab/hunter2 ok", ["hunter2"])
        'login as govlab/*** ok'
        >>> redact(" local-user admin password irreversible-cipher abc")
        ' local-user admin password ***'
    """
    if text is None:
        return None
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return redact_log(text) if keywords else text


def crash_point(name: str) -> None:
    """SIGKILL this process if ``GOVNET_TEST_CRASH_AT`` names ``name`` (tests only)."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass
class StepRecord:
    """The step being run: append to ``output``; it is stored, redacted, at the end."""

    name: str
    output: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if text:
            self.output.append(text.rstrip())


class JobLog:
    """Write-ahead log of one job; each write is its own committed transaction."""

    def __init__(self, job_id: int, secrets: Iterable[str] = (),
                 on_step: Callable[[str], None] | None = None) -> None:
        self.job_id = job_id
        self.secrets: list[str] = [s for s in secrets if s]
        self.on_step = on_step

    def add_secret(self, secret: str | None) -> None:
        if secret and secret not in self.secrets:
            self.secrets.append(secret)

    def redact(self, text: str | None) -> str | None:
        return redact(text, self.secrets)

    def update(self, **values: Any) -> None:
        """Set job fields (text redacted) and the heartbeat, committed now."""
        with transaction() as s:
            self.update_in(s, **values)

    def update_in(self, session: Session, **values: Any) -> None:
        """Set job fields inside the caller's transaction (with the request's change)."""
        job = session.get(Job, self.job_id)
        assert job is not None
        for key, value in values.items():
            if isinstance(value, str):
                # While the job can be resumed its checkpoint is a rollback target: only
                # the login secrets are masked there (masking config secrets would corrupt
                # it); finish_in masks the rest once the job is final.
                value = redact(value, self.secrets, keywords=key != "checkpoint")
            setattr(job, key, value)
        job.heartbeat_at = utcnow()
        session.add(job)
        session.flush()

    def claim(self) -> None:
        """Mark this process as the job's worker (start or resume)."""
        self.update(state=JobState.running.value, worker_pid=os.getpid(),
                    worker_host=socket.gethostname(), started_at=utcnow(), error=None)

    def finish_in(self, session: Session, state: JobState, error: str | None = None) -> None:
        """Record the final state; the checkpoint, no rollback target any more, is masked
        like a config backup (no device secret stays in a finished job)."""
        self.update_in(session, state=state.value, finished_at=utcnow(), error=error)
        job = session.get(Job, self.job_id)
        assert job is not None
        if job.checkpoint:
            job.checkpoint = redact(job.checkpoint, self.secrets)
            session.add(job)
            session.flush()

    def _write_step(self, name: str, state: StepState, output: str | None = None,
                    seq: int | None = None) -> int:
        with transaction() as s:
            if seq is None:
                last = s.exec(select(JobStep.seq).where(JobStep.job_id == self.job_id)
                              .order_by(col(JobStep.seq).desc())).first()
                seq = (last or 0) + 1
                row = JobStep(job_id=self.job_id, seq=seq, name=name, state=state.value,
                              started_at=utcnow())
            else:
                row = s.exec(select(JobStep).where(JobStep.job_id == self.job_id,
                                                   JobStep.seq == seq)).one()
                row.state, row.finished_at = state.value, utcnow()
            if output is not None:
                row.output = self.redact(output)
            s.add(row)
            job = s.get(Job, self.job_id)
            assert job is not None
            job.heartbeat_at = utcnow()
            s.add(job)
        return seq

    @contextmanager
    def step(self, name: str) -> Iterator[StepRecord]:
        """Record ``name`` as running, run the block, record ok or failed with its output."""
        if self.on_step is not None:
            self.on_step(name)
        seq = self._write_step(name, StepState.running)
        crash_point(f"{name}:start")
        record = StepRecord(name)
        try:
            yield record
        except BaseException as exc:
            record.note(f"error: {exc}")
            self._write_step(name, StepState.failed, "\n".join(record.output), seq)
            raise
        self._write_step(name, StepState.ok, "\n".join(record.output), seq)
        crash_point(name)

    def skip(self, name: str, reason: str) -> None:
        seq = self._write_step(name, StepState.running)
        self._write_step(name, StepState.skipped, reason, seq)


# -- reading jobs ------------------------------------------------------------------

def job_steps(session: Session, job_id: int) -> list[JobStep]:
    return list(session.exec(select(JobStep).where(JobStep.job_id == job_id)
                             .order_by(col(JobStep.seq))))


def jobs_of(session: Session, request_id: int | None = None, *, finding_id: int | None = None,
            limit: int = 50) -> list[Job]:
    """Jobs, newest first (of one request, or one compliance finding, when given)."""
    query = select(Job).order_by(col(Job.id).desc())
    if request_id is not None:
        query = query.where(Job.request_id == request_id)
    if finding_id is not None:
        query = query.where(Job.finding_id == finding_id)
    return list(session.exec(query.limit(limit)))


def unfinished(session: Session, request_id: int | None = None, *,
               finding_id: int | None = None) -> Job | None:
    """The request's (or finding's) newest job that never reached a final state, if any."""
    assert request_id is not None or finding_id is not None
    for job in jobs_of(session, request_id, finding_id=finding_id):
        if JobState(job.state) not in JOB_FINAL:
            return job
    return None


def steps_done(session: Session, job_id: int) -> dict[str, str]:
    """Step name → its latest state (what a resume needs to know)."""
    return {step.name: step.state for step in job_steps(session, job_id)}


STALE_AFTER = 300.0  # seconds without a heartbeat after which a worker elsewhere is dead


def worker_alive(job: Job) -> bool:
    """True when the job's worker still runs: its process on this host, or a recent
    heartbeat from another host (whose processes this one cannot see)."""
    if not job.worker_pid:
        return False
    if job.worker_host != socket.gethostname():
        beat = job.heartbeat_at
        if beat is None:
            return False
        beat = beat if beat.tzinfo else beat.replace(tzinfo=UTC)
        return (utcnow() - beat).total_seconds() < STALE_AFTER
    if job.worker_pid == os.getpid():
        return False
    try:
        cmd = Path(f"/proc/{job.worker_pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"python" in cmd or b"govnet" in cmd


def job_dict(session: Session, job: Job, *, with_steps: bool = True) -> dict[str, Any]:
    """A job as JSON-ready data (already redacted when written)."""
    data: dict[str, Any] = {
        "id": job.id, "request": job.request_id, "kind": job.kind, "device": job.device,
        "state": job.state, "actor": job.actor, "error": job.error,
        "created_at": job.created_at, "started_at": job.started_at,
        "finished_at": job.finished_at, "diff": job.diff, "rendered": job.rendered,
    }
    if with_steps and job.id is not None:
        data["steps"] = [{"seq": st.seq, "name": st.name, "state": st.state,
                          "output": st.output} for st in job_steps(session, job.id)]
    return data


def list_jobs(session: Session, actor: Any, number: int | None) -> list[dict[str, Any]]:
    """Jobs of request ``number`` (if the actor may read it), or the newest the actor may see."""
    from access.workflow import PROVISIONERS, get_request
    from govnet.auth import require
    from govnet.errors import GovnetError

    if number is not None:
        get_request(session, actor, number)
        return [job_dict(session, j) for j in jobs_of(session, number)]
    if not actor.reads_all:
        require(actor, *PROVISIONERS, action="list jobs")
    visible = []
    for job in jobs_of(session):
        try:
            if job.request_id is not None:
                get_request(session, actor, job.request_id)
        except GovnetError:
            continue
        visible.append(job_dict(session, job))
    return visible


def get_job(session: Session, actor: Any, job_id: int) -> dict[str, Any]:
    """Job ``job_id`` with its steps, if the actor may read its request (or reads all)."""
    from access.workflow import visible
    from govnet.errors import NotFound

    job = session.get(Job, job_id)
    request = (session.get(ConnectionRequest, job.request_id)
               if job is not None and job.request_id is not None else None)
    # A job the actor may not read answers as a missing one, and never names its request.
    if job is None or (request is None and not actor.reads_all) \
            or (request is not None and not visible(actor, request)):
        raise NotFound(f"no job {job_id}")
    return job_dict(session, job)
