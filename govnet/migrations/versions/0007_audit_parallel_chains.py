"""audit: parallel chains (chain, chain_seq per event; one head row per chain)

Every existing event becomes chain 1 at position ``seq``, so its hash still verifies;
the existing head row is chain 1's. On PostgreSQL the event number ``seq`` comes from
the sequence ``audit_event_number`` (owned by the column, so TRUNCATE … RESTART
IDENTITY restarts it), started after the highest existing number.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 12:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('chain_seq', sa.Integer(), nullable=True))
    op.execute("UPDATE auditevent SET chain_seq = seq")
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.alter_column('chain_seq', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('chain', existing_type=sa.Integer(), server_default=None)
        batch_op.create_unique_constraint(batch_op.f('uq_auditevent_chain'), ['chain', 'chain_seq'])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("CREATE SEQUENCE audit_event_number OWNED BY auditevent.seq")
        op.execute("SELECT setval('audit_event_number', "
                   "COALESCE((SELECT MAX(seq) FROM auditevent), 0) + 1, false)")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP SEQUENCE audit_event_number")
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_auditevent_chain'), type_='unique')
        batch_op.drop_column('chain_seq')
        batch_op.drop_column('chain')
