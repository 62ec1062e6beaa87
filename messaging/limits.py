"""The platforms' sending limits (giới hạn gửi tin): overall, per chat, per group, kept before every send.

`await limits.wait(chat_id, is_group)` books the earliest moment every limit allows and sleeps
until then. Booking happens in one step without awaiting (the event loop runs one thing at a
time), so many senders get distinct slots without queueing on a lock.

- Overall: messages are spaced evenly, 1/rate apart; an idle sender gets no burst.
- Per chat: at least `chat_interval` between two messages; a private chat may run a few ahead
  (`private_burst`) so a reply in two pieces is not slowed; a group may not.
- Per group: at most `group_per_minute` in any rolling minute.

A sender that wakes up late (the process stalled: a garbage collection, a busy moment) gives its
slot back and books a new one rather than going at once: going late would bunch it up with the
messages booked after it, and the platform counts arrivals, not plans.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass

WINDOW = 60.0  # seconds of the per-group count
PRIVATE_BURST = 3  # messages a private chat may receive back to back (Telegram allows short bursts)
PRUNE_EVERY = 1000  # bookings between sweeps of chats that are quiet again
LATE = 0.025  # seconds past its slot after which a sender books again


@dataclass(frozen=True)
class Rates:
    per_second: float
    chat_interval: float
    group_per_minute: int
    private_burst: int = PRIVATE_BURST


class MonotonicClock:
    def now(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class Limits:
    def __init__(self, rates: Rates, clock=None) -> None:
        self.rates = rates
        self.clock = clock or MonotonicClock()
        self._spacing = 1.0 / rates.per_second
        self._next = float("-inf")  # the next free overall slot
        self._chats: dict[str, float] = {}  # per chat: when its next message is due, bursts aside
        self._groups: dict[str, deque[float]] = {}  # per group: its booked times within the window
        self._booked = 0

    async def wait(self, chat_id: str, is_group: bool) -> float:
        """Sleep until this chat may receive one more message; the slot booked (clock time)."""
        while True:
            now = self.clock.now()
            ready = self._chat_ready(chat_id, is_group, now)
            if ready > now:
                await self.clock.sleep(ready - now)  # another message to the chat may book it meanwhile: look again
                continue
            at = max(now, self._next)
            self._next = at + self._spacing
            previous = self._book(chat_id, is_group, at)
            if at > now:
                await self.clock.sleep(at - now)
            if self.clock.now() - at <= LATE:
                return at
            self._give_back(chat_id, is_group, at, previous)

    def _chat_ready(self, chat_id: str, is_group: bool, now: float) -> float:
        """The earliest time the chat's own limits allow."""
        ready = float("-inf")
        due = self._chats.get(chat_id)
        if due is not None:
            ready = due - (0 if is_group else self._tolerance)
        sent = self._groups.get(chat_id) if is_group else None
        if sent:
            while sent and sent[0] + WINDOW <= now:
                sent.popleft()
            if len(sent) >= self.rates.group_per_minute:
                ready = max(ready, sent[-self.rates.group_per_minute] + WINDOW)
        return ready

    @property
    def _tolerance(self) -> float:
        return (self.rates.private_burst - 1) * self.rates.chat_interval

    def _book(self, chat_id: str, is_group: bool, at: float) -> float | None:
        """Book the slot for the chat; what the chat's due time was before (to give the slot back)."""
        previous = self._chats.get(chat_id)
        if self.rates.chat_interval > 0:
            self._chats[chat_id] = max(previous if previous is not None else at, at) + self.rates.chat_interval
        if is_group:
            self._groups.setdefault(chat_id, deque()).append(at)
        self._booked += 1
        if self._booked % PRUNE_EVERY == 0:
            self._prune(at)
        return previous

    def _give_back(self, chat_id: str, is_group: bool, at: float, previous: float | None) -> None:
        """Undo a booking whose sender woke too late (unless the chat booked again since: then keep it)."""
        if self.rates.chat_interval > 0 and previous is not None:
            if self._chats.get(chat_id) == max(previous, at) + self.rates.chat_interval:
                self._chats[chat_id] = previous
        elif self.rates.chat_interval > 0 and self._chats.get(chat_id) == at + self.rates.chat_interval:
            del self._chats[chat_id]
        sent = self._groups.get(chat_id) if is_group else None
        if sent and at in sent:
            sent.remove(at)

    def _prune(self, now: float) -> None:
        """Forget chats whose limits no longer hold anything back (a broadcast touches thousands once)."""
        self._chats = {chat: due for chat, due in self._chats.items() if due > now}
        self._groups = {chat: sent for chat, sent in self._groups.items() if sent and sent[-1] + WINDOW > now}
