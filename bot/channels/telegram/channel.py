"""The Telegram channel: aiogram as a transport only (its Bot client and types), by polling or webhook."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import BotCommand, BufferedInputFile, Update

import locales
from bot.channels.telegram import updates
from bot.channels.common import Lanes, RetryPolicy, cosmetic, essential
from bot.keeping import Keeper, as_voice_note
from bot.channels.telegram.delivery import PASSED_ON, send, typing_while, with_retries
from bot.channels.telegram.polling import Poller
from bot.channels.telegram.webhook import TelegramWebhook
from bot.settings import Settings
from bot.webhook import WebhookServer
from handlers import routes
from handlers.dispatcher import Claim, Dispatcher
from messaging.messages import Outgoing
from messaging.leases import ChatLeases
from messaging.limits import Limits
from messaging.sender import OutboxSender, SentMarks, flush_chat
from messaging.quiet import QuietHours
from storage.db import Database
from storage.files import FileTooLarge

log = logging.getLogger(__name__)
COMMANDS = ("start", "new", "mine", "help", "language")
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
ADMINS = ("creator", "administrator")


def make_bot(settings: Settings) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    return Bot(
        settings.telegram_bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode="HTML", link_preview_is_disabled=True),
    )


class TelegramChannel:
    allowed_updates = ALLOWED_UPDATES  # my_chat_member: the bot removed from a group unbinds it at once

    def __init__(self, settings: Settings, db: Database, dispatcher: Dispatcher, policy: RetryPolicy | None = None,
                 name: str = updates.CHANNEL):
        self.name = name  # "telegram-<name>" for one of several bots (BOTS)
        self.settings = settings
        self.db = db
        self.dispatcher = dispatcher
        self.policy = policy or RetryPolicy()
        self.bot = make_bot(settings)
        self.lanes = Lanes()
        self.username = ""
        self.marks = SentMarks(db)
        self.leases = ChatLeases.for_database(db)  # several processes: one sends to a chat at a time
        self.limits = Limits(settings.rates("telegram"))
        self.outbox = OutboxSender(
            db, self.name, self.flush, quiet_hours=QuietHours.parse(settings.quiet_hours), tz=settings.tz
        )
        self.webhook = TelegramWebhook(self) if settings.telegram_webhook_url else None
        self.keeper = Keeper.from_settings(settings)
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task] = []

    def attach(self, server: WebhookServer) -> None:
        """Add the webhook route before the server starts (aiohttp freezes its routes then)."""
        if self.webhook is not None:
            server.add_post(urlsplit(self.settings.telegram_webhook_url).path or "/", self.webhook.receive)

    async def start(self, register: bool = True) -> None:
        """`register`: tell Telegram the commands and the webhook (with N workers, only the first does)."""
        me = await essential(f"{self.name} getMe", with_retries(self.bot.get_me, self.policy),
                             check="its token (TELEGRAM_BOT_TOKEN or BOTS) and TELEGRAM_API_URL")
        self.username = me.username or ""
        if register:
            await cosmetic(f"{self.name} setMyCommands (the command menu)", self._set_commands())
        if self.webhook is None:  # updates cannot be polled while a webhook is set
            deleted = with_retries(lambda: self.bot.delete_webhook(drop_pending_updates=False), self.policy)
            await essential(f"{self.name} deleteWebhook", deleted)
            poller = Poller(self.bot, self.process, self.policy, ALLOWED_UPDATES)
            self._tasks.append(asyncio.create_task(poller.run(self._stop)))
        elif register:
            await essential(f"{self.name} setWebhook", self.webhook.register(),
                            check="its webhook URL (TELEGRAM_WEBHOOK_URL or BOTS)")
        self._tasks.append(asyncio.create_task(self.outbox.run(self._stop)))
        self.dispatcher.on_queued(self.name, lambda chat_id: self.spawn(self.flush(chat_id, self.outbox.held())))
        log.info("Telegram @%s started (%s)", self.username, "webhook" if self.webhook else "long polling")

    async def stop(self) -> None:
        self._stop.set()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.webhook is not None:
            await self.webhook.drain()
        await self.bot.session.close()

    async def _set_commands(self) -> None:
        for language in (None, "vi", "en"):
            locale = language or self.settings.default_locale
            commands = [BotCommand(command=c, description=locales.render(f"commands.{c}", {}, locale)) for c in COMMANDS]
            await with_retries(
                lambda commands=commands, language=language: self.bot.set_my_commands(commands, language_code=language),
                self.policy,
            )

    async def handle(self, update: Update, claim: Claim | None = None) -> list[Outgoing]:
        """The replies to one update, already in the outbox (the caller holds the chat's lane);
        `claim` runs in the update's transaction (see Dispatcher.handle)."""
        query = update.callback_query
        if query is not None:
            await self._settle_callback(query)
        if update.my_chat_member is not None:
            if update.my_chat_member.new_chat_member.status in ("left", "kicked"):
                await self.dispatcher.chat_gone(self.name, str(update.my_chat_member.chat.id))
            return []
        incoming = updates.incoming(update, self.username, self.name)
        if incoming is None:
            return []
        if incoming.is_group and incoming.command in routes.FOR_GROUP_ADMINS:
            incoming = replace(incoming, chat_admin=await self._is_chat_admin(incoming))
        return await typing_while(self.bot, incoming.chat_id, self._kept_then_handled(incoming, claim))

    async def _kept_then_handled(self, incoming, claim: Claim | None) -> list[Outgoing]:
        if incoming.media is not None and not incoming.is_group:  # initiatives are told in private chats
            media = incoming.media
            incoming = replace(incoming, media=await self.keeper.keep(media, lambda limit: self._download(media.ref, limit)))
        return await self.dispatcher.handle(incoming, claim)

    async def _download(self, file_id: str, limit: int) -> bytes:
        """getFile, then the file itself (Telegram lets a bot download up to 20 MB)."""
        file = await with_retries(lambda: self.bot.get_file(file_id), self.policy)
        if (file.file_size or 0) > limit:
            raise FileTooLarge(limit)
        buffer = await with_retries(lambda: self.bot.download_file(file.file_path, timeout=120), self.policy)
        return buffer.getvalue()

    async def _is_chat_admin(self, incoming) -> bool | None:
        """Whether the sender administers the group; None when Telegram cannot say now (our roles decide)."""
        try:
            member = await with_retries(
                lambda: self.bot.get_chat_member(int(incoming.chat_id), int(incoming.user_id)), self.policy
            )
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

    async def process(self, update: Update) -> None:
        """Polling: handle, then send what the chat is owed, in its lane."""
        chat = updates.chat_of(update) or f"update:{update.update_id}"

        async def work() -> None:
            messages = await self.handle(update)
            if messages:
                await self._flush_in_lane(messages[0].chat_id)

        await self.lanes.run(chat, work)

    async def flush(self, chat_id: str, hold: frozenset[str] = frozenset()) -> int:
        return await self.lanes.run(chat_id, lambda: self._flush_in_lane(chat_id, hold))

    async def _flush_in_lane(self, chat_id: str, hold: frozenset[str] = frozenset()) -> int:
        return await flush_chat(self.db, self.name, chat_id, self.send, hold=hold, marks=self.marks, leases=self.leases)

    async def send(self, message: Outgoing) -> None:
        image = document = None
        if message.image or message.document:
            async with self.db.transaction() as tx:
                stored = await tx.images.get(message.image) if message.image else None
                file = await tx.images.get(message.document) if message.document else None
            image = stored.data if stored else None
            document = (file.data, file.filename or "file") if file else None
        await send(self.bot, message, self.policy, image, document, self.limits, await self._passed_on(message))

    async def _passed_on(self, message: Outgoing) -> tuple[str, str | BufferedInputFile] | None:
        """A file a person sent, passed on: by file id when this bot received it, else the bot's own copy
        uploaded (a voice note as OGG/Opus, the one format Telegram plays as voice); a photo kept by link only
        (Zalo's) by that link."""
        media = message.media or {}
        kind, ref = media.get("kind"), str(media.get("ref") or "")
        if kind not in PASSED_ON:
            return None
        if media.get("channel") == self.name:
            return kind, ref
        data = await self.keeper.store.get(media["stored"]) if media.get("stored") else None
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

    def spawn(self, coroutine) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.append(task)
        task.add_done_callback(lambda done: self._tasks.remove(done) if done in self._tasks else None)
