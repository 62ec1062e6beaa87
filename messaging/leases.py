"""Chat leases: with several processes on one PostgreSQL database, a chat's messages leave from one at a time.

Within a process the channel's per-chat lane keeps order; across processes (N workers, a follower
answering while the leader broadcasts) a lease row per chat does. A lease runs for `length` and is
renewed while a long flush goes on; one left by a process that died expires and is taken over.
With SQLite there is one process, so leases are off and cost nothing.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any, AsyncIterator, Awaitable, Callable

from storage.db import Database
from storage.models import utcnow
from storage.repositories import Transaction


class Lease:
    def __init__(self, leases: "ChatLeases", channel: str, chat_id: str, taken: datetime, read: Any = None) -> None:
        self.leases = leases
        self.channel = channel
        self.chat_id = chat_id
        self.taken = taken
        self.read = read  # what `holding(..., read=)` read in the transaction that took the lease

    async def keep(self) -> bool:
        """Renew the lease once half of it has run; False when it was lost (then stop sending)."""
        leases = self.leases
        if not leases.enabled or leases.clock() - self.taken < leases.length / 2:
            return True
        async with leases.db.transaction() as tx:
            if not await leases.take(tx, self.channel, self.chat_id):
                return False
        self.taken = leases.clock()
        return True


class ChatLeases:
    def __init__(
        self,
        db: Database | None,
        *,
        enabled: bool = True,
        length: timedelta = timedelta(seconds=30),
        wait: float = 5.0,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.enabled = enabled and db is not None
        self.length = length
        self.wait = wait  # how long a second process waits for the chat before leaving it to the holder
        self.clock = clock
        self.holder = f"{socket.gethostname()[:16]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    @classmethod
    def for_database(cls, db: Database) -> "ChatLeases":
        """On PostgreSQL (where several processes may send), off on SQLite."""
        return cls(db, enabled=db.engine.dialect.name == "postgresql")

    async def take(self, tx: Transaction, channel: str, chat_id: str) -> bool:
        if not self.enabled:
            return True
        now = self.clock()
        return await tx.outbox.lease(channel, chat_id, self.holder, now + self.length, now)

    async def release(self, tx: Transaction, channel: str, chat_id: str) -> None:
        if self.enabled:
            await tx.outbox.release(channel, chat_id, self.holder)

    @asynccontextmanager
    async def holding(
        self, channel: str, chat_id: str, read: Callable[[Transaction], Awaitable[Any]] | None = None
    ) -> AsyncIterator[Lease | None]:
        """The chat's lease, waiting up to `wait` seconds for another holder; None if it is still held.

        `read(tx)` runs in the transaction that takes the lease (one round trip, not two), its result `lease.read`;
        with leases off there is no such transaction, and `lease.read` is None.
        """
        if not self.enabled:
            yield Lease(self, channel, chat_id, self.clock())
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.wait
        pause = 0.01
        result = None
        while True:
            async with self.db.transaction() as tx:
                taken = await self.take(tx, channel, chat_id)
                if taken and read is not None:
                    result = await read(tx)
            if taken or loop.time() >= deadline:
                break
            await asyncio.sleep(min(pause, max(0.0, deadline - loop.time())))
            pause = min(pause * 2, 0.2)
        if not taken:
            yield None
            return
        try:
            yield Lease(self, channel, chat_id, self.clock(), result)
        finally:
            async with self.db.transaction() as tx:
                await self.release(tx, channel, chat_id)


NO_LEASES = ChatLeases(None, enabled=False)
