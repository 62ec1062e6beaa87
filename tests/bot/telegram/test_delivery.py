"""Delivery safety: server errors retried with backoff, what still fails kept in the outbox, no token in logs."""

import logging
from datetime import timedelta

from sqlalchemy import select

from bot.channels.common import Lanes
from bot.logs import install_redaction, remove_redaction
from storage.models import Outbox
from tests.bot.telegram.fake_api import text_update

CHAT = 6161


async def all_rows(db) -> list[Outbox]:
    async with db.session() as session:
        return list((await session.execute(select(Outbox).order_by(Outbox.id))).scalars())


async def unsent(db) -> list[Outbox]:
    async with db.session() as session:
        return list((await session.execute(select(Outbox).where(Outbox.sent_at.is_(None)))).scalars())


async def test_server_errors_are_retried_and_the_message_arrives_once(polling):
    polling.api.fail_next("sendMessage", error_code=502, retry_after=None, times=2)
    await polling.push(text_update(CHAT, "/start"))
    assert len([t for t in polling.api.sent_texts(CHAT) if "Xin chào" in t]) == 1
    assert await unsent(polling.db) == []


async def test_what_cannot_be_sent_stays_in_the_outbox_until_it_can(polling):
    polling.api.fail_next("sendMessage", error_code=500, retry_after=None, times=4)  # every retry of the first
    await polling.push(text_update(CHAT, "/start"))
    left = await unsent(polling.db)
    assert len(left) == 2 and polling.api.sent_texts(CHAT) == []  # nothing dropped, nothing out of order
    assert left[0].attempts == 1 and left[0].last_error == "TelegramServerError"
    assert left[0].next_attempt_at is not None  # tried again after a back-off, not every few seconds
    polling.channel.outbox.grace = timedelta(0)
    assert await polling.channel.outbox.run_once() == 0
    async with polling.db.transaction() as tx:
        await tx.outbox.defer(left[0].id, left[0].next_attempt_at - timedelta(minutes=5), "due now")
    assert await polling.channel.outbox.run_once() == 2
    texts = polling.api.sent_texts(CHAT)
    assert "Xin chào" in texts[0] and "Họ và tên" in texts[1]
    assert await unsent(polling.db) == []


async def test_nothing_overtakes_a_stuck_reply(polling):
    polling.api.fail_next("sendMessage", error_code=500, retry_after=None, times=4)
    await polling.push(text_update(CHAT, "/start"))
    await polling.push(text_update(CHAT, "1"))
    assert polling.api.sent_texts(CHAT) == []  # the next answer waits behind the stuck one
    [stuck, *_] = await unsent(polling.db)
    async with polling.db.transaction() as tx:
        await tx.outbox.defer(stuck.id, stuck.next_attempt_at - timedelta(minutes=5), "due now")
    await polling.channel.flush(str(CHAT))
    texts = polling.api.sent_texts(CHAT)
    assert ["Xin chào" in texts[0], "Họ và tên" in texts[1], "đơn vị" in texts[2]] == [True, True, True]
    assert len(texts) == 3


async def test_a_long_message_resumes_after_the_pieces_that_arrived(polling, monkeypatch):
    from aiogram.exceptions import TelegramNetworkError

    from messaging.messages import Outgoing

    async with polling.db.transaction() as tx:
        long = Outgoing("telegram", str(CHAT), "\n".join(f"dòng {i}: " + "chữ " * 40 for i in range(60)))
        await tx.outbox.add("telegram", str(CHAT), long.payload(), "test:long")
    real, calls = polling.channel.bot.send_message, []

    async def network_drops_after_the_first_piece(**kwargs):
        calls.append(kwargs["text"][:7])
        if len(calls) > 1 and not monkeypatch_undone:
            raise TelegramNetworkError(method=None, message="connection reset")
        return await real(**kwargs)

    monkeypatch_undone = False
    monkeypatch.setattr(polling.channel.bot, "send_message", network_drops_after_the_first_piece)
    await polling.channel.flush(str(CHAT))
    [row] = await unsent(polling.db)
    assert row.pieces_sent == 1 and len(polling.api.sent_texts(CHAT)) == 1
    monkeypatch_undone = True
    async with polling.db.transaction() as tx:
        await tx.outbox.defer(row.id, row.next_attempt_at - timedelta(minutes=5), "due now")
    await polling.channel.flush(str(CHAT))
    texts = polling.api.sent_texts(CHAT)
    assert len(texts) == 3 and texts[0].startswith("dòng 0") and "dòng 59" in texts[2]
    assert sum(t.startswith("dòng 0:") for t in texts) == 1  # the first piece was not sent again


async def test_a_message_telegram_refuses_for_good_does_not_block_the_next(polling):
    polling.api.fail_next("sendMessage", error_code=400, description="Bad Request: can't parse entities")
    await polling.push(text_update(CHAT, "/start"))
    [refused] = [row for row in await all_rows(polling.db) if row.last_error == "TelegramBadRequest"]
    assert refused.sent_at is None and refused.failed_at is not None and refused.attempts >= 20
    assert len(polling.api.sent_texts(CHAT)) == 1  # the language question still went out


async def test_a_person_who_blocked_the_bot_is_owed_nothing_more(polling):
    polling.api.block(CHAT)
    await polling.push(text_update(CHAT, "/start"))
    rows = await all_rows(polling.db)
    assert len(rows) == 2 and all(row.failed_at is not None and row.sent_at is None for row in rows)
    assert len(polling.api.calls_to("sendMessage")) == 1  # the second reply was not even tried
    polling.api.unblock(CHAT)
    await polling.push(text_update(CHAT, "/start"))  # unblocked and back: answered as ever
    assert polling.api.sent_texts(CHAT)


async def test_a_long_flood_wait_defers_the_message_and_it_arrives_once(polling):
    polling.channel.policy.longest_wait = 0.5  # longer waits go back to the outbox with a time to retry
    polling.api.fail_next("sendMessage", error_code=429, retry_after=2)
    await polling.push(text_update(CHAT, "/start"))
    [first, second] = await unsent(polling.db)
    assert first.next_attempt_at is not None and first.attempts == 0
    polling.channel.outbox.grace = timedelta(0)
    assert await polling.channel.outbox.run_once() == 0  # not yet due
    async with polling.db.transaction() as tx:
        await tx.outbox.defer(first.id, first.next_attempt_at - timedelta(seconds=5), "due now")
    assert await polling.channel.outbox.run_once() == 2
    assert len([t for t in polling.api.sent_texts(CHAT) if "Xin chào" in t]) == 1


async def test_a_failed_update_is_fetched_again_and_answered(polling, monkeypatch):
    real = polling.channel.dispatcher.handle
    calls = []

    async def flaky(incoming, claim=None):
        calls.append(incoming.update_id)
        if len(calls) == 1:
            raise ConnectionError("database went away for a moment")
        return await real(incoming, claim)

    monkeypatch.setattr(polling.channel.dispatcher, "handle", flaky)
    await polling.api.wait_for(lambda api: True)
    polling.api.push_update(text_update(CHAT, "/start", update_id=5000))
    await polling.api.wait_for(lambda api: any("Xin chào" in t for t in api.sent_texts(CHAT)))
    assert calls == ["5000", "5000"]


async def test_one_slow_chat_does_not_hold_up_another(polling, monkeypatch):
    import asyncio

    real = polling.channel.dispatcher.handle
    release = asyncio.Event()

    async def slow_for_the_first_chat(incoming, claim=None):
        if incoming.chat_id == str(CHAT):
            await release.wait()  # e.g. waiting out Telegram's flood control for this chat
        return await real(incoming, claim)

    monkeypatch.setattr(polling.channel.dispatcher, "handle", slow_for_the_first_chat)
    polling.api.push_update(text_update(CHAT, "/start", update_id=6000))
    polling.api.push_update(text_update(CHAT + 1, "/start", update_id=6001))
    await polling.api.wait_for(lambda api: api.sent_texts(CHAT + 1))
    assert polling.api.sent_texts(CHAT) == []
    release.set()
    await polling.api.wait_for(lambda api: len(api.sent_texts(CHAT)) == 2)


async def test_a_pressed_inline_button_is_answered_and_removed(polling):
    from tests.bot.telegram.fake_api import callback_update

    await polling.push(text_update(CHAT, "/start"))
    await polling.push(callback_update(CHAT, "vi", message_id=3))
    assert polling.api.calls_to("answerCallbackQuery")
    [edit] = polling.api.calls_to("editMessageReplyMarkup")
    assert edit.params["message_id"] == 3 and "reply_markup" not in edit.params


async def test_the_token_never_reaches_the_logs(polling, caplog):
    redaction = install_redaction([polling.api.token])
    try:
        with caplog.at_level(logging.DEBUG):
            polling.api.fail_next("sendMessage", error_code=502, retry_after=None, times=2)
            await polling.push(text_update(CHAT, "/start"))
            logging.getLogger("test").warning("calling %s/bot%s/getMe", polling.api.base_url, polling.api.token)
        assert caplog.records and polling.api.token not in caplog.text
    finally:
        remove_redaction(redaction)


async def test_lanes_keep_order_within_a_chat_and_run_chats_side_by_side():
    import asyncio

    lanes, order = Lanes(), []
    gate = asyncio.Event()

    async def work(name: str, wait: bool) -> None:
        if wait:
            await gate.wait()
        order.append(name)

    first = asyncio.create_task(lanes.run("a", lambda: work("a1", True)))
    second = asyncio.create_task(lanes.run("a", lambda: work("a2", False)))
    other = asyncio.create_task(lanes.run("b", lambda: work("b1", False)))
    await other
    assert order == ["b1"]  # chat b did not wait for chat a
    gate.set()
    await asyncio.gather(first, second)
    assert order == ["b1", "a1", "a2"]
