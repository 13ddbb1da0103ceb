"""Alembic environment: the engine comes from govnet (GOVNET_DB or the caller)."""

from __future__ import annotations

from alembic import context

from govnet.db import get_engine
from govnet.schema import load_models

target_metadata = load_models().metadata
config = context.config

# Columns and constraints that exist only on PostgreSQL (see 0002) are not in the models.
PG_ONLY = {("prefix", "net")}
# Indexes with a DESC column: databases reflect them without the DESC, so autogenerate
# would see a change every time. Created by 0002; changed only by hand-written migrations.
DESC_INDEXES = {"ix_freeblock_fit"}


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    table = getattr(getattr(obj, "table", None), "name", None)
    if type_ == "index" and name in DESC_INDEXES:
        return False
    return not (type_ == "column" and (table, name) in PG_ONLY)


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or get_engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
