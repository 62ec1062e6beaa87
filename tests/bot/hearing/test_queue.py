"""Voice notes heard off the updates' path: queued with the answer, heard once, handed back to the chat,
tried again after a failure and left to the support team after the last."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.app import options_from
from bot.hearing.queue import LEASE, Hearings
from bot.settings import Settings
from conversations.model import Media
from handlers.dispatcher import Dispatcher
from storage.files import LocalFileStore
from storage.models import Hearing, Initiative, Outbox
from tests import db_templates
from tests.bot.samples import telegram_voice
from tests.handlers.talk import Person

WORDS = "Máy đóng gói hay bị kẹt giấy vào ca đêm"


class Engine:
    """A stand-in transcriber: says `text`, or fails `failures` times first."""

    name = "stand-in"

    def __init__(self, text: str = WORDS, failures: int = 0) -> None:
        self.text, self.failures, self.calls = text, failures, 0

    def hear(self, samples) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise RuntimeError("the engine fell over")
        return self.text


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 4, 2, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def world(tmp_path):
    db = await db_templates.sqlite.working(demo=True, name="hearing")
    settings = Settings(_env_file=None, database_url="sqlite+aiosqlite:///unused.db", voice_engine="viet-asr")
    dispatcher = Dispatcher(db, options_from(settings))
    store = LocalFileStore(tmp_path / "files")
    yield db, dispatcher, store
    await db.close()


async def at_the_problem(dispatcher: Dispatcher) -> Person:
    hoa = Person(dispatcher, channel="telegram")
    await hoa.register()
    for text in ("Sáng kiến mới", "Gá kẹp giấy cho máy đóng gói", "Sản xuất kinh doanh"):
        await hoa.say(text)
    return hoa


async def speak(hoa: Person, store, data: bytes = b"", ref: str = "voice-1") -> None:
    stored = await store.put(data or telegram_voice(), ".ogg")
    await hoa.say(media=Media("voice", ref, "telegram", stored=stored))


def hearings(world, engine: Engine, clock: Clock | None = None) -> Hearings:
    db, dispatcher, store = world
    return Hearings(db, dispatcher, store, lambda: engine, max_seconds=120, clock=clock or Clock())


async def owed(db, chat: str = "42") -> list[str]:
    async with db.session() as session:
        rows = (await session.execute(select(Outbox).where(Outbox.chat_id == chat, Outbox.sent_at.is_(None))
                                      .order_by(Outbox.id))).scalars().all()
    return [row.payload["text"] for row in rows]


async def test_a_voice_note_is_queued_with_its_answer_and_heard_once(world):
    db, dispatcher, store = world
    hoa = await at_the_problem(dispatcher)
    woken = []
    dispatcher.on_voice_queued = lambda: woken.append(True)
    await speak(hoa, store)
    assert "Mình đang nghe" in hoa.text and woken == [True]
    engine = Engine()
    queue = hearings(world, engine)
    assert await queue.hear_one() is True
    assert await queue.hear_one() is False  # nothing else waits
    [offer] = await owed(db)
    assert f"«{WORDS}»" in offer and "Đúng chưa?" in offer
    await hoa.say("Đúng rồi")
    async with db.session() as session:
        initiative = (await session.execute(select(Initiative))).scalars().one()
        [note] = initiative.attachments
        [job] = (await session.execute(select(Hearing))).scalars().all()
    assert initiative.problem == WORDS and note.transcript == WORDS and job.done_at is not None
    assert engine.calls == 1


async def test_the_same_voice_note_delivered_twice_is_heard_once(world):
    db, dispatcher, store = world
    hoa = await at_the_problem(dispatcher)
    stored = await store.put(telegram_voice(), ".ogg")
    for _ in range(2):
        await hoa.say(media=Media("voice", "voice-1", "telegram", stored=stored))
    async with db.session() as session:
        assert len((await session.execute(select(Hearing))).scalars().all()) == 1


async def test_a_failure_is_tried_again_after_the_claim_runs_out(world):
    db, dispatcher, store = world
    hoa = await at_the_problem(dispatcher)
    await speak(hoa, store)
    clock, engine = Clock(), Engine(failures=1)
    queue = hearings(world, engine, clock)
    assert await queue.hear_one() is True  # failed: kept, claimed
    assert await queue.hear_one() is False and await owed(db) == []  # not taken again while claimed
    clock.now += LEASE + timedelta(seconds=1)
    assert await queue.hear_one() is True
    assert any(f"«{WORDS}»" in text for text in await owed(db))


async def test_after_the_last_attempt_the_note_is_left_to_the_support_team(world):
    db, dispatcher, store = world
    hoa = await at_the_problem(dispatcher)
    await speak(hoa, store)
    clock, engine = Clock(), Engine(failures=99)
    queue = hearings(world, engine, clock)
    for _ in range(3):
        assert await queue.hear_one() is True
        clock.now += LEASE + timedelta(seconds=1)
    said = "\n".join(await owed(db))
    assert "chưa nghe ra chữ nào" in said and "Bước 4/9" in said  # the note answers the problem as it is
    assert await queue.hear_one() is False


@pytest.mark.parametrize("data", [b"not audio at all", None])
async def test_a_file_that_is_no_audio_or_is_gone_is_not_tried_again(world, data):
    db, dispatcher, store = world
    hoa = await at_the_problem(dispatcher)
    if data is None:
        await hoa.say(media=Media("voice", "voice-1", "telegram", stored="gone.ogg"))
    else:
        await speak(hoa, store, data)
    engine = Engine()
    queue = hearings(world, engine)
    assert await queue.hear_one() is True and engine.calls == 0
    assert any("chưa nghe ra chữ nào" in text for text in await owed(db))
    assert await queue.hear_one() is False


async def test_the_words_arrive_quietly_when_the_worker_went_on(world):
    db, dispatcher, store = world
    hoa = await at_the_problem(dispatcher)
    await speak(hoa, store)
    await hoa.say("Xong")  # keep the voice note alone, go on
    assert "Bước 4/9" in hoa.text
    await hearings(world, Engine()).hear_one()
    assert await owed(db) == []
    async with db.session() as session:
        [note] = (await session.execute(select(Initiative))).scalars().one().attachments
    assert note.transcript == WORDS


async def test_the_words_are_handed_back_once_though_the_process_died_before_marking_them(world):
    db, dispatcher, store = world
    hoa = await at_the_problem(dispatcher)
    await speak(hoa, store)
    clock = Clock()
    queue = hearings(world, Engine(), clock)
    await queue.hear_one()
    async with db.transaction() as tx:  # as if the process died between handing them back and marking it done
        job = (await tx.session.execute(select(Hearing))).scalars().one()
        job.done_at, job.claimed_until = None, None
    await queue.hear_one()
    assert len([text for text in await owed(db) if WORDS in text]) == 1


async def test_waking_starts_hearing_at_once(world):
    db, dispatcher, store = world
    hoa = await at_the_problem(dispatcher)
    queue = hearings(world, Engine())
    dispatcher.on_voice_queued = queue.wake
    queue.start()
    try:
        await speak(hoa, store)
        for _ in range(200):
            if any(WORDS in text for text in await owed(db)):
                break
            await asyncio.sleep(0.02)
        assert any(WORDS in text for text in await owed(db))
    finally:
        await queue.stop()



async def test_the_terminal_chat_hears_only_its_own_notes(world):
    db, dispatcher, store = world
    hoa = await at_the_problem(dispatcher)  # on "telegram"
    await speak(hoa, store)
    console = Hearings(db, dispatcher, store, lambda: Engine(), max_seconds=120, clock=Clock(), channel="console")
    assert await console.hear_one() is False  # a running bot's note is the bot's to hear
    await console.settled(0.5)  # and the chat does not wait for it
    assert await hearings(world, Engine()).hear_one() is True


async def test_an_engine_that_cannot_load_leaves_the_note_as_it_is_at_once(world):
    from bot.hearing.engines import NotAvailable

    db, dispatcher, store = world
    hoa = await at_the_problem(dispatcher)
    await speak(hoa, store)

    def broken():
        raise NotAvailable("the model in /srv/whisper could not be loaded")

    queue = Hearings(db, dispatcher, store, broken, max_seconds=120, clock=Clock())
    assert await queue.hear_one() is True
    assert any("chưa nghe ra chữ nào" in text for text in await owed(db))
    assert await queue.hear_one() is False


async def test_the_same_note_sent_again_for_a_new_draft_is_heard_again(world):
    db, dispatcher, store = world
    hoa = await at_the_problem(dispatcher)
    stored = await store.put(telegram_voice(), ".ogg")
    note = Media("voice", "voice-1", "telegram", stored=stored)
    await hoa.say(media=note)
    engine = Engine()
    assert await hearings(world, engine).hear_one() is True
    for text in ("/huy", "Sáng kiến mới", "Gá kẹp giấy thứ hai", "Sản xuất kinh doanh"):
        await hoa.say(text)
    await hoa.say(media=note)  # forwarded again: the new draft has no words for it yet
    assert "Mình đang nghe" in hoa.text
    assert await hearings(world, engine).hear_one() is True and engine.calls == 2
    assert len([text for text in await owed(db) if f"«{WORDS}»" in text]) == 2
