"""The name the bot suggests at registration, from Telegram's first_name and last_name: family name first
("Nguyễn Thị Hoa") for Vietnamese users, Telegram's order for everyone else."""

from __future__ import annotations

import pytest
from aiogram.types import Update

from bot.channels.telegram.updates import incoming
from tests.bot.telegram.fake_api import text_update
from tests.bot.telegram.test_polling import CHAT, last_markup


def suggested(first_name: str, last_name: str | None, language_code: str | None) -> str:
    update = text_update(4242, "xin chào", first_name=first_name, last_name=last_name, language_code=language_code,
                         update_id=1)
    return incoming(Update.model_validate(update), "sangkien_bot").display_name


@pytest.mark.parametrize(
    ("first_name", "last_name", "language_code", "expected"),
    [
        ("Hoa", "Nguyễn Thị", "vi", "Nguyễn Thị Hoa"),
        ("Hoa", "Nguyễn Thị", "en", "Nguyễn Thị Hoa"),  # a family name, whatever the app's language
        ("Hoa", "Nguyễn Thị", None, "Nguyễn Thị Hoa"),
        ("Nam", "Tran Van", "en", "Tran Van Nam"),  # typed without accents
        ("Bình", "TRẦN", None, "TRẦN Bình"),
        ("Cúc", "lê thị", None, "lê thị Cúc"),
        ("Dũng", "Đỗ", "en-US", "Đỗ Dũng"),
        ("Hùng", "Huỳnh", None, "Huỳnh Hùng"),
        ("Tâm", "Võ", None, "Võ Tâm"),
        ("Long", "Ngô", None, "Ngô Long"),
        ("Thu", "Mai", "vi", "Mai Thu"),  # not a family name on the list, but the app speaks Vietnamese
        ("Thu", "Mai", "vi-VN", "Mai Thu"),
        ("John", "Smith", "en", "John Smith"),  # Telegram's order for everyone else
        ("John", "Smith", None, "John Smith"),
        ("Nguyễn", "Hoa", "en", "Nguyễn Hoa"),  # already family name first
        ("Trần Lan", "Phạm", "en", "Trần Lan Phạm"),  # both look like family names: kept as typed
        ("Nguyễn Thị Hoa", None, "vi", "Nguyễn Thị Hoa"),  # the whole name in first_name
        ("Hoa Nguyễn", None, "vi", "Hoa Nguyễn"),
        ("  Hoa ", " Nguyễn ", "vi", "Nguyễn Hoa"),
    ],
)
def test_the_suggested_name_puts_the_family_name_first_for_vietnamese_users(first_name, last_name, language_code, expected):
    assert suggested(first_name, last_name, language_code) == expected


async def test_registration_offers_the_name_in_vietnamese_order(polling):
    for text in ("/start", "Tiếng Việt"):
        await polling.push(text_update(CHAT, text, first_name="Hoa", last_name="Nguyễn Thị", language_code="en"))
    assert last_markup(polling.api)["keyboard"][0][0]["text"] == "1. Đúng, tôi là Nguyễn Thị Hoa"
