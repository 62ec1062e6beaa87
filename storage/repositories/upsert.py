"""INSERT ... ON CONFLICT DO NOTHING for both engines (a failed plain INSERT would abort a PostgreSQL transaction)."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert_for(session: AsyncSession, table):
    dialect = session.bind.dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table)


@lru_cache(maxsize=64)
def _insert_ignore(dialect: str, table, conflict: tuple[str, ...]):
    # Built once: every update writes through here (its id, its replies), and building the statement and its
    # cache key cost more than running it. The VALUES clause comes from the keys of the values given.
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table).on_conflict_do_nothing(index_elements=list(conflict)).returning(table.c.id)


async def insert_ignore(session: AsyncSession, table, values: dict, conflict: list[str]) -> int | None:
    """Insert a row unless one with the same `conflict` columns exists; the new id, or None."""
    stmt = _insert_ignore(session.bind.dialect.name, table, tuple(conflict))
    result = await session.execute(stmt, values)
    return result.scalar_one_or_none()
