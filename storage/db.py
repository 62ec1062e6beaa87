"""Engine and sessions for SQLite (embedded default) and PostgreSQL (scale-out)."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import AsyncIterator

from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from storage.problems import check_sqlite_file
from storage.repositories import Transaction


def backend(url: str) -> str:
    """"sqlite" or "postgresql": which engine a DATABASE_URL names."""
    return make_url(url).get_backend_name()


def create_engine(url: str, *, search_path: str | None = None) -> AsyncEngine:
    """An async engine; `search_path` puts a PostgreSQL connection in its own schema (tests use it)."""
    parsed = make_url(url)
    kwargs: dict = {"pool_pre_ping": True}
    if parsed.get_backend_name() == "postgresql" and search_path:
        kwargs["connect_args"] = {"server_settings": {"search_path": search_path}}
    if parsed.get_backend_name() == "sqlite":
        check_sqlite_file(parsed.database)
    engine = create_async_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the terminal chat and another process read while one writes; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class Conflict(Exception):
    """Another writer changed the same rows first: retry the whole transaction on fresh state."""


class Database:
    """The one way in to storage: `async with db.transaction() as tx:` commits everything or nothing."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str, *, search_path: str | None = None) -> "Database":
        return cls(create_engine(url, search_path=search_path))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        try:
            async with self._sessions() as session:
                async with session.begin():
                    yield Transaction(session)
        except (StaleDataError, IntegrityError) as error:
            raise Conflict(str(error)) from error
        except OperationalError as error:
            # SQLite answers a write that raced another writer with "database is locked": retry it too.
            if "database is locked" in str(error):
                raise Conflict(str(error)) from error
            raise

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session:
            yield session

    async def ping(self) -> bool:
        from sqlalchemy import text

        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True

    async def close(self) -> None:
        await self.engine.dispose()
