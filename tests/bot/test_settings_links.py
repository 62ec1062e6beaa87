"""ZALO_BOT_LINK: optional, an http(s) address (the Zalo poster and campaign news in Zalo groups name it)."""

import pytest
from pydantic import ValidationError

from bot.settings import Settings


def test_the_zalo_link_is_optional(monkeypatch):
    monkeypatch.delenv("ZALO_BOT_LINK", raising=False)
    assert Settings(_env_file=None).zalo_bot_link is None
    monkeypatch.setenv("ZALO_BOT_LINK", "")
    assert Settings(_env_file=None).zalo_bot_link is None


def test_the_zalo_link_is_kept_without_a_trailing_slash(monkeypatch):
    monkeypatch.setenv("ZALO_BOT_LINK", "https://zalo.me/1234567890123456789/")
    assert Settings(_env_file=None).zalo_bot_link == "https://zalo.me/1234567890123456789"


@pytest.mark.parametrize("value", ["zalo.me/123", "ftp://zalo.me/123", "https://", "sangkien bot"])
def test_a_zalo_link_that_is_no_web_address_is_refused(monkeypatch, value):
    monkeypatch.setenv("ZALO_BOT_LINK", value)
    with pytest.raises(ValidationError, match="ZALO_BOT_LINK|zalo_bot_link"):
        Settings(_env_file=None)
