"""The migrations build exactly the schema the models describe (alembic check), on both databases."""

from __future__ import annotations

from alembic import command

from govnet.migrate import alembic_config, current_revision, head_revision


def test_models_and_migrations_agree(any_db):
    assert current_revision(any_db) == head_revision()
    command.check(alembic_config(any_db))  # raises if autogenerate would change anything
