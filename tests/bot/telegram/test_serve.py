"""`sangkien run` with a Telegram token: the whole wiring, from settings to a reply, then a clean stop."""

import asyncio

from bot.serve import serve
from bot.settings import Settings
from storage import migrate
from storage.db import Database
from tests.bot.telegram.fake_api import FakeBotAPI, text_update


async def test_serve_answers_on_telegram_and_stops_cleanly(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}"
    db = Database.from_url(url)
    await migrate.upgrade(db)
    await db.close()
    async with FakeBotAPI() as api:
        settings = Settings(_env_file=None, database_url=url, telegram_bot_token=api.token, telegram_api_url=api.base_url)
        stop = asyncio.Event()
        running = asyncio.create_task(serve(settings, stop))
        api.push_update(text_update(77, "/start"))
        await api.wait_for(lambda api: len(api.sent_texts(77)) == 2)
        stop.set()
        await asyncio.wait_for(running, timeout=10)
    assert "Xin chào" in api.sent_texts(77)[0]
    assert api.calls_to("deleteWebhook") and api.calls_to("setMyCommands")
