"""The Telegram channel: aiogram as a transport only (its Bot client and types), by polling or webhook."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import BotCommand, Update
from aiohttp import web
from pydantic import ValidationError

import locales
from bot.channels.base import Capabilities
from bot.channels.platform_channel import PlatformChannel
from bot.channels.common import RetryPolicy, cosmetic, essential
from bot.channels.telegram import delivery, updates
from bot.channels.telegram.polling import Poller
from bot.channels.telegram.webhook import TelegramWebhook
from bot.settings import Settings
from conversations.model import Media
from handlers import routes
from handlers.dispatcher import Dispatcher
from messaging.messages import Incoming, Outgoing
from storage.db import Database
from storage.files import FileTooLarge

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
ADMINS = ("creator", "administrator")


def make_bot(settings: Settings) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    return Bot(
        settings.telegram_bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode="HTML", link_preview_is_disabled=True),
    )


class TelegramChannel(PlatformChannel):
    platform = "telegram"
    title = "Telegram"
    secret_header = "X-Telegram-Bot-Api-Secret-Token"
    can = Capabilities(buttons=True, images=True, voice=True, documents=True)
    ack = {}
    typing_every = 4.5  # Telegram shows the action for about 5 seconds
    allowed_updates = ALLOWED_UPDATES  # my_chat_member: the bot removed from a group unbinds it at once
    retry_wait = staticmethod(delivery.retry_wait)
    classify = staticmethod(delivery.classify)

    def __init__(self, settings: Settings, db: Database, dispatcher: Dispatcher, policy: RetryPolicy | None = None,
                 name: str = updates.CHANNEL):
        super().__init__(settings, db, dispatcher, policy, name)
        self.bot = make_bot(settings)
        self.username = ""
        self.webhook = TelegramWebhook(db, self.marks, self.name, self.flush) if self.webhook_url else None

    # Starting and stopping.

    async def connect(self, register: bool) -> str:
        me = await essential(f"{self.name} getMe", self.retrying(self.bot.get_me),
                             check="its token (TELEGRAM_BOT_TOKEN or BOTS) and TELEGRAM_API_URL")
        self.username = me.username or ""
        if register:
            await cosmetic(f"{self.name} setMyCommands (the command menu)", self._set_commands())
        return f"@{self.username}"

    async def _set_commands(self) -> None:
        for language in (None, "vi", "en"):
            locale = language or self.settings.default_locale
            commands = [BotCommand(command=word, description=locales.render(key, {}, locale)) for word, key in routes.LISTED]
            await self.retrying(
                lambda commands=commands, language=language: self.bot.set_my_commands(commands, language_code=language)
            )

    async def poll(self, stop: asyncio.Event) -> None:
        await Poller(self.bot, self.process, self.policy, ALLOWED_UPDATES).run(stop)

    async def set_webhook(self) -> None:
        await self.bot.set_webhook(url=self.webhook_url, secret_token=self._secret.decode(),
                                   allowed_updates=self.allowed_updates)

    async def delete_webhook(self) -> None:
        await self.bot.delete_webhook(drop_pending_updates=False)

    async def close(self) -> None:
        if self.webhook is not None:
            await self.webhook.drain()
        await self.bot.session.close()

    # Receiving.

    def read(self, body: dict) -> Update | None:
        try:
            return Update.model_validate(body, context={"bot": self.bot})
        except (ValueError, ValidationError):
            return None

    def lane(self, update: Update) -> str:
        return updates.chat_of(update) or f"update:{update.update_id}"

    async def answer(self, request: web.Request, update: Update, arrived: float) -> web.StreamResponse:
        return await self.webhook.answer(request, update, self.handle, arrived)

    async def parse(self, update: Update) -> Incoming | None:
        query = update.callback_query
        if query is not None:
            await self._settle_callback(query)
        if update.my_chat_member is not None:
            if update.my_chat_member.new_chat_member.status in ("left", "kicked"):
                await self.dispatcher.chat_gone(self.name, str(update.my_chat_member.chat.id))
            return None
        incoming = updates.incoming(update, self.username, self.name)
        if incoming is not None and incoming.is_group and incoming.command in routes.FOR_GROUP_ADMINS:
            incoming = replace(incoming, chat_admin=await self._is_chat_admin(incoming))
        return incoming

    async def show_typing(self, chat_id: str) -> object:
        return await self.bot.send_chat_action(chat_id=int(chat_id), action="typing")

    async def fetch(self, media: Media, limit: int) -> bytes:
        """getFile, then the file itself (Telegram lets a bot download up to 20 MB)."""
        file = await self.retrying(lambda: self.bot.get_file(media.ref))
        if (file.file_size or 0) > limit:
            raise FileTooLarge(limit)
        buffer = await self.retrying(lambda: self.bot.download_file(file.file_path, timeout=120))
        return buffer.getvalue()

    async def _is_chat_admin(self, incoming: Incoming) -> bool | None:
        """Whether the sender administers the group; None when Telegram cannot say now (our roles decide)."""
        try:
            member = await self.retrying(lambda: self.bot.get_chat_member(int(incoming.chat_id), int(incoming.user_id)))
        except Exception as error:
            log.warning("getChatMember failed (%s): the group admin check is skipped", type(error).__name__)
            return None
        return member.status in ADMINS

    async def _settle_callback(self, query) -> None:
        """Always answered (or the button spins); its buttons removed, so a double tap does nothing twice."""
        try:
            await self.bot.answer_callback_query(query.id)
            if query.message is not None:
                await self.bot.edit_message_reply_markup(
                    chat_id=query.message.chat.id, message_id=query.message.message_id, reply_markup=None
                )
        except Exception as error:  # cosmetic: the choice itself is still handled
            log.debug("settling a callback failed: %s", type(error).__name__)

    # Sending.

    def is_group(self, chat_id: str) -> bool:
        return delivery.is_group(chat_id)

    async def send(self, message: Outgoing) -> None:
        image = document = None
        if message.image or message.document:
            async with self.db.transaction() as tx:
                stored = await tx.images.get(message.image) if message.image else None
                file = await tx.images.get(message.document) if message.document else None
            image = stored.data if stored else None
            document = (file.data, file.filename or "file") if file else None
        passed_on = await delivery.passed_on(message, self.name, self.keeper)
        step = lambda call: self.step(message.chat_id, call)  # noqa: E731
        await self.send_steps(message, delivery.steps(self.bot, message, step, image, document, passed_on))
