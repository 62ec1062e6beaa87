"""What every channel (kênh) shares, the terminal chat's too; a channel supplies parse, send and classify.

Per-chat lanes, sending from the outbox with what the platform took written down (sent marks), a person's
file kept before the update is handled, and what the channel can show. A chat platform's channel adds its
limits, retries, polling or webhook and background sender (bot/channels/platform_channel.py).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from typing import Any, Awaitable, ClassVar, TypeVar

import locales
from bot.channels.common import Lanes
from bot.keeping import Keeper
from bot.webhook import image_url
from conversations.model import Media
from handlers.dispatcher import Claim, Dispatcher
from messaging.leases import NO_LEASES, ChatLeases
from messaging.messages import Incoming, Outgoing
from messaging.plain import plain_text
from messaging.sender import Failed, SentMarks, Step, flush_chat, send_in_steps
from storage.db import Database

T = TypeVar("T")
DRAIN = 10.0  # seconds a stop waits for updates already taken and replies being sent


@dataclass(frozen=True)
class Capabilities:
    """What a channel can show. The rest is degraded by the shared renderer: choices become a numbered list
    (messaging/plain.py), a document a download link (`Channel.document_line`)."""

    buttons: bool = False
    images: bool = False
    voice: bool = False
    documents: bool = False


class Channel:
    can: ClassVar[Capabilities] = Capabilities()

    def __init__(self, name: str, db: Database, dispatcher: Dispatcher, keeper: Keeper | None = None,
                 leases: ChatLeases = NO_LEASES) -> None:
        self.name = name  # "telegram", or "telegram-<name>" for one of several bots (BOTS)
        self.db = db
        self.dispatcher = dispatcher
        self.keeper = keeper
        self.lanes = Lanes()
        self.marks = SentMarks(db)
        self.leases = leases  # several processes: one sends to a chat at a time
        self._tasks: set[asyncio.Task] = set()

    # What a channel supplies.

    async def parse(self, update: Any) -> Incoming | None:
        """The platform's update as Incoming; None when there is nothing to answer."""
        raise NotImplementedError

    async def send(self, message: Outgoing) -> None:
        """One Outgoing to the platform: build its steps and `send_steps` them (a retry resumes after those sent)."""
        raise NotImplementedError

    def classify(self, error: Exception, pieces_sent: int) -> Exception:
        """What the outbox does with a message the platform did not take: Deferred (wait), Failed (retry),
        Undeliverable (give up; `gone`: the chat is, it is unbound), Moved (the chat has a new id)."""
        return Failed(type(error).__name__, pieces_sent)

    async def fetch(self, media: Media, limit: int) -> bytes:
        """The bytes of a file a person sent, refused beyond `limit` (FileTooLarge)."""
        raise NotImplementedError

    # What every channel does the same way.

    async def handle(self, update: Any, claim: Claim | None = None) -> list[Outgoing]:
        """The replies to one update, already in the outbox (the caller holds the chat's lane); `claim` runs
        in the update's transaction (see Dispatcher.handle)."""
        incoming = await self.parse(update)
        if incoming is None:
            return []
        return await self.answering(incoming.chat_id, self._kept_then_handled(incoming, claim))

    async def answering(self, chat_id: str, work: Awaitable[T]) -> T:
        return await work

    async def _kept_then_handled(self, incoming: Incoming, claim: Claim | None) -> list[Outgoing]:
        if incoming.media is not None and not incoming.is_group and self.keeper is not None:
            media = incoming.media  # initiatives are told in private chats
            incoming = replace(incoming, media=await self.keeper.keep(media, lambda limit: self.fetch(media, limit)))
        return await self.dispatcher.handle(incoming, claim)

    async def flush(self, chat_id: str, hold: frozenset[str] = frozenset()) -> int:
        """Send what the chat is owed, oldest first, in its lane."""
        return await self.lanes.run(chat_id, lambda: self.flush_in_lane(chat_id, hold))

    async def flush_in_lane(self, chat_id: str, hold: frozenset[str] = frozenset()) -> int:
        return await flush_chat(self.db, self.name, chat_id, self.send, hold=hold, marks=self.marks, leases=self.leases)

    async def send_steps(self, message: Outgoing, steps: list[Step]) -> None:
        await send_in_steps(message, steps, self.classify)

    def text_of(self, message: Outgoing) -> str:
        """The message's text as this channel shows it: choices numbered where it has no buttons."""
        return message.text if self.can.buttons else plain_text(message)

    async def document_line(self, message: Outgoing, base: str) -> str:
        """A document where the channel cannot send files: its download link, or where else to get it."""
        async with self.db.transaction() as tx:
            stored = await tx.images.get(message.document)
        if stored is None or not base:
            return locales.render("file.elsewhere", {}, message.locale)
        params = {"name": stored.filename or "file", "url": image_url(base, message.document)}
        return locales.render("file.link", params, message.locale)

    def spawn(self, coroutine: Awaitable[object]) -> asyncio.Task:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def drain(self, seconds: float = DRAIN) -> None:
        """Let the work in hand finish (within `seconds`), then cancel what is left."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=seconds)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
