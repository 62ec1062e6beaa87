"""Repeated deliveries and repeated messages: processed updates and the outbox."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from storage.models import Outbox


async def mark(db, channel: str, update_id: str) -> bool:
    async with db.transaction() as tx:
        return await tx.updates.mark_processed(channel, update_id)


async def queue(db, payload: dict, dedupe_key: str, channel: str = "telegram") -> int | None:
    async with db.transaction() as tx:
        return await tx.outbox.add(channel, "chat-1", payload, dedupe_key)


async def pending(db, channel: str = "telegram"):
    async with db.transaction() as tx:
        return await tx.outbox.pending(channel)


async def test_update_is_new_only_the_first_time(db):
    assert await mark(db, "telegram", "1001") is True
    assert await mark(db, "telegram", "1001") is False


async def test_update_whose_transaction_failed_is_new_again(db):
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            assert await tx.updates.mark_processed("telegram", "1001") is True
            raise RuntimeError("handler crashed")
    assert await mark(db, "telegram", "1001") is True


async def test_same_update_id_on_another_channel_is_new(db):
    assert await mark(db, "telegram", "1001") is True
    assert await mark(db, "zalo", "1001") is True


async def test_repeated_dedupe_key_is_not_queued_again(db):
    first = await queue(db, {"text": "Đã nhận sáng kiến SK-2026-000001"}, "submitted:1")
    assert first is not None
    assert await queue(db, {"text": "bản khác"}, "submitted:1") is None
    assert [(m.id, m.payload) for m in await pending(db)] == [(first, {"text": "Đã nhận sáng kiến SK-2026-000001"})]


async def test_pending_lists_only_its_channel_in_order(db):
    a = await queue(db, {"text": "một"}, "k1")
    await queue(db, {"text": "zalo"}, "k2", channel="zalo")
    b = await queue(db, {"text": "hai"}, "k3")
    assert [m.id for m in await pending(db)] == [a, b]


async def test_sent_message_is_no_longer_pending(db):
    sent = await queue(db, {"text": "một"}, "k1")
    other = await queue(db, {"text": "hai"}, "k2")
    when = datetime(2026, 11, 21, 2, 0, tzinfo=timezone.utc)
    async with db.transaction() as tx:
        await tx.outbox.mark_sent([sent], when)
    assert [m.id for m in await pending(db)] == [other]
    async with db.transaction() as tx:
        assert (await tx.session.get(Outbox, sent)).sent_at == when


async def test_failed_message_counts_attempts_and_keeps_last_error(db):
    outbox_id = await queue(db, {"text": "một"}, "k1")
    for error in ("timeout", "429 Too Many Requests"):
        async with db.transaction() as tx:
            await tx.outbox.mark_failed(outbox_id, error)
    [message] = await pending(db)
    assert (message.id, message.attempts, message.last_error) == (outbox_id, 2, "429 Too Many Requests")


async def test_a_reply_is_held_for_a_webhook_response_only_when_nothing_older_is_owed_to_its_chat(db):
    """One statement decides it (issue 17): another message still owed to the chat (held for a response of its
    own too) keeps the reply out of the response, so nothing overtakes it; another chat's, or one given up for
    good, does not."""
    until = datetime(2030, 1, 1, tzinfo=timezone.utc)

    async def hold(key: str, chat: str = "chat-1") -> bool:
        async with db.transaction() as tx:
            row = await tx.outbox.add("telegram", chat, {"text": key}, key)
            return await tx.outbox.hold_for_response(row, "telegram", chat, until)

    older = await queue(db, {"text": "Bước 1/9"}, "older")
    await queue(db, {"text": "a group's"}, "other", channel="zalo")
    assert await hold("after an unsent one") is False
    async with db.transaction() as tx:
        await tx.outbox.mark_sent([older])
        await tx.outbox.add("telegram", "chat-2", {"text": "another chat's"}, "chat-2")
    async with db.transaction() as tx:
        await tx.outbox.mark_sent([row.id for row in await tx.outbox.unsent_for_chat("telegram", "chat-1")])
    assert await hold("alone") is True
    assert await hold("after one held for its own response") is False
    async with db.transaction() as tx:
        for row in await tx.outbox.unsent_for_chat("telegram", "chat-1"):
            await tx.outbox.give_up(row.id, "Forbidden", 5)
    assert await hold("after ones given up") is True
    async with db.transaction() as tx:  # a reply written while a newer message for the chat is owed: not alone
        first = await tx.outbox.add("telegram", "chat-3", {"text": "first"}, "first")
        await tx.outbox.add("telegram", "chat-3", {"text": "newer"}, "newer")
        assert await tx.outbox.hold_for_response(first, "telegram", "chat-3", until) is False


@pytest.mark.parametrize("db", ["postgres"], indirect=True)
async def test_two_workers_answering_one_chat_at_once_hold_one_reply_for_a_response_at_most(db):
    """Found by trying two workers: each reply's check could not see the other's uncommitted reply, so both rode in
    responses and the later sometimes arrived first. The second now waits for the first and sends by the API."""
    import asyncio

    until = datetime(2030, 1, 1, tzinfo=timezone.utc)
    first_held, second_started = asyncio.Event(), asyncio.Event()
    release = asyncio.Event()

    async def first() -> bool:
        async with db.transaction() as tx:
            row = await tx.outbox.add("telegram", "chat-9", {"text": "Menu"}, "w1")
            held = await tx.outbox.hold_for_response(row, "telegram", "chat-9", until)
            first_held.set()
            await release.wait()
        return held

    async def second() -> bool:
        await first_held.wait()
        async with db.transaction() as tx:
            row = await tx.outbox.add("telegram", "chat-9", {"text": "Lịch nhắc"}, "w2")
            second_started.set()
            return await tx.outbox.hold_for_response(row, "telegram", "chat-9", until)

    one, two = asyncio.create_task(first()), asyncio.create_task(second())
    await asyncio.wait_for(second_started.wait(), 10)
    await asyncio.sleep(0.2)
    assert not two.done()  # waiting for the first worker's transaction
    release.set()
    assert await asyncio.wait_for(asyncio.gather(one, two), 10) == [True, False]
