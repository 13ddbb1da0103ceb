"""certificate subjects in canonical form (RFC 4514 as cryptography writes it)

A ``cert_subject`` is now matched as a parsed name (``govnet.certs``), and stored in
the form ``govnet.certs.check_subject`` gives. Rows written before are rewritten in
that form; one that does not parse, or that would take another row's canonical
form, is cleared (it could not match under the exact rule anyway) and named on
stderr so the admin maps that user again.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 01:20:00
"""

from __future__ import annotations

import sys

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from govnet.certs import check_subject
    from govnet.errors import InvalidInput

    conn = op.get_bind()
    users = sa.table('govnet_user', sa.column('id', sa.Integer), sa.column('name', sa.String),
                     sa.column('cert_subject', sa.String))
    rows = conn.execute(sa.select(users.c.id, users.c.name, users.c.cert_subject)
                        .where(users.c.cert_subject.is_not(None)).order_by(users.c.id)).all()
    taken: set[str] = set()
    changes: dict[int, str | None] = {}
    for row in rows:
        try:
            canonical: str | None = check_subject(row.cert_subject)
        except InvalidInput:
            canonical = None
        if canonical in taken:
            canonical = None
        if canonical is None:
            print(f"govnet: user {row.name}: certificate subject {row.cert_subject!r} cleared "
                  "(not a subject govnet can match); map it again with --cert-subject",
                  file=sys.stderr)
        else:
            taken.add(canonical)
        if canonical != row.cert_subject:
            changes[row.id] = canonical
    for user_id in changes:  # clear first, so the unique constraint never sees a duplicate
        conn.execute(users.update().where(users.c.id == user_id).values(cert_subject=None))
    for user_id, canonical in changes.items():
        if canonical is not None:
            conn.execute(users.update().where(users.c.id == user_id)
                         .values(cert_subject=canonical))


def downgrade() -> None:
    pass  # the canonical form is a valid subject for the earlier code too
