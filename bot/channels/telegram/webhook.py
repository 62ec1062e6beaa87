"""Telegram's webhook: a quick single reply rides in the response (the secret is checked by the channel base)."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from datetime import timedelta
from typing import Awaitable, Callable

from aiogram.types import Update
from aiohttp import web

from bot.channels.telegram.render import pieces
from bot.webhook import written
from handlers.dispatcher import Claim
from messaging.marks import SentMarks
from messaging.messages import Outgoing
from storage.db import Database
from storage.models import utcnow

log = logging.getLogger(__name__)
QUICK = 5.0  # seconds: later than this, Telegram may already be giving up on the request
HOLD = timedelta(seconds=30)  # no sender takes a reply while its response is written (a crash ends the hold)
Handle = Callable[[Update, Claim], Awaitable[list[Outgoing]]]


class TelegramWebhook:
    """The reply in the response: claimed in the update's transaction when it is all the chat is owed."""

    def __init__(self, db: Database, marks: SentMarks, channel: str, flush: Callable[[str], Awaitable[int]]) -> None:
        self.db = db
        self.marks = marks  # the channel's: a reply written in time is marked with the others going at that moment
        self.channel = channel
        self.flush = flush
        self._in_flight: set[asyncio.Task] = set()

    async def drain(self) -> None:
        await asyncio.gather(*self._in_flight, return_exceptions=True)

    async def answer(self, request: web.Request, update: Update, handle: Handle, arrived: float) -> web.StreamResponse:
        """`handle(update, claim)` in the chat's lane; `arrived`: when the request came (time.monotonic)."""
        inline: list[tuple[Outgoing, dict]] = []

        async def claim(tx, messages: list[Outgoing]) -> None:
            inline.clear()  # a retried transaction claims again
            reply = as_webhook_reply(messages[0]) if len(messages) == 1 else None
            if reply is not None and time.monotonic() - arrived < QUICK and await self._claim(tx, messages[0]):
                inline.append((messages[0], reply))

        messages = await handle(update, claim)
        if inline:
            return await self._in_response(request, *inline[0], arrived)
        if messages:  # answer Telegram now; the sending waits its turn in the chat's lane
            self._flush_later(messages[0].chat_id)
        return web.json_response({})

    async def _in_response(self, request: web.Request, message: Outgoing, reply: dict, arrived: float) -> web.StreamResponse:
        """Write the response carrying the reply, then count the reply as sent. A response that could not be
        written lets the reply go by the API instead; one written too late stays marked as given in a response,
        so that a redelivery of its update (Telegram gave up on the request) serves it again."""
        response = web.Response(text=json.dumps(reply, ensure_ascii=False), content_type="application/json")
        try:
            await response.prepare(request)
            await response.write_eof()
        except (ConnectionError, RuntimeError) as error:  # Telegram closed the connection: it gave up on us
            log.info("a webhook response could not be written (%s): its reply goes by the API", type(error).__name__)
            async with self.db.transaction() as tx:
                await tx.outbox.let_go([message.outbox_id])
            self._flush_later(message.chat_id)
            return response
        written(request, response)
        in_time = time.monotonic() - arrived < QUICK
        try:  # shielded: the request's time running out must not leave the reply held
            await asyncio.shield(self._mark(message.outbox_id, in_time))
        except asyncio.CancelledError:  # out of time: the marking goes on by itself, the response stands
            pass
        except Exception as error:  # the reply went; unmarked, the sender sends it again once its hold ends
            log.warning("a reply given in a webhook response was not marked sent (%s)", type(error).__name__)
        return response

    async def _mark(self, outbox_id: int, in_time: bool) -> None:
        if in_time:  # one transaction marks the replies of every update answered meanwhile
            await self.marks.mark(outbox_id)
            return
        async with self.db.transaction() as tx:
            await tx.outbox.mark_answered(outbox_id)

    def _flush_later(self, chat_id: str) -> None:
        task = asyncio.create_task(self.flush(chat_id))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    async def _claim(self, tx, message: Outgoing) -> bool:
        """Hold the reply for the response when it is all the chat is owed: then no sender, in this process or
        another, has anything of this chat's to send before it (OutboxRepository.hold_for_response)."""
        return await tx.outbox.hold_for_response(message.outbox_id, self.channel, message.chat_id, utcnow() + HOLD)


def as_webhook_reply(message: Outgoing) -> dict | None:
    """The sendMessage call as a webhook response body, when the message is a single piece of text alone."""
    parts = pieces(message)
    if len(parts) != 1 or message.image or message.document or message.media:
        return None
    reply = {
        "method": "sendMessage",
        "chat_id": int(message.chat_id),
        "text": parts[0].text,
        "parse_mode": "HTML",
        "link_preview_options": {"is_disabled": True},
    }
    if parts[0].markup is not None:
        reply["reply_markup"] = parts[0].markup.model_dump(exclude_none=True, mode="json")
    return reply
