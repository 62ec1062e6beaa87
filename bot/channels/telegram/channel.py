"""The Telegram channel: aiogram as a transport only (its Bot client and types), by polling or webhook."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from urllib.parse import urlsplit

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import BotCommand, Update
from aiohttp import web
from pydantic import ValidationError

import locales
from bot.channels.telegram import updates
from bot.channels.telegram.delivery import Lanes, RetryPolicy, send, typing_while, with_retries
from bot.channels.telegram.render import pieces
from bot.settings import Settings
from bot.webhook import WebhookServer
from handlers.dispatcher import Dispatcher
from handlers.messages import Outgoing
from reminders.outbox import OutboxSender
from storage.db import Database

log = logging.getLogger(__name__)
COMMANDS = ("start", "new", "mine", "help", "language")
ALLOWED_UPDATES = ["message", "callback_query"]


def make_bot(settings: Settings) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    return Bot(
        settings.telegram_bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode="HTML", link_preview_is_disabled=True),
    )


class TelegramChannel:
    name = updates.CHANNEL

    def __init__(self, settings: Settings, db: Database, dispatcher: Dispatcher, policy: RetryPolicy | None = None):
        self.settings = settings
        self.db = db
        self.dispatcher = dispatcher
        self.policy = policy or RetryPolicy()
        self.bot = make_bot(settings)
        self.lanes = Lanes()
        self.username = ""
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        self.outbox = OutboxSender(db, self.name, self.deliver_one)

    @property
    def webhook_mode(self) -> bool:
        return bool(self.settings.telegram_webhook_url)

    async def start(self, server: WebhookServer | None = None) -> None:
        me = await with_retries(self.bot.get_me, self.policy)
        self.username = me.username or ""
        await self._set_commands()
        if self.webhook_mode:
            if server is None:
                raise RuntimeError("webhook mode needs the webhook server")
            server.add_post(urlsplit(self.settings.telegram_webhook_url).path or "/", self.webhook)
            await with_retries(
                lambda: self.bot.set_webhook(
                    url=self.settings.telegram_webhook_url,
                    secret_token=self.settings.telegram_webhook_secret.get_secret_value(),
                    allowed_updates=ALLOWED_UPDATES,
                ),
                self.policy,
            )
        else:
            await with_retries(lambda: self.bot.delete_webhook(drop_pending_updates=False), self.policy)
            self._tasks.append(asyncio.create_task(self._poll()))
        self._tasks.append(asyncio.create_task(self.outbox.run(self._stop)))
        log.info("Telegram @%s started (%s)", self.username, "webhook" if self.webhook_mode else "long polling")

    async def stop(self) -> None:
        self._stop.set()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.bot.session.close()

    async def _set_commands(self) -> None:
        for language in (None, "vi", "en"):
            locale = language or self.settings.default_locale
            commands = [BotCommand(command=c, description=locales.render(f"commands.{c}", {}, locale)) for c in COMMANDS]
            await with_retries(
                lambda commands=commands, language=language: self.bot.set_my_commands(commands, language_code=language),
                self.policy,
            )

    # Handling, in both modes.

    async def handle(self, update: Update) -> list[Outgoing]:
        if update.callback_query is not None:  # always answered, or the button keeps spinning
            try:
                await self.bot.answer_callback_query(update.callback_query.id)
            except Exception:
                log.debug("answerCallbackQuery failed", exc_info=True)
        incoming = updates.incoming(update, self.username)
        if incoming is None:
            return []
        return await typing_while(self.bot, incoming.chat_id, self.dispatcher.handle(incoming))

    async def deliver(self, messages: list[Outgoing]) -> None:
        """Send in order; what still fails stays in the outbox for the sender."""
        for message in messages:
            try:
                await self.deliver_one(message)
            except Exception as error:
                log.warning("reply to chat %s left in the outbox: %s", message.chat_id, type(error).__name__)
                return
            await self.dispatcher.delivered([message])

    async def deliver_one(self, message: Outgoing) -> None:
        await send(self.bot, message, self.policy)

    # Long polling.

    async def _poll(self) -> None:
        offset: int | None = None
        failures = 0
        while not self._stop.is_set():
            try:
                batch = await self.bot.get_updates(offset=offset, timeout=25, allowed_updates=ALLOWED_UPDATES)
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as error:
                failures += 1
                log.warning("getUpdates failed (%s)", type(error).__name__)
                await asyncio.sleep(self.policy.backoff(min(failures, 6)))
                continue
            # The batch is confirmed (next offset) only once handled: a crash re-delivers, ProcessedUpdate de-duplicates.
            await asyncio.gather(*(self._lane(update) for update in batch))
            if batch:
                offset = batch[-1].update_id + 1

    async def _lane(self, update: Update) -> None:
        chat = updates.chat_of(update) or f"update:{update.update_id}"
        try:
            await self.lanes.run(chat, lambda: self._handle_and_deliver(update))
        except Exception:
            log.exception("update %s failed", update.update_id)

    async def _handle_and_deliver(self, update: Update) -> None:
        await self.deliver(await self.handle(update))

    # Webhook.

    async def webhook(self, request: web.Request) -> web.Response:
        secret = self.settings.telegram_webhook_secret.get_secret_value().encode()
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "").encode()
        if not hmac.compare_digest(given, secret):
            log.warning("webhook call with a wrong or missing secret from %s", request.remote)
            return web.json_response({"ok": False}, status=401)
        try:
            update = Update.model_validate(await request.json(), context={"bot": self.bot})
        except (ValueError, ValidationError):
            return web.json_response({"ok": False, "error": "not an update"}, status=400)
        chat = updates.chat_of(update) or f"update:{update.update_id}"
        return await self.lanes.run(chat, lambda: self._answer(update))

    async def _answer(self, update: Update) -> web.Response:
        messages = await self.handle(update)
        inline = self._as_webhook_reply(messages)
        if inline is None:
            await self.deliver(messages)
            return web.json_response({})
        await self.dispatcher.delivered(messages)  # Telegram takes it with the response
        return web.Response(text=json.dumps(inline, ensure_ascii=False), content_type="application/json")

    @staticmethod
    def _as_webhook_reply(messages: list[Outgoing]) -> dict | None:
        """One message of one piece goes back in the webhook response itself: no extra round trip."""
        if len(messages) != 1:
            return None
        parts = pieces(messages[0])
        if len(parts) != 1:
            return None
        reply = {"method": "sendMessage", "chat_id": int(messages[0].chat_id), "text": parts[0].text}
        reply["parse_mode"] = "HTML"
        if parts[0].markup is not None:
            reply["reply_markup"] = parts[0].markup.model_dump(exclude_none=True, mode="json")
        return reply
