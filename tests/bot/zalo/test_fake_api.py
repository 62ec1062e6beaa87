"""The fake Zalo Bot Platform API answers an httpx client the way the real platform does."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from tests.bot.zalo.fake_api import (
    BOT_ID,
    GROUP_MEMBER_ID,
    USER_ID,
    Call,
    FakeZaloAPI,
    FloodControl,
    image_update,
    load_payload,
    payload_names,
    sticker_update,
    text_update,
    unsupported_update,
)

PAYLOADS = [
    "message.text.received",
    "message.image.received",
    "message.sticker.received",
    "message.unsupported.received",
    "group.text.mention",
    "group.text.plain",
    "bare.message",
    "unknown.event",
]


@pytest.fixture
async def api():
    async with FakeZaloAPI() as server:
        yield server


@pytest.fixture
async def client(api):
    async with httpx.AsyncClient(base_url=f"{api.base_url}/bot{api.token}/", timeout=10.0) as http:
        yield http


async def call(client: httpx.AsyncClient, method: str, **params) -> httpx.Response:
    return await client.post(method, json=params)


# -- lifecycle -------------------------------------------------------------------------------


async def test_listens_on_loopback_with_an_os_chosen_port(api):
    assert api.base_url.startswith("http://127.0.0.1:")
    assert int(api.base_url.rsplit(":", 1)[1]) > 0


async def test_base_url_before_start_and_after_stop_is_an_error():
    server = FakeZaloAPI()
    with pytest.raises(RuntimeError):
        _ = server.base_url
    await server.start()
    await server.stop()
    with pytest.raises(RuntimeError):
        _ = server.base_url
    await server.stop()  # a second stop is harmless


async def test_defaults():
    server = FakeZaloAPI()
    assert server.token == "8421:zalo-TEST_token"
    assert (server.bot_id, server.display_name, server.account_name) == ("b0t1d", "Sáng kiến", "bot.sangkien")


# -- getMe -----------------------------------------------------------------------------------


async def test_get_me(api, client):
    response = await call(client, "getMe")
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "result": {
            "id": BOT_ID,
            "account_name": "bot.sangkien",
            "account_type": "BASIC",
            "can_join_groups": True,
            "display_name": "Sáng kiến",
        },
    }
    assert api.calls == [Call("getMe", {}, True, 200)]


async def test_get_me_follows_the_constructor():
    server = FakeZaloAPI(token="77:other", bot_id="x9", display_name="Trợ lý", account_name="bot.troly")
    async with server as api, httpx.AsyncClient() as http:
        response = await http.post(f"{api.base_url}/bot77:other/getMe", json={})
    assert response.json()["result"] == {
        "id": "x9",
        "account_name": "bot.troly",
        "account_type": "BASIC",
        "can_join_groups": True,
        "display_name": "Trợ lý",
    }


# -- getUpdates ------------------------------------------------------------------------------


async def test_pushed_update_comes_back_as_a_single_object(api, client):
    update = text_update(USER_ID, "Xin chào")
    api.push_update(update)
    response = await call(client, "getUpdates", timeout="30")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert isinstance(body["result"], dict)
    assert body["result"] == update
    assert api.pending_updates == []
    assert api.calls_to("getUpdates")[0].ok
    assert api.idle_polls == 0


async def test_updates_come_one_per_call_in_order(api, client):
    for text in ("một", "hai", "ba"):
        api.push_update(text_update(USER_ID, text))
    texts = []
    for _ in range(3):
        response = await call(client, "getUpdates", timeout=30)
        texts.append(response.json()["result"]["message"]["text"])
    assert texts == ["một", "hai", "ba"]
    assert (await call(client, "getUpdates", timeout=0)).status_code == 408


async def test_push_update_keeps_a_copy(api, client):
    update = text_update(USER_ID, "trước")
    api.push_update(update)
    update["message"]["text"] = "sau"
    response = await call(client, "getUpdates", timeout="30")
    assert response.json()["result"]["message"]["text"] == "trước"


async def test_idle_get_updates_answers_408_quickly(api, client):
    started = time.monotonic()
    response = await call(client, "getUpdates", timeout="30")
    elapsed = time.monotonic() - started
    assert response.status_code == 408
    assert response.json() == {"ok": False, "error_code": 408, "description": "Request timeout"}
    assert 0.9 <= elapsed < 1.5
    assert api.idle_polls == 1
    assert api.calls_to("getUpdates")[0].ok is False
    assert api.calls_to("getUpdates")[0].status == 408


async def test_zero_timeout_answers_408_at_once(api, client):
    started = time.monotonic()
    response = await call(client, "getUpdates", timeout="0")
    assert response.status_code == 408
    assert time.monotonic() - started < 0.5
    assert api.idle_polls == 1


async def test_a_waiting_get_updates_gets_an_update_pushed_meanwhile(api, client):
    poll = asyncio.create_task(call(client, "getUpdates", timeout="30"))
    await api.wait_for(lambda api: api.calls_to("getUpdates"))
    await asyncio.sleep(0.1)
    update = text_update(USER_ID, "đến muộn")
    started = time.monotonic()
    api.push_update(update)
    response = await poll
    assert response.status_code == 200
    assert response.json()["result"] == update
    assert time.monotonic() - started < 0.5
    assert api.idle_polls == 0


async def test_concurrent_polls_each_get_one_update(api, client):
    polls = [asyncio.create_task(call(client, "getUpdates", timeout="30")) for _ in range(2)]
    await api.wait_for(lambda api: len(api.calls_to("getUpdates")) == 2)
    api.push_update(text_update(USER_ID, "a"))
    api.push_update(text_update(USER_ID, "b"))
    responses = await asyncio.gather(*polls)
    assert sorted(r.json()["result"]["message"]["text"] for r in responses) == ["a", "b"]


async def test_invalid_timeout_is_a_bad_request(api, client):
    response = await call(client, "getUpdates", timeout="soon")
    assert response.status_code == 400
    assert response.json()["error_code"] == 400


# -- sending ---------------------------------------------------------------------------------


async def test_send_message_records_the_text(api, client):
    response = await call(client, "sendMessage", chat_id=USER_ID, text="Cảm ơn bạn đã gửi sáng kiến!")
    assert response.status_code == 200
    result = response.json()["result"]
    assert isinstance(result["message_id"], str) and result["message_id"]
    assert abs(result["date"] - time.time() * 1000) < 60_000  # milliseconds
    await call(client, "sendMessage", chat_id="other", text="Khác")
    await call(client, "sendMessage", chat_id=USER_ID, text="Lần hai")
    assert api.sent_texts(USER_ID) == ["Cảm ơn bạn đã gửi sáng kiến!", "Lần hai"]
    assert api.sent_texts() == ["Cảm ơn bạn đã gửi sáng kiến!", "Khác", "Lần hai"]
    assert api.calls_to("sendMessage")[0].params == {"chat_id": USER_ID, "text": "Cảm ơn bạn đã gửi sáng kiến!"}


async def test_message_ids_are_unique(api, client):
    ids = set()
    for _ in range(5):
        response = await call(client, "sendMessage", chat_id=USER_ID, text="x")
        ids.add(response.json()["result"]["message_id"])
    assert len(ids) == 5


async def test_text_over_2000_characters_is_refused(api, client):
    response = await call(client, "sendMessage", chat_id=USER_ID, text="ơ" * 2001)
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error_code": 400, "description": "text is too long"}
    assert api.sent_texts() == []
    assert (await call(client, "sendMessage", chat_id=USER_ID, text="ơ" * 2000)).status_code == 200
    assert api.sent_texts() == ["ơ" * 2000]


async def test_empty_text_is_refused(api, client):
    response = await call(client, "sendMessage", chat_id=USER_ID, text="")
    assert response.status_code == 400
    assert response.json()["error_code"] == 400
    assert api.sent_texts() == []


async def test_send_message_without_chat_id_is_refused(api, client):
    response = await call(client, "sendMessage", text="Xin chào")
    assert response.status_code == 400
    assert api.sent_texts() == []


async def test_send_photo_records_its_params(api, client):
    photo = "https://example.org/bang-xep-hang.png"
    response = await call(client, "sendPhoto", chat_id=USER_ID, photo=photo, caption="Bảng xếp hạng tháng 11")
    assert response.status_code == 200
    assert set(response.json()["result"]) == {"message_id", "date"}
    await call(client, "sendPhoto", chat_id="other", photo=photo)
    assert api.sent_photos(USER_ID) == [{"chat_id": USER_ID, "photo": photo, "caption": "Bảng xếp hạng tháng 11"}]
    assert len(api.sent_photos()) == 2
    assert (await call(client, "sendPhoto", chat_id=USER_ID)).status_code == 400
    assert len(api.sent_photos()) == 2


async def test_send_chat_action(api, client):
    response = await call(client, "sendChatAction", chat_id=USER_ID, action="typing")
    assert response.json() == {"ok": True, "result": True}
    assert api.calls_to("sendChatAction")[0].params == {"chat_id": USER_ID, "action": "typing"}


# -- failures --------------------------------------------------------------------------------


async def test_fail_next_fails_once_then_answers(api, client):
    api.fail_next("sendMessage", status=429)
    first = await call(client, "sendMessage", chat_id=USER_ID, text="một")
    assert first.status_code == 429
    assert first.json() == {"ok": False, "error_code": 429, "description": "Too Many Requests"}
    second = await call(client, "sendMessage", chat_id=USER_ID, text="hai")
    assert second.status_code == 200
    assert api.sent_texts() == ["hai"]
    assert [c.ok for c in api.calls_to("sendMessage")] == [False, True]


async def test_fail_next_with_error_code_description_and_times(api, client):
    api.fail_next("getMe", status=500, error_code=-32, description="Hệ thống bận", times=2)
    for _ in range(2):
        response = await call(client, "getMe")
        assert response.status_code == 500
        assert response.json() == {"ok": False, "error_code": -32, "description": "Hệ thống bận"}
    assert (await call(client, "getMe")).status_code == 200


async def test_fail_next_touches_only_its_method(api, client):
    api.fail_next("sendPhoto", status=500)
    assert (await call(client, "sendMessage", chat_id=USER_ID, text="ok")).status_code == 200
    assert (await call(client, "sendPhoto", chat_id=USER_ID, photo="https://x/y.jpg")).status_code == 500


async def test_fail_next_needs_at_least_one_time(api):
    with pytest.raises(ValueError):
        api.fail_next("getMe", times=0)


async def test_wrong_token_is_unauthorized(api):
    async with httpx.AsyncClient() as http:
        response = await http.post(f"{api.base_url}/bot8421:wrong/getMe", json={})
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert api.calls_to("getMe")[0].ok is False


async def test_unknown_method_is_not_found(api, client):
    response = await call(client, "sendSticker", chat_id=USER_ID)
    assert response.status_code == 404
    assert response.json()["ok"] is False
    assert response.json()["error_code"] == 404


async def test_bad_json_is_a_bad_request(api, client):
    response = await client.post("sendMessage", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400


# -- webhook ---------------------------------------------------------------------------------


async def test_set_webhook_with_a_short_secret_is_refused(api, client):
    response = await call(client, "setWebhook", url="https://bot.example.org/zalo/hook", secret_token="abcde")
    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert api.webhook_url == ""


async def test_set_webhook_with_a_long_secret_is_refused(api, client):
    response = await call(client, "setWebhook", url="https://bot.example.org/zalo/hook", secret_token="x" * 257)
    assert response.status_code == 400


async def test_webhook_set_get_delete(api, client):
    url = "https://bot.example.org/zalo/hook"
    info = (await call(client, "getWebhookInfo")).json()["result"]
    assert info["url"] == ""
    response = await call(client, "setWebhook", url=url, secret_token="s3cret-Token")
    assert response.status_code == 200
    result = response.json()["result"]
    assert result["url"] == url
    assert isinstance(result["updated_at"], int)
    assert (api.webhook_url, api.webhook_secret) == (url, "s3cret-Token")
    info = (await call(client, "getWebhookInfo")).json()["result"]
    assert info == {"url": url, "updated_at": result["updated_at"]}
    deleted = (await call(client, "deleteWebhook")).json()["result"]
    assert deleted["url"] == ""
    assert isinstance(deleted["updated_at"], int)
    assert (await call(client, "getWebhookInfo")).json()["result"]["url"] == ""


# -- wait_for --------------------------------------------------------------------------------


async def test_wait_for_returns_once_the_condition_holds(api, client):
    task = asyncio.create_task(call(client, "sendMessage", chat_id=USER_ID, text="Xong"))
    await api.wait_for(lambda api: api.sent_texts(USER_ID) == ["Xong"], timeout=5)
    await task


async def test_wait_for_times_out_with_a_summary(api, client):
    await call(client, "sendMessage", chat_id=USER_ID, text="Chào")
    with pytest.raises(AssertionError) as error:
        await api.wait_for(lambda api: api.sent_texts("nobody"), timeout=0.1)
    message = str(error.value)
    assert "0.1" in message
    assert "sendMessage" in message
    assert "Chào" in message


# -- builders --------------------------------------------------------------------------------


def test_text_update_shape():
    update = text_update(USER_ID, "Xin chào")
    assert update["event_name"] == "message.text.received"
    message = update["message"]
    assert message["from"] == {"id": USER_ID, "display_name": "Nguyễn Thị Hoa", "is_bot": False}
    assert message["chat"] == {"id": USER_ID, "chat_type": "PRIVATE"}
    assert message["text"] == "Xin chào"
    assert isinstance(message["message_id"], str)
    assert abs(message["date"] - time.time() * 1000) < 60_000


def test_text_update_keywords():
    update = text_update("g1", "@Sáng kiến chào", user_id="u7", name="Trần Văn Minh", chat_type="GROUP", message_id="m1")
    message = update["message"]
    assert message["message_id"] == "m1"
    assert message["from"] == {"id": "u7", "display_name": "Trần Văn Minh", "is_bot": False}
    assert message["chat"] == {"id": "g1", "chat_type": "GROUP"}


def test_group_sender_defaults_to_another_user():
    message = text_update("g1", "chào cả nhà", chat_type="GROUP")["message"]
    assert message["from"]["id"] == GROUP_MEMBER_ID != message["chat"]["id"]


def test_builders_make_unique_ids_and_increasing_dates():
    messages = [text_update(USER_ID, str(i))["message"] for i in range(20)]
    assert len({m["message_id"] for m in messages}) == 20
    dates = [m["date"] for m in messages]
    assert dates == sorted(dates) and len(set(dates)) == 20


def test_image_update():
    update = image_update(USER_ID, "https://example.org/a.jpg", caption="Mô hình")
    assert update["event_name"] == "message.image.received"
    assert update["message"]["photo"] == "https://example.org/a.jpg"
    assert update["message"]["caption"] == "Mô hình"
    assert "caption" not in image_update(USER_ID, "https://example.org/a.jpg")["message"]


def test_sticker_update():
    update = sticker_update(USER_ID, "st1", url="https://example.org/st1.webp")
    assert update["event_name"] == "message.sticker.received"
    assert (update["message"]["sticker"], update["message"]["url"]) == ("st1", "https://example.org/st1.webp")
    default = sticker_update(USER_ID)["message"]
    assert default["sticker"] and default["url"].startswith("https://")


def test_unsupported_update_has_only_common_fields():
    update = unsupported_update(USER_ID, name="Phạm Quốc Bảo")
    assert update["event_name"] == "message.unsupported.received"
    assert set(update["message"]) == {"message_id", "from", "chat", "date"}
    assert update["message"]["from"]["display_name"] == "Phạm Quốc Bảo"


# -- payload samples -------------------------------------------------------------------------


def test_every_payload_file_is_listed():
    assert payload_names() == sorted(PAYLOADS)


@pytest.mark.parametrize("name", PAYLOADS)
def test_payload_has_a_complete_message(name):
    payload = load_payload(name)
    message = payload["message"]
    assert isinstance(message["message_id"], str) and message["message_id"]
    assert isinstance(message["from"]["id"], str) and message["from"]["id"]
    assert message["from"]["is_bot"] is False
    assert message["from"]["display_name"]
    assert isinstance(message["chat"]["id"], str) and message["chat"]["id"]
    assert message["chat"]["chat_type"] in ("PRIVATE", "GROUP")
    assert isinstance(message["date"], int) and message["date"] > 10**12  # milliseconds
    if name == "bare.message":
        assert "event_name" not in payload
    else:
        assert isinstance(payload["event_name"], str)
    if name.startswith("message."):
        assert payload["event_name"] == name


def test_load_payload_accepts_the_file_name_and_gives_fresh_dicts():
    first = load_payload("message.text.received.json")
    first["message"]["text"] = "changed"
    assert load_payload("message.text.received")["message"]["text"] != "changed"


def test_payload_contents():
    assert load_payload("message.text.received")["message"]["text"]
    image = load_payload("message.image.received")["message"]
    assert image["photo"].startswith("https://") and image["caption"]
    sticker = load_payload("message.sticker.received")["message"]
    assert sticker["sticker"] and sticker["url"].startswith("https://")
    assert set(load_payload("message.unsupported.received")["message"]) == {"message_id", "from", "chat", "date"}
    bare = load_payload("bare.message")
    assert set(bare) == {"message"} and bare["message"]["text"]
    unknown = load_payload("unknown.event")
    assert unknown["event_name"] not in {f"message.{kind}.received" for kind in ("text", "image", "sticker", "unsupported")}
    assert set(unknown) - {"event_name", "message"}
    assert set(unknown["message"]) - {"message_id", "from", "chat", "date", "text"}


@pytest.mark.parametrize("name", ["group.text.mention", "group.text.plain"])
def test_group_payloads(name):
    message = load_payload(name)["message"]
    assert message["chat"]["chat_type"] == "GROUP"
    assert message["chat"]["id"] != message["from"]["id"]
    assert message["text"]


def test_group_mention_names_the_bot():
    group = load_payload("group.text.mention")["message"]
    plain = load_payload("group.text.plain")["message"]
    assert group["chat"]["id"] == plain["chat"]["id"]
    mention = "@Sáng kiến"
    assert group["text"].startswith(mention)
    assert group["mentions"] == [{"id": BOT_ID, "offset": 0, "length": len(mention)}]
    assert mention not in plain["text"] and "mentions" not in plain


async def test_payloads_go_through_get_updates(api, client):
    for name in PAYLOADS:
        api.push_update(load_payload(name))
    for name in PAYLOADS:
        response = await call(client, "getUpdates", timeout="30")
        assert response.json()["result"] == load_payload(name)


async def test_flood_control_and_blocked_chats(api, client):
    api.flood = FloodControl(per_second=100, chat_interval=1.0, group_per_minute=20)
    api.push_update(text_update("g1", "@Sáng kiến tiến độ", chat_type="GROUP"))
    assert "g1" in api.groups
    assert (await call(client, "sendMessage", chat_id="g1", text="một")).status_code == 200
    refused = await call(client, "sendMessage", chat_id="g1", text="hai")
    assert refused.status_code == 429 and refused.json()["error_code"] == 429
    api.block(USER_ID)
    blocked = await call(client, "sendMessage", chat_id=USER_ID, text="xin chào")
    assert blocked.status_code == 403 and blocked.json()["ok"] is False
    assert [c.status for c in api.throttled()] == [429] and api.flood.accepted == {"g1": [api.flood.accepted["g1"][0]]}
