"""On Zalo: a worker answers the problem by voice note and photo (Zalo's links to them); the bot keeps
its own copies, and the reviewer's /duyet screen sends the photo and the voice note by the bot's links,
which serve the same bytes long after Zalo's links are gone."""

from __future__ import annotations

import io
from dataclasses import replace

import aiohttp
from openpyxl import load_workbook
from sqlalchemy import select

from bot.keeping import file_store
from bot.webhook import WebhookServer
from storage.models import Initiative
from tests.bot.samples import photo, zalo_voice
from tests.bot.zalo.fake_api import image_update, text_update, voice_update

WORKER, REVIEWER = "6ede9afa6a4e8c10d55f", "a41c97e2f05b6d38c7e9"


async def says(harness, chat: str, *messages, name: str = "Nguyễn Thị Hoa") -> None:
    for message in messages:
        await harness.push(text_update(chat, message, name=name) if isinstance(message, str) else message)


async def served(url: str) -> bytes:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.status == 200, url
        return await response.read()


async def test_the_reviewer_gets_the_photo_and_the_voice_note_by_the_bots_own_links(polling):
    server = WebhookServer(polling.db, "127.0.0.1", 0, files=file_store(polling.channel.settings.data_dir))
    await server.start()
    base = f"http://127.0.0.1:{server.port}"
    polling.channel.settings = polling.channel.settings.model_copy(update={"public_base_url": base})
    options = polling.channel.dispatcher.options
    polling.channel.dispatcher.options = replace(options, staff=replace(options.staff, public_base_url=base))
    try:
        await says(polling, REVIEWER, "alo", "1", "nganh giao duc ha noi", "4", name="Phạm Văn An")
        async with polling.db.transaction() as tx:
            an = await tx.members.by_identity("zalo", REVIEWER)
            await tx.roles.grant(an.id, "officer", (await tx.units.by_code("CDN-GD-HN")).id)
        photo_link = polling.api.cdn("anh-ke-sach.jpg", photo())
        voice_link = polling.api.cdn("van-de.aac", zalo_voice())
        await says(polling, WORKER, "alo", "1", "mam non kim hy", "5", "Góc đọc sách cho bé", "4")
        await says(polling, WORKER, image_update(WORKER, photo_link, field="photo_url"), voice_update(WORKER, voice_link))
        await says(polling, WORKER, "Làm kệ sách nhỏ ở mỗi lớp", "Trẻ đọc sách mỗi ngày", "ko biet", "ko nho",
                   "ko co", "k", "ok")
        async with polling.db.session() as session:
            initiative = (await session.execute(select(Initiative))).scalars().one()
        assert initiative.status == "submitted"
        assert sorted((a.field, a.kind) for a in initiative.attachments) == [("problem", "photo"), ("problem", "voice")]
        polling.api.cdn_files.clear()  # Zalo's links expire: what follows uses the bot's own copies only

        await says(polling, REVIEWER, "/duyet", "1", name="Phạm Văn An")
        await polling.api.wait_for(lambda api: api.sent_voices(REVIEWER) and api.sent_photos(REVIEWER), timeout=5)
        [voice_url] = polling.api.sent_voices(REVIEWER)
        [sent_photo] = polling.api.sent_photos(REVIEWER)
        assert voice_url.startswith(f"{base}/files/") and voice_url.endswith(".aac")
        assert await served(voice_url) == zalo_voice()  # already AAC: the copy is the note as she sent it
        assert await served(sent_photo["photo"]) == photo()
        screen = "\n".join(polling.api.sent_texts(REVIEWER)[-3:])
        assert "Tệp 2/2: ghi âm" in screen and "🎤 trả lời bằng ghi âm" in screen

        await says(polling, REVIEWER, "/xuat", name="Phạm Văn An")
        line = next(t for t in reversed(polling.api.sent_texts(REVIEWER)) if "/media/" in t)
        export = await served(line[line.index("http"):].split()[0])
        cells = {h.value: c.value for h, c in zip(*load_workbook(io.BytesIO(export))["Sáng kiến"].iter_rows(max_row=2))}
        links = [entry.rsplit(": ", 1)[1] for entry in cells["Tệp đính kèm (đường dẫn)"].splitlines()]
        assert [await served(link) for link in links] == [photo(), zalo_voice()]
    finally:
        await server.stop()
