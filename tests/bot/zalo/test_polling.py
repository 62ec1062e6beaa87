"""The Zalo channel by long polling: numbered replies only, the same initiative as on the console."""

import asyncio
import logging

from sqlalchemy import func, select

from storage.models import Initiative, Member, Outbox
from tests.bot.zalo.fake_api import image_update, sticker_update, text_update

CHAT = "6ede9afa6a4e8c10d55f"
# Only numbers and typed text: Zalo has no buttons.
REGISTER = ["Xin chào", "1", "mam non kim hy", "5"]  # "1": "Đúng, tôi là Nguyễn Thị Hoa"; 5: "Khác"
SUBMIT = [  # registered, the first initiative's questions come at once
    "Cải tiến giá kẹp phôi máy tiện",
    "1",  # Sản xuất kinh doanh
    "Phôi hay bị lệch khi kẹp, mỗi ca hỏng 20 sản phẩm",
    "Làm thêm gá định vị bằng thép tấm",
    "Giảm hàng hỏng từ 20 xuống 2 sản phẩm mỗi ca",
    "1,5 tỷ",
    "dung",
    "3/2022",
    "Lê Văn Nam, Phạm Thị Thu",
    "xong",
]


async def say(harness, *texts: str, chat: str = CHAT) -> str:
    before = len(harness.api.sent_texts(chat))
    for text in texts:
        before = len(harness.api.sent_texts(chat))
        await harness.push(text_update(chat, text))
    return "\n".join(harness.api.sent_texts(chat)[before:])


async def test_a_full_submission_with_numbers_and_text_only(polling):
    await say(polling, *REGISTER)
    await say(polling, *SUBMIT)
    await polling.push(image_update(CHAT, "http://127.0.0.1:9/zdn-photo/sang-kien/anh-1.jpg", caption="Ảnh sau cải tiến"))
    await say(polling, "xong")
    review = polling.api.sent_texts(CHAT)[-1]
    assert "1. Gửi sáng kiến" in review and "Gõ số 1, 2, 3 hoặc 4 để chọn." in review
    await say(polling, "1")
    async with polling.db.session() as session:
        initiative = (await session.execute(select(Initiative))).scalars().one()
    assert initiative.status == "submitted" and initiative.code in polling.api.sent_texts(CHAT)[-2]
    assert (initiative.title, initiative.field, initiative.estimated_value) == (
        "Cải tiến giá kẹp phôi máy tiện",
        "Sản xuất kinh doanh",
        1_500_000_000,
    )
    assert initiative.coauthors == ["Lê Văn Nam", "Phạm Thị Thu"]
    assert [(a.kind, a.file_ref) for a in initiative.attachments] == [
        ("photo", "http://127.0.0.1:9/zdn-photo/sang-kien/anh-1.jpg")
    ]


async def test_choices_are_a_numbered_list_with_a_hint(polling):
    reply = await say(polling, "Xin chào")
    assert "1. Đúng, tôi là Nguyễn Thị Hoa\nGõ số 1 để chọn." in reply
    assert all("<" not in text for text in polling.api.sent_texts(CHAT))  # plain text, no markup


async def test_a_choice_can_be_typed_without_accents(polling):
    await say(polling, "Xin chào", "Đúng", "kim hy", "khac")
    async with polling.db.session() as session:
        member = (await session.execute(select(Member))).scalars().one()
    assert member.target_group == "Khác" and member.locale == "vi"


async def test_a_repeated_message_id_changes_nothing(polling):
    await say(polling, *REGISTER)
    update = text_update(CHAT, "Cải tiến giá kẹp phôi máy tiện")
    await polling.push(update)
    replies = len(polling.api.sent_texts(CHAT))
    async with polling.db.session() as session:
        outbox = await session.scalar(select(func.count(Outbox.id)))
    await polling.push(dict(update), answered=False)
    await say(polling, "2")  # a later message: the repeat has been dealt with by now
    assert len(polling.api.sent_texts(CHAT)) == replies + 1
    async with polling.db.session() as session:
        assert await session.scalar(select(func.count(Initiative.id))) == 1
        assert await session.scalar(select(func.count(Outbox.id))) == outbox + 1


async def test_an_idle_poll_is_not_an_error(polling, caplog):
    with caplog.at_level(logging.DEBUG):
        await polling.api.wait_for(lambda api: api.idle_polls >= 2, timeout=5)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_a_reply_over_2000_characters_arrives_in_two_messages(polling):
    await say(polling, *REGISTER, "Cải tiến giá kẹp phôi máy tiện", "1")
    await say(polling, "Vấn đề " + "rất dài " * 170, "Giải pháp " + "cũng dài " * 170, "Hiệu quả rõ rệt")
    await say(polling, "bo qua", "bo qua", "bo qua", "bo qua")
    texts = polling.api.sent_texts(CHAT)
    assert all(len(text) <= 2000 for text in texts)
    assert len(texts[-2]) + len(texts[-1]) > 2500 and "Vấn đề" in texts[-2] and "1. Gửi sáng kiến" in texts[-1]


async def test_stickers_get_a_friendly_answer(polling):
    await say(polling, *REGISTER)
    await polling.push(sticker_update(CHAT))
    assert "chưa đọc được" in "\n".join(polling.api.sent_texts(CHAT)[-2:])


async def test_in_a_group_only_mentions_are_answered(polling):
    group = "f3d8b2a6c1e04957b8d2"
    await polling.push(text_update(group, "chào cả nhà", chat_type="GROUP"), answered=False)
    await polling.push(text_update(group, "@Sáng kiến cho hỏi", chat_type="GROUP"))
    [reply] = polling.api.sent_texts(group)
    assert "nhắn riêng" in reply


async def test_the_token_is_in_no_log_line(polling, caplog):
    from bot.logs import install_redaction, remove_redaction

    redaction = install_redaction([polling.api.token])
    try:
        with caplog.at_level(logging.DEBUG):
            polling.api.fail_next("sendMessage", status=502)
            await say(polling, "Xin chào")
        assert caplog.records and polling.api.token not in caplog.text
        assert any("Zalo call failed" in r.getMessage() for r in caplog.records)
    finally:
        remove_redaction(redaction)


async def test_quota_errors_are_retried_and_the_message_arrives_once(polling):
    polling.api.fail_next("sendMessage", status=429)
    await say(polling, "Xin chào")
    assert len([t for t in polling.api.sent_texts(CHAT) if "Xin chào" in t]) == 1


async def test_a_quota_outage_defers_the_chat_without_using_up_attempts(polling):
    polling.api.fail_next("sendMessage", status=429, times=8)
    await polling.push(text_update(CHAT, "Xin chào"), answered=False)
    for _ in range(200):  # the retries take a moment; then the chat is put off, not failed
        async with polling.db.session() as session:
            first = (await session.execute(select(Outbox).order_by(Outbox.id))).scalars().first()
        if first is not None and first.next_attempt_at is not None:
            break
        await asyncio.sleep(0.05)
    assert first.attempts == 0 and first.next_attempt_at is not None and first.sent_at is None
    assert polling.api.sent_texts(CHAT) == []


async def test_a_message_zalo_refuses_for_good_does_not_block_the_next(polling):
    polling.api.fail_next("sendMessage", status=400)
    await polling.push(text_update(CHAT, "Xin chào"), answered=False)
    await polling.api.wait_for(lambda api: len(api.sent_texts(CHAT)) == 1)
    assert "Họ và tên" in polling.api.sent_texts(CHAT)[0]


async def test_a_stop_finishes_the_messages_already_taken(polling, monkeypatch):
    real = polling.channel.dispatcher.handle

    async def slow(incoming, claim=None):
        await asyncio.sleep(0.5)
        return await real(incoming, claim)

    monkeypatch.setattr(polling.channel.dispatcher, "handle", slow)
    polling.api.push_update(text_update(CHAT, "Xin chào"))
    await polling.api.wait_for(lambda api: not api.pending_updates)
    await polling.channel.stop()
    async with polling.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Member)) == 0  # not registered yet, but
        assert await session.scalar(select(func.count()).select_from(Outbox)) == 2  # answered, not lost
