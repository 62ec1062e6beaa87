"""Draft reminders (nhắc bản nháp): a draft untouched for a day gets one nudge, and a last one days later."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from conversations.model import Choice, Reply
from handlers import notices
from handlers.timetable import Timetable
from storage.db import Database

log = logging.getLogger(__name__)


async def nudge_drafts(db: Database, timetable: Timetable, now: datetime, limit: int = 500) -> int:
    """Queue the nudges owed now (none in quiet hours); how many drafts were nudged."""
    if timetable.quiet.holds(now.astimezone(timetable.tz)):
        return 0
    moment = now.astimezone(timezone.utc)
    nudged = 0
    async with db.transaction() as tx:
        drafts = await tx.initiatives.stale_drafts(moment - timetable.nudge_after, moment - timetable.nudge_again_after,
                                                   limit)
        for draft in drafts:
            author = await tx.members.get(draft.author_id)
            number = draft.nudges_sent + 1
            reply = Reply(f"nudge.draft_{number}", {"title": draft.title or ""},
                          (Choice(f"open:{draft.id}", key="choice.nudge.continue"),), actions=True)
            if author is not None:
                nudged += bool(await notices.to_member(tx, author, reply, f"nudge:{draft.id}:{number}", "nudge"))
            await tx.initiatives.mark_nudged(draft, moment)  # counted even without a chat: nobody to remind
    if nudged:
        log.info("%d draft reminders queued", nudged)
    return nudged
