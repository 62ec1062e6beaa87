"""However many processes share one database, pushes go out once: one leader runs the scheduler, keys do the rest."""

import asyncio
import random
from datetime import datetime, time

import pytest
from sqlalchemy import func, select, text

from reminders.leader import Leadership
from messaging.quiet import QuietHours
from reminders.scheduler import Jobs, Scheduler
from handlers.timetable import Timetable
from storage.db import Database
from storage.models import Outbox
from tests.conftest import POSTGRES_URL, TZ
from tests.reminders.test_scheduler import bind
from tests.reminders.timeline import SimClock

TIMETABLE = Timetable(time(8), QuietHours.parse("21:00-07:00"), TZ)
MORNING = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)  # after the push time: a new leader catches up


class BotProcess:
    def __init__(self, db: Database, key: int) -> None:
        self.scheduler = Scheduler(Jobs(db, TIMETABLE, SimClock(MORNING)))
        self.leadership = Leadership(db, key=key, retry_every=0.1, check_every=0.1)
        self.stop = asyncio.Event()
        self.task = asyncio.create_task(self.leadership.run(self.stop, self.scheduler.start, self.scheduler.stop))

    async def end(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, timeout=5)


async def pushes(db) -> int:
    async with db.session() as session:
        return await session.scalar(select(func.count()).select_from(Outbox).where(Outbox.purpose == "push"))


async def pushes_within(db, expected: int, timeout: float = 15.0) -> bool:
    """Whether the pushes queued reach `expected` within `timeout` seconds."""
    for _ in range(int(timeout / 0.05)):
        if await pushes(db) >= expected:
            return await pushes(db) == expected
        await asyncio.sleep(0.05)
    return False


async def until(condition, timeout: float = 5.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("not within the time allowed")


@pytest.mark.parametrize("db", ["postgres"], indirect=True)
async def test_two_schedulers_on_one_postgres_database_send_each_push_once(demo_db):
    for chat, unit in (("-1", "CDCS-MN-KIMHY"), ("-2", "CDN-YT-HN"), ("-3", "LDLD-HN")):
        await bind(demo_db, chat, unit)
    async with demo_db.session() as session:
        schema = await session.scalar(text("SELECT current_schema()"))
    other = Database.from_url(POSTGRES_URL, search_path=schema)
    key = random.getrandbits(62)
    first, second = BotProcess(demo_db, key), BotProcess(other, key)
    try:
        await until(lambda: first.scheduler.running or second.scheduler.running)
        await asyncio.sleep(0.5)  # several retry periods: the other one must still be waiting
        assert first.scheduler.running != second.scheduler.running
        leader, follower = (first, second) if first.scheduler.running else (second, first)
        # The catch-up draws charts (matplotlib's first use takes a second or more): waited for, bounded.
        assert await pushes_within(demo_db, 3), "the leader caught up on this morning's figures"

        await asyncio.gather(leader.scheduler.jobs.morning(), follower.scheduler.jobs.morning())  # a double fire
        await leader.end()  # the leader goes away; the other takes over and catches up
        await until(lambda: follower.scheduler.running)
        await asyncio.sleep(0.2)
        assert await pushes(demo_db) == 3
        async with demo_db.session() as session:
            chats = (await session.execute(select(Outbox.chat_id).where(Outbox.purpose == "push"))).scalars().all()
        assert sorted(chats) == ["-1", "-2", "-3"]
    finally:
        await first.end()
        await second.end()
        await other.close()


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
async def test_on_sqlite_the_single_process_runs_the_scheduler(demo_db):
    await bind(demo_db, "-1", "CDCS-MN-KIMHY")
    process = BotProcess(demo_db, key=1)
    try:
        await until(lambda: process.scheduler.running)
    finally:
        await process.end()
    assert not process.scheduler.running
    assert await pushes(demo_db) == 1
