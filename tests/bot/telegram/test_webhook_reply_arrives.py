"""A reply that rides in a webhook response counts as sent only once the response is written in time; when
Telegram gave up on the request, the worker still gets the reply, once (issue 15, defect 2)."""

import asyncio
from dataclasses import replace

import aiohttp
import pytest

from bot.channels.telegram import webhook as telegram_webhook
from tests.bot.telegram.conftest import SECRET
from tests.bot.telegram.fake_api import text_update
from tests.bot.telegram.test_webhook import post

CHAT = 6161
ASKS_UNIT = "đơn vị"  # the question after the name is confirmed
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}


async def post_giving_up(harness, update: dict, after: float) -> None:
    """As Telegram does when the bot is slow: the request is abandoned after `after` seconds."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=after)) as http:
        with pytest.raises(asyncio.TimeoutError):
            async with http.post(harness.webhook_url, json=update, headers=HEADERS) as response:
                await response.read()


async def unit_question_reached(harness, *bodies: dict) -> int:
    """How many times the chat got the unit question: by the API or inside a webhook response."""
    await harness.channel.webhook.drain()
    for _ in range(100):  # a reply let go by a broken response goes by the API a moment later
        if any(ASKS_UNIT in text for text in harness.api.sent_texts(CHAT)):
            break
        await asyncio.sleep(0.02)
    by_api = sum(ASKS_UNIT in text for text in harness.api.sent_texts(CHAT))
    return by_api + sum(ASKS_UNIT in body.get("text", "") for body in bodies)


async def started(harness) -> dict:
    await post(harness, text_update(CHAT, "/start"))
    return text_update(CHAT, "1. Đúng, tôi là Nguyễn Hoa", update_id=next(harness.ids))


async def test_time_waiting_for_the_chat_counts_against_the_response(webhook, monkeypatch):
    """Defect 2: the 5-second guard counted from when the update got its chat lane, not from its arrival, so a
    reply went into a response Telegram had stopped waiting for, and the redelivery was answered as a duplicate."""
    monkeypatch.setattr(telegram_webhook, "QUICK", 0.4)
    update = await started(webhook)
    busy = asyncio.create_task(webhook.channel.lanes.run(str(CHAT), lambda: asyncio.sleep(0.8)))
    await asyncio.sleep(0.05)
    await post_giving_up(webhook, dict(update), after=0.4)
    await busy
    _, again = await post(webhook, dict(update))
    assert await unit_question_reached(webhook, again) == 1


async def test_a_response_nobody_reads_any_more_lets_its_reply_go_by_the_api(webhook, monkeypatch):
    """Defect 2: the reply was marked sent inside the update's transaction, before any response existed; when the
    response could not be written, the reply was lost."""
    handle = webhook.channel.handle

    async def slow_after_the_claim(update, claim=None):
        replies = await handle(update, claim)
        await asyncio.sleep(0.6)  # Telegram gives up meanwhile
        return replies

    monkeypatch.setattr(webhook.channel, "handle", slow_after_the_claim)
    update = await started(webhook)
    await post_giving_up(webhook, dict(update), after=0.3)
    await asyncio.sleep(0.5)  # the handler finds the connection closed
    _, again = await post(webhook, dict(update))
    assert await unit_question_reached(webhook, again) == 1


async def test_a_redelivery_serves_again_a_reply_written_too_late_to_be_sure(webhook, monkeypatch):
    """Defect 2: a redelivery of an update whose reply may not have arrived must serve it again."""
    monkeypatch.setattr(telegram_webhook, "QUICK", 0.3)
    handle = webhook.channel.handle

    async def slow_after_the_claim(update, claim=None):
        replies = await handle(update, claim)
        await asyncio.sleep(0.4)
        return replies

    monkeypatch.setattr(webhook.channel, "handle", slow_after_the_claim)
    update = await started(webhook)
    _, late = await post(webhook, dict(update))  # written after Telegram's patience: Telegram dropped it
    assert late["method"] == "sendMessage" and ASKS_UNIT in late["text"]
    monkeypatch.setattr(webhook.channel, "handle", handle)
    _, again = await post(webhook, dict(update))
    assert again.get("method") == "sendMessage" and ASKS_UNIT in again["text"]
    _, third = await post(webhook, dict(update))  # answered in time this once: a further copy is a duplicate
    assert third == {}


async def test_a_concurrent_duplicate_does_not_get_the_reply_twice(webhook):
    """A delivery seen twice at once (two connections) is answered once: the reply in one response only."""
    update = await started(webhook)
    bodies = [body for _, body in await asyncio.gather(post(webhook, dict(update)), post(webhook, dict(update)))]
    assert await unit_question_reached(webhook, *bodies) == 1


async def test_a_request_out_of_time_after_its_response_keeps_that_response(webhook, monkeypatch):
    """The request's time ran out while the reply written in its response was being marked: the response stands
    (no second answer on the connection), and the marking still ends with the reply counted as sent."""
    webhook.server.bounds = replace(webhook.server.bounds, work=0.5)
    mark = webhook.channel.webhook._mark

    async def slow_mark(outbox_id, in_time):
        await asyncio.sleep(0.8)
        await mark(outbox_id, in_time)

    monkeypatch.setattr(webhook.channel.webhook, "_mark", slow_mark)
    update = await started(webhook)
    status, body = await post(webhook, dict(update))
    assert status == 200 and ASKS_UNIT in body["text"]
    for _ in range(150):  # the marking ends by itself, within 3 s
        async with webhook.db.transaction() as tx:
            owed = await tx.outbox.unsent_for_chat("telegram", str(CHAT))
        if not owed:
            break
        await asyncio.sleep(0.02)
    assert owed == []
    assert await unit_question_reached(webhook, body) == 1
