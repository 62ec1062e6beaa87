"""The campaigns' daily job: what each campaign owes its groups today (announcement, countdown, summary)."""

from __future__ import annotations

from datetime import datetime

from handlers import campaign_pushes
from handlers.timetable import Timetable
from storage.db import Database


async def push_campaigns(db: Database, timetable: Timetable, now: datetime) -> int:
    """Queue what each campaign owes its groups today; how many messages were queued now."""
    day = now.date()
    async with db.transaction() as tx:
        campaigns = await tx.campaigns.around(day)
    queued = 0
    for campaign, unit in campaigns:
        for what in timetable.campaign_due(campaign, day):
            async with db.transaction() as tx:
                queued += await campaign_pushes.send(tx, campaign, unit, what, timetable, now)
    return queued
