"""Sending to Telegram: the calls one Outgoing takes, and what Telegram's errors mean (429 waits retry_after;
network errors and 5xx back off; blocked or kicked: the chat is gone; a new supergroup id: it moved)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Awaitable, Callable

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods.base import Response
from aiogram.types import BufferedInputFile, Message

from bot.channels.common import RetryPolicy
from bot.channels.telegram.render import pieces
from bot.keeping import Keeper, as_voice_note
from messaging.messages import Outgoing
from messaging.sender import Deferred, Failed, Moved, Step, Undeliverable

log = logging.getLogger(__name__)
# aiogram builds Response[<result type>] for every answer and pydantic caches that class only weakly: held
# here, it is built once instead of again after every garbage collection (milliseconds each, in a broadcast).
ANSWERS = (Response[Message], Response[bool])
PASSED_ON = {"photo": "photo", "voice": "voice", "audio": "audio", "document": "document", "video": "video"}
Paced = Callable[[Callable[[], Awaitable[object]]], Step]  # a call made one step: paced and retried


def retry_wait(error: Exception, attempt: int, policy: RetryPolicy) -> float | None:
    if isinstance(error, TelegramRetryAfter):  # flood control; a longer wait leaves the message to the outbox
        return error.retry_after if error.retry_after <= policy.longest_wait else None
    if isinstance(error, (TelegramNetworkError, TelegramServerError)):
        return policy.backoff(attempt)
    return None


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


def steps(
    bot: Bot,
    message: Outgoing,
    step: Paced,
    image: bytes | None = None,
    document: tuple[bytes, str] | None = None,
    passed_on: tuple[str, str | BufferedInputFile] | None = None,
) -> list[Step]:
    """The image and the document (uploaded), a person's file passed on (`passed_on`: its kind and Telegram
    file id, a photo's link or an upload), then every piece of the text."""
    chat_id = int(message.chat_id)
    calls = []
    if image is not None:
        upload = BufferedInputFile(image, filename="image.png")
        calls.append(step(lambda: bot.send_photo(chat_id=chat_id, photo=upload)))
    if document is not None:
        attached = BufferedInputFile(document[0], filename=document[1])
        calls.append(step(lambda: bot.send_document(chat_id=chat_id, document=attached)))
    if passed_on is not None:
        kind, file = passed_on
        method = getattr(bot, f"send_{PASSED_ON[kind]}")

        async def pass_on() -> None:
            try:
                await method(chat_id, file)
            except TelegramBadRequest as error:  # a file Telegram will not take: the text still says what it was
                log.warning("Telegram refused a %s passed on (%s)", kind, error.message[:80])

        calls.append(step(pass_on))
    for piece in pieces(message):
        calls.append(step(lambda piece=piece: bot.send_message(chat_id=chat_id, text=piece.text,
                                                               reply_markup=piece.markup)))
    return calls


async def passed_on(message: Outgoing, channel: str, keeper: Keeper) -> tuple[str, str | BufferedInputFile] | None:
    """A file a person sent, passed on: by file id when this bot received it, else the bot's own copy uploaded
    (a voice note as OGG/Opus, the one format Telegram plays as voice); a photo kept by link only (Zalo's) by
    that link."""
    media = message.media or {}
    kind, ref = media.get("kind"), str(media.get("ref") or "")
    if kind not in PASSED_ON:
        return None
    if media.get("channel") == channel:
        return kind, ref
    data = await keeper.store.get(media["stored"]) if media.get("stored") else None
    if data is None:
        return (kind, ref) if kind == "photo" and ref.startswith("https://") else None
    name = media.get("filename") or Path(media["stored"]).name
    if kind == "voice":
        try:
            data = await asyncio.to_thread(as_voice_note, data) or data
            name = f"{Path(name).stem}.ogg"
        except Exception as error:  # not audio PyAV reads: it goes as a file the officer can still open
            log.warning("a voice note could not be made OGG/Opus (%s): sent as audio", type(error).__name__)
            kind = "audio"
    return kind, BufferedInputFile(data, filename=name)
