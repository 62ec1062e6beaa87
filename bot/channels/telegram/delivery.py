"""Sending to Telegram safely: within the limits; 429 waits retry_after; network errors and 5xx back off."""

from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable, TypeVar

from aiogram import Bot
from aiogram.methods.base import Response
from aiogram.types import BufferedInputFile, Message
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from bot.channels.common import RetryPolicy, cosmetic
from bot.channels.telegram.render import pieces
from messaging.messages import Outgoing
from messaging.limits import Limits
from messaging.sender import Deferred, Failed, Moved, Undeliverable, send_in_steps

log = logging.getLogger(__name__)
T = TypeVar("T")
# aiogram builds Response[<result type>] for every answer and pydantic caches that class only weakly: held
# here, it is built once instead of again after every garbage collection (milliseconds each, in a broadcast).
ANSWERS = (Response[Message], Response[bool])


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


PASSED_ON = {"photo": "photo", "voice": "voice", "audio": "audio", "document": "document", "video": "video"}


def classify(error: Exception, pieces_sent: int) -> Exception:
    """What the outbox should do with a message Telegram did not take."""
    if isinstance(error, TelegramRetryAfter):
        return Deferred(error.retry_after, pieces_sent)
    if isinstance(error, TelegramMigrateToChat):  # the group became a supergroup, with a new id
        return Moved(str(error.migrate_to_chat_id))
    if isinstance(error, TelegramForbiddenError):  # blocked by the person, kicked from the group, not a member
        return Undeliverable(type(error).__name__, gone=True)
    if isinstance(error, TelegramBadRequest):  # malformed, or a chat that no longer exists
        return Undeliverable(type(error).__name__, gone="chat not found" in error.message.lower())
    return Failed(type(error).__name__, pieces_sent)


def is_group(chat_id: str) -> bool:
    return chat_id.startswith("-")  # groups, supergroups and channels have negative ids


def paced(limits: Limits | None, chat_id: str, call: Callable[[], Awaitable[T]]) -> Callable[[], Awaitable[T]]:
    """The call, once the limits give the chat a slot: every attempt, retries too, takes one."""

    async def when_allowed() -> T:
        if limits is not None:
            await limits.wait(chat_id, is_group(chat_id))
        return await call()

    return when_allowed


async def send(
    bot: Bot,
    message: Outgoing,
    policy: RetryPolicy,
    image: bytes | None = None,
    document: tuple[bytes, str] | None = None,
    limits: Limits | None = None,
    passed_on: tuple[str, str | BufferedInputFile] | None = None,
) -> None:
    """The image and the document (uploaded), a person's file passed on (`passed_on`: its kind and Telegram
    file id, a photo's link or an upload), then every piece of the text; a retry resumes after what arrived."""
    chat_id = int(message.chat_id)

    def step(call: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[object]]:
        return lambda: with_retries(paced(limits, message.chat_id, call), policy)

    def text(piece) -> Callable[[], Awaitable[object]]:
        return step(lambda: bot.send_message(chat_id=chat_id, text=piece.text, reply_markup=piece.markup))

    steps = []
    if image is not None:
        upload = BufferedInputFile(image, filename="image.png")
        steps.append(step(lambda: bot.send_photo(chat_id=chat_id, photo=upload)))
    if document is not None:
        attached = BufferedInputFile(document[0], filename=document[1])
        steps.append(step(lambda: bot.send_document(chat_id=chat_id, document=attached)))
    if passed_on is not None:
        kind, file = passed_on
        method = getattr(bot, f"send_{PASSED_ON[kind]}")

        async def pass_on() -> None:
            try:
                await method(chat_id, file)
            except TelegramBadRequest as error:  # a file Telegram will not take: the text still says what it was
                log.warning("Telegram refused a %s passed on (%s)", kind, error.message[:80])

        steps.append(step(pass_on))
    steps.extend(text(piece) for piece in pieces(message))
    await send_in_steps(message, steps, classify)


async def typing_while(bot: Bot, chat_id: str, work: Awaitable[T], after: float = 0.8) -> T:
    """Show "typing…" when the work takes longer than a moment."""

    async def indicate() -> None:
        await asyncio.sleep(after)
        while True:
            typing = bot.send_chat_action(chat_id=int(chat_id), action="typing")
            if not await cosmetic("Telegram sendChatAction", typing):
                return  # not tried again for this answer: a warning every 4.5 s would say nothing new
            await asyncio.sleep(4.5)  # Telegram shows the action for about 5 seconds

    indicator = asyncio.create_task(indicate())
    try:
        return await work
    finally:
        indicator.cancel()
        await asyncio.gather(indicator, return_exceptions=True)
