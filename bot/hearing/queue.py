"""Voice notes heard off the updates' path: the reply to a voice note goes at once, its words follow.

The update that took a voice note queued it (storage `hearings`, in the same transaction). One process (the
leader, or the terminal chat) claims one at a time, has the engine hear the bot's copy in a thread, and hands
the words back to the chat's conversation as an Incoming of their own ("heard"), so they take the same
path as anything the person sends: one transaction, the outbox, the channel's sender. A process that dies while
hearing leaves its claim to expire; the words are handed back once (their update id is the hearing's).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone
from typing import Callable

from bot.hearing.engines import Heard, NotAvailable, Transcriber, Unreadable, hear
from handlers.dispatcher import Dispatcher
from messaging.messages import Incoming
from storage.db import Database
from storage.files import FileStore
from storage.repositories.hearings import GIVE_UP_AFTER, Waiting

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)  # a claim outlives the longest note heard; a dead process's is taken over after it
LOOK_EVERY = 2.0  # seconds: a note another worker process took is found by then (one indexed query)
AFTER_A_FAILURE = 30.0


class Hearings:
    def __init__(self, db: Database, dispatcher: Dispatcher, store: FileStore, engine: Callable[[], Transcriber],
                 max_seconds: float, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                 channel: str | None = None) -> None:
        """`engine()` loads the transcriber (once, on the first note: a model weighs hundreds of MB); `channel`:
        only its notes (the terminal chat never hears a platform's, beside a running bot)."""
        self.channel = channel
        self.db = db
        self.dispatcher = dispatcher
        self.store = store
        self._load = engine
        self._engine: Transcriber | None = None
        self.max_seconds = max_seconds
        self.clock = clock
        self._woken = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._stopping = asyncio.Event()

    def wake(self) -> None:
        self._woken.set()

    async def load(self) -> None:
        """The engine loaded now (NotAvailable: why it cannot run) rather than on the first note."""
        if self._engine is None:
            self._engine = await asyncio.to_thread(self._load)

    def start(self) -> None:
        """Hear in the background (the leader, the terminal chat) until `stop()`."""
        if self._task is None or self._task.done():
            self._stopping = asyncio.Event()
            self._task = asyncio.ensure_future(self.run(self._stopping))

    async def stop(self) -> None:
        """Stop after the note being heard (its words handed back), within a minute; a note cut short is heard again."""
        if self._task is not None:
            self._stopping.set()
            await asyncio.wait([self._task], timeout=60)
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def settled(self, seconds: float) -> None:
        """Wait (at most `seconds`) until no note waits: the terminal chat's piped session ends with its words."""
        loop = asyncio.get_running_loop()
        until = loop.time() + seconds
        while loop.time() < until:
            async with self.db.transaction() as tx:
                if not await tx.hearings.waiting(self.channel):
                    return
            await asyncio.sleep(0.2)

    async def run(self, stop: asyncio.Event) -> None:
        """Hear what waits until `stop`; a failure is logged and tried again at the next look."""
        while not stop.is_set():
            self._woken.clear()
            pause = LOOK_EVERY
            try:
                while not stop.is_set() and await self.hear_one():
                    pass
            except Exception:  # the database away, say: said once a while, not every look
                pause = AFTER_A_FAILURE
                log.exception("hearing voice notes failed; trying again in %s s", pause)
            waits = [asyncio.ensure_future(e.wait()) for e in (self._woken, stop)]
            await asyncio.wait(waits, timeout=pause, return_when=asyncio.FIRST_COMPLETED)
            for waiting in waits:
                waiting.cancel()

    async def hear_one(self) -> bool:
        """The oldest waiting note heard and its words handed back; False when none waits."""
        async with self.db.transaction() as tx:
            waiting = await tx.hearings.claim(self.clock(), LEASE, self.channel)
        if waiting is None:
            return False
        heard = await self._heard(waiting)
        if heard is None:
            return True  # its claim runs out and it is tried again
        incoming = Incoming(channel=waiting.channel, chat_id=waiting.chat_id, user_id=waiting.user_id,
                            text=heard.text, heard=waiting.file_ref, update_id=f"heard:{waiting.id}:{waiting.round}")
        await self.dispatcher.handle(incoming)
        async with self.db.transaction() as tx:
            await tx.hearings.done(waiting.id, self.clock())
        self.dispatcher.wake(waiting.channel, waiting.chat_id)
        log.info("heard a voice note of %.1f s (%d characters)", heard.seconds, len(heard.text))
        return True

    async def _heard(self, waiting: Waiting) -> Heard | None:
        """The note's words; no words when the file is gone or no audio, or after the last attempt; None: later."""
        try:
            data = await self.store.get(waiting.stored_key)
            if data is None:
                raise FileNotFoundError(waiting.stored_key)
            await self.load()
            return await asyncio.to_thread(hear, self._engine, data, self.max_seconds)
        except (FileNotFoundError, Unreadable) as error:
            log.warning("a voice note could not be heard (%s): left to the support team", type(error).__name__)
            return Heard("", 0.0)
        except NotAvailable as error:  # the model would not load: no note waits for it (the note stays as it is)
            log.error("the voice engine cannot run: %s", error)
            return Heard("", 0.0)
        except Exception as error:
            if waiting.attempts >= GIVE_UP_AFTER:
                log.warning("a voice note failed %d times (%s): left to the support team", waiting.attempts,
                            type(error).__name__)
                return Heard("", 0.0)
            log.warning("hearing a voice note failed (%s): tried again later", type(error).__name__, exc_info=True)
            return None


def hearings_for(settings, db: Database, dispatcher: Dispatcher, store: FileStore,
                 channel: str | None = None) -> Hearings | None:
    """The transcriber's queue where VOICE_ENGINE names an engine (NotAvailable: why it cannot run); None when off."""
    from bot.hearing import engines

    if settings.voice_engine == "off":
        return None
    engines.check(settings.voice_engine, settings.voice_model_dir)
    hearings = Hearings(db, dispatcher, store, lambda: engines.from_settings(settings), settings.voice_max_seconds,
                        channel=channel)
    dispatcher.on_voice_queued = hearings.wake
    return hearings
