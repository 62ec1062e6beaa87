"""What the Telegram and Zalo test harnesses share: a demo database, starting and stopping a channel."""

from __future__ import annotations

from bot.app import options_from
from bot.channels.common import RetryPolicy
from bot.keeping import file_store
from bot.settings import Settings
from bot.webhook import WebhookServer
from handlers.dispatcher import Dispatcher
from storage.db import Database
from tests import db_templates

async def demo_database(name: str) -> Database:
    """A SQLite database of this test's, named `name` (two channels in one test each have their own), migrated,
    with the demo units: a copy of a template made once per process, on an engine kept from test to test."""
    return await db_templates.sqlite.working(demo=True, name=name)


def settings_for(**platform) -> Settings:
    return Settings(_env_file=None, database_url="sqlite+aiosqlite:///unused.db", **platform)


async def start(channel_class, settings: Settings, db: Database, *, webhook: bool):
    """The channel with quick retries (a policy of its own: tests change it), started as `sangkien run` does."""
    channel = channel_class(settings, db, Dispatcher(db, options_from(settings)), RetryPolicy(attempts=4, base=0.01))
    server = WebhookServer(db, "127.0.0.1", 0, files=file_store(settings.data_dir)) if webhook else None
    if server is not None:
        channel.attach(server)
        await server.start()
    await channel.start()
    return channel, server


async def stop(harness) -> None:
    if harness.server is not None:
        await harness.server.stop()
    await harness.channel.stop()
    await harness.api.stop()
    await harness.db.close()
