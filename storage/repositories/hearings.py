"""Voice notes waiting for the transcriber, and what it heard written on their attachments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Attachment, Hearing, Initiative, utcnow
from storage.repositories.upsert import insert_ignore

GIVE_UP_AFTER = 3  # attempts: a file the engine fails on three times is left to the support team


@dataclass(frozen=True)
class Waiting:
    id: int
    channel: str
    chat_id: str
    user_id: str
    file_ref: str
    stored_key: str
    attempts: int
    round: int  # which hearing of the note: its words go back as an update of their own each time


class HearingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.queued = False  # a voice note was queued: the transcriber is woken once the transaction commits

    async def add(self, channel: str, chat_id: str, user_id: str, file_ref: str, stored_key: str) -> int | None:
        """Queue a voice note; one waiting already is left as it is, and one heard before (the same note sent again
        for another draft, whose words that draft does not have) is heard again."""
        values = {"channel": channel, "chat_id": chat_id, "user_id": user_id, "file_ref": file_ref,
                  "stored_key": stored_key, "attempts": 0, "created_at": utcnow()}
        added = await insert_ignore(self.session, Hearing.__table__, values, ["channel", "chat_id", "file_ref"])
        if added is None:
            again = await self.session.execute(
                update(Hearing).where(Hearing.channel == channel, Hearing.chat_id == chat_id,
                                      Hearing.file_ref == file_ref, Hearing.done_at.is_not(None))
                .values(done_at=None, attempts=0, claimed_until=None, created_at=values["created_at"],
                        stored_key=stored_key, user_id=user_id)
            )
            added = 1 if again.rowcount else None
        self.queued = self.queued or added is not None
        return added

    async def claim(self, now: datetime, lease: timedelta, channel: str | None = None) -> Waiting | None:
        """The oldest voice note no process is hearing (of `channel` only, if given), claimed for `lease`; None when
        none waits."""
        free = or_(Hearing.claimed_until.is_(None), Hearing.claimed_until < now)
        query = select(Hearing).where(Hearing.done_at.is_(None), free).order_by(Hearing.id).limit(1)
        row = (await self.session.execute(
            query.where(Hearing.channel == channel) if channel is not None else query
        )).scalar_one_or_none()
        if row is None:
            return None
        waiting = Waiting(row.id, row.channel, row.chat_id, row.user_id, row.file_ref, row.stored_key, row.attempts + 1,
                          int(row.created_at.timestamp() * 1000))
        taken = await self.session.execute(  # another process may have claimed it between the two statements
            update(Hearing).where(Hearing.id == row.id, free).values(claimed_until=now + lease,
                                                                     attempts=Hearing.attempts + 1)
        )
        return waiting if taken.rowcount == 1 else None

    async def done(self, hearing_id: int, now: datetime) -> None:
        await self.session.execute(update(Hearing).where(Hearing.id == hearing_id).values(done_at=now))

    async def waiting(self, channel: str | None = None) -> int:
        query = select(func.count()).select_from(Hearing).where(Hearing.done_at.is_(None))
        return await self.session.scalar(query.where(Hearing.channel == channel) if channel is not None else query)

    async def keep_transcript(self, author_id: int, file_ref: str, text: str) -> int:
        """What was heard, on the voice note of the author's initiatives (their drafts and sent ones alike)."""
        rows = (await self.session.execute(
            select(Attachment).join(Initiative, Initiative.id == Attachment.initiative_id)
            .where(Initiative.author_id == author_id, Attachment.file_ref == file_ref)
        )).scalars().all()
        for row in rows:
            row.transcript = text
        return len(rows)
