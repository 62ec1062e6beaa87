"""The declarative base, the UTC time type and the JSON type every table uses."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, DateTime, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase

JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on both engines (SQLite would otherwise hand back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class Base(DeclarativeBase):
    pass


# The levels of the union hierarchy a unit can be (its `kind`): Tổng Liên đoàn, LĐLĐ tỉnh/thành phố, công đoàn ngành,
# công đoàn tổng công ty, công đoàn các khu công nghiệp, công đoàn cấp trên trực tiếp cơ sở, công đoàn cơ sở.
# A code people type and a deep link carries (Telegram's ?start=<code>: 1 to 64 of these): a unit's, a phase's.
