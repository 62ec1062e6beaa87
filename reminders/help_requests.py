"""Help requests nobody took in time go one level up the tree (run every minute by the scheduler)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from handlers.help_desk import escalate_overdue
from storage.db import Database

log = logging.getLogger(__name__)


async def escalate_once(db: Database, after: timedelta, now: datetime) -> int:
    async with db.transaction() as tx:
        moved = await escalate_overdue(tx, now, routed_before=now - after)
    if moved:
        log.info("escalated %d help request(s) nobody took within %s", moved, after)
    return moved
