"""A Zalo channel wired to a fake Zalo Bot API server and an embedded database, per test."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from bot.channels.zalo.channel import ZaloChannel
from bot.hearing.queue import Hearings, hearings_for
from bot.keeping import file_store
from bot.webhook import WebhookServer
from storage.db import Database
from storage.models import Outbox, ProcessedUpdate
from tests.bot.channel_harness import demo_database, settings_for, start, stop
from tests.bot.zalo.fake_api import FakeZaloAPI

SECRET = "zalo-webhook-secret-123"


@dataclass
class Harness:
    api: FakeZaloAPI
    db: Database
    channel: ZaloChannel
    server: WebhookServer | None
    hearings: Hearings | None = None

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}/zalo/hook"

    async def push(self, update: dict, *, answered: bool = True) -> None:
        """Deliver by long polling and wait until it is handled and the chat owed nothing more."""
        self.api.push_update(update)
        await self.api.wait_for(lambda api: not api.pending_updates)
        if answered:
            await self.settled(update["message"]["message_id"], update["message"]["chat"]["id"])

    async def settled(self, message_id: str, chat_id: str, timeout: float = 10.0) -> None:
        for _ in range(int(timeout / 0.02)):
            async with self.db.session() as session:
                seen = await session.scalar(select(func.count()).where(ProcessedUpdate.update_id == message_id))
                owed = await session.scalar(
                    select(func.count()).where(Outbox.chat_id == chat_id, Outbox.sent_at.is_(None))
                )
            if seen and not owed:
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"message {message_id} not settled: {self.api.summary()}")


async def _harness(tmp_path, *, webhook: bool, **more) -> Harness:
    api = FakeZaloAPI()
    await api.start()
    db = await demo_database("zalo")
    extra = {"zalo_webhook_url": "https://bot.example.org/zalo/hook", "zalo_webhook_secret": SECRET}
    # The person here answers within milliseconds, not at a human's pace: the per-chat spacing would only
    # slow the conversations down (the limits are tested in tests/messaging/test_limits.py and test_broadcast.py).
    quick = {"zalo_chat_interval_seconds": 0.01}
    settings = settings_for(
        zalo_bot_token=api.token, zalo_api_url=api.base_url, **quick, **(extra if webhook else {}), **more
    )
    channel, server = await start(ZaloChannel, settings, db, webhook=webhook)
    return Harness(api, db, channel, server)


@pytest.fixture
async def polling(tmp_path):
    harness = await _harness(tmp_path, webhook=False)
    yield harness
    await stop(harness)


@pytest.fixture
async def hearing(tmp_path, whisper_base):
    """The polling harness with a real transcriber (Whisper base), hearing as the leader does."""
    data = str(tmp_path / "data")
    harness = await _harness(tmp_path, webhook=False, voice_engine="faster-whisper",
                             voice_model_dir=str(whisper_base), data_dir=data)
    harness.hearings = hearings_for(harness.channel.settings, harness.db, harness.channel.dispatcher, file_store(data))
    harness.hearings.start()
    yield harness
    await harness.hearings.stop()
    await stop(harness)


@pytest.fixture
async def webhook(tmp_path):
    harness = await _harness(tmp_path, webhook=True)
    yield harness
    await stop(harness)
