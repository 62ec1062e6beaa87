"""A chat platform's channel (Telegram, Zalo): the shared channel and what a platform adds to it.

Its sending limits and retries, the chat leases of several processes, the background sender, long polling
or a webhook whose secret is checked in constant time, and "typing…" while an answer takes a moment. The
platform supplies parse, send and classify, and its own start and stop (docs/adding-a-channel.md).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from typing import Any, Awaitable, Callable, ClassVar, TypeVar
from urllib.parse import urlsplit

from aiohttp import web

from bot.channels.base import DRAIN, Channel
from bot.channels.common import RetryPolicy, cosmetic, essential, with_retries
from bot.keeping import Keeper
from bot.settings import Settings
from bot.webhook import ANSWERED_HERE, WebhookServer
from handlers.dispatcher import Dispatcher
from messaging.leases import ChatLeases
from messaging.limits import Limits
from messaging.quiet import QuietHours
from messaging.sender import OutboxSender
from storage.db import Database

log = logging.getLogger(__name__)
T = TypeVar("T")
TYPING_AFTER = 0.8  # seconds: a quicker answer shows no "typing…"


class PlatformChannel(Channel):
    """A chat platform. Its settings are named after it: `<platform>_bot_token`, `_webhook_url`, `_webhook_secret`,
    and its limits `<platform>_messages_per_second`..."""

    platform: ClassVar[str]  # "telegram": the default name and the settings' prefix
    title: ClassVar[str]  # "Telegram": in the log
    secret_header: ClassVar[str]  # the header a webhook call carries the secret in
    ack: ClassVar[dict] = {"ok": True}  # the webhook's answer when nothing rides in it
    typing_every: ClassVar[float | None] = None  # seconds between "typing…" shown again; None: once

    def __init__(self, settings: Settings, db: Database, dispatcher: Dispatcher, policy: RetryPolicy | None = None,
                 name: str | None = None) -> None:
        super().__init__(name or self.platform, db, dispatcher, Keeper.from_settings(settings),
                         ChatLeases.for_database(db))
        self.settings = settings
        self.policy = policy or RetryPolicy()
        self.limits = Limits(settings.rates(self.platform))
        self.outbox = OutboxSender(
            db, self.name, self.flush, quiet_hours=QuietHours.parse(settings.quiet_hours), tz=settings.tz
        )
        secret = self._setting("webhook_secret")
        self._secret = secret.get_secret_value().encode() if secret else b""
        self._stop = asyncio.Event()
        self._background: list[asyncio.Task] = []  # polling and the outbox sender
        self._sending: asyncio.Task | None = None

    @classmethod
    def serves(cls, settings: Settings) -> bool:
        return cls._setting_of(settings, "bot_token") is not None

    @classmethod
    def _setting_of(cls, settings: Settings, what: str):
        return getattr(settings, f"{cls.platform}_{what}")

    def _setting(self, what: str):
        return self._setting_of(self.settings, what)

    @property
    def webhook_url(self) -> str:
        return self._setting("webhook_url") or ""

    # What a platform channel supplies besides parse, send and classify.

    async def connect(self, register: bool) -> str:
        """Who the bot is (an essential call), and with `register` what the platform shows of it; its name."""
        raise NotImplementedError

    async def poll(self, stop: asyncio.Event) -> None:
        raise NotImplementedError

    async def set_webhook(self) -> None:
        raise NotImplementedError

    async def delete_webhook(self) -> None:
        raise NotImplementedError

    def read(self, body: dict) -> Any | None:
        """A webhook body as the platform's update; None when it is not one."""
        return body

    def lane(self, update: Any) -> str:
        """The chat an update belongs to, before it is parsed."""
        raise NotImplementedError

    def retry_wait(self, error: Exception, attempt: int, policy: RetryPolicy) -> float | None:
        """Seconds to wait before calling again after `error`; None: give up at once."""
        return None

    def is_group(self, chat_id: str) -> bool:
        return False

    async def show_typing(self, chat_id: str) -> object:
        return None

    async def close(self) -> None:
        """Release the platform's client, after everything else stopped."""

    # Starting and stopping.

    async def start(self, register: bool = True) -> None:
        """`register`: tell the platform the commands and the webhook (with N workers, only the first does)."""
        who = await self.connect(register)
        if not self.webhook_url:  # updates cannot be polled while a webhook is set
            await essential(f"{self.name} deleteWebhook", self.retrying(self.delete_webhook))
            self._background.append(asyncio.create_task(self.poll(self._stop)))
        elif register:
            await essential(f"{self.name} setWebhook", self.retrying(self.set_webhook),
                            check=f"its webhook URL ({self.platform.upper()}_WEBHOOK_URL or BOTS)")
        self._sending = asyncio.create_task(self.outbox.run(self._stop))
        self._background.append(self._sending)
        self.dispatcher.on_queued(self.name, lambda chat_id: self.spawn(self.flush(chat_id, self.outbox.held())))
        log.info("%s %s started (%s)", self.title, who, "webhook" if self.webhook_url else "long polling")

    async def stop(self) -> None:
        """Stop receiving first; updates already taken and replies being sent are finished (within DRAIN)."""
        self._stop.set()
        sending = [self._sending] if self._sending is not None else []
        for task in self._background:  # a long poll holds no database call: cancelled at once
            if task not in sending:
                task.cancel()
        if sending:  # the sender ends at the stop, after its round under way: a database call cut short in its
            await asyncio.wait(sending, timeout=DRAIN)  # thread would answer a loop already gone
        for task in sending:
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        await self.drain()
        await self.close()

    # Receiving.

    def attach(self, server: WebhookServer) -> None:
        """Add the webhook route before the server starts (aiohttp freezes its routes then)."""
        if self.webhook_url:
            server.add_post(urlsplit(self.webhook_url).path or "/", self.receive)

    async def receive(self, request: web.Request) -> web.StreamResponse:
        given = request.headers.get(self.secret_header, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning("%s webhook call with a wrong or missing secret from %s", self.title, request.remote)
            return web.json_response({"ok": False}, status=401)
        try:
            body = await request.json()
            update = self.read(body) if isinstance(body, dict) else None
        except ValueError:
            update = None
        if update is None:
            return web.json_response({"ok": False, "error": "not an update"}, status=400)
        arrived = time.monotonic()  # the platform's patience runs from here, not from when the chat's lane is free
        return await self.lanes.run(self.lane(update), lambda: self.answer(request, update, arrived))

    async def answer(self, request: web.Request, update: Any, arrived: float) -> web.StreamResponse:
        """Handle the update in its lane and answer the platform; the replies are sent after, in their turn."""
        try:
            messages = await self.handle(update)
        except ANSWERED_HERE:  # the server answers with a line in the log (503: delivered again)
            raise
        except Exception:  # nothing was stored: a 500 lets the platform deliver it again
            log.exception("%s update failed", self.title)
            return web.json_response({"ok": False}, status=500)
        if messages:
            self.spawn(self.flush(messages[0].chat_id))
        return web.json_response(self.ack)

    async def process(self, update: Any) -> None:
        """Polling: handle, then send what the chat is owed, in its lane."""

        async def work() -> None:
            messages = await self.handle(update)
            if messages:
                await self.flush_in_lane(messages[0].chat_id)

        await self.lanes.run(self.lane(update), work)

    async def answering(self, chat_id: str, work: Awaitable[T]) -> T:
        """Show "typing…" when the work takes longer than a moment."""

        async def indicate() -> None:
            await asyncio.sleep(TYPING_AFTER)
            while await cosmetic(f"{self.title} sendChatAction", self.show_typing(chat_id)) and self.typing_every:
                await asyncio.sleep(self.typing_every)  # a failure is not tried again: a warning each time says nothing new

        indicator = asyncio.create_task(indicate())
        try:
            return await work
        finally:
            indicator.cancel()
            await asyncio.gather(indicator, return_exceptions=True)

    # Sending.

    def retrying(self, call: Callable[[], Awaitable[T]]) -> Awaitable[T]:
        return with_retries(call, self.policy, self.retry_wait, self.title)

    def step(self, chat_id: str, call: Callable[[], Awaitable[T]]) -> Callable[[], Awaitable[T]]:
        """One platform call of a message, retried; every attempt waits for the chat's slot in the limits."""

        async def paced() -> T:
            await self.limits.wait(chat_id, self.is_group(chat_id))
            return await call()

        return lambda: self.retrying(paced)
