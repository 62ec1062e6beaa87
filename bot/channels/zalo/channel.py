"""The Zalo channel: no buttons, so every choice is a numbered reply; by long polling or webhook."""

from __future__ import annotations

import asyncio
import hmac
import logging
from dataclasses import replace
from urllib.parse import urlsplit

from aiohttp import web

import locales
from bot.channels.common import Lanes, RetryPolicy, cosmetic, essential
from bot.keeping import Keeper
from messaging.plain import plain_text, split_lines
from bot.channels.zalo import updates
from bot.channels.zalo.client import ZaloClient, ZaloError, with_retries
from bot.settings import Settings
from bot.webhook import ANSWERED_HERE, WebhookServer, image_url
from handlers.file_links import kept_file_url
from handlers.dispatcher import Dispatcher
from messaging.messages import Incoming, Outgoing
from messaging.leases import ChatLeases
from messaging.limits import Limits
from messaging.sender import Deferred, Failed, OutboxSender, SentMarks, Undeliverable, flush_chat, send_in_steps
from messaging.quiet import QuietHours
from storage.db import Database

log = logging.getLogger(__name__)
LIMIT = 2000  # characters Zalo takes in one message
TYPING_AFTER = 0.8
IN_FLIGHT = 64  # messages being handled at once; polling waits beyond that
DRAIN = 10.0  # seconds a stop waits for messages already taken from Zalo (they cannot be fetched again)
QUOTA_WAIT = 60.0  # seconds before a chat whose quota ran out is tried again (Zalo gives no retry_after)
KNOWN_CHATS = 50_000  # chats whose kind is remembered (a group id looks like any other on Zalo)


class ZaloChannel:
    def __init__(self, settings: Settings, db: Database, dispatcher: Dispatcher, policy: RetryPolicy | None = None,
                 name: str = updates.CHANNEL):
        self.name = name  # "zalo-<name>" for one of several bots (BOTS)
        self.settings = settings
        self.db = db
        self.dispatcher = dispatcher
        self.policy = policy or RetryPolicy()
        self.client = ZaloClient(settings.zalo_bot_token.get_secret_value(), settings.zalo_api_url)
        self.lanes = Lanes()
        self.bot = updates.BotInfo("", "")
        self.marks = SentMarks(db)
        self.leases = ChatLeases.for_database(db)  # several processes: one sends to a chat at a time
        self.limits = Limits(settings.rates("zalo"))
        self.outbox = OutboxSender(
            db, self.name, self.flush, quiet_hours=QuietHours.parse(settings.quiet_hours), tz=settings.tz
        )
        self._groups: dict[str, bool] = {}  # chat id -> is a group, as its updates or its binding said
        self._secret = settings.zalo_webhook_secret.get_secret_value().encode() if settings.zalo_webhook_secret else b""
        self._stop = asyncio.Event()
        self._tasks: set[asyncio.Task] = set()
        self._poller: asyncio.Task | None = None
        self._slots = asyncio.Semaphore(IN_FLIGHT)
        self.keeper = Keeper.from_settings(settings)

    @property
    def webhook_mode(self) -> bool:
        return bool(self.settings.zalo_webhook_url)

    def attach(self, server: WebhookServer) -> None:
        if self.webhook_mode:
            server.add_post(urlsplit(self.settings.zalo_webhook_url).path or "/", self.receive)

    async def start(self, register: bool = True) -> None:
        """`register`: tell Zalo the webhook (with N workers, only the first does)."""
        me = await essential(f"{self.name} getMe", with_retries(self.client.get_me, self.policy),
                             check="its token (ZALO_BOT_TOKEN or BOTS) and ZALO_API_URL")
        self.bot = updates.BotInfo(str(me.get("id", "")), str(me.get("display_name") or me.get("account_name") or ""))
        if not self.webhook_mode:  # polling and webhook are never active together
            await essential(f"{self.name} deleteWebhook", with_retries(self.client.delete_webhook, self.policy))
            self._poller = asyncio.create_task(self._poll())
        elif register:
            registered = with_retries(
                lambda: self.client.set_webhook(self.settings.zalo_webhook_url, self._secret.decode()), self.policy
            )
            await essential(f"{self.name} setWebhook", registered,
                            check="its webhook URL (ZALO_WEBHOOK_URL or BOTS)")
        self._spawn(self.outbox.run(self._stop))
        self.dispatcher.on_queued(self.name, lambda chat_id: self._spawn(self.flush(chat_id, self.outbox.held())))
        log.info("Zalo bot %s started (%s)", self.bot.name, "webhook" if self.webhook_mode else "long polling")

    async def stop(self) -> None:
        """Stop polling first; messages already taken from Zalo are finished (a poll has no offset to redo)."""
        self._stop.set()
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=DRAIN)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.client.close()

    def _spawn(self, coroutine) -> asyncio.Task:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # Receiving.

    async def _poll(self) -> None:
        failures = 0
        while not self._stop.is_set():
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
            self._spawn(self._process(update)).add_done_callback(lambda _: self._slots.release())

    async def receive(self, request: web.Request) -> web.Response:
        given = request.headers.get("X-Bot-Api-Secret-Token", "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning("Zalo webhook call with a wrong or missing secret from %s", request.remote)
            return web.json_response({"ok": False}, status=401)
        try:
            update = await request.json()
        except ValueError:
            return web.json_response({"ok": False, "error": "not JSON"}, status=400)
        if not isinstance(update, dict):
            return web.json_response({"ok": False, "error": "not an update"}, status=400)
        incoming = updates.incoming(update, self.bot, self.name, self.settings.zalo_bot_link or "")
        if incoming is None:
            return web.json_response({"ok": True})
        try:
            await self.lanes.run(incoming.chat_id, lambda: self._handle(incoming))
        except ANSWERED_HERE:  # the server answers with a line in the log (503: Zalo delivers it again)
            raise
        except Exception:  # nothing was stored: a 500 lets Zalo deliver it again
            log.exception("Zalo message %s failed", incoming.update_id)
            return web.json_response({"ok": False}, status=500)
        self._spawn(self.flush(incoming.chat_id))  # answer the platform now; sending waits its turn
        return web.json_response({"ok": True})

    async def _process(self, update: dict) -> None:
        try:
            incoming = updates.incoming(update, self.bot, self.name, self.settings.zalo_bot_link or "")
            if incoming is not None:
                await self.lanes.run(incoming.chat_id, lambda: self._handle_and_send(incoming))
        except ANSWERED_HERE as error:  # expected now and then: a line, not a traceback
            log.warning("Zalo update not handled (%s): %s", type(error).__name__, _describe(update))
        except Exception:
            log.exception("Zalo update failed: %s", _describe(update))

    async def _handle_and_send(self, incoming: Incoming) -> None:
        await self._handle(incoming)
        await self._flush_in_lane(incoming.chat_id)

    async def _handle(self, incoming: Incoming) -> list[Outgoing]:
        self._remember(incoming.chat_id, incoming.is_group)
        typing = asyncio.create_task(self._typing(incoming.chat_id))
        try:
            if incoming.media is not None and not incoming.is_group:  # initiatives are told in private chats
                media = incoming.media
                incoming = replace(incoming, media=await self.keeper.keep(
                    media, lambda limit: self.client.download(media.ref, limit)))
            return await self.dispatcher.handle(incoming)
        finally:
            typing.cancel()
            await asyncio.gather(typing, return_exceptions=True)

    async def _typing(self, chat_id: str) -> None:
        await asyncio.sleep(TYPING_AFTER)
        await cosmetic("Zalo sendChatAction", self.client.send_chat_action(chat_id, "typing"))

    # Sending.

    async def flush(self, chat_id: str, hold: frozenset[str] = frozenset()) -> int:
        return await self.lanes.run(chat_id, lambda: self._flush_in_lane(chat_id, hold))

    async def _flush_in_lane(self, chat_id: str, hold: frozenset[str] = frozenset()) -> int:
        if chat_id not in self._groups:
            async with self.db.transaction() as tx:
                bound = await tx.bound_chats.get(self.name, chat_id)
            self._remember(chat_id, bound is not None and bound[0].kind == "group")
        return await flush_chat(self.db, self.name, chat_id, self.send, hold=hold, marks=self.marks, leases=self.leases)

    def _remember(self, chat_id: str, is_group: bool) -> None:
        if len(self._groups) >= KNOWN_CHATS:
            self._groups.clear()
        self._groups[chat_id] = is_group

    async def _paced(self, chat_id: str, call):
        """The call, once the limits give the chat a slot (every attempt takes one)."""
        await self.limits.wait(chat_id, self._groups.get(chat_id, False))
        return await call()

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
        text = plain_text(message)
        if message.document:
            text = f"{text}\n\n{await self._document_line(message, base)}"
        elif message.media and not passed_on and base and message.media.get("token") and message.media.get("stored"):
            url = kept_file_url(base, message.media["token"])  # a file Zalo cannot show here: its link
            text = f"{text}\n{locales.render('file.kept', {'url': url}, message.locale)}"
        for piece in split_lines(text, LIMIT):
            steps.append(lambda piece=piece: with_retries(
                lambda: self._paced(message.chat_id, lambda: self.client.send_message(message.chat_id, piece)),
                self.policy,
            ))
        await send_in_steps(message, steps, classify)

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
        if kind in ("voice", "audio") and not self._groups.get(message.chat_id, False):
            if ours and media.get("playable"):
                link = kept_file_url(base, token, playable=True)
            elif kind == "voice" and url.startswith("http"):
                link = url
            else:
                return []
            return [lambda: self._voice(message.chat_id, link)]
        return []

    async def _document_line(self, message: Outgoing, base: str) -> str:
        async with self.db.transaction() as tx:
            stored = await tx.images.get(message.document)
        if stored is None or not base:
            return locales.render("file.elsewhere", {}, message.locale)
        params = {"name": stored.filename or "file", "url": image_url(base, message.document)}
        return locales.render("file.link", params, message.locale)

    async def _photo(self, chat_id: str, url: str) -> None:
        await self._media(chat_id, lambda: self.client.send_photo(chat_id, url), "image")

    async def _voice(self, chat_id: str, url: str) -> None:
        await self._media(chat_id, lambda: self.client.send_voice(chat_id, url), "voice message")

    async def _media(self, chat_id: str, call, what: str) -> None:
        try:
            await with_retries(lambda: self._paced(chat_id, call), self.policy)
        except ZaloError as error:
            if error.transient:
                raise
            log.warning("Zalo refused the %s (%s): sending the text alone", what, error.code)  # the text follows


def classify(error: Exception, pieces_sent: int) -> Exception:
    """What the outbox should do with a message Zalo did not take."""
    if isinstance(error, ZaloError) and error.code == 429:
        return Deferred(QUOTA_WAIT, pieces_sent)
    if isinstance(error, ZaloError) and not error.transient:  # 4xx: this message will never be taken
        return Undeliverable(f"ZaloError {error.code}", gone=error.chat_gone)
    return Failed(type(error).__name__, pieces_sent)


def _describe(update: dict) -> str:
    message = update.get("message") if isinstance(update.get("message"), dict) else {}
    return f"event {update.get('event_name')!r}, message {message.get('message_id')!r}"
