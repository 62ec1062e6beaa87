"""/baocao in a bound group: at most one report a minute, one line pointing to it, a chart drawn once per figures."""

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from reminders.retention import forget_old_files
from storage.models import Outbox
from tests.handlers.office import filed, person
from tests.handlers.talk import Person

GROUP = "-100555"
REPORT = "Báo cáo tiến độ: Công đoàn ngành Giáo dục Hà Nội"


@pytest.fixture
def drawn(monkeypatch) -> list[str]:
    """The charts drawn (their titles), each one a PNG of its own."""
    titles: list[str] = []

    def progress_chart(title: str, rows: list[dict], locale: str = "vi") -> bytes:
        titles.append(title)
        return f"PNG {len(titles)}".encode()

    monkeypatch.setattr("handlers.officer.progress_chart", progress_chart)
    return titles


async def bound_group(db, dispatcher) -> Person:
    officer = await person(db, dispatcher, "gd", "Trần Văn Bình", "CDN-GD-HN", "officer")
    await officer.say_in_group(GROUP, "/ganketnhom CDN-GD-HN", chat_admin=True)
    return officer


async def sent_to_group(db) -> list[dict]:
    async with db.session() as session:
        rows = await session.execute(select(Outbox.payload).where(Outbox.chat_id == GROUP).order_by(Outbox.id))
        return list(rows.scalars())


async def test_asking_again_within_the_minute_gets_one_line_and_no_new_chart(dispatcher, demo_db, clock, drawn):
    await bound_group(demo_db, dispatcher)
    members = [Person(dispatcher, user_id=f"m{n}", name=f"Đoàn viên {n}") for n in range(5)]
    await members[0].say_in_group(GROUP, "/baocao")
    assert REPORT in members[0].text and members[0].last.image is not None
    first_chart = members[0].last.image

    clock.advance(seconds=10)
    await members[1].say_in_group(GROUP, "/baocao")
    assert members[1].text == ("📊 Báo cáo tiến độ của Công đoàn ngành Giáo dục Hà Nội vừa gửi lúc 09:00, ngay phía "
                               "trên. Mỗi phút nhóm nhận báo cáo một lần: từ 09:01 gõ /baocao để xem số liệu mới.")
    for n, member in enumerate(members[2:], start=2):  # the line is there already: nothing more in the group
        clock.advance(seconds=15)
        await member.say_in_group(GROUP, "/tiendo" if n % 2 else "/baocao")
        assert member.replies == []
    assert len(drawn) == 1
    assert len(await sent_to_group(demo_db)) - 1 == 2, "the binding's answer, one report and one line pointing to it"

    clock.advance(seconds=15)  # a minute after the report: the figures again, the chart the same
    await members[0].say_in_group(GROUP, "/baocao")
    assert REPORT in members[0].text and members[0].last.image == first_chart
    assert len(drawn) == 1


async def test_a_new_submission_gives_a_new_chart_after_the_minute(dispatcher, demo_db, clock, drawn):
    await bound_group(demo_db, dispatcher)
    worker = await person(demo_db, dispatcher, "hoa", "Nguyễn Thị Hoa", "CDCS-MN-KIMHY")
    await worker.say_in_group(GROUP, "/baocao")
    before = worker.last
    assert "Đã gửi 0/18" in before.text

    await filed(demo_db, "hoa", "Cải tiến giá kẹp phôi máy tiện")
    clock.advance(seconds=30)
    await worker.say_in_group(GROUP, "/baocao")
    assert "vừa gửi lúc 09:00" in worker.text, "within the minute the figures wait"
    assert len(drawn) == 1

    clock.advance(seconds=30)
    await worker.say_in_group(GROUP, "/baocao")
    after = worker.last
    assert REPORT in after.text and "Đã gửi 1/18" in after.text
    assert after.image is not None and after.image != before.image
    assert len(drawn) == 2
    async with demo_db.transaction() as tx:
        assert (await tx.images.get(after.image)).data == b"PNG 2"
        assert (await tx.images.get(before.image)).data == b"PNG 1"


async def test_a_private_chat_is_answered_while_the_groups_chart_is_drawn(dispatcher, demo_db, monkeypatch):
    await bound_group(demo_db, dispatcher)
    loop = asyncio.get_running_loop()
    stranger = Person(dispatcher, user_id="stranger", name="Lê Văn Nam")
    private: list[str] = []

    def progress_chart(title: str, rows: list[dict], locale: str = "vi") -> bytes:
        # Drawn in a thread: the private chat's update runs meanwhile. Had the group's update kept its
        # transaction open (on SQLite, the database's one writer), the private one could not be written.
        asyncio.run_coroutine_threadsafe(stranger.say("/start"), loop).result(timeout=60)
        private.append(stranger.text)
        return b"PNG"

    monkeypatch.setattr("handlers.officer.progress_chart", progress_chart)
    member = Person(dispatcher, user_id="m1", name="Đoàn viên")
    await member.say_in_group(GROUP, "/baocao")
    assert REPORT in member.text and member.last.image is not None
    assert len(private) == 1 and private[0].strip()


async def test_two_at_once_in_one_group_get_one_report(dispatcher, demo_db, drawn):
    await bound_group(demo_db, dispatcher)
    members = [Person(dispatcher, user_id=f"m{n}", name=f"Đoàn viên {n}") for n in range(2)]
    await asyncio.gather(*(m.say_in_group(GROUP, "/baocao") for m in members))
    texts = sorted(m.text for m in members)
    assert REPORT in texts[0] and "vừa gửi lúc 09:00" in texts[1]
    reports = [p for p in await sent_to_group(demo_db) if p.get("image")]
    assert len(reports) == 1


async def test_the_minute_counts_from_the_report_not_from_the_clocks_minute(dispatcher, demo_db, clock, drawn):
    await bound_group(demo_db, dispatcher)
    member = Person(dispatcher, user_id="m1", name="Đoàn viên")
    clock.advance(seconds=59)
    await member.say_in_group(GROUP, "/baocao")
    assert REPORT in member.text
    clock.advance(seconds=2)  # 09:01:01, two seconds later
    await member.say_in_group(GROUP, "/baocao")
    assert "vừa gửi lúc 09:00" in member.text and "từ 09:02 gõ /baocao" in member.text
    clock.advance(seconds=58)
    await member.say_in_group(GROUP, "/baocao")
    assert REPORT in member.text and len(drawn) == 1


async def test_a_chart_the_retention_removed_is_drawn_again(dispatcher, demo_db, clock, drawn):
    await bound_group(demo_db, dispatcher)
    member = Person(dispatcher, user_id="m1", name="Đoàn viên")
    await member.say_in_group(GROUP, "/baocao")
    first = member.last.image
    assert await forget_old_files(demo_db, datetime.now(timezone.utc) + timedelta(days=31), timedelta(days=30)) == 1
    clock.advance(minutes=1)
    await member.say_in_group(GROUP, "/baocao")
    assert member.last.image not in (None, first) and len(drawn) == 2
    async with demo_db.transaction() as tx:
        assert await tx.images.get(member.last.image) is not None
