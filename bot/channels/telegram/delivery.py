"""Sending to Telegram safely: 429 waits retry_after, network errors and 5xx back off with jitter."""

from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable, TypeVar

from aiogram import Bot
from aiogram.types import BufferedInputFile
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from bot.channels.common import RetryPolicy
from bot.channels.telegram.render import pieces
from handlers.messages import Outgoing
from reminders.outbox import Deferred, Failed, Undeliverable, send_in_steps

log = logging.getLogger(__name__)
T = TypeVar("T")


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


def classify(error: Exception, pieces_sent: int) -> Exception:
    """What the outbox should do with a message Telegram did not take."""
    if isinstance(error, TelegramRetryAfter):
        return Deferred(error.retry_after, pieces_sent)
    if isinstance(error, (TelegramForbiddenError, TelegramBadRequest)):  # blocked by the person, or malformed
        return Undeliverable(type(error).__name__)
    return Failed(type(error).__name__, pieces_sent)


async def send(
    bot: Bot,
    message: Outgoing,
    policy: RetryPolicy,
    image: bytes | None = None,
    document: tuple[bytes, str] | None = None,
) -> None:
    """The image and the document (uploaded), then every piece of the text; a retry resumes after what arrived."""
    chat_id = int(message.chat_id)
    steps = []
    if image is not None:
        upload = BufferedInputFile(image, filename="image.png")
        steps.append(lambda: with_retries(lambda: bot.send_photo(chat_id=chat_id, photo=upload), policy))
    if document is not None:
        attached = BufferedInputFile(document[0], filename=document[1])
        steps.append(lambda: with_retries(lambda: bot.send_document(chat_id=chat_id, document=attached), policy))
    for piece in pieces(message):
        steps.append(
            lambda piece=piece: with_retries(
                lambda: bot.send_message(chat_id=chat_id, text=piece.text, reply_markup=piece.markup), policy
            )
        )
    await send_in_steps(message, steps, classify)


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
