"""The help chat on Zalo: a worker and a supporter talk through the bot, voice notes included, and the
worker's draft is untouched until she goes on."""

from sqlalchemy import select

from storage.models import Initiative
from tests.bot.zalo.fake_api import text_update, voice_update

WORKER, SUPPORTER = "6ede9afa6a4e8c10d55f", "a41c97e2f05b6d38c7e9"
VOICE = "http://127.0.0.1:9/zdn-voice/77aa/hoi.aac"


async def says(harness, chat: str, *messages, name: str = "Nguyễn Thị Hoa") -> None:
    for message in messages:
        await harness.push(text_update(chat, message, name=name) if isinstance(message, str) else message)


async def arrives(harness, chat: str, words: str) -> str:
    await harness.api.wait_for(lambda api: any(words in t for t in api.sent_texts(chat)), timeout=5)
    return next(t for t in reversed(harness.api.sent_texts(chat)) if words in t)


async def test_worker_and_supporter_talk_both_ways_on_zalo(polling):
    await says(polling, SUPPORTER, "alo", "1", "nganh giao duc ha noi", "4", name="Phạm Văn An")
    async with polling.db.transaction() as tx:
        an = await tx.members.by_identity("zalo", SUPPORTER)
        await tx.roles.grant(an.id, "support", (await tx.units.by_code("CDN-GD-HN")).id)
    await says(polling, WORKER, "alo", "1", "mam non kim hy", "5", "Góc đọc sách cho bé", "4", "can ho tro")
    assert "/nhan" in await arrives(polling, SUPPORTER, "cần hỗ trợ")

    await says(polling, SUPPORTER, "/yeucau", "1")
    assert "Kết thúc hỗ trợ" in await arrives(polling, WORKER, "đã nhận yêu cầu của bạn")

    await says(polling, WORKER, voice_update(WORKER, VOICE))
    assert "[ghi âm]" in await arrives(polling, SUPPORTER, "Nguyễn Thị Hoa (yêu cầu")
    await polling.api.wait_for(lambda api: api.sent_voices(SUPPORTER) == [VOICE], timeout=5)  # she is heard
    await says(polling, SUPPORTER, "ok em, chị ghi giúp phần thực trạng nhé", name="Phạm Văn An")
    assert "Phạm Văn An (Tổ hỗ trợ)" in await arrives(polling, WORKER, "chị ghi giúp phần thực trạng")

    async with polling.db.session() as session:
        draft = (await session.execute(select(Initiative))).scalars().one()
    assert (draft.problem, draft.attachments, draft.current_step) == (None, [], "problem")

    await says(polling, WORKER, "1")  # Kết thúc hỗ trợ
    back = "\n".join(polling.api.sent_texts(WORKER)[-2:])
    assert "Đã kết thúc hỗ trợ" in back and "Bước 3/9" in back
    await arrives(polling, SUPPORTER, "đã kết thúc cuộc trò chuyện")
    await says(polling, WORKER, "Trẻ ít đọc sách vì không có góc sách")
    async with polling.db.session() as session:
        draft = (await session.execute(select(Initiative))).scalars().one()
    assert draft.problem == "Trẻ ít đọc sách vì không có góc sách"
