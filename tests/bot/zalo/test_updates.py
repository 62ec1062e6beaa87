"""Parsing the recorded sample payloads of every Zalo event name."""

import logging
import unicodedata

import pytest

from bot.channels.zalo import updates
from bot.channels.zalo.updates import BotInfo, incoming
from tests.bot.zalo.fake_api import BOT_DISPLAY_NAME, BOT_ID, load_payload, payload_names

BOT = BotInfo(BOT_ID, BOT_DISPLAY_NAME)


def test_text():
    message = incoming(load_payload("message.text.received"), BOT)
    assert message.channel == "zalo" and message.text and not message.is_group
    assert message.update_id == load_payload("message.text.received")["message"]["message_id"]
    assert message.display_name


def test_image_is_kept_by_url():
    message = incoming(load_payload("message.image.received"), BOT)
    assert message.media.kind == "photo" and message.media.ref.startswith("https://")


@pytest.mark.parametrize("name", ["message.sticker.received", "message.unsupported.received"])
def test_stickers_and_the_unsupported_get_the_friendly_answer(name):
    assert incoming(load_payload(name), BOT).unsupported


def test_the_bare_message_form_is_accepted():
    message = incoming(load_payload("bare.message"), BOT)
    assert message is not None and message.update_id


def test_group_chatter_is_ignored_and_a_mention_is_answered_without_the_mention():
    assert incoming(load_payload("group.text.plain"), BOT) is None
    mention = incoming(load_payload("group.text.mention"), BOT)
    assert mention.is_group and not mention.text.startswith("@")


def test_unknown_events_are_tolerated_and_logged_once(caplog, monkeypatch):
    monkeypatch.setattr(updates, "_reported", set())
    with caplog.at_level(logging.INFO, logger="bot.channels.zalo.updates"):
        first = incoming(load_payload("unknown.event"), BOT)
        incoming(load_payload("unknown.event"), BOT)
    assert first.unsupported  # the person still gets the friendly answer
    assert len([r for r in caplog.records if "not known" in r.getMessage()]) == 1


@pytest.mark.parametrize("name", payload_names())
def test_every_sample_parses_without_error(name):
    incoming(load_payload(name), BOT)


@pytest.mark.parametrize("update", [{}, {"message": "x"}, {"message": {"from": {}, "chat": {}}}, {"event_name": 5}])
def test_malformed_updates_are_ignored(update):
    assert incoming(update, BOT) is None


@pytest.mark.parametrize(
    "message",
    [
        {"message_id": "m1", "from": "x", "chat": {"id": "c"}, "text": "hi"},
        {"message_id": "m2", "from": {"id": "u"}, "chat": "g", "text": "hi"},
        {"message_id": "m3", "from": {"id": "u"}, "chat": {"id": "g", "chat_type": "GROUP"}, "quote": "abc"},
        {"message_id": "m4", "from": {"id": "u"}, "chat": {"id": "g", "chat_type": "GROUP"}, "mentions": 5},
    ],
)
def test_fields_of_the_wrong_type_are_ignored_not_raised(message):
    incoming({"event_name": "message.text.received", "message": message}, BOT)


@pytest.mark.parametrize("text", ["@sáng kiến cho hỏi", "@SANG KIEN cho hỏi", unicodedata.normalize("NFD", "@Sáng kiến cho hỏi")])
def test_a_mention_in_any_case_or_encoding_is_heard_and_taken_off(text):
    update = load_payload("group.text.plain")
    update["message"]["text"] = text
    assert incoming(update, BOT).text == "cho hỏi"


def test_a_mention_inside_a_private_message_is_left_alone():
    update = load_payload("message.text.received")
    update["message"]["text"] = "Tôi muốn hỏi @Sáng kiến về hạn nộp"
    assert incoming(update, BOT).text == "Tôi muốn hỏi @Sáng kiến về hạn nộp"
