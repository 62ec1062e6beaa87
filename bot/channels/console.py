"""The terminal chat: the same path as Telegram and Zalo, with the terminal as the platform.

Files the bot makes (an export, a form) are saved under ./sangkien-files/.

Interactive, it greets you and continues where you stopped. Piped, it reads one message
per line, prints the replies and exits at the end of input. Lines starting with '@' stand
for what a phone would send instead of text: '@photo name.jpg caption', '@voice note.ogg',
'@document plan.pdf', '@sticker'.

What reaches the person chatting from elsewhere (a reviewer's decision, a supporter's words)
is printed too, after each message and, interactively, every few seconds, and marked sent.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from typing import TextIO

import locales
from bot.channels.base import Capabilities, Channel
from bot.hearing.queue import Hearings
from bot.keeping import Keeper
from conversations.model import Media
from handlers.dispatcher import Dispatcher
from messaging.messages import Incoming, Outgoing
from messaging.sender import Deferred
from storage.files import FileTooLarge

log = logging.getLogger(__name__)
CHANNEL = "console"
MEDIA_KINDS = {"photo", "voice", "audio", "document", "video"}
NOTICE_POLL = 2.0  # seconds between looks for notices while the terminal waits for a line
HEARD_WITHIN = 300.0  # seconds a piped session waits, at its end, for its voice notes to be heard


def incoming_from_line(line: str, *, user_id: str, name: str, update_id: str | None) -> Incoming:
    base = dict(channel=CHANNEL, chat_id=user_id, user_id=user_id, display_name=name, update_id=update_id)
    if line.startswith("@"):
        head, _, rest = line[1:].partition(" ")
        kind = head.lower()
        if kind in MEDIA_KINDS:
            ref, _, caption = rest.strip().partition(" ")
            media = Media(kind=kind, ref=ref or f"{kind}-{update_id}", channel=CHANNEL, caption=caption or None)
            return Incoming(**base, media=media)
        if kind in ("sticker", "location", "poll"):
            return Incoming(**base, unsupported=True)
    return Incoming(**base, text=line)


class ConsoleChat(Channel):
    can = Capabilities(documents=True)  # a document is saved where the terminal's user can open it

    def __init__(
        self,
        dispatcher: Dispatcher,
        *,
        user_id: str = "1",
        name: str = "",
        session: str | None = None,
        stdin: TextIO = sys.stdin,
        stdout: TextIO = sys.stdout,
        files_dir: Path = Path("sangkien-files"),
        keeper: Keeper | None = None,
        hearings: Hearings | None = None,
    ) -> None:
        super().__init__(CHANNEL, dispatcher.db, dispatcher, keeper)
        self.hearings = hearings  # VOICE_ENGINE: a voice note's words come back while the chat goes on
        if hearings is not None:
            dispatcher.on_queued(CHANNEL, lambda chat_id: self.spawn(self.notices()))
        self.user_id = user_id
        self.display_name = name
        self.session = session
        self.stdin = stdin
        self.stdout = stdout
        self.files_dir = files_dir  # the keeper keeps a copy of a file named after '@voice', '@photo'... when it exists

    async def run(self, interactive: bool | None = None) -> None:
        interactive = self.stdin.isatty() if interactive is None else interactive
        watcher = asyncio.create_task(self._watch()) if interactive else None
        if self.hearings is not None:
            self.hearings.start()
        try:
            await self._talk(interactive)
            if self.hearings is not None and not interactive:  # piped lines: their voice notes' words too
                await self.hearings.settled(HEARD_WITHIN)
                await self.drain()
                await self.notices()
        finally:
            if watcher is not None:
                watcher.cancel()
                await asyncio.gather(watcher, return_exceptions=True)
            if self.hearings is not None:
                await self.hearings.stop()

    async def _talk(self, interactive: bool) -> None:
        if interactive:
            await self.say("/start", update_id=None)
        number = 0
        while True:
            line = await asyncio.to_thread(self._read, interactive)
            if line is None:
                break
            number += 1
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            update_id = f"{self.session}:{number}" if self.session else None
            await self.say(line, update_id=update_id)

    async def say(self, line: str, *, update_id: str | None) -> list[Outgoing]:
        """What the person typed, answered; what others queued for them since comes first, being older."""
        messages = await self.lanes.run(self.user_id, lambda: self.handle((line, update_id)))
        await self.notices()
        return messages

    async def parse(self, update: tuple[str, str | None]) -> Incoming:
        line, update_id = update
        return incoming_from_line(line, user_id=self.user_id, name=self.display_name, update_id=update_id)

    async def fetch(self, media: Media, limit: int) -> bytes:
        return await _reading(media.ref)(limit)

    async def send(self, message: Outgoing) -> None:
        text = self.text_of(message) + "\n\n"
        if message.media:
            text += f"{await self._media_line(message)}\n\n"
        if message.document:
            text += f"📎 {await self._save(message.document)}\n\n"
        try:
            self.stdout.write(text)
            self.stdout.flush()
        except OSError as closed:  # the terminal went away (a pipe cut short): owed, with no wait, to the next run
            raise Deferred(0) from closed

    async def notices(self) -> int:
        """What is owed to this person (replies, decisions, a supporter's words): printed, then marked sent."""
        return await self.flush(self.user_id)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(NOTICE_POLL)
            try:
                await self.notices()
            except Exception:  # a busy database must not end the chat; the next look tries again
                log.warning("could not read the notices for the terminal chat", exc_info=True)

    async def _save(self, token: str) -> Path:
        """A document the bot made, written where the terminal's user can open it."""
        async with self.dispatcher.db.transaction() as tx:
            stored = await tx.images.get(token)
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / Path(stored.filename or f"{token[:12]}.bin").name
        path.write_bytes(stored.data)
        return path

    async def _media_line(self, message: Outgoing) -> str:
        """A voice note or photo someone sent: the bot's copy saved where the terminal's user can open it."""
        media = message.media
        data = await self.keeper.store.get(media["stored"]) if self.keeper and media.get("stored") else None
        if data is None:
            return f"📎 [{media.get('kind')}] {media.get('ref')}"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / Path(media.get("filename") or media["stored"]).name
        path.write_bytes(data)
        return locales.render("file.saved", {"path": str(path)}, message.locale)

    def _read(self, interactive: bool) -> str | None:
        if interactive:
            try:
                return input("> ")
            except EOFError:
                return None
        line = self.stdin.readline()
        return line if line else None


def _reading(ref: str):
    """The bytes of a file on this computer named in '@voice note.ogg' (none there: kept by its name only)."""

    async def fetch(limit: int) -> bytes:
        path = Path(ref).expanduser()
        if not path.is_file():
            raise FileNotFoundError(ref)
        if path.stat().st_size > limit:
            raise FileTooLarge(limit)
        return await asyncio.to_thread(path.read_bytes)

    return fetch
