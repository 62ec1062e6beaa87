"""The Telegram channel by webhook: the secret, answers inside the response, de-duplication, health."""

import aiohttp
from sqlalchemy import func, select

from storage.models import Initiative, ProcessedUpdate
from tests.bot.telegram.conftest import SECRET
from tests.bot.telegram.fake_api import photo_update, text_update, voice_update

CHAT = 5151


async def post(harness, update: dict, secret: str | None = SECRET) -> tuple[int, dict]:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    update.setdefault("update_id", next(harness.ids))
    async with aiohttp.ClientSession() as http:
        async with http.post(harness.webhook_url, json=update, headers=headers) as response:
            answer = response.status, await response.json()
    await harness.channel.webhook.drain()  # replies not in the response are sent right after it
    return answer


async def count(db, column) -> int:
    async with db.session() as session:
        return (await session.execute(select(func.count(column)))).scalar_one()


async def test_the_webhook_is_registered_with_its_secret(webhook):
    [call] = webhook.api.calls_to("setWebhook")
    assert call.params["url"] == "https://bot.example.org/telegram/hook"
    assert call.params["secret_token"] == SECRET
    assert not webhook.api.calls_to("getUpdates")  # never polling and webhook together


async def test_forged_calls_are_refused_and_change_nothing(webhook):
    for secret in (None, "wrong", SECRET + "x", ""):
        status, _ = await post(webhook, text_update(CHAT, "/start"), secret=secret)
        assert status == 401
    assert await count(webhook.db, ProcessedUpdate.id) == 0
    assert webhook.api.calls_to("sendMessage") == []


async def test_one_reply_rides_in_the_webhook_response(webhook):
    status, body = await post(webhook, text_update(CHAT, "/start"))  # two replies: sent by the client
    assert status == 200 and body == {}
    assert len(webhook.api.sent_texts(CHAT)) == 2
    status, body = await post(webhook, text_update(CHAT, "1. Đúng, tôi là Nguyễn Hoa"))  # one reply: in the response
    assert body["method"] == "sendMessage" and body["chat_id"] == CHAT and body["parse_mode"] == "HTML"
    assert "đơn vị" in body["text"]
    assert body["reply_markup"]["keyboard"][0][0]["text"] == "1. Quay lại"
    assert len(webhook.api.sent_texts(CHAT)) == 2


async def test_a_full_submission_by_webhook(webhook):
    for text in ("/start", "Tiếng Việt", "Đúng", "kim hy", "Khác", "Sáng kiến mới", "Gá định vị kẹp phôi", "Y tế"):
        assert (await post(webhook, text_update(CHAT, text)))[0] == 200
    await post(webhook, photo_update(CHAT, file_ids=("s", "m", "l")))
    await post(webhook, text_update(CHAT, "Xong"))
    await post(webhook, voice_update(CHAT, "voice-9"))  # the solution, said: the form moves on
    for text in ("Giảm hàng hỏng rõ rệt", "Bỏ qua", "Bỏ qua", "Bỏ qua", "Bỏ qua", "Gửi sáng kiến"):
        await post(webhook, text_update(CHAT, text))
    async with webhook.db.session() as session:
        initiative = (await session.execute(select(Initiative))).scalars().one()
    assert initiative.status == "submitted"
    assert [(a.field, a.file_ref) for a in initiative.attachments] == [("problem", "l"), ("solution", "voice-9")]


async def test_the_same_update_twice_is_answered_once(webhook):
    update = text_update(CHAT, "/start", update_id=77)
    first = await post(webhook, dict(update))
    second = await post(webhook, dict(update))
    assert first[0] == second[0] == 200 and second[1] == {}
    assert len(webhook.api.sent_texts(CHAT)) == 2
    assert await count(webhook.db, ProcessedUpdate.id) == 1


async def test_nonsense_bodies_are_refused(webhook):
    async with aiohttp.ClientSession() as http:
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with http.post(webhook.webhook_url, data=b"not json", headers=headers) as response:
            assert response.status == 400
        async with http.post(webhook.webhook_url, json={"hello": 1}, headers=headers) as response:
            assert response.status == 400


async def test_health_answers_when_the_database_does(webhook):
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{webhook.server.port}/healthz") as response:
            assert response.status == 200 and (await response.json()) == {"ok": True, "worker": 0}
