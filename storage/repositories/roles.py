"""Roles: officers and support team members of a unit's subtree, and admins of everything."""

from __future__ import annotations

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Member, Role, Unit

ROLES = ("officer", "support", "admin")
# Built once: every update of a person asks for their roles.
_SCOPES = select(Role.role, Unit.path).outerjoin(Unit, Unit.id == Role.unit_id).where(Role.member_id == bindparam("member"))


class RoleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def grant(self, member_id: int, role: str, unit_id: int | None) -> bool:
        """True when granted now; False when the member had it already."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        if (role == "admin") != (unit_id is None):
            raise ValueError("an admin has no unit; an officer or support member has exactly one")
        if await self._find(member_id, role, unit_id) is not None:
            return False
        self.session.add(Role(member_id=member_id, role=role, unit_id=unit_id))
        await self.session.flush()
        return True

    async def revoke(self, member_id: int, role: str, unit_id: int | None) -> bool:
        found = await self._find(member_id, role, unit_id)
        if found is not None:
            await self.session.execute(delete(Role).where(Role.id == found.id))
        return found is not None

    async def scopes(self, member_id: int) -> list[tuple[str, str | None]]:
        """(role, unit path) pairs; the path is None for an admin."""
        result = await self.session.execute(_SCOPES, {"member": member_id})
        return [(role, path) for role, path in result.all()]

    async def listing(self) -> list[tuple[Member, str, Unit | None]]:
        result = await self.session.execute(
            select(Member, Role.role, Unit)
            .join(Role, Role.member_id == Member.id)
            .outerjoin(Unit, Unit.id == Role.unit_id)
            .order_by(Member.name, Role.role)
        )
        return [(member, role, unit) for member, role, unit in result.all()]

    async def reviewers(self, unit_ids: list[int]) -> list[tuple[int, Member]]:
        """(unit id, member) for each officer and support member of these units (those who review there)."""
        if not unit_ids:
            return []
        result = await self.session.execute(
            select(Role.unit_id, Member).join(Member, Member.id == Role.member_id)
            .where(Role.role.in_(("officer", "support")), Role.unit_id.in_(unit_ids))
            .distinct().order_by(Role.unit_id, Member.id)
        )
        return [(unit_id, member) for unit_id, member in result.all()]

    async def admins(self) -> list[Member]:
        """Members who hold the admin role (they hear about messages that could not be delivered)."""
        result = await self.session.execute(
            select(Member).join(Role, Role.member_id == Member.id).where(Role.role == "admin")
            .distinct().order_by(Member.id)
        )
        return list(result.scalars())

    async def _find(self, member_id: int, role: str, unit_id: int | None) -> Role | None:
        unit_match = Role.unit_id.is_(None) if unit_id is None else Role.unit_id == unit_id
        result = await self.session.execute(
            select(Role).where(Role.member_id == member_id, Role.role == role, unit_match)
        )
        return result.scalar_one_or_none()
