"""One scheduler, however many bot processes share a database: each reminder must go out once.

On PostgreSQL the leader holds a session advisory lock on a connection of its own. The lock lives
as long as that connection, so when the leader's process dies PostgreSQL drops it and a follower,
retrying every `retry_every` seconds, takes over. On SQLite there is one process, and it leads.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from typing import Awaitable, Callable

from storage.db import Database
from storage.locks import SessionLock

log = logging.getLogger(__name__)
Callback = Callable[[], Awaitable[None]]

# A positive 63-bit bigint, fixed for every process of every release.
SCHEDULER_KEY = int.from_bytes(hashlib.sha256(b"sangkien-scheduler").digest()[:8], "big") >> 1


class Leadership:
    def __init__(self, db: Database, *, key: int = SCHEDULER_KEY, retry_every: float = 15.0, check_every: float = 15.0) -> None:
        self.key, self.retry_every, self.check_every = key, retry_every, check_every
        self._sqlite = db.engine.dialect.name == "sqlite"
        self._lock = SessionLock(db, key)
        self._leading = False

    @property
    def is_leader(self) -> bool:
        return self._leading

    async def try_acquire(self) -> bool:
        """One attempt to become the leader; True when this process leads (already or now)."""
        if not self._leading and (self._sqlite or await self._lock.take()):
            self._leading = True
            log.info("scheduler leadership taken")
        return self._leading

    async def release(self) -> None:
        """Give the lock back; the flag drops first, so two processes never both show as leader."""
        was_leading, self._leading = self._leading, False
        await self._lock.give_back()
        if was_leading:
            log.info("scheduler leadership released")

    async def run(self, stop: asyncio.Event, on_elected: Callback, on_deposed: Callback) -> None:
        """Lead or follow until `stop` is set; on_deposed runs on a loss and on stopping while leading."""
        try:
            while not stop.is_set():
                if not self._leading and await self.try_acquire():
                    await on_elected()
                await _wait(stop, self.check_every if self._leading else self.retry_every)
                if self._leading and not stop.is_set() and not await self._still_leading():
                    await on_deposed()
                    await _wait(stop, self.retry_every)  # a follower with a sound connection goes first
        finally:
            if self._leading:
                try:
                    await on_deposed()
                finally:
                    await self.release()

    async def _still_leading(self) -> bool:
        if self._sqlite:
            return True
        if not await self._lock.alive():
            self._leading = False
            log.warning("scheduler leadership lost")
            return False
        return True


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
