"""What the platform took, written down (đánh dấu đã gửi): so a message goes again only if it was in flight
when its process died.

`flush_chat` (messaging/sender.py) marks a row sent once all of it went, and `send_in_steps` writes
down each part of a message in several parts (a chart, then its text) as it arrives, so a process
that takes over after a crash goes on from the next part. While the database is down the marks are
tried again until it answers, and the process remembers meanwhile what went: a database outage sends
nothing twice, and a kill -9 sends again at most what was in flight (bench/crash_window.py).
"""

from __future__ import annotations

import asyncio
import logging
from contextvars import ContextVar
from typing import Awaitable, Callable

from messaging.messages import Outgoing
from storage.db import Database

log = logging.getLogger(__name__)

RETRY_FIRST = 0.05
# At most this long between two tries: the marks are written within a second of the database's return,
# before another process could take the chat over (a new leader retries every 15 s; a lease runs 30 s).
RETRY_LONGEST = 1.0


class SentMarks:
    """What the platform took, written down: a row's mark once all of it went, before that its parts sent.

    A broadcast sends to many chats at once; a transaction for each message would cost more than the
    sending, so while one transaction writes, the marks of other chats gather for the next. `mark` and
    `progress` return once written. When the database fails they try again, `RETRY_LONGEST` apart at
    most, until it answers; meanwhile the process knows what went (`delivered`, `pieces`), a flush cut
    short included, and never sends it again.
    """

    def __init__(self, db: Database, *, retry_first: float = RETRY_FIRST, retry_longest: float = RETRY_LONGEST) -> None:
        self.db = db
        self.retry_first, self.retry_longest = retry_first, retry_longest
        self._sent: set[int] = set()  # delivered whole, not yet marked
        self._pieces: dict[int, int] = {}  # parts delivered, not yet written
        self._writer = asyncio.Lock()

    def delivered(self, outbox_id: int) -> bool:
        """Sent by this process, its mark still to be written."""
        return outbox_id in self._sent

    def pieces(self, outbox_id: int) -> int:
        """Parts of the message this process sent, not yet written down (0: none)."""
        return self._pieces.get(outbox_id, 0)

    async def mark(self, outbox_id: int) -> None:
        self._sent.add(outbox_id)
        self._pieces.pop(outbox_id, None)
        await self._written(lambda: outbox_id not in self._sent)

    async def progress(self, outbox_id: int, pieces_sent: int) -> None:
        self._pieces[outbox_id] = pieces_sent
        await self._written(lambda: self._pieces.get(outbox_id) != pieces_sent)

    async def _written(self, done: Callable[[], bool]) -> None:
        async with self._writer:
            tries = 0
            while not done():
                sent, pieces = sorted(self._sent), dict(self._pieces)
                try:
                    async with self.db.transaction() as tx:
                        await tx.outbox.mark_sent(sent)
                        for count in sorted(set(pieces.values())):
                            await tx.outbox.note_pieces([i for i, n in pieces.items() if n == count], count)
                except Exception as error:  # the database is down or busy: what went stays known here
                    tries += 1
                    if tries == 1 or tries % 60 == 0:
                        log.warning("marking %d sent messages failed (%s, try %d): kept in memory, trying again",
                                    len(sent) + len(pieces), type(error).__name__, tries)
                    await asyncio.sleep(min(self.retry_first * 2 ** (tries - 1), self.retry_longest))
                    continue
                if tries:
                    log.warning("%d sent messages marked after %d failed tries", len(sent) + len(pieces), tries)
                self._sent.difference_update(sent)
                for outbox_id, count in pieces.items():
                    if self._pieces.get(outbox_id) == count:
                        del self._pieces[outbox_id]


# The marks of the outbox row being sent: set by `flush_chat` around a channel's send, so the parts of a
# message are written down as they arrive without every channel passing its marks along.
_RECORDING: ContextVar[SentMarks | None] = ContextVar("outbox_marks", default=None)


def recording() -> SentMarks | None:
    """The marks of the outbox row this send is for, if it is one."""
    return _RECORDING.get()


async def recorded(send: Callable[[Outgoing], Awaitable[None]], message: Outgoing, marks: SentMarks) -> None:
    """`send(message)`, its parts written down in `marks` as they arrive."""
    token = _RECORDING.set(marks)
    try:
        await send(message)
    finally:
        _RECORDING.reset(token)
