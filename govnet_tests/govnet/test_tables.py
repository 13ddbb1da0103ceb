"""govnet.tables (the Core tables of the allocation path) against the models."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from sqlmodel import select as sqlmodel_select
from sqlmodel.sql.sqltypes import UTCDateTime as SQLModelUTCDateTime

from govnet import db as gdb
from govnet import tables
from govnet.clock import UTCDateTime
from govnet.schema import core_tables_source

ROOT = Path(__file__).resolve().parents[2]


def test_the_generated_core_tables_are_what_the_models_say():
    """A model change needs ``make tables``: this fails until govnet/tables.py is redone."""
    assert (ROOT / "govnet" / "tables.py").read_text() == core_tables_source(), \
        "govnet/tables.py is stale: run 'make tables'"


def test_every_model_column_is_in_the_core_tables():
    from govnet.models import metadata

    assert set(tables.metadata.tables) == set(metadata.tables)
    for name, model_table in metadata.tables.items():
        core = tables.metadata.tables[name]
        assert [c.name for c in core.columns] == [c.name for c in model_table.columns]
        assert [c.name for c in core.primary_key] == [c.name for c in model_table.primary_key]


@pytest.mark.parametrize("value", [
    datetime(2026, 12, 2, 8, 30, 1, 123456, tzinfo=timezone(timedelta(hours=8))),
    datetime(2026, 1, 1, tzinfo=UTC),
])
def test_the_utc_type_stores_and_reads_what_sqlmodels_does(any_db, value):
    """Written by the ORM (SQLModel's type), read in Core (ours), and the other way
    round, on the real database: the same aware UTC instant each time."""
    from govnet.models import District

    with gdb.transaction() as s:
        s.add(District(name="orm", created_at=value))
    with gdb.begin() as conn:
        d = tables.district
        read_core = conn.execute(select(d.c.created_at).where(d.c.name == "orm")).scalar_one()
        conn.execute(insert(d).values(name="core", created_at=value))
    with gdb.read() as s:
        read_orm = s.exec(sqlmodel_select(District).where(District.name == "core")).one()
    assert read_core == read_orm.created_at == value
    assert read_core.tzinfo == read_orm.created_at.tzinfo == UTC


def test_a_naive_datetime_is_refused_like_sqlmodel_refuses_it():
    with pytest.raises(ValueError):
        UTCDateTime().process_bind_param(datetime(2026, 12, 2), None)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        SQLModelUTCDateTime().process_bind_param(datetime(2026, 12, 2), None)  # type: ignore[arg-type]
