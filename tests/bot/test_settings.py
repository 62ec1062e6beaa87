"""Settings: defaults, validation, and .env.example listing every one of them."""

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


def test_every_setting_is_documented_in_env_example_and_readme():
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert name.upper() in example, f"{name.upper()} missing from .env.example"
        assert name.upper() in readme, f"{name.upper()} missing from README"


def test_lists_come_from_json(monkeypatch):
    monkeypatch.setenv("INITIATIVE_FIELDS", '["Y tế", "Khác"]')
    assert Settings(_env_file=None).initiative_fields == ["Y tế", "Khác"]


@pytest.mark.parametrize("name,value", [("DEFAULT_LOCALE", "fr"), ("TIMEZONE", "Mars/Olympus")])
def test_bad_values_are_refused(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings(_env_file=None)


def test_tokens_are_secret_in_repr(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:very-secret")
    settings = Settings(_env_file=None)
    assert "very-secret" not in repr(settings) and settings.has_platform_token
