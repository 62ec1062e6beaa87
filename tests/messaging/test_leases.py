"""Chat leases: two processes sending to one chat never send a message twice or out of order."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import event

from messaging.messages import Outgoing
from messaging.leases import ChatLeases
from messaging.sender import SentMarks, flush_chat
from storage.models import utcnow


def two_processes(db, **kwargs) -> tuple[ChatLeases, ChatLeases]:
    """What two processes on one database would each have (leases forced on, on SQLite too)."""
    return ChatLeases(db, **kwargs), ChatLeases(db, **kwargs)


async def test_a_chat_has_one_holder_at_a_time(db):
    first, second = two_processes(db)
    async with db.transaction() as tx:
        assert await first.take(tx, "telegram", "42")
    async with db.transaction() as tx:
        assert not await second.take(tx, "telegram", "42")
        assert await second.take(tx, "telegram", "43")  # another chat is free
        assert await first.take(tx, "telegram", "42")  # the holder renews its own
    async with db.transaction() as tx:
        await first.release(tx, "telegram", "42")
    async with db.transaction() as tx:
        assert await second.take(tx, "telegram", "42")


async def test_a_lease_left_by_a_dead_process_is_taken_over_once_it_runs_out(db):
    now = utcnow()
    dead = ChatLeases(db, clock=lambda: now - timedelta(seconds=31))  # took it 31 s ago, for 30 s
    alive = ChatLeases(db, clock=lambda: now)
    async with db.transaction() as tx:
        assert await dead.take(tx, "telegram", "42")
    async with db.transaction() as tx:
        assert await alive.take(tx, "telegram", "42")


async def test_a_second_process_waits_for_the_chat_then_gives_up_without_sending(db):
    first, second = two_processes(db, wait=0.2)
    sent: list[str] = []

    async def send(message: Outgoing) -> None:
        sent.append(message.text)

    async with db.transaction() as tx:
        await tx.outbox.add("telegram", "42", Outgoing("telegram", "42", "Đã lưu bản nháp").payload(), "reply:1")
    async with first.holding("telegram", "42") as lease:
        assert lease is not None
        assert await flush_chat(db, "telegram", "42", send, leases=second) == 0
    assert sent == []
    assert await flush_chat(db, "telegram", "42", send, leases=second) == 1  # released: the second one sends now
    assert sent == ["Đã lưu bản nháp"]


async def test_two_processes_flushing_one_chat_send_each_message_once_and_in_order(db):
    texts = [f"Câu trả lời {n}" for n in range(12)]
    async with db.transaction() as tx:
        for n, text in enumerate(texts):
            await tx.outbox.add("telegram", "42", Outgoing("telegram", "42", text).payload(), f"reply:{n}")
    first, second = two_processes(db)
    delivered: list[str] = []

    async def send(message: Outgoing) -> None:
        await asyncio.sleep(0.005)  # the platform call: the other process gets its chance meanwhile
        delivered.append(message.text)

    counts = await asyncio.gather(
        *(flush_chat(db, "telegram", "42", send, marks=SentMarks(db), leases=leases) for leases in (first, second))
    )
    assert delivered == texts
    assert sorted(counts) == [0, 12]
    async with db.transaction() as tx:
        assert await tx.outbox.unsent_for_chat("telegram", "42") == []


async def test_a_long_flush_renews_its_lease_so_no_one_takes_the_chat_meanwhile(db):
    now = [utcnow()]
    holder = ChatLeases(db, length=timedelta(seconds=30), clock=lambda: now[0])
    other = ChatLeases(db, length=timedelta(seconds=30), wait=0, clock=lambda: now[0])
    async with db.transaction() as tx:
        for n in range(3):
            await tx.outbox.add("telegram", "42", Outgoing("telegram", "42", f"Tin {n}").payload(), f"push:{n}",
                                purpose="push")
    taken_by_other: list[bool] = []

    async def slow_send(message: Outgoing) -> None:
        now[0] += timedelta(seconds=20)  # each send takes 20 s of the 30 s lease (a long flood wait)
        async with db.transaction() as tx:
            taken_by_other.append(await other.take(tx, "telegram", "42"))

    assert await flush_chat(db, "telegram", "42", slow_send, leases=holder) == 3
    assert taken_by_other == [False, False, False]


async def test_a_flush_with_leases_reads_what_is_owed_in_the_transaction_that_takes_the_lease(db):
    leases = ChatLeases(db)
    sent: list[str] = []

    async def send(message: Outgoing) -> None:
        sent.append(message.text)

    async with db.transaction() as tx:
        await tx.outbox.add("telegram", "42", Outgoing("telegram", "42", "Đã lưu bản nháp").payload(), "reply:1")
    transactions = []
    listener = lambda *_: transactions.append(1)  # noqa: E731
    event.listen(db.engine.sync_engine, "begin", listener)
    try:
        assert await flush_chat(db, "telegram", "42", send, marks=SentMarks(db), leases=leases) == 1
    finally:
        event.remove(db.engine.sync_engine, "begin", listener)
    assert sent == ["Đã lưu bản nháp"]
    assert len(transactions) == 3  # take the lease and read, mark it sent, let the lease go
