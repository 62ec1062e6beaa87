"""Settings: defaults, validation, and .env.example listing every one of them."""

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_run_embedded(monkeypatch):
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    settings = Settings(_env_file=None)
    assert settings.database_url == "sqlite+aiosqlite:///./sangkien.db"
    assert settings.default_locale == "vi" and settings.timezone == "Asia/Ho_Chi_Minh"
    assert not settings.has_platform_token
    assert "Y tế" in settings.initiative_fields
    assert settings.generated_files_retention_days == 30


def test_every_setting_is_documented_in_env_example_and_readme():
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert name.upper() in example, f"{name.upper()} missing from .env.example"
        assert name.upper() in readme, f"{name.upper()} missing from README"


def test_lists_come_from_json(monkeypatch):
    monkeypatch.setenv("INITIATIVE_FIELDS", '["Y tế", "Khác"]')
    assert Settings(_env_file=None).initiative_fields == ["Y tế", "Khác"]


@pytest.mark.parametrize("name,value", [("DEFAULT_LOCALE", "fr"), ("TIMEZONE", "Mars/Olympus"),
                                        ("GENERATED_FILES_RETENTION_DAYS", "0")])
def test_bad_values_are_refused(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings(_env_file=None)


def test_tokens_are_secret_in_repr(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:very-secret")
    settings = Settings(_env_file=None)
    assert "very-secret" not in repr(settings) and settings.has_platform_token


SECTOR_BOT = {"name": "gd", "token": "4242:education-secret", "unit": "CDN-GD-HN",
              "webhook_url": "https://bot.example.org/gd", "webhook_secret": "gd-s3cret"}


def test_several_bots_come_from_bots_as_json(monkeypatch):
    monkeypatch.setenv("BOTS", json.dumps([SECTOR_BOT, {"name": "yt", "platform": "zalo", "token": "zalo-secret-yt",
                                                        "unit": "CDN-YT-HN"}]))
    settings = Settings(_env_file=None, telegram_bot_token="1:main", telegram_webhook_url="https://bot.example.org/tg",
                        telegram_webhook_secret="main-s3cret")
    bots = dict(settings.each_bot())
    assert list(bots) == ["telegram", "telegram-gd", "zalo-yt"]
    assert bots["telegram-gd"].telegram_bot_token.get_secret_value() == "4242:education-secret"
    assert bots["telegram-gd"].telegram_webhook_url == "https://bot.example.org/gd"
    assert bots["zalo-yt"].zalo_bot_token.get_secret_value() == "zalo-secret-yt" and bots["zalo-yt"].telegram_bot_token is None
    assert settings.channel_units == {"telegram-gd": "CDN-GD-HN", "zalo-yt": "CDN-YT-HN"}
    assert {"4242:education-secret", "gd-s3cret", "zalo-secret-yt"} <= set(settings.secrets)
    assert "education-secret" not in repr(settings)


@pytest.mark.parametrize("bots,why", [
    ([{**SECTOR_BOT, "name": "Giáo dục"}], "name"),  # kept in a 20-character channel name: a-z 0-9, up to 10
    ([SECTOR_BOT, {**SECTOR_BOT, "webhook_url": "https://bot.example.org/gd2"}], "name of its own"),
    ([SECTOR_BOT, {**SECTOR_BOT, "name": "yt"}], "path of its own"),
    ([{**SECTOR_BOT, "webhook_secret": None}], "TELEGRAM_WEBHOOK_SECRET"),
    ([{**SECTOR_BOT, "api_url": "bot-api.local"}], "http"),
])
def test_bad_bots_are_refused_with_the_reason(bots, why):
    with pytest.raises(ValidationError, match=why):
        Settings(_env_file=None, bots=bots)
