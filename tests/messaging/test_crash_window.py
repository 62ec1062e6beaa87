"""Sending is at least once, and the window in which a message can go twice is only what was in flight.

Issue 15, defect 4: a database outage between a send and its mark sent the message again, and a
leader killed mid-broadcast sent again parts (a report's chart) that had arrived long before the kill.
What the platform took is written down as it is taken, and kept in memory until it is; the
measured window of a kill -9 is in bench/crash_window.py.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from messaging.messages import Outgoing
from messaging.sender import SentMarks, flush_chat, send_in_steps
from storage.models import Outbox
from storage.repositories.outbox import OutboxRepository
from tests.messaging.test_broadcast import prepare


def outage(monkeypatch, failures: int | None) -> list[list[int]]:
    """The database refuses the next `failures` marks (None: every one); the ids each mark tried to write."""
    real = OutboxRepository.mark_sent
    tried: list[list[int]] = []
    left = {"failures": failures}

    async def mark_sent(self, ids, when=None):
        tried.append(list(ids))
        if left["failures"] is None or left["failures"] > 0:
            if left["failures"] is not None:
                left["failures"] -= 1
            raise OperationalError("UPDATE outbox", {}, ConnectionRefusedError("the database is down"))
        return await real(self, ids, when)

    monkeypatch.setattr(OutboxRepository, "mark_sent", mark_sent)
    return tried


async def row(db, outbox_id: int) -> Outbox:
    async with db.session() as session:
        return (await session.execute(select(Outbox).where(Outbox.id == outbox_id))).scalar_one()


async def queued(db, chat_id: str, text: str, key: str, image: str | None = None) -> int:
    async with db.transaction() as tx:
        return await tx.outbox.add("telegram", chat_id, Outgoing("telegram", chat_id, text, image=image).payload(), key,
                                   purpose="push")


async def test_a_database_outage_between_the_send_and_its_mark_sends_nothing_twice(db, monkeypatch):
    """Defect 4 of issue 15 (at-least-once sending): the database failed between a send and its mark, so the row
    stayed unsent and the next round sent the message again. Now the mark is retried until it is written."""
    broadcast = await prepare(db, groups=1, quick=True)
    try:
        [chat] = broadcast.chats
        outage(monkeypatch, failures=2)
        sender = broadcast.channel.outbox
        await sender.run_once()
        await sender.run_once()  # the sender's next round
        assert len(broadcast.api.sent_texts(int(chat))) == 1
        async with db.session() as session:
            [pushed] = (await session.execute(select(Outbox).where(Outbox.chat_id == chat))).scalars()
        assert pushed.sent_at is not None  # and it is marked, once the database answers again
    finally:
        await broadcast.close()


async def test_a_mark_cut_short_by_the_outage_is_kept_in_memory_and_the_message_not_sent_again(db, monkeypatch):
    """Defect 4 of issue 15: while the database is down, a flush given up (its task cancelled) must not leave the
    process free to send the message again: it remembers what went and writes it when the database is back."""
    tried = outage(monkeypatch, failures=None)
    sent: list[str] = []

    async def send(message: Outgoing) -> None:
        sent.append(message.text)

    first = await queued(db, "-42", "☀️ Tiến độ sáng nay", "push:test:1")
    marks = SentMarks(db)
    flushing = asyncio.create_task(flush_chat(db, "telegram", "-42", send, marks=marks))
    while not tried:
        await asyncio.sleep(0.01)
    flushing.cancel()
    await asyncio.gather(flushing, return_exceptions=True)
    assert sent == ["☀️ Tiến độ sáng nay"]
    tried.clear()
    second = await queued(db, "-42", "📣 Tuần cao điểm", "push:test:2")
    monkeypatch.undo()  # the database is back
    assert await flush_chat(db, "telegram", "-42", send, marks=marks) == 2
    assert sent == ["☀️ Tiến độ sáng nay", "📣 Tuần cao điểm"]  # the first not again, the second after it
    assert (await row(db, first)).sent_at is not None and (await row(db, second)).sent_at is not None


async def test_what_arrived_of_a_message_is_not_sent_again_after_a_crash(db):
    """Defect 4 of issue 15: a daily report is a chart, then its text, a second or more apart (one chat's limit).
    A leader killed between them sent the chart again after its restart, though the chart had arrived long
    before the kill; now each part is written down as it arrives, and a restart goes on from the next one."""
    arrived: list[tuple[int, str]] = []
    blocked = asyncio.Event()

    def sender(dies: bool):
        async def send(message: Outgoing) -> None:
            async def part(name: str) -> None:
                if dies and name == "text":
                    blocked.set()
                    await asyncio.Event().wait()  # the process is killed while this part waits for its turn
                arrived.append((message.outbox_id, name))

            await send_in_steps(message, [lambda: part("chart"), lambda: part("text")], lambda error, done: error)

        return send

    report = await queued(db, "-42", "☀️ Tiến độ sáng nay", "push:test:daily", image="chart-token")
    crashed = asyncio.create_task(flush_chat(db, "telegram", "-42", sender(dies=True), marks=SentMarks(db)))
    await asyncio.wait_for(blocked.wait(), 5)
    crashed.cancel()  # what a kill -9 leaves: the database, not the process's memory
    await asyncio.gather(crashed, return_exceptions=True)
    assert arrived == [(report, "chart")]
    assert await flush_chat(db, "telegram", "-42", sender(dies=False), marks=SentMarks(db)) == 1  # the new leader
    assert arrived == [(report, "chart"), (report, "text")]
    assert (await row(db, report)).sent_at is not None


async def test_a_part_sent_while_the_database_is_down_is_not_sent_again_by_the_same_process(db, monkeypatch):
    """Defect 4 of issue 15: the chart of a report went, the database could not record it, and the flush was cut
    short; the next flush of this process goes on from the text, as the process still knows the chart went."""
    arrived: list[str] = []

    async def send(message: Outgoing) -> None:
        async def part(name: str) -> None:
            arrived.append(name)

        await send_in_steps(message, [lambda: part("chart"), lambda: part("text")], lambda error, done: error)

    report = await queued(db, "-42", "☀️ Tiến độ sáng nay", "push:test:daily", image="chart-token")
    tried = outage(monkeypatch, failures=None)
    marks = SentMarks(db)
    flushing = asyncio.create_task(flush_chat(db, "telegram", "-42", send, marks=marks))
    while not tried:
        await asyncio.sleep(0.01)
    flushing.cancel()
    await asyncio.gather(flushing, return_exceptions=True)
    assert arrived == ["chart"]
    monkeypatch.undo()
    assert await flush_chat(db, "telegram", "-42", send, marks=marks) == 1
    assert arrived == ["chart", "text"]
    assert (await row(db, report)).sent_at is not None


async def test_marks_of_many_chats_sent_at_once_are_written_together(db, monkeypatch):
    """A broadcast's marks gather while one transaction writes: far fewer transactions than messages."""
    tried = outage(monkeypatch, failures=0)
    ids = [await queued(db, str(-100 - n), f"tin {n}", f"push:test:{n}") for n in range(40)]

    async def send(message: Outgoing) -> None:
        await asyncio.sleep(0)

    marks = SentMarks(db)
    counts = await asyncio.gather(*(flush_chat(db, "telegram", str(-100 - n), send, marks=marks) for n in range(40)))
    assert counts == [1] * 40 and sorted(sum(tried, [])) == ids
    assert len(tried) <= 10
    async with db.session() as session:
        assert all(r.sent_at is not None for r in (await session.execute(select(Outbox))).scalars())
