"""Conversation state per (channel, chat, user) and the record of processed updates."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ConversationState, ProcessedUpdate
from storage.repositories.upsert import insert_ignore


_STATE = select(ConversationState).where(  # built once: read on every update
    ConversationState.channel == bindparam("channel"),
    ConversationState.chat_id == bindparam("chat"),
    ConversationState.user_id == bindparam("user"),
)


class UpdateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def mark_processed(self, channel: str, update_id: str) -> bool:
        """True the first time an update is seen; False for a repeated delivery."""
        new_id = await insert_ignore(
            self.session,
            ProcessedUpdate.__table__,
            {"channel": channel, "update_id": update_id},
            ["channel", "update_id"],
        )
        return new_id is not None


class ConversationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def load(self, channel: str, chat_id: str, user_id: str) -> ConversationState | None:
        result = await self.session.execute(_STATE, {"channel": channel, "chat": chat_id, "user": user_id})
        return result.scalar_one_or_none()

    async def save(
        self,
        row: ConversationState | None,
        *,
        channel: str,
        chat_id: str,
        user_id: str,
        flow: str | None,
        step: str | None,
        answers: dict,
        meta: dict,
    ) -> ConversationState:
        """Write the state; the version column makes a concurrent writer fail instead of overwriting."""
        if row is None:
            row = ConversationState(channel=channel, chat_id=chat_id, user_id=user_id)
            self.session.add(row)
        row.flow, row.step, row.answers, row.meta = flow, step, dict(answers), dict(meta)
        await self.session.flush()
        return row
