"""Sending from the outbox: what is owed to a chat goes out in the order it was written, and only once.

Channels send every reply through `flush_chat`, inside their per-chat lane, so the live path
and the background `OutboxSender` never send the same row twice or out of order (within one
process; several processes need a lease, see the scale-out issue).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Awaitable, Callable

from handlers.messages import Outgoing
from storage.db import Database
from storage.models import utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 20


class Deferred(Exception):
    """The platform asked to wait longer than is worth waiting in line (a long flood wait)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds


Send = Callable[[Outgoing], Awaitable[None]]


async def flush_chat(db: Database, channel: str, chat_id: str, send: Send) -> int:
    """Send what the chat is owed, oldest first; stop at the first failure so nothing overtakes it."""
    async with db.transaction() as tx:
        rows = await tx.outbox.unsent_for_chat(channel, chat_id, max_attempts=MAX_ATTEMPTS)
    now = utcnow()
    sent = 0
    for row in rows:
        if row.next_attempt_at is not None and row.next_attempt_at > now:
            return sent  # a flood wait is still on for this chat: nothing may overtake it
        message = Outgoing.from_payload(row.channel, row.chat_id, row.payload, row.id)
        try:
            await send(message)
        except Deferred as wait:
            async with db.transaction() as tx:
                await tx.outbox.defer(message.outbox_id, utcnow() + timedelta(seconds=wait.seconds), str(wait))
            return sent
        except Exception as error:  # the row stays, with the error's kind (never its text: URLs hold tokens)
            log.warning("message %s to a %s chat not sent: %s", message.outbox_id, channel, type(error).__name__)
            async with db.transaction() as tx:
                await tx.outbox.mark_failed(message.outbox_id, type(error).__name__)
            return sent
        async with db.transaction() as tx:
            await tx.outbox.mark_sent([message.outbox_id])
        sent += 1
    return sent


Flush = Callable[[str], Awaitable[int]]


class OutboxSender:
    """Every few seconds, flushes the chats still owed something (what the live path could not send)."""

    def __init__(
        self,
        db: Database,
        channel: str,
        flush: Flush,
        *,
        interval: float = 5.0,
        grace: timedelta = timedelta(seconds=10),
        batch: int = 200,
    ) -> None:
        self.db = db
        self.channel = channel
        self.flush = flush
        self.interval = interval
        self.grace = grace  # a fresh row is normally being sent by the update that wrote it
        self.batch = batch

    async def run_once(self) -> int:
        async with self.db.transaction() as tx:
            rows = await tx.outbox.pending(
                self.channel, self.batch, created_before=utcnow() - self.grace, max_attempts=MAX_ATTEMPTS
            )
            chats = list(dict.fromkeys(r.chat_id for r in rows))
        sent = 0
        for chat_id in chats:
            sent += await self.flush(chat_id)
        return sent

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:
                log.exception("outbox round failed")
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.interval)
            except asyncio.TimeoutError:
                pass
