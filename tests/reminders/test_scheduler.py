"""The scheduler on a controllable clock: daily figures, a campaign's days, once each, across a restart."""

import asyncio
from datetime import date, datetime, time, timedelta

from sqlalchemy import update

from messaging.quiet import QuietHours
from reminders.scheduler import Jobs, Scheduler
from handlers.timetable import Timetable
from storage.models import Initiative
from tests.conftest import TZ
from tests.handlers.office import person
from tests.reminders.timeline import SimClock, drive

TIMETABLE = Timetable(time(8), QuietHours.parse("21:00-07:00"), TZ)
FRIDAY = datetime(2026, 11, 20, 10, 0, tzinfo=TZ)
NEXT_MONDAY = date(2026, 11, 23)


async def bind(db, chat_id: str, unit_code: str) -> None:
    async with db.transaction() as tx:
        unit = await tx.units.by_code(unit_code)
        await tx.bound_chats.bind("console", chat_id, kind="group", unit_id=unit.id, member_id=None)


async def peak_week(db, unit_code="CDN-GD-HN", starts_on=NEXT_MONDAY):
    async with db.transaction() as tx:
        unit = await tx.units.by_code(unit_code)
        return await tx.campaigns.create(name="Tuần cao điểm tháng 11", kind="peak_week", unit=unit, starts_on=starts_on,
                                         ends_on=starts_on + timedelta(days=6), target=200,
                                         slogan="Tự hào trí tuệ lao động Việt Nam")


def at(day: date, hour: int = 8) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TZ)


async def test_a_campaign_for_next_monday_sends_each_message_once_at_its_time_across_a_restart(demo_db):
    await bind(demo_db, "-1", "CDCS-MN-KIMHY")  # under the campaign's unit
    await bind(demo_db, "-2", "CDN-YT-HN")  # another sector: daily figures only
    await peak_week(demo_db)
    clock = SimClock(FRIDAY)
    first = Jobs(demo_db, TIMETABLE, clock)
    sent = await drive(first, clock, FRIDAY, at(date(2026, 11, 25), 14), ("morning",))
    clock.now = at(date(2026, 11, 25), 14)  # Wednesday afternoon: the process restarts and catches up
    second = Jobs(demo_db, TIMETABLE, clock)
    assert await second.catch_up() == 0, "today's pushes were already queued"
    sent = await drive(second, clock, clock.now, at(date(2026, 12, 3), 12), ("morning",), sent)

    campaign = [s for s in sent if "Tuần cao điểm tháng 11" in s.text]
    assert {s.chat_id for s in campaign} == {"-1"}
    starts = [s for s in campaign if s.text.startswith("📣")]
    assert [s.at for s in starts] == [at(NEXT_MONDAY)]
    assert "Tự hào trí tuệ lao động Việt Nam" in starts[0].text and "23/11/2026 đến 29/11/2026" in starts[0].text
    countdowns = [s for s in campaign if s.text.startswith("⏳")]
    assert [s.at for s in countdowns] == [at(NEXT_MONDAY + timedelta(days=d)) for d in range(1, 7)]
    assert "còn 6 ngày: đạt 0 / 200 sáng kiến, 0%" in countdowns[0].text
    assert "hôm nay là ngày cuối" in countdowns[-1].text
    summaries = [s for s in campaign if s.text.startswith("🏁")]
    assert [s.at for s in summaries] == [at(date(2026, 11, 30))]
    assert all(s.purpose == "push" for s in campaign)

    daily = [s for s in sent if s.text.startswith("☀️")]
    days = [s.at for s in daily if s.chat_id == "-2"]
    assert days == [at(date(2026, 11, 21) + timedelta(days=d)) for d in range(13)], "one report a morning, at 08:00"
    assert "Công đoàn ngành Y tế Hà Nội" in daily[0].text or "Công đoàn ngành Y tế Hà Nội" in daily[1].text


async def test_a_cancelled_campaign_says_so_once_and_sends_nothing_more(demo_db):
    await bind(demo_db, "-1", "CDCS-MN-KIMHY")
    campaign = await peak_week(demo_db)
    from handlers.campaign_pushes import announce_cancellation

    async with demo_db.transaction() as tx:
        campaign = await tx.campaigns.get(campaign.id)
        unit = await tx.units.get(campaign.unit_id)
        assert await tx.campaigns.cancel(campaign)
        assert await announce_cancellation(tx, campaign, unit, FRIDAY) == 1
        assert await announce_cancellation(tx, campaign, unit, FRIDAY) == 0
    clock = SimClock(FRIDAY)
    sent = await drive(Jobs(demo_db, TIMETABLE, clock), clock, FRIDAY, at(date(2026, 12, 2)), ("morning",))
    assert not [s for s in sent if "Tuần cao điểm" in s.text]


async def test_the_countdown_counts_what_was_sent_in_during_the_campaign(demo_db, dispatcher):
    await bind(demo_db, "-1", "CDN-GD-HN")
    await peak_week(demo_db, starts_on=date(2026, 11, 16))  # running since Monday
    from tests.handlers.office import filed

    await person(demo_db, dispatcher, "hoa", "Nguyễn Thị Hoa", "CDCS-MN-KIMHY")
    await filed(demo_db, "hoa", "Góc đọc sách cho bé")  # sent in on 2026-11-20
    clock = SimClock(at(date(2026, 11, 21), 7))
    sent = await drive(Jobs(demo_db, TIMETABLE, clock), clock, clock.now, at(date(2026, 11, 21), 9), ("morning",))
    countdown = next(s for s in sent if s.text.startswith("⏳"))
    assert "còn 2 ngày: đạt 1 / 200 sáng kiến, 0,5%" in countdown.text  # one sent is never shown as 0%
    assert "Công đoàn cơ sở Trường Mầm non Kim Hỷ" in countdown.text  # the leading child unit
    assert [s for s in sent if s.text.startswith("📣")], "a missed announcement goes out late rather than never"


async def test_nothing_is_pushed_in_quiet_hours(demo_db):
    await bind(demo_db, "-1", "CDCS-MN-KIMHY")
    clock = SimClock(at(date(2026, 11, 21), 22))
    jobs = Jobs(demo_db, TIMETABLE, clock)
    assert await jobs.morning() == 0
    assert await jobs.catch_up() == 0
    async with demo_db.transaction() as tx:
        assert await tx.outbox.pending("console", 10) == []


async def draft_untouched_since(db, dispatcher, moment: datetime, user="hoa") -> int:
    worker = await person(db, dispatcher, user, "Nguyễn Thị Hoa", "CDCS-MN-KIMHY")
    await worker.say("Sáng kiến mới")
    await worker.say("Cải tiến giá kẹp phôi")
    async with db.transaction() as tx:
        draft = (await tx.initiatives.for_author((await tx.members.by_identity("console", user)).id))[0]
        await tx.session.execute(update(Initiative).where(Initiative.id == draft.id).values(updated_at=moment))
        return draft.id


async def test_a_draft_is_nudged_once_after_a_day_never_at_night_and_a_last_time_days_later(demo_db, dispatcher):
    evening = at(date(2026, 11, 21), 22)  # typed at 22:00: a day later is in the quiet hours
    draft_id = await draft_untouched_since(demo_db, dispatcher, evening)
    clock = SimClock(evening)
    jobs = Jobs(demo_db, TIMETABLE, clock)
    sent = await drive(jobs, clock, evening, evening + timedelta(days=8), ("nudges",))
    # the first round at or after 07:00 (the nudge job runs every 15 minutes)
    first_round = [s.at - at(s.at.date(), 7) for s in sent]
    assert [s.at.date() for s in sent] == [date(2026, 11, 23), date(2026, 11, 26)]
    assert all(timedelta(0) <= lag < timedelta(minutes=15) for lag in first_round)
    assert [s.purpose for s in sent] == ["nudge", "nudge"]
    assert "Cải tiến giá kẹp phôi" in sent[0].text and "Nhắc lần cuối" in sent[1].text
    assert all(s.chat_id == "hoa" for s in sent)
    async with demo_db.session() as session:
        assert (await session.get(Initiative, draft_id)).updated_at == evening, "a nudge is not the worker's touch"


async def test_no_nudge_after_submit_delete_or_a_fresh_answer(demo_db, dispatcher):
    start = at(date(2026, 11, 21), 9)
    kept = await draft_untouched_since(demo_db, dispatcher, start, "hoa")
    deleted = await draft_untouched_since(demo_db, dispatcher, start, "lan")
    async with demo_db.transaction() as tx:
        await tx.initiatives.delete_draft(await tx.initiatives.get(deleted))
    clock = SimClock(start)
    jobs = Jobs(demo_db, TIMETABLE, clock)
    sent = await drive(jobs, clock, start, start + timedelta(days=1, hours=1), ("nudges",))
    assert [s.chat_id for s in sent] == ["hoa"]
    async with demo_db.transaction() as tx:  # the worker answers again after the first nudge
        await tx.session.execute(update(Initiative).where(Initiative.id == kept).values(updated_at=clock.now))
    more = await drive(jobs, clock, clock.now, clock.now + timedelta(days=6), ("nudges",))
    assert more == []


async def test_the_real_scheduler_runs_the_jobs_in_local_time(demo_db):
    clock = SimClock(at(date(2026, 11, 21), 6))
    scheduler = Scheduler(Jobs(demo_db, TIMETABLE, clock))
    await scheduler.start()
    try:
        assert sorted(scheduler.job_ids()) == ["escalate", "morning", "nudges", "retention"]
        morning = scheduler._scheduler.get_job("morning")
        assert morning.next_run_time.astimezone(TZ).time() == time(8)
        assert morning.coalesce and morning.misfire_grace_time >= 3600
    finally:
        await scheduler.stop()
    assert not scheduler.running
    await asyncio.sleep(0)
