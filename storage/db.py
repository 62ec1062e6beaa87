"""Engine and sessions for SQLite (embedded default) and PostgreSQL (scale-out)."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager, nullcontext
from dataclasses import dataclass
from typing import AsyncIterator

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from storage import sqlite_trips
from storage.problems import check_sqlite_file
from storage.repositories import Transaction


def backend(url: str) -> str:
    """"sqlite" or "postgresql": which engine a DATABASE_URL names."""
    return make_url(url).get_backend_name()


@dataclass(frozen=True)
class Timeouts:
    """How long the database may take, in seconds (0: no bound of ours), so that a database that hangs
    fails in bounded time instead of holding webhooks and health checks (the bot's from DATABASE_*_TIMEOUT_SECONDS).

    The defaults are the drivers' own but for SQLite's lock wait: the commands (migrations, copies) run unbounded.
    """

    connect: float = 0.0  # opening a PostgreSQL connection (asyncpg's own default is 60 s)
    statement: float = 0.0  # one PostgreSQL statement, lock waits included (the server cancels it)
    pool: float = 30.0  # waiting for a free connection of the pool (SQLAlchemy's default)
    busy: float = 5.0  # SQLite: a write waiting for another process's write

    def postgres_connect_args(self) -> dict:
        args: dict = {}
        if self.connect:
            args["timeout"] = self.connect
        if self.statement:
            # The server cancels the statement; the client gives up a little later on a connection gone silent.
            args["server_settings"] = {"statement_timeout": str(int(self.statement * 1000))}
            args["command_timeout"] = self.statement + 5
        return args


POOL_SIZE = 20  # PostgreSQL connections a process keeps open (DATABASE_POOL_SIZE)


def create_engine(url: str, *, search_path: str | None = None, timeouts: Timeouts = Timeouts(),
                  pool_size: int = POOL_SIZE) -> AsyncEngine:
    """An async engine; `search_path` puts a PostgreSQL connection in its own schema (tests use it)."""
    parsed = make_url(url)
    kwargs: dict = {"pool_pre_ping": True}
    if parsed.get_backend_name() == "postgresql":
        connect_args = timeouts.postgres_connect_args()
        if search_path:
            connect_args["server_settings"] = {**connect_args.get("server_settings", {}), "search_path": search_path}
        # A connection opened per transaction beyond the pool costs a connect and every statement prepared again.
        kwargs.update(connect_args=connect_args, pool_timeout=timeouts.pool, pool_size=pool_size,
                      max_overflow=pool_size // 2)
    if parsed.get_backend_name() == "sqlite":
        check_sqlite_file(parsed.database)
        kwargs["module"] = sqlite_trips.dbapi()  # a statement in one trip to aiosqlite's thread, not four
        kwargs["pool_reset_on_return"] = None  # rolled back only if a transaction is open (sqlite_trips.reset)
    engine = create_async_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "reset", sqlite_trips.reset)
        event.listen(engine.sync_engine, "connect", lambda connection, _record: _sqlite_pragmas(connection, timeouts))
    return engine


def _sqlite_pragmas(dbapi_connection, timeouts: Timeouts) -> None:
    # WAL lets the terminal chat and another process read while one writes; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={int(timeouts.busy * 1000)}")
    cursor.close()


class Conflict(Exception):
    """Another writer changed the same rows first: retry the whole transaction on fresh state."""


class Unavailable(Exception):
    """The database did not answer in time, or the connection broke: nothing was stored; try again later."""


class Unfit(Exception):
    """The database refused a value as it is (too long for its column, a number out of range): nothing was
    stored, and trying again will not help."""


# PostgreSQL's SQLSTATE classes and codes: 40001 serialization failure and 40P01 deadlock are a race with
# another writer; 08 connection failures, 53 (too many connections, out of memory), 57 (a statement
# cancelled by statement_timeout, a server shutting down) mean the database cannot answer now; 22 is a
# value the database cannot hold.
_RACES = ("40001", "40P01")
_UNAVAILABLE = ("08", "53", "57")
_UNFIT = "22"


def _sqlstate(error: DBAPIError) -> str:
    return str(getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None) or "")


class _Turns:
    """One transaction at a time per SQLite database in this process; one a task opens inside its own goes on."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task | None = None

    @asynccontextmanager
    async def taken(self) -> AsyncIterator[None]:
        task = asyncio.current_task()
        if self._owner is task:
            yield
            return
        async with self._lock:
            self._owner = task
            try:
                yield
            finally:
                self._owner = None


class Database:
    """The one way in to storage: `async with db.transaction() as tx:` commits everything or nothing."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        # SQLite lets one writer in at a time and makes the others sleep and try again (its busy handler, in steps
        # of up to 100 ms): this process's transactions take turns here instead, without sleeping.
        self._turns = _Turns() if engine.dialect.name == "sqlite" else None

    @classmethod
    def from_url(cls, url: str, *, search_path: str | None = None, timeouts: Timeouts = Timeouts(),
                 pool_size: int = POOL_SIZE) -> "Database":
        return cls(create_engine(url, search_path=search_path, timeouts=timeouts, pool_size=pool_size))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        async with self._turns.taken() if self._turns is not None else nullcontext():
            async with self._transaction() as tx:
                yield tx

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[Transaction]:
        try:
            async with self._sessions() as session:
                async with session.begin():
                    yield Transaction(session)
        except (StaleDataError, IntegrityError) as error:
            raise Conflict(str(error)) from error
        except PoolTimeout as error:
            raise Unavailable("no free database connection in time") from error
        except DBAPIError as error:
            # SQLite answers a write that raced another writer with "database is locked": retry it too.
            locked = isinstance(error, OperationalError) and "database is locked" in str(error)
            if locked or _sqlstate(error) in _RACES:
                raise Conflict(str(error)) from error
            if error.connection_invalidated or _sqlstate(error)[:2] in _UNAVAILABLE:
                raise Unavailable(type(error.orig).__name__) from error
            if _sqlstate(error)[:2] == _UNFIT:
                raise Unfit(str(error.orig).splitlines()[0] if str(error.orig) else type(error.orig).__name__) from error
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
