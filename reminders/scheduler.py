"""The one scheduler (APScheduler 3, in local time): daily figures and campaigns, draft nudges, help escalation,
and the retention of generated files.

Only the process holding the leadership (`reminders.leader`) runs it. Jobs take their time from
an injectable clock and only queue outbox rows keyed by (chat, purpose, period), so a second fire,
a catch-up after a restart or a second process never sends anything twice; the senders deliver.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from reminders.campaigns import push_campaigns
from reminders.daily import push_daily
from reminders.help_requests import escalate_once
from reminders.nudges import nudge_drafts
from reminders.retention import forget_old_files
from handlers.timetable import Timetable
from storage.db import Database

log = logging.getLogger(__name__)
MISFIRE_GRACE = 3 * 3600  # a fire the event loop was too busy for still runs within three hours
NUDGE_EVERY = timedelta(minutes=15)
ESCALATE_EVERY = timedelta(minutes=1)
RETENTION_AT = time(3, 30)  # local: the quietest hour, and far from the morning pushes


@dataclass
class Jobs:
    """What each fire does, on the clock given (tests drive it; production reads the wall clock)."""

    db: Database
    timetable: Timetable
    clock: Callable[[], datetime]
    wake: Callable[[], None] = lambda: None  # the senders start on what was queued at once
    escalate_after: timedelta = timedelta(hours=4)
    keep_files: timedelta = timedelta(days=30)  # GENERATED_FILES_RETENTION_DAYS

    def now(self) -> datetime:
        return self.clock().astimezone(self.timetable.tz)

    async def morning(self) -> int:
        """The daily figures, then each campaign's message of the day."""
        now = self.now()
        if self.timetable.quiet.holds(now):
            log.info("morning pushes held: %s is in the quiet hours", now.strftime("%H:%M"))
            return 0
        queued = await push_daily(self.db, now) + await push_campaigns(self.db, self.timetable, now)
        self.wake()
        return queued

    async def nudges(self) -> int:
        nudged = await nudge_drafts(self.db, self.timetable, self.now())
        if nudged:
            self.wake()
        return nudged

    async def escalate(self) -> int:
        moved = await escalate_once(self.db, self.escalate_after, self.clock())
        if moved:
            self.wake()
        return moved

    async def retention(self) -> int:
        """Generated files (charts, exports, forms) older than the retention are deleted."""
        return await forget_old_files(self.db, self.clock(), self.keep_files)

    async def catch_up(self) -> int:
        """At start: today's morning pushes if their time has passed (a restart or a new leader missed it)."""
        now = self.now()
        return await self.morning() if now.time() >= self.timetable.daily else 0

    def triggers(self) -> dict[str, tuple[BaseTrigger, Callable[[], Awaitable[int]]]]:
        tz, start = self.timetable.tz, self.clock()  # intervals count from the jobs' clock (tests drive it)
        return {
            "morning": (CronTrigger(hour=self.timetable.daily.hour, minute=self.timetable.daily.minute, timezone=tz),
                        self.morning),
            "nudges": (IntervalTrigger(seconds=NUDGE_EVERY.total_seconds(), start_date=start, timezone=tz), self.nudges),
            "escalate": (IntervalTrigger(seconds=ESCALATE_EVERY.total_seconds(), start_date=start,
                                     timezone=tz), self.escalate),
            "retention": (CronTrigger(hour=RETENTION_AT.hour, minute=RETENTION_AT.minute, timezone=tz), self.retention),
        }


class Scheduler:
    """APScheduler around the jobs: started when this process becomes the leader, stopped when it is not."""

    def __init__(self, jobs: Jobs) -> None:
        self.jobs = jobs
        self._scheduler: AsyncIOScheduler | None = None

    @property
    def running(self) -> bool:
        return self._scheduler is not None

    def job_ids(self) -> list[str]:
        return [job.id for job in self._scheduler.get_jobs()] if self._scheduler else []

    async def start(self) -> None:
        if self._scheduler is not None:
            return
        scheduler = AsyncIOScheduler(
            timezone=self.jobs.timetable.tz,
            job_defaults={"coalesce": True, "misfire_grace_time": MISFIRE_GRACE, "max_instances": 1},
        )
        for name, (trigger, job) in self.jobs.triggers().items():
            scheduler.add_job(self._guarded(name, job), trigger, id=name, name=name)
        scheduler.start()
        self._scheduler = scheduler
        log.info("scheduler started: daily pushes at %s", self.jobs.timetable.daily_time)
        await self._guarded("catch_up", self.jobs.catch_up)()

    async def stop(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
            log.info("scheduler stopped")

    @staticmethod
    def _guarded(name: str, job: Callable[[], Awaitable[int]]) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            try:
                await job()
            except Exception:  # one bad round must not stop the next
                log.exception("scheduled job %s failed", name)

        return run
