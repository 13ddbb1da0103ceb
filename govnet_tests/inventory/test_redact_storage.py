"""Stored secrets: migration 0009 masks snapshots stored before redaction, a change of a
secret alone is a change, and job logs mask the same rules (SQLite and PostgreSQL).

The configs are the written fragments of ``secret_configs`` (documented syntax).
"""

from __future__ import annotations

from typing import Any

import pytest
from alembic import command
from sqlmodel import col, select

from govnet.db import read, transaction
from govnet.migrate import alembic_config, current_revision, head_revision
from govnet_tests.conftest import actor
from govnet_tests.inventory.secret_configs import FRAGMENTS
from inventory import backup
from inventory.models import ConfigSnapshot
from inventory.redact import redact_config
from inventory.service import find_device


def _config(platform: str, marker_swap: tuple[str, str] | None = None) -> str:
    text = "\n".join(FRAGMENTS[platform][0]) + "\n"
    return text.replace(*marker_swap) if marker_swap else text


@pytest.fixture
def devices(cli: Any) -> list[str]:
    for i, platform in enumerate(sorted(FRAGMENTS), start=1):
        r = cli(f"inventory add r-{i} --platform {platform} --host 10.9.0.{i} --role core")
        assert r.code == 0, r.err
    return sorted(FRAGMENTS)


def test_migration_masks_snapshots_stored_before(any_db: str, devices: list[str]) -> None:
    from access.models import Job, JobState

    cfg = alembic_config(any_db)
    command.downgrade(cfg, "0008")
    before: dict[int, tuple[str, str, str]] = {}
    jobs: dict[str, int] = {}
    with transaction() as s:  # rows as govnet stored them before 0009: secrets in clear
        for state in (JobState.committed, JobState.running):
            row = Job(kind="attach", device="r-1", actor="admin", state=state.value,
                      checkpoint=_config("cisco_ios"))
            s.add(row)
            s.flush()
            jobs[state.value] = row.id or 0
        for i, platform in enumerate(devices, start=1):
            device = find_device(s, f"r-{i}")
            text = backup.clean_config(_config(platform))
            snap = ConfigSnapshot(device_id=device.id or 0, taken_by="admin", text=text,
                                  sha256=backup.config_digest(platform, text))
            s.add(snap)
            s.flush()
            before[snap.id or 0] = (platform, text, snap.sha256)
    command.upgrade(cfg, "head")
    assert current_revision(any_db) == head_revision()

    with read() as s:
        rows = {r.id: r for r in s.exec(select(ConfigSnapshot))}
    assert set(rows) == set(before)
    for snap_id, (platform, text, digest) in before.items():
        row = rows[snap_id]
        assert [m for m in FRAGMENTS[platform][1] if m in row.text] == [], platform
        assert row.text == redact_config(platform, text)
        assert row.sha256 == digest  # the digest of the unredacted config, kept

    with read() as s:
        done, running = s.get(Job, jobs["committed"]), s.get(Job, jobs["running"])
        assert done is not None and running is not None
        assert [m for m in FRAGMENTS["cisco_ios"][1] if m in (done.checkpoint or "")] == []
        assert running.checkpoint == _config("cisco_ios")  # still a rollback target

    # after the migration, backups compare against the old rows' digests as before
    admin = actor()
    with transaction() as s:
        for i, platform in enumerate(devices, start=1):
            device = find_device(s, f"r-{i}")
            marker = FRAGMENTS[platform][1][0]
            _, stored = backup.store_snapshot(s, admin, device, _config(platform))
            assert stored is False, platform  # unchanged
            _, stored = backup.store_snapshot(s, admin, device,
                                              _config(platform, (marker, "Rotated1x")))
            assert stored is True, platform  # a changed secret
    with read() as s:
        texts = [r.text for r in s.exec(select(ConfigSnapshot))]
    assert len(texts) == 2 * len(devices)
    assert not any("Rotated1x" in t for t in texts)
    command.upgrade(cfg, "head")  # idempotent: nothing left to mask


def test_a_secret_only_change_is_a_change_with_a_diff_that_holds_no_secret(
        any_db: str, devices: list[str]) -> None:
    admin = actor()
    platform = devices[0]
    name = f"r-{devices.index(platform) + 1}"
    marker = FRAGMENTS[platform][1][0]
    with transaction() as s:
        device = find_device(s, name)
        first, stored1 = backup.store_snapshot(s, admin, device, _config(platform))
        second, stored2 = backup.store_snapshot(s, admin, device,
                                                _config(platform, (marker, "Rotated1x")))
    assert stored1 and stored2 and first.sha256 != second.sha256
    with read() as s:
        snaps = list(s.exec(select(ConfigSnapshot).order_by(col(ConfigSnapshot.id))))
        text = backup.diff(s, admin, name)
    assert snaps[0].text == snaps[1].text  # masked alike
    assert text == f"{name}: the configurations differ only in secret values " \
                   "(stored masked as ***; the digests differ)\n"


def test_job_step_logs_mask_every_platforms_secrets(any_db: str) -> None:
    from access.jobs import JobLog
    from access.models import Job, JobStep

    with transaction() as s:
        job = Job(kind="attach", device="agg1", actor="admin")
        s.add(job)
        s.flush()
        job_id = job.id or 0
    log = JobLog(job_id, secrets=["LoginPw-77"])
    for platform, (lines, _) in FRAGMENTS.items():
        with log.step(f"diff-{platform}") as st:
            st.note("login as govnet/LoginPw-77")
            st.note("\n".join(lines))
    with pytest.raises(RuntimeError), log.step("push") as st:
        raise RuntimeError("rejected: " + FRAGMENTS["cisco_ios"][0][0])
    log.update(diff="\n".join(FRAGMENTS["huawei_vrp"][0]), error=FRAGMENTS["frr"][0][0])
    with read() as s:
        steps = list(s.exec(select(JobStep).where(JobStep.job_id == job_id)))
        saved = s.get(Job, job_id)
        assert saved is not None
        stored = "\n".join([*(st.output or "" for st in steps), saved.diff or "",
                            saved.error or ""])
    assert len(steps) == len(FRAGMENTS) + 1 and "***" in stored
    secrets = [m for _, markers in FRAGMENTS.values() for m in markers] + ["LoginPw-77"]
    assert [m for m in secrets if m in stored] == []


def test_a_finished_jobs_checkpoint_keeps_no_config_secret(any_db: str) -> None:
    """The checkpoint is a rollback target while a job can resume (login secret masked
    only); once the job is final it is masked like a backup."""
    from access.jobs import JobLog
    from access.models import Job, JobState

    with transaction() as s:
        job = Job(kind="attach", device="agg1", actor="admin")
        s.add(job)
        s.flush()
        job_id = job.id or 0
    log = JobLog(job_id, secrets=["LoginPw-77"])
    lines, secrets = FRAGMENTS["huawei_vrp"]
    running = "\n".join([*lines, "sysname LoginPw-77-host"])
    log.update(checkpoint=running)
    with read() as s:
        saved = s.get(Job, job_id)
        assert saved is not None and saved.checkpoint is not None
        assert secrets[0] in saved.checkpoint  # still a usable rollback target
        assert "LoginPw-77" not in saved.checkpoint
    with transaction() as s:
        log.finish_in(s, JobState.committed)
    with read() as s:
        done = s.get(Job, job_id)
        assert done is not None and done.checkpoint is not None
    assert [m for m in secrets if m in done.checkpoint] == []
    assert "aaa" in done.checkpoint and "***" in done.checkpoint
