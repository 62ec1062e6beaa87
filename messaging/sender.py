"""Sending from the outbox: what is owed to a chat goes out in the order it was written, and only once.

Channels send every reply through `flush_chat`, inside their per-chat lane, so the live path
and the background `OutboxSender` never send the same row twice or out of order; across processes
sharing a PostgreSQL database, the chat's lease does the same (messaging/leases.py). What cannot
be delivered is given up and reported to the admins (see messaging/failures.py), never dropped silently.

Sending is at least once, no more: what the platform took is written down as it is taken (`SentMarks`),
each part of a message in several parts too, and kept in memory while the database is down. Only a process
that dies loses what it had not yet written: the sends in flight then, which its successor sends again
(bench/crash_window.py measures it).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Awaitable, Callable

from messaging.messages import Outgoing
from messaging import failures
from messaging.leases import NO_LEASES, ChatLeases, Lease
from messaging.marks import SentMarks, recorded, recording
from messaging.quiet import QuietHours
from storage.db import Database
from storage.models import utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 20
NO_QUIET_HOURS = QuietHours.parse("")
HELD_IN_QUIET_HOURS = frozenset({"push", "nudge"})  # replies and notices answer someone: they never wait


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
    """Refused for good: the message is malformed (later ones must not wait behind it), or, `gone`,
    the chat itself is (the person blocked the bot, the group removed it): nothing more goes there."""

    def __init__(self, kind: str, gone: bool = False) -> None:
        super().__init__(kind)
        self.kind = kind
        self.gone = gone


class Moved(Exception):
    """The chat has a new id (a Telegram group became a supergroup): what it is owed goes there."""

    def __init__(self, chat_id: str) -> None:
        super().__init__("moved")
        self.chat_id = chat_id


Send = Callable[[Outgoing], Awaitable[None]]
Step = Callable[[], Awaitable[object]]


async def send_in_steps(message: Outgoing, steps: list[Step], classify: Callable[[Exception, int], Exception]) -> None:
    """Run a message's platform calls (an image, then each text piece), resuming after those already sent.

    From the outbox, each part but the last is written down once it arrived (the last one's is the row's
    mark): a chart a second ahead of its text is not sent again by a process that takes over after a crash.
    """
    done = message.pieces_sent
    marks = recording() if message.outbox_id is not None else None
    for step in steps[done:]:
        try:
            await step()
        except Exception as error:
            raise classify(error, done) from error
        done += 1
        if marks is not None and done < len(steps):
            await marks.progress(message.outbox_id, done)


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(15 * 2**attempts, 3600))


async def flush_chat(
    db: Database,
    channel: str,
    chat_id: str,
    send: Send,
    *,
    hold: frozenset[str] = frozenset(),
    marks: SentMarks | None = None,
    leases: ChatLeases = NO_LEASES,
) -> int:
    """Send what the chat is owed, oldest first; stop at a failure so nothing overtakes it.

    Rows whose purpose is in `hold` (pushes in quiet hours) wait, and so does everything after them.
    With `leases`, only the process holding the chat's lease sends to it.
    """
    def owed(tx):
        return tx.outbox.unsent_for_chat(channel, chat_id, max_attempts=MAX_ATTEMPTS)

    async with leases.holding(channel, chat_id, read=owed) as lease:
        if lease is None:
            log.info("a %s chat is being sent to by another process: left to it", channel)
            return 0
        rows = lease.read
        if rows is None:  # leases are off (one process): no transaction took one
            async with db.transaction() as tx:
                rows = await owed(tx)
        return await _flush_held(db, channel, rows, send, hold, marks or SentMarks(db), lease)


async def _flush_held(db: Database, channel: str, rows: list, send: Send, hold: frozenset[str],
                      marks: SentMarks, lease: Lease) -> int:
    now = utcnow()
    sent = 0
    for row in rows:
        if not await lease.keep():
            log.warning("lost the lease on a %s chat mid-flush: the rest is left to its new holder", channel)
            return sent
        if marks.delivered(row.id):  # it went, but a flush cut short while the database was down left its mark
            await marks.mark(row.id)
            sent += 1
            continue
        if row.next_attempt_at is not None and row.next_attempt_at > now:
            return sent  # a wait is still on for this chat: nothing may overtake it
        if row.purpose in hold:
            return sent
        pieces = max(row.pieces_sent, marks.pieces(row.id))
        message = Outgoing.from_payload(row.channel, row.chat_id, row.payload, row.id, pieces)
        try:
            await recorded(send, message, marks)
        except Deferred as wait:
            async with db.transaction() as tx:
                await tx.outbox.defer(row.id, now + timedelta(seconds=wait.seconds), str(wait), wait.pieces_sent)
            return sent
        except Moved as moved:
            async with db.transaction() as tx:
                await failures.chat_moved(tx, row, moved.chat_id, MAX_ATTEMPTS)
            return sent
        except Undeliverable as refused:
            log.warning("message %s to a %s chat refused for good: %s", row.id, channel, refused.kind)
            async with db.transaction() as tx:
                if refused.gone:
                    await failures.chat_gone(tx, row, refused.kind, MAX_ATTEMPTS)
                else:
                    await tx.outbox.give_up(row.id, refused.kind, MAX_ATTEMPTS)
                    await failures.report_failed(tx, row, refused.kind, row.attempts + 1)
            if refused.gone:
                return sent
            continue
        except Exception as error:  # kept with the error's kind only (never its text: URLs hold tokens)
            kind = error.kind if isinstance(error, Failed) else type(error).__name__
            log.warning("message %s to a %s chat not sent: %s", row.id, channel, kind)
            await _failed(db, row, kind, now, getattr(error, "pieces_sent", None))
            return sent
        await marks.mark(row.id)
        sent += 1
    return sent


async def _failed(db: Database, row, kind: str, now: datetime, pieces_sent: int | None) -> None:
    attempts = row.attempts + 1
    async with db.transaction() as tx:
        if attempts >= MAX_ATTEMPTS:
            await tx.outbox.give_up(row.id, kind, attempts)
            await failures.report_failed(tx, row, kind, attempts)
        else:
            await tx.outbox.mark_failed(row.id, kind, retry_at=now + _backoff(row.attempts), pieces_sent=pieces_sent)


Flush = Callable[..., Awaitable[int]]  # flush(chat_id, hold=...) in the chat's lane


class OutboxSender:
    """Flushes the chats still owed something (what the live path could not send, pushes, notices).

    Many chats at once (`concurrency`), so a broadcast goes at the platform's overall limit, which the
    channel's own limiter keeps; a round goes on while it finds more. It runs every `interval`
    seconds, or at once when `wake()` is called (a job that has just queued pushes).
    """

    def __init__(
        self,
        db: Database,
        channel: str,
        flush: Flush,
        *,
        interval: float = 5.0,
        grace: timedelta = timedelta(seconds=10),
        batch: int = 500,
        concurrency: int = 64,
        quiet_hours: QuietHours = NO_QUIET_HOURS,
        tz: tzinfo = timezone.utc,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.channel = channel
        self.flush = flush
        self.interval = interval
        self.grace = grace  # a fresh reply is normally being sent by the update that wrote it
        self.batch = batch
        self.concurrency = concurrency
        self.quiet_hours = quiet_hours
        self.tz = tz
        self.clock = clock
        self._wake = asyncio.Event()
        self.active = True  # with several processes only the leader's sender runs (see bot/serve.py)

    def wake(self) -> None:
        self._wake.set()

    def pause(self) -> None:
        self.active = False

    def resume(self) -> None:
        self.active = True
        self.wake()

    def held(self) -> frozenset[str]:
        """The purposes that must wait now (pushes and nudges in quiet hours, local time)."""
        return HELD_IN_QUIET_HOURS if self.quiet_hours.holds(self.clock().astimezone(self.tz)) else frozenset()

    async def run_once(self) -> int:
        hold = self.held()
        seen: set[str] = set()
        slots = asyncio.Semaphore(self.concurrency)
        tasks: list[asyncio.Task] = []
        last = 0
        try:
            while True:
                async with self.db.transaction() as tx:
                    rows = await tx.outbox.pending(
                        self.channel, self.batch, created_before=utcnow() - self.grace, max_attempts=MAX_ATTEMPTS,
                        after_id=last, held=hold,
                    )
                fresh = [c for c in dict.fromkeys(r.chat_id for r in rows) if c not in seen]
                seen.update(fresh)
                for chat_id in fresh:
                    await slots.acquire()
                    task = asyncio.create_task(self._flush(chat_id, hold))
                    task.add_done_callback(lambda _: slots.release())
                    tasks.append(task)
                if len(rows) < self.batch:  # paged through everything due
                    break
                last = rows[-1].id
            return sum(await asyncio.gather(*tasks))
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _flush(self, chat_id: str, hold: frozenset[str]) -> int:
        try:
            return await self.flush(chat_id, hold=hold)
        except Exception:  # one chat's trouble (a database hiccup) must not stop the others
            log.exception("flushing a %s chat failed", self.channel)
            return 0

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self._wake.clear()  # a wake during the round asks for another one
            try:
                if self.active:
                    await self.run_once()
            except Exception:
                log.exception("outbox round failed")
            await self._pause(stop)

    async def _pause(self, stop: asyncio.Event) -> None:
        waits = [asyncio.create_task(stop.wait()), asyncio.create_task(self._wake.wait())]
        try:
            await asyncio.wait(waits, timeout=self.interval, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()
            await asyncio.gather(*waits, return_exceptions=True)
