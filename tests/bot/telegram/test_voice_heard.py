"""A worker answers by voice on Telegram with a transcriber on (a real engine, Whisper base, and a clip spoken by
espeak-ng): the reply comes at once, the words follow, "Đúng rồi" keeps them with the voice note beside,
and the officer who decides reads them, hears the note, and finds them marked as the machine's in the export."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from bot.hearing.engines import words_of
from storage.models import Hearing, Initiative
from tests.bot.telegram.fake_api import voice_update
from tests.bot.telegram.test_files_reach_the_reviewer import documents_to
from tests.bot.telegram.test_first_timer import Person

CLIP = Path(__file__).parent.parent / "hearing" / "doi-khuon.ogg"  # espeak-ng, voice vi, made an OGG/Opus note
SAID = "Mỗi lần đổi khuôn mất gần một tiếng đồng hồ"
WORKER, REVIEWER = 4242, 5151
HEARD_WITHIN = 120.0  # seconds: a few on an idle machine; the whole suite may share the two cores meanwhile


async def test_a_voice_note_becomes_words_the_worker_confirms_and_the_officer_reads(hearing):
    clip = CLIP.read_bytes()
    hearing.api.files["voice-of-hoa"] = clip
    reviewer = Person(hearing, REVIEWER, "An", "Phạm Văn")
    await reviewer.says("/start", "1", "nganh giao duc ha noi", "4")
    async with hearing.db.transaction() as tx:
        member = await tx.members.by_identity("telegram", str(REVIEWER))
        await tx.roles.grant(member.id, "officer", (await tx.units.by_code("CDN-GD-HN")).id)

    hoa = Person(hearing, WORKER)
    await hoa.says("/start CDCS-MN-KIMHY", "1", "Khác", "Rút ngắn thời gian đổi khuôn", "Sản xuất")
    at_once = await hoa.sends(voice_update(WORKER, "voice-of-hoa", duration=4, file_size=len(clip)))
    assert "Mình đang nghe" in at_once and "Mình nghe được" not in at_once  # the reply did not wait for the engine

    await hearing.api.wait_for(lambda api: any("Mình nghe được" in t for t in api.sent_texts(WORKER)),
                               timeout=HEARD_WITHIN)
    offered = hearing.api.sent_texts(WORKER)[-1]
    heard = offered.split("«", 1)[1].split("»", 1)[0]
    assert len(set(words_of(heard)) & set(words_of(SAID))) >= 2, heard  # a real engine heard the clip
    assert "Thực trạng, vấn đề" in offered  # the question the note answers, still waiting for "Đúng chưa?"
    assert "Bước 4/9" in await hoa.presses("Đúng rồi")

    async with hearing.db.session() as session:
        initiative = (await session.execute(select(Initiative))).scalars().one()
        [note] = initiative.attachments
        [job] = (await session.execute(select(Hearing))).scalars().all()
    assert initiative.problem == heard and (note.field, note.kind, note.transcript) == ("problem", "voice", heard)
    assert job.done_at is not None and job.attempts == 1

    await hoa.says("Làm giá để khuôn ngay cạnh máy", "Đổi khuôn nhanh gấp đôi")
    await hoa.presses("Xem lại và gửi")
    assert "Mã sáng kiến của bạn" in await hoa.presses("Gửi sáng kiến")

    screen = await reviewer.says("/duyet", "1")
    assert heard in screen and "Máy nghe được" in screen  # the words beside the note, marked as the machine's
    assert f"• Thực trạng: {heard} (máy chép từ ghi âm)" in screen
    voices = [c.params["voice"] for c in hearing.api.calls_to("sendVoice") if c.params["chat_id"] == REVIEWER]
    assert voices == ["voice-of-hoa"]  # and the note itself, played in place

    await reviewer.says("/xuat")
    await hearing.api.wait_for(lambda api: documents_to(api, REVIEWER))
    sheet = load_workbook(io.BytesIO(documents_to(hearing.api, REVIEWER)[0].data))["Sáng kiến"]
    header, row = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    problem = next(value for name, value in zip(header, row) if value and str(value).startswith(heard))
    assert problem == f"{heard} (máy chép từ ghi âm, người gửi đã xác nhận)"
