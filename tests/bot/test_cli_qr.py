"""`sangkien qr`: the Telegram poster, the Zalo poster where the bot has a Zalo link, and bad input refused in one
line with nothing written."""

from __future__ import annotations

import os

import pytest
from PIL import Image, ImageChops

from bot import posters
from tests import db_templates
from tests.bot.test_cli import run

ZALO = "https://zalo.me/1234567890123456789"
NAME = "Công đoàn cơ sở Trường Mầm non Kim Hỷ"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    folder = tmp_path_factory.mktemp("qr")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_"))}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{folder / 'q.db'}"
    # What `sangkien db upgrade` and `sangkien demo-data` make (tests/bot/test_cli.py runs those), copied.
    db_templates.sqlite.copy(folder / "q.db", demo=True)
    return env


def same_image(path, poster: posters.Poster) -> bool:
    with Image.open(path) as image:
        return ImageChops.difference(image.convert("RGB"), poster.image).getbbox() is None


def test_without_a_zalo_link_only_the_telegram_poster_is_written(env, tmp_path):
    result = run(["qr", "CDCS-MN-KIMHY", "--username", "sangkien_bot", "--out", str(tmp_path)], env)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["qr-CDCS-MN-KIMHY.png"]
    assert same_image(tmp_path / "qr-CDCS-MN-KIMHY.png", posters.telegram("sangkien_bot", "CDCS-MN-KIMHY", NAME))


def test_with_a_zalo_link_both_posters_are_written(env, tmp_path):
    result = run(["qr", "cdcs-mn-kimhy", "--username", "sangkien_bot", "--out", str(tmp_path)], {**env, "ZALO_BOT_LINK": ZALO})
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["qr-CDCS-MN-KIMHY-zalo.png", "qr-CDCS-MN-KIMHY.png"]
    assert same_image(tmp_path / "qr-CDCS-MN-KIMHY.png", posters.telegram("sangkien_bot", "CDCS-MN-KIMHY", NAME))
    assert same_image(tmp_path / "qr-CDCS-MN-KIMHY-zalo.png", posters.zalo(ZALO, "CDCS-MN-KIMHY", NAME))
    assert "wrote" in result.stdout and "qr-CDCS-MN-KIMHY-zalo.png" in result.stdout


def test_a_named_file_and_one_platform(env, tmp_path):
    zalo_env = {**env, "ZALO_BOT_LINK": ZALO}
    both = run(["qr", "CDCS-MN-KIMHY", "--username", "sangkien_bot", "--out", str(tmp_path / "kimhy.png")], zalo_env)
    assert both.returncode == 0, both.stderr
    only = run(["qr", "CDCS-MN-KIMHY", "--platform", "zalo", "--out", str(tmp_path / "zalo-only.png")], zalo_env)
    assert only.returncode == 0, only.stderr  # no Telegram username needed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kimhy-zalo.png", "kimhy.png", "zalo-only.png"]
    assert same_image(tmp_path / "zalo-only.png", posters.zalo(ZALO, "CDCS-MN-KIMHY", NAME))


@pytest.mark.parametrize(
    ("args", "extra", "why", "code"),
    [
        (["--username", "sang kien bot"], {}, "not a Telegram bot username", 1),
        (["--username", "sangkien_bot", "--platform", "zalo"], {}, "needs ZALO_BOT_LINK", 1),
        (["--username", "sangkien_bot", "--platform", "fax"], {}, "telegram, zalo or both", 2),  # a misused option
        ([], {}, "give --username", 1),
        ([], {"TELEGRAM_BOT_TOKEN": "123456:AAH-secret", "TELEGRAM_API_URL": "http://127.0.0.1:9"}, "could not ask Telegram", 1),
    ],
    ids=["bad-username", "zalo-without-link", "unknown-platform", "no-username", "telegram-unreachable"],
)
def test_bad_input_is_one_line_and_writes_nothing(env, tmp_path, args, extra, why, code):
    """Issue 15: an unknown --platform is a misused option, exit 2 like every other (it was 1)."""
    result = run(["qr", "CDCS-MN-KIMHY", "--out", str(tmp_path), *args], {**env, **extra})
    assert result.returncode == code
    assert result.stderr.startswith("sangkien qr: ") and why in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert "AAH-secret" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_unit_or_a_missing_folder_is_one_line(env, tmp_path):
    unknown = run(["qr", "NO-SUCH-UNIT", "--username", "sangkien_bot", "--out", str(tmp_path)], env)
    assert unknown.returncode == 1 and unknown.stderr == "sangkien qr: no unit with code 'NO-SUCH-UNIT'\n"
    missing = run(["qr", "CDCS-MN-KIMHY", "--username", "sangkien_bot", "--out", str(tmp_path / "no" / "x.png")], env)
    assert missing.returncode == 1 and missing.stderr.startswith("sangkien qr: no folder")
    assert len(missing.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []
