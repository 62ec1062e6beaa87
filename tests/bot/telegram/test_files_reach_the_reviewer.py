"""A worker answers by voice and photo on Telegram; the reviewer hears and sees both, and the XLSX and
DOCX list them with links that download the bot's own copies."""

from __future__ import annotations

import io
from dataclasses import replace

import aiohttp
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from bot.keeping import file_store
from bot.webhook import WebhookServer
from storage.models import Initiative
from tests.bot.samples import photo, seconds_of, telegram_voice
from tests.bot.telegram.fake_api import photo_update, voice_update
from tests.bot.telegram.test_first_timer import Person

WORKER, REVIEWER = 4242, 5151


async def served(url: str) -> bytes:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.status == 200, url
        return await response.read()


async def public(harness) -> WebhookServer:
    """The bot's web server, and every link the bot makes pointing at it (PUBLIC_BASE_URL)."""
    server = WebhookServer(harness.db, "127.0.0.1", 0, files=file_store(harness.channel.settings.data_dir))
    await server.start()
    base = f"http://127.0.0.1:{server.port}"
    options = harness.channel.dispatcher.options
    harness.channel.dispatcher.options = replace(options, staff=replace(options.staff, public_base_url=base))
    return server


def documents_to(api, chat: int) -> list:
    return [c.params["document"] for c in api.calls_to("sendDocument") if c.params.get("chat_id") == chat]


async def test_the_reviewer_hears_the_voice_note_and_sees_the_photo_and_the_files_list_them(polling):
    server = await public(polling)
    try:
        polling.api.files.update({"voice-of-hoa": telegram_voice(), "photo-of-hoa": photo()})
        reviewer = Person(polling, REVIEWER, "An", "Phạm Văn")
        await reviewer.says("/start", "1", "nganh giao duc ha noi", "4")
        async with polling.db.transaction() as tx:
            member = await tx.members.by_identity("telegram", str(REVIEWER))
            await tx.roles.grant(member.id, "officer", (await tx.units.by_code("CDN-GD-HN")).id)

        hoa = Person(polling, WORKER)
        await hoa.says("/start CDCS-MN-KIMHY", "1", "Khác", "Góc đọc sách cho bé", "Giáo dục - đào tạo")
        await hoa.send(photo_update(WORKER, ("photo-small", "photo-of-hoa")))
        await hoa.send(voice_update(WORKER, "voice-of-hoa", file_size=len(telegram_voice())))
        await hoa.says("Làm kệ sách nhỏ ở mỗi lớp", "Trẻ đọc sách mỗi ngày")
        await hoa.presses("Xem lại và gửi")
        assert "Mã sáng kiến của bạn" in await hoa.presses("Gửi sáng kiến")
        async with polling.db.session() as session:
            initiative = (await session.execute(select(Initiative))).scalars().one()
        assert sorted((a.field, a.kind) for a in initiative.attachments) == [("problem", "photo"), ("problem", "voice")]
        assert initiative.problem is None  # answered by voice, with a photo: no words

        screen = await reviewer.says("/duyet", "1")
        assert "ghi âm cho mục \"Thực trạng, vấn đề cần giải quyết\"" in screen
        voices = [c.params["voice"] for c in polling.api.calls_to("sendVoice") if c.params["chat_id"] == REVIEWER]
        photos = [c.params["photo"] for c in polling.api.calls_to("sendPhoto") if c.params["chat_id"] == REVIEWER]
        assert (voices, photos) == (["voice-of-hoa"], ["photo-of-hoa"])  # this bot's own file ids: played in place

        await reviewer.presses("Tải đơn")
        await reviewer.says("/xuat")
        await polling.api.wait_for(lambda api: len(documents_to(api, REVIEWER)) == 2)
        form, export = documents_to(polling.api, REVIEWER)
        text = "\n".join(p.text for p in Document(io.BytesIO(form.data)).paragraphs)
        assert "+ Tình trạng (vấn đề) trước khi có sáng kiến: (ghi âm)" in text
        links = [line.rsplit(": ", 1)[1] for line in text.splitlines() if "/files/" in line]
        sheet = load_workbook(io.BytesIO(export.data))["Sáng kiến"]
        header, row = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
        cells = dict(zip(header, row))
        assert cells["Thực trạng/vấn đề"] == "(ghi âm)"
        assert [line.rsplit(": ", 1)[1] for line in cells["Tệp đính kèm (đường dẫn)"].splitlines()] == links
        assert len(links) == 2 and links[1].endswith(".aac")  # the photo, then the voice note every phone plays
        assert await served(links[0]) == photo()
        assert abs(seconds_of(await served(links[1])) - 2.0) < 0.1
        assert await served(links[1].removesuffix(".aac")) == telegram_voice()  # the original, as sent
    finally:
        await server.stop()


async def test_a_file_over_the_limit_is_refused_with_the_limit_and_not_kept(polling):
    hoa = Person(polling, WORKER)
    await hoa.says("/start CDCS-MN-KIMHY", "1", "Khác", "Góc đọc sách cho bé", "Giáo dục - đào tạo")
    before = len(polling.api.sent_texts(WORKER))
    await hoa.send(voice_update(WORKER, "a-long-speech", file_size=25 * 1024 * 1024))
    answer = "\n".join(polling.api.sent_texts(WORKER)[before:])
    assert "20 MB" in answer and "Bước 3/9" in answer  # still at the problem, told why
    assert polling.api.calls_to("getFile") == []  # its size said enough: never downloaded
    async with polling.db.session() as session:
        initiative = (await session.execute(select(Initiative))).scalars().one()
    assert initiative.attachments == []
