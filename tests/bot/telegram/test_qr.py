"""The Telegram poster's link: the bot opens bound to the unit (t.me/<bot>?start=<code>), or a clear refusal."""

from __future__ import annotations

import pytest

from bot.channels.telegram import qr


def test_deep_link_strips_the_at_sign():
    assert qr.deep_link("@sangkien_bot", "CDCS-MN-KIMHY") == "https://t.me/sangkien_bot?start=CDCS-MN-KIMHY"
    assert qr.deep_link("sangkien_bot", "a_b-9") == "https://t.me/sangkien_bot?start=a_b-9"


@pytest.mark.parametrize("code", ["CDCS MN", "Kim-Hỷ", "MẦM-NON", "", "a" * 65, "x/y", "x?y", "ABC\n"])
def test_codes_telegram_would_not_carry_are_refused(code):
    with pytest.raises(ValueError):
        qr.deep_link("@sangkien_bot", code)


@pytest.mark.parametrize("username", ["", "@", "sang kien", "bot!", "t.me/sangkien_bot"])
def test_bad_usernames_are_refused(username):
    with pytest.raises(ValueError, match="not a Telegram bot username"):
        qr.deep_link(username, "CDCS-MN-KIMHY")


def test_the_longest_code_is_allowed():
    assert qr.deep_link("@sangkien_bot", "A" * 64).endswith("=" + "A" * 64)
