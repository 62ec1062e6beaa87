"""Long polling: updates are confirmed only once handled, and one slow chat never holds up the others."""

from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable

from aiogram import Bot
from aiogram.types import Update

from bot.channels.common import RetryPolicy

log = logging.getLogger(__name__)
BUSY_POLL = 0.5  # seconds between polls while updates are still being handled


class Poller:
    def __init__(
        self,
        bot: Bot,
        process: Callable[[Update], Awaitable[None]],
        policy: RetryPolicy,
        allowed_updates: list[str],
        timeout: int = 25,
    ) -> None:
        self.bot = bot
        self.process = process
        self.policy = policy
        self.allowed_updates = allowed_updates
        self.timeout = timeout
        self._running: dict[int, asyncio.Task] = {}

    async def run(self, stop: asyncio.Event) -> None:
        """Telegram forgets updates below the offset we send, so the offset never passes one in flight or one
        that failed; the updates at or past it that were handled already are not handled again when fetched
        again (a slow update in one chat keeps the offset back while the others go on)."""
        next_id: int | None = None
        handled: set[int] = set()  # done, at or past the offset
        owed: set[int] = set()  # failed: to be fetched and handled again
        failures = 0
        try:
            while not stop.is_set():
                failed = await self._finished(handled)
                if failed:
                    failures += 1
                    owed |= set(failed)
                    await asyncio.sleep(self.policy.backoff(min(failures, 6)))
                waiting = set(self._running) | owed
                offset = min(waiting) if waiting else next_id
                handled = {update_id for update_id in handled if offset is None or update_id >= offset}
                try:
                    batch = await self.bot.get_updates(
                        offset=offset,
                        timeout=0 if self._running else self.timeout,
                        allowed_updates=self.allowed_updates,
                    )
                except Exception as error:
                    failures += 1
                    log.warning("getUpdates failed (%s)", type(error).__name__)
                    await asyncio.sleep(self.policy.backoff(min(failures, 6)))
                    continue
                if not failed:
                    failures = 0
                for update in batch:
                    update_id = update.update_id
                    if update_id not in self._running and update_id not in handled:
                        owed.discard(update_id)
                        self._running[update_id] = asyncio.create_task(self.process(update))
                    next_id = max(next_id or 0, update_id + 1)
                # Those owed that Telegram no longer has (it answers from the offset on, up to 100) are gone.
                last = max((update.update_id for update in batch), default=None)
                owed = {update_id for update_id in owed if last is not None and update_id > last}
        finally:
            for task in self._running.values():
                task.cancel()
            await asyncio.gather(*self._running.values(), return_exceptions=True)

    async def _finished(self, handled: set[int]) -> list[int]:
        """Wait a little for running updates; move the finished ones to `handled` and return those that failed."""
        if self._running:
            await asyncio.wait(self._running.values(), timeout=BUSY_POLL, return_when=asyncio.FIRST_COMPLETED)
        failed = []
        for update_id, task in list(self._running.items()):
            if task.done():
                del self._running[update_id]
                if task.cancelled() or task.exception() is not None:
                    log.error("update %s failed: %r", update_id, task.exception() if not task.cancelled() else "cancelled")
                    failed.append(update_id)
                else:
                    handled.add(update_id)
        return failed
