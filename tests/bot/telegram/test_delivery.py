"""Delivery safety: server errors retried with backoff, what still fails kept in the outbox, no token in logs."""

import logging
from datetime import timedelta

from sqlalchemy import select

from bot.channels.telegram.delivery import Lanes
from bot.logs import install_redaction
from storage.models import Outbox
from tests.bot.telegram.fake_api import text_update

CHAT = 6161


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
    polling.channel.outbox.grace = timedelta(0)
    assert await polling.channel.outbox.run_once() == 2
    texts = polling.api.sent_texts(CHAT)
    assert "Xin chào" in texts[0] and "ngôn ngữ" in texts[1]
    assert await unsent(polling.db) == []


async def test_the_token_never_reaches_the_logs(polling, caplog):
    redaction = install_redaction([polling.api.token])
    try:
        with caplog.at_level(logging.DEBUG):
            polling.api.fail_next("sendMessage", error_code=502, retry_after=None, times=2)
            await polling.push(text_update(CHAT, "/start"))
            logging.getLogger("test").warning("calling %s/bot%s/getMe", polling.api.base_url, polling.api.token)
        assert caplog.records and polling.api.token not in caplog.text
    finally:
        logging.getLogger().removeFilter(redaction)
        for handler in logging.getLogger().handlers:
            handler.removeFilter(redaction)


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
