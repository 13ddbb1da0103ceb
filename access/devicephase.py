"""The device phase of a job: connect, checkpoint, diff, push, verify, save — or roll back.

One phase serves every job that changes a device (``access.provisioning``'s attach and
detach, ``compliance.enforce``'s isolate and restore). The caller says what to push and
how to check it in a :class:`Change`; the phase runs it under the caller's device lock,
writing each step ahead through :class:`access.jobs.JobLog`, so a process killed at any
instant leaves the trail a resume needs: the checkpoint is stored in the job before
anything is pushed, and the diff against the running config makes re-running safe.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass

from access.jobs import MASK, JobLog
from access.models import JobState
from govnet.errors import DeviceError, GovnetError
from inventory.connect import DeviceRef, open_driver
from inventory.drivers import Checkpoint, Driver


class PushFailed(GovnetError):
    """The device phase failed; ``rolled_back`` says whether the device is as before."""

    def __init__(self, cause: GovnetError, rolled_back: bool, note: str = "") -> None:
        super().__init__(cause.message + note)
        self.exit_code = cause.exit_code
        self.rolled_back = rolled_back


@dataclass(frozen=True)
class Change:
    """What one device phase pushes and how it checks the device afterwards.

    ``wanted`` turns the running config into the lines still to push (empty: the device
    is already so); ``problems`` reads the device back after the push (empty: verified);
    ``verified`` is the verify step's note on success; ``mark`` signs the job's diff
    (``+`` lines added, ``-`` lines undoing a change).
    """

    device: DeviceRef
    wanted: Callable[[str], list[str]]
    problems: Callable[[Driver], list[str]]
    verified: str
    mark: str = "+"


def run(log: JobLog, change: Change, saved: str | None = None) -> list[str]:
    """Connect, checkpoint, diff, push, verify, save; roll back on failure (PushFailed).

    ``saved`` is the checkpoint an interrupted run stored in the job (resume): it stays
    the rollback target, and the device is saved even when nothing is left to push.
    Returns the lines pushed.
    """
    device = change.device
    with ExitStack() as stack:
        try:
            with log.step("connect") as st:
                drv: Driver = stack.enter_context(open_driver(None, device))
                log.add_secret(drv.target.password)
                st.note(f"connected to {device.name} ({device.host}:"
                        f"{device.port}) as {drv.target.username}")
        except GovnetError as exc:
            raise PushFailed(exc, rolled_back=True) from exc  # nothing was touched
        back_to: Checkpoint | None = None
        try:
            with log.step("checkpoint") as st:
                current = drv.checkpoint()
                keep = bool(saved) and MASK not in (saved or "")  # a masked text is no target
                back_to = Checkpoint(device.platform, saved or "") if keep else current
                if not saved:
                    log.update(checkpoint=current.running_config)
                st.note(f"running config: {len(current.running_config.splitlines())} lines"
                        + (" (rollback target kept from the interrupted run)" if keep else ""))
            with log.step("diff") as st:
                lines = change.wanted(current.running_config)
                log.update(diff="\n".join(f"{change.mark} {line}" for line in lines))
                st.note("\n".join(lines) if lines else "nothing to push: the device already "
                        "has the intended configuration")
            if lines:
                with log.step("push") as st:
                    st.note(drv.apply(lines))
            else:
                log.skip("push", "nothing to push")
            log.update(state=JobState.pushed.value)
            with log.step("verify") as st:
                found = change.problems(drv)
                if found:
                    raise DeviceError(f"{device.name}: verification failed: "
                                      + "; ".join(found))
                st.note(change.verified)
            log.update(state=JobState.verified.value)
            if lines or saved is not None:  # a resumed job may have pushed but not saved
                with log.step("save") as st:
                    st.note(drv.save())
            else:
                log.skip("save", "nothing changed")
            return lines
        except Exception as failure:
            error = failure if isinstance(failure, GovnetError) else DeviceError(
                f"{device.name}: unexpected {type(failure).__name__}: {failure}")
            if back_to is None:
                raise PushFailed(error, rolled_back=True) from failure
            try:
                with log.step("rollback") as st:
                    drv.rollback(back_to)
                    st.note("the running config equals the checkpoint again")
            except GovnetError as again:
                raise PushFailed(error, rolled_back=False,
                                 note=f"; rollback failed too: {again.message}") from failure
            raise PushFailed(error, rolled_back=True) from failure


def mark_resumed(log: JobLog, steps: Mapping[str, str], *, rollback: bool) -> None:
    """Record the ``resume`` step of an interrupted job (call it under the device lock)."""
    with log.step("resume") as st:
        st.note(f"resumed after an interrupted run (last steps: "
                f"{', '.join(f'{k}={v}' for k, v in steps.items()) or 'none'}); "
                + ("rolling back" if rollback else "completing"))


def roll_back(log: JobLog, device: DeviceRef, saved: str | None, *, touched: bool) -> None:
    """Put an interrupted job's device back to the checkpoint it stored (``touched``: the
    run began pushing). The caller holds the device lock and has refused a masked one."""
    if touched and saved:
        with ExitStack() as stack, log.step("rollback") as st:
            drv = stack.enter_context(open_driver(None, device))
            log.add_secret(drv.target.password)
            drv.rollback(Checkpoint(device.platform, saved))
            st.note("the running config equals the checkpoint again")
    else:
        log.skip("rollback", "the interrupted run never pushed: the device is untouched")
