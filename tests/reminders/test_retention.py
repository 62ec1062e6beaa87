"""Generated files are kept GENERATED_FILES_RETENTION_DAYS days, unless a message still waiting to go out shows them."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import update

from messaging.messages import Outgoing
from messaging.quiet import QuietHours
from reminders.scheduler import Jobs
from handlers.timetable import Timetable
from storage.models import GeneratedImage
from tests.conftest import TZ
from tests.reminders.timeline import SimClock, fire_times

TIMETABLE = Timetable(time(8), QuietHours.parse("21:00-07:00"), TZ)
NOW = datetime(2026, 11, 21, 3, 30, tzinfo=TZ)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def made(db, days_ago: float, content_type: str = "image/png", filename: str | None = None) -> str:
    async with db.transaction() as tx:
        token = await tx.images.add(b"\x89PNG chart", content_type, filename)
        await tx.session.execute(update(GeneratedImage).where(GeneratedImage.token == token)
                                 .values(created_at=NOW - timedelta(days=days_ago)))
    return token


async def shown_in(db, chat_id: str, key: str, *, image: str | None = None, document: str | None = None) -> int:
    async with db.transaction() as tx:
        message = Outgoing("telegram", chat_id, "Báo cáo tiến độ", image=image, document=document)
        return await tx.outbox.add("telegram", chat_id, message.payload(), key, purpose="push")


async def kept(db, *tokens: str) -> list[bool]:
    async with db.transaction() as tx:
        return [await tx.images.get(token) is not None for token in tokens]


async def test_old_files_go_and_fresh_or_waiting_ones_stay(db):
    old, fresh = await made(db, 31), await made(db, 29)
    waiting_chart = await made(db, 40)
    waiting_export = await made(db, 40, XLSX, "sang-kien.xlsx")
    sent, given_up = await made(db, 40), await made(db, 40)
    waiting_id = await shown_in(db, "-1", "push:1", image=waiting_chart)
    await shown_in(db, "-2", "push:2", document=waiting_export)
    sent_id = await shown_in(db, "-3", "push:3", image=sent)
    failed_id = await shown_in(db, "-4", "push:4", image=given_up)
    async with db.transaction() as tx:
        await tx.outbox.mark_sent([sent_id])
        await tx.outbox.give_up(failed_id, "Forbidden: bot was kicked", 1)

    jobs = Jobs(db, TIMETABLE, SimClock(NOW), keep_files=timedelta(days=30))
    assert await jobs.retention() == 3
    assert await kept(db, old, fresh, waiting_chart, waiting_export, sent, given_up) == [
        False, True, True, True, False, False]

    async with db.transaction() as tx:  # the waiting chart goes out: the next night it goes too
        await tx.outbox.mark_sent([waiting_id])
    assert await jobs.retention() == 1
    assert await kept(db, fresh, waiting_chart, waiting_export) == [True, False, True]


async def test_the_retention_is_counted_in_days_from_the_setting(db):
    token = await made(db, 3)
    assert await Jobs(db, TIMETABLE, SimClock(NOW), keep_files=timedelta(days=7)).retention() == 0
    assert await Jobs(db, TIMETABLE, SimClock(NOW), keep_files=timedelta(days=2)).retention() == 1
    assert await kept(db, token) == [False]


async def test_many_old_files_go_in_one_night(db, monkeypatch):
    monkeypatch.setattr("reminders.retention.CHUNK", 2)  # several transactions, none left behind
    tokens = [await made(db, 60) for _ in range(5)]
    assert await Jobs(db, TIMETABLE, SimClock(NOW)).retention() == 5
    assert await kept(db, *tokens) == [False] * 5


def test_the_cleaning_runs_once_a_night_in_local_time():
    jobs = Jobs(None, TIMETABLE, SimClock(NOW))
    trigger, _ = jobs.triggers()["retention"]
    start = datetime.combine(date(2026, 11, 21), time(0), tzinfo=TZ)
    times = fire_times(trigger, start, start + timedelta(days=3))
    assert [t.astimezone(TZ).time() for t in times] == [time(3, 30)] * 3
