"""The channel base: a new platform supplies parse, send and classify and its own start, and gets lanes, the
outbox, limits, retries, polling or a webhook whose secret is checked; a channel without buttons numbers choices."""

import asyncio
from types import SimpleNamespace

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.app import options_from
from bot.channels.base import Capabilities, Channel
from bot.channels.platform_channel import PlatformChannel
from bot.channels.common import RetryPolicy, with_retries
from bot.channels.platforms import PLATFORMS, channel_for
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.zalo.channel import ZaloChannel
from bot.webhook import WebhookServer
from handlers.dispatcher import Dispatcher
from messaging.messages import Incoming, OutChoice, Outgoing
from storage.db import Database
from storage.models import Outbox, ProcessedUpdate
from tests.bot.channel_harness import demo_database, settings_for

SECRET = "loop-secret"


class Loopback(PlatformChannel):
    """A platform made of two lists: what the bot gets and what it sends (it borrows Zalo's settings)."""

    platform = "zalo"
    title = "Loopback"
    secret_header = "X-Loopback-Secret"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.updates: asyncio.Queue = asyncio.Queue()
        self.sent: list[tuple[str, str]] = []
        self.webhooks: list[str] = []

    async def connect(self, register: bool) -> str:
        return "loop"

    async def set_webhook(self) -> None:
        self.webhooks.append(self.webhook_url)

    async def delete_webhook(self) -> None:
        self.webhooks.append("")

    async def poll(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self.process(await self.updates.get())

    def lane(self, update: dict) -> str:
        return update["chat"]

    async def parse(self, update: dict) -> Incoming | None:
        return Incoming(self.name, update["chat"], update["chat"], "Hoa", text=update["text"], update_id=update["id"])

    async def send(self, message: Outgoing) -> None:
        await self.send_steps(message, [self.step(message.chat_id, lambda: self._say(message))])

    async def _say(self, message: Outgoing) -> None:
        self.sent.append((message.chat_id, self.text_of(message)))


async def started(tmp_path, **settings) -> Loopback:
    db = await demo_database("loop")
    values = settings_for(zalo_bot_token="unused", zalo_chat_interval_seconds=0.01, **settings)
    channel = Loopback(values, db, Dispatcher(db, options_from(values)), RetryPolicy(attempts=2, base=0.01))
    return channel


async def owed(db: Database) -> int:
    async with db.session() as session:
        return await session.scalar(select(func.count()).where(Outbox.sent_at.is_(None)))


async def test_a_new_platform_by_polling_answers_from_the_outbox(tmp_path):
    channel = await started(tmp_path)
    await channel.start()
    try:
        assert channel.webhooks == [""]  # polling: any webhook is taken off first
        await channel.updates.put({"chat": "42", "text": "/start", "id": "u1"})
        for _ in range(250):
            if channel.sent and not await owed(channel.db):
                break
            await asyncio.sleep(0.02)
        assert channel.sent and {chat for chat, _ in channel.sent} == {"42"}
        assert await owed(channel.db) == 0
    finally:
        await channel.stop()
        await channel.db.close()


async def test_a_new_platform_by_webhook_checks_the_secret(tmp_path):
    channel = await started(tmp_path, zalo_webhook_url="https://bot.example.org/loop", zalo_webhook_secret=SECRET)
    server = WebhookServer(channel.db, "127.0.0.1", 0)
    channel.attach(server)
    await server.start()
    await channel.start()
    url = f"http://127.0.0.1:{server.port}/loop"
    update = {"chat": "43", "text": "/start", "id": "u2"}
    try:
        assert channel.webhooks == ["https://bot.example.org/loop"]
        async with aiohttp.ClientSession() as http:
            for wrong in ({}, {"X-Loopback-Secret": "loop-secreT"}):
                async with http.post(url, json=update, headers=wrong) as response:
                    assert response.status == 401
            async with channel.db.session() as session:
                assert await session.scalar(select(func.count(ProcessedUpdate.id))) == 0
            async with http.post(url, json=update, headers={"X-Loopback-Secret": SECRET}) as response:
                assert response.status == 200 and await response.json() == {"ok": True}
        for _ in range(250):
            if channel.sent and not await owed(channel.db):
                break
            await asyncio.sleep(0.02)
        assert channel.sent and await owed(channel.db) == 0
    finally:
        await server.stop()
        await channel.stop()
        await channel.db.close()


def test_a_channel_without_buttons_numbers_the_choices():
    message = Outgoing("x", "1", "Chọn lĩnh vực:", "vi", choices=(OutChoice("a", "Y tế"), OutChoice("b", "Khác")))
    with_buttons = SimpleNamespace(can=Capabilities(buttons=True))
    without = SimpleNamespace(can=Capabilities())
    assert Channel.text_of(with_buttons, message) == "Chọn lĩnh vực:"
    shown = Channel.text_of(without, message)
    assert shown.startswith("Chọn lĩnh vực:\n1. Y tế\n2. Khác\n") and len(shown.splitlines()) == 4


def test_each_platform_says_what_it_can_show():
    assert TelegramChannel.can == Capabilities(buttons=True, images=True, voice=True, documents=True)
    assert not ZaloChannel.can.buttons and not ZaloChannel.can.documents


async def test_the_registry_gives_each_bot_the_channel_of_its_token(tmp_path):
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    dispatcher = Dispatcher(db, options_from(settings_for()))
    telegram = channel_for("telegram-hn", settings_for(telegram_bot_token="123:abc"), db, dispatcher)
    zalo = channel_for("zalo", settings_for(zalo_bot_token="zalo-token"), db, dispatcher)
    try:
        assert (type(telegram), telegram.name) == (TelegramChannel, "telegram-hn")
        assert (type(zalo), zalo.name) == (ZaloChannel, "zalo")
        assert {platform.platform for platform in PLATFORMS} == {"telegram", "zalo"}
        with pytest.raises(ValueError):
            channel_for("nothing", settings_for(), db, dispatcher)
    finally:
        await telegram.bot.session.close()
        await zalo.client.close()
        await db.close()


class Flaky(Exception):
    pass


async def test_a_call_is_retried_as_the_platform_says_then_given_up():
    calls, waits = [], []

    async def call():
        calls.append(1)
        raise Flaky()

    async def sleep(seconds):
        waits.append(seconds)

    policy = RetryPolicy(attempts=3)
    with pytest.raises(Flaky):
        await with_retries(call, policy, lambda error, attempt, _: 0.5 * (attempt + 1), "Test", sleep=sleep)
    assert len(calls) == 3 and waits == [0.5, 1.0]  # the last failure is raised, not waited out
    calls.clear()
    with pytest.raises(Flaky):
        await with_retries(call, policy, lambda *_: None, "Test", sleep=sleep)
    assert len(calls) == 1  # an error the platform will not take again is raised at once
