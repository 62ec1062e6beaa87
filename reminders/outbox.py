"""The outbox sender: whatever a channel could not deliver at once is retried here until it arrives."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Awaitable, Callable

from handlers.messages import Outgoing
from storage.db import Database
from storage.models import utcnow

log = logging.getLogger(__name__)

Send = Callable[[Outgoing], Awaitable[None]]


class OutboxSender:
    def __init__(
        self,
        db: Database,
        channel: str,
        send: Send,
        *,
        interval: float = 5.0,
        grace: timedelta = timedelta(seconds=30),
        max_attempts: int = 20,
        batch: int = 50,
    ) -> None:
        self.db = db
        self.channel = channel
        self.send = send
        self.interval = interval
        self.grace = grace  # a fresh row is still being sent by the handler that wrote it
        self.max_attempts = max_attempts
        self.batch = batch

    async def run_once(self) -> int:
        """Send what is due; returns how many messages arrived."""
        async with self.db.transaction() as tx:
            rows = await tx.outbox.pending(
                self.channel, self.batch, created_before=utcnow() - self.grace, max_attempts=self.max_attempts
            )
            due = [Outgoing.from_payload(r.channel, r.chat_id, r.payload, r.id) for r in rows]
        delivered = 0
        for message in due:
            try:
                await self.send(message)
            except Exception as error:  # any failure leaves the row for the next round
                log.warning("outbox message %s to %s not sent: %s", message.outbox_id, self.channel, type(error).__name__)
                async with self.db.transaction() as tx:
                    await tx.outbox.mark_failed(message.outbox_id, f"{type(error).__name__}: {error}")
                continue
            async with self.db.transaction() as tx:
                await tx.outbox.mark_sent([message.outbox_id])
            delivered += 1
        return delivered

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
