"""The unit tree (cây đơn vị công đoàn): lookups, accent-insensitive search, and loading."""

from __future__ import annotations

from rapidfuzz import fuzz, process
from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from conversations.text import fold
from storage.models import Unit

FUZZY_POOL = 300  # candidates scored when no unit contains every typed word


class UnitRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, unit_id: int) -> Unit | None:
        return await self.session.get(Unit, unit_id)

    async def by_code(self, code: str) -> Unit | None:
        result = await self.session.execute(select(Unit).where(func.upper(Unit.code) == code.strip().upper()))
        return result.scalar_one_or_none()

    async def by_path(self, path: str) -> Unit | None:
        """The unit at a path ('/' is the root of everything: the first top-level unit)."""
        if path == "/":
            result = await self.session.execute(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id).limit(1))
        else:
            result = await self.session.execute(select(Unit).where(Unit.path == path))
        return result.scalar_one_or_none()

    async def children(self, unit_id: int) -> list[Unit]:
        result = await self.session.execute(select(Unit).where(Unit.parent_id == unit_id).order_by(Unit.code))
        return list(result.scalars())

    async def count(self) -> int:
        return (await self.session.execute(select(func.count(Unit.id)))).scalar_one()

    async def add(
        self,
        *,
        code: str,
        name: str,
        kind: str,
        parent: Unit | None,
        member_count: int,
        target: int | None = None,
    ) -> Unit:
        unit = Unit(
            code=code,
            name=name,
            name_folded=fold(f"{name} {code}"),
            kind=kind,
            parent_id=parent.id if parent else None,
            member_count=member_count,
            target=target,
        )
        self.session.add(unit)
        await self.session.flush()
        unit.path = f"{parent.path if parent else '/'}{unit.id}/"
        await self.session.flush()
        return unit

    async def all(self) -> list[Unit]:
        return list((await self.session.execute(select(Unit).order_by(Unit.id))).scalars())

    async def parents_by_code(self) -> dict[str, str | None]:
        """code -> parent's code for the whole stored tree (to check an import against it)."""
        units = await self.all()
        codes = {u.id: u.code for u in units}
        return {u.code: codes.get(u.parent_id) for u in units}

    async def repath(self) -> int:
        """Recompute every materialised path after units moved; returns how many changed."""
        units = await self.all()
        children: dict[int | None, list[Unit]] = {}
        for unit in units:
            children.setdefault(unit.parent_id, []).append(unit)
        changed, queue = 0, [(root, "/") for root in children.get(None, [])]
        while queue:
            unit, prefix = queue.pop()
            path = f"{prefix}{unit.id}/"
            if unit.path != path:
                unit.path, changed = path, changed + 1
            queue += [(child, path) for child in children.get(unit.id, [])]
        await self.session.flush()
        return changed

    async def analyze(self) -> None:
        """Refresh the planner's statistics of the unit tree (ANALYZE, on either engine)."""
        await self.session.execute(text("ANALYZE units"))
        await self.session.execute(text("ANALYZE phase_targets"))

    async def search(self, query: str, limit: int = 8) -> list[Unit]:
        """Units whose name or code holds every typed word, ignoring accents and case.

        When none does (a typo, a missing word), the units holding any of the words are
        ranked by fuzzy similarity, so "truong mam non kim hi" still finds "Kim Hỷ".
        """
        words = [w for w in fold(query).split() if len(w) > 1 or w.isdigit()]
        if not words:
            return []
        exact = await self._matching(and_(*[Unit.name_folded.contains(w, autoescape=True) for w in words]), limit + 1)
        if exact:
            return self._rank(exact, query)[:limit]
        pool = await self._matching(or_(*[Unit.name_folded.contains(w, autoescape=True) for w in words]), FUZZY_POOL)
        scored = process.extract(
            fold(query), {u.id: u.name_folded for u in pool}, scorer=fuzz.token_set_ratio, limit=limit, score_cutoff=80
        )
        by_id = {u.id: u for u in pool}
        return [by_id[key] for _name, _score, key in scored]

    async def _matching(self, condition, limit: int) -> list[Unit]:
        result = await self.session.execute(select(Unit).where(condition).order_by(Unit.name).limit(limit))
        return list(result.scalars())

    @staticmethod
    def _rank(units: list[Unit], query: str) -> list[Unit]:
        folded = fold(query)
        return sorted(units, key=lambda u: (-fuzz.token_set_ratio(folded, u.name_folded), len(u.name)))
