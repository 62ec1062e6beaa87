"""One-time invites: a link an officer hands to someone to join a unit's officers or support team."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Invite


class InviteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, *, role: str, unit_id: int, created_by_id: int, now: datetime, lifetime: timedelta) -> Invite:
        invite = Invite(
            token=secrets.token_urlsafe(16),  # 22 characters, within what a Telegram ?start= carries
            role=role,
            unit_id=unit_id,
            created_by_id=created_by_id,
            created_at=now,
            expires_at=now + lifetime,
        )
        self.session.add(invite)
        await self.session.flush()
        return invite

    async def by_token(self, token: str) -> Invite | None:
        result = await self.session.execute(select(Invite).where(Invite.token == token))
        return result.scalar_one_or_none()

    async def use(self, invite: Invite, member_id: int, now: datetime) -> bool:
        """True for the first use of a live invite; a used or expired one gives False."""
        if invite.expires_at <= now:
            return False
        result = await self.session.execute(
            update(Invite).where(Invite.id == invite.id, Invite.used_at.is_(None)).values(used_by_id=member_id, used_at=now)
        )
        return result.rowcount == 1
