"""The fake Bot API server answers the real aiogram client the way Telegram does."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ChatAction, ContentType
from aiogram.exceptions import (
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    Update,
)

from tests.bot.telegram.fake_api import (
    BOT_ID,
    FakeBotAPI,
    FloodControl,
    UploadedFile,
    callback_update,
    contact_update,
    document_update,
    location_update,
    photo_update,
    sticker_update,
    text_update,
    voice_update,
)


@pytest.fixture
async def api():
    async with FakeBotAPI() as server:
        yield server


def make_bot(api: FakeBotAPI, token: str | None = None) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))
    return Bot(token or api.token, session=session)


@pytest.fixture
async def bot(api):
    client = make_bot(api)
    try:
        yield client
    finally:
        await client.session.close()


async def test_listens_on_loopback_with_an_os_chosen_port(api):
    assert api.base_url.startswith("http://127.0.0.1:")
    assert int(api.base_url.rsplit(":", 1)[1]) > 0


async def test_base_url_before_start_is_an_error():
    with pytest.raises(RuntimeError):
        _ = FakeBotAPI().base_url


async def test_get_me_returns_the_bot_user(api, bot):
    me = await bot.get_me()
    assert me.username == "sangkien_test_bot"
    assert me.id == BOT_ID
    assert me.is_bot is True
    assert me.first_name == "Sáng kiến"
    assert me.can_join_groups is True
    assert [call.method for call in api.calls] == ["getMe"]
    assert api.calls[0].ok is True


async def test_send_message_records_text_and_decoded_reply_keyboard(api, bot):
    keyboard = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="Gửi sáng kiến"), KeyboardButton(text="Trợ giúp")]],
        resize_keyboard=True,
    )
    message = await bot.send_message(42, "Xin chào [bạn]", reply_markup=keyboard)

    assert isinstance(message, Message)
    assert message.text == "Xin chào [bạn]"
    assert message.chat.id == 42 and message.chat.type == "private"
    assert message.from_user is not None and message.from_user.id == BOT_ID
    (call,) = api.calls_to("sendMessage")
    assert call.ok
    assert call.params["chat_id"] == 42
    assert call.params["text"] == "Xin chào [bạn]"
    rows = call.params["reply_markup"]["keyboard"]
    assert [[button["text"] for button in row] for row in rows] == [["Gửi sáng kiến", "Trợ giúp"]]
    assert call.params["reply_markup"]["resize_keyboard"] is True
    assert api.sent_texts() == ["Xin chào [bạn]"]
    assert api.sent_texts(42) == ["Xin chào [bạn]"]
    assert api.sent_texts(43) == []


async def test_message_ids_increase_and_group_chats_are_groups(api, bot):
    first = await bot.send_message(-100, "một")
    second = await bot.send_message(7, "hai")
    assert second.message_id == first.message_id + 1
    assert first.chat.type == "group"
    assert api.sent_texts(-100) == ["một"]


async def test_inline_keyboard_is_echoed_in_the_message(api, bot):
    markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Có", callback_data="yes")]])
    message = await bot.send_message(42, "Xác nhận?", reply_markup=markup)
    assert message.reply_markup is not None
    assert message.reply_markup.inline_keyboard[0][0].callback_data == "yes"
    assert api.calls_to("sendMessage")[0].params["reply_markup"]["inline_keyboard"][0][0]["text"] == "Có"


async def test_get_updates_returns_pushed_text_and_photo_updates(api, bot):
    api.push_update(text_update(42, "/start ref_1"))
    api.push_update(photo_update(42, caption="Ảnh sáng kiến"))

    updates = await bot.get_updates(timeout=1)

    assert all(isinstance(update, Update) for update in updates)
    assert [update.update_id for update in updates] == [1, 2]
    text_message, photo_message = (update.message for update in updates)
    assert text_message.text == "/start ref_1"
    assert text_message.chat.id == 42 and text_message.from_user.first_name == "Hoa"
    assert text_message.entities[0].type == "bot_command"
    assert text_message.entities[0].extract_from(text_message.text) == "/start"
    assert photo_message.content_type == ContentType.PHOTO
    assert [size.file_id for size in photo_message.photo] == ["small", "big"]
    assert photo_message.photo[0].width < photo_message.photo[-1].width
    assert photo_message.caption == "Ảnh sáng kiến"

    started = time.monotonic()
    assert await bot.get_updates(offset=3, timeout=30) == []
    assert time.monotonic() - started < 2.5  # long polling is capped at ~1 s
    assert api.pending_updates == []
    assert api.calls_to("getUpdates")[-1].params["offset"] == 3
    assert api.calls_to("getUpdates")[-1].params["timeout"] == 30


async def test_get_updates_respects_offset_and_limit(api, bot):
    for n in range(3):
        api.push_update(text_update(42, f"tin {n}"))
    assert [u.message.text for u in await bot.get_updates(limit=2)] == ["tin 0", "tin 1"]
    assert [u.update_id for u in await bot.get_updates(offset=2)] == [2, 3]
    assert [u["update_id"] for u in api.pending_updates] == [2, 3]
    api.push_update(text_update(42, "explicit", update_id=10))
    api.push_update(text_update(42, "next"))
    assert [u.update_id for u in await bot.get_updates(offset=4)] == [10, 11]


async def test_long_poll_wakes_up_on_push(api, bot):
    async def push_later():
        await asyncio.sleep(0.1)
        api.push_update(text_update(42, "muộn"))

    pusher = asyncio.create_task(push_later())
    started = time.monotonic()
    updates = await bot.get_updates(timeout=30)
    await pusher
    assert [u.message.text for u in updates] == ["muộn"]
    assert time.monotonic() - started < 0.9


async def test_fail_next_makes_aiogram_raise_retry_after_once(api, bot):
    api.fail_next("sendMessage", retry_after=1)

    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(42, "lần một")
    assert caught.value.retry_after == 1

    message = await bot.send_message(42, "lần hai")
    assert message.text == "lần hai"
    assert [call.ok for call in api.calls_to("sendMessage")] == [False, True]
    assert api.sent_texts(42) == ["lần hai"]


async def test_fail_next_other_errors_and_times(api, bot):
    api.fail_next("sendMessage", error_code=403, times=2)
    for _ in range(2):
        with pytest.raises(TelegramForbiddenError, match="blocked"):
            await bot.send_message(42, "x")
    assert (await bot.send_message(42, "y")).text == "y"


async def test_wrong_token_is_unauthorized(api):
    intruder = make_bot(api, token="654321:WRONG-token")
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await intruder.get_me()
    finally:
        await intruder.session.close()
    assert api.calls[-1].method == "getMe" and api.calls[-1].ok is False


async def test_other_methods(api, bot):
    assert await bot.send_chat_action(42, ChatAction.TYPING) is True
    assert await bot.answer_callback_query("cb-1", text="Đã nhận") is True
    assert await bot.set_my_commands([BotCommand(command="start", description="Bắt đầu")]) is True
    assert await bot.delete_my_commands() is True
    assert await bot.edit_message_reply_markup(chat_id=42, message_id=5) is True
    assert await bot.set_webhook("https://example.org/hook") is True
    assert (await bot.get_webhook_info()).url == "https://example.org/hook"
    assert await bot.delete_webhook(drop_pending_updates=True) is True
    info = await bot.get_webhook_info()
    assert info.url == "" and info.pending_update_count == 0

    assert api.calls_to("setMyCommands")[0].params["commands"] == [{"command": "start", "description": "Bắt đầu"}]
    assert api.calls_to("sendChatAction")[0].params == {"chat_id": 42, "action": "typing"}
    assert api.calls_to("answerCallbackQuery")[0].params["text"] == "Đã nhận"
    assert api.calls_to("editMessageReplyMarkup")[0].params["message_id"] == 5
    assert api.calls_to("deleteWebhook")[0].params["drop_pending_updates"] is True


async def test_send_photo_upload_and_file_id(api, bot):
    uploaded = await bot.send_photo(42, BufferedInputFile(b"\x89PNG fake", filename="qr.png"), caption="Mã QR")
    assert uploaded.photo and uploaded.caption == "Mã QR"
    photo = api.calls_to("sendPhoto")[0].params["photo"]
    assert isinstance(photo, UploadedFile)
    assert photo.filename == "qr.png" and photo.data == b"\x89PNG fake"

    by_id = await bot.send_photo(42, "known-file-id")
    assert by_id.photo[-1].file_id == "known-file-id"


async def test_raw_requests_json_body_unknown_method_and_path(api):
    async with aiohttp.ClientSession() as http:
        url = f"{api.base_url}/bot{api.token}/sendMessage"
        async with http.post(url, json={"chat_id": "-5", "text": "json"}) as response:
            assert response.status == 200
            body = await response.json()
        assert body["ok"] is True and body["result"]["chat"]["type"] == "group"
        assert api.calls_to("sendMessage")[-1].params == {"chat_id": -5, "text": "json"}

        async with http.post(url, data={"chat_id": "5"}) as response:
            assert response.status == 400
            assert (await response.json())["ok"] is False

        async with http.post(f"{api.base_url}/bot{api.token}/noSuchMethod") as response:
            assert response.status == 404
        async with http.get(f"{api.base_url}/elsewhere") as response:
            assert response.status == 404
        async with http.post(f"{api.base_url}/botWRONG/getMe") as response:
            assert response.status == 401
            assert await response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_wait_for_times_out_with_a_summary(api, bot):
    await bot.send_message(42, "một")
    with pytest.raises(AssertionError, match="sendMessage"):
        await api.wait_for(lambda api: len(api.sent_texts()) > 1, timeout=0.1)
    await api.wait_for(lambda api: api.sent_texts() == ["một"], timeout=0.1)


@pytest.mark.parametrize(
    ("update", "content_type"),
    [
        (text_update(42, "xin chào"), ContentType.TEXT),
        (photo_update(42, ("a", "b", "c")), ContentType.PHOTO),
        (voice_update(42, "voice-9"), ContentType.VOICE),
        (document_update(42, "doc-1", "de-xuat.docx", "application/msword", 2048), ContentType.DOCUMENT),
        (contact_update(42, "+84900000000", 42), ContentType.CONTACT),
        (sticker_update(42), ContentType.STICKER),
        (location_update(42), ContentType.LOCATION),
        (text_update(-77, "trong nhóm", user_id=9), ContentType.TEXT),
    ],
)
def test_update_builders_are_valid_aiogram_updates(update, content_type):
    assert "update_id" not in update
    parsed = Update.model_validate({"update_id": 1, **update})
    assert parsed.message.content_type == content_type
    assert parsed.message.from_user.is_bot is False
    assert parsed.message.from_user.last_name == "Nguyễn"


def test_callback_update_is_a_valid_callback_query():
    update = callback_update(42, "idea:7", message_id=3, update_id=5)
    parsed = Update.model_validate(update)
    assert parsed.update_id == 5
    query = parsed.callback_query
    assert query.data == "idea:7" and query.from_user.id == 42 and query.chat_instance
    assert query.message.message_id == 3 and query.message.chat.id == 42


async def test_flood_control_answers_429_with_how_long_to_wait(api, bot):
    api.flood = FloodControl(per_second=100, chat_interval=1.0, private_burst=2, group_per_minute=20)
    await bot.send_message(chat_id=-5, text="một")
    with pytest.raises(TelegramRetryAfter) as refused:
        await bot.send_message(chat_id=-5, text="hai")  # a group: one a second
    assert refused.value.retry_after == 1
    await bot.send_message(chat_id=42, text="một")
    await bot.send_message(chat_id=42, text="hai")  # a private chat: a burst of two
    await bot.send_chat_action(chat_id=42, action=ChatAction.TYPING)  # not a message: never counted
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(chat_id=42, text="ba")
    assert [len(api.flood.accepted[chat]) for chat in (-5, 42)] == [1, 2]
    assert [(chat, after) for _, chat, after in api.flood.refused] == [(-5, 1), (42, 1)]
    assert len(api.throttled()) == 2


def test_flood_control_counts_any_rolling_window():
    flood = FloodControl(per_second=3, group_per_minute=2, slack=0.0)
    assert [flood.admit(n, False, now) for n, now in enumerate((0.0, 0.1, 0.2))] == [None, None, None]
    assert flood.admit(9, False, 0.5) == 1 and flood.admit(9, False, 1.0) is None  # the first has left the second
    assert flood.admit(-1, True, 2.0) is None and flood.admit(-1, True, 30.0) is None
    assert flood.admit(-1, True, 61.0) == 1 and flood.admit(-1, True, 62.0) is None


async def test_a_blocked_chat_is_forbidden_until_unblocked(api, bot):
    api.block(42)
    api.block(-7)
    with pytest.raises(TelegramForbiddenError, match="blocked by the user"):
        await bot.send_message(chat_id=42, text="xin chào")
    with pytest.raises(TelegramForbiddenError, match="kicked from the group"):
        await bot.send_message(chat_id=-7, text="xin chào")
    api.unblock(42)
    await bot.send_message(chat_id=42, text="xin chào")
    assert api.sent_texts(42) == ["xin chào"]


async def test_a_migrated_group_names_its_new_id(api, bot):
    api.migrate(-7, -1007)
    with pytest.raises(TelegramMigrateToChat) as moved:
        await bot.send_message(chat_id=-7, text="xin chào")
    assert moved.value.migrate_to_chat_id == -1007
