"""Images the bot sends: uploaded on Telegram, by an unguessable URL on Zalo, or their text form."""

import io

import aiohttp
from PIL import Image

from bot.webhook import WebhookServer
from messaging.messages import Outgoing
from tests.bot.telegram.fake_api import UploadedFile
from tests.bot.telegram.conftest import polling as telegram  # noqa: F401  (fixture)
from tests.bot.zalo.conftest import polling as zalo  # noqa: F401  (fixture)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "orange").save(buffer, format="PNG")
    return buffer.getvalue()


async def queue_image_message(db, channel: str, chat_id: str) -> str:
    async with db.transaction() as tx:
        token = await tx.images.add(png())
        message = Outgoing(channel, chat_id, "Tiến độ: 62% chỉ tiêu\n████████░░░░", image=token)
        await tx.outbox.add(channel, chat_id, message.payload(), f"test:{token}")
    return token


async def test_zalo_sends_the_image_by_its_public_url(zalo, tmp_path):  # noqa: F811
    server = WebhookServer(zalo.db, "127.0.0.1", 0)
    await server.start()
    try:
        base = f"http://127.0.0.1:{server.port}"
        zalo.channel.settings = zalo.channel.settings.model_copy(update={"public_base_url": base})
        token = await queue_image_message(zalo.db, "zalo", "u1")
        assert await zalo.channel.flush("u1") == 1
        [photo] = zalo.api.sent_photos("u1")
        assert photo["photo"] == f"{base}/media/{token}" and len(token) >= 40
        async with aiohttp.ClientSession() as http:
            async with http.get(photo["photo"]) as response:
                assert response.status == 200 and await response.read() == png()
            async with http.get(f"{base}/media/not-a-token") as response:
                assert response.status == 404
        assert "62% chỉ tiêu" in zalo.api.sent_texts("u1")[0]
    finally:
        await server.stop()


async def test_zalo_without_a_public_address_sends_the_text_form(zalo):  # noqa: F811
    await queue_image_message(zalo.db, "zalo", "u2")
    assert await zalo.channel.flush("u2") == 1
    assert zalo.api.sent_photos("u2") == [] and "████" in zalo.api.sent_texts("u2")[0]


async def test_telegram_uploads_the_image_then_the_text(telegram):  # noqa: F811
    await queue_image_message(telegram.db, "telegram", "77")
    assert await telegram.channel.flush("77") == 1
    [call] = telegram.api.calls_to("sendPhoto")
    assert call.params["chat_id"] == 77 and isinstance(call.params["photo"], UploadedFile)
    assert call.params["photo"].data == png()
    assert "62% chỉ tiêu" in telegram.api.sent_texts(77)[0]
