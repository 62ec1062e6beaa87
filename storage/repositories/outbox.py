"""The outbox: messages written with the change that caused them and sent afterwards."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Outbox, utcnow
from storage.repositories.upsert import insert_ignore


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, channel: str, chat_id: str, payload: dict, dedupe_key: str) -> int | None:
        """Queue a message; a second message with the same dedupe key is a no-op (returns None)."""
        return await insert_ignore(
            self.session,
            Outbox.__table__,
            {
                "channel": channel,
                "chat_id": chat_id,
                "payload": payload,
                "dedupe_key": dedupe_key,
                "attempts": 0,
                "created_at": utcnow(),
            },
            ["dedupe_key"],
        )

    async def pending(
        self,
        channel: str,
        limit: int = 100,
        *,
        created_before: datetime | None = None,
        max_attempts: int | None = None,
    ) -> list[Outbox]:
        """Unsent messages, oldest first; those still being sent by their handler can be left out by age."""
        query = select(Outbox).where(Outbox.channel == channel, Outbox.sent_at.is_(None))
        if created_before is not None:
            query = query.where(Outbox.created_at < created_before)
        if max_attempts is not None:
            query = query.where(Outbox.attempts < max_attempts)
        result = await self.session.execute(query.order_by(Outbox.id).limit(limit))
        return list(result.scalars())

    async def mark_sent(self, ids: list[int], when: datetime | None = None) -> None:
        if ids:
            await self.session.execute(
                update(Outbox).where(Outbox.id.in_(ids)).values(sent_at=when or utcnow())
            )

    async def mark_failed(self, outbox_id: int, error: str) -> None:
        await self.session.execute(
            update(Outbox)
            .where(Outbox.id == outbox_id)
            .values(attempts=Outbox.attempts + 1, last_error=error[:1000])
        )
