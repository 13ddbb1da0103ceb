"""redact secrets in config snapshots (and finished jobs' checkpoints) stored before

Data only, no schema change: each ``configsnapshot.text`` passes the device
platform's rules of ``inventory.redact`` (the rules new backups use). ``sha256``
is kept: it already is the digest of the unredacted config (volatile lines left
out), so the next backup of an unchanged device still counts as unchanged and a
changed secret still as a change. The checkpoint of a finished job (no rollback
target any more) is masked as job logs are; an unfinished job's is left for its
resume. Downgrade cannot bring the secrets back and leaves the rows masked.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 01:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from inventory.redact import redact_config, redact_log

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

_BATCH = 200

snapshot = sa.table('configsnapshot', sa.column('id', sa.Integer),
                    sa.column('device_id', sa.Integer), sa.column('text', sa.Text))
device = sa.table('device', sa.column('id', sa.Integer), sa.column('platform', sa.String))
job = sa.table('job', sa.column('id', sa.Integer), sa.column('state', sa.String),
               sa.column('checkpoint', sa.Text))
_FINAL = ('committed', 'rolled_back', 'failed')


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(snapshot.c.id, device.c.platform)
                        .join(device, device.c.id == snapshot.c.device_id)
                        .order_by(snapshot.c.id)).all()
    for start in range(0, len(rows), _BATCH):
        batch = dict(rows[start:start + _BATCH])  # id -> platform
        texts = conn.execute(sa.select(snapshot.c.id, snapshot.c.text)
                             .where(snapshot.c.id.in_(batch))).all()
        for snap_id, text in texts:
            masked = redact_config(batch[snap_id], text)
            if masked != text:
                conn.execute(snapshot.update().where(snapshot.c.id == snap_id)
                             .values(text=masked))
    finished = conn.execute(sa.select(job.c.id).where(job.c.state.in_(_FINAL),
                                                      job.c.checkpoint.is_not(None))).scalars()
    for job_id in list(finished):
        text = conn.execute(sa.select(job.c.checkpoint).where(job.c.id == job_id)).scalar_one()
        masked = redact_log(text)
        if masked != text:
            conn.execute(job.update().where(job.c.id == job_id).values(checkpoint=masked))


def downgrade() -> None:
    pass  # the masked secrets are gone for good
