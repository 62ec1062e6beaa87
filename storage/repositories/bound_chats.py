"""Chats that receive a unit's pushes: groups bound with /ganketnhom, officers' private chats that opted in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import BoundChat, Unit, utcnow


# Built once: every message in a group asks for its binding.
_BINDING = (select(BoundChat, Unit).join(Unit, Unit.id == BoundChat.unit_id)
            .where(BoundChat.channel == bindparam("channel"), BoundChat.chat_id == bindparam("chat")))
_BINDING_LOCKED = _BINDING.with_for_update(of=BoundChat)


class BoundChatRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, channel: str, chat_id: str, lock: bool = False) -> tuple[BoundChat, Unit] | None:
        """The chat's binding and unit; `lock` holds the binding until the transaction ends (PostgreSQL: another
        process asking about the same chat waits, then reads what this one wrote; SQLite has one writer anyway)."""
        result = await self.session.execute(_BINDING_LOCKED if lock else _BINDING, {"channel": channel, "chat": chat_id})
        row = result.first()
        return (row[0], row[1]) if row else None

    async def bind(
        self, channel: str, chat_id: str, *, kind: str, unit_id: int, member_id: int | None,
        title: str | None = None, locale: str = "vi", bot_link: str | None = None,
    ) -> BoundChat:
        """Bind the chat to the unit, or move it to another unit (its pause is kept).

        `bot_link`: where the chat's members message the bot privately (its campaign news name it).
        """
        found = await self.get(channel, chat_id)
        if found is None:
            chat = BoundChat(channel=channel, chat_id=chat_id, kind=kind, unit_id=unit_id, member_id=member_id,
                             title=(title or None) and title[:200], locale=locale, bot_link=bot_link or None)
            self.session.add(chat)
        else:
            chat = found[0]
            chat.unit_id, chat.member_id, chat.locale = unit_id, member_id, locale
            chat.title = (title or chat.title or None) and (title or chat.title)[:200]
            chat.bot_link = bot_link or chat.bot_link
        await self.session.flush()
        return chat

    async def unbind(self, channel: str, chat_id: str) -> bool:
        result = await self.session.execute(
            delete(BoundChat).where(BoundChat.channel == channel, BoundChat.chat_id == chat_id)
        )
        return bool(result.rowcount)

    async def remember_link(self, channel: str, chat_id: str, bot_link: str) -> bool:
        """Keep the bot's link as the chat last saw it (a bot renamed, or a group bound before links were kept)."""
        result = await self.session.execute(
            update(BoundChat).where(BoundChat.channel == channel, BoundChat.chat_id == chat_id).values(bot_link=bot_link)
        )
        return bool(result.rowcount)

    async def pause(self, channel: str, chat_id: str, paused: bool, now: datetime | None = None) -> bool:
        result = await self.session.execute(
            update(BoundChat).where(BoundChat.channel == channel, BoundChat.chat_id == chat_id)
            .values(paused_at=(now or utcnow()) if paused else None)
        )
        return bool(result.rowcount)

    async def receiving(self, under_path: str | None = None, kind: str | None = None) -> list[tuple[BoundChat, Unit]]:
        """Chats not paused, with their unit; only those of units under `under_path` when given."""
        query = select(BoundChat, Unit).join(Unit, Unit.id == BoundChat.unit_id).where(BoundChat.paused_at.is_(None))
        if under_path is not None:
            query = query.where(Unit.path.startswith(under_path))
        if kind is not None:
            query = query.where(BoundChat.kind == kind)
        result = await self.session.execute(query.order_by(BoundChat.id))
        return [(chat, unit) for chat, unit in result.all()]

    async def of_member(self, member_id: int, kind: str = "private") -> list[tuple[BoundChat, Unit]]:
        result = await self.session.execute(
            select(BoundChat, Unit).join(Unit, Unit.id == BoundChat.unit_id)
            .where(BoundChat.member_id == member_id, BoundChat.kind == kind)
        )
        return [(chat, unit) for chat, unit in result.all()]
