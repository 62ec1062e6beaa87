"""What every platform channel needs: per-chat lanes, a retry policy with backoff and jitter, and which
platform calls the bot cannot serve without (essential) and which change nothing essential (cosmetic)."""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Awaitable, Callable, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class StartFailed(Exception):
    """A call the bot cannot serve without failed: the message names it, why, and what to check."""


async def essential(what: str, call: Awaitable[T], check: str = "") -> T:
    """Who the bot is, where its updates arrive: a failure stops the start, said in one line."""
    try:
        return await call
    except Exception as error:
        hint = f": check {check}" if check else ""
        raise StartFailed(f"{what} failed ({_said(error)}); the bot cannot serve without it{hint}") from error


async def cosmetic(what: str, call: Awaitable[object]) -> bool:
    """The command menu, "typing…": a failure is one warning and the bot goes on serving; False then."""
    try:
        await call
    except Exception as error:
        log.warning("%s failed (%s); the bot serves without it", what, _said(error))
        return False
    return True


def _said(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__


class RetryPolicy:
    def __init__(self, attempts: int = 5, base: float = 0.5, cap: float = 30.0, longest_wait: float = 120.0) -> None:
        self.attempts = attempts
        self.base = base
        self.cap = cap
        self.longest_wait = longest_wait  # a 429 asking for longer leaves the message to the outbox sender

    def backoff(self, attempt: int) -> float:
        """Full jitter: spreads retries of many chats so they do not hit the API together."""
        return random.uniform(0, min(self.cap, self.base * 2**attempt))


# How long to wait before trying a failed call again, in seconds; None: raise it (each platform's errors).
RetryWait = Callable[[Exception, int, "RetryPolicy"], "float | None"]


async def with_retries(call: Callable[[], Awaitable[T]], policy: RetryPolicy, wait: RetryWait, platform: str,
                       sleep=asyncio.sleep) -> T:
    """The call, tried again as `wait` says for the platform's error (a flood wait, the network, a 5xx)."""
    for attempt in range(policy.attempts):
        try:
            return await call()
        except Exception as error:
            delay = wait(error, attempt, policy)
            if delay is None or attempt == policy.attempts - 1:
                raise
            code = getattr(error, "code", None)  # the kind only: a message may quote a URL with the token
            kind = f"{type(error).__name__} {code}" if isinstance(code, int) else type(error).__name__
            log.warning("%s call failed (%s), retrying in %.1f s", platform, kind, delay)
            await sleep(delay)
    raise AssertionError("unreachable")


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
