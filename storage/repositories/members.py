"""Members and their platform identities."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, bindparam, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from conversations.text import fold
from storage.models import ChannelIdentity, ConversationState, Member, Role, Unit


# Built once (every update looks the person up): building a statement costs more than running it.
_BY_IDENTITY = (
    select(Member)
    .join(ChannelIdentity, ChannelIdentity.member_id == Member.id)
    .where(ChannelIdentity.channel == bindparam("channel"), ChannelIdentity.external_user_id == bindparam("user"))
)

# Built once: everything an update needs of its sender, in one statement (a row per role; one row when nobody
# is known yet). Rooted on a single row so that a stranger's conversation is found too.
_role_unit = aliased(Unit)
_ARRIVAL = (
    select(Member, Unit, ConversationState, Role.role, _role_unit.path)
    .select_from(select(literal(1).label("one")).subquery())
    .outerjoin(ChannelIdentity, and_(ChannelIdentity.channel == bindparam("channel"),
                                     ChannelIdentity.external_user_id == bindparam("user")))
    .outerjoin(Member, Member.id == ChannelIdentity.member_id)
    .outerjoin(Unit, Unit.id == Member.unit_id)
    .outerjoin(Role, Role.member_id == Member.id)
    .outerjoin(_role_unit, _role_unit.id == Role.unit_id)
    .outerjoin(ConversationState, and_(ConversationState.channel == bindparam("channel"),
                                       ConversationState.chat_id == bindparam("chat"),
                                       ConversationState.user_id == bindparam("user")))
)


@dataclass(frozen=True)
class Arrival:
    """Who sent an update, as one read finds them: the member (None: not registered), their unit, their
    (role, unit path) pairs, and their stored conversation in that chat."""

    member: Member | None
    unit: Unit | None
    scopes: tuple[tuple[str, str | None], ...]
    conversation: ConversationState | None


class MemberRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._arrival: Arrival | None = None  # kept for the transaction: the session holds what it loaded weakly

    async def arriving(self, channel: str, external_user_id: str, chat_id: str) -> Arrival:
        rows = (await self.session.execute(_ARRIVAL, {"channel": channel, "user": external_user_id, "chat": chat_id})).all()
        member, unit, conversation = rows[0][0], rows[0][1], rows[0][2]
        scopes = tuple((role, path) for *_, role, path in rows if role is not None)
        self._arrival = Arrival(member, unit, scopes, conversation)  # the member's unit is not read again
        return self._arrival

    async def by_identity(self, channel: str, external_user_id: str) -> Member | None:
        result = await self.session.execute(_BY_IDENTITY, {"channel": channel, "user": external_user_id})
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

    async def identities(self, member_id: int) -> list[ChannelIdentity]:
        """The chat accounts of a member (none for a worker entered on their behalf without one)."""
        result = await self.session.execute(
            select(ChannelIdentity).where(ChannelIdentity.member_id == member_id).order_by(ChannelIdentity.id)
        )
        return list(result.scalars())

    async def search(self, query: str, roots: list[str], limit: int = 8) -> list[tuple[Member, Unit]]:
        """Members of these subtrees whose name holds every typed word, accents and case aside."""
        words = fold(query).split()
        if not words:
            return []
        condition = [Member.name_folded.contains(word, autoescape=True) for word in words]
        if "/" not in roots:
            condition.append(or_(*[Unit.path.startswith(root) for root in roots]))
        result = await self.session.execute(
            select(Member, Unit).join(Unit, Unit.id == Member.unit_id).where(*condition).order_by(Member.name).limit(limit)
        )
        return [tuple(row) for row in result.all()]

    async def add_without_account(self, name: str, unit_id: int, locale: str = "vi") -> Member:
        """A worker entered by the support team who has no chat account (yet)."""
        member = Member(name=name, unit_id=unit_id, locale=locale)
        self.session.add(member)
        await self.session.flush()
        return member
