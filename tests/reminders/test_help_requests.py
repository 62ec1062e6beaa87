"""Escalation run by the scheduler: a help request nobody took moves one level up, once, on a controllable clock."""

from datetime import timedelta

from messaging.quiet import QuietHours
from reminders.scheduler import Jobs
from handlers.timetable import Timetable
from tests.conftest import TZ
from tests.handlers.office import notices_to, person
from tests.reminders.timeline import SimClock, drive


async def test_the_scheduler_escalates_an_untaken_request_once(dispatcher, demo_db, clock):
    hoa = await person(demo_db, dispatcher, "hoa", "Nguyễn Thị Hoa", "CDCS-MN-KIMHY")
    await person(demo_db, dispatcher, "an", "Phạm Văn An", "CDN-GD-HN", "support")
    await person(demo_db, dispatcher, "xa", "Vũ Văn Xa", "LDLD-HN", "support")
    await hoa.say("Cần hỗ trợ")
    sim = SimClock(clock.now)
    timetable = Timetable(clock.now.time().replace(hour=8), QuietHours.parse(""), TZ)
    jobs = Jobs(demo_db, timetable, sim, escalate_after=timedelta(hours=4))
    await drive(jobs, sim, clock.now, clock.now + timedelta(hours=3, minutes=50), ("escalate",))
    assert await notices_to(demo_db, "xa") == []
    await drive(jobs, sim, sim.now, clock.now + timedelta(hours=6), ("escalate",))
    assert len(await notices_to(demo_db, "xa")) == 1
