"""Files the bot makes (an export, a form): a document on Telegram, a download link on Zalo, a file in the terminal."""

import io

import aiohttp

from bot.channels.console import ConsoleChat
from bot.webhook import WebhookServer
from messaging.messages import Outgoing
from tests.bot.telegram.fake_api import UploadedFile
from tests.bot.telegram.conftest import polling as telegram  # noqa: F401  (fixture)
from tests.bot.zalo.conftest import polling as zalo  # noqa: F401  (fixture)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATA = b"PK\x03\x04 an export"


async def queue_file_message(db, channel: str, chat_id: str) -> str:
    async with db.transaction() as tx:
        token = await tx.images.add(DATA, XLSX, "sangkien-LDLD-HN-20261121.xlsx")
        message = Outgoing(channel, chat_id, "📊 Dữ liệu Liên đoàn Lao động thành phố Hà Nội", document=token)
        await tx.outbox.add(channel, chat_id, message.payload(), f"test:{token}")
    return token


async def test_telegram_sends_the_file_as_a_document_with_its_name(telegram):  # noqa: F811
    await queue_file_message(telegram.db, "telegram", "77")
    assert await telegram.channel.flush("77") == 1
    [call] = telegram.api.calls_to("sendDocument")
    assert isinstance(call.params["document"], UploadedFile)
    assert call.params["document"].filename == "sangkien-LDLD-HN-20261121.xlsx" and call.params["document"].data == DATA
    assert "Dữ liệu Liên đoàn" in telegram.api.sent_texts(77)[0]


async def test_zalo_gives_a_download_link_that_saves_under_the_files_name(zalo):  # noqa: F811
    server = WebhookServer(zalo.db, "127.0.0.1", 0)
    await server.start()
    try:
        base = f"http://127.0.0.1:{server.port}"
        zalo.channel.settings = zalo.channel.settings.model_copy(update={"public_base_url": base})
        token = await queue_file_message(zalo.db, "zalo", "u1")
        assert await zalo.channel.flush("u1") == 1
        [text] = zalo.api.sent_texts("u1")
        assert f"{base}/media/{token}" in text and "sangkien-LDLD-HN-20261121.xlsx" in text
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/media/{token}") as response:
                assert response.status == 200 and await response.read() == DATA
                assert 'filename="sangkien-LDLD-HN-20261121.xlsx"' in response.headers["Content-Disposition"]
    finally:
        await server.stop()


async def test_zalo_without_a_public_address_says_where_to_get_it(zalo):  # noqa: F811
    await queue_file_message(zalo.db, "zalo", "u2")
    assert await zalo.channel.flush("u2") == 1
    [text] = zalo.api.sent_texts("u2")
    assert "Telegram" in text and "/media/" not in text


async def test_the_terminal_chat_saves_the_file_and_prints_where(dispatcher, demo_db, tmp_path):
    from tests.handlers.office import filed, person

    await person(demo_db, dispatcher, "hoa", "Nguyễn Thị Hoa", "CDCS-MN-KIMHY")
    await filed(demo_db, "hoa", "Góc đọc sách cho bé")
    out = io.StringIO()
    chat = ConsoleChat(dispatcher, user_id="hoa", stdin=io.StringIO(), stdout=out, files_dir=tmp_path / "files")
    for line in ("Sáng kiến của tôi", "1", "Tải đơn công nhận"):
        await chat.say(line, update_id=None)
    [saved] = list((tmp_path / "files").iterdir())
    assert saved.suffix == ".docx" and saved.read_bytes()[:2] == b"PK"
    assert f"📎 {saved}" in out.getvalue()
