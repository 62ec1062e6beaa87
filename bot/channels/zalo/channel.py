"""The Zalo channel: no buttons, so every choice is a numbered reply; by long polling or webhook."""

from __future__ import annotations

import asyncio
import logging

import locales
from bot.channels.base import Capabilities
from bot.channels.platform_channel import PlatformChannel
from bot.channels.common import RetryPolicy, essential
from bot.channels.zalo import updates
from bot.channels.zalo.client import ZaloClient, ZaloError, retry_wait
from bot.settings import Settings
from bot.webhook import ANSWERED_HERE, image_url
from conversations.model import Media
from handlers.dispatcher import Dispatcher
from handlers.file_links import kept_file_url
from messaging.messages import Incoming, Outgoing
from messaging.plain import split_lines
from messaging.sender import Deferred, Failed, Undeliverable
from storage.db import Database

log = logging.getLogger(__name__)
LIMIT = 2000  # characters Zalo takes in one message
IN_FLIGHT = 64  # messages being handled at once; polling waits beyond that
QUOTA_WAIT = 60.0  # seconds before a chat whose quota ran out is tried again (Zalo gives no retry_after)
KNOWN_CHATS = 50_000  # chats whose kind is remembered (a group id looks like any other on Zalo)


class ZaloChannel(PlatformChannel):
    platform = "zalo"
    title = "Zalo"
    secret_header = "X-Bot-Api-Secret-Token"
    can = Capabilities(images=True, voice=True)  # images and voice by link (voice in private chats only)
    retry_wait = staticmethod(retry_wait)

    def __init__(self, settings: Settings, db: Database, dispatcher: Dispatcher, policy: RetryPolicy | None = None,
                 name: str = updates.CHANNEL):
        super().__init__(settings, db, dispatcher, policy, name)
        self.client = ZaloClient(settings.zalo_bot_token.get_secret_value(), settings.zalo_api_url)
        self.bot = updates.BotInfo("", "")
        self._groups: dict[str, bool] = {}  # chat id -> is a group, as its updates or its binding said
        self._slots = asyncio.Semaphore(IN_FLIGHT)

    # Starting and stopping.

    async def connect(self, register: bool) -> str:
        me = await essential(f"{self.name} getMe", self.retrying(self.client.get_me),
                             check="its token (ZALO_BOT_TOKEN or BOTS) and ZALO_API_URL")
        self.bot = updates.BotInfo(str(me.get("id", "")), str(me.get("display_name") or me.get("account_name") or ""))
        return f"bot {self.bot.name}"

    async def set_webhook(self) -> None:
        await self.client.set_webhook(self.webhook_url, self._secret.decode())

    async def delete_webhook(self) -> None:
        await self.client.delete_webhook()

    async def close(self) -> None:
        await self.client.close()

    # Receiving.

    async def poll(self, stop: asyncio.Event) -> None:
        """A message taken from Zalo cannot be fetched again (a poll has no offset): a stop finishes it."""
        failures = 0
        while not stop.is_set():
            await self._slots.acquire()  # released when the message is handled: bounded work in flight
            try:
                update = await self.client.get_updates()
                failures = 0
            except Exception as error:  # never let one bad answer stop the poller
                self._slots.release()
                failures += 1
                log.warning("Zalo getUpdates failed (%s)", type(error).__name__)
                await asyncio.sleep(self.policy.backoff(min(failures, 6)))
                continue
            if not isinstance(update, dict):
                self._slots.release()
                log.debug("Zalo long poll idle")
                continue
            self.spawn(self._polled(update)).add_done_callback(lambda _: self._slots.release())

    async def _polled(self, update: dict) -> None:
        try:
            await self.process(update)
        except ANSWERED_HERE as error:  # expected now and then: a line, not a traceback
            log.warning("Zalo update not handled (%s): %s", type(error).__name__, _describe(update))
        except Exception:
            log.exception("Zalo update failed: %s", _describe(update))

    def lane(self, update: dict) -> str:
        return updates.chat_of(update) or "-"

    async def parse(self, update: dict) -> Incoming | None:
        incoming = updates.incoming(update, self.bot, self.name, self.settings.zalo_bot_link or "")
        if incoming is not None:
            self._remember(incoming.chat_id, incoming.is_group)
        return incoming

    async def show_typing(self, chat_id: str) -> object:
        return await self.client.send_chat_action(chat_id, "typing")

    async def fetch(self, media: Media, limit: int) -> bytes:
        return await self.client.download(media.ref, limit)

    # Sending.

    async def flush_in_lane(self, chat_id: str, hold: frozenset[str] = frozenset()) -> int:
        if chat_id not in self._groups:
            async with self.db.transaction() as tx:
                bound = await tx.bound_chats.get(self.name, chat_id)
            self._remember(chat_id, bound is not None and bound[0].kind == "group")
        return await super().flush_in_lane(chat_id, hold)

    def _remember(self, chat_id: str, is_group: bool) -> None:
        if len(self._groups) >= KNOWN_CHATS:
            self._groups.clear()
        self._groups[chat_id] = is_group

    def is_group(self, chat_id: str) -> bool:
        return self._groups.get(chat_id, False)

    async def send(self, message: Outgoing) -> None:
        """An image by URL where the server is public, a person's photo or voice note passed on, then plain
        text with choices numbered, 2000 at a time.

        Zalo bots cannot send files: a document becomes a download link (or a word on where to get it).
        """
        steps = []
        base = self.settings.public_base_url
        if message.image and base:
            steps.append(lambda: self._photo(message.chat_id, image_url(base, message.image)))
        passed_on = self._passed_on(message)
        steps += passed_on
        text = self.text_of(message)
        if message.document:
            text = f"{text}\n\n{await self.document_line(message, base)}"
        elif message.media and not passed_on and base and message.media.get("token") and message.media.get("stored"):
            url = kept_file_url(base, message.media["token"])  # a file Zalo cannot show here: its link
            text = f"{text}\n{locales.render('file.kept', {'url': url}, message.locale)}"
        for piece in split_lines(text, LIMIT):
            steps.append(self.step(message.chat_id, lambda piece=piece: self.client.send_message(message.chat_id, piece)))
        await self.send_steps(message, steps)

    def _passed_on(self, message: Outgoing) -> list:
        """A photo, or a voice note into a private chat (Zalo takes voice there only, as an .aac link): by the
        bot's own link to its copy where the server is public (Zalo's links do not last), else by Zalo's own."""
        media = message.media or {}
        kind, base, token = media.get("kind"), self.settings.public_base_url, media.get("token")
        ours = bool(base and token and media.get("stored"))
        url = str(media.get("ref") or "") if media.get("channel") == self.name else ""
        if kind == "photo" and (ours or url.startswith("http")):
            link = kept_file_url(base, token) if ours else url
            return [lambda: self._photo(message.chat_id, link)]
        if kind in ("voice", "audio") and not self.is_group(message.chat_id):
            if ours and media.get("playable"):
                link = kept_file_url(base, token, playable=True)
            elif kind == "voice" and url.startswith("http"):
                link = url
            else:
                return []
            return [lambda: self._voice(message.chat_id, link)]
        return []

    async def _photo(self, chat_id: str, url: str) -> None:
        await self._media(chat_id, lambda: self.client.send_photo(chat_id, url), "image")

    async def _voice(self, chat_id: str, url: str) -> None:
        await self._media(chat_id, lambda: self.client.send_voice(chat_id, url), "voice message")

    async def _media(self, chat_id: str, call, what: str) -> None:
        try:
            await self.step(chat_id, call)()
        except ZaloError as error:
            if error.transient:
                raise
            log.warning("Zalo refused the %s (%s): sending the text alone", what, error.code)  # the text follows

    def classify(self, error: Exception, pieces_sent: int) -> Exception:
        """What the outbox should do with a message Zalo did not take."""
        if isinstance(error, ZaloError) and error.code == 429:
            return Deferred(QUOTA_WAIT, pieces_sent)
        if isinstance(error, ZaloError) and not error.transient:  # 4xx: this message will never be taken
            return Undeliverable(f"ZaloError {error.code}", gone=error.chat_gone)
        return Failed(type(error).__name__, pieces_sent)


def _describe(update: dict) -> str:
    message = update.get("message") if isinstance(update.get("message"), dict) else {}
    return f"event {update.get('event_name')!r}, message {message.get('message_id')!r}"
