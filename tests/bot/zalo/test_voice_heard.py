"""On Zalo, with a transcriber on: a voice note (an .aac link) is answered at once, its words follow, and
"ok" keeps them with the note beside; "sửa" lets the worker type instead."""

from __future__ import annotations

from sqlalchemy import select

from bot.hearing.engines import words_of
from bot.keeping import as_aac
from storage.models import Initiative
from tests.bot.hearing.test_engines import CLIP, SAID
from tests.bot.zalo.fake_api import voice_update
from tests.bot.zalo.test_worker_by_voice import CHAT, Worker

HEARD_WITHIN = 120.0  # seconds: a few on an idle machine; the whole suite may share the two cores meanwhile


async def heard_after(harness, sent_before: int) -> str:
    await harness.api.wait_for(lambda api: any("Mình nghe được" in t for t in api.sent_texts(CHAT)[sent_before:]),
                               timeout=HEARD_WITHIN)
    return next(t for t in harness.api.sent_texts(CHAT)[sent_before:] if "Mình nghe được" in t)


async def test_a_zalo_voice_note_becomes_words_the_worker_confirms(hearing):
    link = hearing.api.cdn("doi-khuon.aac", as_aac(CLIP.read_bytes()))
    again = hearing.api.cdn("doi-khuon-2.aac", as_aac(CLIP.read_bytes()))
    hoa = Worker(hearing)
    await hoa.says("alo", "ok", "mam non kim hy", "khac", "Đổi khuôn nhanh", "khac")
    before = len(hearing.api.sent_texts(CHAT))
    assert "Mình đang nghe" in await hoa.says(voice_update(CHAT, link))
    offered = await heard_after(hearing, before)
    heard = offered.split("«", 1)[1].split("»", 1)[0]
    assert len(set(words_of(heard)) & set(words_of(SAID))) >= 2, heard
    assert "1. Đúng rồi" in offered and "2. Sửa" in offered  # Zalo has no buttons: numbered
    assert "Bước 4/9" in await hoa.says("ok")
    async with hearing.db.session() as session:
        initiative = (await session.execute(select(Initiative))).scalars().one()
    assert initiative.problem == heard and initiative.attachments[0].transcript == heard

    before = len(hearing.api.sent_texts(CHAT))
    await hoa.says(voice_update(CHAT, again))  # the solution, by voice too
    await heard_after(hearing, before)
    assert "gõ lại" in await hoa.says("sửa")
    assert "Bước 5/9" in await hoa.says("Làm giá để khuôn ngay cạnh máy")
    async with hearing.db.session() as session:
        initiative = (await session.execute(select(Initiative))).scalars().one()
    assert initiative.solution == "Làm giá để khuôn ngay cạnh máy"  # typed: the machine's words not taken
    assert sorted(a.field for a in initiative.attachments) == ["problem", "solution"]  # both notes kept
