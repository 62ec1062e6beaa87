"""Members, their platform identities, and their help requests."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChannelIdentity, HelpRequest, Member, Unit


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

    async def listing(self, unit_code: str | None = None) -> list[tuple[int, str, str | None, str]]:
        """(id, name, unit code, 'channel:user, ...') for every member, or those of a unit's subtree."""
        query = select(Member, Unit).outerjoin(Unit, Unit.id == Member.unit_id).order_by(Member.name, Member.id)
        if unit_code:
            root = (await self.session.execute(select(Unit).where(Unit.code == unit_code.upper()))).scalar_one_or_none()
            if root is None:
                return []
            query = query.where(Unit.path.startswith(root.path))
        rows = (await self.session.execute(query)).all()
        identities = (await self.session.execute(select(ChannelIdentity))).scalars().all()
        accounts: dict[int, list[str]] = {}
        for identity in identities:
            accounts.setdefault(identity.member_id, []).append(f"{identity.channel}:{identity.external_user_id}")
        return [(m.id, m.name, u.code if u else None, ", ".join(accounts.get(m.id, []))) for m, u in rows]

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
