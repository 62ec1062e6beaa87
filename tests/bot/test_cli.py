"""The command line: the QR poster for a unit, and refusing a webhook without its secret."""

import os
import subprocess
import sys

from PIL import Image


def run(args, env, **kwargs):
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, capture_output=True, text=True, timeout=60, **kwargs)


def test_qr_poster_for_a_unit(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'q.db'}"}
    for args in (["db", "upgrade"], ["demo-data"]):
        assert run(args, env).returncode == 0
    out = tmp_path / "kimhy.png"
    result = run(["qr", "CDCS-MN-KIMHY", "--username", "sangkien_bot", "--out", str(out)], env)
    assert result.returncode == 0, result.stderr
    with Image.open(out) as image:
        assert image.format == "PNG" and image.width >= 800
    missing = run(["qr", "NO-SUCH-UNIT", "--username", "sangkien_bot"], env)
    assert missing.returncode == 1 and "no unit" in missing.stderr


def test_webhook_without_a_secret_is_refused(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'w.db'}",
        "TELEGRAM_BOT_TOKEN": "123:abc",
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/tg",
    }
    env.pop("TELEGRAM_WEBHOOK_SECRET", None)
    result = run(["run"], env)
    assert result.returncode != 0 and "TELEGRAM_WEBHOOK_SECRET" in result.stderr
    assert "123:abc" not in result.stderr


def test_a_failing_start_never_prints_the_token(tmp_path):
    token = "123456789:AAH-very-secret-token"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'r.db'}",
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_URL": "http://127.0.0.1:9",  # nothing listens: the start fails
        "TELEGRAM_WEBHOOK_URL": "",
    }
    result = run(["run"], env)
    assert result.returncode != 0
    assert token not in result.stderr + result.stdout


def test_a_refused_setting_does_not_echo_other_values(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'r.db'}",
        "TELEGRAM_BOT_TOKEN": "123456789:AAH-very-secret-token",
        "ZALO_BOT_TOKEN": "zalo-secret-token-value",
        "TELEGRAM_API_URL": "api.telegram.org",
    }
    result = run(["run"], env)
    assert result.returncode != 0 and "TELEGRAM_API_URL" in result.stderr.upper()
    assert "secret-token" not in result.stderr + result.stdout
