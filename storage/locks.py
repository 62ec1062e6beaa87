"""A PostgreSQL session advisory lock on a connection of its own: held as long as that connection lives.

When the holder's process dies, PostgreSQL closes its connection and drops the lock with it, so
another process can take it. Used to elect the one process that runs the scheduler.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import Database

log = logging.getLogger(__name__)
CHECK_TIMEOUT = 10.0  # seconds for SELECT 1 on the holder's connection before counting it lost


class SessionLock:
    def __init__(self, db: Database, key: int) -> None:
        self.key = key
        self._db = db
        self._conn: AsyncConnection | None = None

    @property
    def held(self) -> bool:
        return self._conn is not None

    async def take(self) -> bool:
        """One attempt; False when another process holds it or no database answers."""
        conn = None
        try:
            conn = await self._db.engine.connect()
            await conn.execution_options(isolation_level="AUTOCOMMIT")  # hold the lock, not a transaction
            taken = (await conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key})).scalar()
        except BaseException as error:  # cancelled mid-way the lock may be held: drop the connection anyway
            await _discard(conn)
            if not isinstance(error, Exception):
                raise
            log.warning("advisory lock: cannot ask the database (%s)", type(error).__name__)
            return False
        if taken:
            self._conn = conn
        else:
            await conn.close()
        return bool(taken)

    async def alive(self) -> bool:
        """Whether the connection holding the lock still answers; a dead one is thrown away."""
        if self._conn is None:
            return False
        try:
            await asyncio.wait_for(self._conn.execute(text("SELECT 1")), timeout=CHECK_TIMEOUT)
            return True
        except Exception as error:
            conn, self._conn = self._conn, None
            log.warning("advisory lock lost (%s)", type(error).__name__)
            await _discard(conn)
            return False

    async def give_back(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
                await conn.close()
            except Exception:  # the connection is gone, and the lock with it
                await _discard(conn)


async def _discard(conn: AsyncConnection | None) -> None:
    """Throw the server connection away rather than pool it, so a lock on it surely goes too."""
    if conn is not None:
        with contextlib.suppress(Exception):
            await conn.invalidate()
            await conn.close()
