"""Help requests ("Cần hỗ trợ"): routed to the nearest support team up the tree, taken, closed, escalated."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import HelpRequest, Member, Role, Unit


def ancestors(path: str) -> list[int]:
    """Unit ids on a path, nearest first: '/1/5/23/' -> [23, 5, 1]."""
    return [int(part) for part in reversed(path.strip("/").split("/")) if part]


# Built once: the escalation job asks every minute.
_OVERDUE = (
    select(HelpRequest)
    .where(HelpRequest.status == "open", HelpRequest.routed_at.is_not(None),
           HelpRequest.routed_at < bindparam("routed_before"))
    .order_by(HelpRequest.id)
    .limit(bindparam("limit"))
)


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

    async def get(self, request_id: int) -> HelpRequest | None:
        return await self.session.get(HelpRequest, request_id)

    async def support_team(self, path: str, *, above: int | None = None) -> tuple[Unit, list[Member]] | None:
        """The nearest unit on this path (strictly above unit `above`, when given) with a support team, and its team."""
        ids = ancestors(path)
        if above is not None:
            ids = ids[ids.index(above) + 1 :] if above in ids else []
        if not ids:
            return None
        result = await self.session.execute(
            select(Role.unit_id, Member).join(Member, Member.id == Role.member_id).where(
                Role.role == "support", Role.unit_id.in_(ids)
            )
        )
        teams: dict[int, list[Member]] = {}
        for unit_id, member in result.all():
            teams.setdefault(unit_id, []).append(member)
        nearest = next((unit_id for unit_id in ids if unit_id in teams), None)
        if nearest is None:
            return None
        return await self.session.get(Unit, nearest), sorted(teams[nearest], key=lambda m: m.id)

    async def route(self, request: HelpRequest, unit_id: int, now: datetime) -> None:
        request.routed_unit_id = unit_id
        request.routed_at = now
        await self.session.flush()

    async def take(self, request_id: int, member_id: int, now: datetime) -> bool:
        """True for the one who takes an open request; whoever comes second gets False."""
        result = await self.session.execute(
            update(HelpRequest)
            .where(HelpRequest.id == request_id, HelpRequest.status == "open")
            .values(status="taken", taken_by_id=member_id, taken_at=now)
        )
        return result.rowcount == 1

    async def close(self, request: HelpRequest, now: datetime) -> None:
        request.status = "closed"
        request.closed_at = now
        await self.session.flush()

    def _active(self, channel: str, chat_id: str):
        """Requests of this chat still open or being answered, that reached a support team."""
        return (HelpRequest.channel == channel, HelpRequest.chat_id == chat_id,
                HelpRequest.status.in_(("open", "taken")), HelpRequest.routed_unit_id.is_not(None))

    async def active_in_chat(self, channel: str, chat_id: str) -> HelpRequest | None:
        result = await self.session.execute(
            select(HelpRequest).where(*self._active(channel, chat_id)).order_by(HelpRequest.id.desc()).limit(1)
        )
        return result.scalar_one_or_none()

    async def attach_draft(self, channel: str, chat_id: str, initiative_id: int) -> None:
        """A draft begun after asking for help: the helper sees it and can continue it."""
        await self.session.execute(
            update(HelpRequest).where(*self._active(channel, chat_id), HelpRequest.initiative_id.is_(None))
            .values(initiative_id=initiative_id)
        )

    async def waiting(self, roots: list[str], limit: int = 8) -> list[tuple[HelpRequest, Unit | None]]:
        """Open and taken requests from units in these subtrees, oldest first."""
        query = (
            select(HelpRequest, Unit)
            .outerjoin(Unit, Unit.id == HelpRequest.unit_id)
            .where(HelpRequest.status.in_(("open", "taken")))
            .order_by(HelpRequest.created_at, HelpRequest.id)
            .limit(limit)
        )
        if "/" not in roots:
            query = query.where(or_(*[Unit.path.startswith(root) for root in roots]))
        return [tuple(row) for row in (await self.session.execute(query)).all()]

    async def overdue(self, routed_before: datetime, limit: int = 200) -> list[HelpRequest]:
        result = await self.session.execute(_OVERDUE, {"routed_before": routed_before, "limit": limit})
        return list(result.scalars())
