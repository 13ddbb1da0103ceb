"""dual stack and zones: connection_request.families; vrf.device_name, rd, rt

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 13:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('connection_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('families', sqlmodel.sql.sqltypes.AutoString(length=8),
                                      server_default='ipv4', nullable=False))
    with op.batch_alter_table('vrf', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device_name', sqlmodel.sql.sqltypes.AutoString(length=30),
                                      nullable=True))
        batch_op.add_column(sa.Column('rd', sqlmodel.sql.sqltypes.AutoString(length=32),
                                      nullable=True))
        batch_op.add_column(sa.Column('rt', sqlmodel.sql.sqltypes.AutoString(length=32),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('vrf', schema=None) as batch_op:
        batch_op.drop_column('rt')
        batch_op.drop_column('rd')
        batch_op.drop_column('device_name')
    with op.batch_alter_table('connection_request', schema=None) as batch_op:
        batch_op.drop_column('families')
