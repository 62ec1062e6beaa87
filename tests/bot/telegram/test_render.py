"""Rendering for Telegram: escaping, splitting at 4096, and which keyboard a message gets."""

import pytest

from bot.channels.telegram.render import LIMIT, markup, pieces, split
from messaging.messages import OutChoice, Outgoing


def message(text="Chọn:", choices=(), actions=False) -> Outgoing:
    return Outgoing("telegram", "1", text, "vi", tuple(OutChoice(v, label) for v, label in choices), actions)


def test_user_text_is_escaped():
    assert split("Gá <b>kẹp</b> & \"khuôn\"") == ["Gá &lt;b&gt;kẹp&lt;/b&gt; &amp; \"khuôn\""]


@pytest.mark.parametrize("text", ["dòng\n" * 3000, "a" * 9000, ("x" * 4090 + "&&&&&\n") * 3, "a" * 4095 + "\n   \n" + "b" * 4095])
def test_long_texts_split_into_pieces_within_the_limit_losing_nothing(text):
    parts = split(text)
    assert all(0 < len(p) <= LIMIT and p.strip() for p in parts)
    joined = "".join(parts).replace("\n", "").replace(" ", "")
    escaped = text.replace("&", "&amp;").replace("\n", "").replace(" ", "")
    assert joined == escaped
    assert not any(p.endswith("&am") or p.endswith("&") for p in parts[:-1])


def test_lines_are_kept_whole_where_they_fit():
    lines = [f"• dòng số {i}: " + "nội dung " * 20 for i in range(60)]
    parts = split("\n".join(lines))
    assert len(parts) > 1
    assert all(line in parts[0] or any(line in p for p in parts) for line in lines)


def test_a_message_without_options_removes_the_keyboard():
    assert markup(message()).model_dump(exclude_none=True) == {"remove_keyboard": True}


def test_choices_are_big_numbered_buttons_one_per_row():
    reply = markup(message(choices=[("vi", "Tiếng Việt"), ("en", "English")]))
    assert [[b.text for b in row] for row in reply.keyboard] == [["1. Tiếng Việt"], ["2. English"]]
    assert reply.resize_keyboard and reply.one_time_keyboard


def test_actions_on_a_message_are_inline_buttons_with_short_callback_data():
    reply = markup(message(choices=[("/confirm", "Gửi sáng kiến"), ("/edit", "Sửa một mục")], actions=True))
    assert [row[0].callback_data for row in reply.inline_keyboard] == ["/confirm", "/edit"]


def test_callback_data_over_64_bytes_falls_back_to_reply_buttons():
    reply = markup(message(choices=[("x" * 65, "Dài")], actions=True))
    assert reply.keyboard[0][0].text == "1. Dài"


def test_the_keyboard_rides_on_the_last_piece():
    parts = pieces(message(text="a" * 5000, choices=[("/yes", "Đúng")]))
    assert [p.markup is None for p in parts] == [True, False]
