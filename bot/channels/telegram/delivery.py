"""Sending to Telegram safely: 429 waits retry_after, network errors and 5xx back off with jitter."""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Awaitable, Callable, TypeVar

from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError

from bot.channels.telegram.render import pieces
from handlers.messages import Outgoing
from reminders.outbox import Deferred

log = logging.getLogger(__name__)
T = TypeVar("T")


class RetryPolicy:
    def __init__(self, attempts: int = 5, base: float = 0.5, cap: float = 30.0, longest_wait: float = 120.0) -> None:
        self.attempts = attempts
        self.base = base
        self.cap = cap
        self.longest_wait = longest_wait  # a 429 asking for longer leaves the message to the outbox sender

    def backoff(self, attempt: int) -> float:
        """Full jitter: spreads retries of many chats so they do not hit the API together."""
        return random.uniform(0, min(self.cap, self.base * 2**attempt))


async def with_retries(call: Callable[[], Awaitable[T]], policy: RetryPolicy, sleep=asyncio.sleep) -> T:
    for attempt in range(policy.attempts):
        last = attempt == policy.attempts - 1
        try:
            return await call()
        except TelegramRetryAfter as error:
            if last or error.retry_after > policy.longest_wait:
                raise
            log.warning("Telegram asks to wait %s s (flood control)", error.retry_after)
            await sleep(error.retry_after)
        except (TelegramNetworkError, TelegramServerError) as error:
            if last:
                raise
            delay = policy.backoff(attempt)
            log.warning("Telegram call failed (%s), retrying in %.1f s", type(error).__name__, delay)
            await sleep(delay)
    raise AssertionError("unreachable")


async def send(bot: Bot, message: Outgoing, policy: RetryPolicy) -> None:
    """Send every piece of one Outgoing; raises when Telegram still refuses after the retries."""
    for piece in pieces(message):
        try:
            await with_retries(
                lambda piece=piece: bot.send_message(
                    chat_id=int(message.chat_id), text=piece.text, reply_markup=piece.markup
                ),
                policy,
            )
        except TelegramRetryAfter as error:
            raise Deferred(error.retry_after) from error


class Lanes:
    """Updates of one chat run strictly in arrival order; different chats run side by side."""

    def __init__(self, limit: int = 64) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._waiting: dict[str, int] = {}
        self._slots = asyncio.Semaphore(limit)

    async def run(self, chat: str, work: Callable[[], Awaitable[T]]) -> T:
        lock = self._locks.setdefault(chat, asyncio.Lock())
        self._waiting[chat] = self._waiting.get(chat, 0) + 1
        try:
            async with lock:
                async with self._slots:
                    return await work()
        finally:
            self._waiting[chat] -= 1
            if not self._waiting[chat]:
                del self._waiting[chat], self._locks[chat]


async def typing_while(bot: Bot, chat_id: str, work: Awaitable[T], after: float = 0.8) -> T:
    """Show "typing…" when the work takes longer than a moment."""

    async def indicate() -> None:
        await asyncio.sleep(after)
        while True:
            try:
                await bot.send_chat_action(chat_id=int(chat_id), action="typing")
            except Exception:  # a cosmetic call must never break the answer
                log.debug("typing action failed", exc_info=True)
            await asyncio.sleep(4.5)  # Telegram shows the action for about 5 seconds

    indicator = asyncio.create_task(indicate())
    try:
        return await work
    finally:
        indicator.cancel()
        await asyncio.gather(indicator, return_exceptions=True)
