"""`sangkien run --workers N`: what is refused, and how the parent keeps its workers (the end-to-end run is in
tests/bot/telegram/test_workers.py)."""

from __future__ import annotations

import os
import sys
import threading
import time

from bot.settings import Settings
from bot.workers import Supervisor, Worker, refusal
from tests import forked

POSTGRES = "postgresql+asyncpg://bot@db.example.org/sangkien"
WEBHOOK = {"telegram_webhook_url": "https://bot.example.org/tg", "telegram_webhook_secret": "s3cret"}


def settings(**values) -> Settings:
    return Settings(_env_file=None, **{"database_url": POSTGRES, "telegram_bot_token": "123:abc", **values})


def test_workers_need_postgresql_webhooks_and_a_fixed_port():
    assert refusal(settings(**WEBHOOK), 1) is None
    assert refusal(settings(**WEBHOOK), 4) is None
    assert "PostgreSQL" in refusal(settings(database_url="sqlite+aiosqlite:///./sangkien.db", **WEBHOOK), 2)
    assert "TELEGRAM_WEBHOOK_URL" in refusal(settings(), 2)  # long polling allows one reader
    zalo = settings(**WEBHOOK, zalo_bot_token="zalo-token")
    assert "ZALO_WEBHOOK_URL" in refusal(zalo, 2)
    assert "WEBHOOK_PORT" in refusal(settings(**WEBHOOK, webhook_port=0), 2)
    assert refusal(settings(**WEBHOOK), 0) is not None


def test_the_command_refuses_workers_on_sqlite_and_says_why(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'w.db'}", "TELEGRAM_BOT_TOKEN": "123:abc",
           "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/tg", "TELEGRAM_WEBHOOK_SECRET": "s3cret", "COLUMNS": "200"}
    done = forked.run(["run", "--workers", "2"], env)
    assert done.returncode != 0
    assert "needs PostgreSQL" in done.stderr and "123:abc" not in done.stderr + done.stdout


def crash(_settings: Settings, _worker: Worker) -> None:
    sys.exit(3)


def wait_for_stop(_settings: Settings, worker: Worker) -> None:
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    time.sleep(60)


def test_a_worker_that_keeps_dying_is_restarted_then_the_parent_gives_up():
    supervisor = Supervisor(settings(**WEBHOOK), 2, restarts=3, window=60, target=crash)
    assert supervisor.run() == 1
    assert len(supervisor._crashes) == 4  # three restarts allowed, the fourth death stops everything


def test_stopping_the_parent_stops_every_worker():
    supervisor = Supervisor(settings(**WEBHOOK), 2, target=wait_for_stop)
    started = []
    original = supervisor._start
    supervisor._start = lambda index: started.append(original(index)) or started[-1]
    threading.Timer(3.0, supervisor.stopping.set).start()  # as SIGTERM would
    assert supervisor.run() == 0
    assert len(started) == 2 and all(not process.is_alive() and process.exitcode == 0 for process in started)
