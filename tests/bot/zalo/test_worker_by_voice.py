"""A worker who cannot write, on Zalo: colloquial answers and voice notes make a whole initiative.

She types as people do on a phone ("ok", "ko biet", "ko co", "ko nho") and answers the problem and
the solution by voice notes (Zalo's message.voice.received, an .aac link). Every voice note is kept
for its step, and no non-answer is stored anywhere.
"""

from sqlalchemy import select

from storage.models import HelpRequest, Initiative, Member
from tests.bot.zalo.fake_api import image_update, text_update, unsupported_update, voice_update

CHAT = "6ede9afa6a4e8c10d55f"
VOICE_PROBLEM = "http://127.0.0.1:9/zdn-voice/5c0e/van-de.aac"
VOICE_SOLUTION = "http://127.0.0.1:9/zdn-voice/9d4f/giai-phap.aac"
VOICE_TITLE = "http://127.0.0.1:9/zdn-voice/1a2b/ten.aac"
NON_ANSWERS = {"ok", "ko biet", "ko co", "ko nho", "giup voi", "k", "dc", "1", "2", "khac"}


class Worker:
    """Counts what the worker sends and reads what the bot answered since."""

    def __init__(self, harness) -> None:
        self.harness = harness
        self.sent = 0

    async def says(self, *messages) -> str:
        before = len(self.harness.api.sent_texts(CHAT))
        for message in messages:
            update = text_update(CHAT, message) if isinstance(message, str) else message
            self.sent += 1
            await self.harness.push(update)
        return "\n".join(self.harness.api.sent_texts(CHAT)[before:])


async def test_colloquial_answers_and_voice_notes_make_a_whole_initiative(polling):
    hoa = Worker(polling)
    assert "Họ và tên" in await hoa.says("alo")
    await hoa.says("ok")  # "Nguyễn Thị Hoa" is her Zalo name: ok means it's her
    await hoa.says("mam non kim hy")
    assert "Chọn nhóm gần nhất" in await hoa.says("ko biet")  # the target group: a hint, not an answer
    assert "Bước 1/9" in await hoa.says("khac")
    offer = await hoa.says("ko biet")  # the title
    assert "1. Gửi ghi âm" in offer and "3. Cần hỗ trợ" in offer
    assert "giữ nút 🎤" in await hoa.says("1")
    assert "Bước 2/9" in await hoa.says(voice_update(CHAT, VOICE_TITLE))
    await hoa.says("ko biet")
    assert "Bước 3/9" in await hoa.says("khac")
    assert "Bước 4/9" in await hoa.says(voice_update(CHAT, VOICE_PROBLEM))
    assert "Bước 5/9" in await hoa.says(voice_update(CHAT, VOICE_SOLUTION))
    assert "Gửi ghi âm" in await hoa.says("giup voi")  # the benefit
    assert "Bước 6/9" in await hoa.says("Đỡ mệt, làm nhanh hơn")
    assert "Bước 7/9" in await hoa.says("ko biet")  # the money: left empty
    assert "Bước 8/9" in await hoa.says("ko nho")  # first applied: left empty
    assert "Bước 9/9" in await hoa.says("ko co")  # co-authors: nobody
    assert "mời kiểm tra lại" in await hoa.says("k")  # no photos
    done = await hoa.says("ok")  # "ok" at the summary sends it
    assert "Mã sáng kiến của bạn" in done
    assert hoa.sent <= 25

    async with polling.db.session() as session:
        initiative = (await session.execute(select(Initiative))).scalars().one()
    assert initiative.status == "submitted"
    assert [(a.field, a.kind, a.file_ref) for a in initiative.attachments] == [
        ("title", "voice", VOICE_TITLE), ("problem", "voice", VOICE_PROBLEM), ("solution", "voice", VOICE_SOLUTION),
    ]
    assert all(a.mime_type == "audio/aac" for a in initiative.attachments)
    assert (initiative.title, initiative.problem, initiative.solution) == (None, None, None)
    assert initiative.benefit == "Đỡ mệt, làm nhanh hơn"
    assert (initiative.estimated_value, initiative.first_applied_on, initiative.coauthors) == (None, None, [])
    stored = [initiative.title, initiative.field, initiative.problem, initiative.solution, initiative.benefit,
              *initiative.coauthors]
    assert not NON_ANSWERS & {s.lower() for s in stored if s}


async def test_a_photo_delivered_with_photo_url_is_kept(polling):
    hoa = Worker(polling)
    await hoa.says("alo", "1", "mam non kim hy", "5", "Gá kẹp phôi mới", "1")
    await hoa.says(image_update(CHAT, "http://127.0.0.1:9/zdn-photo/anh.jpg", field="photo_url"))
    async with polling.db.session() as session:
        initiative = (await session.execute(select(Initiative))).scalars().one()
    assert [(a.field, a.file_ref) for a in initiative.attachments] == [("problem", "http://127.0.0.1:9/zdn-photo/anh.jpg")]


async def test_messages_zalo_hides_lead_to_the_support_team_not_a_loop(polling):
    hoa = Worker(polling)
    await hoa.says("alo", "1", "mam non kim hy", "5")
    first = await hoa.says(unsupported_update(CHAT))
    assert "Zalo không cho bot đọc" in first and "Bước 1/9" in first
    second = await hoa.says(unsupported_update(CHAT))
    assert "nhờ Tổ hỗ trợ sáng kiến" in second or "nhập hộ" in second
    assert second != first
    async with polling.db.session() as session:
        requests = (await session.execute(select(HelpRequest))).scalars().all()
    assert len(requests) == 1  # asked once, on the second hidden message
    third = await hoa.says(unsupported_update(CHAT))
    async with polling.db.session() as session:
        assert len((await session.execute(select(HelpRequest))).scalars().all()) == 1
    assert "QR" in third


async def test_someone_zalo_hides_from_the_start_is_told_where_to_turn(polling):
    hoa = Worker(polling)
    await hoa.says(unsupported_update(CHAT))
    second = await hoa.says(unsupported_update(CHAT))
    assert "cán bộ công đoàn" in second and "QR" in second
    async with polling.db.session() as session:
        assert (await session.execute(select(Member))).scalars().all() == []
