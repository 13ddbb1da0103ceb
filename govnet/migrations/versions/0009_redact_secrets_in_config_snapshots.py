"""redact secrets in config snapshots stored before govnet masked them

Data only, no schema change: each ``configsnapshot.text`` passes the device
platform's rules of ``inventory.redact`` (the rules new backups use). ``sha256``
is kept: it already is the digest of the unredacted config (volatile lines left
out), so the next backup of an unchanged device still counts as unchanged and a
changed secret still as a change. Downgrade cannot bring the secrets back and
leaves the rows masked.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 01:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from inventory.redact import redact_config

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

_BATCH = 200

snapshot = sa.table('configsnapshot', sa.column('id', sa.Integer),
                    sa.column('device_id', sa.Integer), sa.column('text', sa.Text))
device = sa.table('device', sa.column('id', sa.Integer), sa.column('platform', sa.String))


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


def downgrade() -> None:
    pass  # the masked secrets are gone for good
