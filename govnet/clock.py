"""The one clock: aware UTC datetimes, as every table stores them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Dialect
from sqlalchemy.types import DateTime, TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC: what ``sqlmodel.sql.sqltypes.UTCDateTime`` does.

    The Core tables of :mod:`govnet.tables` use it so that the allocation path binds and
    reads datetimes exactly as the ORM does without importing SQLModel (whose package
    import alone costs more than the command's budget, issue 11). A test checks the two
    types store and return the same values.
    """

    impl = DateTime
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(timezone=True)

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError("datetimes must carry a time zone (use govnet.clock.utcnow())")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect
                             ) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:  # SQLite keeps no offset: the value is UTC
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
