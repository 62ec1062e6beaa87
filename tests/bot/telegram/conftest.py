"""A Telegram channel wired to a fake Bot API server and an embedded database, per test."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pytest

from bot.app import options_from
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.common import RetryPolicy
from bot.settings import Settings
from bot.webhook import WebhookServer
from handlers.dispatcher import Dispatcher
from storage import migrate
from storage.db import Database
from storage.demo import load_demo_units
from tests.bot.telegram.fake_api import FakeBotAPI

SECRET = "s3cret-Token_for_tests"


@dataclass
class Harness:
    api: FakeBotAPI
    db: Database
    channel: TelegramChannel
    server: WebhookServer | None
    ids: itertools.count = field(default_factory=lambda: itertools.count(1000))

    async def push(self, update: dict) -> int:
        """Deliver an update by polling and wait until the channel has handled it (and all before it)."""
        update_id = update.setdefault("update_id", next(self.ids))
        self.api.push_update(update)
        await self.api.wait_for(
            lambda api: any((c.params.get("offset") or 0) > update_id for c in api.calls_to("getUpdates"))
        )
        return update_id

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}/telegram/hook"


async def _harness(tmp_path, *, webhook: bool):
    api = FakeBotAPI()
    await api.start()
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'tg.db'}")
    await migrate.upgrade(db)
    async with db.transaction() as tx:
        await load_demo_units(tx)
    extra = {"telegram_webhook_url": "https://bot.example.org/telegram/hook", "telegram_webhook_secret": SECRET}
    settings = Settings(
        _env_file=None,
        database_url="sqlite+aiosqlite:///unused.db",
        telegram_bot_token=api.token,
        telegram_api_url=api.base_url,
        **(extra if webhook else {}),
    )
    channel = TelegramChannel(settings, db, Dispatcher(db, options_from(settings)), RetryPolicy(attempts=4, base=0.01))
    server = WebhookServer(db, "127.0.0.1", 0) if webhook else None
    if server is not None:
        channel.attach(server)
        await server.start()
    await channel.start()
    return Harness(api, db, channel, server)


async def _close(harness: Harness) -> None:
    if harness.server is not None:
        await harness.server.stop()
    await harness.channel.stop()
    await harness.api.stop()
    await harness.db.close()


@pytest.fixture
async def polling(tmp_path):
    harness = await _harness(tmp_path, webhook=False)
    yield harness
    await _close(harness)


@pytest.fixture
async def webhook(tmp_path):
    harness = await _harness(tmp_path, webhook=True)
    yield harness
    await _close(harness)
