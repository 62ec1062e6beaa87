"""INSERT ... ON CONFLICT DO NOTHING for both engines (a failed plain INSERT would abort a PostgreSQL transaction)."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert_for(session: AsyncSession, table):
    dialect = session.bind.dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table)


async def insert_ignore(session: AsyncSession, table, values: dict, conflict: list[str]) -> int | None:
    """Insert a row unless one with the same `conflict` columns exists; the new id, or None."""
    stmt = insert_for(session, table).values(**values).on_conflict_do_nothing(index_elements=conflict)
    result = await session.execute(stmt.returning(table.c.id))
    return result.scalar_one_or_none()
