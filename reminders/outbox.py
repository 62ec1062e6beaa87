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
    """The platform asked to wait longer than is worth waiting in line (a long flood wait, a quota)."""

    def __init__(self, seconds: float, pieces_sent: int = 0) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds
        self.pieces_sent = pieces_sent


class Failed(Exception):
    """Not delivered this time (network, the platform's own trouble); `pieces_sent` went out before."""

    def __init__(self, kind: str, pieces_sent: int = 0) -> None:
        super().__init__(kind)
        self.kind = kind
        self.pieces_sent = pieces_sent


class Undeliverable(Exception):
    """Refused for good (the person blocked the bot, the message is malformed): later ones must not wait."""


Send = Callable[[Outgoing], Awaitable[None]]
Step = Callable[[], Awaitable[object]]


async def send_in_steps(message: Outgoing, steps: list[Step], classify: Callable[[Exception, int], Exception]) -> None:
    """Run a message's platform calls (an image, then each text piece), resuming after those already sent."""
    done = message.pieces_sent
    for step in steps[done:]:
        try:
            await step()
        except Exception as error:
            raise classify(error, done) from error
        done += 1


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(15 * 2**attempts, 3600))


async def flush_chat(db: Database, channel: str, chat_id: str, send: Send) -> int:
    """Send what the chat is owed, oldest first; stop at a failure so nothing overtakes it."""
    async with db.transaction() as tx:
        rows = await tx.outbox.unsent_for_chat(channel, chat_id, max_attempts=MAX_ATTEMPTS)
    now = utcnow()
    sent = 0
    for row in rows:
        if row.next_attempt_at is not None and row.next_attempt_at > now:
            return sent  # a wait is still on for this chat: nothing may overtake it
        message = Outgoing.from_payload(row.channel, row.chat_id, row.payload, row.id, row.pieces_sent)
        try:
            await send(message)
        except Deferred as wait:
            async with db.transaction() as tx:
                await tx.outbox.defer(row.id, now + timedelta(seconds=wait.seconds), str(wait), wait.pieces_sent)
            return sent
        except Undeliverable as refused:
            log.warning("message %s to a %s chat refused for good: %s", row.id, channel, refused)
            async with db.transaction() as tx:
                await tx.outbox.give_up(row.id, str(refused), MAX_ATTEMPTS)
            continue
        except Exception as error:  # kept with the error's kind only (never its text: URLs hold tokens)
            kind = error.kind if isinstance(error, Failed) else type(error).__name__
            log.warning("message %s to a %s chat not sent: %s", row.id, channel, kind)
            async with db.transaction() as tx:
                await tx.outbox.mark_failed(
                    row.id, kind, retry_at=now + _backoff(row.attempts), pieces_sent=getattr(error, "pieces_sent", None)
                )
            return sent
        async with db.transaction() as tx:
            await tx.outbox.mark_sent([row.id])
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
