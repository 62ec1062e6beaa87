"""Help requests nobody took in time go one level up the tree: a small loop until the scheduler (issue 6) runs it."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone
from typing import Callable

from handlers.help_desk import escalate_overdue
from storage.db import Database

log = logging.getLogger(__name__)


async def escalate_once(db: Database, after: timedelta, now: datetime) -> int:
    async with db.transaction() as tx:
        moved = await escalate_overdue(tx, now, routed_before=now - after)
    if moved:
        log.info("escalated %d help request(s) nobody took within %s", moved, after)
    return moved


async def run(
    db: Database,
    stop: asyncio.Event,
    after: timedelta,
    *,
    interval: float = 60.0,
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> None:
    while not stop.is_set():
        try:
            await escalate_once(db, after, clock())
        except Exception:
            log.exception("help request escalation round failed")
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
        except asyncio.TimeoutError:
            pass
