"""Phases (giai đoạn) and the targets of each unit in each phase."""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Phase, PhaseTarget


class PhaseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, code: str, name: str, starts_on: date, ends_on: date) -> Phase:
        """A new phase; phases never overlap, so every day belongs to one phase at most (`current` is no guess)."""
        if ends_on < starts_on:
            raise ValueError("a phase ends after it starts")
        other = await self.overlapping(starts_on, ends_on)
        if other is not None:
            raise ValueError(f"phase {code} would overlap {other.code} ({other.starts_on} – {other.ends_on})")
        phase = Phase(code=code, name=name, starts_on=starts_on, ends_on=ends_on)
        self.session.add(phase)
        await self.session.flush()
        return phase

    async def all(self) -> list[Phase]:
        return list((await self.session.execute(select(Phase).order_by(Phase.starts_on, Phase.id))).scalars())

    async def by_code(self, code: str) -> Phase | None:
        result = await self.session.execute(select(Phase).where(Phase.code == code))
        return result.scalar_one_or_none()

    async def overlapping(self, starts_on: date, ends_on: date) -> Phase | None:
        """The first phase sharing a day with these dates, if any."""
        result = await self.session.execute(
            select(Phase).where(Phase.starts_on <= ends_on, Phase.ends_on >= starts_on).order_by(Phase.starts_on).limit(1)
        )
        return result.scalar_one_or_none()

    async def current(self, today: date) -> Phase | None:
        """The phase running today; between phases, the one that ended last (figures default to it)."""
        phases = await self.all()
        running = [p for p in phases if p.starts_on <= today <= p.ends_on]
        if running:
            return running[-1]
        past = [p for p in phases if p.ends_on < today]
        return past[-1] if past else None

    async def targets(self, phase_id: int) -> dict[int, int]:
        result = await self.session.execute(select(PhaseTarget).where(PhaseTarget.phase_id == phase_id))
        return {t.unit_id: t.target for t in result.scalars()}

    async def all_targets(self) -> dict[tuple[int, int], int]:
        """(unit id, phase id) -> target, for exports."""
        result = await self.session.execute(select(PhaseTarget))
        return {(t.unit_id, t.phase_id): t.target for t in result.scalars()}

    async def set_target(self, unit_id: int, phase_id: int, target: int | None) -> None:
        result = await self.session.execute(
            select(PhaseTarget).where(PhaseTarget.unit_id == unit_id, PhaseTarget.phase_id == phase_id)
        )
        row = result.scalar_one_or_none()
        if target is None:
            if row is not None:
                await self.session.delete(row)
        elif row is None:
            self.session.add(PhaseTarget(unit_id=unit_id, phase_id=phase_id, target=target))
        else:
            row.target = target
        await self.session.flush()

    async def set_targets(self, wanted: dict[tuple[int, int], int | None]) -> None:
        """Many set_target at once ((unit id, phase id) -> target, None to clear): a statement per kind of change."""
        if not wanted:
            return
        table = PhaseTarget.__table__
        phases = {phase_id for _, phase_id in wanted}
        stored = {(row.unit_id, row.phase_id): (row.id, row.target) for row in (await self.session.execute(
            select(table.c.id, table.c.unit_id, table.c.phase_id, table.c.target).where(table.c.phase_id.in_(phases))
        )).all()}
        added, changed, cleared = [], [], []
        for (unit_id, phase_id), target in wanted.items():
            row_id, now = stored.get((unit_id, phase_id), (None, None))
            if target is None and row_id is not None:
                cleared.append(row_id)
            elif target is not None and row_id is None:
                added.append({"unit_id": unit_id, "phase_id": phase_id, "target": target})
            elif target is not None and target != now:
                changed.append({"row_id": row_id, "new_target": target})
        if added:
            await self.session.execute(insert(table), added)
        if changed:
            await self.session.execute(update(table).where(table.c.id == bindparam("row_id"))
                                       .values(target=bindparam("new_target")), changed)
        for start in range(0, len(cleared), 5000):  # within either engine's limit of bound parameters
            await self.session.execute(delete(table).where(table.c.id.in_(cleared[start:start + 5000])))
