"""Driving the scheduler's jobs on a simulated clock: each trigger's fire times, in order, with what each queued."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from reminders.scheduler import Jobs
from storage.models import Outbox


@dataclass
class Sent:
    at: datetime  # the simulated local time of the fire that queued it
    chat_id: str
    purpose: str
    text: str


class SimClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def fire_times(trigger, start: datetime, end: datetime) -> list[datetime]:
    times, previous, now = [], None, start
    while True:
        moment = trigger.get_next_fire_time(previous, now)
        if moment is None or moment > end:
            return times
        times.append(moment)
        previous, now = moment, moment + timedelta(microseconds=1)


async def queued_since(db, last_id: int) -> list[Outbox]:
    async with db.session() as session:
        return list((await session.execute(select(Outbox).where(Outbox.id > last_id).order_by(Outbox.id))).scalars())


async def drive(jobs: Jobs, clock: SimClock, start: datetime, end: datetime, names: tuple[str, ...],
                sent: list[Sent] | None = None) -> list[Sent]:
    """Fire the named jobs at every time their triggers give between start and end; what each fire queued."""
    sent = [] if sent is None else sent
    triggers = jobs.triggers()
    fires = sorted((t, name) for name in names for t in fire_times(triggers[name][0], start, end))
    last = max([0, *[row.id for row in await queued_since(jobs.db, 0)]])
    for moment, name in fires:
        clock.now = moment
        await triggers[name][1]()
        for row in await queued_since(jobs.db, last):
            sent.append(Sent(moment.astimezone(jobs.timetable.tz), row.chat_id, row.purpose, row.payload["text"]))
            last = row.id
    return sent
