"""What cannot be delivered is never dropped silently: given up, marked failed, and reported to the admins once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sqlalchemy import select

from bot.app import options_from
from bot.channels.common import RetryPolicy
from bot.channels.zalo.channel import ZaloChannel
from handlers.dispatcher import Dispatcher
from messaging.messages import Outgoing
from messaging.sender import MAX_ATTEMPTS
from storage.db import Database
from storage.models import Outbox, utcnow
from tests.bot.channel_harness import settings_for
from tests.bot.zalo.fake_api import FakeZaloAPI
from tests.messaging.test_broadcast import prepare

ADMIN = 777  # the admin's private chat on Telegram
QUICK = 0.01  # seconds between two messages to one chat: the limits are not under test here


async def rows_to(db: Database, chat_id: str) -> list[Outbox]:
    async with db.session() as session:
        query = select(Outbox).where(Outbox.chat_id == chat_id).order_by(Outbox.id)
        return list((await session.execute(query)).scalars())


async def an_admin(db: Database, channel: str = "telegram", chat_id: str = str(ADMIN)) -> None:
    async with db.transaction() as tx:
        unit = await tx.units.by_code("LDLD-TEST")
        admin = await tx.members.register(channel=channel, external_user_id=chat_id, name="Lê Thị Quản Trị",
                                          unit_id=unit.id, target_group=None, locale="vi")
        await tx.roles.grant(admin.id, "admin", None)


async def queue_push(db: Database, chat_id: str, text: str, key: str) -> None:
    async with db.transaction() as tx:
        await tx.outbox.add("telegram", chat_id, Outgoing("telegram", chat_id, text).payload(), key, purpose="push")


async def test_a_group_that_removed_the_bot_is_unbound_and_the_admins_told_once(db):
    broadcast = await prepare(db, groups=3, quick=True)
    try:
        await an_admin(db)
        gone = broadcast.chats[1]
        await queue_push(db, gone, "📣 Tuần cao điểm bắt đầu", "push:test:second")
        broadcast.api.block(int(gone))
        await broadcast.channel.outbox.run_once()
        assert [len(broadcast.api.sent_texts(int(chat))) for chat in broadcast.chats] == [1, 0, 1]
        async with db.transaction() as tx:
            assert await tx.bound_chats.get("telegram", gone) is None
            assert gone not in [chat.chat_id for chat, _ in await tx.bound_chats.receiving()]  # its pushes stop
        owed = await rows_to(db, gone)
        assert len(owed) == 2 and all(row.failed_at is not None and row.sent_at is None for row in owed)
        await broadcast.channel.outbox.run_once()  # the report goes out with the next round
        await broadcast.channel.outbox.run_once()
        [report] = broadcast.api.sent_texts(ADMIN)
        assert "Công đoàn cơ sở số 1" in report and "LDLD-TEST" in report and gone in report
        assert "bị chặn hoặc bị mời ra khỏi nhóm" in report and "Đã gỡ gắn kết" in report and "2 tin" in report
        assert broadcast.channel.bot.token not in report
    finally:
        await broadcast.close()


@pytest.fixture
async def one_group(db):
    """One bound group under a fast channel, and an admin to be told of failures."""
    broadcast = await prepare(db, groups=1, quick=True)
    await an_admin(db)
    yield broadcast
    await broadcast.close()


async def test_a_message_failing_every_attempt_is_marked_failed_and_reported_once(db, one_group):
    broadcast = one_group
    [chat] = broadcast.chats
    broadcast.api.refuse(int(chat), 500)
    for _ in range(MAX_ATTEMPTS):
        await broadcast.channel.flush(chat)
        [row] = await rows_to(db, chat)
        if row.failed_at is None:  # the back-off is over
            async with db.transaction() as tx:
                await tx.outbox.defer(row.id, utcnow() - timedelta(seconds=1), row.last_error)
    assert row.failed_at is not None and row.sent_at is None and row.attempts == MAX_ATTEMPTS
    assert row.last_error == "TelegramServerError"
    await broadcast.channel.flush(chat)  # given up: not tried again, not reported again
    assert len(broadcast.api.calls_to("sendMessage")) == MAX_ATTEMPTS * broadcast.channel.policy.attempts
    [report] = await rows_to(db, str(ADMIN))
    assert report.purpose == "notice"
    await broadcast.channel.flush(str(ADMIN))
    [text] = broadcast.api.sent_texts(ADMIN)
    assert "Không gửi được một tin tiến độ, chiến dịch" in text and f"sau {MAX_ATTEMPTS} lần thử" in text
    assert "TelegramServerError" in text and "LDLD-TEST" in text


async def test_a_message_refused_as_malformed_is_reported_and_the_next_still_goes(db, one_group):
    broadcast = one_group
    [chat] = broadcast.chats
    await queue_push(db, chat, "📣 Tuần cao điểm bắt đầu", "push:test:second")
    broadcast.api.fail_next("sendMessage", error_code=400, description="Bad Request: can't parse entities")
    assert await broadcast.channel.flush(chat) == 1
    assert broadcast.api.sent_texts(int(chat)) == ["📣 Tuần cao điểm bắt đầu"]
    first, second = await rows_to(db, chat)
    assert first.failed_at is not None and second.sent_at is not None
    async with db.transaction() as tx:
        assert await tx.bound_chats.get("telegram", chat) is not None  # the group itself is fine
    [report] = await rows_to(db, str(ADMIN))
    assert "TelegramBadRequest" in report.payload["text"]


async def test_a_report_that_cannot_reach_the_admin_is_not_reported_in_turn(db, one_group):
    broadcast = one_group
    [chat] = broadcast.chats
    broadcast.api.refuse(int(chat), 400)
    broadcast.api.block(ADMIN)
    await broadcast.channel.flush(chat)
    await broadcast.channel.flush(str(ADMIN))
    [report] = await rows_to(db, str(ADMIN))
    assert report.failed_at is not None and report.sent_at is None
    await broadcast.channel.outbox.run_once()
    assert len(await rows_to(db, str(ADMIN))) == 1  # no report of the report


async def test_a_group_that_became_a_supergroup_keeps_its_binding_and_its_messages(db):
    broadcast = await prepare(db, groups=1, quick=True)
    try:
        [old] = broadcast.chats
        new = "-1009876543210"
        await queue_push(db, old, "📣 Tuần cao điểm bắt đầu", "push:test:second")
        broadcast.api.migrate(int(old), int(new))
        await broadcast.channel.outbox.run_once()
        async with db.transaction() as tx:
            assert await tx.bound_chats.get("telegram", old) is None
            chat, unit = await tx.bound_chats.get("telegram", new)
            assert unit.code == "LDLD-TEST" and chat.title == "Công đoàn cơ sở số 0"
        await broadcast.channel.outbox.run_once()
        sent = broadcast.api.sent_texts(int(new))
        assert sent == ["☀️ Tiến độ phong trào sáng nay: nhóm 0", "📣 Tuần cao điểm bắt đầu"]
        assert [row.sent_at is not None for row in await rows_to(db, new)] == [True, True]
    finally:
        await broadcast.close()


async def test_a_zalo_chat_that_blocked_the_bot_is_unbound_and_reported(db):
    api = FakeZaloAPI()
    await api.start()
    settings = settings_for(zalo_bot_token=api.token, zalo_api_url=api.base_url, zalo_chat_interval_seconds=QUICK,
                            quiet_hours="")
    channel = ZaloChannel(settings, db, Dispatcher(db, options_from(settings)), RetryPolicy(attempts=2, base=0.01))
    try:
        async with db.transaction() as tx:
            unit = await tx.units.add(code="LDLD-TEST", name="Liên đoàn thử", kind="province", parent=None,
                                      member_count=10)
            await tx.bound_chats.bind("zalo", "g-kimhy", kind="group", unit_id=unit.id, member_id=None, title="Kim Hỷ")
            message = Outgoing("zalo", "g-kimhy", "☀️ Tiến độ sáng nay")
            await tx.outbox.add("zalo", "g-kimhy", message.payload(), "push:test:zalo", purpose="push")
        await an_admin(db, "zalo", "admin-zalo")
        api.block("g-kimhy")
        await channel.flush("g-kimhy")
        async with db.transaction() as tx:
            assert await tx.bound_chats.get("zalo", "g-kimhy") is None
        await channel.flush("admin-zalo")
        [report] = api.sent_texts("admin-zalo")
        assert 'nhóm "Kim Hỷ"' in report and "LDLD-TEST" in report and "ZaloError 403" in report
    finally:
        await channel.client.close()
        await api.stop()

