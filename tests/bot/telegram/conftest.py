"""A Telegram channel wired to a fake Bot API server and an embedded database, per test."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pytest

from bot.channels.telegram.channel import TelegramChannel
from bot.hearing.queue import Hearings, hearings_for
from bot.keeping import file_store
from bot.webhook import WebhookServer
from storage.db import Database
from tests.bot.channel_harness import demo_database, settings_for, start, stop
from tests.bot.telegram.fake_api import FakeBotAPI

SECRET = "s3cret-Token_for_tests"


@dataclass
class Harness:
    api: FakeBotAPI
    db: Database
    channel: TelegramChannel
    server: WebhookServer | None
    hearings: Hearings | None = None
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


async def _harness(tmp_path, *, webhook: bool, db: Database | None = None, **more) -> Harness:
    api = FakeBotAPI()
    await api.start()
    db = db or await demo_database("telegram")
    extra = {"telegram_webhook_url": "https://bot.example.org/telegram/hook", "telegram_webhook_secret": SECRET}
    # The person here answers within milliseconds, not at a human's pace: the per-chat spacing would only
    # slow the conversations down (the limits are tested in tests/messaging/test_limits.py and test_broadcast.py).
    quick = {"telegram_chat_interval_seconds": 0.01}
    settings = settings_for(
        telegram_bot_token=api.token, telegram_api_url=api.base_url, **quick, **(extra if webhook else {}), **more
    )
    channel, server = await start(TelegramChannel, settings, db, webhook=webhook)
    return Harness(api, db, channel, server)


@pytest.fixture
async def polling(tmp_path):
    harness = await _harness(tmp_path, webhook=False)
    yield harness
    await stop(harness)


@pytest.fixture
async def hearing(tmp_path, whisper_base):
    """The polling harness with a real transcriber (Whisper base), hearing as the leader does."""
    harness = await _harness(tmp_path, webhook=False, voice_engine="faster-whisper", voice_model_dir=str(whisper_base),
                             data_dir=str(tmp_path / "data"))
    dispatcher = harness.channel.dispatcher
    harness.hearings = hearings_for(harness.channel.settings, harness.db, dispatcher, file_store(str(tmp_path / "data")))
    harness.hearings.start()
    yield harness
    await harness.hearings.stop()
    await stop(harness)


@pytest.fixture
async def webhook(tmp_path):
    harness = await _harness(tmp_path, webhook=True)
    yield harness
    await stop(harness)


@pytest.fixture
async def webhook_on_each_engine(demo_db, tmp_path):
    """The webhook harness on SQLite and on PostgreSQL (the demo units loaded)."""
    harness = await _harness(tmp_path, webhook=True, db=demo_db)
    yield harness
    await stop(harness)
