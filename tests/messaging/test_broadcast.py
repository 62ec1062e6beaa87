"""A push to thousands of bound groups goes out at the platform's limits, once each, with no 429 on the way.

The fake Bot API keeps the same limits the sender keeps (scaled to 300 messages a second), so a
sender that went faster would be told "429 Too Many Requests". Timing targets are in
bench/broadcast.py; here only the lower bound is asserted: the limits were respected.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from bot.app import options_from
from bot.channels.common import RetryPolicy
from bot.channels.telegram.channel import TelegramChannel
from handlers.dispatcher import Dispatcher
from messaging.messages import Outgoing
from messaging.sender import OutboxSender
from messaging.quiet import QuietHours
from storage.db import Database
from storage.models import Outbox
from tests.bot.channel_harness import settings_for
from tests.bot.telegram.fake_api import FakeBotAPI, FloodControl
from tests.conftest import TZ

GROUPS = 2000
RATE = 300  # messages a second: Telegram's 30, scaled so the test stays short


@dataclass
class Broadcast:
    api: FakeBotAPI  # or another server of the Bot API (bench/broadcast.py runs it in a process of its own)
    channel: TelegramChannel
    chats: list[str]

    @property
    def allowed(self) -> float:
        """The shortest time the limits allow for one message to each chat."""
        return len(self.chats) / self.channel.limits.rates.per_second

    async def close(self) -> None:
        await self.channel.bot.session.close()
        await self.api.stop()


def flood_control(rate: float = RATE, chat_interval: float = 1.0, per_minute: int = 20) -> FloodControl:
    return FloodControl(per_second=int(rate), chat_interval=chat_interval, private_burst=3, group_per_minute=per_minute)


async def prepare(
    db: Database,
    groups: int = GROUPS,
    rate: float = RATE,
    flood: FloodControl | None = None,
    *,
    quick: bool = False,
    api: FakeBotAPI | None = None,
) -> Broadcast:
    """Groups bound to units, one push queued for each, and a Telegram channel against a fake API keeping the limits.

    `quick` limits a chat far less (for tests of many attempts to one chat, where the limits are not under test).
    """
    chat_interval, per_minute = (0.01, 10_000) if quick else (1.0, 20)
    if api is None:
        api = FakeBotAPI()
        await api.start()
        api.flood = flood or flood_control(rate, chat_interval, per_minute)
    settings = settings_for(
        telegram_bot_token=api.token, telegram_api_url=api.base_url, telegram_messages_per_second=rate,
        telegram_chat_interval_seconds=chat_interval, telegram_group_messages_per_minute=per_minute, quiet_hours="",
    )
    chats = [str(-1_000_000 - n) for n in range(groups)]
    async with db.transaction() as tx:
        unit = await tx.units.add(code="LDLD-TEST", name="Liên đoàn Lao động thử nghiệm", kind="province", parent=None,
                                  member_count=50_000)
        for n, chat_id in enumerate(chats):
            await tx.bound_chats.bind("telegram", chat_id, kind="group", unit_id=unit.id, member_id=None,
                                      title=f"Công đoàn cơ sở số {n}")
            push = Outgoing("telegram", chat_id, f"☀️ Tiến độ phong trào sáng nay: nhóm {n}")
            await tx.outbox.add("telegram", chat_id, push.payload(), f"push:test:{chat_id}", purpose="push")
    channel = TelegramChannel(settings, db, Dispatcher(db, options_from(settings)), RetryPolicy(attempts=4, base=0.01))
    return Broadcast(api, channel, chats)


async def send_all(broadcast: Broadcast) -> float:
    """The sender's rounds until nothing is owed; the seconds it took."""
    started = time.monotonic()
    await broadcast.channel.outbox.run_once()
    return time.monotonic() - started


async def unsent(db: Database) -> int:
    async with db.session() as session:
        return await session.scalar(select(func.count()).select_from(Outbox).where(Outbox.sent_at.is_(None)))


async def test_a_push_to_two_thousand_groups_goes_out_once_each_within_the_limits(db):
    broadcast = await prepare(db)
    try:
        elapsed = await send_all(broadcast)
        allowed = broadcast.allowed
        ratio = elapsed / allowed
        print(f"broadcast: {GROUPS} groups in {elapsed:.2f} s; limits allow {allowed:.2f} s; ratio {ratio:.3f}")
        accepted = broadcast.api.flood.accepted
        assert sorted(accepted) == sorted(int(chat) for chat in broadcast.chats)
        assert all(len(times) == 1 for times in accepted.values())  # every group once, none twice
        assert broadcast.api.throttled() == []  # never a 429: the sender kept to the limits by itself
        assert await unsent(db) == 0
        assert elapsed >= allowed * 0.97  # and did not go faster than they allow
    finally:
        await broadcast.close()


async def test_a_429_is_waited_out_as_told_and_the_message_arrives_once(db):
    # The platform is stricter than the sender was told: two seconds between messages to a group.
    strict = FloodControl(per_second=RATE, chat_interval=2.0, group_per_minute=20)
    broadcast = await prepare(db, groups=1, flood=strict)
    try:
        [chat] = broadcast.chats
        second = Outgoing("telegram", chat, "📣 Tuần cao điểm bắt đầu hôm nay")
        async with db.transaction() as tx:
            await tx.outbox.add("telegram", chat, second.payload(), "push:test:second", purpose="push")
        assert await broadcast.channel.outbox.run_once() == 2
        [(refused_at, _, retry_after)] = broadcast.api.flood.refused
        first, again = broadcast.api.flood.accepted[int(chat)]
        assert again - refused_at >= retry_after - 0.05  # it waited as long as it was told
        assert broadcast.api.sent_texts(int(chat))[1] == second.text
        assert len(broadcast.api.sent_texts(int(chat))) == 2 and await unsent(db) == 0
    finally:
        await broadcast.close()


async def test_each_group_gets_its_pushes_in_the_order_they_were_written(db):
    broadcast = await prepare(db, groups=30, quick=True)
    try:
        async with db.transaction() as tx:
            for chat_id in broadcast.chats:
                for n in (2, 3):
                    push = Outgoing("telegram", chat_id, f"tin {n}")
                    await tx.outbox.add("telegram", chat_id, push.payload(), f"push:test:{chat_id}:{n}", purpose="push")
        assert await broadcast.channel.outbox.run_once() == 90
        for chat_id in broadcast.chats:
            texts = broadcast.api.sent_texts(int(chat_id))
            assert texts[1:] == ["tin 2", "tin 3"] and len(texts) == 3
    finally:
        await broadcast.close()


async def test_pushes_wait_out_the_quiet_hours_while_notices_go(db, clock):
    broadcast = await prepare(db, groups=2, quick=True)
    try:
        clock.now = datetime(2026, 11, 21, 22, 30, tzinfo=TZ)
        sender = OutboxSender(db, "telegram", broadcast.channel.flush, quiet_hours=QuietHours.parse("21:00-07:00"),
                              tz=TZ, clock=clock)
        async with db.transaction() as tx:
            notice = Outgoing("telegram", "555", "Sáng kiến SK-2026-000123 đã được duyệt")
            await tx.outbox.add("telegram", "555", notice.payload(), "notice:test", purpose="notice")
        assert await sender.run_once() == 1
        assert broadcast.api.sent_texts(555) == [notice.text]
        assert all(broadcast.api.sent_texts(int(chat)) == [] for chat in broadcast.chats)  # nobody's phone buzzes
        clock.now = datetime(2026, 11, 22, 7, 0, tzinfo=TZ)
        assert await sender.run_once() == 2
        assert all(len(broadcast.api.sent_texts(int(chat))) == 1 for chat in broadcast.chats)
    finally:
        await broadcast.close()


async def test_a_woken_sender_goes_at_once_instead_of_waiting_its_interval(db):
    broadcast = await prepare(db, groups=0, quick=True)
    sender = OutboxSender(db, "telegram", broadcast.channel.flush, interval=60)
    rounds = asyncio.Queue()
    real = sender.run_once

    async def counted() -> int:
        sent = await real()
        rounds.put_nowait(sent)
        return sent

    sender.run_once = counted
    stop = asyncio.Event()
    running = asyncio.create_task(sender.run(stop))
    try:
        assert await asyncio.wait_for(rounds.get(), 5) == 0  # the first round found nothing; the next is a minute off
        async with db.transaction() as tx:
            push = Outgoing("telegram", "-42", "📣 Chiến dịch 40 ngày bắt đầu")
            await tx.outbox.add("telegram", "-42", push.payload(), "push:test:wake", purpose="push")
        sender.wake()
        assert await asyncio.wait_for(rounds.get(), 5) == 1
        assert broadcast.api.sent_texts(-42) == [push.text]
    finally:
        stop.set()
        await asyncio.wait_for(running, 5)
        await broadcast.close()
