"""Members, their platform identities, and their help requests."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChannelIdentity, HelpRequest, Member


class MemberRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_identity(self, channel: str, external_user_id: str) -> Member | None:
        result = await self.session.execute(
            select(Member)
            .join(ChannelIdentity, ChannelIdentity.member_id == Member.id)
            .where(ChannelIdentity.channel == channel, ChannelIdentity.external_user_id == external_user_id)
        )
        return result.scalar_one_or_none()

    async def register(
        self,
        *,
        channel: str,
        external_user_id: str,
        name: str,
        unit_id: int,
        target_group: str | None,
        locale: str,
        phone: str | None = None,
    ) -> Member:
        member = Member(name=name, unit_id=unit_id, target_group=target_group, locale=locale, phone=phone)
        self.session.add(member)
        await self.session.flush()
        self.session.add(ChannelIdentity(channel=channel, external_user_id=external_user_id, member_id=member.id))
        await self.session.flush()
        return member

    async def get(self, member_id: int) -> Member | None:
        return await self.session.get(Member, member_id)

    async def set_locale(self, member: Member, locale: str) -> None:
        member.locale = locale
        await self.session.flush()


class HelpRequestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open(
        self,
        *,
        member_id: int | None,
        name: str,
        unit_id: int | None,
        initiative_id: int | None,
        channel: str,
        chat_id: str,
        step: str | None,
    ) -> HelpRequest:
        request = HelpRequest(
            member_id=member_id,
            name=name,
            unit_id=unit_id,
            initiative_id=initiative_id,
            channel=channel,
            chat_id=chat_id,
            step=step,
        )
        self.session.add(request)
        await self.session.flush()
        return request
