"""The Telegram channel by long polling, against a fake Bot API: what a worker sees and what is stored."""

import asyncio
import logging

from sqlalchemy import func, select

from storage.models import Initiative, Member, Outbox
from tests.bot.telegram.fake_api import (
    callback_update,
    contact_update,
    photo_update,
    sticker_update,
    text_update,
    voice_update,
)

CHAT = 4242
REGISTER = ["/start", "1. Đúng, tôi là Nguyễn Hoa", "kim hy", "5. Khác"]  # the buttons' texts
SUBMIT = [
    "Sáng kiến mới",
    "Gá kẹp <b>phôi</b> & khuôn",
    "Sản xuất kinh doanh",
    "Phôi hay bị lệch khi kẹp, mỗi ca hỏng 20 sản phẩm",
]


async def say(harness, *texts: str, chat: int = CHAT) -> str:
    """Send each text in turn; the replies to the last one, joined."""
    for text in texts:
        reply = await send_update(harness, text_update(chat, text), chat)
    return reply


async def send_update(harness, update: dict, chat: int = CHAT) -> str:
    before = len(harness.api.sent_texts(chat))
    await harness.push(update)
    return "\n".join(harness.api.sent_texts(chat)[before:])


async def scalar(db, query):
    async with db.session() as session:
        return (await session.execute(query)).scalar_one()


def last_markup(api, chat: int = CHAT) -> dict:
    return [c for c in api.calls_to("sendMessage") if c.params.get("chat_id") == chat][-1].params.get("reply_markup")


async def test_start_sets_the_command_menu_in_both_languages(polling):
    calls = polling.api.calls_to("setMyCommands")
    by_language = {c.params.get("language_code"): [cmd["command"] for cmd in c.params["commands"]] for c in calls}
    assert by_language["vi"] == by_language["en"] == ["start", "new", "mine", "help", "language"]
    descriptions = {c.params.get("language_code"): c.params["commands"][1]["description"] for c in calls}
    assert descriptions["vi"] == "Gửi sáng kiến mới" and descriptions["en"] == "New initiative"


async def test_a_full_submission_with_photo_and_voice(polling):
    await say(polling, *REGISTER)
    await say(polling, *SUBMIT)
    await send_update(polling, voice_update(CHAT, "voice-file-1"))
    await say(polling, "Xong", "Giảm hàng hỏng từ 20 xuống 2 sản phẩm", "20 triệu", "Đúng", "Bỏ qua", "Bỏ qua")
    await send_update(polling, photo_update(CHAT, file_ids=("small-1", "big-1"), caption="Ảnh sau cải tiến"))
    await say(polling, "Xong")
    review = last_markup(polling.api)
    assert [row[0]["callback_data"] for row in review["inline_keyboard"]][:2] == ["/confirm", "/edit"]
    await send_update(polling, callback_update(CHAT, "/confirm"))
    assert polling.api.calls_to("answerCallbackQuery")
    async with polling.db.session() as session:
        initiative = (await session.execute(select(Initiative))).scalars().one()
    assert initiative.status == "submitted" and initiative.title == "Gá kẹp <b>phôi</b> & khuôn"
    assert [(a.field, a.kind, a.file_ref) for a in initiative.attachments] == [
        ("solution", "voice", "voice-file-1"),
        ("attachments", "photo", "big-1"),
    ]
    assert any(initiative.code in text for text in polling.api.sent_texts(CHAT))


async def test_user_text_is_escaped_for_html(polling):
    await say(polling, *REGISTER, "Sáng kiến mới", "Gá kẹp <b>phôi</b> & khuôn", "Sản xuất kinh doanh")
    reply = await say(polling, "quay lại", "quay lại")  # the title question shows the current answer
    assert "&lt;b&gt;phôi&lt;/b&gt; &amp; khuôn" in reply
    assert "<b>phôi</b>" not in reply


async def test_keyboards_are_big_numbered_buttons_at_every_question(polling):
    await say(polling, "/start")
    markup = last_markup(polling.api)
    assert markup["keyboard"] == [[{"text": "1. Đúng, tôi là Nguyễn Hoa"}]]
    assert markup["resize_keyboard"] is True and markup["one_time_keyboard"] is True
    await say(polling, "1", "kim hy", "Khác")
    assert last_markup(polling.api)["keyboard"] == [[{"text": "1. Cần hỗ trợ"}]]  # the title: help at hand
    await say(polling, "Gá kẹp phôi", "1", "Phôi lệch", "Gá mới", "Hàng hỏng ít hơn", "bỏ qua", "bỏ qua", "bỏ qua")
    await say(polling, "bỏ qua", "Gửi sáng kiến")
    assert last_markup(polling.api)["keyboard"][0] == [{"text": "1. Sáng kiến mới"}]  # sent: the menu again


async def test_the_same_update_twice_gives_one_set_of_replies(polling):
    await say(polling, *REGISTER, "Sáng kiến mới")
    replies = len(polling.api.sent_texts(CHAT))
    update = text_update(CHAT, "Cải tiến giá kẹp phôi máy tiện", update_id=next(polling.ids))
    polling.api.push_update(dict(update))
    await polling.push(update)  # Telegram delivers the same update a second time
    assert await scalar(polling.db, select(func.count(Initiative.id))) == 1
    assert len(polling.api.sent_texts(CHAT)) == replies + 1


async def test_flood_control_is_waited_out_and_the_message_arrives_once(polling):
    polling.api.fail_next("sendMessage", error_code=429, retry_after=1)
    await say(polling, "/start")
    texts = polling.api.sent_texts(CHAT)
    assert len([t for t in texts if "Xin chào" in t]) == 1
    failed = [c for c in polling.api.calls_to("sendMessage") if not c.ok]
    assert len(failed) == 1
    assert await scalar(polling.db, select(func.count(Outbox.id)).where(Outbox.sent_at.is_(None))) == 0


async def test_a_reply_over_4096_characters_arrives_in_two_messages(polling):
    await say(polling, *REGISTER, "Sáng kiến mới", "Cải tiến giá kẹp phôi máy tiện", "Y tế")
    await say(polling, "Vấn đề " + "rất dài " * 330, "Giải pháp " + "cũng dài " * 330, "Hiệu quả rõ rệt")
    review = await say(polling, "Bỏ qua", "Bỏ qua", "Bỏ qua", "Bỏ qua")
    texts = polling.api.sent_texts(CHAT)
    assert all(len(t) <= 4096 for t in texts)
    assert len(texts[-2]) + len(texts[-1]) > 5000 and texts[-2].startswith("Sáng kiến của bạn")
    assert "Vấn đề" in texts[-2] and "Giải pháp" in texts[-1] and "Gửi sáng kiến" in review
    markups = [c.params.get("reply_markup") for c in polling.api.calls_to("sendMessage")[-2:]]
    assert markups[0] is None and "inline_keyboard" in markups[1]  # the buttons ride on the last piece


async def test_a_deep_link_registers_into_the_unit_without_asking(polling):
    await say(polling, "/start CDCS-MAY-SONGNHUE", "Tiếng Việt", "Đúng, tôi là Nguyễn Hoa")
    assert "đối tượng" in polling.api.sent_texts(CHAT)[-1]  # straight to the target group
    await say(polling, "Khác")
    async with polling.db.session() as session:
        member = (await session.execute(select(Member))).scalars().one()
    assert member.unit_id is not None
    unit_codes = [t for t in polling.api.sent_texts(CHAT) if "Sông Nhuệ" in t]
    assert unit_codes


async def test_stickers_get_a_friendly_answer_and_the_same_question(polling):
    await say(polling, *REGISTER, "Sáng kiến mới")
    reply = await send_update(polling, sticker_update(CHAT))
    assert "chưa đọc được" in reply and "Tên sáng kiến" in reply


async def test_only_the_senders_own_contact_fills_the_phone(polling):
    await say(polling, *REGISTER)
    reply = await send_update(polling, contact_update(CHAT, phone_number="+84901234567", contact_user_id=999))
    assert "không phải số điện thoại của bạn" in reply
    await send_update(polling, contact_update(CHAT, phone_number="+84912345678"))
    assert await scalar(polling.db, select(Member.phone)) == "+84912345678"


async def test_group_chatter_is_ignored_and_commands_point_to_the_private_chat(polling):
    group = -100200
    await polling.push(text_update(group, "chào cả nhà", user_id=77))
    await polling.push(text_update(group, "/start@other_bot", user_id=77))
    assert polling.api.sent_texts(group) == []
    await say(polling, "/start@sangkien_test_bot", chat=group)
    assert polling.api.sent_texts(group) == [polling.api.sent_texts(group)[0]]
    assert "t.me/sangkien_test_bot" in polling.api.sent_texts(group)[0]
    assert await scalar(polling.db, select(func.count(Member.id))) == 0


async def test_documents_keep_their_file_id_size_and_type(polling):
    from tests.bot.telegram.fake_api import document_update

    await say(polling, *REGISTER, "Sáng kiến mới", "Cải tiến giá kẹp phôi máy tiện", "Y tế")
    await send_update(polling, document_update(CHAT, "doc-1", "ban-ve.pdf", "application/pdf", 48213))
    async with polling.db.session() as session:
        initiative = (await session.execute(select(Initiative))).scalars().one()
    [attachment] = initiative.attachments
    assert (attachment.kind, attachment.file_ref, attachment.mime_type, attachment.size) == (
        "document",
        "doc-1",
        "application/pdf",
        48213,
    )


async def test_a_location_gets_a_friendly_answer(polling):
    from tests.bot.telegram.fake_api import location_update

    await say(polling, *REGISTER, "Sáng kiến mới")
    reply = await send_update(polling, location_update(CHAT))
    assert "chưa đọc được" in reply and "Tên sáng kiến" in reply


async def test_typing_shows_while_an_answer_takes_a_while(polling, monkeypatch):
    import asyncio

    real = polling.channel.dispatcher.handle

    async def slow(incoming, claim=None):
        await asyncio.sleep(1.2)
        return await real(incoming, claim)

    monkeypatch.setattr(polling.channel.dispatcher, "handle", slow)
    await say(polling, "/start")
    [action] = polling.api.calls_to("sendChatAction")
    assert action.params == {"chat_id": CHAT, "action": "typing"}


async def test_a_slow_chat_does_not_make_the_poller_fetch_others_again_and_again(polling, caplog):
    """Issue 15 (found in a tryout): while one chat's update was still being handled, the others' updates that had
    finished were started again at every poll, in a tight loop (hundreds of getUpdates a second, each 'already
    processed'). They are handled once, and the poller keeps its pace."""
    await say(polling, "/start")
    other = CHAT + 1
    slow = asyncio.create_task(polling.channel.lanes.run(str(CHAT), lambda: asyncio.sleep(1.5)))
    polling.api.push_update(text_update(CHAT, "Tiếng Việt", update_id=next(polling.ids)))  # waits behind the slow work
    await asyncio.sleep(0.1)
    polls_before = len(polling.api.calls_to("getUpdates"))
    with caplog.at_level(logging.INFO):
        await say(polling, "/start", chat=other)
        await slow
        await asyncio.sleep(0.3)
    polls = len(polling.api.calls_to("getUpdates")) - polls_before
    assert polls < 15, polls
    assert "already processed" not in caplog.text
    assert polling.api.sent_texts(other)
