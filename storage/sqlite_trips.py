"""SQLite statements in one trip to aiosqlite's thread instead of four.

aiosqlite runs each SQLite call in a thread of its own, and SQLAlchemy's adapter makes four calls per
statement (open a cursor, execute, fetch the rows, close the cursor): four hand-overs between the event
loop and that thread, each costing more than a typical statement itself. They were more than half of the
CPU an update took on SQLite. Here the thread does all four in one call and hands back the rows with the
cursor's description, row count and last row id; and a connection going back to the pool after a commit
is not rolled back again.

The thread stays: a statement waiting on SQLite's lock (busy_timeout) waits there, not on the event loop,
so another transaction of the same process can finish meanwhile. Server-side cursors (streamed results)
are SQLAlchemy's own, unchanged.
"""

from __future__ import annotations

import collections
from typing import Any

from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util.concurrency import await_


def _run(connection, operation: str, parameters, many: bool):
    """In aiosqlite's thread: the whole statement, its rows and what the cursor tells about it."""
    cursor = connection._conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else ()
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ("_description", "_rowcount", "_lastrowid")
    _awaitable_cursor_close = False  # there is no cursor left open to close

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None
        self._soft_closed_memoized = {}
        self._rows = collections.deque()
        self._description, self._rowcount, self._lastrowid = None, -1, None

    @property
    def description(self):
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self):
        return self._lastrowid

    @property
    def arraysize(self) -> int:
        return 1

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        pass

    def close(self) -> None:
        self._rows.clear()

    async def _execute_async(self, operation: Any, parameters: Any) -> None:
        await self._trip(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> None:
        await self._trip(operation, seq_of_parameters, many=True)

    async def _trip(self, operation: Any, parameters: Any, many: bool) -> None:
        async with self._adapt_connection._execute_mutex:
            description, self._rowcount, self._lastrowid, rows = await self._connection._execute(
                _run, self._connection, operation, parameters, many
            )
            self._description = description
            self._rows = collections.deque(rows)


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneTripCursor


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """Given to SQLAlchemy as the SQLite engine's DBAPI module (`create_async_engine(module=...)`)."""

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        connection = self.aiosqlite.connect(*arg, **kw)
        connection._thread.daemon = True  # as SQLAlchemy's own: a forgotten connection does not hold the exit
        return OneTripConnection(self, await_(connection))


def reset(dbapi_connection, _record, state) -> None:
    """A connection back in the pool is rolled back only if a transaction is still open: after a commit (nearly
    always) that would be one more trip for nothing."""
    if not state.terminate_only and dbapi_connection._connection.in_transaction:
        dbapi_connection.rollback()


def dbapi() -> OneTripDBAPI:
    import sqlite3

    import aiosqlite

    return OneTripDBAPI(aiosqlite, sqlite3)
