"""The daily figures (báo cáo tiến độ hằng ngày) to every bound group and every officer who asked for them."""

from __future__ import annotations

import logging
from datetime import datetime

from messaging.messages import Outgoing
from handlers.officer import progress_message
from messaging.pushes import queue
from storage.db import Database

log = logging.getLogger(__name__)
CHUNK = 200  # chats per transaction: a crash midway keeps what was queued, and the rerun adds the rest


async def push_daily(db: Database, now: datetime) -> int:
    """Queue today's report for each chat not paused; how many were queued now (0 for a second run)."""
    async with db.transaction() as tx:
        chats = await tx.bound_chats.receiving()
    made: dict[tuple[int, str], tuple[str, str | None]] = {}  # one report (and chart) per unit and language
    queued = 0
    for start in range(0, len(chats), CHUNK):
        async with db.transaction() as tx:
            for chat, unit in chats[start:start + CHUNK]:
                if (unit.id, chat.locale) not in made:
                    made[unit.id, chat.locale] = await progress_message(
                        tx, unit, chat.locale, now, "push.daily", date=now.strftime("%d/%m/%Y"))
                text, image = made[unit.id, chat.locale]
                message = Outgoing(chat.channel, chat.chat_id, text, chat.locale, image=image)
                queued += await queue(tx, chat, message, "daily", now.date().isoformat())
    log.info("daily figures queued for %d of %d chats", queued, len(chats))
    return queued
